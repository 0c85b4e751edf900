// SPDX-License-Identifier: Apache-2.0
#include "media/JitterBuffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tccc::native {

namespace {

constexpr std::uint32_t kFrameTs = 960;  // 20 ms at 48 kHz
constexpr double kFrameMs = 20;
constexpr double kTsPerMs = 48;
constexpr std::size_t kMaxPacket = 1275;
constexpr std::int64_t kHistory = 1024;
constexpr double kPeakDecay = 1.0 / 256;  // about 5 s at 50 packets/s
constexpr int kBaseWindow = 500;          // packets per window of the minimum transit time
constexpr int kRestartRun = 5;            // packets in sequence far behind that make the buffer follow
constexpr double kInf = std::numeric_limits<double>::infinity();

/// a - b for u32 timestamps, as a signed difference (wraps).
std::int32_t tsDiff(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b); }

/// A modulo that stays in 0..m-1 for negative numbers too (a stream that jumped back far enough).
std::int64_t wrapIndex(std::int64_t v, std::int64_t m) { return ((v % m) + m) % m; }

double clampOption(double v, double fallback) { return std::isfinite(v) && v >= kFrameMs && v <= 10000 ? v : fallback; }

}  // namespace

JitterBuffer::JitterBuffer(Options o)
    : mMinDelay(clampOption(o.minDelayMs, 40)),
      mMaxDelay(std::max(mMinDelay, clampOption(o.maxDelayMs, 300))),
      mShrinkInterval(clampOption(o.shrinkIntervalMs, 1000)),
      mLastShrinkMs(-kInf),
      mBaseMin(kInf),
      mBasePrevMin(kInf),
      mLastTransit(0) {
  mTarget = std::min(mMaxDelay, std::max(mMinDelay, clampOption(o.initialDelayMs, 60)));
  // The initial delay decays like a measured peak: a clean stream brings it down over seconds.
  mPeakJitter = mTarget - 2 * kFrameMs;
  // Room for twice the largest delay: anything further ahead is a jump, not a late stream.
  mCapacity = static_cast<std::int64_t>(std::ceil(2 * mMaxDelay / kFrameMs)) + 8;
  mSlots.resize(static_cast<std::size_t>(mCapacity));
  mHistory.assign(kHistory, -1);
}

JitterBuffer::PushResult JitterBuffer::push(std::uint16_t seq, std::uint32_t timestamp, const std::uint8_t* payload,
                                            std::size_t size, double nowMs) {
  if (!payload || size < 1 || size > kMaxPacket || !std::isfinite(nowMs)) {
    ++mCounts.invalid;
    return PushResult::Invalid;
  }
  if (!mStarted) {
    // Extended numbers start one cycle up, so that a reordered packet from before a wrap (65535
    // after 0) still has a non-negative number.
    const std::int64_t ext = static_cast<std::int64_t>(seq) + 0x10000;
    mStarted = true;
    mNextSeq = mHighestSeq = mFirstSeq = ext;
    mPlayTs = timestamp;
    mExtTsBase = timestamp;
    mTsOfHighest = timestamp;
    mBufferingSince = nowMs;
    return accept(ext, timestamp, payload, size, nowMs);
  }
  // Unwrap: the u16 closest to the highest number seen.
  const std::int64_t delta = ((static_cast<std::int64_t>(seq) - (mHighestSeq & 0xFFFF) + 0x8000) & 0xFFFF) - 0x8000;
  const std::int64_t ext = mHighestSeq + delta;
  if (mNextSeq - ext > mCapacity) {
    // Far behind: a straggler, or a sender that started over. After kRestartRun packets in
    // sequence there, follow them instead of dropping every one as late (RFC 3550's probation).
    mRestartRun = ext == mRestartSeq + 1 ? mRestartRun + 1 : 1;
    mRestartSeq = ext;
    if (mRestartRun >= kRestartRun) {
      mRestartRun = 0;
      resync(ext, timestamp, nowMs);
      return accept(ext, timestamp, payload, size, nowMs);
    }
  } else {
    mRestartRun = 0;
  }
  if (seen(ext)) {
    ++mCounts.duplicates;
    return PushResult::Duplicate;
  }
  if (ext < mNextSeq) {
    // Before the first frame is played a reordered earlier packet can still lead.
    if (!mPlayedAny && !mPlaying && ext >= mNextSeq - mCapacity / 2) {
      mNextSeq = ext;
      mPlayTs = timestamp;
      if (ext < mFirstSeq) mFirstSeq = ext;
      return accept(ext, timestamp, payload, size, nowMs);
    }
    remember(ext);
    ++mCounts.received;
    ++mCounts.late;
    measure(ext, timestamp, nowMs);  // its lateness is jitter all the same
    return PushResult::Late;
  }
  if (ext - mNextSeq >= mCapacity) {
    // Far beyond anything the buffer could hold: the stream jumped. Start over from this packet
    // rather than conceal thousands of frames.
    resync(ext, timestamp, nowMs);
    return accept(ext, timestamp, payload, size, nowMs);
  }
  // A talk spurt after a pause (nothing buffered, the next number, a later timestamp): it plays
  // after the target delay, which is where the delay shrinks or grows for free.
  if (mCount == 0 && ext == mNextSeq && mPlaying && tsDiff(timestamp, mPlayTs) > 0) {
    mHeldFrames = 0;  // they were a pause, not a stall
    mPlaying = false;
    mPlayTs = timestamp;
    mBufferingSince = nowMs;
  }
  return accept(ext, timestamp, payload, size, nowMs);
}

