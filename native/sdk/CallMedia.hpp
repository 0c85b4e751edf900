// SPDX-License-Identifier: Apache-2.0
// One call's audio in the native SDK: asks the server for the call's media ticket (`Media.ws`),
// opens the call's /ws/media socket with a CallAudio on the chosen device, and keeps it up — a
// ticket refused because the call is not connected yet is asked for again, a socket lost while the
// call lives is reopened with a fresh ticket. The native SDK always carries audio this way: there is
// no browser and no ICE to try first (docs/native-sdk.md).
#ifndef TCCC_NATIVE_SDK_CALLMEDIA_HPP
#define TCCC_NATIVE_SDK_CALLMEDIA_HPP

#include "media/AudioDevice.hpp"
#include "media/CallAudio.hpp"
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

  /// Asks for the ticket and opens the socket (again, after a loss); nothing while it runs.
  void start();
  /// Closes the socket and stops asking; no event after.
  void stop();
  void setMuted(bool muted);
  void setHeld(bool held);
  void sendDigits(const std::string& digits);
  /// Reads the volumes from the device settings again.
  void applyVolumes();
  bool running() const { return mAudio != nullptr; }

 private:
  void askTicket();
  void onTicket(const protocol::Json& data, const Error& error);
  void retryLater(std::chrono::milliseconds delay);
  std::unique_ptr<AudioDevice> openDevice(std::string* error);
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
  boost::asio::steady_timer mRetry;
  std::unique_ptr<AudioDevice> mDevice;
  std::unique_ptr<CallAudio> mAudio;
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
