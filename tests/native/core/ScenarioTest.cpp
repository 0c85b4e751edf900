// SPDX-License-Identifier: Apache-2.0
// Replays every tests/fixtures/scenarios/*.json through Core (the Jest tests replay the same files
// through the WebAssembly build and the shim). The format is documented in tests/fixtures/README.md.
#include "../protocol/FixtureFiles.hpp"
#include "FakeHost.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <algorithm>
#include <deque>
#include <map>

namespace tccc::core {
namespace {

using Json = protocol::Json;

std::vector<std::string> scenarioFiles() {
  std::vector<std::string> files;
  const std::string dir = std::string(TCCC_SOURCE_DIR) + "/tests/fixtures/scenarios";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      std::string name = entry->d_name;
      if (name.size() > 5 && name.substr(name.size() - 5) == ".json") files.push_back(name);
    }
    closedir(d);
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Expected ⊆ actual for objects (recursively); arrays and scalars equal; "$any" matches anything.
bool subsetMatch(const Json& expected, const Json& actual) {
  if (expected.is_string() && expected.get<std::string>() == "$any") return true;
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto found = actual.find(it.key());
      if (found == actual.end() || !subsetMatch(it.value(), *found)) return false;
    }
    return true;
  }
  return expected == actual;
}

class ScenarioRunner {
 public:
  explicit ScenarioRunner(const Json& scenario) : mHost(configOf(scenario)) {}

  static CoreConfig configOf(const Json& scenario) {
    CoreConfig config = testing::testConfig();
    if (scenario.contains("config")) {
      const Json& c = scenario.at("config");
      config.sdkAppId = c.value("sdkAppId", config.sdkAppId);
      config.userId = c.value("userId", config.userId);
      config.token = c.value("token", config.token);
      config.randomSeed = c.value("randomSeed", config.randomSeed);
      config.requestTimeoutMs = c.value("requestTimeoutMs", config.requestTimeoutMs);
      config.loginTimeoutMs = c.value("loginTimeoutMs", config.loginTimeoutMs);
      config.reconnectBaseMs = c.value("reconnectBaseMs", config.reconnectBaseMs);
      config.reconnectMaxMs = c.value("reconnectMaxMs", config.reconnectMaxMs);
      config.maxReconnectAttempts = c.value("maxReconnectAttempts", config.maxReconnectAttempts);
    }
    return config;
  }

