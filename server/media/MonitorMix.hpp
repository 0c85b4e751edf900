// SPDX-License-Identifier: Apache-2.0
// The audio of a supervisor on a call (docs/media.md, "Supervisor on a call"): what the supervisor
// hears, and what the agent and the customer hear of the supervisor.
//
// Forwarding carries one party's packets to one other party untouched; a third party cannot be
// forwarded to, since a browser plays one stream per track. So while a supervisor is on a call the
// bridge decodes each party's audio here, and every 20 ms mixes, for each listener, the other two
// parties' frames and encodes the sum:
//   - the supervisor always hears the customer and the agent (listen, the silent monitor);
//   - whisper: the agent hears the customer and the supervisor, the customer hears only the agent;
//   - barge: everyone hears everyone.
// Each party's decoded audio waits in a short queue that starts playing once it holds two frames
// (20-40 ms), plays silence while a party sends nothing, and drops its oldest audio beyond four
// frames, so a party whose packets come in bursts costs at most 80 ms of delay and never memory.
// Sans-I/O, on the media thread; libopus only.
#ifndef TCCC_SERVER_MEDIA_MONITORMIX_HPP
#define TCCC_SERVER_MEDIA_MONITORMIX_HPP

#include "media/AudioSource.hpp"
#include "media/RtcPieces.hpp"
#include "protocol/Vocabulary.generated.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

struct OpusDecoder;
struct OpusEncoder;

namespace tccc::server::media {

/// How a supervisor is on a call: the wire's vocabulary (listen, whisper, barge).
using protocol::MonitorMode;

class MonitorMix {
 public:
  enum class Party : std::uint8_t { Far = 0, Agent = 1, Supervisor = 2 };
  static constexpr std::size_t kParties = 3;
  /// A party's queue plays once it holds this many samples, and keeps at most kMaxQueued.
  static constexpr std::size_t kStartQueued = 2 * kFrameSamples;
  static constexpr std::size_t kMaxQueued = 4 * kFrameSamples;

  using Frame = std::array<std::int16_t, kFrameSamples>;

  MonitorMix();
  ~MonitorMix();
  MonitorMix(const MonitorMix&) = delete;
  MonitorMix& operator=(const MonitorMix&) = delete;

  /// An Opus packet `party` said; a packet that does not decode is dropped.
  void heard(Party party, const std::uint8_t* opus, std::size_t size);
  /// 20 ms of audio `party` said that the server made itself (the simulated caller).
  void heard(Party party, const Frame& pcm);

  /// Every 20 ms, before encodeFor: takes the next frame of every party (silence when it has none).
  void advance();
  /// What `listener` hears in the frame advance() took: the other two parties, summed. Encoded
  /// to Opus with the listener's own RTP numbering; false when the encoder fails.
  bool encodeFor(Party listener, RtpHeader& header, std::array<unsigned char, 1500>& out, std::size_t& size);

  /// The frame advance() took from `party` (tests).
  const Frame& current(Party party) const { return mCurrent[index(party)]; }
  /// Samples waiting in `party`'s queue (tests).
  std::size_t queued(Party party) const { return mQueues[index(party)].samples.size(); }

 private:
  struct Queue {
    std::vector<std::int16_t> samples;
    bool playing = false;  // it reached kStartQueued since it last ran dry
  };
  struct Output {
    OpusEncoder* encoder = nullptr;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
  };

  static std::size_t index(Party p) { return static_cast<std::size_t>(p); }
  void append(Party party, const std::int16_t* pcm, std::size_t samples);

  std::array<OpusDecoder*, kParties> mDecoders{};
  std::array<Output, kParties> mOutputs{};
  std::array<Queue, kParties> mQueues{};
  std::array<Frame, kParties> mCurrent{};
};

}  // namespace tccc::server::media

#endif
