// SPDX-License-Identifier: Apache-2.0
#include "rtc/Sdp.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace tccc::rtc {

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

namespace {

void writeTransport(std::ostringstream& s, const LocalDescription& o, const std::string& ipv, const std::string& port) {
  // Every m-section repeats the transport attributes (JSEP 5.2.1); they are the same with BUNDLE.
  s << "c=IN " << ipv << " " << o.host << "\r\n"
    << "a=rtcp:" << port << " IN " << ipv << " " << o.host << "\r\n"
    << "a=ice-ufrag:" << o.iceUfrag << "\r\n"
    << "a=ice-pwd:" << o.icePwd << "\r\n"
    << "a=fingerprint:sha-256 " << o.fingerprint
    << "\r\n"
    // actpass lets the browser pick; it takes the DTLS client role (active), as RFC 8842 advises.
    << "a=setup:" << o.setup << "\r\n";
}

void writeCandidate(std::ostringstream& s, const LocalDescription& o, const std::string& port) {
  s << "a=candidate:1 1 udp 2130706431 " << o.host << " " << port << " typ host\r\n"
    << "a=end-of-candidates\r\n";
}

void writeAudio(std::ostringstream& s, const LocalDescription& o, const std::string& ipv, const std::string& port) {
  const std::string pt = std::to_string(o.opusPayloadType);
  const std::string dtmf = o.dtmfPayloadType >= 0 ? std::to_string(o.dtmfPayloadType) : "";
  s << "m=audio " << port << " UDP/TLS/RTP/SAVPF " << pt << (dtmf.empty() ? "" : " " + dtmf) << "\r\n";
  writeTransport(s, o, ipv, port);
  s << "a=mid:" << o.audioMid << "\r\n"
    << "a=" << o.audioDirection << "\r\n"
    << "a=msid:tccc tccc-audio\r\n"
    << "a=rtcp-mux\r\n"
    << "a=rtpmap:" << pt << " opus/48000/2\r\n"
    << "a=fmtp:" << pt << " minptime=10;useinbandfec=1\r\n";
  // DTMF as RFC 4733 events, forwarded like the voice (the browsers' RTCDTMFSender needs it).
  if (!dtmf.empty())
    s << "a=rtpmap:" << dtmf << " telephone-event/48000\r\n"
      << "a=fmtp:" << dtmf << " 0-16\r\n";
  s << "a=ssrc:" << o.ssrc << " cname:" << o.cname << "\r\n";
  writeCandidate(s, o, port);
}

void writeVideo(std::ostringstream& s, const LocalDescription& o, const std::string& ipv, const std::string& port) {
  const std::string pt = std::to_string(o.vp8PayloadType);
  if (o.videoRejected) {
    // An answer refuses a section by port 0, keeping its mid so the offerer can match it.
    s << "m=video 0 UDP/TLS/RTP/SAVPF " << pt << "\r\n"
      << "c=IN " << ipv << " " << o.host << "\r\n"
      << "a=mid:" << o.videoMid << "\r\n"
      << "a=inactive\r\n"
      << "a=rtpmap:" << pt << " VP8/90000\r\n";
    return;
  }
  s << "m=video " << port << " UDP/TLS/RTP/SAVPF " << pt << "\r\n";
  writeTransport(s, o, ipv, port);
  // NACK is answered from the server's own send history and PLI/FIR are passed to the sender, so
  // a lost packet or a lost key frame recovers without transcoding.
  s << "a=mid:" << o.videoMid << "\r\n"
    << "a=" << o.videoDirection << "\r\n"
    << "a=msid:tccc tccc-video\r\n"
    << "a=rtcp-mux\r\n"
    << "a=rtcp-rsize\r\n"
    << "a=rtpmap:" << pt << " VP8/90000\r\n"
    << "a=rtcp-fb:" << pt << " nack\r\n"
    << "a=rtcp-fb:" << pt << " nack pli\r\n"
    << "a=rtcp-fb:" << pt << " ccm fir\r\n"
    << "a=ssrc:" << o.videoSsrc << " cname:" << o.cname << "\r\n";
  writeCandidate(s, o, port);
}

}  // namespace

std::string Sdp::build(const LocalDescription& o) {
  const bool v6 = o.host.find(':') != std::string::npos;
  const std::string ipv = v6 ? "IP6" : "IP4";
  const std::string port = std::to_string(o.port);
  const bool videoBundled = o.video && !o.videoRejected;
  std::string bundle = o.audioMid;
  if (videoBundled) bundle = o.videoFirst ? o.videoMid + " " + o.audioMid : o.audioMid + " " + o.videoMid;
  std::ostringstream s;
  s << "v=0\r\n"
    << "o=- " << o.sessionVersion << " " << o.version << " IN " << ipv << " " << o.host << "\r\n"
    << "s=" << o.sessionName << "\r\n"
    << "t=0 0\r\n";
  // ICE-lite: the server only answers connectivity checks; the browser is the controlling agent.
  if (o.iceLite) s << "a=ice-lite\r\n";
  s << "a=group:BUNDLE " << bundle << "\r\n"
    << "a=msid-semantic: WMS tccc\r\n";
  if (o.video && o.videoFirst) writeVideo(s, o, ipv, port);
  writeAudio(s, o, ipv, port);
  if (o.video && !o.videoFirst) writeVideo(s, o, ipv, port);
  return s.str();
}

