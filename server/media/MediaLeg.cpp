// SPDX-License-Identifier: Apache-2.0
#include "media/MediaLeg.hpp"

#include "media/RtpHeader.hpp"
#include "store/SecureRandom.hpp"

#include <openssl/rand.h>
#include <opus/opus.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <stdexcept>

namespace tccc::server::media {

namespace {

constexpr auto kFrame = std::chrono::milliseconds(20);
constexpr auto kConnectTimeout = std::chrono::seconds(30);  // ICE + DTLS after the offer
constexpr auto kSilenceTimeout = std::chrono::seconds(30);  // nothing at all from the browser
constexpr std::size_t kLevelFrames = 25;                    // rmsIn window: 500 ms
constexpr std::size_t kMaxValidated = 8;

// ICE ufrag/pwd (RFC 8445 ice-chars): alphanumerics are a valid subset.
std::string randomIceString(std::size_t n) { return SecureRandom::alphanumeric(n); }

std::uint32_t random32() {
  std::uint32_t v = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

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

std::string describe(const boost::asio::ip::udp::endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

}  // namespace

MediaLeg::MediaLeg(boost::asio::io_context& io, const DtlsIdentity& identity, boost::asio::ip::udp::socket socket,
                   std::string host, std::unique_ptr<AudioSource> voice, std::shared_ptr<MediaStats> stats)
    : mIdentity(identity),
      mSocket(std::move(socket)),
      mTimer(io),
      mHost(std::move(host)),
      mVoice(std::move(voice)),
      mHoldMusic(AudioSource::holdMusic()),
      mStats(std::move(stats)),
      mDtls(identity) {
  boost::system::error_code ec;
  mPort = mSocket.local_endpoint(ec).port();
  mSocket.non_blocking(true, ec);  // a full send buffer drops a packet instead of stalling the server
  mUfrag = randomIceString(8);
  mPwd = randomIceString(24);
  mSsrc = random32() | 1;
  mSeq = static_cast<std::uint16_t>(random32());
  mTimestamp = random32();
  int err = 0;
  mEncoder = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || !mEncoder) throw std::runtime_error("opus_encoder_create failed");
  opus_encoder_ctl(mEncoder, OPUS_SET_BITRATE(32000));
  opus_encoder_ctl(mEncoder, OPUS_SET_COMPLEXITY(5));  // half the CPU of 10, inaudible on speech
  mDecoder = opus_decoder_create(kSampleRate, 1, &err);
  if (err != OPUS_OK || !mDecoder) throw std::runtime_error("opus_decoder_create failed");
}

MediaLeg::~MediaLeg() {
  if (mEncoder) opus_encoder_destroy(mEncoder);
  if (mDecoder) opus_decoder_destroy(mDecoder);
}

std::int64_t MediaLeg::wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SdpOffer MediaLeg::localDescription() const {
  SdpOffer offer;
  offer.sessionVersion = mSdpSessionId;
  offer.iceUfrag = mUfrag;
  offer.icePwd = mPwd;
  offer.fingerprint = mIdentity.fingerprint();
  offer.host = mHost;
  offer.port = mPort;
  offer.ssrc = mSsrc;
  return offer;
}

std::string MediaLeg::start(std::uint64_t sdpSessionId) {
  mSdpSessionId = sdpSessionId;
  SdpOffer offer = localDescription();
  mStartedAt = mLastInbound = std::chrono::steady_clock::now();
  mNextTick = mStartedAt + kFrame;
  receive();
  armTick();
  return Sdp::buildOffer(offer);
}

std::optional<std::string> MediaLeg::setAnswer(const std::string& sdp) {
  if (mClosed) return std::string("the media leg is closed");
  auto parsed = Sdp::parseAnswer(sdp);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    fail("unusable SDP answer: " + *why);
    return *why;
  }
  mAnswer = std::get<SdpAnswer>(parsed);
  if (mStats->state == "new") mStats->state = "connecting";
  mDtls.setRemoteFingerprint(mAnswer->fingerprintAlgorithm, mAnswer->fingerprint);
  // A passive browser waits for our ClientHello; that needs a checked address to send it to, so
  // it starts here or at the first successful check, whichever comes last.
  if (mAnswer->setup == "passive" && mSelected && !mDtls.started()) mDtls.start(DtlsTransport::Role::Client);
  flushDtls();
  return std::nullopt;
}

std::optional<std::string> MediaLeg::restartIce(const std::string& offerSdp, std::string& answer) {
  if (mClosed) return std::string("the media leg is closed");
  if (!mAnswer) return std::string("the first negotiation has not finished");
  auto parsed = Sdp::parseOffer(offerSdp);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  const SdpAnswer& offer = std::get<SdpAnswer>(parsed);
  if (offer.fingerprint != mAnswer->fingerprint)
    return std::string("the re-offer carries another certificate; only an ICE restart is supported");
  if (offer.opusPayloadType != mAnswer->opusPayloadType)
    return std::string("the re-offer changes the Opus payload type");
  // New credentials on both sides (RFC 8445 9): checks with the old ones are refused from now on.
  // Addresses that passed a check stay valid for DTLS/SRTP until a new pair is nominated, so audio
  // keeps flowing over the old path while the browser checks the new one.
  mAnswer->iceUfrag = offer.iceUfrag;
  mAnswer->icePwd = offer.icePwd;
  mUfrag = randomIceString(8);
  mPwd = randomIceString(24);
  mNominated = false;
  SdpOffer ours = localDescription();
  // The DTLS roles of the association stay as they are.
  ours.setup = mAnswer->setup == "passive" ? "active" : "passive";
  ours.version = ++mSdpVersion;
  answer = Sdp::buildOffer(ours);
  // A path that died (no checks, or nothing received) may come back over the new one; a failed DTLS
  // association (e.g. a certificate mismatch) cannot.
  if (mStats->state == "failed" && mDtls.state() != DtlsTransport::State::Failed) {
    mStats->state = mSrtpOut ? "connected" : "connecting";
    mStats->error.clear();
  }
  mStartedAt = mLastInbound = std::chrono::steady_clock::now();
  if (!mTicking) {
    mNextTick = mStartedAt + kFrame;
    armTick();
  }
  return std::nullopt;
}

bool MediaLeg::record(const std::string& path) {
  auto writer = std::make_unique<WavWriter>(path, 2, kSampleRate);
  if (!writer->ok()) return false;
  mRecorder = std::move(writer);
  mStats->recording = path;
  return true;
}

void MediaLeg::setHeld(bool held) {
  mHeld = held;
  mStats->held = held;
}

void MediaLeg::close() {
  if (mClosed) return;
  mClosed = true;
  boost::system::error_code ec;
  mTimer.cancel();
  mSocket.close(ec);
  if (mRecorder) mRecorder->close();
  mStats->state = "closed";  // an earlier failure stays explained in `error`
  mStats->closedAtMs = wallMs();
}

void MediaLeg::fail(const std::string& why) {
  if (mStats->state == "failed" || mClosed) return;
  spdlog::warn("server media leg on port {} failed: {}", mPort, why);
  mStats->state = "failed";
  mStats->error = why;
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
                                   ++self->mStats->dropped;
                                   spdlog::warn("media leg: dropped a datagram: {}", e.what());
                                 }
                               }
                               self->receive();
                             });
}

