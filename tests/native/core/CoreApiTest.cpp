// SPDX-License-Identifier: Apache-2.0
// Every public API through Core: the request it sends, the media command it queues, the shape it
// resolves with; and for every API the refusals that need no round trip (before ready, unknown
// session, wrong state).
#include "FakeHost.hpp"
#include "core/ApiValidator.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tccc::core {
namespace {

using testing::FakeHost;
using testing::wireSession;
using Json = protocol::Json;

/// Logs in and throws away the events of the snapshot.
void loginQuietly(FakeHost& host, const std::string& status, Json sessions) {
  host.login(status, std::move(sessions));
  host.pump();
  while (!host.idle()) host.next(CommandKind::Emit);
}

struct Success {
  const char* api;
  const char* args;
  const char* session;  // wire session in the snapshot, or "" for none
  const char* status;
  const char* method;   // "" = answered locally
  const char* request;  // request data without clientRequestId
  bool clientRequestId;
  const char* response;  // server's data
  const char* media;     // media action queued on success, or ""
  const char* mediaData;
  const char* resolve;
};

Json sessionOf(const char* text) { return *text ? Json::array({Json::parse(text)}) : Json::array(); }

const char* kPhoneRinging = R"({"sessionId":"s-1","type":"phone","direction":"in","state":"ringing"})";
const char* kPhoneTalking = R"({"sessionId":"s-1","type":"phone","direction":"in","state":"talking"})";
const char* kPhoneHeld = R"({"sessionId":"s-1","type":"phone","direction":"in","state":"held"})";
const char* kPhoneEnded = R"({"sessionId":"s-1","type":"phone","direction":"in","state":"ended","closeBy":"client"})";
const char* kImRinging = R"({"sessionId":"s-1","type":"im","direction":"in","state":"ringing"})";
const char* kImTalking = R"({"sessionId":"s-1","type":"im","direction":"in","state":"talking"})";
const char* kVideoRinging = R"({"sessionId":"s-1","type":"video","direction":"in","state":"ringing"})";
const char* kVideoTalking = R"({"sessionId":"s-1","type":"video","direction":"in","state":"talking"})";
const char* kVoipTalking = R"({"sessionId":"s-1","type":"voip","direction":"in","state":"talking"})";
const char* kInternalTalking = R"({"sessionId":"s-1","type":"internal","direction":"in","state":"talking"})";
const char* kPhoneDialing = R"({"sessionId":"s-1","type":"phone","direction":"out","state":"dialing"})";

const Success kSuccesses[] = {
    {"Call.startOutboundCall", R"({"phoneNumber":"13800138000","uui":"u-1"})", "", "free", "call.startOutbound",
     R"({"phoneNumber":"13800138000","uui":"u-1"})", true,
     R"({"sessionId":"s-9","calleePhoneNumber":"13800138000","callerPhoneNumber":"4008001000","serverType":"staffSeat","calleeLocation":"Shenzhen","secret":"x"})",
     "", "",
     R"({"sessionId":"s-9","calleePhoneNumber":"13800138000","callerPhoneNumber":"4008001000","serverType":"staffSeat","calleeLocation":"Shenzhen"})"},
    {"Call.accept", R"({"sessionId":"s-1"})", kPhoneRinging, "free", "session.accept", R"({"sessionId":"s-1"})", false,
     "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Call.hungUp", R"({"sessionId":"s-1"})", kPhoneTalking, "busy", "session.hangUp", R"({"sessionId":"s-1"})", false,
     "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Call.deleteCall", R"({"sessionId":"s-1"})", kPhoneEnded, "free", "session.delete", R"({"sessionId":"s-1"})",
     false, "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Call.muteMic", R"({"sessionId":"s-1"})", kPhoneTalking, "busy", "session.mute",
     R"({"sessionId":"s-1","kind":"audio"})", false, "{}", "mute", R"({"sessionId":"s-1"})", R"({"sessionId":"s-1"})"},
    {"Call.unmuteMic", R"({"sessionId":"s-1"})", kPhoneHeld, "busy", "session.unmute",
     R"({"sessionId":"s-1","kind":"audio"})", false, "{}", "unmute", R"({"sessionId":"s-1"})",
     R"({"sessionId":"s-1"})"},
    {"Call.isMicMuted", R"({"sessionId":"s-1"})", kPhoneTalking, "busy", "", "", false, "", "", "",
     R"({"sessionId":"s-1","isMicMuted":false})"},
    {"Call.startInternalCall", R"({"calleeUserId":"bob@example.com"})", "", "notReady", "call.startInternal",
     R"({"calleeUserId":"bob@example.com"})", true, R"({"sessionId":"s-10","extra":1})", "", "",
     R"({"sessionId":"s-10"})"},
    {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":"7"})", kPhoneTalking, "busy", "session.transfer",
     R"({"sessionId":"s-1","skillGroupId":"7"})", true, "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Call.hold", R"({"sessionId":"s-1"})", kPhoneTalking, "busy", "session.hold", R"({"sessionId":"s-1"})", false,
     "{}", "hold", R"({"sessionId":"s-1"})", R"({"sessionId":"s-1"})"},
    {"Call.unHold", R"({"sessionId":"s-1"})", kPhoneHeld, "busy", "session.unHold", R"({"sessionId":"s-1"})", false,
     "{}", "unHold", R"({"sessionId":"s-1"})", R"({"sessionId":"s-1"})"},
    {"Call.pauseRecording", R"({"sessionId":"s-1"})", kPhoneHeld, "busy", "session.pauseRecording",
     R"({"sessionId":"s-1"})", false, R"({"sessionId":"s-1"})", "", "", R"({"sessionId":"s-1"})"},
    {"Call.resumeRecording", R"({"sessionId":"s-1"})", kPhoneTalking, "busy", "session.resumeRecording",
     R"({"sessionId":"s-1"})", false, R"({"sessionId":"s-1"})", "", "", R"({"sessionId":"s-1"})"},
    {"Video.pauseRecording", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.pauseRecording",
     R"({"sessionId":"s-1"})", false, R"({"sessionId":"s-1"})", "", "", R"({"sessionId":"s-1"})"},
    {"Video.resumeRecording", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.resumeRecording",
     R"({"sessionId":"s-1"})", false, R"({"sessionId":"s-1"})", "", "", R"({"sessionId":"s-1"})"},
    {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"12#"})", kPhoneTalking, "busy", "session.sendDigits",
     R"({"sessionId":"s-1","digits":"12#"})", false, "{}", "sendDigits", R"({"sessionId":"s-1","digits":"12#"})",
     R"({"sessionId":"s-1"})"},
    {"Chat.accept", R"({"sessionId":"s-1"})", kImRinging, "free", "session.accept", R"({"sessionId":"s-1"})", false,
     "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Chat.end", R"({"sessionId":"s-1"})", kImTalking, "free", "session.hangUp", R"({"sessionId":"s-1"})", false, "{}",
     "", "", R"({"sessionId":"s-1"})"},
    {"Chat.transfer", R"({"sessionId":"s-1","userId":"bob"})", kImTalking, "free", "session.transfer",
     R"({"sessionId":"s-1","userId":"bob"})", true, "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Chat.sendMessage", R"({"sessionId":"s-1","text":"hi <b>","clientMsgId":"c1"})", kImTalking, "free", "chat.send",
     R"({"sessionId":"s-1","text":"hi <b>","clientMsgId":"c1"})", false,
     R"({"message":{"messageId":"m-1-1","sessionId":"s-1","seq":1,"from":"agent","senderId":"alice","senderName":"Alice","type":"text","text":"hi <b>","clientMsgId":"c1","time":1000,"extra":1}})",
     "", "",
     R"({"sessionId":"s-1","message":{"messageId":"m-1-1","sessionId":"s-1","seq":1,"from":"agent","senderId":"alice","senderName":"Alice","type":"text","text":"hi <b>","clientMsgId":"c1","time":1000}})"},
    {"Chat.getMessages", R"({"sessionId":"s-1","afterSeq":2,"limit":10})", kImTalking, "busy", "chat.history",
     R"({"sessionId":"s-1","afterSeq":2,"limit":10})", false,
     R"({"sessionId":"s-1","messages":[{"messageId":"m-1-3","sessionId":"s-1","seq":3,"from":"visitor","senderId":"v1","senderName":"Ann","type":"text","text":"yo","time":5}],"hasMore":true,"lastSeq":9})",
     "", "",
     R"({"sessionId":"s-1","messages":[{"messageId":"m-1-3","sessionId":"s-1","seq":3,"from":"visitor","senderId":"v1","senderName":"Ann","type":"text","text":"yo","time":5}],"hasMore":true,"lastSeq":9})"},
    {"Video.accept", R"({"sessionId":"s-1"})", kVideoRinging, "free", "session.accept", R"({"sessionId":"s-1"})", false,
     "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Video.end", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.hangUp", R"({"sessionId":"s-1"})", false,
     "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Video.muteMic", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.mute",
     R"({"sessionId":"s-1","kind":"audio"})", false, "{}", "mute", R"({"sessionId":"s-1"})", R"({"sessionId":"s-1"})"},
    {"Video.unmuteMic", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.unmute",
     R"({"sessionId":"s-1","kind":"audio"})", false, "{}", "unmute", R"({"sessionId":"s-1"})",
     R"({"sessionId":"s-1"})"},
    {"Video.muteVideo", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.mute",
     R"({"sessionId":"s-1","kind":"video"})", false, "{}", "muteVideo", R"({"sessionId":"s-1"})",
     R"({"sessionId":"s-1"})"},
    {"Video.unmuteVideo", R"({"sessionId":"s-1"})", kVideoTalking, "busy", "session.unmute",
     R"({"sessionId":"s-1","kind":"video"})", false, "{}", "unmuteVideo", R"({"sessionId":"s-1"})",
     R"({"sessionId":"s-1"})"},
    {"Video.transfer", R"({"sessionId":"s-1","skillGroupId":"3"})", kVideoTalking, "busy", "session.transfer",
     R"({"sessionId":"s-1","skillGroupId":"3"})", true, "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Agent.online", "null", "", "offline", "agent.online", "{}", false, "{}", "", "", "{}"},
    // The supervisor's: watch resolves with the server's snapshot as it is; setAgentStatus is about
    // another agent, so this one's own status (offline here) does not stop it.
    {"Supervisor.watch", "{}", "", "free", "supervisor.watch", "{}", false,
     R"({"agents":[{"userId":"bob","name":"<b>Bob</b>","status":"rest","since":1}],"skillGroups":[],"today":{"offered":0}})",
     "", "",
     R"({"agents":[{"userId":"bob","name":"<b>Bob</b>","status":"rest","since":1}],"skillGroups":[],"today":{"offered":0}})"},
    {"Supervisor.unwatch", "null", "", "free", "supervisor.unwatch", "{}", false, "{}", "", "", "{}"},
    {"Supervisor.setAgentStatus", R"({"userId":"bob","status":"notReady","restReason":"x"})", "", "offline",
     "supervisor.setAgentStatus", R"({"userId":"bob","status":"notReady"})", false, "{}", "", "", "{}"},
    {"Supervisor.logoutAgent", R"({"userId":"bob"})", "", "free", "supervisor.logoutAgent", R"({"userId":"bob"})",
     false, "{}", "", "", "{}"},
    // monitor resolves with the server's ticket as it is; the call is another agent's.
    {"Supervisor.monitor", R"({"sessionId":"s-9","mode":"listen"})", "", "free", "supervisor.monitor",
     R"({"sessionId":"s-9","mode":"listen"})", false, R"({"path":"/media/monitor","token":"t","mode":"listen"})", "",
     "", R"({"path":"/media/monitor","token":"t","mode":"listen"})"},
    {"Supervisor.stopMonitor", R"({"sessionId":"s-9"})", "", "free", "supervisor.stopMonitor", R"({"sessionId":"s-9"})",
     false, "{}", "", "", "{}"},
    {"Agent.offline", "{}", "", "free", "agent.offline", "{}", false, "{}", "", "", "{}"},
    {"Agent.setStatus", R"({"status":"rest","restReason":"lunch"})", "", "free", "agent.setStatus",
     R"({"status":"rest","restReason":"lunch"})", false, "{}", "", "", "{}"},
    // Not session-bound in the core: the server alone knows the sessions of earlier days.
    {"Agent.wrapUp", R"({"sessionId":"s-1","disposition":"sale","notes":"n"})", kPhoneEnded, "free", "session.wrapUp",
     R"({"sessionId":"s-1","disposition":"sale","notes":"n"})", false, "{}", "", "", R"({"sessionId":"s-1"})"},
    {"Agent.getHistory", R"({"limit":5})", "", "free", "agent.history", R"({"limit":5})", false,
     R"({"sessions":[{"sessionId":"s-9","outcome":"missed","secret":1}],"extra":2})", "", "",
     R"({"sessions":[{"outcome":"missed","sessionId":"s-9"}]})"},
    // The directory is rebuilt, not passed through: unknown fields and malformed entries are dropped.
    {"Agent.getDirectory", R"({"query":"ann","limit":5})", "", "free", "directory.list", R"({"query":"ann","limit":5})",
     false,
     R"({"skillGroups":[{"skillGroupId":"1","name":"Sales","type":"tel","free":1,"online":2,"queued":-3,"x":1},{"name":"no id"}],"agents":[{"userId":"ann@x","name":"Ann","nick":"","staffNumber":"7","status":"rest","restReason":"lunch","takesCalls":"yes","skillGroupIds":["1",2],"token":"secret"},{"userId":"bob@x","status":"sleeping"}],"truncated":true})",
     "", "",
     R"({"skillGroups":[{"skillGroupId":"1","name":"Sales","type":"tel","free":1,"online":2,"queued":0}],"agents":[{"userId":"ann@x","name":"Ann","nick":"","staffNumber":"7","status":"rest","restReason":"lunch","takesCalls":false,"takesChats":false,"skillGroupIds":["1"]}],"truncated":true})"},
};

