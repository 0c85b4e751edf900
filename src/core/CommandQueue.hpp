// SPDX-License-Identifier: Apache-2.0
// The one ordered list of commands for the host. Every part of the core (connection, API dispatch,
// media relay, chat sync) appends to the same queue, so the host carries commands out in exactly the
// order they were decided, whichever part decided them: a promise resolves before the events its
// request caused, `ready` comes before the events of the snapshot, and so on (docs/protocol.md).
#ifndef TCCC_CORE_COMMAND_QUEUE_HPP
#define TCCC_CORE_COMMAND_QUEUE_HPP

#include "core/Core.hpp"  // Command, CommandKind
#include "core/SdkEvent.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tccc::core {

class CommandQueue {
 public:
  void connect();
  void send(std::string text);
  void close(int code);
  void emit(std::string name, Json data);
  /// Emits each event, in order.
  void emit(SdkEvents& events);
  void resolve(std::uint32_t handle, Json data);
  void reject(std::uint32_t handle, Error error);
  void media(std::string name, Json data);

  /// Takes everything queued so far.
  std::vector<Command> drain();
  bool empty() const { return mCommands.empty(); }

 private:
  Command& push(CommandKind kind);

  std::vector<Command> mCommands;
};

}  // namespace tccc::core

#endif
