// SPDX-License-Identifier: Apache-2.0
// The native agent SDK: the seed's C++ `ITCCCWorkstation` interface (seed guide, "座席端 SDK API 文档",
// iOS/Android C++), on the same sans-I/O core as the Web `tccc` SDK, talking to a tccc server.
//
//   ITCCCWorkstation* sdk = getTCCCShareInstance();
//   sdk->addCallback(&myCallback);                    // ITCCCCallback: onNewSession, onEnded, …
//   TCCCLoginParams p; p.userId = "…"; p.token = "…"; p.sdkAppId = 1400000001;
//   p.serverUrl = "https://cc.example.com";           // ours: where the tccc server is
//   sdk->login(p, &myLoginCallback);                  // ITXValueCallback<TCCCLoginInfo>
//   …
//   destroyTCCCShareInstance();
//
// Threads: every method may be called from any thread and returns at once; the work happens on the
// SDK's own thread, and every callback — ITCCCCallback events and the ITX*Callback answers — is
// delivered on that thread, one at a time, as the seed's FAQ says. Do not block in a callback.
// Callback objects passed to a method must stay alive until they are answered (each is answered
// exactly once; a null callback is allowed and means "not interested").
// Strings handed to a callback are valid only during that callback: copy what you keep.
// Strings passed in are copied before the method returns.
#ifndef TCCC_ITCCCWORKSTATION_H
#define TCCC_ITCCCWORKSTATION_H

#include "tccc/TCCCCode.h"

#include <cstdint>

namespace tccc {

/// How `login` logs in. Only `Agent` exists on a tccc server (the agent's login token).
enum class TCCCLoginType { Agent = 0 };

/// Where the far end's voice plays. A desktop has no earpiece: `TCCCAudioRouteEarpiece` plays through
/// the device chosen with callExperimentalAPI `setPlayoutDevice`, `TCCCAudioRouteSpeakerphone` through
/// the system's default output (see docs/native-sdk.md).
enum class TCCCAudioRoute { TCCCAudioRouteSpeakerphone = 0, TCCCAudioRouteEarpiece = 1 };

/// Why a session ended (`onEnded`); the same members as the uni-app `TCCCEndReason`.
enum class TCCCEndReason {
  Error = 0,         ///< the call failed (network, media, the far end's system)
  Timeout = 1,       ///< nobody answered in time
  LocalBye = 2,      ///< this agent hung up (or rejected, or transferred the call away)
  RemoteBye = 3,     ///< the far end hung up a connected call (or the center ended it)
  Rejected = 4,      ///< the far end refused an outbound call
  RemoteCancel = 5,  ///< the caller gave up while the call rang here
};
/// The seed's C++ samples call it EndedReason.
using EndedReason = TCCCEndReason;

enum class TCCCSessionDirection { CallIn = 0, CallOut = 1 };

/// Which connection the connection callbacks speak of.
enum class TCCCServerType {
  Signalling = 0,  ///< the WebSocket to the tccc server (login, calls, events)
  Media = 1,       ///< a call's audio connection
};

/// TRTC's and TCCC's network quality scale.
enum class TCCCQuality { Unknown = 0, Excellent = 1, Good = 2, Poor = 3, Bad = 4, Vbad = 5, Down = 6 };

/// tccc's warnings (the seed defines none); the same numbers as the uni-app API's.
enum class TCCCWarningCode {
  MicrophoneSilent = 1001,    ///< the capture device gives only silence although the call is unmuted
  NoInboundAudio = 1002,      ///< no audio from the far end for seconds although the connection is up
  AudioNotApplied = 1003,     ///< a device setting cannot be applied here
  MediaOverWebSocket = 1004,  ///< UDP did not connect: the call's audio goes over the server's WebSocket
};

/// TRTC's log levels.
enum class TCCCLogLevel { Verbose = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Fatal = 5, None = 6 };

struct TCCCLoginParams {
  /// The agent's id, usually an e-mail address.
  const char* userId = "";
  /// The `Token` that the cloud API `CreateSDKLoginToken` returns for this agent.
  const char* token = "";
  /// The application (tenant), e.g. 1400000001.
  std::uint64_t sdkAppId = 0;
  TCCCLoginType type = TCCCLoginType::Agent;
  /// (ours) The tccc server: "https://cc.example.com", "http://127.0.0.1:8080", or a ws(s):// URL
  /// of its /ws/agent endpoint. Empty: what callExperimentalAPI `setServerUrl` set.
  const char* serverUrl = "";
};

struct TCCCLoginInfo {
  const char* userId = "";
  std::uint64_t sdkAppId = 0;
};

struct TCCCStartCallParams {
  /// The number to call (or an agent's id for an internal call).
  const char* to = "";
  /// Shown instead of the number (optional).
  const char* remark = "";
  /// Your own data; it comes back in the CDR (optional).
  const char* uui = "";
};

struct TCCCSessionInfo {
  const char* sessionId = "";
  TCCCSessionDirection sessionDirection = TCCCSessionDirection::CallIn;
  /// The caller: the customer's number inbound, this side outbound (if known).
  const char* fromUserId = "";
  /// The called: the service number inbound, the dialled number outbound.
  const char* toUserId = "";
  const char* remark = "";
};

/// `onAudioVolume`: `userId` is the agent's own id for what the capture device hears and the far
/// end's number (or agent id) for what it plays.
struct TCCCVolumeInfo {
  const char* userId = "";
  std::uint32_t volume = 0;  ///< 0..100
};

struct TCCCQualityInfo {
  const char* userId = "";
  TCCCQuality quality = TCCCQuality::Unknown;
};

/// The answer to one call that has no value.
class ITXCallback {
 public:
  virtual ~ITXCallback() = default;
  virtual void OnSuccess() = 0;
  virtual void OnError(TCCCErrCode errorCode, const char* errorMessage) = 0;
};

/// The answer to one call that has a value.
template <class T>
class ITXValueCallback {
 public:
  virtual ~ITXValueCallback() = default;
  virtual void OnSuccess(const T& value) = 0;
  virtual void OnError(TCCCErrCode errorCode, const char* errorMessage) = 0;
};

/// The SDK's events. Override what you need.
class ITCCCCallback {
 public:
  virtual ~ITCCCCallback() = default;
  virtual void onError(TCCCErrCode errCode, const char* errMsg, void* extraInfo) {}
  virtual void onWarning(TCCCWarningCode warningCode, const char* warningMsg, void* extraInfo) {}
  /// A call rings here (CallIn) or this agent placed one (CallOut).
  virtual void onNewSession(TCCCSessionInfo info) {}
  /// The call is connected: this agent answered, or the far end did.
  virtual void onAccepted(const char* sessionId) {}
  virtual void onEnded(TCCCEndReason reason, const char* reasonMessage, const char* sessionId) {}
  /// A few times a second during a call: both sides' levels.
  virtual void onAudioVolume(const TCCCVolumeInfo* volumes, std::uint32_t count) {}
  /// Every two seconds during a call: this side's connection to the server.
  virtual void onNetworkQuality(const TCCCQualityInfo& localQuality) {}
  virtual void onConnectionLost(TCCCServerType serverType) {}
  virtual void onTryToReconnect(TCCCServerType serverType) {}
  virtual void onConnectionRecovery(TCCCServerType serverType) {}
};
/// The seed's C++ samples spell it these ways too.
using ITCCCcallback = ITCCCCallback;
using ITCCallback = ITCCCCallback;

/// Audio settings; each setter returns ERR_NONE or why not.
class ITXDeviceManager {
 public:
  virtual ~ITXDeviceManager() = default;
  /// 0..100 (100: as captured). Applies to the current call and the next ones.
  virtual TCCCErrCode setAudioCaptureVolume(int volume) = 0;
  virtual int getAudioCaptureVolume() = 0;
  /// 0..100 (100: as received).
  virtual TCCCErrCode setAudioPlayoutVolume(int volume) = 0;
  virtual int getAudioPlayoutVolume() = 0;
  virtual TCCCErrCode setAudioRoute(TCCCAudioRoute route) = 0;
};

class ITCCCWorkstation {
 public:
  virtual void addCallback(ITCCCCallback* callback) = 0;
  virtual void removeCallback(ITCCCCallback* callback) = 0;

