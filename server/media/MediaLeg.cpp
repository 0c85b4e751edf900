// SPDX-License-Identifier: Apache-2.0
#include "media/MediaLeg.hpp"
#include "media/WallClock.hpp"

#include "media/AudioSource.hpp"
#include "media/RtcpFeedback.hpp"
#include "random/SecureRandom.hpp"

#include <opus/opus.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tccc::server::media {

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(30);          // ICE + DTLS after the offer
constexpr auto kSilenceTimeout = std::chrono::seconds(30);          // nothing at all from the browser
constexpr auto kKeyFrameInterval = std::chrono::milliseconds(300);  // PLIs to one browser at most this often
constexpr std::size_t kMaxValidated = 8;

// ICE ufrag/pwd (RFC 8445 ice-chars): alphanumerics are a valid subset.
std::string randomIceString(std::size_t n) { return SecureRandom::alphanumeric(n); }

StunAddress toStun(const boost::asio::ip::udp::endpoint& e) {
  StunAddress a;
  a.port = e.port();
  if (e.address().is_v4()) {
    auto b = e.address().to_v4().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
  } else {
    a.ipv6 = true;
    auto b = e.address().to_v6().to_bytes();
    std::copy(b.begin(), b.end(), a.ip.begin());
  }
  return a;
}

std::string describeEndpoint(const boost::asio::ip::udp::endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

}  // namespace

MediaLeg::MediaLeg(boost::asio::io_context& /*io*/, const DtlsIdentity& identity, boost::asio::ip::udp::socket socket,
                   std::string host, std::shared_ptr<MediaStats> stats)
    : mIdentity(identity),
      mSocket(std::move(socket)),
      mHost(std::move(host)),
      mStats(std::move(stats)),
      mDtls(identity),
      mAudioOut(SecureRandom::uint32() | 1, kSampleRate, static_cast<std::uint16_t>(SecureRandom::uint32()),
                SecureRandom::uint32()),
      mVideoOut(SecureRandom::uint32() | 1, 90000, static_cast<std::uint16_t>(SecureRandom::uint32()),
                SecureRandom::uint32()) {
  boost::system::error_code ec;
  mPort = mSocket.local_endpoint(ec).port();
  mSocket.non_blocking(true, ec);  // a full send buffer drops a packet instead of stalling the server
  mUfrag = randomIceString(8);
  mPwd = randomIceString(24);
}

MediaLeg::~MediaLeg() = default;

std::int64_t MediaLeg::wallMs() { return wallClockMs(); }

LocalDescription MediaLeg::describe(std::uint64_t sdpSessionId) const {
  LocalDescription d;
  d.sessionVersion = sdpSessionId;
  d.iceUfrag = mUfrag;
  d.icePwd = mPwd;
  d.fingerprint = mIdentity.fingerprint();
  d.host = mHost;
  d.port = mPort;
  d.ssrc = mAudioOut.ssrc();
  d.videoSsrc = mVideoOut.ssrc();
  d.opusPayloadType = mOpusPt;
  d.dtmfPayloadType = mDtmfPt;
  d.vp8PayloadType = mVp8Pt;
  d.video = mVideo;
  return d;
}

std::string MediaLeg::offer(std::uint64_t sdpSessionId, bool video) {
  mOfferer = true;
  mVideo = video;
  mLocal = describe(sdpSessionId);
  return Sdp::build(mLocal);
}

std::string MediaLeg::answer(std::uint64_t sdpSessionId, const RemoteDescription& offer) {
  mOfferer = false;
  mRemote = offer;
  mOpusPt = offer.opusPayloadType;
  mDtmfPt = offer.dtmfPayloadType;
  // Video we cannot forward (no VP8 offered) is refused; the call goes on with audio.
  mVideo = offer.video && offer.vp8PayloadType >= 0;
  if (mVideo) mVp8Pt = offer.vp8PayloadType;
  LocalDescription d = describe(sdpSessionId);
  d.audioMid = offer.audioMid;
  d.audioDirection = Sdp::answerDirection(offer.direction);
  d.video = offer.video;
  d.videoRejected = offer.video && !mVideo;
  d.videoMid = offer.videoMid;
  d.videoFirst = offer.videoFirst;
  d.videoDirection = Sdp::answerDirection(offer.videoDirection);
  // An actpass browser lets us choose; we stay the DTLS server and let it connect (RFC 8842 5.3).
  d.setup = offer.setup == "active" ? "passive" : offer.setup == "passive" ? "active" : "passive";
  if (mRemote->setup == "actpass") mRemote->setup = "active";
  mDtls.setRemoteFingerprint(offer.fingerprintAlgorithm, offer.fingerprint);
  mLocal = d;
  return Sdp::build(d);
}

