// SPDX-License-Identifier: Apache-2.0
#include "asr/Decimator48To16.hpp"

#include <algorithm>
#include <cmath>

namespace tccc::server::asr {

namespace {

// 0th-order modified Bessel function of the first kind, for the Kaiser window.
double besselI0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 50; ++k) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

std::vector<float> designTaps() {
  // Transition band 6.8-8.0 kHz at 48 kHz: Kaiser's formula gives ~170 taps for 70 dB; 193 leaves
  // margin. Cut-off in the middle of the transition band.
  constexpr int kTaps = 193;
  constexpr double kRate = 48000, kCutoff = 7400, kBeta = 7.0;
  std::vector<float> taps(kTaps);
  const double fc = kCutoff / kRate;
  const double mid = (kTaps - 1) / 2.0;
  double sum = 0;
  std::vector<double> h(kTaps);
  for (int n = 0; n < kTaps; ++n) {
    double t = n - mid;
    double sinc = t == 0 ? 2 * fc : std::sin(2 * M_PI * fc * t) / (M_PI * t);
    double ratio = t / mid;
    double window = besselI0(kBeta * std::sqrt(std::max(0.0, 1 - ratio * ratio))) / besselI0(kBeta);
    h[n] = sinc * window;
    sum += h[n];
  }
  for (int n = 0; n < kTaps; ++n) taps[n] = static_cast<float>(h[n] / sum);  // unity gain at DC
  return taps;
}

}  // namespace

const std::vector<float>& Decimator48To16::taps() {
  static const std::vector<float> kTaps = designTaps();
  return kTaps;
}

Decimator48To16::Decimator48To16() { reset(); }

void Decimator48To16::reset() {
  mHistory.assign(taps().size() - 1, 0.0f);
  mPhase = 0;
}

void Decimator48To16::process(const std::int16_t* in, std::size_t count, std::vector<std::int16_t>& out) {
  const auto& h = taps();
  const std::size_t keep = h.size() - 1;
  mHistory.insert(mHistory.end(), in, in + count);
  // Output k uses the window ending at input sample `end` (exclusive); the filter is symmetric,
  // so the direction of the dot product does not matter.
  std::size_t end = keep + 1 + mPhase;
  for (; end <= mHistory.size(); end += kFactor) {
    const float* x = mHistory.data() + (end - h.size());
    float acc = 0;
    for (std::size_t i = 0; i < h.size(); ++i) acc += h[i] * x[i];
    long v = std::lround(acc);
    out.push_back(static_cast<std::int16_t>(std::clamp(v, -32768L, 32767L)));
  }
  mPhase = end - mHistory.size() - 1;
  mHistory.erase(mHistory.begin(), mHistory.end() - static_cast<std::ptrdiff_t>(keep));
}

}  // namespace tccc::server::asr