  /// Logs in; OnSuccess once calls can be made and received. A second login replaces the first.
  virtual void login(const TCCCLoginParams& params, ITXValueCallback<TCCCLoginInfo>* callback) = 0;
  /// OnSuccess while logged in (also while reconnecting by itself); otherwise OnError says why.
  virtual void checkLogin(ITXCallback* callback) = 0;
  /// Logs out: the server takes the agent offline at once and ends its calls.
  virtual void logout(ITXCallback* callback) = 0;

  /// Places a call; onNewSession (CallOut) follows, then onAccepted when it is answered.
  virtual void call(const TCCCStartCallParams& params, ITXCallback* callback) = 0;
  /// Answers the call ringing here.
  virtual void answer(ITXCallback* callback = nullptr) = 0;
  /// Hangs up the current call, or rejects it while it rings.
  virtual void terminate() = 0;
  /// Sends DTMF (1 to 32 of 0-9 * # A-D) in the current call.
  virtual void sendDTMF(const char* digits, ITXCallback* callback = nullptr) = 0;
  virtual void mute(ITXCallback* callback = nullptr) = 0;
  virtual void unmute(ITXCallback* callback = nullptr) = 0;

  virtual ITXDeviceManager* getDeviceManager() = 0;

  virtual const char* getSDKVersion() = 0;
  virtual void setLogLevel(TCCCLogLevel level) = 0;
  /// Whether the SDK's log lines go to stderr (default true).
  virtual void setConsoleEnabled(bool enabled) = 0;
  /// Settings outside the seed's API, as JSON {"api": …, "params": {…}} (docs/native-sdk.md):
  /// `setServerUrl` {serverUrl}, `setCaFile` {caFile} (a PEM CA or certificate trusted for wss://
  /// besides the system's), `setAudioFiles` {capture, playout, loop} (WAV files instead of the sound
  /// card: bots and tests), `setSoundCard` {} (back to the default devices). Returns the code.
  virtual TCCCErrCode callExperimentalAPI(const char* jsonStr) = 0;

 protected:
  virtual ~ITCCCWorkstation() = default;
};

/// The one instance, created on first use.
ITCCCWorkstation* getTCCCShareInstance();
/// Logs out, stops the SDK's thread and deletes the instance. Do not call from a callback.
void destroyTCCCShareInstance();

}  // namespace tccc

#endif
