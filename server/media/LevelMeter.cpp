// SPDX-License-Identifier: Apache-2.0
#include "media/LevelMeter.hpp"

#include "media/AudioSource.hpp"

#include <opus/opus.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace tccc::server::media {

LevelMeter::LevelMeter() {
  int err = 0;
  mDecoder = opus_decoder_create(kSampleRate, 1, &err);
  if (err != OPUS_OK) mDecoder = nullptr;
}

LevelMeter::~LevelMeter() {
  if (mDecoder) opus_decoder_destroy(mDecoder);
}

bool LevelMeter::add(const std::uint8_t* opus, std::size_t size) {
  if (!mDecoder) return false;
  std::array<opus_int16, 5760> pcm{};  // up to 120 ms
  int n = opus_decode(mDecoder, opus, static_cast<opus_int32>(size), pcm.data(), static_cast<int>(pcm.size()), 0);
  if (n <= 0) return false;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    double v = pcm[static_cast<std::size_t>(i)] / 32768.0;
    sum += v * v;
  }
  push(sum, static_cast<std::size_t>(n));
  return true;
}

bool LevelMeter::addPacket(std::uint32_t timestamp, const std::uint8_t* opus, std::size_t size) {
  const std::uint32_t gap = timestamp - mLastTimestamp;
  if (mHaveTimestamp && gap > kFrameSamples && gap < kMaxSilenceTicks) addSilence(gap - kFrameSamples);
  mHaveTimestamp = true;
  mLastTimestamp = timestamp;
  return add(opus, size);
}

void LevelMeter::addSilence(std::size_t samples) {
  // More than the window holds changes nothing more.
  samples = std::min(samples, kFrames * kFrameSamples);
  for (; samples > 0; samples -= std::min(samples, kFrameSamples)) push(0, std::min(samples, kFrameSamples));
}

void LevelMeter::push(double sum, std::size_t samples) {
  mSums.push_back(sum);
  mCounts.push_back(samples);
  mSum += sum;
  mSamples += samples;
  while (mSums.size() > kFrames) {
    mSum -= mSums.front();
    mSamples -= mCounts.front();
    mSums.pop_front();
    mCounts.pop_front();
  }
}

double LevelMeter::rms() const {
  return mSamples ? std::sqrt(std::max(0.0, mSum) / static_cast<double>(mSamples)) : 0.0;
}

}  // namespace tccc::server::media
