// SPDX-License-Identifier: Apache-2.0
// The connection on its own: credentials, the login (in the handshake or as a frame, with the token
// or the resume token), how a refused login ends, liveness and its clamp, socket closes, event
// sequencing, and the frames it answers or drops itself. Core's end-to-end tests (CoreLifecycleTest)
// cover the same paths through the facade.
#include "core/Connection.hpp"

#include "CorePartsRig.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using Json = protocol::Json;
using testing::CorePartsRig;
using testing::describe;

Json frame(const Command& send) { return Json::parse(send.text, nullptr, false); }

// --- credentials ----------------------------------------------------------------------------------

struct CredentialsRow {
  const char* name;
  std::int64_t sdkAppId;
  const char* userId;
  const char* token;
  const char* missing;  // nullptr: it connects
};

const CredentialsRow kCredentialsRows[] = {
    {"complete", 1400000001, "alice", "t", nullptr},    {"noSdkAppId", 0, "alice", "t", "sdkAppId"},
    {"negativeSdkAppId", -5, "alice", "t", "sdkAppId"}, {"noUserId", 1400000001, "", "t", "userId"},
    {"noToken", 1400000001, "alice", "", "token"},      {"nothingNamesTheFirst", 0, "", "", "sdkAppId"},
};

class ConnectionCredentials : public ::testing::TestWithParam<CredentialsRow> {};

