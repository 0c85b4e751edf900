// SPDX-License-Identifier: Apache-2.0
#include "routing/AgentLifecycle.hpp"

#include "routing/MediaAnchor.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/AgentStatusTracker.hpp"
#include "routing/CallControl.hpp"
#include "routing/CallRouting.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/FarEnd.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SessionViews.hpp"
#include "routing/TenantDirectory.hpp"

#include "random/SecureRandom.hpp"

#include <unordered_map>

namespace tccc::server::routing {

namespace {
constexpr int kCloseNormal = 1000;
constexpr int kCloseKicked = 4003;  // docs/protocol.md: the client does not reconnect

// Resume tokens are credentials: from the OS generator, not from the engine's seeded one.
std::string newResumeToken() { return "r-" + SecureRandom::hex(32); }
}  // namespace

Agent& AgentLifecycle::ensure(const StaffInfo& staff) {
  Agent& agent = c.agents.ensure(staff);
  c.acd.setGroups(agent, staff.skillGroupIds);
  return agent;
}

Result AgentLifecycle::login(ConnectionId conn, const Json& data, std::int64_t nowMs) {
  if (c.agents.onConnection(conn)) return Error(Errc::InvalidState, "this connection is already logged in");
  const std::int64_t sdkAppId = data["sdkAppId"].get<std::int64_t>();
  const std::string userId = data["userId"].get<std::string>();
  const std::string token = data.value("token", "");
  const std::string resume = data.value("resumeToken", "");
  if (token.empty() && resume.empty()) return Error(Errc::InvalidArgument, "token or resumeToken is required");
  // The credential is checked before the directory is asked about the agent: an unauthenticated
  // caller gets the same answer for an agent that exists and one that does not, so the login
  // cannot be used to list a tenant's agents (or to learn which apps exist).
  Agent* existing = c.agents.find(sdkAppId, userId);
  if (!resume.empty()) {
    const bool current = existing && !existing->resumeToken.empty() && existing->resumeToken == resume;
    // One this process did not issue: kept from before a restart, if it is the agent's latest.
    const bool kept = !current && (!existing || existing->resumeToken.empty()) &&
                      c.directory.keptResumeToken(sdkAppId, userId, resume, nowMs);
    if (!current && !kept) return Error(Errc::HttpTokenError, "the resume token is stale: log in with a new token");
  } else if (Error refused = c.directory.verifyLoginToken(sdkAppId, userId, token, nowMs / 1000)) {
    return refused;
  }
  auto staff = c.directory.findStaff(sdkAppId, userId);
  if (!staff) return Error(Errc::HttpTokenError, "the agent no longer exists: log in again");
  Agent& agent = ensure(*staff);
  if (agent.conn && agent.conn != conn) {
    c.agents.notify(agent, "agent.kicked", Json{{"reason", toString(protocol::KickReason::LoggedInElsewhere)}});
    c.out.close(agent.conn, kCloseKicked, "logged in elsewhere");
    c.agents.detach(agent.conn);
  }
  c.agents.attach(agent, conn);
  ++agent.graceGen;  // cancels a pending grace expiry
  agent.resumeToken = newResumeToken();
  c.directory.keepResumeToken(sdkAppId, userId, agent.resumeToken, nowMs);
  // The snapshot is taken after the login's own change (offline -> free) and carries that event's
  // seq, so a client is accurate the moment it is ready (getStatus() in a ready handler says
  // "free"); the event itself still goes out and the client drops it as already seen.
  if (agent.status == AgentStatus::Offline)
    c.status.set(agent, AgentStatus::Free, StatusReason::Login, "", nowMs);
  else
    c.status.refreshAvailability(agent, nowMs);
  mediaConnection(agent, true);  // calls it is still on get a fresh offer (after the response)
  return c.views.snapshot(agent, nowMs);
}

void AgentLifecycle::logout(Agent& agent, ConnectionId conn, std::int64_t nowMs) {
  // An explicit goodbye (the SDK's destroy()): no grace period. The agent goes offline now, and the
  // grace expiry runs at once to move its ringing offer on and end calls it was still on.
  c.agents.detach(conn);
  dropResumeToken(agent);
  c.status.set(agent, AgentStatus::Offline, StatusReason::Logout, "", nowMs);
  ++agent.graceGen;
  c.timers.arm(nowMs, *this, agent.idx, agent.graceGen);
  c.out.close(conn, kCloseNormal, "logged out");
}

void AgentLifecycle::disconnected(Agent& agent, ConnectionId conn, std::int64_t nowMs) {
  c.agents.detach(conn);
  mediaConnection(agent, false);  // its peer connections are gone with the page
  c.status.refreshAvailability(agent, nowMs);
  if (agent.status != AgentStatus::Offline) {
    ++agent.graceGen;
    c.timers.arm(nowMs + c.options.graceMs, *this, agent.idx, agent.graceGen);
  }
}

void AgentLifecycle::onTimer(std::uint64_t agentIdx, std::uint64_t gen, std::int64_t nowMs) {
  if (!c.agents.has(static_cast<AgentIdx>(agentIdx))) return;
  Agent& agent = c.agents.at(static_cast<AgentIdx>(agentIdx));
  if (agent.graceGen != gen || agent.conn != 0) return;
  expire(agent, nowMs);
}

void AgentLifecycle::expire(Agent& agent, std::int64_t nowMs) {
  // The agent did not come back: it goes offline, its ringing offer moves on and calls it was
  // still on are ended (the customer cannot be left talking to nobody). Offline first, so the
  // offer is not queued behind an agent who is gone.
  c.status.set(agent, AgentStatus::Offline, StatusReason::Admin, "", nowMs);
  c.chats.agentGone(agent, nowMs);  // its chats go back to their group
  if (Session* ringing = agent.offering.empty() ? nullptr : c.sessions.find(agent.offering)) {
    if (ringing->type == SessionType::Internal) {
      c.calls.end(
          *ringing,
          EndSpec{EndStatus::NotAnswer, HungUpSide::Seat, EndReason::Failed, CloseBy::Timer, EndStatus::NotAnswer, {}},
          nowMs);
    } else {
      c.callRouting.withdrawOffer(*ringing, EndReason::RingTimeout, CloseBy::Timer, EndStatus::SeatGiveUp, nowMs);
      c.callRouting.requeueOrEnd(*ringing, CloseBy::Admin, nowMs);
    }
  }
  std::vector<Session*> live;
  for (auto& v : agent.views) {
    if (v.ended) continue;
    Session* s = c.sessions.find(v.sessionId);
    if (s && !s->ended() && !s->isChat()) live.push_back(s);
  }
  for (Session* s : live)
    c.calls.end(*s, EndSpec{EndStatus::Error, HungUpSide::Seat, EndReason::Failed, CloseBy::Admin, {}, {}}, nowMs);
}

void AgentLifecycle::staffChanged(std::int64_t sdkAppId, std::int64_t nowMs) {
  // One listing instead of one lookup per logged-in agent: a tenant with thousands of agents
  // must not stall the event loop on every staff edit.
  std::unordered_map<std::string, StaffInfo> current;
  for (auto& s : c.directory.listStaff(sdkAppId)) current.emplace(s.userId, std::move(s));
  for (auto& entry : c.agents.all()) {
    Agent& agent = *entry;
    if (agent.sdkAppId != sdkAppId || agent.removed) continue;
    auto found = current.find(agent.staff.userId);
    if (found == current.end()) {
      // Deleted staff: out it goes, like a kick.
      if (agent.conn) {
        c.agents.notify(agent, "agent.kicked", Json{{"reason", toString(protocol::KickReason::StaffRemoved)}});
        c.out.close(agent.conn, kCloseKicked, "staff removed");
        c.agents.detach(agent.conn);
      }
      ++agent.graceGen;
      c.timers.arm(nowMs, *this, agent.idx, agent.graceGen);
      dropResumeToken(agent);
      agent.removed = true;
      continue;
    }
    agent.staff = found->second;
    c.acd.setGroups(agent, found->second.skillGroupIds);
  }
}

void AgentLifecycle::kick(Agent& agent, protocol::KickReason reason, std::int64_t nowMs) {
  if (agent.conn) {
    c.agents.notify(agent, "agent.kicked", Json{{"reason", toString(reason)}});
    c.out.close(agent.conn, kCloseKicked, std::string(toString(reason)));
    c.agents.detach(agent.conn);
  }
  dropResumeToken(agent);
  c.status.set(agent, AgentStatus::Offline, StatusReason::Admin, "", nowMs);
  ++agent.graceGen;
  c.timers.arm(nowMs, *this, agent.idx, agent.graceGen);
}

void AgentLifecycle::dropResumeToken(Agent& agent) {
  agent.resumeToken.clear();
  c.directory.dropResumeToken(agent.sdkAppId, agent.staff.userId);
}

Agent& AgentLifecycle::holdForReturn(const StaffInfo& staff, std::int64_t nowMs) {
  Agent& agent = ensure(staff);
  if (!agent.conn) {
    ++agent.graceGen;
    c.timers.arm(nowMs + c.options.graceMs, *this, agent.idx, agent.graceGen);
  }
  return agent;
}

void AgentLifecycle::mediaConnection(Agent& agent, bool up) {
  for (const auto& v : agent.views) {
    Session* s = c.sessions.find(v.sessionId);
    if (!s || !s->agent || *s->agent != agent.idx) continue;
    if (s->farEnd) s->farEnd->agentConnection(*s, up);
    c.media.agentConnection(*s, up);
  }
}

}  // namespace tccc::server::routing
