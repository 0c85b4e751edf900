// SPDX-License-Identifier: Apache-2.0
// The numbering of one RTP stream the server sends to one browser. Its packets come from several
// sources over a call (the customer's voice, hold music, a second agent after a transfer), each
// with its own SSRC, sequence numbers and timestamps; the browser must see one stream that never
// jumps, or its jitter buffer drops audio and its decoder waits for a key frame. So each packet's
// sequence number and timestamp are moved by the offsets of its source, chosen when that source
// takes over: the sequence number goes on by one and the timestamp by the wall time elapsed since
// the last packet sent. Sans-I/O: the caller gives the time.
#ifndef TCCC_SERVER_MEDIA_OUTBOUNDRTPSTREAM_HPP
#define TCCC_SERVER_MEDIA_OUTBOUNDRTPSTREAM_HPP

#include <cstdint>

namespace tccc::server::media {

class OutboundRtpStream {
 public:
  struct Stamp {
    std::uint16_t sequence;
    std::uint32_t timestamp;
    bool sourceChanged;  // the first packet of a new source: audio sets the marker bit
  };

  /// `clockRate`: 48,000 for Opus, 90,000 for video. The first numbers are random (RFC 3550 5.1).
  OutboundRtpStream(std::uint32_t ssrc, std::uint32_t clockRate, std::uint16_t firstSequence,
                    std::uint32_t firstTimestamp);

  /// Renumbers a packet of `source` (any id that is unique per source and stays the same for it).
  Stamp next(std::uint64_t source, std::uint16_t sequence, std::uint32_t timestamp, std::int64_t nowUs);

  std::uint32_t ssrc() const { return mSsrc; }
  std::uint64_t packets() const { return mPackets; }

 private:
  std::uint32_t mSsrc;
  std::uint32_t mClockRate;
  bool mStarted = false;
  std::uint64_t mSource = 0;
  std::uint16_t mSeqOffset = 0;
  std::uint32_t mTsOffset = 0;
  // The newest packet sent: where a new source continues from.
  std::uint16_t mLastSeq;
  std::uint32_t mLastTs;
  std::int64_t mLastUs = 0;
  std::uint16_t mSourceHighestSeq = 0;  // the current source's newest sequence number (its own)
  std::uint64_t mPackets = 0;
};

}  // namespace tccc::server::media

#endif
