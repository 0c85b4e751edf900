// SPDX-License-Identifier: Apache-2.0
#include "routing/CallControl.hpp"
#include "routing/CallMonitor.hpp"

#include "routing/MediaAnchor.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/AgentStatusTracker.hpp"
#include "routing/CallRouting.hpp"
#include "routing/CdrBuilder.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/Ivr.hpp"
#include "routing/JsonObject.hpp"
#include "routing/Outbox.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SessionViews.hpp"
#include "routing/SupervisorDesk.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>

namespace tccc::server::routing {

namespace {

constexpr std::string_view kTelGroupType = "tel";

/// The far end of a number nobody reaches: it rings until the engine gives up (notAnswer).
class UnreachableNumber final : public FarEnd {
 public:
  bool reaches(std::string_view) const override { return true; }
  void dial(Session&, std::int64_t) override {}
  void customerState(Session&, const Json&) override {}
  Result agentMedia(Session&, std::string_view, Json) override {
    return Error(Errc::InvalidState, "the other side of this call has no media connection");
  }
};

EndSpec endSpec(EndStatus status, HungUpSide side, EndReason reason, CloseBy closeBy,
                std::optional<EndStatus> mainReason = std::nullopt, std::optional<AgentIdx> actor = std::nullopt) {
  return EndSpec{status, side, reason, closeBy, mainReason, actor};
}

std::int64_t groupIdOf(const Json& data) {
  std::string text = data.value("skillGroupId", "");  // a positive decimal: validated
  return text.empty() ? 0 : std::stoll(text);
}

}  // namespace

CallControl::CallControl(RoutingContext& c) : c(c), mUnreachable(std::make_unique<UnreachableNumber>()) {}
CallControl::~CallControl() = default;

Session* CallControl::owned(Agent& agent, const Json& data, Error& error) const {
  const std::string& id = data["sessionId"].get_ref<const std::string&>();
  if (!agent.view(id)) {
    error = Error(Errc::SessionNotFound, "no session " + id);
    return nullptr;
  }
  return c.sessions.find(id);
}

void CallControl::armTimer(Session& session, std::int64_t atMs) {
  ++session.timerGen;
  c.timers.arm(atMs, *this, session.serial, session.timerGen);
}

void CallControl::tellCustomer(Session& session, CustomerState state, std::optional<EndStatus> reason) {
  Json d = JsonObject().add("sessionId", session.id).add("state", toString(state)).take();
  if (reason) d["reason"] = toString(*reason);
  if (state == CustomerState::Ringing && session.direction == Direction::Out) d["caller"] = session.caller;
  if (c.media.anchors(session)) d["mediaAnchored"] = true;
  session.history.push_back(d);
  if (session.farEnd) session.farEnd->customerState(session, d);
}

bool CallControl::takesCallsNow(const Agent& agent) const {
  // notReady agents still take internal calls and transfers (tccc-facts.md §3.3).
  return agent.conn != 0 && (agent.status == AgentStatus::Free || agent.status == AgentStatus::NotReady) &&
         agent.offering.empty() && !c.status.onCall(agent);
}

// --- placing calls --------------------------------------------------------------------------------

Result CallControl::startOutbound(Agent& agent, const Json& data, std::int64_t nowMs) {
  const std::string phone = data["phoneNumber"].get<std::string>();
  const std::string callerNumber = data.value("callerPhoneNumber", "");
  const std::int64_t gid = groupIdOf(data);
  if (agent.status == AgentStatus::Offline) return Error(Errc::InvalidState, "offline: cannot place a call");
  if (agent.status == AgentStatus::Busy || c.status.onCall(agent))
    return Error(Errc::InvalidState, "busy: cannot place a call during another call");
  if (!agent.offering.empty()) return Error(Errc::InvalidState, "a call is ringing: answer or reject it first");
  if (gid && std::find(agent.groups.begin(), agent.groups.end(), gid) == agent.groups.end())
    return Error(Errc::NotFound, "skill group " + std::to_string(gid) + " is not one of this agent's");

  // Caller number: the one asked for (it must be the tenant's), else one bound to the agent's
  // groups, else the tenant's first.
  const auto& numbers = c.tenants.callerNumbers(agent.sdkAppId);
  const CallerNumberInfo* chosen = nullptr;
  if (!callerNumber.empty()) {
    for (auto& n : numbers)
      if (n.number == callerNumber) chosen = &n;
    if (!chosen)
      return Error(Errc::NotFound, "callerPhoneNumber " + callerNumber + " is not an outbound number of this app");
  } else {
    for (auto& n : numbers) {
      for (auto g : n.skillGroupIds)
        if (std::find(agent.groups.begin(), agent.groups.end(), g) != agent.groups.end()) chosen = &n;
      if (chosen) break;
    }
    if (!chosen && !numbers.empty()) chosen = &numbers.front();
    if (!chosen) return Error(Errc::NotFound, "no outbound caller number is configured for this app");
  }
  // QueuedSkillGroupId rule (tccc-facts.md §3.2): the agent's only phone group; else the number's
  // group; else the agent's first phone group.
  std::int64_t queued = gid;
  if (!queued) {
    std::vector<std::int64_t> tel;
    for (auto g : agent.groups) {
      const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, g);
      if (info && (info->type == kTelGroupType || info->type.empty())) tel.push_back(g);
    }
    if (tel.size() == 1)
      queued = tel.front();
    else if (!chosen->skillGroupIds.empty())
      queued = chosen->skillGroupIds.front();
    else if (!tel.empty())
      queued = tel.front();
  }

