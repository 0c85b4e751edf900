// SPDX-License-Identifier: Apache-2.0
// The system's default microphone and speaker through PortAudio (Debian's portaudio19-dev), as one
// full-duplex 48 kHz mono 16-bit stream. PortAudio calls back on a thread of its own; the call's
// clock runs on the SDK's thread. Two lock-free rings (SampleRing) of 200 ms bridge them: the
// callback writes what it captured and reads what to play, the clock does the opposite, and
// neither waits. A full ring drops, an empty one plays silence, so neither side's memory grows
// and a stalled SDK thread costs a gap, not an ever longer delay.
// Built only where pkg-config finds portaudio-2.0 (TCCC_HAVE_PORTAUDIO).
#ifndef TCCC_NATIVE_MEDIA_PORTAUDIODEVICE_HPP
#define TCCC_NATIVE_MEDIA_PORTAUDIODEVICE_HPP

#include "media/AudioDevice.hpp"
#include "media/SampleRing.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace tccc::native {

class PortAudioDevice final : public AudioDevice {
 public:
  /// Opens and starts the default input and output devices; null and `error` set when there are
  /// none (a server without a sound card) or PortAudio refuses.
  static std::unique_ptr<PortAudioDevice> open(std::string* error);
  ~PortAudioDevice() override;

  bool capture(std::int16_t* frame) override;
  void playout(const std::int16_t* frame) override;

  /// Samples the rings dropped (capture not read in time, playout not played in time) and the
  /// playout frames filled with silence because nothing was there: for diagnostics.
  std::uint64_t capturedDropped() const { return mCaptureDropped.load(std::memory_order_relaxed); }
  std::uint64_t playoutDropped() const { return mPlayoutDropped; }
  std::uint64_t playoutUnderruns() const { return mUnderruns.load(std::memory_order_relaxed); }

 private:
  PortAudioDevice();
  friend struct PortAudioCallback;
  /// PortAudio's thread: one buffer captured (`input`, may be null) and one to fill (`output`).
  void process(const std::int16_t* input, std::int16_t* output, std::size_t frames);

  void* mStream = nullptr;  // PaStream*: PortAudio's header stays out of this one
  SampleRing mCaptured;
  SampleRing mToPlay;
  std::atomic<std::uint64_t> mCaptureDropped{0};
  std::atomic<std::uint64_t> mUnderruns{0};
  std::uint64_t mPlayoutDropped = 0;
};

}  // namespace tccc::native

#endif
