// SPDX-License-Identifier: Apache-2.0
// A response body streamed from part of an open file: Beast reads it in 64 KiB chunks with pread
// as the socket takes them, so a large file (a recording) never sits in memory whole.
#ifndef TCCC_SERVER_HTTP_FILERANGEBODY_HPP
#define TCCC_SERVER_HTTP_FILERANGEBODY_HPP

#include "Interfaces.hpp"

#include <unistd.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <vector>

namespace tccc::server {

/// `length` bytes of an open file from `offset`; owns (and closes) the descriptor.
struct HttpFileBody {
  HttpFileBody(int fd, std::uint64_t offset, std::uint64_t length) : fd(fd), offset(offset), length(length) {}
  ~HttpFileBody() {
    if (fd >= 0) ::close(fd);
  }
  HttpFileBody(const HttpFileBody&) = delete;
  HttpFileBody& operator=(const HttpFileBody&) = delete;

  const int fd;
  const std::uint64_t offset;
  const std::uint64_t length;
};

/// Beast Body: serialises an HttpFileBody.
struct FileRangeBody {
  using value_type = std::shared_ptr<const HttpFileBody>;

  static std::uint64_t size(const value_type& body) { return body ? body->length : 0; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;
    static constexpr std::size_t kChunk = 64 * 1024;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>&, const value_type& body) : mBody(body) {}

    void init(boost::beast::error_code& ec) {
      ec = {};
      mPosition = mBody ? mBody->offset : 0;
      mLeft = mBody ? mBody->length : 0;
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      if (mLeft == 0) return boost::none;
      mBuffer.resize(kChunk);
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(mLeft, kChunk));
      ssize_t n;
      do {
        n = ::pread(mBody->fd, mBuffer.data(), want, static_cast<off_t>(mPosition));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        // The file shrank under us or the disk failed: the connection is closed mid-body, which is
        // how HTTP tells a client that a response with a Content-Length is incomplete.
        ec = boost::beast::error_code(n < 0 ? errno : EIO, boost::system::system_category());
        return boost::none;
      }
      mPosition += static_cast<std::uint64_t>(n);
      mLeft -= static_cast<std::uint64_t>(n);
      return {{boost::asio::const_buffer(mBuffer.data(), static_cast<std::size_t>(n)), mLeft > 0}};
    }

   private:
    value_type mBody;
    std::uint64_t mPosition = 0;
    std::uint64_t mLeft = 0;
    std::vector<char> mBuffer;
  };
};

}  // namespace tccc::server

#endif
