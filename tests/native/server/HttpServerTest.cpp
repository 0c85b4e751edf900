// SPDX-License-Identifier: Apache-2.0
// The HTTP/WebSocket front end over real sockets on 127.0.0.1: routing, limits (413/431, message
// size 1009, send queue, rate limits), the Origin check, static files and TLS on the same port.
// The server runs its io_context on a background thread; the test thread is the client.
#include "StoreTestSupport.hpp"
#include "http/HttpServer.hpp"
#include "http/QueryString.hpp"
#include "http/StaticFiles.hpp"
#include "http/TokenBucket.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <fstream>
#include <future>
#include <mutex>
#include <thread>

using namespace tccc::server;
using tccc::server::test::TempDir;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// Echoes text frames as "echo:<text>"; "flood" makes it send 100 frames at once.
class EchoHandler : public WsHandler {
 public:
  explicit EchoHandler(WsSender& sender) : mSender(sender) {}
  bool claims(std::string_view path) const override { return path == "/ws/echo"; }
  void onOpen(ConnectionId id, const WsOpenInfo& info) override {
    std::lock_guard<std::mutex> lock(mutex);
    opened.push_back(id);
    lastInfo = info;
  }
  void onText(ConnectionId id, std::string_view text) override {
    if (text == "flood") {
      int accepted = 0;
      for (int i = 0; i < 100; ++i) accepted += mSender.sendText(id, std::string(1000, 'x')) ? 1 : 0;
      std::lock_guard<std::mutex> lock(mutex);
      floodAccepted = accepted;
      return;
    }
    if (text == "throw") throw std::runtime_error("handler bug");
    mSender.sendText(id, "echo:" + std::string(text));
  }
  void onBinary(ConnectionId id, std::string_view bytes) override { mSender.sendBinary(id, std::string(bytes)); }
  void onClose(ConnectionId id, int peerCloseCode) override {
    std::lock_guard<std::mutex> lock(mutex);
    closed.push_back(id);
    closeCodes.push_back(peerCloseCode);
  }
  std::string subprotocol(const WsOpenInfo& info) const override {
    return info.protocols.find("echo.v1") != std::string::npos ? "echo.v1" : "";
  }

  std::mutex mutex;
  std::vector<ConnectionId> opened;
  std::vector<ConnectionId> closed;
  std::vector<int> closeCodes;
  WsOpenInfo lastInfo;
  int floodAccepted = -1;

 private:
  WsSender& mSender;
};

class ServerHarness {
 public:
  explicit ServerHarness(HttpServerOptions options) : server(io, fixPort(std::move(options))), handler(server) {
    server.addWsHandler(handler);
    server.add("GET", "/hello", [](const HttpRequest& r) {
      HttpResponse res;
      res.contentType = "text/plain";
      res.body = "hello " + r.query;
      return res;
    });
    server.add("POST", "/echo", [](const HttpRequest& r) {
      HttpResponse res;
      res.body = r.body;
      return res;
    });
    server.add("GET", "/boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("route bug"); });
    // Answered when the test says so (answerLater), from the io thread.
    server.addDeferred("GET", "/later", [this](const HttpRequest&, HttpRespond respond) {
      std::lock_guard<std::mutex> lock(laterMutex);
      later.push_back(std::move(respond));
    });
    server.addDeferred("GET", "/later-boom",
                       [](const HttpRequest&, HttpRespond) { throw std::runtime_error("route bug"); });
    server.setRateLimitedRoute([](const HttpRequest&) {
      HttpResponse res;
      res.body = "limited";
      return res;
    });
    port = server.listen();
    thread = std::thread([this] { io.run(); });
  }
  ~ServerHarness() {
    std::promise<void> done;
    asio::post(io, [&] {
      server.stop();
      done.set_value();
    });
    done.get_future().wait();
    io.stop();
    thread.join();
  }

  static HttpServerOptions fixPort(HttpServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }

  std::size_t laterWaiting() {
    std::lock_guard<std::mutex> lock(laterMutex);
    return later.size();
  }
  /// Answers every waiting /later request with `body`, `times` times each, on the io thread.
  void answerLater(const std::string& body, int times = 1) {
    std::promise<void> done;
    asio::post(io, [&] {
      std::vector<HttpRespond> waiting;
      {
        std::lock_guard<std::mutex> lock(laterMutex);
        waiting.swap(later);
      }
      for (auto& respond : waiting)
        for (int i = 0; i < times; ++i) {
          HttpResponse res;
          res.body = body + std::to_string(i);
          respond(res);
        }
      done.set_value();
    });
    done.get_future().wait();
  }

  asio::io_context io;
  // Keeps io.run() going when the server has nothing left to wait on (after whenQuiet gave up,
  // a deferred route still holds its answer): the test posts that answer afterwards.
  asio::executor_work_guard<asio::io_context::executor_type> keepRunning = asio::make_work_guard(io);
  HttpServer server;
  EchoHandler handler;
  unsigned short port = 0;
  std::thread thread;
  std::mutex laterMutex;
  std::vector<HttpRespond> later;
};

http::response<http::string_body> request(unsigned short port, http::verb verb, const std::string& target,
                                          const std::string& body = "",
                                          std::map<std::string, std::string> headers = {}) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(verb == http::verb::head);  // a HEAD response announces a length but has no body
  beast::error_code ec;
  if (headers.count("Upgrade")) {
    http::read_header(stream, buffer, parser, ec);  // a 101 has no body and keeps the socket open
    if (!ec && parser.get().result_int() != 101) http::read(stream, buffer, parser, ec);
  } else {
    http::read(stream, buffer, parser, ec);
  }
  return parser.release();
}

}  // namespace

