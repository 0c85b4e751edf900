// SPDX-License-Identifier: Apache-2.0
// One WebSocket over a plain or TLS stream. Only HttpServer.cpp includes this (template).
// Lifetime: kept alive by its pending asynchronous operations and by the server's registry, from
// which it removes itself when the socket ends; the handler's onClose is called exactly once.
#ifndef TCCC_SERVER_HTTP_WSSESSION_HPP
#define TCCC_SERVER_HTTP_WSSESSION_HPP

#include "http/HttpServer.hpp"
#include "http/TokenBucket.hpp"
#include "http/WriteBatchStream.hpp"
#include "protocol/Protocol.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace tccc::server {

/// A WebSocket's outgoing messages, oldest first: a vector and the index of its head. Unlike a
/// std::deque (~550 bytes allocated as soon as it exists) it holds nothing while empty, which is
/// how nearly every agent's connection spends its time.
class WsSendQueue {
 public:
  struct Item {
    std::string data;
    bool binary = false;
  };
  bool empty() const { return mHead == mItems.size(); }
  std::size_t size() const { return mItems.size() - mHead; }
  Item& front() { return mItems[mHead]; }
  Item& back() { return mItems.back(); }
  void pushBack(std::string data, bool binary) { mItems.push_back(Item{std::move(data), binary}); }
  void popFront() {
    mItems[mHead] = Item();  // the text goes now, not when the queue next empties
    ++mHead;
    if (mHead == mItems.size()) {
      reset();
    } else if (mHead >= 64 && 2 * mHead >= mItems.size()) {  // never empty for long: compact
      mItems.erase(mItems.begin(), mItems.begin() + static_cast<std::ptrdiff_t>(mHead));
      mHead = 0;
    }
  }
  void popBack() {
    mItems.pop_back();
    if (mHead == mItems.size()) reset();
  }

