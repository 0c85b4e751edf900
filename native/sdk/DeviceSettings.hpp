// SPDX-License-Identifier: Apache-2.0
// getDeviceManager(): the audio settings of the native SDK, read and written from any thread: where
// a call's audio comes from and goes to — the sound card (PortAudio) or WAV files (bots, tests:
// callExperimentalAPI setAudioFiles) — and how it travels (setMediaTransport). Calls read them
// when they start and when told that they changed (`onChange`, called on the setter's thread: the workstation posts it
// to its own).
#ifndef TCCC_NATIVE_SDK_DEVICESETTINGS_HPP
#define TCCC_NATIVE_SDK_DEVICESETTINGS_HPP

#include "tccc/ITCCCWorkstation.h"

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace tccc::native {

/// How a call's audio reaches the server (docs/native-sdk.md, "Media"): RTP over DTLS-SRTP after
/// ICE, as a browser does, with the /ws/media WebSocket when UDP does not get through (Auto); or
/// one of the two only.
enum class MediaTransportChoice { Auto, Udp, WebSocket };

struct AudioFiles {
  std::string capture;  // WAV played to the far end ("" = silence)
  std::string playout;  // WAV the far end is recorded to ("" = not kept); "{sessionId}" is replaced
  bool loop = true;     // the capture file starts over at its end
};

class DeviceSettings final : public ITXDeviceManager {
 public:
  TCCCErrCode setAudioCaptureVolume(int volume) override { return setVolume(mCapture, volume); }
  int getAudioCaptureVolume() override { return mCapture; }
  TCCCErrCode setAudioPlayoutVolume(int volume) override { return setVolume(mPlayout, volume); }
  int getAudioPlayoutVolume() override { return mPlayout; }
  /// A desktop has no earpiece and the WAV device no loudspeaker: the route is remembered and
  /// reported, and changes nothing that can be heard (docs/native-sdk.md).
  TCCCErrCode setAudioRoute(TCCCAudioRoute route) override {
    if (route != TCCCAudioRoute::TCCCAudioRouteSpeakerphone && route != TCCCAudioRoute::TCCCAudioRouteEarpiece) {
      return ERR_INVALID_ARGUMENT;
    }
    mRoute = route;
    return ERR_NONE;
  }
  TCCCAudioRoute audioRoute() const { return mRoute; }

  void setFiles(std::optional<AudioFiles> files) {
    std::lock_guard lock(mMutex);
    mFiles = std::move(files);
  }
  std::optional<AudioFiles> files() const {
    std::lock_guard lock(mMutex);
    return mFiles;
  }

  void setMediaTransport(MediaTransportChoice choice) { mTransport = choice; }
  MediaTransportChoice mediaTransport() const { return mTransport; }

  std::function<void()> onChange;

 private:
  TCCCErrCode setVolume(std::atomic<int>& target, int volume) {
    if (volume < 0 || volume > 100) return ERR_INVALID_ARGUMENT;
    target = volume;
    if (onChange) onChange();
    return ERR_NONE;
  }

  std::atomic<int> mCapture{100};
  std::atomic<int> mPlayout{100};
  std::atomic<TCCCAudioRoute> mRoute{TCCCAudioRoute::TCCCAudioRouteSpeakerphone};
  std::atomic<MediaTransportChoice> mTransport{MediaTransportChoice::Auto};
  mutable std::mutex mMutex;
  std::optional<AudioFiles> mFiles;
};

}  // namespace tccc::native

#endif