  Session& s = c.sessions.create(agent.sdkAppId, SessionType::Phone, Direction::Out, nowMs);
  s.caller = chosen->number;
  s.callee = phone;
  s.uui = data.value("uui", "");
  s.remark = data.value("phoneDesc", "");
  s.agent = agent.idx;
  s.phase = SessionPhase::Dialing;
  s.ringMs = nowMs;
  if (const SkillGroupInfo* info = queued ? c.tenants.group(agent.sdkAppId, queued) : nullptr) {
    s.skillGroupId = s.queuedSkillGroupId = queued;
    s.skillGroupName = s.queuedSkillGroupName = info->name;
  }
  s.addLeg(agent.idx, nowMs).skillGroupId = s.skillGroupId;
  c.views.update(agent, s, SessionState::Dialing, nowMs);
  c.status.set(agent, AgentStatus::Busy, StatusReason::CallStarted, "", nowMs);
  // The far end: the first route that reaches the number (the simulator's test numbers, a callee
  // page), else nobody. Whoever it is answers, refuses, or lets it ring out.
  s.farEnd = mUnreachable.get();
  for (FarEnd* route : mOutboundRoutes)
    if (route->reaches(s.callee)) {
      s.farEnd = route;
      break;
    }
  armTimer(s, nowMs + c.options.outboundNoAnswerSec * 1000LL);
  journal(s);  // before dialling: a far end that answers at once journals the answer after it
  s.farEnd->dial(s, nowMs);
  return Json{{"sessionId", s.id},
              {"calleePhoneNumber", s.callee},
              {"callerPhoneNumber", s.caller},
              {"serverType", toString(protocol::ServerType::StaffSeat)},
              {"calleeLocation", ""},
              {"remark", s.remark}};
}

