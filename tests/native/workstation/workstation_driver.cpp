// SPDX-License-Identifier: Apache-2.0
// Drives the native ITCCCWorkstation from a test, one JSON line per step, the way the Web
// workstation's e2e drives its page: tests/e2e/native-workstation.e2e.mjs writes
//   {"op":"login","userId":…,"token":…,"sdkAppId":…,"serverUrl":…}   {"op":"call","to":…}
//   {"op":"answer"} {"op":"terminate"} {"op":"sendDTMF","digits":…} {"op":"mute"} {"op":"unmute"}
//   {"op":"checkLogin"} {"op":"logout"} {"op":"setCaptureVolume","volume":…} {"op":"setPlayoutVolume",…}
//   {"op":"getCaptureVolume"} {"op":"setAudioRoute","route":0} {"op":"experimental","json":…}
//   {"op":"version"} {"op":"quit"}
// and reads back {"op":…,"code":…,"message":…} answers and {"event":…} lines for every callback.
// Each step is written as the seed's C++ samples write it: ITXCallback / ITXValueCallback objects.
#include "tccc/ITCCCWorkstation.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

using namespace tccc;
using Json = nlohmann::json;

namespace {

std::mutex gOut;

void emit(const Json& line) {
  std::lock_guard lock(gOut);
  std::cout << line.dump() << std::endl;
}

std::string str(const char* s) { return s ? s : ""; }

// The seed's TCCCCommonCallback: answers one call.
class TCCCCommonCallback : public ITXCallback {
 public:
  explicit TCCCCommonCallback(std::string funName) : mFunName(std::move(funName)) {}
  void OnSuccess() override { finish(0, "ok"); }
  void OnError(TCCCErr error_code, const char* error_message) override { finish(error_code, str(error_message)); }

 private:
  void finish(int code, const std::string& message) {
    emit({{"op", mFunName}, {"code", code}, {"message", message}});
    delete this;
  }
  std::string mFunName;
};

// The seed's TCCLoginCallbackImpl.
class TCCCLoginCallbackImpl : public ITXValueCallback<TCCCLoginInfo> {
 public:
  void OnSuccess(const TCCCLoginInfo& value) override {
    emit({{"op", "login"}, {"code", 0}, {"message", "logged in"}, {"userId", str(value.userId)}});
  }
  void OnError(TCCCError error_code, const char* error_message) override {
    emit({{"op", "login"}, {"code", error_code}, {"message", str(error_message)}});
  }
};

// The seed's TCCCcallbackImpl: every event as a line.
class TCCCcallbackImpl : public ITCCCcallback {
 public:
  void onError(TCCCErrCode errCode, const char* errMsg, void*) override {
    emit({{"event", "onError"}, {"code", errCode}, {"message", str(errMsg)}});
  }
  void onWarning(TCCCWarningCode warningCode, const char* warningMsg, void*) override {
    emit({{"event", "onWarning"}, {"code", static_cast<int>(warningCode)}, {"message", str(warningMsg)}});
  }
  void onNewSession(TCCCSessionInfo info) override {
    emit({{"event", "onNewSession"},
          {"sessionId", str(info.sessionId)},
          {"sessionDirection", static_cast<int>(info.sessionDirection)},
          {"fromUserId", str(info.fromUserId)},
          {"toUserId", str(info.toUserId)},
          {"remark", str(info.remark)}});
  }
  void onAccepted(const char* sessionId) override { emit({{"event", "onAccepted"}, {"sessionId", str(sessionId)}}); }
  void onEnded(EndedReason reason, const char* reasonMessage, const char* sessionId) override {
    emit({{"event", "onEnded"},
          {"reason", static_cast<int>(reason)},
          {"message", str(reasonMessage)},
          {"sessionId", str(sessionId)}});
  }
  void onAudioVolume(const TCCCVolumeInfo* volumes, std::uint32_t count) override {
    Json list = Json::array();
    for (std::uint32_t i = 0; i < count; ++i)
      list.push_back({{"userId", str(volumes[i].userId)}, {"volume", volumes[i].volume}});
    emit({{"event", "onAudioVolume"}, {"volumes", list}});
  }
  void onNetworkQuality(const TCCCQualityInfo& q) override {
    emit({{"event", "onNetworkQuality"}, {"userId", str(q.userId)}, {"quality", static_cast<int>(q.quality)}});
  }
  void onConnectionLost(TCCCServerType t) override {
    emit({{"event", "onConnectionLost"}, {"serverType", static_cast<int>(t)}});
  }
  void onTryToReconnect(TCCCServerType t) override {
    emit({{"event", "onTryToReconnect"}, {"serverType", static_cast<int>(t)}});
  }
  void onConnectionRecovery(TCCCServerType t) override {
    emit({{"event", "onConnectionRecovery"}, {"serverType", static_cast<int>(t)}});
  }
};

}  // namespace

