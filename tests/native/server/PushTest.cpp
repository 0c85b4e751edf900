// SPDX-License-Identifier: Apache-2.0
// CDR push over real HTTP to a receiver on 127.0.0.1: the query, the UUID header that stays the
// same across retries, the ErrCode judgement, the retry limit, and resumption after a restart.
#include "IoTestSupport.hpp"
#include "PushReceiver.hpp"
#include "StoreTestSupport.hpp"
#include "push/CdrPusher.hpp"
#include "push/CdrWriter.hpp"
#include "push/DurableCdrSink.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

using namespace tccc::server;
using tccc::server::test::Receiver;
using tccc::server::test::runUntil;
using tccc::server::test::TempDir;
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Json sampleCdr(const std::string& sessionId) {
  return {{"SessionId", sessionId}, {"Caller", "13800138000"},      {"Callee", "4008001000"},
          {"Direction", 0},         {"StartTimestamp", 1700000000}, {"EndStatusString", "ok"}};
}

/// Push options toward 127.0.0.1:`port` at `path`, retrying after `retryMs`, 2×, 4× …
CdrPushOptions pushTo(unsigned short port, const std::string& path, int retryMs) {
  CdrPushOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port) + path;
  o.retryBase = std::chrono::milliseconds(retryMs);
  return o;
}

/// Pushes to `port` at /hook with OAuth 2.0 client credentials, the token endpoint at /token of the
/// same port (one Receiver plays both, in the order of its script).
CdrPushOptions oauthTo(unsigned short port, const std::string& clientId, const std::string& clientSecret) {
  CdrPushOptions o = pushTo(port, "/hook", 20);
  o.auth.kind = PushAuth::Kind::OAuth2;
  o.auth.tokenUrl = "http://127.0.0.1:" + std::to_string(port) + "/token";
  o.auth.clientId = clientId;
  o.auth.clientSecret = clientSecret;
  return o;
}

/// A fresh store and a started pusher with `options`, fed through the durable CDR sink.
struct PushRig {
  explicit PushRig(const CdrPushOptions& options)
      : store(dir.file("tccc.db")), pusher(io, store, options, wallMs), sink(store, &pusher, wallMs) {
    pusher.start();
  }
  /// Stores a CDR of app 7 and runs the pusher until no push is pending.
  bool pushAndSettle(const std::string& sessionId) {
    return sink.storeCdr(7, sampleCdr(sessionId)) && runUntil(io, [&] { return store.pendingPushCount() == 0; });
  }

  TempDir dir;
  SqliteStore store;
  asio::io_context io;
  CdrPusher pusher;
  DurableCdrSink sink;
};

}  // namespace

TEST(PushTest, ParsesPushUrls) {
  auto plain = CdrPusher::parseUrl("http://127.0.0.1:9000/hooks/tccc", "cdr");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, "9000");
  EXPECT_EQ(plain->target, "/hooks/tccc?action=cdr&version=1");
  auto withQuery = CdrPusher::parseUrl("https://crm.example/push?key=abc", "cdr");
  ASSERT_TRUE(withQuery);
  EXPECT_TRUE(withQuery->tls);
  EXPECT_EQ(withQuery->port, "443");
  EXPECT_EQ(withQuery->target, "/push?key=abc&action=cdr&version=1");
  auto bare = CdrPusher::parseUrl("http://example.com", "record");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, "80");
  EXPECT_EQ(bare->target, "/?action=record&version=1");
  auto v6 = CdrPusher::parseUrl("http://[::1]:81/x", "cdr");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "81");
  EXPECT_FALSE(CdrPusher::parseUrl("ftp://x/", "cdr"));
  EXPECT_FALSE(CdrPusher::parseUrl("http://", "cdr"));
  EXPECT_FALSE(CdrPusher::parseUrl("http://user:pw@host/", "cdr"));
  EXPECT_FALSE(CdrPusher::parseUrl("http://host:99999/", "cdr"));
  EXPECT_FALSE(CdrPusher::parseUrl("http://host:abc/", "cdr"));
}

