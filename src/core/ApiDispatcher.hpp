// SPDX-License-Identifier: Apache-2.0
// Public API calls, from call to settled promise: each call gets a handle; its options are checked
// (ApiValidator: arguments first, then readiness, then the state of its session or of the agent);
// what the core can answer itself it answers at once (Call.isMicMuted, Call.deleteCall), the rest
// becomes a request (with a client request id when it is not idempotent) whose answer settles the
// handle: a Resolve with the documented result, or a Reject, plus the media command a successful
// mute, hold or DTMF request implies.
#ifndef TCCC_CORE_API_DISPATCHER_HPP
#define TCCC_CORE_API_DISPATCHER_HPP

#include "core/AgentStatusMachine.hpp"
#include "core/ChatSync.hpp"
#include "core/CommandQueue.hpp"
#include "core/Connection.hpp"
#include "core/MediaRelay.hpp"
#include "core/RequestChannel.hpp"
#include "core/SessionStore.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tccc::core {

class ApiDispatcher {
 public:
  /// `randomSeed` salts the client request and message ids (cr-<seed>-<n>, cm-<seed>-<n>).
  ApiDispatcher(CommandQueue& queue, RequestChannel& requests, const Connection& connection, SessionStore& sessions,
                const AgentStatusMachine& agent, MediaRelay& media, ChatSync& chat, std::uint32_t randomSeed)
      : mQueue(queue),
        mRequests(requests),
        mConnection(connection),
        mSessions(sessions),
        mAgent(agent),
        mMedia(media),
        mChat(chat),
        mRandomSeed(randomSeed) {}

  /// See Core::call. Returns the handle the Resolve or Reject will carry.
  std::uint32_t call(std::string_view api, const Json& args, std::int64_t nowMs);
  /// The answer to a request sent for an API call (any Settle but Login, ChatCatchUp and Silent).
  // Out of line, as Core's event handler: browsers compile a WebAssembly function on its first call,
  // and the frame that makes the SDK ready (the login answer) should not compile what only later
  // frames use (bench/media.mjs, script load -> ready; bindings/CMakeLists.txt keeps Binaryen from
  // inlining it).
  [[gnu::noinline]] void settle(PendingRequest& pending, protocol::Response& response, std::int64_t nowMs);

 private:
  std::string nextClientId(const char* prefix);

  CommandQueue& mQueue;
  RequestChannel& mRequests;
  const Connection& mConnection;
  SessionStore& mSessions;
  const AgentStatusMachine& mAgent;
  MediaRelay& mMedia;
  ChatSync& mChat;
  std::uint32_t mRandomSeed;
  std::uint32_t mNextHandle = 1;
  std::uint64_t mClientRequestCounter = 0;
};

}  // namespace tccc::core

#endif
