// SPDX-License-Identifier: Apache-2.0
// Wire frames of the tccc signalling protocol (docs/protocol.md) <-> C++ values.
// Shared by the SDK core (native and WebAssembly) and the server. Never throws.
#ifndef TCCC_PROTOCOL_PROTOCOL_HPP
#define TCCC_PROTOCOL_PROTOCOL_HPP

#include "errors/Errors.hpp"

// The JSON type: nlohmann_json natively (the server and its tests), or the compact never-throwing
// tccc::json::Value when TCCC_LITE_JSON is defined (the WebAssembly build, and the *_lite libraries
// that run the same tests natively). Both offer the same API subset to src/protocol and src/core.
#ifdef TCCC_LITE_JSON
#include "json/LiteJson.hpp"
#else
#include <nlohmann/json.hpp>
#endif

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tccc::protocol {

#ifdef TCCC_LITE_JSON
using Json = tccc::json::Value;
#else
using Json = nlohmann::json;
#endif

inline constexpr int kVersion = 1;
inline constexpr std::size_t kMaxFrameBytes = 65536;
inline constexpr int kMaxJsonDepth = 32;  // deeper frames are refused before parsing
inline constexpr std::size_t kMaxMethodLength = 64;
inline constexpr std::int64_t kMaxRequestId = 2147483647;

struct Request {
  std::int64_t id = 0;
  std::string method;
  Json data = Json::object();
};

struct Response {
  std::int64_t id = 0;
  bool ok = true;
  Json data = Json::object();  // when ok
  Error error;                 // when !ok
};

struct Event {
  std::int64_t seq = 0;
  std::string event;
  Json data = Json::object();
};

struct Ping {
  std::int64_t t = 0;
};

struct Pong {
  std::int64_t t = 0;
};

using Frame = std::variant<Request, Response, Event, Ping, Pong>;

/// The outcome of decoding one text frame. On failure `error` says why and `requestId` holds the
/// frame's id when it could still be read, so a server can answer the request with the error.
struct Decoded {
  std::optional<Frame> frame;
  Error error;
  std::optional<std::int64_t> requestId;

  bool ok() const { return frame.has_value(); }
};

/// Parses and checks one frame: size, nesting depth, JSON syntax, version, type and the types of the
/// envelope fields. Unknown fields are ignored.
Decoded decode(std::string_view text);

std::string encode(const Request& request);
std::string encode(const Response& response);
std::string encode(const Event& event);
/// An event frame around data already serialised (a JSON object's text): no tree is built.
std::string encodeEvent(std::int64_t seq, std::string_view name, std::string_view dataJson);
std::string encode(const Ping& ping);
std::string encode(const Pong& pong);
std::string encode(const Frame& frame);

/// Serialises JSON without ever throwing: invalid UTF-8 in strings is replaced, not fatal.
std::string dump(const Json& value);

/// Parses JSON without throwing, refusing oversize or too-deeply nested input. Returns a discarded
/// value (is_discarded()) on failure.
Json parseJson(std::string_view text, std::size_t maxBytes = kMaxFrameBytes, int maxDepth = kMaxJsonDepth);

// --- Field readers for request/event data. Each returns nullopt when the field is absent and sets
// `error` (if given) when it is present but of the wrong type or out of range. ---

/// A string field; absent -> nullopt; wrong type or longer than maxLength -> nullopt + error.
std::optional<std::string> readString(const Json& object, std::string_view key, std::size_t maxLength,
                                      Error* error = nullptr);
/// An integer field (JSON integer, or a string of decimal digits when allowString).
std::optional<std::int64_t> readInt(const Json& object, std::string_view key, Error* error = nullptr,
                                    bool allowString = false);
std::optional<bool> readBool(const Json& object, std::string_view key, Error* error = nullptr);

}  // namespace tccc::protocol

#endif