int main() {
  ITCCCWorkstation* tcccSDK = getTCCCShareInstance();
  TCCCcallbackImpl* tcccCallback = new TCCCcallbackImpl();
  tcccSDK->addCallback(tcccCallback);
  TCCCLoginCallbackImpl loginCallbackImpl;
  emit({{"op", "ready"}, {"version", tcccSDK->getSDKVersion()}});

  std::string text;
  while (std::getline(std::cin, text)) {
    const Json step = Json::parse(text, nullptr, false);
    if (!step.is_object()) {
      emit({{"op", "?"}, {"code", -1}, {"message", "not a JSON object"}});
      continue;
    }
    const std::string op = step.value("op", "");
    if (op == "quit") break;
    if (op == "login") {
      const std::string userId = step.value("userId", ""), token = step.value("token", ""),
                        server = step.value("serverUrl", "");
      TCCCLoginParams param;
      param.userId = userId.c_str();
      param.token = token.c_str();
      param.sdkAppId = step.value("sdkAppId", 0ull);
      param.type = TCCCLoginType::Agent;
      param.serverUrl = server.c_str();
      tcccSDK->login(param, &loginCallbackImpl);
    } else if (op == "call") {
      const std::string to = step.value("to", ""), remark = step.value("remark", ""), uui = step.value("uui", "");
      TCCCStartCallParams callParams;
      callParams.to = to.c_str();
      callParams.remark = remark.c_str();
      callParams.uui = uui.c_str();
      tcccSDK->call(callParams, new TCCCCommonCallback("call"));
    } else if (op == "answer") {
      tcccSDK->answer(new TCCCCommonCallback("answer"));
    } else if (op == "terminate") {
      tcccSDK->terminate();
      emit({{"op", "terminate"}, {"code", 0}});
    } else if (op == "sendDTMF") {
      tcccSDK->sendDTMF(step.value("digits", "").c_str(), new TCCCCommonCallback("sendDTMF"));
    } else if (op == "mute") {
      tcccSDK->mute(new TCCCCommonCallback("mute"));
    } else if (op == "unmute") {
      tcccSDK->unmute(new TCCCCommonCallback("unmute"));
    } else if (op == "checkLogin") {
      tcccSDK->checkLogin(new TCCCCommonCallback("checkLogin"));
    } else if (op == "logout") {
      tcccSDK->logout(new TCCCCommonCallback("logout"));
    } else if (op == "setCaptureVolume") {
      emit({{"op", op}, {"code", tcccSDK->getDeviceManager()->setAudioCaptureVolume(step.value("volume", -1))}});
    } else if (op == "setPlayoutVolume") {
      emit({{"op", op}, {"code", tcccSDK->getDeviceManager()->setAudioPlayoutVolume(step.value("volume", -1))}});
    } else if (op == "getCaptureVolume") {
      emit({{"op", op}, {"code", 0}, {"volume", tcccSDK->getDeviceManager()->getAudioCaptureVolume()}});
    } else if (op == "setAudioRoute") {
      const auto route = static_cast<TCCCAudioRoute>(step.value("route", 0));
      emit({{"op", op}, {"code", tcccSDK->getDeviceManager()->setAudioRoute(route)}});
    } else if (op == "experimental") {
      emit({{"op", op}, {"code", tcccSDK->callExperimentalAPI(step.value("json", "").c_str())}});
    } else if (op == "version") {
      emit({{"op", op}, {"code", 0}, {"version", tcccSDK->getSDKVersion()}});
    } else {
      emit({{"op", op}, {"code", -1}, {"message", "unknown op"}});
    }
  }
  tcccSDK->removeCallback(tcccCallback);
  destroyTCCCShareInstance();
  delete tcccCallback;
  emit({{"op", "quit"}, {"code", 0}});
  return 0;
}
