// SPDX-License-Identifier: Apache-2.0
// Real-time recognition of one direction of one call (the customer's voice, or the agent's).
//
//   media thread        feedOpus(packet, rtpTimestamp)   copy into a bounded queue, never waits
//   an AsrWorkers thread  Opus 48 kHz -> PCM -> 16 kHz -> end-pointer -> Recogniser
//   owner's executor    onResult(AsrResult)              partials, then one final per utterance
//
// Promises to the owner:
//  - results arrive on the executor given here (the signalling io_context), never on the media or a
//    worker thread, in order: an utterance's partials (at most one per ~250 ms of speech, none while
//    the stream is behind), then exactly one final; sentenceId counts 1, 2, 3, … per stream;
//  - an utterance in which nothing was recognised (noise, a cough) produces nothing at all — unless
//    a partial of it was already delivered, in which case its final comes with empty text, so that
//    every sentence the agent saw is closed;
//  - no callback runs after close() returns;
//  - feedOpus() takes bounded time whatever the workers do: when they fall behind, partials are
//    skipped first, then the oldest queued audio is dropped and counted (stats().packetsDropped).
// Start and end times are epoch milliseconds: the wall time of the stream's first packet (or
// options.startWallMs) plus the RTP clock's distance from it, so network jitter does not move them.
#ifndef TCCC_SERVER_ASR_ASRSTREAM_HPP
#define TCCC_SERVER_ASR_ASRSTREAM_HPP

#include "asr/AsrWorkers.hpp"
#include "asr/EndPointer.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tccc::server::asr {

/// One partial or final result, as the SDK's asr event carries it (the owner adds sessionId and
/// flow).
struct AsrResult {
  std::string text;
  bool isFinal = false;
  std::uint32_t sentenceId = 0;  // 1, 2, … per stream; a partial carries its sentence's id
  std::int64_t startTimeMs = 0;  // epoch ms of the utterance's first speech
  std::int64_t endTimeMs = 0;    // epoch ms of its last speech so far (final: of the utterance)
};

/// What a stream has cost and lost, for benchmarks and /sim inspection.
struct AsrStreamStats {
  std::uint64_t packetsIn = 0;       // accepted by feedOpus
  std::uint64_t packetsDropped = 0;  // dropped by the queue because the workers were behind
  std::uint64_t packetsInvalid = 0;  // undecodable, oversized, or too late to be used
  std::uint64_t packetsLost = 0;     // missing in the RTP timeline, concealed
  double audioMs = 0;                // audio processed (including concealment and pauses filled)
  double decodeCpuMs = 0;            // thread CPU time: Opus decoding, resampling, end-pointing
  double recogniserCpuMs = 0;        // thread CPU time inside the Recogniser
  std::uint64_t utterances = 0;      // end-pointed, including those with nothing recognised
  std::uint64_t partials = 0, finals = 0;
  std::uint64_t partialsSkipped = 0;  // due while the stream was behind
  std::uint64_t finalsAbandoned = 0;  // utterances cut by close() without a final
  /// CPU time per second of audio (0.1 = a tenth of a core keeps up with this stream).
  double realTimeFactor() const { return audioMs > 0 ? (decodeCpuMs + recogniserCpuMs) / audioMs : 0; }
};

struct AsrStreamOptions {
  std::int64_t startWallMs = 0;        // epoch ms of the first packet's RTP timestamp; 0 = its arrival
  std::size_t queuePackets = 150;      // 3 s of 20 ms packets
  std::size_t queueBytes = 64 * 1024;  // 3 s at 170 kbit/s, far above what speech Opus uses
  int partialIntervalMs = 250;
  std::size_t behindPackets = 5;  // more than 100 ms waiting: skip partials, catch up
  /// close(true) waits at most this long for the worker to finish the pending audio.
  std::chrono::milliseconds flushTimeout{300};
  EndPointerOptions endPointer;
};

class AsrStream {
 public:
  using ResultHandler = std::function<void(const AsrResult&)>;

  /// Cheap (no model loading here: the stream's recogniser is made by a worker when the first
  /// packet arrives). `onResult` runs on `executor`.
  AsrStream(AsrWorkers& workers, boost::asio::any_io_executor executor, ResultHandler onResult,
            AsrStreamOptions options = {});
  /// close(false).
  ~AsrStream();
  AsrStream(const AsrStream&) = delete;
  AsrStream& operator=(const AsrStream&) = delete;

  /// One Opus RTP payload (48 kHz clock) and its RTP timestamp. Real-time safe: copies the packet
  /// into the bounded queue (memory allocated up front) and, when the stream was idle, queues it for
  /// a worker (a short lock, the run queue's only allocation); never waits on the workers. Ignored
  /// after close(). Call from one thread (the media thread); the stream must outlive the call.
  void feedOpus(const std::uint8_t* opus, std::size_t size, std::uint32_t rtpTimestamp);

  /// Stops the stream; idempotent. Call it on the executor's thread (it may be called from inside
  /// onResult). With flushFinal, the audio already queued is recognised and the utterance in
  /// progress ends with its final, delivered — together with any result not yet delivered — inside
  /// this call, before it returns; it waits at most options.flushTimeout for that, and does not
  /// try when the stream is already behind (the final is then abandoned and counted). Without
  /// flushFinal, results not yet delivered are dropped. Either way, onResult never runs again.
  void close(bool flushFinal);

  AsrStreamStats stats() const;

  class Core;  // the state shared with the workers and the executor

 private:
  std::shared_ptr<Core> mCore;
};

}  // namespace tccc::server::asr

#endif
