// SPDX-License-Identifier: Apache-2.0
// The shared request validator (src/protocol/Validator.cpp) over the server's side of the wire:
// the methods of the agent and customer sockets as the server receives them, with boundary values
// of every field type. The SDK's side (API options) is ApiValidatorTest in tests/native/core.
#include "protocol/Validator.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tccc::protocol {
namespace {

enum class Socket { Agent, Customer };

struct Row {
  Socket socket;
  const char* method;
  std::string data;      // JSON text
  Errc code;             // Errc::None = valid
  std::string expected;  // valid: the normalised data (JSON); invalid: a substring of the message
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.method << " " << r.data.substr(0, 80); }

const MethodSpec* methodOf(const Row& row) {
  return row.socket == Socket::Agent ? findAgentMethod(row.method) : findCustomerMethod(row.method);
}

class WireData : public ::testing::TestWithParam<Row> {};

TEST_P(WireData, IsValidatedAndNormalised) {
  const Row& row = GetParam();
  const MethodSpec* method = methodOf(row);
  ASSERT_NE(method, nullptr) << row.method;
  Json out;
  Error error = validateFields(*method, Json::parse(row.data), out, row.method);
  if (row.code == Errc::None) {
    ASSERT_FALSE(error) << error.message;
    EXPECT_EQ(out, Json::parse(row.expected));
  } else {
    EXPECT_EQ(error.code, row.code) << error.message;
    EXPECT_NE(error.message.find(row.expected), std::string::npos) << error.message;
    EXPECT_EQ(error.message.rfind(std::string(row.method) + ": ", 0), 0u) << "names the method: " << error.message;
  }
}

std::string repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<Row> rows() {
  const auto A = Socket::Agent;
  const auto C = Socket::Customer;
  using E = Errc;
  const std::string session64(64, 's');
  const std::string session65(65, 's');
  return {
      // --- login: a positive app id, a user, and a token or a resume token ---
      {A, "auth.login", R"({"sdkAppId":1400000001,"userId":"a@x.com","token":"t"})", E::None,
       R"({"sdkAppId":1400000001,"userId":"a@x.com","token":"t"})"},
      {A, "auth.login", R"({"sdkAppId":"1400000001","userId":"a@x.com","resumeToken":"r","lastSeq":3})", E::None,
       R"({"sdkAppId":1400000001,"userId":"a@x.com","resumeToken":"r","lastSeq":3})"},
      {A, "auth.login", R"({"sdkAppId":"abc","userId":"a","token":"t"})", E::InvalidArgument,
       "sdkAppId must be a positive integer"},
      {A, "auth.login", R"({"sdkAppId":0,"userId":"a","token":"t"})", E::InvalidArgument,
       "sdkAppId must be a positive integer"},
      {A, "auth.login", R"({"sdkAppId":9007199254740992,"userId":"a","token":"t"})", E::InvalidArgument,
       "sdkAppId must be a positive integer"},
      {A, "auth.login", R"({"sdkAppId":1,"userId":"a"})", E::InvalidArgument, "token or resumeToken is required"},
      {A, "auth.login", R"({"sdkAppId":1,"token":"t"})", E::InvalidArgument, "userId is required"},
      {A, "auth.login", R"({"sdkAppId":1,"userId":"a","token":"t","lastSeq":-1})", E::InvalidArgument,
       "lastSeq must be an integer of 0 or more"},
      {A, "auth.login", R"("login")", E::InvalidArgument, "data must be an object"},
      {A, "auth.logout", R"({})", E::None, R"({})"},
      {A, "auth.logout", R"({"anything":1})", E::None, R"({})"},
      // --- non-idempotent methods need the SDK's clientRequestId on the wire ---
      {A, "call.startOutbound", R"({"phoneNumber":"400-800-1000","clientRequestId":"cr-1"})", E::None,
       R"({"phoneNumber":"4008001000","clientRequestId":"cr-1"})"},
      {A, "call.startOutbound", R"({"phoneNumber":"4008001000"})", E::InvalidArgument, "clientRequestId is required"},
      {A, "call.startOutbound", R"({"phoneNumber":"1","clientRequestId":")" + std::string(65, 'c') + R"("})",
       E::InvalidArgument, "clientRequestId is longer than 64 bytes"},
      {A, "call.startOutbound",
       R"({"phoneNumber":"1","phoneDesc":")" + repeat("\xE5\x91\xBC", 129) + R"(","clientRequestId":"c"})",
       E::InvalidArgument, "phoneDesc is longer than 128 characters"},
      {A, "call.startOutbound",
       R"({"phoneNumber":"1","uui":")" + std::string(1025, 'u') + R"(","clientRequestId":"c"})", E::InvalidArgument,
       "uui is longer than 1024 bytes"},
      {A, "call.startOutbound", R"({"phoneNumber":"1","skillGroupId":"12","clientRequestId":"c"})", E::None,
       R"({"phoneNumber":"1","skillGroupId":"12","clientRequestId":"c"})"},
      {A, "call.startInternal", R"({"calleeUserId":"b@x.com","clientRequestId":"c"})", E::None,
       R"({"calleeUserId":"b@x.com","clientRequestId":"c"})"},
      {A, "session.transfer", R"({"sessionId":"s-1","userId":"b","clientRequestId":"c"})", E::None,
       R"({"sessionId":"s-1","userId":"b","clientRequestId":"c"})"},
      {A, "session.transfer", R"({"sessionId":"s-1","clientRequestId":"c"})", E::InvalidArgument,
       "exactly one transfer target"},
      // --- session ids: 64 bytes at most, on both sides ---
      {A, "session.accept", R"({"sessionId":")" + session64 + R"("})", E::None,
       R"({"sessionId":")" + session64 + R"("})"},
      {A, "session.accept", R"({"sessionId":")" + session65 + R"("})", E::InvalidArgument,
       "sessionId is longer than 64 bytes"},
      // On the wire ids are strings: only SDK callers may pass integers (the SDK sends their digits).
      {A, "session.accept", R"({"sessionId":42})", E::InvalidArgument, "sessionId must be a string"},
      {A, "session.accept", R"({"sessionId":false})", E::InvalidArgument, "sessionId must be a string"},
      {A, "session.mute", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "session.mute", R"({"sessionId":"s-1","kind":"video"})", E::None, R"({"sessionId":"s-1","kind":"video"})"},
      {A, "session.mute", R"({"sessionId":"s-1","kind":"screen"})", E::InvalidArgument,
       "kind must be one of audio, video"},
      {A, "session.sendDigits", R"({"sessionId":"s-1","digits":"12#d"})", E::None,
       R"({"sessionId":"s-1","digits":"12#D"})"},
      {A, "session.sendDigits", R"({"sessionId":"s-1","digits":"1x"})", E::InvalidArgument, "digits may only contain"},
      {A, "agent.setStatus", R"({"status":"rest","restReason":"午饭"})", E::None,
       R"({"status":"rest","restReason":"午饭"})"},
      {A, "agent.setStatus", R"({"status":"busy"})", E::InvalidArgument, "status must be one of free, rest"},
      {A, "chat.send", R"({"sessionId":"s-1","text":")" + repeat("\xE4\xBD\xA0", 4001) + R"("})", E::ChatMessageTooLong,
       "text has 4001 characters; at most 4000 are allowed"},
      {A, "chat.history", R"({"sessionId":"s-1","afterSeq":5,"limit":1})", E::None,
       R"({"sessionId":"s-1","afterSeq":5,"limit":1})"},
      {A, "chat.history", R"({"sessionId":"s-1","limit":0})", E::InvalidArgument,
       "limit must be an integer from 1 to 100"},
      {A, "chat.history", R"({"sessionId":"s-1","limit":1.5})", E::InvalidArgument, "limit must be an integer"},
      // --- media signalling: relayed fields are rebuilt, nothing else passes ---
      {A, "media.offer", R"({"sessionId":"s-1","sdp":"v=0","x":1})", E::None, R"({"sessionId":"s-1","sdp":"v=0"})"},
      {A, "media.offer", R"({"sessionId":"s-1","sdp":""})", E::InvalidArgument, "sdp must be a non-empty string"},
      {A, "media.offer", R"({"sessionId":"s-1","sdp":")" + std::string(60001, 'v') + R"("})", E::InvalidArgument,
       "at most 60000 bytes"},
      {A, "media.candidate",
       R"({"sessionId":"s-1","candidate":{"candidate":"","sdpMid":"0","sdpMLineIndex":0,"evil":1}})", E::None,
       R"({"sessionId":"s-1","candidate":{"candidate":"","sdpMid":"0","sdpMLineIndex":0}})"},
      {A, "media.candidate", R"({"sessionId":"s-1","candidate":"c"})", E::InvalidArgument,
       "candidate must be an object"},
      {A, "media.candidate", R"({"sessionId":"s-1","candidate":{"candidate":1}})", E::InvalidArgument,
       "candidate.candidate must be a string"},
      {A, "media.candidate", R"({"sessionId":"s-1","candidate":{"candidate":"","sdpMLineIndex":65536}})",
       E::InvalidArgument, "candidate.sdpMLineIndex must be an integer 0-65535"},
      {A, "media.ws", R"({"sessionId":"s-1","transport":"udp"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "media.ws", R"({"sessionId":7})", E::InvalidArgument, "sessionId must be a string"},
      {A, "directory.list", R"({})", E::None, R"({})"},
      {A, "directory.list", R"({"query":"ann","limit":10,"x":1})", E::None, R"({"query":"ann","limit":10})"},
      {A, "directory.list", R"({"limit":101})", E::InvalidArgument, "limit must be an integer from 1 to 100"},
      {A, "session.wrapUp", R"({"sessionId":"s-1","disposition":"resolved","notes":"ok","x":1})", E::None,
       R"({"sessionId":"s-1","disposition":"resolved","notes":"ok"})"},
      {A, "session.wrapUp", R"({"sessionId":"s-1","disposition":"done"})", E::InvalidArgument,
       "disposition must be one of"},
      {A, "session.wrapUp", R"({"sessionId":"s-1","disposition":"other","notes":")" + std::string(1001, 'n') + R"("})",
       E::InvalidArgument, "notes"},
      {A, "agent.history", R"({"since":0,"limit":100})", E::None, R"({"since":0,"limit":100})"},
      {A, "agent.history", R"({"since":-1})", E::InvalidArgument, "since must be"},
      {A, "supervisor.setAgentStatus", R"({"userId":"a@x","status":"rest","restReason":"lunch","y":1})", E::None,
       R"({"userId":"a@x","status":"rest","restReason":"lunch"})"},
      {A, "supervisor.setAgentStatus", R"({"userId":"a@x"})", E::InvalidArgument, "status is required"},
      {A, "supervisor.logoutAgent", R"({"userId":"a@x","z":1})", E::None, R"({"userId":"a@x"})"},
      {A, "supervisor.logoutAgent", R"({})", E::InvalidArgument, "userId is required"},
      {A, "supervisor.monitor", R"({"sessionId":"s-1","mode":"barge","z":1})", E::None,
       R"({"sessionId":"s-1","mode":"barge"})"},
      {A, "supervisor.monitor", R"({"sessionId":"s-1","mode":"shout"})", E::InvalidArgument, "mode must be one of"},
      {A, "supervisor.monitor", R"({"mode":"listen"})", E::InvalidArgument, "sessionId is required"},
      {A, "supervisor.stopMonitor", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "supervisor.stopMonitor", R"({})", E::InvalidArgument, "sessionId is required"},
      // --- customer socket ---
      {C, "customer.dial", R"({"serviceNumber":"400 800 1000","caller":"+86 138-0013-8000"})", E::None,
       R"({"serviceNumber":"4008001000","caller":"+8613800138000"})"},
      {C, "customer.dial", R"({"serviceNumber":"4008001000"})", E::InvalidArgument, "caller is required"},
      {C, "customer.dial", R"({"serviceNumber":"4008001000","caller":"abc"})", E::InvalidArgument,
       "caller may only contain"},
      {C, "customer.voip", R"({"serviceNumber":"4008001000","userId":"u-1","nickname":"Ann"})", E::None,
       R"({"serviceNumber":"4008001000","userId":"u-1","nickname":"Ann"})"},
      {C, "customer.voip", R"({"serviceNumber":"4008001000"})", E::InvalidArgument, "userId is required"},
      {C, "customer.hangUp", R"({})", E::None, R"({})"},
      {C, "customer.answer", R"({})", E::None, R"({})"},
      {C, "chat.start", R"({"serviceNumber":"4008001000","nickname":")" + repeat("\xE5\xAE\xA2", 128) + R"("})",
       E::None, R"({"serviceNumber":"4008001000","nickname":")" + repeat("\xE5\xAE\xA2", 128) + R"("})"},
      {C, "chat.start", R"({"serviceNumber":"4008001000","nickname":")" + repeat("\xE5\xAE\xA2", 129) + R"("})",
       E::InvalidArgument, "nickname is longer than 128 characters"},
      {C, "chat.start",
       R"({"serviceNumber":"4008001000","nickname":"A","clientData":")" + std::string(4097, 'd') + R"("})",
       E::InvalidArgument, "clientData is longer than 4096 bytes"},
      {C, "chat.send", R"({"text":"hi"})", E::None, R"({"text":"hi"})"},
      {C, "chat.send", R"({"text":" \n "})", E::InvalidArgument, "text must not be empty"},
      {C, "media.answer", R"({"sdp":"v=0"})", E::None, R"({"sdp":"v=0"})"},
      {C, "media.offer", R"({"sessionId":"s-1"})", E::InvalidArgument, "sdp is required"},
      {C, "media.candidate", R"({"candidate":{"candidate":"c"}})", E::None, R"({"candidate":{"candidate":"c"}})"},
      {C, "customer.video", R"({"serviceNumber":"4008001000","userId":"7"})", E::None,
       R"({"serviceNumber":"4008001000","userId":"7"})"},
      {C, "customer.video", R"({"serviceNumber":"4008001000","userId":7})", E::InvalidArgument,
       "userId must be a string"},
      {C, "chat.start", R"({"serviceNumber":"4008001000","nickname":""})", E::InvalidArgument,
       "nickname must not be empty"},
      {C, "customer.dial", R"({"serviceNumber":4008001000,"caller":"1"})", E::InvalidArgument,
       "serviceNumber must be a string"},
      {C, "customer.registerNumber", R"({"number":"021 5555"})", E::None, R"({"number":"0215555"})"},
      {C, "customer.dtmf", R"({"digits":"1#"})", E::None, R"({"digits":"1#"})"},
      {C, "customer.reject", R"({"sessionId":""})", E::InvalidArgument, "sessionId must not be empty"},
      {C, "customer.busy", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {C, "chat.resume", R"({"sessionId":"s-1","visitorToken":"v"})", E::None,
       R"({"sessionId":"s-1","visitorToken":"v"})"},
      {C, "chat.history", R"({"afterSeq":"3"})", E::InvalidArgument, "afterSeq must be an integer"},
      {C, "chat.end", R"({})", E::None, R"({})"},
      // --- every remaining session method takes its session id ---
      {A, "session.hangUp", R"({})", E::InvalidArgument, "sessionId is required"},
      {A, "session.delete", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "session.hold", R"({"sessionId":null})", E::InvalidArgument, "sessionId is required"},
      {A, "session.unHold", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "session.pauseRecording", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {A, "session.resumeRecording", R"({})", E::InvalidArgument, "sessionId is required"},
      {A, "session.unmute", R"({"sessionId":"s-1","kind":"audio"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {A, "media.answer", R"({"sessionId":"s-1","sdp":5})", E::InvalidArgument, "sdp must be a string"},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, WireData, ::testing::ValuesIn(rows()), [](const ::testing::TestParamInfo<Row>& info) {
  std::string name = std::to_string(info.index) + "_" + info.param.method;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name + (info.param.code == Errc::None ? "_ok" : "_bad");
});

TEST(WireData, TheTableCoversEveryMethodThatHasFields) {
  std::set<std::string> agent, customer;
  for (const Row& row : rows()) (row.socket == Socket::Agent ? agent : customer).insert(row.method);
  for (const MethodSpec& m : kAgentMethods) {
    if (m.fieldCount > 0) {
      EXPECT_TRUE(agent.count(std::string(m.name))) << m.name;
    }
  }
  for (const MethodSpec& m : kCustomerMethods) {
    if (m.fieldCount > 0) {
      EXPECT_TRUE(customer.count(std::string(m.name))) << m.name;
    }
  }
}

TEST(WireData, MethodIdsFollowTheTable) {
  for (std::size_t i = 0; i < kAgentMethodCount; ++i) EXPECT_EQ(kAgentMethods[i].id, i);
  for (std::size_t i = 0; i < kCustomerMethodCount; ++i) EXPECT_EQ(kCustomerMethods[i].id, i);
  EXPECT_EQ(findAgentMethod("session.accept"), &methodSpec(AgentMethod::SessionAccept));
  EXPECT_EQ(findAgentMethod("customer.dial"), nullptr);
  EXPECT_EQ(findCustomerMethod("customer.dial"), &methodSpec(CustomerMethod::CustomerDial));
}

TEST(WireData, PhoneNumbersAreNormalisedTheSameWayEverywhere) {
  EXPECT_EQ(normalisePhoneNumber("(010) 6234-5678"), "01062345678");
  EXPECT_EQ(normalisePhoneNumber("+86 138.0013.8000"), "+8613800138000");
  EXPECT_EQ(normalisePhoneNumber("*99#"), "*99#");
  EXPECT_EQ(normalisePhoneNumber("+"), std::nullopt);
  EXPECT_EQ(normalisePhoneNumber("12+3"), std::nullopt);
  EXPECT_EQ(normalisePhoneNumber(std::string(33, '1')), std::nullopt);
  EXPECT_EQ(normalisePhoneNumber(""), std::nullopt);
}

TEST(WireData, EnumNamesRoundTripAndInternalValuesStayOffTheWire) {
  for (int i = 0; i < kSessionStateCount; ++i) {
    auto state = static_cast<SessionState>(i);
    EXPECT_EQ(sessionStateFromString(toString(state)),
              state == SessionState::None ? std::nullopt : std::optional<SessionState>(state));
  }
  for (int i = 0; i < kEndStatusCount; ++i)
    EXPECT_EQ(endStatusFromString(toString(static_cast<EndStatus>(i))), static_cast<EndStatus>(i));
  EXPECT_EQ(agentStatusFromString("afterCallWork"), std::nullopt);
}

}  // namespace
}  // namespace tccc::protocol
