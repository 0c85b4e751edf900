// SPDX-License-Identifier: Apache-2.0
// The two SDP documents of a server media leg: the offer the server sends (one audio m-line,
// Opus, ICE-lite with one host candidate, DTLS-SRTP) and the browser's answer, from which it only
// needs the ICE credentials, the DTLS certificate fingerprint and role, and Opus' payload type.
#ifndef TCCC_SERVER_MEDIA_SDP_HPP
#define TCCC_SERVER_MEDIA_SDP_HPP

#include <cstdint>
#include <string>
#include <variant>

namespace tccc::server::media {

struct SdpOffer {
  std::uint64_t sessionVersion = 1;  // o= session id; a new leg gets a new one
  int version = 1;                   // o= version: grows with every new description of the session
  std::string iceUfrag;              // 4..256 ice-chars (RFC 8839)
  std::string icePwd;                // 22..256 ice-chars
  std::string fingerprint;           // sha-256, "AB:CD:…"
  std::string host;                  // our candidate's address (IPv4 or IPv6 literal)
  std::uint16_t port = 0;
  std::uint32_t ssrc = 0;
  std::string cname = "tccc-server";
  bool sendrecv = true;           // false: sendonly (the leg still talks but will not listen)
  std::string setup = "actpass";  // an answer (to a browser's ICE restart) says active or passive
};

/// What the server needs from the browser's answer.
struct SdpAnswer {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintAlgorithm;  // lower case, e.g. "sha-256"
  std::string fingerprint;           // upper-case hex pairs with colons
  std::string setup;                 // active | passive
  int opusPayloadType = -1;
  std::string direction = "sendrecv";
};

class Sdp {
 public:
  static constexpr int kOpusPayloadType = 111;

  static std::string buildOffer(const SdpOffer& offer);

  /// Parses an answer to buildOffer(). Returns the reason when it cannot be used (no audio, audio
  /// rejected, no ICE credentials, no sha-256/384/512 fingerprint, no Opus, an impossible role).
  static std::variant<SdpAnswer, std::string> parseAnswer(const std::string& sdp);
  /// Parses a browser's re-offer (an ICE restart); like parseAnswer() but a=setup may be actpass.
  static std::variant<SdpAnswer, std::string> parseOffer(const std::string& sdp);

 private:
  static std::variant<SdpAnswer, std::string> parse(const std::string& sdp, bool offer);
};

}  // namespace tccc::server::media

#endif
