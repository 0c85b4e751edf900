// SPDX-License-Identifier: Apache-2.0
// One WebSocket over a plain or TLS stream. Only HttpServer.cpp includes this (template).
// Lifetime: kept alive by its pending asynchronous operations and by the server's registry, from
// which it removes itself when the socket ends; the handler's onClose is called exactly once.
#ifndef TCCC_SERVER_HTTP_WSSESSION_HPP
#define TCCC_SERVER_HTTP_WSSESSION_HPP

#include "http/HttpServer.hpp"
#include "http/TokenBucket.hpp"
#include "protocol/Protocol.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <memory>

namespace tccc::server {

template <class Stream>
class WsSession : public WsConnection, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(Stream&& stream, HttpServer& server, WsHandler& handler, WsOpenInfo info, std::shared_ptr<void> slot)
      : mWs(std::move(stream)),
        mServer(server),
        mHandler(handler),
        mInfo(std::move(info)),
        mSlot(std::move(slot)),
        mText(server.options().wsTextRatePerSec, server.options().wsTextBurst),
        mBinary(server.options().wsBinaryRatePerSec, server.options().wsBinaryBurst) {}

  void start(boost::beast::http::request<boost::beast::http::string_body> request) {
    namespace websocket = boost::beast::websocket;
    // The WebSocket has its own timeouts from here on; the TCP stream's must not fire.
    boost::beast::get_lowest_layer(mWs).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = mServer.options().wsIdleTimeout;
    timeouts.keep_alive_pings = true;  // a dead peer (no pong) is detected and dropped
    mWs.set_option(timeouts);
    mWs.set_option(websocket::stream_base::decorator([selected = mHandler.subprotocol(mInfo)](websocket::response_type& res) {
      res.set(boost::beast::http::field::server, "tccc");
      if (!selected.empty()) res.set(boost::beast::http::field::sec_websocket_protocol, selected);
    }));
    // Read up to twice the limit so that an oversized request can still be answered with
    // ERR_PAYLOAD_TOO_LARGE (docs/protocol.md, Transport); beyond that Beast closes with 1009.
    mWs.read_message_max(2 * mServer.options().maxWsMessageBytes);
    mWs.async_accept(request, [self = this->shared_from_this()](boost::beast::error_code ec) { self->onAccept(ec); });
  }

  bool queue(std::string data, bool binary) override {
    if (!mOpen || mClosing) return false;
    const auto& o = mServer.options();
    if (mQueue.size() >= o.maxWsQueueMessages || mQueuedBytes + data.size() > o.maxWsQueueBytes) {
      spdlog::warn("ws {} send queue full ({} messages, {} bytes): closing", mId, mQueue.size(), mQueuedBytes);
      closeWith(1008, "send queue overflow");
      return false;
    }
    mQueuedBytes += data.size();
    mQueue.emplace_back(std::move(data), binary);
    if (!mWriting) doWrite();
    return true;
  }

  void closeWith(int code, std::string reason) override {
    if (!mOpen || mClosing) return;
    mClosing = true;
    mCloseCode = code;
    mCloseReason = reason.substr(0, 120);  // a close frame's payload is at most 125 bytes
    // Whatever is still queued behind the frame in flight is dropped: the connection is going.
    while (mQueue.size() > (mWriting ? 1u : 0u)) {
      mQueuedBytes -= mQueue.back().first.size();
      mQueue.pop_back();
    }
    if (!mWriting) startClose();
  }

 private:
  void onAccept(boost::beast::error_code ec) {
    if (ec) {
      HttpServer::fail(ec, "ws accept");
      return;
    }
    mId = mServer.nextConnectionId();
    mOpen = true;
    mServer.registerWs(mId, this->shared_from_this());
    try {
      mHandler.onOpen(mId, mInfo);
    } catch (const std::exception& e) {
      spdlog::error("ws {} onOpen threw: {}", mId, e.what());
    }
    doRead();
  }

