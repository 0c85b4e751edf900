// SPDX-License-Identifier: Apache-2.0
#include "media/RtcAudioTransport.hpp"

#include "random/SecureRandom.hpp"
#include "rtc/RtcpReport.hpp"
#include "rtc/RtpHeader.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace tccc::native {

namespace {

using Udp = boost::asio::ip::udp;

}  // namespace

RtcAudioTransport::RtcAudioTransport(boost::asio::io_context& io, Options options)
    : mIo(io),
      mOptions(options),
      mSocket(io),
      mTimer(io),
      mUfrag(SecureRandom::alphanumeric(8)),
      mPwd(SecureRandom::alphanumeric(24)),
      mSsrc(SecureRandom::uint32()) {}

RtcAudioTransport::~RtcAudioTransport() { close(); }

double RtcAudioTransport::nowMs() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mEpoch).count();
}

bool RtcAudioTransport::openSocket(bool ipv6, std::string* error) {
  boost::system::error_code ec;
  if (mSocket.is_open()) mSocket.close(ec);
  mSocket.open(ipv6 ? Udp::v6() : Udp::v4(), ec);
  if (!ec) mSocket.bind(Udp::endpoint(ipv6 ? Udp::v6() : Udp::v4(), 0), ec);
  if (!ec) mSocket.non_blocking(true, ec);
  if (ec) {
    if (error) *error = "no UDP socket for the call's audio: " + ec.message();
    return false;
  }
  return true;
}

rtc::LocalDescription RtcAudioTransport::localDescription() const {
  rtc::LocalDescription d;
  d.sessionVersion = SecureRandom::uint32() >> 1;
  d.iceLite = false;  // we are a full, controlling agent
  d.sessionName = "tccc native sdk";
  d.cname = "tccc-native";
  d.iceUfrag = mUfrag;
  d.icePwd = mPwd;
  d.fingerprint = mIdentity.fingerprint();
  boost::system::error_code ec;
  const auto local = mSocket.local_endpoint(ec);
  d.host = ec ? "0.0.0.0" : local.address().to_string();
  d.port = ec ? 9 : local.port();
  d.ssrc = mSsrc;
  return d;
}

std::optional<std::string> RtcAudioTransport::answer(const std::string& offerSdp, std::string* error) {
  auto parsed = rtc::Sdp::parseOffer(offerSdp);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    if (error) *error = *why;
    return std::nullopt;
  }
  auto& offer = std::get<rtc::RemoteDescription>(parsed);
  mOffer = offer;
  mOpusPt = offer.opusPayloadType;
  mDtmfPt = offer.dtmfPayloadType;
  // The offer says actpass: we take the active side and start the handshake as the DTLS client.
  mDtlsClient = offer.setup != "active";
  if (!useRemote(offer, error)) return std::nullopt;
  rtc::LocalDescription d = localDescription();
  d.setup = mDtlsClient ? "active" : "passive";
  d.opusPayloadType = offer.opusPayloadType;
  d.dtmfPayloadType = offer.dtmfPayloadType;
  d.audioMid = offer.audioMid;
  d.audioDirection = rtc::Sdp::answerDirection(offer.direction);
  if (offer.video) {  // the native SDK has no camera: the video m-line is refused
    d.video = true;
    d.videoRejected = true;
    d.videoFirst = offer.videoFirst;
    d.videoMid = offer.videoMid;
    d.vp8PayloadType = offer.vp8PayloadType;
  }
  return rtc::Sdp::build(d);
}

std::optional<std::string> RtcAudioTransport::offer(std::string* error) {
  if (!openSocket(false, error)) return std::nullopt;
  rtc::LocalDescription d = localDescription();
  d.setup = "actpass";
  return rtc::Sdp::build(d);
}

bool RtcAudioTransport::setAnswer(const std::string& answerSdp, std::string* error) {
  auto parsed = rtc::Sdp::parseAnswer(answerSdp);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    if (error) *error = *why;
    return false;
  }
  auto& answer = std::get<rtc::RemoteDescription>(parsed);
  mOpusPt = answer.opusPayloadType;
  mDtmfPt = answer.dtmfPayloadType;
  mDtlsClient = answer.setup == "passive";
  return useRemote(answer, error);
}

