// SPDX-License-Identifier: Apache-2.0
// The parts of the core (src/core/Core.cpp's Core::Impl) wired the same way but out in the open, so a
// unit test can drive one part directly and read the commands every part queued. The Connection's
// listener only records what reached it: the parts under test never depend on Core's routing.
#ifndef TCCC_TESTS_CORE_CORE_PARTS_RIG_HPP
#define TCCC_TESTS_CORE_CORE_PARTS_RIG_HPP

#include "FakeHost.hpp"  // testConfig, describe, wireSession
#include "core/ApiDispatcher.hpp"
#include "core/ChatSync.hpp"
#include "core/CommandQueue.hpp"
#include "core/Connection.hpp"
#include "core/MediaRelay.hpp"
#include "core/RequestChannel.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tccc::core::testing {

struct RecordingListener final : Connection::Listener {
  std::vector<std::int64_t> responses;  // ids
  std::vector<std::string> events;      // names, in the order they were routed
  int lost = 0;

  void onResponse(protocol::Response& response, std::int64_t) override { responses.push_back(response.id); }
  void onEvent(protocol::Event& event, std::int64_t) override { events.push_back(event.event); }
  void onLost() override { ++lost; }
};

class CorePartsRig {
 public:
  explicit CorePartsRig(CoreConfig c = testConfig()) : config(std::move(c)) {}

  CoreConfig config;
  CoreStats stats;
  CommandQueue queue;
  AgentStatusMachine agent;
  SessionStore sessions;
  RecordingListener listener;
  RequestChannel requests{queue, config.requestTimeoutMs};
  Connection connection{queue, requests, config, stats, listener};
  MediaRelay media{queue, requests, connection, sessions, stats};
  ChatSync chat{queue, requests, connection, sessions, stats, config.userId};
  ApiDispatcher dispatcher{queue, requests, connection, sessions, agent, media, chat, config.randomSeed};
  std::int64_t now = 1000000;

  /// The queued commands, described one per line (FakeHost's format).
  std::vector<std::string> drained() {
    std::vector<std::string> out;
    for (const auto& command : queue.drain()) out.push_back(describe(command));
    return out;
  }

  /// The id of a sent request frame.
  static std::int64_t frameId(const Command& send) {
    return protocol::Json::parse(send.text, nullptr, false).value("id", std::int64_t{0});
  }

  /// start → open → the login answered with `data` (as Core routes it). Returns the outcome;
  /// the commands it queued stay queued.
  Connection::Login login(protocol::Json data = okLogin()) {
    connection.start(now);
    connection.onOpen(now);
    std::int64_t id = 0;
    for (const auto& command : queue.drain())
      if (command.kind == CommandKind::Send) id = frameId(command);
    EXPECT_TRUE(requests.take(id)) << "no pending login " << id;
    protocol::Response response;
    response.id = id;
    response.data = std::move(data);
    return connection.loginAnswered(response, now);
  }

  /// Logged in (Ready) with no commands left queued.
  void ready(protocol::Json data = okLogin()) {
    login(std::move(data));
    queue.drain();
  }

  /// Adds a session as the server reported it; its SDK events are dropped.
  void addSession(const protocol::Json& wire) {
    SdkEvents events;
    EXPECT_FALSE(sessions.apply(wire, events)) << wire.dump();
  }

  static protocol::Json okLogin() {
    return protocol::Json{{"resumeToken", "r-1"},
                          {"heartbeatMs", 10000},
                          {"seq", 0},
                          {"iceServers", protocol::Json::array({protocol::Json{{"urls", "stun:s"}}})}};
  }
};

}  // namespace tccc::core::testing

#endif