const JitterBuffer::Pull& JitterBuffer::pull(double nowMs) {
  Pull& out = mPull;
  out.payload = nullptr;
  out.size = 0;
  out.reason = Pull::Reason::None;
  if (!mStarted) {
    out.kind = Pull::Kind::Idle;
    return out;
  }
  if (!mPlaying) {
    if (mCount > 0 && (delayMs() >= mTarget || nowMs - mBufferingSince >= mTarget)) {
      mPlaying = true;
    } else {
      out.kind = mPlayedAny ? Pull::Kind::Conceal : Pull::Kind::Idle;
      if (mPlayedAny) out.reason = Pull::Reason::Dtx;
      return out;
    }
  }
  shrink(nowMs);
  if (mCount == 0) {
    // Underrun: hold the position. Whether it was a stall or a pause is known at the next packet.
    ++mHeldFrames;
    out.kind = Pull::Kind::Conceal;
    out.reason = Pull::Reason::Underrun;
    return out;
  }
  if (mHeldFrames > 0) {
    mCounts.concealed += static_cast<std::uint64_t>(mHeldFrames);  // packets came back mid-spurt: a stall
    mHeldFrames = 0;
  }
  mPlayedAny = true;
  const int slot = slotOf(mNextSeq);
  if (slot >= 0) {
    const std::uint32_t ts = mSlots[slot].timestamp;
    const std::int32_t gap = tsDiff(ts, mPlayTs);
    if (gap > 0 && gap <= mMaxDelay * kTsPerMs) {
      // The sender skipped frames (DTX) before this packet: comfort noise until its time.
      mPlayTs += kFrameTs;
      out.kind = Pull::Kind::Conceal;
      out.reason = Pull::Reason::Dtx;
      return out;
    }
    out.kind = Pull::Kind::Frame;
    out.payload = mSlots[slot].data.data();
    out.size = mSlots[slot].size;
    take(slot);  // the bytes stay in the slot until a later push reuses it
    ++mNextSeq;
    mPlayTs = ts + kFrameTs;
    return out;
  }
  // The packet is missing while later ones are here: lost (or so late it will be dropped).
  ++mNextSeq;
  mPlayTs += kFrameTs;
  const int next = slotOf(mNextSeq);
  if (next >= 0 && tsDiff(mSlots[next].timestamp, mPlayTs) == 0) {
    ++mCounts.recoveredByFec;
    out.kind = Pull::Kind::Fec;
    out.payload = mSlots[next].data.data();
    out.size = mSlots[next].size;
    return out;
  }
  ++mCounts.concealed;
  out.kind = Pull::Kind::Conceal;
  out.reason = Pull::Reason::Loss;
  return out;
}

JitterBuffer::Stats JitterBuffer::stats() const {
  Stats s = mCounts;
  const std::int64_t expected = mStarted ? mHighestSeq - mFirstSeq + 1 : 0;
  const std::int64_t lost = std::max<std::int64_t>(0, expected - static_cast<std::int64_t>(mCounts.received));
  s.lost = static_cast<std::uint64_t>(lost);
  s.lossPercent = expected > 0 ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0;
  s.jitterMs = mJitter;
  s.targetDelayMs = mTarget;
  s.delayMs = delayMs();
  s.bufferedPackets = mCount;
  return s;
}

JitterBuffer::PushResult JitterBuffer::accept(std::int64_t ext, std::uint32_t timestamp, const std::uint8_t* payload,
                                              std::size_t size, double nowMs) {
  remember(ext);
  ++mCounts.received;
  Slot& slot = mSlots[static_cast<std::size_t>(wrapIndex(ext, mCapacity))];
  if (slot.seq >= 0) --mCount;  // cannot happen within the window; never let the count drift
  slot.seq = ext;
  slot.timestamp = timestamp;
  slot.size = size;
  std::memcpy(slot.data.data(), payload, size);
  ++mCount;
  measure(ext, timestamp, nowMs);
  return PushResult::Accepted;
}

