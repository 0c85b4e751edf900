// SPDX-License-Identifier: Apache-2.0
#include "media/ReceptionStats.hpp"

#include <algorithm>

namespace tccc::server::media {

void ReceptionStats::restart(std::uint16_t sequence) {
  mStarted = true;
  mBaseSeq = sequence;
  mMaxSeq = sequence;
  mBadSeq = kSeqMod + 1;
  mCycles = 0;
  mReceived = 0;
  mReceivedPrior = 0;
  mExpectedPrior = 0;
}

bool ReceptionStats::onPacket(std::uint16_t sequence, std::uint32_t rtpTimestamp, std::uint32_t arrival) {
  if (!mStarted) {
    restart(sequence);
  } else {
    const auto delta = static_cast<std::uint16_t>(sequence - mMaxSeq);
    if (delta < kMaxDropout) {
      if (sequence < mMaxSeq) mCycles += kSeqMod;  // wrapped
      mMaxSeq = sequence;
    } else if (delta <= kSeqMod - kMaxMisorder) {
      // A very large jump: the sender restarted, or this is garbage. Only a second packet that
      // follows it makes it the stream's new start.
      if (sequence != mBadSeq) {
        mBadSeq = (std::uint32_t(sequence) + 1) & (kSeqMod - 1);
        return false;
      }
      restart(sequence);
    }
    // else a late or duplicate packet: counted, the highest number stays
  }
  ++mReceived;
  // Interarrival jitter: the smoothed difference of transit times (A.8), in timestamp units.
  const auto transit = static_cast<std::int32_t>(arrival - rtpTimestamp);
  if (mHaveTransit) {
    std::int64_t d = std::int64_t(transit) - mTransit;
    if (d < 0) d = -d;
    d = std::min<std::int64_t>(d, 0x7FFFFFF);  // a wild timestamp must not overflow the average
    mJitterQ4 = static_cast<std::uint32_t>(std::int64_t(mJitterQ4) + d - ((std::int64_t(mJitterQ4) + 8) >> 4));
  }
  mTransit = transit;
  mHaveTransit = true;
  return true;
}

std::uint64_t ReceptionStats::expected() const {
  if (!mStarted) return 0;
  return std::uint64_t(mCycles) + mMaxSeq - mBaseSeq + 1;
}

ReceptionStats::Report ReceptionStats::report() {
  Report r;
  const std::uint64_t expected = this->expected();
  r.cumulativeLost =
      expected > mReceived ? static_cast<std::uint32_t>(std::min<std::uint64_t>(expected - mReceived, 0xFFFFFFFFu)) : 0;
  const std::uint64_t expectedInterval = expected - std::min(expected, mExpectedPrior);
  const std::uint64_t receivedInterval = mReceived - std::min(mReceived, mReceivedPrior);
  mExpectedPrior = expected;
  mReceivedPrior = mReceived;
  if (expectedInterval > receivedInterval)
    r.fractionLost = static_cast<std::uint8_t>(
        std::min<std::uint64_t>(255, ((expectedInterval - receivedInterval) << 8) / expectedInterval));
  r.jitter = mJitterQ4 >> 4;
  r.packetsReceived = static_cast<std::uint32_t>(std::min<std::uint64_t>(mReceived, 0xFFFFFFFFu));
  return r;
}

}  // namespace tccc::server::media