TEST_P(ConnectionCredentials, MissingOnesFailAtOnceWithoutASocket) {
  const CredentialsRow& row = GetParam();
  CoreConfig config = testing::testConfig();
  config.sdkAppId = row.sdkAppId;
  config.userId = row.userId;
  config.token = row.token;
  CorePartsRig rig(config);
  rig.connection.start(rig.now);
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 1u);
  if (!row.missing) {
    EXPECT_EQ(commands[0].kind, CommandKind::Connect);
    EXPECT_EQ(rig.connection.phase(), Phase::Connecting);
    EXPECT_TRUE(rig.connection.running());
    return;
  }
  EXPECT_EQ(commands[0].kind, CommandKind::Emit);
  EXPECT_EQ(commands[0].name, "tokenExpired");
  EXPECT_EQ(commands[0].data, (Json{{"message", std::string("cannot log in: ") + row.missing + " is missing"},
                                    {"code", static_cast<int>(Errc::InvalidArgument)}}));
  EXPECT_EQ(rig.connection.phase(), Phase::Failed);
  EXPECT_FALSE(rig.connection.running());
  EXPECT_FALSE(rig.connection.nextDeadline());
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionCredentials, ::testing::ValuesIn(kCredentialsRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- the login frame: {handshakeLogin} x {first socket, reconnect} ---------------------------------

struct LoginFrameRow {
  const char* name;
  bool handshakeLogin;
  bool firstSocketSendsLogin;
};

const LoginFrameRow kLoginFrameRows[] = {
    {"plain", false, true},
    {"inTheHandshake", true, false},
};

class ConnectionLoginFrame : public ::testing::TestWithParam<LoginFrameRow> {};

TEST_P(ConnectionLoginFrame, TokenOnTheFirstSocketResumeTokenAfterwards) {
  const LoginFrameRow& row = GetParam();
  CoreConfig config = testing::testConfig();
  config.handshakeLogin = row.handshakeLogin;
  CorePartsRig rig(config);
  rig.connection.start(rig.now);
  rig.connection.onOpen(rig.now);
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), row.firstSocketSendsLogin ? 2u : 1u);
  if (row.firstSocketSendsLogin) {
    EXPECT_EQ(frame(commands[1]), Json::parse(R"({"v":1,"type":"req","id":1,"method":"auth.login",
        "data":{"sdkAppId":1400000001,"userId":"alice@example.com","token":"token-1"}})"));
  }
  // Answered as request 1 either way.
  ASSERT_TRUE(rig.requests.take(1));
  protocol::Response ok;
  ok.id = 1;
  ok.data = Json{{"resumeToken", "r-9"}, {"seq", 41}};
  EXPECT_EQ(rig.connection.loginAnswered(ok, rig.now), Connection::Login::First);
  EXPECT_EQ(rig.drained(), std::vector<std::string>{"emit ready {}"});
  // Lost: the next socket logs in with a frame carrying the resume token and the last seq.
  rig.connection.onClose(1006, rig.now);
  rig.queue.drain();
  rig.now = *rig.connection.nextDeadline();
  rig.connection.onTick(rig.now);
  rig.queue.drain();
  rig.connection.onOpen(rig.now);
  commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 1u);
  Json login = frame(commands[0]);
  EXPECT_EQ(login["data"],
            Json::parse(R"({"sdkAppId":1400000001,"userId":"alice@example.com","resumeToken":"r-9","lastSeq":41})"));
  ASSERT_TRUE(rig.requests.take(login["id"].get<std::int64_t>()));
  ok.id = login["id"].get<std::int64_t>();
  EXPECT_EQ(rig.connection.loginAnswered(ok, rig.now), Connection::Login::Resumed);
  EXPECT_TRUE(rig.queue.empty());  // `ready` only once; connectionRecovery is the caller's, after the snapshot
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionLoginFrame, ::testing::ValuesIn(kLoginFrameRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- a refused login: {code} -> ends for good, or counts as a loss --------------------------------

struct RefusalRow {
  const char* name;
  Errc code;
  bool transient;
};

const RefusalRow kRefusalRows[] = {
    {"badToken", Errc::HttpTokenError, false},
    {"forbidden", Errc::SipForbidden, false},
    {"unknownAgent", Errc::NotFound, false},
    {"protocol", Errc::Protocol, false},
    {"unsupportedVersion", Errc::UnsupportedVersion, false},
    {"internal", Errc::Internal, true},
    {"rateLimited", Errc::RateLimited, true},
    {"httpFailure", Errc::HttpRequestFailure, true},
    {"serviceUnavailable", Errc::SipServiceUnavailable, true},
    {"serverTimeout", Errc::SipServerTimeout, true},
    {"requestTimeout", Errc::SipRequesttimeout, true},
};

class ConnectionRefusal : public ::testing::TestWithParam<RefusalRow> {};

TEST_P(ConnectionRefusal, OnlyATransientRefusalIsTriedAgain) {
  const RefusalRow& row = GetParam();
  CorePartsRig rig;
  rig.connection.start(rig.now);
  rig.connection.onOpen(rig.now);
  rig.queue.drain();
  ASSERT_TRUE(rig.requests.take(1));
  protocol::Response refused;
  refused.id = 1;
  refused.ok = false;
  refused.error = Error(row.code, "refused");
  EXPECT_EQ(rig.connection.loginAnswered(refused, rig.now), Connection::Login::Refused);
  EXPECT_FALSE(rig.connection.loggedIn());
  if (row.transient) {
    EXPECT_EQ(rig.drained(), (std::vector<std::string>{"close 1000", "emit connectionLost {}"}));
    EXPECT_EQ(rig.connection.phase(), Phase::Reconnecting);
    EXPECT_EQ(rig.listener.lost, 1);
    EXPECT_TRUE(rig.connection.nextDeadline());  // the backoff timer
  } else {
    auto commands = rig.queue.drain();
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(describe(commands[0]), "close 1000");
    EXPECT_EQ(commands[1].name, "tokenExpired");
    EXPECT_EQ(commands[1].data, (Json{{"message", "refused"}, {"code", static_cast<int>(row.code)}}));
    EXPECT_EQ(rig.connection.phase(), Phase::Failed);
    EXPECT_EQ(rig.listener.lost, 0);
    EXPECT_FALSE(rig.connection.nextDeadline());
  }
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionRefusal, ::testing::ValuesIn(kRefusalRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- the socket closing: {code, phase} ----------------------------------------------------------

struct CloseRow {
  const char* name;
  int code;
  bool loggedIn;
  std::vector<std::string> commands;
  Phase phase;
};

const std::vector<CloseRow> kCloseRows = {
    {"dropWhileReady", 1006, true, {"emit connectionLost {}"}, Phase::Reconnecting},
    {"normalWhileReady", 1000, true, {"emit connectionLost {}"}, Phase::Reconnecting},
    {"dropWhileLoggingIn", 1006, false, {"emit connectionLost {}"}, Phase::Reconnecting},
    {"kicked", 4003, true, {R"(emit kickedOut {"reason":"another login took over this agent"})"}, Phase::Failed},
};

class ConnectionClose : public ::testing::TestWithParam<CloseRow> {};

TEST_P(ConnectionClose, ALossReconnectsAKickEnds) {
  const CloseRow& row = GetParam();
  CorePartsRig rig;
  if (row.loggedIn) {
    rig.ready();
  } else {
    rig.connection.start(rig.now);
    rig.connection.onOpen(rig.now);
    rig.queue.drain();
  }
  rig.connection.onClose(row.code, rig.now);
  EXPECT_EQ(rig.drained(), row.commands);
  EXPECT_EQ(rig.connection.phase(), row.phase);
  // A second report of the same socket changes nothing.
  rig.connection.onClose(row.code, rig.now);
  EXPECT_TRUE(rig.queue.empty());
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionClose, ::testing::ValuesIn(kCloseRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- liveness: heartbeatMs from the login, clamped; silence for 3x that loses the connection ---------

struct HeartbeatRow {
  const char* name;
  Json heartbeatMs;  // null: absent
  std::int64_t effective;
};

const std::vector<HeartbeatRow> kHeartbeatRows = {
    {"absent", Json(), 10000}, {"asGiven", 20000, 20000},   {"tooShort", 999, 1000},
    {"zero", 0, 1000},         {"tooLong", 600001, 600000}, {"notANumber", "5000", 10000},
};

class ConnectionHeartbeat : public ::testing::TestWithParam<HeartbeatRow> {};

TEST_P(ConnectionHeartbeat, SilenceForThreeHeartbeatsIsALoss) {
  const HeartbeatRow& row = GetParam();
  CorePartsRig rig;
  Json login = CorePartsRig::okLogin();
  if (row.heartbeatMs.is_null())
    login.erase("heartbeatMs");
  else
    login["heartbeatMs"] = row.heartbeatMs;
  rig.ready(login);
  std::int64_t deadline = rig.now + 3 * row.effective;
  EXPECT_EQ(rig.connection.nextDeadline(), deadline);
  // Any frame, even one that does not decode, counts as a sign of life.
  rig.now += row.effective;
  rig.connection.onMessage("not json", rig.now);
  EXPECT_EQ(rig.stats.droppedFrames, 1u);
  deadline = rig.now + 3 * row.effective;
  rig.now = deadline - 1;
  rig.connection.onTick(rig.now);
  EXPECT_TRUE(rig.queue.empty());
  rig.now = deadline;
  rig.connection.onTick(rig.now);
  EXPECT_EQ(rig.drained(), (std::vector<std::string>{"close 4000", "emit connectionLost {}"}));
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionHeartbeat, ::testing::ValuesIn(kHeartbeatRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- events in seq order: {seqs arriving} -> {routed, duplicates, gaps} --------------------------------

struct SeqRow {
  const char* name;
  std::int64_t snapshotSeq;
  std::vector<std::int64_t> arriving;
  std::vector<std::string> routed;  // event names carry the seq: "e<seq>"
  std::uint64_t duplicates;
  std::uint64_t gaps;
};

const std::vector<SeqRow> kSeqRows = {
    {"inOrder", 0, {1, 2, 3}, {"e1", "e2", "e3"}, 0, 0},
    {"afterTheSnapshot", 41, {41, 42}, {"e42"}, 1, 0},
    {"repeated", 0, {1, 1, 2, 1}, {"e1", "e2"}, 2, 0},
    {"aGapIsCountedAndGoneThrough", 0, {1, 4, 5}, {"e1", "e4", "e5"}, 0, 1},
    {"lateAfterAGap", 0, {3, 2}, {"e3"}, 1, 1},
};

class ConnectionSequence : public ::testing::TestWithParam<SeqRow> {};

TEST_P(ConnectionSequence, EachSeqGoesOnOnceInOrder) {
  const SeqRow& row = GetParam();
  CorePartsRig rig;
  Json login = CorePartsRig::okLogin();
  login["seq"] = row.snapshotSeq;
  rig.ready(login);
  for (std::int64_t seq : row.arriving)
    rig.connection.onMessage(protocol::encode(protocol::Event{seq, "e" + std::to_string(seq), Json::object()}),
                             rig.now);
  EXPECT_EQ(rig.listener.events, row.routed);
  EXPECT_EQ(rig.stats.duplicateEvents, row.duplicates);
  EXPECT_EQ(rig.stats.seqGaps, row.gaps);
  EXPECT_EQ(rig.stats.framesReceived, row.arriving.size());
}

INSTANTIATE_TEST_SUITE_P(Connection, ConnectionSequence, ::testing::ValuesIn(kSeqRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- frames the connection handles itself ------------------------------------------------------------

TEST(Connection, AnswersPingsRoutesResponsesAndDropsWhatTheServerNeverSends) {
  CorePartsRig rig;
  rig.ready();
  rig.connection.onMessage(R"({"v":1,"type":"ping","t":77})", rig.now);
  auto pong = rig.queue.drain();
  ASSERT_EQ(pong.size(), 1u);
  EXPECT_EQ(frame(pong[0]), Json::parse(R"({"v":1,"type":"pong","t":77})"));
  rig.connection.onMessage(R"({"v":1,"type":"pong","t":5})", rig.now);
  rig.connection.onMessage(R"({"v":1,"type":"res","id":9,"ok":true,"data":{}})", rig.now);
  rig.connection.onMessage(R"({"v":1,"type":"req","id":3,"method":"x","data":{}})", rig.now);
  EXPECT_TRUE(rig.queue.empty());
  EXPECT_EQ(rig.listener.responses, std::vector<std::int64_t>{9});
  EXPECT_EQ(rig.stats.droppedFrames, 1u);
  EXPECT_EQ(rig.stats.framesReceived, 4u);
}

TEST(Connection, EventsBeforeTheLoginHaveNothingToApplyTo) {
  CorePartsRig rig;
  rig.connection.start(rig.now);
  rig.connection.onMessage(R"({"v":1,"type":"ping","t":1})", rig.now);  // no socket yet: ignored
  rig.connection.onOpen(rig.now);
  rig.queue.drain();
  rig.connection.onMessage(protocol::encode(protocol::Event{1, "agent.status", Json::object()}), rig.now);
  EXPECT_TRUE(rig.listener.events.empty());
  EXPECT_EQ(rig.stats.droppedFrames, 1u);
  EXPECT_EQ(rig.stats.framesReceived, 1u);
}

TEST(Connection, NotReadyNamesTheApiAndThePhase) {
  CorePartsRig rig;
  EXPECT_EQ(rig.connection.notReady("Agent.online").message, "Agent.online: the SDK has not been started");
  rig.connection.start(rig.now);
  EXPECT_EQ(rig.connection.notReady("Call.accept").message,
            "Call.accept: the SDK is still logging in; wait for the ready event");
  rig.connection.onOpen(rig.now);
  rig.connection.onClose(1006, rig.now);
  EXPECT_EQ(rig.connection.notReady("Agent.online").message,
            "Agent.online: the connection was lost and the SDK is reconnecting");
  rig.connection.kick("x");
  EXPECT_EQ(rig.connection.notReady("Agent.online").message,
            "Agent.online: the SDK is logged out (token expired or kicked out); log in again");
  EXPECT_EQ(rig.connection.notReady("Agent.online").code, Errc::NotReady);
}

TEST(Connection, DestroySaysGoodbyeOnlyWhenLoggedIn) {
  for (bool loggedIn : {true, false}) {
    CorePartsRig rig;
    if (loggedIn) {
      rig.ready();
    } else {
      rig.connection.start(rig.now);
      rig.connection.onOpen(rig.now);
      rig.queue.drain();
    }
    rig.requests.send("agent.online", Json::object(), 5, Settle::Empty, "", rig.now);
    rig.queue.drain();
    rig.connection.destroy();
    auto commands = rig.queue.drain();
    ASSERT_EQ(commands.size(), loggedIn ? 3u : 2u) << loggedIn;
    EXPECT_EQ(commands[0].kind, CommandKind::Reject);
    EXPECT_EQ(commands[0].error.code, Errc::Destroyed);
    if (loggedIn) {
      EXPECT_EQ(frame(commands[1]).value("method", ""), "auth.logout");
    }
    EXPECT_EQ(describe(commands.back()), "close 1000");
    EXPECT_EQ(rig.connection.phase(), Phase::Destroyed);
    rig.connection.destroy();  // twice is harmless
    EXPECT_TRUE(rig.queue.empty());
  }
}

}  // namespace
}  // namespace tccc::core
