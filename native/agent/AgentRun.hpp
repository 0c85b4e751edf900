// SPDX-License-Identifier: Apache-2.0
// One tccc-agent run: logs in through the shared ITCCCWorkstation, handles the calls the options
// ask for and returns the process's exit code. Events arrive on the SDK's thread; the run's own
// thread waits on them and does the timed steps (hang up after N seconds, give up waiting).
#ifndef TCCC_NATIVE_AGENT_AGENTRUN_HPP
#define TCCC_NATIVE_AGENT_AGENTRUN_HPP

#include "tccc/ITCCCWorkstation.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace tccc::agent {

constexpr int kExitDone = 0;
constexpr int kExitUsage = 2;
constexpr int kExitLogin = 3;
constexpr int kExitCall = 4;
constexpr int kExitLost = 5;
constexpr int kExitInterrupted = 130;

struct AgentOptions {
  std::string server;
  std::uint64_t sdkAppId = 0;
  std::string userId;
  std::string token;
  std::string caFile;
  std::string media = "auto";  // auto | udp | websocket
  bool answer = false;
  std::string callTo;
  std::string remark;
  int calls = 1;
  std::string playWav;
  std::string recordWav;
  double hangupAfterSeconds = 0;
  std::string dtmf;
  double waitSeconds = 60;
  bool json = false;
  bool quiet = false;
};

class AgentRun final : public ITCCCCallback {
 public:
  explicit AgentRun(AgentOptions options);
  /// Runs to the end; the exit code.
  int run();
  /// From a signal handler: only sets a flag.
  void interrupt() { mInterrupted = true; }

 private:
  // ITCCCCallback, on the SDK's thread
  void onError(TCCCErrCode errCode, const char* errMsg, void* extraInfo) override;
  void onWarning(TCCCWarningCode warningCode, const char* warningMsg, void* extraInfo) override;
  void onNewSession(TCCCSessionInfo info) override;
  void onAccepted(const char* sessionId) override;
  void onEnded(TCCCEndReason reason, const char* reasonMessage, const char* sessionId) override;
  void onAudioVolume(const TCCCVolumeInfo* volumes, std::uint32_t count) override;
  void onNetworkQuality(const TCCCQualityInfo& localQuality) override;
  void onConnectionLost(TCCCServerType serverType) override;
  void onTryToReconnect(TCCCServerType serverType) override;
  void onConnectionRecovery(TCCCServerType serverType) override;

  /// One event line: `{"event": …, fields…}` with --json, else the name and the fields.
  void print(const std::string& event, const nlohmann::ordered_json& fields);
  void finish(int code);
  void placeCall();
  bool login();

  AgentOptions mOptions;
  ITCCCWorkstation* mSdk = nullptr;
  std::mutex mMutex;
  std::condition_variable mChanged;
  std::optional<int> mExitCode;
  int mCallsDone = 0;
  bool mInCall = false;
  std::optional<std::chrono::steady_clock::time_point> mConnectedAt;
  std::chrono::steady_clock::time_point mWaitingSince;
  bool mHungUp = false;
  std::atomic<bool> mInterrupted{false};
  std::mutex mPrintMutex;
};

}  // namespace tccc::agent

#endif
