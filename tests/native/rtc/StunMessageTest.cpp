// SPDX-License-Identifier: Apache-2.0
// STUN codec: the RFC 5769 test vectors (request with short-term integrity, IPv4 and IPv6
// responses), our own Binding responses, and malformed datagrams that must be refused.
#include "rtc/StunMessage.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tccc::rtc {
namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 5769 2.1: Sample Request (username "evtj:h6vY", password "VOkJxbRl1RmTxUk/WvJxBt").
const Bytes kRequest = {0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
                        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73,
                        0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
                        0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09,
                        0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14,
                        0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
                        0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};
const char* kPassword = "VOkJxbRl1RmTxUk/WvJxBt";

// RFC 5769 2.2: Sample IPv4 Response (mapped address 192.0.2.1:32853).
const Bytes kResponse4 = {0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                          0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74,
                          0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01,
                          0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99,
                          0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b,
                          0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// RFC 5769 2.3: Sample IPv6 Response (mapped address [2001:db8:1234:5678:11:2233:4455:6677]:32853).
const Bytes kResponse6 = {
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf,
    0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20,
    0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe,
    0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c,
    0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c};

TEST(StunMessage, Rfc5769SampleRequest) {
  auto m = StunMessage::decode(kRequest.data(), kRequest.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, StunMessage::kBindingRequest);
  EXPECT_EQ(m->username(), std::string("evtj:h6vY"));
  EXPECT_TRUE(m->has(StunMessage::kAttrPriority));
  EXPECT_TRUE(m->has(StunMessage::kAttrIceControlled));
  EXPECT_NE(m->fingerprintOffset, 0u);
  EXPECT_TRUE(m->checkIntegrity(kRequest.data(), kRequest.size(), kPassword));
  EXPECT_FALSE(m->checkIntegrity(kRequest.data(), kRequest.size(), "VOkJxbRl1RmTxUk/WvJxBu"));
  EXPECT_FALSE(m->checkIntegrity(kRequest.data(), kRequest.size(), ""));
  EXPECT_TRUE(StunMessage::looksLikeStun(kRequest.data(), kRequest.size()));
}

struct ResponseVector {
  const char* name;
  const Bytes* bytes;
  bool ipv6;
  std::vector<std::uint8_t> ip;
};

class StunResponseVectors : public ::testing::TestWithParam<ResponseVector> {};

TEST_P(StunResponseVectors, DecodesMappedAddressAndChecksIntegrity) {
  const auto& v = GetParam();
  auto m = StunMessage::decode(v.bytes->data(), v.bytes->size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, StunMessage::kBindingSuccess);
  auto a = m->xorMappedAddress();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ipv6, v.ipv6);
  EXPECT_EQ(a->port, 32853);
  for (std::size_t i = 0; i < v.ip.size(); ++i) EXPECT_EQ(a->ip[i], v.ip[i]) << "byte " << i;
  EXPECT_TRUE(m->checkIntegrity(v.bytes->data(), v.bytes->size(), kPassword));
  // Our encoder produces the very same XOR-MAPPED-ADDRESS bytes for that address.
  std::array<std::uint8_t, 12> tid;
  std::copy(v.bytes->begin() + 8, v.bytes->begin() + 20, tid.begin());
  auto ours = StunMessage::bindingSuccess(tid, *a, kPassword);
  auto back = StunMessage::decode(ours.data(), ours.size());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->find(StunMessage::kAttrXorMappedAddress)->value, m->find(StunMessage::kAttrXorMappedAddress)->value);
}

INSTANTIATE_TEST_SUITE_P(Rfc5769, StunResponseVectors,
                         ::testing::Values(ResponseVector{"ipv4", &kResponse4, false, {192, 0, 2, 1}},
                                           ResponseVector{"ipv6",
                                                          &kResponse6,
                                                          true,
                                                          {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11,
                                                           0x22, 0x33, 0x44, 0x55, 0x66, 0x77}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(StunMessage, BindingSuccessRoundTrip) {
  std::array<std::uint8_t, 12> tid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  StunAddress a;
  a.ip = {127, 0, 0, 1};
  a.port = 50000;
  auto bytes = StunMessage::bindingSuccess(tid, a, "pwd-of-the-server-1234");
  auto m = StunMessage::decode(bytes.data(), bytes.size());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, StunMessage::kBindingSuccess);
  EXPECT_EQ(m->transactionId, tid);
  EXPECT_EQ(*m->xorMappedAddress(), a);
  EXPECT_TRUE(m->checkIntegrity(bytes.data(), bytes.size(), "pwd-of-the-server-1234"));
  EXPECT_NE(m->fingerprintOffset, 0u);

  auto err = StunMessage::bindingError(tid, 401, "Unauthorized");
  auto e = StunMessage::decode(err.data(), err.size());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, StunMessage::kBindingError);
  const auto* code = e->find(StunMessage::kAttrErrorCode);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->value[2], 4);
  EXPECT_EQ(code->value[3], 1);
  EXPECT_EQ(code->value.substr(4), "Unauthorized");
}

