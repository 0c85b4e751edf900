// SPDX-License-Identifier: Apache-2.0
#include "sim/SimulatedNetwork.hpp"

#include "routing/AgentRegistry.hpp"
#include "routing/CallRouting.hpp"
#include "routing/Outbox.hpp"
#include "routing/SessionTable.hpp"
#include "routing/TenantDirectory.hpp"

#include "protocol/Validator.hpp"

namespace tccc::server::sim {

using routing::Command;
using routing::Session;
using routing::SessionPhase;

namespace {
constexpr std::size_t kMaxIvrKeys = 32;
constexpr int kMaxHoldSeconds = 86400;
constexpr std::size_t kMaxAudioFile = 1024;

bool isDtmf(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D'); }
}  // namespace

std::variant<std::string, Error> SimulatedNetwork::placeInbound(const SimInboundRequest& r, std::int64_t nowMs) {
  auto caller = protocol::normalisePhoneNumber(r.caller);
  if (!caller) return Error(Errc::InvalidArgument, "caller must be a phone number");
  auto number = protocol::normalisePhoneNumber(r.serviceNumber);
  if (!number) return Error(Errc::InvalidArgument, "serviceNumber must be a phone number");
  if (r.ivrKeys.size() > kMaxIvrKeys) return Error(Errc::InvalidArgument, "ivrKeys: at most 32 keys");
  for (char key : r.ivrKeys)
    if (!isDtmf(key)) return Error(Errc::InvalidArgument, "ivrKeys may contain only 0-9 * # A-D");
  if (r.holdSeconds > kMaxHoldSeconds) return Error(Errc::InvalidArgument, "holdSeconds must be at most 86400");
  if (r.audioFile.size() > kMaxAudioFile) return Error(Errc::InvalidArgument, "audioFile is too long");
  auto info = c.tenants.serviceNumber(*number);
  if (!info) return Error(Errc::NotFound, "no service number " + *number);
  Session& session = c.sessions.create(info->sdkAppId, protocol::SessionType::Phone, protocol::Direction::In, nowMs);
  session.caller = *caller;
  session.farEnd = this;
  SimCall& sim = call(session);
  sim.holdSeconds = r.holdSeconds;
  sim.audioFile = r.audioFile;
  std::string sessionId = session.id;
  c.callRouting.arrive(session, *info, nowMs);
  if (!r.ivrKeys.empty()) mEvents.keysPressed(session, r.ivrKeys, nowMs);
  return sessionId;
}

void SimulatedNetwork::describe(const Session& session, Json& out) const {
  auto it = session.farEnd == this ? mCalls.find(session.serial) : mCalls.end();
  out["holdSeconds"] = it == mCalls.end() ? -1 : it->second.holdSeconds;
  out["audioFile"] = it == mCalls.end() ? std::string() : it->second.audioFile;
}

// --- outbound: the test numbers -------------------------------------------------------------------

void SimulatedNetwork::dial(Session& session, std::int64_t nowMs) {
  SimCall& sim = call(session);
  sim.testNumber = findTestNumber(session.callee);
  switch (sim.testNumber->behaviour) {
    case TestNumberBehaviour::Answer:
    case TestNumberBehaviour::AnswerThenHangUp:
      schedule(session, Next::Answer, nowMs + sim.testNumber->delayMs);
      break;
    case TestNumberBehaviour::Busy:
      schedule(session, Next::Busy, nowMs + sim.testNumber->delayMs);
      break;
    case TestNumberBehaviour::Reject:
      schedule(session, Next::Reject, nowMs + sim.testNumber->delayMs);
      break;
    case TestNumberBehaviour::NoAnswer:
      break;  // the engine gives up after its no-answer time
  }
}

void SimulatedNetwork::schedule(const Session& session, Next next, std::int64_t atMs) {
  SimCall& sim = call(session);
  sim.next = next;
  c.timers.arm(atMs, *this, session.serial, ++sim.gen);
}

void SimulatedNetwork::onTimer(std::uint64_t serial, std::uint64_t gen, std::int64_t nowMs) {
  auto it = mCalls.find(serial);
  Session* session = c.sessions.bySerial(serial);
  if (it == mCalls.end() || it->second.gen != gen || !session || session->ended()) return;
  switch (it->second.next) {
    case Next::Answer:
      mEvents.answered(*session, nowMs);
      break;
    case Next::Busy:
      mEvents.refused(*session, protocol::EndStatus::Busy, nowMs);
      break;
    case Next::Reject:
      mEvents.refused(*session, protocol::EndStatus::UserReject, nowMs);
      break;
    case Next::HangUp:
      if (session->phase == SessionPhase::Connected) mEvents.hungUp(*session, true, nowMs);
      break;
    case Next::Nothing:
      break;
  }
}

// --- connected: hang-up timers and the media leg ----------------------------------------------------

void SimulatedNetwork::agentJoined(Session& session, std::int64_t nowMs) {
  SimCall& sim = call(session);
  // A simulated caller (or test number) that hangs up by itself after a while, counted from each
  // agent that answers.
  if (sim.holdSeconds >= 0)
    schedule(session, Next::HangUp, nowMs + sim.holdSeconds * 1000LL);
  else if (sim.testNumber && sim.testNumber->behaviour == TestNumberBehaviour::AnswerThenHangUp)
    schedule(session, Next::HangUp, nowMs + sim.testNumber->hangUpAfterMs);
  if (wantsMedia(session)) openMedia(session);
}

void SimulatedNetwork::agentLeft(Session& session) {
  SimCall& sim = call(session);
  ++sim.gen;  // a pending hang-up waits for the next agent
  closeMedia(session);
}

bool SimulatedNetwork::wantsMedia(const Session& session) const {
  return c.options.serverMedia && session.type != protocol::SessionType::Internal &&
         session.phase == SessionPhase::Connected && session.agent.has_value();
}

void SimulatedNetwork::openMedia(Session& session) {
  // A second open (a new login of the same agent) replaces the leg: the old peer connection is gone.
  SimCall& sim = call(session);
  sim.mediaOpen = true;
  Command cmd;
  cmd.type = Command::Type::MediaOpenSimulated;
  cmd.sessionId = session.id;
  cmd.sdkAppId = session.sdkAppId;
  cmd.side = 1;
  cmd.text = sim.audioFile;
  cmd.held = session.held;
  // The agent's leg carries the agent's voice (its recording, its transcript); the simulated phone
  // at the far end is the caller (or, outbound, the callee).
  cmd.participant = c.agents.at(*session.agent).staff.userId;
  cmd.farParticipant = session.direction == protocol::Direction::Out ? session.callee : session.caller;
  c.out.media(std::move(cmd));
}

void SimulatedNetwork::closeMedia(const Session& session) {
  auto it = mCalls.find(session.serial);
  if (it == mCalls.end() || !it->second.mediaOpen) return;
  it->second.mediaOpen = false;
  c.out.media(Command::Type::MediaClose, session.id);  // the caller's voice goes with the agent
}

void SimulatedNetwork::holdChanged(Session& session) {
  if (call(session).mediaOpen) c.out.media(Command::Type::MediaHold, session.id, {}, session.held);
}

void SimulatedNetwork::agentConnection(Session& session, bool up) {
  if (up && wantsMedia(session))
    openMedia(session);
  else if (!up)
    closeMedia(session);
}

routing::Result SimulatedNetwork::agentMedia(Session& session, std::string_view method, Json payload) {
  if (!call(session).mediaOpen) return Error(Errc::InvalidState, "the other side of this call has no media connection");
  // The server's leg makes the first offer; the agent answers it, and may later re-offer to restart
  // ICE, which the leg answers. Its one host candidate is in its SDP, and as an ICE-lite agent it
  // learns the browser's address from the checks, so candidates need no relaying.
  Command cmd;
  cmd.sessionId = session.id;
  cmd.sdkAppId = session.sdkAppId;
  cmd.side = 1;  // the agent's
  cmd.text = payload.value("sdp", "");
  if (method == "media.answer") {
    cmd.type = Command::Type::MediaRemoteAnswer;
    c.out.media(std::move(cmd));
  } else if (method == "media.offer") {
    cmd.type = Command::Type::MediaAnswerOffer;
    c.out.media(std::move(cmd));
  }
  return Json::object();
}

void SimulatedNetwork::mediaFromLeg(const std::string& sessionId, std::string_view event, const std::string& sdp) {
  Session* session = c.sessions.find(sessionId);
  if (!session) return;
  auto it = mCalls.find(session->serial);
  // Late output of a leg that has been closed (hang-up, transfer) or of another agent's leg: dropped.
  if (it == mCalls.end() || !it->second.mediaOpen) return;
  mEvents.mediaToAgent(*session, event, Json{{"sdp", sdp}});
}

}  // namespace tccc::server::sim
