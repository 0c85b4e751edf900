// SPDX-License-Identifier: Apache-2.0
// The server's end of one browser's WebRTC connection for one call: a UDP socket that is at once an
// ICE-lite agent (answers the browser's connectivity checks), a DTLS-SRTP endpoint and the sender
// and receiver of that browser's RTP — Opus audio and, on video calls, VP8 video on the same
// BUNDLEd transport. It does not decide what it sends: the call's MediaBridge hands it the packets
// of the other side (renumbered per stream by OutboundRtpStream) and receives what the browser
// sends through MediaLegSink.
//
// Threads: the leg is built and described (offer()/answer()) on the signalling thread before it
// starts; from start() on, everything happens on the media io_context's thread. Every async
// handler holds a shared_ptr to the leg, and close() cancels them, so nothing outlives the call.
#ifndef TCCC_SERVER_MEDIA_MEDIALEG_HPP
#define TCCC_SERVER_MEDIA_MEDIALEG_HPP

#include "media/BridgeLeg.hpp"
#include "media/LevelMeter.hpp"
#include "media/LossInjector.hpp"
#include "media/OutboundRtpStream.hpp"
#include "media/RtcPieces.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tccc::server::media {

class MediaLeg final : public BridgeLeg, public std::enable_shared_from_this<MediaLeg> {
 public:
  /// `socket` is open and bound on the media io_context; `host` is the address written in our SDP.
  MediaLeg(boost::asio::io_context& io, const DtlsIdentity& identity, boost::asio::ip::udp::socket socket,
           std::string host, std::shared_ptr<MediaStats> stats);
  ~MediaLeg();
  MediaLeg(const MediaLeg&) = delete;
  MediaLeg& operator=(const MediaLeg&) = delete;

  // --- before start(), on the signalling thread ------------------------------------------------

  /// Our offer (audio, and video when `video`).
  std::string offer(std::uint64_t sdpSessionId, bool video);
  /// Our answer to the browser's parsed offer: we take its payload types, mids and m-line order.
  std::string answer(std::uint64_t sdpSessionId, const RemoteDescription& offer);
  /// The description offer() or answer() wrote.
  const LocalDescription& local() const { return mLocal; }
  /// Decode what the browser says to measure its level (rmsIn): for the simulator's reports.
  void measureLevel() { mMeasureLevel = true; }

  // --- on the media thread ---------------------------------------------------------------------

  /// Starts receiving; `sink` gets the browser's media until close().
  void start(MediaLegSink* sink) override;
  /// The browser's answer to our offer (parsed and checked by the caller).
  void setAnswer(const RemoteDescription& answer);
  /// The browser's ICE restart (same certificate): new credentials on both sides, the same DTLS
  /// association and SRTP keys. `localUfrag`/`localPwd` are the ones written in our answer.
  void restartIce(const RemoteDescription& offer, const std::string& localUfrag, const std::string& localPwd);
  /// Sends an Opus frame of `source` (see OutboundRtpStream) in our audio stream; with `dtmf`, an
  /// RFC 4733 event packet in the same stream (dropped when the browser did not negotiate events).
  void sendAudio(std::uint64_t source, const RtpHeader& header, const std::uint8_t* payload, std::size_t size,
                 std::int64_t nowUs, bool dtmf = false) override;
  /// Whether a payload type this leg receives is its DTMF events'.
  bool isDtmf(std::uint8_t payloadType) const override { return mDtmfPt >= 0 && payloadType == mDtmfPt; }
  /// Sends a VP8 packet of `source` in our video stream, keeping it for retransmission.
  void sendVideo(std::uint64_t source, const RtpHeader& header, const std::uint8_t* payload, std::size_t size,
                 std::int64_t nowUs) override;
  /// Asks the browser for a key frame of the video it sends (a PLI).
  void requestKeyFrame() override;
  /// Held: remembered in the stats (the bridge decides what flows).
  void setHeld(bool held) override;
  void setLoss(double fraction) override;
  void setUdpBlocked(bool blocked) override { mUdpBlocked = blocked; }
  /// The 20 ms clock: DTLS retransmissions and the connect / silence timeouts.
  void tick(std::chrono::steady_clock::time_point now) override;
  /// Stops everything and closes the socket; idempotent.
  void close() override;

