// SPDX-License-Identifier: Apache-2.0
#include "core/SessionStore.hpp"

namespace tccc::core {
namespace {

using Json = protocol::Json;

Error wireError(std::string detail) { return Error(Errc::Protocol, "session: " + std::move(detail)); }

}  // namespace

Error SessionStore::parse(const Json& wire, WireSession& out) {
  if (!wire.is_object()) return wireError("must be an object");
  Error error;
  auto id = protocol::readString(wire, "sessionId", kMaxSessionIdLength, &error);
  if (!id || id->empty()) return wireError("sessionId must be a string of 1 to 128 characters");
  out.id = std::move(*id);
  auto type = protocol::readString(wire, "type", 16);
  auto parsedType = type ? sessionTypeFromString(*type) : std::nullopt;
  if (!parsedType) return wireError("type of " + out.id + " must be phone, voip, video, im or internal");
  out.type = *parsedType;
  auto direction = protocol::readString(wire, "direction", 8);
  auto parsedDirection = direction ? directionFromString(*direction) : std::nullopt;
  if (!parsedDirection) return wireError("direction of " + out.id + " must be in or out");
  out.direction = *parsedDirection;
  auto state = protocol::readString(wire, "state", 16);
  auto parsedState = state ? sessionStateFromString(*state) : std::nullopt;
  if (!parsedState) return wireError("state of " + out.id + " must be ringing, dialing, talking, held or ended");
  out.state = *parsedState;
  out.endReason = EndReason::Hangup;
  if (auto reason = protocol::readString(wire, "endReason", 32)) {
    // An end reason this build does not know still ends the session: report it as a plain end.
    if (auto parsed = endReasonFromString(*reason)) out.endReason = *parsed;
  }
  return {};
}

Error SessionStore::apply(const Json& wire, SdkEvents& out) {
  WireSession parsed;
  if (Error error = parse(wire, parsed)) return error;
  for (auto it = mForgotten.begin(); it != mForgotten.end(); ++it) {
    if (*it != parsed.id) continue;
    if (parsed.state == SessionState::Ended) return {};  // old news about a deleted session
    mForgotten.erase(it);                                // re-offered: a new conversation
    break;
  }
  SessionRecord* record = find(parsed.id);
  SessionState from = SessionState::None;
  if (record && !record->live() && parsed.state != SessionState::Ended) {
    // The server re-offers a session to the agent that had it (ring timeout with nobody else free,
    // a transfer back): the ended copy is replaced by a new conversation under the same id.
    erase(parsed.id);
    record = nullptr;
  }
  if (record) {
    if (record->type != parsed.type || record->direction != parsed.direction)
      return Error(Errc::InvalidState,
                   "session " + parsed.id + " cannot change from " + std::string(toString(record->type)) + "/" +
                       std::string(toString(record->direction)) + " to " + std::string(toString(parsed.type)) + "/" +
                       std::string(toString(parsed.direction)));
    from = record->state;
  }
  auto kinds = SessionMachine::eventsFor(parsed.type, parsed.direction, from, parsed.state, parsed.endReason);
  if (!kinds)
    return Error(Errc::InvalidState, "session " + parsed.id + " (" + std::string(toString(parsed.type)) + "/" +
                                         std::string(toString(parsed.direction)) + ") cannot go from " +
                                         std::string(toString(from)) + " to " + std::string(toString(parsed.state)));
  for (SessionEventKind kind : *kinds) out.push_back(SessionMachine::payload(kind, parsed.type, wire));

  if (!record) {
    mRecords.push_back(SessionRecord{});
    record = &mRecords.back();
    record->id = parsed.id;
    record->type = parsed.type;
    record->direction = parsed.direction;
  }
  record->state = parsed.state;
  record->wire = wire;
  if (auto muted = protocol::readBool(wire, "muted")) record->micMuted = *muted;
  if (parsed.state == SessionState::Ended) evictEnded();
  return {};
}

void SessionStore::endLocally(std::string_view id, std::string_view closeBy, std::string_view mainReason,
                              SdkEvents& out) {
  SessionRecord* record = find(id);
  if (!record || !record->live()) return;
  auto kinds = SessionMachine::transition(record->type, record->direction, record->state, SessionState::Ended,
                                          EndReason::Failed);
  record->state = SessionState::Ended;
  if (!record->wire.is_object()) record->wire = Json::object();
  record->wire["state"] = "ended";
  record->wire["endReason"] = "failed";
  record->wire["closeBy"] = std::string(closeBy);
  record->wire["mainReason"] = std::string(mainReason);
  record->wire.erase("subReason");
  if (kinds)
    for (SessionEventKind kind : *kinds) out.push_back(SessionMachine::payload(kind, record->type, record->wire));
  evictEnded();
}

const SessionRecord* SessionStore::find(std::string_view id) const {
  for (const auto& record : mRecords)
    if (record.id == id) return &record;
  return nullptr;
}

SessionRecord* SessionStore::find(std::string_view id) {
  for (auto& record : mRecords)
    if (record.id == id) return &record;
  return nullptr;
}

bool SessionStore::erase(std::string_view id) {
  for (auto it = mRecords.begin(); it != mRecords.end(); ++it) {
    if (it->id == id) {
      mRecords.erase(it);
      return true;
    }
  }
  return false;
}

bool SessionStore::forget(std::string_view id) {
  const SessionRecord* record = find(id);
  if (!record || record->live()) return false;
  erase(id);
  if (mForgotten.size() >= kMaxForgotten) mForgotten.erase(mForgotten.begin());
  mForgotten.emplace_back(id);
  return true;
}

bool SessionStore::hasLiveCall() const {
  for (const auto& record : mRecords)
    if (record.live() && SessionMachine::capabilities(record.type).media) return true;
  return false;
}

Json SessionStore::toJson() const {
  Json out = Json::array();
  for (const auto& record : mRecords) out.push_back(record.wire);
  return out;
}

void SessionStore::evictEnded() {
  std::size_t ended = 0;
  for (const auto& record : mRecords)
    if (!record.live()) ++ended;
  for (auto it = mRecords.begin(); ended > kMaxEndedSessions && it != mRecords.end();) {
    if (!it->live()) {
      it = mRecords.erase(it);
      --ended;
    } else {
      ++it;
    }
  }
}

}  // namespace tccc::core
