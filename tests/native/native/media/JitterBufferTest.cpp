// SPDX-License-Identifier: Apache-2.0
// The native jitter buffer (native/media/JitterBuffer, a port of js/src/media/JitterBuffer.ts):
// scripted arrivals at given times, and what each 20 ms pull plays. Every packet's payload is one
// byte holding its sequence number's low bits, so a test can tell which packet a pull returned.
#include "media/JitterBuffer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tccc::native {
namespace {

using Kind = JitterBuffer::Pull::Kind;
using Reason = JitterBuffer::Pull::Reason;

struct Arrival {
  std::uint16_t seq;
  std::uint32_t ts;
  double atMs;
};

/// What one pull played: 'F'rame n, 'E' fec of n, 'L'oss, 'U'nderrun, 'D'tx, 'I'dle.
std::string played(const JitterBuffer::Pull& p) {
  switch (p.kind) {
    case Kind::Frame:
      return "F" + std::to_string(p.payload[0]);
    case Kind::Fec:
      return "E" + std::to_string(p.payload[0]);
    case Kind::Conceal:
      return p.reason == Reason::Loss ? "L" : p.reason == Reason::Underrun ? "U" : "D";
    case Kind::Idle:
      return "I";
  }
  return "?";
}

/// Pushes the arrivals as the clock passes them and pulls every 20 ms from `firstPullMs`.
std::vector<std::string> run(JitterBuffer& jb, const std::vector<Arrival>& arrivals, int pulls,
                             double firstPullMs = 0) {
  std::vector<std::string> out;
  std::size_t next = 0;
  for (int i = 0; i < pulls; ++i) {
    const double now = firstPullMs + 20.0 * i;
    while (next < arrivals.size() && arrivals[next].atMs <= now) {
      const std::uint8_t payload = static_cast<std::uint8_t>(arrivals[next].seq);
      jb.push(arrivals[next].seq, arrivals[next].ts, &payload, 1, arrivals[next].atMs);
      ++next;
    }
    out.push_back(played(jb.pull(now)));
  }
  return out;
}

/// What played once playing started: the leading idle pulls (waiting for the target delay) cut.
std::vector<std::string> strip(std::vector<std::string> out) {
  std::size_t i = 0;
  while (i < out.size() && out[i] == "I") ++i;
  return std::vector<std::string>(out.begin() + static_cast<std::ptrdiff_t>(i), out.end());
}

/// Packets seq0.. in order, one every 20 ms from t=0, timestamps 960 apart.
std::vector<Arrival> steady(std::uint16_t seq0, int count, std::uint32_t ts0 = 1000) {
  std::vector<Arrival> a;
  for (int i = 0; i < count; ++i)
    a.push_back({static_cast<std::uint16_t>(seq0 + i), ts0 + 960u * static_cast<std::uint32_t>(i), 20.0 * i});
  return a;
}

std::vector<std::string> frames(std::uint16_t seq0, int count) {
  std::vector<std::string> f;
  for (int i = 0; i < count; ++i) f.push_back("F" + std::to_string(static_cast<std::uint8_t>(seq0 + i)));
  return f;
}

TEST(JitterBuffer, IdleUntilTheFirstPacketThenWaitsTheTargetDelay) {
  JitterBuffer jb;
  auto out = run(jb, steady(10, 10), 12);
  // 60 ms of initial target: three packets (60 ms of audio) buffered before the first plays.
  EXPECT_EQ(out[0], "I");
  EXPECT_EQ(out[1], "I");
  EXPECT_EQ(out[2], "F10");
  EXPECT_EQ(std::vector<std::string>(out.begin() + 2, out.end()), frames(10, 10));
  EXPECT_EQ(jb.stats().received, 10u);
  EXPECT_EQ(jb.stats().lost, 0u);
}

TEST(JitterBuffer, InOrderPlaysEveryPacketOnce) {
  JitterBuffer jb;
  auto out = run(jb, steady(100, 50), 52);
  EXPECT_EQ(strip(out), frames(100, 50));
  const auto s = jb.stats();
  EXPECT_EQ(s.received, 50u);
  EXPECT_EQ(s.concealed, 0u);
  EXPECT_EQ(s.late, 0u);
  EXPECT_EQ(s.lossPercent, 0);
}

TEST(JitterBuffer, ReorderedPacketsPlayInSequence) {
  JitterBuffer jb;
  auto a = steady(0, 12);
  std::swap(a[4], a[5]);  // 5 arrives before 4, 20 ms apart: within the target delay
  std::swap(a[4].atMs, a[5].atMs);
  auto out = run(jb, a, 14);
  EXPECT_EQ(strip(out), frames(0, 12));
  EXPECT_EQ(jb.stats().late, 0u);
}

TEST(JitterBuffer, ALostPacketIsRebuiltFromTheNextPacketsFec) {
  JitterBuffer jb;
  auto a = steady(0, 12);
  a.erase(a.begin() + 6);
  auto out = run(jb, a, 14);
  std::vector<std::string> expected = frames(0, 6);
  expected.push_back("E7");  // frame 6 from packet 7's in-band FEC
  for (auto& f : frames(7, 5)) expected.push_back(f);
  EXPECT_EQ(strip(out), expected);
  EXPECT_EQ(jb.stats().recoveredByFec, 1u);
  EXPECT_EQ(jb.stats().lost, 1u);
}

TEST(JitterBuffer, TwoLostPacketsAreConcealedThenFec) {
  JitterBuffer jb;
  auto a = steady(0, 12);
  a.erase(a.begin() + 5, a.begin() + 7);  // 5 and 6 lost
  auto out = run(jb, a, 14);
  std::vector<std::string> expected = frames(0, 5);
  expected.push_back("L");   // 5: nothing to rebuild it from (PLC)
  expected.push_back("E7");  // 6: from 7's FEC
  for (auto& f : frames(7, 5)) expected.push_back(f);
  EXPECT_EQ(strip(out), expected);
  EXPECT_EQ(jb.stats().concealed, 1u);
  EXPECT_EQ(jb.stats().lost, 2u);
}

TEST(JitterBuffer, DuplicatesAreDroppedAndCounted) {
  JitterBuffer jb;
  auto a = steady(0, 10);
  a.insert(a.begin() + 4, Arrival{3, 1000 + 3 * 960, 70});
  auto out = run(jb, a, 12);
  EXPECT_EQ(strip(out), frames(0, 10));
  EXPECT_EQ(jb.stats().duplicates, 1u);
  EXPECT_EQ(jb.stats().received, 10u);
}

TEST(JitterBuffer, APacketAfterItsFrameWasPlayedIsLate) {
  JitterBuffer jb;
  auto a = steady(0, 12);
  Arrival stray = a[5];
  a.erase(a.begin() + 5);
  stray.atMs = 200;  // frame 5 was concealed (FEC from 6) at t=160
  a.insert(a.begin() + 9, stray);
  auto out = strip(run(jb, a, 15));
  EXPECT_EQ(out[5], "E6");
  EXPECT_EQ(jb.stats().late, 1u);
  EXPECT_EQ(jb.stats().lost, 0u);  // it did arrive: late, not lost
}

TEST(JitterBuffer, TheSequenceWrapsAround) {
  JitterBuffer jb;
  auto out = run(jb, steady(65530, 14), 16);
  EXPECT_EQ(strip(out), frames(65530, 14));
  EXPECT_EQ(jb.stats().lost, 0u);
  EXPECT_EQ(jb.stats().resyncs, 0u);
}

TEST(JitterBuffer, ReorderedAcrossTheWrap) {
  JitterBuffer jb;
  auto a = steady(65533, 8);
  std::swap(a[2].atMs, a[3].atMs);  // 65535 and 0 swap arrival
  std::swap(a[2], a[3]);
  auto out = run(jb, a, 10);
  EXPECT_EQ(strip(out), frames(65533, 8));
}

TEST(JitterBuffer, ADtxPauseIsComfortNoiseNotLoss) {
  JitterBuffer jb;
  auto a = steady(0, 5);
  // The sender paused 10 frames: the next sequence number, a timestamp 11 frames later.
  for (int i = 0; i < 5; ++i) a.push_back({static_cast<std::uint16_t>(5 + i), 1000 + 960u * (15 + i), 20.0 * (15 + i)});
  auto out = run(jb, a, 30);
  int dtx = 0, loss = 0;
  for (auto& o : out) {
    dtx += o == "D" || o == "U";
    loss += o == "L";
  }
  EXPECT_EQ(loss, 0);
  EXPECT_GT(dtx, 5);
  EXPECT_EQ(jb.stats().lost, 0u);
  EXPECT_EQ(jb.stats().concealed, 0u);
}

TEST(JitterBuffer, MalformedPacketsAreRefused) {
  JitterBuffer jb;
  std::vector<std::uint8_t> big(1276, 1);
  EXPECT_EQ(jb.push(1, 1, nullptr, 1, 0), JitterBuffer::PushResult::Invalid);
  EXPECT_EQ(jb.push(1, 1, big.data(), 0, 0), JitterBuffer::PushResult::Invalid);
  EXPECT_EQ(jb.push(1, 1, big.data(), big.size(), 0), JitterBuffer::PushResult::Invalid);
  EXPECT_EQ(jb.stats().invalid, 3u);
  EXPECT_EQ(jb.push(1, 1, big.data(), 1275, 0), JitterBuffer::PushResult::Accepted);
}

TEST(JitterBuffer, AJumpInTheStreamStartsOver) {
  JitterBuffer jb;
  auto a = steady(0, 5);
  for (auto& x : steady(30000, 10, 5000000)) {
    x.atMs += 100;
    a.push_back(x);
  }
  auto out = run(jb, a, 20);
  EXPECT_EQ(jb.stats().resyncs, 1u);
  EXPECT_EQ(jb.stats().lost, 0u);  // the jump is not loss
  const std::string last = "F" + std::to_string(static_cast<std::uint8_t>(30000 + 9));
  EXPECT_NE(std::find(out.begin(), out.end(), last), out.end());
}

TEST(JitterBuffer, MemoryStaysBoundedWhateverArrives) {
  JitterBuffer jb;
  const std::uint8_t p = 1;
  for (int i = 0; i < 100000; ++i)
    jb.push(static_cast<std::uint16_t>(i * 7919), static_cast<std::uint32_t>(i) * 123457u, &p, 1, i * 0.1);
  EXPECT_LE(jb.stats().bufferedPackets, 38u);  // 2 × 300 ms / 20 ms + 8 slots
}

}  // namespace
}  // namespace tccc::native
