// SPDX-License-Identifier: Apache-2.0
#include "core/ApiValidator.hpp"

namespace tccc::core {
namespace {

using Json = protocol::Json;
using F = ApiFamily;
using A = SessionAction;
using Sh = ApiShape;

constexpr std::optional<ApiFamily> kNoFamily = std::nullopt;
constexpr std::optional<AgentRequest> kNoRequest = std::nullopt;

// The public API: name, option shape, session family, action, request method, settlement.
const ApiSpec kApis[] = {
    {"Call.startOutboundCall", Sh::Outbound, kNoFamily, A::None, "call.startOutbound", Settle::Outbound, kNoRequest},
    {"Call.accept", Sh::Session, F::Call, A::Accept, "session.accept", Settle::SessionId, kNoRequest},
    {"Call.hungUp", Sh::Session, F::Call, A::HangUp, "session.hangUp", Settle::SessionId, kNoRequest},
    {"Call.deleteCall", Sh::Session, F::Call, A::Delete, "session.delete", Settle::Silent, kNoRequest},
    {"Call.muteMic", Sh::Session, F::Call, A::MuteAudio, "session.mute", Settle::Mute, kNoRequest},
    {"Call.unmuteMic", Sh::Session, F::Call, A::UnmuteAudio, "session.unmute", Settle::Unmute, kNoRequest},
    {"Call.isMicMuted", Sh::Session, F::Call, A::QueryMute, "", Settle::Empty, kNoRequest},
    {"Call.startInternalCall", Sh::Internal, kNoFamily, A::None, "call.startInternal", Settle::Internal, kNoRequest},
    {"Call.transfer", Sh::SessionTransfer, F::Call, A::Transfer, "session.transfer", Settle::SessionId, kNoRequest},
    {"Call.hold", Sh::Session, F::Call, A::Hold, "session.hold", Settle::Hold, kNoRequest},
    {"Call.unHold", Sh::Session, F::Call, A::UnHold, "session.unHold", Settle::UnHold, kNoRequest},
    {"Call.sendDigits", Sh::SessionDigits, F::Call, A::SendDigits, "session.sendDigits", Settle::SendDigits, kNoRequest},
    {"Chat.accept", Sh::Session, F::Chat, A::Accept, "session.accept", Settle::SessionId, kNoRequest},
    {"Chat.end", Sh::Session, F::Chat, A::HangUp, "session.hangUp", Settle::SessionId, kNoRequest},
    {"Chat.transfer", Sh::SessionTransfer, F::Chat, A::Transfer, "session.transfer", Settle::SessionId, kNoRequest},
    {"Chat.sendMessage", Sh::ChatSend, F::Chat, A::SendMessage, "chat.send", Settle::ChatSend, kNoRequest},
    {"Chat.getMessages", Sh::ChatHistory, F::Chat, A::History, "chat.history", Settle::ChatHistory, kNoRequest},
    {"Video.accept", Sh::Session, F::Video, A::Accept, "session.accept", Settle::SessionId, kNoRequest},
    {"Video.end", Sh::Session, F::Video, A::HangUp, "session.hangUp", Settle::SessionId, kNoRequest},
    {"Video.muteMic", Sh::Session, F::Video, A::MuteAudio, "session.mute", Settle::Mute, kNoRequest},
    {"Video.unmuteMic", Sh::Session, F::Video, A::UnmuteAudio, "session.unmute", Settle::Unmute, kNoRequest},
    {"Video.muteVideo", Sh::Session, F::Video, A::MuteVideo, "session.mute", Settle::MuteVideo, kNoRequest},
    {"Video.unmuteVideo", Sh::Session, F::Video, A::UnmuteVideo, "session.unmute", Settle::UnmuteVideo, kNoRequest},
    {"Video.transfer", Sh::SessionTransfer, F::Video, A::Transfer, "session.transfer", Settle::SessionId, kNoRequest},
    {"Agent.online", Sh::NoOptions, kNoFamily, A::None, "agent.online", Settle::Empty, AgentRequest::Online},
    {"Agent.offline", Sh::NoOptions, kNoFamily, A::None, "agent.offline", Settle::Empty, AgentRequest::Offline},
    {"Agent.setStatus", Sh::SetStatus, kNoFamily, A::None, "agent.setStatus", Settle::Empty, kNoRequest},
};

Error invalid(const ApiSpec& spec, std::string_view field, std::string_view why) {
  std::string message(spec.name);
  message += ": ";
  message += field;
  message += ' ';
  message += why;
  return Error(Errc::InvalidArgument, std::move(message));
}

const Json* member(const Json& args, std::string_view key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return nullptr;
  return &*it;
}

// An identifier given as a string, or as an integer (JS callers often pass numeric ids), which is
// stringified. Absent → empty `out` and no error; callers decide whether it is required.
Error readIdentifier(const ApiSpec& spec, const Json& args, std::string_view key, std::size_t maxLength,
                     std::string& out) {
  out.clear();
  const Json* value = member(args, key);
  if (!value) return {};
  if (value->is_number_unsigned()) {
    out = std::to_string(value->get<std::uint64_t>());
  } else if (value->is_number_integer()) {
    out = std::to_string(value->get<std::int64_t>());
  } else if (value->is_string()) {
    out = value->get_ref<const std::string&>();
    if (out.empty())
      return invalid(spec, key, "must not be empty");
  } else {
    return invalid(spec, key, "must be a string (or an integer)");
  }
  if (out.size() > maxLength)
    return invalid(spec, key, "is longer than " + std::to_string(maxLength) + " characters");
  return {};
}

Error readText(const ApiSpec& spec, const Json& args, std::string_view key, std::size_t maxLength,
               std::optional<std::string>& out) {
  out.reset();
  const Json* value = member(args, key);
  if (!value) return {};
  if (!value->is_string()) return invalid(spec, key, "must be a string");
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > maxLength)
    return invalid(spec, key, "is longer than " + std::to_string(maxLength) + " characters");
  out = text;
  return {};
}

bool isPhoneChar(char c) { return (c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#' || c == '-'; }

// A phone number: string (or integer), surrounding spaces trimmed, then 1…32 of `0-9 + * # -`.
Error readPhoneNumber(const ApiSpec& spec, const Json& args, std::string_view key, bool required,
                      std::optional<std::string>& out) {
  out.reset();
  const Json* value = member(args, key);
  if (!value) return required ? invalid(spec, key, "is required") : Error();
  std::string number;
  if (value->is_number_unsigned()) number = std::to_string(value->get<std::uint64_t>());
  else if (value->is_number_integer() && value->get<std::int64_t>() >= 0) number = std::to_string(value->get<std::int64_t>());
  else if (value->is_string()) number = value->get_ref<const std::string&>();
  else return invalid(spec, key, "must be a string");
  std::size_t first = number.find_first_not_of(" \t");
  std::size_t last = number.find_last_not_of(" \t");
  number = first == std::string::npos ? std::string() : number.substr(first, last - first + 1);
  if (number.empty() || number.size() > ApiValidator::kMaxPhoneNumberLength)
    return invalid(spec, key, "must be 1 to 32 characters long");
  for (char c : number)
    if (!isPhoneChar(c)) return invalid(spec, key, "may only contain 0-9 + * # -");
  out = std::move(number);
  return {};
}

Error readSessionId(const ApiSpec& spec, const Json& args, std::string& out) {
  if (Error error = readIdentifier(spec, args, "sessionId", ApiValidator::kMaxSessionIdLength, out)) return error;
  if (out.empty()) return invalid(spec, "sessionId", "is required");
  return {};
}

Error validateOutbound(const ApiSpec& spec, const Json& args, Json& data) {
  std::optional<std::string> text;
  if (Error e = readPhoneNumber(spec, args, "phoneNumber", true, text)) return e;
  data["phoneNumber"] = *text;
  if (Error e = readText(spec, args, "phoneDesc", ApiValidator::kMaxDescLength, text)) return e;
  if (text) data["phoneDesc"] = *text;
  if (Error e = readText(spec, args, "uui", ApiValidator::kMaxUuiLength, text)) return e;
  if (text) data["uui"] = *text;
  std::string id;
  if (Error e = readIdentifier(spec, args, "skillGroupId", ApiValidator::kMaxSkillGroupIdLength, id)) return e;
  if (!id.empty()) data["skillGroupId"] = id;
  if (Error e = readPhoneNumber(spec, args, "callerPhoneNumber", false, text)) return e;
  if (text) data["callerPhoneNumber"] = *text;
  if (const Json* groups = member(args, "servingNumberGroupIds")) {
    if (!groups->is_array()) return invalid(spec, "servingNumberGroupIds", "must be an array of strings");
    if (groups->size() > ApiValidator::kMaxNumberGroups)
      return invalid(spec, "servingNumberGroupIds", "has more than 100 entries");
    Json list = Json::array();
    for (const auto& group : *groups) {
      Json holder = Json::object();
      holder["id"] = group;
      std::string groupId;
      if (readIdentifier(spec, holder, "id", ApiValidator::kMaxSkillGroupIdLength, groupId) || groupId.empty())
        return invalid(spec, "servingNumberGroupIds",
                       "entries must be non-empty strings of at most 64 characters");
      list.push_back(groupId);
    }
    data["servingNumberGroupIds"] = std::move(list);
  }
  if (const Json* encode = member(args, "phoneEncodeType")) {
    if (!encode->is_string() || encode->get_ref<const std::string&>() != "number")
      return invalid(spec, "phoneEncodeType", "must be 'number'");
    data["phoneEncodeType"] = "number";
  }
  return {};
}

Error validateInternal(const ApiSpec& spec, const Json& args, Json& data) {
  std::string callee;
  if (Error e = readIdentifier(spec, args, "calleeUserId", ApiValidator::kMaxUserIdLength, callee)) return e;
  if (callee.empty()) return invalid(spec, "calleeUserId", "is required");
  data["calleeUserId"] = callee;
  if (const Json* mobile = member(args, "useMobile")) {
    if (!mobile->is_boolean()) return invalid(spec, "useMobile", "must be a boolean");
    data["useMobile"] = *mobile;
  }
  return {};
}

Error validateTransfer(const ApiSpec& spec, const Json& args, Json& data) {
  std::string group, user;
  if (Error e = readIdentifier(spec, args, "skillGroupId", ApiValidator::kMaxSkillGroupIdLength, group)) return e;
  if (Error e = readIdentifier(spec, args, "userId", ApiValidator::kMaxUserIdLength, user)) return e;
  if (group.empty() == user.empty())
    return invalid(spec, "skillGroupId/userId", "exactly one transfer target is required");
  if (!group.empty()) data["skillGroupId"] = group;
  else data["userId"] = user;
  return {};
}

Error validateDigits(const ApiSpec& spec, const Json& args, Json& data) {
  const Json* value = member(args, "dtmfText");
  if (!value) return invalid(spec, "dtmfText", "is required");
  if (!value->is_string()) return invalid(spec, "dtmfText", "must be a string");
  std::string digits = value->get<std::string>();
  if (digits.empty() || digits.size() > ApiValidator::kMaxDtmfLength)
    return invalid(spec, "dtmfText", "must be 1 to 32 characters long");
  for (char& c : digits) {
    if (c >= 'a' && c <= 'd') c = static_cast<char>(c - 'a' + 'A');  // DTMF letters are case-blind
    bool ok = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
    if (!ok) return invalid(spec, "dtmfText", "may only contain 0-9 * # A-D");
  }
  data["digits"] = digits;
  return {};
}

// Chat.sendMessage: {sessionId, text, clientMsgId?}. The length rule is the server's too, so the
// core answers at once with the same error instead of a round trip.
Error validateChatSend(const ApiSpec& spec, const Json& args, Json& data) {
  const Json* value = member(args, "text");
  if (!value) return invalid(spec, "text", "is required");
  if (!value->is_string()) return invalid(spec, "text", "must be a string");
  const std::string& text = value->get_ref<const std::string&>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return invalid(spec, "text", "must not be empty");
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  if (chars > ApiValidator::kMaxChatChars)
    return Error(Errc::ChatMessageTooLong, std::string(spec.name) + ": text has " + std::to_string(chars) +
                                               " characters; at most 4000 are allowed");
  data["text"] = text;
  std::string clientMsgId;
  if (Error e = readIdentifier(spec, args, "clientMsgId", ApiValidator::kMaxClientMsgIdLength, clientMsgId)) return e;
  if (!clientMsgId.empty()) data["clientMsgId"] = clientMsgId;
  return {};
}

// Chat.getMessages: {sessionId, afterSeq?, limit?}: one page, oldest first, after afterSeq.
Error validateChatHistory(const ApiSpec& spec, const Json& args, Json& data) {
  if (const Json* after = member(args, "afterSeq")) {
    if (!after->is_number_integer() || after->get<std::int64_t>() < 0)
      return invalid(spec, "afterSeq", "must be an integer of 0 or more");
    data["afterSeq"] = after->get<std::int64_t>();
  }
  if (const Json* limit = member(args, "limit")) {
    if (!limit->is_number_integer() || limit->get<std::int64_t>() < 1 ||
        limit->get<std::int64_t>() > ApiValidator::kMaxHistoryLimit)
      return invalid(spec, "limit", "must be an integer from 1 to 100 (page with afterSeq)");
    data["limit"] = limit->get<std::int64_t>();
  }
  return {};
}

Error validateSetStatus(const ApiSpec& spec, const Json& args, ValidatedCall& out) {
  const Json* value = member(args, "status");
  if (!value) return invalid(spec, "status", "is required");
  std::optional<AgentRequest> request;
  if (value->is_string()) request = settableStatusFromString(value->get_ref<const std::string&>());
  if (!request) return invalid(spec, "status", "must be one of free, rest, arrange, notReady, stopNotReady");
  out.agentRequest = request;
  out.data["status"] = std::string(toString(*request));
  std::optional<std::string> reason;
  if (Error e = readText(spec, args, "restReason", ApiValidator::kMaxRestReasonLength, reason)) return e;
  // A rest reason means nothing for other statuses; it is checked but not sent.
  if (reason && *request == AgentRequest::Rest && !reason->empty()) out.data["restReason"] = *reason;
  return {};
}

}  // namespace

const ApiSpec* ApiValidator::begin() { return std::begin(kApis); }
const ApiSpec* ApiValidator::end() { return std::end(kApis); }

const ApiSpec* ApiValidator::find(std::string_view api) {
  for (const auto& spec : kApis)
    if (spec.name == api) return &spec;
  return nullptr;
}

Error ApiValidator::validate(std::string_view api, const Json& args, ValidatedCall& out) {
  out = ValidatedCall{};
  const ApiSpec* spec = find(api);
  if (!spec) return Error(Errc::InvalidArgument, "unknown API '" + std::string(api.substr(0, 64)) + "'");
  out.spec = spec;
  out.agentRequest = spec->agentRequest;
  if (spec->shape == ApiShape::NoOptions) {
    // Agent.online() / Agent.offline() take no options; tolerate an options object anyway.
    if (!args.is_null() && !args.is_object()) return invalid(*spec, "options", "must be an object when given");
    return {};
  }
  if (!args.is_object()) return invalid(*spec, "options", "must be an object");
  switch (spec->shape) {
    case ApiShape::Outbound: return validateOutbound(*spec, args, out.data);
    case ApiShape::Internal: return validateInternal(*spec, args, out.data);
    case ApiShape::SetStatus: return validateSetStatus(*spec, args, out);
    default: break;
  }
  if (Error e = readSessionId(*spec, args, out.sessionId)) return e;
  out.data["sessionId"] = out.sessionId;
  switch (spec->shape) {
    case ApiShape::SessionTransfer: return validateTransfer(*spec, args, out.data);
    case ApiShape::SessionDigits: return validateDigits(*spec, args, out.data);
    case ApiShape::ChatSend: return validateChatSend(*spec, args, out.data);
    case ApiShape::ChatHistory: return validateChatHistory(*spec, args, out.data);
    default: break;
  }
  if (spec->action == SessionAction::MuteAudio || spec->action == SessionAction::UnmuteAudio)
    out.data["kind"] = "audio";
  else if (spec->action == SessionAction::MuteVideo || spec->action == SessionAction::UnmuteVideo)
    out.data["kind"] = "video";
  return {};
}

namespace {

Error stateError(const ApiSpec& spec, const SessionRecord& session, std::string_view why) {
  std::string message(spec.name);
  message += ": session ";
  message += session.id;
  message += " (";
  message += toString(session.type);
  message += ", ";
  message += toString(session.state);
  message += ") ";
  message += why;
  return Error(Errc::InvalidState, std::move(message));
}

bool oneOf(SessionState state, std::initializer_list<SessionState> states) {
  for (SessionState s : states)
    if (s == state) return true;
  return false;
}

Error checkSession(const ApiSpec& spec, const SessionRecord& session) {
  using St = SessionState;
  const SessionCapabilities& caps = SessionMachine::capabilities(session.type);
  if (caps.family != *spec.family) {
    std::string why = "is not a " + std::string(toString(*spec.family)) + " session; use " +
                      std::string(toString(caps.family)) + ".* for " + std::string(toString(session.type)) +
                      " sessions";
    return stateError(spec, session, why);
  }
  switch (spec.action) {
    case SessionAction::Accept:
      if (session.direction != Direction::In || session.state != St::Ringing)
        return stateError(spec, session, "is not ringing: only a ringing inbound session can be accepted");
      return {};
    case SessionAction::HangUp:
      if (!session.live()) return stateError(spec, session, "has already ended");
      return {};
    case SessionAction::Delete:
      if (session.live()) return stateError(spec, session, "is still live: hang it up before deleting it");
      return {};
    case SessionAction::MuteAudio:
    case SessionAction::UnmuteAudio:
      if (!caps.muteAudio) return stateError(spec, session, "has no microphone to mute");
      if (!oneOf(session.state, {St::Dialing, St::Talking, St::Held}))
        return stateError(spec, session, "has no audio yet or any more: mute needs dialing, talking or held");
      return {};
    case SessionAction::QueryMute:
      if (!caps.muteAudio) return stateError(spec, session, "has no microphone");
      return {};
    case SessionAction::MuteVideo:
    case SessionAction::UnmuteVideo:
      if (!caps.muteVideo) return stateError(spec, session, "has no camera");
      if (!oneOf(session.state, {St::Talking, St::Held}))
        return stateError(spec, session, "is not connected: the camera can be switched while talking");
      return {};
    case SessionAction::Hold:
      if (!caps.hold) return stateError(spec, session, "cannot be held");
      if (session.state != St::Talking) return stateError(spec, session, "is not talking: only a talking call can be held");
      return {};
    case SessionAction::UnHold:
      if (!caps.hold) return stateError(spec, session, "cannot be held");
      if (session.state != St::Held) return stateError(spec, session, "is not on hold");
      return {};
    case SessionAction::Transfer:
      if (!caps.transfer) return stateError(spec, session, "cannot be transferred");
      if (!oneOf(session.state, {St::Talking, St::Held}))
        return stateError(spec, session, "is not connected: only a talking or held session can be transferred");
      return {};
    case SessionAction::SendDigits:
      if (!caps.digits) return stateError(spec, session, "cannot carry DTMF digits");
      if (session.state != St::Talking) return stateError(spec, session, "is not talking: digits need an answered call");
      return {};
    case SessionAction::SendMessage:
      if (session.state != St::Talking) return stateError(spec, session, "is not accepted: messages need an accepted chat");
      return {};
    case SessionAction::History: return {};
    case SessionAction::None: return {};
  }
  return {};
}

}  // namespace

Error ApiValidator::checkState(const ValidatedCall& call, const SessionStore& sessions,
                               const AgentStatusMachine& agent) {
  const ApiSpec& spec = *call.spec;
  if (spec.family) {
    const SessionRecord* session = sessions.find(call.sessionId);
    if (!session)
      return Error(Errc::SessionNotFound, std::string(spec.name) + ": no session '" + call.sessionId + "'");
    return checkSession(spec, *session);
  }
  if (spec.shape == ApiShape::Outbound || spec.shape == ApiShape::Internal) {
    // The seed documents ERR_NETWORK_CANNOT_RESET for dialling out during a call. A live call in
    // the local view counts even before the server's `busy` arrives.
    if (agent.status() == AgentStatus::Busy || sessions.hasLiveCall())
      return Error(Errc::NetworkCannotReset,
                   std::string(spec.name) + ": the agent is in a call (status '" +
                       std::string(toString(agent.status())) + "'); no outbound call can be placed");
    if (agent.status() == AgentStatus::Offline)
      return Error(Errc::InvalidState, std::string(spec.name) + ": the agent is 'offline'; call Agent.online first");
    return {};
  }
  if (call.agentRequest) return agent.check(*call.agentRequest);
  return {};
}

}  // namespace tccc::core
