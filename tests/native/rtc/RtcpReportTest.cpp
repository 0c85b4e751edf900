// SPDX-License-Identifier: Apache-2.0
// fractionLostOf: what the server reports of the native SDK's stream, read from RTCP the network
// shapes, over well-formed and malformed compound packets.
#include "rtc/RtcpReport.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace tccc::rtc {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t kOurs = 0x11223344, kOther = 0x55667788;

void put32(Bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes block(std::uint32_t ssrc, std::uint8_t fractionLost) {
  Bytes b;
  put32(b, ssrc);
  b.push_back(fractionLost);
  b.insert(b.end(), 19, 0);  // cumulative lost, highest seq, jitter, LSR, DLSR
  return b;
}

/// An SR (200) or RR (201) with `blocks`; the length field says what the blocks make.
Bytes report(std::uint8_t type, const std::vector<Bytes>& blocks) {
  Bytes body;
  put32(body, 0xAAAAAAAA);                          // the sender's SSRC
  if (type == 200) body.insert(body.end(), 20, 0);  // NTP, RTP timestamp, counts
  for (const auto& b : blocks) body.insert(body.end(), b.begin(), b.end());
  Bytes out{static_cast<std::uint8_t>(0x80 | blocks.size()), type};
  const std::size_t words = (body.size() + 4) / 4 - 1;
  out.push_back(static_cast<std::uint8_t>(words >> 8));
  out.push_back(static_cast<std::uint8_t>(words));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

TEST(RtcpReport, FindsTheBlockAboutOurStream) {
  Bytes truncated = report(201, {block(kOurs, 64)});
  truncated.resize(truncated.size() - 4);
  Bytes wrongVersion = report(201, {block(kOurs, 64)});
  wrongVersion[0] = static_cast<std::uint8_t>((wrongVersion[0] & 0x3f) | 0x40);
  Bytes overcounted = report(201, {block(kOurs, 32)});
  overcounted[0] = 0x82;  // says two blocks, holds one
  Bytes sdes{0x81, 202, 0x00, 0x01, 0, 0, 0, 1};
  struct Case {
    const char* name;
    Bytes packet;
    std::optional<double> lost;
  };
  const std::vector<Case> cases = {
      {"RR about us", report(201, {block(kOurs, 64)}), 0.25},
      {"SR, our block second", report(200, {block(kOther, 10), block(kOurs, 128)}), 0.5},
      {"SR about others, then RR about us", concat(report(200, {block(kOther, 1)}), report(201, {block(kOurs, 2)})),
       2 / 256.0},
      {"SDES first, then RR", concat(sdes, report(201, {block(kOurs, 3)})), 3 / 256.0},
      {"RR about another stream", report(201, {block(kOther, 64)}), std::nullopt},
      {"RR with no block", report(201, {}), std::nullopt},
      {"length past the end", truncated, std::nullopt},
      {"not version 2", wrongVersion, std::nullopt},
      {"count larger than the blocks", overcounted, 32 / 256.0},
      {"empty", Bytes{}, std::nullopt},
      {"shorter than a header", Bytes{0x81, 201, 0}, std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(fractionLostOf(c.packet.data(), c.packet.size(), kOurs), c.lost) << c.name;
}

}  // namespace
}  // namespace tccc::rtc
