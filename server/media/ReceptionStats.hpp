// SPDX-License-Identifier: Apache-2.0
// What a receiver knows of one incoming RTP-numbered stream, with the meanings of RFC 3550: the
// extended highest sequence number (wraps counted), packets expected and received, the cumulative
// loss, the fraction lost since the previous report, and the interarrival jitter in timestamp
// units (A.1, A.3, A.8). The /ws/media socket reports it to the SDK once a second, as an RTCP
// receiver report would. Sans-I/O: the caller gives the arrival time, in timestamp units.
#ifndef TCCC_SERVER_MEDIA_RECEPTIONSTATS_HPP
#define TCCC_SERVER_MEDIA_RECEPTIONSTATS_HPP

#include <cstdint>

namespace tccc::server::media {

class ReceptionStats {
 public:
  struct Report {
    std::uint8_t fractionLost = 0;     // lost/expected since the previous report, in 1/256
    std::uint32_t cumulativeLost = 0;  // expected - received since the start (never negative)
    std::uint32_t jitter = 0;          // timestamp units
    std::uint32_t packetsReceived = 0;
  };

  /// A packet with `sequence` and `rtpTimestamp` arrived at `arrival` (same clock rate as the
  /// timestamps). False when it was not counted: a jump too large to be the same stream, until a
  /// second packet confirms it (RFC 3550 A.1: then the stream is taken as restarted).
  bool onPacket(std::uint16_t sequence, std::uint32_t rtpTimestamp, std::uint32_t arrival);
  /// The figures now; the next report's fractionLost counts from here.
  Report report();

  std::uint64_t received() const { return mReceived; }
  std::uint64_t expected() const;

 private:
  static constexpr std::uint32_t kSeqMod = 1u << 16;
  static constexpr std::uint16_t kMaxDropout = 3000;
  static constexpr std::uint16_t kMaxMisorder = 100;
  void restart(std::uint16_t sequence);

  bool mStarted = false;
  std::uint16_t mMaxSeq = 0;
  std::uint32_t mCycles = 0;  // sequence wraps, times 65,536
  std::uint32_t mBaseSeq = 0;
  std::uint32_t mBadSeq = kSeqMod + 1;  // the sequence number a restart would continue with
  std::uint64_t mReceived = 0;
  std::uint64_t mExpectedPrior = 0;
  std::uint64_t mReceivedPrior = 0;
  bool mHaveTransit = false;
  std::int32_t mTransit = 0;
  std::uint32_t mJitterQ4 = 0;  // jitter times 16 (A.8's integer form)
};

}  // namespace tccc::server::media

#endif