TEST(PushTest, BackoffDoubles) {
  asio::io_context io;
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  CdrPushOptions o;
  o.url = "http://127.0.0.1:1/";
  o.retryBase = std::chrono::milliseconds(100);
  CdrPusher pusher(io, store, o, wallMs);
  EXPECT_EQ(pusher.backoff(1).count(), 100);
  EXPECT_EQ(pusher.backoff(2).count(), 200);
  EXPECT_EQ(pusher.backoff(3).count(), 400);
}

TEST(PushTest, RetriesWithTheSameUuidUntilErrCodeZero) {
  Receiver receiver(
      {{500, "oops"}, {200, R"({"ErrCode":1,"ErrMsg":"busy"})"}, {200, R"({"ErrCode":0,"ErrMsg":"ok"})"}});
  PushRig rig(pushTo(receiver.port, "/cdr-hook", 50));
  ASSERT_TRUE(rig.sink.storeCdr(1400000001, sampleCdr("s-push-1")));
  EXPECT_EQ(rig.store.pendingPushCount(), 1);
  ASSERT_TRUE(runUntil(rig.io, [&] { return rig.store.pendingPushCount() == 0; }));
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 3u);
  for (const auto& h : hits) {
    EXPECT_EQ(h.target, "/cdr-hook?action=cdr&version=1");
    EXPECT_EQ(h.uuid, hits[0].uuid);
    EXPECT_EQ(h.contentType, "application/json;charset=utf8");
    Json body = Json::parse(h.body);
    EXPECT_EQ(body["SessionId"], "s-push-1");
    EXPECT_EQ(body["SdkAppId"], 1400000001);
  }
  EXPECT_EQ(hits[0].uuid.size(), 36u);
  EXPECT_FALSE(rig.store.nextPendingPush());
}

TEST(PushTest, GivesUpAfterThreeRetriesAndKeepsTheRecord) {
  Receiver receiver({{503, ""}});
  PushRig rig(pushTo(receiver.port, "/", 20));
  ASSERT_TRUE(rig.pushAndSettle("s-fail"));
  EXPECT_EQ(receiver.hits().size(), 4u);  // the first attempt and three retries
  SqliteDatabase::Statement st(rig.store.database(), "SELECT state, attempts, last_error FROM push_queue");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "failed");
  EXPECT_EQ(st.int64(1), 4);
  EXPECT_EQ(st.text(2), "HTTP 503");
  EXPECT_TRUE(rig.store.findCdr(7, "s-fail"));  // the CDR itself is never lost
}

TEST(PushTest, UnreachableReceiverIsRetriedNotFatal) {
  // Bind and close a port so that nothing listens there.
  unsigned short deadPort;
  {
    asio::io_context tmp;
    tcp::acceptor a(tmp, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    deadPort = a.local_endpoint().port();
  }
  CdrPushOptions o = pushTo(deadPort, "/", 10);
  o.maxRetries = 1;
  PushRig rig(o);
  ASSERT_TRUE(rig.pushAndSettle("s-dead"));
  SqliteDatabase::Statement st(rig.store.database(), "SELECT attempts, last_error FROM push_queue");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 2);
  EXPECT_NE(st.text(1).find("connect"), std::string::npos);
}

TEST(PushTest, PendingPushSurvivesRestart) {
  TempDir dir;
  std::string firstUuid;
  {
    // First "run": the CDR is stored while the receiver is down, and the process stops.
    SqliteStore store(dir.file("tccc.db"));
    asio::io_context io;
    CdrPushOptions o;
    o.url = "http://127.0.0.1:1/";
    CdrPusher pusher(io, store, o, wallMs);
    DurableCdrSink sink(store, &pusher, wallMs);
    ASSERT_TRUE(sink.storeCdr(9, sampleCdr("s-restart")));
    firstUuid = store.nextPendingPush()->uuid;
  }
  Receiver receiver({{200, R"({"ErrCode":0})"}});
  SqliteStore store(dir.file("tccc.db"));
  asio::io_context io;
  CdrPushOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(receiver.port) + "/";
  CdrPusher pusher(io, store, o, wallMs);
  pusher.start();
  ASSERT_TRUE(runUntil(io, [&] { return store.pendingPushCount() == 0; }));
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].uuid, firstUuid);
}

