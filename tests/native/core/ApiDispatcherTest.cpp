// SPDX-License-Identifier: Apache-2.0
// API dispatch on its own: the order of the checks (destroyed, then arguments, then readiness, then
// state), the calls answered without a round trip, the ids a non-idempotent request carries, and how
// each kind of answer settles its promise. CoreApiTest walks every public API through the facade.
#include "core/ApiDispatcher.hpp"

#include "CorePartsRig.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using Json = protocol::Json;
using testing::CorePartsRig;
using testing::describe;
using testing::wireSession;

enum class Stage { Idle, Ready, Destroyed };

// --- the order of the checks: {stage, api, options, session} -> refusal or request -----------------------

struct CheckRow {
  const char* name;
  Stage stage;
  const char* api;
  Json args;
  Json session;         // null: none
  Errc rejected;        // None: a request goes out
  const char* message;  // checked when given
};

const Json kRinging = wireSession("s-1", "phone", "in", "ringing");
const Json kEnded = wireSession("s-1", "phone", "in", "ended");

const std::vector<CheckRow> kCheckRows = {
    {"destroyedFirst", Stage::Destroyed, "Call.bogus", Json::object(), Json(), Errc::Destroyed,
     "Call.bogus: the SDK has been destroyed"},
    {"unknownApi", Stage::Ready, "Call.bogus", Json::object(), Json(), Errc::InvalidArgument, nullptr},
    {"argumentsBeforeReadiness", Stage::Idle, "Call.accept", Json::object(), Json(), Errc::InvalidArgument, nullptr},
    {"readinessBeforeState", Stage::Idle, "Call.accept", Json{{"sessionId", "s-9"}}, Json(), Errc::NotReady,
     "Call.accept: the SDK has not been started"},
    {"mediaSignallingToTheRelay", Stage::Idle, "Media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}}, Json(),
     Errc::NotReady, "Media.offer: the SDK has not been started"},
    {"unknownSession", Stage::Ready, "Call.accept", Json{{"sessionId", "s-9"}}, Json(), Errc::SessionNotFound, nullptr},
    {"wrongState", Stage::Ready, "Call.accept", Json{{"sessionId", "s-1"}}, kEnded, Errc::InvalidState, nullptr},
    {"accepted", Stage::Ready, "Call.accept", Json{{"sessionId", "s-1"}}, kRinging, Errc::None, nullptr},
    {"agentState", Stage::Ready, "Agent.setStatus", Json{{"status", "rest"}}, Json(), Errc::InvalidState,
     "cannot request 'rest' while the agent is 'offline': only Agent.online is allowed while offline"},
    {"agentRequest", Stage::Ready, "Agent.online", Json::object(), Json(), Errc::None, nullptr},
};

class ApiDispatcherChecks : public ::testing::TestWithParam<CheckRow> {};

