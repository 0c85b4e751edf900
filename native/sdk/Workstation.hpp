// SPDX-License-Identifier: Apache-2.0
// The native ITCCCWorkstation: the seed's C++ agent API on the sans-I/O core. Public methods post
// their work to the SDK's thread (SdkThread); the core runs there through CoreHost, its events are
// turned into the workstation's by SessionEvents, and each call's audio runs there as a CallMedia.
#ifndef TCCC_NATIVE_SDK_WORKSTATION_HPP
#define TCCC_NATIVE_SDK_WORKSTATION_HPP

#include "sdk/CallMedia.hpp"
#include "sdk/Callbacks.hpp"
#include "sdk/CoreHost.hpp"
#include "sdk/DeviceSettings.hpp"
#include "sdk/SdkThread.hpp"
#include "sdk/SessionEvents.hpp"
#include "tccc/ITCCCWorkstation.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace tccc::native {

class Workstation final : public ITCCCWorkstation, private CoreHost::Listener, private CallMedia::Events {
 public:
  Workstation();
  ~Workstation() override;

  void addCallback(ITCCCCallback* callback) override { mCallbacks.add(callback); }
  void removeCallback(ITCCCCallback* callback) override { mCallbacks.remove(callback); }
  void login(const TCCCLoginParams& params, ITXValueCallback<TCCCLoginInfo>* callback) override;
  void checkLogin(ITXCallback* callback) override;
  void logout(ITXCallback* callback) override;
  void call(const TCCCStartCallParams& params, ITXCallback* callback) override;
  void answer(ITXCallback* callback) override;
  void terminate() override;
  void sendDTMF(const char* digits, ITXCallback* callback) override;
  void mute(ITXCallback* callback) override;
  void unmute(ITXCallback* callback) override;
  ITXDeviceManager* getDeviceManager() override { return &mDevices; }
  const char* getSDKVersion() override;
  void setLogLevel(TCCCLogLevel level) override { mLogLevel = static_cast<int>(level); }
  void setConsoleEnabled(bool enabled) override { mConsole = enabled; }
  TCCCErrCode callExperimentalAPI(const char* jsonStr) override;

  /// Ends everything and waits for the SDK thread (destroyTCCCShareInstance).
  void shutDown();

 private:
  enum class LoginState { Never, LoggingIn, LoggedIn, LoggedOut, Kicked, Failed };
  using Json = protocol::Json;

  // CoreHost::Listener
  void onSdkEvent(const std::string& name, const Json& data) override;
  void onMediaAction(const std::string& action, const Json& data) override;
  // CallMedia::Events
  void onMediaLost(const std::string& sessionId) override;
  void onMediaRetry(const std::string& sessionId) override;
  void onMediaRecovered(const std::string& sessionId) override;
  void onMediaFailed(const std::string& sessionId, TCCCErrCode code, const std::string& message) override;
  void onMediaVolume(const std::string& sessionId, int local, int remote) override;
  void onMediaQuality(const std::string& sessionId, int quality) override;
  void onMediaWarning(const std::string& sessionId, TCCCWarningCode code, const std::string& message) override;
  void onMediaLog(const std::string& sessionId, const std::string& text) override;

  void doLogin(std::string userId, std::string token, std::uint64_t sdkAppId, std::string server,
               ITXValueCallback<TCCCLoginInfo>* callback);
  void finishLogin(TCCCErrCode code, const std::string& message);
  void emitSession(const std::vector<WorkstationEvent>& events);
  /// Runs `act(sessionId)` on the current call once logged in; answers `callback` otherwise.
  void onCurrent(const char* method, ITXCallback* callback, bool noCallIsFine,
                 const std::function<void(const std::string&, ITXCallback*)>& act);
  void invokeAndAnswer(const char* api, const Json& args, ITXCallback* callback, const char* method);
  std::pair<TCCCErrCode, std::string> loginStatus() const;
  void teardown(LoginState state);
  /// The session's CallMedia, made on first use (nullptr before login).
  CallMedia* mediaOf(const std::string& sessionId);
  void stopMedia(const std::string& sessionId);
  /// Stops a call's audio now and deletes it once the current handler has returned.
  void retire(std::unique_ptr<CallMedia> media);

  void reply(ITXCallback* callback, TCCCErrCode code, const std::string& message, const char* method);
  void error(TCCCErrCode code, const std::string& message);
  void warning(TCCCWarningCode code, const std::string& message);
  void log(TCCCLogLevel level, const std::string& text) const;

  SdkThread mThread;
  boost::asio::ssl::context mTls;
  Callbacks mCallbacks;
  DeviceSettings mDevices;
  std::unique_ptr<CoreHost> mHost;
  SessionEvents mSessions;
  std::map<std::string, std::unique_ptr<CallMedia>> mMedia;
  boost::asio::steady_timer mLoginTimer;
  ITXValueCallback<TCCCLoginInfo>* mLoginCallback = nullptr;
  LoginState mState = LoginState::Never;
  std::string mUserId;
  std::uint64_t mSdkAppId = 0;
  std::string mServerUrl;  // callExperimentalAPI setServerUrl
  std::atomic<int> mLogLevel{static_cast<int>(TCCCLogLevel::Info)};
  std::atomic<bool> mConsole{true};
};

}  // namespace tccc::native

#endif