bool RtcAudioTransport::useRemote(const rtc::RemoteDescription& remote, std::string* error) {
  if (mRemote) {
    if (error) *error = "this transport already has a remote description";
    return false;
  }
  if (remote.candidateHost.empty()) {
    if (error) *error = "the server's description has no UDP host candidate";
    return false;
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(remote.candidateHost, ec);
  if (ec) {
    if (error) *error = "the server's candidate address is not an IP address: " + remote.candidateHost.substr(0, 64);
    return false;
  }
  const Udp::endpoint server(address, remote.candidatePort);
  if (!mSocket.is_open() || (mSocket.local_endpoint(ec).address().is_v6() != address.is_v6()))
    if (!openSocket(address.is_v6(), error)) return false;
  // Connected: the kernel hands us only the server's datagrams, and send() needs no address.
  mSocket.connect(server, ec);
  if (ec) {
    if (error) *error = "cannot reach the server's media address " + remote.candidateHost + ": " + ec.message();
    return false;
  }
  mRemote = remote;
  mProgress.remote = remote.candidateHost + ":" + std::to_string(remote.candidatePort);
  mIce = std::make_unique<rtc::IceClient>(rtc::IceClient::Credentials{mUfrag, mPwd, remote.iceUfrag, remote.icePwd},
                                          SecureRandom::uint64());
  mDtls = std::make_unique<rtc::DtlsTransport>(mIdentity);
  mDtls->setRemoteFingerprint(remote.fingerprintAlgorithm, remote.fingerprint);
  mStartedMs = nowMs();
  receive();
  onTimer();
  return true;
}

void RtcAudioTransport::setReceiver(Receiver* receiver) {
  mReceiver = receiver;
  if (mReceiver && mOpen) mReceiver->onTransportOpen();
}

void RtcAudioTransport::close() {
  mReceiver = nullptr;
  mOpen = false;
  mClosed = true;
  mTimer.cancel();
  boost::system::error_code ec;
  if (mSocket.is_open()) mSocket.close(ec);
}

void RtcAudioTransport::fail(const std::string& why) {
  if (mClosed) return;
  Receiver* r = std::exchange(mReceiver, nullptr);
  close();
  if (r) r->onTransportClosed(1006, why);
}

// --- the clock: ICE checks, DTLS retransmissions, the connect deadline -----------------------------

void RtcAudioTransport::schedule(std::chrono::milliseconds in) {
  mTimer.expires_after(in);
  std::weak_ptr<char> life = mLife;
  mTimer.async_wait([this, life](const boost::system::error_code& ec) {
    if (ec || life.expired() || mClosed) return;
    onTimer();
  });
}

void RtcAudioTransport::onTimer() {
  const double now = nowMs();
  if (!mOpen && now - mStartedMs > static_cast<double>(mOptions.connectTimeout.count())) {
    const char* stage = !mIce || mIce->state() != rtc::IceClient::State::Connected ? "ICE" : "DTLS";
    return fail(std::string(stage) + " did not connect to " + mProgress.remote + " within " +
                std::to_string(mOptions.connectTimeout.count() / 1000) + " s");
  }
  if (auto check = mIce->poll(now)) {
    send(check->data(), check->size());
    mProgress.checksSent = mIce->requestsSent();
  }
  if (mIce->state() == rtc::IceClient::State::Failed) return fail(mIce->error());
  if (mDtls->started() && !mOpen) {
    mDtls->onTimer();
    flushDtls();
    if (mClosed) return;
  }
  if (!mOpen) return schedule(std::chrono::milliseconds(20));  // checks every 50 ms, DTLS retransmissions
  // Open: only the consent checks remain, one a second; wake for the next one, not four times as often.
  const double due = mIce->nextPollAtMs().value_or(now + 1000) - now;
  schedule(std::chrono::milliseconds(static_cast<long>(std::clamp(due, 20.0, 1000.0))));
}

// --- the network ----------------------------------------------------------------------------------

void RtcAudioTransport::send(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  mSocket.send(boost::asio::buffer(data, size), 0, ec);
  if (ec) ++mProgress.packetsDropped;  // would block, or ICMP unreachable reported late: drop, go on
}

void RtcAudioTransport::receive() {
  std::weak_ptr<char> life = mLife;
  mSocket.async_receive(boost::asio::buffer(mBuffer), [this, life](const boost::system::error_code& ec, std::size_t n) {
    if (life.expired() || mClosed) return;
    if (ec == boost::asio::error::operation_aborted) return;
    // A connection refused (ICMP) while the server's port is not open yet is not fatal: the
    // checks go on until the deadline.
    if (!ec) onDatagram(mBuffer.data(), n);
    if (!mClosed) receive();
  });
}

void RtcAudioTransport::onDatagram(const std::uint8_t* data, std::size_t size) {
  switch (rtc::classifyPacket(data, size)) {
    case rtc::PacketKind::Stun:
      return onStun(data, size);
    case rtc::PacketKind::Dtls:
      return onDtls(data, size);
    case rtc::PacketKind::Rtp:
      return onSrtp(data, size, false);
    case rtc::PacketKind::Rtcp:
      return onSrtp(data, size, true);
    default:
      ++mProgress.packetsRefused;
      if (mReceiver) mReceiver->onInvalidPacket();
  }
}

void RtcAudioTransport::onStun(const std::uint8_t* data, std::size_t size) {
  const bool wasConnected = mIce->state() == rtc::IceClient::State::Connected;
  if (!mIce->onResponse(data, size, nowMs())) {
    ++mProgress.packetsRefused;
    return;
  }
  if (mOpen && mReceiver && mIce->roundTripMs()) mReceiver->onRoundTrip(*mIce->roundTripMs());
  if (wasConnected) return;
  mProgress.iceMs = nowMs() - mStartedMs;
  // Our check nominated the pair: the DTLS client may speak now; a server waits for the hello.
  mDtls->start(mDtlsClient ? rtc::DtlsTransport::Role::Client : rtc::DtlsTransport::Role::Server);
  flushDtls();
}

void RtcAudioTransport::onDtls(const std::uint8_t* data, std::size_t size) {
  if (!mDtls->started()) {
    if (mDtlsClient) return;  // a hello before our check succeeded: it will be retransmitted
    mDtls->start(rtc::DtlsTransport::Role::Server);
  }
  mDtls->onData(data, size);
  flushDtls();
}

void RtcAudioTransport::flushDtls() {
  for (auto& d : mDtls->takeOutgoing()) send(d.data(), d.size());
  if (mDtls->state() == rtc::DtlsTransport::State::Failed) return fail("DTLS failed: " + mDtls->error());
  if (mOpen || mDtls->state() != rtc::DtlsTransport::State::Connected) return;
  const auto keys = mDtls->srtpKeys();
  if (!keys) return fail("DTLS gave no SRTP keys");
  try {
    mSend = std::make_unique<rtc::SrtpSession>(rtc::SrtpSession::Direction::Outbound, keys->local);
    mRecv = std::make_unique<rtc::SrtpSession>(rtc::SrtpSession::Direction::Inbound, keys->remote);
  } catch (const std::exception& e) {
    return fail(std::string("SRTP: ") + e.what());
  }
  mProgress.dtlsMs = nowMs() - mStartedMs - mProgress.iceMs.value_or(0);
  mOpen = true;
  if (mReceiver) mReceiver->onTransportOpen();
}

void RtcAudioTransport::onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp) {
  if (!mRecv) {
    ++mProgress.packetsRefused;
    return;
  }
  std::vector<std::uint8_t>& packet = mReceived;  // reused: no allocation per packet
  packet.assign(data, data + size);
  if (!(rtcp ? mRecv->unprotectRtcp(packet) : mRecv->unprotectRtp(packet))) {
    ++mProgress.packetsRefused;
    if (mReceiver) mReceiver->onInvalidPacket();
    return;
  }
  if (rtcp) {
    if (auto lost = rtc::fractionLostOf(packet.data(), packet.size(), mSsrc); lost && mReceiver)
      mReceiver->onRemoteLoss(*lost);
    return;
  }
  const auto header = rtc::RtpHeader::read(packet.data(), packet.size());
  if (!header) {
    ++mProgress.packetsRefused;
    if (mReceiver) mReceiver->onInvalidPacket();
    return;
  }
  ++mProgress.packetsReceived;
  if (header->payloadType == mOpusPt && mReceiver)
    mReceiver->onAudioPacket(header->sequence, header->timestamp, packet.data() + header->payloadOffset,
                             header->payloadSize);
  // telephone-event from the far end: the digits come through signalling too; others are ignored.
}

