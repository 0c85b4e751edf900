// SPDX-License-Identifier: Apache-2.0
// What a client sends on an open agent or customer WebSocket: Beast's frame parser (masking,
// fragmentation, control frames, close codes) with the server's message limit (WsSession reads
// up to twice maxWsMessageBytes), and each text message handed on as WsSession does: decoded as a
// frame, or, when oversized, searched for its request id (WsSession::rejectTooLarge).
// The upgrade request is fixed (fuzz_http covers requests); the input is the client's frames.
#include "http/HttpServer.hpp"
#include "protocol/Protocol.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

constexpr std::string_view kUpgrade =
    "GET /ws/agent HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const tccc::server::HttpServerOptions limits;
  boost::asio::io_context ioc;
  beast::test::stream client(ioc);
  websocket::stream<beast::test::stream> ws(ioc);
  // Our replies (the 101, pongs, the close) go to `client`, which nobody reads; the input ends with
  // the client closing its side, so every read finishes.
  ws.next_layer().connect(client);
  ws.next_layer().append(beast::string_view(kUpgrade.data(), kUpgrade.size()));
  ws.next_layer().append(beast::string_view(reinterpret_cast<const char*>(data), size));
  ws.next_layer().close_remote();

  beast::error_code ec;
  ws.read_message_max(2 * limits.maxWsMessageBytes);
  ws.accept(ec);
  if (ec) return 0;
  for (;;) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (ec) break;
    if (ws.got_binary()) continue;  // media frames: forwarded, not parsed
    std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
    if (text.size() > limits.maxWsMessageBytes)
      (void)tccc::protocol::parseJson(text, text.size(), tccc::protocol::kMaxJsonDepth);
    else
      (void)tccc::protocol::decode(text);
  }
  return 0;
}