Result CallControl::startInternal(Agent& agent, const Json& data, std::int64_t nowMs) {
  const std::string callee = data["calleeUserId"].get<std::string>();
  if (data.value("useMobile", false)) return Error(Errc::NotSupported, "useMobile: this server has no mobile seats");
  if (agent.status == AgentStatus::Offline) return Error(Errc::InvalidState, "offline: cannot place a call");
  if (agent.status == AgentStatus::Busy || c.status.onCall(agent))
    return Error(Errc::InvalidState, "busy: cannot place a call during another call");
  if (!agent.offering.empty()) return Error(Errc::InvalidState, "a call is ringing: answer or reject it first");
  if (!c.directory.findStaff(agent.sdkAppId, callee)) return Error(Errc::NotFound, "no agent " + callee);
  Agent* peer = c.agents.find(agent.sdkAppId, callee);
  if (!peer || !takesCallsNow(*peer)) return Error(Errc::PeerUnavailable, callee + " cannot take a call now");

  Session& s = c.sessions.create(agent.sdkAppId, SessionType::Internal, Direction::Out, nowMs);
  s.caller = agent.staff.userId;
  s.callee = callee;
  s.agent = agent.idx;
  s.phase = SessionPhase::Dialing;
  s.ringMs = nowMs;
  s.addLeg(agent.idx, nowMs);
  c.views.update(agent, s, SessionState::Dialing, nowMs);
  c.status.set(agent, AgentStatus::Busy, StatusReason::CallStarted, "", nowMs);
  s.offered = peer->idx;
  peer->offering = s.id;
  c.status.refreshAvailability(*peer, nowMs);
  s.addLeg(peer->idx, nowMs);
  c.views.update(*peer, s, SessionState::Ringing, nowMs);
  armTimer(s, nowMs + c.options.internalRingTimeoutSec * 1000LL);
  journal(s);
  return Json{{"sessionId", s.id}};
}

// --- answering and connecting ---------------------------------------------------------------------

Result CallControl::accept(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (s && s->isChat()) return c.chats.accept(agent, *s, nowMs);
  if (!s || s->ended() || !s->offered || *s->offered != agent.idx)
    return Error(Errc::InvalidState, "the session is not ringing at this agent");
  s->offered.reset();
  agent.offering.clear();
  if (Participant* leg = s->openLeg(agent.idx)) leg->acceptMs = nowMs;
  if (s->type == SessionType::Internal) {
    s->peer = agent.idx;
    s->phase = SessionPhase::Connected;
    if (!s->acceptMs) s->acceptMs = nowMs;
    ++s->timerGen;
    c.media.agentJoined(*s);  // first: the media connection is the slow part of answering
    if (SessionView* v = agent.view(s->id)) v->acceptMs = nowMs;
    c.views.update(agent, *s, SessionState::Talking, nowMs);
    c.status.set(agent, AgentStatus::Busy, StatusReason::CallStarted, "", nowMs);
    if (s->agent) {
      Agent& caller = c.agents.at(*s->agent);
      if (SessionView* v = caller.view(s->id)) v->acceptMs = nowMs;
      c.views.update(caller, *s, SessionState::Talking, nowMs);
    }
    journal(*s);
    return Json::object();
  }
  s->agent = agent.idx;
  s->ringMs = s->ringMs ? s->ringMs : nowMs;
  connect(*s, nowMs);
  return Json::object();
}

void CallControl::connect(Session& s, std::int64_t nowMs) {
  Agent& agent = c.agents.at(*s.agent);
  s.phase = SessionPhase::Connected;
  s.held = false;
  if (!s.acceptMs) {
    s.acceptMs = nowMs;
    c.supervisors.callAnswered(s, nowMs);
  }
  if (SessionView* v = agent.view(s.id)) v->acceptMs = nowMs;
  ++s.timerGen;
  // First: the agent's media connection is the slow part of answering, and the server's offer goes
  // out ahead of the updates below (ContactCenter::flush).
  c.media.agentJoined(s);
  c.views.update(agent, s, SessionState::Talking, nowMs);
  if (agent.status != AgentStatus::Busy) c.status.set(agent, AgentStatus::Busy, StatusReason::CallStarted, "", nowMs);
  tellCustomer(s, CustomerState::Connected);
  if (s.farEnd) s.farEnd->agentJoined(s, nowMs);
  journal(s);
}

void CallControl::journal(const Session& s) {
  if (s.ended() || s.isChat()) return;
  c.out.journalLiveCall(s.sdkAppId, c.cdrs.phoneCdr(s));
}

// --- hanging up, transferring ---------------------------------------------------------------------

