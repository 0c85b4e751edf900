// SPDX-License-Identifier: Apache-2.0
// Core's connection lifecycle: login, ready, heartbeat liveness, loss and reconnect with resume,
// token expiry, kick, timeouts, destroy, and the robustness rules (bad frames, duplicates).
#include "FakeHost.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using testing::FakeHost;
using testing::wireSession;
using Json = protocol::Json;

TEST(CoreLogin, StartConnectsAndLogsInWithTheToken) {
  FakeHost host;
  EXPECT_EQ(host.core.phase(), Phase::Idle);
  EXPECT_EQ(host.core.nextDeadline(), std::nullopt);
  host.core.start(host.now);
  host.next(CommandKind::Connect);
  EXPECT_EQ(host.core.phase(), Phase::Connecting);
  host.core.onOpen(host.now);
  Json request = host.expectRequest("auth.login");
  EXPECT_EQ(request.at("data"),
            (Json{{"sdkAppId", 1400000001}, {"userId", "alice@example.com"}, {"token", "token-1"}}));
  EXPECT_EQ(request.at("id"), 1);
  host.expectIdle();
  host.core.start(host.now);  // a second start changes nothing
  host.expectIdle();
}

// docs/protocol.md, "Login in the handshake": the host's first socket carries the login.
CoreConfig handshakeConfig() {
  CoreConfig config = testing::testConfig();
  config.handshakeLogin = true;
  return config;
}

TEST(CoreHandshakeLogin, FirstSocketSendsNoLoginAndRequestOneAnswersIt) {
  FakeHost host(handshakeConfig());
  host.openFirstSocket();
  host.expectIdle();  // nothing to send: the server logs the socket in as it opens
  host.reply(Json{{"id", 1}}, host.snapshot("free"));
  host.expectEmit("ready", Json::object());
  host.expectEmit("statusChanged", Json{{"status", "free"}});
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Ready);
  host.call("Agent.setStatus", Json{{"status", "rest"}});
  EXPECT_EQ(host.expectRequest("agent.setStatus").at("id"), 2);  // the socket's own ids follow it
}

TEST(CoreHandshakeLogin, TheSnapshotMayArriveWithTheOpen) {
  // The shim replays a preconnected socket's open and first frame back to back.
  FakeHost host(handshakeConfig());
  host.openFirstSocket();
  host.reply(Json{{"id", 1}}, host.snapshot("offline"));
  host.expectEmit("ready", Json::object());
  host.expectIdle();
}

TEST(CoreHandshakeLogin, ARefusedHandshakeLoginIsTokenExpired) {
  FakeHost host(handshakeConfig());
  host.openFirstSocket();
  host.replyError(Json{{"id", 1}}, Errc::HttpTokenError, "token expired");
  host.expectClose(1000);
  host.expectEmit("tokenExpired", Json{{"message", "token expired"}, {"code", -10002}});
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Failed);
}

