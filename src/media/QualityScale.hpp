// SPDX-License-Identifier: Apache-2.0
// The network quality scale of TCCC and TRTC (Excellent = 1 … Down = 6, the seed's `TCCCQuality`)
// and how one interval's figures are graded on it: loss, jitter and round-trip time each against
// fixed thresholds, and the worst grade wins (a call is as good as its weakest link).
// It mirrors js/src/media/QualityScale.ts, thresholds and all: the native SDK must grade a call as
// the browser does. tests/native/media/QualityScaleTest.cpp runs the rows of
// tests/js/media/quality.test.js, so a change to one side that is not made to the other fails.
#ifndef TCCC_MEDIA_QUALITYSCALE_HPP
#define TCCC_MEDIA_QUALITYSCALE_HPP

#include <optional>

namespace tccc::media {

/// 1 best … 6 unusable, 0 not known yet (the seed's TCCCQuality values).
enum class Quality : int { Unknown = 0, Excellent = 1, Good = 2, Poor = 3, Bad = 4, Vbad = 5, Down = 6 };

/// One interval's figures; a figure left out was not measured and does not count. NaN, infinities
/// and negative numbers are not measurements either.
struct QualityFigures {
  std::optional<double> lossPercent;  // packets lost / expected over the interval, percent
  std::optional<double> jitterMs;     // jitter of the audio arriving
  std::optional<double> rttMs;        // round-trip time
  bool stalled = false;               // no audio arrived during the interval although connected
};

/// The quality of one interval; Unknown when nothing was measured.
Quality qualityOf(const QualityFigures& figures);

}  // namespace tccc::media

#endif
