// SPDX-License-Identifier: Apache-2.0
// One call's media at the server: the legs of its two sides and what flows between them. The far
// side is the customer (a customer page, the simulated caller's voice, or — in an internal call —
// the agent who was called); the agent side is the agent connected to the call now. Opus and VP8
// packets are forwarded as they are (no transcoding), renumbered per outgoing stream so that a
// transfer or hold music never shows the browser a jump; a key frame request goes to whoever sends
// the video. While the call is held the customer hears music generated here and nothing crosses.
// Taps (recording, speech recognition) see every party's audio, and a supervisor's while it barges
// in. An agent the call rings at has a leg of its own beside them that connects while it rings and
// carries nothing (ring/promote), so that accepting costs no negotiation. A supervisor on the call
// has a leg of its own too, whose audio is mixed (MonitorMix) rather than forwarded. Lives on the
// media thread.
#ifndef TCCC_SERVER_MEDIA_MEDIABRIDGE_HPP
#define TCCC_SERVER_MEDIA_MEDIABRIDGE_HPP

#include "media/AudioSource.hpp"
#include "media/BridgeLeg.hpp"
#include "media/MediaLeg.hpp"
#include "media/MonitorMix.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

struct OpusEncoder;

namespace tccc::server::media {

enum class Side : std::uint8_t { Far = 0, Agent = 1 };

/// Watches a call's audio: recording and speech recognition. Called on the media thread; an
/// implementation must not block it (hand work to threads of its own).
class MediaTap {
 public:
  virtual ~MediaTap() = default;
  /// A party joined the call on `side`; after a transfer the agent side has a new participant.
  virtual void joined(const std::string& sessionId, Side side, const std::string& participant) = 0;
  /// An Opus frame that party said (its own RTP numbering; the generated caller voice counts).
  virtual void audio(const std::string& sessionId, Side side, const RtpHeader& header, const std::uint8_t* opus,
                     std::size_t size) = 0;
  /// The party on `side` left (its leg closed); the call may go on with another.
  virtual void left(const std::string& sessionId, Side side) = 0;
  /// The call's media is over.
  virtual void ended(const std::string& sessionId) = 0;
  /// An Opus frame a supervisor said while barged in, which both parties heard: part of what the
  /// call's record must hold. What it says while listening or whispering never reaches the customer
  /// and is not passed on. `supervisor` names it; `header` is its leg's own RTP numbering.
  virtual void bargeAudio(const std::string& sessionId, const std::string& supervisor, const RtpHeader& header,
                          const std::uint8_t* opus, std::size_t size) = 0;
  /// The supervisor's leg closed (it left, or a new leg of its replaced this one).
  virtual void supervisorLeft(const std::string& sessionId) = 0;
};

class MediaBridge final : public MediaLegSink {
 public:
  MediaBridge(std::string sessionId, MediaTap* tap);
  ~MediaBridge();
  MediaBridge(const MediaBridge&) = delete;
  MediaBridge& operator=(const MediaBridge&) = delete;

