// SPDX-License-Identifier: Apache-2.0
#include "net/WsClient.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>
#include <optional>
#include <utility>

namespace tccc::native {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<WsEndpoint> WsEndpoint::parse(std::string_view url, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<WsEndpoint> {
    if (error) *error = why;
    return std::nullopt;
  };
  WsEndpoint e;
  if (url.rfind("wss://", 0) == 0) {
    e.tls = true;
    url.remove_prefix(6);
  } else if (url.rfind("ws://", 0) == 0) {
    url.remove_prefix(5);
  } else {
    return fail("the URL must start with ws:// or wss://");
  }
  const auto slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  e.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (e.target[0] == '?') e.target.insert(0, "/");
  if (authority.empty()) return fail("the URL names no host");
  if (authority.find('@') != std::string_view::npos) return fail("credentials in the URL are not supported");
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 address in the URL");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return fail("bad characters after the IPv6 address");
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return fail("the URL names no host");
  if (!port.empty()) {
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return fail("the port is not a number");
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return fail("the port is out of range");
  }
  for (char c : e.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail("the path holds spaces or control characters");
  }
  e.host = std::string(host);
  e.port = port.empty() ? (e.tls ? "443" : "80") : std::string(port);
  return e;
}

WsEndpoint WsEndpoint::withTarget(std::string target) const {
  WsEndpoint e = *this;
  e.target = std::move(target);
  e.subprotocols.clear();
  return e;
}

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
// The server's frames are at most 64 KiB (docs/protocol.md); anything far larger is not our server.
constexpr std::size_t kMaxMessageBytes = 1 << 20;

class WsClientImpl final : public WsClient {
 public:
  WsClientImpl(asio::io_context& io, asio::ssl::context* tls, Handlers handlers)
      : mIo(io), mTlsContext(tls), mHandlers(std::move(handlers)), mResolver(io) {}

  void open(const WsEndpoint& endpoint) override {
    if (mStarted) return;
    mStarted = true;
    mEndpoint = endpoint;
    if (endpoint.tls) {
      if (!mTlsContext) return post(1006, "wss:// needs a TLS context");
      mTls.emplace(mIo, *mTlsContext);
      // SNI, so that a server behind a name-based proxy answers with the right certificate, and the
      // certificate must name the host (or its IP address) we asked for, not just chain to a root.
      SSL_set_tlsext_host_name(mTls->next_layer().native_handle(), endpoint.host.c_str());
      mTls->next_layer().set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
    } else {
      mPlain.emplace(mIo);
    }
    auto self = shared();
    mResolver.async_resolve(endpoint.host, endpoint.port,
                            [self](beast::error_code ec, tcp::resolver::results_type results) {
                              self->onResolved(ec, std::move(results));
                            });
  }

  void send(std::string data, bool binary) override {
    if (!mOpen || mClosing) return;
    mBuffered += data.size();
    mQueue.push_back({std::move(data), binary});
    if (mQueue.size() == 1) writeNext();
  }

  std::size_t bufferedBytes() const override { return mBuffered; }

  void close(int code) override {
    if (mClosing) return;
    mClosing = true;
    mHandlers = {};  // nothing is called after close()
    mResolver.cancel();
    if (!mOpen) {
      withStream([](auto& ws) { beast::get_lowest_layer(ws).close(); });
      return;
    }
    auto self = shared();
    withStream([&](auto& ws) {
      ws.async_close(websocket::close_reason(static_cast<std::uint16_t>(code)), [self](beast::error_code) {
        self->withStream([](auto& s) { beast::get_lowest_layer(s).close(); });
      });
    });
  }

  std::string selectedSubprotocol() const override { return mSubprotocol; }

 private:
  using PlainStream = websocket::stream<beast::tcp_stream>;
  using TlsStream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  std::shared_ptr<WsClientImpl> shared() { return std::static_pointer_cast<WsClientImpl>(shared_from_this()); }

  template <class F>
  void withStream(F&& f) {
    if (mTls)
      f(*mTls);
    else if (mPlain)
      f(*mPlain);
  }

  /// Reports a failure from the handler stack's top, never from inside open().
  void post(int code, std::string reason) {
    asio::post(mIo, [self = shared(), code, reason = std::move(reason)] { self->finish(code, reason); });
  }

  void finish(int code, const std::string& reason) {
    if (mFinished || mClosing) return;
    mFinished = true;
    mOpen = false;
    mQueue.clear();
    mBuffered = 0;
    auto onClose = std::move(mHandlers.onClose);
    mHandlers = {};
    if (onClose) onClose(code, reason);
  }

  void onResolved(beast::error_code ec, tcp::resolver::results_type results) {
    if (mClosing) return;
    if (ec) return finish(1006, "cannot resolve " + mEndpoint.host + ": " + ec.message());
    auto self = shared();
    withStream([&](auto& ws) {
      auto& tcpStream = beast::get_lowest_layer(ws);
      tcpStream.expires_after(kConnectTimeout);
      tcpStream.async_connect(results, [self](beast::error_code e, const tcp::endpoint&) { self->onConnected(e); });
    });
  }