bool MediaLeg::validated(const Udp::endpoint& from) const {
  for (const auto& e : mValidated)
    if (e == from) return true;
  return false;
}

void MediaLeg::onDatagram(std::size_t size) {
  const std::uint8_t* data = mRx.data();
  switch (classifyPacket(data, size)) {
    case PacketKind::Stun:
      onStun(data, size);
      break;
    case PacketKind::Dtls:
      if (!validated(mRxFrom)) {
        ++mStats->dropped;
        return;
      }
      onDtls(data, size);
      break;
    case PacketKind::Rtp:
    case PacketKind::Rtcp:
      if (!validated(mRxFrom)) {
        ++mStats->dropped;
        return;
      }
      onSrtp(data, size, classifyPacket(data, size) == PacketKind::Rtcp);
      break;
    case PacketKind::Unknown:
      ++mStats->dropped;
      break;
  }
}

void MediaLeg::onStun(const std::uint8_t* data, std::size_t size) {
  auto msg = StunMessage::decode(data, size);
  if (!msg) {
    ++mStats->dropped;
    return;
  }
  if (msg->type == StunMessage::kBindingIndication) {  // keepalive
    if (validated(mRxFrom)) mLastInbound = std::chrono::steady_clock::now();
    return;
  }
  if (msg->type != StunMessage::kBindingRequest) {
    ++mStats->dropped;
    return;
  }
  // RFC 8445 7.3: USERNAME is "<our ufrag>:<their ufrag>" and the integrity key is our password.
  auto user = msg->username();
  bool ours = user && user->size() > mUfrag.size() && user->compare(0, mUfrag.size(), mUfrag) == 0 &&
              (*user)[mUfrag.size()] == ':';
  if (!ours || !msg->checkIntegrity(data, size, mPwd)) {
    ++mStats->dropped;
    auto reply = StunMessage::bindingError(msg->transactionId, ours ? 401 : 400, ours ? "Unauthorized" : "Bad Request");
    sendTo(mRxFrom, reply.data(), reply.size());
    return;
  }
  if (mAnswer && user->compare(mUfrag.size() + 1, std::string::npos, mAnswer->iceUfrag) != 0) {
    ++mStats->dropped;  // a check from an older negotiation
    return;
  }
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
      mStats->remoteAddress = describe(mRxFrom);
    }
    if (nominate) mNominated = true;
  }
  if (mStats->state == "new") mStats->state = "connecting";
  if (mAnswer && mAnswer->setup == "passive" && !mDtls.started()) {
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
      fail(e.what());
      return;
    }
    mStats->state = "connected";
    mStats->connectedAtMs = wallMs();
    spdlog::debug("server media leg on port {} connected to {}", mPort, mStats->remoteAddress);
  } else if (mDtls.state() == DtlsTransport::State::Failed) {
    fail(mDtls.error());
  } else if (mDtls.state() == DtlsTransport::State::Closed && mStats->state == "connected") {
    fail("the browser closed the DTLS association");
  }
}

