// SPDX-License-Identifier: Apache-2.0
#include "media/CallAudio.hpp"

#include "media/DtmfEvents.hpp"
#include "media/QualityScale.hpp"
#include "media/WsAudioTransport.hpp"
#include "media/WsMediaFrame.hpp"
#include "opus/TcccOpus.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace tccc::native {

namespace {

using tccc::media::WsMediaFrame;
constexpr auto kTick = std::chrono::milliseconds(20);
// A tick this late means the thread stalled: the missed ticks are skipped, not burst.
constexpr auto kMaxLateness = std::chrono::milliseconds(100);
constexpr double kBacklogFrames = 200.0 / 20.0;  // own audio the transport may hold: 200 ms
constexpr int kToneMs = 100;
constexpr int kToneGapTicks = 3;          // ~70 ms between tones: the next starts 4 ticks after an end
constexpr std::uint8_t kToneVolume = 10;  // -10 dBm0, as the browser sends

/// When tick `n` is due: computed from the start every time, so lateness never accumulates.
std::chrono::steady_clock::time_point dueOf(std::chrono::steady_clock::time_point start, std::uint64_t n) {
  return start + std::chrono::milliseconds(20 * static_cast<std::int64_t>(n));
}

std::uint64_t ticksOf(std::chrono::milliseconds interval) {
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(interval / kTick));
}

/// A linear level (0..1) on the TCCC 0-100 volume scale (js/src/media/CallMeters.ts volumeOf).
int volumeOf(double level) {
  if (!std::isfinite(level) || level <= 0) return 0;
  return static_cast<int>(std::min(100.0, std::round(level * 100)));
}

std::int16_t clip(double v) { return static_cast<std::int16_t>(std::lround(std::clamp(v, -32768.0, 32767.0))); }

const std::vector<ToneStep>& toneOf100ms() {
  static const std::vector<ToneStep> steps = toneSteps(kToneMs);
  return steps;
}

}  // namespace

CallAudio::CallAudio(boost::asio::io_context& io, boost::asio::ssl::context* tls, WsEndpoint endpoint,
                     AudioDevice& device, CallAudioListener& listener, Options options)
    : mIo(io),
      mTls(tls),
      mEndpoint(std::move(endpoint)),
      mDevice(device),
      mListener(listener),
      mOptions(std::move(options)),
      mTimer(io),
      mJitter(mOptions.jitter) {
  // Random starting points (RFC 3550 5.1), as the browser's leg picks them.
  std::random_device random;
  mSeq = static_cast<std::uint16_t>(random());
  mTsBase = static_cast<std::uint32_t>(random());
}

CallAudio::CallAudio(boost::asio::io_context& io, AudioTransport& transport, AudioDevice& device,
                     CallAudioListener& listener, Options options)
    : CallAudio(io, nullptr, WsEndpoint{}, device, listener, std::move(options)) {
  mTransport = &transport;
}

CallAudio::~CallAudio() {
  stop();
  if (mEncoder) tccc_opus_encoder_destroy(mEncoder);
  if (mDecoder) tccc_opus_decoder_destroy(mDecoder);
}

bool CallAudio::start(std::string* error) {
  if (mStarted) return true;
  mEncoder = tccc_opus_encoder_create(mOptions.opusComplexity, mOptions.opusBitrate, mOptions.opusExpectedLossPercent);
  mDecoder = tccc_opus_decoder_create();
  if (!mEncoder || !mDecoder) {
    if (error) *error = "the Opus codec could not be created (bad complexity, bitrate or loss setting)";
    return false;
  }
  mStarted = true;
  if (!mTransport) {
    mOwnedTransport = std::make_unique<WsAudioTransport>(mIo, mTls, mEndpoint, mOptions.makeSocket);
    mTransport = mOwnedTransport.get();
  }
  mTransport->setReceiver(this);  // an open transport starts the clock from here
  return true;
}

void CallAudio::stop() {
  if (mStopped) return;
  mStopped = true;
  halt();
  if (mTransport) mTransport->setReceiver(nullptr);
  if (mOwnedTransport) mOwnedTransport->close();
}

void CallAudio::halt() {
  mOpen = false;
  mTimer.cancel();
}

void CallAudio::setCaptureVolume(int volume) { mCaptureVolume = std::clamp(volume, 0, 100); }

void CallAudio::setPlayoutVolume(int volume) { mPlayoutVolume = std::clamp(volume, 0, 100); }

std::size_t CallAudio::sendDigits(std::string_view digits) {
  std::size_t queued = 0;
  for (char d : digits) {
    if (auto code = dtmfCode(d)) {
      mDigits.push_back(*code);
      ++queued;
    }
  }
  return queued;
}

