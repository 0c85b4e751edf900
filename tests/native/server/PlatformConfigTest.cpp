// SPDX-License-Identifier: Apache-2.0
// Server configuration: command line, environment and JSON file, with their precedence and checks.
#include "StoreTestSupport.hpp"
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using namespace tccc::server;
using tccc::server::test::TempDir;

namespace {

std::optional<int> parse(std::vector<std::string> args, ServerConfig& config) {
  std::vector<const char*> argv{"tccc-server"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return ServerConfig::parse(static_cast<int>(argv.size()), argv.data(), config);
}

}  // namespace

TEST(PlatformConfigTest, Defaults) {
  ServerConfig c;
  EXPECT_FALSE(parse({}, c));
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.dataDir, ".tccc-data");
  EXPECT_EQ(c.heartbeatMs, 10000);
  EXPECT_TRUE(c.allowedOrigins.empty());
  EXPECT_FALSE(c.printCredentials);
}

TEST(PlatformConfigTest, CommandLine) {
  ServerConfig c;
  EXPECT_FALSE(parse({"--port", "0", "--data-dir", "/tmp/x", "--allowed-origins", "https://a.example, https://b.example",
                      "--cdr-push-url", "http://127.0.0.1:9/p", "--heartbeat-ms", "5000", "--print-credentials"},
                     c));
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.dataDir, "/tmp/x");
  EXPECT_EQ(c.allowedOrigins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c.cdrPushUrl, "http://127.0.0.1:9/p");
  EXPECT_EQ(c.heartbeatMs, 5000);
  EXPECT_TRUE(c.printCredentials);
}

TEST(PlatformConfigTest, BadArgumentsExitWithUsageError) {
  ServerConfig c;
  EXPECT_EQ(parse({"--port", "abc"}, c), 2);
  ServerConfig d;
  EXPECT_EQ(parse({"--port", "70000"}, d), 2);
  ServerConfig e;
  EXPECT_EQ(parse({"--tls-cert", "a.pem"}, e), 2);
  ServerConfig f;
  EXPECT_EQ(parse({"--cdr-push-url", "ftp://x"}, f), 2);
  ServerConfig g;
  EXPECT_EQ(parse({"--no-such-option"}, g), 2);
  ServerConfig h;
  EXPECT_EQ(parse({"--help"}, h), 0);
}

TEST(PlatformConfigTest, FileThenEnvironmentThenCommandLine) {
  TempDir dir;
  std::string path = dir.file("config.json");
  std::ofstream(path) << R"({"port": 9001, "host": "127.0.0.2", "data-dir": "/from/file", "heartbeat-ms": 3000,
                            "allowed-origins": ["https://x.example"], "$comment": "ignored"})";
  ::setenv("TCCC_HOST", "127.0.0.3", 1);
  ServerConfig c;
  auto rc = parse({"--config", path, "--port", "9002"}, c);
  ::unsetenv("TCCC_HOST");
  EXPECT_FALSE(rc);
  EXPECT_EQ(c.port, 9002);             // command line beats the file
  EXPECT_EQ(c.host, "127.0.0.3");      // environment beats the file
  EXPECT_EQ(c.dataDir, "/from/file");  // file beats the default
  EXPECT_EQ(c.heartbeatMs, 3000);
  EXPECT_EQ(c.allowedOrigins, std::vector<std::string>{"https://x.example"});
}

TEST(PlatformConfigTest, BadConfigFiles) {
  TempDir dir;
  auto run = [&](const std::string& text) {
    std::ofstream(dir.file("c.json")) << text;
    ServerConfig c;
    return parse({"--config", dir.file("c.json")}, c);
  };
  EXPECT_EQ(run("{not json"), 2);
  EXPECT_EQ(run(R"({"prot": 1})"), 2);
  EXPECT_EQ(run(R"({"port": "8080"})"), 2);
  EXPECT_EQ(run(R"({"allowed-origins": 5})"), 2);
  EXPECT_EQ(run("[]"), 2);
  ServerConfig c;
  EXPECT_EQ(parse({"--config", dir.file("missing.json")}, c), 2);
}

TEST(PlatformConfigTest, RepeatedOptionTakesTheLastValue) {
  ServerConfig c;
  EXPECT_FALSE(parse({"--port", "0", "--log-level", "warn", "--port", "9100", "--log-level", "debug"}, c));
  EXPECT_EQ(c.port, 9100);
  EXPECT_EQ(c.logLevel, "debug");
}
