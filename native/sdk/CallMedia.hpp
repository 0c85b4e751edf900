// SPDX-License-Identifier: Apache-2.0
// One call's audio in the native SDK (docs/native-sdk.md, "Media"), on one of two transports:
//   - udp: answers the server's offer (or offers, as the caller of an internal call) through the
//     core's media signalling, and connects ICE, DTLS and SRTP to the server's media leg
//     (RtcAudioTransport) — while the call still rings, as a browser does;
//   - websocket: asks the server for the call's media ticket (`Media.ws`) and opens the call's
//     /ws/media socket. A ticket refused because the call is not connected yet is asked for again,
//     a socket lost while the call lives is reopened with a fresh ticket.
// Auto (the default) takes udp and falls back to the WebSocket when it has not connected within
// kFallbackDelay of the audio being wanted, or when it is lost; it says so with onMediaWarning.
#ifndef TCCC_NATIVE_SDK_CALLMEDIA_HPP
#define TCCC_NATIVE_SDK_CALLMEDIA_HPP

#include "media/AudioDevice.hpp"
#include "media/CallAudio.hpp"
#include "media/RtcAudioTransport.hpp"
#include "sdk/CoreHost.hpp"
#include "sdk/DeviceSettings.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

namespace tccc::native {

class CallMedia : private CallAudio::Listener {
 public:
  struct Events {
    virtual ~Events() = default;
    virtual void onMediaLost(const std::string& sessionId) = 0;
    virtual void onMediaRetry(const std::string& sessionId) = 0;
    virtual void onMediaRecovered(const std::string& sessionId) = 0;
    virtual void onMediaFailed(const std::string& sessionId, TCCCErrCode code, const std::string& message) = 0;
    virtual void onMediaVolume(const std::string& sessionId, int local, int remote) = 0;
    virtual void onMediaQuality(const std::string& sessionId, int quality) = 0;
    virtual void onMediaWarning(const std::string& sessionId, TCCCWarningCode code, const std::string& message) = 0;
    /// What happened to the call's audio connection, for the SDK's log (Debug).
    virtual void onMediaLog(const std::string& sessionId, const std::string& text) = 0;
  };

  CallMedia(boost::asio::io_context& io, boost::asio::ssl::context* tls, CoreHost& host, std::string sessionId,
            DeviceSettings& devices, Events& events);
  ~CallMedia() override;
  CallMedia(const CallMedia&) = delete;
  CallMedia& operator=(const CallMedia&) = delete;

  /// The server offered its media leg (`ringing`: the call still rings here, the audio is not
  /// wanted yet). The udp transport answers it and connects; the WebSocket waits for the call.
  void offered(const std::string& sdp, bool ringing);
  /// The server's answer to our offer (internal calls).
  void answered(const std::string& sdp);
  /// The call's audio is wanted (accepted, connected): it starts on the transport that is up or
  /// coming, or asks for the socket (again, after a loss). `weOffer`: this side offers (the
  /// caller of an internal call). Nothing while it runs.
  void start(bool weOffer = false);
  /// Closes everything and stops asking; no event after.
  void stop();
  void setMuted(bool muted);
  void setHeld(bool held);
  void sendDigits(const std::string& digits);
  /// Reads the volumes from the device settings again.
  void applyVolumes();
  bool running() const { return mAudio != nullptr; }

  /// Auto: how long UDP may take to connect once the audio is wanted.
  static constexpr std::chrono::milliseconds kFallbackDelay{4000};

 private:
  bool onWebSocket() const { return mChoice == MediaTransportChoice::WebSocket || mFellBack; }
  // udp
  void makeTransport();
  void offer();
  void openOnRtc();
  void armFallback();
  void rtcFailed(const std::string& why);
  void fallBack(const std::string& why);
  void retireRtc();
  void signal(const char* api, const std::string& sdp);
  void askTicket();
  void onTicket(const protocol::Json& data, const Error& error);
  void retryLater(std::chrono::milliseconds delay);
  std::unique_ptr<AudioDevice> openDevice(std::string* error);
  /// Opens the call's device once; false (told with onMediaFailed) when it cannot.
  bool deviceReady();
  /// Makes `audio` the call's audio with the current volumes and mute, and starts it.
  void run(std::unique_ptr<CallAudio> audio);
  void applyMute();

  // CallAudio::Listener
  void onOpen() override;
  void onVolume(int localVolume, int remoteVolume) override;
  void onQuality(int quality) override;
  void onClosed(int code, const std::string& reason) override;

  boost::asio::io_context& mIo;
  boost::asio::ssl::context* mTls;
  CoreHost& mHost;
  std::string mSessionId;
  DeviceSettings& mDevices;
  Events& mEvents;
  MediaTransportChoice mChoice;
  boost::asio::steady_timer mRetry;
  boost::asio::steady_timer mFallback;
  std::unique_ptr<AudioDevice> mDevice;
  std::unique_ptr<RtcAudioTransport> mRtc;  // destroyed after mAudio, which rides on it
  std::unique_ptr<CallAudio> mAudio;
  bool mWanted = false;    // the call's audio is wanted (not just a ringing leg connecting)
  bool mFellBack = false;  // auto: UDP did not do, the WebSocket carries this call
  bool mFallbackArmed = false;
  bool mAsking = false;
  bool mMuted = false;
  bool mHeld = false;
  bool mEverOpen = false;
  bool mLost = false;
  bool mWarnedStall = false;
  int mAttempts = 0;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::native

#endif
