// SPDX-License-Identifier: Apache-2.0
#include "media/QualityScale.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace tccc::media {

namespace {

// Upper bounds for Excellent, Good, Poor, Bad, Vbad; beyond the last is Down. The same numbers as
// js/src/media/QualityScale.ts (see there for where they come from).
constexpr std::array<double, 5> kLossPercent = {1, 3, 8, 15, 30};
constexpr std::array<double, 5> kJitterMs = {20, 40, 80, 150, 300};
constexpr std::array<double, 5> kRttMs = {150, 300, 500, 800, 1500};

int grade(const std::optional<double>& value, const std::array<double, 5>& bounds) {
  if (!value || !std::isfinite(*value) || *value < 0) return static_cast<int>(Quality::Unknown);
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (*value < bounds[i]) return static_cast<int>(i) + 1;
  return static_cast<int>(Quality::Down);
}

}  // namespace

Quality qualityOf(const QualityFigures& f) {
  if (f.stalled) return Quality::Down;
  return static_cast<Quality>(
      std::max({grade(f.lossPercent, kLossPercent), grade(f.jitterMs, kJitterMs), grade(f.rttMs, kRttMs)}));
}

}  // namespace tccc::media
