// SPDX-License-Identifier: Apache-2.0
#include "routing/SessionTable.hpp"

#include "routing/EngineOptions.hpp"

#include <cstdio>

namespace tccc::server::routing {

std::string SessionTable::newId() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "s-%016llx%08llx", static_cast<unsigned long long>(mRng()),
                static_cast<unsigned long long>(mRng() & 0xffffffffULL));
  return buf;
}

Session& SessionTable::create(std::int64_t sdkAppId, SessionType type, Direction direction, std::int64_t nowMs) {
  std::string id;
  do {
    id = newId();
  } while (mSessions.count(id));
  return *recreate(std::move(id), sdkAppId, type, direction, nowMs);
}

Session* SessionTable::recreate(std::string id, std::int64_t sdkAppId, SessionType type, Direction direction,
                                std::int64_t startMs) {
  if (id.empty() || mSessions.count(id)) return nullptr;
  auto s = std::make_unique<Session>();
  s->serial = mNextSerial++;
  s->id = std::move(id);
  s->sdkAppId = sdkAppId;
  s->type = type;
  s->direction = direction;
  s->startMs = startMs;
  Session& ref = *s;
  mBySerial[s->serial] = s.get();
  mSessions.emplace(s->id, std::move(s));
  return &ref;
}

Session* SessionTable::find(std::string_view sessionId) const {
  auto it = mSessions.find(std::string(sessionId));
  return it == mSessions.end() ? nullptr : it->second.get();
}

Session* SessionTable::bySerial(SessionSerial serial) const {
  auto it = mBySerial.find(serial);
  return it == mBySerial.end() ? nullptr : it->second;
}

void SessionTable::retire(const Session& session, std::int64_t keepUntilMs) {
  mRetired.emplace_back(keepUntilMs, session.serial);
  while (mRetired.size() > kMaxEndedSessions) dropOldest();
}

void SessionTable::dropExpired(std::int64_t nowMs) {
  while (!mRetired.empty() && mRetired.front().first <= nowMs) dropOldest();
}

void SessionTable::dropOldest() {
  auto it = mBySerial.find(mRetired.front().second);
  if (it != mBySerial.end()) {
    std::string id = it->second->id;
    if (mForget) mForget(*it->second);
    mBySerial.erase(it);
    mSessions.erase(id);
  }
  mRetired.pop_front();
}

}  // namespace tccc::server::routing
