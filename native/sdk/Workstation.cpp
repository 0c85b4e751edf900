// SPDX-License-Identifier: Apache-2.0
#include "sdk/Workstation.hpp"

#include "sdk/ServerUrl.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <random>

#ifndef TCCC_SDK_VERSION
#define TCCC_SDK_VERSION "0.0.0-dev"
#endif

namespace tccc::native {

namespace {

using Json = protocol::Json;

// As the Web workstation: a login that has heard nothing for this long fails.
constexpr auto kLoginTimeout = std::chrono::seconds(20);

std::string copy(const char* text) { return text ? std::string(text) : std::string(); }

TCCCErrCode codeOf(const Error& error) { return static_cast<TCCCErrCode>(static_cast<int>(error.code)); }

int intOf(const Json& data, const char* key, int fallback) {
  if (!data.is_object()) return fallback;
  const auto it = data.find(key);
  return it != data.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

std::string strOf(const Json& data, const char* key) {
  if (!data.is_object()) return {};
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Workstation::Workstation() : mTls(boost::asio::ssl::context::tls_client), mLoginTimer(mThread.io()) {
  // wss:// servers are checked against the system's trust store, as a browser would.
  mTls.set_default_verify_paths();
  mTls.set_verify_mode(boost::asio::ssl::verify_peer);
  mDevices.onChange = [this] {
    mThread.post([this] {
      for (auto& [id, media] : mMedia) media->applyVolumes();
    });
  };
}

Workstation::~Workstation() { shutDown(); }

void Workstation::shutDown() {
  mThread.run([this] {
    teardown(LoginState::LoggedOut);
    mLoginTimer.cancel();
  });
  mThread.stop();
  mCallbacks.clear();
}

const char* Workstation::getSDKVersion() { return TCCC_SDK_VERSION; }

// --- login -------------------------------------------------------------------------------------

void Workstation::login(const TCCCLoginParams& params, ITXValueCallback<TCCCLoginInfo>* callback) {
  mThread.post([this, userId = copy(params.userId), token = copy(params.token), app = params.sdkAppId,
                type = params.type, server = copy(params.serverUrl), callback] {
    auto fail = [&](TCCCErrCode code, const std::string& message) {
      log(TCCCLogLevel::Debug, std::to_string(code) + " " + message);
      if (callback)
        callback->OnError(code, message.c_str());
      else
        error(code, message);
    };
    if (type != TCCCLoginType::Agent) return fail(ERR_INVALID_ARGUMENT, "login: type must be TCCCLoginType::Agent");
    if (userId.empty()) return fail(ERR_INVALID_ARGUMENT, "login: userId must not be empty");
    if (token.empty()) return fail(ERR_INVALID_ARGUMENT, "login: token must not be empty (CreateSDKLoginToken)");
    if (app == 0 || app > 0x1FFFFFFFFFFFFFull) return fail(ERR_INVALID_ARGUMENT, "login: sdkAppId must be set");
    doLogin(userId, token, app, server.empty() ? mServerUrl : server, callback);
  });
}

void Workstation::doLogin(std::string userId, std::string token, std::uint64_t sdkAppId, std::string server,
                          ITXValueCallback<TCCCLoginInfo>* callback) {
  auto fail = [&](TCCCErrCode code, const std::string& message) {
    if (callback)
      callback->OnError(code, message.c_str());
    else
      error(code, message);
  };
  if (server.empty()) {
    return fail(ERR_INVALID_ARGUMENT,
                "login: no server: set TCCCLoginParams::serverUrl, or callExperimentalAPI "
                "{\"api\":\"setServerUrl\",\"params\":{\"serverUrl\":…}}");
  }
  std::string why;
  auto endpoint = agentEndpoint(server, &why);
  if (!endpoint) return fail(ERR_INVALID_ARGUMENT, "login: serverUrl " + why);

  // A second login replaces the first; the first's callback learns that it was superseded.
  if (mState == LoginState::LoggingIn) finishLogin(ERR_INVALID_STATE, "login: replaced by a newer login");
  teardown(LoginState::Never);

  core::CoreConfig config;
  config.sdkAppId = static_cast<std::int64_t>(sdkAppId);
  config.userId = userId;
  config.token = std::move(token);
  config.randomSeed = std::random_device{}();
  mUserId = userId;
  mSdkAppId = sdkAppId;
  mLoginCallback = callback;
  mState = LoginState::LoggingIn;
  log(TCCCLogLevel::Info, "login " + userId + " at " + server);
  mHost = std::make_unique<CoreHost>(mThread.io(), &mTls, static_cast<CoreHost::Listener&>(*this));
  mLoginTimer.expires_after(kLoginTimeout);
  mLoginTimer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) finishLogin(ERR_SIP_REQUESTTIMEOUT, "login: the server did not answer in time");
  });
  mHost->start(std::move(config), std::move(*endpoint));
}

/// Settles the pending login: success, or failure (the SDK is torn down then).
void Workstation::finishLogin(TCCCErrCode code, const std::string& message) {
  if (mState != LoginState::LoggingIn) return;
  mLoginTimer.cancel();
  auto* callback = mLoginCallback;
  mLoginCallback = nullptr;
  if (code == ERR_NONE) {
    mState = LoginState::LoggedIn;
    log(TCCCLogLevel::Info, "logged in");
    if (callback) {
      TCCCLoginInfo info;
      info.userId = mUserId.c_str();
      info.sdkAppId = mSdkAppId;
      callback->OnSuccess(info);
    }
    return;
  }
  teardown(LoginState::Failed);
  log(TCCCLogLevel::Warn, message);
  if (callback)
    callback->OnError(code, message.c_str());
  else
    error(code, message);
}

void Workstation::checkLogin(ITXCallback* callback) {
  mThread.post([this, callback] {
    auto [code, message] = loginStatus();
    reply(callback, code, message, "checkLogin");
  });
}

void Workstation::logout(ITXCallback* callback) {
  mThread.post([this, callback] {
    if (!mHost) return reply(callback, ERR_HAD_LOGGEDOUT, "logout: not logged in", "logout");
    if (mState == LoginState::LoggingIn) finishLogin(ERR_HAD_LOGGEDOUT, "login: logged out before it finished");
    teardown(LoginState::LoggedOut);
    reply(callback, ERR_NONE, "logged out", "logout");
  });
}

std::pair<TCCCErrCode, std::string> Workstation::loginStatus() const {
  switch (mState) {
    case LoginState::LoggedIn:
      return {ERR_NONE, "logged in"};
    case LoginState::LoggingIn:
      return {ERR_NOT_READY, "logging in: wait for the login callback"};
    case LoginState::LoggedOut:
      return {ERR_HAD_LOGGEDOUT, "logged out: log in again"};
    case LoginState::Kicked:
      return {ERR_SIP_FORBIDDEN, "this agent logged in elsewhere: log in again"};
    case LoginState::Failed:
      return {ERR_HTTP_REQUEST_FAILURE, "not logged in: the last login or connection failed"};
    case LoginState::Never:
      break;
  }
  return {ERR_SIP_BAD_REQUEST, "not logged in: call login first"};
}

void Workstation::teardown(LoginState state) {
  mState = state;
  mSessions.clear();
  for (auto& [id, media] : mMedia) retire(std::move(media));
  mMedia.clear();
  if (mHost) {
    mHost->stop();
    // Possibly called from inside the host's own callback: it is deleted once that has returned.
    mThread.post([host = std::shared_ptr<CoreHost>(std::move(mHost))] {});
  }
}

void Workstation::retire(std::unique_ptr<CallMedia> media) {
  if (!media) return;
  media->stop();
  mThread.post([gone = std::shared_ptr<CallMedia>(std::move(media))] {});
}

// --- calls -------------------------------------------------------------------------------------

void Workstation::call(const TCCCStartCallParams& params, ITXCallback* callback) {
  mThread.post([this, to = copy(params.to), remark = copy(params.remark), uui = copy(params.uui), callback] {
    if (to.find_first_not_of(" \t") == std::string::npos) {
      return reply(callback, ERR_INVALID_ARGUMENT, "call: to (the number to call) must not be empty", "call");
    }
    Json args = {{"phoneNumber", to}};
    if (!remark.empty()) args["phoneDesc"] = remark;
    if (!uui.empty()) args["uui"] = uui;
    invokeAndAnswer("Call.startOutboundCall", args, callback, "call");
  });
}

void Workstation::answer(ITXCallback* callback) {
  mThread.post([this, callback] {
    if (mState != LoginState::LoggedIn) {
      auto [code, message] = loginStatus();
      return reply(callback, code == ERR_NONE ? ERR_NOT_READY : code, std::string("answer: ") + message, "answer");
    }
    const auto current = mSessions.current();
    if (!current || !mSessions.currentRinging())
      return reply(callback, ERR_INVALID_STATE, "answer: no call is ringing", "answer");
    invokeAndAnswer("Call.accept", {{"sessionId", *current}}, callback, "answer");
  });
}

void Workstation::terminate() {
  mThread.post([this] {
    onCurrent("terminate", nullptr, true, [this](const std::string& sessionId, ITXCallback* cb) {
      invokeAndAnswer("Call.hungUp", {{"sessionId", sessionId}}, cb, "terminate");
    });
  });
}

void Workstation::sendDTMF(const char* digits, ITXCallback* callback) {
  mThread.post([this, digits = copy(digits), callback] {
    const bool valid =
        !digits.empty() && digits.size() <= 32 && digits.find_first_not_of("0123456789*#ABCD") == std::string::npos;
    if (!valid) {
      return reply(callback, ERR_INVALID_ARGUMENT,
                   "sendDTMF: digits must be 1 to 32 of 0-9 * # A-D, got \"" + digits + "\"", "sendDTMF");
    }
    onCurrent("sendDTMF", callback, false, [this, digits](const std::string& sessionId, ITXCallback* cb) {
      invokeAndAnswer("Call.sendDigits", {{"sessionId", sessionId}, {"dtmfText", digits}}, cb, "sendDTMF");
    });
  });
}

void Workstation::mute(ITXCallback* callback) {
  mThread.post([this, callback] {
    onCurrent("mute", callback, false, [this](const std::string& sessionId, ITXCallback* cb) {
      invokeAndAnswer("Call.muteMic", {{"sessionId", sessionId}}, cb, "mute");
    });
  });
}

void Workstation::unmute(ITXCallback* callback) {
  mThread.post([this, callback] {
    onCurrent("unmute", callback, false, [this](const std::string& sessionId, ITXCallback* cb) {
      invokeAndAnswer("Call.unmuteMic", {{"sessionId", sessionId}}, cb, "unmute");
    });
  });
}

void Workstation::onCurrent(const char* method, ITXCallback* callback, bool noCallIsFine,
                            const std::function<void(const std::string&, ITXCallback*)>& act) {
  if (mState != LoginState::LoggedIn || !mHost) {
    auto [code, message] = loginStatus();
    return reply(callback, code == ERR_NONE ? ERR_NOT_READY : code, std::string(method) + ": " + message, method);
  }
  const auto current = mSessions.current();
  if (!current) {
    if (noCallIsFine) return reply(callback, ERR_NONE, std::string(method) + ": no call", method);
    return reply(callback, ERR_INVALID_STATE, std::string(method) + ": there is no call", method);
  }
  act(*current, callback);
}

void Workstation::invokeAndAnswer(const char* api, const Json& args, ITXCallback* callback, const char* method) {
  if (mState != LoginState::LoggedIn || !mHost) {
    auto [code, message] = loginStatus();
    return reply(callback, code == ERR_NONE ? ERR_NOT_READY : code, std::string(method) + ": " + message, method);
  }
  mHost->invoke(api, args, [this, callback, method](const Json&, const Error& err) {
    if (err)
      reply(callback, codeOf(err), std::string(method) + ": " + err.message, method);
    else
      reply(callback, ERR_NONE, "ok", method);
  });
}

// --- the core's events -------------------------------------------------------------------------

void Workstation::onSdkEvent(const std::string& name, const Json& data) {
  if (mState != LoginState::LoggingIn && mState != LoginState::LoggedIn) return;
  if (mState == LoginState::LoggingIn) {
    if (name == "ready") return finishLogin(ERR_NONE, "logged in");
    if (name == "tokenExpired") {
      const int code = intOf(data, "code", ERR_HTTP_TOKEN_ERROR);
      const std::string message = strOf(data, "message");
      return finishLogin(static_cast<TCCCErrCode>(code),
                         "login: " + (message.empty() ? std::string("the token was refused") : message));
    }
    if (name == "connectionLost" || name == "tryToReconnect" || name == "reconnectFailed") {
      return finishLogin(ERR_HTTP_REQUEST_FAILURE,
                         "login: cannot reach the server at " + mHost->endpoint().host + ":" + mHost->endpoint().port);
    }
  }
  if (name == "callIn" || name == "callOuted") {
    // callOuted carries only the sessionId: the rest is in the core's view of the session.
    const std::string sessionId = strOf(data, "sessionId");
    Json merged = Json::object();
    for (const auto& wire : mHost->sessions()) {
      if (wire.is_object() && strOf(wire, "sessionId") == sessionId) merged = wire;
    }
    // A login's snapshot replays calls that ended minutes ago; the workstation was not there.
    if (strOf(merged, "state") == "ended") return;
    for (auto it = data.begin(); it != data.end(); ++it) merged[it.key()] = it.value();
    return emitSession(mSessions.feed(name, merged));
  }
  if (name == "calloutAccepted" || name == "userAccessed" || name == "autoTransfer" || name == "transfer" ||
      name == "sessionEnded") {
    return emitSession(mSessions.feed(name, data));
  }
  if (name == "connectionLost") {
    return mCallbacks.each([](ITCCCCallback& c) { c.onConnectionLost(TCCCServerType::Signalling); });
  }
  if (name == "tryToReconnect") {
    return mCallbacks.each([](ITCCCCallback& c) { c.onTryToReconnect(TCCCServerType::Signalling); });
  }
  if (name == "connectionRecovery") {
    return mCallbacks.each([](ITCCCCallback& c) { c.onConnectionRecovery(TCCCServerType::Signalling); });
  }
  if (name == "kickedOut") {
    teardown(LoginState::Kicked);
    return error(ERR_SIP_FORBIDDEN, "this agent logged in elsewhere");
  }
  if (name == "tokenExpired") {
    const std::string message = strOf(data, "message");
    return error(ERR_HTTP_TOKEN_ERROR, message.empty() ? "the login token was refused" : message);
  }
  if (name == "reconnectFailed") {
    teardown(LoginState::Failed);
    return error(ERR_HTTP_REQUEST_FAILURE, "the connection to the server is lost for good");
  }
}

void Workstation::emitSession(const std::vector<WorkstationEvent>& events) {
  for (const auto& e : events) {
    switch (e.kind) {
      case WorkstationEvent::Kind::NewSession: {
        log(TCCCLogLevel::Info, "onNewSession " + e.sessionId + " from " + e.fromUserId + " to " + e.toUserId);
        TCCCSessionInfo info;
        info.sessionId = e.sessionId.c_str();
        info.sessionDirection = e.direction;
        info.fromUserId = e.fromUserId.c_str();
        info.toUserId = e.toUserId.c_str();
        info.remark = e.remark.c_str();
        mCallbacks.each([&](ITCCCCallback& c) { c.onNewSession(info); });
        break;
      }
      case WorkstationEvent::Kind::Accepted:
        log(TCCCLogLevel::Info, "onAccepted " + e.sessionId);
        mCallbacks.each([&](ITCCCCallback& c) { c.onAccepted(e.sessionId.c_str()); });
        break;
      case WorkstationEvent::Kind::Ended:
        log(TCCCLogLevel::Info,
            "onEnded " + e.sessionId + " " + std::to_string(static_cast<int>(e.reason)) + " " + e.message);
        stopMedia(e.sessionId);
        mCallbacks.each([&](ITCCCCallback& c) { c.onEnded(e.reason, e.message.c_str(), e.sessionId.c_str()); });
        break;
    }
  }
}

// --- media -------------------------------------------------------------------------------------

void Workstation::onMediaAction(const std::string& action, const Json& data) {
  const std::string sessionId = strOf(data, "sessionId");
  if (sessionId.empty()) return;
  // The server's offer comes while the call still rings here (`ringing`: answered at once, the
  // audio starts with the accept's prepare) or once it is connected; `start` tells the caller of
  // an internal call to offer.
  if (action == "offer") {
    const bool ringing = data.is_object() && data.value("ringing", false);
    if (CallMedia* media = mediaOf(sessionId)) media->offered(strOf(data, "sdp"), ringing);
    return;
  }
  if (action == "start" || action == "prepare") {
    if (CallMedia* media = mediaOf(sessionId)) media->start(action == "start");
    return;
  }
  if (action == "end") return stopMedia(sessionId);
  const auto it = mMedia.find(sessionId);
  if (it == mMedia.end()) return;
  if (action == "answer") return it->second->answered(strOf(data, "sdp"));
  if (action == "mute" || action == "unmute") return it->second->setMuted(action == "mute");
  if (action == "hold" || action == "unHold") return it->second->setHeld(action == "hold");
  if (action == "sendDigits") return it->second->sendDigits(strOf(data, "digits"));
  // candidate: the server is ICE-lite, its one candidate is in its description.
}

CallMedia* Workstation::mediaOf(const std::string& sessionId) {
  if (!mHost) return nullptr;
  auto& media = mMedia[sessionId];
  if (!media) {
    media = std::make_unique<CallMedia>(mThread.io(), &mTls, *mHost, sessionId, mDevices,
                                        static_cast<CallMedia::Events&>(*this));
  }
  return media.get();
}

void Workstation::stopMedia(const std::string& sessionId) {
  const auto it = mMedia.find(sessionId);
  if (it == mMedia.end()) return;
  retire(std::move(it->second));
  mMedia.erase(it);
}

void Workstation::onMediaLost(const std::string&) {
  mCallbacks.each([](ITCCCCallback& c) { c.onConnectionLost(TCCCServerType::Media); });
}

void Workstation::onMediaRetry(const std::string&) {
  mCallbacks.each([](ITCCCCallback& c) { c.onTryToReconnect(TCCCServerType::Media); });
}

void Workstation::onMediaRecovered(const std::string&) {
  mCallbacks.each([](ITCCCCallback& c) { c.onConnectionRecovery(TCCCServerType::Media); });
}

void Workstation::onMediaFailed(const std::string&, TCCCErrCode code, const std::string& message) {
  error(code, message);
}

void Workstation::onMediaVolume(const std::string& sessionId, int local, int remote) {
  const std::string peer = mSessions.peerOf(sessionId);
  const TCCCVolumeInfo volumes[2] = {{mUserId.c_str(), static_cast<std::uint32_t>(local)},
                                     {peer.c_str(), static_cast<std::uint32_t>(remote)}};
  mCallbacks.each([&](ITCCCCallback& c) { c.onAudioVolume(volumes, 2); });
}

void Workstation::onMediaQuality(const std::string&, int quality) {
  TCCCQualityInfo info;
  info.userId = mUserId.c_str();
  info.quality = static_cast<TCCCQuality>(quality);
  mCallbacks.each([&](ITCCCCallback& c) { c.onNetworkQuality(info); });
}

void Workstation::onMediaWarning(const std::string&, TCCCWarningCode code, const std::string& message) {
  warning(code, message);
}

void Workstation::onMediaLog(const std::string& sessionId, const std::string& text) {
  log(TCCCLogLevel::Debug, sessionId + ": " + text);
}

// --- settings ----------------------------------------------------------------------------------

TCCCErrCode Workstation::callExperimentalAPI(const char* jsonStr) {
  const Json request = Json::parse(copy(jsonStr), nullptr, /*allow_exceptions=*/false);
  auto fail = [this](TCCCErrCode code, const std::string& message) {
    mThread.post([this, code, message] { error(code, message); });
    return code;
  };
  if (!request.is_object() || !request.contains("api") || !request["api"].is_string()) {
    return fail(ERR_INVALID_ARGUMENT, "callExperimentalAPI: expected JSON {\"api\": name, \"params\": {…}}");
  }
  const std::string api = request["api"].get<std::string>();
  const Json params = request.value("params", Json::object());
  if (!params.is_object()) return fail(ERR_INVALID_ARGUMENT, "callExperimentalAPI: params must be an object");
  if (api == "setServerUrl") {
    const std::string url = strOf(params, "serverUrl");
    std::string why;
    if (url.empty() || !agentEndpoint(url, &why)) {
      return fail(ERR_INVALID_ARGUMENT, "setServerUrl: params.serverUrl must be an http(s) or ws(s) URL" +
                                            (why.empty() ? std::string() : ": " + why));
    }
    mThread.run([&] { mServerUrl = url; });
    return ERR_NONE;
  }
  if (api == "setAudioFiles") {
    AudioFiles files;
    files.capture = strOf(params, "capture");
    files.playout = strOf(params, "playout");
    files.loop = params.value("loop", true);
    mDevices.setFiles(files);
    return ERR_NONE;
  }
  if (api == "setCaFile") {
    // A self-hosted server's own CA (or self-signed certificate), trusted besides the system's.
    const std::string file = strOf(params, "caFile");
    boost::system::error_code ec;
    if (!file.empty()) mThread.run([&] { mTls.load_verify_file(file, ec); });
    if (file.empty() || ec) {
      return fail(ERR_INVALID_ARGUMENT,
                  "setCaFile: params.caFile must be a readable PEM file" + (ec ? ": " + ec.message() : std::string()));
    }
    return ERR_NONE;
  }
  if (api == "setMediaTransport") {
    const std::string t = strOf(params, "transport");
    if (t != "auto" && t != "udp" && t != "websocket") {
      return fail(ERR_INVALID_ARGUMENT, "setMediaTransport: params.transport must be auto, udp or websocket");
    }
    mDevices.setMediaTransport(t == "udp"         ? MediaTransportChoice::Udp
                               : t == "websocket" ? MediaTransportChoice::WebSocket
                                                  : MediaTransportChoice::Auto);
    return ERR_NONE;
  }
  if (api == "setSoundCard") {
    mDevices.setFiles(std::nullopt);
    return ERR_NONE;
  }
  return fail(ERR_NOT_SUPPORTED, "callExperimentalAPI: unknown api \"" + api + "\"");
}

// --- answers, errors, logs ---------------------------------------------------------------------

void Workstation::reply(ITXCallback* callback, TCCCErrCode code, const std::string& message, const char* method) {
  if (code != ERR_NONE) log(TCCCLogLevel::Debug, std::to_string(code) + " " + message);
  if (callback) {
    if (code == ERR_NONE)
      callback->OnSuccess();
    else
      callback->OnError(code, message.c_str());
  } else if (code != ERR_NONE) {
    error(code, message);  // never silent
  }
}

void Workstation::error(TCCCErrCode code, const std::string& message) {
  log(TCCCLogLevel::Error, "onError " + std::to_string(code) + " " + message);
  mCallbacks.each([&](ITCCCCallback& c) { c.onError(code, message.c_str(), nullptr); });
}

void Workstation::warning(TCCCWarningCode code, const std::string& message) {
  log(TCCCLogLevel::Warn, "onWarning " + std::to_string(static_cast<int>(code)) + " " + message);
  mCallbacks.each([&](ITCCCCallback& c) { c.onWarning(code, message.c_str(), nullptr); });
}

void Workstation::log(TCCCLogLevel level, const std::string& text) const {
  if (!mConsole || static_cast<int>(level) < mLogLevel) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "[tccc-workstation] %s\n", text.c_str());
}

// --- the shared instance -----------------------------------------------------------------------

namespace {
std::mutex gInstanceMutex;
Workstation* gInstance = nullptr;
}  // namespace

}  // namespace tccc::native

namespace tccc {

ITCCCWorkstation* getTCCCShareInstance() {
  std::lock_guard lock(native::gInstanceMutex);
  if (!native::gInstance) native::gInstance = new native::Workstation();
  return native::gInstance;
}

void destroyTCCCShareInstance() {
  native::Workstation* instance = nullptr;
  {
    std::lock_guard lock(native::gInstanceMutex);
    instance = native::gInstance;
    native::gInstance = nullptr;
  }
  delete instance;
}

}  // namespace tccc