Result CallControl::hangUp(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (s && s->isChat()) return c.chats.hangUp(agent, *s, nowMs);
  SessionView* v = agent.view(data["sessionId"].get_ref<const std::string&>());
  if (!s || s->ended() || (v && v->ended)) return Json::object();  // idempotent
  if (s->offered && *s->offered == agent.idx) {
    if (s->type == SessionType::Internal) {
      end(*s,
          endSpec(EndStatus::UserReject, HungUpSide::Seat, EndReason::Hangup, CloseBy::Seat, EndStatus::UserReject,
                  agent.idx),
          nowMs);
      return Json::object();
    }
    // Rejecting a ringing call hands it to the next agent (tccc.Call.end).
    c.callRouting.withdrawOffer(*s, EndReason::Hangup, CloseBy::Seat, EndStatus::SeatGiveUp, nowMs);
    c.callRouting.requeueOrEnd(*s, CloseBy::Admin, nowMs);
    return Json::object();
  }
  if (!s->hasParty(agent.idx)) return Json::object();
  const EndStatus status = s->phase == SessionPhase::Dialing ? EndStatus::CallerCancel : EndStatus::Ok;
  end(*s, endSpec(status, HungUpSide::Seat, EndReason::Hangup, CloseBy::Seat, std::nullopt, agent.idx), nowMs);
  return Json::object();
}

Result CallControl::transfer(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (s && s->isChat()) return c.chats.transfer(agent, *s, data, nowMs);
  const std::int64_t gid = groupIdOf(data);  // exactly one of the two: validated
  const std::string userId = data.value("userId", "");
  if (!s || s->phase != SessionPhase::Connected || !s->agent || *s->agent != agent.idx)
    return Error(Errc::InvalidState, "only a connected call can be transferred");
  if (s->type == SessionType::Internal) return Error(Errc::NotSupported, "internal calls cannot be transferred");
  Json transferTo;
  Agent* target = nullptr;
  if (gid) {
    const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, gid);
    if (!info) return Error(Errc::NotFound, "no skill group " + std::to_string(gid));
    if (c.acd.group(agent.sdkAppId, gid)->online == 0)
      return Error(Errc::PeerUnavailable, "nobody is online in skill group " + info->name);
    transferTo = Json{{"skillGroupId", std::to_string(gid)}};
  } else {
    if (!c.directory.findStaff(agent.sdkAppId, userId)) return Error(Errc::NotFound, "no agent " + userId);
    target = c.agents.find(agent.sdkAppId, userId);
    if (!target || !takesCallsNow(*target)) return Error(Errc::PeerUnavailable, userId + " cannot take a call now");
    transferTo = Json{{"userId", userId}};
  }
  // The old agent's leg ends with endReason transfer; the call itself goes on.
  if (Participant* leg = s->openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = EndStatus::SeatForward;
    leg->transferTo = gid ? std::to_string(gid) : userId;
    leg->transferToType = gid ? protocol::TransferTargetType::SkillGroup : protocol::TransferTargetType::Seat;
  }
  s->agent.reset();
  s->held = false;
  if (s->farEnd) s->farEnd->agentLeft(*s);  // the next agent gets a media leg of its own when it accepts
  c.media.agentLeft(*s);
  c.views.update(agent, *s, SessionState::Ended, nowMs,
                 Json{{"endReason", toString(EndReason::Transfer)},
                      {"closeBy", toString(CloseBy::Seat)},
                      {"transferTo", transferTo}});
  c.status.callEnded(agent, *s, nowMs);
  s->pendingTransferFrom = agent.staff.userId;
  s->tried.clear();
  if (gid) {
    if (const SkillGroupInfo* info = c.tenants.group(agent.sdkAppId, gid)) s->skillGroupName = info->name;
    s->skillGroupId = gid;
    s->waitStartMs = nowMs;
    s->queueKey = {nowMs, s->serial};
    c.callRouting.enqueue(*s, gid, nowMs, false);
  } else {
    c.callRouting.offerTo(*s, *target, nowMs);
  }
  return Json::object();
}

// --- during the call ------------------------------------------------------------------------------