void PrintTo(const Success& r, std::ostream* os) { *os << r.api; }

class CoreApiSuccess : public ::testing::TestWithParam<Success> {};

TEST_P(CoreApiSuccess, SendsTheRequestAndResolvesWithTheDocumentedShape) {
  const Success& row = GetParam();
  FakeHost host;
  loginQuietly(host, row.status, sessionOf(row.session));
  auto handle = host.call(row.api, Json::parse(row.args));
  if (!*row.method) {  // answered locally
    host.expectResolve(handle, Json::parse(row.resolve));
    host.expectIdle();
    return;
  }
  Json request = host.expectRequest(row.method);
  Json data = request.at("data");
  if (row.clientRequestId) {
    ASSERT_TRUE(data.contains("clientRequestId")) << data;
    EXPECT_EQ(data.at("clientRequestId").get<std::string>().rfind("cr-0000002a-", 0), 0u) << data;
    data.erase("clientRequestId");
  } else {
    EXPECT_FALSE(data.contains("clientRequestId")) << data;
  }
  EXPECT_EQ(data, Json::parse(row.request));
  // Accepting a call or video session lets the host open its devices while the accept travels.
  if (std::string(row.api) == "Call.accept" || std::string(row.api) == "Video.accept")
    host.expectMedia("prepare", Json{{"sessionId", "s-1"}, {"video", std::string(row.api) == "Video.accept"}});
  if (std::string(row.api) == "Call.deleteCall") {
    // Local: settled at once, the server's answer is not waited for (and ignored).
    host.expectResolve(handle, Json::parse(row.resolve));
    EXPECT_EQ(host.core.sessions().size(), 0u);
    host.reply(request, Json::parse(row.response));
    host.expectIdle();
    return;
  }
  host.expectIdle();  // nothing settles before the answer
  host.reply(request, Json::parse(row.response));
  if (*row.media) host.expectMedia(row.media, Json::parse(row.mediaData));
  host.expectResolve(handle, Json::parse(row.resolve));
  host.expectIdle();
}

