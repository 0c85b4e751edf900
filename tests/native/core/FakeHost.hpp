// SPDX-License-Identifier: Apache-2.0
// A recording host for Core: owns the clock, feeds inputs, and hands out the drained commands
// one by one so tests can assert their exact order. It plays the server's side only as far as
// a test scripts it; nothing here answers on its own.
#ifndef TCCC_TESTS_CORE_FAKE_HOST_HPP
#define TCCC_TESTS_CORE_FAKE_HOST_HPP

#include "core/Core.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <ostream>
#include <string>

namespace tccc {
// Readable error codes in GoogleTest messages and parameter names.
inline void PrintTo(Errc code, std::ostream* os) { *os << errcName(code); }
}  // namespace tccc

namespace tccc::core::testing {

inline CoreConfig testConfig() {
  CoreConfig config;
  config.sdkAppId = 1400000001;
  config.userId = "alice@example.com";
  config.token = "token-1";
  config.randomSeed = 42;
  return config;
}

inline const char* kindName(CommandKind kind) {
  static const char* kNames[] = {"connect", "send", "close", "emit", "resolve", "reject", "media"};
  return kNames[static_cast<int>(kind)];
}

inline std::string describe(const Command& c) {
  std::string out = kindName(c.kind);
  switch (c.kind) {
    case CommandKind::Send:
      out += " " + c.text;
      break;
    case CommandKind::Close:
      out += " " + std::to_string(c.code);
      break;
    case CommandKind::Emit:
    case CommandKind::Media:
      out += " " + c.name + " " + c.data.dump();
      break;
    case CommandKind::Resolve:
      out += " #" + std::to_string(c.handle) + " " + c.data.dump();
      break;
    case CommandKind::Reject:
      out += " #" + std::to_string(c.handle) + " " + std::string(errcName(c.error.code)) + " " + c.error.message;
      break;
    default:
      break;
  }
  return out;
}

class FakeHost {
 public:
  explicit FakeHost(CoreConfig config = testConfig()) : core(std::move(config)) {}

  Core core;
  std::int64_t now = 1000000;

  /// Moves everything the core queued into the pending list.
  void pump() {
    for (auto& command : core.drain()) mPending.push_back(std::move(command));
  }
  bool idle() {
    pump();
    return mPending.empty();
  }
  std::string pendingText() {
    pump();
    std::string out;
    for (const auto& c : mPending) out += "\n  " + describe(c);
    return out;
  }

  /// The next command, which must be of `kind`.
  Command next(CommandKind kind) {
    pump();
    if (mPending.empty()) {
      ADD_FAILURE() << "expected a " << kindName(kind) << " command, got none";
      return Command{};
    }
    Command command = std::move(mPending.front());
    mPending.pop_front();
    EXPECT_EQ(command.kind, kind) << "expected " << kindName(kind) << ", got " << describe(command);
    return command;
  }

  /// The next command must send a request for `method`; returns the parsed frame.
  protocol::Json expectRequest(std::string_view method) {
    Command command = next(CommandKind::Send);
    auto frame = protocol::Json::parse(command.text, nullptr, false);
    EXPECT_TRUE(frame.is_object()) << command.text;
    if (!frame.is_object()) return protocol::Json::object();
    EXPECT_EQ(frame.value("type", ""), "req") << command.text;
    EXPECT_EQ(frame.value("method", ""), method) << command.text;
    return frame;
  }

  /// The next command must emit `name` with exactly `data`.
  void expectEmit(std::string_view name, const protocol::Json& data) {
    Command command = next(CommandKind::Emit);
    EXPECT_EQ(command.name, name) << describe(command);
    EXPECT_EQ(command.data, data) << describe(command);
  }
  /// The next command must emit `name` (payload not checked).
  protocol::Json expectEmit(std::string_view name) {
    Command command = next(CommandKind::Emit);
    EXPECT_EQ(command.name, name) << describe(command);
    return command.data;
  }
  void expectResolve(std::uint32_t handle, const protocol::Json& data) {
    Command command = next(CommandKind::Resolve);
    EXPECT_EQ(command.handle, handle) << describe(command);
    EXPECT_EQ(command.data, data) << describe(command);
  }
  Error expectReject(std::uint32_t handle, Errc code) {
    Command command = next(CommandKind::Reject);
    EXPECT_EQ(command.handle, handle) << describe(command);
    EXPECT_EQ(command.error.code, code) << describe(command);
    EXPECT_FALSE(command.error.message.empty());
    return command.error;
  }
  void expectMedia(std::string_view action, const protocol::Json& data) {
    Command command = next(CommandKind::Media);
    EXPECT_EQ(command.name, action) << describe(command);
    EXPECT_EQ(command.data, data) << describe(command);
  }
  void expectClose(int code) {
    Command command = next(CommandKind::Close);
    EXPECT_EQ(command.code, code);
  }
  void expectIdle() { EXPECT_TRUE(idle()) << "unexpected commands:" << pendingText(); }

