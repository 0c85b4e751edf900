// SPDX-License-Identifier: Apache-2.0
// What agents do with calls, and how calls end: accept, hang up or reject, transfer, hold, mute,
// DTMF, media signalling, placing outbound and internal calls; the far end's answers (FarEndEvents);
// the session timer (IVR input, queue wait, ring timeout, no answer); the end of a call, its views
// and its CDR. Chat sessions take the same requests and are handed to ChatRouting.
#ifndef TCCC_SERVER_ROUTING_CALLCONTROL_HPP
#define TCCC_SERVER_ROUTING_CALLCONTROL_HPP

#include "routing/FarEnd.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/TimerQueue.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace tccc::server::routing {

struct Agent;

class CallControl : public FarEndEvents, public TimerOwner {
 public:
  explicit CallControl(RoutingContext& c);
  ~CallControl();

  /// Far ends an outbound call may reach, asked in this order (the first that reaches the number
  /// takes the call); a number nobody reaches rings out unanswered.
  void addOutboundRoute(FarEnd& farEnd) { mOutboundRoutes.push_back(&farEnd); }

  // agent requests (data validated against the method's fields)
  Result startOutbound(Agent& agent, const Json& data, std::int64_t nowMs);
  Result startInternal(Agent& agent, const Json& data, std::int64_t nowMs);
  Result accept(Agent& agent, const Json& data, std::int64_t nowMs);
  Result hangUp(Agent& agent, const Json& data, std::int64_t nowMs);
  Result transfer(Agent& agent, const Json& data, std::int64_t nowMs);
  Result hold(Agent& agent, const Json& data, bool hold, std::int64_t nowMs);
  Result mute(Agent& agent, const Json& data, bool mute, std::int64_t nowMs);
  Result pauseRecording(Agent& agent, const Json& data, bool pause);
  Result sendDigits(Agent& agent, const Json& data, std::int64_t nowMs);
  Result media(Agent& agent, std::string_view method, const Json& data);
  /// media.ws: the call's audio over a WebSocket (docs/protocol.md), for the agent side's agent of a
  /// connected call whose media the server carries.
  Result mediaWs(Agent& agent, const Json& data, std::int64_t nowMs);
  Result chatSend(Agent& agent, const Json& data, std::int64_t nowMs);
  Result chatHistory(Agent& agent, const Json& data);

  /// HangUpCall of the cloud API: any live session of the tenant.
  Error adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs);

  /// Ends a call (not a chat): every agent's view, the far end, the CDR, the agents' statuses.
  void end(Session& session, const EndSpec& spec, std::int64_t nowMs);
  /// Tells the customer where the session is (and keeps it in the session's history).
  void tellCustomer(Session& session, CustomerState state, std::optional<EndStatus> reason = std::nullopt);
  /// A live call's CDR so far goes to the crash journal: when it starts and when an agent answers,
  /// the two moments its CDR-to-be gains what a recovered CDR must show (caller, agent). Chats keep
  /// no journal (docs/reliability.md says what they would need).
  void journal(const Session& session);
  /// The session's one timer fires at `atMs` (replacing any other it had).
  void armTimer(Session& session, std::int64_t atMs);

  // FarEndEvents
  void answered(Session& session, std::int64_t nowMs) override;
  void refused(Session& session, EndStatus why, std::int64_t nowMs) override;
  void hungUp(Session& session, bool deliberately, std::int64_t nowMs) override;
  void keysPressed(Session& session, std::string_view keys, std::int64_t nowMs) override;
  void mediaToAgent(Session& session, std::string_view event, Json payload) override;

  void onTimer(std::uint64_t serial, std::uint64_t gen, std::int64_t nowMs) override;

  /// Whether a transfer or internal call to `agent` would ring it now (free or notReady, connected,
  /// not on a call or being offered one).
  bool takesCallsNow(const Agent& agent) const;

 private:
  /// The session `data.sessionId` names, if this agent has seen it: ERR_SESSION_NOT_FOUND otherwise
  /// (another agent's or tenant's ids look like unknown ones). Null when the engine forgot it.
  Session* owned(Agent& agent, const Json& data, Error& error) const;
  void connect(Session& session, std::int64_t nowMs);
  Result relayInternal(Agent& agent, Session& session, std::string_view method, Json payload);

  RoutingContext& c;
  std::vector<FarEnd*> mOutboundRoutes;
  std::unique_ptr<FarEnd> mUnreachable;
};

}  // namespace tccc::server::routing

#endif
