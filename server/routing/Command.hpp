// SPDX-License-Identifier: Apache-2.0
// One output of the routing engine, carried out in order by its host (signalling/ContactCenter):
// a frame to send, a socket to close, a CDR to store, or a step of the server's own media leg.
#ifndef TCCC_SERVER_ROUTING_COMMAND_HPP
#define TCCC_SERVER_ROUTING_COMMAND_HPP

#include "../Interfaces.hpp"

#include <cstdint>
#include <string>

namespace tccc::server::routing {

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

}  // namespace tccc::server::routing

#endif
