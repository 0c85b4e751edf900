// SPDX-License-Identifier: Apache-2.0
// The contact center's brain, sans-I/O: agents, their status machine, sessions, ACD over skill
// groups, IVR menus, outbound/internal calls and CDRs. It owns no socket, thread or clock: every input
// carries `nowMs` (Unix epoch milliseconds), timers are reported through nextDeadline() and fired by
// tick(), and every output is queued as a Command that the host (ContactCenter) carries out. This is
// what lets the GoogleTest suite drive hours of call flow in microseconds with an injected clock.
#ifndef TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP
#define TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP

#include "../Interfaces.hpp"
#include "../chat/ChatRepository.hpp"

#include <array>
#include <map>
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
  enum class Type { Send, Close, StoreCdr, MediaOpen, MediaAnswer, MediaRestart, MediaHold, MediaClose };
  Type type = Type::Send;
  ConnectionId connection = 0;  // Send, Close
  std::string text;             // Send: one encoded frame; MediaOpen: the audioFile; MediaAnswer/Restart: the SDP
  int closeCode = 0;            // Close
  std::string reason;           // Close
  std::int64_t sdkAppId = 0;    // StoreCdr
  Json cdr;                     // StoreCdr
  // Server media leg (server/media/) of a call whose far end the server simulates: open it and
  // offer to the agent (the host then calls serverMediaOffer), pass on the agent's answer, hold
  // (held = true) or resume it, close it; MediaRestart: the agent re-offers (ICE restart), the host
  // answers through serverMediaAnswer.
  std::string sessionId;  // Media*
  bool held = false;      // MediaOpen, MediaHold
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
    int ringTimeoutOverrideSec = 0;          // > 0: every skill group rings an agent this long (demos, tests)
    Json iceServers = Json::array();
    bool serverMedia = true;  // simulated far ends get a server media leg (MediaOpen & co. commands)
    std::uint64_t seed = 0;  // session-id generator seed; 0 = random
    // Chat (im) sessions, docs/protocol.md "Chat".
    std::size_t chatMaxChars = 4000;          // characters (code points) per message
    double chatRatePerSec = 2;                // messages per second per session and side, sustained
    double chatBurst = 10;                    // … and in a burst
    std::int64_t chatMaxMessages = 10000;     // per session
    std::int64_t chatVisitorGraceMs = 120000; // a visitor whose socket dropped may resume this long
    std::size_t chatPageBytes = 48000;        // message text per chat.history page (frames stay < 64 KiB)
  };

  RoutingEngine(Directory& directory, Options options);
  ~RoutingEngine();
  RoutingEngine(const RoutingEngine&) = delete;
  RoutingEngine& operator=(const RoutingEngine&) = delete;

  // --- agent sockets (/ws/agent) ---
  /// Handles one decoded request; the response (and any events it causes) come out as commands.
  void onAgentRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  bool isAgentLoggedIn(ConnectionId conn) const;
  /// The agent's socket is gone: its calls and status wait out the grace period for a reconnect, or,
  /// with `loggedOut` (the client closed with the goodbye code), end now as after auth.logout.
  void agentDisconnected(ConnectionId conn, std::int64_t nowMs, bool loggedOut = false);

  // --- customer sockets (/ws/customer) ---
  void onCustomerRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  void customerDisconnected(ConnectionId conn, std::int64_t nowMs);

  // --- simulator ---
  /// Places a simulated inbound call; returns its sessionId.
  std::variant<std::string, Error> simInbound(const SimInboundRequest& request, std::int64_t nowMs);
  /// The simulator's view of a call (state, agent, IVR path, the customer-side state history).
  std::optional<Json> simSession(std::string_view sessionId) const;

  // --- server media leg (simulated callers and test numbers with real audio) ---
  /// The host opened the session's server media leg: sends its SDP offer to the call's agent as a
  /// media.offer event. Ignored when the call is no longer connected to an agent.
  void serverMediaOffer(const std::string& sessionId, const std::string& sdp);
  /// The leg's answer to the agent's re-offer (MediaRestart): a media.answer event to the agent.
  void serverMediaAnswer(const std::string& sessionId, const std::string& sdp);

  // --- cloud API (LiveOps) ---
  Error adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs);
  Json staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds, std::int64_t nowMs);
  std::optional<Json> describeSession(std::int64_t sdkAppId, std::string_view sessionId) const;
  void directoryChanged(std::int64_t sdkAppId, std::int64_t nowMs);

  // --- time ---
  void tick(std::int64_t nowMs);
  /// The earliest pending timer (may be a stale one; tick() then simply finds nothing to do).
  std::optional<std::int64_t> nextDeadline() const;

  /// Where chat messages and IM CDRs go (not owned). Without one the engine keeps them in memory.
  void setChatRepository(ChatRepository* repository);

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
  bool wantsServerMedia(const Call& call) const;
  void serverMediaOpen(Call& call);
  void serverMediaClose(Call& call);
  void serverMediaCommand(Command::Type type, const Call& call);
  Result serverMediaSignal(Call& call, const std::string& method, const Json& payload);
  void serverMediaForAgent(Agent& agent, bool open);
  void serverMediaEvent(const std::string& sessionId, const std::string& event, const std::string& sdp);
  /// Media between the two agents of an internal call (the caller offers, see docs/protocol.md "Media").
  Result relayInternalMedia(Agent& agent, Call& call, const std::string& method, Json payload);
  /// The call or chat a customer's connection is in, if it has not ended (one at a time).
  Call* liveSessionOf(const CustomerLeg& leg) const;
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
  /// Ends `agent`'s view of a session that is ending (closeBy "seat" for the agent who ended it) and
  /// the agent's open leg, with the session's end status; in a call that was `connected`, a leg that
  /// never answered ends "ok" instead.
  void endAgentView(Call& call, Agent& agent, const EndSpec& spec, const std::string& endReason, bool connected,
                    std::int64_t nowMs);
  void updateView(Agent& agent, Call& call, const std::string& state, std::int64_t nowMs, const Json& extra = Json());
  Json viewWire(const Agent& agent, const Call& call, const std::string& state, std::int64_t nowMs) const;
  void customerEvent(Call& call, const std::string& state, const std::string& reason = {});
  void sendToLeg(ConnectionId conn, const std::string& event, Json data);
  Json buildCdr(const Call& call) const;
  void armCall(Call& call, std::int64_t at);
  void purgeOldestEndedCall();
  void onCallTimer(Call& call, std::int64_t nowMs);
  void outboundOutcome(Call& call, std::int64_t nowMs);

  // steps that calls and chats share
  /// The checks a session passes to wait in a skill group's queue, where `waiting` sessions already
  /// are: binds it to the group and, the first time, starts its wait. Returns how it ends instead
  /// (`waitedTooLong`: the end status of a full queue or an expired wait), or nullopt with the
  /// session marked queued and `giveUpAt` set; the caller then puts it in its own queue.
  std::optional<EndSpec> admitToQueue(Call& call, std::int64_t skillGroupId, std::size_t waiting, bool first,
                                      const std::string& waitedTooLong, std::int64_t nowMs, std::int64_t& giveUpAt);
  /// Rings `agent` (a new leg of the session) and returns when the ring times out.
  std::int64_t startRinging(Call& call, Agent& agent, std::int64_t nowMs);
  /// Ends the ringing agent's leg and view (the session is not offered there again and is left
  /// Queued, outside any queue); returns that agent, or null if nobody was ringing.
  Agent* endOffer(Call& call, const std::string& endReason, const std::string& closeBy, const std::string& legStatus,
                  std::int64_t nowMs);

  // chat (im) sessions: ChatRouting.cpp
  struct ChatState;
  /// Offers queued chats when an input has been handled (declared first thing in each entry point).
  class ChatDispatch {
   public:
    ChatDispatch(RoutingEngine& engine, std::int64_t nowMs) : mEngine(engine), mNowMs(nowMs) {}
    ~ChatDispatch() { mEngine.chatDispatch(mNowMs); }
    ChatDispatch(const ChatDispatch&) = delete;
    ChatDispatch& operator=(const ChatDispatch&) = delete;

   private:
    RoutingEngine& mEngine;
    std::int64_t mNowMs;
  };
  Result handleAgentChat(Agent& agent, const protocol::Request& req, std::int64_t nowMs);
  Result handleCustomerChat(CustomerLeg& leg, const protocol::Request& req, std::int64_t nowMs);
  Result chatStart(CustomerLeg& leg, const Json& data, std::int64_t nowMs);
  Result chatResume(CustomerLeg& leg, const Json& data, std::int64_t nowMs);
  Result chatSend(Call& call, const std::string& role, const std::string& senderId, const std::string& senderName,
                  const Json& data, std::int64_t nowMs);
  Result chatHistory(Call& call, const Json& data, bool forVisitor);
  Result chatAccept(Agent& agent, Call& call, std::int64_t nowMs);
  Result chatHangUp(Agent& agent, Call& call, std::int64_t nowMs);
  Result chatTransfer(Agent& agent, Call& call, const Json& data, std::int64_t nowMs);
  void chatEnqueue(Call& call, std::int64_t skillGroupId, std::int64_t nowMs, bool first);
  void chatDequeue(Call& call);
  void chatDispatch(std::int64_t nowMs);
  void chatOffer(Call& call, Agent& agent, std::int64_t nowMs);
  void chatWithdraw(Call& call, const std::string& endReason, const std::string& closeBy,
                    const std::string& legStatus, std::int64_t nowMs);
  void chatArm(Call& call);
  void chatTimer(Call& call, std::int64_t nowMs);
  void chatVisitorLeft(Call& call, std::int64_t nowMs);
  void chatAgentGone(Agent& agent, std::int64_t nowMs);
  void endChat(Call& call, const EndSpec& spec, std::int64_t nowMs);
  void chatCustomerState(Call& call, const std::string& state, const std::string& reason = {});
  void chatSystemMessage(Call& call, const std::string& text, std::int64_t nowMs);
  void deliverChatMessage(Call& call, const ChatMessageRecord& message);
  void storeImCdr(const Call& call);
  bool chatEligible(const Agent& agent, bool forNewOffer) const;
  int chatLoad(const Agent& agent) const;
  int chatCapacity(const Agent& agent) const;
  bool hasLiveChat(const Agent& agent) const;
  void chatWireFields(const Call& call, Json& wire) const;
  void patchChatWires(Json& sessions) const;
  ChatState* chatState(const std::string& sessionId) const;
  ChatRepository& chatRepository();

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
  // chat (im) sessions
  std::unique_ptr<ChatRepository> mOwnChatRepository;  // used when the host sets none
  ChatRepository* mChatRepository = nullptr;
  std::unordered_map<std::string, std::shared_ptr<ChatState>> mChats;  // by sessionId
  std::map<std::pair<std::int64_t, std::int64_t>, std::set<std::pair<std::int64_t, std::uint64_t>>> mChatQueues;
  std::set<std::uint64_t> mChatOffers;  // serials of chats ringing at an agent
  std::vector<ImCdrRecord> mUnstoredImCdrs;  // the repository failed: retried on the next dispatch
};

}  // namespace tccc::server::routing

#endif