TEST(HttpServerTest, RoutesAndErrors) {
  ServerHarness h(HttpServerOptions{});
  auto hello = request(h.port, http::verb::get, "/hello?x=1");
  EXPECT_EQ(hello.result_int(), 200);
  EXPECT_EQ(hello.body(), "hello x=1");
  EXPECT_EQ(hello[http::field::server], "tccc");
  EXPECT_EQ(request(h.port, http::verb::post, "/echo", "abc").body(), "abc");
  EXPECT_EQ(request(h.port, http::verb::get, "/nothing").result_int(), 404);
  EXPECT_EQ(request(h.port, http::verb::post, "/hello").result_int(), 405);
  EXPECT_EQ(request(h.port, http::verb::get, "/boom").result_int(), 500);  // a throwing route does not kill the server
  auto head = request(h.port, http::verb::head, "/hello?y");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(request(h.port, http::verb::get, "/hello").result_int(), 200);
}

TEST(HttpServerTest, DeferredRouteAnswersLaterWithoutHoldingTheLoop) {
  ServerHarness h(HttpServerOptions{});
  auto pending = std::async(std::launch::async, [&] { return request(h.port, http::verb::get, "/later"); });
  for (int i = 0; i < 500 && h.laterWaiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(h.laterWaiting(), 1u);
  // Meanwhile the server answers everybody else.
  EXPECT_EQ(request(h.port, http::verb::get, "/hello?y=2").body(), "hello y=2");
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  h.answerLater("done");
  auto answered = pending.get();
  EXPECT_EQ(answered.result_int(), 200);
  EXPECT_EQ(answered.body(), "done0");
  EXPECT_EQ(request(h.port, http::verb::get, "/later-boom").result_int(), 500);  // threw before answering
  EXPECT_EQ(request(h.port, http::verb::get, "/hello").result_int(), 200);
}

TEST(HttpServerTest, ShutdownWaitsForTheAnswerOfADeferredRoute) {
  ServerHarness h(HttpServerOptions{});
  auto pending = std::async(std::launch::async, [&] { return request(h.port, http::verb::get, "/later"); });
  // Until the request has reached its route (a loaded machine can take seconds); else it would
  // arrive after the test answered and wait forever.
  for (int i = 0; i < 5000 && h.laterWaiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(h.laterWaiting(), 1u);
  std::promise<void> quiet;
  asio::post(h.io, [&] {
    EXPECT_EQ(h.server.pendingResponses(), 1u);
    h.server.stop();
    h.server.whenQuiet(std::chrono::seconds(5), [&] { quiet.set_value(); });
  });
  auto quietFuture = quiet.get_future();
  // The route answers well after the old fixed 300 ms grace: still not quiet until it has.
  EXPECT_EQ(quietFuture.wait_for(std::chrono::milliseconds(400)), std::future_status::timeout);
  h.answerLater("late");
  EXPECT_EQ(quietFuture.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  auto answered = pending.get();
  EXPECT_EQ(answered.result_int(), 200);
  EXPECT_EQ(answered.body(), "late0");
}

TEST(HttpServerTest, ShutdownGivesUpOnARouteThatNeverAnswersAtTheDeadline) {
  ServerHarness h(HttpServerOptions{});
  auto pending = std::async(std::launch::async, [&] { return request(h.port, http::verb::get, "/later"); });
  for (int i = 0; i < 5000 && h.laterWaiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(h.laterWaiting(), 1u);  // routed before stop(): else the client would wait for an answer forever
  std::promise<void> quiet;
  const auto start = std::chrono::steady_clock::now();
  asio::post(h.io, [&] {
    h.server.stop();
    h.server.whenQuiet(std::chrono::milliseconds(200), [&] { quiet.set_value(); });
  });
  ASSERT_EQ(quiet.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  h.answerLater("late");  // lets the client thread finish
  pending.get();
}

TEST(HttpServerTest, DeferredRouteThatAnswersTwiceSendsOneResponse) {
  ServerHarness h(HttpServerOptions{});
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  auto exchange = [&](const char* target) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "x");
    http::write(stream, req);
    if (std::string(target) == "/later") {
      for (int i = 0; i < 500 && h.laterWaiting() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      h.answerLater("done", 2);
    }
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return res.body();
  };
  EXPECT_EQ(exchange("/later"), "done0");
  // Had the second answer gone out too, this would read "done1".
  EXPECT_EQ(exchange("/hello"), "hello ");
}

TEST(HttpServerTest, BodyAndHeaderLimits) {
  HttpServerOptions o;
  o.maxBodyBytes = 1024;
  o.maxHeaderBytes = 2048;
  ServerHarness h(o);
  EXPECT_EQ(request(h.port, http::verb::post, "/echo", std::string(1024, 'a')).result_int(), 200);
  EXPECT_EQ(request(h.port, http::verb::post, "/echo", std::string(1025, 'a')).result_int(), 413);
  EXPECT_EQ(request(h.port, http::verb::get, "/hello", "", {{"X-Big", std::string(4096, 'h')}}).result_int(), 431);
  EXPECT_EQ(request(h.port, http::verb::get, "/hello").result_int(), 200);
}

TEST(HttpServerTest, PerConnectionRateLimit) {
  HttpServerOptions o;
  o.httpRatePerSec = 0.001;  // effectively no refill during the test
  o.httpBurst = 3;
  ServerHarness h(o);
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  std::vector<std::string> bodies;
  for (int i = 0; i < 5; ++i) {
    http::request<http::string_body> req{http::verb::get, "/hello", 11};
    req.set(http::field::host, "x");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    bodies.push_back(res.body());
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"hello ", "hello ", "hello ", "limited", "limited"}));
  // A new connection has its own bucket.
  EXPECT_EQ(request(h.port, http::verb::get, "/hello").body(), "hello ");
}

TEST(HttpServerTest, WebSocketEchoOpenInfoAndClose) {
  ServerHarness h(HttpServerOptions{});
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(http::field::origin, "http://app.example");
    req.set(http::field::sec_websocket_protocol, "other, echo.v1");
  }));
  websocket::response_type handshake;
  ws.handshake(handshake, "127.0.0.1", "/ws/echo?agent=1");
  EXPECT_EQ(handshake[http::field::sec_websocket_protocol], "echo.v1");  // the handler's choice
  ws.write(asio::buffer(std::string("hi")));
  beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(beast::buffers_to_string(buffer.data()), "echo:hi");
  buffer.consume(buffer.size());
  ws.write(asio::buffer(std::string("throw")));  // a throwing handler does not close the socket
  ws.binary(true);
  ws.write(asio::buffer(std::string("\x01\x02", 2)));
  ws.read(buffer);
  EXPECT_TRUE(ws.got_binary());
  EXPECT_EQ(beast::buffers_to_string(buffer.data()), std::string("\x01\x02", 2));
  ws.close(websocket::close_reason(4005));
  {
    std::lock_guard<std::mutex> lock(h.handler.mutex);
    ASSERT_EQ(h.handler.opened.size(), 1u);
    EXPECT_EQ(h.handler.lastInfo.protocols, "other, echo.v1");
    EXPECT_EQ(h.handler.lastInfo.path, "/ws/echo");
    EXPECT_EQ(h.handler.lastInfo.query, "agent=1");
    EXPECT_EQ(h.handler.lastInfo.origin, "http://app.example");
    EXPECT_EQ(h.handler.lastInfo.remote.rfind("127.0.0.1:", 0), 0u);
  }
  for (int i = 0; i < 100; ++i) {  // onClose runs on the server thread
    {
      std::lock_guard<std::mutex> lock(h.handler.mutex);
      if (h.handler.closed.size() == 1) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard<std::mutex> lock(h.handler.mutex);
  EXPECT_EQ(h.handler.closed, h.handler.opened);
  EXPECT_EQ(h.handler.closeCodes, std::vector<int>{4005});  // the code the client closed with
}

TEST(HttpServerTest, WebSocketUpgradeChecks) {
  HttpServerOptions o;
  o.allowedOrigins = {"https://crm.example"};
  ServerHarness h(o);
  auto upgrade = [&](const std::string& target, const std::string& origin) {
    std::map<std::string, std::string> headers = {{"Connection", "Upgrade"},
                                                  {"Upgrade", "websocket"},
                                                  {"Sec-WebSocket-Version", "13"},
                                                  {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    if (!origin.empty()) headers["Origin"] = origin;
    return request(h.port, http::verb::get, target, "", headers).result_int();
  };
  EXPECT_EQ(upgrade("/ws/echo", "https://crm.example"), 101);
  EXPECT_EQ(upgrade("/ws/echo", "HTTPS://CRM.EXAMPLE"), 101);
  EXPECT_EQ(upgrade("/ws/echo", "https://evil.example"), 403);
  EXPECT_EQ(upgrade("/ws/echo", ""), 101);  // not a browser
  EXPECT_EQ(upgrade("/ws/other", "https://crm.example"), 404);
}

TEST(HttpServerTest, OversizedWebSocketMessageClosesWith1009) {
  HttpServerOptions o;
  o.maxWsMessageBytes = 1024;
  ServerHarness h(o);
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  ws.handshake("127.0.0.1", "/ws/echo");
  ws.write(asio::buffer(std::string(1024, 'a')));  // exactly at the limit: fine
  beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(buffer.size(), 1024u + 5u);
  buffer.consume(buffer.size());
  // Over the limit but still readable: a request is answered with ERR_PAYLOAD_TOO_LARGE and the
  // socket stays open.
  std::string bigRequest =
      R"({"v":1,"type":"req","id":9,"method":"x","data":{"pad":")" + std::string(1100, 'p') + R"("}})";
  ws.write(asio::buffer(bigRequest));
  ws.read(buffer);
  Json answer = Json::parse(beast::buffers_to_string(buffer.data()));
  EXPECT_EQ(answer["id"], 9);
  EXPECT_EQ(answer["ok"], false);
  EXPECT_EQ(answer["error"]["code"], -11010);
  buffer.consume(buffer.size());
  // Over the limit and not a request: closed with 1009.
  ws.write(asio::buffer(std::string(1025, 'a')));
  beast::error_code ec;
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
}

TEST(HttpServerTest, FarOversizedWebSocketMessageClosesWith1009) {
  HttpServerOptions o;
  o.maxWsMessageBytes = 1024;
  ServerHarness h(o);
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  ws.handshake("127.0.0.1", "/ws/echo");
  std::string huge = R"({"v":1,"type":"req","id":9,"method":"x","data":{"pad":")" + std::string(5000, 'p') + R"("}})";
  beast::error_code ec;
  ws.write(asio::buffer(huge), ec);
  beast::flat_buffer buffer;
  if (!ec) ws.read(buffer, ec);
  // The server refuses as soon as it sees the frame header and tears the connection down; the
  // client sees the 1009 close frame, or (when the kernel resets the socket because the rest of
  // the payload was still arriving) a reset. Either way the socket ends and nothing was delivered.
  ASSERT_TRUE(ec);
  if (ec == websocket::error::closed) {
    EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
  }
  {
    std::lock_guard<std::mutex> lock(h.handler.mutex);
    EXPECT_EQ(h.handler.floodAccepted, -1);
  }
  // The server keeps serving others.
  websocket::stream<beast::tcp_stream> next(io);
  beast::get_lowest_layer(next).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  next.handshake("127.0.0.1", "/ws/echo");
  next.write(asio::buffer(std::string("still here")));
  beast::flat_buffer reply;
  next.read(reply);
  EXPECT_EQ(beast::buffers_to_string(reply.data()), "echo:still here");
}

TEST(HttpServerTest, SendQueueOverflowClosesSlowConsumer) {
  HttpServerOptions o;
  o.maxWsQueueMessages = 8;
  ServerHarness h(o);
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  ws.handshake("127.0.0.1", "/ws/echo");
  ws.write(asio::buffer(std::string("flood")));
  beast::flat_buffer buffer;
  beast::error_code ec;
  int frames = 0;
  while (!ec && frames < 200) {
    ws.read(buffer, ec);
    buffer.consume(buffer.size());
    if (!ec) ++frames;
  }
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::policy_error);
  EXPECT_LE(frames, 8);
  std::lock_guard<std::mutex> lock(h.handler.mutex);
  EXPECT_EQ(h.handler.floodAccepted, 8);
}

TEST(HttpServerTest, WebSocketRateLimitAnswersThenCloses) {
  HttpServerOptions o;
  o.wsTextRatePerSec = 0.001;
  o.wsTextBurst = 2;
  o.wsMaxRejected = 3;
  ServerHarness h(o);
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  ws.handshake("127.0.0.1", "/ws/echo");
  beast::flat_buffer buffer;
  auto next = [&]() {
    buffer.consume(buffer.size());
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  };
  ws.write(asio::buffer(std::string("a")));
  EXPECT_EQ(next(), "echo:a");
  ws.write(asio::buffer(std::string("b")));
  EXPECT_EQ(next(), "echo:b");
  ws.write(asio::buffer(std::string(R"({"v":1,"type":"req","id":7,"method":"agent.setStatus","data":{}})")));
  Json limited = Json::parse(next());
  EXPECT_EQ(limited["type"], "res");
  EXPECT_EQ(limited["id"], 7);
  EXPECT_EQ(limited["ok"], false);
  EXPECT_EQ(limited["error"]["code"], -11011);
  for (int i = 0; i < 3; ++i) ws.write(asio::buffer(std::string("spam")));
  beast::error_code ec;
  buffer.consume(buffer.size());
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::policy_error);
}

TEST(HttpServerTest, TlsAndPlainOnTheSamePort) {
  TempDir dir;
  std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key + " -out " +
                    cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  HttpServerOptions o;
  o.tlsCertFile = cert;
  o.tlsKeyFile = key;
  ServerHarness h(o);
  EXPECT_TRUE(h.server.tlsEnabled());

  asio::io_context io;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);  // self-signed test certificate
  beast::ssl_stream<beast::tcp_stream> tls(io, ctx);
  beast::get_lowest_layer(tls).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  tls.handshake(asio::ssl::stream_base::client);
  http::request<http::string_body> req{http::verb::get, "/hello?tls", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(tls, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(tls, buffer, res);
  EXPECT_EQ(res.body(), "hello tls");

  websocket::stream<beast::ssl_stream<beast::tcp_stream>> wss(io, ctx);
  beast::get_lowest_layer(wss).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
  wss.next_layer().handshake(asio::ssl::stream_base::client);
  wss.handshake("127.0.0.1", "/ws/echo");
  wss.write(asio::buffer(std::string("secure")));
  beast::flat_buffer wsBuffer;
  wss.read(wsBuffer);
  EXPECT_EQ(beast::buffers_to_string(wsBuffer.data()), "echo:secure");
  wss.close(websocket::close_code::normal);

  EXPECT_EQ(request(h.port, http::verb::get, "/hello?plain").body(), "hello plain");
}

TEST(HttpServerTest, TlsNeedsBothFiles) {
  asio::io_context io;
  HttpServerOptions o;
  o.tlsCertFile = "/nonexistent.pem";
  EXPECT_THROW(HttpServer(io, o), std::runtime_error);
  o.tlsKeyFile = "/nonexistent.key";
  EXPECT_THROW(HttpServer(io, o), std::runtime_error);
}

TEST(HttpServerTest, ListenFailsCleanlyOnBusyPort) {
  ServerHarness h(HttpServerOptions{});
  asio::io_context io;
  HttpServerOptions o;
  o.port = h.port;
  HttpServer second(io, o);
  EXPECT_THROW(second.listen(), std::runtime_error);
}

TEST(HttpStaticFilesTest, ContentNamedFiles) {
  for (const char* yes : {"tccc-core.8220ca08f1.wasm", "tccc-media.5373be4300.js", "tccc-ui.0000000000.js"})
    EXPECT_TRUE(StaticFiles::isContentNamed(yes)) << yes;
  for (const char* no : {"tccc.js", "tccc-core.wasm", "tccc-core.8220CA08F1.wasm", "tccc-core.8220ca08f.wasm",
                         "tccc-core.8220ca08f12.wasm", "tccc-core.8220ca08f1.wasm.br", "tccc-core.8220ca08f1.css",
                         ".8220ca08f1.js", "sub/tccc-core.8220ca08f1.wasm", "Tccc.8220ca08f1.js", ""})
    EXPECT_FALSE(StaticFiles::isContentNamed(no)) << no;
}

TEST(HttpStaticFilesTest, SafePaths) {
  EXPECT_EQ(StaticFiles::safeRelativePath("/tccc.js"), "tccc.js");
  EXPECT_EQ(StaticFiles::safeRelativePath("/a/./b.js"), "a/b.js");
  EXPECT_EQ(StaticFiles::safeRelativePath("/"), "index.html");
  EXPECT_EQ(StaticFiles::safeRelativePath("/docs/"), "docs/index.html");
  EXPECT_EQ(StaticFiles::safeRelativePath("/a%20b.txt"), "a b.txt");
  EXPECT_EQ(StaticFiles::safeRelativePath("/../etc/passwd"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/a/../../x"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/%2e%2e/x"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/..%2fx"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/.env"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/a%00b"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/a\\b"), "");
  EXPECT_EQ(StaticFiles::safeRelativePath("/bad%zz"), "");
}

TEST(HttpStaticFilesTest, ServesFilesWithTypesAndETags) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("root/sub"));
  std::ofstream(dir.file("root/tccc.js")) << "console.log(1)";
  std::ofstream(dir.file("root/tccc-core.wasm")) << "\0asm";
  std::ofstream(dir.file("root/sub/index.html")) << "<p>hi</p>";
  std::ofstream(dir.file("secret.txt")) << "outside";
  std::filesystem::create_symlink(dir.file("secret.txt"), dir.file("root/link.txt"));
  StaticFiles files(dir.file("root"));
  ASSERT_TRUE(files.enabled());
  HttpRequest req;
  auto js = files.serve("/tccc.js", req);
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.contentType, "application/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(files.serve("/tccc-core.wasm", req).contentType, "application/wasm");
  EXPECT_EQ(files.serve("/sub/", req).body, "<p>hi</p>");
  EXPECT_EQ(files.serve("/sub", req).body, "<p>hi</p>");
  EXPECT_EQ(files.serve("/missing.js", req).status, 404);
  EXPECT_EQ(files.serve("/../secret.txt", req).status, 403);
  EXPECT_EQ(files.serve("/link.txt", req).status, 403);  // symlink out of the root
  req.headers["if-none-match"] = js.headers["ETag"];
  auto again = files.serve("/tccc.js", req);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_FALSE(StaticFiles("").enabled());
  EXPECT_FALSE(StaticFiles(dir.file("nope")).enabled());
  EXPECT_EQ(StaticFiles("").serve("/x", req).status, 404);
}