  void doRead() {
    mWs.async_read(mBuffer, [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(boost::beast::error_code ec) {
    if (ec) {
      finish(ec, "ws read");
      return;
    }
    const bool binary = mWs.got_binary();
    std::string data = boost::beast::buffers_to_string(mBuffer.data());
    mBuffer.consume(mBuffer.size());
    if (!mClosing && data.size() > mServer.options().maxWsMessageBytes) {
      rejectTooLarge(data, binary);
    } else if (!mClosing) {
      if (binary ? mBinary.take() : mText.take()) {
        mRejected = 0;  // only a run of refused messages counts as abuse
        dispatch(data, binary);
      } else {
        rejectRateLimited(data, binary);
      }
    }
    if (!mFinished) doRead();
  }

  void dispatch(const std::string& data, bool binary) {
    try {
      if (binary) mHandler.onBinary(mId, data);
      else mHandler.onText(mId, data);
    } catch (const std::exception& e) {
      spdlog::error("ws {} handler threw: {}", mId, e.what());
    } catch (...) {
      spdlog::error("ws {} handler threw an unknown exception", mId);
    }
  }

  void rejectTooLarge(const std::string& data, bool binary) {
    std::optional<std::int64_t> id;
    if (!binary) {
      protocol::Json j = protocol::parseJson(data, data.size(), protocol::kMaxJsonDepth);
      if (j.is_object() && j.value("type", "") == "req" && j.contains("id") && j["id"].is_number_integer())
        id = j["id"].get<std::int64_t>();
    }
    if (!id) {
      closeWith(1009, "message too big");
      return;
    }
    protocol::Response res;
    res.id = *id;
    res.ok = false;
    res.error = Error(Errc::PayloadTooLarge,
                      "the message is larger than " + std::to_string(mServer.options().maxWsMessageBytes) + " bytes");
    queue(protocol::encode(res), false);
  }

  void rejectRateLimited(const std::string& data, bool binary) {
    if (++mRejected > mServer.options().wsMaxRejected) {
      spdlog::warn("ws {} from {} keeps exceeding its rate limit: closing", mId, mInfo.remote);
      closeWith(1008, "rate limit exceeded");
      return;
    }
    if (binary) return;  // dropped media frames are not answered
    // A request gets its answer so that its promise does not hang until a timeout.
    auto decoded = protocol::decode(data);
    if (decoded.ok() && std::holds_alternative<protocol::Request>(*decoded.frame)) {
      protocol::Response res;
      res.id = std::get<protocol::Request>(*decoded.frame).id;
      res.ok = false;
      res.error = Error(Errc::RateLimited, "too many messages on this connection: slow down");
      queue(protocol::encode(res), false);
    }
  }

  void doWrite() {
    mWriting = true;
    mWs.binary(mQueue.front().second);
    mWs.async_write(boost::asio::buffer(mQueue.front().first),
                    [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) { self->onWrite(ec); });
  }

  void onWrite(boost::beast::error_code ec) {
    mWriting = false;
    if (!mQueue.empty()) {
      mQueuedBytes -= mQueue.front().first.size();
      mQueue.pop_front();
    }
    if (ec) {
      finish(ec, "ws write");
      return;
    }
    if (mClosing) {
      startClose();
    } else if (!mQueue.empty()) {
      doWrite();
    }
  }

  void startClose() {
    if (mCloseStarted || mFinished) return;
    mCloseStarted = true;
    boost::beast::websocket::close_reason reason;
    reason.code = static_cast<std::uint16_t>(mCloseCode);
    reason.reason = mCloseReason;
    mWs.async_close(reason, [self = this->shared_from_this()](boost::beast::error_code ec) { self->finish(ec, "ws close"); });
  }

  void finish(boost::beast::error_code ec, const char* what) {
    if (ec) HttpServer::fail(ec, what);
    if (mFinished) return;
    mFinished = true;
    if (!mOpen && mId == 0) return;
    mOpen = false;
    mServer.unregisterWs(mId);
    // A close frame from the peer ends the read with websocket::error::closed; its code is then known.
    const int peerCloseCode = ec == boost::beast::websocket::error::closed ? static_cast<int>(mWs.reason().code) : 0;
    try {
      mHandler.onClose(mId, peerCloseCode);
    } catch (const std::exception& e) {
      spdlog::error("ws {} onClose threw: {}", mId, e.what());
    }
  }

  boost::beast::websocket::stream<Stream> mWs;
  boost::beast::flat_buffer mBuffer;
  HttpServer& mServer;
  WsHandler& mHandler;
  WsOpenInfo mInfo;
  std::shared_ptr<void> mSlot;  // counts this connection against maxConnections
  TokenBucket mText;
  TokenBucket mBinary;
  ConnectionId mId = 0;
  std::deque<std::pair<std::string, bool>> mQueue;  // (data, binary); front is being written
  std::size_t mQueuedBytes = 0;
  int mRejected = 0;
  int mCloseCode = 1000;
  std::string mCloseReason;
  bool mOpen = false;
  bool mWriting = false;
  bool mClosing = false;
  bool mCloseStarted = false;
  bool mFinished = false;
};

}  // namespace tccc::server

#endif
