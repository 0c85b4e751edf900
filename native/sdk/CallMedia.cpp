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
      mChoice(devices.mediaTransport()),
      mRetry(io),
      mFallback(io) {}

CallMedia::~CallMedia() { stop(); }

void CallMedia::start(bool weOffer) {
  if (!*mAlive) return;
  mWanted = true;
  if (onWebSocket()) {
    if (!mAudio && !mAsking) askTicket();
    return;
  }
  if (!mRtc && weOffer) offer();
  if (mRtc) openOnRtc();
  // No transport yet: the server's offer is on its way (it follows the accept).
  armFallback();
}

void CallMedia::stop() {
  *mAlive = false;
  mRetry.cancel();
  mFallback.cancel();
  if (mAudio) mAudio->stop();
  mAudio.reset();
  if (mRtc) mRtc->close();
  mRtc.reset();
  mDevice.reset();  // the WAV recording is finished here
}

// --- udp: ICE, DTLS-SRTP with the server's media leg ------------------------------------------------

void CallMedia::offered(const std::string& sdp, bool ringing) {
  if (!*mAlive) return;
  if (!ringing) mWanted = true;
  if (onWebSocket()) {
    if (mWanted) start();
    return;
  }
  // A new offer is a new leg (a transfer, a re-offer): what rode on the old one is over.
  if (mAudio) mAudio->stop();
  retireRtc();
  makeTransport();
  if (!mRtc) return;
  std::string why;
  const auto answer = mRtc->answer(sdp, &why);
  if (!answer) return rtcFailed("the server's offer cannot be answered: " + why);
  signal("Media.answer", *answer);
  mEvents.onMediaLog(mSessionId, std::string("answered the server's offer") + (ringing ? " while ringing" : ""));
  if (mWanted) start();
}

void CallMedia::answered(const std::string& sdp) {
  if (!*mAlive || !mRtc || onWebSocket()) return;
  std::string why;
  if (!mRtc->setAnswer(sdp, &why)) return rtcFailed("the server's answer cannot be used: " + why);
}

void CallMedia::makeTransport() {
  try {
    mRtc = std::make_unique<RtcAudioTransport>(mIo);
  } catch (const std::exception& e) {
    rtcFailed(std::string("no DTLS certificate: ") + e.what());
  }
}

void CallMedia::offer() {
  makeTransport();
  if (!mRtc) return;
  std::string why;
  const auto sdp = mRtc->offer(&why);
  if (!sdp) return rtcFailed(why);
  signal("Media.offer", *sdp);
  mEvents.onMediaLog(mSessionId, "offered to the server's media leg");
}

void CallMedia::signal(const char* api, const std::string& sdp) {
  std::weak_ptr<bool> alive = mAlive;
  RtcAudioTransport* sentFor = mRtc.get();
  Json args = Json::object();
  args["sessionId"] = mSessionId;
  args["sdp"] = sdp;
  mHost.invoke(api, args, [this, alive, sentFor, api = std::string(api)](const Json&, const Error& error) {
    auto a = alive.lock();
    if (!a || !*a || !error || mRtc.get() != sentFor) return;
    if (error.code == Errc::SessionNotFound || error.code == Errc::Destroyed) return;  // the call is over
    rtcFailed("the server refused " + api + ": " + error.message);
  });
}

void CallMedia::openOnRtc() {
  if (mAudio || !mRtc) return;
  if (!deviceReady()) return;
  run(std::make_unique<CallAudio>(mIo, *mRtc, *mDevice, static_cast<CallAudio::Listener&>(*this),
                                  CallAudio::Options{}));
}

void CallMedia::armFallback() {
  if (mChoice != MediaTransportChoice::Auto || mFallbackArmed || mFellBack) return;
  mFallbackArmed = true;
  mFallback.expires_after(kFallbackDelay);
  std::weak_ptr<bool> alive = mAlive;
  mFallback.async_wait([this, alive](const boost::system::error_code& ec) {
    auto a = alive.lock();
    if (ec || !a || !*a || mFellBack || (mAudio && mAudio->open())) return;
    fallBack("UDP did not connect within " + std::to_string(kFallbackDelay.count() / 1000) + " s" +
             (mRtc ? "" : " (no offer from the server)"));
  });
}

void CallMedia::rtcFailed(const std::string& why) {
  mEvents.onMediaLog(mSessionId, "udp: " + why);
  if (mChoice == MediaTransportChoice::Auto) return fallBack(why);
  if (mAudio) mAudio->stop();
  retireRtc();
  mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE, "the call's audio cannot connect over UDP: " + why);
}

// The browser's `auto` does the same (js/src/media): the call goes on over the signalling origin.
void CallMedia::fallBack(const std::string& why) {
  if (mFellBack) return;
  mFellBack = true;
  mFallback.cancel();
  if (mAudio) mAudio->stop();
  retireRtc();
  mEvents.onMediaWarning(mSessionId, TCCCWarningCode::MediaOverWebSocket,
                         "the call's audio goes over the WebSocket: " + why);
  if (mWanted && !mAsking) askTicket();
}

void CallMedia::retireRtc() {
  // Deleted once the stack that may be inside it has unwound; the CallAudio on it goes first.
  asio::post(mIo, [audio = std::shared_ptr<CallAudio>(std::move(mAudio)),
                   rtc = std::shared_ptr<RtcAudioTransport>(std::move(mRtc))]() mutable {
    audio.reset();
    rtc.reset();
  });
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
  if (!deviceReady()) return;
  run(std::make_unique<CallAudio>(mIo, mTls, mHost.endpoint().withTarget(path + "?token=" + token), *mDevice,
                                  static_cast<CallAudio::Listener&>(*this)));
}

bool CallMedia::deviceReady() {
  std::string error;
  if (!mDevice) mDevice = openDevice(&error);
  if (!mDevice) mEvents.onMediaFailed(mSessionId, ERR_MIC_START_FAIL, error);
  return mDevice != nullptr;
}

void CallMedia::run(std::unique_ptr<CallAudio> audio) {
  mAudio = std::move(audio);
  applyVolumes();
  applyMute();
  std::string why;
  if (!mAudio->start(&why)) {
    mAudio.reset();
    mEvents.onMediaFailed(mSessionId, ERR_ANSWER_FAILURE, "the call's audio cannot start: " + why);
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
  if (mRtc && !onWebSocket()) {
    const auto& p = mRtc->progress();
    mEvents.onMediaLog(mSessionId, "audio over udp to " + p.remote + ": ICE " +
                                       std::to_string(static_cast<int>(p.iceMs.value_or(0))) + " ms, DTLS " +
                                       std::to_string(static_cast<int>(p.dtlsMs.value_or(0))) + " ms");
  } else {
    mEvents.onMediaLog(mSessionId, "audio socket open");
  }
  mFallback.cancel();
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
  if (mRtc && !onWebSocket()) return rtcFailed(reason);  // retires the CallAudio with its transport
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
