// SPDX-License-Identifier: Apache-2.0
#include "media/WebSocketLeg.hpp"
#include "media/WallClock.hpp"

#include "media/AudioSource.hpp"
#include "media/WsMediaFrame.hpp"
#include "random/SecureRandom.hpp"

#include <algorithm>

namespace tccc::server::media {

namespace {

using tccc::media::WsMediaFrame;  // shared with the native SDK (src/media)

constexpr auto kReportInterval = std::chrono::seconds(1);

}  // namespace

WebSocketLeg::WebSocketLeg(std::shared_ptr<WsMediaOutlet> outlet, std::shared_ptr<MediaStats> stats, bool measureLevel)
    : mOutlet(std::move(outlet)),
      mStats(std::move(stats)),
      mSsrc(SecureRandom::uint32() | 1),
      mAudioOut(SecureRandom::uint32() | 1, kSampleRate, static_cast<std::uint16_t>(SecureRandom::uint32()),
                SecureRandom::uint32()),
      mEpoch(std::chrono::steady_clock::now()) {
  if (measureLevel) mMeter = std::make_unique<LevelMeter>();
  std::lock_guard lock(mStats->mutex);
  mStats->transport = "websocket";
}

void WebSocketLeg::start(MediaLegSink* sink) {
  if (mClosed) return;
  mSink = sink;
  mStarted = true;
  mNextReport = std::chrono::steady_clock::now() + kReportInterval;
  std::lock_guard lock(mStats->mutex);
  mStats->state = "connected";  // the socket is open: there is nothing left to negotiate
  mStats->connectedAtMs = wallClockMs();
}

void WebSocketLeg::dropped() {
  std::lock_guard lock(mStats->mutex);
  ++mStats->dropped;
}

void WebSocketLeg::onRefused() {
  if (!mClosed) dropped();
}

void WebSocketLeg::onMessage(std::string_view bytes, std::chrono::steady_clock::time_point now) {
  if (mClosed) return;
  const WsMediaFrame frame = WsMediaFrame::parse(bytes);
  if (frame.kind != WsMediaFrame::Kind::Audio && frame.kind != WsMediaFrame::Kind::TelephoneEvent) {
    // A ping is answered on the signalling thread before it gets here; anything else is garbage.
    if (frame.kind == WsMediaFrame::Kind::Invalid) dropped();
    return;
  }
  if (mLossIn.drop()) {  // simulated loss: as if the network had lost it, so the report shows it
    std::lock_guard lock(mStats->mutex);
    ++mStats->impairedIn;
    return;
  }
  const bool audio = frame.kind == WsMediaFrame::Kind::Audio;
  // Arrival in timestamp units (48 kHz), for the jitter; wraps as RTP timestamps do.
  const auto sinceEpochUs = std::chrono::duration_cast<std::chrono::microseconds>(now - mEpoch).count();
  const auto arrival = static_cast<std::uint32_t>(static_cast<std::uint64_t>(sinceEpochUs) * 48 / 1000);
  mReception.onPacket(frame.sequence, frame.timestamp, arrival);

  RtpHeader h;
  h.payloadType = audio ? kOpusPayloadType : kEventPayloadType;
  h.sequence = frame.sequence;
  h.timestamp = frame.timestamp;
  h.ssrc = mSsrc;
  h.payloadSize = frame.payload.size();
  if (!audio) {
    // The frame has no marker bit: an event's first packet is the one with a new timestamp (RFC
    // 4733 2.5.1.1: every packet of one event carries its start's timestamp).
    h.marker = !mHaveEvent || frame.timestamp != mLastEventTimestamp;
    mHaveEvent = true;
    mLastEventTimestamp = frame.timestamp;
  }
  const auto* payload = reinterpret_cast<const std::uint8_t*>(frame.payload.data());
  if (audio) {
    double rms = -1;
    if (mMeter && !mHeld && mMeter->addPacket(frame.timestamp, payload, frame.payload.size())) rms = mMeter->rms();
    std::lock_guard lock(mStats->mutex);
    ++mStats->packetsIn;
    mStats->bytesIn += frame.payload.size();
    if (rms >= 0) {
      mStats->rmsIn = rms;
      mStats->peakRmsIn = std::max(mStats->peakRmsIn, rms);
    }
  }
  if (mSink && mStarted) mSink->onAudio(*this, h, payload, frame.payload.size());
}

void WebSocketLeg::sendAudio(std::uint64_t source, const RtpHeader& in, const std::uint8_t* payload, std::size_t size,
                             std::int64_t nowUs, bool dtmf) {
  if (mClosed || !mStarted || size == 0) return;
  if (dtmf && size < WsMediaFrame::kEventBytes) return;
  if (!dtmf && size > WsMediaFrame::kMaxOpusBytes) return;
  if (mLossOut.drop()) {
    std::lock_guard lock(mStats->mutex);
    ++mStats->impairedOut;
    return;
  }
  const auto stamp = mAudioOut.next(source, in.sequence, in.timestamp, nowUs);
  std::string frame = dtmf ? WsMediaFrame::telephoneEvent(stamp.sequence, stamp.timestamp, payload)
                           : WsMediaFrame::audio(stamp.sequence, stamp.timestamp, payload, size);
  mOutlet->send(std::move(frame), dtmf ? WsMediaFrame::kEventBytes : size);
}

void WebSocketLeg::setHeld(bool held) {
  mHeld = held;
  std::lock_guard lock(mStats->mutex);
  mStats->held = held;
}

void WebSocketLeg::setLoss(double fraction) {
  mLossIn.setLoss(fraction);
  mLossOut.setLoss(fraction);
  std::lock_guard lock(mStats->mutex);
  mStats->loss = mLossIn.loss();
}

void WebSocketLeg::tick(std::chrono::steady_clock::time_point now) {
  if (mClosed || !mStarted || now < mNextReport) return;
  mNextReport += kReportInterval;
  if (mNextReport < now) mNextReport = now + kReportInterval;  // the thread stalled: no burst of reports
  const auto r = mReception.report();
  mOutlet->send(WsMediaFrame::report(r.fractionLost, r.cumulativeLost, r.jitter, r.packetsReceived), 0);
}

void WebSocketLeg::close() {
  if (mClosed) return;
  mClosed = true;
  mSink = nullptr;
  mOutlet->close(kCloseLegEnded, "media leg closed");
  std::lock_guard lock(mStats->mutex);
  mStats->state = "closed";
  mStats->closedAtMs = wallClockMs();
}

}  // namespace tccc::server::media
