// SPDX-License-Identifier: Apache-2.0
// A call's audio as a browser carries it: RTP over DTLS-SRTP on UDP, after ICE with the server's
// media leg (docs/media.md, docs/native-media.md). The server is ICE-lite with one host candidate,
// so this side is the controlling agent with one candidate pair: one UDP socket, connected to the
// server's candidate, carries STUN, DTLS and SRTP (rtcp-mux, BUNDLE), told apart by their first
// byte (RFC 7983). The pieces are the server's own (src/rtc): StunMessage, Sdp, DtlsTransport,
// SrtpSession, RtpHeader; IceClient is the controlling half the server does not need.
//
//   answer(offer) / offer() + setAnswer(answer)   the negotiation, through the signalling socket
//   ICE checks until one succeeds -> DTLS handshake (client when we are active) -> SRTP keys
//   -> open: Opus RTP both ways; a consent check a second (RFC 7675) measures the round trip
//
// It never blocks and never queues: the socket is non-blocking and a datagram the kernel will not
// take now is dropped, as late audio is worth nothing. Not open within `connectTimeout`, or consent
// lost, closes it with 1006 and the reason.
#ifndef TCCC_NATIVE_MEDIA_RTCAUDIOTRANSPORT_HPP
#define TCCC_NATIVE_MEDIA_RTCAUDIOTRANSPORT_HPP

#include "media/AudioTransport.hpp"
#include "rtc/DtlsIdentity.hpp"
#include "rtc/DtlsTransport.hpp"
#include "rtc/IceClient.hpp"
#include "rtc/Sdp.hpp"
#include "rtc/SrtpSession.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace tccc::native {

class RtcAudioTransport : public AudioTransport {
 public:
  struct Options {
    std::chrono::milliseconds connectTimeout{10000};
  };
  /// How far it got, for the log and the tests.
  struct Progress {
    std::optional<double> iceMs;   // from the remote description to the first successful check
    std::optional<double> dtlsMs;  // from then to the SRTP keys
    std::string remote;            // the server's candidate, "host:port"
    std::uint64_t checksSent = 0;
    std::uint64_t packetsSent = 0, packetsReceived = 0, packetsDropped = 0, packetsRefused = 0;
  };

  /// Makes a DTLS certificate of its own: a transport is a new DTLS association, which the server
  /// tells from an ICE restart of the old one by its fingerprint. Throws std::runtime_error when
  /// OpenSSL cannot make the key.
  RtcAudioTransport(boost::asio::io_context& io, Options options);
  explicit RtcAudioTransport(boost::asio::io_context& io) : RtcAudioTransport(io, Options{}) {}
  ~RtcAudioTransport() override;
  RtcAudioTransport(const RtcAudioTransport&) = delete;
  RtcAudioTransport& operator=(const RtcAudioTransport&) = delete;

  /// The server offered: returns our answer and starts connecting, or nullopt with `error` (an
  /// unusable offer, no usable candidate, no socket).
  std::optional<std::string> answer(const std::string& offerSdp, std::string* error);
  /// We offer (the caller of an internal call): returns our offer; setAnswer() goes on from there.
  std::optional<std::string> offer(std::string* error);
  /// The server's answer to offer(); false with `error` when it cannot be used.
  bool setAnswer(const std::string& answerSdp, std::string* error);

  void setReceiver(Receiver* receiver) override;
  bool isOpen() const override { return mOpen; }
  void close() override;
  bool backedUp(double bytes) const override;
  void sendAudio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size,
                 bool marker) override;
  void sendEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, bool marker) override;
  void probe() override {}  // consent checks run on their own clock

  const Progress& progress() const { return mProgress; }

 private:
  bool openSocket(bool ipv6, std::string* error);
  bool useRemote(const rtc::RemoteDescription& remote, std::string* error);
  rtc::LocalDescription localDescription() const;
  void receive();
  void onDatagram(const std::uint8_t* data, std::size_t size);
  void onStun(const std::uint8_t* data, std::size_t size);
  void onDtls(const std::uint8_t* data, std::size_t size);
  void onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp);
  void flushDtls();
  void schedule(std::chrono::milliseconds in);
  void onTimer();
  void send(const std::uint8_t* data, std::size_t size);
  void sendRtp(std::uint8_t payloadType, std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
               std::size_t size, bool marker);
  void fail(const std::string& why);
  double nowMs() const;

  boost::asio::io_context& mIo;
  rtc::DtlsIdentity mIdentity;
  Options mOptions;
  boost::asio::ip::udp::socket mSocket;
  boost::asio::steady_timer mTimer;
  std::array<std::uint8_t, 2048> mBuffer{};
  std::shared_ptr<char> mLife = std::make_shared<char>();
  std::chrono::steady_clock::time_point mEpoch = std::chrono::steady_clock::now();

  std::string mUfrag, mPwd;
  std::uint32_t mSsrc = 0;
  std::optional<rtc::RemoteDescription> mOffer;  // what we answered (its payload types and mids)
  std::optional<rtc::RemoteDescription> mRemote;
  std::unique_ptr<rtc::IceClient> mIce;
  std::unique_ptr<rtc::DtlsTransport> mDtls;
  std::unique_ptr<rtc::SrtpSession> mSend, mRecv;
  int mOpusPt = rtc::Sdp::kOpusPayloadType;
  int mDtmfPt = rtc::Sdp::kDtmfPayloadType;
  bool mDtlsClient = true;

  Receiver* mReceiver = nullptr;
  bool mOpen = false;
  bool mClosed = false;
  double mStartedMs = 0;
  Progress mProgress;
  std::vector<std::uint8_t> mPacket;    // reused for every RTP packet we send
  std::vector<std::uint8_t> mReceived;  // reused for every SRTP packet we unprotect
};

}  // namespace tccc::native

#endif
