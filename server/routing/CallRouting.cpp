// SPDX-License-Identifier: Apache-2.0
#include "routing/CallRouting.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/AgentStatusTracker.hpp"
#include "routing/CallControl.hpp"
#include "routing/Ivr.hpp"
#include "routing/MediaAnchor.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SessionViews.hpp"
#include "routing/SupervisorDesk.hpp"
#include "routing/TenantDirectory.hpp"

namespace tccc::server::routing {

namespace {
constexpr int kDefaultRingTimeoutSec = 30;

EndSpec refusedWith(EndStatus status) {
  return EndSpec{status, HungUpSide::User, EndReason::Failed, CloseBy::Admin, {}, {}};
}
}  // namespace

void CallRouting::arrive(Session& session, const ServiceNumberInfo& number, std::int64_t nowMs) {
  session.serviceNumber = number.number;
  session.callee = number.number;
  // Journaled first: whatever happens next (IVR, queue, ringing) the call is live from here on.
  c.calls.journal(session);
  if (!number.ivrOptions.empty()) {
    c.ivr.start(session, number, nowMs);
    return;
  }
  if (!number.defaultSkillGroupId) {
    c.calls.end(session, refusedWith(EndStatus::Error), nowMs);
    return;
  }
  enqueue(session, number.defaultSkillGroupId, nowMs, true);
}

void CallRouting::enqueue(Session& session, std::int64_t skillGroupId, std::int64_t nowMs, bool first) {
  SkillGroupBook* book = c.acd.group(session.sdkAppId, skillGroupId);
  if (!book) {
    // admit() refuses it the same way; refused here, `book` is visibly non-null below (clang-tidy's
    // analyzer could not see that admit() looks up the same book).
    c.calls.end(session, refusedWith(EndStatus::Error), nowMs);
    return;
  }
  std::int64_t giveUpAt = 0;
  if (auto refused =
          admit(session, skillGroupId, book->calls.size(), first, EndStatus::WaitingGiveUp, nowMs, giveUpAt)) {
    c.calls.end(session, *refused, nowMs);
    return;
  }
  book->calls.insert(session.queueKey);
  c.supervisors.queueChanged(session.sdkAppId, nowMs);
  c.calls.armTimer(session, giveUpAt);
  c.calls.tellCustomer(session, CustomerState::Queued);  // tryOffer may move it on to "ringing" at once
  tryOffer(session, nowMs);
}

void CallRouting::dequeue(Session& session) {
  if (!session.inQueue) return;
  if (SkillGroupBook* book = c.acd.group(session.sdkAppId, session.skillGroupId)) book->calls.erase(session.queueKey);
  session.inQueue = false;
}

bool CallRouting::tryOffer(Session& session, std::int64_t nowMs) {
  SkillGroupBook* book = c.acd.group(session.sdkAppId, session.skillGroupId);
  if (!book || book->available.empty()) return false;
  Agent* pick = nullptr;
  for (auto& [idle, idx] : book->available)
    if (!session.tried.count(idx)) {
      pick = &c.agents.at(idx);
      break;
    }
  // Everybody online has had a go: start another round with the longest idle agent.
  if (!pick && static_cast<int>(session.tried.size()) >= book->online) {
    session.tried.clear();
    pick = &c.agents.at(book->available.begin()->second);
  }
  if (!pick) return false;
  offerTo(session, *pick, nowMs);
  return true;
}

void CallRouting::agentAvailable(Agent& agent, std::int64_t nowMs) {
  // The freed agent takes the best waiting call of its groups: higher group priority first, then the
  // one that has waited longest.
  Session* best = nullptr;
  int bestPriority = 0;
  for (auto gid : agent.groups) {
    SkillGroupBook* book = c.acd.group(agent.sdkAppId, gid);
    if (!book || book->calls.empty()) continue;
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, gid);
    int priority = info ? info->priority : 0;
    std::size_t scanned = 0;
    for (auto& key : book->calls) {
      if (++scanned > kQueueScan) break;
      Session* s = c.sessions.bySerial(key.second);
      if (!s) continue;
      if (s->tried.count(agent.idx) && static_cast<int>(s->tried.size()) < book->online) continue;
      if (!best || priority > bestPriority || (priority == bestPriority && s->queueKey < best->queueKey)) {
        best = s;
        bestPriority = priority;
      }
      break;
    }
  }
  if (!best) return;
  if (best->tried.count(agent.idx)) best->tried.clear();
  offerTo(*best, agent, nowMs);
}

