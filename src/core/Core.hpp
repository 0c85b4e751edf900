// SPDX-License-Identifier: Apache-2.0
// The SDK client core: a sans-I/O state machine. It owns agent status, session state, request
// tracking, heartbeat liveness, reconnect policy and snapshot reconciliation, and does no I/O of its
// own. Its host (the TypeScript shim in the browser, a recording fake in native tests) feeds it inputs
// and carries out the commands it queues:
//
//   inputs:   start(), call(api, args), onOpen(), onMessage(text), onClose(code), onTick(now)
//   outputs:  drain() -> [Command]: connect, send, close, emit, resolve, reject, media, ready, …
//
// Every input takes the host's clock (`nowMs`, milliseconds, monotonic) so the core never reads one.
//
// SDK events it emits (Emit.name → data):
//   ready {}                         first successful login (before the events of sessions already live)
//   callIn, userAccessed, callOuted, calloutAccepted, autoTransfer, transfer, sessionEnded
//                                    session transitions, with the documented fields only
//   statusChanged {status, restReason?}
//   connectionLost {}                once per outage; pending calls fail with ERR_CONNECTION_LOST
//   tryToReconnect {attempt, delayMs} when the backoff delay has passed, together with Connect
//   connectionRecovery {}            after a resumed login, after the reconciled events
//   tokenExpired {message, code}     login refused for any reason but a transient server error (bad or
//                                    stale token, unknown agent, …), or no sdkAppId/userId/token in
//                                    CoreConfig: Phase::Failed
//   kickedOut {reason}               logged in elsewhere (agent.kicked or close 4003): Phase::Failed
//   reconnectFailed {attempts}       maxReconnectAttempts used up: Phase::Failed
//
// Socket contract: after the core queues Close, the host must not report that socket's onClose;
// onOpen/onMessage for a socket the core no longer expects are ignored.
#ifndef TCCC_CORE_CORE_HPP
#define TCCC_CORE_CORE_HPP

#include "core/CoreVocabulary.generated.hpp"  // CoreConfig, Phase, MediaAction
#include "errors/Errors.hpp"
#include "protocol/Protocol.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::core {

using Json = protocol::Json;

/// What the host must do. Commands are queued in the order they must be carried out.
enum class CommandKind : int {
  Connect = 0,  // open the WebSocket (the host knows the URL)
  Send = 1,     // send `text` on the open socket
  Close = 2,    // close the socket (code in `code`); the core will not expect onClose to matter
  Emit = 3,     // emit SDK event `name` with payload `data` (the documented fields)
  Resolve = 4,  // settle API call `handle` successfully with `data`
  Reject = 5,   // settle API call `handle` with error `error`
  Media =
      6,  // media action `name` ("mute", "unmute", "muteVideo", "unmuteVideo", "hold", "unHold",
          //  "sendDigits", "end") for data.sessionId; "start" {sessionId, iceServers}: this side
          //  offers (the caller of an internal call, once the callee answered); and the far side's signalling: "offer"
          //  {sessionId, sdp, iceServers}, "answer" {sessionId, sdp}, "candidate" {sessionId,
          //  candidate}. The host sends its own through call("Media.offer" | "Media.answer" |
          //  "Media.candidate", same shapes), a host-internal API settled like any other;
          //  call("Media.ws", {sessionId}) resolves {path, token} for the call's audio WebSocket.
};

struct Command {
  CommandKind kind = CommandKind::Send;
  std::string text;          // Send: the frame
  std::string name;          // Emit: event name (e.g. "callIn"); Media: action
  Json data;                 // Emit / Resolve / Media payload
  Error error;               // Reject
  std::uint32_t handle = 0;  // Resolve / Reject
  int code = 0;              // Close
};

/// Counters for diagnostics: what the core dropped or tolerated instead of failing.
struct CoreStats {
  std::uint64_t framesReceived = 0;
  std::uint64_t droppedFrames = 0;       // failed to decode, or of a type the client never receives
  std::uint64_t unmatchedResponses = 0;  // a response to no pending request (e.g. after its timeout)
  std::uint64_t duplicateEvents = 0;     // seq at or below the last one seen
  std::uint64_t seqGaps = 0;             // seq jumped forward (events missed; state still converges)
  std::uint64_t rejectedEvents = 0;      // malformed data, or a session jump the tables forbid
  std::uint64_t unknownEvents = 0;       // event names this build does not know (ignored)
};

class Core {
 public:
  explicit Core(CoreConfig config);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  /// Begins the first connection: queues Connect.
  void start(std::int64_t nowMs);

  /// A public API call, named as in the TCCC docs ("Call.accept", "Agent.setStatus",
  /// "Call.startOutboundCall", …) with its options object. Returns a handle; the call is settled later
  /// (or at once, for bad arguments or a call before ready) by a Resolve or Reject command carrying
  /// that handle. Never throws.
  std::uint32_t call(std::string_view api, const Json& args, std::int64_t nowMs);

  void onOpen(std::int64_t nowMs);
  void onMessage(std::string_view text, std::int64_t nowMs);
  void onClose(int code, std::int64_t nowMs);
  void onTick(std::int64_t nowMs);

  /// Ends everything: rejects pending calls with ERR_DESTROYED and queues Close.
  void destroy(std::int64_t nowMs);

  /// The earliest time the core wants onTick, if any.
  std::optional<std::int64_t> nextDeadline() const;

  /// Takes the queued commands.
  std::vector<Command> drain();

  Phase phase() const;
  /// "free", "busy", "arrange", "notReady", "rest" or "offline".
  std::string agentStatus() const;
  /// Live and recently ended sessions in wire form (see docs/protocol.md), oldest first.
  Json sessions() const;
  CoreStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> mImpl;
};

/// Commands as the JSON the WebAssembly bindings hand to JavaScript:
/// [{"kind":"send","text":…}, {"kind":"emit","name":"callIn","data":{…}},
///  {"kind":"resolve","handle":3,"data":{…}}, {"kind":"reject","handle":3,"code":-11001,"message":…},
///  {"kind":"connect"}, {"kind":"close","code":1000}, {"kind":"media","name":"mute","data":{…}}]
std::string commandsToJson(const std::vector<Command>& commands);

}  // namespace tccc::core

#endif
