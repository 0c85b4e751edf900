// SPDX-License-Identifier: Apache-2.0
// ContactCenter over a real io_context with a recording WsSender: malformed frames (the shared
// protocol fixtures plus our own garbage) never crash or stall it, login timeout, heartbeats,
// rate limit, kicks, CDR retries and the simulator's HTTP endpoints.
#include "../protocol/FixtureFiles.hpp"
#include "ContactCenterTestBase.hpp"

#include <random>

namespace tccc::server::testing {
namespace {

class SignallingTest : public ContactCenterTestBase {
 protected:
  void open(ConnectionId id, const std::string& path = "/ws/agent") {
    cc->onOpen(id, WsOpenInfo{path, "", "", "127.0.0.1:1", ""});
  }
  void text(ConnectionId id, const std::string& t) { cc->onText(id, t); }
  static std::string req(std::int64_t id, const std::string& method, const Json& data = Json::object()) {
    return Json{{"v", 1}, {"type", "req"}, {"id", id}, {"method", method}, {"data", data}}.dump();
  }
  void login(ConnectionId id, const std::string& user, std::int64_t app = kApp) {
    std::size_t before = sender.sent[id].size();
    text(id, req(1, "auth.login", {{"sdkAppId", app}, {"userId", user}, {"token", "good-" + user}}));
    ASSERT_GT(sender.sent[id].size(), before);
    Json res = Json::parse(sender.sent[id][before]);
    ASSERT_EQ(res["ok"], true) << res.dump();
  }
  void runFor(int ms) {
    io.restart();
    io.run_for(std::chrono::milliseconds(ms));
  }
};

TEST_F(SignallingTest, InvalidFixtureFramesGetAnErrorAndTheSocketKeepsWorking) {
  make();
  auto cases = tccc::testing::readJsonFixture("tests/fixtures/protocol/invalid.json")["cases"];
  ASSERT_FALSE(cases.empty());
  ConnectionId id = 1;
  for (auto& c : cases) {
    open(id);
    std::string frame = tccc::testing::fixtureFrame(c);
    text(id, frame);
    if (sender.closedWith.count(id)) {
      EXPECT_EQ(sender.closedWith[id], 1009) << c["name"];
      EXPECT_EQ(c["error"], "ERR_PAYLOAD_TOO_LARGE") << c["name"];
    } else {
      Json res = sender.last(id);
      ASSERT_EQ(res["type"], "res") << c["name"];
      EXPECT_EQ(res["ok"], false);
      auto expected = c["error"].get<std::string>();
      EXPECT_EQ(errcName(static_cast<Errc>(res["error"]["code"].get<int>())), expected) << c["name"];
      if (!c["requestId"].is_null()) {
        EXPECT_EQ(res["id"], c["requestId"]) << c["name"];
      }
      // Still usable: a proper login works on the same socket.
      login(id, "a1@x.com");
    }
    ++id;
  }
}

TEST_F(SignallingTest, ValidFixtureFramesNeverCrashAndRequestsAreAnswered) {
  make();
  auto frames = tccc::testing::readJsonFixture("tests/fixtures/protocol/valid.json")["frames"];
  ConnectionId id = 1;
  open(id);
  login(id, "a1@x.com");
  for (auto& f : frames) {
    std::size_t before = sender.sent[id].size();
    text(id, tccc::testing::fixtureFrame(f));
    if (f["type"] == "req" || f["type"] == "ping" || f["type"] == "res" || f["type"] == "evt") {
      EXPECT_GT(sender.sent[id].size(), before) << f["name"];
    }
  }
  EXPECT_FALSE(sender.closedWith.count(id));
}

TEST_F(SignallingTest, RandomGarbageNeverCrashes) {
  ContactCenter::Options o;
  o.ratePerSec = 0;  // no limit: every frame is looked at
  make(o);
  std::mt19937 rng(7);
  const std::string alphabet = "{}[]\":,0123456789.-+eEtrufalsnv \\\"typereqidmethoddata\x01\xff\xc3";
  open(1);
  login(1, "a1@x.com");
  open(2, "/ws/customer");
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    int n = rng() % 200;
    for (int k = 0; k < n; ++k) s += alphabet[rng() % alphabet.size()];
    if (i % 3 == 0)
      s = "{\"v\":1,\"type\":\"req\",\"id\":" + std::to_string(rng() % 100) + ",\"method\":\"" +
          std::string(i % 2 ? "session.accept" : "customer.dtmf") + "\",\"data\":" + s + "}";
    text(1 + i % 2, s);
  }
  // And well-formed requests with hostile data for every method.
  const char* methods[] = {"agent.setStatus", "call.startOutbound", "call.startInternal", "session.accept",
                           "session.hangUp",  "session.delete",     "session.transfer",   "session.hold",
                           "session.mute",    "session.sendDigits", "auth.login",         "agent.online"};
  Json hostile[] = {Json::object(),
                    Json{{"sessionId", Json::array()}},
                    Json{{"status", nullptr}},
                    Json{{"phoneNumber", 1e300}, {"clientRequestId", Json::object()}},
                    Json{{"calleeUserId", std::string(5000, 'x')}, {"clientRequestId", "z"}},
                    Json{{"skillGroupId", -1}, {"userId", ""}, {"sessionId", "s-x"}, {"clientRequestId", "q"}},
                    Json{{"sdkAppId", "abc"}, {"userId", 5}}};
  std::int64_t rid = 100;
  for (auto m : methods)
    for (auto& d : hostile) {
      text(1, req(++rid, m, d));
      Json res = sender.last(1);
      ASSERT_EQ(res["type"], "res") << m << " " << d.dump();
      EXPECT_EQ(res["id"], rid);
    }
  text(1, req(++rid, "agent.setStatus", {{"status", "rest"}}));
  EXPECT_EQ(sender.response(1, rid)["ok"], true) << "the agent socket still works after all that";
}

TEST_F(SignallingTest, UnknownMethodAndNotLoggedIn) {
  make();
  open(1);
  text(1, req(5, "agent.online"));
  EXPECT_EQ(sender.last(1)["error"]["code"], static_cast<int>(Errc::SipBadRequest));
  login(1, "a1@x.com");
  text(1, req(6, "agent.teleport"));
  EXPECT_EQ(sender.last(1)["error"]["code"], static_cast<int>(Errc::UnknownMethod));
  EXPECT_EQ(sender.last(1)["id"], 6);
  text(1, R"({"v":1,"type":"ping","t":123})");
  EXPECT_EQ(sender.last(1), Json::parse(R"({"v":1,"type":"pong","t":123})"));
  text(1, R"({"v":1,"type":"evt","seq":1,"event":"x","data":{}})");
  EXPECT_EQ(sender.last(1)["error"]["code"], static_cast<int>(Errc::Protocol));
}

TEST_F(SignallingTest, SocketsThatDoNotLogInAreClosedWith4001) {
  ContactCenter::Options o;
  o.loginTimeoutMs = 100;
  make(o);
  open(1);
  open(2);
  login(2, "a1@x.com");
  open(3, "/ws/customer");  // customers do not log in
  runFor(400);
  EXPECT_EQ(sender.closedWith[1], 4001);
  EXPECT_FALSE(sender.closedWith.count(2));
  EXPECT_FALSE(sender.closedWith.count(3));
}

TEST_F(SignallingTest, TooManyFailedLoginsCloseTheSocket) {
  make();
  open(1);
  for (int i = 0; i < 3; ++i)
    text(1, req(i + 1, "auth.login", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "guess"}}));
  EXPECT_EQ(sender.frames(1).at(0)["error"]["code"], static_cast<int>(Errc::HttpTokenError));
  EXPECT_EQ(sender.closedWith[1], 4001);
}

