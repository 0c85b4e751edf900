// SPDX-License-Identifier: Apache-2.0
// One output of the routing engine, carried out in order by its host (signalling/ContactCenter):
// a frame to send, a socket to close, a CDR to store (or a live call's CDR so far to journal), or a
// step of the media plane.
#ifndef TCCC_SERVER_ROUTING_COMMAND_HPP
#define TCCC_SERVER_ROUTING_COMMAND_HPP

#include "../Interfaces.hpp"
#include "protocol/Vocabulary.generated.hpp"

#include <cstdint>
#include <string>

namespace tccc::server::routing {

struct Command {
  enum class Type {
    Send,
    Close,
    StoreCdr,
    // The call is live: `cdr` is its CDR so far (no end yet), for the crash journal (docs/reliability.md)
    JournalLiveCall,
    // The media plane (server/media, docs/media.md), for `sessionId`:
    MediaOffer,           // a new leg toward `side` offers (host: serverMedia(…, "media.offer", sdp))
    MediaAnswerOffer,     // the browser on `side` offered `text`; the host answers (serverMedia "media.answer")
    MediaRemoteAnswer,    // the browser on `side` answered our offer with `text`
    MediaOpenSimulated,   // the simulated caller says the file `text` and the agent side is offered a leg
    MediaHold,            // held or resumed (`held`)
    MediaRecording,       // the recording is paused (`held` true) or resumed
    MediaCloseLeg,        // `side`'s leg is gone (a transfer); the call's media stays
    MediaClose,           // the call is over
    MediaConnectRinging,  // the ringing agent accepted: its leg joins the call (else a MediaOffer's work)
    MediaMonitorMode,     // the supervisor on the call is on it in `monitorMode` now
    MediaMonitorClose,    // the supervisor left the call: its leg closes
  };
  Type type = Type::Send;
  ConnectionId connection = 0;  // Send, Close
  std::string text;             // Send: one encoded frame; media: an SDP or the audioFile
  int closeCode = 0;            // Close
  std::string reason;           // Close
  std::int64_t sdkAppId = 0;    // StoreCdr, JournalLiveCall; Media*: the tenant (recording)
  Json cdr;                     // StoreCdr, JournalLiveCall
  std::string sessionId;        // Media*
  // Media*: 0 the far side (customer, or an internal call's callee), 1 the agent, 2 the agent the
  // call rings at (its leg connects while it rings and joins at accept: MediaConnectRinging)
  std::uint8_t side = 0;
  bool held = false;              // MediaHold, MediaOpenSimulated, MediaOffer
  bool video = false;             // MediaOffer
  std::int64_t skillGroupId = 0;  // Media*: the call's skill group (whether it is recorded, transcribed)
  std::string participant;        // MediaOffer, MediaAnswerOffer, MediaOpenSimulated: who is on that leg
  std::string farParticipant;     // MediaOpenSimulated: the simulated party at the far end (a phone number)
  protocol::MonitorMode monitorMode = protocol::MonitorMode::Listen;  // MediaMonitorMode
};

}  // namespace tccc::server::routing

#endif
