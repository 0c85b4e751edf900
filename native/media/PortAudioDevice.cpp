// SPDX-License-Identifier: Apache-2.0
#include "media/PortAudioDevice.hpp"

#include <portaudio.h>

#include <algorithm>

namespace tccc::native {

namespace {
// 200 ms each way: room for the SDK thread to be late by a few ticks, bounded all the same.
constexpr std::size_t kRingSamples = 10 * kAudioFrameSamples;
}  // namespace

struct PortAudioCallback {
  static int run(const void* input, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
                 PaStreamCallbackFlags, void* self) {
    static_cast<PortAudioDevice*>(self)->process(static_cast<const std::int16_t*>(input),
                                                 static_cast<std::int16_t*>(output), frames);
    return paContinue;
  }
};

PortAudioDevice::PortAudioDevice() : mCaptured(kRingSamples), mToPlay(kRingSamples) {}

std::unique_ptr<PortAudioDevice> PortAudioDevice::open(std::string* error) {
  auto fail = [error](std::string why) -> std::unique_ptr<PortAudioDevice> {
    if (error) *error = std::move(why);
    return nullptr;
  };
  // Pa_Initialize counts its callers; every device pairs it with Pa_Terminate.
  if (PaError e = Pa_Initialize(); e != paNoError) return fail(std::string("PortAudio: ") + Pa_GetErrorText(e));
  const PaDeviceIndex in = Pa_GetDefaultInputDevice();
  const PaDeviceIndex out = Pa_GetDefaultOutputDevice();
  if (in == paNoDevice || out == paNoDevice) {
    Pa_Terminate();
    return fail(in == paNoDevice ? "PortAudio: there is no audio input device (microphone)"
                                 : "PortAudio: there is no audio output device (speaker)");
  }
  std::unique_ptr<PortAudioDevice> device(new PortAudioDevice());
  PaStreamParameters inParams{in, 1, paInt16, Pa_GetDeviceInfo(in)->defaultLowInputLatency, nullptr};
  PaStreamParameters outParams{out, 1, paInt16, Pa_GetDeviceInfo(out)->defaultLowOutputLatency, nullptr};
  PaStream* stream = nullptr;
  PaError e = Pa_OpenStream(&stream, &inParams, &outParams, kAudioSampleRate, paFramesPerBufferUnspecified, paClipOff,
                            &PortAudioCallback::run, device.get());
  if (e == paNoError) {
    e = Pa_StartStream(stream);
    if (e != paNoError) Pa_CloseStream(stream);
  }
  if (e != paNoError) {
    Pa_Terminate();
    return fail(std::string("PortAudio: the default devices cannot run 48 kHz mono: ") + Pa_GetErrorText(e));
  }
  device->mStream = stream;
  return device;
}

PortAudioDevice::~PortAudioDevice() {
  if (!mStream) return;
  // Pa_CloseStream waits for the callback to return: nothing touches the rings afterwards.
  Pa_StopStream(static_cast<PaStream*>(mStream));
  Pa_CloseStream(static_cast<PaStream*>(mStream));
  Pa_Terminate();
}

void PortAudioDevice::process(const std::int16_t* input, std::int16_t* output, std::size_t frames) {
  if (input) {
    const std::size_t written = mCaptured.write(input, frames);
    if (written < frames) mCaptureDropped.fetch_add(frames - written, std::memory_order_relaxed);
  }
  if (output) {
    const std::size_t got = mToPlay.read(output, frames);
    if (got < frames) {
      std::fill(output + got, output + frames, 0);
      mUnderruns.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

bool PortAudioDevice::capture(std::int16_t* frame) {
  // A whole frame or nothing: half a frame now and half later would shift the audio by 10 ms.
  if (mCaptured.available() < kAudioFrameSamples) return false;
  return mCaptured.read(frame, kAudioFrameSamples) == kAudioFrameSamples;
}

void PortAudioDevice::playout(const std::int16_t* frame) {
  const std::size_t written = mToPlay.write(frame, kAudioFrameSamples);
  mPlayoutDropped += kAudioFrameSamples - written;
}

}  // namespace tccc::native
