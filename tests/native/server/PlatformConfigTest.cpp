// SPDX-License-Identifier: Apache-2.0
// Server configuration: command line, environment and JSON file, with their precedence and checks.
#include "StoreTestSupport.hpp"
#include "config/FileDescriptorLimit.hpp"
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>

#include <cstdlib>
#include <fstream>
#include <limits>

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
  EXPECT_FALSE(
      parse({"--port", "0", "--data-dir", "/tmp/x", "--allowed-origins", "https://a.example, https://b.example",
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

TEST(PlatformConfigTest, CapacityAndRateLimitOptions) {
  ServerConfig defaults;
  EXPECT_FALSE(parse({}, defaults));
  EXPECT_EQ(defaults.maxConnections, 10000);
  EXPECT_EQ(defaults.apiRateLimit, 20);  // the cloud's per-action limit
  EXPECT_EQ(defaults.connectionRateLimit, 20);
  EXPECT_EQ(defaults.tenantRateLimit, 5000);

  ServerConfig cli;
  EXPECT_FALSE(parse({"--max-connections", "30000", "--api-rate-limit", "100000", "--connection-rate-limit", "500",
                      "--tenant-rate-limit", "900"},
                     cli));
  EXPECT_EQ(cli.maxConnections, 30000);
  EXPECT_EQ(cli.apiRateLimit, 100000);
  EXPECT_EQ(cli.connectionRateLimit, 500);
  EXPECT_EQ(cli.tenantRateLimit, 900);

  TempDir dir;
  std::ofstream(dir.file("c.json")) << R"({"max-connections": 1234, "api-rate-limit": 50, "tenant-rate-limit": 30})";
  ::setenv("TCCC_API_RATE_LIMIT", "70", 1);
  ServerConfig mixed;
  auto rc = parse({"--config", dir.file("c.json")}, mixed);
  ::unsetenv("TCCC_API_RATE_LIMIT");
  EXPECT_FALSE(rc);
  EXPECT_EQ(mixed.maxConnections, 1234);  // from the file
  EXPECT_EQ(mixed.apiRateLimit, 70);      // the environment beats the file
  EXPECT_EQ(mixed.tenantRateLimit, 30);

  for (std::vector<std::string> bad : {std::vector<std::string>{"--max-connections", "0"},
                                       {"--max-connections", "-5"},
                                       {"--max-connections", "2000000"},
                                       {"--api-rate-limit", "0"},
                                       {"--api-rate-limit", "fast"},
                                       {"--connection-rate-limit", "0"},
                                       {"--tenant-rate-limit", "0"},
                                       {"--tenant-rate-limit", "1000001"}}) {
    ServerConfig c;
    EXPECT_EQ(parse(bad, c), 2) << bad[0] << " " << bad[1];
  }
  std::ofstream(dir.file("bad.json")) << R"({"max-connections": "many"})";
  ServerConfig fromFile;
  EXPECT_EQ(parse({"--config", dir.file("bad.json")}, fromFile), 2);
}

TEST(PlatformConfigTest, UtcOffsetIsReadAsMinutesEastOfUtc) {
  struct Case {
    const char* text;
    int minutes;  // INT32_MIN: refused
  };
  constexpr int kRefused = std::numeric_limits<int>::min();
  for (const Case& c : {Case{"+08:00", 480}, Case{"-05:30", -330}, Case{"+00:00", 0}, Case{"+14:00", 840},
                        Case{"-14:00", -840}, Case{"+05:45", 345}, Case{"+14:01", kRefused}, Case{"+15:00", kRefused},
                        Case{"08:00", kRefused}, Case{"+8:00", kRefused}, Case{"+08:60", kRefused},
                        Case{"+08:00 ", kRefused}, Case{"", kRefused}, Case{"+0a:00", kRefused}}) {
    if (c.minutes == kRefused) {
      EXPECT_THROW(ServerConfig::parseUtcOffset(c.text), ConfigError) << c.text;
    } else {
      EXPECT_EQ(ServerConfig::parseUtcOffset(c.text), c.minutes) << c.text;
    }
  }
  ServerConfig defaults;
  EXPECT_FALSE(parse({}, defaults));
  EXPECT_EQ(defaults.utcOffset, "+08:00");
  ServerConfig bad;
  EXPECT_EQ(parse({"--utc-offset", "UTC+8"}, bad), 2);
}

TEST(PlatformConfigTest, FileDescriptorLimitCapsConnectionsBelowTheLimit) {
  constexpr auto kReserve = FileDescriptorLimit::kReserve;
  EXPECT_EQ(FileDescriptorLimit::connectionsFor(1024, 20000), 1024 - kReserve);
  EXPECT_EQ(FileDescriptorLimit::connectionsFor(1048576, 20000), 20000u);
  EXPECT_EQ(FileDescriptorLimit::connectionsFor(20000 + kReserve, 20000), 20000u);
  EXPECT_EQ(FileDescriptorLimit::connectionsFor(10, 20000), 0u);
}

TEST(PlatformConfigTest, FileDescriptorLimitIsRaisedTowardsTheHardLimit) {
  struct rlimit before {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  // Start from a low soft limit, as on a default shell, and restore it afterwards.
  struct rlimit low = before;
  low.rlim_cur = std::min<rlim_t>(before.rlim_max, 512);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);

  auto r = FileDescriptorLimit::raiseFor(2000);
  struct rlimit after {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(r.softBefore, low.rlim_cur);
  EXPECT_EQ(static_cast<std::uint64_t>(after.rlim_cur), r.soft);
  if (before.rlim_max == RLIM_INFINITY || before.rlim_max >= 2000 + FileDescriptorLimit::kReserve) {
    EXPECT_EQ(r.soft, 2000 + FileDescriptorLimit::kReserve);
    EXPECT_TRUE(r.honoured);
    EXPECT_EQ(r.connections, 2000u);
  } else {
    EXPECT_EQ(r.soft, static_cast<std::uint64_t>(before.rlim_max));
    EXPECT_FALSE(r.honoured);
    EXPECT_LT(r.connections, 2000u);
  }
  EXPECT_TRUE(r.error.empty()) << r.error;
  // Asking for less than the current limit never lowers it.
  auto again = FileDescriptorLimit::raiseFor(10);
  EXPECT_EQ(again.soft, r.soft);
  EXPECT_EQ(again.connections, 10u);
  ::setrlimit(RLIMIT_NOFILE, &before);
}

TEST(PlatformConfigTest, PushAuthOptions) {
  ServerConfig none;
  EXPECT_FALSE(parse({}, none));
  EXPECT_EQ(none.cdrPushAuth, "none");

  ServerConfig basic;
  ::setenv("TCCC_CDR_PUSH_PASSWORD", "from-env", 1);
  auto rc = parse({"--cdr-push-url", "https://crm.example/hook", "--cdr-push-auth", "basic", "--cdr-push-user", "crm"},
                  basic);
  ::unsetenv("TCCC_CDR_PUSH_PASSWORD");
  EXPECT_FALSE(rc);
  EXPECT_EQ(basic.cdrPushPassword, "from-env");

  TempDir dir;
  std::ofstream(dir.file("oauth.json")) << R"({"cdr-push-url": "https://crm.example/hook", "cdr-push-auth": "oauth2",
    "cdr-push-token-url": "https://auth.example/oauth/token", "cdr-push-client-id": "tccc",
    "cdr-push-client-secret": "s"})";
  ServerConfig oauth;
  EXPECT_FALSE(parse({"--config", dir.file("oauth.json")}, oauth));
  EXPECT_EQ(oauth.cdrPushTokenUrl, "https://auth.example/oauth/token");

  const std::vector<std::string> url = {"--cdr-push-url", "http://127.0.0.1:9/hook"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = url;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  for (const auto& bad :
       {with({"--cdr-push-auth", "digest"}), with({"--cdr-push-auth", "basic"}),  // no user
        with({"--cdr-push-auth", "basic", "--cdr-push-user", "a:b"}),
        with({"--cdr-push-auth", "basic", "--cdr-push-user", "a", "--cdr-push-password", "x\ny"}),
        with({"--cdr-push-user", "a"}),  // auth none
        with({"--cdr-push-auth", "basic", "--cdr-push-user", "a", "--cdr-push-client-id", "c"}),
        with({"--cdr-push-auth", "oauth2", "--cdr-push-client-id", "c", "--cdr-push-client-secret", "s"}),
        with({"--cdr-push-auth", "oauth2", "--cdr-push-token-url", "ftp://x/", "--cdr-push-client-id", "c",
              "--cdr-push-client-secret", "s"}),
        with({"--cdr-push-auth", "oauth2", "--cdr-push-token-url", "http://x/t", "--cdr-push-client-id", "c"}),
        std::vector<std::string>{"--cdr-push-auth", "basic", "--cdr-push-user", "a"}}) {  // no URL
    ServerConfig c;
    EXPECT_EQ(parse(bad, c), 2) << ::testing::PrintToString(bad);
  }
}