TEST(PushTest, CdrWriterPushesOnlyCommittedCdrs) {
  TempDir dir;
  const std::string dbPath = dir.file("tccc.db");
  SqliteStore store(dbPath);
  // The receiver looks the CDR up through a connection of its own while the push is in flight:
  // with group commit, a push that overtook its transaction would find no row.
  std::mutex seenMutex;
  std::vector<std::pair<std::string, bool>> seen;  // (SessionId, row existed when pushed)
  Receiver receiver({{200, R"({"ErrCode":0})"}}, [&](const Receiver::Hit& hit) {
    SqliteStore reader(dbPath);
    std::string sessionId = Json::parse(hit.body).value("SessionId", "");
    bool exists = reader.findCdr(1400000001, sessionId).has_value();
    std::lock_guard<std::mutex> lock(seenMutex);
    seen.emplace_back(sessionId, exists);
  });
  asio::io_context io;
  CdrPushOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(receiver.port) + "/";
  CdrPusher pusher(io, store, o, wallMs);
  CdrWriterOptions wo;
  wo.maxDelay = std::chrono::milliseconds(30);  // a wide window: the pusher must still wait for it
  CdrWriter writer(io, dbPath, &pusher, wallMs, wo);
  pusher.start();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(writer.storeCdr(1400000001, sampleCdr("s-order-" + std::to_string(i))));
  // Nothing is in the database yet, so the pusher has nothing to send before the commit.
  EXPECT_EQ(store.pendingPushCount(), 0);
  ASSERT_TRUE(runUntil(io, [&] {
    std::lock_guard<std::mutex> lock(seenMutex);
    return seen.size() == 20 && store.pendingPushCount() == 0;
  }));
  std::lock_guard<std::mutex> lock(seenMutex);
  std::set<std::string> ids;
  for (const auto& [id, existed] : seen) {
    EXPECT_TRUE(existed) << id << " was pushed before its row was committed";
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 20u);
}

TEST(PushTest, RejectsBadUrlAtStart) {
  asio::io_context io;
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  CdrPushOptions o;
  o.url = "mailto:ops@example.com";
  EXPECT_THROW(CdrPusher(io, store, o, wallMs), std::runtime_error);
  o.url = "";
  CdrPusher disabled(io, store, o, wallMs);
  EXPECT_FALSE(disabled.enabled());
}

namespace {

/// An https receiver (self-signed certificate for 127.0.0.1) that accepts every push.
class TlsReceiver {
 public:
  TlsReceiver(const std::string& cert, const std::string& key)
      : mCtx(asio::ssl::context::tls_server), mAcceptor(mIo, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    mCtx.use_certificate_chain_file(cert);
    mCtx.use_private_key_file(key, asio::ssl::context::pem);
    port = mAcceptor.local_endpoint().port();
    mThread = std::thread([this] { serve(); });
  }
  ~TlsReceiver() {
    mStop = true;
    beast::error_code ec;
    tcp::socket poke(mIo);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    mThread.join();
  }
  int delivered() const { return mDelivered; }
  unsigned short port = 0;

 private:
  void serve() {
    while (!mStop) {
      beast::error_code ec;
      tcp::socket socket(mIo);
      mAcceptor.accept(socket, ec);
      if (ec || mStop) return;
      beast::ssl_stream<tcp::socket> tls(std::move(socket), mCtx);
      tls.handshake(asio::ssl::stream_base::server, ec);
      if (ec) continue;  // the client refused our certificate
      beast::flat_buffer buffer;
      http::request<http::string_body> req;
      http::read(tls, buffer, req, ec);
      if (ec) continue;
      ++mDelivered;
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = R"({"ErrCode":0})";
      res.prepare_payload();
      http::write(tls, res, ec);
      tls.shutdown(ec);
    }
  }

  asio::io_context mIo;
  asio::ssl::context mCtx;
  tcp::acceptor mAcceptor;
  std::thread mThread;
  std::atomic<bool> mStop{false};
  std::atomic<int> mDelivered{0};
};

std::pair<std::string, std::string> makeCertificate(const TempDir& dir) {
  std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return {cert, key};
}

}  // namespace

