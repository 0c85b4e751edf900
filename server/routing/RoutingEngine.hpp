// SPDX-License-Identifier: Apache-2.0
// The contact center's brain, sans-I/O: agents, their status machine, sessions, ACD over skill
// groups, IVR menus, outbound/internal calls and CDRs. It owns no socket, thread or clock: every input
// carries `nowMs` (Unix epoch milliseconds), timers are reported through nextDeadline() and fired by
// tick(), and every output is queued as a Command that the host (ContactCenter) carries out. This is
// what lets the GoogleTest suite drive hours of call flow in microseconds with an injected clock.
#ifndef TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP
#define TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP

#include "../Interfaces.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tccc::server::routing {

/// One output of the engine, to be carried out in order by its host.
struct Command {
  enum class Type { Send, Close, StoreCdr };
  Type type = Type::Send;
  ConnectionId connection = 0;  // Send, Close
  std::string text;             // Send: one encoded frame
  int closeCode = 0;            // Close
  std::string reason;           // Close
  std::int64_t sdkAppId = 0;    // StoreCdr
  Json cdr;                     // StoreCdr
};

/// A simulated inbound caller without a browser (POST /sim/inbound).
struct SimInboundRequest {
  std::string caller;
  std::string serviceNumber;
  std::string ivrKeys;    // DTMF keys pressed as soon as the IVR menu plays
  int holdSeconds = -1;   // after being connected, hang up after this long; < 0 = stay until the agent hangs up
  std::string audioFile;  // kept on the session for the media relay (not played yet)
};

class RoutingEngine {
 public:
  struct Options {
    int heartbeatMs = 10000;
    std::int64_t graceMs = 60000;            // a dropped agent keeps status and sessions this long
    std::int64_t endedRetentionMs = 300000;  // ended sessions stay in the snapshot this long
    std::int64_t dedupeMs = 600000;          // clientRequestId memory
    int ivrInputTimeoutSec = 15;             // no key within this -> counts as an invalid attempt
    int maxIvrAttempts = 3;                  // invalid/missing keys before ivrEnd
    int internalRingTimeoutSec = 30;
    int outboundNoAnswerSec = 30;
    Json iceServers = Json::array();
    std::uint64_t seed = 0;  // session-id generator seed; 0 = random
  };

  RoutingEngine(Directory& directory, Options options);
  ~RoutingEngine();
  RoutingEngine(const RoutingEngine&) = delete;
  RoutingEngine& operator=(const RoutingEngine&) = delete;

  // --- agent sockets (/ws/agent) ---
  /// Handles one decoded request; the response (and any events it causes) come out as commands.
  void onAgentRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  bool isAgentLoggedIn(ConnectionId conn) const;
  void agentDisconnected(ConnectionId conn, std::int64_t nowMs);

  // --- customer sockets (/ws/customer) ---
  void onCustomerRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  void customerDisconnected(ConnectionId conn, std::int64_t nowMs);

  // --- simulator ---
  /// Places a simulated inbound call; returns its sessionId.
  std::variant<std::string, Error> simInbound(const SimInboundRequest& request, std::int64_t nowMs);
  /// The simulator's view of a call (state, agent, IVR path, the customer-side state history).
  std::optional<Json> simSession(std::string_view sessionId) const;