INSTANTIATE_TEST_SUITE_P(EveryApi, CoreApiSuccess, ::testing::ValuesIn(kSuccesses),
                         [](const ::testing::TestParamInfo<Success>& info) {
                           std::string name = info.param.api;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

TEST(CoreApi, SuccessTableCoversEveryApi) {
  std::set<std::string> covered;
  for (const auto& row : kSuccesses) covered.insert(row.api);
  for (auto* spec = ApiValidator::begin(); spec != ApiValidator::end(); ++spec)
    EXPECT_TRUE(covered.count(std::string(spec->name))) << spec->name;
}

class CoreApiRefusal : public ::testing::TestWithParam<Success> {};

TEST_P(CoreApiRefusal, BeforeReadyIsNotReady) {
  const Success& row = GetParam();
  FakeHost host;
  auto handle = host.call(row.api, Json::parse(row.args));
  Error error = host.expectReject(handle, Errc::NotReady);
  EXPECT_NE(error.message.find(row.api), std::string::npos) << error.message;
  host.core.start(host.now);
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  host.expectRequest("auth.login");
  handle = host.call(row.api, Json::parse(row.args));
  host.expectReject(handle, Errc::NotReady);
  host.expectIdle();
}

class CoreApiSessionRefusal : public ::testing::TestWithParam<Success> {};

TEST_P(CoreApiSessionRefusal, UnknownSessionIsSessionNotFound) {
  const Success& row = GetParam();
  FakeHost host;
  loginQuietly(host, "free", Json::array({wireSession("s-other", "phone", "in", "talking")}));
  Json args = Json::parse(row.args);
  args["sessionId"] = "s-404";
  auto handle = host.call(row.api, args);
  Error error = host.expectReject(handle, Errc::SessionNotFound);
  EXPECT_NE(error.message.find("s-404"), std::string::npos) << error.message;
  host.expectIdle();
}

std::vector<Success> sessionBound() {
  std::vector<Success> rows;
  for (const auto& row : kSuccesses) {
    const ApiSpec* spec = ApiValidator::find(row.api);
    if (spec && spec->family) rows.push_back(row);
  }
  return rows;
}

INSTANTIATE_TEST_SUITE_P(EverySessionApi, CoreApiSessionRefusal, ::testing::ValuesIn(sessionBound()),
                         [](const ::testing::TestParamInfo<Success>& info) {
                           std::string name = info.param.api;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

TEST_P(CoreApiRefusal, BadArgumentsAreRefusedWithoutARoundTrip) {
  const Success& row = GetParam();
  FakeHost host;
  loginQuietly(host, row.status, sessionOf(row.session));
  auto handle = host.call(row.api, Json("not an object"));
  host.expectReject(handle, Errc::InvalidArgument);
  host.expectIdle();
}

INSTANTIATE_TEST_SUITE_P(EveryApi, CoreApiRefusal, ::testing::ValuesIn(kSuccesses),
                         [](const ::testing::TestParamInfo<Success>& info) {
                           std::string name = info.param.api;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

struct Refusal {
  const char* name;
  const char* api;
  const char* args;
  std::vector<const char*> sessions;
  const char* status;
  Errc code;
  const char* message;  // substring
};

void PrintTo(const Refusal& r, std::ostream* os) { *os << r.name; }

class CoreApiState : public ::testing::TestWithParam<Refusal> {};

TEST_P(CoreApiState, IllegalActionsAreRefusedLocally) {
  const Refusal& row = GetParam();
  FakeHost host;
  Json sessions = Json::array();
  for (const char* s : row.sessions) sessions.push_back(Json::parse(s));
  loginQuietly(host, row.status, sessions);
  auto handle = host.call(row.api, Json::parse(row.args));
  Error error = host.expectReject(handle, row.code);
  EXPECT_NE(error.message.find(row.message), std::string::npos) << error.message;
  host.expectIdle();  // nothing was sent
}

const char* kS1 = R"({"sessionId":"s-1"})";
INSTANTIATE_TEST_SUITE_P(
    Table, CoreApiState,
    ::testing::Values(
        Refusal{"accept_talking", "Call.accept", kS1, {kPhoneTalking}, "busy", Errc::InvalidState, "is not ringing"},
        Refusal{"accept_outbound", "Call.accept", kS1, {kPhoneDialing}, "busy", Errc::InvalidState, "is not ringing"},
        Refusal{"chat_accept_phone",
                "Chat.accept",
                kS1,
                {kPhoneRinging},
                "free",
                Errc::InvalidState,
                "is not a Chat session; use Call.*"},
        Refusal{"call_accept_im", "Call.accept", kS1, {kImRinging}, "free", Errc::InvalidState, "use Chat.*"},
        Refusal{"video_accept_phone",
                "Video.accept",
                kS1,
                {kPhoneRinging},
                "free",
                Errc::InvalidState,
                "is not a Video session"},
        Refusal{"call_hold_video", "Call.hold", kS1, {kVideoTalking}, "busy", Errc::InvalidState, "use Video.*"},
        Refusal{"hold_ringing",
                "Call.hold",
                kS1,
                {kPhoneRinging},
                "free",
                Errc::InvalidState,
                "only a talking call can be held"},
        Refusal{
            "hold_held", "Call.hold", kS1, {kPhoneHeld}, "busy", Errc::InvalidState, "only a talking call can be held"},
        Refusal{"unhold_talking", "Call.unHold", kS1, {kPhoneTalking}, "busy", Errc::InvalidState, "is not on hold"},
        Refusal{"pause_recording_ringing",
                "Call.pauseRecording",
                kS1,
                {kPhoneRinging},
                "free",
                Errc::InvalidState,
                "is not connected: only a talking or held call is recorded"},
        Refusal{"pause_recording_chat",
                "Video.pauseRecording",
                kS1,
                {kImTalking},
                "free",
                Errc::InvalidState,
                "use Chat.*"},
        Refusal{"mute_ringing", "Call.muteMic", kS1, {kPhoneRinging}, "free", Errc::InvalidState, "mute needs"},
        Refusal{"mute_ended", "Call.unmuteMic", kS1, {kPhoneEnded}, "free", Errc::InvalidState, "mute needs"},
        Refusal{"hangup_ended", "Call.hungUp", kS1, {kPhoneEnded}, "free", Errc::InvalidState, "has already ended"},
        Refusal{"chat_end_ended",
                "Chat.end",
                kS1,
                {R"({"sessionId":"s-1","type":"im","direction":"in","state":"ended"})"},
                "free",
                Errc::InvalidState,
                "has already ended"},
        Refusal{"delete_live", "Call.deleteCall", kS1, {kPhoneTalking}, "busy", Errc::InvalidState, "is still live"},
        Refusal{"digits_voip",
                "Call.sendDigits",
                R"({"sessionId":"s-1","dtmfText":"1"})",
                {kVoipTalking},
                "busy",
                Errc::InvalidState,
                "cannot carry DTMF"},
        Refusal{"digits_held",
                "Call.sendDigits",
                R"({"sessionId":"s-1","dtmfText":"1"})",
                {kPhoneHeld},
                "busy",
                Errc::InvalidState,
                "is not talking"},
        Refusal{"transfer_internal",
                "Call.transfer",
                R"({"sessionId":"s-1","userId":"bob"})",
                {kInternalTalking},
                "busy",
                Errc::InvalidState,
                "cannot be transferred"},
        Refusal{"transfer_ringing",
                "Call.transfer",
                R"({"sessionId":"s-1","userId":"bob"})",
                {kPhoneRinging},
                "free",
                Errc::InvalidState,
                "only a talking or held"},
        Refusal{
            "camera_ringing", "Video.muteVideo", kS1, {kVideoRinging}, "free", Errc::InvalidState, "is not connected"},
        Refusal{"outbound_busy",
                "Call.startOutboundCall",
                R"({"phoneNumber":"1"})",
                {},
                "busy",
                Errc::NetworkCannotReset,
                "in a call"},
        Refusal{"outbound_live_call",
                "Call.startOutboundCall",
                R"({"phoneNumber":"1"})",
                {kPhoneRinging},
                "free",
                Errc::NetworkCannotReset,
                "in a call"},
        Refusal{"outbound_offline",
                "Call.startOutboundCall",
                R"({"phoneNumber":"1"})",
                {},
                "offline",
                Errc::InvalidState,
                "'offline'"},
        Refusal{"internal_busy",
                "Call.startInternalCall",
                R"({"calleeUserId":"bob"})",
                {kVideoTalking},
                "busy",
                Errc::NetworkCannotReset,
                "in a call"},
        Refusal{"status_busy", "Agent.setStatus", R"({"status":"free"})", {}, "busy", Errc::InvalidState, "'busy'"},
        Refusal{"stop_not_ready_free",
                "Agent.setStatus",
                R"({"status":"stopNotReady"})",
                {},
                "free",
                Errc::InvalidState,
                "'stopNotReady'"},
        Refusal{"offline_offline", "Agent.offline", "null", {}, "offline", Errc::InvalidState, "only Agent.online"},
        Refusal{"offline_busy", "Agent.offline", "null", {}, "busy", Errc::InvalidState, "during a call"},
        Refusal{"unknown_api", "Call.explode", "{}", {}, "free", Errc::InvalidArgument, "unknown API"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

TEST(CoreApi, OutboundIsAllowedBesideAChat) {
  FakeHost host;
  loginQuietly(host, "free", Json::array({Json::parse(kImTalking)}));
  host.call("Call.startOutboundCall", Json{{"phoneNumber", "1"}});
  host.expectRequest("call.startOutbound");
}

TEST(CoreApi, ClientRequestIdsAreUniqueAndNeverReused) {
  FakeHost host;
  loginQuietly(host, "free", Json::array());
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    host.call("Call.startOutboundCall", Json{{"phoneNumber", "1"}});
    ids.insert(host.expectRequest("call.startOutbound").at("data").at("clientRequestId").get<std::string>());
  }
  EXPECT_EQ(ids.size(), 50u);
  // A different seed gives a disjoint id space (the shim seeds each page load randomly).
  CoreConfig other = testing::testConfig();
  other.randomSeed = 7;
  FakeHost second(other);
  loginQuietly(second, "free", Json::array());
  second.call("Call.startOutboundCall", Json{{"phoneNumber", "1"}});
  EXPECT_FALSE(
      ids.count(second.expectRequest("call.startOutbound").at("data").at("clientRequestId").get<std::string>()));
}

TEST(CoreApi, OutboundAnswerWithoutSessionIdIsAProtocolError) {
  FakeHost host;
  loginQuietly(host, "free", Json::array());
  auto handle = host.call("Call.startOutboundCall", Json{{"phoneNumber", "1"}});
  host.reply(host.expectRequest("call.startOutbound"), Json{{"calleePhoneNumber", "1"}});
  host.expectReject(handle, Errc::Protocol);
}

TEST(CoreApi, DirectoryAnswerWithoutItsListsIsAProtocolError) {
  FakeHost host;
  loginQuietly(host, "free", Json::array());
  auto handle = host.call("Agent.getDirectory", Json::object());
  host.reply(host.expectRequest("directory.list"), Json{{"agents", Json::array()}, {"skillGroups", "1"}});
  host.expectReject(handle, Errc::Protocol);
}

TEST(CoreApi, OutboundResolveFillsRequiredFieldsEvenWhenTheServerOmitsThem) {
  FakeHost host;
  loginQuietly(host, "free", Json::array());
  auto handle = host.call("Call.startOutboundCall", Json{{"phoneNumber", "1"}});
  host.reply(host.expectRequest("call.startOutbound"), Json{{"sessionId", "s-5"}});
  host.expectResolve(
      handle, Json{{"sessionId", "s-5"}, {"calleePhoneNumber", ""}, {"callerPhoneNumber", ""}, {"serverType", ""}});
}

TEST(CoreApi, IsMicMutedFollowsMuteAnswersAndServerState) {
  FakeHost host;
  loginQuietly(host, "busy", Json::array({Json::parse(kPhoneTalking)}));
  auto query = [&] {
    auto handle = host.call("Call.isMicMuted", Json{{"sessionId", "s-1"}});
    Command command = host.next(CommandKind::Resolve);
    EXPECT_EQ(command.handle, handle);
    return command.data.at("isMicMuted").get<bool>();
  };
  EXPECT_FALSE(query());
  auto mute = host.call("Call.muteMic", Json{{"sessionId", "s-1"}});
  Json request = host.expectRequest("session.mute");
  EXPECT_FALSE(query());  // not until the server agrees
  host.reply(request);
  host.expectMedia("mute", Json{{"sessionId", "s-1"}});
  host.expectResolve(mute, Json{{"sessionId", "s-1"}});
  EXPECT_TRUE(query());
  host.sessionState(wireSession("s-1", "phone", "in", "talking", {{"muted", false}}));
  EXPECT_FALSE(query());  // the server's word wins
  host.expectIdle();
}

TEST(CoreApi, FailedMuteQueuesNoMediaCommand) {
  FakeHost host;
  loginQuietly(host, "busy", Json::array({Json::parse(kPhoneTalking)}));
  auto mute = host.call("Call.muteMic", Json{{"sessionId", "s-1"}});
  host.replyError(host.expectRequest("session.mute"), Errc::Internal, "media server down");
  host.expectReject(mute, Errc::Internal);
  host.expectIdle();
}

TEST(CoreApi, DeletedSessionIsGoneForEveryApi) {
  FakeHost host;
  loginQuietly(host, "free", Json::array({Json::parse(kPhoneEnded)}));
  auto handle = host.call("Call.deleteCall", Json{{"sessionId", "s-1"}});
  host.expectRequest("session.delete");
  host.expectResolve(handle, Json{{"sessionId", "s-1"}});
  handle = host.call("Call.deleteCall", Json{{"sessionId", "s-1"}});
  host.expectReject(handle, Errc::SessionNotFound);
  // The server's failure to delete is not the caller's business any more.
  EXPECT_EQ(host.core.sessions(), Json::array());
}

TEST(CoreApi, LateNewsOfADeletedSessionDoesNotBringItBack) {
  FakeHost host;
  loginQuietly(host, "free", Json::array({Json::parse(kPhoneEnded)}));
  host.call("Call.deleteCall", Json{{"sessionId", "s-1"}});
  host.expectRequest("session.delete");
  host.next(CommandKind::Resolve);
  // A delayed ended report, then a snapshot taken before the server processed the delete.
  host.sessionState(Json::parse(kPhoneEnded));
  host.expectIdle();
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  host.now = *host.core.nextDeadline();
  host.core.onTick(host.now);
  host.expectEmit("tryToReconnect");
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  host.reply(host.expectRequest("auth.login"), host.snapshot("free", Json::array({Json::parse(kPhoneEnded)})));
  host.expectEmit("connectionRecovery");
  host.expectIdle();
  EXPECT_EQ(host.core.sessions(), Json::array());
  // But the same id offered again is a real new call.
  host.sessionState(Json::parse(kPhoneRinging));
  host.expectEmit("callIn");
}

TEST(CoreApi, HandlesAreUniquePerCall) {
  FakeHost host;
  std::set<std::uint32_t> handles;
  for (int i = 0; i < 100; ++i) handles.insert(host.call("Call.accept", Json{{"sessionId", "s-1"}}));
  EXPECT_EQ(handles.size(), 100u);
  EXPECT_FALSE(handles.count(0));
}

}  // namespace
}  // namespace tccc::core