TEST(CoreHandshakeLogin, AnUnansweredHandshakeLoginTimesOutLikeAFrameLogin) {
  FakeHost host(handshakeConfig());
  host.openFirstSocket();
  host.expectIdle();
  host.advance(10000);
  host.expectClose(4000);
  host.expectEmit("connectionLost", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
}

TEST(CoreHandshakeLogin, ReconnectsLogInWithAFrameAndTheResumeToken) {
  FakeHost host(handshakeConfig());
  host.openFirstSocket();
  host.reply(Json{{"id", 1}}, host.snapshot("offline"));
  host.expectEmit("ready", Json::object());
  host.core.onClose(1006, host.now);
  Json login = host.reconnectAfterLoss();
  EXPECT_EQ(login.at("data").at("resumeToken"), "r-1");
}

TEST(CoreHandshakeLogin, AFirstSocketThatNeverOpenedIsFollowedByAFrameLoginWithTheToken) {
  FakeHost host(handshakeConfig());
  host.core.start(host.now);
  host.next(CommandKind::Connect);
  host.core.onClose(1006, host.now);  // e.g. the server was down
  Json login = host.reconnectAfterLoss();
  EXPECT_EQ(login.at("data").at("token"), "token-1");
}

TEST(CoreLogin, MissingCredentialsFailAtStartWithoutConnecting) {
  for (const char* field : {"sdkAppId", "userId", "token"}) {
    CoreConfig config = testing::testConfig();
    if (std::string(field) == "sdkAppId") config.sdkAppId = 0;
    if (std::string(field) == "userId") config.userId.clear();
    if (std::string(field) == "token") config.token.clear();
    FakeHost host(config);
    host.core.start(host.now);
    host.expectEmit("tokenExpired",
                    Json{{"message", std::string("cannot log in: ") + field + " is missing"}, {"code", -11001}});
    host.expectIdle();
    EXPECT_EQ(host.core.phase(), Phase::Failed);
    EXPECT_EQ(host.core.nextDeadline(), std::nullopt);
  }
}

TEST(CoreLogin, ReadyComesFirstThenSessionEventsThenStatus) {
  FakeHost host;
  host.login("busy",
             Json::array({wireSession("s-1", "phone", "in", "talking", {{"callerPhoneNumber", "13800138000"}})}));
  EXPECT_EQ(host.core.phase(), Phase::Ready);
  host.expectEmit("callIn",
                  Json{{"sessionId", "s-1"}, {"type", "phone"}, {"timeout", 30}, {"callerPhoneNumber", "13800138000"}});
  host.expectEmit("userAccessed", Json{{"sessionId", "s-1"}});
  host.expectEmit("statusChanged", Json{{"status", "busy"}});
  host.expectIdle();
  EXPECT_EQ(host.core.agentStatus(), "busy");
  ASSERT_EQ(host.core.sessions().size(), 1u);
  EXPECT_EQ(host.core.sessions()[0].at("state"), "talking");
}

TEST(CoreLogin, OfflineSnapshotEmitsOnlyReady) {
  FakeHost host;
  host.login("offline");
  host.expectIdle();
  EXPECT_EQ(host.core.agentStatus(), "offline");
}

TEST(CoreLogin, TokenErrorOnFirstLoginFailsWithTokenExpired) {
  FakeHost host;
  host.openFirstSocket();
  Json request = host.expectRequest("auth.login");
  host.replyError(request, Errc::HttpTokenError, "token expired");
  host.expectClose(1000);
  host.expectEmit("tokenExpired", Json{{"message", "token expired"}, {"code", -10002}});
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Failed);
  EXPECT_EQ(host.core.nextDeadline(), std::nullopt);
  host.core.onClose(1000, host.now);
  host.advance(600000);
  host.expectIdle();  // no reconnect, ever
  auto handle = host.call("Agent.setStatus", Json{{"status", "free"}});
  host.expectReject(handle, Errc::NotReady);
}

TEST(CoreLogin, UnknownAgentOnFirstLoginIsFatalToo) {
  FakeHost host;
  host.openFirstSocket();
  host.replyError(host.expectRequest("auth.login"), Errc::NotFound, "no such agent");
  host.expectClose(1000);
  host.expectEmit("tokenExpired", Json{{"message", "no such agent"}, {"code", -11013}});
  EXPECT_EQ(host.core.phase(), Phase::Failed);
}

