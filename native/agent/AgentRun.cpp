// SPDX-License-Identifier: Apache-2.0
#include "agent/AgentRun.hpp"

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <utility>

namespace tccc::agent {

namespace {

using Clock = std::chrono::steady_clock;

const char* endReasonName(TCCCEndReason reason) {
  switch (reason) {
    case TCCCEndReason::Error:
      return "Error";
    case TCCCEndReason::Timeout:
      return "Timeout";
    case TCCCEndReason::LocalBye:
      return "LocalBye";
    case TCCCEndReason::RemoteBye:
      return "RemoteBye";
    case TCCCEndReason::Rejected:
      return "Rejected";
    case TCCCEndReason::RemoteCancel:
      return "RemoteCancel";
  }
  return "Unknown";
}

const char* serverTypeName(TCCCServerType type) { return type == TCCCServerType::Media ? "Media" : "Signalling"; }

/// An ITXCallback / ITXValueCallback answered into a future (the run's thread waits on it).
template <class T>
class Answer final : public ITXValueCallback<T> {
 public:
  void OnSuccess(const T&) override { mResult.set_value({ERR_NONE, ""}); }
  void OnError(TCCCErrCode code, const char* message) override { mResult.set_value({code, message ? message : ""}); }
  std::pair<TCCCErrCode, std::string> wait() { return mResult.get_future().get(); }

 private:
  std::promise<std::pair<TCCCErrCode, std::string>> mResult;
};

class Reply final : public ITXCallback {
 public:
  explicit Reply(std::function<void(TCCCErrCode, const std::string&)> done) : mDone(std::move(done)) {}
  void OnSuccess() override { finish(ERR_NONE, ""); }
  void OnError(TCCCErrCode code, const char* message) override { finish(code, message ? message : ""); }