  void onConnected(beast::error_code ec) {
    if (mClosing) return;
    if (ec) return finish(1006, "cannot connect to " + mEndpoint.host + ":" + mEndpoint.port + ": " + ec.message());
    if (mTls) {
      auto self = shared();
      beast::get_lowest_layer(*mTls).expires_after(kConnectTimeout);
      mTls->next_layer().async_handshake(asio::ssl::stream_base::client,
                                         [self](beast::error_code e) { self->onSecured(e); });
      return;
    }
    onSecured({});
  }

  void onSecured(beast::error_code ec) {
    if (mClosing) return;
    if (ec) return finish(1006, "TLS handshake with " + mEndpoint.host + " failed: " + ec.message());
    auto self = shared();
    withStream([&](auto& ws) {
      // Beast's own timer takes over from the TCP one: handshake and close bounded, no idle
      // timeout (the core's heartbeat decides when a quiet socket is dead).
      beast::get_lowest_layer(ws).expires_never();
      ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      ws.read_message_max(kMaxMessageBytes);
      std::string protocols;
      for (const auto& p : mEndpoint.subprotocols) protocols += (protocols.empty() ? "" : ", ") + p;
      ws.set_option(websocket::stream_base::decorator([protocols](websocket::request_type& req) {
        req.set(http::field::user_agent, "tccc-native");
        if (!protocols.empty()) req.set(http::field::sec_websocket_protocol, protocols);
      }));
      const std::string host = mEndpoint.host + ":" + mEndpoint.port;
      ws.async_handshake(mResponse, host, mEndpoint.target, [self](beast::error_code e) { self->onHandshake(e); });
    });
  }

  void onHandshake(beast::error_code ec) {
    if (mClosing) return;
    if (ec) {
      std::string why = "WebSocket handshake with " + mEndpoint.host + " failed: " + ec.message();
      if (mResponse.result_int() != 0 && mResponse.result() != http::status::switching_protocols) {
        why += " (HTTP " + std::to_string(mResponse.result_int()) + ")";
      }
      return finish(1006, why);
    }
    mSubprotocol = std::string(mResponse[http::field::sec_websocket_protocol]);
    mOpen = true;
    if (mHandlers.onOpen) mHandlers.onOpen();
    if (!mClosing && !mFinished) readNext();
  }

  void readNext() {
    auto self = shared();
    withStream(
        [&](auto& ws) { ws.async_read(mReadBuffer, [self](beast::error_code e, std::size_t) { self->onRead(e); }); });
  }

  void onRead(beast::error_code ec) {
    if (mClosing) return;
    if (ec) {
      int code = 1006;
      std::string reason = ec.message();
      withStream([&](auto& ws) {
        if (ec == websocket::error::closed) {
          code = ws.reason().code;
          reason = std::string(ws.reason().reason.c_str());
          if (code == 0) code = 1005;  // a close frame with no status
        } else if (ec == websocket::error::message_too_big) {
          code = 1009;
        }
      });
      return finish(code, reason);
    }
    bool binary = false;
    withStream([&](auto& ws) { binary = ws.got_binary(); });
    const auto data = mReadBuffer.data();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (mHandlers.onMessage) mHandlers.onMessage(text, binary);
    mReadBuffer.consume(mReadBuffer.size());
    if (!mClosing && !mFinished) readNext();
  }

  void writeNext() {
    auto self = shared();
    withStream([&](auto& ws) {
      ws.binary(mQueue.front().binary);
      ws.async_write(asio::buffer(mQueue.front().data),
                     [self](beast::error_code e, std::size_t) { self->onWritten(e); });
    });
  }

  void onWritten(beast::error_code ec) {
    if (mQueue.empty()) return;  // finished meanwhile
    mBuffered -= mQueue.front().data.size();
    mQueue.pop_front();
    if (ec) return;  // the read side reports the loss
    if (!mQueue.empty() && !mClosing) writeNext();
  }

  struct Outgoing {
    std::string data;
    bool binary = false;
  };

  asio::io_context& mIo;
  asio::ssl::context* mTlsContext;
  Handlers mHandlers;
  tcp::resolver mResolver;
  WsEndpoint mEndpoint;
  std::optional<PlainStream> mPlain;
  std::optional<TlsStream> mTls;
  websocket::response_type mResponse;
  beast::flat_buffer mReadBuffer;
  std::deque<Outgoing> mQueue;
  std::size_t mBuffered = 0;
  std::string mSubprotocol;
  bool mStarted = false;
  bool mOpen = false;
  bool mClosing = false;
  bool mFinished = false;
};

}  // namespace

std::shared_ptr<WsClient> WsClient::create(asio::io_context& io, asio::ssl::context* tls, Handlers handlers) {
  return std::make_shared<WsClientImpl>(io, tls, std::move(handlers));
}

}  // namespace tccc::native