  // --- cloud API (LiveOps) ---
  Error adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs);
  Json staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds, std::int64_t nowMs);
  std::optional<Json> describeSession(std::int64_t sdkAppId, std::string_view sessionId) const;
  void directoryChanged(std::int64_t sdkAppId, std::int64_t nowMs);

  // --- time ---
  void tick(std::int64_t nowMs);
  /// The earliest pending timer (may be a stale one; tick() then simply finds nothing to do).
  std::optional<std::int64_t> nextDeadline() const;

  /// Moves out the commands produced so far.
  std::vector<Command> takeCommands();

  // --- introspection (tests, metrics) ---
  std::string agentStatus(std::int64_t sdkAppId, std::string_view userId) const;
  std::size_t queueLength(std::int64_t sdkAppId, std::int64_t skillGroupId) const;
  std::size_t liveCallCount() const;
  std::size_t agentCount() const { return mAgents.size(); }

 private:
  struct Agent;
  struct Call;
  struct Tenant;
  struct GroupState;
  struct CustomerLeg;
  struct EndSpec;
  using AgentIdx = std::uint32_t;

  struct Timer {
    std::int64_t at;
    int kind;  // TimerKind
    std::uint64_t id;
    std::uint64_t gen;
    bool operator>(const Timer& o) const { return at > o.at; }
  };

  // request handling
  using Result = std::variant<Json, Error>;
  Result handleLogin(ConnectionId conn, const Json& data, std::int64_t nowMs);
  void logout(Agent& agent, ConnectionId conn, std::int64_t nowMs);
  void queueClose(ConnectionId conn, int code, std::string reason);
  Result handleAgentMethod(Agent& agent, const protocol::Request& req, std::int64_t nowMs);
  Result doSetStatus(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doOnline(Agent& agent, std::int64_t nowMs);
  Result doOffline(Agent& agent, std::int64_t nowMs);
  Result doStartOutbound(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doStartInternal(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doAccept(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doHangUp(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doDelete(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doTransfer(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doHold(Agent& agent, const Json& data, bool hold, std::int64_t nowMs);
  Result doMute(Agent& agent, const Json& data, bool mute, std::int64_t nowMs);
  Result doSendDigits(Agent& agent, const Json& data, std::int64_t nowMs);
  Result doAgentMedia(Agent& agent, const std::string& method, const Json& data, std::int64_t nowMs);
  Result handleCustomerMethod(CustomerLeg& leg, const protocol::Request& req, std::int64_t nowMs);
  Result customerPlaceCall(CustomerLeg& leg, const std::string& type, const Json& data, std::int64_t nowMs);

  // agents
  Agent* findAgent(std::int64_t sdkAppId, std::string_view userId) const;
  Agent& ensureAgent(const StaffInfo& staff);
  void setStatus(Agent& agent, const std::string& status, const std::string& reason, const std::string& restReason,
                 std::int64_t nowMs);
  void refreshAvailability(Agent& agent, std::int64_t nowMs);
  void setGroups(Agent& agent, std::vector<std::int64_t> groups);
  void emitAgentEvent(Agent& agent, const std::string& event, Json data);
  Json snapshot(Agent& agent, std::int64_t nowMs);
  void pruneViews(Agent& agent, std::int64_t nowMs);
  void afterCallEnded(Agent& agent, const Call& call, std::int64_t nowMs);
  bool hasLiveCall(const Agent& agent) const;
  Call* ownedCall(Agent& agent, const Json& data, Error& error, std::string* sessionIdOut = nullptr);

  // tenants & groups
  Tenant& tenant(std::int64_t sdkAppId);
  GroupState* group(std::int64_t sdkAppId, std::int64_t skillGroupId);
  const SkillGroupInfo* groupInfo(std::int64_t sdkAppId, std::int64_t skillGroupId);
  std::optional<ServiceNumberInfo> serviceNumber(std::string_view number);

  // calls
  Call& newCall(std::int64_t sdkAppId, const std::string& type, const std::string& direction, std::int64_t nowMs);
  void startInbound(Call& call, const ServiceNumberInfo& number, std::int64_t nowMs);
  void ivrKey(Call& call, char key, std::int64_t nowMs);
  void playIvr(Call& call, std::int64_t nowMs);
  void enqueue(Call& call, std::int64_t skillGroupId, std::int64_t nowMs, bool first);
  void dequeue(Call& call);
  bool tryOffer(Call& call, std::int64_t nowMs);
  void offerTo(Call& call, Agent& agent, std::int64_t nowMs);
  void withdrawOffer(Call& call, const std::string& endReason, const std::string& closeBy,
                     const std::string& legStatus, std::int64_t nowMs);
  void agentAvailable(Agent& agent, std::int64_t nowMs);
  void connect(Call& call, std::int64_t nowMs);
  void endCall(Call& call, const EndSpec& spec, std::int64_t nowMs);
  void updateView(Agent& agent, Call& call, const std::string& state, std::int64_t nowMs, const Json& extra = Json());
  Json viewWire(const Agent& agent, const Call& call, const std::string& state, std::int64_t nowMs) const;
  void customerEvent(Call& call, const std::string& state, const std::string& reason = {});
  void sendToLeg(ConnectionId conn, const std::string& event, Json data);
  void closeParticipant(Call& call, std::int64_t nowMs, const std::string& status);
  Json buildCdr(const Call& call) const;
  void armCall(Call& call, std::int64_t at);
  void purgeOldestEndedCall();
  void onCallTimer(Call& call, std::int64_t nowMs);
  void outboundOutcome(Call& call, std::int64_t nowMs);

  // output
  void send(ConnectionId conn, std::string text);
  void respond(ConnectionId conn, std::int64_t id, const Result& result, std::size_t at);
  void pushTimer(std::int64_t at, int kind, std::uint64_t id, std::uint64_t gen);
  std::string newSessionId();
  static std::string newSecret();

  Directory& mDirectory;
  Options mOptions;
  std::vector<std::unique_ptr<Agent>> mAgents;
  std::unordered_map<std::string, AgentIdx> mAgentIndex;        // "sdkAppId/userId"
  std::unordered_map<ConnectionId, AgentIdx> mAgentByConn;
  std::unordered_map<std::string, std::unique_ptr<Call>> mCalls;  // by sessionId
  std::unordered_map<std::uint64_t, Call*> mCallBySerial;
  std::uint64_t mNextCallSerial = 1;
  std::deque<std::pair<std::int64_t, std::uint64_t>> mEndedCalls;  // (purge at, serial)
  std::unordered_map<std::int64_t, std::unique_ptr<Tenant>> mTenants;
  std::unordered_map<std::string, std::optional<ServiceNumberInfo>> mNumberCache;
  std::unordered_map<ConnectionId, std::unique_ptr<CustomerLeg>> mLegs;
  std::unordered_map<std::string, ConnectionId> mCalleeNumbers;  // registered callee pages
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> mTimers;
  std::int64_t mNextSweepMs = 0;
  std::vector<Command> mCommands;
  std::mt19937_64 mRng;
};

}  // namespace tccc::server::routing

#endif
