// SPDX-License-Identifier: Apache-2.0
// One party's leg of a call as its MediaBridge sees it, whatever carries it: a browser's WebRTC
// connection (MediaLeg: ICE-lite, DTLS-SRTP over UDP) or the SDK's audio WebSocket (WebSocketLeg,
// for agents whose network blocks UDP). The bridge hands a leg the other side's packets, in their
// own RTP numbering, and the leg sends them in one stream of its own (OutboundRtpStream), so a
// change of source or of transport never looks like a jump. What a leg receives goes to its sink.
// Lives on the media thread from start() on.
#ifndef TCCC_SERVER_MEDIA_BRIDGELEG_HPP
#define TCCC_SERVER_MEDIA_BRIDGELEG_HPP

#include "media/RtcPieces.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace tccc::server::media {

/// What one leg did; outlives the leg (GET /sim/sessions/<id>). Written on the media thread (and,
/// for a WebSocket leg, on the signalling thread that writes its socket) and read on the
/// signalling thread, so every access holds `mutex`.
struct MediaStats {
  mutable std::mutex mutex;
  std::string transport = "webrtc";  // webrtc | websocket
  std::string state = "new";         // new | connecting | connected | failed | closed
  std::string error;                 // why it failed
  std::string remoteAddress;         // the browser's selected address, "ip:port"
  int legs = 0;                      // legs opened for this side (a transfer or a reconnect makes a new one)
  bool held = false;
  std::uint64_t packetsIn = 0, bytesIn = 0;    // audio from the party (payload bytes, as getStats counts)
  std::uint64_t packetsOut = 0, bytesOut = 0;  // audio to the party
  std::uint64_t videoPacketsIn = 0, videoPacketsOut = 0;
  std::uint64_t keyFrameRequests = 0;  // PLI/FIR from the browser
  std::uint64_t retransmitted = 0;     // video packets sent again for a NACK
  std::uint64_t rtcpIn = 0;
  std::uint64_t dropped = 0;                      // refused input: malformed, unauthenticated, from unchecked addresses
  std::uint64_t droppedOut = 0;                   // audio not sent: the WebSocket's send queue held more than 200 ms
  double loss = 0;                                // the simulated loss (impair), each way
  std::uint64_t impairedIn = 0, impairedOut = 0;  // audio packets the simulated loss dropped
  double rmsIn = 0;      // level of the party's decoded audio over the last 500 ms (full scale 1.0)
  double peakRmsIn = 0;  // highest rmsIn seen
  std::int64_t connectedAtMs = 0;
  std::int64_t closedAtMs = 0;
};

class BridgeLeg;

/// Where a leg's incoming media goes (its call's bridge). Called on the media thread.
class MediaLegSink {
 public:
  /// An Opus packet from the party (`payload` is the Opus frame), or a telephone-event packet
  /// (from.isDtmf(header.payloadType)).
  virtual void onAudio(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) = 0;
  /// A VP8 packet from the browser.
  virtual void onVideo(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) = 0;
  /// The browser lost a key frame of the video we send it (PLI or FIR).
  virtual void onKeyFrameRequest(BridgeLeg& from) = 0;

 protected:
  ~MediaLegSink() = default;
};

class BridgeLeg {
 public:
  virtual ~BridgeLeg() = default;
  /// Starts receiving; `sink` gets the party's media until close().
  virtual void start(MediaLegSink* sink) = 0;
  /// Sends an Opus frame of `source` (any id unique per source) in the leg's audio stream; with
  /// `dtmf`, an RFC 4733 event packet in the same numbering.
  virtual void sendAudio(std::uint64_t source, const RtpHeader& header, const std::uint8_t* payload, std::size_t size,
                         std::int64_t nowUs, bool dtmf = false) = 0;
  /// Sends a VP8 packet; a leg without video ignores it.
  virtual void sendVideo(std::uint64_t /*source*/, const RtpHeader& /*header*/, const std::uint8_t* /*payload*/,
                         std::size_t /*size*/, std::int64_t /*nowUs*/) {}
  /// Asks the party for a key frame of the video it sends; a leg without video ignores it.
  virtual void requestKeyFrame() {}
  /// Whether a payload type this leg hands its sink is a telephone event.
  virtual bool isDtmf(std::uint8_t payloadType) const = 0;
  /// Held: remembered in the stats (the bridge decides what flows).
  virtual void setHeld(bool held) = 0;
  /// Simulated loss of `fraction` of the audio packets, each way (tests of network quality).
  virtual void setLoss(double fraction) = 0;
  /// Simulated network that stopped passing UDP: nothing in or out, ICE checks included (tests of
  /// the SDK's fallback to the WebSocket). Only a UDP leg has anything to block.
  virtual void setUdpBlocked(bool /*blocked*/) {}
  /// The media thread's 20 ms clock.
  virtual void tick(std::chrono::steady_clock::time_point now) = 0;
  /// Stops everything; idempotent.
  virtual void close() = 0;
  virtual bool connected() const = 0;
};

}  // namespace tccc::server::media

#endif
