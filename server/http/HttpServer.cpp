// SPDX-License-Identifier: Apache-2.0
#include "http/HttpServer.hpp"

#include "http/HttpSession.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/core/detect_ssl.hpp>

#include <stdexcept>

namespace tccc::server {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

HttpResponse textResponse(int status, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.contentType = "text/plain; charset=utf-8";
  r.body = text + "\n";
  return r;
}

std::string lowerAscii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Peeks at the first bytes of a connection when TLS is configured and starts the right session.
class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket&& socket, HttpServer& server, std::string remote, std::shared_ptr<void> slot)
      : mStream(std::move(socket)), mServer(server), mRemote(std::move(remote)), mSlot(std::move(slot)) {}

  void run() {
    mStream.expires_after(mServer.options().requestTimeout);
    beast::async_detect_ssl(mStream, mBuffer, [self = shared_from_this()](beast::error_code ec, bool tls) {
      if (ec) return HttpServer::fail(ec, "detect");
      if (tls) {
        std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
            beast::ssl_stream<beast::tcp_stream>(std::move(self->mStream), *self->mServer.tlsContext()),
            std::move(self->mBuffer), self->mServer, self->mRemote, std::move(self->mSlot))
            ->run();
      } else {
        std::make_shared<HttpSession<beast::tcp_stream>>(std::move(self->mStream), std::move(self->mBuffer),
                                                         self->mServer, self->mRemote, std::move(self->mSlot))
            ->run();
      }
    });
  }

 private:
  beast::tcp_stream mStream;
  beast::flat_buffer mBuffer;
  HttpServer& mServer;
  std::string mRemote;
  std::shared_ptr<void> mSlot;
};

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpServerOptions options)
    : mIo(io),
      mOptions(std::move(options)),
      mAcceptor(io),
      mConnections(mOptions.maxConnections, mOptions.maxConnectionsPerAddress),
      mAcceptPause(io) {
  if (!mOptions.tlsCertFile.empty() || !mOptions.tlsKeyFile.empty()) {
    if (mOptions.tlsCertFile.empty() || mOptions.tlsKeyFile.empty())
      throw std::runtime_error("TLS needs both --tls-cert and --tls-key");
    mTls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    mTls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::single_dh_use);
    beast::error_code ec;
    mTls->use_certificate_chain_file(mOptions.tlsCertFile, ec);
    if (ec) throw std::runtime_error("cannot load TLS certificate " + mOptions.tlsCertFile + ": " + ec.message());
    mTls->use_private_key_file(mOptions.tlsKeyFile, asio::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load TLS key " + mOptions.tlsKeyFile + ": " + ec.message());
  }
}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(mOptions.host, ec);
  if (ec) throw std::runtime_error("invalid --host " + mOptions.host + ": " + ec.message());
  tcp::endpoint endpoint(address, mOptions.port);
  mAcceptor.open(endpoint.protocol(), ec);
  if (!ec) mAcceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) mAcceptor.bind(endpoint, ec);
  if (!ec) mAcceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + mOptions.host + ":" + std::to_string(mOptions.port) + ": " +
                             ec.message());
  doAccept();
  return mAcceptor.local_endpoint().port();
}

void HttpServer::stop() {
  if (mStopped) return;
  mStopped = true;
  beast::error_code ec;
  mAcceptor.close(ec);
  mAcceptPause.cancel();
  // Copy: closeWith may complete synchronously enough to unregister while iterating.
  auto open = mWs;
  for (auto& [id, ws] : open) ws->closeWith(1001, "server shutting down");
}

void HttpServer::whenQuiet(std::chrono::milliseconds deadline, std::function<void()> done) {
  // Polled: shutdown is rare, and a timer per check keeps the request path free of any hook.
  static constexpr std::chrono::milliseconds kPoll{20};
  auto timer = std::make_shared<asio::steady_timer>(mIo);
  auto until = std::chrono::steady_clock::now() + deadline;
  auto check = std::make_shared<std::function<void()>>();
  *check = [this, timer, until, check, done = std::move(done)]() mutable {
    const bool quiet = *mPendingResponses == 0 && mWs.empty();
    if (quiet || std::chrono::steady_clock::now() >= until) {
      if (!quiet)
        spdlog::warn("shutdown: {} requests unanswered and {} WebSockets still closing after the grace period",
                     *mPendingResponses, mWs.size());
      auto finish = std::move(done);
      *check = nullptr;  // breaks the cycle through the captured `check`
      finish();
      return;
    }
    timer->expires_after(kPoll);
    timer->async_wait([check](const beast::error_code&) {
      if (*check) (*check)();
    });
  };
  (*check)();
}

