// SPDX-License-Identifier: Apache-2.0
// The WebAssembly surface of the SDK core: a handful of C exports over one wrapper object, which
// bindings/TcccCore.js (linked into the glue with --post-js) turns into the class Module.TcccCore,
// mirroring tccc::core::Core one to one. No business logic lives here. Everything crosses the
// boundary as numbers, or as UTF-8 bytes in wasm memory with their length (JSON text), so the
// shim's only lifetime duty is delete().
//
// Why not embind (which this file used before): for a class whose methods take and return only
// numbers and strings, embind's generic machinery (type registry, invokers, class handles, the
// RTTI it needs) was 4.6 KB gzip of glue and 3.5 KB gzip of wasm in every script-tag download,
// against about 1 KB for these exports and TcccCore.js (bindings/CMakeLists.txt, the size table).
//
// Clocks cross as double (an f64 holds any millisecond timestamp exactly, with no BigInt needed).
#include "core/Core.hpp"
#include "protocol/Protocol.hpp"

#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tccc::bindings {
namespace {

using core::Core;
using protocol::Json;

std::int64_t ms(double now) { return static_cast<std::int64_t>(now); }

/// What tcccText() returns (TcccCore.js knows the same numbers).
enum class Text : int { Drain = 0, AgentStatus = 1, Sessions = 2, Stats = 3 };

struct TcccCore {
  explicit TcccCore(std::string_view configJson) : core(core::readCoreConfig(protocol::parseJson(configJson))) {}

  Core core;
  // The fast input path: the shim encodes a frame with TextEncoder.encodeInto straight into this
  // buffer and passes the byte count, skipping a copy through a temporary allocation. The buffer
  // only grows, so the pointer the shim caches stays valid until it asks for more room. Its old
  // contents never matter (the shim writes each frame before it passes it), so growing it is a
  // fresh allocation, not a std::vector's copy and zero fill.
  std::unique_ptr<char[]> input;
  std::size_t inputSize = 0;
  // The last text result, alive until the next tcccText() on this object: TcccCore.js decodes it
  // at once.
  std::string text;
};

// Diagnostics counters as JSON (what the core dropped or tolerated instead of failing).
std::string statsJson(const core::CoreStats& s) {
  Json j = Json::object();
  j["framesReceived"] = s.framesReceived;
  j["droppedFrames"] = s.droppedFrames;
  j["unmatchedResponses"] = s.unmatchedResponses;
  j["duplicateEvents"] = s.duplicateEvents;
  j["seqGaps"] = s.seqGaps;
  j["rejectedEvents"] = s.rejectedEvents;
  j["unknownEvents"] = s.unknownEvents;
  return protocol::dump(j);
}

}  // namespace
}  // namespace tccc::bindings

using tccc::bindings::ms;
using tccc::bindings::TcccCore;

// Strings in (configJson, api, argsJson, text) are UTF-8 bytes that TcccCore.js allocated with
// malloc and frees after the call: the core copies what it keeps.
extern "C" {

EMSCRIPTEN_KEEPALIVE TcccCore* tcccNew(const char* config, std::size_t length) {
  return new TcccCore(std::string_view(config, length));
}
EMSCRIPTEN_KEEPALIVE void tcccDelete(TcccCore* c) { delete c; }

EMSCRIPTEN_KEEPALIVE void tcccStart(TcccCore* c, double now) { c->core.start(ms(now)); }

// argsJson that does not parse reaches the core as a discarded value, which it rejects with
// ERR_INVALID_ARGUMENT like any other malformed options object.
EMSCRIPTEN_KEEPALIVE std::uint32_t tcccCall(TcccCore* c, const char* api, std::size_t apiLength, const char* args,
                                            std::size_t argsLength, double now) {
  return c->core.call(std::string_view(api, apiLength), tccc::protocol::parseJson(std::string_view(args, argsLength)),
                      ms(now));
}

EMSCRIPTEN_KEEPALIVE void tcccOnOpen(TcccCore* c, double now) { c->core.onOpen(ms(now)); }
EMSCRIPTEN_KEEPALIVE void tcccOnMessage(TcccCore* c, const char* text, std::size_t length, double now) {
  c->core.onMessage(std::string_view(text, length), ms(now));
}
EMSCRIPTEN_KEEPALIVE char* tcccInputBuffer(TcccCore* c, std::size_t capacity) {
  if (c->inputSize < capacity) {
    c->input.reset(new char[capacity]);
    c->inputSize = capacity;
  }
  return c->input.get();
}
EMSCRIPTEN_KEEPALIVE void tcccOnMessageInput(TcccCore* c, std::size_t length, double now) {
  c->core.onMessage(std::string_view(c->input.get(), std::min(length, c->inputSize)), ms(now));
}
EMSCRIPTEN_KEEPALIVE void tcccOnClose(TcccCore* c, int code, double now) { c->core.onClose(code, ms(now)); }
EMSCRIPTEN_KEEPALIVE void tcccOnTick(TcccCore* c, double now) { c->core.onTick(ms(now)); }
EMSCRIPTEN_KEEPALIVE void tcccDestroy(TcccCore* c, double now) { c->core.destroy(ms(now)); }

EMSCRIPTEN_KEEPALIVE double tcccNextDeadline(TcccCore* c) {
  auto deadline = c->core.nextDeadline();
  return deadline ? static_cast<double>(*deadline) : -1.0;
}
EMSCRIPTEN_KEEPALIVE int tcccPhase(TcccCore* c) { return static_cast<int>(c->core.phase()); }

// A text result (tccc::bindings::Text): its UTF-8 bytes, tcccTextLength() long.
EMSCRIPTEN_KEEPALIVE const char* tcccText(TcccCore* c, int which) {
  using tccc::bindings::Text;
  switch (static_cast<Text>(which)) {
    case Text::Drain:
      c->text = tccc::core::commandsToJson(c->core.drain());
      break;
    case Text::AgentStatus:
      c->text = c->core.agentStatus();
      break;
    case Text::Sessions:
      c->text = tccc::protocol::dump(c->core.sessions());
      break;
    default:
      c->text = tccc::bindings::statsJson(c->core.stats());
      break;
  }
  return c->text.data();
}
EMSCRIPTEN_KEEPALIVE std::size_t tcccTextLength(TcccCore* c) { return c->text.size(); }

}  // extern "C"
