// SPDX-License-Identifier: Apache-2.0
// The receive side's jitter buffer of the native SDK's WebSocket media (CallAudio): Opus packets go
// in as they arrive (u16 sequence number, u32 48 kHz timestamp), and the player pulls one 20 ms
// frame every 20 ms and is told what to play: a packet to decode, a packet whose in-band FEC
// rebuilds a lost frame, or concealment. Pure: no timers, no clock of its own (every call is given
// the time in ms), no decoding.
//
// A port of js/src/media/JitterBuffer.ts, rule for rule, so that a native agent and a browser
// agent play the same stream the same way (see there for the reasoning behind each rule):
// - the sequence number orders packets; a timestamp jump with the next sequence number is a DTX
//   pause (comfort noise), a missing sequence number is loss;
// - a lost frame is rebuilt from the next packet's FEC when that packet is here, else concealed;
// - an empty buffer holds the play-out position (underrun): a stall adds delay, nothing is dropped;
// - a packet that arrives after its frame was played is late: dropped and counted; one seen
//   before is a duplicate;
// - the target delay follows the measured jitter (40 ms at least, 60 ms to start with), up at once,
//   down over seconds; extra delay is removed one frame per second.
// Memory is fixed at construction: a packet slot per frame of twice the largest delay.
#ifndef TCCC_NATIVE_MEDIA_JITTERBUFFER_HPP
#define TCCC_NATIVE_MEDIA_JITTERBUFFER_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tccc::native {

class JitterBuffer {
 public:
  struct Options {
    double minDelayMs = 40;          // lower bound of the target delay
    double maxDelayMs = 300;         // upper bound of the target delay, and of any delay held
    double initialDelayMs = 60;      // the target before any jitter is measured
    double shrinkIntervalMs = 1000;  // at most one frame skipped per this to shrink the delay
  };

  enum class PushResult { Accepted, Duplicate, Late, Invalid };

  /// What to play for the next 20 ms.
  struct Pull {
    /// Frame: decode `payload`. Fec: the frame was lost, decode it from the FEC of `payload` (the
    /// next packet, which a later pull returns as a Frame). Conceal: let the decoder conceal (PLC,
    /// or comfort noise after DTX). Idle: nothing received yet, play silence.
    enum class Kind { Frame, Fec, Conceal, Idle };
    enum class Reason { None, Loss, Underrun, Dtx };
    Kind kind = Kind::Idle;
    Reason reason = Reason::None;
    /// Valid until the next push() or pull().
    const std::uint8_t* payload = nullptr;
    std::size_t size = 0;
  };

  struct Stats {
    std::uint64_t received = 0;  // distinct packets received (late ones included)
    std::uint64_t lost = 0;      // never received, by sequence number (RFC 3550 cumulative lost)
    double lossPercent = 0;      // lost / expected
    double jitterMs = 0;         // RFC 3550 interarrival jitter
    std::uint64_t late = 0;      // came after their frame was played or concealed, dropped
    std::uint64_t duplicates = 0;
    std::uint64_t invalid = 0;    // refused: no payload or over 1,275 bytes
    std::uint64_t concealed = 0;  // frames concealed for loss or a stall (not DTX pauses)
    std::uint64_t recoveredByFec = 0;
    std::uint64_t skipped = 0;  // frames skipped to shrink the delay
    std::uint64_t resyncs = 0;  // the stream jumped and the buffer started over
    double targetDelayMs = 0;
    double delayMs = 0;  // buffered ahead of the play-out position now
    std::size_t bufferedPackets = 0;
  };

  explicit JitterBuffer(Options options);
  JitterBuffer() : JitterBuffer(Options{}) {}

  /// A packet arrived at `nowMs`. The payload is copied. Anything malformed is refused and counted.
  PushResult push(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size,
                  double nowMs);
  /// The next 20 ms to play at `nowMs` (call it every 20 ms of audio).
  const Pull& pull(double nowMs);
  Stats stats() const;

 private:
  struct Slot {
    std::int64_t seq = -1;  // extended sequence number, -1 = free
    std::uint32_t timestamp = 0;
    std::size_t size = 0;
    std::array<std::uint8_t, 1275> data{};
  };

  PushResult accept(std::int64_t ext, std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size,
                    double nowMs);
  void measure(std::int64_t ext, std::uint32_t timestamp, double nowMs);
  void shrink(double nowMs);
  void skipOne(bool wholeGap);
  void resync(std::int64_t ext, std::uint32_t timestamp, double nowMs);
  int slotOf(std::int64_t ext) const;
  void take(int slot);
  void remember(std::int64_t ext);
  bool seen(std::int64_t ext) const;
  double delayMs() const;

  double mMinDelay, mMaxDelay, mShrinkInterval;
  std::int64_t mCapacity;
  std::vector<Slot> mSlots;
  std::size_t mCount = 0;
  std::vector<std::int64_t> mHistory;  // extended sequence numbers seen, for duplicates

  bool mStarted = false;
  bool mPlaying = false;  // false while a talk spurt waits for the target delay
  bool mPlayedAny = false;
  double mBufferingSince = 0;
  std::int64_t mNextSeq = 0;  // extended sequence number of the next packet to play
  std::uint32_t mPlayTs = 0;  // timestamp of the next frame to play
  std::int64_t mHighestSeq = 0;
  std::int64_t mFirstSeq = 0;
  std::int64_t mHeldFrames = 0;  // underrun frames not yet known as a stall or a pause
  std::int64_t mRestartSeq = -1;
  int mRestartRun = 0;
  double mLastShrinkMs;

  double mBaseMin, mBasePrevMin;
  int mBaseCount = 0;
  double mPeakJitter;
  double mTarget;
  double mLastTransit;
  bool mHaveTransit = false;
  double mJitter = 0;
  std::int64_t mExtTsBase = 0;  // extended timestamp of the highest packet
  std::uint32_t mTsOfHighest = 0;

  Stats mCounts;  // the counters part of Stats
  Pull mPull;
};

}  // namespace tccc::native

#endif