void MediaLeg::onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp) {
  if (!mSrtpIn || mStats->state != "connected") {
    ++mStats->dropped;
    return;
  }
  std::vector<std::uint8_t> packet(data, data + size);
  if (rtcp) {
    if (mSrtpIn->unprotectRtcp(packet)) {
      ++mStats->rtcpIn;
      mLastInbound = std::chrono::steady_clock::now();
    } else {
      ++mStats->dropped;
    }
    return;
  }
  if (!mSrtpIn->unprotectRtp(packet)) {
    ++mStats->dropped;
    return;
  }
  auto header = RtpHeader::read(packet.data(), packet.size());
  if (!header) {
    ++mStats->dropped;
    return;
  }
  mLastInbound = std::chrono::steady_clock::now();
  ++mStats->packetsIn;
  mStats->bytesIn += header->payloadSize;
  if (mHeld || !mAnswer || header->payloadType != mAnswer->opusPayloadType || header->payloadSize == 0) return;
  std::array<opus_int16, 5760> pcm{};  // up to 120 ms
  int n = opus_decode(mDecoder, packet.data() + header->payloadOffset, static_cast<opus_int32>(header->payloadSize),
                      pcm.data(), static_cast<int>(pcm.size()), 0);
  if (n <= 0) {
    ++mStats->dropped;
    return;
  }
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    double v = pcm[static_cast<std::size_t>(i)] / 32768.0;
    sum += v * v;
  }
  mLevelWindow.push_back(sum);
  mLevelCounts.push_back(static_cast<std::size_t>(n));
  mLevelSum += sum;
  mLevelSamples += static_cast<std::size_t>(n);
  while (mLevelWindow.size() > kLevelFrames) {
    mLevelSum -= mLevelWindow.front();
    mLevelSamples -= mLevelCounts.front();
    mLevelWindow.pop_front();
    mLevelCounts.pop_front();
  }
  mStats->rmsIn = mLevelSamples ? std::sqrt(std::max(0.0, mLevelSum) / static_cast<double>(mLevelSamples)) : 0.0;
  if (mRecorder) {
    // Written out by the 20 ms clock next to what we say; more than half a second queued means the
    // agent sends faster than real time (or the clock stalled): the oldest is dropped.
    mHeard.insert(mHeard.end(), pcm.begin(), pcm.begin() + n);
    while (mHeard.size() > kSampleRate / 2) mHeard.pop_front();
  }
  mStats->peakRmsIn = std::max(mStats->peakRmsIn, mStats->rmsIn);
}