TEST(CoreLogin, TransientLoginErrorIsRetriedWithBackoff) {
  FakeHost host;
  host.openFirstSocket();
  host.replyError(host.expectRequest("auth.login"), Errc::Internal, "database busy");
  host.expectClose(1000);
  host.expectEmit("connectionLost", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
  ASSERT_TRUE(host.core.nextDeadline());
  host.now = *host.core.nextDeadline();
  host.core.onTick(host.now);
  Json retry = host.expectEmit("tryToReconnect");
  EXPECT_EQ(retry.at("attempt"), 1);
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  // Never logged in, so the one-use token is still the credential.
  EXPECT_EQ(host.expectRequest("auth.login").at("data").at("token"), "token-1");
}

class CoreLoginRefusal : public ::testing::TestWithParam<std::pair<Errc, bool>> {};

TEST_P(CoreLoginRefusal, TransientErrorsRetryOthersAreFinalFirstTimeAndOnResume) {
  const auto [code, transient] = GetParam();
  for (bool resume : {false, true}) {
    SCOPED_TRACE(resume ? "resume" : "first login");
    FakeHost host;
    if (resume) {
      host.login("offline");
      host.core.onClose(1006, host.now);
      host.expectEmit("connectionLost");
      host.now = *host.core.nextDeadline();
      host.core.onTick(host.now);
      host.expectEmit("tryToReconnect");
      host.next(CommandKind::Connect);
    } else {
      host.core.start(host.now);
      host.next(CommandKind::Connect);
    }
    host.core.onOpen(host.now);
    Json login = host.expectRequest("auth.login");
    EXPECT_EQ(login.at("data").contains("resumeToken"), resume);
    host.replyError(login, code, "refused");
    host.expectClose(1000);
    if (transient) {
      if (!resume) host.expectEmit("connectionLost");
      host.expectIdle();
      EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
      EXPECT_TRUE(host.core.nextDeadline());
    } else {
      host.expectEmit("tokenExpired", Json{{"message", "refused"}, {"code", static_cast<int>(code)}});
      host.expectIdle();
      EXPECT_EQ(host.core.phase(), Phase::Failed);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codes, CoreLoginRefusal,
                         ::testing::Values(std::pair{Errc::HttpTokenError, false}, std::pair{Errc::NotFound, false},
                                           std::pair{Errc::SipForbidden, false},
                                           std::pair{Errc::UnsupportedVersion, false}, std::pair{Errc::Protocol, false},
                                           std::pair{Errc::Internal, true}, std::pair{Errc::RateLimited, true},
                                           std::pair{Errc::SipServiceUnavailable, true}),
                         [](const ::testing::TestParamInfo<std::pair<Errc, bool>>& info) {
                           std::string name(errcName(info.param.first));
                           return name;
                         });

TEST(CoreLogin, LoginUnansweredInTimeIsAConnectionLoss) {
  FakeHost host;
  host.openFirstSocket();
  host.expectRequest("auth.login");
  EXPECT_EQ(host.core.nextDeadline(), std::optional<std::int64_t>(host.now + 10000));
  host.advance(9999);
  host.expectIdle();
  host.advance(1);
  host.expectClose(4000);
  host.expectEmit("connectionLost", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
}

TEST(CoreLogin, SocketThatNeverOpensIsAConnectionLoss) {
  FakeHost host;
  host.core.start(host.now);
  host.next(CommandKind::Connect);
  host.advance(10000);
  host.expectClose(4000);
  host.expectEmit("connectionLost", Json::object());
  host.core.onOpen(host.now);  // a late open of the abandoned socket is ignored
  host.expectIdle();
}

TEST(CoreHeartbeat, PingIsAnsweredAtOnceWithTheSameT) {
  FakeHost host;
  host.login();
  host.expectEmit("statusChanged");
  host.feed(R"({"v":1,"type":"ping","t":1732400000123})");
  Command pong = host.next(CommandKind::Send);
  EXPECT_EQ(Json::parse(pong.text), (Json{{"v", 1}, {"type", "pong"}, {"t", 1732400000123LL}}));
  host.expectIdle();
}

TEST(CoreHeartbeat, SilenceForThreeHeartbeatsLosesTheConnectionAndAnyFrameRefreshes) {
  FakeHost host;
  host.login();
  host.expectEmit("statusChanged");
  EXPECT_EQ(host.core.nextDeadline(), std::optional<std::int64_t>(host.now + 30000));
  host.advance(29999);
  host.expectIdle();
  host.feed("this is not JSON");  // even a bad frame shows the peer is alive
  host.advance(29999);
  host.expectIdle();
  host.feed(R"({"v":1,"type":"pong","t":1})");
  host.advance(29999);
  host.expectIdle();
  host.advance(1);
  host.expectClose(4000);
  host.expectEmit("connectionLost", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
  EXPECT_EQ(host.core.stats().droppedFrames, 1u);
}

TEST(CoreHeartbeat, HeartbeatIntervalComesFromTheLoginResponse) {
  FakeHost host;
  host.openFirstSocket();
  Json snapshot = host.snapshot("offline");
  snapshot["heartbeatMs"] = 2000;
  host.reply(host.expectRequest("auth.login"), snapshot);
  host.expectEmit("ready");
  EXPECT_EQ(host.core.nextDeadline(), std::optional<std::int64_t>(host.now + 6000));
}

TEST(CoreHeartbeat, AbsurdHeartbeatIntervalsAreClamped) {
  for (auto [given, expected] : {std::pair<std::int64_t, std::int64_t>{0, 1000}, {-5, 1000}, {99999999, 600000}}) {
    FakeHost host;
    host.core.start(host.now);
    host.next(CommandKind::Connect);
    host.core.onOpen(host.now);
    Json snapshot = host.snapshot("offline");
    snapshot["heartbeatMs"] = given;
    host.reply(host.expectRequest("auth.login"), snapshot);
    EXPECT_EQ(host.core.nextDeadline(), std::optional<std::int64_t>(host.now + 3 * expected)) << given;
  }
}

TEST(CoreReconnect, LossRejectsPendingThenReconnectsAndResumes) {
  FakeHost host;
  host.login("free", Json::array({wireSession("s-1", "phone", "in", "ringing")}));
  host.expectEmit("callIn");
  host.expectEmit("statusChanged");
  host.feed(R"({"v":1,"type":"evt","seq":7,"event":"agent.status","data":{"status":"free","reason":"request"}})");
  auto accept = host.call("Call.accept", Json{{"sessionId", "s-1"}});
  host.expectRequest("session.accept");
  host.expectMedia("prepare", Json{{"sessionId", "s-1"}, {"video", false}});
  host.core.onClose(1006, host.now);
  host.expectReject(accept, Errc::ConnectionLost);
  host.expectEmit("connectionLost", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Reconnecting);
  auto during = host.call("Call.hungUp", Json{{"sessionId", "s-1"}});
  host.expectReject(during, Errc::NotReady);

  // Backoff: attempt 1 waits at most reconnectBaseMs.
  std::int64_t lostAt = host.now;
  ASSERT_TRUE(host.core.nextDeadline());
  std::int64_t delay = *host.core.nextDeadline() - lostAt;
  EXPECT_GE(delay, 0);
  EXPECT_LE(delay, 500);
  host.now = lostAt + delay;
  host.core.onTick(host.now);
  host.expectEmit("tryToReconnect", Json{{"attempt", 1}, {"delayMs", delay}});
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  Json login = host.expectRequest("auth.login");
  EXPECT_EQ(login.at("data"),
            (Json{{"sdkAppId", 1400000001}, {"userId", "alice@example.com"}, {"resumeToken", "r-1"}, {"lastSeq", 7}}));
  // Meanwhile the customer hung up: the snapshot no longer has s-1 at all.
  host.seq = 9;
  host.reply(login, host.snapshot("free"));
  host.expectMedia("end", Json{{"sessionId", "s-1"}});
  host.expectEmit(
      "sessionEnded",
      Json{{"sessionId", "s-1"}, {"closeBy", "admin"}, {"mainReason", "connectionLost"}, {"type", "phone"}});
  host.expectEmit("connectionRecovery", Json::object());
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Ready);
}

TEST(CoreReconnect, ConnectionLostIsEmittedOncePerOutageAndAttemptsCount) {
  FakeHost host;
  host.login("offline");
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  for (int attempt = 1; attempt <= 4; ++attempt) {
    host.now = *host.core.nextDeadline();
    host.core.onTick(host.now);
    Json retry = host.expectEmit("tryToReconnect");
    EXPECT_EQ(retry.at("attempt"), attempt);
    EXPECT_LE(retry.at("delayMs").get<std::int64_t>(), std::min<std::int64_t>(30000, 500LL << (attempt - 1)));
    host.next(CommandKind::Connect);
    host.core.onClose(1006, host.now);  // the server is still down
    host.expectIdle();                  // no second connectionLost
  }
  host.now = *host.core.nextDeadline();
  host.core.onTick(host.now);
  host.expectEmit("tryToReconnect");
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  host.reply(host.expectRequest("auth.login"), host.snapshot("offline"));
  host.expectEmit("connectionRecovery", Json::object());
  // Success resets the backoff: the next outage starts at attempt 1 again and is announced again.
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  host.now = *host.core.nextDeadline();
  host.core.onTick(host.now);
  EXPECT_EQ(host.expectEmit("tryToReconnect").at("attempt"), 1);
}

TEST(CoreReconnect, GivesUpAfterMaxAttempts) {
  CoreConfig config = testing::testConfig();
  config.maxReconnectAttempts = 2;
  FakeHost host(config);
  host.login("offline");
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  for (int i = 0; i < 2; ++i) {
    host.now = *host.core.nextDeadline();
    host.core.onTick(host.now);
    host.expectEmit("tryToReconnect");
    host.next(CommandKind::Connect);
    host.core.onClose(1006, host.now);
  }
  host.expectEmit("reconnectFailed", Json{{"attempts", 2}});
  EXPECT_EQ(host.core.phase(), Phase::Failed);
  EXPECT_EQ(host.core.nextDeadline(), std::nullopt);
}

TEST(CoreReconnect, RejectedResumeFailsWithTokenExpired) {
  FakeHost host;
  host.login("offline");
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  host.now = *host.core.nextDeadline();
  host.core.onTick(host.now);
  host.expectEmit("tryToReconnect");
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  host.replyError(host.expectRequest("auth.login"), Errc::HttpTokenError, "stale resume token");
  host.expectClose(1000);
  host.expectEmit("tokenExpired", Json{{"message", "stale resume token"}, {"code", -10002}});
  EXPECT_EQ(host.core.phase(), Phase::Failed);
}

TEST(CoreKick, CloseCode4003IsAKickWithoutReconnect) {
  FakeHost host;
  host.login("offline");
  auto pending = host.call("Agent.online", Json());
  host.expectRequest("agent.online");
  host.core.onClose(4003, host.now);
  host.expectReject(pending, Errc::ConnectionLost);
  host.expectEmit("kickedOut", Json{{"reason", "another login took over this agent"}});
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Failed);
  host.advance(60000);
  host.expectIdle();
}

TEST(CoreKick, KickedEventFailsClosesAndIgnoresTheFollowingClose) {
  FakeHost host;
  host.login("offline");
  host.event("agent.kicked", Json{{"reason", "loggedInElsewhere"}});
  host.expectClose(1000);
  host.expectEmit("kickedOut", Json{{"reason", "loggedInElsewhere"}});
  host.core.onClose(4003, host.now);
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Failed);
}

TEST(CoreRequests, UnansweredRequestTimesOutAndALateAnswerIsIgnored) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  auto handle = host.call("Agent.setStatus", Json{{"status", "rest"}, {"restReason", "lunch"}});
  Json request = host.expectRequest("agent.setStatus");
  EXPECT_EQ(request.at("data"), (Json{{"status", "rest"}, {"restReason", "lunch"}}));
  host.feed(R"({"v":1,"type":"ping","t":5})");  // keep the connection alive
  host.next(CommandKind::Send);
  host.advance(9999);
  host.expectIdle();
  host.advance(1);
  Error error = host.expectReject(handle, Errc::RequestTimeout);
  EXPECT_NE(error.message.find("agent.setStatus"), std::string::npos) << error.message;
  host.reply(request);
  host.expectIdle();
  EXPECT_EQ(host.core.stats().unmatchedResponses, 1u);
  EXPECT_EQ(host.core.phase(), Phase::Ready);  // a slow request is not a dead connection
}

TEST(CoreRequests, ServerErrorIsPassedThroughToTheCaller) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  auto handle = host.call("Agent.setStatus", Json{{"status", "notReady"}});
  host.replyError(host.expectRequest("agent.setStatus"), Errc::InvalidState,
                  "busy: cannot change status during a call");
  Error error = host.expectReject(handle, Errc::InvalidState);
  EXPECT_EQ(error.message, "busy: cannot change status during a call");
}