CallAudioStats CallAudio::stats() const {
  CallAudioStats s = mCounts;
  const auto jb = mJitter.stats();
  s.framesReceived = jb.received;
  s.framesLost = jb.lost;
  s.framesConcealed = jb.concealed;
  s.framesRecovered = jb.recoveredByFec;
  s.framesLate = jb.late;
  s.framesDuplicate = jb.duplicates;
  s.framesInvalid += jb.invalid;
  s.jitterMs = jb.jitterMs;
  s.capturedRms = mCapturedSamples ? std::sqrt(mCapturedSquares / static_cast<double>(mCapturedSamples)) : 0;
  s.playedRms = mPlayedSamples ? std::sqrt(mPlayedSquares / static_cast<double>(mPlayedSamples)) : 0;
  s.rttMs = mRttMs;
  s.remoteLossPercent = mRemoteFractionLost ? *mRemoteFractionLost * 100 : 0;
  s.quality = mQuality;
  return s;
}

// --- the transport -------------------------------------------------------------------------------

void CallAudio::onTransportOpen() {
  if (mStopped || mOpen) return;
  mOpen = true;
  mStart = std::chrono::steady_clock::now();
  mTick = 0;
  mNextVolumeTick = ticksOf(mOptions.volumeInterval);
  mNextQualityTick = ticksOf(mOptions.qualityInterval);
  mNextPingTick = 0;  // the first probe goes with the first tick
  std::weak_ptr<char> life = mLife;
  mListener.onOpen();
  if (life.expired() || mStopped) return;
  scheduleTick();
}

void CallAudio::onAudioPacket(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                              std::size_t size) {
  if (mStopped) return;
  mJitter.push(sequence, timestamp, payload, size, clockMs());
}

void CallAudio::onTransportClosed(int code, const std::string& reason) {
  if (mStopped) return;
  halt();
  mStopped = true;  // a closed leg is over: the owner makes a new transport and a new CallAudio
  mListener.onClosed(code, reason);
}

// --- the clock ------------------------------------------------------------------------------------

double CallAudio::clockMs() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mStart).count();
}

void CallAudio::scheduleTick() {
  mTimer.expires_at(dueOf(mStart, mTick + 1));
  std::weak_ptr<char> life = mLife;
  mTimer.async_wait([this, life](const boost::system::error_code& ec) {
    if (ec || life.expired() || mStopped || !mOpen) return;
    tick();
  });
}

void CallAudio::tick() {
  ++mTick;
  const std::chrono::steady_clock::duration lateness = std::chrono::steady_clock::now() - dueOf(mStart, mTick);
  if (lateness > kMaxLateness) {
    const auto missed = static_cast<std::uint64_t>(lateness / kTick);
    mTick += missed;  // the timestamps jump too: the far end hears a pause, not a burst
    mCounts.ticksSkipped += missed;
  }
  sendAudio();
  sendEvents();
  playOne(clockMs());
  if (mTick >= mNextPingTick) {
    mNextPingTick = mTick + ticksOf(mOptions.pingInterval);
    mTransport->probe();
  }
  std::weak_ptr<char> life = mLife;
  if (mTick >= mNextVolumeTick) {
    mNextVolumeTick = mTick + ticksOf(mOptions.volumeInterval);
    meter();
    if (life.expired() || mStopped) return;
  }
  if (mTick >= mNextQualityTick) {
    mNextQualityTick = mTick + ticksOf(mOptions.qualityInterval);
    grade();
    if (life.expired() || mStopped) return;
  }
  scheduleTick();
}

// --- sending --------------------------------------------------------------------------------------

bool CallAudio::backedUp() const { return mTransport->backedUp(kBacklogFrames * mFrameBytes); }

void CallAudio::sendAudio() {
  if (!mDevice.capture(mFrame.data())) mFrame.fill(0);
  if (mCaptureVolume != 100) {
    const double gain = mCaptureVolume / 100.0;
    for (auto& s : mFrame) s = clip(s * gain);
  }
  for (auto s : mFrame) mCapturedSquares += (s / 32768.0) * (s / 32768.0);
  mCapturedSamples += mFrame.size();
  if (mHeld) return;  // nothing encoded: the far end hears the server's music
  if (mMuted) {
    mFrame.fill(0);
  } else {
    for (auto s : mFrame) mLocalPeak = std::max(mLocalPeak, std::abs(s / 32768.0));
  }
  float* in = tccc_opus_encoder_input(mEncoder);
  for (std::size_t i = 0; i < mFrame.size(); ++i) in[i] = static_cast<float>(mFrame[i] / 32768.0);
  const int n = tccc_opus_encode(mEncoder);
  if (n <= 0) return;  // an encoder error loses this frame, never the call
  // 1 or 2 bytes: a DTX pause with nothing new to say. Sent while muted all the same, as the
  // browser does: the far end then measures silence rather than a stalled stream.
  if (n <= 2 && !mMuted) {
    ++mCounts.framesSilent;
    mTalkspurt = true;
    return;
  }
  const std::uint32_t ts = mTsBase + static_cast<std::uint32_t>(mTick * kAudioFrameSamples);
  mFrameBytes += (static_cast<double>(WsMediaFrame::kHeaderBytes + static_cast<std::size_t>(n)) - mFrameBytes) / 16;
  if (backedUp()) {
    ++mCounts.framesDropped;  // late audio is worth nothing; a queue without bound only adds delay
    return;
  }
  mTransport->sendAudio(mSeq, ts, tccc_opus_encoder_output(mEncoder), static_cast<std::size_t>(n), mTalkspurt);
  mTalkspurt = false;
  ++mSeq;
  ++mCounts.framesSent;
}