TEST_P(ApiDispatcherChecks, RefusesAtTheFirstFailingCheck) {
  const CheckRow& row = GetParam();
  CorePartsRig rig;
  if (row.stage != Stage::Idle) rig.ready();
  if (!row.session.is_null()) rig.addSession(row.session);
  if (row.stage == Stage::Destroyed) {
    rig.connection.destroy();
    rig.queue.drain();
  }
  std::uint32_t handle = rig.dispatcher.call(row.api, row.args, rig.now);
  auto commands = rig.queue.drain();
  ASSERT_FALSE(commands.empty());
  if (row.rejected == Errc::None) {
    EXPECT_EQ(commands[0].kind, CommandKind::Send) << describe(commands[0]);
    EXPECT_EQ(rig.requests.size(), 1u);
    return;
  }
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind, CommandKind::Reject) << describe(commands[0]);
  EXPECT_EQ(commands[0].handle, handle);
  EXPECT_EQ(commands[0].error.code, row.rejected) << commands[0].error.message;
  if (row.message) {
    EXPECT_EQ(commands[0].error.message, row.message);
  }
  EXPECT_EQ(rig.requests.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(ApiDispatcher, ApiDispatcherChecks, ::testing::ValuesIn(kCheckRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ApiDispatcher, HandlesCountUpAcrossRefusalsAndRequests) {
  CorePartsRig rig;
  std::uint32_t first = rig.dispatcher.call("Agent.online", Json::object(), rig.now);
  EXPECT_GT(first, 0u);
  rig.ready();
  EXPECT_EQ(rig.dispatcher.call("Agent.online", Json::object(), rig.now), first + 1);
  EXPECT_EQ(rig.dispatcher.call("Media.offer", Json::object(), rig.now), first + 2);
}

// --- ids of requests that are not idempotent --------------------------------------------------------------

struct IdRow {
  const char* name;
  const char* api;
  Json args;
  Json session;
  const char* field;
  const char* expected;  // with seed 42 (0x2a) and the first counter value
};

const std::vector<IdRow> kIdRows = {
    {"outboundCall", "Call.startOutboundCall", Json{{"phoneNumber", "10000000001"}}, Json(), "clientRequestId",
     "cr-0000002a-1"},
    {"transfer", "Call.transfer", Json{{"sessionId", "s-1"}, {"userId", "bob"}},
     wireSession("s-1", "phone", "in", "talking"), "clientRequestId", "cr-0000002a-1"},
    {"chatMessage", "Chat.sendMessage", Json{{"sessionId", "c-1"}, {"text", "hi"}},
     wireSession("c-1", "im", "in", "talking"), "clientMsgId", "cm-0000002a-1"},
    {"chatMessageKeepsTheCallersId", "Chat.sendMessage",
     Json{{"sessionId", "c-1"}, {"text", "hi"}, {"clientMsgId", "mine"}}, wireSession("c-1", "im", "in", "talking"),
     "clientMsgId", "mine"},
    {"idempotentHasNone", "Call.accept", Json{{"sessionId", "s-1"}}, wireSession("s-1", "phone", "in", "ringing"),
     "clientRequestId", nullptr},
};

class ApiDispatcherIds : public ::testing::TestWithParam<IdRow> {};

TEST_P(ApiDispatcherIds, ARepeatCannotActTwice) {
  const IdRow& row = GetParam();
  CorePartsRig rig;
  rig.ready();
  rig.agent.apply(AgentStatus::Free, "");  // an outbound call needs an online agent
  if (!row.session.is_null()) rig.addSession(row.session);
  rig.dispatcher.call(row.api, row.args, rig.now);
  auto commands = rig.queue.drain();
  ASSERT_FALSE(commands.empty());
  ASSERT_EQ(commands[0].kind, CommandKind::Send) << describe(commands[0]);
  Json data = Json::parse(commands[0].text)["data"];
  if (row.expected) {
    EXPECT_EQ(data.value(row.field, ""), row.expected) << data.dump();
  } else {
    EXPECT_FALSE(data.contains(row.field)) << data.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(ApiDispatcher, ApiDispatcherIds, ::testing::ValuesIn(kIdRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- answered without a round trip ------------------------------------------------------------------------

TEST(ApiDispatcher, IsMicMutedIsAnsweredFromTheLocalView) {
  CorePartsRig rig;
  rig.ready();
  rig.addSession(wireSession("s-1", "phone", "in", "talking"));
  rig.sessions.find("s-1")->micMuted = true;
  std::uint32_t handle = rig.dispatcher.call("Call.isMicMuted", Json{{"sessionId", "s-1"}}, rig.now);
  EXPECT_EQ(rig.drained(), std::vector<std::string>{"resolve #" + std::to_string(handle) +
                                                    R"( {"isMicMuted":true,"sessionId":"s-1"})"});
  EXPECT_EQ(rig.requests.size(), 0u);
}

TEST(ApiDispatcher, DeleteForgetsAtOnceAndTellsTheServerWithoutWaiting) {
  CorePartsRig rig;
  rig.ready();
  rig.addSession(wireSession("s-1", "phone", "in", "ended"));
  std::uint32_t handle = rig.dispatcher.call("Call.deleteCall", Json{{"sessionId", "s-1"}}, rig.now);
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 2u);
  Json frame = Json::parse(commands[0].text);
  EXPECT_EQ(frame.value("method", ""), "session.delete");
  EXPECT_EQ(describe(commands[1]), "resolve #" + std::to_string(handle) + R"( {"sessionId":"s-1"})");
  EXPECT_EQ(rig.sessions.find("s-1"), nullptr);
  auto pending = rig.requests.take(frame["id"].get<std::int64_t>());
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->settle, Settle::Silent);
  EXPECT_EQ(pending->handle, 0u);
}

TEST(ApiDispatcher, AcceptingPreparesMediaRightAfterTheRequest) {
  CorePartsRig rig;
  rig.ready();
  rig.addSession(wireSession("s-1", "video", "in", "ringing"));
  rig.dispatcher.call("Video.accept", Json{{"sessionId", "s-1"}}, rig.now);
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].kind, CommandKind::Send);
  EXPECT_EQ(describe(commands[1]), R"(media prepare {"sessionId":"s-1","video":true})");
}

// --- settling: {how it settles, the answer} -> resolve data, media command, local state -------------------

struct SettleRow {
  const char* name;
  Settle settle;
  bool ok;
  Json answer;                   // data, or {code, message} when !ok
  std::vector<std::string> out;  // described commands, with handle 5
  int micMuted;                  // -1: not checked
  int videoMuted;                // -1: not checked
};

const std::vector<SettleRow> kSettleRows = {
    {"empty", Settle::Empty, true, Json{{"x", 1}}, {"resolve #5 {}"}, -1, -1},
    {"sessionId", Settle::SessionId, true, Json::object(), {R"(resolve #5 {"sessionId":"s-1"})"}, -1, -1},
    {"refused",
     Settle::SessionId,
     false,
     Json{{"code", -11003}, {"message", "busy"}},
     {"reject #5 ERR_INVALID_STATE busy"},
     -1,
     -1},
    {"mute",
     Settle::Mute,
     true,
     Json::object(),
     {R"(media mute {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     1,
     -1},
    {"muteRefused",
     Settle::Mute,
     false,
     Json{{"code", -11003}, {"message", "no"}},
     {"reject #5 ERR_INVALID_STATE no"},
     0,
     -1},
    {"unmute",
     Settle::Unmute,
     true,
     Json::object(),
     {R"(media unmute {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     0,
     -1},
    {"muteVideo",
     Settle::MuteVideo,
     true,
     Json::object(),
     {R"(media muteVideo {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     -1,
     1},
    {"unmuteVideo",
     Settle::UnmuteVideo,
     true,
     Json::object(),
     {R"(media unmuteVideo {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     -1,
     0},
    {"hold",
     Settle::Hold,
     true,
     Json::object(),
     {R"(media hold {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     -1,
     -1},
    {"unHold",
     Settle::UnHold,
     true,
     Json::object(),
     {R"(media unHold {"sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     -1,
     -1},
    {"digits",
     Settle::SendDigits,
     true,
     Json::object(),
     {R"(media sendDigits {"digits":"12","sessionId":"s-1"})", R"(resolve #5 {"sessionId":"s-1"})"},
     -1,
     -1},
    {"internal",
     Settle::Internal,
     true,
     Json{{"sessionId", "s-7"}, {"x", 1}},
     {R"(resolve #5 {"sessionId":"s-7"})"},
     -1,
     -1},
    {"internalWithoutSessionId",
     Settle::Internal,
     true,
     Json::object(),
     {"reject #5 ERR_PROTOCOL m: the server's answer has no sessionId"},
     -1,
     -1},
    {"outboundDocumentedFieldsOnly",
     Settle::Outbound,
     true,
     Json{{"sessionId", "s-7"},
          {"calleePhoneNumber", "1"},
          {"serverType", "staffSeat"},
          {"remark", "r"},
          {"secret", "x"}},
     {R"(resolve #5 {"calleePhoneNumber":"1","callerPhoneNumber":"","remark":"r","serverType":"staffSeat","sessionId":"s-7"})"},
     -1,
     -1},
    {"chatHistoryMalformed",
     Settle::ChatHistory,
     true,
     Json{{"messages", 3}},
     {"reject #5 ERR_PROTOCOL m: malformed answer from the server"},
     -1,
     -1},
    {"historyKnownFieldsOnly",
     Settle::History,
     true,
     Json{{"sessions", Json::array({Json{{"sessionId", "s-2"},
                                         {"type", "phone"},
                                         {"direction", "in"},
                                         {"peer", "138"},
                                         {"startedAt", 1000},
                                         {"duration", 7},
                                         {"outcome", "answered"},
                                         {"disposition", "sale"},
                                         {"html", "<b>"}}})},
          {"extra", 1}},
     {R"(resolve #5 {"sessions":[{"direction":"in","disposition":"sale","duration":7,"outcome":"answered","peer":"138","sessionId":"s-2","startedAt":1000,"type":"phone"}]})"},
     -1,
     -1},
    {"historyEmpty",
     Settle::History,
     true,
     Json{{"sessions", Json::array()}},
     {R"(resolve #5 {"sessions":[]})"},
     -1,
     -1},
    {"historyNotAList",
     Settle::History,
     true,
     Json{{"sessions", "x"}},
     {"reject #5 ERR_PROTOCOL m: malformed answer from the server"},
     -1,
     -1},
    {"historyRowWithoutSessionId",
     Settle::History,
     true,
     Json{{"sessions", Json::array({Json{{"peer", "138"}}})}},
     {"reject #5 ERR_PROTOCOL m: malformed answer from the server"},
     -1,
     -1},
    {"historyWrongTypedFieldDropped",
     Settle::History,
     true,
     Json{{"sessions", Json::array({Json{{"sessionId", "s-2"}, {"duration", "long"}, {"peer", 5}}})}},
     {R"(resolve #5 {"sessions":[{"sessionId":"s-2"}]})"},
     -1,
     -1},
};

class ApiDispatcherSettle : public ::testing::TestWithParam<SettleRow> {};

TEST_P(ApiDispatcherSettle, TheAnswerSettlesThePromise) {
  const SettleRow& row = GetParam();
  CorePartsRig rig;
  rig.ready();
  rig.addSession(wireSession("s-1", "phone", "in", "talking"));
  PendingRequest pending;
  pending.handle = 5;
  pending.settle = row.settle;
  pending.method = "m";
  pending.sessionId = "s-1";
  pending.digits = "12";
  protocol::Response response;
  response.ok = row.ok;
  if (row.ok)
    response.data = row.answer;
  else
    response.error = Error(*errcFromInt(row.answer["code"].get<int>()), row.answer["message"].get<std::string>());
  rig.dispatcher.settle(pending, response, rig.now);
  EXPECT_EQ(rig.drained(), row.out);
  const SessionRecord* session = rig.sessions.find("s-1");
  if (row.micMuted >= 0) {
    EXPECT_EQ(session->micMuted, row.micMuted == 1);
  }
  if (row.videoMuted >= 0) {
    EXPECT_EQ(session->videoMuted, row.videoMuted == 1);
  }
}

INSTANTIATE_TEST_SUITE_P(ApiDispatcher, ApiDispatcherSettle, ::testing::ValuesIn(kSettleRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::core
