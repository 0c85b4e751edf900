// SPDX-License-Identifier: Apache-2.0
// Native half of the core throughput benchmark (see CoreWorkload.md): decode -> state machine ->
// event, for the same inputs as bench/core-wasm.mjs. Prints one line; no assertion.
#include "core/Core.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

using tccc::core::Command;
using tccc::core::CommandKind;
using tccc::core::Core;
using tccc::core::CoreConfig;

namespace {

std::string sessionFrame(long seq, int i, const char* state, bool ended) {
  std::string id = "s-" + std::to_string(i);
  std::string f = "{\"v\":1,\"type\":\"evt\",\"seq\":" + std::to_string(seq) +
                  ",\"event\":\"session.state\",\"data\":{\"session\":{\"sessionId\":\"" + id +
                  "\",\"type\":\"phone\",\"direction\":\"in\",\"state\":\"" + state +
                  "\",\"timeout\":30,\"createdAt\":1732400000000,\"calleePhoneNumber\":\"4008001000\","
                  "\"callerPhoneNumber\":\"13800138000\",\"callerLocation\":\"Shenzhen\",\"remark\":\"\","
                  "\"ivrPath\":[{\"key\":\"1\",\"label\":\"Sales\"}],\"serverType\":\"staffSeat\","
                  "\"skillGroupId\":\"1\",\"muted\":false,\"held\":false";
  if (ended) f += ",\"endReason\":\"hangup\",\"closeBy\":\"client\",\"duration\":12";
  f += "}}}";
  return f;
}

// The id of the last request the core sent, read from its frame text.
long lastRequestId(const std::vector<Command>& commands) {
  long id = 0;
  for (const auto& c : commands) {
    if (c.kind != CommandKind::Send) continue;
    auto pos = c.text.find("\"id\":");
    if (pos != std::string::npos) id = std::strtol(c.text.c_str() + pos + 5, nullptr, 10);
  }
  return id;
}

double cpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  int calls = 20000;
  if (argc > 1) {
    // strtol, not atoi: a typo must not silently run 0 calls.
    char* end = nullptr;
    const long wanted = std::strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0' || wanted <= 0 || wanted > 100000000) {
      std::fprintf(stderr, "usage: %s [calls: a positive number]\n", argv[0]);
      return 2;
    }
    calls = static_cast<int>(wanted);
  }
  CoreConfig config;
  config.sdkAppId = 1400000001;
  config.userId = "alice@example.com";
  config.token = "token";
  Core core(config);
  std::int64_t now = 1000;
  core.start(now);
  core.onOpen(now);
  long loginId = lastRequestId(core.drain());
  core.onMessage("{\"v\":1,\"type\":\"res\",\"id\":" + std::to_string(loginId) +
                     ",\"ok\":true,\"data\":{\"resumeToken\":\"r-1\",\"heartbeatMs\":600000,\"serverTime\":0,"
                     "\"seq\":0,\"agent\":{\"userId\":\"alice@example.com\",\"sdkAppId\":1400000001,"
                     "\"status\":\"free\",\"restReason\":\"\"},\"sessions\":[],\"iceServers\":[]}}",
                 now);
  tccc::core::commandsToJson(core.drain());

  // Pre-build the frames so the loop measures the core, not string building.
  std::vector<std::string> frames;
  frames.reserve(static_cast<std::size_t>(calls) * 3);
  long seq = 0;
  for (int i = 0; i < calls; ++i) {
    frames.push_back(sessionFrame(++seq, i, "ringing", false));
    frames.push_back(sessionFrame(++seq, i, "talking", false));
    frames.push_back(sessionFrame(++seq, i, "ended", true));
  }
  std::size_t bytesOut = 0;
  double start = cpuSeconds();
  auto wallStart = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    for (int k = 0; k < 3; ++k) {
      core.onMessage(frames[static_cast<std::size_t>(i) * 3 + k], now);
      bytesOut += tccc::core::commandsToJson(core.drain()).size();
    }
    tccc::core::Json args = {{"sessionId", "s-" + std::to_string(i)}};
    core.call("Call.deleteCall", args, now);
    auto sent = core.drain();
    long id = lastRequestId(sent);
    bytesOut += tccc::core::commandsToJson(sent).size();
    core.onMessage("{\"v\":1,\"type\":\"res\",\"id\":" + std::to_string(id) + ",\"ok\":true,\"data\":{}}", now);
    bytesOut += tccc::core::commandsToJson(core.drain()).size();
  }
  double cpu = cpuSeconds() - start;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
  double frames4 = 4.0 * calls;
  std::printf("core native: %d calls, %.0f frames/s (cpu %.3f s, wall %.3f s, %zu bytes of commands)\n", calls,
              frames4 / cpu, cpu, wall, bytesOut);
  return 0;
}