TEST(CoreRequests, RequestIdsAreUniqueAndIncreasing) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  std::int64_t last = 1;  // the login
  for (int i = 0; i < 20; ++i) {
    host.call("Agent.setStatus", Json{{"status", "rest"}});
    std::int64_t id = host.expectRequest("agent.setStatus").at("id").get<std::int64_t>();
    EXPECT_EQ(id, last + 1);
    last = id;
  }
}

TEST(CoreOrdering, ResolveComesBeforeTheEventsThatFollowTheResponse) {
  FakeHost host;
  host.login("free", Json::array({wireSession("s-1", "phone", "in", "ringing")}));
  host.expectEmit("callIn");
  host.expectEmit("statusChanged");
  auto handle = host.call("Call.accept", Json{{"sessionId", "s-1"}});
  Json request = host.expectRequest("session.accept");
  host.expectMedia("prepare", Json{{"sessionId", "s-1"}, {"video", false}});
  // The server answers, then reports the effects, in one burst the host delivers back to back.
  host.reply(request);
  host.sessionState(wireSession("s-1", "phone", "in", "talking"));
  host.event("agent.status", Json{{"status", "busy"}, {"reason", "callStarted"}});
  host.expectResolve(handle, Json{{"sessionId", "s-1"}});
  host.expectEmit("userAccessed", Json{{"sessionId", "s-1"}});
  host.expectEmit("statusChanged", Json{{"status", "busy"}});
  host.expectIdle();
}

