// SPDX-License-Identifier: Apache-2.0
// The engine interface of real-time speech recognition: what an AsrStream needs from a recogniser,
// so that engines other than the default (PocketSphinx) plug in without touching the stream, the
// worker pool or the media plane. docs/asr.md walks through writing one.
//
// Threading contract. An AsrEngine is shared by every stream and by every worker thread: its
// makeRecogniser() must be safe to call from several threads at once. A Recogniser belongs to one
// stream and is only ever called by one thread at a time (the worker currently serving its stream,
// never the media or signalling thread), so it needs no locking of its own; calls may come from
// different worker threads over its life, one after the other.
//
// Audio contract. 16 kHz, mono, signed 16-bit native-endian PCM, in chunks of any size (the stream
// sends 10 ms). The stream does the end-pointing: it calls startUtterance() when speech begins
// (with ~200 ms of audio from before the onset), process() with the utterance's audio including the
// trailing silence that confirmed its end, and endUtterance() once per startUtterance().
#ifndef TCCC_SERVER_ASR_RECOGNISER_HPP
#define TCCC_SERVER_ASR_RECOGNISER_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace tccc::server::asr {

/// The one sample rate recognisers are fed (what telephone-band acoustic models are trained on).
constexpr int kAsrSampleRate = 16000;

/// A recogniser or engine that cannot be set up (missing model file, bad grammar, …).
class AsrError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One stream's streaming recogniser: utterance by utterance.
class Recogniser {
 public:
  virtual ~Recogniser() = default;

  /// A new utterance begins; the next process() calls carry its audio.
  virtual void startUtterance() = 0;
  /// More audio of the current utterance (16 kHz mono int16). Should cost well under the audio's
  /// duration: the stream's worker runs it in line with decoding.
  virtual void process(const std::int16_t* samples, std::size_t count) = 0;
  /// The best hypothesis so far for the current utterance, "" when there is none yet. Called at
  /// most every ~250 ms of audio, and skipped while the stream is behind.
  virtual std::string partial() = 0;
  /// Ends the current utterance and returns its final text: words separated by one space, no
  /// filler or silence markers, "" when nothing was recognised (noise, a cough).
  virtual std::string endUtterance() = 0;
};

/// Makes one Recogniser per stream; configured once (model, vocabulary) for the whole server.
class AsrEngine {
 public:
  virtual ~AsrEngine() = default;

  /// A short name for logs and stats ("pocketsphinx").
  virtual std::string name() const = 0;
  /// A fresh recogniser. Called on a worker thread when a stream starts, possibly from several
  /// threads at once; may take a while (loading a model) and may throw AsrError.
  virtual std::unique_ptr<Recogniser> makeRecogniser() = 0;
};

}  // namespace tccc::server::asr

#endif
