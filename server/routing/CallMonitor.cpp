// SPDX-License-Identifier: Apache-2.0
#include "routing/CallMonitor.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/MediaAnchor.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SupervisorDesk.hpp"

namespace tccc::server::routing {

namespace {

Command monitorCommand(Command::Type type, const Session& s, protocol::MonitorMode mode) {
  Command cmd;
  cmd.type = type;
  cmd.sessionId = s.id;
  cmd.sdkAppId = s.sdkAppId;
  cmd.monitorMode = mode;
  return cmd;
}

}  // namespace

Result CallMonitor::monitor(Agent& supervisor, const Json& data, std::int64_t nowMs) {
  const auto mode = protocol::monitorModeFromString(data["mode"].get_ref<const std::string&>());
  if (!mode) return Error(Errc::InvalidArgument, "mode must be listen, whisper or barge");
  // Listening is watching; whispering and barging in speak to the call.
  if (Error refused = SupervisorDesk::mayAct(supervisor, *mode != protocol::MonitorMode::Listen)) return refused;
  const std::string sid = data["sessionId"].get<std::string>();
  const Session* s = c.sessions.find(sid);
  if (!s || s->sdkAppId != supervisor.sdkAppId || s->isChat())
    return Error(Errc::SessionNotFound, "no call " + sid + " in this application");
  if (s->phase != SessionPhase::Connected || !s->agent)
    return Error(Errc::InvalidState, "the call is not connected to an agent");
  if (!c.media.records(*s)) return Error(Errc::InvalidState, "the call's audio does not pass through the server");
  if (s->hasParty(supervisor.idx)) return Error(Errc::InvalidState, "a supervisor cannot monitor its own call");
  auto [it, first] = mOnCall.try_emplace(sid, OnCall{supervisor.idx, supervisor.staff.userId, *mode});
  if (!first) {
    if (it->second.supervisor != supervisor.idx)
      return Error(Errc::InvalidState, "the call is already monitored by " + it->second.userId);
    if (it->second.mode != *mode) c.out.media(monitorCommand(Command::Type::MediaMonitorMode, *s, *mode));
    it->second.mode = *mode;
  }
  std::string token = mTickets.issue(MediaWsTokens::Grant{supervisor.sdkAppId, supervisor.staff.userId, sid}, nowMs);
  return Json{{"path", kPath}, {"token", std::move(token)}, {"mode", std::string(protocol::toString(*mode))}};
}

Result CallMonitor::stop(Agent& supervisor, const Json& data) {
  const std::string sid = data["sessionId"].get<std::string>();
  auto it = mOnCall.find(sid);
  if (it == mOnCall.end() || it->second.supervisor != supervisor.idx)
    return Error(Errc::InvalidState, "not monitoring call " + sid);
  leave(sid);
  return Json::object();
}

std::variant<MonitorClaim, Error> CallMonitor::redeem(std::string_view token, std::int64_t nowMs) {
  auto grant = mTickets.redeem(token, nowMs);
  if (!grant) return Error(Errc::InvalidArgument, "unknown, used or expired monitor token");
  auto it = mOnCall.find(grant->sessionId);
  const Session* s = c.sessions.find(grant->sessionId);
  // The supervisor may have left, or the call ended, since the ticket was issued.
  if (it == mOnCall.end() || it->second.userId != grant->userId || !s || s->ended() || s->sdkAppId != grant->sdkAppId)
    return Error(Errc::InvalidState, "the supervisor is no longer on the call");
  return MonitorClaim{grant->sessionId, it->second.mode, grant->userId};
}

void CallMonitor::leave(const std::string& sessionId) {
  mOnCall.erase(sessionId);
  if (const Session* s = c.sessions.find(sessionId); s && !s->ended())
    c.out.media(monitorCommand(Command::Type::MediaMonitorClose, *s, protocol::MonitorMode::Listen));
}

void CallMonitor::supervisorGone(const Agent& supervisor) {
  std::vector<std::string> left;
  for (const auto& [sid, on] : mOnCall)
    if (on.supervisor == supervisor.idx) left.push_back(sid);
  for (const auto& sid : left) leave(sid);
}

void CallMonitor::sessionEnded(const Session& session) { mOnCall.erase(session.id); }

}  // namespace tccc::server::routing