TEST(CoreEvents, DuplicateAndStaleSeqAreIgnoredGapsAreCounted) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  host.feed(
      R"({"v":1,"type":"evt","seq":1,"event":"agent.status","data":{"status":"rest","restReason":"lunch","reason":"request"}})");
  host.expectEmit("statusChanged", Json{{"status", "rest"}, {"restReason", "lunch"}});
  host.feed(R"({"v":1,"type":"evt","seq":1,"event":"agent.status","data":{"status":"free","reason":"request"}})");
  host.expectIdle();
  host.feed(R"({"v":1,"type":"evt","seq":5,"event":"agent.status","data":{"status":"free","reason":"request"}})");
  host.expectEmit("statusChanged", Json{{"status", "free"}});
  host.feed(R"({"v":1,"type":"evt","seq":3,"event":"agent.status","data":{"status":"rest","reason":"request"}})");
  host.expectIdle();
  EXPECT_EQ(host.core.stats().duplicateEvents, 2u);
  EXPECT_EQ(host.core.stats().seqGaps, 1u);
}

TEST(CoreEvents, SameStatusTwiceEmitsOnce) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  host.event("agent.status", Json{{"status", "free"}, {"reason", "request"}});
  host.expectIdle();
  host.event("agent.status", Json{{"status", "rest"}, {"restReason", "lunch"}, {"reason", "request"}});
  host.expectEmit("statusChanged", Json{{"status", "rest"}, {"restReason", "lunch"}});
  host.event("agent.status", Json{{"status", "rest"}, {"restReason", "meeting"}, {"reason", "request"}});
  host.expectEmit("statusChanged", Json{{"status", "rest"}, {"restReason", "meeting"}});
}

