// SPDX-License-Identifier: Apache-2.0
#include "core/ApiValidator.hpp"

namespace tccc::core {

const ApiSpec* ApiValidator::find(std::string_view api) {
  for (const auto& spec : kApis)
    if (spec.name == api) return &spec;
  return nullptr;
}

Error ApiValidator::validate(std::string_view api, const protocol::Json& args, ValidatedCall& out,
                             std::string_view self) {
  out = ValidatedCall{};
  const ApiSpec* spec = find(api);
  if (!spec) return Error(Errc::InvalidArgument, "unknown API '" + std::string(api.substr(0, 64)) + "'");
  out.spec = spec;
  out.agentRequest = spec->agentRequest;
  if (Error error = protocol::validateFields(*spec->method, args, out.data, spec->name, protocol::DataSource::Api,
                                             spec->alias ? *spec->alias : protocol::OptionAlias{},
                                             spec->fixed ? spec->fixed->field : std::string_view()))
    return error;
  if (spec->fixed) out.data[std::string(spec->fixed->field)] = std::string(spec->fixed->value);
  const protocol::Json& data = out.data;
  // The server's checks before any state (server/routing/RoutingEngine.cpp, targetsItself).
  if (!self.empty() && spec->action == SessionAction::Dial) {
    if (auto callee = data.find("calleeUserId"); callee != data.end() && callee->get_ref<const std::string&>() == self)
      return Error(Errc::InvalidArgument,
                   std::string(spec->name) + ": calleeUserId is this agent: an agent cannot call itself");
  }
  if (!self.empty() && spec->action == SessionAction::Transfer) {
    if (auto user = data.find("userId"); user != data.end() && user->get_ref<const std::string&>() == self)
      return Error(
          Errc::InvalidArgument,
          std::string(spec->name) + ": userId is this agent: a session cannot be transferred to the agent who has it");
  }
  if (auto id = data.find("sessionId"); id != data.end()) out.sessionId = id->get<std::string>();
  if (auto status = data.find("status"); status != data.end()) {
    const auto request = settableStatusFromString(status->get<std::string>());
    // Agent.setStatus is checked against this agent's own status; Supervisor.setAgentStatus is about
    // another agent, whose status only the server knows.
    if (spec->method && spec->method->name == std::string_view("agent.setStatus")) out.agentRequest = request;
    // A rest reason means nothing for other statuses: it is checked but not sent.
    auto reason = data.find("restReason");
    if (reason != data.end() && (request != AgentRequest::Rest || reason->get<std::string>().empty()))
      out.data.erase("restReason");
  }
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
      if (session.state != St::Talking)
        return stateError(spec, session, "is not talking: only a talking call can be held");
      return {};
    case SessionAction::UnHold:
      if (!caps.hold) return stateError(spec, session, "cannot be held");
      if (session.state != St::Held) return stateError(spec, session, "is not on hold");
      return {};
    case SessionAction::Record:
      if (!caps.muteAudio) return stateError(spec, session, "has no audio to record");
      if (!oneOf(session.state, {St::Talking, St::Held}))
        return stateError(spec, session, "is not connected: only a talking or held call is recorded");
      return {};
    case SessionAction::Transfer:
      if (!caps.transfer) return stateError(spec, session, "cannot be transferred");
      if (!oneOf(session.state, {St::Talking, St::Held}))
        return stateError(spec, session, "is not connected: only a talking or held session can be transferred");
      return {};
    case SessionAction::SendDigits:
      if (!caps.digits) return stateError(spec, session, "cannot carry DTMF digits");
      if (session.state != St::Talking)
        return stateError(spec, session, "is not talking: digits need an answered call");
      return {};
    case SessionAction::SendMessage:
      if (session.state != St::Talking)
        return stateError(spec, session, "is not accepted: messages need an accepted chat");
      return {};
    case SessionAction::History:
      return {};
    case SessionAction::None:
    case SessionAction::Dial:
      return {};
  }
  return {};
}

}  // namespace

Error ApiValidator::checkState(const ValidatedCall& call, const SessionStore& sessions,
                               const AgentStatusMachine& agent) {
  const ApiSpec& spec = *call.spec;
  if (spec.family) {
    const SessionRecord* session = sessions.find(call.sessionId);
    if (!session) return Error(Errc::SessionNotFound, std::string(spec.name) + ": no session '" + call.sessionId + "'");
    return checkSession(spec, *session);
  }
  if (spec.action == SessionAction::Dial) {
    // The seed documents ERR_NETWORK_CANNOT_RESET for dialling out during a call. A live call in
    // the local view counts even before the server's `busy` arrives.
    if (agent.status() == AgentStatus::Busy || sessions.hasLiveCall())
      return Error(Errc::NetworkCannotReset, std::string(spec.name) + ": the agent is in a call (status '" +
                                                 std::string(toString(agent.status())) +
                                                 "'); no outbound call can be placed");
    if (agent.status() == AgentStatus::Offline)
      return Error(Errc::InvalidState, std::string(spec.name) + ": the agent is 'offline'; call Agent.online first");
    return {};
  }
  if (call.agentRequest) return agent.check(*call.agentRequest);
  return {};
}

}  // namespace tccc::core