void MediaLeg::start(MediaLegSink* sink) {
  mSink = sink;
  mStarted = true;
  mStartedAt = mLastInbound = std::chrono::steady_clock::now();
  if (mMeasureLevel && !mMeter) mMeter = std::make_unique<LevelMeter>();
  receive();
}

void MediaLeg::setAnswer(const RemoteDescription& answer) {
  if (mClosed) return;
  mRemote = answer;
  mOpusPt = answer.opusPayloadType;
  mDtmfPt = answer.dtmfPayloadType;
  if (mVideo && (!answer.video || answer.vp8PayloadType < 0)) mVideo = false;  // the browser refused video
  if (mVideo) mVp8Pt = answer.vp8PayloadType;
  setState("connecting");
  mDtls.setRemoteFingerprint(answer.fingerprintAlgorithm, answer.fingerprint);
  // A passive browser waits for our ClientHello; that needs a checked address to send it to, so
  // it starts here or at the first successful check, whichever comes last.
  if (answer.setup == "passive" && mSelected && !mDtls.started()) mDtls.start(DtlsTransport::Role::Client);
  flushDtls();
}

void MediaLeg::restartIce(const RemoteDescription& offer, const std::string& localUfrag, const std::string& localPwd) {
  if (mClosed || !mRemote) return;
  // New credentials on both sides (RFC 8445 9): checks with the old ones are refused from now on.
  // Addresses that passed a check stay valid for DTLS/SRTP until a new pair is nominated, so media
  // keeps flowing over the old path while the browser checks the new one.
  mRemote->iceUfrag = offer.iceUfrag;
  mRemote->icePwd = offer.icePwd;
  mUfrag = localUfrag;
  mPwd = localPwd;
  mNominated = false;
  // A path that died (no checks, or nothing received) may come back over the new one; a failed DTLS
  // association (e.g. a certificate mismatch) cannot.
  if (mFailed && mDtls.state() != DtlsTransport::State::Failed) {
    mFailed = false;
    std::lock_guard lock(mStats->mutex);
    mStats->state = mSrtpOut ? "connected" : "connecting";
    mStats->error.clear();
  }
  mStartedAt = mLastInbound = std::chrono::steady_clock::now();
}

void MediaLeg::setHeld(bool held) {
  mHeld = held;
  std::lock_guard lock(mStats->mutex);
  mStats->held = held;
}

void MediaLeg::setLoss(double fraction) {
  mLossIn.setLoss(fraction);
  mLossOut.setLoss(fraction);
  std::lock_guard lock(mStats->mutex);
  mStats->loss = mLossIn.loss();
}

void MediaLeg::close() {
  if (mClosed) return;
  mClosed = true;
  mSink = nullptr;
  boost::system::error_code ec;
  mSocket.close(ec);
  std::lock_guard lock(mStats->mutex);
  mStats->state = "closed";  // an earlier failure stays explained in `error`
  mStats->closedAtMs = wallMs();
}

void MediaLeg::setState(const char* state) {
  std::lock_guard lock(mStats->mutex);
  if (mStats->state == "new" || std::string_view(state) != "connecting") mStats->state = state;
}

void MediaLeg::fail(const std::string& why) {
  if (mFailed || mClosed) return;
  mFailed = true;
  spdlog::warn("server media leg on port {} failed: {}", mPort, why);
  std::lock_guard lock(mStats->mutex);
  mStats->state = "failed";
  mStats->error = why;
}

void MediaLeg::dropped() {
  std::lock_guard lock(mStats->mutex);
  ++mStats->dropped;
}

// --- receiving -------------------------------------------------------------------------------

