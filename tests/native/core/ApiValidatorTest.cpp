// SPDX-License-Identifier: Apache-2.0
// Option validation for every public API: what passes (and how it is normalised into request
// data) and what fails, with the field named in the message.
#include "core/ApiValidator.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tccc::core {
namespace {

using Json = protocol::Json;

struct Row {
  const char* api;
  const char* args;      // JSON text
  Errc code;             // Errc::None = valid
  const char* expected;  // valid: the request data (JSON); invalid: a substring of the message
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.api << " " << r.args; }

class ApiOptions : public ::testing::TestWithParam<Row> {};

TEST_P(ApiOptions, AreValidatedAndNormalised) {
  const Row& row = GetParam();
  ValidatedCall call;
  Error error = ApiValidator::validate(row.api, Json::parse(row.args), call);
  if (row.code == Errc::None) {
    ASSERT_FALSE(error) << error.message;
    EXPECT_EQ(call.data, Json::parse(row.expected));
    ASSERT_NE(call.spec, nullptr);
    EXPECT_EQ(call.spec->name, row.api);
  } else {
    EXPECT_EQ(error.code, row.code) << error.message;
    EXPECT_NE(error.message.find(row.expected), std::string::npos) << error.message;
    if (ApiValidator::find(row.api)) {
      EXPECT_EQ(error.message.rfind(std::string(row.api) + ": ", 0), 0u) << "names the API: " << error.message;
    }
  }
}

// Limits are the wire vocabulary's (src/protocol/vocabulary.json), the same on the server.
const std::string kLong129(129, 'x');
const std::string kLong65x(65, 'x');
const std::string kLong65(65, 'r');
const std::string kLong129d(129, 'd');
const std::string kLong1025(1025, 'u');

std::vector<Row> rows() {
  static const std::string longSession = R"({"sessionId":")" + kLong65x + R"("})";
  static const std::string longReason = R"({"status":"rest","restReason":")" + kLong65 + R"("})";
  static const std::string longDesc = R"({"phoneNumber":"1","phoneDesc":")" + kLong129d + R"("})";
  // 128 characters of 3-byte UTF-8 pass: a label's limit counts characters.
  static const std::string okDesc = [] {
    std::string text;
    for (int i = 0; i < 128; ++i) text += "\xE5\x91\xBC";
    return R"({"phoneNumber":"1","phoneDesc":")" + text + R"("})";
  }();
  static const std::string longUui = R"({"phoneNumber":"1","uui":")" + kLong1025 + R"("})";
  static const std::string longUser = R"({"calleeUserId":")" + kLong129 + R"("})";
  static const std::string longTransferUser = R"({"sessionId":"s-1","userId":")" + kLong129 + R"("})";
  // 4,000 characters of 3-byte UTF-8 pass (the limit counts characters, not bytes); 4,001 do not.
  static const std::string kChat4000 = [] {
    std::string text;
    for (int i = 0; i < 4000; ++i) text += "\xE4\xBD\xA0";
    return text;
  }();
  static const std::string okChat = R"({"sessionId":"s-1","text":")" + kChat4000 + R"("})";
  static const std::string longChat = R"({"sessionId":"s-1","text":")" + kChat4000 + R"(x"})";
  static const std::string okSession64 = R"({"sessionId":")" + std::string(64, 'x') + R"("})";
  static const std::string manyGroups = [] {
    Json args{{"phoneNumber", "1"}, {"servingNumberGroupIds", Json::array()}};
    for (int i = 0; i < 101; ++i) args["servingNumberGroupIds"].push_back(std::to_string(i));
    return args.dump();
  }();
  using E = Errc;
  return {
      // --- session-only APIs: every one accepts a string or integer id and refuses the rest ---
      {"Call.accept", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.accept", R"({"sessionId":12345})", E::None, R"({"sessionId":"12345"})"},
      {"Call.accept", R"({"sessionId":"s-1","extra":[1]})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.accept", okSession64.c_str(), E::None, okSession64.c_str()},
      {"Call.accept", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.accept", R"({"sessionId":null})", E::InvalidArgument, "sessionId is required"},
      {"Call.accept", R"({"sessionId":""})", E::InvalidArgument, "sessionId must not be empty"},
      {"Call.accept", R"({"sessionId":1.5})", E::InvalidArgument, "sessionId must be a string"},
      {"Call.accept", R"({"sessionId":true})", E::InvalidArgument, "sessionId must be a string"},
      {"Call.accept", R"({"sessionId":["s-1"]})", E::InvalidArgument, "sessionId must be a string"},
      {"Call.accept", R"({"sessionId":{"id":"s-1"}})", E::InvalidArgument, "sessionId must be a string"},
      {"Call.accept", longSession.c_str(), E::InvalidArgument, "sessionId is longer than 64"},
      {"Call.accept", R"("s-1")", E::InvalidArgument, "options must be an object"},
      // null options are no options, as null data is on the wire.
      {"Call.accept", R"(null)", E::InvalidArgument, "sessionId is required"},
      {"Call.accept", R"({"sessionId":-5})", E::InvalidArgument, "sessionId must be a string"},
      {"Call.muteMic", R"({"sessionId":"s-1","kind":"bogus"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {"Chat.sendMessage", R"({"sessionId":"s-1","text":"\u00a0\u3000 "})", E::InvalidArgument,
       "text must not be empty"},
      {"Call.accept", R"([{"sessionId":"s-1"}])", E::InvalidArgument, "options must be an object"},
      {"Call.hungUp", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.hungUp", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.deleteCall", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.deleteCall", R"(5)", E::InvalidArgument, "options must be an object"},
      {"Call.muteMic", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {"Call.muteMic", R"({"sessionId":false})", E::InvalidArgument, "sessionId"},
      {"Call.unmuteMic", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {"Call.unmuteMic", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.isMicMuted", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.isMicMuted", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.hold", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.hold", R"({"sessionId":""})", E::InvalidArgument, "sessionId"},
      {"Call.unHold", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.unHold", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.pauseRecording", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.pauseRecording", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Call.resumeRecording", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Call.resumeRecording", R"({"sessionId":""})", E::InvalidArgument, "sessionId"},
      {"Video.pauseRecording", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Video.pauseRecording", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.resumeRecording", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Video.resumeRecording", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Chat.accept", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Chat.accept", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Chat.end", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Chat.end", R"({"sessionId":[]})", E::InvalidArgument, "sessionId"},
      {"Video.accept", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Video.accept", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.end", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Video.end", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.muteMic", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {"Video.muteMic", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.unmuteMic", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"audio"})"},
      {"Video.unmuteMic", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.muteVideo", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"video"})"},
      {"Video.muteVideo", R"({})", E::InvalidArgument, "sessionId is required"},
      {"Video.unmuteVideo", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1","kind":"video"})"},
      {"Video.unmuteVideo", R"({})", E::InvalidArgument, "sessionId is required"},
      // --- transfer: exactly one target ---
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":"7"})", E::None,
       R"({"sessionId":"s-1","skillGroupId":"7"})"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":7})", E::None,
       R"({"sessionId":"s-1","skillGroupId":"7"})"},
      {"Call.transfer", R"({"sessionId":"s-1","userId":"bob@example.com"})", E::None,
       R"({"sessionId":"s-1","userId":"bob@example.com"})"},
      {"Call.transfer", R"({"sessionId":"s-1"})", E::InvalidArgument, "exactly one transfer target"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":"7","userId":"bob"})", E::InvalidArgument,
       "exactly one transfer target"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":"007"})", E::None,
       R"({"sessionId":"s-1","skillGroupId":"7"})"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":""})", E::InvalidArgument,
       "skillGroupId must be a positive integer"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":0})", E::InvalidArgument,
       "skillGroupId must be a positive integer"},
      {"Call.transfer", R"({"sessionId":"s-1","skillGroupId":"sales"})", E::InvalidArgument,
       "skillGroupId must be a positive integer"},
      {"Call.transfer", R"({"sessionId":"s-1","userId":{}})", E::InvalidArgument, "userId must be a string"},
      {"Call.transfer", longTransferUser.c_str(), E::InvalidArgument, "userId is longer than 128"},
      {"Call.transfer", R"({"skillGroupId":"7"})", E::InvalidArgument, "sessionId is required"},
      {"Chat.transfer", R"({"sessionId":"s-1","userId":"bob"})", E::None, R"({"sessionId":"s-1","userId":"bob"})"},
      {"Chat.transfer", R"({"sessionId":"s-1"})", E::InvalidArgument, "exactly one transfer target"},
      // --- chat messages ---
      {"Chat.sendMessage", R"({"sessionId":"s-1","text":"<script>x</script>"})", E::None,
       R"({"sessionId":"s-1","text":"<script>x</script>"})"},
      {"Chat.sendMessage", R"({"sessionId":"s-1","text":"hi","clientMsgId":7})", E::None,
       R"({"sessionId":"s-1","text":"hi","clientMsgId":"7"})"},
      {"Chat.sendMessage", R"({"sessionId":"s-1","text":"  "})", E::InvalidArgument, "text must not be empty"},
      {"Chat.sendMessage", R"({"sessionId":"s-1"})", E::InvalidArgument, "text is required"},
      {"Chat.sendMessage", R"({"sessionId":"s-1","text":5})", E::InvalidArgument, "text must be a string"},
      {"Chat.sendMessage", longChat.c_str(), E::ChatMessageTooLong, "4001 characters"},
      {"Chat.sendMessage", okChat.c_str(), E::None, okChat.c_str()},
      {"Chat.getMessages", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Chat.getMessages", R"({"sessionId":"s-1","afterSeq":0,"limit":100})", E::None,
       R"({"sessionId":"s-1","afterSeq":0,"limit":100})"},
      {"Chat.getMessages", R"({"sessionId":"s-1","limit":101})", E::InvalidArgument,
       "limit must be an integer from 1 to 100"},
      {"Chat.getMessages", R"({"sessionId":"s-1","afterSeq":-1})", E::InvalidArgument, "afterSeq must be an integer"},
      {"Video.transfer", R"({"sessionId":"s-1","skillGroupId":"3"})", E::None,
       R"({"sessionId":"s-1","skillGroupId":"3"})"},
      {"Video.transfer", R"({"sessionId":"s-1","skillGroupId":null,"userId":null})", E::InvalidArgument,
       "exactly one transfer target"},
      // --- DTMF ---
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"0123456789*#ABCD"})", E::None,
       R"({"sessionId":"s-1","digits":"0123456789*#ABCD"})"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"1a#"})", E::None, R"({"sessionId":"s-1","digits":"1A#"})"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"12345678901234567890123456789012"})", E::None,
       R"({"sessionId":"s-1","digits":"12345678901234567890123456789012"})"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"123456789012345678901234567890123"})", E::InvalidArgument,
       "dtmfText must be 1 to 32"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":""})", E::InvalidArgument, "dtmfText must be 1 to 32"},
      {"Call.sendDigits", R"({"sessionId":"s-1"})", E::InvalidArgument, "dtmfText is required"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":123})", E::InvalidArgument, "dtmfText must be a string"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"12E"})", E::InvalidArgument, "dtmfText may only contain"},
      {"Call.sendDigits", R"({"sessionId":"s-1","dtmfText":"1 2"})", E::InvalidArgument, "dtmfText may only contain"},
      // --- outbound ---
      {"Call.startOutboundCall", R"({"phoneNumber":"13800138000"})", E::None, R"({"phoneNumber":"13800138000"})"},
      // Separators are dropped: the SDK and the server dial the same number.
      {"Call.startOutboundCall", R"({"phoneNumber":"  +86-138*#  "})", E::None, R"({"phoneNumber":"+86138*#"})"},
      {"Call.startOutboundCall", R"({"phoneNumber":"400-800-1000"})", E::None, R"({"phoneNumber":"4008001000"})"},
      {"Call.startOutboundCall", R"({"phoneNumber":"(010) 6234.5678"})", E::None, R"({"phoneNumber":"01062345678"})"},
      {"Call.startOutboundCall", R"({"phoneNumber":"138 0013"})", E::None, R"({"phoneNumber":"1380013"})"},
      {"Call.startOutboundCall", okDesc.c_str(), E::None, okDesc.c_str()},
      {"Call.startOutboundCall", R"({"phoneNumber":13800138000})", E::None, R"({"phoneNumber":"13800138000"})"},
      {"Call.startOutboundCall", R"({"phoneNumber":"12345678901234567890123456789012"})", E::None,
       R"({"phoneNumber":"12345678901234567890123456789012"})"},
      {"Call.startOutboundCall",
       R"({"phoneNumber":"1","phoneDesc":"Bob","uui":"u-1","skillGroupId":3,"callerPhoneNumber":"4008001000","servingNumberGroupIds":["a",2],"phoneEncodeType":"number"})",
       E::None,
       R"({"phoneNumber":"1","phoneDesc":"Bob","uui":"u-1","skillGroupId":"3","callerPhoneNumber":"4008001000","servingNumberGroupIds":["a","2"],"phoneEncodeType":"number"})"},
      {"Call.startOutboundCall", R"({})", E::InvalidArgument, "phoneNumber is required"},
      {"Call.startOutboundCall", R"({"phoneNumber":""})", E::InvalidArgument, "phoneNumber must be 1 to 32"},
      {"Call.startOutboundCall", R"({"phoneNumber":"   "})", E::InvalidArgument, "phoneNumber must be 1 to 32"},
      {"Call.startOutboundCall", R"({"phoneNumber":"123456789012345678901234567890123"})", E::InvalidArgument,
       "phoneNumber must be 1 to 32"},
      {"Call.startOutboundCall", R"({"phoneNumber":"138a0013"})", E::InvalidArgument, "phoneNumber may only contain"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1+2"})", E::InvalidArgument, "phoneNumber may only contain"},
      {"Call.startOutboundCall", R"({"phoneNumber":"+"})", E::InvalidArgument, "phoneNumber may only contain"},
      {"Call.startOutboundCall", R"({"phoneNumber":"- -"})", E::InvalidArgument, "phoneNumber must be 1 to 32"},
      {"Call.startOutboundCall", R"({"phoneNumber":"tel:123"})", E::InvalidArgument, "phoneNumber may only contain"},
      {"Call.startOutboundCall", R"({"phoneNumber":-5})", E::InvalidArgument, "phoneNumber must be a string"},
      {"Call.startOutboundCall", R"({"phoneNumber":1.5})", E::InvalidArgument, "phoneNumber must be a string"},
      {"Call.startOutboundCall", R"({"phoneNumber":["1"]})", E::InvalidArgument, "phoneNumber must be a string"},
      {"Call.startOutboundCall", longDesc.c_str(), E::InvalidArgument, "phoneDesc is longer than 128 characters"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","phoneDesc":5})", E::InvalidArgument,
       "phoneDesc must be a string"},
      {"Call.startOutboundCall", longUui.c_str(), E::InvalidArgument, "uui is longer than 1024"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","callerPhoneNumber":"abc"})", E::InvalidArgument,
       "callerPhoneNumber may only contain"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","skillGroupId":false})", E::InvalidArgument,
       "skillGroupId must be a positive integer"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","servingNumberGroupIds":"a"})", E::InvalidArgument,
       "servingNumberGroupIds must be an array"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","servingNumberGroupIds":[""]})", E::InvalidArgument,
       "servingNumberGroupIds entries"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","servingNumberGroupIds":[{}]})", E::InvalidArgument,
       "servingNumberGroupIds entries"},
      {"Call.startOutboundCall", manyGroups.c_str(), E::InvalidArgument, "servingNumberGroupIds has more than 100"},
      {"Call.startOutboundCall", R"({"phoneNumber":"1","phoneEncodeType":"string"})", E::InvalidArgument,
       "phoneEncodeType must be 'number'"},
      {"Call.startOutboundCall", R"("13800138000")", E::InvalidArgument, "options must be an object"},
      // --- internal ---
      {"Call.startInternalCall", R"({"calleeUserId":"bob@example.com"})", E::None,
       R"({"calleeUserId":"bob@example.com"})"},
      {"Call.startInternalCall", R"({"calleeUserId":"bob","useMobile":true})", E::None,
       R"({"calleeUserId":"bob","useMobile":true})"},
      {"Call.startInternalCall", R"({})", E::InvalidArgument, "calleeUserId is required"},
      {"Call.startInternalCall", R"({"calleeUserId":""})", E::InvalidArgument, "calleeUserId must not be empty"},
      {"Call.startInternalCall", longUser.c_str(), E::InvalidArgument, "calleeUserId is longer than 128"},
      {"Call.startInternalCall", R"({"calleeUserId":"bob","useMobile":"yes"})", E::InvalidArgument,
       "useMobile must be a boolean"},
      // --- agent ---
      {"Agent.online", R"(null)", E::None, R"({})"},
      {"Agent.online", R"({})", E::None, R"({})"},
      {"Agent.online", R"("now")", E::InvalidArgument, "options must be an object when given"},
      {"Agent.offline", R"(null)", E::None, R"({})"},
      {"Agent.offline", R"(7)", E::InvalidArgument, "options must be an object when given"},
      // --- supervisor ---
      {"Supervisor.watch", R"(null)", E::None, R"({})"},
      {"Supervisor.watch", R"(7)", E::InvalidArgument, "options must be an object when given"},
      {"Supervisor.unwatch", R"({})", E::None, R"({})"},
      {"Supervisor.unwatch", R"("now")", E::InvalidArgument, "options must be an object when given"},
      {"Supervisor.setAgentStatus", R"({"userId":"bob","status":"rest","restReason":"lunch"})", E::None,
       R"({"userId":"bob","status":"rest","restReason":"lunch"})"},
      {"Supervisor.setAgentStatus", R"({"userId":"bob","status":"free","restReason":"x"})", E::None,
       R"({"userId":"bob","status":"free"})"},
      {"Supervisor.setAgentStatus", R"({"status":"free"})", E::InvalidArgument, "userId is required"},
      {"Supervisor.logoutAgent", R"({"userId":"bob"})", E::None, R"({"userId":"bob"})"},
      {"Supervisor.logoutAgent", R"({})", E::InvalidArgument, "userId is required"},
      {"Supervisor.monitor", R"({"sessionId":"s-1","mode":"whisper"})", E::None,
       R"({"sessionId":"s-1","mode":"whisper"})"},
      {"Supervisor.monitor", R"({"sessionId":"s-1"})", E::InvalidArgument, "mode is required"},
      {"Supervisor.stopMonitor", R"({"sessionId":"s-1"})", E::None, R"({"sessionId":"s-1"})"},
      {"Supervisor.stopMonitor", R"({"sessionId":""})", E::InvalidArgument, "sessionId"},
      {"Agent.setStatus", R"({"status":"free"})", E::None, R"({"status":"free"})"},
      {"Agent.setStatus", R"({"status":"rest","restReason":"lunch"})", E::None,
       R"({"status":"rest","restReason":"lunch"})"},
      {"Agent.setStatus", R"({"status":"rest"})", E::None, R"({"status":"rest"})"},
      {"Agent.setStatus", R"({"status":"notReady","restReason":"ignored"})", E::None, R"({"status":"notReady"})"},
      {"Agent.setStatus", R"({"status":"arrange"})", E::None, R"({"status":"arrange"})"},
      {"Agent.setStatus", R"({"status":"stopNotReady"})", E::None, R"({"status":"stopNotReady"})"},
      {"Agent.setStatus", R"({"status":"busy"})", E::InvalidArgument, "status must be one of"},
      {"Agent.setStatus", R"({"status":"offline"})", E::InvalidArgument, "status must be one of"},
      {"Agent.setStatus", R"({"status":"Free"})", E::InvalidArgument, "status must be one of"},
      {"Agent.setStatus", R"({"status":1})", E::InvalidArgument, "status must be one of"},
      {"Agent.setStatus", R"({})", E::InvalidArgument, "status is required"},
      {"Agent.setStatus", longReason.c_str(), E::InvalidArgument, "restReason is longer than 64"},
      {"Agent.setStatus", R"({"status":"rest","restReason":9})", E::InvalidArgument, "restReason must be a string"},
      {"Agent.setStatus", R"("free")", E::InvalidArgument, "options must be an object"},
      {"Agent.getDirectory", R"({})", E::None, R"({})"},
      {"Agent.getDirectory", R"({"query":"ann","limit":100})", E::None, R"({"query":"ann","limit":100})"},
      {"Agent.getDirectory", R"({"limit":0})", E::InvalidArgument, "limit must be an integer from 1 to 100"},
      {"Agent.getDirectory", R"({"query":7})", E::InvalidArgument, "query must be a string"},
      {"Agent.wrapUp", R"({"sessionId":"s-1","disposition":"sale","notes":"called back","x":1})", E::None,
       R"({"sessionId":"s-1","disposition":"sale","notes":"called back"})"},
      {"Agent.wrapUp", R"({"sessionId":"s-1","disposition":"Sale"})", E::InvalidArgument, "disposition must be one of"},
      {"Agent.wrapUp", R"({"disposition":"sale"})", E::InvalidArgument, "sessionId is required"},
      {"Agent.getHistory", R"({"limit":5})", E::None, R"({"limit":5})"},
      {"Agent.getHistory", R"({"limit":101})", E::InvalidArgument, "limit must be an integer from 1 to 100"},
      // --- unknown APIs ---
      {"Call.dial", R"({})", E::InvalidArgument, "unknown API 'Call.dial'"},
      {"call.accept", R"({"sessionId":"s-1"})", E::InvalidArgument, "unknown API"},
      {"", R"({})", E::InvalidArgument, "unknown API"},
      {"Agent.getStatus", R"({})", E::InvalidArgument, "unknown API"},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, ApiOptions, ::testing::ValuesIn(rows()), [](const ::testing::TestParamInfo<Row>& info) {
  std::string name = std::to_string(info.index) + "_" + info.param.api;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name + (info.param.code == Errc::None ? "_ok" : "_bad");
});

// The server checks these before any state; the SDK refuses them at once with the same message.
TEST(ApiOptions, AnAgentDoesNotCallOrTransferToItself) {
  const char* self = "me@x.com";
  ValidatedCall call;
  Error e = ApiValidator::validate("Call.startInternalCall", Json::parse(R"({"calleeUserId":"me@x.com"})"), call, self);
  EXPECT_EQ(e.code, Errc::InvalidArgument);
  EXPECT_EQ(e.message, "Call.startInternalCall: calleeUserId is this agent: an agent cannot call itself");
  for (const char* api : {"Call.transfer", "Chat.transfer", "Video.transfer"}) {
    e = ApiValidator::validate(api, Json::parse(R"({"sessionId":"s-1","userId":"me@x.com"})"), call, self);
    EXPECT_EQ(e.message,
              std::string(api) + ": userId is this agent: a session cannot be transferred to the agent who has it");
  }
  EXPECT_FALSE(
      ApiValidator::validate("Call.transfer", Json::parse(R"({"sessionId":"s-1","userId":"you@x.com"})"), call, self));
  EXPECT_FALSE(
      ApiValidator::validate("Call.startInternalCall", Json::parse(R"({"calleeUserId":"you@x.com"})"), call, self));
}

TEST(ApiOptions, TheTableCoversEveryApiWithAPassingAndAFailingCase) {
  std::set<std::string> passing, failing, all;
  for (const Row& row : rows()) (row.code == Errc::None ? passing : failing).insert(row.api);
  for (auto* spec = ApiValidator::begin(); spec != ApiValidator::end(); ++spec) {
    all.insert(std::string(spec->name));
    EXPECT_TRUE(passing.count(std::string(spec->name))) << spec->name;
    EXPECT_TRUE(failing.count(std::string(spec->name))) << spec->name;
  }
  EXPECT_EQ(all.size(), 40u);
}

}  // namespace
}  // namespace tccc::core
