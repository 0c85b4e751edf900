// SPDX-License-Identifier: Apache-2.0
#include "media/MediaBridge.hpp"

#include "random/SecureRandom.hpp"

#include <opus/opus.h>

namespace tccc::server::media {

namespace {

constexpr std::uint64_t kGenerated = 1ull << 63;  // source ids of generated audio
constexpr std::uint64_t kHoldMusicId = kGenerated | 1, kCallerVoiceId = kGenerated | 2;
constexpr std::uint64_t kMixId = kGenerated | 3;  // what a supervisor on the call adds (MonitorMix)

Side other(Side side) { return side == Side::Far ? Side::Agent : Side::Far; }

}  // namespace

MediaBridge::Generator::~Generator() {
  if (encoder) opus_encoder_destroy(encoder);
}

bool MediaBridge::Generator::next(RtpHeader& header, std::array<unsigned char, 1500>& out, std::size_t& size,
                                  MonitorMix::Frame* heard) {
  MonitorMix::Frame pcm{};
  source->next(pcm);
  if (heard) *heard = pcm;
  opus_int32 n = opus_encode(encoder, pcm.data(), kFrameSamples, out.data(), static_cast<opus_int32>(out.size()));
  if (n <= 0) return false;
  size = static_cast<std::size_t>(n);
  header = RtpHeader{};
  header.sequence = sequence++;
  header.timestamp = timestamp;
  timestamp += kFrameSamples;
  return true;
}

std::unique_ptr<MediaBridge::Generator> MediaBridge::makeGenerator(std::unique_ptr<AudioSource> source) {
  auto g = std::make_unique<Generator>();
  int err = 0;
  g->encoder = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || !g->encoder) {
    g->encoder = nullptr;
    return nullptr;
  }
  opus_encoder_ctl(g->encoder, OPUS_SET_BITRATE(32000));
  opus_encoder_ctl(g->encoder, OPUS_SET_COMPLEXITY(5));  // half the CPU of 10, inaudible on speech
  g->source = std::move(source);
  g->sequence = static_cast<std::uint16_t>(SecureRandom::uint32());
  g->timestamp = SecureRandom::uint32();
  return g;
}

MediaBridge::MediaBridge(std::string sessionId, MediaTap* tap) : mSessionId(std::move(sessionId)), mTap(tap) {}

MediaBridge::~MediaBridge() { close(); }

std::int64_t MediaBridge::nowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Side MediaBridge::sideOf(const BridgeLeg& l) const { return mLegs[0].get() == &l ? Side::Far : Side::Agent; }

std::uint64_t MediaBridge::sourceId(Side side, std::uint32_t ssrc) const {
  // A leg's SSRC names its stream; the leg's serial tells a new leg (the next agent) from the old.
  return (std::uint64_t(mLegSerial[index(side)]) << 33) | (std::uint64_t(index(side)) << 32) | ssrc;
}

void MediaBridge::attach(Side side, std::shared_ptr<BridgeLeg> leg, const std::string& participant) {
  if (mClosed) {
    leg->close();
    return;
  }
  auto& slot = mLegs[index(side)];
  const bool sameParty = slot && mParticipants[index(side)] == participant;
  if (sameParty) {
    slot->close();  // the party stays: the taps hear no leave
    slot.reset();
  } else {
    detach(side);
  }
  slot = std::move(leg);
  ++mLegSerial[index(side)];
  mWasConnected[index(side)] = false;
  slot->setHeld(mHeld);
  if (side == Side::Agent && mAgentLoss > 0) slot->setLoss(mAgentLoss);
  if (side == Side::Agent && mAgentUdpBlocked) slot->setUdpBlocked(true);
  slot->start(this);
  if (sameParty) return;
  mParticipants[index(side)] = participant;
  if (mTap) mTap->joined(mSessionId, side, participant);
}

void MediaBridge::detachIf(Side side, const BridgeLeg* l) {
  if (leg(side) == l) detach(side);
}

void MediaBridge::setAgentLoss(double fraction) {
  mAgentLoss = fraction;
  if (BridgeLeg* a = leg(Side::Agent)) a->setLoss(fraction);
}

void MediaBridge::setAgentUdpBlocked(bool blocked) {
  mAgentUdpBlocked = blocked;
  if (BridgeLeg* a = leg(Side::Agent)) a->setUdpBlocked(blocked);
}

