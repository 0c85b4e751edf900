// SPDX-License-Identifier: Apache-2.0
// SrtpSession (SRTP_AES128_CM_SHA1_80 over OpenSSL) against libsrtp2, which the server used before:
// the same packets protect to the same bytes, each side unprotects what the other protected (RTP
// across a sequence-number wrap with two SSRCs, CSRCs and header extensions, loss and reordering;
// SRTCP), replays, tampering and truncation are refused, and the RFC 3711 B.2/B.3 vectors hold.
// The last test prints what protect + unprotect costs with each, for 1 and 1,000 sessions.
#include "rtc/SrtpSession.hpp"

#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>

namespace tccc::rtc {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Key = std::array<std::uint8_t, 30>;

Bytes hex(const std::string& s) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

/// The previous implementation: libsrtp2 with the same policy the server used.
class LibSrtp {
 public:
  LibSrtp(SrtpSession::Direction direction, const Key& keyAndSalt) {
    static std::once_flag once;
    std::call_once(once, [] {
      if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("srtp_init");
    });
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = direction == SrtpSession::Direction::Outbound ? ssrc_any_outbound : ssrc_any_inbound;
    Key key = keyAndSalt;
    policy.key = key.data();
    policy.window_size = 1024;
    if (srtp_create(&mSession, &policy) != srtp_err_status_ok) throw std::runtime_error("srtp_create");
  }
  ~LibSrtp() { srtp_dealloc(mSession); }
  bool protectRtp(Bytes& p) { return run(p, SRTP_MAX_TRAILER_LEN, srtp_protect); }
  bool protectRtcp(Bytes& p) { return run(p, SRTP_MAX_TRAILER_LEN + 4, srtp_protect_rtcp); }
  bool unprotectRtp(Bytes& p) { return run(p, 0, srtp_unprotect); }
  bool unprotectRtcp(Bytes& p) { return run(p, 0, srtp_unprotect_rtcp); }

 private:
  template <typename F>
  bool run(Bytes& p, std::size_t room, F f) {
    int len = static_cast<int>(p.size());
    p.resize(p.size() + room);
    bool ok = f(mSession, p.data(), &len) == srtp_err_status_ok;
    p.resize(ok ? static_cast<std::size_t>(len) : p.size() - room);
    return ok;
  }
  srtp_t mSession = nullptr;
};

Key randomKey(std::mt19937& rng) {
  Key k;
  for (auto& b : k) b = static_cast<std::uint8_t>(rng());
  return k;
}

/// An RTP packet with `csrcs` CSRCs, an optional one-byte-header extension and a random payload.
Bytes rtp(std::uint32_t ssrc, std::uint16_t seq, int csrcs, bool extension, std::size_t payload, std::mt19937& rng) {
  Bytes p = {static_cast<std::uint8_t>(0x80 | (extension ? 0x10 : 0) | csrcs), 111, static_cast<std::uint8_t>(seq >> 8),
             static_cast<std::uint8_t>(seq)};
  const std::uint32_t ts = seq * 960u;
  for (std::uint32_t v : {ts, ssrc}) {
    for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(v >> s));
  }
  for (int i = 0; i < csrcs * 4; ++i) p.push_back(static_cast<std::uint8_t>(rng()));
  if (extension) {
    p.insert(p.end(), {0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0x22, 0x01, 0x02, 0x03, 0x00, 0x00});
  }
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(rng()));
  return p;
}

/// A receiver report (and a PLI) from `ssrc`.
Bytes rtcp(std::uint32_t ssrc, int n, std::mt19937& rng) {
  Bytes p = {0x81, 201, 0x00, 0x07};
  for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(ssrc >> s));
  for (int i = 0; i < 24; ++i) p.push_back(static_cast<std::uint8_t>(rng()));
  if (n % 2) {
    p.insert(p.end(), {0x81, 206, 0x00, 0x02});
    for (int s = 24; s >= 0; s -= 8) p.push_back(static_cast<std::uint8_t>(ssrc >> s));
    for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(rng()));
  }
  return p;
}

