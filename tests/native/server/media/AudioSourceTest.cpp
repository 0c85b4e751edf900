// SPDX-License-Identifier: Apache-2.0
// What a simulated caller says: WAV parsing (formats, resampling, malformed files), the built-in
// voice (audible, with pauses, not a steady tone) and hold music.
#include "media/AudioSource.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tccc::server::media {
namespace {

void put16(std::string& s, int v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

/// A RIFF/WAVE file around `data`.
std::string wav(int format, int channels, std::uint32_t rate, int bits, const std::string& data) {
  std::string s = "RIFF";
  put32(s, static_cast<std::uint32_t>(36 + data.size()));
  s += "WAVEfmt ";
  put32(s, 16);
  put16(s, format);
  put16(s, channels);
  put32(s, rate);
  put32(s, rate * static_cast<std::uint32_t>(channels * bits / 8));
  put16(s, channels * bits / 8);
  put16(s, bits);
  s += "data";
  put32(s, static_cast<std::uint32_t>(data.size()));
  return s + data;
}

std::string pcm16(const std::vector<int>& samples) {
  std::string d;
  for (int v : samples) put16(d, v);
  return d;
}

TEST(WavFile, Pcm16Mono48kIsTakenAsIs) {
  auto r = WavFile::parse(wav(1, 1, 48000, 16, pcm16({0, 1000, -1000, 32767})));
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(r)) << std::get<std::string>(r);
  auto& s = std::get<std::vector<std::int16_t>>(r);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_NEAR(s[1], 1000, 1);
  EXPECT_NEAR(s[2], -1000, 1);
}

TEST(WavFile, StereoIsMixedDownAndOtherRatesResampled) {
  // 1 s of 16 kHz stereo: left +0.5, right -0.5 except one channel silent in the second half.
  std::vector<int> samples;
  for (int i = 0; i < 16000; ++i) {
    samples.push_back(16384);
    samples.push_back(i < 8000 ? -16384 : 0);
  }
  auto r = WavFile::parse(wav(1, 2, 16000, 16, pcm16(samples)));
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(r));
  auto& s = std::get<std::vector<std::int16_t>>(r);
  EXPECT_EQ(s.size(), 48000u);
  EXPECT_NEAR(s[1000], 0, 2);      // (0.5 - 0.5) / 2
  EXPECT_NEAR(s[40000], 8192, 2);  // (0.5 + 0) / 2
}

TEST(WavFile, EightBitTwentyFourBitAndFloat) {
  auto r8 = WavFile::parse(wav(1, 1, 48000, 8, std::string("\x80\xC0", 2)));
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(r8));
  EXPECT_NEAR(std::get<std::vector<std::int16_t>>(r8)[1], 16384, 200);
  auto r24 = WavFile::parse(wav(1, 1, 48000, 24, std::string("\x00\x00\x40\x00\x00\xC0", 6)));
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(r24));
  EXPECT_NEAR(std::get<std::vector<std::int16_t>>(r24)[0], 16384, 2);
  EXPECT_NEAR(std::get<std::vector<std::int16_t>>(r24)[1], -16384, 2);
  float f[2] = {0.25f, std::nanf("")};
  auto rf = WavFile::parse(wav(3, 1, 48000, 32, std::string(reinterpret_cast<const char*>(f), 8)));
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(rf));
  EXPECT_NEAR(std::get<std::vector<std::int16_t>>(rf)[0], 8192, 2);
  EXPECT_EQ(std::get<std::vector<std::int16_t>>(rf)[1], 0);  // NaN is silence, not noise
}

struct BadWav {
  const char* name;
  std::string bytes;
  const char* reason;
};

class WavRefused : public ::testing::TestWithParam<BadWav> {};

TEST_P(WavRefused, WithAReason) {
  auto r = WavFile::parse(GetParam().bytes);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find(GetParam().reason), std::string::npos) << std::get<std::string>(r);
}