void MediaBridge::ring(std::shared_ptr<MediaLeg> leg) {
  if (mClosed) {
    leg->close();
    return;
  }
  unring();
  mRinging = std::move(leg);
  mRinging->setHeld(mHeld);
  mRinging->start(this);
}

bool MediaBridge::promote(const std::string& participant) {
  if (mClosed || !mRinging) return false;
  detach(Side::Agent);
  auto& slot = mLegs[index(Side::Agent)];
  slot = std::move(mRinging);
  ++mLegSerial[index(Side::Agent)];
  mWasConnected[index(Side::Agent)] = false;  // connected already: the far side's video sends a key frame
  slot->setHeld(mHeld);
  if (mAgentLoss > 0) slot->setLoss(mAgentLoss);
  if (mAgentUdpBlocked) slot->setUdpBlocked(true);
  mParticipants[index(Side::Agent)] = participant;
  if (mTap) mTap->joined(mSessionId, Side::Agent, participant);
  return true;
}

void MediaBridge::unring() {
  if (!mRinging) return;
  mRinging->close();
  mRinging.reset();
}

void MediaBridge::detach(Side side) {
  auto& slot = mLegs[index(side)];
  if (!slot) return;
  slot->close();
  slot.reset();
  mParticipants[index(side)].clear();
  if (mTap) mTap->left(mSessionId, side);
}

void MediaBridge::attachMonitor(std::shared_ptr<BridgeLeg> leg, MonitorMode mode, const std::string& supervisor) {
  if (mClosed) {
    leg->close();
    return;
  }
  if (mMonitor) {
    mMonitor->close();
    if (mTap) mTap->supervisorLeft(mSessionId);  // a new leg is a new RTP timeline: a file of its own
  }
  mMonitor = std::move(leg);
  mSupervisor = supervisor;
  if (!mMix) mMix = std::make_unique<MonitorMix>();
  mMonitorMode = mode;
  mMonitor->start(this);
}

void MediaBridge::setMonitorMode(MonitorMode mode) { mMonitorMode = mode; }

void MediaBridge::detachMonitor() {
  if (!mMonitor) return;
  mMonitor->close();
  mMonitor.reset();
  mMix.reset();
  if (mTap) mTap->supervisorLeft(mSessionId);
}

bool MediaBridge::mixesTo(Side side) const {
  // While held the customer hears music and the agent is not talking to anyone: the supervisor
  // still listens, and speaks to nobody.
  if (!mMonitor || mHeld) return false;
  return side == Side::Agent ? mMonitorMode != MonitorMode::Listen : mMonitorMode == MonitorMode::Barge;
}

void MediaBridge::sendMixes(std::int64_t us) {
  using Party = MonitorMix::Party;
  mMix->advance();
  std::array<unsigned char, 1500> opus{};
  std::size_t size = 0;
  RtpHeader h;
  if (mMix->encodeFor(Party::Supervisor, h, opus, size)) mMonitor->sendAudio(kMixId, h, opus.data(), size, us);
  for (Side side : {Side::Agent, Side::Far}) {
    BridgeLeg* to = leg(side);
    if (!to || !mixesTo(side)) continue;
    if (mMix->encodeFor(side == Side::Agent ? Party::Agent : Party::Far, h, opus, size))
      to->sendAudio(kMixId, h, opus.data(), size, us);
  }
}

void MediaBridge::setSimulatedCaller(std::unique_ptr<AudioSource> voice, const std::string& participant) {
  if (mClosed || !voice) return;
  const bool first = !mCallerVoice;
  mCallerVoice = makeGenerator(std::move(voice));
  if (mCallerVoice) mCallerVoice->id = kCallerVoiceId;
  if (first && mCallerVoice && mTap) mTap->joined(mSessionId, Side::Far, participant);
}

void MediaBridge::setHeld(bool held) {
  mHeld = held;
  for (auto& l : mLegs)
    if (l) l->setHeld(held);
}

