// SPDX-License-Identifier: Apache-2.0
// Checks every public API call before anything goes on the wire: first its options (types,
// formats, lengths: ERR_INVALID_ARGUMENT naming the field), then whether it makes sense now
// against the local view of sessions and agent status (ERR_SESSION_NOT_FOUND, ERR_INVALID_STATE,
// ERR_NETWORK_CANNOT_RESET). The API table, generated from src/protocol/vocabulary.json, says which
// request each API becomes; its fields are checked by the same code as on the server.
#ifndef TCCC_CORE_API_VALIDATOR_HPP
#define TCCC_CORE_API_VALIDATOR_HPP

#include "core/AgentStatusMachine.hpp"
#include "core/CoreVocabulary.generated.hpp"
#include "core/RequestTracker.hpp"
#include "core/SessionStore.hpp"
#include "protocol/Validator.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace tccc::core {

/// What a session-bound API does to its session; decides the state check.
enum class SessionAction : std::uint8_t {
  None = 0,  // not bound to a session (agent APIs)
  Dial,      // places a call: not during another one
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
  Record,  // pause or resume the call's recording: while connected
  Transfer,
  SendDigits,
  SendMessage,  // chat: needs an accepted (talking) chat
  History,      // chat: any chat this agent has seen
};

/// A field an API sets itself: muteMic is session.mute with kind "audio".
struct FixedField {
  std::string_view field;
  std::string_view value;
};

/// One public API, as generated from src/protocol/vocabulary.json (Apis.generated.cpp).
struct ApiSpec {
  std::string_view name;               // as the integrator calls it: "Call.accept"
  const protocol::MethodSpec* method;  // the request it becomes, whose fields its options are
  const protocol::OptionAlias* alias;  // an option named unlike its field (dtmfText for digits)
  const FixedField* fixed;
  bool local;                       // answered by the core itself; `method` then only lists its options
  std::optional<ApiFamily> family;  // the session family it works on, for session-bound APIs
  SessionAction action;
  Settle settle;
  std::optional<AgentRequest> agentRequest;  // Agent.online / Agent.offline
};

extern const ApiSpec kApis[kApiCount];

/// A call whose options passed validation, normalised (numbers stringified, spaces trimmed).
struct ValidatedCall {
  const ApiSpec* spec = nullptr;
  std::string sessionId;
  protocol::Json data = protocol::Json::object();  // the request's data (clientRequestId added by Core)
  std::optional<AgentRequest> agentRequest;
};

class ApiValidator {
 public:
  /// The spec of a public API, or nullptr for a name the SDK does not have.
  static const ApiSpec* find(std::string_view api);
  /// Every public API, for tests and documentation.
  static const ApiSpec* begin() { return kApis; }
  static const ApiSpec* end() { return kApis + kApiCount; }

  /// Checks the options against the API's fields (protocol::validateFields, the server's own rules),
  /// and that the agent (`self`, its user id) does not call or transfer to itself, as the server
  /// checks before anything else. Unknown API → ERR_INVALID_ARGUMENT "unknown API …".
  static Error validate(std::string_view api, const protocol::Json& args, ValidatedCall& out,
                        std::string_view self = {});

  /// Checks a validated call against the local view: the session exists, is of the API's family,
  /// and is in a state where the action is possible; outbound calls are not placed during a call.
  static Error checkState(const ValidatedCall& call, const SessionStore& sessions, const AgentStatusMachine& agent);
};

}  // namespace tccc::core

#endif
