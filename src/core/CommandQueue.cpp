// SPDX-License-Identifier: Apache-2.0
#include "core/CommandQueue.hpp"

#include <utility>

namespace tccc::core {

Command& CommandQueue::push(CommandKind kind) {
  Command& command = mCommands.emplace_back();
  command.kind = kind;
  return command;
}

void CommandQueue::connect() { push(CommandKind::Connect); }

void CommandQueue::send(std::string text) { push(CommandKind::Send).text = std::move(text); }

void CommandQueue::close(int code) { push(CommandKind::Close).code = code; }

void CommandQueue::emit(std::string name, Json data) {
  Command& command = push(CommandKind::Emit);
  command.name = std::move(name);
  command.data = std::move(data);
}

void CommandQueue::emit(SdkEvents& events) {
  for (auto& event : events) emit(std::move(event.name), std::move(event.data));
}

void CommandQueue::resolve(std::uint32_t handle, Json data) {
  Command& command = push(CommandKind::Resolve);
  command.handle = handle;
  command.data = std::move(data);
}

void CommandQueue::reject(std::uint32_t handle, Error error) {
  Command& command = push(CommandKind::Reject);
  command.handle = handle;
  command.error = std::move(error);
}

void CommandQueue::media(std::string name, Json data) {
  Command& command = push(CommandKind::Media);
  command.name = std::move(name);
  command.data = std::move(data);
}

std::vector<Command> CommandQueue::drain() {
  std::vector<Command> out;
  out.swap(mCommands);
  return out;
}

}  // namespace tccc::core