void MediaLeg::receive() {
  if (mClosed) return;
  auto self = shared_from_this();
  mSocket.async_receive_from(boost::asio::buffer(mRx), mRxFrom,
                             [self](const boost::system::error_code& ec, std::size_t n) {
                               if (self->mClosed || ec == boost::asio::error::operation_aborted) return;
                               // Other errors (e.g. an ICMP unreachable reported on the socket) are
                               // per datagram: keep listening.
                               if (!ec) {
                                 try {
                                   self->onDatagram(n);
                                 } catch (const std::exception& e) {
                                   self->dropped();
                                   spdlog::warn("media leg: dropped a datagram: {}", e.what());
                                 }
                               }
                               self->receive();
                             });
}

bool MediaLeg::validated(const Udp::endpoint& from) const {
  return std::find(mValidated.begin(), mValidated.end(), from) != mValidated.end();
}

void MediaLeg::onDatagram(std::size_t size) {
  if (mUdpBlocked) return;  // as if the network had lost it, before anything could see it
  const std::uint8_t* data = mRx.data();
  const PacketKind kind = classifyPacket(data, size);
  if (kind == PacketKind::Stun) return onStun(data, size);
  if (kind == PacketKind::Unknown || !validated(mRxFrom)) return dropped();
  if (kind == PacketKind::Dtls) return onDtls(data, size);
  onSrtp(data, size, kind == PacketKind::Rtcp);
}

void MediaLeg::onStun(const std::uint8_t* data, std::size_t size) {
  auto msg = StunMessage::decode(data, size);
  if (!msg) return dropped();
  if (msg->type == StunMessage::kBindingIndication) {  // keepalive
    if (validated(mRxFrom)) mLastInbound = std::chrono::steady_clock::now();
    return;
  }
  if (msg->type != StunMessage::kBindingRequest) return dropped();
  // RFC 8445 7.3: USERNAME is "<our ufrag>:<their ufrag>" and the integrity key is our password.
  auto user = msg->username();
  bool ours = user && user->size() > mUfrag.size() && user->compare(0, mUfrag.size(), mUfrag) == 0 &&
              (*user)[mUfrag.size()] == ':';
  if (!ours || !msg->checkIntegrity(data, size, mPwd)) {
    dropped();
    auto reply = StunMessage::bindingError(msg->transactionId, ours ? 401 : 400, ours ? "Unauthorized" : "Bad Request");
    sendTo(mRxFrom, reply.data(), reply.size());
    return;
  }
  if (mRemote && user->compare(mUfrag.size() + 1, std::string::npos, mRemote->iceUfrag) != 0)
    return dropped();  // a check from an older negotiation
  auto reply = StunMessage::bindingSuccess(msg->transactionId, toStun(mRxFrom), mPwd);
  sendTo(mRxFrom, reply.data(), reply.size());
  mLastInbound = std::chrono::steady_clock::now();
  if (!validated(mRxFrom)) {
    if (mValidated.size() >= kMaxValidated) mValidated.erase(mValidated.begin());
    mValidated.push_back(mRxFrom);
  }
  // The controlling browser nominates with USE-CANDIDATE; until then the latest checked address.
  bool nominate = msg->has(StunMessage::kAttrUseCandidate);
  if (nominate || !mNominated) {
    if (!mSelected || *mSelected != mRxFrom) {
      mSelected = mRxFrom;
      std::lock_guard lock(mStats->mutex);
      mStats->remoteAddress = describeEndpoint(mRxFrom);
    }
    if (nominate) mNominated = true;
  }
  setState("connecting");
  if (mRemote && mRemote->setup == "passive" && !mDtls.started()) {
    mDtls.start(DtlsTransport::Role::Client);
    flushDtls();
  }
}

void MediaLeg::onDtls(const std::uint8_t* data, std::size_t size) {
  mLastInbound = std::chrono::steady_clock::now();
  // A ClientHello before the answer arrived: the browser is active, so we are the server.
  if (!mDtls.started()) mDtls.start(DtlsTransport::Role::Server);
  mDtls.onData(data, size);
  flushDtls();
}

