// SPDX-License-Identifier: Apache-2.0
// The routing engine's one output queue. Every part of the engine writes its frames, closes, CDRs
// and media steps here, in the order they must happen; the host takes them after each input.
#ifndef TCCC_SERVER_ROUTING_OUTBOX_HPP
#define TCCC_SERVER_ROUTING_OUTBOX_HPP

#include "routing/Command.hpp"

#include "errors/Errors.hpp"

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace tccc::server::routing {

/// What a request handler answers: the response's data, or an error.
using Result = std::variant<Json, Error>;

class Outbox {
 public:
  /// Where the commands of the input being handled start: its response goes there.
  std::size_t mark() const { return mCommands.size(); }

  void send(ConnectionId conn, std::string text);
  /// One event frame with its sequence number.
  void event(ConnectionId conn, std::int64_t seq, std::string_view name, const Json& data);
  /// The same, with its data already serialised (no tree built or copied).
  void eventText(ConnectionId conn, std::int64_t seq, std::string_view name, std::string_view dataJson);
  /// The response to request `id`, placed before every event its request caused (at `mark`):
  /// docs/protocol.md promises a promise resolves before the events it triggered.
  void respond(ConnectionId conn, std::int64_t id, const Result& result, std::size_t mark);
  void close(ConnectionId conn, int code, std::string reason);
  void storeCdr(std::int64_t sdkAppId, Json cdr);
  /// A live call's CDR so far, for the journal that gives it a CDR should the server die mid-call.
  void journalLiveCall(std::int64_t sdkAppId, Json cdrSoFar);
  /// A step of the media plane for `sessionId` (Command::Type::Media…).
  void media(Command::Type type, std::string sessionId, std::string text = {}, bool held = false);
  /// A media step with all its fields set by the caller.
  void media(Command command);

  std::vector<Command> take();
  /// Gives back a vector take() returned, once carried out: the next input's commands reuse its
  /// storage instead of growing a new vector (1, 2, 4, 8 commands: a reallocation and a move of
  /// every Command each time) after every request, event and timer.
  void recycle(std::vector<Command> used);

 private:
  /// Vectors that grew beyond this (a burst, e.g. a tenant's agents all logged out) are not kept.
  static constexpr std::size_t kMaxRecycledCapacity = 64;
  std::vector<Command> mCommands;
  std::vector<Command> mSpare;  // empty; storage for the next take()
};

}  // namespace tccc::server::routing

#endif