void JitterBuffer::measure(std::int64_t ext, std::uint32_t timestamp, double nowMs) {
  if (ext >= mHighestSeq) {
    mExtTsBase += tsDiff(timestamp, mTsOfHighest);
    mTsOfHighest = timestamp;
    mHighestSeq = ext;
  }
  // Timestamps of packets other than the highest are placed relative to it.
  const std::int64_t extTs = mExtTsBase + tsDiff(timestamp, mTsOfHighest);
  const double transit = nowMs - static_cast<double>(extTs) / kTsPerMs;
  if (mHaveTransit) mJitter += (std::abs(transit - mLastTransit) - mJitter) / 16;  // RFC 3550 A.8
  mLastTransit = transit;
  mHaveTransit = true;
  if (transit < mBaseMin) mBaseMin = transit;
  if (++mBaseCount >= kBaseWindow) {
    mBasePrevMin = mBaseMin;
    mBaseMin = transit;
    mBaseCount = 0;
  }
  const double late = transit - std::min(mBaseMin, mBasePrevMin);
  mPeakJitter = late > mPeakJitter ? late : mPeakJitter + (late - mPeakJitter) * kPeakDecay;
  // The frame must be here a frame before it plays, with a frame of margin for the pull phase
  // (1 ms of tolerance: the decaying peak only approaches a value, it never reaches it).
  const double wanted = std::ceil((mPeakJitter + 2 * kFrameMs - 1) / kFrameMs) * kFrameMs;
  mTarget = std::min(mMaxDelay, std::max(mMinDelay, wanted));
}

void JitterBuffer::shrink(double nowMs) {
  if (delayMs() > mMaxDelay) {
    // Bounded even when a hostile timestamp makes the delay look like hours.
    for (std::int64_t i = 0; i < mCapacity && mCount > 1 && delayMs() > mTarget; ++i) skipOne(true);
    mLastShrinkMs = nowMs;
    return;
  }
  if (mCount > 1 && delayMs() >= mTarget + 2 * kFrameMs && nowMs - mLastShrinkMs >= mShrinkInterval) {
    skipOne(false);
    mLastShrinkMs = nowMs;
  }
}

void JitterBuffer::skipOne(bool wholeGap) {
  // A DTX gap goes first (cheaper than a packet): by one frame or, when `wholeGap`, all of it.
  const int slot = slotOf(mNextSeq);
  if (slot >= 0 && tsDiff(mSlots[slot].timestamp, mPlayTs) > 0) {
    mPlayTs = wholeGap ? mSlots[slot].timestamp : mPlayTs + kFrameTs;
    return;
  }
  ++mCounts.skipped;
  if (slot >= 0) take(slot);
  ++mNextSeq;
  mPlayTs += kFrameTs;
}

void JitterBuffer::resync(std::int64_t ext, std::uint32_t timestamp, double nowMs) {
  ++mCounts.resyncs;
  for (auto& s : mSlots) s.seq = -1;
  mCount = 0;
  // After a jump back, the old numbers would read as duplicates of the new ones.
  std::fill(mHistory.begin(), mHistory.end(), -1);
  // Loss is counted from the new position on: the jump (either way) is not loss.
  mFirstSeq += ext - mHighestSeq - 1;
  mNextSeq = mHighestSeq = ext;
  mPlayTs = mTsOfHighest = timestamp;
  mHeldFrames = 0;
  mPlaying = false;
  mBufferingSince = nowMs;
  mHaveTransit = false;
  mBaseMin = mBasePrevMin = kInf;
  mBaseCount = 0;
  mPeakJitter = 0;
}

int JitterBuffer::slotOf(std::int64_t ext) const {
  const auto slot = static_cast<std::size_t>(wrapIndex(ext, mCapacity));
  return mSlots[slot].seq == ext ? static_cast<int>(slot) : -1;
}

void JitterBuffer::take(int slot) {
  mSlots[static_cast<std::size_t>(slot)].seq = -1;
  --mCount;
}

void JitterBuffer::remember(std::int64_t ext) { mHistory[static_cast<std::size_t>(wrapIndex(ext, kHistory))] = ext; }

bool JitterBuffer::seen(std::int64_t ext) const {
  return mHistory[static_cast<std::size_t>(wrapIndex(ext, kHistory))] == ext;
}

double JitterBuffer::delayMs() const {
  if (mCount == 0) return 0;
  const int slot = slotOf(mHighestSeq);
  if (slot < 0) return 0;
  return std::max<double>(0, static_cast<double>(tsDiff(mSlots[slot].timestamp, mPlayTs)) + kFrameTs) / kTsPerMs;
}

}  // namespace tccc::native
