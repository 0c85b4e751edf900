// SPDX-License-Identifier: Apache-2.0
// Hostile input never crashes the core, never settles a call twice, and never leaves a call
// unsettled once the connection is gone: a deterministic fuzz over mutated frames and API calls.
#include "../protocol/FixtureFiles.hpp"
#include "FakeHost.hpp"
#include "core/ApiValidator.hpp"
#include "core/ReconnectPolicy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace tccc::core {
namespace {

using Json = protocol::Json;

// Frames a server might send, as seeds for mutation.
std::vector<std::string> seedFrames() {
  std::vector<std::string> frames;
  Json valid = tccc::testing::readJsonFixture("tests/fixtures/protocol/valid.json");
  for (const auto& c : valid.at("frames"))
    if (c.contains("text")) frames.push_back(c.at("text").get<std::string>());
  const char* types[] = {"phone", "voip", "video", "im", "internal"};
  const char* states[] = {"ringing", "dialing", "talking", "held", "ended"};
  const char* reasons[] = {"hangup", "cancel", "ringTimeout", "transfer", "failed", "weird"};
  for (int i = 0; i < 60; ++i) {
    Json session =
        testing::wireSession("s-" + std::to_string(i % 7), types[i % 5], i % 3 ? "in" : "out", states[i % 5],
                             {{"endReason", reasons[i % 6]}, {"closeBy", "seat"}, {"transferTo", {{"userId", "b"}}}});
    frames.push_back(
        Json{{"v", 1}, {"type", "evt"}, {"seq", i + 1}, {"event", "session.state"}, {"data", {{"session", session}}}}
            .dump());
  }
  for (const char* status : {"free", "busy", "rest", "arrange", "notReady", "offline"})
    frames.push_back(
        Json{{"v", 1}, {"type", "evt"}, {"seq", 3}, {"event", "agent.status"}, {"data", {{"status", status}}}}.dump());
  for (int id = 1; id < 40; ++id) {
    frames.push_back(
        Json{{"v", 1}, {"type", "res"}, {"id", id}, {"ok", true}, {"data", {{"sessionId", "s-1"}}}}.dump());
    frames.push_back(
        Json{{"v", 1}, {"type", "res"}, {"id", id}, {"ok", false}, {"error", {{"code", -11003}, {"message", "no"}}}}
            .dump());
  }
  return frames;
}

std::string mutate(std::string frame, Xorshift32& random) {
  switch (random.upTo(6)) {
    case 0:
      return frame;
    case 1:  // truncate
      return frame.substr(0, random.upTo(frame.size()));
    case 2:  // flip a byte
      if (!frame.empty()) frame[random.upTo(frame.size() - 1)] = static_cast<char>(random.next());
      return frame;
    case 3: {  // duplicate a slice
      std::size_t at = random.upTo(frame.size());
      return frame.substr(0, at) + frame.substr(at / 2);
    }
    case 4: {  // retype a value: swap a quote-delimited token for a number or object
      std::size_t at = frame.find("\":\"", random.upTo(frame.size()));
      if (at == std::string::npos) return frame;
      std::size_t end = frame.find('"', at + 3);
      if (end == std::string::npos) return frame;
      const char* replacements[] = {"7", "[]", "{}", "null", "-1", "1e999", "\"\""};
      return frame.substr(0, at + 2) + replacements[random.upTo(6)] + frame.substr(end + 1);
    }
    default: {  // insert garbage
      std::size_t at = random.upTo(frame.size());
      const char* garbage[] = {"{", "}", "[", "\\", "\xff", "\"", ",", "\x00"};
      return frame.substr(0, at) + std::string(garbage[random.upTo(7)], 1) + frame.substr(at);
    }
  }
}

Json randomArgs(Xorshift32& random) {
  const Json values[] = {Json("s-1"),         Json("s-3"),   Json(5),       Json(-1),       Json(1.5),
                         Json(true),          Json(nullptr), Json::array(), Json::object(), Json(std::string(300, 'x')),
                         Json("13800138000"), Json("12#*"),  Json("rest"),  Json("free"),   Json("bob")};
  const char* keys[] = {"sessionId",    "phoneNumber",  "dtmfText", "status",    "restReason",           "userId",
                        "skillGroupId", "calleeUserId", "uui",      "useMobile", "servingNumberGroupIds"};
  switch (random.upTo(4)) {
    case 0:
      return values[random.upTo(14)];
    default: {
      Json args = Json::object();
      for (std::uint64_t i = 0, n = random.upTo(4); i < n; ++i) args[keys[random.upTo(10)]] = values[random.upTo(14)];
      return args;
    }
  }
}

TEST(CoreRobustness, FuzzedFramesAndCallsNeverBreakTheInvariants) {
  const auto seeds = seedFrames();
  std::vector<std::string> apis = {"Call.nope", ""};
  for (auto* spec = ApiValidator::begin(); spec != ApiValidator::end(); ++spec) apis.emplace_back(spec->name);

  std::map<std::string, int> seen;  // how much of the core the fuzz reached, across rounds
  for (std::uint32_t round = 1; round <= 40; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Xorshift32 random(round * 7919u);
    testing::FakeHost host;
    host.login("free", Json::array({testing::wireSession("s-1", "phone", "in", "ringing")}));
    std::set<std::uint32_t> open;
    std::set<std::uint32_t> settled;
    bool socketOpen = true;
    std::int64_t lastRequestId = 0;
    const Json answers[] = {host.snapshot("busy", Json::array({testing::wireSession("s-1", "phone", "in", "talking")})),
                            Json{{"sessionId", "s-3"}}, Json::object(), Json{{"agent", 5}, {"sessions", "x"}}};
    for (int i = 0; i < 500; ++i) {
      switch (random.upTo(10)) {
        case 9:  // the server answers the latest request, well or badly
          if (random.upTo(3) == 0) {
            host.core.onMessage(Json{{"v", 1},
                                     {"type", "res"},
                                     {"id", lastRequestId},
                                     {"ok", false},
                                     {"error", {{"code", -11016}, {"message", "x"}}}}
                                    .dump(),
                                host.now);
          } else {
            host.core.onMessage(
                Json{{"v", 1}, {"type", "res"}, {"id", lastRequestId}, {"ok", true}, {"data", answers[random.upTo(3)]}}
                    .dump(),
                host.now);
          }
          break;
        case 0:
        case 1:
        case 2:
        case 3:
          host.core.onMessage(mutate(seeds[random.upTo(seeds.size() - 1)], random), host.now);
          break;
        case 4:
        case 5:
          open.insert(host.core.call(apis[random.upTo(apis.size() - 1)], randomArgs(random), host.now));
          break;
        case 6:
          host.now += static_cast<std::int64_t>(random.upTo(15000));
          host.core.onTick(host.now);
          break;
        case 7:
          if (random.upTo(3) == 0 && socketOpen) host.core.onClose(random.upTo(1) ? 1006 : 4003, host.now);
          break;
        default:
          host.core.onOpen(host.now);
          break;
      }
      std::vector<Command> commands = host.core.drain();
      ASSERT_FALSE(Json::parse(commandsToJson(commands), nullptr, false).is_discarded());
      for (const Command& c : commands) {
        ++seen[c.kind == CommandKind::Emit ? c.name : testing::kindName(c.kind)];
        if (c.kind == CommandKind::Resolve || c.kind == CommandKind::Reject) {
          EXPECT_TRUE(open.count(c.handle)) << "settled a handle never issued: " << c.handle;
          EXPECT_TRUE(settled.insert(c.handle).second) << "settled twice: " << c.handle;
          if (c.kind == CommandKind::Reject) {
            EXPECT_NE(c.error.code, Errc::None);
          }
        }
        if (c.kind == CommandKind::Send) {
          Json frame = Json::parse(c.text);
          if (frame.contains("id")) lastRequestId = frame.at("id").get<std::int64_t>();
        }
        if (c.kind == CommandKind::Close) socketOpen = false;
        if (c.kind == CommandKind::Connect) socketOpen = true;
      }
      Phase phase = host.core.phase();
      EXPECT_TRUE(phase == Phase::Ready || phase == Phase::Reconnecting || phase == Phase::Failed);
      ASSERT_TRUE(host.core.sessions().is_array());
    }
    // Everything not yet settled is in flight; destroying settles it all.
    host.core.destroy(host.now);
    for (const Command& c : host.core.drain()) {
      if (c.kind == CommandKind::Resolve || c.kind == CommandKind::Reject) {
        EXPECT_TRUE(settled.insert(c.handle).second);
      }
    }
    EXPECT_EQ(settled, open) << "calls left unsettled";
  }
  // The fuzz is only worth something if it got past validation and through reconnects.
  for (const char* what : {"resolve", "reject", "send", "connect", "media", "callIn", "sessionEnded", "statusChanged",
                           "connectionLost", "tryToReconnect", "connectionRecovery", "kickedOut"})
    EXPECT_GT(seen[what], 0) << "the fuzz never produced " << what;
}

}  // namespace
}  // namespace tccc::core
