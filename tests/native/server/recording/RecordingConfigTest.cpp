// SPDX-License-Identifier: Apache-2.0
// The recording options: defaults, the command line and config file, their limits, and the
// --set-recording switches.
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

using namespace tccc::server;

namespace {

std::optional<int> parse(std::vector<std::string> args, ServerConfig& config) {
  std::vector<const char*> argv{"tccc-server"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return ServerConfig::parse(static_cast<int>(argv.size()), argv.data(), config);
}

}  // namespace

TEST(RecordingConfigTest, DefaultsAndOptions) {
  ServerConfig defaults;
  ASSERT_FALSE(parse({}, defaults));
  EXPECT_TRUE(defaults.recordings);
  EXPECT_EQ(defaults.recordingsDir, "");  // main.cpp: <data-dir>/recordings
  EXPECT_EQ(defaults.recordUrlTtlSec, 86400);
  EXPECT_EQ(defaults.recordUrlSecret, "");

  ServerConfig c;
  ASSERT_FALSE(parse({"--recordings", "false", "--recordings-dir", "/srv/rec", "--record-url-ttl", "600",
                      "--record-url-secret", "0123456789abcdef0123", "--set-recording", "1400000001=off",
                      "--set-recording", "1400000001:2=on", "--set-asr", "1400000001:3=off"},
                     c));
  EXPECT_FALSE(c.recordings);
  EXPECT_EQ(c.recordingsDir, "/srv/rec");
  EXPECT_EQ(c.recordUrlTtlSec, 600);
  EXPECT_EQ(c.recordUrlSecret, "0123456789abcdef0123");
  EXPECT_EQ(c.setRecording, (std::vector<std::string>{"1400000001=off", "1400000001:2=on"}));
  EXPECT_EQ(c.setAsr, (std::vector<std::string>{"1400000001:3=off"}));

  ServerConfig fromFile;
  fromFile.applyJson(
      {{"recordings", false}, {"recordings-dir", "/x"}, {"record-url-ttl", 3600}, {"record-url-secret", "s"}}, {});
  EXPECT_FALSE(fromFile.recordings);
  EXPECT_EQ(fromFile.recordUrlTtlSec, 3600);
  EXPECT_THROW(fromFile.applyJson({{"recordings", "yes"}}, {}), ConfigError);
}

TEST(RecordingConfigTest, BadValuesAreUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--record-url-ttl", "59"},
      {"--record-url-ttl", "7776001"},
      {"--record-url-secret", "short"},
      {"--set-recording", "1400000001"},
      {"--set-recording", "abc=off"},
      {"--set-recording", "1400000001=maybe"},
      {"--set-recording", "1400000001:=on"},
      {"--set-recording", "0=on"},
      {"--set-recording", "1:0=on"},
      {"--set-asr", "1400000001=yes"},
      {"--set-asr", "1400000001:x=off"},
  };
  for (const auto& args : bad) {
    ServerConfig c;
    EXPECT_EQ(parse(args, c), 2) << args[0] << " " << args[1];
  }
}

TEST(RecordingConfigTest, CaptureSwitches) {
  struct Case {
    const char* text;
    std::int64_t app, group;
    bool on;
  };
  const Case cases[] = {
      {"1400000001=off", 1400000001, 0, false},
      {"1400000001=on", 1400000001, 0, true},
      {"1400000001:12=off", 1400000001, 12, false},
  };
  for (const auto& c : cases) {
    auto s = ServerConfig::parseCaptureSwitch("--set-recording", c.text);
    EXPECT_EQ(s.sdkAppId, c.app) << c.text;
    EXPECT_EQ(s.skillGroupId, c.group) << c.text;
    EXPECT_EQ(s.on, c.on) << c.text;
  }
}

TEST(RecordingConfigTest, ASwitchErrorNamesItsOption) {
  try {
    ServerConfig::parseCaptureSwitch("--set-asr", "1400000001=maybe");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--set-asr takes APP=on|off or APP:GROUP=on|off"), std::string::npos)
        << e.what();
  }
}