TEST(CoreEvents, UnknownAndMalformedEventsAreIgnoredNotFatal) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  host.event("chat.typing", Json{{"sessionId", "s-1"}});
  host.event("agent.status", Json{{"status", "dancing"}});
  host.event("agent.status", Json{{"status", 5}});
  host.event("session.state", Json{{"nope", 1}});
  host.event("session.state",
             Json{{"session", {{"sessionId", "s-1"}, {"type", "fax"}, {"direction", "in"}, {"state", "ringing"}}}});
  host.sessionState(wireSession("s-2", "video", "out", "dialing"));  // no such machine
  host.sessionState(wireSession("s-3", "phone", "in", "ringing"));
  host.expectEmit("callIn");
  host.sessionState(wireSession("s-3", "phone", "out", "talking"));  // direction cannot change
  host.sessionState(wireSession("s-3", "phone", "in", "dialing"));   // not on the inbound machine
  host.expectIdle();
  EXPECT_EQ(host.core.stats().unknownEvents, 1u);
  EXPECT_EQ(host.core.stats().rejectedEvents, 7u);
  EXPECT_EQ(host.core.phase(), Phase::Ready);
}

TEST(CoreEvents, GarbageFramesAreCountedAndDropped) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  for (const char* frame : {"", "{", "[]", "null", R"({"v":2,"type":"evt","seq":9,"event":"x"})",
                            R"({"v":1,"type":"req","id":1,"method":"agent.online"})", R"({"v":1,"type":"nope"})"})
    host.feed(std::string(frame));
  host.feed(std::string(70000, ' '));
  host.feed(std::string(20000, '['));
  host.expectIdle();
  EXPECT_EQ(host.core.stats().droppedFrames, 9u);
  EXPECT_EQ(host.core.phase(), Phase::Ready);
}

