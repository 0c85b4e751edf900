// SPDX-License-Identifier: Apache-2.0
// Every session the engine holds: the live ones, and ended ones for a while (agents that were away
// learn how they ended; the simulator and DescribeTelSession show them), with a hard cap.
#ifndef TCCC_SERVER_ROUTING_SESSIONTABLE_HPP
#define TCCC_SERVER_ROUTING_SESSIONTABLE_HPP

#include "routing/Session.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tccc::server::routing {

class SessionTable {
 public:
  /// `rng` makes the session ids (seeded in tests); `forget` is told of each session dropped.
  SessionTable(std::mt19937_64& rng, std::function<void(const Session&)> forget)
      : mRng(rng), mForget(std::move(forget)) {}

  Session& create(std::int64_t sdkAppId, SessionType type, Direction direction, std::int64_t nowMs);
  /// A session the last run of the server had, under its id (a chat resumed after a restart); null
  /// when that id is taken.
  Session* recreate(std::string id, std::int64_t sdkAppId, SessionType type, Direction direction, std::int64_t startMs);
  Session* find(std::string_view sessionId) const;
  Session* bySerial(SessionSerial serial) const;

  /// The session ended: it is kept until `keepUntilMs`, and never more than kMaxEndedSessions of them.
  void retire(const Session& session, std::int64_t keepUntilMs);
  /// Drops ended sessions whose time is up.
  void dropExpired(std::int64_t nowMs);

  std::size_t liveCount() const { return mSessions.size() - mRetired.size(); }

 private:
  std::string newId();
  void dropOldest();

  std::mt19937_64& mRng;
  std::function<void(const Session&)> mForget;
  std::unordered_map<std::string, std::unique_ptr<Session>> mSessions;  // by id
  std::unordered_map<SessionSerial, Session*> mBySerial;
  SessionSerial mNextSerial = 1;
  std::deque<std::pair<std::int64_t, SessionSerial>> mRetired;  // (drop at, serial), oldest first
};

}  // namespace tccc::server::routing

#endif