std::string Sdp::answerDirection(const std::string& offered) {
  if (offered == "sendonly") return "recvonly";
  if (offered == "recvonly") return "sendonly";
  if (offered == "inactive") return "inactive";
  return "sendrecv";
}

std::variant<RemoteDescription, std::string> Sdp::parseAnswer(const std::string& sdp) { return parse(sdp, false); }

std::variant<RemoteDescription, std::string> Sdp::parseOffer(const std::string& sdp) { return parse(sdp, true); }

std::variant<RemoteDescription, std::string> Sdp::parse(const std::string& sdp, bool offer) {
  const std::string what = offer ? "the offer" : "the answer";
  if (sdp.empty()) return what + " is empty";
  RemoteDescription a;
  std::string sessionUfrag, sessionPwd, sessionFpAlg, sessionFp, sessionSetup;
  std::string mediaUfrag, mediaPwd, mediaFpAlg, mediaFp, mediaSetup;
  // The section being read: only the first audio and the first video section count; any other
  // (a second video, data channels) is left out of our answer, which the browser then rejects.
  enum class Section { Session, Audio, Video, Other } in = Section::Session;
  bool sawAudio = false, sawVideo = false, audioRejected = false;
  std::istringstream in_(sdp);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in_, line)) {
    if (++lines > 2000) return what + " has too many lines";
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 2 || line[1] != '=') continue;  // tolerate blank or odd lines
    char kind = line[0];
    std::string value = line.substr(2);
    if (kind == 'm') {
      in = Section::Other;
      const bool audio = value.rfind("audio ", 0) == 0, video = value.rfind("video ", 0) == 0;
      if ((audio && !sawAudio) || (video && !sawVideo)) {
        std::istringstream m(value.substr(6));
        std::string portText;
        m >> portText;
        if (audio) {
          in = Section::Audio;
          sawAudio = true;
          audioRejected = portText == "0";
        } else {
          sawVideo = true;
          a.videoFirst = !sawAudio;
          if (portText != "0") {
            in = Section::Video;
            a.video = true;
          }
        }
      }
      continue;
    }
    if (kind != 'a' || in == Section::Other) continue;
    std::string name = value, attr;
    auto colon = value.find(':');
    if (colon != std::string::npos) {
      name = value.substr(0, colon);
      attr = value.substr(colon + 1);
    }
    const bool inMedia = in != Section::Session;
    std::string& ufrag = inMedia ? mediaUfrag : sessionUfrag;
    std::string& pwd = inMedia ? mediaPwd : sessionPwd;
    std::string& fpAlg = inMedia ? mediaFpAlg : sessionFpAlg;
    std::string& fp = inMedia ? mediaFp : sessionFp;
    std::string& setup = inMedia ? mediaSetup : sessionSetup;
    if (name == "ice-ufrag") {
      if (ufrag.empty()) ufrag = attr;  // BUNDLE: every section repeats the first one's
    } else if (name == "ice-pwd") {
      if (pwd.empty()) pwd = attr;
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
      if (setup.empty()) setup = attr;
    } else if (name == "mid" && inMedia) {
      if (attr.empty() || attr.size() > 32) return what + " has an unusable a=mid";
      (in == Section::Audio ? a.audioMid : a.videoMid) = attr;
    } else if (name == "rtpmap" && inMedia) {
      // a=rtpmap:<pt> opus/48000/2 | VP8/90000
      std::istringstream r(attr);
      int pt = -1;
      std::string codec;
      r >> pt >> codec;
      codec = lower(codec);
      if (pt < 0 || pt > 127) continue;
      if (in == Section::Audio && codec.rfind("opus/48000", 0) == 0 && a.opusPayloadType < 0) a.opusPayloadType = pt;
      if (in == Section::Audio && codec == "telephone-event/48000" && a.dtmfPayloadType < 0) a.dtmfPayloadType = pt;
      if (in == Section::Video && codec == "vp8/90000" && a.vp8PayloadType < 0) a.vp8PayloadType = pt;
    } else if (name == "candidate" && inMedia && a.candidateHost.empty()) {
      // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
      std::istringstream c(attr);
      std::string foundation, component, transport, priority, address, portText;
      c >> foundation >> component >> transport >> priority >> address >> portText;
      char* end = nullptr;
      const unsigned long port = std::strtoul(portText.c_str(), &end, 10);
      if (component == "1" && lower(transport) == "udp" && !address.empty() && address.size() <= 64 &&
          !portText.empty() && end && *end == '\0' && port > 0 && port <= 65535) {
        a.candidateHost = address;
        a.candidatePort = static_cast<std::uint16_t>(port);
      }
    } else if (inMedia && (name == "sendrecv" || name == "sendonly" || name == "recvonly" || name == "inactive")) {
      (in == Section::Audio ? a.direction : a.videoDirection) = name;
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
  if (a.audioMid.empty()) a.audioMid = "0";
  if (a.video && a.videoMid.empty()) a.videoMid = "1";
  return a;
}

}  // namespace tccc::rtc
