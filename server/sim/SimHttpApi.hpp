// SPDX-License-Identifier: Apache-2.0
// HTTP endpoints of the call simulator (server/sim/README.md): place an inbound call without a
// browser and watch what happens to it. Stateless functions over the RoutingEngine.
#ifndef TCCC_SERVER_SIM_SIMHTTPAPI_HPP
#define TCCC_SERVER_SIM_SIMHTTPAPI_HPP

#include "../Interfaces.hpp"
#include "../routing/RoutingEngine.hpp"

#include <functional>
#include <optional>
#include <string>

namespace tccc::server::sim {

class SimHttpApi {
 public:
  /// Checks a request's audioFile: "" when it can be played, else the reason (400 ERR_INVALID_ARGUMENT).
  using AudioCheck = std::function<std::string(const std::string&)>;
  /// The `media` object of a session (its server media leg's statistics), if it had one.
  using MediaStats = std::function<std::optional<Json>(const std::string&)>;

  /// POST /sim/inbound {caller, serviceNumber, ivrKeys?, holdSeconds?, audioFile?} -> {sessionId}
  static HttpResponse inbound(routing::RoutingEngine& engine, const HttpRequest& request, std::int64_t nowMs,
                              const AudioCheck& checkAudio = {});
  /// GET /sim/sessions/<id> or GET /sim/sessions?sessionId=<id>
  static HttpResponse session(const routing::RoutingEngine& engine, const HttpRequest& request,
                              const MediaStats& media = {});
  /// Applies an impairment to a session's agent-side media; false when it has none.
  using Impair = std::function<bool(const std::string& sessionId, double loss, bool udpBlocked)>;
  /// POST /sim/sessions/<id>/impair {loss, blockUdp}: the agent side's network from now on. `loss`
  /// drops that fraction (0..1) of its audio packets in both directions, whatever carries them
  /// (WebRTC or the audio WebSocket); `blockUdp` makes its WebRTC leg lose every datagram, ICE
  /// checks included, as a network that stopped passing UDP. What the body leaves out is 0 / false:
  /// `{}` is refused, `{"loss": 0}` recovers.
  static HttpResponse impair(const routing::RoutingEngine& engine, const HttpRequest& request, const Impair& apply);
  /// GET /sim/test-numbers: the outbound numbers with fixed behaviour.
  static HttpResponse testNumbers();
};

}  // namespace tccc::server::sim

#endif
