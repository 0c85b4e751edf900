// SPDX-License-Identifier: Apache-2.0
// The records a finished session leaves: the phone CDR of the cloud API and the CDR push
// (tccc-facts.md §3.2: SessionId, timestamps, SeatUser, ServeParticipants, IVR keys, Uui, …) and
// the IM CDR of a chat (IMCdrInfo).
#ifndef TCCC_SERVER_ROUTING_CDRBUILDER_HPP
#define TCCC_SERVER_ROUTING_CDRBUILDER_HPP

#include "routing/RoutingContext.hpp"
#include "routing/Session.hpp"

#include "../chat/ChatRepository.hpp"

namespace tccc::server::routing {

class CdrBuilder {
 public:
  explicit CdrBuilder(RoutingContext& c) : c(c) {}

  /// The phone CDR; for a live session, its CDR so far (EndedTimestamp 0 where nothing ended yet).
  Json phoneCdr(const Session& session) const;
  ImCdrRecord imCdr(const Session& session) const;

 private:
  RoutingContext& c;
};

}  // namespace tccc::server::routing

#endif