void HttpServer::doAccept() {
  // Every connection's handlers run on the io_context itself, not on a strand per connection:
  // the server runs one io thread (main.cpp), so a strand only added a queue, a lock and two
  // executor copies to every completion (a few % of the server's CPU in bench/load.mjs).
  mAcceptor.async_accept(mIo, [this](beast::error_code ec, tcp::socket socket) { onAccept(ec, std::move(socket)); });
}

void HttpServer::onAccept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || mStopped) return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == beast::error_code(ENFILE, boost::system::system_category()) || ec == asio::error::no_memory) {
      // Out of file descriptors (or kernel memory): accepting again at once would fail again at
      // once and spin the event loop. The pending connection stays in the backlog; pause a little
      // so that closing connections can free descriptors, and say so (at most once a second).
      auto now = std::chrono::steady_clock::now();
      if (now - mLastFdWarning > std::chrono::seconds(1)) {
        mLastFdWarning = now;
        spdlog::warn("accept: {} ({} connections open); raise `ulimit -n` or lower --max-connections", ec.message(),
                     mConnections.total());
      }
      mAcceptPause.expires_after(mOptions.acceptBackoff);
      mAcceptPause.async_wait([this](beast::error_code waitEc) {
        if (!waitEc && !mStopped) doAccept();
      });
      return;
    }
    fail(ec, "accept");
  } else {
    beast::error_code epEc;
    auto ep = socket.remote_endpoint(epEc);
    std::string address = epEc ? std::string("?") : ep.address().to_string();
    std::string remote = epEc ? address : address + ":" + std::to_string(ep.port());
    ConnectionLedger::Refusal refusal;
    // The slot is released when the last session object holding it goes.
    std::shared_ptr<void> slot = mConnections.acquire(address, refusal);
    if (!slot) {
      // Closed at once, before a byte is read: a flood costs an accept and a close. Said at most
      // once a second, so that the flood does not fill the log as well.
      auto now = std::chrono::steady_clock::now();
      if (now - mLastRefusalWarning > std::chrono::seconds(1)) {
        mLastRefusalWarning = now;
        if (refusal == ConnectionLedger::Refusal::ServerFull)
          spdlog::warn("refusing connection from {}: {} connections open (--max-connections)", remote,
                       mConnections.total());
        else
          spdlog::warn(
              "refusing connection from {}: {} connections open from that address "
              "(--max-connections-per-address)",
              remote, mConnections.fromAddress(address));
      }
      socket.close(epEc);
    } else {
      // Signalling frames are small and latency-bound: without TCP_NODELAY, Nagle's algorithm holds
      // a frame written right after another until the peer's delayed ACK (40 ms on Linux), which
      // showed up as a 40 ms stall between an agent's accept and the customer's `connected`.
      socket.set_option(tcp::no_delay(true), epEc);
      if (mTls) {
        std::make_shared<DetectSession>(std::move(socket), *this, remote, std::move(slot))->run();
      } else {
        std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), beast::flat_buffer(),
                                                         *this, remote, std::move(slot))
            ->run();
      }
    }
  }
  if (!mStopped) doAccept();
}

void HttpServer::fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::websocket::error::closed ||
      ec == asio::ssl::error::stream_truncated || ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == beast::error::timeout)
    return;
  spdlog::debug("{}: {}", what, ec.message());
}

bool HttpServer::methodMatches(const std::string& routeMethod, const std::string& method) {
  return routeMethod == "*" || routeMethod == method || (routeMethod == "GET" && method == "HEAD");
}

namespace {

HttpDeferredRoute answeringAtOnce(HttpRoute route) {
  return
      [route = std::move(route)](const HttpRequest& request, const HttpRespond& respond) { respond(route(request)); };
}

}  // namespace

void HttpServer::add(std::string method, std::string path, HttpRoute route) {
  addDeferred(std::move(method), std::move(path), answeringAtOnce(std::move(route)));
}

