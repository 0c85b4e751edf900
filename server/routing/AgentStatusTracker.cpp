// SPDX-License-Identifier: Apache-2.0
#include "routing/AgentStatusTracker.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/CallControl.hpp"
#include "routing/CallRouting.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/JsonObject.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SupervisorDesk.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {
std::size_t slot(AgentStatus status) { return static_cast<std::size_t>(status); }
}  // namespace

void AgentStatusTracker::set(Agent& agent, AgentStatus status, StatusReason reason, const std::string& restReason,
                             std::int64_t nowMs) {
  const bool changed = status != agent.status || (status == AgentStatus::Rest && restReason != agent.restReason);
  if (!changed) return;
  agent.durations[slot(agent.status)] += std::max<std::int64_t>(0, nowMs - agent.statusSinceMs);
  const bool wasOnline = agent.status != AgentStatus::Offline;
  const bool isOnline = status != AgentStatus::Offline;
  if (wasOnline != isOnline) {
    c.acd.countOnline(agent, isOnline);
    if (isOnline) agent.lastOnlineMs = nowMs;
  }
  if (status != agent.status) {
    ++agent.acwGen;  // leaving or re-entering arrange cancels a pending after-call-work timer
    agent.statusSinceMs = nowMs;
    if (status == AgentStatus::Free) agent.idleSinceMs = nowMs;
  }
  agent.status = status;
  agent.restReason = status == AgentStatus::Rest ? restReason : "";
  agent.lastReason = reason;
  // Three a routed call (busy, arrange, free): built in place, not with Json{{…}} (JsonObject.hpp).
  Json data = JsonObject().add("status", toString(status)).add("reason", toString(reason)).take();
  if (status == AgentStatus::Rest) data["restReason"] = agent.restReason;
  c.agents.notify(agent, "agent.status", data);
  c.supervisors.agentChanged(agent, nowMs);
  refreshAvailability(agent, nowMs);
  if (wasOnline && !isOnline) {
    // The last agent of a group went offline: its waiting callers would wait for nobody.
    std::vector<SessionSerial> orphans;
    for (auto g : agent.groups) {
      SkillGroupBook* book = c.acd.group(agent.sdkAppId, g);
      if (book && book->online == 0)
        for (auto& key : book->calls) orphans.push_back(key.second);
    }
    for (auto serial : orphans)
      if (Session* s = c.sessions.bySerial(serial))
        c.calls.end(*s, EndSpec{EndStatus::NoSeatOnline, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}},
                    nowMs);
  }
}

bool AgentStatusTracker::onCall(const Agent& agent) const {
  for (auto& v : agent.views) {
    if (v.ended) continue;
    const Session* s = c.sessions.find(v.sessionId);
    if (!s || s->ended() || s->isChat()) continue;  // chats never make an agent busy
    if (s->hasParty(agent.idx)) return true;
  }
  return false;
}

void AgentStatusTracker::refreshAvailability(Agent& agent, std::int64_t nowMs) {
  const bool should = agent.status == AgentStatus::Free && agent.conn != 0 && agent.offering.empty() &&
                      !agent.removed && !onCall(agent);
  if (should == agent.available) return;
  c.supervisors.agentChanged(agent, nowMs);  // free or not, ringing or not
  if (!should) {
    c.acd.setAvailable(agent, false);
    return;
  }
  agent.availKey = agent.idleSinceMs;
  c.acd.setAvailable(agent, true);
  c.callRouting.agentAvailable(agent, nowMs);
}

void AgentStatusTracker::callEnded(Agent& agent, const Session& session, std::int64_t nowMs) {
  if (agent.status != AgentStatus::Busy || onCall(agent)) {
    refreshAvailability(agent, nowMs);
    return;
  }
  // A call that never connected leaves nothing to wrap up.
  int acwSec = 0;
  if (session.acceptMs > 0) {
    std::int64_t gid = session.skillGroupId ? session.skillGroupId : (agent.groups.empty() ? 0 : agent.groups.front());
    if (const SkillGroupInfo* info = gid ? c.tenants.group(agent.sdkAppId, gid) : nullptr)
      acwSec = info->afterCallWorkSec;
  }
  if (acwSec > 0) {
    set(agent, AgentStatus::Arrange, StatusReason::CallEnded, "", nowMs);
    c.timers.arm(nowMs + acwSec * 1000LL, *this, agent.idx, agent.acwGen);
  } else {
    set(agent, AgentStatus::Free, StatusReason::CallEnded, "", nowMs);
  }
}

void AgentStatusTracker::onTimer(std::uint64_t agentIdx, std::uint64_t gen, std::int64_t nowMs) {
  if (!c.agents.has(static_cast<AgentIdx>(agentIdx))) return;
  Agent& agent = c.agents.at(static_cast<AgentIdx>(agentIdx));
  if (agent.acwGen != gen || agent.status != AgentStatus::Arrange) return;
  set(agent, AgentStatus::Free, StatusReason::AcwTimeout, "", nowMs);
}

