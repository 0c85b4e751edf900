// SPDX-License-Identifier: Apache-2.0
#include "asr/EndPointer.hpp"

#include <algorithm>
#include <cmath>

namespace tccc::server::asr {

namespace {
// Until the line has been heard for a while, assume a quiet one: a call may open with speech.
constexpr double kInitialFloorDb = -90;
}  // namespace

EndPointer::EndPointer(EndPointerOptions options) : mOptions(options), mCurrentMinDb(kInitialFloorDb) {
  for (double& b : mBlockMinDb) b = kInitialFloorDb;
}

double EndPointer::noiseFloorDb() const {
  double floor = mCurrentMinDb;
  for (double b : mBlockMinDb) floor = std::min(floor, b);
  return floor;
}

double EndPointer::meanSquare(const std::int16_t* samples, std::size_t count) {
  if (count == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    double v = samples[i] / 32768.0;
    sum += v * v;
  }
  return sum / static_cast<double>(count);
}

EndPointer::Event EndPointer::onFrame(const std::int16_t* samples, std::size_t count) {
  return onFrame(meanSquare(samples, count));
}

EndPointer::Event EndPointer::onFrame(double meanSquare) {
  const double db = 10 * std::log10(std::max(meanSquare, 1e-10));  // digital silence = -100 dB
  const double threshold = std::max(mOptions.minSpeechDb, noiseFloorDb() + mOptions.aboveNoiseDb) -
                           (mInSpeech ? mOptions.hysteresisDb : 0.0);
  const bool loud = db > threshold;

  mCurrentMinDb = mFramesInBlock == 0 ? db : std::min(mCurrentMinDb, db);
  if (++mFramesInBlock == kBlockFrames) {
    mBlockMinDb[mBlock] = mCurrentMinDb;
    mBlock = (mBlock + 1) % kBlocks;
    mFramesInBlock = 0;
  }

  if (!mInSpeech) {
    mLoudFrames = loud ? mLoudFrames + 1 : 0;
    if (mLoudFrames < mOptions.startFrames) return Event::None;
    mInSpeech = true;
    mLoudFrames = 0;
    mQuietFrames = 0;
    mSpeechFrames = mOptions.startFrames;
    return Event::SpeechStarted;
  }

  ++mSpeechFrames;
  mQuietFrames = loud ? 0 : mQuietFrames + 1;
  const bool pausedLongEnough = mQuietFrames * mOptions.frameMs >= mOptions.hangoverMs;
  const bool tooLong = mSpeechFrames * mOptions.frameMs >= mOptions.maxUtteranceMs;
  if (!pausedLongEnough && !tooLong) return Event::None;
  mInSpeech = false;
  mSpeechFrames = 0;
  return Event::SpeechEnded;
}

}  // namespace tccc::server::asr