Result CallControl::hold(Agent& agent, const Json& data, bool hold, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (!s || !s->hasParty(agent.idx) || s->phase != SessionPhase::Connected)
    return Error(Errc::InvalidState, "only a connected call can be held or resumed");
  if (s->held == hold) return Error(Errc::InvalidState, hold ? "the call is already held" : "the call is not held");
  s->held = hold;
  if (s->farEnd) s->farEnd->holdChanged(*s);
  c.media.holdChanged(*s);
  const SessionState state = hold ? SessionState::Held : SessionState::Talking;
  if (s->agent) c.views.update(c.agents.at(*s->agent), *s, state, nowMs);
  if (s->peer) c.views.update(c.agents.at(*s->peer), *s, state, nowMs);
  tellCustomer(*s, hold ? CustomerState::Held : CustomerState::Connected);
  return Json::object();
}

Result CallControl::mute(Agent& agent, const Json& data, bool mute, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  const bool video = data.value("kind", "audio") == toString(protocol::MediaKind::Video);
  if (!s || !s->hasParty(agent.idx) || (s->phase != SessionPhase::Connected && s->phase != SessionPhase::Dialing))
    return Error(Errc::InvalidState, "only a call in progress can be muted");
  bool& flag = video ? s->videoMuted : s->muted;
  if (flag == mute) return Json::object();
  flag = mute;
  c.views.refresh(agent, *s, nowMs);
  return Json::object();
}

Result CallControl::pauseRecording(Agent& agent, const Json& data, bool pause) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (!s || !s->hasParty(agent.idx) || s->phase != SessionPhase::Connected)
    return Error(Errc::InvalidState, "only a connected call's recording can be paused or resumed");
  if (!c.media.records(*s)) return Error(Errc::NotSupported, "this call's media does not pass through the server");
  if (s->recordingPaused == pause) return Json{{"sessionId", s->id}};  // idempotent
  s->recordingPaused = pause;
  c.media.recordingPaused(*s);
  return Json{{"sessionId", s->id}};
}

Result CallControl::sendDigits(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  const std::string digits = data["digits"].get<std::string>();
  if (!s || !s->agent || *s->agent != agent.idx || s->phase != SessionPhase::Connected || s->held)
    return Error(Errc::InvalidState, "digits can only be sent during a connected call");
  s->digitsToCustomer += digits;
  if (s->farEnd) s->farEnd->digits(*s, digits);
  return Json::object();
}

Result CallControl::media(Agent& agent, std::string_view method, const Json& data) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  Json payload = data;
  payload.erase("sessionId");  // the session's own id goes back in on the other side
  if (s && c.media.anchors(*s)) {
    if (c.media.ringsWithLeg(*s, agent)) return c.media.fromAgent(*s, agent, method, payload);
    if (!s->hasParty(agent.idx)) return Error(Errc::SessionNotFound, "not a party of session " + s->id);
    if (s->phase != SessionPhase::Connected || !s->agent || (s->type == SessionType::Internal && !s->peer))
      return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
    return c.media.fromAgent(*s, agent, method, payload);
  }
  if (s && s->type == SessionType::Internal) return relayInternal(agent, *s, method, std::move(payload));
  // Only the agent on the call, only while it is connected.
  if (!s || !s->agent || *s->agent != agent.idx || s->phase != SessionPhase::Connected)
    return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
  if (!s->farEnd) return Error(Errc::InvalidState, "the other side of this call has no media connection");
  return s->farEnd->agentMedia(*s, method, std::move(payload));
}

Result CallControl::mediaWs(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  if (!s || !s->hasParty(agent.idx))
    return Error(Errc::SessionNotFound, "not a party of session " + data["sessionId"].get<std::string>());
  // The server carries the call's media: an anchored call, or the simulated network's with its leg.
  const bool simulated = s->farEnd == &c.simulator && c.options.serverMedia;
  if (!c.options.anchorMedia || s->isChat() || (!c.media.anchors(*s) && !simulated))
    return Error(Errc::InvalidState, "this call's media does not pass through the server");
  if (s->phase != SessionPhase::Connected || !s->agent)
    return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
  const bool callee = s->type == SessionType::Internal && s->peer && *s->peer == agent.idx;
  if (*s->agent != agent.idx && !callee)
    return Error(Errc::InvalidState, "only an agent on a call can carry its audio over a WebSocket");
  return c.media.webSocketTicket(*s, agent, nowMs);
}

