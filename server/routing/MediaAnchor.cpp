// SPDX-License-Identifier: Apache-2.0
#include "routing/MediaAnchor.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/CustomerDesk.hpp"
#include "routing/SessionTable.hpp"

namespace tccc::server::routing {

bool MediaAnchor::anchors(const Session& s) const {
  return c.options.anchorMedia && !s.isChat() && s.farEnd != &c.simulator;
}

bool MediaAnchor::records(const Session& s) const {
  return anchors(s) || (s.farEnd == &c.simulator && c.options.serverMedia);
}

std::string MediaAnchor::participantOf(const Session& s, Side side) const {
  if (side == Side::Agent) return s.agent ? c.agents.at(*s.agent).staff.userId : std::string();
  if (s.type == SessionType::Internal) return s.peer ? c.agents.at(*s.peer).staff.userId : std::string();
  // The customer: its number for a phone call, its user id for a web caller.
  return !s.caller.empty() ? s.caller : !s.callee.empty() ? s.callee : s.customerUserId;
}

Command MediaAnchor::make(Command::Type type, const Session& s, Side side, std::string participant) const {
  Command cmd;
  cmd.type = type;
  cmd.sessionId = s.id;
  cmd.sdkAppId = s.sdkAppId;
  cmd.side = static_cast<std::uint8_t>(side);
  cmd.held = s.held;
  cmd.video = s.type == SessionType::Video;
  cmd.participant = std::move(participant);
  cmd.skillGroupId = s.skillGroupId;
  return cmd;
}

void MediaAnchor::command(Command::Type type, const Session& s, Side side) {
  c.out.media(make(type, s, side, participantOf(s, side)));
}

void MediaAnchor::agentRinging(Session& s, const Agent& agent) {
  if (!anchors(s) || s.type == SessionType::Internal) return;
  s.ringingLeg = agent.idx;
  c.out.media(make(Command::Type::MediaOffer, s, Side::RingingAgent, agent.staff.userId));
}

void MediaAnchor::ringEnded(Session& s) {
  if (!s.ringingLeg) return;
  s.ringingLeg.reset();
  c.out.media(make(Command::Type::MediaCloseLeg, s, Side::RingingAgent, {}));
}

void MediaAnchor::agentJoined(Session& s) {
  if (!anchors(s)) return;
  if (s.type == SessionType::Internal) {
    // The caller offers once the callee has answered (its SDK's `start`); the callee is offered a
    // leg by the server, as an agent of a customer call is.
    if (s.peer) command(Command::Type::MediaOffer, s, Side::Far);
    return;
  }
  if (!s.agent) return;
  if (s.ringingLeg && *s.ringingLeg == *s.agent) {
    // Its connection was made while it rang (its answer may still be on the way: the leg takes it
    // as the agent side's).
    s.ringingLeg.reset();
    command(Command::Type::MediaConnectRinging, s, Side::Agent);
    return;
  }
  ringEnded(s);  // someone else's (it cannot happen today; a leg must not outlive its ring)
  command(Command::Type::MediaOffer, s, Side::Agent);
}

void MediaAnchor::agentLeft(Session& s) {
  if (anchors(s)) command(Command::Type::MediaCloseLeg, s, Side::Agent);
}

void MediaAnchor::holdChanged(Session& s) {
  if (anchors(s)) command(Command::Type::MediaHold, s, Side::Agent);
}

void MediaAnchor::recordingPaused(Session& s) {
  Command cmd = make(Command::Type::MediaRecording, s, Side::Agent, {});
  cmd.held = s.recordingPaused;  // MediaRecording's `held` says paused
  c.out.media(std::move(cmd));
}

void MediaAnchor::agentConnection(Session& s, bool up) {
  if (!anchors(s) || s.type == SessionType::Internal || s.phase != SessionPhase::Connected) return;
  // A new login of the agent is a new browser: the old leg's peer connection is gone with it.
  command(up ? Command::Type::MediaOffer : Command::Type::MediaCloseLeg, s, Side::Agent);
}

void MediaAnchor::ended(Session& s) {
  if (anchors(s)) command(Command::Type::MediaClose, s, Side::Agent);
}

Result MediaAnchor::negotiate(Session& s, Side side, std::string_view method, const Json& payload,
                              const std::string& participant) {
  // As an ICE-lite endpoint the server learns the browser's addresses from its checks, and its
  // own single host candidate is in its SDP: candidates need no relaying.
  if (method == "media.candidate") return Json::object();
  Command cmd = make(method == "media.offer" ? Command::Type::MediaAnswerOffer : Command::Type::MediaRemoteAnswer, s,
                     side, participant);
  cmd.text = payload.value("sdp", "");
  c.out.media(std::move(cmd));
  return Json::object();
}

Result MediaAnchor::fromAgent(Session& s, const Agent& agent, std::string_view method, const Json& payload) {
  // In an internal call the caller is the agent side and the callee the far side.
  const bool callee = s.type == SessionType::Internal && s.peer && *s.peer == agent.idx;
  const bool ringing = s.ringingLeg && *s.ringingLeg == agent.idx;
  return negotiate(s,
                   callee    ? Side::Far
                   : ringing ? Side::RingingAgent
                             : Side::Agent,
                   method, payload, agent.staff.userId);
}

bool MediaAnchor::ringsWithLeg(const Session& s, const Agent& agent) const {
  return s.ringingLeg && *s.ringingLeg == agent.idx && s.offered && *s.offered == agent.idx;
}

Result MediaAnchor::fromCustomer(Session& s, std::string_view method, const Json& payload) {
  return negotiate(s, Side::Far, method, payload, participantOf(s, Side::Far));
}

Result MediaAnchor::webSocketTicket(const Session& s, const Agent& agent, std::int64_t nowMs) {
  std::string token = mTickets.issue(MediaWsTokens::Grant{agent.sdkAppId, agent.staff.userId, s.id}, nowMs);
  return Json{{"path", kWebSocketPath}, {"token", std::move(token)}};
}

std::variant<MediaWsClaim, Error> MediaAnchor::redeemWebSocket(std::string_view token, std::int64_t nowMs) {
  auto grant = mTickets.redeem(token, nowMs);
  if (!grant) return Error(Errc::InvalidArgument, "unknown, used or expired media token");
  const Session* s = c.sessions.find(grant->sessionId);
  // The call may have moved on since the ticket was issued: ended, transferred, held elsewhere.
  if (!s || s->phase != SessionPhase::Connected || !s->agent || s->sdkAppId != grant->sdkAppId)
    return Error(Errc::InvalidState, "the call is no longer connected");
  // Either agent of an internal call may carry its audio here: the caller is the agent side, the
  // callee the far side.
  const Agent& agent = c.agents.at(*s->agent);
  if (agent.sdkAppId == grant->sdkAppId && agent.staff.userId == grant->userId)
    return MediaWsClaim{s->id, agent.staff.userId, static_cast<std::uint8_t>(Side::Agent)};
  if (s->type == SessionType::Internal && s->peer) {
    const Agent& callee = c.agents.at(*s->peer);
    if (callee.sdkAppId == grant->sdkAppId && callee.staff.userId == grant->userId)
      return MediaWsClaim{s->id, callee.staff.userId, static_cast<std::uint8_t>(Side::Far)};
  }
  return Error(Errc::InvalidState, "the agent is no longer on the call");
}

void MediaAnchor::fromServer(Session& s, Side side, std::string_view event, const std::string& sdp) {
  if (s.ended()) return;
  Json data{{"sessionId", s.id}, {"sdp", sdp}};
  if (side == Side::RingingAgent) {
    // Still ringing at the agent it was made for (else the ring is over and the leg closed).
    if (s.ringingLeg && s.offered && *s.offered == *s.ringingLeg)
      c.agents.notify(c.agents.at(*s.ringingLeg), event, std::move(data));
    return;
  }
  // Late output for a leg whose party has gone (a transfer, the end): dropped. The customer's leg
  // may connect before an agent is on the call (it hears the queue's music).
  if (s.phase != SessionPhase::Connected && !(side == Side::Far && s.type != SessionType::Internal)) return;
  if (side == Side::Agent) {
    if (s.agent) c.agents.notify(c.agents.at(*s.agent), event, std::move(data));
  } else if (s.type == SessionType::Internal) {
    if (s.peer) c.agents.notify(c.agents.at(*s.peer), event, std::move(data));
  } else {
    c.customers.send(s, event, std::move(data));
  }
}

}  // namespace tccc::server::routing
