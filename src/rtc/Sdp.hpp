// SPDX-License-Identifier: Apache-2.0
// The SDP of a server media leg, in both directions of a negotiation. The server offers to an
// agent's SDK (it answers) and answers a customer page or an internal caller (they offer). Either
// way the server's side is one BUNDLEd transport (ICE-lite with one host candidate, DTLS-SRTP,
// rtcp-mux) carrying Opus audio and, for video calls, VP8 video with NACK and PLI feedback. From the
// browser's side the server needs only the ICE credentials, the certificate fingerprint and DTLS
// role, the payload types it chose and the directions.
// The native SDK's UDP audio (native/media/RtcAudioTransport) is the other side of the same
// negotiation: it builds its descriptions here too (a full ICE agent, audio only) and reads the
// server's candidate from the server's description.
#ifndef TCCC_RTC_SDP_HPP
#define TCCC_RTC_SDP_HPP

#include <cstdint>
#include <string>
#include <variant>

namespace tccc::rtc {

/// Our side of a negotiation: an offer, or an answer to a browser's offer.
struct LocalDescription {
  std::uint64_t sessionVersion = 1;  // o= session id; a new leg gets a new one
  int version = 1;                   // o= version: grows with every new description of the session
  std::string iceUfrag;              // 4..256 ice-chars (RFC 8839)
  std::string icePwd;                // 22..256 ice-chars
  std::string fingerprint;           // sha-256, "AB:CD:…"
  std::string host;                  // our candidate's address (IPv4 or IPv6 literal)
  std::uint16_t port = 0;
  std::uint32_t ssrc = 0;       // our audio stream
  std::uint32_t videoSsrc = 0;  // our video stream (video legs)
  std::string cname = "tccc-server";
  std::string sessionName = "tccc server media";  // s=
  bool iceLite = true;                            // the server; the native SDK is a full (controlling) agent
  std::string setup = "actpass";                  // an answer says active or passive
  // What is negotiated. In an offer: our payload types and mids; in an answer: the offer's.
  int opusPayloadType = 111;
  int dtmfPayloadType = 126;  // RFC 4733 telephone-event/48000; < 0: none (the offer had none)
  int vp8PayloadType = 96;
  std::string audioMid = "0";
  std::string videoMid = "1";
  bool video = false;          // a video m-line follows (or, in an answer, is accepted)
  bool videoFirst = false;     // an answer keeps the offer's m-line order
  bool videoRejected = false;  // an answer to an offer whose video we cannot take: port 0
  std::string audioDirection = "sendrecv";
  std::string videoDirection = "sendrecv";
};

/// What the server needs from the browser's description (its answer, or its offer).
struct RemoteDescription {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintAlgorithm;  // lower case, e.g. "sha-256"
  std::string fingerprint;           // upper-case hex pairs with colons
  std::string setup;                 // active | passive (an offer may say actpass)
  int opusPayloadType = -1;
  int dtmfPayloadType = -1;  // telephone-event/48000, if offered or accepted
  std::string audioMid;
  std::string direction = "sendrecv";  // of the audio
  bool video = false;                  // has a video m-line that is not rejected
  bool videoFirst = false;             // the video m-line came before the audio one
  int vp8PayloadType = -1;             // -1: the video section offers no VP8
  std::string videoMid;
  std::string videoDirection = "sendrecv";
  /// The first UDP candidate of component 1 (RTP, rtcp-muxed), if any: where an ICE-lite peer
  /// (the server) can be reached. Empty / 0 when the description has none.
  std::string candidateHost;
  std::uint16_t candidatePort = 0;
};

class Sdp {
 public:
  static constexpr int kOpusPayloadType = 111;
  static constexpr int kVp8PayloadType = 96;
  static constexpr int kDtmfPayloadType = 126;

  /// Our offer, or (with `setup` active/passive and the offer's payload types and mids) our answer.
  static std::string build(const LocalDescription& local);

  /// Parses the answer to our offer. Returns the reason when it cannot be used (no audio, audio
  /// rejected, no ICE credentials, no sha-256/384/512 fingerprint, no Opus, an impossible role).
  static std::variant<RemoteDescription, std::string> parseAnswer(const std::string& sdp);
  /// Parses a browser's offer (a first offer, or a re-offer to restart ICE); a=setup may be actpass.
  static std::variant<RemoteDescription, std::string> parseOffer(const std::string& sdp);
  /// The answer's direction for one the offer states: we send and receive whatever it allows.
  static std::string answerDirection(const std::string& offered);

 private:
  static std::variant<RemoteDescription, std::string> parse(const std::string& sdp, bool offer);
};

}  // namespace tccc::rtc

#endif
