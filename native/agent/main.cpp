// SPDX-License-Identifier: Apache-2.0
// tccc-agent: a command-line agent on the native SDK (ITCCCWorkstation). It logs in, answers calls
// or places them, plays a WAV to the far end, records what it hears, prints every event, and exits
// with a code a script can act on. For voice bots, smoke tests of a deployment, and load tests.
//
//   tccc-agent --server http://127.0.0.1:8080 --app 1400000001 --user agent@x --token "$TOKEN"
//              --answer --play hello.wav --record heard-{sessionId}.wav --hangup-after 10
//   tccc-agent … --call 10000000001 --hangup-after 5
//
// Exit codes: 0 done, 2 bad arguments, 3 login failed, 4 a call failed or none came in time,
// 5 the session was lost (logged in elsewhere, connection lost for good).
#include "agent/AgentRun.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {
tccc::agent::AgentRun* gRun = nullptr;
extern "C" void onSignal(int) {
  if (gRun) gRun->interrupt();
}
}  // namespace

int main(int argc, char** argv) {
  tccc::agent::AgentOptions o;
  CLI::App app{"tccc-agent: a command-line agent on the tccc native SDK (ITCCCWorkstation)."};
  app.add_option("--server", o.server, "the tccc server, e.g. https://cc.example.com")->required();
  app.add_option("--app", o.sdkAppId, "SdkAppId (the tenant)")->required();
  app.add_option("--user", o.userId, "the agent's user id")->required();
  app.add_option("--token", o.token, "the Token of CreateSDKLoginToken (or set TCCC_TOKEN)")->envname("TCCC_TOKEN");
  app.add_option("--ca-file", o.caFile, "a PEM CA or certificate to trust for https/wss besides the system's");
  app.add_option("--media", o.media, "how the audio travels: auto (UDP, else the WebSocket), udp or websocket")
      ->check(CLI::IsMember({"auto", "udp", "websocket"}))
      ->capture_default_str();
  app.add_flag("--answer", o.answer, "answer calls that ring here");
  app.add_option("--call", o.callTo, "place a call to this phone number");
  app.add_option("--remark", o.remark, "shown instead of the number (with --call)");
  app.add_option("--calls", o.calls, "how many calls to handle before exiting (default 1; 0 = until interrupted)");
  app.add_option("--play", o.playWav, "WAV played to the far end (looped); default: silence");
  app.add_option("--record", o.recordWav, "WAV the far end is recorded to; {sessionId} is replaced");
  app.add_option("--hangup-after", o.hangupAfterSeconds, "hang up this many seconds after the call connects");
  app.add_option("--dtmf", o.dtmf, "send these digits once the call connects");
  app.add_option("--wait", o.waitSeconds, "give up when no call has come or connected in this many seconds")
      ->capture_default_str();
  app.add_flag("--json", o.json, "print events as JSON lines");
  app.add_flag("--quiet", o.quiet, "print no volume events");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : tccc::agent::kExitUsage;
  }
  if (o.token.empty()) {
    std::fprintf(stderr, "tccc-agent: no token: give --token or set TCCC_TOKEN\n");
    return tccc::agent::kExitUsage;
  }
  if (o.answer == !o.callTo.empty()) {
    std::fprintf(stderr, "tccc-agent: give exactly one of --answer and --call\n");
    return tccc::agent::kExitUsage;
  }
  tccc::agent::AgentRun run(o);
  gRun = &run;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  const int code = run.run();
  gRun = nullptr;
  return code;
}