TEST_F(SignallingTest, HeartbeatPingsAndSilentSocketsAreDropped) {
  ContactCenter::Options o;
  o.heartbeatMs = 60;
  make(o);
  open(1);
  login(1, "a1@x.com");
  open(2);
  login(2, "a2@x.com");
  // Socket 2 answers every ping; socket 1 stays silent.
  for (int i = 0; i < 10; ++i) {
    runFor(30);
    for (auto& f : sender.frames(2))
      if (f["type"] == "ping") text(2, Json{{"v", 1}, {"type", "pong"}, {"t", f["t"]}}.dump());
  }
  bool pinged = false;
  for (auto& f : sender.frames(1)) pinged |= f["type"] == "ping";
  EXPECT_TRUE(pinged);
  EXPECT_EQ(sender.closedWith[1], 4002);
  EXPECT_FALSE(sender.closedWith.count(2));
  // The dropped agent is in its grace period: still online, resumable.
  EXPECT_EQ(cc->engine().agentStatus(kApp, "a1@x.com"), "free");
}

TEST_F(SignallingTest, RateLimitAnswersRateLimited) {
  ContactCenter::Options o;
  o.ratePerSec = 1;
  o.rateBurst = 3;
  make(o);
  open(1);
  login(1, "a1@x.com");
  text(1, req(2, "agent.online"));
  text(1, req(3, "agent.online"));
  EXPECT_EQ(sender.response(1, 3)["ok"], true);
  text(1, req(4, "agent.online"));
  EXPECT_EQ(sender.last(1)["error"]["code"], static_cast<int>(Errc::RateLimited));
  EXPECT_EQ(sender.last(1)["id"], 4);
}

