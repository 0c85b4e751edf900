// SPDX-License-Identifier: Apache-2.0
// The hand-over from the real-time media thread to the ASR workers: a bounded FIFO of Opus packets
// in memory allocated once (a byte ring and a ring of packet records). push() never allocates and
// never waits for the consumer beyond a few hundred nanoseconds of copying under a mutex nobody
// holds for longer; when either ring is full it drops the OLDEST packets (recent audio is what the
// agent is waiting for) and counts them, and marks the next packet as following a gap.
#ifndef TCCC_SERVER_ASR_OPUSPACKETQUEUE_HPP
#define TCCC_SERVER_ASR_OPUSPACKETQUEUE_HPP

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace tccc::server::asr {

class OpusPacketQueue {
 public:
  /// An Opus packet is at most 120 ms of 1275-byte frames; larger input is refused.
  static constexpr std::size_t kMaxPacketBytes = 6 * 1275;

  struct Packet {
    std::uint32_t rtpTimestamp = 0;
    bool afterDrop = false;  // packets before this one were dropped by the queue
    std::vector<std::uint8_t> bytes;
  };

  /// `maxPackets` records and `maxBytes` of payload (at least kMaxPacketBytes).
  OpusPacketQueue(std::size_t maxPackets, std::size_t maxBytes);

  /// Copies the packet in, dropping the oldest ones to make room. False (and nothing queued) when
  /// the packet is empty or larger than kMaxPacketBytes.
  bool push(const std::uint8_t* data, std::size_t size, std::uint32_t rtpTimestamp);
  /// Moves the oldest packet into `out` (reusing its buffer); false when empty.
  bool pop(Packet& out);
  std::size_t size() const;
  /// Packets dropped to make room since construction.
  std::uint64_t dropped() const;
  void clear();

 private:
  struct Record {
    std::size_t offset, size;
    std::uint32_t rtpTimestamp;
    bool afterDrop;
  };
  void dropOldestLocked();

  mutable std::mutex mMutex;
  std::vector<std::uint8_t> mBytes;
  std::vector<Record> mRecords;
  std::size_t mHead = 0, mCount = 0;          // records: oldest index, how many
  std::size_t mByteHead = 0, mBytesUsed = 0;  // bytes: oldest offset, how many
  bool mDropPending = false;
  std::uint64_t mDropped = 0;
};

}  // namespace tccc::server::asr

#endif