TEST(HttpStaticFilesTest, SendsPrecompressedSiblingsToClientsThatAcceptThem) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("root"));
  std::ofstream(dir.file("root/tccc.js")) << "plain";
  std::ofstream(dir.file("root/tccc.js.br")) << "brotli";
  std::ofstream(dir.file("root/tccc.js.gz")) << "gzip";
  std::ofstream(dir.file("root/only.wasm")) << "wasm";
  std::ofstream(dir.file("root/only.wasm.gz")) << "wasm-gz";
  std::ofstream(dir.file("root/stale.js")) << "fresh";
  std::ofstream(dir.file("root/stale.js.gz")) << "old";
  auto now = std::filesystem::last_write_time(dir.file("root/stale.js"));
  std::filesystem::last_write_time(dir.file("root/stale.js.gz"), now - std::chrono::hours(1));
  StaticFiles files(dir.file("root"));
  struct Row {
    std::string path, acceptEncoding, body, encoding;
  };
  const Row rows[] = {
      {"/tccc.js", "", "plain", ""},
      {"/tccc.js", "gzip, deflate, br", "brotli", "br"},
      {"/tccc.js", "gzip", "gzip", "gzip"},
      {"/tccc.js", "br;q=0, gzip;q=0.8", "gzip", "gzip"},
      {"/tccc.js", "br;q=0, gzip;q=0", "plain", ""},
      {"/tccc.js", "identity", "plain", ""},
      {"/tccc.js", "*", "brotli", "br"},
      {"/only.wasm", "br, gzip", "wasm-gz", "gzip"},
      {"/stale.js", "gzip", "fresh", ""},  // older than its file: ignored
  };
  for (const auto& row : rows) {
    HttpRequest req;
    if (!row.acceptEncoding.empty()) req.headers["accept-encoding"] = row.acceptEncoding;
    auto res = files.serve(row.path, req);
    EXPECT_EQ(res.status, 200) << row.path << " " << row.acceptEncoding;
    EXPECT_EQ(res.body, row.body) << row.path << " " << row.acceptEncoding;
    EXPECT_EQ(res.headers.count("Content-Encoding") ? res.headers["Content-Encoding"] : "", row.encoding)
        << row.path << " " << row.acceptEncoding;
    EXPECT_EQ(res.headers["Vary"], "Accept-Encoding") << row.path;
    EXPECT_EQ(res.contentType, row.path.find(".wasm") != std::string::npos ? "application/wasm"
                                                                           : "application/javascript; charset=utf-8");
  }
  // Each variant has its own ETag, so a cached gzip body is never revalidated as the brotli one.
  HttpRequest gz, br;
  gz.headers["accept-encoding"] = "gzip";
  br.headers["accept-encoding"] = "br";
  EXPECT_NE(files.serve("/tccc.js", gz).headers["ETag"], files.serve("/tccc.js", br).headers["ETag"]);
}

