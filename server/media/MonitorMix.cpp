// SPDX-License-Identifier: Apache-2.0
#include "media/MonitorMix.hpp"

#include "random/SecureRandom.hpp"

#include <opus/opus.h>

#include <algorithm>
#include <limits>

namespace tccc::server::media {

MonitorMix::MonitorMix() {
  for (auto& d : mDecoders) {
    int err = 0;
    d = opus_decoder_create(kSampleRate, 1, &err);
    if (err != OPUS_OK) d = nullptr;
  }
  for (auto& o : mOutputs) {
    o.sequence = static_cast<std::uint16_t>(SecureRandom::uint32());
    o.timestamp = SecureRandom::uint32();
  }
  for (auto& f : mCurrent) f.fill(0);
}

MonitorMix::~MonitorMix() {
  for (auto* d : mDecoders)
    if (d) opus_decoder_destroy(d);
  for (auto& o : mOutputs)
    if (o.encoder) opus_encoder_destroy(o.encoder);
}

void MonitorMix::heard(Party party, const std::uint8_t* opus, std::size_t size) {
  OpusDecoder* decoder = mDecoders[index(party)];
  if (!decoder || size == 0 || size > 1500) return;
  // 120 ms is the longest an Opus packet may carry.
  std::array<std::int16_t, 6 * kFrameSamples> pcm{};
  const int n = opus_decode(decoder, opus, static_cast<opus_int32>(size), pcm.data(), static_cast<int>(pcm.size()), 0);
  if (n > 0) append(party, pcm.data(), static_cast<std::size_t>(n));
}

void MonitorMix::heard(Party party, const Frame& pcm) { append(party, pcm.data(), pcm.size()); }

void MonitorMix::append(Party party, const std::int16_t* pcm, std::size_t samples) {
  Queue& q = mQueues[index(party)];
  q.samples.insert(q.samples.end(), pcm, pcm + samples);
  if (q.samples.size() > kMaxQueued)  // bursts cost delay up to a bound, then the oldest audio goes
    q.samples.erase(q.samples.begin(), q.samples.begin() + static_cast<std::ptrdiff_t>(q.samples.size() - kMaxQueued));
  if (q.samples.size() >= kStartQueued) q.playing = true;
}

void MonitorMix::advance() {
  for (std::size_t i = 0; i < kParties; ++i) {
    Queue& q = mQueues[i];
    Frame& f = mCurrent[i];
    if (!q.playing || q.samples.size() < kFrameSamples) {
      q.playing = false;  // ran dry: wait for two frames again rather than stutter frame by frame
      f.fill(0);
      continue;
    }
    std::copy_n(q.samples.begin(), kFrameSamples, f.begin());
    q.samples.erase(q.samples.begin(), q.samples.begin() + kFrameSamples);
  }
}

bool MonitorMix::encodeFor(Party listener, RtpHeader& header, std::array<unsigned char, 1500>& out, std::size_t& size) {
  Output& o = mOutputs[index(listener)];
  if (!o.encoder) {
    int err = 0;
    o.encoder = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK || !o.encoder) {
      o.encoder = nullptr;
      return false;
    }
    // As the server's other generated audio (MediaBridge::makeGenerator).
    opus_encoder_ctl(o.encoder, OPUS_SET_BITRATE(32000));
    opus_encoder_ctl(o.encoder, OPUS_SET_COMPLEXITY(5));
  }
  Frame sum{};
  for (std::size_t s = 0; s < kFrameSamples; ++s) {
    int total = 0;
    for (std::size_t p = 0; p < kParties; ++p)
      if (p != index(listener)) total += mCurrent[p][s];
    sum[s] = static_cast<std::int16_t>(std::clamp(total, int{std::numeric_limits<std::int16_t>::min()},
                                                  int{std::numeric_limits<std::int16_t>::max()}));
  }
  const opus_int32 n =
      opus_encode(o.encoder, sum.data(), kFrameSamples, out.data(), static_cast<opus_int32>(out.size()));
  if (n <= 0) return false;
  size = static_cast<std::size_t>(n);
  header = RtpHeader{};
  header.sequence = o.sequence++;
  header.timestamp = o.timestamp;
  o.timestamp += kFrameSamples;
  return true;
}

}  // namespace tccc::server::media