INSTANTIATE_TEST_SUITE_P(
    Table, WavRefused,
    ::testing::Values(BadWav{"empty", "", "RIFF"}, BadWav{"text", "hello, this is not audio at all", "RIFF"},
                      BadWav{"no_fmt", std::string("RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00", 20), "fmt"},
                      BadWav{"fmt_truncated", std::string("RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", 22),
                             "fmt"},
                      BadWav{"no_data", wav(1, 1, 48000, 16, "").substr(0, 36), "data"},
                      BadWav{"adpcm", wav(2, 1, 48000, 4, "ab"), "PCM"},
                      BadWav{"zero_channels", wav(1, 0, 48000, 16, "ab"), "channels"},
                      BadWav{"nine_channels", wav(1, 9, 48000, 16, std::string(18, '\0')), "channels"},
                      BadWav{"rate_too_low", wav(1, 1, 4000, 16, "ab"), "sample rate"},
                      BadWav{"no_samples", wav(1, 2, 48000, 16, "ab"), "no audio"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WavFile, EveryTruncationIsSafe) {
  std::string good = wav(1, 2, 44100, 16, pcm16(std::vector<int>(200, 1234)));
  for (std::size_t n = 0; n < good.size(); ++n) (void)WavFile::parse(good.substr(0, n));  // must not crash
  SUCCEED();
}

TEST(AudioSource, SyntheticVoiceIsAudibleInSyllablesWithPauses) {
  auto voice = AudioSource::syntheticVoice(7);
  std::array<std::int16_t, kFrameSamples> frame{};
  int loud = 0, quiet = 0;
  double peak = 0;
  std::vector<double> levels;
  for (int i = 0; i < 500; ++i) {  // 10 s
    voice->next(frame);
    double rms = rmsOf(frame.data(), frame.size());
    levels.push_back(rms);
    peak = std::max(peak, rms);
    if (rms > 0.02) ++loud;
    if (rms < 0.002) ++quiet;
  }
  EXPECT_GT(peak, 0.05);
  EXPECT_LT(peak, 0.9);  // never clipping
  EXPECT_GT(loud, 150) << "mostly talking";
  EXPECT_GT(quiet, 20) << "with pauses between words and sentences";
  // Syllables: the level goes up and down many times, unlike a tone.
  int rises = 0;
  for (std::size_t i = 1; i < levels.size(); ++i)
    if (levels[i - 1] < 0.01 && levels[i] >= 0.01) ++rises;
  EXPECT_GT(rises, 15);
  // Two calls do not say the same thing at the same moment.
  auto a = AudioSource::syntheticVoice(1);
  auto b = AudioSource::syntheticVoice(2);
  std::array<std::int16_t, kFrameSamples> fa{}, fb{};
  int differ = 0;
  for (int i = 0; i < 100; ++i) {
    a->next(fa);
    b->next(fb);
    if (fa != fb) ++differ;
  }
  EXPECT_GT(differ, 50);
}

TEST(AudioSource, LoopRepeatsTheFileWithAPauseAndHoldMusicPlays) {
  auto loop = AudioSource::loop(std::vector<std::int16_t>(kFrameSamples, 1000));
  std::array<std::int16_t, kFrameSamples> frame{};
  loop->next(frame);
  EXPECT_EQ(frame[0], 1000);
  for (int i = 0; i < 25; ++i) loop->next(frame);  // through the half-second pause
  bool back = false;
  for (int i = 0; i < 5 && !back; ++i) {
    loop->next(frame);
    back = frame[kFrameSamples - 1] == 1000;
  }
  EXPECT_TRUE(back);
  auto music = AudioSource::holdMusic();
  double sum = 0;
  for (int i = 0; i < 50; ++i) {
    music->next(frame);
    sum += rmsOf(frame.data(), frame.size());
  }
  EXPECT_GT(sum / 50, 0.01);
}

}  // namespace
}  // namespace tccc::server::media