void CallAudio::sendEvents() {
  if (mToneStep < 0) {
    if (mGapTicks > 0) {
      --mGapTicks;
      return;
    }
    if (mDigits.empty()) return;
    mToneCode = mDigits.front();
    mDigits.pop_front();
    mToneStep = 0;
    mToneTs = mTsBase + static_cast<std::uint32_t>(mTick * kAudioFrameSamples);
  }
  const auto& steps = toneOf100ms();
  // One packet a tick with the duration so far; the end packets all at once.
  do {
    const ToneStep& step = steps[static_cast<std::size_t>(mToneStep)];
    std::uint8_t payload[WsMediaFrame::kEventBytes];
    tccc::media::TelephoneEvent{mToneCode, step.end, kToneVolume, step.duration}.write(payload);
    if (backedUp()) {
      ++mCounts.framesDropped;
    } else {
      // RFC 4733 2.5.1.1: the marker bit on the first packet of an event.
      mTransport->sendEvent(mSeq, mToneTs, payload, mToneStep == 0);
      ++mSeq;
      ++mCounts.eventsSent;
    }
    ++mToneStep;
  } while (static_cast<std::size_t>(mToneStep) < steps.size() && steps[static_cast<std::size_t>(mToneStep)].end &&
           steps[static_cast<std::size_t>(mToneStep) - 1].end);
  if (static_cast<std::size_t>(mToneStep) >= steps.size()) {
    mToneStep = -1;
    mGapTicks = kToneGapTicks;
  }
}

// --- receiving ------------------------------------------------------------------------------------

void CallAudio::playOne(double nowMs) {
  const JitterBuffer::Pull& p = mJitter.pull(nowMs);
  int n = 0;
  switch (p.kind) {
    case JitterBuffer::Pull::Kind::Frame:
    case JitterBuffer::Pull::Kind::Fec:
      std::memcpy(tccc_opus_decoder_input(mDecoder), p.payload, p.size);
      n = tccc_opus_decode(mDecoder, static_cast<int>(p.size), p.kind == JitterBuffer::Pull::Kind::Fec ? 1 : 0);
      if (n < 0) ++mCounts.framesInvalid;  // a packet the decoder refuses: one frame of silence
      break;
    case JitterBuffer::Pull::Kind::Conceal:
      n = tccc_opus_decode(mDecoder, 0, 0);  // PLC, or comfort noise after a DTX packet
      break;
    case JitterBuffer::Pull::Kind::Idle:
      break;
  }
  std::array<std::int16_t, kAudioFrameSamples> pcm{};
  if (n == static_cast<int>(kAudioFrameSamples)) {
    const float* out = tccc_opus_decoder_output(mDecoder);
    const double gain = mPlayoutVolume / 100.0;
    for (std::size_t i = 0; i < pcm.size(); ++i) {
      const double v = std::clamp(static_cast<double>(out[i]), -1.0, 1.0);
      mRemotePeak = std::max(mRemotePeak, std::abs(v));  // the far end's level, before the playout gain
      if (!mHeld) pcm[i] = clip(v * 32768.0 * gain);
    }
  }
  for (auto s : pcm) mPlayedSquares += (s / 32768.0) * (s / 32768.0);
  mPlayedSamples += pcm.size();
  mDevice.playout(pcm.data());
}

// --- metering -------------------------------------------------------------------------------------

void CallAudio::meter() {
  const int local = mMuted || mHeld ? 0 : volumeOf(mLocalPeak);
  const int remote = volumeOf(mRemotePeak);
  mLocalPeak = mRemotePeak = 0;
  mListener.onVolume(local, remote);
}

void CallAudio::grade() {
  // As js/src/media/QualityMeter.ts: loss between two gradings, the worse of the two directions.
  tccc::media::QualityFigures figures;
  const auto jb = mJitter.stats();
  const std::uint64_t dReceived = jb.received - std::min(jb.received, mGradeReceived);
  const std::uint64_t dLost = jb.lost > mGradeLost ? jb.lost - mGradeLost : 0;  // late packets lower it
  if (dReceived + dLost > 0)
    figures.lossPercent = 100.0 * static_cast<double>(dLost) / static_cast<double>(dReceived + dLost);
  else
    figures.stalled = true;  // connected, and not one packet for the whole interval
  mGradeReceived = jb.received;
  mGradeLost = jb.lost;
  if (mRemoteFractionLost)
    figures.lossPercent = std::max(figures.lossPercent.value_or(0), std::min(100.0, *mRemoteFractionLost * 100));
  figures.jitterMs = jb.jitterMs;
  figures.rttMs = mRttMs;
  mQuality = static_cast<int>(tccc::media::qualityOf(figures));
  mListener.onQuality(mQuality);
}

}  // namespace tccc::native
