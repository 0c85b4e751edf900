// SPDX-License-Identifier: Apache-2.0
#include "core/SessionMachine.hpp"

#include <array>
#include <cstdint>
#include <iterator>

namespace tccc::core {
namespace {

using Json = protocol::Json;

constexpr std::string_view kFamilyNames[] = {"Call", "Chat", "Video"};
constexpr std::string_view kEventNames[] = {"callIn",       "userAccessed", "callOuted",   "calloutAccepted",
                                            "autoTransfer", "transfer",     "sessionEnded"};

//                                          family            hold   mAudio mVideo digits xfer   out    media
constexpr SessionCapabilities kCapabilities[kSessionTypeCount] = {
    /* phone    */ {ApiFamily::Call, true, true, false, true, true, true, true},
    /* voip     */ {ApiFamily::Call, true, true, false, false, true, false, true},
    /* video    */ {ApiFamily::Video, false, true, true, false, true, false, true},
    /* im       */ {ApiFamily::Chat, false, false, false, false, true, false, false},
    /* internal */ {ApiFamily::Call, true, true, false, false, false, true, true},
};

// A transition table: for each "from" state, a bit mask of the legal "to" states.
using Table = std::array<std::uint8_t, kSessionStateCount>;
constexpr std::uint8_t bit(SessionState s) { return static_cast<std::uint8_t>(1u << static_cast<int>(s)); }
using S = SessionState;

// Offered to the agent, answered or not, with hold (phone, voip, internal).
constexpr Table kInboundWithHold = {
    /* none    */ bit(S::Ringing),
    /* ringing */ static_cast<std::uint8_t>(bit(S::Talking) | bit(S::Ended)),
    /* dialing */ 0,
    /* talking */ static_cast<std::uint8_t>(bit(S::Held) | bit(S::Ended)),
    /* held    */ static_cast<std::uint8_t>(bit(S::Talking) | bit(S::Ended)),
    /* ended   */ 0,
};
// Inbound without hold (video, im).
constexpr Table kInboundNoHold = {
    /* none    */ bit(S::Ringing),
    /* ringing */ static_cast<std::uint8_t>(bit(S::Talking) | bit(S::Ended)),
    /* dialing */ 0,
    /* talking */ bit(S::Ended),
    /* held    */ 0,
    /* ended   */ 0,
};
// Placed by the agent (phone, internal), with hold.
constexpr Table kOutboundWithHold = {
    /* none    */ bit(S::Dialing),
    /* ringing */ 0,
    /* dialing */ static_cast<std::uint8_t>(bit(S::Talking) | bit(S::Ended)),
    /* talking */ static_cast<std::uint8_t>(bit(S::Held) | bit(S::Ended)),
    /* held    */ static_cast<std::uint8_t>(bit(S::Talking) | bit(S::Ended)),
    /* ended   */ 0,
};
// Types an agent cannot place (voip, video, im outbound): no session of that kind can exist.
constexpr Table kNoSession = {0, 0, 0, 0, 0, 0};

// kTables[type][direction].
constexpr const Table* kTables[kSessionTypeCount][kDirectionCount] = {
    /* phone    */ {&kInboundWithHold, &kOutboundWithHold},
    /* voip     */ {&kInboundWithHold, &kNoSession},
    /* video    */ {&kInboundNoHold, &kNoSession},
    /* im       */ {&kInboundNoHold, &kNoSession},
    /* internal */ {&kInboundWithHold, &kOutboundWithHold},
};

const Table& tableFor(SessionType type, Direction direction) {
  return *kTables[static_cast<int>(type)][static_cast<int>(direction)];
}

// What JSON kind a documented payload field must have to be copied.
enum class FieldKind { String, Number, Array };
struct Field {
  std::string_view name;
  FieldKind kind;
};

// The callIn fields the TCCC documentation lists per type (besides sessionId, type and timeout).
constexpr Field kPhoneFields[] = {{"calleePhoneNumber", FieldKind::String},
                                  {"callerPhoneNumber", FieldKind::String},
                                  {"callerLocation", FieldKind::String},
                                  {"remark", FieldKind::String},
                                  {"ivrPath", FieldKind::Array},
                                  {"protectedCallee", FieldKind::String},
                                  {"protectedCaller", FieldKind::String},
                                  {"serverType", FieldKind::String}};
constexpr Field kVoipFields[] = {
    {"callee", FieldKind::String},     {"calleeRemark", FieldKind::String}, {"userId", FieldKind::String},
    {"nickname", FieldKind::String},   {"avatar", FieldKind::String},       {"remark", FieldKind::String},
    {"peerSource", FieldKind::String}, {"ivrPath", FieldKind::Array},       {"clientData", FieldKind::String}};
constexpr Field kVideoFields[] = {{"userId", FieldKind::String},
                                  {"nickname", FieldKind::String},
                                  {"avatar", FieldKind::String},
                                  {"remark", FieldKind::String}};
constexpr Field kImFields[] = {{"nickname", FieldKind::String},    {"avatar", FieldKind::String},
                               {"remark", FieldKind::String},      {"peerSource", FieldKind::String},
                               {"channelName", FieldKind::String}, {"clientData", FieldKind::String}};
constexpr Field kInternalFields[] = {{"peerUserId", FieldKind::String}};

bool hasKind(const Json& value, FieldKind kind) {
  switch (kind) {
    case FieldKind::String:
      return value.is_string();
    case FieldKind::Number:
      return value.is_number();
    case FieldKind::Array:
      return value.is_array();
  }
  return false;
}

// One loop over a (pointer, count) table, not a template per table: payload() had each table's
// instantiation inlined (the wasm's size, bindings/CMakeLists.txt).
void copyFields(const Json& wire, const Field* fields, std::size_t count, Json& out) {
  for (const Field* field = fields; field != fields + count; ++field) {
    auto it = wire.find(field->name);
    if (it != wire.end() && hasKind(*it, field->kind)) out[std::string(field->name)] = *it;
  }
}

struct FieldTable {
  const Field* fields;
  std::size_t count;
};
template <std::size_t N>
constexpr FieldTable table(const Field (&fields)[N]) {
  return {fields, N};
}
// The callIn fields of each SessionType, in its order.
constexpr FieldTable kCallInFields[] = {table(kPhoneFields), table(kVoipFields), table(kVideoFields), table(kImFields),
                                        table(kInternalFields)};
static_assert(std::size(kCallInFields) == protocol::kSessionTypeCount, "a callIn table per SessionType");

void copyString(const Json& from, std::string_view key, Json& out) {
  auto it = from.find(key);
  if (it != from.end() && it->is_string()) out[std::string(key)] = *it;
}

Json sessionIdOnly(const Json& wire) {
  Json out = Json::object();
  auto it = wire.find("sessionId");
  out["sessionId"] = (it != wire.end() && it->is_string()) ? *it : Json("");
  return out;
}

}  // namespace

std::string_view toString(ApiFamily family) { return kFamilyNames[static_cast<int>(family)]; }
std::string_view toString(SessionEventKind kind) { return kEventNames[static_cast<int>(kind)]; }

const SessionCapabilities& SessionMachine::capabilities(SessionType type) {
  return kCapabilities[static_cast<int>(type)];
}

bool SessionMachine::isLegal(SessionType type, Direction direction, SessionState from, SessionState to) {
  return (tableFor(type, direction)[static_cast<int>(from)] & bit(to)) != 0;
}

std::optional<std::vector<SessionEventKind>> SessionMachine::transition(SessionType type, Direction direction,
                                                                        SessionState from, SessionState to,
                                                                        EndReason endReason) {
  if (!isLegal(type, direction, from, to)) return std::nullopt;
  std::vector<SessionEventKind> events;
  if (to == S::Ended) {
    if (endReason == EndReason::RingTimeout) {
      events.push_back(SessionEventKind::AutoTransfer);
    } else {
      if (endReason == EndReason::Transfer) events.push_back(SessionEventKind::Transfer);
      events.push_back(SessionEventKind::SessionEnded);
    }
  } else if (from == S::None && to == S::Ringing) {
    events.push_back(SessionEventKind::CallIn);
  } else if (from == S::Ringing && to == S::Talking) {
    events.push_back(SessionEventKind::UserAccessed);
  } else if (from == S::None && to == S::Dialing) {
    events.push_back(SessionEventKind::CallOuted);
  } else if (from == S::Dialing && to == S::Talking) {
    events.push_back(SessionEventKind::CalloutAccepted);
  }
  // talking <-> held: no event; hold state is visible through the session.
  return events;
}

std::optional<std::vector<SessionState>> SessionMachine::path(SessionType type, Direction direction, SessionState from,
                                                              SessionState to) {
  if (from == to) return std::vector<SessionState>();
  // Breadth-first search over six states: the first time `to` is reached is a shortest path.
  const Table& table = tableFor(type, direction);
  int previous[kSessionStateCount];
  for (int& p : previous) p = -1;
  int queue[kSessionStateCount];
  int head = 0, tail = 0;
  queue[tail++] = static_cast<int>(from);
  previous[static_cast<int>(from)] = static_cast<int>(from);
  while (head < tail) {
    int at = queue[head++];
    for (int next = 0; next < kSessionStateCount; ++next) {
      if (!(table[at] & (1u << next)) || previous[next] != -1) continue;
      previous[next] = at;
      if (next == static_cast<int>(to)) {
        std::vector<SessionState> chain;
        for (int s = next; s != static_cast<int>(from); s = previous[s]) chain.push_back(static_cast<SessionState>(s));
        return std::vector<SessionState>(chain.rbegin(), chain.rend());
      }
      queue[tail++] = next;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<SessionEventKind>> SessionMachine::eventsFor(SessionType type, Direction direction,
                                                                       SessionState from, SessionState to,
                                                                       EndReason endReason) {
  auto chain = path(type, direction, from, to);
  if (!chain) return std::nullopt;
  std::vector<SessionEventKind> events;
  SessionState at = from;
  for (SessionState next : *chain) {
    auto step = transition(type, direction, at, next, endReason);
    if (!step) return std::nullopt;  // unreachable: path() only walks legal edges
    events.insert(events.end(), step->begin(), step->end());
    at = next;
  }
  return events;
}

SdkEvent SessionMachine::payload(SessionEventKind kind, SessionType type, const Json& wire) {
  SdkEvent event{std::string(toString(kind)), sessionIdOnly(wire)};
  Json& out = event.data;
  switch (kind) {
    case SessionEventKind::CallIn: {
      out["type"] = std::string(toString(type));
      auto timeout = wire.find("timeout");
      out["timeout"] = (timeout != wire.end() && timeout->is_number()) ? *timeout : Json(0);
      const FieldTable& fields = kCallInFields[static_cast<int>(type)];
      copyFields(wire, fields.fields, fields.count, out);
      break;
    }
    case SessionEventKind::Transfer: {
      auto to = wire.find("transferTo");
      if (to != wire.end() && to->is_object()) {
        copyString(*to, "skillGroupId", out);
        copyString(*to, "userId", out);
      }
      break;
    }
    case SessionEventKind::SessionEnded: {
      auto closeBy = wire.find("closeBy");
      // closeBy is mandatory in the SDK event; a server that omits it ended the session itself.
      out["closeBy"] = (closeBy != wire.end() && closeBy->is_string()) ? *closeBy : Json("admin");
      copyString(wire, "mainReason", out);
      copyString(wire, "subReason", out);
      out["type"] = std::string(toString(type));
      auto duration = wire.find("duration");
      if (duration != wire.end() && duration->is_number()) out["duration"] = *duration;
      break;
    }
    default:
      break;  // userAccessed, callOuted, calloutAccepted, autoTransfer: {sessionId}
  }
  return event;
}

}  // namespace tccc::core
