// SPDX-License-Identifier: Apache-2.0
#include "media/OutboundRtpStream.hpp"

namespace tccc::server::media {

namespace {
// Serial number arithmetic (RFC 1982): a is newer than b.
bool newer(std::uint16_t a, std::uint16_t b) { return a != b && static_cast<std::uint16_t>(a - b) < 0x8000; }
}  // namespace

OutboundRtpStream::OutboundRtpStream(std::uint32_t ssrc, std::uint32_t clockRate, std::uint16_t firstSequence,
                                     std::uint32_t firstTimestamp)
    : mSsrc(ssrc),
      mClockRate(clockRate),
      mLastSeq(static_cast<std::uint16_t>(firstSequence - 1)),
      mLastTs(firstTimestamp) {}

OutboundRtpStream::Stamp OutboundRtpStream::next(std::uint64_t source, std::uint16_t sequence, std::uint32_t timestamp,
                                                 std::int64_t nowUs) {
  bool changed = !mStarted || source != mSource;
  if (changed) {
    // Continue where the stream stopped, as far on as the wall clock went (at least one tick, so
    // two packets never share a timestamp across the switch).
    std::uint32_t elapsed = 1;
    if (mStarted && nowUs > mLastUs) {
      const auto ticks = static_cast<std::uint64_t>(nowUs - mLastUs) * mClockRate / 1000000;
      elapsed = static_cast<std::uint32_t>(ticks > 1 ? ticks : 1);
    }
    mTsOffset = mLastTs + elapsed - timestamp;
    mSeqOffset = static_cast<std::uint16_t>(mLastSeq + 1 - sequence);
    mSource = source;
    mSourceHighestSeq = sequence;
    mStarted = true;
  }
  Stamp out{static_cast<std::uint16_t>(sequence + mSeqOffset), timestamp + mTsOffset, changed};
  // A late (reordered) packet keeps its place; only the newest moves the continuation point.
  if (changed || newer(sequence, mSourceHighestSeq)) {
    mSourceHighestSeq = sequence;
    mLastSeq = out.sequence;
    mLastTs = out.timestamp;
    mLastUs = nowUs;
  }
  ++mPackets;
  return out;
}

}  // namespace tccc::server::media
