// SPDX-License-Identifier: Apache-2.0
// The engine's side of the media plane (docs/media.md): every call's media is anchored at the
// server, so each party negotiates with the server, never with the other party. This part decides
// which legs a call has — the customer's (far side) and the connected agent's; an internal call's
// callee on the far side — and turns the parties' media requests into media commands for the host
// and the server's descriptions back into events for the right party. A transfer or a ring
// timeout closes only the agent's leg: the customer's stays, and the next agent gets a leg of its
// own. The agent a customer call rings at is offered its leg while it rings, so the connection is
// up when it accepts and accepting only joins it to the call (docs/media.md, "Ringing"). Calls of
// the simulated telephone network keep their own leg (sim::SimulatedNetwork).
// Off (EngineOptions::anchorMedia false) the engine relays negotiation browser to browser.
#ifndef TCCC_SERVER_ROUTING_MEDIAANCHOR_HPP
#define TCCC_SERVER_ROUTING_MEDIAANCHOR_HPP

#include "routing/Agent.hpp"
#include "routing/MediaWsTokens.hpp"
#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

#include <string_view>
#include <variant>

namespace tccc::server::routing {

class MediaAnchor {
 public:
  /// Which side of a call's media a party is on (media::Side's values).
  enum class Side : std::uint8_t { Far = 0, Agent = 1, RingingAgent = 2 };

  explicit MediaAnchor(RoutingContext& c) : c(c) {}

  /// Whether the server terminates this call's media (not a chat, not a simulated far end).
  bool anchors(const Session& session) const;
  /// Whether the call's audio passes through the server (and so can be recorded): anchored calls and
  /// the simulated telephone network's calls with server media.
  bool records(const Session& session) const;

  /// The call rings at `agent`: the server offers it a leg now, which carries nothing until it
  /// accepts (customer calls; an internal call's callee is offered its leg when it answers).
  void agentRinging(Session& session, const Agent& agent);
  /// The ring ended without an accept (rejected, timed out, withdrawn): the waiting leg closes.
  void ringEnded(Session& session);
  /// An agent is connected to the call now (accepted, or its outbound call was answered): its
  /// ringing leg joins the call, or the server offers it a leg. An internal call's callee answered:
  /// the server offers it a leg too.
  void agentJoined(Session& session);
  /// The connected agent left (transfer, ring timeout, its session ended for it).
  void agentLeft(Session& session);
  void holdChanged(Session& session);
  /// session.pauseRecording / resumeRecording: the recording is paused (session.recordingPaused) or not.
  void recordingPaused(Session& session);
  /// The agent's socket dropped (its leg goes) or came back (it gets a new leg).
  void agentConnection(Session& session, bool up);
  void ended(Session& session);

  /// media.offer / media.answer / media.candidate from an agent who is a party of the session, or
  /// whom it rings at with a leg (ringsWithLeg).
  Result fromAgent(Session& session, const Agent& agent, std::string_view method, const Json& payload);
  /// The call rings at `agent`, which has a leg waiting: it may negotiate before it accepts.
  bool ringsWithLeg(const Session& session, const Agent& agent) const;
  /// The same from the customer's socket.
  Result fromCustomer(Session& session, std::string_view method, const Json& payload);
  /// The server's offer or answer for `side`'s leg, to whoever is on that side.
  void fromServer(Session& session, Side side, std::string_view event, const std::string& sdp);

  /// media.ws from the agent on the agent side of a connected call whose media the server carries
  /// (checked by CallControl): a single-use ticket for /ws/media, {path, token}.
  Result webSocketTicket(const Session& session, const Agent& agent, std::int64_t nowMs);
  /// A ticket presented at /ws/media: used up, and the call it names if that agent is still on it.
  std::variant<MediaWsClaim, Error> redeemWebSocket(std::string_view token, std::int64_t nowMs);
  /// The path of the audio WebSocket.
  static constexpr const char* kWebSocketPath = "/ws/media";

 private:
  Result negotiate(Session& session, Side side, std::string_view method, const Json& payload,
                   const std::string& participant);
  std::string participantOf(const Session& session, Side side) const;
  /// A media command for `side` of the session, with what every media command carries.
  Command make(Command::Type type, const Session& session, Side side, std::string participant) const;
  void command(Command::Type type, const Session& session, Side side);

  RoutingContext& c;
  MediaWsTokens mTickets;
};

}  // namespace tccc::server::routing

#endif
