// SPDX-License-Identifier: Apache-2.0
// The agent side's leg when its SDK carries the call's audio over a WebSocket (/ws/media, for
// networks that block UDP; docs/protocol.md "Media over the WebSocket"). The SDK sends and receives
// 20 ms Opus frames that are RTP payloads as they are, so the bridge forwards them to and from the
// far side's RTP without transcoding: inbound frames become RtpHeader + payload (a synthesised SSRC,
// the frame's own sequence number and timestamp, so the recorder and the recogniser hear the agent
// as from a browser); outbound packets are renumbered into the leg's one stream
// (OutboundRtpStream) and framed. Telephone events travel as type-5 frames in the same numbering.
// Once a second the leg reports what it received (ReceptionStats, RFC 3550 meanings).
//
// Threads: the socket lives on the signalling thread, the leg on the media thread. Frames from the
// socket are posted to onFrame(); frames for it go through a WsMediaOutlet, which posts them back
// and drops audio when the socket's send queue already holds more than 200 ms (never blocks,
// never queues without bound). Pings are answered on the signalling thread and never come here.
#ifndef TCCC_SERVER_MEDIA_WEBSOCKETLEG_HPP
#define TCCC_SERVER_MEDIA_WEBSOCKETLEG_HPP

#include "media/BridgeLeg.hpp"
#include "media/LevelMeter.hpp"
#include "media/LossInjector.hpp"
#include "media/OutboundRtpStream.hpp"
#include "media/ReceptionStats.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tccc::server::media {

/// How a WebSocket leg reaches its socket, from the media thread. Implementations must not block:
/// they post to the socket's thread.
class WsMediaOutlet {
 public:
  virtual ~WsMediaOutlet() = default;
  /// A frame for the socket. `audioBytes` > 0: an audio or telephone-event frame carrying that
  /// many payload bytes (counted out, or dropped and counted when the socket is backed up).
  virtual void send(std::string frame, std::size_t audioBytes) = 0;
  /// The leg is over (replaced, the agent left, the call ended): the socket closes with `code`.
  virtual void close(int code, std::string reason) = 0;
};

class WebSocketLeg final : public BridgeLeg, public std::enable_shared_from_this<WebSocketLeg> {
 public:
  /// Payload types the leg gives the bridge (a WebRTC leg's defaults; the far leg uses its own).
  static constexpr std::uint8_t kOpusPayloadType = 111;
  static constexpr std::uint8_t kEventPayloadType = 101;
  /// The close code when the server ends the leg (the SDK may ask media.ws again, docs/protocol.md).
  static constexpr int kCloseLegEnded = 1000;

  /// `measureLevel`: decode what the agent says to report its level (rmsIn; simulated calls).
  WebSocketLeg(std::shared_ptr<WsMediaOutlet> outlet, std::shared_ptr<MediaStats> stats, bool measureLevel);

  /// A binary message from the socket (media thread).
  void onMessage(std::string_view bytes, std::chrono::steady_clock::time_point now);
  /// A message that was refused before it got here (a text message): counted as dropped.
  void onRefused();

  // BridgeLeg
  void start(MediaLegSink* sink) override;
  void sendAudio(std::uint64_t source, const RtpHeader& header, const std::uint8_t* payload, std::size_t size,
                 std::int64_t nowUs, bool dtmf = false) override;
  bool isDtmf(std::uint8_t payloadType) const override { return payloadType == kEventPayloadType; }
  void setHeld(bool held) override;
  void setLoss(double fraction) override;
  void tick(std::chrono::steady_clock::time_point now) override;
  void close() override;
  bool connected() const override { return !mClosed; }

  const std::shared_ptr<MediaStats>& stats() const { return mStats; }

 private:
  void dropped();

  std::shared_ptr<WsMediaOutlet> mOutlet;
  std::shared_ptr<MediaStats> mStats;
  MediaLegSink* mSink = nullptr;
  std::uint32_t mSsrc;  // what the bridge and its tap see as the agent's stream
  OutboundRtpStream mAudioOut;
  ReceptionStats mReception;
  LossInjector mLossIn, mLossOut;
  std::unique_ptr<LevelMeter> mMeter;
  std::chrono::steady_clock::time_point mNextReport{};
  std::chrono::steady_clock::time_point mEpoch;  // arrival times count from here (48 kHz units)
  std::uint32_t mLastEventTimestamp = 0;
  bool mHaveEvent = false;
  bool mHeld = false;
  bool mStarted = false;
  bool mClosed = false;
};

}  // namespace tccc::server::media

#endif
