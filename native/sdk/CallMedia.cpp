// SPDX-License-Identifier: Apache-2.0
#include "sdk/CallMedia.hpp"

#include "media/WavFileDevice.hpp"

#include <boost/asio/post.hpp>
#ifdef TCCC_HAVE_PORTAUDIO
#include "media/PortAudioDevice.hpp"
#endif

namespace tccc::native {

namespace asio = boost::asio;
using Json = protocol::Json;

namespace {
// A ticket is refused while this side's call still rings (the caller of an internal call, say):
// asked again at this pace, for about half a minute; a lost socket is reopened at the same pace.
constexpr auto kRetryDelay = std::chrono::milliseconds(700);
constexpr int kMaxAttempts = 45;

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}
}  // namespace

CallMedia::CallMedia(asio::io_context& io, asio::ssl::context* tls, CoreHost& host, std::string sessionId,
                     DeviceSettings& devices, Events& events)
    : mIo(io),
      mTls(tls),
      mHost(host),
      mSessionId(std::move(sessionId)),
      mDevices(devices),
      mEvents(events),
      mRetry(io) {}

CallMedia::~CallMedia() { stop(); }

void CallMedia::start() {
  if (!*mAlive || mAudio || mAsking) return;
  askTicket();
}

void CallMedia::stop() {
  *mAlive = false;
  mRetry.cancel();
  if (mAudio) mAudio->stop();
  mAudio.reset();
  mDevice.reset();  // the WAV recording is finished here
}

void CallMedia::askTicket() {
  mAsking = true;
  std::weak_ptr<bool> alive = mAlive;
  mHost.invoke("Media.ws", Json{{"sessionId", mSessionId}}, [this, alive](const Json& data, const Error& error) {
    auto a = alive.lock();
    if (!a || !*a) return;
    onTicket(data, error);
  });
}

void CallMedia::onTicket(const Json& data, const Error& error) {
  mAsking = false;
  if (error) {
    mEvents.onMediaLog(mSessionId, "no media ticket: " + error.message);
    // Not connected yet (this side called and the far end still rings): ask again shortly.
    if (error.code == Errc::InvalidState && ++mAttempts < kMaxAttempts) return retryLater(kRetryDelay);
    if (error.code == Errc::SessionNotFound || error.code == Errc::Destroyed) return;  // the call is over
    return mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE, "the call's audio cannot start: " + error.message);
  }
  const std::string path = data.is_object() ? data.value("path", std::string()) : std::string();
  const std::string token = data.is_object() ? data.value("token", std::string()) : std::string();
  if (path.empty() || path[0] != '/' || token.empty() || token.find_first_of(" &#?") != std::string::npos) {
    return mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE, "the server's media ticket is malformed");
  }
  std::string deviceError;
  if (!mDevice) mDevice = openDevice(&deviceError);
  if (!mDevice) return mEvents.onMediaFailed(mSessionId, ERR_MIC_START_FAIL, deviceError);
  mAudio = std::make_unique<CallAudio>(mIo, mTls, mHost.endpoint().withTarget(path + "?token=" + token), *mDevice,
                                       static_cast<CallAudio::Listener&>(*this));
  applyVolumes();
  applyMute();
  std::string why;
  if (!mAudio->start(&why)) {
    mAudio.reset();
    return mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE, "the call's audio cannot start: " + why);
  }
}

void CallMedia::retryLater(std::chrono::milliseconds delay) {
  mRetry.expires_after(delay);
  std::weak_ptr<bool> alive = mAlive;
  mRetry.async_wait([this, alive](const boost::system::error_code& ec) {
    auto a = alive.lock();
    if (ec || !a || !*a || mAudio || mAsking) return;
    askTicket();
  });
}

std::unique_ptr<AudioDevice> CallMedia::openDevice(std::string* error) {
  if (const auto files = mDevices.files()) {
    auto device =
        WavFileDevice::open(files->capture, replaceAll(files->playout, "{sessionId}", mSessionId), files->loop, error);
    return device;
  }
#ifdef TCCC_HAVE_PORTAUDIO
  return PortAudioDevice::open(error);
#else
  if (error) *error = "this build has no sound card support (PortAudio): use callExperimentalAPI setAudioFiles";
  return nullptr;
#endif
}

void CallMedia::setMuted(bool muted) {
  mMuted = muted;
  applyMute();
}

// On hold the server plays music to the far end and ignores what this side sends: CallAudio sends
// nothing and plays nothing, as the browser does.
void CallMedia::setHeld(bool held) {
  mHeld = held;
  applyMute();
}

void CallMedia::applyMute() {
  if (!mAudio) return;
  mAudio->setMuted(mMuted);
  mAudio->setHeld(mHeld);
}

void CallMedia::sendDigits(const std::string& digits) {
  if (mAudio && !digits.empty()) mAudio->sendDigits(digits);
}

void CallMedia::applyVolumes() {
  if (!mAudio) return;
  mAudio->setCaptureVolume(mDevices.getAudioCaptureVolume());
  mAudio->setPlayoutVolume(mDevices.getAudioPlayoutVolume());
}

void CallMedia::onOpen() {
  mEvents.onMediaLog(mSessionId, "audio socket open");
  mAttempts = 0;
  if (mLost) {
    mLost = false;
    mEvents.onMediaRecovered(mSessionId);
  }
  mEverOpen = true;
}

void CallMedia::onVolume(int localVolume, int remoteVolume) {
  mEvents.onMediaVolume(mSessionId, localVolume, remoteVolume);
}

void CallMedia::onQuality(int quality) {
  // Down on this scale means nothing arrived for the whole interval although the socket is open.
  const bool stalled = quality == static_cast<int>(TCCCQuality::Down);
  if (stalled && !mWarnedStall) {
    mEvents.onMediaWarning(mSessionId, TCCCWarningCode::NoInboundAudio, "no audio arrives from the far end");
  }
  mWarnedStall = stalled;
  mEvents.onMediaQuality(mSessionId, quality);
}

void CallMedia::onClosed(int code, const std::string& reason) {
  // Deleted after this handler returns: the socket's own stack is still running.
  asio::post(mIo, [audio = std::shared_ptr<CallAudio>(std::move(mAudio))] {});
  if (!*mAlive) return;
  mEvents.onMediaLog(mSessionId, "audio socket closed: " + std::to_string(code) + " " + reason);
  if (++mAttempts >= kMaxAttempts) {
    return mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE,
                                 "the call's audio connection closed (" + std::to_string(code) + " " + reason + ")");
  }
  // The server closes the socket when the call ends, usually just before the session's end reaches
  // this side: the loss is told only if the call is still there after the retry delay, and then
  // a fresh ticket opens a new socket (the server closed the old leg).
  mRetry.expires_after(kRetryDelay);
  std::weak_ptr<bool> alive = mAlive;
  mRetry.async_wait([this, alive](const boost::system::error_code& ec) {
    auto a = alive.lock();
    if (ec || !a || !*a || mAudio || mAsking) return;
    if (!mLost) {
      mLost = true;
      mEvents.onMediaLost(mSessionId);
    }
    mEvents.onMediaRetry(mSessionId);
    askTicket();
  });
}

}  // namespace tccc::native