// --- sending ---------------------------------------------------------------------------------

void MediaLeg::sendTo(const Udp::endpoint& to, const std::uint8_t* data, std::size_t size) {
  if (mClosed) return;
  boost::system::error_code ec;
  mSocket.send_to(boost::asio::buffer(data, size), to, 0, ec);  // would_block: the packet is lost, as on a wire
}

void MediaLeg::armTick() {
  mTicking = false;
  if (mClosed) return;
  // A failed leg has nothing to send or retransmit: its clock stops until an ICE restart revives it.
  if (mStats->state == "failed") return;
  mTicking = true;
  auto now = std::chrono::steady_clock::now();
  if (mNextTick < now - 10 * kFrame) mNextTick = now;  // the loop stalled: do not burst to catch up
  mTimer.expires_at(mNextTick);
  auto self = shared_from_this();
  mTimer.async_wait([self](const boost::system::error_code& ec) {
    if (ec || self->mClosed) return;
    self->mNextTick += kFrame;
    try {
      self->tick();
    } catch (const std::exception& e) {
      self->fail(std::string("media tick: ") + e.what());
    }
    self->armTick();
  });
}

void MediaLeg::tick() {
  if (mStats->state == "failed") return;
  auto now = std::chrono::steady_clock::now();
  mDtls.onTimer();
  flushDtls();
  if (mStats->state == "connected") {
    if (now - mLastInbound > kSilenceTimeout) {
      fail("nothing received from the browser for 30 s");
      return;
    }
    sendAudioFrame();
  } else if (now - mStartedAt > kConnectTimeout) {
    fail(mSelected ? "the DTLS handshake did not complete within 30 s"
                   : "no ICE connectivity check arrived within 30 s");
  }
}

void MediaLeg::sendAudioFrame() {
  if (!mSelected || !mSrtpOut) return;
  std::array<std::int16_t, kFrameSamples> pcm{};
  (mHeld ? *mHoldMusic : *mVoice).next(pcm);
  if (mRecorder) {
    std::array<std::int16_t, 2 * kFrameSamples> stereo{};
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
      stereo[2 * i] = pcm[i];
      if (!mHeard.empty()) {
        stereo[2 * i + 1] = mHeard.front();
        mHeard.pop_front();
      }
    }
    if (!mRecorder->write(stereo.data(), kFrameSamples)) mRecorder.reset();  // full disk or cap: stop, keep the call
  }
  std::array<unsigned char, 1500> opus{};
  opus_int32 n = opus_encode(mEncoder, pcm.data(), kFrameSamples, opus.data(), static_cast<opus_int32>(opus.size()));
  if (n <= 0) return;
  RtpHeader h;
  h.marker = mFirstPacket;
  h.payloadType = static_cast<std::uint8_t>(mAnswer ? mAnswer->opusPayloadType : Sdp::kOpusPayloadType);
  h.sequence = mSeq++;
  h.timestamp = mTimestamp;
  h.ssrc = mSsrc;
  mTimestamp += kFrameSamples;
  mFirstPacket = false;
  std::vector<std::uint8_t> packet;
  packet.reserve(12 + static_cast<std::size_t>(n) + 16);
  h.write(packet);
  packet.insert(packet.end(), opus.begin(), opus.begin() + n);
  if (!mSrtpOut->protectRtp(packet)) return;
  sendTo(*mSelected, packet.data(), packet.size());
  ++mStats->packetsOut;
  mStats->bytesOut += static_cast<std::uint64_t>(n);
}

}  // namespace tccc::server::media