 private:
  void finish(TCCCErrCode code, const std::string& message) {
    auto done = std::move(mDone);
    delete this;  // answered exactly once
    if (done) done(code, message);
  }
  std::function<void(TCCCErrCode, const std::string&)> mDone;
};

}  // namespace

AgentRun::AgentRun(AgentOptions options) : mOptions(std::move(options)) {}

void AgentRun::print(const std::string& event, const nlohmann::ordered_json& fields) {
  // Strings from the server may hold anything: replaced, never a throw, if they are not UTF-8.
  constexpr auto kLenient = nlohmann::ordered_json::error_handler_t::replace;
  std::lock_guard lock(mPrintMutex);
  if (mOptions.json) {
    nlohmann::ordered_json line = {{"event", event}};
    line.update(fields);
    std::printf("%s\n", line.dump(-1, ' ', false, kLenient).c_str());
  } else {
    const std::string text = fields.empty() ? "{}" : fields.dump(-1, ' ', false, kLenient);
    std::printf("%-22s %s\n", event.c_str(), text.substr(1, text.size() - 2).c_str());
  }
  std::fflush(stdout);
}

namespace {
/// The fields of an API call's answer: its code, and the message when there is one.
nlohmann::ordered_json answerFields(TCCCErrCode code, const std::string& message) {
  nlohmann::ordered_json fields = {{"code", code}};
  if (!message.empty()) fields["message"] = message;
  return fields;
}
std::string text(const char* s) { return s ? s : ""; }
}  // namespace

void AgentRun::finish(int code) {
  std::lock_guard lock(mMutex);
  if (!mExitCode) mExitCode = code;
  mChanged.notify_all();
}

bool AgentRun::login() {
  TCCCLoginParams params;
  params.userId = mOptions.userId.c_str();
  params.token = mOptions.token.c_str();
  params.sdkAppId = mOptions.sdkAppId;
  params.type = TCCCLoginType::Agent;
  params.serverUrl = mOptions.server.c_str();
  Answer<TCCCLoginInfo> answer;
  mSdk->login(params, &answer);
  auto [code, message] = answer.wait();
  print("login", answerFields(code, message));
  return code == ERR_NONE;
}

void AgentRun::placeCall() {
  TCCCStartCallParams params;
  params.to = mOptions.callTo.c_str();
  params.remark = mOptions.remark.c_str();
  {
    std::lock_guard lock(mMutex);
    mInCall = true;
    mWaitingSince = Clock::now();
  }
  mSdk->call(params, new Reply([this](TCCCErrCode code, const std::string& message) {
               print("call", answerFields(code, message));
               if (code != ERR_NONE) finish(kExitCall);
             }));
}

int AgentRun::run() {
  mSdk = getTCCCShareInstance();
  mSdk->setLogLevel(std::getenv("TCCC_AGENT_DEBUG") ? TCCCLogLevel::Verbose : TCCCLogLevel::Warn);
  nlohmann::json files = {{"api", "setAudioFiles"},
                          {"params", {{"capture", mOptions.playWav}, {"playout", mOptions.recordWav}, {"loop", true}}}};
  if (mSdk->callExperimentalAPI(files.dump().c_str()) != ERR_NONE) {
    destroyTCCCShareInstance();
    return kExitUsage;
  }
  nlohmann::json media = {{"api", "setMediaTransport"}, {"params", {{"transport", mOptions.media}}}};
  if (mSdk->callExperimentalAPI(media.dump().c_str()) != ERR_NONE) {
    destroyTCCCShareInstance();
    return kExitUsage;
  }
  if (!mOptions.caFile.empty()) {
    nlohmann::json ca = {{"api", "setCaFile"}, {"params", {{"caFile", mOptions.caFile}}}};
    if (mSdk->callExperimentalAPI(ca.dump().c_str()) != ERR_NONE) {
      std::fprintf(stderr, "tccc-agent: cannot read --ca-file %s\n", mOptions.caFile.c_str());
      destroyTCCCShareInstance();
      return kExitUsage;
    }
  }
  mSdk->addCallback(this);
  if (!login()) {
    mSdk->removeCallback(this);
    destroyTCCCShareInstance();
    return kExitLogin;
  }
  mWaitingSince = Clock::now();
  if (!mOptions.callTo.empty()) placeCall();

  std::unique_lock lock(mMutex);
  while (!mExitCode) {
    mChanged.wait_for(lock, std::chrono::milliseconds(50));
    if (mInterrupted) mExitCode = kExitInterrupted;
    if (mExitCode) break;
    const auto now = Clock::now();
    if (mConnectedAt && mOptions.hangupAfterSeconds > 0 && !mHungUp &&
        now - *mConnectedAt >= std::chrono::duration<double>(mOptions.hangupAfterSeconds)) {
      mHungUp = true;
      lock.unlock();
      print("hangup", {{"after", mOptions.hangupAfterSeconds}});
      mSdk->terminate();
      lock.lock();
    }
    // Nothing rang (answer) or connected (call) in time.
    if (!mConnectedAt && now - mWaitingSince >= std::chrono::duration<double>(mOptions.waitSeconds)) {
      lock.unlock();
      print("timeout", {{"waited", mOptions.waitSeconds}});
      lock.lock();
      mExitCode = kExitCall;
    }
  }
  const int code = *mExitCode;
  lock.unlock();
  mSdk->removeCallback(this);
  std::promise<void> loggedOut;
  struct Done final : ITXCallback {
    std::promise<void>& p;
    explicit Done(std::promise<void>& promise) : p(promise) {}
    void OnSuccess() override { p.set_value(); }
    void OnError(TCCCErrCode, const char*) override { p.set_value(); }
  } done(loggedOut);
  mSdk->logout(&done);
  loggedOut.get_future().wait();
  destroyTCCCShareInstance();
  // What the run cost: for load tests and the benchmark (bench/native-agent.mjs).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpuMs =
      (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  print("summary", {{"exitCode", code}, {"calls", mCallsDone}, {"cpuMs", cpuMs}, {"maxRssKb", usage.ru_maxrss}});
  return code;
}

// --- events --------------------------------------------------------------------------------------

void AgentRun::onError(TCCCErrCode errCode, const char* errMsg, void*) {
  print("onError", {{"code", errCode}, {"message", text(errMsg)}});
  if (errCode == ERR_SIP_FORBIDDEN || errCode == ERR_HTTP_REQUEST_FAILURE || errCode == ERR_HTTP_TOKEN_ERROR) {
    finish(kExitLost);
  } else if (errCode == ERR_MIC_START_FAIL || errCode == ERR_ANSWER_FAILURE) {
    finish(kExitCall);
  }
}

void AgentRun::onWarning(TCCCWarningCode warningCode, const char* warningMsg, void*) {
  print("onWarning", {{"code", static_cast<int>(warningCode)}, {"message", text(warningMsg)}});
}

void AgentRun::onNewSession(TCCCSessionInfo info) {
  const bool in = info.sessionDirection == TCCCSessionDirection::CallIn;
  print("onNewSession", {{"sessionId", text(info.sessionId)},
                         {"direction", in ? "CallIn" : "CallOut"},
                         {"from", text(info.fromUserId)},
                         {"to", text(info.toUserId)},
                         {"remark", text(info.remark)}});
  if (in && mOptions.answer) {
    mSdk->answer(new Reply(
        [this](TCCCErrCode code, const std::string& message) { print("answer", answerFields(code, message)); }));
  }
  std::lock_guard lock(mMutex);
  mInCall = true;
}

void AgentRun::onAccepted(const char* sessionId) {
  print("onAccepted", {{"sessionId", text(sessionId)}});
  if (!mOptions.dtmf.empty()) {
    mSdk->sendDTMF(mOptions.dtmf.c_str(), new Reply([this](TCCCErrCode code, const std::string& message) {
                     print("dtmf", answerFields(code, message));
                   }));
  }
  std::lock_guard lock(mMutex);
  mConnectedAt = Clock::now();
  mHungUp = false;
}

void AgentRun::onEnded(TCCCEndReason reason, const char* reasonMessage, const char* sessionId) {
  print("onEnded",
        {{"sessionId", text(sessionId)}, {"reason", endReasonName(reason)}, {"message", text(reasonMessage)}});
  bool again = false;
  {
    std::lock_guard lock(mMutex);
    mInCall = false;
    mConnectedAt.reset();
    mWaitingSince = Clock::now();
    ++mCallsDone;
    if (mOptions.calls > 0 && mCallsDone >= mOptions.calls) {
      if (!mExitCode) mExitCode = kExitDone;
      mChanged.notify_all();
      return;
    }
    again = !mOptions.callTo.empty();
  }
  if (again) placeCall();
}

void AgentRun::onAudioVolume(const TCCCVolumeInfo* volumes, std::uint32_t count) {
  if (mOptions.quiet) return;
  auto list = nlohmann::ordered_json::array();
  for (std::uint32_t i = 0; i < count; ++i)
    list.push_back({{"userId", text(volumes[i].userId)}, {"volume", volumes[i].volume}});
  print("onAudioVolume", {{"volumes", std::move(list)}});
}

void AgentRun::onNetworkQuality(const TCCCQualityInfo& localQuality) {
  if (mOptions.quiet) return;
  print("onNetworkQuality", {{"quality", static_cast<int>(localQuality.quality)}});
}

void AgentRun::onConnectionLost(TCCCServerType serverType) {
  print("onConnectionLost", {{"serverType", serverTypeName(serverType)}});
}

void AgentRun::onTryToReconnect(TCCCServerType serverType) {
  print("onTryToReconnect", {{"serverType", serverTypeName(serverType)}});
}

void AgentRun::onConnectionRecovery(TCCCServerType serverType) {
  print("onConnectionRecovery", {{"serverType", serverTypeName(serverType)}});
}

}  // namespace tccc::agent
