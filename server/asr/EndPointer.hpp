// SPDX-License-Identifier: Apache-2.0
// Where utterances begin and end, from the energy of 10 ms frames: speech starts after a few loud
// frames in a row and ends after `hangoverMs` of quiet. The loudness threshold follows the line's
// noise floor, the quietest frame of the last 1.5-2 s (a quiet line and a noisy one both work; a
// steady hum becomes the floor even mid-utterance, since speech always has quieter moments), with
// hysteresis so that a word's soft tail does not end the utterance. Engine-independent on purpose: every recogniser
// gets the same utterances, and the end-of-utterance delay (what the agent waits for a final) is set here, not by an
// engine's own detector (PocketSphinx's waits 500 ms).
#ifndef TCCC_SERVER_ASR_ENDPOINTER_HPP
#define TCCC_SERVER_ASR_ENDPOINTER_HPP

#include <cstddef>
#include <cstdint>

namespace tccc::server::asr {

struct EndPointerOptions {
  int frameMs = 10;
  int startFrames = 3;         // loud frames in a row that start an utterance (30 ms: not a click)
  int hangoverMs = 300;        // quiet that ends it: longer than a pause between words
  double minSpeechDb = -50;    // frames quieter than this (dBFS) are never speech
  double aboveNoiseDb = 12;    // ... nor those less than this above the noise floor
  double hysteresisDb = 6;     // once in speech, the threshold drops by this much
  int maxUtteranceMs = 30000;  // an utterance that never pauses is cut here
};

class EndPointer {
 public:
  enum class Event { None, SpeechStarted, SpeechEnded };

  explicit EndPointer(EndPointerOptions options = {});

  /// Classifies the next frame from its energy (mean square, full scale = 1.0). SpeechStarted
  /// comes with the frame that confirms the onset, which began startFrames - 1 frames earlier;
  /// SpeechEnded with the frame that completes the hangover, the last loud frame having been
  /// framesSinceSpeech() frames earlier.
  Event onFrame(double meanSquare);
  /// Frame-by-frame convenience on int16 samples.
  Event onFrame(const std::int16_t* samples, std::size_t count);

  bool inSpeech() const { return mInSpeech; }
  /// Frames since the last frame above the threshold (0 for a loud frame).
  int framesSinceSpeech() const { return mQuietFrames; }
  double noiseFloorDb() const;
  const EndPointerOptions& options() const { return mOptions; }

  static double meanSquare(const std::int16_t* samples, std::size_t count);

 private:
  EndPointerOptions mOptions;
  bool mInSpeech = false;
  int mLoudFrames = 0;    // consecutive, while not in speech
  int mQuietFrames = 0;   // consecutive, while in speech
  int mSpeechFrames = 0;  // length of the current utterance
  // Minimum statistics: the quietest frame of each of the last blocks, and of the current one.
  static constexpr int kBlockFrames = 50;
  static constexpr int kBlocks = 3;
  double mBlockMinDb[kBlocks];
  double mCurrentMinDb;
  int mFramesInBlock = 0;
  int mBlock = 0;
};

}  // namespace tccc::server::asr

#endif