TEST(CoreEvents, EventsBeforeLoginAreDropped) {
  FakeHost host;
  host.openFirstSocket();
  host.expectRequest("auth.login");
  host.sessionState(wireSession("s-1", "phone", "in", "ringing"));
  host.expectIdle();
  EXPECT_EQ(host.core.stats().droppedFrames, 1u);
}

TEST(CoreEvents, SessionEndReleasesMediaAndEmitsTheEndEvents) {
  FakeHost host;
  host.login("busy", Json::array({wireSession("s-1", "phone", "in", "talking")}));
  host.expectEmit("callIn");
  host.expectEmit("userAccessed");
  host.expectEmit("statusChanged");
  host.sessionState(wireSession(
      "s-1", "phone", "in", "ended",
      {{"endReason", "transfer"}, {"closeBy", "seat"}, {"duration", 42}, {"transferTo", {{"skillGroupId", "7"}}}}));
  host.expectMedia("end", Json{{"sessionId", "s-1"}});
  host.expectEmit("transfer", Json{{"sessionId", "s-1"}, {"skillGroupId", "7"}});
  host.expectEmit("sessionEnded", Json{{"sessionId", "s-1"}, {"closeBy", "seat"}, {"type", "phone"}, {"duration", 42}});
  host.expectIdle();
}

TEST(CoreEvents, AnEndedSessionReOfferedIsANewConversation) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  host.sessionState(wireSession("s-1", "phone", "in", "ringing"));
  host.expectEmit("callIn");
  host.sessionState(wireSession("s-1", "phone", "in", "ended", {{"endReason", "ringTimeout"}, {"closeBy", "timer"}}));
  host.expectMedia("end", Json{{"sessionId", "s-1"}});
  host.expectEmit("autoTransfer", Json{{"sessionId", "s-1"}});
  // Nobody else was free: the server offers the same session to this agent again.
  host.sessionState(wireSession("s-1", "phone", "in", "ringing"));
  host.expectEmit("callIn", Json{{"sessionId", "s-1"}, {"type", "phone"}, {"timeout", 30}});
  auto accept = host.call("Call.accept", Json{{"sessionId", "s-1"}});
  host.expectRequest("session.accept");
  host.expectMedia("prepare", Json{{"sessionId", "s-1"}, {"video", false}});
  host.expectIdle();
  (void)accept;
  ASSERT_EQ(host.core.sessions().size(), 1u);
  // A stale "ended" repeated for the new copy's id with an older seq changes nothing.
  host.feedJson(Json{{"v", 1},
                     {"type", "evt"},
                     {"seq", 2},
                     {"event", "session.state"},
                     {"data", {{"session", wireSession("s-1", "phone", "in", "ended")}}}});
  host.expectIdle();
}