TEST_F(SignallingTest, OneAppsAgentsShareARateLimitThatLeavesOtherAppsAlone) {
  ContactCenter::Options o;
  o.tenantRatePerSec = 1;
  o.tenantRateBurst = 4;  // the three logins below do not take from it (no app before login)
  make(o);
  open(1);
  login(1, "a1@x.com");
  open(2);
  login(2, "a2@x.com");
  open(3);
  login(3, "o1@y.com", kOtherApp);
  // Two sockets of one app, each far below its own limit (20/s, burst 40), share the app's four.
  std::int64_t rid = 10;
  int refused = 0;
  for (int i = 0; i < 6; ++i) {
    const ConnectionId id = 1 + i % 2;
    text(id, req(++rid, "agent.online"));
    Json res = sender.response(id, rid);
    if (res["ok"] == true) continue;
    ++refused;
    EXPECT_EQ(res["error"]["code"], static_cast<int>(Errc::RateLimited)) << res.dump();
    EXPECT_NE(res["error"]["message"].get<std::string>().find("this app"), std::string::npos) << res.dump();
  }
  EXPECT_EQ(refused, 2);
  // Another app's agent is served meanwhile.
  text(3, req(++rid, "agent.online"));
  EXPECT_EQ(sender.response(3, rid)["ok"], true);
}

TEST_F(SignallingTest, OneAppsCustomersShareARateLimitThatLeavesItsAgentsAlone) {
  ContactCenter::Options o;
  o.tenantRatePerSec = 1;
  o.tenantRateBurst = 4;
  make(o);
  open(1);
  login(1, "a1@x.com");
  // Two callers of the app: each dial is free (no app before it), then their requests share four.
  for (ConnectionId id : {50, 51}) {
    open(id, "/ws/customer");
    text(id, req(1, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "1380000000" + std::to_string(id)}}));
    ASSERT_EQ(sender.frames(id).at(0)["ok"], true) << sender.frames(id).at(0).dump();
  }
  std::int64_t rid = 10;
  int refused = 0;
  for (int i = 0; i < 6; ++i) {
    const ConnectionId id = 50 + i % 2;
    text(id, req(++rid, "customer.dtmf", {{"digits", "1"}}));
    Json res = sender.response(id, rid);
    if (res["ok"] == true || res["error"]["code"] != static_cast<int>(Errc::RateLimited)) continue;
    ++refused;
    EXPECT_NE(res["error"]["message"].get<std::string>().find("this app's customers"), std::string::npos);
  }
  EXPECT_EQ(refused, 2);
  // The app's agents have a budget of their own.
  text(1, req(++rid, "agent.online"));
  EXPECT_EQ(sender.response(1, rid)["ok"], true);
}

TEST_F(SignallingTest, SecondLoginKicksTheFirstSocket) {
  make();
  open(1);
  login(1, "a1@x.com");
  open(2);
  login(2, "a1@x.com");
  EXPECT_EQ(sender.closedWith[1], 4003);
  EXPECT_EQ(sender.last(1)["event"], "agent.kicked");
  cc->onClose(1, 0);  // the platform reports the close; the agent stays on socket 2
  EXPECT_TRUE(cc->engine().isAgentLoggedIn(2));
}

TEST_F(SignallingTest, RefusedCdrsAreRetried) {
  ContactCenter::Options o;
  o.cdrRetryMs = 200;
  make(o);
  sink.failing = true;
  open(1);
  login(1, "a1@x.com");
  text(1, req(2, "call.startOutbound", {{"phoneNumber", "10000000002"}, {"clientRequestId", "c"}}));
  text(1, req(3, "session.hangUp", {{"sessionId", sender.response(1, 2)["data"]["sessionId"]}}));
  ASSERT_EQ(sender.response(1, 3)["ok"], true) << sender.sent[1].back();
  EXPECT_EQ(cc->pendingCdrs(), 1u);
  runFor(300);
  EXPECT_EQ(cc->pendingCdrs(), 1u) << "still refused: kept, not dropped";
  EXPECT_GE(sink.attempts, 2);
  sink.failing = false;
  runFor(300);
  EXPECT_EQ(cc->pendingCdrs(), 0u);
  ASSERT_EQ(sink.stored.size(), 1u);
  EXPECT_EQ(sink.stored[0]["EndStatusString"], "callerCancel");
}

