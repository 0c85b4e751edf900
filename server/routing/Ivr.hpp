// SPDX-License-Identifier: Apache-2.0
// A service number's IVR menu: played to the caller, a key picks a skill group, a wrong key or
// silence plays it again, and after maxIvrAttempts the call ends (ivrEnd).
#ifndef TCCC_SERVER_ROUTING_IVR_HPP
#define TCCC_SERVER_ROUTING_IVR_HPP

#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

namespace tccc::server::routing {

class Ivr {
 public:
  explicit Ivr(RoutingContext& c) : c(c) {}

  /// The caller enters the number's menu.
  void start(Session& session, const ServiceNumberInfo& number, std::int64_t nowMs);
  /// A key pressed while the menu plays; key 0 means the input timed out.
  void key(Session& session, char key, std::int64_t nowMs);

 private:
  void play(Session& session, std::int64_t nowMs);

  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
