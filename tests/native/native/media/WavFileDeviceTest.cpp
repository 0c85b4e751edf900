// SPDX-License-Identifier: Apache-2.0
// The file audio device: it captures WAV files of the usual shapes (mono or stereo, 8-48 kHz) as
// 48 kHz mono frames, loops or falls silent at the end, records what it plays to a valid WAV, and
// turns a malformed or missing file into an error string, never a crash.
#include "media/WavFileDevice.hpp"

#include "media/WavFile.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <variant>

namespace tccc::native {
namespace {

namespace fs = std::filesystem;

fs::path tempPath(const std::string& name) {
  return fs::temp_directory_path() / ("tccc-wavdevice-" + std::to_string(::getpid()) + "-" + name);
}

std::string le(std::uint32_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}

/// A 16-bit PCM WAV of `frames` frames of a 440 Hz tone at half scale, on every channel.
std::string toneWav(int channels, int rate, int frames) {
  std::string data;
  for (int i = 0; i < frames; ++i) {
    const auto s = static_cast<std::int16_t>(16384 * std::sin(2 * M_PI * 440 * i / rate));
    for (int c = 0; c < channels; ++c) data += le(static_cast<std::uint16_t>(s), 2);
  }
  return "RIFF" + le(36 + static_cast<std::uint32_t>(data.size()), 4) + "WAVEfmt " + le(16, 4) + le(1, 2) +
         le(channels, 2) + le(rate, 4) + le(rate * channels * 2, 4) + le(channels * 2, 2) + le(16, 2) + "data" +
         le(static_cast<std::uint32_t>(data.size()), 4) + data;
}

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

double rms(const std::int16_t* s, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += (s[i] / 32768.0) * (s[i] / 32768.0);
  return std::sqrt(sum / static_cast<double>(n));
}

struct Shape {
  int channels;
  int rate;
};

class WavShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(WavShapes, CapturesOneSecondAs48kMonoFrames) {
  const auto [channels, rate] = GetParam();
  const auto path = tempPath("shape.wav");
  writeFile(path, toneWav(channels, rate, rate));  // one second
  std::string error;
  auto dev = WavFileDevice::open(path.string(), "", false, &error);
  ASSERT_TRUE(dev) << error;
  std::int16_t frame[kAudioFrameSamples];
  int frames = 0;
  double energy = 0;
  while (dev->capture(frame)) {
    energy += rms(frame, kAudioFrameSamples);
    ++frames;
    ASSERT_LT(frames, 100);
  }
  EXPECT_EQ(frames, 50);                                   // 1 s of 20 ms frames, whatever the file's rate
  EXPECT_NEAR(energy / frames, 0.5 / std::sqrt(2), 0.02);  // a half-scale sine, mixed down unchanged
  EXPECT_TRUE(dev->captureEnded());
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Table, WavShapes,
                         ::testing::Values(Shape{1, 48000}, Shape{2, 48000}, Shape{1, 44100}, Shape{2, 22050},
                                           Shape{1, 16000}, Shape{2, 8000}),
                         [](const auto& info) {
                           return std::to_string(info.param.channels) + "ch_" + std::to_string(info.param.rate);
                         });

TEST(WavFileDevice, LoopsOrFallsSilent) {
  std::vector<std::int16_t> samples(1500, 1000);  // 1.5 frames
  auto once = WavFileDevice::fromSamples(samples, false, "", nullptr);
  std::int16_t frame[kAudioFrameSamples];
  ASSERT_TRUE(once->capture(frame));
  ASSERT_TRUE(once->capture(frame));  // the last, partial frame, padded with silence
  EXPECT_EQ(frame[539], 1000);
  EXPECT_EQ(frame[540], 0);
  EXPECT_FALSE(once->capture(frame));

  auto looped = WavFileDevice::fromSamples(samples, true, "", nullptr);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(looped->capture(frame));
    EXPECT_EQ(frame[kAudioFrameSamples - 1], 1000);
  }
  EXPECT_FALSE(looped->captureEnded());

  auto none = WavFileDevice::fromSamples({}, true, "", nullptr);
  EXPECT_FALSE(none->capture(frame));
}

TEST(WavFileDevice, RecordsWhatItPlaysToAValidWav) {
  const auto path = tempPath("played.wav");
  {
    std::string error;
    auto dev = WavFileDevice::fromSamples({}, false, path.string(), &error);
    ASSERT_TRUE(dev) << error;
    std::int16_t frame[kAudioFrameSamples];
    for (std::size_t i = 0; i < kAudioFrameSamples; ++i) frame[i] = static_cast<std::int16_t>(i);
    for (int i = 0; i < 25; ++i) dev->playout(frame);
    EXPECT_EQ(dev->framesPlayed(), 25u);
  }  // closed: the header holds the final sizes
  EXPECT_EQ(fs::file_size(path), 44u + 25 * kAudioFrameSamples * 2);
  auto parsed = tccc::media::WavFile::load(path.string());
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(parsed)) << std::get<std::string>(parsed);
  const auto& samples = std::get<std::vector<std::int16_t>>(parsed);
  ASSERT_EQ(samples.size(), 25 * kAudioFrameSamples);
  EXPECT_EQ(samples[kAudioFrameSamples + 7], 7);
  fs::remove(path);
}

struct Broken {
  const char* name;
  std::string bytes;
};

class BrokenWavs : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenWavs, AreAnErrorNotACrash) {
  const auto path = tempPath(std::string(GetParam().name) + ".wav");
  writeFile(path, GetParam().bytes);
  std::string error;
  EXPECT_FALSE(WavFileDevice::open(path.string(), "", false, &error));
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;  // says which file
  EXPECT_GT(error.size(), path.string().size() + 2) << error;        // and why
  fs::remove(path);
}

std::string withFormat(int format, int bits) {
  std::string w = toneWav(1, 48000, 10);
  w.replace(20, 2, le(format, 2));
  w.replace(34, 2, le(bits, 2));
  return w;
}

INSTANTIATE_TEST_SUITE_P(Table, BrokenWavs,
                         ::testing::Values(Broken{"empty", ""},
                                           Broken{"not_riff", "RIFX" + toneWav(1, 48000, 10).substr(4)},
                                           Broken{"header_only", toneWav(1, 48000, 10).substr(0, 12)},
                                           Broken{"truncated_fmt", toneWav(1, 48000, 10).substr(0, 30)},
                                           Broken{"no_data", toneWav(1, 48000, 10).substr(0, 36)},
                                           Broken{"no_samples", toneWav(1, 48000, 0)},
                                           Broken{"adpcm", withFormat(2, 4)}, Broken{"pcm_12_bit", withFormat(1, 12)},
                                           Broken{"zero_channels",
                                                  [] {
                                                    std::string w = toneWav(1, 48000, 10);
                                                    w.replace(22, 2, le(0, 2));
                                                    return w;
                                                  }()},
                                           Broken{"rate_4000",
                                                  [] {
                                                    std::string w = toneWav(1, 48000, 10);
                                                    w.replace(24, 4, le(4000, 4));
                                                    return w;
                                                  }()}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(WavFileDevice, AMissingFileOrUnwritableRecordingIsAnError) {
  std::string error;
  EXPECT_FALSE(WavFileDevice::open("/nonexistent/tccc.wav", "", false, &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(WavFileDevice::open("", "/nonexistent/dir/out.wav", false, &error));
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}

}  // namespace
}  // namespace tccc::native