TEST(HttpQueryStringTest, Params) {
  EXPECT_EQ(QueryString::param("a=1&token=abc&b=2", "token"), "abc");
  EXPECT_EQ(QueryString::param("userId=agent1%40tccc.local", "userId"), "agent1@tccc.local");
  EXPECT_EQ(QueryString::param("x=a+b", "x"), "a b");
  EXPECT_EQ(QueryString::param("flag", "flag"), "");
  EXPECT_FALSE(QueryString::param("a=1", "token"));
  EXPECT_FALSE(QueryString::param("token=%4", "token"));
}

TEST(HttpQueryStringTest, EncodesComponentsAndForms) {
  struct Case {
    std::string text, component, form;
  } cases[] = {
      {"agent1@tccc.local", "agent1%40tccc.local", "agent1%40tccc.local"},
      {"a b~c*d", "a%20b~c%2Ad", "a+b%7Ec*d"},
      {"tccc client", "tccc%20client", "tccc+client"},
      {"s3cr=t&x", "s3cr%3Dt%26x", "s3cr%3Dt%26x"},
      {"wörd", "w%C3%B6rd", "w%C3%B6rd"},
      {"Az09-._", "Az09-._", "Az09-._"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(QueryString::encode(c.text), c.component) << c.text;
    EXPECT_EQ(QueryString::encode(c.text, QueryString::Style::Form), c.form) << c.text;
    EXPECT_EQ(QueryString::decode(QueryString::encode(c.text, QueryString::Style::Form)), c.text) << c.text;
  }
}

TEST(HttpTokenBucketTest, RefillsOverTime) {
  auto t0 = TokenBucket::Clock::now();
  TokenBucket bucket(10, 2, t0);
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0 + std::chrono::milliseconds(100)));
  EXPECT_FALSE(bucket.take(t0 + std::chrono::milliseconds(100)));
  EXPECT_TRUE(bucket.take(t0 + std::chrono::seconds(10)));
  EXPECT_TRUE(bucket.take(t0 + std::chrono::seconds(10)));
  EXPECT_FALSE(bucket.take(t0 + std::chrono::seconds(10)));  // capped at the burst
  TokenBucket unlimited(0, 0, t0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(unlimited.take(t0));
}