Result CallControl::relayInternal(Agent& agent, Session& s, std::string_view method, Json payload) {
  // Both ends are agents: whichever of the two sends, the other receives. Before the callee has
  // answered there is nobody to negotiate with, so nothing is relayed ahead of time.
  const bool isCaller = s.agent && *s.agent == agent.idx;
  const bool isCallee = s.peer && *s.peer == agent.idx;
  if (!isCaller && !isCallee) return Error(Errc::SessionNotFound, "not a party of session " + s.id);
  if (s.phase != SessionPhase::Connected || !s.agent || !s.peer)
    return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
  payload["sessionId"] = s.id;
  c.agents.notify(c.agents.at(isCaller ? *s.peer : *s.agent), method, payload);
  return Json::object();
}

Result CallControl::chatSend(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  return c.chats.agentSend(agent, s, data["sessionId"].get<std::string>(), data, nowMs);
}

Result CallControl::chatHistory(Agent& agent, const Json& data) {
  Error e;
  Session* s = owned(agent, data, e);
  if (e) return e;
  return c.chats.agentHistory(agent, s, data["sessionId"].get<std::string>(), data);
}

// --- the far end ----------------------------------------------------------------------------------

void CallControl::answered(Session& s, std::int64_t nowMs) {
  if (s.phase == SessionPhase::Dialing && s.agent) connect(s, nowMs);
}

void CallControl::refused(Session& s, EndStatus why, std::int64_t nowMs) {
  if (s.phase != SessionPhase::Dialing) return;
  end(s, endSpec(why, HungUpSide::User, EndReason::Failed, CloseBy::Admin, why), nowMs);
}

void CallControl::hungUp(Session& s, bool deliberately, std::int64_t nowMs) {
  switch (s.phase) {
    case SessionPhase::Ivr:
      end(s, endSpec(EndStatus::IvrGiveUp, HungUpSide::User, EndReason::Hangup, CloseBy::Client), nowMs);
      break;
    case SessionPhase::Queued:
      end(s, endSpec(EndStatus::WaitingGiveUp, HungUpSide::User, EndReason::Hangup, CloseBy::Client), nowMs);
      break;
    case SessionPhase::Offering:
      end(s, endSpec(EndStatus::RingingGiveUp, HungUpSide::User, EndReason::Cancel, CloseBy::Client), nowMs);
      break;
    case SessionPhase::Dialing: {
      // A callee page that hangs up while it rings rejects the call; one that vanishes never answered.
      const EndStatus why = deliberately ? EndStatus::UserReject : EndStatus::NotAnswer;
      end(s, endSpec(why, HungUpSide::User, EndReason::Failed, CloseBy::Admin, why), nowMs);
      break;
    }
    case SessionPhase::Connected:
      end(s, endSpec(EndStatus::Ok, HungUpSide::User, EndReason::Hangup, CloseBy::Client), nowMs);
      break;
    case SessionPhase::Ended:
      break;
  }
}

void CallControl::keysPressed(Session& s, std::string_view keys, std::int64_t nowMs) {
  for (char key : keys) {
    if (s.phase != SessionPhase::Ivr) break;
    c.ivr.key(s, key, nowMs);
  }
}

void CallControl::mediaToAgent(Session& s, std::string_view event, Json payload) {
  // Late output of a leg that has been closed, or for an agent who is gone: dropped.
  if (s.phase != SessionPhase::Connected || !s.agent) return;
  payload["sessionId"] = s.id;
  c.agents.notify(c.agents.at(*s.agent), event, payload);
}

// --- timers and the end ---------------------------------------------------------------------------