TEST(PushTest, HttpsVerifiesTheReceiverCertificate) {
  TempDir dir;
  auto [cert, key] = makeCertificate(dir);
  ASSERT_FALSE(cert.empty());
  TlsReceiver receiver(cert, key);
  const std::string url = "https://127.0.0.1:" + std::to_string(receiver.port) + "/push";

  {  // Not trusted: refused at the handshake, never delivered.
    SqliteStore store(dir.file("untrusted.db"));
    asio::io_context io;
    CdrPushOptions o;
    o.url = url;
    o.maxRetries = 0;
    CdrPusher pusher(io, store, o, wallMs);
    DurableCdrSink sink(store, &pusher, wallMs);
    pusher.start();
    ASSERT_TRUE(sink.storeCdr(1, sampleCdr("s-tls-1")));
    ASSERT_TRUE(runUntil(io, [&] { return store.pendingPushCount() == 0; }));
    SqliteDatabase::Statement st(store.database(), "SELECT state, last_error FROM push_queue");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), "failed");
    EXPECT_NE(st.text(1).find("TLS"), std::string::npos) << st.text(1);
    EXPECT_EQ(receiver.delivered(), 0);
  }
  {  // Trusted through --cdr-push-ca-file: delivered over TLS.
    SqliteStore store(dir.file("trusted.db"));
    asio::io_context io;
    CdrPushOptions o;
    o.url = url;
    o.caFile = cert;
    CdrPusher pusher(io, store, o, wallMs);
    DurableCdrSink sink(store, &pusher, wallMs);
    pusher.start();
    ASSERT_TRUE(sink.storeCdr(1, sampleCdr("s-tls-2")));
    ASSERT_TRUE(runUntil(io, [&] { return store.pendingPushCount() == 0; }));
    EXPECT_EQ(receiver.delivered(), 1);
    EXPECT_FALSE(store.nextPendingPush());
  }
}

