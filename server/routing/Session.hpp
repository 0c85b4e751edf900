// SPDX-License-Identifier: Apache-2.0
// A session: one call or chat between a customer (or an agent, for internal calls) and the center,
// from its arrival to its end, with every agent leg it had (ServeParticipants in its CDR).
#ifndef TCCC_SERVER_ROUTING_SESSION_HPP
#define TCCC_SERVER_ROUTING_SESSION_HPP

#include "routing/Ids.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tccc::server::routing {

class FarEnd;

/// Where a session is in the center (what its customer experiences, not an agent's view of it).
enum class SessionPhase : std::uint8_t {
  Ivr,        // the caller is in the service number's menu
  Queued,     // waiting in a skill group's queue (or between two offers)
  Offering,   // ringing at an agent
  Dialing,    // outbound or internal: the far end has not answered
  Connected,  // an agent and the customer talk (or chat)
  Ended,
};

/// Where a session is put in a queue: by the time it started waiting, then by arrival.
using QueueKey = std::pair<std::int64_t, SessionSerial>;

/// How a session ends, in the words of its CDR, the agent's view and the customer's state.
struct EndSpec {
  EndStatus endStatus = EndStatus::Ok;
  HungUpSide hungUpSide = HungUpSide::User;
  EndReason endReason = EndReason::Hangup;  // what the agents' views say
  CloseBy closeBy = CloseBy::Client;
  std::optional<EndStatus> mainReason;  // phone calls ended by admin: why (busy, notAnswer, userReject)
  std::optional<AgentIdx> actor;        // the agent who ended it (its own view says closeBy seat)
};

/// One agent's part of a session (a ServeParticipants entry of the CDR).
struct Participant {
  AgentIdx agent = 0;
  std::int64_t startMs = 0, ringMs = 0, acceptMs = 0, endedMs = 0;
  std::optional<EndStatus> status;
  std::string transferFrom, transferTo;
  std::optional<protocol::TransferTargetType> transferToType;
  std::int64_t skillGroupId = 0;
};

struct Session {
  SessionSerial serial = 0;
  std::string id;
  std::int64_t sdkAppId = 0;
  SessionType type = SessionType::Phone;
  Direction direction = Direction::In;
  SessionPhase phase = SessionPhase::Ivr;
  std::string caller, callee, serviceNumber;
  std::string uui, remark, customerUserId, nickname, avatar;
  FarEnd* farEnd = nullptr;  // the customer's side; none for internal calls (both ends are agents)

  // IVR
  std::string ivrPrompt;
  std::vector<IvrOption> ivrOptions;
  int ivrAttempts = 0;
  std::vector<std::pair<std::string, std::string>> ivrPath;  // every key pressed, label "" if invalid

  // Queue and offers
  std::int64_t skillGroupId = 0;
  std::string skillGroupName;
  std::int64_t queuedSkillGroupId = 0;  // the first group it queued for (CDR)
  std::string queuedSkillGroupName;
  std::int64_t startMs = 0, ringMs = 0, acceptMs = 0, endedMs = 0, queuedMs = 0;
  std::int64_t waitStartMs = 0;  // maxWaitSec counts from here (reset by a transfer)
  bool inQueue = false;
  QueueKey queueKey{0, 0};
  std::optional<AgentIdx> offered;     // ringing at this agent
  std::optional<AgentIdx> ringingLeg;  // the agent with a server media leg waiting while it rings (MediaAnchor)
  std::optional<AgentIdx> agent;       // connected (or dialing) agent
  std::optional<AgentIdx> peer;        // internal call: the callee once it answered
  std::set<AgentIdx> tried;            // agents that let it ring out or rejected it
  std::uint64_t timerGen = 0;          // bumped to cancel the session's pending timer

  bool held = false, muted = false, videoMuted = false;
  bool recordingPaused = false;  // session.pauseRecording (PCI DSS): the files are silent meanwhile
  EndStatus endStatus = EndStatus::Ok;
  std::optional<HungUpSide> hungUpSide;
  std::vector<Participant> participants;
  std::string pendingTransferFrom;  // the next leg's TransferFrom
  std::string digitsToCustomer;     // DTMF the agents sent (the simulator shows them)
  Json history = Json::array();     // customer-side states, for the simulator

  bool ended() const { return phase == SessionPhase::Ended; }
  bool isChat() const { return type == SessionType::Im; }
  /// Whether `idx` talks in this session (the connected agent, or either agent of an internal call).
  bool hasParty(AgentIdx idx) const { return (agent && *agent == idx) || (peer && *peer == idx); }

  /// The agent's leg that has not ended yet (its latest one), or null.
  Participant* openLeg(AgentIdx idx) {
    for (auto it = participants.rbegin(); it != participants.rend(); ++it)
      if (it->agent == idx && it->endedMs == 0) return &*it;
    return nullptr;
  }
  /// A new leg for `idx` ringing (or dialing) from `nowMs`.
  Participant& addLeg(AgentIdx idx, std::int64_t nowMs) {
    Participant p;
    p.agent = idx;
    p.startMs = p.ringMs = nowMs;
    participants.push_back(std::move(p));
    return participants.back();
  }
};

}  // namespace tccc::server::routing

#endif
