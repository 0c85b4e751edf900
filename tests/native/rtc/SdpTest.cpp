// SPDX-License-Identifier: Apache-2.0
// The SDP of the server leg: the offer a browser needs, the browser's answer (and re-offer for an
// ICE restart), and answers that cannot be used, each refused with its reason.
#include "rtc/Sdp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace tccc::rtc {
namespace {

LocalDescription sampleOffer() {
  LocalDescription o;
  o.sessionVersion = 42;
  o.iceUfrag = "abcd1234";
  o.icePwd = "0123456789abcdefghijklmn";
  o.fingerprint = "AA:BB:CC";
  o.host = "127.0.0.1";
  o.port = 40002;
  o.ssrc = 777;
  return o;
}

TEST(Sdp, OfferCarriesWhatABrowserNeeds) {
  std::string sdp = Sdp::build(sampleOffer());
  for (const char* line :
       {"v=0\r\n", "o=- 42 1 IN IP4 127.0.0.1\r\n", "a=ice-lite\r\n", "m=audio 40002 UDP/TLS/RTP/SAVPF 111 126\r\n",
        "c=IN IP4 127.0.0.1\r\n", "a=ice-ufrag:abcd1234\r\n", "a=rtpmap:126 telephone-event/48000\r\n",
        "a=ice-pwd:0123456789abcdefghijklmn\r\n", "a=fingerprint:sha-256 AA:BB:CC\r\n", "a=setup:actpass\r\n",
        "a=mid:0\r\n", "a=sendrecv\r\n", "a=rtcp-mux\r\n", "a=rtpmap:111 opus/48000/2\r\n",
        "a=ssrc:777 cname:tccc-server\r\n", "a=candidate:1 1 udp 2130706431 127.0.0.1 40002 typ host\r\n",
        "a=end-of-candidates\r\n"})
    EXPECT_NE(sdp.find(line), std::string::npos) << line;
  // ice-lite is a session-level attribute: it must come before the m-line.
  EXPECT_LT(sdp.find("a=ice-lite"), sdp.find("m=audio"));
  LocalDescription v6 = sampleOffer();
  v6.host = "::1";
  std::string sdp6 = Sdp::build(v6);
  EXPECT_NE(sdp6.find("c=IN IP6 ::1\r\n"), std::string::npos);
  EXPECT_NE(sdp6.find(" ::1 40002 typ host"), std::string::npos);
}

// The native SDK's side of the same negotiation (native/media/RtcAudioTransport): a full ICE
// agent, so no a=ice-lite, and the server's one candidate read from the server's description.
TEST(Sdp, TheNativeSdksDescriptionIsAFullAgent) {
  LocalDescription d = sampleOffer();
  d.iceLite = false;
  d.sessionName = "tccc native sdk";
  const std::string sdp = Sdp::build(d);
  EXPECT_EQ(sdp.find("a=ice-lite"), std::string::npos);
  EXPECT_NE(sdp.find("s=tccc native sdk\r\n"), std::string::npos);
}

TEST(Sdp, ReadsTheFirstUdpCandidateOfComponentOne) {
  const std::string server = Sdp::build(sampleOffer());
  struct Case {
    const char* name;
    std::string from, to;  // replaced in the server's offer
    std::string host;
    int port;
  };
  const std::vector<Case> cases = {
      {"the server's own", "", "", "127.0.0.1", 40002},
      {"IPv6", "127.0.0.1 40002 typ", "::1 40002 typ", "::1", 40002},
      {"upper-case UDP", " udp ", " UDP ", "127.0.0.1", 40002},
      {"TCP only", " udp ", " tcp ", "", 0},
      {"component 2 (RTCP) only", "candidate:1 1 ", "candidate:1 2 ", "", 0},
      {"port 0", " 40002 typ", " 0 typ", "", 0},
      {"port 70000", " 40002 typ", " 70000 typ", "", 0},
      {"port with junk", " 40002 typ", " 40002x typ", "", 0},
      {"no port", " 40002 typ host", "", "", 0},
  };
  for (const Case& c : cases) {
    std::string sdp = server;
    if (!c.from.empty() || !c.to.empty()) {
      const auto at = sdp.find(c.from);
      ASSERT_NE(at, std::string::npos) << c.name;
      sdp.replace(at, c.from.size(), c.to);
    }
    auto r = Sdp::parseOffer(sdp);
    ASSERT_TRUE(std::holds_alternative<RemoteDescription>(r)) << c.name << ": " << std::get<std::string>(r);
    EXPECT_EQ(std::get<RemoteDescription>(r).candidateHost, c.host) << c.name;
    EXPECT_EQ(std::get<RemoteDescription>(r).candidatePort, c.port) << c.name;
  }
}

// Trimmed from what Chromium answers to our offer.
const std::string kChromeAnswer =
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
    "a=msid-semantic: WMS stream\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Xy9z\r\na=ice-pwd:Q2w3e4r5t6y7u8i9o0p1a2s3\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "12:ab:34:CD:56:EF:78:90:12:AB:34:CD:56:EF:78:90:12:AB:34:CD:56:EF:78:90:12:AB:34:CD:56:EF:78:90\r\n"
    "a=setup:active\r\na=mid:0\r\na=sendrecv\r\na=msid:stream track\r\na=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=ssrc:1234 cname:abc\r\n";

TEST(Sdp, ParsesABrowserAnswer) {
  auto r = Sdp::parseAnswer(kChromeAnswer);
  ASSERT_TRUE(std::holds_alternative<RemoteDescription>(r)) << std::get<std::string>(r);
  const auto& a = std::get<RemoteDescription>(r);
  EXPECT_EQ(a.iceUfrag, "Xy9z");
  EXPECT_EQ(a.icePwd, "Q2w3e4r5t6y7u8i9o0p1a2s3");
  EXPECT_EQ(a.fingerprintAlgorithm, "sha-256");
  EXPECT_EQ(a.fingerprint.substr(0, 11), "12:AB:34:CD");  // normalised to upper case
  EXPECT_EQ(a.setup, "active");
  EXPECT_EQ(a.opusPayloadType, 111);
  EXPECT_EQ(a.direction, "sendrecv");
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Sdp, SessionLevelAttributesAndOtherPayloadTypesAreUnderstood) {
  std::string s = replaced(kChromeAnswer, "a=ice-ufrag:Xy9z\r\n", "");
  s = replaced(s, "t=0 0\r\n", "t=0 0\r\na=ice-ufrag:Sess\r\n");
  s = replaced(s, "a=rtpmap:111 opus/48000/2", "a=rtpmap:109 OPUS/48000/2");
  s = replaced(s, "a=setup:active\r\n", "a=setup:passive\r\n");
  auto r = Sdp::parseAnswer(s);
  ASSERT_TRUE(std::holds_alternative<RemoteDescription>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<RemoteDescription>(r).iceUfrag, "Sess");
  EXPECT_EQ(std::get<RemoteDescription>(r).opusPayloadType, 109);
  EXPECT_EQ(std::get<RemoteDescription>(r).setup, "passive");
}

TEST(Sdp, ARestartOfferMayBeActpassAndAnAnswerSaysItsRole) {
  std::string offer = replaced(kChromeAnswer, "a=setup:active", "a=setup:actpass");
  auto r = Sdp::parseOffer(offer);
  ASSERT_TRUE(std::holds_alternative<RemoteDescription>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<RemoteDescription>(r).setup, "actpass");
  EXPECT_TRUE(std::holds_alternative<std::string>(Sdp::parseAnswer(offer)));
  auto noAudio = Sdp::parseOffer(replaced(kChromeAnswer, "m=audio 9", "m=video 9"));
  EXPECT_EQ(std::get<std::string>(noAudio), "the offer has no audio m-line");
  LocalDescription o = sampleOffer();
  o.setup = "passive";
  o.version = 3;
  std::string sdp = Sdp::build(o);
  EXPECT_NE(sdp.find("a=setup:passive\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("o=- 42 3 IN IP4"), std::string::npos);
}

struct BadAnswer {
  const char* name;
  std::string sdp;
  const char* reason;  // a piece of the message
};

class SdpBadAnswer : public ::testing::TestWithParam<BadAnswer> {};

TEST_P(SdpBadAnswer, IsRefusedWithAReason) {
  auto r = Sdp::parseAnswer(GetParam().sdp);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find(GetParam().reason), std::string::npos) << std::get<std::string>(r);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SdpBadAnswer,
    ::testing::Values(
        BadAnswer{"empty", "", "empty"}, BadAnswer{"garbage", "hello world\r\n\r\n\x01\x02", "no audio"},
        BadAnswer{"video_only", replaced(kChromeAnswer, "m=audio 9", "m=video 9"), "no audio"},
        BadAnswer{"audio_rejected", replaced(kChromeAnswer, "m=audio 9", "m=audio 0"), "rejected"},
        BadAnswer{"no_ufrag", replaced(kChromeAnswer, "a=ice-ufrag:Xy9z\r\n", ""), "ice-ufrag"},
        BadAnswer{"no_pwd", replaced(kChromeAnswer, "a=ice-pwd:Q2w3e4r5t6y7u8i9o0p1a2s3\r\n", ""), "ice-pwd"},
        BadAnswer{"sha1_only", replaced(kChromeAnswer, "a=fingerprint:sha-256", "a=fingerprint:sha-1"), "fingerprint"},
        BadAnswer{"fingerprint_not_hex", replaced(kChromeAnswer, "12:ab:34", "zz:ab:34"), "fingerprint"},
        BadAnswer{"setup_actpass", replaced(kChromeAnswer, "a=setup:active", "a=setup:actpass"), "setup"},
        BadAnswer{"no_opus", replaced(kChromeAnswer, "a=rtpmap:111 opus/48000/2", "a=rtpmap:0 PCMU/8000"), "Opus"},
        BadAnswer{"too_many_lines",
                  [] {
                    std::string s;
                    for (int i = 0; i < 2100; ++i) s += "a=x\r\n";
                    return s;
                  }(),
                  "too many lines"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::rtc
