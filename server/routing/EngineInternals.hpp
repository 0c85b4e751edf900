// SPDX-License-Identifier: Apache-2.0
// The RoutingEngine's private state types (Agent, Call, CustomerLeg, ChatState, …) and the small
// helpers both of its translation units use: RoutingEngine.cpp (calls, agents, ACD, IVR) and
// ChatRouting.cpp (chat sessions). Included by those two files only; nothing outside routing/
// sees these types (RoutingEngine.hpp only forward-declares them).
#ifndef TCCC_SERVER_ROUTING_ENGINEINTERNALS_HPP
#define TCCC_SERVER_ROUTING_ENGINEINTERNALS_HPP

#include "routing/RoutingEngine.hpp"

#include "http/TokenBucket.hpp"
#include "sim/TestNumbers.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

namespace tccc::server::routing {
namespace internal {

enum TimerKind { kCallTimer = 1, kAcwTimer = 2, kGraceTimer = 3 };

inline constexpr std::size_t kMaxUserId = 128;
inline constexpr std::size_t kMaxSessionId = 64;
inline constexpr std::size_t kMaxNumber = 32;
inline constexpr std::size_t kMaxClientRequestId = 64;
inline constexpr std::int64_t kSweepEveryMs = 30000;
inline constexpr std::size_t kQueueScan = 32;  // how far a freed agent looks past calls it already missed
// Ended calls and ended views are kept for endedRetentionMs, but never more than this many: at
// 1,000 calls/s five minutes of history would otherwise hold a gigabyte.
inline constexpr std::size_t kMaxEndedCalls = 20000;
inline constexpr std::size_t kMaxEndedViewsPerAgent = 50;

inline const char* const kStatuses[] = {"offline", "free", "busy", "arrange", "notReady", "rest"};

inline int statusIndex(const std::string& s) {
  for (int i = 0; i < 6; ++i)
    if (s == kStatuses[i]) return i;
  return 0;
}

inline std::int64_t secs(std::int64_t ms) { return ms > 0 ? ms / 1000 : 0; }

inline bool isDtmf(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

inline bool isPhoneNumber(const std::string& s) {
  if (s.empty() || s.size() > kMaxNumber) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#' || (c == '+' && i == 0))) return false;
  }
  return true;
}

inline std::string agentKey(std::int64_t sdkAppId, std::string_view userId) {
  std::string k = std::to_string(sdkAppId);
  k += '/';
  k += userId;
  return k;
}

/// Reads a required non-empty string field.
inline std::optional<std::string> requireString(const Json& data, const char* key, std::size_t maxLength, Error& error) {
  auto v = protocol::readString(data, key, maxLength, &error);
  if (error) return std::nullopt;
  if (!v || v->empty()) {
    error = Error(Errc::InvalidArgument, std::string(key) + " must be a non-empty string");
    return std::nullopt;
  }
  return v;
}

// Media signalling (docs/protocol.md, "Media"): the server relays SDP and ICE candidates between
// the two legs of a call without parsing them; it only checks shapes and sizes, and forwards a
// rebuilt object, so nothing but the documented fields ever reaches the other side.
inline constexpr std::size_t kMaxSdp = 60000;  // the 64 KiB frame limit minus the envelope
inline constexpr std::size_t kMaxCandidate = 1024;
inline constexpr std::size_t kMaxSdpMid = 64;

inline bool isMediaMethod(const std::string& m) {
  return m == "media.offer" || m == "media.answer" || m == "media.candidate";
}

/// {sessionId?, sdp} or {sessionId?, candidate: {candidate, sdpMid?, sdpMLineIndex?}} → the relayed
/// payload without sessionId (the caller adds the session's own id).
inline std::optional<Json> readMediaPayload(const std::string& method, const Json& data, Error& error) {
  Json out = Json::object();
  if (method == "media.candidate") {
    auto c = data.find("candidate");
    if (c == data.end() || !c->is_object()) {
      error = Error(Errc::InvalidArgument, "candidate must be an object {candidate, sdpMid?, sdpMLineIndex?}");
      return std::nullopt;
    }
    auto text = protocol::readString(*c, "candidate", kMaxCandidate, &error);
    if (error) return std::nullopt;
    if (!text) {  // "" is allowed: the end-of-candidates marker
      error = Error(Errc::InvalidArgument, "candidate.candidate must be a string of at most 1024 characters");
      return std::nullopt;
    }
    Json cand = Json{{"candidate", *text}};
    auto mid = c->find("sdpMid");
    if (mid != c->end() && !mid->is_null()) {
      if (!mid->is_string() || mid->get<std::string>().size() > kMaxSdpMid) {
        error = Error(Errc::InvalidArgument, "candidate.sdpMid must be a string of at most 64 characters");
        return std::nullopt;
      }
      cand["sdpMid"] = *mid;
    }
    auto index = c->find("sdpMLineIndex");
    if (index != c->end() && !index->is_null()) {
      if (!index->is_number_integer() || index->get<std::int64_t>() < 0 || index->get<std::int64_t>() > 65535) {
        error = Error(Errc::InvalidArgument, "candidate.sdpMLineIndex must be an integer 0-65535");
        return std::nullopt;
      }
      cand["sdpMLineIndex"] = *index;
    }
    out["candidate"] = std::move(cand);
    return out;
  }
  auto sdp = requireString(data, "sdp", kMaxSdp, error);
  if (error) return std::nullopt;
  out["sdp"] = *sdp;
  return out;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// State

struct RoutingEngine::EndSpec {
  std::string endStatus;   // CDR EndStatusString
  std::string hungUpSide;  // user | seat
  std::string endReason;   // agent view: hangup | cancel | failed | ...
  std::string closeBy;     // agent view: client | seat | admin | timer
  std::string mainReason;  // agent view, phone calls closed by admin
  std::optional<AgentIdx> actor;  // the agent who ended it (its own view says closeBy seat)
};

namespace internal {
struct View {
  std::string sessionId;
  Json wire;
  bool ended = false;
  std::int64_t endedAtMs = 0;
  std::int64_t acceptMs = 0;
};

struct Participant {
  std::uint32_t agent = 0;
  std::int64_t startMs = 0, ringMs = 0, acceptMs = 0, endedMs = 0;
  std::string status;
  std::string transferFrom, transferTo, transferToType;
  std::int64_t skillGroupId = 0;
};
}  // namespace internal

struct RoutingEngine::Agent {
  AgentIdx idx = 0;
  std::int64_t sdkAppId = 0;
  StaffInfo staff;
  std::vector<std::int64_t> groups;
  ConnectionId conn = 0;
  std::string status = "offline";
  std::string restReason;
  std::string lastReason;
  std::int64_t statusSinceMs = 0;
  std::int64_t lastOnlineMs = 0;
  std::int64_t idleSinceMs = 0;
  std::array<std::int64_t, 6> durations{};
  std::int64_t seq = 0;
  std::string resumeToken;
  std::uint64_t acwGen = 0;
  std::uint64_t graceGen = 0;
  bool available = false;
  std::int64_t availKey = 0;
  std::string offering;  // sessionId ringing at this agent
  std::vector<internal::View> views;
  std::unordered_map<std::string, std::pair<std::int64_t, Result>> dedupe;  // clientRequestId -> (expiry, result)
  bool removed = false;  // staff deleted through the cloud API

  internal::View* view(std::string_view sessionId) {
    for (auto& v : views)
      if (v.sessionId == sessionId) return &v;
    return nullptr;
  }
};

struct RoutingEngine::Call {
  enum class Phase { Ivr, Queued, Offering, Dialing, Connected, Ended };
  std::uint64_t serial = 0;
  std::string sessionId;
  std::int64_t sdkAppId = 0;
  std::string type;       // phone | voip | video | internal
  std::string direction;  // in | out
  Phase phase = Phase::Ivr;
  std::string caller, callee, serviceNumber;
  std::string uui, remark, customerUserId, nickname, avatar;
  ConnectionId leg = 0;  // customer socket: the caller (inbound) or the registered callee (outbound)
  bool simulated = false;
  int holdSeconds = -1;
  std::string audioFile;
  bool serverMedia = false;  // the server's own media leg (server/media/) is open toward the agent
  std::string ivrPrompt;
  std::vector<IvrOption> ivrOptions;
  int ivrAttempts = 0;
  std::vector<std::pair<std::string, std::string>> ivrPath;  // every key pressed, label "" if invalid
  std::int64_t skillGroupId = 0;
  std::string skillGroupName;
  std::int64_t queuedSkillGroupId = 0;  // the first group it queued for (CDR)
  std::string queuedSkillGroupName;
  std::int64_t startMs = 0, ringMs = 0, acceptMs = 0, endedMs = 0, queuedMs = 0;
  std::int64_t waitStartMs = 0;  // maxWaitSec counts from here (reset by a transfer)
  bool inQueue = false;
  std::pair<std::int64_t, std::uint64_t> queueKey{0, 0};
  std::optional<AgentIdx> offered;  // ringing at this agent
  std::optional<AgentIdx> agent;    // connected (or dialing) agent
  std::optional<AgentIdx> peer;     // internal call: the callee once it answered
  std::set<AgentIdx> tried;         // agents that let it ring out or rejected it
  std::uint64_t timerGen = 0;
  std::int64_t timerAt = 0;
  bool held = false, muted = false, videoMuted = false;
  std::string endStatus, hungUpSide;
  std::vector<internal::Participant> participants;
  /// The agent's leg that has not ended yet (its latest one), or null.
  internal::Participant* openLeg(AgentIdx agentIdx) {
    for (auto it = participants.rbegin(); it != participants.rend(); ++it)
      if (it->agent == agentIdx && it->endedMs == 0) return &*it;
    return nullptr;
  }
  const sim::TestNumber* testNumber = nullptr;
  std::string outcome;  // outbound: what the far end does when the timer fires (answer, busy, reject, notAnswer, hangUp)
  std::string pendingTransferFrom;
  std::string digitsToCustomer;
  Json history = Json::array();  // customer-side states, for the simulator
};

struct RoutingEngine::GroupState {
  std::set<std::pair<std::int64_t, AgentIdx>> available;          // (idle since, agent): longest idle first
  std::set<std::pair<std::int64_t, std::uint64_t>> queue;         // (queued at, call serial): oldest first
  int online = 0;                                                  // agents of the group not offline
};

struct RoutingEngine::Tenant {
  std::int64_t sdkAppId = 0;
  std::unordered_map<std::int64_t, SkillGroupInfo> infos;
  std::unordered_map<std::int64_t, GroupState> groups;
  std::vector<CallerNumberInfo> callerNumbers;
};

struct RoutingEngine::CustomerLeg {
  ConnectionId conn = 0;
  std::int64_t seq = 0;
  std::string sessionId;  // the call this leg is part of
  std::vector<std::string> numbers;  // callee numbers it answers for
};

struct RoutingEngine::ChatState {
  std::string visitorToken;       // lets a new visitor socket resume the chat
  std::int64_t lastSeq = 0;       // seq of the newest stored message
  std::string peerSource, channelName, clientData;
  std::int64_t phaseDeadline = 0;  // queued: give up at; ringing: ring timeout at
  std::int64_t visitorGoneAt = 0;  // the visitor's socket dropped: the chat ends then unless resumed
  TokenBucket flood[2];            // [0] visitor, [1] agent
  std::unordered_map<std::string, std::int64_t> clientIds;  // role + '\x1f' + clientMsgId -> seq
};

}  // namespace tccc::server::routing

#endif