void HttpServer::addDeferred(std::string method, std::string path, HttpDeferredRoute route) {
  for (auto& r : mRoutes)
    if (r.method == method && r.path == path) {
      r.route = std::move(route);
      return;
    }
  mRoutes.push_back({std::move(method), std::move(path), std::move(route)});
}

void HttpServer::addPrefix(std::string method, std::string prefix, HttpRoute route) {
  mPrefixRoutes.push_back({std::move(method), std::move(prefix), answeringAtOnce(std::move(route))});
  std::stable_sort(mPrefixRoutes.begin(), mPrefixRoutes.end(),
                   [](const Route& a, const Route& b) { return a.path.size() > b.path.size(); });
}

void HttpServer::handleHttp(const HttpRequest& request, HttpRespond respond) {
  const Route* match = nullptr;
  bool pathKnown = false;
  for (const auto& r : mRoutes) {
    if (r.path != request.path) continue;
    pathKnown = true;
    if (methodMatches(r.method, request.method)) {
      match = &r;
      break;
    }
  }
  if (!match && !pathKnown) {
    for (const auto& r : mPrefixRoutes) {
      if (request.path.compare(0, r.path.size(), r.path) != 0) continue;
      pathKnown = true;
      if (methodMatches(r.method, request.method)) {
        match = &r;
        break;
      }
    }
  }
  if (!match) return respond(pathKnown ? textResponse(405, "method not allowed") : textResponse(404, "not found"));
  // Exactly one answer per request, whatever the route does: a second one is dropped, and a route
  // that throws before answering gets a 500.
  auto answered = std::make_shared<bool>(false);
  ++*mPendingResponses;
  HttpRespond once = [answered, pending = mPendingResponses, respond = std::move(respond)](HttpResponse response) {
    if (*answered) return;
    *answered = true;
    --*pending;
    respond(std::move(response));
  };
  try {
    match->route(request, once);
    return;
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("{} {} failed with an unknown exception", request.method, request.path);
  }
  once(textResponse(500, "internal error"));
}

HttpResponse HttpServer::rateLimited(const HttpRequest& request) {
  if (mRateLimited) {
    try {
      return mRateLimited(request);
    } catch (...) {
    }
  }
  HttpResponse r = textResponse(429, "too many requests on this connection");
  r.headers["Retry-After"] = "1";
  return r;
}

HttpServer::UpgradeDecision HttpServer::checkUpgrade(const HttpRequest& request) const {
  UpgradeDecision d;
  if (mStopped) return {nullptr, 503, "shutting down"};
  for (auto* h : mWsHandlers)
    if (h->claims(request.path)) {
      d.handler = h;
      break;
    }
  if (!d.handler) return {nullptr, 404, "no WebSocket endpoint at this path"};
  // Browsers always send Origin on WebSocket upgrades; a page from a foreign origin must not be
  // able to drive an agent session. Non-browser clients (no Origin) are authenticated by token.
  auto it = request.headers.find("origin");
  if (!mOptions.allowedOrigins.empty() && it != request.headers.end()) {
    std::string origin = lowerAscii(it->second);
    bool allowed = std::any_of(mOptions.allowedOrigins.begin(), mOptions.allowedOrigins.end(),
                               [&](const std::string& o) { return o == "*" || lowerAscii(o) == origin; });
    if (!allowed) return {nullptr, 403, "origin not allowed"};
  }
  return d;
}

void HttpServer::registerWs(ConnectionId id, std::shared_ptr<WsConnection> connection) {
  mWs[id] = std::move(connection);
}

void HttpServer::unregisterWs(ConnectionId id) { mWs.erase(id); }

bool HttpServer::sendText(ConnectionId id, std::string text) {
  auto it = mWs.find(id);
  return it != mWs.end() && it->second->queue(std::move(text), false);
}

bool HttpServer::sendBinary(ConnectionId id, std::string bytes) {
  auto it = mWs.find(id);
  return it != mWs.end() && it->second->queue(std::move(bytes), true);
}

std::size_t HttpServer::queuedMessages(ConnectionId id) const {
  auto it = mWs.find(id);
  return it == mWs.end() ? 0 : it->second->queuedMessages();
}

void HttpServer::close(ConnectionId id, int code, std::string reason) {
  auto it = mWs.find(id);
  if (it == mWs.end()) return;
  auto keep = it->second;  // closeWith may unregister it
  keep->closeWith(code, std::move(reason));
}

}  // namespace tccc::server