void MediaLeg::flushDtls() {
  for (auto& d : mDtls.takeOutgoing())
    if (mSelected) sendTo(*mSelected, d.data(), d.size());
  if (mDtls.state() == DtlsTransport::State::Connected && !mSrtpOut) {
    auto keys = *mDtls.srtpKeys();
    try {
      mSrtpOut = std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, keys.local);
      mSrtpIn = std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, keys.remote);
    } catch (const std::exception& e) {
      mSrtpOut.reset();
      fail(e.what());
      return;
    }
    {
      std::lock_guard lock(mStats->mutex);
      mStats->state = "connected";
      mStats->connectedAtMs = wallMs();
    }
    spdlog::debug("server media leg on port {} connected", mPort);
    // Whoever sends us video starts with a key frame for whoever we forward it to.
    if (mVideo) requestKeyFrame();
  } else if (mDtls.state() == DtlsTransport::State::Failed) {
    fail(mDtls.error());
  } else if (mDtls.state() == DtlsTransport::State::Closed && mSrtpOut) {
    fail("the browser closed the DTLS association");
  }
}

void MediaLeg::onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp) {
  if (!mSrtpIn || mFailed) return dropped();
  mScratch.assign(data, data + size);
  if (rtcp) {
    if (!mSrtpIn->unprotectRtcp(mScratch)) return dropped();
    mLastInbound = std::chrono::steady_clock::now();
    onRtcp(mScratch.data(), mScratch.size());
    return;
  }
  if (!mSrtpIn->unprotectRtp(mScratch)) return dropped();
  auto header = RtpHeader::read(mScratch.data(), mScratch.size());
  if (!header) return dropped();
  mLastInbound = std::chrono::steady_clock::now();
  const std::uint8_t* payload = mScratch.data() + header->payloadOffset;
  const bool audio = header->payloadType == mOpusPt || isDtmf(header->payloadType);
  if (audio && mLossIn.drop()) {  // simulated loss: as if the network had lost it
    std::lock_guard lock(mStats->mutex);
    ++mStats->impairedIn;
    return;
  }
  if (header->payloadType == mOpusPt) {
    {
      std::lock_guard lock(mStats->mutex);
      ++mStats->packetsIn;
      mStats->bytesIn += header->payloadSize;
    }
    if (header->payloadSize == 0) return;
    if (mMeter && !mHeld) measure(header->timestamp, payload, header->payloadSize);  // a held browser plays music
    if (mSink) mSink->onAudio(*this, *header, payload, header->payloadSize);
  } else if (isDtmf(header->payloadType)) {
    if (mSink && header->payloadSize >= 4) mSink->onAudio(*this, *header, payload, header->payloadSize);
  } else if (mVideo && header->payloadType == mVp8Pt) {
    mRemoteVideoSsrc = header->ssrc;
    {
      std::lock_guard lock(mStats->mutex);
      ++mStats->videoPacketsIn;
    }
    if (mSink) mSink->onVideo(*this, *header, payload, header->payloadSize);
  }
  // Other payload types (comfort noise, RED, a codec we did not negotiate) are not forwarded.
}

void MediaLeg::onRtcp(const std::uint8_t* data, std::size_t size) {
  RtcpFeedback fb = RtcpFeedback::read(data, size);
  {
    std::lock_guard lock(mStats->mutex);
    ++mStats->rtcpIn;
    if (fb.keyFrameRequested) ++mStats->keyFrameRequests;
  }
  if (!fb.nacked.empty() && mSelected) {
    std::uint64_t resent = 0;
    for (std::uint16_t seq : fb.nacked) {
      const std::size_t slot = seq % kHistory;
      if (slot < mVideoHistory.size() && mVideoHistorySeq[slot] == seq && !mVideoHistory[slot].empty()) {
        sendTo(*mSelected, mVideoHistory[slot].data(), mVideoHistory[slot].size());
        ++resent;
      }
    }
    std::lock_guard lock(mStats->mutex);
    mStats->retransmitted += resent;
  }
  if (fb.keyFrameRequested && mSink) mSink->onKeyFrameRequest(*this);
}

void MediaLeg::measure(std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size) {
  // A sender with DTX (the native SDK) sends nothing while it hears nothing: its gaps are silence.
  if (!mMeter->addPacket(timestamp, payload, size)) return;
  const double rms = mMeter->rms();
  std::lock_guard lock(mStats->mutex);
  mStats->rmsIn = rms;
  mStats->peakRmsIn = std::max(mStats->peakRmsIn, rms);
}

