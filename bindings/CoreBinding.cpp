// SPDX-License-Identifier: Apache-2.0
// The embind surface of the SDK core: one class, TcccCore, mirroring tccc::core::Core one to one.
// No business logic lives here. Everything crosses the boundary as numbers or std::string (JSON
// text), so there are no embind value types to free and the shim's only lifetime duty is delete().
// Clocks cross as double: embind in Emscripten 3.1.6 has no int64 <-> BigInt mapping, and a double
// holds any millisecond timestamp exactly.
#include "core/Core.hpp"
#include "protocol/Protocol.hpp"

#include <emscripten/bind.h>

#include <cstdint>
#include <algorithm>
#include <string>
#include <vector>

namespace tccc::bindings {
namespace {

using core::Core;
using protocol::Json;

std::int64_t ms(double now) { return static_cast<std::int64_t>(now); }

class TcccCore {
 public:
  explicit TcccCore(const std::string& configJson) : mCore(core::readCoreConfig(protocol::parseJson(configJson))) {}

  void start(double now) { mCore.start(ms(now)); }

  // argsJson that does not parse reaches the core as a discarded value, which it rejects with
  // ERR_INVALID_ARGUMENT like any other malformed options object.
  std::uint32_t call(const std::string& api, const std::string& argsJson, double now) {
    return mCore.call(api, protocol::parseJson(argsJson), ms(now));
  }

  void onOpen(double now) { mCore.onOpen(ms(now)); }
  void onMessage(const std::string& text, double now) { mCore.onMessage(text, ms(now)); }

  // The fast input path: the shim encodes a frame with TextEncoder.encodeInto straight into this
  // buffer and passes the byte count, skipping embind's character-by-character std::string
  // conversion (about a sixth of the cost of a frame). The buffer only grows, so the pointer the shim
  // caches stays valid until it asks for more room.
  std::uintptr_t inputBuffer(std::size_t capacity) {
    if (mInput.size() < capacity) mInput.resize(capacity);
    return reinterpret_cast<std::uintptr_t>(mInput.data());
  }
  void onMessageInput(std::size_t length, double now) {
    mCore.onMessage(std::string_view(mInput.data(), std::min(length, mInput.size())), ms(now));
  }
  void onClose(int code, double now) { mCore.onClose(code, ms(now)); }
  void onTick(double now) { mCore.onTick(ms(now)); }
  void destroy(double now) { mCore.destroy(ms(now)); }

  double nextDeadline() const {
    auto deadline = mCore.nextDeadline();
    return deadline ? static_cast<double>(*deadline) : -1.0;
  }

  std::string drain() { return core::commandsToJson(mCore.drain()); }
  int phase() const { return static_cast<int>(mCore.phase()); }
  std::string agentStatus() const { return mCore.agentStatus(); }
  std::string sessions() const { return protocol::dump(mCore.sessions()); }

  // Diagnostics counters as JSON (what the core dropped or tolerated instead of failing).
  std::string stats() const {
    const core::CoreStats s = mCore.stats();
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

 private:
  Core mCore;
  std::vector<char> mInput;  // inputBuffer(): frames encoded by the shim
};

}  // namespace
}  // namespace tccc::bindings

EMSCRIPTEN_BINDINGS(tccc_core) {
  using tccc::bindings::TcccCore;
  emscripten::class_<TcccCore>("TcccCore")
      .constructor<const std::string&>()
      .function("start", &TcccCore::start)
      .function("call", &TcccCore::call)
      .function("onOpen", &TcccCore::onOpen)
      .function("onMessage", &TcccCore::onMessage)
      .function("inputBuffer", &TcccCore::inputBuffer)
      .function("onMessageInput", &TcccCore::onMessageInput)
      .function("onClose", &TcccCore::onClose)
      .function("onTick", &TcccCore::onTick)
      .function("destroy", &TcccCore::destroy)
      .function("nextDeadline", &TcccCore::nextDeadline)
      .function("drain", &TcccCore::drain)
      .function("phase", &TcccCore::phase)
      .function("agentStatus", &TcccCore::agentStatus)
      .function("sessions", &TcccCore::sessions)
      .function("stats", &TcccCore::stats);
}
