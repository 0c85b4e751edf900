// SPDX-License-Identifier: Apache-2.0
// A stream layer under Beast's websocket::stream that lets several WebSocket frames leave in one
// write. docs/protocol.md wants one JSON message per frame, and Beast writes one frame per
// async_write, each a sendmsg of its own; a routed call sent ~10 frames to its agent, most of them
// in bursts of two or three (a response and the events its request caused), and those sends were
// ~30 % of the server's CPU in bench/load.mjs (on loopback the kernel also delivers each segment
// to the peer's socket inside the sender's sendmsg). Only HttpServer.cpp includes this (through
// WsSession.hpp).
//
// The owner frames every message of a burst but the last itself (appendFrame: a server's frames
// are unmasked, RFC 6455 §5.1) and has Beast write the last one: this layer sends the appended
// frames and Beast's bytes in one write. Appending must happen only between Beast's frames, so
// every write through this layer is written whole before it completes (never a partial
// write_some that Beast would continue later); Beast serialises its own writes, control frames
// included, so appended frames land before the next frame Beast writes, whichever it is.
#ifndef TCCC_SERVER_HTTP_WRITEBATCHSTREAM_HPP
#define TCCC_SERVER_HTTP_WRITEBATCHSTREAM_HPP

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include "http/DrainingTeardown.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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

  /// Adds one whole message as a single unmasked frame (text or binary) to the bytes that the
  /// next write through this layer sends first.
  void appendFrame(bool binary, std::string_view payload) {
    if (!mPending) mPending = std::make_unique<std::string>();
    std::string& out = *mPending;
    out.push_back(static_cast<char>(0x80 | (binary ? 0x2 : 0x1)));  // FIN: the message in one frame
    const std::uint64_t size = payload.size();
    if (size < 126) {
      out.push_back(static_cast<char>(size));
    } else if (size <= 0xFFFF) {
      out.push_back(static_cast<char>(126));
      out.push_back(static_cast<char>(size >> 8));
      out.push_back(static_cast<char>(size & 0xFF));
    } else {
      out.push_back(static_cast<char>(127));
      for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFF));
    }
    out.append(payload);
  }

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
  // A write's completion: reports the caller's own bytes, and keeps the appended ones alive until
  // they are written. It holds nothing of this layer, which may be gone by then (Beast's
  // operations keep only a weak reference to the websocket's state).
  template <class Handler>
  struct WriteDone {
    Handler handler;
    std::unique_ptr<std::string> bytes;  // null: the caller's buffers were written as they were
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
    const std::size_t own = boost::asio::buffer_size(buffers);
    if (!mPending) {  // nothing appended: the caller's bytes as they are, but whole
      boost::asio::async_write(mNext, buffers, WriteDone<Handler>{std::move(handler), nullptr, own});
      return;
    }
    const std::size_t at = mPending->size();
    mPending->resize(at + own);
    boost::asio::buffer_copy(boost::asio::buffer(&(*mPending)[at], own), buffers);
    auto bytes = std::move(mPending);  // frames appended from now on go with the next write
    auto view = boost::asio::buffer(*bytes);
    boost::asio::async_write(mNext, view, WriteDone<Handler>{std::move(handler), std::move(bytes), own});
  }

  NextLayer mNext;
  std::unique_ptr<std::string> mPending;  // appended frames; null while none: an idle connection pays 8 bytes
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

// Over plain TCP the drain is ours: Beast 1.74's resets a peer that is still sending (DrainingTeardown.hpp).
template <class Protocol, class Executor, class RatePolicy, class TeardownHandler>
void async_teardown(boost::beast::role_type role,
                    WriteBatchStream<boost::beast::basic_stream<Protocol, Executor, RatePolicy>>& stream,
                    TeardownHandler&& handler) {
  asyncDrainingTeardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace tccc::server

#endif
