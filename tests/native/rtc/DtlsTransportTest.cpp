// SPDX-License-Identifier: Apache-2.0
// DTLS-SRTP between two DtlsTransports in memory (one per identity, as a browser and the server):
// the handshake completes in either role, both derive mirrored SRTP keys, SRTP protects and
// unprotects across them, a wrong fingerprint is refused, and junk never crashes the transport.
#include "rtc/DtlsTransport.hpp"
#include "rtc/RtpHeader.hpp"
#include "rtc/SrtpSession.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

namespace tccc::rtc {
namespace {

/// Moves datagrams between the two until neither has anything to send (at most `rounds`).
void pump(DtlsTransport& a, DtlsTransport& b, int rounds = 20) {
  for (int i = 0; i < rounds; ++i) {
    auto fromA = a.takeOutgoing();
    auto fromB = b.takeOutgoing();
    if (fromA.empty() && fromB.empty()) return;
    for (auto& d : fromA) b.onData(d.data(), d.size());
    for (auto& d : fromB) a.onData(d.data(), d.size());
  }
}

struct Pair {
  DtlsIdentity serverId, clientId;
  DtlsTransport server{serverId}, client{clientId};
};

TEST(DtlsIdentity, SelfSignedP256WithASha256Fingerprint) {
  DtlsIdentity id;
  EXPECT_TRUE(std::regex_match(id.fingerprint(), std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}"))) << id.fingerprint();
  DtlsIdentity other;
  EXPECT_NE(id.fingerprint(), other.fingerprint());  // a fresh certificate each time
}

class DtlsRoles : public ::testing::TestWithParam<bool> {};

TEST_P(DtlsRoles, HandshakeExportsMirroredKeysAndSrtpFlows) {
  const bool fingerprintFirst = GetParam();
  Pair p;
  if (fingerprintFirst) {
    p.server.setRemoteFingerprint("sha-256", p.clientId.fingerprint());
    p.client.setRemoteFingerprint("sha-256", p.serverId.fingerprint());
  }
  p.server.start(DtlsTransport::Role::Server);
  p.client.start(DtlsTransport::Role::Client);
  pump(p.client, p.server);
  if (!fingerprintFirst) {
    // The answer (with the browser's fingerprint) may arrive after the handshake: not connected
    // until it does, and no keys leak out before.
    EXPECT_EQ(p.server.state(), DtlsTransport::State::Connecting);
    EXPECT_FALSE(p.server.srtpKeys());
    p.server.setRemoteFingerprint("sha-256", p.clientId.fingerprint());
    p.client.setRemoteFingerprint("sha-256", p.serverId.fingerprint());
  }
  ASSERT_EQ(p.server.state(), DtlsTransport::State::Connected) << p.server.error();
  ASSERT_EQ(p.client.state(), DtlsTransport::State::Connected) << p.client.error();
  auto sk = *p.server.srtpKeys();
  auto ck = *p.client.srtpKeys();
  EXPECT_EQ(sk.local, ck.remote);
  EXPECT_EQ(sk.remote, ck.local);
  EXPECT_NE(sk.local, sk.remote);

  SrtpSession serverOut(SrtpSession::Direction::Outbound, sk.local);
  SrtpSession clientIn(SrtpSession::Direction::Inbound, ck.remote);
  RtpHeader h;
  h.payloadType = 111;
  h.sequence = 1;
  h.ssrc = 99;
  std::vector<std::uint8_t> packet;
  h.write(packet);
  packet.insert(packet.end(), {'o', 'p', 'u', 's'});
  auto plain = packet;
  ASSERT_TRUE(serverOut.protectRtp(packet));
  EXPECT_EQ(packet.size(), plain.size() + 10);  // 80-bit auth tag
  EXPECT_NE(std::vector<std::uint8_t>(packet.begin() + 12, packet.begin() + 16),
            std::vector<std::uint8_t>(plain.begin() + 12, plain.end()));
  auto copy = packet;
  ASSERT_TRUE(clientIn.unprotectRtp(packet));
  EXPECT_EQ(packet, plain);
  EXPECT_FALSE(clientIn.unprotectRtp(copy)) << "a replay is refused";
  copy[14] ^= 1;
  EXPECT_FALSE(clientIn.unprotectRtp(copy)) << "a tampered packet is refused";
  // The wrong key cannot read it.
  SrtpSession wrong(SrtpSession::Direction::Inbound, sk.remote);
  h.sequence = 2;
  std::vector<std::uint8_t> second;
  h.write(second);
  second.push_back(1);
  ASSERT_TRUE(serverOut.protectRtp(second));
  EXPECT_FALSE(wrong.unprotectRtp(second));
}

INSTANTIATE_TEST_SUITE_P(FingerprintBeforeOrAfter, DtlsRoles, ::testing::Bool());

TEST(DtlsTransport, AFingerprintThatDoesNotMatchFails) {
  Pair p;
  DtlsIdentity stranger;
  p.server.setRemoteFingerprint("sha-256", stranger.fingerprint());
  p.client.setRemoteFingerprint("sha-256", p.serverId.fingerprint());
  p.server.start(DtlsTransport::Role::Server);
  p.client.start(DtlsTransport::Role::Client);
  pump(p.client, p.server);
  EXPECT_EQ(p.server.state(), DtlsTransport::State::Failed);
  EXPECT_NE(p.server.error().find("fingerprint"), std::string::npos) << p.server.error();
  EXPECT_FALSE(p.server.srtpKeys());
}

TEST(DtlsTransport, JunkAndTruncatedRecordsDoNotCrash) {
  DtlsIdentity id;
  DtlsTransport t(id);
  t.start(DtlsTransport::Role::Server);
  std::vector<std::uint8_t> junk(300);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 22);
  junk[0] = 22;  // handshake content type, garbage after it
  for (std::size_t n = 1; n <= junk.size(); n += 7) t.onData(junk.data(), n);
  t.onData(nullptr, 0);
  t.onTimer();
  (void)t.takeOutgoing();
  EXPECT_NE(t.state(), DtlsTransport::State::Connected);
  // A real client can still not sneak in without the right fingerprint.
  SUCCEED();
}

TEST(DtlsTransport, ALostFlightIsRetransmittedOnTheTimer) {
  Pair p;
  p.client.setRemoteFingerprint("sha-256", p.serverId.fingerprint());
  p.server.setRemoteFingerprint("sha-256", p.clientId.fingerprint());
  p.server.start(DtlsTransport::Role::Server);
  p.client.start(DtlsTransport::Role::Client);
  ASSERT_FALSE(p.client.takeOutgoing().empty());  // the ClientHello is "lost"
  std::vector<std::vector<std::uint8_t>> again;
  for (int i = 0; i < 40 && again.empty(); ++i) {  // DTLS' first timeout is 1 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    p.client.onTimer();
    again = p.client.takeOutgoing();
  }
  ASSERT_FALSE(again.empty()) << "ClientHello retransmitted";
  for (auto& d : again) p.server.onData(d.data(), d.size());
  pump(p.client, p.server);
  EXPECT_EQ(p.server.state(), DtlsTransport::State::Connected);
  EXPECT_EQ(p.client.state(), DtlsTransport::State::Connected);
}

}  // namespace
}  // namespace tccc::rtc
