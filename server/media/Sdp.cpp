// SPDX-License-Identifier: Apache-2.0
#include "media/Sdp.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace tccc::server::media {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool isHexFingerprint(const std::string& f) {
  // "AB:CD:…": pairs of hex digits separated by colons.
  if (f.size() < 2 || (f.size() + 1) % 3 != 0) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (i % 3 == 2) {
      if (f[i] != ':') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(f[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string Sdp::buildOffer(const SdpOffer& o) {
  const bool v6 = o.host.find(':') != std::string::npos;
  const std::string ipv = v6 ? "IP6" : "IP4";
  const std::string port = std::to_string(o.port);
  const std::string pt = std::to_string(kOpusPayloadType);
  std::ostringstream s;
  s << "v=0\r\n"
    << "o=- " << o.sessionVersion << " " << o.version << " IN " << ipv << " " << o.host << "\r\n"
    << "s=tccc server media\r\n"
    << "t=0 0\r\n"
    // ICE-lite: the server only answers connectivity checks; the browser is the controlling agent.
    << "a=ice-lite\r\n"
    << "a=group:BUNDLE 0\r\n"
    << "a=msid-semantic: WMS tccc\r\n"
    << "m=audio " << port << " UDP/TLS/RTP/SAVPF " << pt << "\r\n"
    << "c=IN " << ipv << " " << o.host << "\r\n"
    << "a=rtcp:" << port << " IN " << ipv << " " << o.host << "\r\n"
    << "a=ice-ufrag:" << o.iceUfrag << "\r\n"
    << "a=ice-pwd:" << o.icePwd << "\r\n"
    << "a=fingerprint:sha-256 " << o.fingerprint
    << "\r\n"
    // actpass lets the browser pick; it takes the DTLS client role (active), as RFC 8842 advises.
    << "a=setup:" << o.setup << "\r\n"
    << "a=mid:0\r\n"
    << "a=" << (o.sendrecv ? "sendrecv" : "sendonly") << "\r\n"
    << "a=msid:tccc tccc-audio\r\n"
    << "a=rtcp-mux\r\n"
    << "a=rtpmap:" << pt << " opus/48000/2\r\n"
    << "a=fmtp:" << pt << " minptime=10;useinbandfec=1\r\n"
    << "a=ssrc:" << o.ssrc << " cname:" << o.cname << "\r\n"
    << "a=candidate:1 1 udp 2130706431 " << o.host << " " << port << " typ host\r\n"
    << "a=end-of-candidates\r\n";
  return s.str();
}

std::variant<SdpAnswer, std::string> Sdp::parseAnswer(const std::string& sdp) { return parse(sdp, false); }

std::variant<SdpAnswer, std::string> Sdp::parseOffer(const std::string& sdp) { return parse(sdp, true); }

std::variant<SdpAnswer, std::string> Sdp::parse(const std::string& sdp, bool offer) {
  const std::string what = offer ? "the offer" : "the answer";
  if (sdp.empty()) return what + " is empty";
  SdpAnswer a;
  std::string sessionUfrag, sessionPwd, sessionFpAlg, sessionFp, sessionSetup;
  std::string mediaUfrag, mediaPwd, mediaFpAlg, mediaFp, mediaSetup;
  bool inAudio = false, sawAudio = false, audioRejected = false, inMedia = false;
  std::istringstream in(sdp);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    if (++lines > 2000) return what + " has too many lines";
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 2 || line[1] != '=') continue;  // tolerate blank or odd lines
    char kind = line[0];
    std::string value = line.substr(2);
    if (kind == 'm') {
      inMedia = true;
      inAudio = false;
      if (value.rfind("audio ", 0) == 0 && !sawAudio) {
        inAudio = sawAudio = true;
        std::istringstream m(value.substr(6));
        std::string portText;
        m >> portText;
        audioRejected = portText == "0";
      }
      continue;
    }
    if (kind != 'a' || (inMedia && !inAudio)) continue;
    std::string name = value, attr;
    auto colon = value.find(':');
    if (colon != std::string::npos) {
      name = value.substr(0, colon);
      attr = value.substr(colon + 1);
    }
    std::string& ufrag = inMedia ? mediaUfrag : sessionUfrag;
    std::string& pwd = inMedia ? mediaPwd : sessionPwd;
    std::string& fpAlg = inMedia ? mediaFpAlg : sessionFpAlg;
    std::string& fp = inMedia ? mediaFp : sessionFp;
    std::string& setup = inMedia ? mediaSetup : sessionSetup;
    if (name == "ice-ufrag") {
      ufrag = attr;
    } else if (name == "ice-pwd") {
      pwd = attr;
    } else if (name == "fingerprint") {
      auto sp = attr.find(' ');
      if (sp == std::string::npos) continue;
      std::string alg = lower(attr.substr(0, sp));
      // Prefer sha-256 when several are given; keep any supported one otherwise.
      if (fpAlg == "sha-256") continue;
      if (alg == "sha-256" || alg == "sha-384" || alg == "sha-512") {
        fpAlg = alg;
        fp = upper(attr.substr(sp + 1));
      }
    } else if (name == "setup") {
      setup = attr;
    } else if (name == "rtpmap" && inAudio) {
      // a=rtpmap:<pt> opus/48000/2
      std::istringstream r(attr);
      int pt = -1;
      std::string codec;
      r >> pt >> codec;
      if (pt >= 0 && pt <= 127 && lower(codec).rfind("opus/48000", 0) == 0 && a.opusPayloadType < 0)
        a.opusPayloadType = pt;
    } else if (inAudio && (name == "sendrecv" || name == "sendonly" || name == "recvonly" || name == "inactive")) {
      a.direction = name;
    }
  }
  if (!sawAudio) return what + " has no audio m-line";
  if (audioRejected) return what + " rejected the audio m-line";
  a.iceUfrag = !mediaUfrag.empty() ? mediaUfrag : sessionUfrag;
  a.icePwd = !mediaPwd.empty() ? mediaPwd : sessionPwd;
  a.fingerprintAlgorithm = !mediaFp.empty() ? mediaFpAlg : sessionFpAlg;
  a.fingerprint = !mediaFp.empty() ? mediaFp : sessionFp;
  a.setup = !mediaSetup.empty() ? mediaSetup : sessionSetup;
  if (a.iceUfrag.empty() || a.iceUfrag.size() > 256 || a.icePwd.empty() || a.icePwd.size() > 256)
    return what + " has no usable ice-ufrag / ice-pwd";
  if (a.fingerprint.empty() || !isHexFingerprint(a.fingerprint))
    return what + " has no sha-256/384/512 certificate fingerprint";
  if (a.setup.empty()) a.setup = offer ? "actpass" : "active";  // RFC 8842 defaults
  if (a.setup != "active" && a.setup != "passive" && !(offer && a.setup == "actpass"))
    return what + "'s a=setup must be active or passive" + (offer ? " or actpass" : "") + ", not " +
           a.setup.substr(0, 16);
  if (a.opusPayloadType < 0) return what + " does not accept Opus";
  return a;
}

}  // namespace tccc::server::media