TEST(HttpTokenBucketTest, InjectedMillisecondClockRefillsTheSame) {
  // The routing engine's chat flood limit: 2/s with a burst of 2, far from the clock's epoch.
  const std::int64_t t0 = 1732400000000;
  TokenBucket bucket(2, 2, t0);
  EXPECT_TRUE(bucket.takeAtMs(t0));
  EXPECT_TRUE(bucket.takeAtMs(t0));
  EXPECT_FALSE(bucket.takeAtMs(t0 + 499));
  EXPECT_TRUE(bucket.takeAtMs(t0 + 500));  // exactly one token after 500 ms
  EXPECT_FALSE(bucket.takeAtMs(t0 + 500));
  EXPECT_FALSE(bucket.takeAtMs(t0 - 1000));  // a clock going back refills nothing
  TokenBucket unlimited;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(unlimited.takeAtMs(t0));
}

TEST(HttpServerTest, OversizeBodyGets413EvenWhileTheClientKeepsSending) {
  // The server answers 413 as soon as the body passes the limit; the client is still sending. The
  // server must drain (lingering close) rather than reset the connection, or the client would see
  // ECONNRESET instead of the 413.
  HttpServerOptions o;
  o.maxBodyBytes = 64 * 1024;
  ServerHarness h(o);
  for (int round = 0; round < 3; ++round) {
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
    const std::size_t total = 200 * 1024;
    std::string head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
                       std::to_string(total) + "\r\n\r\n";
    asio::write(s, asio::buffer(head));
    std::string chunk(16 * 1024, 'z');
    beast::error_code ec;
    for (std::size_t sent = 0; sent < total && !ec; sent += chunk.size()) asio::write(s, asio::buffer(chunk), ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(s, buffer, res, ec);
    ASSERT_FALSE(ec) << "round " << round << ": " << ec.message();
    EXPECT_EQ(res.result_int(), 413);
  }
}

TEST(HttpServerTest, ConnectionCapRefusesTheOneTooMany) {
  HttpServerOptions o;
  o.maxConnections = 2;
  ServerHarness h(o);
  asio::io_context io;
  auto open = [&] {
    auto s = std::make_unique<tcp::socket>(io);
    s->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
    return s;
  };
  auto a = open();
  auto b = open();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both accepted by now
  auto c = open();  // the TCP handshake completes in the kernel; the server then closes it
  char byte;
  beast::error_code ec;
  c->read_some(asio::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  a->close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slot is given back
  EXPECT_EQ(request(h.port, http::verb::get, "/hello").result_int(), 200);
}

// One address cannot take every slot: its connection over the cap is closed at once while another
// address is still served, and a slot it gives back can be taken again.
TEST(HttpServerTest, PerAddressCapRefusesOneAddressAndServesTheOthers) {
  HttpServerOptions o;
  o.maxConnectionsPerAddress = 2;
  ServerHarness h(o);
  asio::io_context io;
  auto open = [&](const char* from) {
    auto s = std::make_unique<tcp::socket>(io);
    s->open(tcp::v4());
    s->bind(tcp::endpoint(asio::ip::make_address(from), 0));  // all of 127/8 is loopback on Linux
    s->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port));
    return s;
  };
  const auto refused = [](tcp::socket& s) {
    char byte;
    beast::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  };
  const auto served = [](tcp::socket& s) {
    http::request<http::empty_body> req{http::verb::get, "/hello", 11};
    req.set(http::field::host, "127.0.0.1");
    beast::error_code ec;
    http::write(s, req, ec);
    if (ec) return false;
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(s, buffer, res, ec);
    return !ec && res.result_int() == 200;
  };
  auto a = open("127.0.0.1");
  auto b = open("127.0.0.1");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both accepted by now
  auto c = open("127.0.0.1");
  EXPECT_TRUE(refused(*c)) << "the third from one address";
  auto other = open("127.0.0.2");
  EXPECT_TRUE(served(*other)) << "another address is not affected";
  EXPECT_TRUE(served(*a));
  a->close();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the slot is given back
  auto d = open("127.0.0.1");
  EXPECT_TRUE(served(*d));
}