TEST(CoreDestroy, RejectsPendingClosesAndRefusesLaterCalls) {
  FakeHost host;
  host.login("free");
  host.expectEmit("statusChanged");
  auto pending = host.call("Agent.setStatus", Json{{"status", "rest"}});
  host.expectRequest("agent.setStatus");
  host.core.destroy(host.now);
  host.expectReject(pending, Errc::Destroyed);
  host.expectRequest("auth.logout");  // goodbye first, so the server skips the grace period
  host.expectClose(1000);
  host.expectIdle();
  EXPECT_EQ(host.core.phase(), Phase::Destroyed);
  EXPECT_EQ(host.core.nextDeadline(), std::nullopt);
  auto later = host.call("Agent.setStatus", Json{{"status", "free"}});
  host.expectReject(later, Errc::Destroyed);
  host.core.onClose(1000, host.now);
  host.feed(R"({"v":1,"type":"ping","t":1})");
  host.advance(100000);
  host.core.destroy(host.now);
  host.expectIdle();
}

TEST(CoreDestroy, BeforeLoginSendsNoLogout) {
  FakeHost host;
  host.core.start(host.now);
  host.core.destroy(host.now);
  for (const auto& c : host.core.drain()) EXPECT_NE(c.kind, CommandKind::Send) << c.text;
  EXPECT_EQ(host.core.phase(), Phase::Destroyed);
}

TEST(CoreCommands, JsonFormatForTheBindings) {
  std::vector<Command> commands(7);
  commands[0].kind = CommandKind::Connect;
  commands[1].kind = CommandKind::Send;
  commands[1].text = R"({"v":1})";
  commands[2].kind = CommandKind::Close;
  commands[2].code = 4000;
  commands[3].kind = CommandKind::Emit;
  commands[3].name = "callIn";
  commands[3].data = Json{{"sessionId", "s-1"}};
  commands[4].kind = CommandKind::Resolve;
  commands[4].handle = 3;
  commands[4].data = Json{{"sessionId", "s-1"}};
  commands[5].kind = CommandKind::Reject;
  commands[5].handle = 4;
  commands[5].error = Error(Errc::InvalidArgument, "sessionId is required");
  commands[6].kind = CommandKind::Media;
  commands[6].name = "mute";
  commands[6].data = Json{{"sessionId", "s-1"}};
  Json expected = Json::array({
      {{"kind", "connect"}},
      {{"kind", "send"}, {"text", R"({"v":1})"}},
      {{"kind", "close"}, {"code", 4000}},
      {{"kind", "emit"}, {"name", "callIn"}, {"data", {{"sessionId", "s-1"}}}},
      {{"kind", "resolve"}, {"handle", 3}, {"data", {{"sessionId", "s-1"}}}},
      {{"kind", "reject"},
       {"handle", 4},
       {"code", -11001},
       {"name", "ERR_INVALID_ARGUMENT"},
       {"message", "sessionId is required"}},
      {{"kind", "media"}, {"name", "mute"}, {"data", {{"sessionId", "s-1"}}}},
  });
  EXPECT_EQ(Json::parse(commandsToJson(commands)), expected);
  EXPECT_EQ(commandsToJson({}), "[]");
  // A default (null) payload still reaches JS as an object.
  std::vector<Command> bare(1);
  bare[0].kind = CommandKind::Emit;
  bare[0].name = "ready";
  EXPECT_EQ(Json::parse(commandsToJson(bare))[0].at("data"), Json::object());
}

}  // namespace
}  // namespace tccc::core
