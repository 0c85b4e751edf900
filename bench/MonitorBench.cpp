// SPDX-License-Identifier: Apache-2.0
// What a supervisor on a call costs the media thread (docs/media.md, "Supervisor on a call"): one
// MediaBridge fed, every 20 ms, a real Opus frame from each of its parties (customer, agent and, when
// one is on the call, the supervisor), ticked, and its outgoing packets counted by legs that do
// nothing else. Transport (SRTP, UDP) is left out: it is the same per packet with or without a
// supervisor. Per mode, the thread's CPU per 20 ms frame of one call, and the share of a core one
// monitored call takes; "none" is plain forwarding, the cost without a supervisor.
//
//   tccc_monitor_bench [--frames 3000]
#include "media/MediaBridge.hpp"
#include "media/MonitorMix.hpp"

#include <opus/opus.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

using namespace tccc::server::media;

namespace {

/// A leg that counts what it is sent.
class CountingLeg final : public BridgeLeg {
 public:
  void start(MediaLegSink* s) override { sink = s; }
  void sendAudio(std::uint64_t, const RtpHeader&, const std::uint8_t*, std::size_t, std::int64_t, bool) override {
    ++sent;
  }
  bool isDtmf(std::uint8_t) const override { return false; }
  void setHeld(bool) override {}
  void setLoss(double) override {}
  void tick(std::chrono::steady_clock::time_point) override {}
  void close() override {}
  bool connected() const override { return true; }
  MediaLegSink* sink = nullptr;
  std::uint64_t sent = 0;
};

/// 50 frames (one second) of a tone of `hz`, encoded as a browser would (48 kHz mono, 32 kbit/s).
std::vector<std::vector<std::uint8_t>> speech(double hz) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
  std::vector<std::vector<std::uint8_t>> frames;
  for (int f = 0; f < 50; ++f) {
    MonitorMix::Frame pcm{};
    for (int i = 0; i < kFrameSamples; ++i)
      pcm[i] = static_cast<std::int16_t>(8000 * std::sin(2 * 3.14159265 * hz * (f * kFrameSamples + i) / kSampleRate));
    std::vector<std::uint8_t> out(1500);
    int n = opus_encode(enc, pcm.data(), kFrameSamples, out.data(), 1500);
    out.resize(n > 0 ? n : 0);
    frames.push_back(std::move(out));
  }
  opus_encoder_destroy(enc);
  return frames;
}

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int frames = 3000;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--frames") == 0) frames = std::max(50, std::atoi(argv[i + 1]));
  const auto far = speech(440), agent = speech(1000), supervisor = speech(2500);
  const char* names[] = {"none", "listen", "whisper", "barge"};
  double noneUs = 0;
  for (int m = 0; m < 4; ++m) {
    MediaBridge bridge("s-bench", nullptr);
    auto farLeg = std::make_shared<CountingLeg>(), agentLeg = std::make_shared<CountingLeg>();
    auto supLeg = std::make_shared<CountingLeg>();
    bridge.attach(Side::Far, farLeg, "customer");
    bridge.attach(Side::Agent, agentLeg, "agent");
    if (m > 0) bridge.attachMonitor(supLeg, static_cast<MonitorMode>(m - 1));
    const auto start = std::chrono::steady_clock::now();
    const double cpu0 = threadCpuSeconds();
    for (int t = 0; t < frames; ++t) {
      RtpHeader h;
      h.payloadType = 111;
      h.sequence = static_cast<std::uint16_t>(t);
      h.timestamp = static_cast<std::uint32_t>(t * kFrameSamples);
      auto say = [&](CountingLeg& leg, const std::vector<std::uint8_t>& f, std::uint32_t ssrc) {
        h.ssrc = ssrc;
        leg.sink->onAudio(leg, h, f.data(), f.size());
      };
      say(*farLeg, far[t % 50], 1);
      say(*agentLeg, agent[t % 50], 2);
      if (m > 0) say(*supLeg, supervisor[t % 50], 3);
      bridge.tick(start + std::chrono::milliseconds(20 * t), 20000LL * t);
    }
    const double us = (threadCpuSeconds() - cpu0) * 1e6 / frames;
    if (m == 0) noneUs = us;
    std::printf(
        "monitor: %-7s %7.1f us CPU per 20 ms frame of one call (%.2f %% of a core; %.1f us more than without "
        "a supervisor); packets sent per frame: customer %.2f, agent %.2f, supervisor %.2f\n",
        names[m], us, us / 200.0, us - noneUs, double(farLeg->sent) / frames, double(agentLeg->sent) / frames,
        double(supLeg->sent) / frames);
  }
  return 0;
}
