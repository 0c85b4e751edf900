// SPDX-License-Identifier: Apache-2.0
// Which audio files POST /sim/inbound may play: only regular files inside the allowed directories,
// whatever "..", absolute paths or symlinks say.
#include "media/AudioFileResolver.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tccc::server::media {
namespace {

namespace fs = std::filesystem;

class AudioFileResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mRoot = fs::temp_directory_path() / ("tccc-audio-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(mRoot / "allowed" / "sub");
    fs::create_directories(mRoot / "outside");
    std::ofstream(mRoot / "allowed" / "hello.wav") << "x";
    std::ofstream(mRoot / "allowed" / "sub" / "deep.wav") << "x";
    std::ofstream(mRoot / "outside" / "secret.wav") << "x";
    fs::create_symlink(mRoot / "outside" / "secret.wav", mRoot / "allowed" / "link.wav");
  }
  void TearDown() override { fs::remove_all(mRoot); }
  fs::path mRoot;
};

TEST_F(AudioFileResolverTest, OnlyFilesInsideTheAllowedDirectories) {
  AudioFileResolver r({(mRoot / "allowed").string(), (mRoot / "does-not-exist").string()});
  EXPECT_EQ(r.resolve("hello.wav").path, fs::canonical(mRoot / "allowed" / "hello.wav").string());
  EXPECT_EQ(r.resolve("sub/deep.wav").error, "");
  EXPECT_EQ(r.resolve((mRoot / "allowed" / "hello.wav").string()).error, "");  // absolute, inside
  EXPECT_EQ(r.resolve("sub/../hello.wav").error, "");
  for (const std::string& bad :
       std::vector<std::string>{"../outside/secret.wav", (mRoot / "outside" / "secret.wav").string(), "link.wav",
                                "/etc/passwd", "../../../../../../etc/passwd", "missing.wav", "", "sub"}) {
    auto res = r.resolve(bad);
    EXPECT_TRUE(res.path.empty()) << bad;
    EXPECT_FALSE(res.error.empty()) << bad;
  }
  EXPECT_NE(r.resolve("sub").error.find("regular file"), std::string::npos);
  // A prefix of the directory name is not the directory: /x/allowed-evil is not inside /x/allowed.
  fs::create_directories(mRoot / "allowed-evil");
  std::ofstream(mRoot / "allowed-evil" / "x.wav") << "x";
  EXPECT_FALSE(r.resolve((mRoot / "allowed-evil" / "x.wav").string()).error.empty());
  AudioFileResolver none({});
  EXPECT_NE(none.resolve("hello.wav").error.find("--sim-audio-dir"), std::string::npos);
}

}  // namespace
}  // namespace tccc::server::media