Result AgentStatusTracker::requestStatus(Agent& agent, const Json& data, std::int64_t nowMs) {
  auto request = protocol::statusRequestFromString(data.value("status", ""));
  const std::string restReason = data.value("restReason", "");
  if (agent.status == AgentStatus::Offline) return Error(Errc::InvalidState, "offline: call agent.online first");
  if (agent.status == AgentStatus::Busy) return Error(Errc::InvalidState, "busy: cannot change status during a call");
  switch (*request) {  // validated: one of the StatusRequest values
    case protocol::StatusRequest::StopNotReady:
      if (agent.status != AgentStatus::NotReady)
        return Error(Errc::InvalidState, "stopNotReady is only allowed in notReady");
      set(agent, AgentStatus::Free, StatusReason::Request, "", nowMs);
      return Json::object();
    case protocol::StatusRequest::Arrange:
      if (agent.status == AgentStatus::Arrange) {
        ++agent.acwGen;  // "keep wrapping up": the after-call-work timer no longer ends it
        return Json::object();
      }
      set(agent, AgentStatus::Arrange, StatusReason::Request, restReason, nowMs);
      return Json::object();
    case protocol::StatusRequest::Free:
      set(agent, AgentStatus::Free, StatusReason::Request, restReason, nowMs);
      break;
    case protocol::StatusRequest::Rest:
      set(agent, AgentStatus::Rest, StatusReason::Request, restReason, nowMs);
      break;
    case protocol::StatusRequest::NotReady:
      set(agent, AgentStatus::NotReady, StatusReason::Request, restReason, nowMs);
      break;
  }
  return Json::object();
}

Result AgentStatusTracker::goOnline(Agent& agent, std::int64_t nowMs) {
  if (agent.status == AgentStatus::Offline) set(agent, AgentStatus::Free, StatusReason::Request, "", nowMs);
  return Json::object();
}

Result AgentStatusTracker::goOffline(Agent& agent, std::int64_t nowMs) {
  if (agent.status == AgentStatus::Offline) return Error(Errc::InvalidState, "already offline");
  if (agent.status == AgentStatus::Busy || onCall(agent))
    return Error(Errc::InvalidState, "busy: cannot go offline during a call");
  if (c.chats.holdsChats(agent)) return Error(Errc::InvalidState, "chats in progress: end or transfer them first");
  if (Session* ringing = agent.offering.empty() ? nullptr : c.sessions.find(agent.offering)) {
    if (ringing->type == SessionType::Internal) {
      c.calls.end(*ringing,
                  EndSpec{EndStatus::UserReject, HungUpSide::Seat, EndReason::Hangup, CloseBy::Seat,
                          EndStatus::UserReject, agent.idx},
                  nowMs);
    } else {
      c.callRouting.withdrawOffer(*ringing, EndReason::Hangup, CloseBy::Seat, EndStatus::SeatGiveUp, nowMs);
      set(agent, AgentStatus::Offline, StatusReason::Request, "", nowMs);
      c.callRouting.requeueOrEnd(*ringing, CloseBy::Admin, nowMs);
      return Json::object();
    }
  }
  set(agent, AgentStatus::Offline, StatusReason::Request, "", nowMs);
  return Json::object();
}

Json AgentStatusTracker::metrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds,
                                 std::int64_t nowMs) const {
  Json rows = Json::array();
  auto row = [&](const Agent& a) {
    auto d = a.durations;
    d[slot(a.status)] += std::max<std::int64_t>(0, nowMs - a.statusSinceMs);
    const std::int64_t online = d[slot(AgentStatus::Free)] + d[slot(AgentStatus::Busy)] +
                                d[slot(AgentStatus::Arrange)] + d[slot(AgentStatus::NotReady)] +
                                d[slot(AgentStatus::Rest)];
    // The cloud's names: afterCallWork, not arrange.
    std::string status = a.status == AgentStatus::Arrange ? "afterCallWork" : std::string(toString(a.status));
    Json extra{{"Type", "tel"}, {"Direct", "callin"}};
    for (auto& v : a.views) {
      if (v.ended) continue;
      const std::string type(toString(v.type));
      extra["Type"] = type == "phone" || type == "internal" ? "tel" : type;
      extra["Direct"] = v.outgoing ? "callout" : "callin";
    }
    rows.push_back(Json{{"Email", a.staff.userId},
                        {"Status", status},
                        {"StatusExtra", extra},
                        {"OnlineDuration", online / 1000},
                        {"FreeDuration", d[slot(AgentStatus::Free)] / 1000},
                        {"BusyDuration", d[slot(AgentStatus::Busy)] / 1000},
                        {"NotReadyDuration", d[slot(AgentStatus::NotReady)] / 1000},
                        {"RestDuration", d[slot(AgentStatus::Rest)] / 1000},
                        {"AfterCallWorkDuration", d[slot(AgentStatus::Arrange)] / 1000},
                        {"Reason", a.restReason},
                        {"ReserveRest", false},
                        {"ReserveNotReady", false},
                        {"UseMobileAccept", 0},
                        {"UseMobileCallOut", false},
                        {"LastOnlineTimestamp", seconds(a.lastOnlineMs)},
                        {"LastStatusTimestamp", seconds(a.statusSinceMs)},
                        {"ClientInfo", Json::array()}});
  };
  if (userIds.empty()) {
    for (auto& a : c.agents.all())
      if (a->sdkAppId == sdkAppId && !a->removed) row(*a);
  } else {
    for (auto& u : userIds)
      if (Agent* a = c.agents.find(sdkAppId, u)) row(*a);
  }
  return rows;
}

}  // namespace tccc::server::routing