TEST_F(SignallingTest, CustomerSocketPlacesACallThatAnAgentAnswers) {
  make();
  open(1);
  login(1, "a1@x.com");
  open(50, "/ws/customer");
  text(50, req(1, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13800000000"}}));
  Json res = sender.frames(50).at(0);
  ASSERT_EQ(res["ok"], true) << res.dump();
  std::string sid = res["data"]["sessionId"];
  text(1, req(2, "session.accept", {{"sessionId", sid}}));
  EXPECT_EQ(sender.last(50)["data"]["state"], "connected");
  cc->onClose(50, 0);  // the caller's page goes away: that is a hang-up
  EXPECT_EQ(sink.stored.back()["SessionId"], sid);
  EXPECT_EQ(sink.stored.back()["HungUpSide"], "user");
}

TEST_F(SignallingTest, SimulatorEndpoints) {
  // audioFile must be a playable WAV inside the allowed directories (server/media/): give it one.
  auto audioDir = std::filesystem::temp_directory_path() / ("tccc-sim-audio-" + std::to_string(::getpid()));
  std::filesystem::create_directories(audioDir);
  {
    std::ofstream wav(audioDir / "hello.wav", std::ios::binary);
    const unsigned char header[44] = {'R', 'I', 'F', 'F', 40, 0, 0,   0,   'W', 'A',  'V',  'E', 'f', 'm', 't',
                                      ' ', 16,  0,   0,   0,  1, 0,   1,   0,   0x80, 0xBB, 0,   0,   0,   0x77,
                                      1,   0,   2,   0,   16, 0, 'd', 'a', 't', 'a',  4,    0,   0,   0};
    wav.write(reinterpret_cast<const char*>(header), sizeof header);
    wav.write("\x10\x00\xf0\xff", 4);
  }
  ContactCenter::Options options;
  options.media.audioDirs = {audioDir.string()};
  make(options);
  open(1);
  login(1, "a1@x.com");
  HttpRequest r;
  r.method = "POST";
  r.path = "/sim/inbound";
  r.body = "not json";
  EXPECT_EQ(cc->simInbound(r).status, 400);
  r.body =
      R"({"caller":"13800000000","serviceNumber":"4008001000","ivrKeys":[1],"holdSeconds":2,"audioFile":"hello.wav"})";
  HttpResponse res = cc->simInbound(r);
  ASSERT_EQ(res.status, 200) << res.body;
  std::string sid = Json::parse(res.body)["sessionId"];
  r.body = R"({"caller":"13800000000","serviceNumber":"4008001000","audioFile":"../../etc/passwd"})";
  EXPECT_EQ(cc->simInbound(r).status, 400);
  r.body = R"({"caller":"13800000000","serviceNumber":"999"})";
  EXPECT_EQ(cc->simInbound(r).status, 404);
  r.body = R"({"caller":"13800000000","serviceNumber":"4008001000","ivrKeys":"1x"})";
  EXPECT_EQ(cc->simInbound(r).status, 400);
  HttpRequest g;
  g.method = "GET";
  g.path = "/sim/sessions/" + sid;
  HttpResponse s = cc->simSession(g);
  ASSERT_EQ(s.status, 200);
  Json j = Json::parse(s.body);
  EXPECT_EQ(j["state"], "ringing");
  EXPECT_EQ(j["agentUserId"], "a1@x.com");
  EXPECT_EQ(j["audioFile"], "hello.wav");
  g.path = "/sim/sessions";
  g.query = "sessionId=nope";
  EXPECT_EQ(cc->simSession(g).status, 404);
  // Accept; the simulated caller hangs up by itself after holdSeconds.
  text(1, req(2, "session.accept", {{"sessionId", sid}}));
  runFor(2300);
  g.path = "/sim/sessions/" + sid;
  j = Json::parse(cc->simSession(g).body);
  EXPECT_EQ(j["state"], "ended");
  EXPECT_EQ(j["hungUpSide"], "user");
  EXPECT_EQ(sink.stored.back()["IVRKeyPressed"], Json::array({"1"}));
  std::filesystem::remove_all(audioDir);
}

}  // namespace
}  // namespace tccc::server::testing
