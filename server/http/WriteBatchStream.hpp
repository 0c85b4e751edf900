// SPDX-License-Identifier: Apache-2.0
// A stream layer under Beast's websocket::stream that lets several WebSocket frames leave in one
// write. docs/protocol.md wants one JSON message per frame, and Beast writes one frame per
// async_write, each a sendmsg of its own; a routed call sent ~11 frames to its agent, most of them
// in bursts of two or three (a response and the events its request caused), and those sends were
// ~30 % of the server's CPU in bench/load.mjs (on loopback the kernel also delivers each segment
// to the peer's socket inside the sender's sendmsg). Only HttpServer.cpp includes this (through
// WsSession.hpp).
//
// While `hold(true)`, a write is copied into a pending buffer and completes at once (posted, never
// inline); the first write after `hold(false)` sends the pending bytes and its own in one write, and completes when
// they all have been written. The owner (WsSession) holds only while it has more messages queued behind the one it
// writes, so whatever is held always has a write behind it that sends it. Beast serialises its writes (one frame at a
// time, its control frames included), so writes reach this layer in wire order and at most one real write is in flight.
#ifndef TCCC_SERVER_HTTP_WRITEBATCHSTREAM_HPP
#define TCCC_SERVER_HTTP_WRITEBATCHSTREAM_HPP

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <memory>
#include <string>
#include <utility>

namespace tccc::server {

template <class NextLayer>
class WriteBatchStream {
 public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;

  template <class... Args>
  explicit WriteBatchStream(Args&&... args) : mNext(std::forward<Args>(args)...) {}

  next_layer_type& next_layer() noexcept { return mNext; }
  const next_layer_type& next_layer() const noexcept { return mNext; }
  executor_type get_executor() noexcept { return mNext.get_executor(); }

  /// While on, writes are collected instead of sent; the first write after it is off sends them.
  void hold(bool on) noexcept { mHold = on; }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return mNext.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return boost::asio::async_initiate<WriteHandler, void(boost::beast::error_code, std::size_t)>(
        [this](auto h, const ConstBufferSequence& b) { write(std::move(h), b); }, handler, buffers);
  }

 private:
  // The flush's completion: hands the caller's handler the size of its own write, and keeps the
  // pending bytes alive until the write is done. It holds nothing of this layer, which may be gone
  // by then (Beast's operations keep only a weak reference to the websocket's state).
  template <class Handler>
  struct FlushDone {
    Handler handler;
    std::unique_ptr<std::string> bytes;
    std::size_t own;

    // The caller's allocator serves the write's intermediate state too. Its executor is not
    // forwarded: the server runs every connection on its one io_context thread (HttpServer.cpp).
    using allocator_type = boost::asio::associated_allocator_t<Handler>;
    allocator_type get_allocator() const noexcept { return boost::asio::get_associated_allocator(handler); }

    void operator()(boost::beast::error_code ec, std::size_t) {
      bytes.reset();
      std::move(handler)(ec, ec ? std::size_t(0) : own);
    }
  };

  template <class Handler, class ConstBufferSequence>
  void write(Handler handler, const ConstBufferSequence& buffers) {
    if (!mHold && !mPending) {  // nothing held: straight through, as without this layer
      mNext.async_write_some(buffers, std::move(handler));
      return;
    }
    const std::size_t own = boost::asio::buffer_size(buffers);
    if (!mPending) mPending = std::make_unique<std::string>();
    const std::size_t at = mPending->size();
    mPending->resize(at + own);
    boost::asio::buffer_copy(boost::asio::buffer(&(*mPending)[at], own), buffers);
    if (mHold) {
      boost::asio::post(mNext.get_executor(),
                        boost::beast::bind_front_handler(std::move(handler), boost::beast::error_code(), own));
      return;
    }
    auto bytes = std::move(mPending);  // this layer may hold again while these are written
    auto view = boost::asio::buffer(*bytes);
    boost::asio::async_write(mNext, view, FlushDone<Handler>{std::move(handler), std::move(bytes), own});
  }

  NextLayer mNext;
  std::unique_ptr<std::string> mPending;  // null while nothing is held: an idle connection pays 8 bytes
  bool mHold = false;
};

// Beast tears a WebSocket down through its next layer's teardown, found by argument-dependent lookup.
template <class NextLayer>
void teardown(boost::beast::role_type role, WriteBatchStream<NextLayer>& stream, boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, WriteBatchStream<NextLayer>& stream, TeardownHandler&& handler) {
  using boost::beast::websocket::async_teardown;
  async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace tccc::server

#endif
