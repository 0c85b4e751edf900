// SPDX-License-Identifier: Apache-2.0
// The contact center's routing, sans-I/O: agents and their statuses, sessions, the ACD over skill
// groups, IVR menus, inbound, outbound and internal calls, chats, customers and CDRs. It owns no
// socket, thread or clock: every input carries `nowMs` (Unix epoch milliseconds), timers are
// reported through nextDeadline() and fired by tick(), and every output is queued as a Command that
// the host (signalling/ContactCenter) carries out. That is what lets the GoogleTest suite drive
// hours of call flow in microseconds with an injected clock.
//
// This class is the facade and the one place the parts are put together (RoutingEngine.cpp); each
// part owns its state and has one job — docs/architecture.md draws them:
//   AgentRegistry, TenantDirectory, Acd, SessionTable   agents, tenants' config, queues, sessions
//   SessionViews, CdrBuilder                            what agents see, what a session leaves behind
//   AgentStatusTracker, AgentLifecycle                  statuses and ACW; login, logout, grace period
//   Ivr, CallRouting, CallControl, ChatRouting          how calls and chats flow
//   CustomerDesk, sim::SimulatedNetwork (FarEnd)        the customer's side of a session
// Requests are checked against the wire vocabulary (src/protocol) before any part sees them.
#ifndef TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP
#define TCCC_SERVER_ROUTING_ROUTINGENGINE_HPP

#include "../AfterCall.hpp"
#include "../Interfaces.hpp"
#include "../chat/ChatRepository.hpp"
#include "routing/Command.hpp"
#include "routing/EngineOptions.hpp"
#include "routing/FarEnd.hpp"
#include "routing/MediaWsTokens.hpp"
#include "sim/SimulatedNetwork.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tccc::server::routing {

using SimInboundRequest = sim::SimInboundRequest;

class RoutingEngine {
 public:
  using Options = EngineOptions;

  RoutingEngine(Directory& directory, Options options);
  ~RoutingEngine();
  RoutingEngine(const RoutingEngine&) = delete;
  RoutingEngine& operator=(const RoutingEngine&) = delete;

  // --- agent sockets (/ws/agent) ---
  /// Handles one decoded request; the response (and any events it causes) come out as commands.
  void onAgentRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  bool isAgentLoggedIn(ConnectionId conn) const;
  /// The app (SdkAppId) of the agent logged in on `conn`; nothing before login.
  std::optional<std::int64_t> agentApp(ConnectionId conn) const;
  /// The agent's socket is gone: its calls and status wait out the grace period for a reconnect, or,
  /// with `loggedOut` (the client closed with the goodbye code), end now as after auth.logout.
  void agentDisconnected(ConnectionId conn, std::int64_t nowMs, bool loggedOut = false);

  /// At start-up: calls that ended earlier today, from their stored CDRs, so that supervisors' figures
  /// for the day (offered, answered, abandoned, service level) survive a restart.
  void countStoredCalls(const std::vector<QueuedCallTimes>& calls, std::int64_t nowMs);
  /// At start-up, before any socket: the chats the last run left live (its live-chat journal) go on
  /// (ChatRouting::restore). Returns the entries that could not, for InterruptedChatRecovery.
  std::vector<LiveChatRecord> restoreChats(std::vector<LiveChatRecord> entries, std::int64_t nowMs);

  // --- customer sockets (/ws/customer) ---
  void onCustomerRequest(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  /// The app of the session the customer socket is or was last in; nothing before it had one.
  std::optional<std::int64_t> customerApp(ConnectionId conn) const;
  void customerDisconnected(ConnectionId conn, std::int64_t nowMs);

  // --- simulator ---
  /// Places a simulated inbound call; returns its sessionId.
  std::variant<std::string, Error> simInbound(const SimInboundRequest& request, std::int64_t nowMs);
  /// The simulator's view of a call (state, agent, IVR path, the customer-side state history).
  std::optional<Json> simSession(std::string_view sessionId) const;

  // --- the media plane ---
  /// The server's offer ("media.offer") or answer ("media.answer") for the leg on `side` (0 far,
  /// 1 agent) of the session, to whoever is on that side. Dropped when the call is no longer
  /// connected (late output of a leg already closed).
  void serverMedia(const std::string& sessionId, std::uint8_t side, std::string_view event, const std::string& sdp);
  /// A /ws/media socket presents the token of a media.ws answer: the call it may carry the agent
  /// side's audio of, or why not (the token is used up either way).
  std::variant<MediaWsClaim, Error> redeemMediaWs(std::string_view token, std::int64_t nowMs);
  /// POST /media/monitor presents the ticket of a supervisor.monitor answer: the call and the mode
  /// the supervisor is on it in, or why not (the ticket is used up either way).
  std::variant<MonitorClaim, Error> redeemMonitor(std::string_view token, std::int64_t nowMs);
  /// A live transcript result of the call (flow IN: the customer, OUT: the agent): a session.asr
  /// event to the agents on it while it is connected (held included); dropped once it has ended.
  void asrResult(const std::string& sessionId, std::string_view flow, const Json& result);

  // --- cloud API (LiveOps) ---
  Error adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs);
  Json staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds, std::int64_t nowMs);
  std::optional<Json> describeSession(std::int64_t sdkAppId, std::string_view sessionId) const;
  void directoryChanged(std::int64_t sdkAppId, std::int64_t nowMs);

  // --- time ---
  void tick(std::int64_t nowMs);
  /// The earliest pending timer (may be a stale one; tick() then simply finds nothing to do).
  std::optional<std::int64_t> nextDeadline() const;

  // --- far ends (FarEnd.hpp) ---
  /// Outbound calls to the numbers `farEnd` reaches go to it (after the simulator's test numbers and
  /// the callee pages): where a SIP trunk, a media server or another node plugs in. Not owned.
  void addOutboundRoute(FarEnd& farEnd);
  /// What a far end reports through: answered, refused, hung up, keys, media to the agent.
  FarEndEvents& farEndEvents();

  /// Where chat messages and IM CDRs go (not owned). Without one the engine keeps them in memory.
  void setChatRepository(ChatRepository* repository);
  /// Where wrap-ups go and history comes from (not owned). Without one, history lists only the
  /// sessions the engine still keeps and wrap-ups are refused (ERR_NOT_SUPPORTED).
  void setAfterCallStore(AfterCallStore* store);

  /// Moves out the commands produced so far.
  std::vector<Command> takeCommands();
  /// Hands back a vector takeCommands() returned, once its commands are carried out (optional: it
  /// only saves the next input's allocations).
  void recycleCommands(std::vector<Command> used);

  // --- introspection (tests, metrics) ---
  std::string agentStatus(std::int64_t sdkAppId, std::string_view userId) const;
  std::size_t queueLength(std::int64_t sdkAppId, std::int64_t skillGroupId) const;
  std::size_t liveCallCount() const;
  std::size_t agentCount() const;

 private:
  struct Parts;
  class ChatDispatch;
  Result handleAgent(ConnectionId conn, const protocol::Request& request, std::int64_t nowMs);
  void sweep(std::int64_t nowMs);

  std::unique_ptr<Parts> p;
};

}  // namespace tccc::server::routing

#endif
