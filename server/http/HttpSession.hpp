// SPDX-License-Identifier: Apache-2.0
// One HTTP/1.1 connection (keep-alive) over a plain or TLS stream; hands WebSocket upgrades to
// WsSession. Only HttpServer.cpp includes this (template).
#ifndef TCCC_SERVER_HTTP_HTTPSESSION_HPP
#define TCCC_SERVER_HTTP_HTTPSESSION_HPP

#include "http/FileRangeBody.hpp"
#include "http/HttpServer.hpp"
#include "http/TokenBucket.hpp"
#include "http/WsSession.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <type_traits>

namespace tccc::server {

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using FileResponse = boost::beast::http::response<FileRangeBody>;

 public:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  HttpSession(Stream&& stream, boost::beast::flat_buffer&& buffer, HttpServer& server, std::string remote,
              std::shared_ptr<void> slot)
      : mStream(std::move(stream)),
        mBuffer(std::move(buffer)),
        mServer(server),
        mRemote(std::move(remote)),
        mSlot(std::move(slot)),
        mBucket(server.options().httpRatePerSec, server.options().httpBurst) {}

  void run() {
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(mStream).expires_after(mServer.options().requestTimeout);
      // The bytes already peeked while detecting TLS are part of the ClientHello.
      mStream.async_handshake(boost::asio::ssl::stream_base::server, mBuffer.data(),
                              [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t used) {
                                if (ec) return HttpServer::fail(ec, "tls handshake");
                                self->mBuffer.consume(used);
                                self->doRead();
                              });
    } else {
      doRead();
    }
  }

 private:
  void doRead() {
    mParser.emplace();
    mParser->header_limit(static_cast<std::uint32_t>(mServer.options().maxHeaderBytes));
    mParser->body_limit(mServer.options().maxBodyBytes);
    boost::beast::get_lowest_layer(mStream).expires_after(mServer.options().requestTimeout);
    boost::beast::http::async_read(
        mStream, mBuffer, *mParser,
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(boost::beast::error_code ec) {
    namespace http = boost::beast::http;
    if (ec == http::error::end_of_stream) return doClose();
    if (ec == http::error::body_limit) return sendStatus(413, "request body larger than the limit");
    if (ec == http::error::header_limit) return sendStatus(431, "request header fields too large");
    if (ec) {
      // A malformed request gets a 400 if a response can still be written; timeouts and resets
      // just end the connection.
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::partial_message)
        return sendStatus(400, "malformed request");
      HttpServer::fail(ec, "http read");
      return;
    }
    Request req = mParser->release();
    HttpRequest request = toRequest(req);  // takes the body: an upgrade request has none

    if (boost::beast::websocket::is_upgrade(req)) {
      auto decision = mServer.checkUpgrade(request);
      if (decision.status != 101) return sendStatus(decision.status, decision.message);
      WsOpenInfo info{request.path, request.query, request.headers["origin"], mRemote,
                      request.headers["sec-websocket-protocol"]};
      auto ws = std::make_shared<WsSession<Stream>>(std::move(mStream), mServer, *decision.handler, std::move(info),
                                                    std::move(mSlot));
      ws->start(std::move(req));
      return;
    }

    const unsigned version = req.version();
    const bool keepAlive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    if (!mBucket.take()) return write(toResponse(mServer.rateLimited(request), version, keepAlive, head));
    // Nothing is read from the connection until the answer is written, however late it comes.
    mServer.handleHttp(request, [self = this->shared_from_this(), version, keepAlive, head](HttpResponse response) {
      if (response.file && !head) return self->writeFile(std::move(response), version, keepAlive);
      self->write(toResponse(std::move(response), version, keepAlive, head));
    });
  }

  HttpRequest toRequest(Request& req) const {
    HttpRequest out;
    out.remote = mRemote;
    out.method = std::string(req.method_string());
    std::string target(req.target());
    auto q = target.find('?');
    out.path = target.substr(0, q);
    if (q != std::string::npos) out.query = target.substr(q + 1);
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      auto& slot = out.headers[name];
      if (!slot.empty()) slot += ", ";
      slot += std::string(field.value());
    }
    out.body = std::move(req.body());
    return out;
  }

  template <class Message>
  static void setHeaders(Message& res, const HttpResponse& in, bool keepAlive) {
    namespace http = boost::beast::http;
    res.set(http::field::server, "tccc");
    if (in.status != 304 && in.status != 204) res.set(http::field::content_type, in.contentType);
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : in.headers) res.set(name, value);
    res.keep_alive(keepAlive);
  }

  static Response toResponse(HttpResponse in, unsigned version, bool keepAlive, bool head) {
    namespace http = boost::beast::http;
    Response res{static_cast<http::status>(in.status), version};
    setHeaders(res, in, keepAlive);
    if (head) {
      // HEAD: the size of what GET would send, no body.
      res.content_length(in.file ? in.file->length : in.body.size());
    } else {
      res.body() = std::move(in.body);
      res.prepare_payload();
    }
    return res;
  }

  void sendStatus(int status, const std::string& message) {
    HttpResponse r;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.body = message + "\n";
    write(toResponse(r, 11, false, false));
  }

  void write(Response&& response) {
    auto res = std::make_shared<Response>(std::move(response));
    mPending = res;
    boost::beast::get_lowest_layer(mStream).expires_after(mServer.options().requestTimeout);
    boost::beast::http::async_write(mStream, *res,
                                    [self = this->shared_from_this(), close = res->need_eof()](
                                        boost::beast::error_code ec, std::size_t) { self->onWrite(ec, close); });
  }

  /// A body streamed from a file: written piece by piece, each piece with the write timeout of
  /// its own, so a long file to a slow client is not cut off while it is still moving.
  void writeFile(HttpResponse in, unsigned version, bool keepAlive) {
    namespace http = boost::beast::http;
    auto res = std::make_shared<FileResponse>(static_cast<http::status>(in.status), version);
    setHeaders(*res, in, keepAlive);
    res->body() = in.file;
    res->prepare_payload();
    auto serializer = std::make_shared<http::response_serializer<FileRangeBody>>(*res);
    mPending = std::make_shared<std::pair<std::shared_ptr<FileResponse>, decltype(serializer)>>(res, serializer);
    writeSome(serializer, res->need_eof());
  }

  template <class Serializer>
  void writeSome(const std::shared_ptr<Serializer>& serializer, bool close) {
    boost::beast::get_lowest_layer(mStream).expires_after(mServer.options().requestTimeout);
    boost::beast::http::async_write_some(
        mStream, *serializer,
        [self = this->shared_from_this(), serializer, close](boost::beast::error_code ec, std::size_t) {
          if (ec || serializer->is_done()) return self->onWrite(ec, close);
          self->writeSome(serializer, close);
        });
  }

  void onWrite(boost::beast::error_code ec, bool close) {
    mPending.reset();
    if (ec) return HttpServer::fail(ec, "http write");
    if (close) return doClose();
    doRead();
  }

  void doClose() {
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(mStream).expires_after(std::chrono::seconds(5));
      mStream.async_shutdown([self = this->shared_from_this()](boost::beast::error_code ec) {
        if (ec) HttpServer::fail(ec, "tls shutdown");
      });
    } else {
      boost::beast::error_code ec;
      mStream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      if (ec) return;
      // Lingering close: closing a socket with unread input sends a TCP reset, and a client still
      // sending (the rest of an oversize body after our 413) can then lose the response before it
      // reads it. So read and discard until the client closes, for a bounded time and amount.
      mDiscard = std::make_unique<char[]>(kDiscardChunk);
      boost::beast::get_lowest_layer(mStream).expires_after(std::chrono::seconds(2));
      drain(0);
    }
  }

  void drain(std::size_t drained) {
    mStream.async_read_some(boost::asio::buffer(mDiscard.get(), kDiscardChunk),
                            [self = this->shared_from_this(), drained](boost::beast::error_code ec, std::size_t n) {
                              // EOF, reset or the timeout: done; the socket closes with this session.
                              if (ec || drained + n > 4 * self->mServer.options().maxBodyBytes) return;
                              self->drain(drained + n);
                            });
  }

  static constexpr std::size_t kDiscardChunk = 16 * 1024;

  Stream mStream;
  boost::beast::flat_buffer mBuffer;
  HttpServer& mServer;
  std::string mRemote;
  std::shared_ptr<void> mSlot;
  TokenBucket mBucket;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> mParser;
  std::shared_ptr<void> mPending;
  std::unique_ptr<char[]> mDiscard;  // only while draining before a close
};

}  // namespace tccc::server

#endif