TEST(SrtpVectors, Rfc3711B3KeyDerivation) {
  Bytes masterKey = hex("E1F97A0D3E018BE0D64FA32C06DE4139"), masterSalt = hex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(srtp_detail::deriveKey(masterKey.data(), masterSalt.data(), 0x00, 16),
            hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(srtp_detail::deriveKey(masterKey.data(), masterSalt.data(), 0x02, 14), hex("30CBBC08863D8C85D49DB34A9AE1"));
  EXPECT_EQ(srtp_detail::deriveKey(masterKey.data(), masterSalt.data(), 0x01, 20),
            hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
}

TEST(SrtpVectors, Rfc3711B2AesCmKeystream) {
  Bytes key = hex("2B7E151628AED2A6ABF7158809CF4F3C"), iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  EXPECT_EQ(srtp_detail::aesCmKeystream(key.data(), iv.data(), 48),
            hex("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0"));
}

TEST(SrtpInterop, RtpBothWaysAcrossTheWrapWithTwoSsrcs) {
  std::mt19937 rng(7);
  const Key key = randomKey(rng);
  SrtpSession oursOut(SrtpSession::Direction::Outbound, key), oursIn(SrtpSession::Direction::Inbound, key);
  LibSrtp libOut(SrtpSession::Direction::Outbound, key), libIn(SrtpSession::Direction::Inbound, key);
  struct Source {
    std::uint32_t ssrc;
    std::uint16_t seq;
  };
  Source sources[] = {{0x11223344, 63000}, {0xCAFEBABE, 65500}};
  int checked = 0;
  std::vector<std::pair<Bytes, Bytes>> held;  // (protected, plain) delivered one packet late
  auto deliver = [&](const Bytes& srtp, const Bytes& plain) {
    Bytes a = srtp, b = srtp;
    ASSERT_TRUE(libIn.unprotectRtp(a)) << "libsrtp refused ours";
    ASSERT_TRUE(oursIn.unprotectRtp(b)) << "we refused libsrtp's";
    EXPECT_EQ(a, plain);
    EXPECT_EQ(b, plain);
    ++checked;
  };
  for (int i = 0; i < 4000; ++i) {
    for (auto& s : sources) {
      const std::uint16_t seq = static_cast<std::uint16_t>(s.seq + i);
      Bytes plain = rtp(s.ssrc, seq, i % 4, i % 3 == 0, static_cast<std::size_t>(i % 211), rng);
      Bytes ours = plain, theirs = plain;
      ASSERT_TRUE(oursOut.protectRtp(ours));
      ASSERT_TRUE(libOut.protectRtp(theirs));
      ASSERT_EQ(ours, theirs) << "packet " << i << " seq " << seq;
      if (i % 17 == 5) continue;  // lost
      if (i % 29 == 3) {          // reordered: arrives after the next one
        held.emplace_back(ours, plain);
        continue;
      }
      deliver(ours, plain);
      for (auto& [srtp, p] : held) deliver(srtp, p);
      held.clear();
    }
  }
  EXPECT_GT(checked, 7000);
}

TEST(SrtpInterop, RtcpBothWays) {
  std::mt19937 rng(8);
  const Key key = randomKey(rng);
  SrtpSession oursOut(SrtpSession::Direction::Outbound, key), oursIn(SrtpSession::Direction::Inbound, key);
  LibSrtp libOut(SrtpSession::Direction::Outbound, key), libIn(SrtpSession::Direction::Inbound, key);
  for (int i = 0; i < 300; ++i) {
    for (std::uint32_t ssrc : {0x01020304u, 0xA0B0C0D0u}) {
      Bytes plain = rtcp(ssrc, i, rng), ours = plain, theirs = plain;
      ASSERT_TRUE(oursOut.protectRtcp(ours));
      ASSERT_TRUE(libOut.protectRtcp(theirs));
      EXPECT_EQ(ours.size(), plain.size() + 14);
      EXPECT_NE(Bytes(ours.begin() + 8, ours.begin() + plain.size()), Bytes(plain.begin() + 8, plain.end()));
      Bytes a = ours, b = theirs;
      ASSERT_TRUE(libIn.unprotectRtcp(a)) << i;
      ASSERT_TRUE(oursIn.unprotectRtcp(b)) << i;
      EXPECT_EQ(a, plain);
      EXPECT_EQ(b, plain);
      EXPECT_FALSE(oursIn.unprotectRtcp(theirs)) << "replay";
    }
  }
}

TEST(SrtpSession, ReplaysAndPacketsOlderThanTheWindowAreRefused) {
  std::mt19937 rng(9);
  const Key key = randomKey(rng);
  SrtpSession out(SrtpSession::Direction::Outbound, key), in(SrtpSession::Direction::Inbound, key);
  std::vector<Bytes> sent;
  for (int seq = 0; seq < 1200; ++seq) {
    Bytes p = rtp(5, static_cast<std::uint16_t>(seq), 0, false, 20, rng);
    ASSERT_TRUE(out.protectRtp(p));
    sent.push_back(p);
  }
  for (int seq = 0; seq < 1200; ++seq) {
    if (seq == 100 || seq == 1000) continue;
    Bytes p = sent[static_cast<std::size_t>(seq)];
    ASSERT_TRUE(in.unprotectRtp(p)) << seq;
  }
  Bytes replay = sent[1100];
  EXPECT_FALSE(in.unprotectRtp(replay));
  Bytes late = sent[1000];  // within the window, never seen
  EXPECT_TRUE(in.unprotectRtp(late));
  Bytes tooOld = sent[100];  // 1,099 behind the highest
  EXPECT_FALSE(in.unprotectRtp(tooOld));
}

TEST(SrtpSession, ResendsOfALowerSequenceNumberStillProtect) {
  std::mt19937 rng(10);
  const Key key = randomKey(rng);
  SrtpSession out(SrtpSession::Direction::Outbound, key), in(SrtpSession::Direction::Inbound, key);
  LibSrtp libIn(SrtpSession::Direction::Inbound, key);
  for (int seq = 65500; seq < 65636; ++seq) {  // across the wrap
    if (seq == 65530) continue;
    Bytes p = rtp(5, static_cast<std::uint16_t>(seq), 0, false, 30, rng), q;
    ASSERT_TRUE(out.protectRtp(p));
    q = p;
    ASSERT_TRUE(in.unprotectRtp(p));
    ASSERT_TRUE(libIn.unprotectRtp(q));
  }
  Bytes plain = rtp(5, 65530, 0, false, 30, rng), resent = plain;
  ASSERT_TRUE(out.protectRtp(resent)) << "a lower sequence number (before the wrap) is not an error";
  Bytes a = resent, b = resent;
  ASSERT_TRUE(in.unprotectRtp(a));
  ASSERT_TRUE(libIn.unprotectRtp(b));
  EXPECT_EQ(a, plain);
  EXPECT_EQ(b, plain);
  Bytes again = plain;
  ASSERT_TRUE(out.protectRtp(again));
  EXPECT_EQ(again, resent);
  EXPECT_FALSE(in.unprotectRtp(again)) << "but the receiver sees a replay";
}

TEST(SrtpSession, TamperingAnyByteIsRefusedAndLeavesTheSessionUsable) {
  std::mt19937 rng(11);
  const Key key = randomKey(rng);
  SrtpSession out(SrtpSession::Direction::Outbound, key), in(SrtpSession::Direction::Inbound, key);
  Bytes plain = rtp(77, 4242, 2, true, 50, rng), p = plain;
  ASSERT_TRUE(out.protectRtp(p));
  for (std::size_t i = 0; i < p.size(); ++i) {
    Bytes t = p;
    t[i] ^= 0x01;
    EXPECT_FALSE(in.unprotectRtp(t)) << "byte " << i;
  }
  Bytes r = rtcp(77, 1, rng), rp = r;
  ASSERT_TRUE(out.protectRtcp(rp));
  for (std::size_t i = 0; i < rp.size(); ++i) {
    Bytes t = rp;
    t[i] ^= 0x80;
    EXPECT_FALSE(in.unprotectRtcp(t)) << "byte " << i;
  }
  ASSERT_TRUE(in.unprotectRtp(p));
  EXPECT_EQ(p, plain);
  ASSERT_TRUE(in.unprotectRtcp(rp));
  EXPECT_EQ(rp, r);
  // A session with another key refuses it too.
  SrtpSession wrong(SrtpSession::Direction::Inbound, randomKey(rng));
  Bytes q = plain;
  ASSERT_TRUE(out.protectRtp(q));  // same seq again: a resend
  EXPECT_FALSE(wrong.unprotectRtp(q));
}

TEST(SrtpSession, TruncatedAndMalformedPacketsAreRefused) {
  std::mt19937 rng(12);
  const Key key = randomKey(rng);
  SrtpSession out(SrtpSession::Direction::Outbound, key), in(SrtpSession::Direction::Inbound, key);
  Bytes p = rtp(9, 1, 3, true, 40, rng);
  Bytes r = rtcp(9, 1, rng);
  Bytes sp = p, sr = r;
  ASSERT_TRUE(out.protectRtp(sp));
  ASSERT_TRUE(out.protectRtcp(sr));
  for (std::size_t n = 0; n < sp.size(); ++n) {
    Bytes t(sp.begin(), sp.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(in.unprotectRtp(t)) << n;
  }
  for (std::size_t n = 0; n < sr.size(); ++n) {
    Bytes t(sr.begin(), sr.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(in.unprotectRtcp(t)) << n;
  }
  // Plain packets too short for their own header are not protected.
  const std::size_t header = 12 + 12 + 12;  // fixed, 3 CSRCs, the extension (4 + 8)
  for (std::size_t n = 0; n < header; ++n) {
    Bytes t(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(out.protectRtp(t)) << n;
  }
  Bytes bigExtension = p;
  bigExtension[12 + 12 + 2] = 0xFF;  // an extension longer than the packet
  EXPECT_FALSE(out.protectRtp(bigExtension));
  for (std::size_t n = 0; n < 8; ++n) {
    Bytes t(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(out.protectRtcp(t)) << n;
  }
  Bytes headerOnly(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(header)), h = headerOnly;
  ASSERT_TRUE(out.protectRtp(h));  // an empty payload is fine
  ASSERT_TRUE(in.unprotectRtp(h));
  EXPECT_EQ(h, headerOnly);
  // Each direction does only its own job.
  Bytes x = p;
  EXPECT_FALSE(in.protectRtp(x));
  EXPECT_FALSE(out.unprotectRtp(sp));
}

/// protect + unprotect of a 100-byte payload, round-robin over `sessions` pairs, in CPU µs per packet.
template <typename Session>
double costPerPacket(std::size_t sessions, std::size_t packets) {
  std::mt19937 rng(13);
  std::vector<std::unique_ptr<Session>> out, in;
  std::vector<Bytes> templates;
  for (std::size_t i = 0; i < sessions; ++i) {
    Key key = randomKey(rng);
    out.push_back(std::make_unique<Session>(SrtpSession::Direction::Outbound, key));
    in.push_back(std::make_unique<Session>(SrtpSession::Direction::Inbound, key));
    templates.push_back(rtp(static_cast<std::uint32_t>(1000 + i), 0, 0, false, 100, rng));
  }
  Bytes scratch;
  scratch.reserve(2048);
  std::size_t bad = 0;
  // Thread CPU time: the machine running the tests is usually shared.
  auto cpuMicros = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  };
  const double start = cpuMicros();
  for (std::size_t i = 0; i < packets; ++i) {
    const std::size_t s = i % sessions;
    const std::uint16_t seq = static_cast<std::uint16_t>(i / sessions);
    scratch.assign(templates[s].begin(), templates[s].end());
    scratch[2] = static_cast<std::uint8_t>(seq >> 8);
    scratch[3] = static_cast<std::uint8_t>(seq);
    bad += !out[s]->protectRtp(scratch);
    bad += !in[s]->unprotectRtp(scratch);
  }
  const double elapsed = cpuMicros() - start;
  EXPECT_EQ(bad, 0u);
  return elapsed / static_cast<double>(packets);
}

TEST(SrtpBench, ProtectPlusUnprotectAgainstLibsrtp) {
  for (std::size_t sessions : {std::size_t{1}, std::size_t{1000}}) {
    const double before = costPerPacket<LibSrtp>(sessions, sessions == 1 ? 50000 : 20000);
    const double after = costPerPacket<SrtpSession>(sessions, 200000);
    std::printf(
        "[ bench    ] SRTP protect+unprotect, 100-byte payload, %4zu session pair%s: libsrtp2 %.2f µs/packet, "
        "OpenSSL %.2f µs/packet (x%.1f)\n",
        sessions, sessions == 1 ? " " : "s", before, after, before / after);
  }
}

}  // namespace
}  // namespace tccc::rtc
