// SPDX-License-Identifier: Apache-2.0
// The 48 -> 16 kHz decimator keeps the speech band at its level and removes what would fold back
// into it (anything above 8 kHz), whatever the packet sizes.
#include "asr/Decimator48To16.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tccc::server::asr {
namespace {

std::vector<std::int16_t> sine(double hz, double seconds, double amplitude = 10000) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(48000 * seconds));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::int16_t>(std::lround(amplitude * std::sin(2 * M_PI * hz * i / 48000.0)));
  return out;
}

double rms(const std::vector<std::int16_t>& x, std::size_t skip) {
  double sum = 0;
  for (std::size_t i = skip; i < x.size(); ++i) sum += double(x[i]) * x[i];
  return std::sqrt(sum / double(x.size() - skip));
}

struct ToneCase {
  double hz;
  double minGainDb, maxGainDb;
};

TEST(Decimator48To16, KeepsTheSpeechBandAndRemovesWhatWouldAlias) {
  const ToneCase cases[] = {
      {100, -0.2, 0.2},  {1000, -0.2, 0.2},  {3000, -0.2, 0.2},  {6000, -0.5, 0.5},
      {9000, -200, -60}, {12000, -200, -70}, {16000, -200, -70}, {20000, -200, -70},
  };
  for (const auto& c : cases) {
    Decimator48To16 d;
    auto in = sine(c.hz, 0.5);
    std::vector<std::int16_t> out;
    d.process(in.data(), in.size(), out);
    ASSERT_EQ(out.size(), in.size() / 3);
    // Past the filter's start-up, compared with the input's level (rounding noise floors at ~-80 dB).
    double gainDb = 20 * std::log10(std::max(rms(out, 200), 1e-3) / rms(in, 0));
    EXPECT_GE(gainDb, c.minGainDb) << c.hz << " Hz";
    EXPECT_LE(gainDb, c.maxGainDb) << c.hz << " Hz";
  }
}

TEST(Decimator48To16, PacketBoundariesDoNotChangeTheOutput) {
  auto in = sine(440, 0.2);
  Decimator48To16 whole, pieces;
  std::vector<std::int16_t> a, b;
  whole.process(in.data(), in.size(), a);
  const std::size_t sizes[] = {960, 7, 1, 2, 480, 121, 5760};
  std::size_t at = 0;
  for (std::size_t i = 0; at < in.size(); ++i) {
    std::size_t n = std::min(sizes[i % 7], in.size() - at);
    pieces.process(in.data() + at, n, b);
    at += n;
  }
  EXPECT_EQ(a, b);
}

TEST(Decimator48To16, ClipsInsteadOfWrappingAround) {
  std::vector<std::int16_t> in(4800);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = (i / 48) % 2 ? 32767 : -32768;  // 500 Hz square
  Decimator48To16 d;
  std::vector<std::int16_t> out;
  d.process(in.data(), in.size(), out);
  // The filter's ringing overshoots full scale at each edge: it must saturate, not flip sign.
  for (std::size_t i = 100; i < out.size(); ++i) {
    std::size_t source = i * 3;
    bool high = (source / 48) % 2;
    if (source % 48 > 6 && source % 48 < 42) {
      EXPECT_EQ(out[i] > 0, high) << i;
    }
  }
}

}  // namespace
}  // namespace tccc::server::asr
