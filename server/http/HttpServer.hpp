// SPDX-License-Identifier: Apache-2.0
// HTTP/1.1 and WebSocket on one port (Boost.Beast), run on the server's single io_context thread.
// Plain and TLS connections share the port: when a certificate is configured, each connection's
// first bytes are peeked and a TLS ClientHello starts a TLS session (https/wss), anything else is
// served in clear (http/ws). Limits: request header and body sizes (431/413), timeouts, a
// per-connection token bucket, WebSocket message size (close 1009), a bounded send queue per
// WebSocket, an Origin allow-list for upgrades (403) and a cap on open connections.
#ifndef TCCC_SERVER_HTTP_HTTPSERVER_HPP
#define TCCC_SERVER_HTTP_HTTPSERVER_HPP

#include "Interfaces.hpp"
#include "http/ConnectionLedger.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tccc::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0 = any free port
  std::string tlsCertFile;     // PEM chain; TLS is offered when both are set
  std::string tlsKeyFile;
  std::vector<std::string> allowedOrigins;  // empty = any Origin may open a WebSocket

  std::size_t maxBodyBytes = 1024 * 1024;
  std::size_t maxHeaderBytes = 16 * 1024;
  std::chrono::seconds requestTimeout{30};  // to receive one whole request, or to stay idle between requests
  std::chrono::seconds wsIdleTimeout{120};  // WebSocket pings are sent at half of this
  std::size_t maxWsMessageBytes = 65536;
  std::size_t maxWsQueueMessages = 1024;
  std::size_t maxWsQueueBytes = 8 * 1024 * 1024;
  std::size_t maxConnections = 20000;  // main.cpp lowers it to what the fd limit allows
  // From one remote address. A whole call centre behind one NAT shares an address: keep it high
  // enough for the largest site (--max-connections-per-address).
  std::size_t maxConnectionsPerAddress = 2000;
  std::chrono::milliseconds acceptBackoff{100};  // pause accepting this long when out of file descriptors

  double httpRatePerSec = 20;  // per connection; the cloud's CreateSDKLoginToken limit is 20/s
  double httpBurst = 40;
  double wsTextRatePerSec = 50;  // per connection; the contact center applies its own finer limit
  double wsTextBurst = 100;
  double wsBinaryRatePerSec = 250;  // audio: two 20 ms Opus streams are 100 frames/s
  double wsBinaryBurst = 500;
  int wsMaxRejected = 200;  // this many refused messages in a row close a WebSocket (1008)
};

/// One open WebSocket as the server's registry sees it.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual bool queue(std::string data, bool binary) = 0;
  virtual void closeWith(int code, std::string reason) = 0;
  /// Messages queued and not yet written (the write in flight counts as one).
  virtual std::size_t queuedMessages() const = 0;
};

class HttpServer : public WsSender, public HttpRouter {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerOptions options);
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts accepting; returns the bound port. Throws std::runtime_error on failure.
  unsigned short listen();
  /// Stops accepting and closes every WebSocket with 1001 (going away).
  void stop();
  /// After stop(): `done` runs (on the io thread) once every request routed so far has been answered
  /// and every WebSocket has finished its close, or once `deadline` has passed, whichever is first.
  /// The server's shutdown stops the io_context only then, so that a request waiting on a deferred
  /// route (DescribeTelCdr waiting for the CDR writer) still gets its answer.
  void whenQuiet(std::chrono::milliseconds deadline, std::function<void()> done);
  /// Requests routed whose route has not answered yet.
  std::size_t pendingResponses() const { return *mPendingResponses; }
  bool tlsEnabled() const { return mTls != nullptr; }
  const HttpServerOptions& options() const { return mOptions; }

  /// WebSocket upgrades go to the first handler that claims the path.
  void addWsHandler(WsHandler& handler) { mWsHandlers.push_back(&handler); }
  /// Exact path (HttpRouter). A later add for the same method and path replaces the earlier one.
  void add(std::string method, std::string path, HttpRoute route) override;
  /// An exact path whose route answers through `respond`, possibly after returning.
  void addDeferred(std::string method, std::string path, HttpDeferredRoute route);
  /// Every path starting with `prefix` (longest prefix wins) after no exact route matched.
  void addPrefix(std::string method, std::string prefix, HttpRoute route) override;
  /// The answer to a request over its connection's rate limit (default: 429).
  void setRateLimitedRoute(HttpRoute route) { mRateLimited = std::move(route); }

  // WsSender
  bool sendText(ConnectionId id, std::string text) override;
  bool sendBinary(ConnectionId id, std::string bytes) override;
  void close(ConnectionId id, int code, std::string reason) override;
  std::size_t queuedMessages(ConnectionId id) const override;
  std::size_t openWebSockets() const { return mWs.size(); }

  // --- used by the connection classes ---
  /// Routes the request; `respond` gets the answer once, now or later (on the io thread).
  void handleHttp(const HttpRequest& request, HttpRespond respond);
  HttpResponse rateLimited(const HttpRequest& request);
  struct UpgradeDecision {
    WsHandler* handler = nullptr;
    int status = 101;
    std::string message;
  };
  UpgradeDecision checkUpgrade(const HttpRequest& request) const;
  ConnectionId nextConnectionId() { return ++mLastConnectionId; }
  void registerWs(ConnectionId id, std::shared_ptr<WsConnection> connection);
  void unregisterWs(ConnectionId id);
  boost::asio::ssl::context* tlsContext() { return mTls.get(); }
  /// Logs a network error unless it is part of a normal shutdown.
  static void fail(boost::beast::error_code ec, const char* what);

 private:
  struct Route {
    std::string method;
    std::string path;
    HttpDeferredRoute route;  // a plain HttpRoute answers at once
  };
  void doAccept();
  void onAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  static bool methodMatches(const std::string& routeMethod, const std::string& method);

  boost::asio::io_context& mIo;
  HttpServerOptions mOptions;
  std::unique_ptr<boost::asio::ssl::context> mTls;
  boost::asio::ip::tcp::acceptor mAcceptor;
  std::vector<WsHandler*> mWsHandlers;
  std::vector<Route> mRoutes;
  std::vector<Route> mPrefixRoutes;
  HttpRoute mRateLimited;
  std::unordered_map<ConnectionId, std::shared_ptr<WsConnection>> mWs;
  ConnectionId mLastConnectionId = 0;
  ConnectionLedger mConnections;
  // Shared with each request's answer callback, which may outlive a route's bookkeeping.
  std::shared_ptr<std::size_t> mPendingResponses = std::make_shared<std::size_t>(0);
  boost::asio::steady_timer mAcceptPause;
  std::chrono::steady_clock::time_point mLastFdWarning{};
  std::chrono::steady_clock::time_point mLastRefusalWarning{};
  bool mStopped = false;
};

}  // namespace tccc::server

#endif