TEST(HttpServerTest, OutOfFileDescriptorsPausesAcceptingInsteadOfSpinning) {
  ServerHarness h(HttpServerOptions{});
  struct rlimit before {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::socket>> clients;
  // The client socket (and the client's epoll) get their descriptors first; then the limit is set
  // to the lowest free descriptor number, so nothing more can be opened: the server's accept of the
  // connection fails with EMFILE and the connection waits in the backlog.
  auto s = std::make_unique<tcp::socket>(io);
  s->open(tcp::v4());
  const int lowestFree = ::dup(0);
  ASSERT_GE(lowestFree, 0);
  ::close(lowestFree);
  struct rlimit tight = before;
  tight.rlim_cur = static_cast<rlim_t>(lowestFree);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  beast::error_code ec;
  s->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port), ec);
  const bool connected = !ec;
  clients.push_back(std::move(s));
  rusage r0{};
  ::getrusage(RUSAGE_SELF, &r0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  rusage r1{};
  ::getrusage(RUSAGE_SELF, &r1);
  ::setrlimit(RLIMIT_NOFILE, &before);
  ASSERT_TRUE(connected) << ec.message();
  auto cpuMs = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000.0 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000.0;
  };
  // A server that retried accept at once would burn most of a core in these 500 ms.
  EXPECT_LT(cpuMs(r1) - cpuMs(r0), 150.0);
  // With descriptors back, the waiting connection is accepted and served.
  http::request<http::string_body> req{http::verb::get, "/hello?late", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(*clients[0], req, ec);
  ASSERT_FALSE(ec) << ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(*clients[0], buffer, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.body(), "hello late");
}

// One reading of Content-Type for every route that takes a typed body (cloud API, console, SDP).
TEST(HttpRequestTest, ContentTypeIsMatchedWithoutCaseOrParameters) {
  struct Row {
    const char* header;  // nullptr: no Content-Type at all
    bool json;
  };
  const Row rows[] = {
      {"application/json", true},
      {"Application/JSON", true},
      {"application/json; charset=utf-8", true},
      {"application/json ;charset=utf-8", true},
      {"application/json\t; charset=utf-8", true},
      {"application/jsonp", false},
      {"application/json-patch+json", false},
      {"application/jso", false},
      {"text/plain", false},
      {"", false},
      {nullptr, false},
  };
  for (const Row& row : rows) {
    HttpRequest request;
    if (row.header) request.headers["content-type"] = row.header;
    EXPECT_EQ(request.hasContentType("application/json"), row.json) << (row.header ? row.header : "(none)");
  }
  HttpRequest request;
  request.headers["x-tc-action"] = "DescribeTelCdr";
  EXPECT_EQ(request.header("x-tc-action"), "DescribeTelCdr");
  EXPECT_EQ(request.header("x-tc-version"), "");
}