namespace {

TEST(PushAuthTest, JudgesTheReceiversAnswer) {
  struct Case {
    unsigned status;
    const char* body;
    bool delivered;
    const char* error;
  } cases[] = {
      {200, R"({"ErrCode":0,"ErrMsg":"ok"})", true, ""},
      {200, R"({"ErrCode":"0"})", true, ""},
      {204, R"({"ErrCode":0})", true, ""},
      {200, R"({"ErrCode":1,"ErrMsg":"busy"})", false, "ErrCode 1 \"busy\""},
      {200, R"({"ok":true})", false, "the answer has no JSON ErrCode"},
      {200, "not json", false, "the answer has no JSON ErrCode"},
      {401, R"({"ErrCode":0})", false, "HTTP 401"},
      {500, "", false, "HTTP 500"},
  };
  for (const auto& c : cases) {
    auto [delivered, error] = CdrPusher::judgeAnswer(c.status, c.body);
    EXPECT_EQ(delivered, c.delivered) << c.status << " " << c.body;
    EXPECT_EQ(error, c.error) << c.status << " " << c.body;
  }
}

TEST(PushAuthTest, ReadsTokenAnswers) {
  const std::int64_t now = 1'700'000'000'000;
  struct Case {
    unsigned status;
    std::string body;
    const char* token;      // nullptr: refused
    std::int64_t useForMs;  // when accepted
    const char* error;      // when refused (a prefix)
  } cases[] = {
      {200, R"({"access_token":"abc.DEF-1_2~3+/=","token_type":"Bearer","expires_in":3600})",
       "abc.DEF-1_2~3+/=", 3570000, ""},
      {200, R"({"access_token":"t","token_type":"bearer"})", "t", 3570000, ""},  // an hour when absent
      {200, R"({"access_token":"t","expires_in":20})", "t", 10000, ""},          // short: retired at half
      {200, R"({"access_token":"t","expires_in":0})", "t", 0, ""},               // use once
      {200, R"({"access_token":"t","expires_in":"3600"})", nullptr, 0, "expires_in is not a number"},
      {200, R"({"access_token":"t","token_type":"mac"})", nullptr, 0, "token_type \"mac\" is not Bearer"},
      {200, R"({"token_type":"Bearer"})", nullptr, 0, "the answer has no access_token"},
      {200, R"({"access_token":""})", nullptr, 0, "the answer has no access_token"},
      {200, "{\"access_token\":\"a\\r\\nX-Evil: 1\"}", nullptr, 0, "the access_token has characters"},
      {200, R"({"access_token":")" + std::string(9000, 'a') + R"("})", nullptr, 0, "the access_token is longer"},
      {200, "[]", nullptr, 0, "the answer is not a JSON object"},
      {401, R"({"error":"invalid_client"})", nullptr, 0, "HTTP 401 invalid_client"},
      {500, "", nullptr, 0, "HTTP 500"},
  };
  for (const auto& c : cases) {
    auto [token, error] = CdrPusher::parseTokenAnswer(c.status, c.body, now);
    if (c.token) {
      ASSERT_TRUE(token) << c.body << ": " << error;
      EXPECT_EQ(token->value, c.token);
      EXPECT_EQ(token->useUntilMs - now, c.useForMs) << c.body;
    } else {
      EXPECT_FALSE(token) << c.body;
      EXPECT_EQ(error.rfind(c.error, 0), 0u) << c.body << ": " << error;
    }
  }
}

TEST(PushAuthTest, BasicAuthGoesWithEveryAttempt) {
  Receiver receiver({{401, ""}, {200, R"({"ErrCode":0})"}});
  CdrPushOptions o = pushTo(receiver.port, "/hook", 20);
  o.auth.kind = PushAuth::Kind::Basic;
  o.auth.user = "crm";
  o.auth.password = "pa:ss wörd";
  PushRig rig(o);
  ASSERT_TRUE(rig.pushAndSettle("s-basic"));
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  // base64("crm:pa:ss wörd") with ö as UTF-8
  for (const auto& h : hits) EXPECT_EQ(h.authorization, "Basic Y3JtOnBhOnNzIHfDtnJk");
  EXPECT_FALSE(rig.store.nextPendingPush());
}

TEST(PushAuthTest, OAuthFetchesATokenReusesItAndRenewsItAfterA401) {
  // One receiver plays both the token endpoint (/token) and the push receiver (/hook), in order.
  Receiver receiver({{200, R"({"access_token":"tok-1","token_type":"Bearer","expires_in":3600})"},
                     {200, R"({"ErrCode":0})"},
                     {200, R"({"ErrCode":0})"},
                     {401, ""},
                     {200, R"({"access_token":"tok-2","token_type":"Bearer","expires_in":3600})"},
                     {200, R"({"ErrCode":0})"}});
  PushRig rig(oauthTo(receiver.port, "tccc client", "s3cr=t"));
  ASSERT_TRUE(rig.pushAndSettle("s-oauth-1"));
  ASSERT_TRUE(rig.pushAndSettle("s-oauth-2"));  // the same token serves it
  ASSERT_TRUE(rig.pushAndSettle("s-oauth-3"));  // refused once: a new token, then delivered
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 6u);
  // RFC 6749 §2.3.1: the client's id and secret, form-encoded, in HTTP Basic.
  EXPECT_EQ(hits[0].target, "/token");
  EXPECT_EQ(hits[0].contentType, "application/x-www-form-urlencoded");
  EXPECT_EQ(hits[0].body, "grant_type=client_credentials");
  EXPECT_EQ(hits[0].authorization, "Basic dGNjYytjbGllbnQ6czNjciUzRHQ=");  // base64("tccc+client:s3cr%3Dt")
  EXPECT_EQ(hits[1].target, "/hook?action=cdr&version=1");
  EXPECT_EQ(hits[1].authorization, "Bearer tok-1");
  EXPECT_EQ(hits[2].authorization, "Bearer tok-1");
  EXPECT_EQ(hits[3].authorization, "Bearer tok-1");
  EXPECT_EQ(hits[4].target, "/token");
  EXPECT_EQ(hits[5].authorization, "Bearer tok-2");
  EXPECT_EQ(hits[5].uuid, hits[3].uuid);  // the same push, retried
  SqliteDatabase::Statement st(rig.store.database(), "SELECT COUNT(*) FROM push_queue WHERE state <> 'done'");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 0);
}

TEST(PushAuthTest, AFailingTokenEndpointIsAFailedAttemptThatIsRetried) {
  Receiver receiver({{401, R"({"error":"invalid_client"})"},
                     {200, R"({"access_token":"tok","expires_in":3600})"},
                     {200, R"({"ErrCode":0})"}});
  PushRig rig(oauthTo(receiver.port, "id", "secret"));
  ASSERT_TRUE(rig.pushAndSettle("s-token-fail"));
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].target, "/token");
  EXPECT_EQ(hits[1].target, "/token");
  EXPECT_EQ(hits[2].authorization, "Bearer tok");
}

}  // namespace
