// SPDX-License-Identifier: Apache-2.0
// The server media options: --server-media, --media-host, --media-ports, --sim-audio-dir, from the
// command line, the environment and the --config file, with clear errors for bad values.
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace tccc::server {
namespace {

std::optional<int> parseArgs(std::vector<const char*> args, ServerConfig& config) {
  args.insert(args.begin(), "tccc-server");
  return ServerConfig::parse(static_cast<int>(args.size()), args.data(), config);
}

TEST(ServerMediaConfig, DefaultsAreOnLoopbackWithARange) {
  ServerConfig c;
  ASSERT_FALSE(parseArgs({}, c));
  EXPECT_TRUE(c.serverMedia);
  EXPECT_EQ(c.mediaHost, "127.0.0.1");
  EXPECT_EQ(ServerConfig::parsePortRange(c.mediaPorts), std::make_pair(40000, 40999));
  EXPECT_EQ(c.simAudioDir, "");
}

TEST(ServerMediaConfig, CommandLineAndEnvironment) {
  ServerConfig c;
  ASSERT_FALSE(parseArgs({"--server-media", "false", "--media-host", "::1", "--media-ports", "50000-50010",
                          "--sim-audio-dir", "/srv/prompts"},
                         c));
  EXPECT_FALSE(c.serverMedia);
  EXPECT_EQ(c.mediaHost, "::1");
  EXPECT_EQ(ServerConfig::parsePortRange(c.mediaPorts), std::make_pair(50000, 50010));
  EXPECT_EQ(c.simAudioDir, "/srv/prompts");
  ::setenv("TCCC_MEDIA_PORTS", "41000", 1);
  ::setenv("TCCC_MEDIA_HOST", "10.0.0.5", 1);
  ServerConfig e;
  auto r = parseArgs({}, e);
  ::unsetenv("TCCC_MEDIA_PORTS");
  ::unsetenv("TCCC_MEDIA_HOST");
  ASSERT_FALSE(r);
  EXPECT_EQ(ServerConfig::parsePortRange(e.mediaPorts), std::make_pair(41000, 41000));
  EXPECT_EQ(e.mediaHost, "10.0.0.5");
}

TEST(ServerMediaConfig, ConfigFileKeys) {
  ServerConfig c;
  c.applyJson(
      protocol::Json{
          {"server-media", false}, {"media-host", "127.0.0.2"}, {"media-ports", "1-2"}, {"sim-audio-dir", "audio"}},
      {});
  EXPECT_FALSE(c.serverMedia);
  EXPECT_EQ(c.mediaHost, "127.0.0.2");
  EXPECT_EQ(c.mediaPorts, "1-2");
  EXPECT_EQ(c.simAudioDir, "audio");
  EXPECT_THROW(c.applyJson(protocol::Json{{"server-media", "yes"}}, {}), ConfigError);
  EXPECT_THROW(c.applyJson(protocol::Json{{"media-ports", 40000}}, {}), ConfigError);
}

class BadMediaOption : public ::testing::TestWithParam<std::vector<const char*>> {};

TEST_P(BadMediaOption, IsAUsageError) {
  ServerConfig c;
  testing::internal::CaptureStderr();
  auto r = parseArgs(GetParam(), c);
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 2);
  EXPECT_NE(err.find("--media"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Table, BadMediaOption,
                         ::testing::Values(std::vector<const char*>{"--media-ports", "50010-50000"},
                                           std::vector<const char*>{"--media-ports", "0-10"},
                                           std::vector<const char*>{"--media-ports", "70000"},
                                           std::vector<const char*>{"--media-ports", "a-b"},
                                           std::vector<const char*>{"--media-ports", "40000-"},
                                           std::vector<const char*>{"--media-ports", ""},
                                           std::vector<const char*>{"--media-host", "localhost"},
                                           std::vector<const char*>{"--media-host", "300.1.1.1"}));

}  // namespace
}  // namespace tccc::server