void CallControl::onTimer(std::uint64_t serial, std::uint64_t gen, std::int64_t nowMs) {
  Session* s = c.sessions.bySerial(serial);
  if (!s || s->timerGen != gen) return;
  if (s->isChat()) {
    c.chats.onTimer(*s, nowMs);
    return;
  }
  switch (s->phase) {
    case SessionPhase::Ivr:
      c.ivr.key(*s, 0, nowMs);
      break;
    case SessionPhase::Queued:
      end(*s, endSpec(EndStatus::WaitingGiveUp, HungUpSide::User, EndReason::Failed, CloseBy::Admin), nowMs);
      break;
    case SessionPhase::Offering:
      c.callRouting.ringTimedOut(*s, nowMs);
      break;
    case SessionPhase::Dialing:
      // Nobody answered in time: the internal callee, or the far end of an outbound call.
      if (s->type == SessionType::Internal)
        end(*s,
            endSpec(EndStatus::NotAnswer, HungUpSide::Seat, EndReason::Failed, CloseBy::Timer, EndStatus::NotAnswer),
            nowMs);
      else
        refused(*s, EndStatus::NotAnswer, nowMs);
      break;
    case SessionPhase::Connected:
    case SessionPhase::Ended:
      break;
  }
}

Error CallControl::adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs) {
  Session* s = c.sessions.find(sessionId);
  if (!s || s->sdkAppId != sdkAppId || s->ended())
    return Error(Errc::SessionNotFound, "no live session " + std::string(sessionId));
  if (s->isChat()) {
    c.chats.end(*s, endSpec(EndStatus::Ok, HungUpSide::Seat, EndReason::Hangup, CloseBy::Admin), nowMs);
    return Error();
  }
  EndStatus status = EndStatus::Ok;
  switch (s->phase) {
    case SessionPhase::Ivr:
      status = EndStatus::IvrGiveUp;
      break;
    case SessionPhase::Queued:
      status = EndStatus::WaitingGiveUp;
      break;
    case SessionPhase::Offering:
      status = EndStatus::RingingGiveUp;
      break;
    case SessionPhase::Dialing:
      status = EndStatus::CallerCancel;
      break;
    default:
      break;
  }
  end(*s, endSpec(status, HungUpSide::Seat, EndReason::Hangup, CloseBy::Admin), nowMs);
  return Error();
}

void CallControl::end(Session& s, const EndSpec& spec, std::int64_t nowMs) {
  if (s.ended()) return;
  c.callRouting.dequeue(s);
  const bool connected = s.phase == SessionPhase::Connected;
  s.phase = SessionPhase::Ended;
  s.endedMs = nowMs;
  s.endStatus = spec.endStatus;
  s.hungUpSide = spec.hungUpSide;
  ++s.timerGen;
  std::vector<AgentIdx> parties;
  if (s.offered) {
    Agent& a = c.agents.at(*s.offered);
    a.offering.clear();
    // The caller gave up while it rang: "cancel" to the ringing agent.
    const bool callerLeft = spec.closeBy == CloseBy::Client || (spec.actor && *spec.actor != a.idx);
    c.views.end(s, a, spec, callerLeft ? EndReason::Cancel : spec.endReason, connected, nowMs);
    parties.push_back(a.idx);
    s.offered.reset();
  }
  for (auto idx : {s.agent, s.peer}) {
    if (!idx) continue;
    c.views.end(s, c.agents.at(*idx), spec, spec.endReason, connected, nowMs);
    parties.push_back(*idx);
  }
  tellCustomer(s, CustomerState::Ended, spec.endStatus);
  if (s.farEnd) {
    s.farEnd->agentLeft(s);
    s.farEnd->ended(s);
  }
  c.media.ended(s);
  c.out.storeCdr(s.sdkAppId, c.cdrs.phoneCdr(s));
  c.sessions.retire(s, nowMs + c.options.endedRetentionMs);
  c.supervisors.sessionEnded(s, nowMs);
  c.monitors.sessionEnded(s);
  for (auto idx : parties) c.status.callEnded(c.agents.at(idx), s, nowMs);
}

}  // namespace tccc::server::routing
