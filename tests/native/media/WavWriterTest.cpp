// SPDX-License-Identifier: Apache-2.0
// The recording writer: a valid WAV with the right sizes after close, readable by our own parser,
// and a clear failure (not a crash) when the file cannot be created.
#include "media/WavFile.hpp"
#include "media/WavWriter.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tccc::media {
namespace {

TEST(WavWriter, WritesAPlayableStereoFile) {
  auto path = std::filesystem::temp_directory_path() / ("tccc-wavwriter-" + std::to_string(::getpid()) + ".wav");
  {
    WavWriter w(path.string(), 2, 48000);
    ASSERT_TRUE(w.ok());
    std::int16_t frames[6] = {1000, -1000, 2000, -2000, 3000, -3000};
    EXPECT_TRUE(w.write(frames, 3));
    EXPECT_TRUE(w.write(frames, 1));
    EXPECT_EQ(w.dataBytes(), 16u);
    w.close();
    EXPECT_FALSE(w.write(frames, 1)) << "closed";
  }  // the destructor after close() does nothing more
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 44u + 16u);
  std::uint32_t riff, data;
  std::memcpy(&riff, bytes.data() + 4, 4);
  std::memcpy(&data, bytes.data() + 40, 4);
  EXPECT_EQ(riff, 36u + 16u);
  EXPECT_EQ(data, 16u);
  auto parsed = WavFile::parse(bytes);
  ASSERT_TRUE(std::holds_alternative<std::vector<std::int16_t>>(parsed));
  EXPECT_EQ(std::get<std::vector<std::int16_t>>(parsed).size(), 4u);  // 4 stereo frames, mixed to mono
  std::filesystem::remove(path);
}

TEST(WavWriter, AnUnwritablePathIsReportedNotFatal) {
  WavWriter w("/nonexistent-dir/for/sure/x.wav", 2, 48000);
  EXPECT_FALSE(w.ok());
  std::int16_t s[2] = {0, 0};
  EXPECT_FALSE(w.write(s, 1));
  w.close();
}

}  // namespace
}  // namespace tccc::media