TEST(StunMessage, Crc32MatchesTheStandardCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(StunMessage::crc32(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()), 0xCBF43926u);
}

struct Malformed {
  const char* name;
  Bytes bytes;
};

Bytes patched(Bytes b, std::size_t at, std::uint8_t value) {
  b[at] = value;
  return b;
}

Bytes header(std::uint16_t length) {
  Bytes b = {0x00,
             0x01,
             static_cast<std::uint8_t>(length >> 8),
             static_cast<std::uint8_t>(length),
             0x21,
             0x12,
             0xa4,
             0x42,
             1,
             2,
             3,
             4,
             5,
             6,
             7,
             8,
             9,
             10,
             11,
             12};
  return b;
}

Bytes append(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class StunMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(StunMalformed, IsRefused) {
  const auto& b = GetParam().bytes;
  EXPECT_FALSE(StunMessage::decode(b.data(), b.size()));
}

INSTANTIATE_TEST_SUITE_P(
    Table, StunMalformed,
    ::testing::Values(Malformed{"empty", {}}, Malformed{"short_header", Bytes(kRequest.begin(), kRequest.begin() + 19)},
                      Malformed{"top_bits_set", patched(kRequest, 0, 0xC0)},
                      Malformed{"bad_cookie", patched(kRequest, 4, 0x22)},
                      Malformed{"length_not_multiple_of_4", patched(kRequest, 3, 0x57)},
                      Malformed{"length_longer_than_datagram", patched(kRequest, 3, 0x5C)},
                      Malformed{"truncated_datagram", Bytes(kRequest.begin(), kRequest.end() - 4)},
                      Malformed{"attribute_runs_past_end",
                                append(header(8), {0x00, 0x06, 0x00, 0x20, 'a', 'b', 'c', 'd'})},
                      Malformed{"integrity_wrong_size", append(header(8), {0x00, 0x08, 0x00, 0x04, 1, 2, 3, 4})},
                      Malformed{"fingerprint_wrong_size", append(header(8), {0x80, 0x28, 0x00, 0x02, 1, 2, 0, 0})},
                      Malformed{"fingerprint_mismatch", patched(kRequest, kRequest.size() - 1, 0xd0)},
                      Malformed{"payload_flipped_under_fingerprint", patched(kRequest, 30, 0x00)},
                      Malformed{"attribute_after_fingerprint",
                                append(patched(append(kRequest, {0x00, 0x24, 0x00, 0x00}), 3, 0x5C), {})}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StunMessage, EveryTruncationAndEveryByteFlipIsSafe) {
  // No prefix and no single-byte corruption of a valid request may crash or pass as that request.
  for (std::size_t n = 0; n < kRequest.size(); ++n) EXPECT_FALSE(StunMessage::decode(kRequest.data(), n)) << n;
  // Every byte up to the end of MESSAGE-INTEGRITY (offset 100) is covered by the HMAC. A damaged
  // FINGERPRINT header after it turns into an unknown attribute after MESSAGE-INTEGRITY, which
  // RFC 5389 15.4 says to ignore: the message is then still the authentic request.
  const std::size_t integrityEnd = 100;
  for (std::size_t i = 0; i < kRequest.size(); ++i) {
    Bytes b = kRequest;
    b[i] ^= 0x5A;
    auto m = StunMessage::decode(b.data(), b.size());
    if (m && i < integrityEnd) {
      EXPECT_FALSE(m->checkIntegrity(b.data(), b.size(), kPassword)) << "byte " << i;
    }
  }
}

}  // namespace
}  // namespace tccc::rtc