// --- sending ---------------------------------------------------------------------------------

void MediaLeg::sendTo(const Udp::endpoint& to, const std::uint8_t* data, std::size_t size) {
  if (mClosed || mUdpBlocked) return;
  boost::system::error_code ec;
  mSocket.send_to(boost::asio::buffer(data, size), to, 0, ec);  // would_block: the packet is lost, as on a wire
}

void MediaLeg::sendRtp(RtpHeader& h, const std::uint8_t* payload, std::size_t size, bool video) {
  mScratch.clear();
  h.write(mScratch);
  mScratch.insert(mScratch.end(), payload, payload + size);
  if (!mSrtpOut->protectRtp(mScratch)) return;
  sendTo(*mSelected, mScratch.data(), mScratch.size());
  if (video) {
    if (mVideoHistory.empty()) {
      mVideoHistory.resize(kHistory);
      mVideoHistorySeq.resize(kHistory);
    }
    const std::size_t slot = h.sequence % kHistory;
    mVideoHistory[slot] = mScratch;
    mVideoHistorySeq[slot] = h.sequence;
  }
}

void MediaLeg::sendAudio(std::uint64_t source, const RtpHeader& in, const std::uint8_t* payload, std::size_t size,
                         std::int64_t nowUs, bool dtmf) {
  if (!connected() || !mSelected || mClosed || (dtmf && mDtmfPt < 0)) return;
  if (mLossOut.drop()) {
    std::lock_guard lock(mStats->mutex);
    ++mStats->impairedOut;
    return;
  }
  auto stamp = mAudioOut.next(source, in.sequence, in.timestamp, nowUs);
  RtpHeader h;
  // A talkspurt starts: the jitter buffer may adapt. An event's marker says its first packet.
  h.marker = dtmf ? in.marker : in.marker || stamp.sourceChanged;
  h.payloadType = static_cast<std::uint8_t>(dtmf ? mDtmfPt : mOpusPt);
  h.sequence = stamp.sequence;
  h.timestamp = stamp.timestamp;
  h.ssrc = mAudioOut.ssrc();
  sendRtp(h, payload, size, false);
  std::lock_guard lock(mStats->mutex);
  ++mStats->packetsOut;
  mStats->bytesOut += size;
}

void MediaLeg::sendVideo(std::uint64_t source, const RtpHeader& in, const std::uint8_t* payload, std::size_t size,
                         std::int64_t nowUs) {
  if (!mVideo || !connected() || !mSelected || mClosed) return;
  auto stamp = mVideoOut.next(source, in.sequence, in.timestamp, nowUs);
  RtpHeader h;
  h.marker = in.marker;  // the last packet of a frame
  h.payloadType = static_cast<std::uint8_t>(mVp8Pt);
  h.sequence = stamp.sequence;
  h.timestamp = stamp.timestamp;
  h.ssrc = mVideoOut.ssrc();
  sendRtp(h, payload, size, true);
  std::lock_guard lock(mStats->mutex);
  ++mStats->videoPacketsOut;
}

void MediaLeg::requestKeyFrame() {
  if (!mVideo || !connected() || !mSelected || mClosed) return;
  auto now = std::chrono::steady_clock::now();
  if (now - mLastKeyFrameAsked < kKeyFrameInterval) return;  // one is on its way
  mLastKeyFrameAsked = now;
  auto pli = RtcpFeedback::pli(mVideoOut.ssrc(), mRemoteVideoSsrc);
  if (!mSrtpOut->protectRtcp(pli)) return;
  sendTo(*mSelected, pli.data(), pli.size());
}

void MediaLeg::tick(std::chrono::steady_clock::time_point now) {
  if (mClosed || mFailed || !mStarted) return;
  mDtls.onTimer();
  flushDtls();
  if (connected()) {
    if (now - mLastInbound > kSilenceTimeout) fail("nothing received from the browser for 30 s");
  } else if (now - mStartedAt > kConnectTimeout) {
    fail(mSelected ? "the DTLS handshake did not complete within 30 s"
                   : "no ICE connectivity check arrived within 30 s");
  }
}

}  // namespace tccc::server::media
