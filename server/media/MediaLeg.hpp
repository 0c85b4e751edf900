// SPDX-License-Identifier: Apache-2.0
// The server's end of one call's audio, toward one agent browser: a UDP socket that is at once an
// ICE-lite agent (answers the browser's connectivity checks), a DTLS-SRTP endpoint and an Opus
// talker/listener. It plays its AudioSource every 20 ms (hold music while held) and measures what
// the agent says (packets, bytes, RMS level). Runs on the server's io_context; every async handler
// holds a shared_ptr to the leg, and close() cancels them all so nothing outlives the call.
#ifndef TCCC_SERVER_MEDIA_MEDIALEG_HPP
#define TCCC_SERVER_MEDIA_MEDIALEG_HPP

#include "media/AudioSource.hpp"
#include "media/DtlsTransport.hpp"
#include "media/Sdp.hpp"
#include "media/SrtpSession.hpp"
#include "media/StunMessage.hpp"
#include "media/WavWriter.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct OpusEncoder;
struct OpusDecoder;

namespace tccc::server::media {

/// What a session's server media leg did; outlives the leg (GET /sim/sessions/<id>).
struct MediaStats {
  std::string state = "new";  // new | connecting | connected | failed | closed
  std::string error;          // why it failed
  std::string remoteAddress;  // the browser's selected address, "ip:port"
  int legs = 0;               // offers made (a transfer or a reconnect makes a new leg)
  bool held = false;
  std::uint64_t packetsIn = 0, bytesIn = 0;    // RTP from the agent (payload bytes, as getStats counts)
  std::uint64_t packetsOut = 0, bytesOut = 0;  // RTP to the agent
  std::uint64_t rtcpIn = 0;
  std::uint64_t dropped = 0;  // datagrams refused: malformed, unauthenticated, from unchecked addresses
  double rmsIn = 0;           // level of the agent's decoded audio over the last 500 ms (full scale 1.0)
  double peakRmsIn = 0;       // highest rmsIn seen
  std::int64_t connectedAtMs = 0;
  std::int64_t closedAtMs = 0;
  std::string recording;  // the WAV file of this leg, when recordings are on
};

class MediaLeg : public std::enable_shared_from_this<MediaLeg> {
 public:
  /// `socket` is open and bound; `host` is the address written in the offer's candidate.
  MediaLeg(boost::asio::io_context& io, const DtlsIdentity& identity, boost::asio::ip::udp::socket socket,
           std::string host, std::unique_ptr<AudioSource> voice, std::shared_ptr<MediaStats> stats);
  ~MediaLeg();
  MediaLeg(const MediaLeg&) = delete;
  MediaLeg& operator=(const MediaLeg&) = delete;

  /// Starts receiving and the 20 ms clock; returns the SDP offer for the agent.
  std::string start(std::uint64_t sdpSessionId);
  /// The agent's answer. Returns the reason when it cannot be used (the leg then fails).
  std::optional<std::string> setAnswer(const std::string& sdp);
  /// The browser's re-offer on the same peer connection (an ICE restart after a network change):
  /// new ICE credentials on both sides, the same DTLS association and SRTP keys. Fills `answer` or
  /// returns the reason it cannot (e.g. a different certificate: a new peer needs a new leg).
  std::optional<std::string> restartIce(const std::string& offerSdp, std::string& answer);
  /// Records both sides to a stereo WAV at `path` (left: what the server says, right: the agent)
  /// while the leg is connected. Call before start(); false when the file cannot be created.
  bool record(const std::string& path);
  /// Held: play hold music instead of the voice and ignore what comes in.
  void setHeld(bool held);
  /// Stops everything and closes the socket; idempotent.
  void close();

  std::uint16_t port() const { return mPort; }
  const std::string& iceUfrag() const { return mUfrag; }
  const std::string& icePwd() const { return mPwd; }

 private:
  /// Our side of the SDP with the current ICE credentials (offer, or the answer to a restart).
  SdpOffer localDescription() const;
  using Udp = boost::asio::ip::udp;
  void receive();
  void onDatagram(std::size_t size);
  void onStun(const std::uint8_t* data, std::size_t size);
  void onDtls(const std::uint8_t* data, std::size_t size);
  void onSrtp(const std::uint8_t* data, std::size_t size, bool rtcp);
  void tick();
  void armTick();
  void sendAudioFrame();
  void flushDtls();
  void sendTo(const Udp::endpoint& to, const std::uint8_t* data, std::size_t size);
  bool validated(const Udp::endpoint& from) const;
  void fail(const std::string& why);
  static std::int64_t wallMs();

  const DtlsIdentity& mIdentity;
  Udp::socket mSocket;
  boost::asio::steady_timer mTimer;
  std::string mHost;
  std::uint16_t mPort = 0;
  std::unique_ptr<AudioSource> mVoice;
  std::unique_ptr<AudioSource> mHoldMusic;
  std::shared_ptr<MediaStats> mStats;

  std::string mUfrag, mPwd;
  std::uint64_t mSdpSessionId = 0;
  int mSdpVersion = 1;
  std::optional<SdpAnswer> mAnswer;
  std::vector<Udp::endpoint> mValidated;   // addresses that passed an authenticated check
  std::optional<Udp::endpoint> mSelected;  // where media goes (nominated, else the latest valid)
  bool mNominated = false;

  DtlsTransport mDtls;
  std::unique_ptr<SrtpSession> mSrtpOut, mSrtpIn;
  OpusEncoder* mEncoder = nullptr;
  OpusDecoder* mDecoder = nullptr;

  std::uint32_t mSsrc = 0;
  std::uint16_t mSeq = 0;
  std::uint32_t mTimestamp = 0;
  bool mFirstPacket = true;
  bool mHeld = false;
  bool mClosed = false;
  bool mTicking = false;  // the 20 ms clock runs (it stops while the leg has failed)
  std::chrono::steady_clock::time_point mNextTick;
  std::chrono::steady_clock::time_point mStartedAt;
  std::chrono::steady_clock::time_point mLastInbound;

  std::deque<double> mLevelWindow;  // sum of squares of the last frames
  double mLevelSum = 0;
  std::size_t mLevelSamples = 0;
  std::deque<std::size_t> mLevelCounts;

  std::unique_ptr<WavWriter> mRecorder;
  std::deque<std::int16_t> mHeard;  // decoded agent audio not yet written to the recording

  std::array<std::uint8_t, 2048> mRx{};
  Udp::endpoint mRxFrom;
};

}  // namespace tccc::server::media

#endif
