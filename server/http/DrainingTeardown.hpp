// SPDX-License-Identifier: Apache-2.0
// The end of a WebSocket connection over plain TCP: send FIN, read and discard what the peer still
// sends until its FIN, then close.
//
// Beast 1.74 does this in websocket::async_teardown, but its loop stops after the first read that
// returns data (it tests a bytes_transferred that the synchronous read_some never sets) and closes
// a socket that still holds unread input. The kernel then answers with a RST, and a peer still
// sending — typically one whose message was too big, refused with close 1009 (docs/protocol.md,
// Transport) — loses our close frame and sees 1006 instead. Here the drain ends at the peer's FIN,
// at an error, after kMaxDrainBytes, or when kDrainTimeout passes, whichever comes first: a peer
// that never stops sending cannot hold the connection.
#ifndef TCCC_SERVER_HTTP_DRAININGTEARDOWN_HPP
#define TCCC_SERVER_HTTP_DRAININGTEARDOWN_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/role.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>

namespace tccc::server {

inline constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;
inline constexpr std::chrono::seconds kDrainTimeout{10};

template <class Protocol, class Executor, class RatePolicy>
class DrainingTeardownOp {
 public:
  using Stream = boost::beast::basic_stream<Protocol, Executor, RatePolicy>;

  DrainingTeardownOp(Stream& stream, boost::beast::role_type role)
      : mStream(stream), mRole(role), mBuffer(std::make_unique<std::array<char, 16 * 1024>>()) {}

  template <class Self>
  void operator()(Self& self, boost::system::error_code ec = {}, std::size_t bytes = 0) {
    if (!mStarted) {
      mStarted = true;
      mStream.expires_after(kDrainTimeout);
      if (mRole == boost::beast::role_type::server) mStream.socket().shutdown(Protocol::socket::shutdown_send, ec);
      if (ec) return finish(self, ec);
      return mStream.async_read_some(boost::asio::buffer(*mBuffer), std::move(self));
    }
    mDrained += bytes;
    if (!ec && mDrained < kMaxDrainBytes)
      return mStream.async_read_some(boost::asio::buffer(*mBuffer), std::move(self));
    if (ec == boost::asio::error::eof) ec = {};
    finish(self, ec);
  }

 private:
  template <class Self>
  void finish(Self& self, boost::system::error_code ec) {
    boost::system::error_code ignored;
    if (mRole == boost::beast::role_type::client) mStream.socket().shutdown(Protocol::socket::shutdown_send, ignored);
    mStream.expires_never();
    mStream.socket().close(ignored);
    mBuffer.reset();
    self.complete(ec);
  }

  Stream& mStream;
  boost::beast::role_type mRole;
  std::unique_ptr<std::array<char, 16 * 1024>> mBuffer;  // on the heap: the op is moved at every step
  std::size_t mDrained = 0;
  bool mStarted = false;
};

template <class Protocol, class Executor, class RatePolicy, class Handler>
void asyncDrainingTeardown(boost::beast::role_type role,
                           boost::beast::basic_stream<Protocol, Executor, RatePolicy>& stream, Handler&& handler) {
  boost::asio::async_compose<Handler, void(boost::system::error_code)>(
      DrainingTeardownOp<Protocol, Executor, RatePolicy>(stream, role), handler, stream);
}

}  // namespace tccc::server

#endif