  void run(const Json& steps) {
    mHost.core.start(mHost.now);
    collect();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      SCOPED_TRACE("step " + std::to_string(i) + ": " + steps[i].dump());
      step(steps[i]);
      if (::testing::Test::HasFatalFailure()) return;
    }
    collect();
    EXPECT_TRUE(mWire.empty()) << "unexpected wire commands:" << list(mWire);
    EXPECT_TRUE(mApi.empty()) << "unexpected events/settlements:" << list(mApi);
    EXPECT_TRUE(mMedia.empty()) << "unexpected media commands:" << list(mMedia);
  }

 private:
  static std::string list(const std::deque<Command>& commands) {
    std::string out;
    for (const auto& c : commands) out += "\n  " + testing::describe(c);
    return out;
  }

  void collect() {
    for (auto& command : mHost.core.drain()) {
      switch (command.kind) {
        case CommandKind::Connect:
        case CommandKind::Send:
        case CommandKind::Close:
          mWire.push_back(std::move(command));
          break;
        case CommandKind::Media:
          mMedia.push_back(std::move(command));
          break;
        default:
          mApi.push_back(std::move(command));
          break;
      }
    }
  }

  Command pop(std::deque<Command>& stream, const char* what) {
    collect();
    if (stream.empty()) {
      ADD_FAILURE() << "expected " << what << ", but nothing is pending";
      return Command{};
    }
    Command command = std::move(stream.front());
    stream.pop_front();
    return command;
  }

  Json substitute(const Json& value) const {
    if (value.is_string()) {
      const auto& s = value.get_ref<const std::string&>();
      if (s.size() > 1 && s[0] == '$' && s != "$any") {
        auto it = mRequestIds.find(s.substr(1));
        if (it != mRequestIds.end()) return it->second;
        ADD_FAILURE() << "no captured request named " << s;
      }
      return value;
    }
    if (value.is_object()) {
      Json out = Json::object();
      for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = substitute(it.value());
      return out;
    }
    if (value.is_array()) {
      Json out = Json::array();
      for (const auto& item : value) out.push_back(substitute(item));
      return out;
    }
    return value;
  }

  // Timer-driven hosts tick at every deadline on the way, not just at the end of a jump.
  void advance(std::int64_t ms) {
    const std::int64_t target = mHost.now + ms;
    for (int guard = 0; guard < 1000; ++guard) {
      auto deadline = mHost.core.nextDeadline();
      if (!deadline || *deadline > target) break;
      mHost.now = std::max(mHost.now, *deadline);
      mHost.core.onTick(mHost.now);
      collect();
    }
    mHost.now = target;
    mHost.core.onTick(mHost.now);
    collect();
  }

  void step(const Json& s) {
    if (s.contains("server")) {
      mHost.core.onMessage(substitute(s.at("server")).dump(), mHost.now);
    } else if (s.contains("serverText")) {
      mHost.core.onMessage(s.at("serverText").get<std::string>(), mHost.now);
    } else if (s.contains("close")) {
      mHost.core.onClose(s.at("close").get<int>(), mHost.now);
    } else if (s.contains("advance")) {
      advance(s.at("advance").get<std::int64_t>());
    } else if (s.contains("api")) {
      auto handle = mHost.core.call(s.at("api").get<std::string>(), s.value("args", Json()), mHost.now);
      if (s.contains("as")) mHandles[s.at("as").get<std::string>()] = handle;
    } else if (s.contains("check")) {
      const Json& check = s.at("check");
      if (check.contains("agentStatus")) {
        EXPECT_EQ(mHost.core.agentStatus(), check.at("agentStatus").get<std::string>());
      }
    } else if (s.contains("expect")) {
      expect(s);
    } else {
      FAIL() << "unknown step";
    }
    collect();
  }

  void expect(const Json& s) {
    const std::string kind = s.at("expect").get<std::string>();
    if (kind == "connect") {
      Command c = pop(mWire, "connect");
      ASSERT_EQ(c.kind, CommandKind::Connect) << testing::describe(c);
      mHost.core.onOpen(mHost.now);  // the fake peer accepts the connection
    } else if (kind == "send") {
      Command c = pop(mWire, "send");
      ASSERT_EQ(c.kind, CommandKind::Send) << testing::describe(c);
      Json frame = Json::parse(c.text);
      EXPECT_TRUE(subsetMatch(s.at("frame"), frame)) << "expected ⊆ " << s.at("frame").dump() << "\nactual " << c.text;
      if (s.contains("as")) mRequestIds[s.at("as").get<std::string>()] = frame.at("id");
    } else if (kind == "close") {
      Command c = pop(mWire, "close");
      ASSERT_EQ(c.kind, CommandKind::Close) << testing::describe(c);
      if (s.contains("code")) {
        EXPECT_EQ(c.code, s.at("code").get<int>());
      }
    } else if (kind == "event") {
      Command c = pop(mApi, "event");
      ASSERT_EQ(c.kind, CommandKind::Emit) << testing::describe(c);
      EXPECT_EQ(c.name, s.at("name").get<std::string>());
      if (s.contains("data")) checkData(s, c.data);
    } else if (kind == "resolve" || kind == "reject") {
      Command c = pop(mApi, kind.c_str());
      ASSERT_EQ(c.kind, kind == "resolve" ? CommandKind::Resolve : CommandKind::Reject) << testing::describe(c);
      const std::string name = s.at("call").get<std::string>();
      ASSERT_TRUE(mHandles.count(name)) << "no call captured as " << name;
      EXPECT_EQ(c.handle, mHandles.at(name));
      if (kind == "resolve" && s.contains("data")) checkData(s, c.data);
      if (kind == "reject") {
        if (s.contains("code")) {
          EXPECT_EQ(static_cast<int>(c.error.code), s.at("code").get<int>()) << c.error.message;
        }
        if (s.contains("name")) {
          EXPECT_EQ(std::string(errcName(c.error.code)), s.at("name").get<std::string>());
        }
      }
    } else if (kind == "media") {
      Command c = pop(mMedia, "media");
      EXPECT_EQ(c.name, s.at("name").get<std::string>());
      if (s.contains("data")) checkData(s, c.data);
    } else {
      FAIL() << "unknown expectation " << kind;
    }
  }

  void checkData(const Json& s, const Json& actual) {
    const Json& expected = s.at("data");
    if (s.value("match", "exact") == "subset") {
      EXPECT_TRUE(subsetMatch(expected, actual)) << "expected ⊆ " << expected.dump() << "\nactual " << actual.dump();
    } else {
      EXPECT_EQ(actual, expected);
    }
  }

  testing::FakeHost mHost;
  std::deque<Command> mWire, mApi, mMedia;
  std::map<std::string, Json> mRequestIds;
  std::map<std::string, std::uint32_t> mHandles;
};

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, Replays) {
  Json scenario = tccc::testing::readJsonFixture("tests/fixtures/scenarios/" + GetParam());
  ASSERT_TRUE(scenario.contains("name") && scenario.contains("steps")) << GetParam();
  ScenarioRunner(scenario).run(scenario.at("steps"));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Scenario, ::testing::ValuesIn(scenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(ScenarioFixtures, ThereAreScenarios) { EXPECT_GE(scenarioFiles().size(), 8u); }

TEST(ScenarioFixtures, SubsetMatchIsStrictWhereItMatters) {
  EXPECT_TRUE(subsetMatch(Json{{"a", 1}}, Json{{"a", 1}, {"b", 2}}));
  EXPECT_FALSE(subsetMatch(Json{{"a", 1}}, Json{{"a", 2}}));
  EXPECT_FALSE(subsetMatch(Json{{"a", 1}}, Json{{"b", 1}}));
  EXPECT_FALSE(subsetMatch(Json::array({1}), Json::array({1, 2})));
  EXPECT_TRUE(subsetMatch(Json{{"a", "$any"}}, Json{{"a", {{"x", 1}}}}));
  EXPECT_FALSE(subsetMatch(Json{{"a", "$any"}}, Json::object()));
}

}  // namespace
}  // namespace tccc::core
