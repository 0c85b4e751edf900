// SPDX-License-Identifier: Apache-2.0
// How many native agents (ITCCCWorkstation instances) one process carries in calls: N instances log
// in, each calls the answering test number 10000000001 playing a WAV over its /ws/media socket, and
// the process's CPU (getrusage) is measured while all N talk. Prints CPU per call-second, the share
// of one core and RSS per logged-in instance. Driven by bench/native-agent.mjs, which starts the
// server and makes the agents and their Tokens; reads one JSON line on stdin:
//   {"server":…, "sdkAppId":…, "seconds":…, "capture":"x.wav", "agents":[{"userId":…,"token":…},…]}
// Never fails on a number; exits 1 only when the calls cannot be set up.
#include "sdk/Workstation.hpp"

#include <sys/resource.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace tccc;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double cpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

long rssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct Counters {
  std::mutex mutex;
  std::condition_variable changed;
  int loggedIn = 0;
  int failed = 0;
  int accepted = 0;
  int ended = 0;
  std::atomic<long> volumeEvents{0};
  std::atomic<long> audibleRemote{0};

  void bump(int Counters::*field) {
    std::lock_guard lock(mutex);
    ++(this->*field);
    changed.notify_all();
  }
  bool waitFor(int Counters::*field, int target, std::chrono::seconds limit) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, limit, [&] { return this->*field + failed >= target; });
  }
};

class Agent final : public ITCCCCallback, public ITXValueCallback<TCCCLoginInfo>, public ITXCallback {
 public:
  explicit Agent(Counters& counters) : mCounters(counters) {}
  void OnSuccess(const TCCCLoginInfo&) override { mCounters.bump(&Counters::loggedIn); }
  void OnSuccess() override {}
  void OnError(TCCCErrCode code, const char* message) override {
    std::fprintf(stderr, "agent error %d %s\n", code, message);
    mCounters.bump(&Counters::failed);
  }
  void onAccepted(const char*) override { mCounters.bump(&Counters::accepted); }
  void onEnded(TCCCEndReason, const char*, const char*) override { mCounters.bump(&Counters::ended); }
  void onAudioVolume(const TCCCVolumeInfo* volumes, std::uint32_t count) override {
    ++mCounters.volumeEvents;
    if (count > 1 && volumes[1].volume > 0) ++mCounters.audibleRemote;
  }

 private:
  Counters& mCounters;
};

}  // namespace

int main() {
  std::string text;
  std::getline(std::cin, text);
  const Json config = Json::parse(text, nullptr, false);
  if (!config.is_object() || !config.contains("agents")) {
    std::fprintf(stderr, "expected one JSON line with server, sdkAppId, seconds, capture, transport, agents\n");
    return 1;
  }
  const int n = static_cast<int>(config["agents"].size());
  const double seconds = config.value("seconds", 10.0);
  const std::string server = config.value("server", "");
  const std::string files =
      Json{{"api", "setAudioFiles"}, {"params", {{"capture", config.value("capture", "")}, {"loop", true}}}}.dump();
  const std::string transport =
      Json{{"api", "setMediaTransport"}, {"params", {{"transport", config.value("transport", "auto")}}}}.dump();

  Counters counters;
  std::vector<std::unique_ptr<native::Workstation>> sdks;
  std::vector<std::unique_ptr<Agent>> agents;
  const long rssBefore = rssKb();
  for (int i = 0; i < n; ++i) {
    auto sdk = std::make_unique<native::Workstation>();
    auto agent = std::make_unique<Agent>(counters);
    sdk->setConsoleEnabled(false);
    sdk->callExperimentalAPI(files.c_str());
    if (sdk->callExperimentalAPI(transport.c_str()) != ERR_NONE) {
      std::fprintf(stderr, "bad transport %s\n", config.value("transport", "").c_str());
      return 1;
    }
    sdk->addCallback(agent.get());
    const auto& a = config["agents"][i];
    const std::string userId = a.value("userId", ""), token = a.value("token", "");
    TCCCLoginParams p;
    p.userId = userId.c_str();
    p.token = token.c_str();
    p.sdkAppId = config.value("sdkAppId", 0ull);
    p.serverUrl = server.c_str();
    sdk->login(p, agent.get());
    sdks.push_back(std::move(sdk));
    agents.push_back(std::move(agent));
  }
  if (!counters.waitFor(&Counters::loggedIn, n, std::chrono::seconds(60)) || counters.failed) {
    std::fprintf(stderr, "only %d of %d agents logged in\n", counters.loggedIn, n);
    return 1;
  }
  const long rssLoggedIn = rssKb();
  TCCCStartCallParams call;
  call.to = "10000000001";
  for (int i = 0; i < n; ++i) sdks[i]->call(call, agents[i].get());
  if (!counters.waitFor(&Counters::accepted, n, std::chrono::seconds(60)) || counters.failed) {
    std::fprintf(stderr, "only %d of %d calls connected\n", counters.accepted, n);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // every call's audio socket open and flowing
  const long volumeBefore = counters.volumeEvents;
  const double cpu0 = cpuMs();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const double cpu = cpuMs() - cpu0;
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const long rssTalking = rssKb();
  const long volumes = counters.volumeEvents - volumeBefore;
  for (auto& sdk : sdks) sdk->terminate();
  counters.waitFor(&Counters::ended, n, std::chrono::seconds(30));

  const double perCallSecond = cpu / (n * wall);
  Json out = {{"bench", "native-agents"},
              {"instances", n},
              {"seconds", wall},
              {"cpuMsPerCallSecond", perCallSecond},
              {"coreShare", cpu / (wall * 1000)},
              {"callsPerCore", perCallSecond > 0 ? 1000 / perCallSecond : 0},
              {"rssKbPerLoggedInInstance", n ? (rssLoggedIn - rssBefore) / n : 0},
              {"rssKbPerTalkingInstance", n ? (rssTalking - rssBefore) / n : 0},
              {"volumeEventsPerCallSecond", volumes / (n * wall)},
              {"ended", counters.ended}};
  std::printf("%s\n", out.dump().c_str());
  sdks.clear();  // each logs out and stops its thread
  return 0;
}
