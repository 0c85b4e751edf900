// SPDX-License-Identifier: Apache-2.0
#include "media/WavFileDevice.hpp"

#include "media/WavFile.hpp"
#include "media/WavWriter.hpp"

#include <algorithm>
#include <variant>

namespace tccc::native {

std::unique_ptr<WavFileDevice> WavFileDevice::open(const std::string& capturePath, const std::string& playoutPath,
                                                   bool loop, std::string* error) {
  std::vector<std::int16_t> samples;
  if (!capturePath.empty()) {
    auto parsed = tccc::media::WavFile::load(capturePath);
    if (auto* why = std::get_if<std::string>(&parsed)) {
      if (error) *error = capturePath + ": " + *why;
      return nullptr;
    }
    samples = std::move(std::get<std::vector<std::int16_t>>(parsed));
  }
  return fromSamples(std::move(samples), loop, playoutPath, error);
}

std::unique_ptr<WavFileDevice> WavFileDevice::fromSamples(std::vector<std::int16_t> samples, bool loop,
                                                          const std::string& playoutPath, std::string* error) {
  std::unique_ptr<WavFileDevice> device(new WavFileDevice());
  device->mSamples = std::move(samples);
  device->mLoop = loop && !device->mSamples.empty();
  if (!playoutPath.empty() && !device->openRecording(playoutPath, error)) return nullptr;
  return device;
}

WavFileDevice::~WavFileDevice() { close(); }

bool WavFileDevice::openRecording(const std::string& path, std::string* error) {
  mRecording = std::make_unique<tccc::media::WavWriter>(path, 1, kAudioSampleRate);
  if (mRecording->ok()) return true;
  if (error) *error = path + ": cannot create the recording";
  mRecording.reset();
  return false;
}

bool WavFileDevice::capture(std::int16_t* frame) {
  if (mSamples.empty() || captureEnded()) return false;
  std::size_t filled = 0;
  while (filled < kAudioFrameSamples) {
    if (mPos >= mSamples.size()) {
      if (!mLoop) break;
      mPos = 0;
    }
    const std::size_t n = std::min(kAudioFrameSamples - filled, mSamples.size() - mPos);
    std::copy_n(mSamples.begin() + static_cast<std::ptrdiff_t>(mPos), n, frame + filled);
    filled += n;
    mPos += n;
  }
  std::fill(frame + filled, frame + kAudioFrameSamples, 0);  // the file's last, partial frame
  ++mFramesCaptured;
  return true;
}

void WavFileDevice::playout(const std::int16_t* frame) {
  ++mFramesPlayed;
  if (mRecording) mRecording->write(frame, kAudioFrameSamples);
}

void WavFileDevice::close() {
  if (mRecording) mRecording->close();
}

}  // namespace tccc::native