  /// `leg` becomes `side`'s (the one it replaces is closed) and starts; `participant` names it. A
  /// WebRTC leg or, on the agent side, the SDK's audio WebSocket (WebSocketLeg). A new leg of the
  /// participant already there (its WebSocket reopened, or it took its call over the WebSocket
  /// after the WebRTC leg it was rung with) is the same party: the taps go on with its recording
  /// and transcript rather than hearing it leave and join again.
  void attach(Side side, std::shared_ptr<BridgeLeg> leg, const std::string& participant);
  /// Closes `side`'s leg; the call stays (a transfer: the next agent attaches later).
  void detach(Side side);
  /// Closes `side`'s leg if it is still `leg` (its socket closed; a newer leg may have replaced it).
  void detachIf(Side side, const BridgeLeg* leg);
  /// Simulated loss of `fraction` of the agent side's audio, each way, on its leg now and the legs
  /// that replace it (POST /sim/sessions/<id>/impair).
  void setAgentLoss(double fraction);
  /// The agent side's UDP legs, now and later, neither receive nor send (BridgeLeg::setUdpBlocked).
  void setAgentUdpBlocked(bool blocked);
  /// `leg` is the leg of the agent the call rings at (one at a time; a previous one is closed): it
  /// starts and connects, but nothing is forwarded to or from it until promote().
  void ring(std::shared_ptr<MediaLeg> leg);
  /// The ringing agent accepted: its leg becomes the agent side's (the one it replaces is closed).
  /// False when there is no ringing leg.
  bool promote(const std::string& participant);
  /// The ringing agent did not accept: its leg is closed.
  void unring();
  /// A supervisor (`supervisor`, its user id) joins the call on `leg` (the one before it is
  /// closed), in `mode`: it hears both parties, and as the mode says the agent (whisper) or both
  /// (barge) hear it.
  void attachMonitor(std::shared_ptr<BridgeLeg> leg, MonitorMode mode, const std::string& supervisor);
  void setMonitorMode(MonitorMode mode);
  /// The supervisor leaves: its leg closes and the parties' audio is forwarded again.
  void detachMonitor();
  /// The far side is the server itself, saying `voice` (the simulated telephone network).
  void setSimulatedCaller(std::unique_ptr<AudioSource> voice, const std::string& participant);
  void setHeld(bool held);
  /// Every 20 ms: the legs' clocks and the audio the server generates (caller voice, hold music).
  void tick(std::chrono::steady_clock::time_point now, std::int64_t nowUs);
  /// Closes every leg; the taps hear ended(). Idempotent.
  void close();

  const std::string& sessionId() const { return mSessionId; }
  bool held() const { return mHeld; }

  // MediaLegSink
  void onAudio(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) override;
  void onVideo(BridgeLeg& from, const RtpHeader& header, const std::uint8_t* payload, std::size_t size) override;
  void onKeyFrameRequest(BridgeLeg& from) override;

 private:
  /// Audio the server makes itself, encoded to Opus 20 ms at a time.
  struct Generator {
    std::unique_ptr<AudioSource> source;
    OpusEncoder* encoder = nullptr;
    std::uint64_t id = 0;  // its source id in the outgoing streams
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    ~Generator();
    /// Encodes the next 20 ms (also left in `pcm` when given); false when the encoder failed.
    bool next(RtpHeader& header, std::array<unsigned char, 1500>& out, std::size_t& size,
              MonitorMix::Frame* pcm = nullptr);
  };
  static std::unique_ptr<Generator> makeGenerator(std::unique_ptr<AudioSource> source);

  static std::size_t index(Side side) { return static_cast<std::size_t>(side); }
  BridgeLeg* leg(Side side) const { return mLegs[index(side)].get(); }
  Side sideOf(const BridgeLeg& leg) const;
  std::uint64_t sourceId(Side side, std::uint32_t ssrc) const;
  /// Whether `side` hears the supervisor's mix instead of the other side's packets now.
  bool mixesTo(Side side) const;
  /// Every 20 ms while a supervisor is on the call: each listener's mix, sent.
  void sendMixes(std::int64_t nowUs);
  static std::int64_t nowUs();

  std::string mSessionId;
  MediaTap* mTap;
  std::array<std::shared_ptr<BridgeLeg>, 2> mLegs;
  std::array<std::uint32_t, 2> mLegSerial{};  // grows with every leg attached on a side
  std::array<std::string, 2> mParticipants;   // who the taps heard join on each side (until it left)
  std::array<bool, 2> mWasConnected{};
  std::shared_ptr<BridgeLeg> mRinging;      // the ringing agent's leg (ring)
  std::unique_ptr<Generator> mCallerVoice;  // the simulated caller (far side)
  std::unique_ptr<Generator> mHoldMusic;    // made at the first hold
  std::shared_ptr<BridgeLeg> mMonitor;      // the supervisor's leg (attachMonitor)
  std::string mSupervisor;                  // who is on it
  std::unique_ptr<MonitorMix> mMix;         // while a supervisor is on the call
  MonitorMode mMonitorMode = MonitorMode::Listen;
  bool mHeld = false;
  bool mClosed = false;
  double mAgentLoss = 0;               // simulated loss on the agent side's leg
  bool mAgentUdpBlocked = false;       // simulated network without UDP on the agent side
  std::int64_t mLastAgentAudioUs = 0;  // while held: when the agent's music last arrived
};

}  // namespace tccc::server::media

#endif
