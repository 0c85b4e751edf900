// SPDX-License-Identifier: Apache-2.0
// One WebSocket client connection for the native SDK (Boost.Beast, ws:// or wss://), used for the
// signalling socket (/ws/agent) and a call's audio socket (/ws/media). Everything runs on the io_context
// the SDK's own thread runs; handlers are called there, never after close() or destruction.
//
// Writes are queued and sent one at a time; bufferedBytes() tells what waits, so that audio can be
// dropped rather than queued without limit (docs/protocol.md: 200 ms of backpressure at most).
#ifndef TCCC_NATIVE_NET_WSCLIENT_HPP
#define TCCC_NATIVE_NET_WSCLIENT_HPP

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::native {

/// Where to connect: parsed from "ws://host:port/path?query" or "wss://…".
struct WsEndpoint {
  bool tls = false;
  std::string host;
  std::string port;    // "80" / "443" when the URL names none
  std::string target;  // path and query, "/" at least
  /// Offered in Sec-WebSocket-Protocol, in order (the handshake login uses two).
  std::vector<std::string> subprotocols;

  /// Parses a ws:// or wss:// URL; nullopt and `error` set when it is not one.
  static std::optional<WsEndpoint> parse(std::string_view url, std::string* error = nullptr);
  /// The same server, another target (the media socket is on the signalling origin).
  WsEndpoint withTarget(std::string target) const;
};

class WsClient : public std::enable_shared_from_this<WsClient> {
 public:
  struct Handlers {
    std::function<void()> onOpen;
    /// One whole message; `binary` tells a binary frame from a text one.
    std::function<void(std::string_view data, bool binary)> onMessage;
    /// Once, when the socket closed or could not open (code 1006 then, `reason` saying why). Not
    /// called after close().
    std::function<void(int code, const std::string& reason)> onClose;
  };

  /// `tls` is used for wss:// endpoints (the caller owns it and keeps it alive); may be null for ws://.
  static std::shared_ptr<WsClient> create(boost::asio::io_context& io, boost::asio::ssl::context* tls,
                                          Handlers handlers);
  virtual ~WsClient() = default;

  /// Resolves, connects and handshakes; onOpen or onClose follows.
  virtual void open(const WsEndpoint& endpoint) = 0;
  /// Queues one message; dropped when the socket is not open.
  virtual void send(std::string data, bool binary) = 0;
  /// Bytes queued and not yet written.
  virtual std::size_t bufferedBytes() const = 0;
  /// Closes with `code`; no handler is called afterwards.
  virtual void close(int code = 1000) = 0;
  /// The subprotocol the server selected ("" if none).
  virtual std::string selectedSubprotocol() const = 0;
};

}  // namespace tccc::native

#endif
