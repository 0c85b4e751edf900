// SPDX-License-Identifier: Apache-2.0
// 48 kHz -> 16 kHz for the recogniser: a linear-phase low-pass FIR (Kaiser-windowed sinc) evaluated
// only at every third input sample. Dropping two samples of three without it would fold everything
// between 8 and 24 kHz (sibilants, codec noise) back into the speech band the acoustic model reads.
// Passband flat to ~6.8 kHz (the en-us model's upper filter edge), stopband from 8 kHz, >= 70 dB.
// Stateful across calls, so 20 ms packets resample as one continuous signal.
#ifndef TCCC_SERVER_ASR_DECIMATOR48TO16_HPP
#define TCCC_SERVER_ASR_DECIMATOR48TO16_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tccc::server::asr {

class Decimator48To16 {
 public:
  static constexpr int kFactor = 3;

  Decimator48To16();

  /// Appends to `out` one sample per three of `in` (kept across calls when `count` is not a
  /// multiple of three). The filter delays the signal by 2 ms (96 input samples).
  void process(const std::int16_t* in, std::size_t count, std::vector<std::int16_t>& out);
  /// Forgets the signal (after a gap in the audio).
  void reset();

  static const std::vector<float>& taps();

 private:
  std::vector<float> mHistory;  // the last taps().size() - 1 input samples, then new input
  std::size_t mPhase = 0;       // input samples to skip before the next output
};

}  // namespace tccc::server::asr

#endif
