// SPDX-License-Identifier: Apache-2.0
// The sans-I/O parts of forwarding: the renumbering of an outgoing stream whose source changes
// (hold music, a second agent), the RTCP feedback a forwarder acts on, and the SDP of a video leg in
// both directions.
#include "media/OutboundRtpStream.hpp"
#include "media/RtcPieces.hpp"
#include "media/RtcpFeedback.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace tccc::server::media {
namespace {

struct In {
  std::uint64_t source;
  std::uint16_t seq;
  std::uint32_t ts;
  std::int64_t atUs;
};
struct Out {
  std::uint16_t seq;
  std::uint32_t ts;
  bool changed;
};
struct StreamCase {
  const char* name;
  std::vector<In> in;
  std::vector<Out> out;
};

class Renumbering : public ::testing::TestWithParam<StreamCase> {};

TEST_P(Renumbering, NeverJumps) {
  const StreamCase& c = GetParam();
  OutboundRtpStream s(0x1234, 48000, 1000, 50000);
  ASSERT_EQ(c.in.size(), c.out.size());
  for (std::size_t i = 0; i < c.in.size(); ++i) {
    auto got = s.next(c.in[i].source, c.in[i].seq, c.in[i].ts, c.in[i].atUs);
    EXPECT_EQ(got.sequence, c.out[i].seq) << i;
    EXPECT_EQ(got.timestamp, c.out[i].ts) << i;
    EXPECT_EQ(got.sourceChanged, c.out[i].changed) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Renumbering,
    ::testing::Values(
        // The first packet starts at the stream's own numbers, then follows its source.
        StreamCase{"one_source",
                   {{7, 500, 9000, 0}, {7, 501, 9960, 20000}, {7, 502, 10920, 40000}},
                   {{1000, 50001, true}, {1001, 50961, false}, {1002, 51921, false}}},
        // A new source (hold music) 60 ms later goes on by one and by 60 ms of the clock.
        StreamCase{"switch_after_60ms",
                   {{7, 500, 9000, 0}, {8, 40000, 7, 60000}, {8, 40001, 967, 80000}},
                   {{1000, 50001, true}, {1001, 50001 + 2880, true}, {1002, 50001 + 3840, false}}},
        // Back to the first source: continues again, whatever its own numbers did meanwhile.
        StreamCase{"switch_back",
                   {{7, 500, 9000, 0}, {8, 1, 1, 20000}, {7, 510, 18600, 40000}},
                   {{1000, 50001, true}, {1001, 50961, true}, {1002, 51921, true}}},
        // A reordered (late) packet keeps its place; the next one continues from the newest.
        StreamCase{"late_packet",
                   {{7, 500, 9000, 0}, {7, 502, 10920, 40000}, {7, 501, 9960, 41000}, {7, 503, 11880, 60000}},
                   {{1000, 50001, true}, {1002, 51921, false}, {1001, 50961, false}, {1003, 52881, false}}},
        // Sequence numbers wrap.
        StreamCase{"wrap", {{7, 65535, 0, 0}, {7, 0, 960, 20000}}, {{1000, 50001, true}, {1001, 50961, false}}},
        // Two sources at the same instant: the timestamp still moves on by one tick.
        StreamCase{"same_instant", {{7, 1, 100, 0}, {9, 1, 100, 0}}, {{1000, 50001, true}, {1001, 50002, true}}}),
    [](const auto& info) { return std::string(info.param.name); });

std::vector<std::uint8_t> rtcp(std::uint8_t fmt, std::uint8_t type, std::vector<std::uint32_t> words) {
  std::vector<std::uint8_t> p{static_cast<std::uint8_t>(0x80 | fmt), type, 0, static_cast<std::uint8_t>(words.size())};
  for (auto w : words)
    for (int sh = 24; sh >= 0; sh -= 8) p.push_back(static_cast<std::uint8_t>(w >> sh));
  return p;
}

TEST(RtcpFeedback, PliFirAndNackAreRead) {
  auto pli = RtcpFeedback::pli(1, 0xAABBCCDD);
  auto fb = RtcpFeedback::read(pli.data(), pli.size());
  EXPECT_TRUE(fb.keyFrameRequested);
  EXPECT_EQ(fb.mediaSsrcs, std::vector<std::uint32_t>{0xAABBCCDD});

  auto fir = rtcp(4, 206, {1, 0, 0x55, 0x01000000});
  fb = RtcpFeedback::read(fir.data(), fir.size());
  EXPECT_TRUE(fb.keyFrameRequested);
  EXPECT_EQ(fb.mediaSsrcs, std::vector<std::uint32_t>{0x55});

  // NACK of 100 and, by the bitmask, 101 and 103; after a receiver report in the same compound.
  auto rr = rtcp(0, 201, {1});
  auto nack = rtcp(1, 205, {1, 0x77, (100u << 16) | 0b101u});
  rr.insert(rr.end(), nack.begin(), nack.end());
  fb = RtcpFeedback::read(rr.data(), rr.size());
  EXPECT_FALSE(fb.keyFrameRequested);
  EXPECT_EQ(fb.nacked, (std::vector<std::uint16_t>{100, 101, 103}));
}

TEST(RtcpFeedback, MalformedInputEndsTheReadingWithoutHarm) {
  for (std::vector<std::uint8_t> bad : {std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{0x81, 206, 0, 9, 1, 2},
                                        std::vector<std::uint8_t>{0x41, 206, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}}) {
    auto fb = RtcpFeedback::read(bad.data(), bad.size());
    EXPECT_FALSE(fb.keyFrameRequested);
    EXPECT_TRUE(fb.nacked.empty());
  }
  // A NACK flood is capped.
  std::vector<std::uint32_t> words{1, 2};
  for (int i = 0; i < 200; ++i) words.push_back((static_cast<std::uint32_t>(i * 17) << 16) | 0xFFFF);
  auto flood = rtcp(1, 205, words);
  EXPECT_LE(RtcpFeedback::read(flood.data(), flood.size()).nacked.size(), 256u);
}

const std::string kChromeVideoOffer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:Ab12\r\n"
    "a=ice-pwd:Q2w3e4r5t6y7u8i9o0p1a2s3\r\na=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\na=mid:0\r\n"
    "a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 98 96 97\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:Ab12\r\n"
    "a=ice-pwd:Q2w3e4r5t6y7u8i9o0p1a2s3\r\na=fingerprint:sha-256 AB:CD\r\na=setup:actpass\r\na=mid:1\r\n"
    "a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:98 VP9/90000\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n";

TEST(SdpVideo, AnOfferWithVideoIsParsedAndAnsweredWithItsPayloadTypesAndMids) {
  auto parsed = Sdp::parseOffer(kChromeVideoOffer);
  ASSERT_TRUE(std::holds_alternative<RemoteDescription>(parsed)) << std::get<std::string>(parsed);
  const auto& offer = std::get<RemoteDescription>(parsed);
  EXPECT_TRUE(offer.video);
  EXPECT_EQ(offer.vp8PayloadType, 96);
  EXPECT_EQ(offer.opusPayloadType, 111);
  EXPECT_EQ(offer.videoMid, "1");
  EXPECT_FALSE(offer.videoFirst);

  LocalDescription answer;
  answer.iceUfrag = "srv1";
  answer.icePwd = "0123456789abcdefghijklmn";
  answer.fingerprint = "AA:BB";
  answer.host = "127.0.0.1";
  answer.port = 40000;
  answer.setup = "passive";
  answer.video = true;
  answer.vp8PayloadType = offer.vp8PayloadType;
  answer.videoMid = offer.videoMid;
  std::string sdp = Sdp::build(answer);
  for (const char* line :
       {"a=group:BUNDLE 0 1\r\n", "m=video 40000 UDP/TLS/RTP/SAVPF 96\r\n", "a=rtpmap:96 VP8/90000\r\n",
        "a=rtcp-fb:96 nack\r\n", "a=rtcp-fb:96 nack pli\r\n", "a=mid:1\r\n", "a=setup:passive\r\n"})
    EXPECT_NE(sdp.find(line), std::string::npos) << line;
  EXPECT_LT(sdp.find("m=audio"), sdp.find("m=video"));

  // Video we cannot forward (no VP8) is refused by port 0, keeping its mid; audio goes on.
  answer.videoRejected = true;
  sdp = Sdp::build(answer);
  EXPECT_NE(sdp.find("m=video 0 "), std::string::npos);
  EXPECT_NE(sdp.find("a=group:BUNDLE 0\r\n"), std::string::npos);
  EXPECT_EQ(Sdp::answerDirection("sendonly"), "recvonly");
  EXPECT_EQ(Sdp::answerDirection("recvonly"), "sendonly");
  EXPECT_EQ(Sdp::answerDirection("inactive"), "inactive");
}

}  // namespace
}  // namespace tccc::server::media
