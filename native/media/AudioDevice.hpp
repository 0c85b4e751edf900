// SPDX-License-Identifier: Apache-2.0
// Where a native call's audio comes from and goes to. The call (CallAudio) runs one 20 ms clock and,
// on each tick, pulls one captured frame and pushes one frame to play: 48 kHz mono 16-bit, 960
// samples. A device never blocks the clock: a microphone that has nothing ready says so (the call
// sends silence for that frame) and a speaker that is full drops. Devices are used from the SDK's
// thread only; one that has a thread of its own (PortAudioDevice) bridges to it inside.
#ifndef TCCC_NATIVE_MEDIA_AUDIODEVICE_HPP
#define TCCC_NATIVE_MEDIA_AUDIODEVICE_HPP

#include <cstddef>
#include <cstdint>

namespace tccc::native {

constexpr int kAudioSampleRate = 48000;
constexpr std::size_t kAudioFrameSamples = 960;  // 20 ms at 48 kHz

class AudioDevice {
 public:
  virtual ~AudioDevice() = default;
  /// Fills `frame` (kAudioFrameSamples samples) with the next 20 ms captured. False when nothing was
  /// captured: the frame's content is then undefined and the call sends silence.
  virtual bool capture(std::int16_t* frame) = 0;
  /// Plays `frame` (kAudioFrameSamples samples), the next 20 ms of the far end.
  virtual void playout(const std::int16_t* frame) = 0;
};

}  // namespace tccc::native

#endif
