// SPDX-License-Identifier: Apache-2.0
// Checks every public API call before anything goes on the wire: first its options (types,
// formats, lengths: ERR_INVALID_ARGUMENT naming the field), then whether it makes sense now
// against the local view of sessions and agent status (ERR_SESSION_NOT_FOUND, ERR_INVALID_STATE,
// ERR_NETWORK_CANNOT_RESET). The one table below says which request each API becomes.
#ifndef TCCC_CORE_API_VALIDATOR_HPP
#define TCCC_CORE_API_VALIDATOR_HPP

#include "core/AgentStatusMachine.hpp"
#include "core/RequestTracker.hpp"
#include "core/SessionStore.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tccc::core {

/// What a session-bound API does to its session; decides the state check.
enum class SessionAction : int {
  None = 0,     // not bound to a session (outbound calls, agent APIs)
  Accept,
  HangUp,
  Delete,
  MuteAudio,
  UnmuteAudio,
  QueryMute,
  MuteVideo,
  UnmuteVideo,
  Hold,
  UnHold,
  Transfer,
  SendDigits,
  SendMessage,  // chat: needs an accepted (talking) chat
  History,      // chat: any chat this agent has seen
};

/// How the options of an API are shaped (beyond the session id).
enum class ApiShape : int {
  Session = 0, SessionTransfer, SessionDigits, Outbound, Internal, SetStatus, NoOptions, ChatSend, ChatHistory
};

struct ApiSpec {
  std::string_view name;          // as the integrator calls it: "Call.accept"
  ApiShape shape;
  std::optional<ApiFamily> family;  // the session family it works on, for session-bound APIs
  SessionAction action;
  std::string_view method;        // the request it becomes ("" = answered locally)
  Settle settle;
  std::optional<AgentRequest> agentRequest;  // Agent.online / Agent.offline
};

/// A call whose options passed validation, normalised (numbers stringified, spaces trimmed).
struct ValidatedCall {
  const ApiSpec* spec = nullptr;
  std::string sessionId;
  protocol::Json data = protocol::Json::object();  // the request's data (clientRequestId added by Core)
  std::optional<AgentRequest> agentRequest;
};

class ApiValidator {
 public:
  static constexpr std::size_t kMaxSessionIdLength = 128;
  static constexpr std::size_t kMaxPhoneNumberLength = 32;
  static constexpr std::size_t kMaxDtmfLength = 32;
  static constexpr std::size_t kMaxUuiLength = 1024;
  static constexpr std::size_t kMaxDescLength = 256;
  static constexpr std::size_t kMaxRestReasonLength = 64;
  static constexpr std::size_t kMaxUserIdLength = 128;
  static constexpr std::size_t kMaxSkillGroupIdLength = 64;
  static constexpr std::size_t kMaxNumberGroups = 100;
  static constexpr std::size_t kMaxChatChars = 4000;       // code points per chat message
  static constexpr std::size_t kMaxClientMsgIdLength = 64;
  static constexpr std::int64_t kMaxHistoryLimit = 100;

  /// The spec of a public API, or nullptr for a name the SDK does not have.
  static const ApiSpec* find(std::string_view api);
  /// Every public API, for tests and documentation.
  static const ApiSpec* begin();
  static const ApiSpec* end();

  /// Checks the options. Unknown API → ERR_INVALID_ARGUMENT "unknown API …".
  static Error validate(std::string_view api, const protocol::Json& args, ValidatedCall& out);

  /// Checks a validated call against the local view: the session exists, is of the API's family,
  /// and is in a state where the action is possible; outbound calls are not placed during a call.
  static Error checkState(const ValidatedCall& call, const SessionStore& sessions, const AgentStatusMachine& agent);
};

}  // namespace tccc::core

#endif