  // --- inputs -------------------------------------------------------------------------------------
  void feed(std::string_view text) { core.onMessage(text, now); }
  void feedJson(const protocol::Json& frame) { core.onMessage(frame.dump(), now); }
  void reply(const protocol::Json& request, protocol::Json data = protocol::Json::object()) {
    feedJson(
        protocol::Json{{"v", 1}, {"type", "res"}, {"id", request.at("id")}, {"ok", true}, {"data", std::move(data)}});
  }
  void replyError(const protocol::Json& request, Errc code, const std::string& message) {
    feedJson(protocol::Json{{"v", 1},
                            {"type", "res"},
                            {"id", request.at("id")},
                            {"ok", false},
                            {"error", {{"code", static_cast<int>(code)}, {"message", message}}}});
  }
  void event(const std::string& name, protocol::Json data) {
    feedJson(protocol::Json{{"v", 1}, {"type", "evt"}, {"seq", ++seq}, {"event", name}, {"data", std::move(data)}});
  }
  void sessionState(protocol::Json session) { event("session.state", protocol::Json{{"session", std::move(session)}}); }
  void advance(std::int64_t ms) {
    now += ms;
    core.onTick(now);
  }
  std::uint32_t call(std::string_view api, const protocol::Json& args) { return core.call(api, args, now); }

  /// A login snapshot with the agent in `status` and the given sessions.
  protocol::Json snapshot(const std::string& status, protocol::Json sessions = protocol::Json::array()) {
    return protocol::Json{
        {"resumeToken", "r-" + std::to_string(++mLogins)},
        {"heartbeatMs", 10000},
        {"serverTime", 1732400000000LL},
        {"seq", seq},
        {"agent", {{"userId", "alice@example.com"}, {"sdkAppId", 1400000001}, {"status", status}, {"restReason", ""}}},
        {"sessions", std::move(sessions)},
        {"iceServers", protocol::Json::array()}};
  }

  /// start → the core asks for a socket → it opens. What the core sends on it is left pending.
  void openFirstSocket() {
    core.start(now);
    next(CommandKind::Connect);
    core.onOpen(now);
  }

  /// start → connect → open → auth.login → OK with the snapshot → ready (+ the statusChanged of the
  /// first status unless it is offline). Leaves later reconciled events pending.
  protocol::Json login(const std::string& status = "free", protocol::Json sessions = protocol::Json::array()) {
    openFirstSocket();
    protocol::Json request = expectRequest("auth.login");
    reply(request, snapshot(status, std::move(sessions)));
    expectEmit("ready", protocol::Json::object());
    return request;
  }

  /// After the socket dropped: connectionLost, the backoff runs out, tryToReconnect, and a new socket
  /// opens. Returns the login the core sends on it.
  protocol::Json reconnectAfterLoss() {
    expectEmit("connectionLost", protocol::Json::object());
    advance(*core.nextDeadline() - now);
    expectEmit("tryToReconnect");
    next(CommandKind::Connect);
    core.onOpen(now);
    return expectRequest("auth.login");
  }

  std::int64_t seq = 0;

 private:
  std::deque<Command> mPending;
  int mLogins = 0;
};

/// A session in wire form with the fields a test cares about.
inline protocol::Json wireSession(const std::string& id, const std::string& type, const std::string& direction,
                                  const std::string& state, protocol::Json extra = protocol::Json::object()) {
  protocol::Json session{
      {"sessionId", id}, {"type", type}, {"direction", direction}, {"state", state}, {"timeout", 30}};
  for (auto it = extra.begin(); it != extra.end(); ++it) session[it.key()] = it.value();
  return session;
}

}  // namespace tccc::core::testing

#endif