void RtcAudioTransport::sendRtp(std::uint8_t payloadType, std::uint16_t sequence, std::uint32_t timestamp,
                                const std::uint8_t* payload, std::size_t size, bool marker) {
  if (!mOpen || !mSend) return;
  mPacket.clear();
  rtc::RtpHeader h;
  h.marker = marker;
  h.payloadType = payloadType;
  h.sequence = sequence;
  h.timestamp = timestamp;
  h.ssrc = mSsrc;
  h.write(mPacket);
  mPacket.insert(mPacket.end(), payload, payload + size);
  if (!mSend->protectRtp(mPacket)) return;
  send(mPacket.data(), mPacket.size());
  ++mProgress.packetsSent;
}

// The kernel's socket buffer is the only queue: a datagram it refuses is dropped in send().
bool RtcAudioTransport::backedUp(double) const { return false; }

void RtcAudioTransport::sendAudio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                                  std::size_t size, bool marker) {
  sendRtp(static_cast<std::uint8_t>(mOpusPt), sequence, timestamp, payload, size, marker);
}

void RtcAudioTransport::sendEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                                  bool marker) {
  if (mDtmfPt < 0) return;  // the server's description offered no telephone-event
  sendRtp(static_cast<std::uint8_t>(mDtmfPt), sequence, timestamp, payload, 4, marker);
}

}  // namespace tccc::native
