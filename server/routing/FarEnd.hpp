// SPDX-License-Identifier: Apache-2.0
// The far end of a session: whoever is on the customer's side of it. Today that is a customer's
// socket (CustomerDesk: the caller, voice, video and callee pages) or the simulated telephone
// network (sim::SimulatedNetwork: /sim/inbound callers, the outbound test numbers, and the server's
// own media leg toward the agent); next a media server, a SIP trunk or another node. The engine
// tells the far end what happens on the center's side; the far end answers through FarEndEvents.
// Internal calls have none: both of their ends are agents.
#ifndef TCCC_SERVER_ROUTING_FAREND_HPP
#define TCCC_SERVER_ROUTING_FAREND_HPP

#include "routing/Outbox.hpp"
#include "routing/Session.hpp"

#include <string>
#include <string_view>

namespace tccc::server::routing {

class FarEnd {
 public:
  virtual ~FarEnd() = default;

  /// Whether an outbound call to `number` goes to this far end (the first that says so takes it).
  virtual bool reaches(std::string_view number) const = 0;
  /// An outbound call rings there (the agent's view is dialing). The answer comes through
  /// FarEndEvents; without one the engine gives up after its outbound no-answer time.
  virtual void dial(Session& session, std::int64_t nowMs) = 0;

  /// The customer's side of the session changed: `state` is the customer.state event's data
  /// ({sessionId, state, reason?, caller?, agent?}).
  virtual void customerState(Session& session, const Json& state) = 0;
  /// The IVR menu plays (again): {sessionId, prompt, options, attempt, maxAttempts}.
  virtual void ivrMenu(Session&, const Json&) {}
  /// The agent sent DTMF digits.
  virtual void digits(Session&, const std::string&) {}
  /// An agent is connected to the customer now (it accepted, or the far end answered).
  virtual void agentJoined(Session&, std::int64_t) {}
  /// The agent it talked to is gone from the session (transferred it away, or the session ended).
  virtual void agentLeft(Session&) {}
  /// The session was held or resumed (session.held).
  virtual void holdChanged(Session&) {}
  /// The agent's socket dropped (up = false) or came back (a new login of that agent).
  virtual void agentConnection(Session&, bool up) { (void)up; }
  /// The session ended; nothing more is said to the far end about it.
  virtual void ended(Session&) {}
  /// Media signalling from the connected agent (media.offer / answer / candidate, validated).
  virtual Result agentMedia(Session& session, std::string_view method, Json payload) = 0;
  /// The engine drops the session from its memory (long after it ended).
  virtual void forget(const Session&) {}
};

/// What a far end reports back; the engine's call control implements it.
class FarEndEvents {
 public:
  /// The far end of a dialing outbound call answered.
  virtual void answered(Session& session, std::int64_t nowMs) = 0;
  /// The far end of a dialing outbound call refused it: busy, userReject or notAnswer.
  virtual void refused(Session& session, EndStatus why, std::int64_t nowMs) = 0;
  /// The customer hung up (`deliberately`) or vanished (its connection is gone).
  virtual void hungUp(Session& session, bool deliberately, std::int64_t nowMs) = 0;
  /// IVR keys the customer pressed.
  virtual void keysPressed(Session& session, std::string_view keys, std::int64_t nowMs) = 0;
  /// Media signalling from the far end to the session's connected agent.
  virtual void mediaToAgent(Session& session, std::string_view event, Json payload) = 0;

 protected:
  ~FarEndEvents() = default;
};

}  // namespace tccc::server::routing

#endif