  bool connected() const override { return mSrtpOut != nullptr && !mFailed; }
  bool closed() const { return mClosed; }
  bool video() const { return mVideo; }
  std::uint16_t port() const { return mPort; }
  const std::string& iceUfrag() const { return mUfrag; }
  const std::string& icePwd() const { return mPwd; }
  const std::shared_ptr<MediaStats>& stats() const { return mStats; }

 private:
  using Udp = boost::asio::ip::udp;
  LocalDescription describe(std::uint64_t sdpSessionId) const;
  void receive();
  void onDatagram(std::size_t size);
  void onStun(const std::uint8_t* data, std::size_t size);
  void onDtls(const std::uint8_t* data, std::size_t size);
  void onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp);
  void onRtcp(const std::uint8_t* data, std::size_t size);
  void measure(std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size);
  void flushDtls();
  void sendTo(const Udp::endpoint& to, const std::uint8_t* data, std::size_t size);
  void sendRtp(RtpHeader& header, const std::uint8_t* payload, std::size_t size, bool video);
  bool validated(const Udp::endpoint& from) const;
  void setState(const char* state);
  void fail(const std::string& why);
  void dropped();
  static std::int64_t wallMs();

  const DtlsIdentity& mIdentity;
  Udp::socket mSocket;
  std::string mHost;
  std::uint16_t mPort = 0;
  std::shared_ptr<MediaStats> mStats;
  MediaLegSink* mSink = nullptr;

  std::string mUfrag, mPwd;
  LocalDescription mLocal;
  std::optional<RemoteDescription> mRemote;
  bool mOfferer = true;  // we offered (the browser answers), or we answered its offer
  bool mVideo = false;
  int mOpusPt = Sdp::kOpusPayloadType;
  int mDtmfPt = Sdp::kDtmfPayloadType;
  int mVp8Pt = Sdp::kVp8PayloadType;
  std::vector<Udp::endpoint> mValidated;   // addresses that passed an authenticated check
  std::optional<Udp::endpoint> mSelected;  // where media goes (nominated, else the latest valid)
  bool mNominated = false;

  DtlsTransport mDtls;
  std::unique_ptr<SrtpSession> mSrtpOut, mSrtpIn;
  OutboundRtpStream mAudioOut, mVideoOut;
  std::uint32_t mRemoteVideoSsrc = 0;  // learnt from the browser's video packets (for our PLIs)
  // The video packets we sent lately, protected, by sequence number modulo the ring's size: a NACK
  // is answered by sending the same bytes again.
  static constexpr std::size_t kHistory = 512;
  std::vector<std::vector<std::uint8_t>> mVideoHistory;
  std::vector<std::uint16_t> mVideoHistorySeq;
  std::chrono::steady_clock::time_point mLastKeyFrameAsked{};

  bool mClosed = false;
  bool mFailed = false;
  bool mStarted = false;
  std::chrono::steady_clock::time_point mStartedAt;
  std::chrono::steady_clock::time_point mLastInbound;

  bool mMeasureLevel = false;
  bool mHeld = false;
  std::unique_ptr<LevelMeter> mMeter;
  LossInjector mLossIn, mLossOut;
  bool mUdpBlocked = false;  // setUdpBlocked: every datagram in and out is lost

  std::array<std::uint8_t, 2048> mRx{};
  Udp::endpoint mRxFrom;
  std::vector<std::uint8_t> mScratch;  // one packet being protected or unprotected
};

}  // namespace tccc::server::media

#endif
