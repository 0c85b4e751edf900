// SPDX-License-Identifier: Apache-2.0
// The simulated telephone network, as a far end of the routing engine: callers placed with
// POST /sim/inbound (optionally hanging up after holdSeconds), the outbound test numbers with their
// fixed behaviour (TestNumbers.hpp), and, for both, the server's own media leg toward the agent
// (server/media: ICE-lite, DTLS-SRTP, Opus), opened and closed here and run by the host.
#ifndef TCCC_SERVER_SIM_SIMULATEDNETWORK_HPP
#define TCCC_SERVER_SIM_SIMULATEDNETWORK_HPP

#include "routing/FarEnd.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/TimerQueue.hpp"
#include "sim/TestNumbers.hpp"

#include <string>
#include <unordered_map>
#include <variant>

namespace tccc::server::sim {

/// A simulated inbound caller without a browser (POST /sim/inbound).
struct SimInboundRequest {
  std::string caller;
  std::string serviceNumber;
  std::string ivrKeys;    // DTMF keys pressed as soon as the IVR menu plays
  int holdSeconds = -1;   // after being connected, hang up after this long; < 0 = stay until the agent hangs up
  std::string audioFile;  // what its media leg plays (a WAV the media server resolves)
};

class SimulatedNetwork final : public routing::FarEnd, public routing::TimerOwner {
 public:
  SimulatedNetwork(routing::RoutingContext& c, routing::FarEndEvents& events) : c(c), mEvents(events) {}

  /// Places a simulated inbound call; returns its sessionId.
  std::variant<std::string, Error> placeInbound(const SimInboundRequest& request, std::int64_t nowMs);
  /// Adds what the simulator knows of a session (holdSeconds, audioFile) to its /sim/sessions view.
  void describe(const routing::Session& session, Json& out) const;

  /// The media leg's SDP offer (after MediaOpen) or its answer to the agent's re-offer (after
  /// MediaRestart), to the agent; late output of a leg already closed is dropped.
  void mediaFromLeg(const std::string& sessionId, std::string_view event, const std::string& sdp);

  // FarEnd
  bool reaches(std::string_view number) const override { return findTestNumber(number) != nullptr; }
  void dial(routing::Session& session, std::int64_t nowMs) override;
  void customerState(routing::Session&, const Json&) override {}
  void agentJoined(routing::Session& session, std::int64_t nowMs) override;
  void agentLeft(routing::Session& session) override;
  void holdChanged(routing::Session& session) override;
  void agentConnection(routing::Session& session, bool up) override;
  routing::Result agentMedia(routing::Session& session, std::string_view method, Json payload) override;
  void forget(const routing::Session& session) override { mCalls.erase(session.serial); }

  void onTimer(std::uint64_t serial, std::uint64_t gen, std::int64_t nowMs) override;

 private:
  /// What the network does next with a call (the timer's job).
  enum class Next : std::uint8_t { Nothing, Answer, Busy, Reject, HangUp };
  struct SimCall {
    const TestNumber* testNumber = nullptr;
    int holdSeconds = -1;
    std::string audioFile;
    bool mediaOpen = false;  // the server media leg toward the agent is open
    Next next = Next::Nothing;
    std::uint64_t gen = 0;  // bumped to cancel `next`
  };
  SimCall& call(const routing::Session& session) { return mCalls[session.serial]; }
  void schedule(const routing::Session& session, Next next, std::int64_t atMs);
  bool wantsMedia(const routing::Session& session) const;
  void openMedia(routing::Session& session);
  void closeMedia(const routing::Session& session);

  routing::RoutingContext& c;
  routing::FarEndEvents& mEvents;
  std::unordered_map<routing::SessionSerial, SimCall> mCalls;
};

}  // namespace tccc::server::sim

#endif
