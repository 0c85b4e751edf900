// SPDX-License-Identifier: Apache-2.0
#include "routing/Outbox.hpp"

#include <algorithm>

namespace tccc::server::routing {

void Outbox::send(ConnectionId conn, std::string text) {
  if (conn == 0) return;
  Command c;
  c.type = Command::Type::Send;
  c.connection = conn;
  c.text = std::move(text);
  mCommands.push_back(std::move(c));
}

void Outbox::event(ConnectionId conn, std::int64_t seq, std::string_view name, const Json& data) {
  eventText(conn, seq, name, data.is_object() ? protocol::dump(data) : std::string("{}"));
}

void Outbox::eventText(ConnectionId conn, std::int64_t seq, std::string_view name, std::string_view dataJson) {
  if (conn == 0) return;
  send(conn, protocol::encodeEvent(seq, name, dataJson));
}

void Outbox::respond(ConnectionId conn, std::int64_t id, const Result& result, std::size_t mark) {
  protocol::Response res;
  res.id = id;
  if (auto* err = std::get_if<Error>(&result)) {
    res.ok = false;
    res.error = *err;
  } else {
    res.data = std::get<Json>(result);
  }
  Command c;
  c.type = Command::Type::Send;
  c.connection = conn;
  c.text = protocol::encode(res);
  mCommands.insert(mCommands.begin() + static_cast<std::ptrdiff_t>(std::min(mark, mCommands.size())), std::move(c));
}

void Outbox::close(ConnectionId conn, int code, std::string reason) {
  Command c;
  c.type = Command::Type::Close;
  c.connection = conn;
  c.closeCode = code;
  c.reason = std::move(reason);
  mCommands.push_back(std::move(c));
}

void Outbox::storeCdr(std::int64_t sdkAppId, Json cdr) {
  Command c;
  c.type = Command::Type::StoreCdr;
  c.sdkAppId = sdkAppId;
  c.cdr = std::move(cdr);
  mCommands.push_back(std::move(c));
}

void Outbox::journalLiveCall(std::int64_t sdkAppId, Json cdrSoFar) {
  Command c;
  c.type = Command::Type::JournalLiveCall;
  c.sdkAppId = sdkAppId;
  c.cdr = std::move(cdrSoFar);
  mCommands.push_back(std::move(c));
}

void Outbox::media(Command::Type type, std::string sessionId, std::string text, bool held) {
  Command c;
  c.type = type;
  c.sessionId = std::move(sessionId);
  c.text = std::move(text);
  c.held = held;
  mCommands.push_back(std::move(c));
}

void Outbox::media(Command command) {
  command.type = command.type == Command::Type::Send ? Command::Type::MediaClose : command.type;
  mCommands.push_back(std::move(command));
}

std::vector<Command> Outbox::take() {
  std::vector<Command> out;
  out.swap(mCommands);
  mCommands.swap(mSpare);
  return out;
}

void Outbox::recycle(std::vector<Command> used) {
  used.clear();
  if (used.capacity() > kMaxRecycledCapacity || used.capacity() <= mSpare.capacity()) return;
  if (mCommands.capacity() < used.capacity() && mCommands.empty()) {
    mCommands.swap(used);  // the next input's commands go straight into it
    return;
  }
  mSpare.swap(used);
}

}  // namespace tccc::server::routing