void MediaBridge::tick(std::chrono::steady_clock::time_point now, std::int64_t us) {
  if (mClosed) return;
  if (mRinging) mRinging->tick(now);
  if (mMonitor) mMonitor->tick(now);
  for (std::size_t i = 0; i < mLegs.size(); ++i) {
    auto& l = mLegs[i];
    if (!l) continue;
    l->tick(now);
    // A leg that has just connected gets a picture at once: ask the other side for a key frame.
    const bool connected = l->connected();
    if (connected && !mWasConnected[i]) {
      if (BridgeLeg* o = leg(other(static_cast<Side>(i)))) o->requestKeyFrame();
    }
    mWasConnected[i] = connected;
  }
  std::array<unsigned char, 1500> opus{};
  std::size_t size = 0;
  RtpHeader h;
  MonitorMix::Frame voice{};
  if (mCallerVoice && mCallerVoice->next(h, opus, size, mMix ? &voice : nullptr)) {
    if (mTap) mTap->audio(mSessionId, Side::Far, h, opus.data(), size);
    if (mMix) mMix->heard(MonitorMix::Party::Far, voice);
    if (!mHeld && !mixesTo(Side::Agent))
      if (BridgeLeg* a = leg(Side::Agent)) a->sendAudio(mCallerVoice->id, h, opus.data(), size, us);
  }
  if (mMonitor) sendMixes(us);
  // The agent's SDK sends its own music on hold (the integrator's, when it chose one), which is
  // forwarded; when it sends nothing — a dead browser, another kind of far end — the server's music
  // plays, in the same stream as the agent's voice before it. A customer whose agent has left (a
  // transfer, waiting for the next agent) hears it too.
  BridgeLeg* far = leg(Side::Far);
  BridgeLeg* agent = leg(Side::Agent);
  const bool agentPlays = mHeld && us - mLastAgentAudioUs < 100000;
  const bool toFar = far && ((mHeld && !agentPlays) || !agent);
  const bool toAgent = mHeld && mCallerVoice && agent;  // the simulated caller's music on hold
  if (!toFar && !toAgent) return;
  if (!mHoldMusic) {
    mHoldMusic = makeGenerator(AudioSource::holdMusic());
    if (!mHoldMusic) return;
    mHoldMusic->id = kHoldMusicId;
  }
  if (!mHoldMusic->next(h, opus, size)) return;
  if (toFar) far->sendAudio(mHoldMusic->id, h, opus.data(), size, us);
  if (toAgent) agent->sendAudio(mHoldMusic->id, h, opus.data(), size, us);
}

void MediaBridge::close() {
  if (mClosed) return;
  mClosed = true;
  unring();
  detachMonitor();
  for (auto& l : mLegs) {
    if (l) l->close();
    l.reset();
  }
  if (mTap) mTap->ended(mSessionId);
}

// --- what the legs receive ------------------------------------------------------------------------

void MediaBridge::onAudio(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) {
  if (&from == mRinging.get()) return;  // an agent who has not accepted yet is heard by nobody
  const bool dtmf = from.isDtmf(header.payloadType);
  if (&from == mMonitor.get()) {
    // Heard only through the mix, and only once the supervisor speaks (whisper, barge). What the
    // customer hears from it (a barge, not while held) is part of the call's record; a whisper is
    // between the supervisor and the agent.
    if (dtmf || mMonitorMode == MonitorMode::Listen) return;
    mMix->heard(MonitorMix::Party::Supervisor, payload, size);
    if (mTap && mixesTo(Side::Far)) mTap->bargeAudio(mSessionId, mSupervisor, header, payload, size);
    return;
  }
  const Side side = sideOf(from);
  if (mTap && !dtmf) mTap->audio(mSessionId, side, header, payload, size);
  if (mMix && !dtmf)
    mMix->heard(side == Side::Agent ? MonitorMix::Party::Agent : MonitorMix::Party::Far, payload, size);
  // While held the customer hears the agent's music on hold (its SDK sends it instead of the
  // microphone), and the customer's silenced stream still reaches the agent, whose SDK does not play
  // it: the streams stay alive, so neither side's one-way-audio watch fires.
  if (mHeld && side == Side::Agent) mLastAgentAudioUs = nowUs();
  if (!dtmf && mixesTo(other(side))) return;  // the other side hears this in the supervisor's mix
  if (BridgeLeg* to = leg(other(side)))
    to->sendAudio(sourceId(side, header.ssrc), header, payload, size, nowUs(), dtmf);
}

void MediaBridge::onVideo(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) {
  if (mHeld || &from == mRinging.get() || &from == mMonitor.get()) return;
  const Side side = sideOf(from);
  if (BridgeLeg* to = leg(other(side))) to->sendVideo(sourceId(side, header.ssrc), header, payload, size, nowUs());
}

void MediaBridge::onKeyFrameRequest(BridgeLeg& from) {
  if (&from == mRinging.get() || &from == mMonitor.get()) return;
  if (BridgeLeg* sender = leg(other(sideOf(from)))) sender->requestKeyFrame();
}

}  // namespace tccc::server::media
