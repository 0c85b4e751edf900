// SPDX-License-Identifier: Apache-2.0
// RTP header read/write (CSRCs, extension, padding, malformed packets) and the RFC 7983 demultiplexer.
#include "rtc/RtpHeader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tccc::rtc {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(RtpHeader, WriteThenReadRoundTrips) {
  RtpHeader h;
  h.marker = true;
  h.payloadType = 111;
  h.sequence = 0xBEEF;
  h.timestamp = 0x01020304;
  h.ssrc = 0xCAFEBABE;
  Bytes p;
  h.write(p);
  p.insert(p.end(), {9, 8, 7});
  ASSERT_EQ(p.size(), 15u);
  auto r = RtpHeader::read(p.data(), p.size());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->marker);
  EXPECT_EQ(r->payloadType, 111);
  EXPECT_EQ(r->sequence, 0xBEEF);
  EXPECT_EQ(r->timestamp, 0x01020304u);
  EXPECT_EQ(r->ssrc, 0xCAFEBABEu);
  EXPECT_EQ(r->payloadOffset, 12u);
  EXPECT_EQ(r->payloadSize, 3u);
}

struct RtpCase {
  const char* name;
  Bytes bytes;
  bool ok;
  std::size_t offset;
  std::size_t size;
};

class RtpRead : public ::testing::TestWithParam<RtpCase> {};

TEST_P(RtpRead, Table) {
  const auto& c = GetParam();
  auto r = RtpHeader::read(c.bytes.data(), c.bytes.size());
  ASSERT_EQ(r.has_value(), c.ok);
  if (!c.ok) return;
  EXPECT_EQ(r->payloadOffset, c.offset);
  EXPECT_EQ(r->payloadSize, c.size);
}

const Bytes kBase = {0x80, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
Bytes with(Bytes head, const Bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RtpRead,
    ::testing::Values(
        RtpCase{"plain", with(kBase, {1, 2}), true, 12, 2}, RtpCase{"empty_payload", kBase, true, 12, 0},
        RtpCase{"two_csrcs", with(with({0x82, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, Bytes(8, 0)), {5}), true, 20, 1},
        RtpCase{"extension_one_word",
                with({0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {0xBE, 0xDE, 0, 1, 1, 2, 3, 4, 7, 7}), true, 20, 2},
        RtpCase{"padding_removed", with({0xA0, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {1, 2, 3, 0, 2}), true, 12, 3},
        RtpCase{"too_short", Bytes(kBase.begin(), kBase.begin() + 11), false, 0, 0},
        RtpCase{"version_1", with({0x40, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {1}), false, 0, 0},
        RtpCase{"csrcs_past_end", with({0x8F, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {1, 2, 3}), false, 0, 0},
        RtpCase{"extension_header_cut", with({0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {0xBE, 0xDE}), false, 0, 0},
        RtpCase{"extension_length_past_end", with({0x90, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {0xBE, 0xDE, 0, 9, 1}),
                false, 0, 0},
        RtpCase{"padding_zero", with({0xA0, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {1, 0}), false, 0, 0},
        RtpCase{"padding_larger_than_payload", with({0xA0, 0x6F, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}, {1, 9}), false, 0, 0}),
    [](const auto& info) { return std::string(info.param.name); });

struct DemuxCase {
  const char* name;
  Bytes bytes;
  PacketKind kind;
};

class Demux : public ::testing::TestWithParam<DemuxCase> {};

TEST_P(Demux, ByFirstByte) {
  const auto& c = GetParam();
  EXPECT_EQ(classifyPacket(c.bytes.data(), c.bytes.size()), c.kind);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7983, Demux,
    ::testing::Values(DemuxCase{"empty", {}, PacketKind::Unknown}, DemuxCase{"stun", Bytes(20, 0), PacketKind::Stun},
                      DemuxCase{"stun_too_short", Bytes(19, 0), PacketKind::Unknown},
                      DemuxCase{"dtls_handshake", with({22}, Bytes(12, 0)), PacketKind::Dtls},
                      DemuxCase{"dtls_app_data", with({23}, Bytes(12, 0)), PacketKind::Dtls},
                      DemuxCase{"dtls_too_short", {22, 0, 0}, PacketKind::Unknown},
                      DemuxCase{"rtp_opus", with({0x80, 111}, Bytes(10, 0)), PacketKind::Rtp},
                      DemuxCase{"rtp_marker", with({0x80, 0x80 | 111}, Bytes(10, 0)), PacketKind::Rtp},
                      DemuxCase{"rtcp_sr", with({0x80, 200}, Bytes(6, 0)), PacketKind::Rtcp},
                      DemuxCase{"rtcp_rr", with({0x81, 201}, Bytes(6, 0)), PacketKind::Rtcp},
                      DemuxCase{"rtp_too_short", {0x80, 111, 0, 0}, PacketKind::Unknown},
                      DemuxCase{"zrtp_range", with({16}, Bytes(20, 0)), PacketKind::Unknown},
                      DemuxCase{"turn_channel", with({64}, Bytes(20, 0)), PacketKind::Unknown},
                      DemuxCase{"high_byte", with({0xFF}, Bytes(20, 0)), PacketKind::Unknown}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::rtc