void CallRouting::offerTo(Session& session, Agent& agent, std::int64_t nowMs) {
  dequeue(session);
  const std::int64_t ringEnd = startRinging(session, agent, nowMs);
  agent.offering = session.id;
  c.status.refreshAvailability(agent, nowMs);
  c.views.update(agent, session, SessionState::Ringing, nowMs);
  c.calls.tellCustomer(session, CustomerState::Ringing);
  c.calls.armTimer(session, ringEnd);
  c.media.agentRinging(session, agent);  // after the ringing view: the SDK knows the call it is for
}

void CallRouting::withdrawOffer(Session& session, EndReason endReason, CloseBy closeBy, EndStatus legStatus,
                                std::int64_t nowMs) {
  Agent* agent = endOffer(session, endReason, closeBy, legStatus, nowMs);
  if (!agent) return;
  agent->offering.clear();
  c.status.refreshAvailability(*agent, nowMs);
}

void CallRouting::requeueOrEnd(Session& session, CloseBy closeByIfEnded, std::int64_t nowMs) {
  if (session.skillGroupId)
    enqueue(session, session.skillGroupId, nowMs, false);
  else
    c.calls.end(session, EndSpec{EndStatus::Unconnected, HungUpSide::Seat, EndReason::Failed, closeByIfEnded, {}, {}},
                nowMs);
}

void CallRouting::ringTimedOut(Session& session, std::int64_t nowMs) {
  withdrawOffer(session, EndReason::RingTimeout, CloseBy::Timer, EndStatus::NotAnswer, nowMs);
  requeueOrEnd(session, CloseBy::Timer, nowMs);
}

std::optional<EndSpec> CallRouting::admit(Session& session, std::int64_t skillGroupId, std::size_t waiting, bool first,
                                          EndStatus waitedTooLong, std::int64_t nowMs, std::int64_t& giveUpAt) {
  const SkillGroupBook* book = c.acd.group(session.sdkAppId, skillGroupId);
  const SkillGroupInfo* info = c.tenants.group(session.sdkAppId, skillGroupId);
  if (!book || !info) return refusedWith(EndStatus::Error);
  session.skillGroupId = skillGroupId;
  session.skillGroupName = info->name;
  if (first) {
    session.queuedMs = session.waitStartMs = nowMs;
    session.queueKey = {nowMs, session.serial};
    if (!session.queuedSkillGroupId) {  // the CDR names the first group it queued for
      session.queuedSkillGroupId = skillGroupId;
      session.queuedSkillGroupName = info->name;
      c.supervisors.callQueued(session, nowMs);
    }
  }
  if (book->online == 0) return refusedWith(EndStatus::NoSeatOnline);
  if (first && static_cast<int>(waiting) >= info->maxQueueLength) return refusedWith(waitedTooLong);
  giveUpAt = session.waitStartMs + info->maxWaitSec * 1000LL;
  if (nowMs >= giveUpAt) return refusedWith(waitedTooLong);
  session.phase = SessionPhase::Queued;
  session.inQueue = true;
  return std::nullopt;
}

std::int64_t CallRouting::startRinging(Session& session, Agent& agent, std::int64_t nowMs) {
  session.phase = SessionPhase::Offering;
  session.offered = agent.idx;
  session.ringMs = nowMs;
  Participant& leg = session.addLeg(agent.idx, nowMs);
  leg.skillGroupId = session.skillGroupId;
  leg.transferFrom = session.pendingTransferFrom;
  session.pendingTransferFrom.clear();
  int ringSec = kDefaultRingTimeoutSec;
  if (const SkillGroupInfo* info =
          session.skillGroupId ? c.tenants.group(session.sdkAppId, session.skillGroupId) : nullptr)
    ringSec = info->ringTimeoutSec;
  if (c.options.ringTimeoutOverrideSec > 0) ringSec = c.options.ringTimeoutOverrideSec;
  return nowMs + ringSec * 1000LL;
}

Agent* CallRouting::endOffer(Session& session, EndReason endReason, CloseBy closeBy, EndStatus legStatus,
                             std::int64_t nowMs) {
  if (!session.offered) return nullptr;
  Agent& agent = c.agents.at(*session.offered);
  session.offered.reset();
  c.media.ringEnded(session);
  session.tried.insert(agent.idx);  // not offered to this agent again
  if (Participant* leg = session.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = legStatus;
  }
  c.views.update(agent, session, SessionState::Ended, nowMs,
                 Json{{"endReason", toString(endReason)}, {"closeBy", toString(closeBy)}});
  session.phase = SessionPhase::Queued;  // not in the queue yet: the caller decides what happens next
  return &agent;
}

}  // namespace tccc::server::routing
