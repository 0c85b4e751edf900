// SPDX-License-Identifier: Apache-2.0
#include "routing/SessionViews.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {
constexpr int kDefaultRingTimeoutSec = 30;
}

Json SessionViews::wire(const Agent& agent, const Session& s, SessionState state) const {
  const bool outgoing = (s.type == SessionType::Internal || s.direction == Direction::Out) && !s.participants.empty() &&
                        s.participants.front().agent == agent.idx;
  Json w{{"sessionId", s.id},
         {"type", toString(s.type)},
         {"direction", outgoing ? "out" : "in"},
         {"state", toString(state)},
         {"timeout", 0},
         {"createdAt", s.startMs},
         {"serverType", toString(protocol::ServerType::StaffSeat)},
         {"skillGroupId", s.skillGroupId ? std::to_string(s.skillGroupId) : std::string()},
         {"muted", s.muted},
         {"videoMuted", s.videoMuted},
         {"held", s.held}};
  if (state == SessionState::Ringing && s.skillGroupId) {
    if (const SkillGroupInfo* info = c.tenants.group(s.sdkAppId, s.skillGroupId)) w["timeout"] = info->ringTimeoutSec;
    if (c.options.ringTimeoutOverrideSec > 0) w["timeout"] = c.options.ringTimeoutOverrideSec;
  } else if (state == SessionState::Ringing) {
    w["timeout"] = s.type == SessionType::Internal ? c.options.internalRingTimeoutSec : kDefaultRingTimeoutSec;
  }
  Json ivr = Json::array();
  for (auto& [key, label] : s.ivrPath)
    if (!label.empty()) ivr.push_back(Json{{"key", key}, {"label", label}});
  switch (s.type) {
    case SessionType::Phone:
      w["calleePhoneNumber"] = s.callee;
      w["callerPhoneNumber"] = s.caller;
      w["callerLocation"] = "";
      w["remark"] = s.remark;
      w["ivrPath"] = ivr;
      w["protectedCallee"] = "";
      w["protectedCaller"] = "";
      if (!s.uui.empty()) w["uui"] = s.uui;
      break;
    case SessionType::Voip:
      w["callee"] = s.serviceNumber;
      w["calleeRemark"] = "";
      w["userId"] = s.customerUserId;
      w["nickname"] = s.nickname;
      w["avatar"] = s.avatar;
      w["remark"] = s.remark;
      w["peerSource"] = "";
      w["ivrPath"] = ivr;
      w["clientData"] = "";
      break;
    case SessionType::Video:
      w["userId"] = s.customerUserId;
      w["nickname"] = s.nickname;
      w["avatar"] = s.avatar;
      w["remark"] = s.remark;
      break;
    case SessionType::Internal:
      w["peerUserId"] = outgoing ? s.callee : s.caller;
      break;
    case SessionType::Im:
      c.chats.wireFields(s, w);
      break;
  }
  return w;
}

void SessionViews::update(Agent& agent, Session& session, SessionState state, std::int64_t nowMs, const Json& extra) {
  SessionView* v = agent.view(session.id);
  if (v && v->ended && state != SessionState::Ended) {
    // The same session comes back to this agent (re-offered after a ring timeout, or transferred
    // back): the old ended view is replaced by the new offer.
    agent.views.erase(agent.views.begin() + (v - agent.views.data()));
    v = nullptr;
  }
  if (!v) {
    prune(agent, nowMs);
    std::size_t ended = 0;
    for (auto& x : agent.views) ended += x.ended ? 1 : 0;
    for (auto it = agent.views.begin(); ended >= kMaxEndedViewsPerAgent && it != agent.views.end();) {
      if (it->ended) {
        it = agent.views.erase(it);  // oldest first: views are kept in creation order
        --ended;
      } else {
        ++it;
      }
    }
    agent.views.push_back(SessionView{session.id, Json(), false, 0, 0});
    v = &agent.views.back();
  }
  Json w = wire(agent, session, state);
  if (state == SessionState::Ended) {
    v->ended = true;
    v->endedAtMs = nowMs;
    w["duration"] = v->acceptMs ? (nowMs - v->acceptMs) / 1000 : 0;
  }
  if (extra.is_object())
    for (auto& [k, val] : extra.items()) w[k] = val;
  // Serialised once, for the event; the view keeps the tree for snapshots.
  std::string data = "{\"session\":" + protocol::dump(w) + "}";
  v->wire = std::move(w);
  c.agents.notifyText(agent, "session.state", data);
}

void SessionViews::refresh(Agent& agent, Session& session, std::int64_t nowMs) {
  SessionView* v = agent.view(session.id);
  auto state = v ? protocol::sessionStateFromString(v->wire.value("state", "")) : std::nullopt;
  update(agent, session, state.value_or(SessionState::Talking), nowMs);
}

void SessionViews::end(Session& session, Agent& agent, const EndSpec& spec, EndReason endReason, bool connected,
                       std::int64_t nowMs) {
  const bool byThisAgent = spec.actor && *spec.actor == agent.idx;
  Json extra{{"endReason", toString(endReason)}, {"closeBy", toString(byThisAgent ? CloseBy::Seat : spec.closeBy)}};
  if (spec.mainReason && (session.type == SessionType::Phone || session.type == SessionType::Internal))
    extra["mainReason"] = toString(*spec.mainReason);
  if (Participant* leg = session.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = leg->acceptMs || !connected ? spec.endStatus : EndStatus::Ok;
  }
  update(agent, session, SessionState::Ended, nowMs, extra);
}

Result SessionViews::forget(Agent& agent, const std::string& sessionId) {
  SessionView* v = agent.view(sessionId);
  if (!v) return Error(Errc::SessionNotFound, "no session " + sessionId);
  if (!v->ended) return Error(Errc::InvalidState, "only an ended session can be deleted");
  agent.views.erase(agent.views.begin() + (v - agent.views.data()));
  return Json::object();
}

void SessionViews::prune(Agent& agent, std::int64_t nowMs) {
  agent.views.erase(std::remove_if(agent.views.begin(), agent.views.end(),
                                   [&](const SessionView& v) {
                                     return v.ended && nowMs - v.endedAtMs >= c.options.endedRetentionMs;
                                   }),
                    agent.views.end());
}

Json SessionViews::snapshot(Agent& agent, std::int64_t nowMs) {
  prune(agent, nowMs);
  Json sessions = Json::array();
  for (auto& v : agent.views) sessions.push_back(v.wire);
  c.chats.refreshWires(sessions);
  Json a{{"userId", agent.staff.userId},
         {"sdkAppId", agent.sdkAppId},
         {"name", agent.staff.name},
         {"nick", agent.staff.nick},
         {"staffNumber", agent.staff.staffNumber},
         {"status", toString(agent.status)},
         {"restReason", agent.restReason}};
  Json groups = Json::array();
  for (auto g : agent.groups) {
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, g);
    groups.push_back(Json{{"skillGroupId", std::to_string(g)}, {"name", info ? info->name : ""}});
  }
  a["skillGroups"] = std::move(groups);
  return Json{{"resumeToken", agent.resumeToken},
              {"heartbeatMs", c.options.heartbeatMs},
              {"serverTime", nowMs},
              {"seq", agent.seq},
              {"agent", std::move(a)},
              {"sessions", std::move(sessions)},
              {"iceServers", c.options.iceServers}};
}

}  // namespace tccc::server::routing