 private:
  void reset() {
    if (mItems.capacity() > 64)
      std::vector<Item>().swap(mItems);  // a burst is over: give it back
    else
      mItems.clear();
    mHead = 0;
  }
  std::vector<Item> mItems;
  std::size_t mHead = 0;
};

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
    mWs.set_option(
        websocket::stream_base::decorator([selected = mHandler.subprotocol(mInfo)](websocket::response_type& res) {
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
    const std::size_t queued = mQueue.size() + (mWriting ? 1 : 0);  // the write in flight counts too
    if (queued >= o.maxWsQueueMessages || mQueuedBytes + data.size() > o.maxWsQueueBytes) {
      spdlog::warn("ws {} send queue full ({} messages, {} bytes): closing", mId, queued, mQueuedBytes);
      closeWith(1008, "send queue overflow");
      return false;
    }
    mQueuedBytes += data.size();
    mQueue.pushBack(std::move(data), binary);
    // Writing starts once the current handler is done, so that everything it queues for this
    // socket (a response and the events its request caused, typically) leaves in one write.
    if (!mWriting && !mStartPosted) {
      mStartPosted = true;
      boost::asio::post(mWs.get_executor(), [self = this->shared_from_this()] { self->startWriting(); });
    }
    return true;
  }

  std::size_t queuedMessages() const override { return mQueue.size() + (mWriting ? 1 : 0); }

  void closeWith(int code, std::string reason) override {
    if (!mOpen || mClosing) return;
    mClosing = true;
    mCloseCode = code;
    mCloseReason = reason.substr(0, 120);  // a close frame's payload is at most 125 bytes
    // Whatever is still queued behind the frame in flight is dropped: the connection is going.
    // With a start posted, the oldest queued frame counts as in flight: it would have been, had
    // writing started at once as it did before writes were batched (e.g. agent.kicked, then 4003).
    const std::size_t keep = mStartPosted ? 1 : 0;
    while (mQueue.size() > keep) {
      mQueuedBytes -= mQueue.back().data.size();
      mQueue.popBack();
    }
    if (!mWriting && !mStartPosted) startClose();
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

  // A message is read in pieces, the first of at most kFirstReadBytes: nearly every request fits,
  // and a connection waiting for its next message then holds a 512-byte buffer instead of the
  // 1,536 bytes async_read prepares (measured: ~1 KB of the ~9 KB a logged-in agent costs the
  // server). The rest of a larger message follows in one more read; a buffer grown beyond
  // kKeptBufferBytes is released once its message is handled.
  static constexpr std::size_t kFirstReadBytes = 512;
  static constexpr std::size_t kKeptBufferBytes = 16 * 1024;

  void doRead() {
    const std::size_t limit = mBuffer.size() == 0 ? kFirstReadBytes : 0;  // 0: what the frame needs
    mWs.async_read_some(mBuffer, limit, [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
      self->onRead(ec);
    });
  }

  void onRead(boost::beast::error_code ec) {
    if (ec) {
      finish(ec, "ws read");
      return;
    }
    if (!mWs.is_message_done()) {  // the rest of a message larger than the first read
      if (!mFinished) doRead();
      return;
    }
    const bool binary = mWs.got_binary();
    // A flat_buffer holds the message in one piece: handed over in place, not copied. Nothing
    // reads into the buffer until doRead() below, so the view stays valid for the handler.
    const auto bytes = mBuffer.data();
    const std::string_view data(static_cast<const char*>(bytes.data()), bytes.size());
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
    mBuffer.consume(mBuffer.size());
    if (mBuffer.capacity() > kKeptBufferBytes) mBuffer.shrink_to_fit();
    if (!mFinished) doRead();
  }

  void dispatch(std::string_view data, bool binary) {
    try {
      if (binary)
        mHandler.onBinary(mId, data);
      else
        mHandler.onText(mId, data);
    } catch (const std::exception& e) {
      spdlog::error("ws {} handler threw: {}", mId, e.what());
    } catch (...) {
      spdlog::error("ws {} handler threw an unknown exception", mId);
    }
  }

  void rejectTooLarge(std::string_view data, bool binary) {
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

  void rejectRateLimited(std::string_view data, bool binary) {
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

  void startWriting() {
    mStartPosted = false;
    if (mFinished || mWriting) return;
    if (!mQueue.empty())
      doWrite();
    else if (mClosing)
      startClose();
  }

  void doWrite() {
    mWriting = true;
    // Every queued message but the last is framed here, into the stream layer, and goes out in the
    // one write that carries the last, which Beast frames and writes. (Passing each through Beast
    // cost a scheduler round, and with it an epoll_wait, per message.)
    mInFlightBytes = 0;
    while (mQueue.size() > 1) {
      const auto& item = mQueue.front();
      mWs.next_layer().appendFrame(item.binary, item.data);
      mInFlightBytes += item.data.size();
      mQueue.popFront();
    }
    // Out of the queue while it is written: the queue's vector may move its items (a short
    // string's bytes with them), the buffer handed to Beast must stay put.
    mInFlight = std::move(mQueue.front());
    mQueue.popFront();
    mInFlightBytes += mInFlight.data.size();
    mWs.binary(mInFlight.binary);
    mWs.async_write(boost::asio::buffer(mInFlight.data),
                    [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) { self->onWrite(ec); });
  }

  void onWrite(boost::beast::error_code ec) {
    mWriting = false;
    mQueuedBytes -= mInFlightBytes;
    mInFlightBytes = 0;
    mInFlight = WsSendQueue::Item();
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
    mWs.async_close(reason,
                    [self = this->shared_from_this()](boost::beast::error_code ec) { self->finish(ec, "ws close"); });
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

  boost::beast::websocket::stream<WriteBatchStream<Stream>> mWs;
  boost::beast::flat_buffer mBuffer;
  HttpServer& mServer;
  WsHandler& mHandler;
  WsOpenInfo mInfo;
  std::shared_ptr<void> mSlot;  // counts this connection against maxConnections
  TokenBucket mText;
  TokenBucket mBinary;
  ConnectionId mId = 0;
  WsSendQueue mQueue;              // waiting to be written
  WsSendQueue::Item mInFlight;     // the last message of the write in flight (while mWriting)
  std::size_t mInFlightBytes = 0;  // the bytes of every message in that write: they still count
  std::size_t mQueuedBytes = 0;
  int mRejected = 0;
  int mCloseCode = 1000;
  std::string mCloseReason;
  bool mOpen = false;
  bool mWriting = false;
  bool mStartPosted = false;  // startWriting() is on its way
  bool mClosing = false;
  bool mCloseStarted = false;
  bool mFinished = false;
};

}  // namespace tccc::server

#endif
