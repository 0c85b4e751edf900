// SPDX-License-Identifier: Apache-2.0
// The media plane: every call's media terminates here (docs/media.md). For each call a MediaBridge
// joins the leg toward the customer (a customer page, or the simulated caller's voice) and the leg
// toward the agent connected now; an internal call joins its two agents. UDP ports come from a
// configured range, one DTLS identity is made at start, and the per-session statistics are kept
// for the simulator API.
//
// Threads: the public methods are called on the signalling thread and never wait for media. They
// bind the socket and write the SDP there (both are quick and need no media state), then post the
// rest to the media io_context, which runs on threads of its own in the server (tests may run both
// on one). The media thread's 20 ms clock drives every bridge.
#ifndef TCCC_SERVER_MEDIA_MEDIASERVER_HPP
#define TCCC_SERVER_MEDIA_MEDIASERVER_HPP

#include "media/AudioFileResolver.hpp"
#include "media/MediaBridge.hpp"
#include "media/MediaLeg.hpp"
#include "media/RtcPieces.hpp"
#include "media/WebSocketLeg.hpp"
#include "protocol/Protocol.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace tccc::server::media {

class MediaServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";  // bound and advertised in the candidate
    std::uint16_t portMin = 40000;
    std::uint16_t portMax = 40999;
    std::vector<std::string> audioDirs;  // where audioFile may come from (data dir, --sim-audio-dir)
    std::size_t maxLegs = 1000;          // concurrent legs; each holds a socket
    // GET /sim/sessions/<id> reports a session's media stats while its call is open and, afterwards,
    // for statsRetentionMs or until maxStats sessions are remembered, whichever comes first (the
    // longest-closed go first; open calls' stats are always kept).
    std::size_t maxStats = 2000;
    std::int64_t statsRetentionMs = 600000;  // 10 minutes
    std::function<std::int64_t()> clockMs;   // wall-clock ms for that retention; empty = the system clock
    MediaTap* tap = nullptr;                 // recording and speech recognition; called on the media thread
  };

  /// `mediaIo` runs the legs and the 20 ms clock. Generates the DTLS certificate; throws
  /// std::runtime_error when OpenSSL cannot.
  MediaServer(boost::asio::io_context& mediaIo, Options options);
  ~MediaServer();
  MediaServer(const MediaServer&) = delete;
  MediaServer& operator=(const MediaServer&) = delete;

  struct Opened {
    std::string sdp;    // our offer or answer, when it worked
    std::string error;  // why not, otherwise
  };
  /// A new leg toward `side` that offers (to an agent's SDK): replaces the side's leg.
  Opened offer(const std::string& sessionId, Side side, bool video, const std::string& participant);
  /// The browser on `side` offered: a new leg answers it, or — the same browser restarting ICE on
  /// its connection (same certificate) — the side's leg does.
  Opened answer(const std::string& sessionId, Side side, const std::string& offerSdp, const std::string& participant);
  /// The browser on `side` answered our offer; an error message when the answer is unusable.
  std::optional<std::string> remoteAnswer(const std::string& sessionId, Side side, const std::string& sdp);

  // The agent a call rings at gets a leg while it rings (MediaBridge::ring): it connects then, and
  // accepting only moves it into the call.
  /// A new leg that offers to the ringing agent (a previous ringing leg is closed).
  Opened offerRinging(const std::string& sessionId, bool video);
  /// The ringing agent answered that offer; an error message when the answer is unusable.
  std::optional<std::string> remoteAnswerRinging(const std::string& sessionId, const std::string& sdp);
  /// The ringing agent accepted: its leg becomes the agent side's. False when there is none (it
  /// could not be opened): the caller offers a new leg instead.
  bool connectRinging(const std::string& sessionId, const std::string& participant);
  /// The ring ended without an accept: the leg closes.
  void closeRinging(const std::string& sessionId);
  // A supervisor on the call (MediaBridge::attachMonitor): one at a time; a new leg replaces it.
  /// The supervisor's browser offered: a new leg answers it and joins the call in `mode`.
  /// `supervisor` (its user id) names what it says in a barge in the call's recording.
  Opened monitor(const std::string& sessionId, const std::string& offerSdp, MonitorMode mode,
                 const std::string& supervisor);
  void setMonitorMode(const std::string& sessionId, MonitorMode mode);
  /// The supervisor left the call: its leg closes.
  void closeMonitor(const std::string& sessionId);
  /// The simulated telephone network's call: the far side is the server saying `audioFile`
  /// ("" = the built-in voice, resolved through the allowed directories), and the agent side is
  /// offered a leg whose level is measured. `agent` is who speaks on that leg (its recording and
  /// transcript are the agent's), `farParty` the simulated phone's number. Returns the offer for the agent.
  Opened openSimulated(const std::string& sessionId, const std::string& audioFile, bool held, const std::string& agent,
                       const std::string& farParty);
  void hold(const std::string& sessionId, bool held);
  /// An agent's SDK carries the call's audio over a WebSocket from now on (/ws/media): a leg on
  /// `outlet` becomes `side`'s (the agent side; or the far side, an internal call's callee), and
  /// the leg it replaces (WebRTC, or an earlier socket) closes. The leg, or why not (the call has no
  /// server media).
  std::variant<std::shared_ptr<WebSocketLeg>, std::string> attachWebSocket(const std::string& sessionId,
                                                                           std::shared_ptr<WsMediaOutlet> outlet,
                                                                           const std::string& participant,
                                                                           Side side = Side::Agent);
  /// An agent's audio socket closed: its leg closes (the call goes on; the SDK may open another).
  void webSocketClosed(const std::string& sessionId, const std::shared_ptr<WebSocketLeg>& leg, Side side = Side::Agent);
  /// Simulated loss of `fraction` (0..1) of the agent side's audio packets, each way, on whatever
  /// leg carries it, and, with `udpBlocked`, a network that passes no UDP at all to the agent's
  /// WebRTC leg (POST /sim/sessions/<id>/impair). False when the session has no server media.
  bool impair(const std::string& sessionId, double fraction, bool udpBlocked = false);
  /// Closes `side`'s leg; the call's bridge stays for the next one (a transfer).
  void closeLeg(const std::string& sessionId, Side side);
  /// The call is over: its legs close and its taps hear the end.
  void close(const std::string& sessionId);
  void closeAll();

  /// `media` of GET /sim/sessions/<id> (the agent side's leg; the far side's under "far", a
  /// supervisor's under "monitor" while it is on the call);
  /// nullopt when the session never had a server leg.
  std::optional<protocol::Json> stats(const std::string& sessionId) const;
  /// Checks an audioFile name for POST /sim/inbound: "" when it can be played, else why not.
  std::string checkAudioFile(const std::string& name) const;

  /// The media thread's executor (where legs are touched).
  boost::asio::io_context::executor_type executor() { return mIo.get_executor(); }
  std::size_t openLegs() const { return mOpenLegs; }
  std::size_t openCalls() const { return mCalls.size(); }
  /// Sessions whose stats are remembered (open calls included).
  std::size_t rememberedStats() const { return mStats.size(); }
  /// Queue entries the stats eviction has looked at since the start: it stays within a small
  /// multiple of the calls opened (each close queues one entry, each entry is looked at about once).
  std::uint64_t statsEvictionSteps() const { return mEvictionSteps; }
  const std::string& fingerprint() const { return mIdentity.fingerprint(); }

 private:
  /// What the signalling thread remembers of one side's leg (the leg itself is the media thread's).
  struct LegRecord {
    std::shared_ptr<MediaLeg> leg;            // null for an audio WebSocket (no UDP socket, no SDP)
    std::optional<RemoteDescription> remote;  // the browser's offer or answer, once known
    LocalDescription local;                   // our last description
    std::shared_ptr<WebSocketLeg> webSocket;  // the agent's audio WebSocket, when that carries it
  };
  struct Call {
    std::shared_ptr<MediaBridge> bridge;
    std::array<std::optional<LegRecord>, 2> legs;
    std::optional<LegRecord> ringing;          // the ringing agent's leg, outside the bridge's two sides
    std::shared_ptr<MediaStats> ringingStats;  // becomes the agent side's when it connects
    std::optional<LegRecord> monitor;          // a supervisor's leg, outside the two sides too
    std::shared_ptr<MediaStats> monitorStats;
    bool held = false;
    bool simulated = false;  // the far side is the server's simulated caller: the agent's level is measured
  };
  struct StatsEntry {
    std::array<std::shared_ptr<MediaStats>, 2> sides;
    std::uint64_t closedSeq = 0;  // 0 while its call is open; else its entry in mClosedStats
  };
  struct ClosedStats {
    std::string sessionId;
    std::int64_t closedAtMs;
    std::uint64_t seq;  // stale once the session's StatsEntry::closedSeq differs (it was opened again)
  };

  Call& call(const std::string& sessionId);
  /// Fresh stats for `side`'s next leg (the leg count goes on).
  std::shared_ptr<MediaStats> freshStats(const std::string& sessionId, Side side);
  /// Forgets a side's leg record; a WebRTC leg gives its UDP socket back to the maxLegs budget.
  void dropRecord(std::optional<LegRecord>& record);
  /// A bound socket and a leg on it, with fresh stats for `side`; or why not.
  std::variant<std::shared_ptr<MediaLeg>, std::string> newLeg(const std::string& sessionId, Side side);
  /// A bound socket and a leg on it that counts into `stats`; or why not.
  std::variant<std::shared_ptr<MediaLeg>, std::string> makeLeg(std::shared_ptr<MediaStats> stats);
  void install(const std::string& sessionId, Call& call, Side side, std::shared_ptr<MediaLeg> leg,
               const std::string& participant);
  Opened failed(const std::string& sessionId, Side side, const std::string& why);
  /// The side's stats say closed now, not when the media thread gets to it.
  void markClosed(const std::string& sessionId, Side side);
  std::optional<boost::asio::ip::udp::socket> bindSocket(std::string& error);
  std::unique_ptr<AudioSource> voiceFor(const std::string& sessionId, const std::string& audioFile) const;
  /// On the media thread: the clock runs while there are calls, so an idle server sleeps.
  void startClock();
  void armClock();
  std::int64_t nowMs() const;
  /// The session's call is gone: its stats join the eviction queue.
  void retireStats(const std::string& sessionId, std::int64_t nowMs);
  /// Forgets the longest-closed sessions' stats while they are past the retention time or more than
  /// maxStats sessions are remembered. Amortised O(1) per call: every queue entry is popped once.
  void evictStats(std::int64_t nowMs);
  bool isCurrent(const ClosedStats& closed) const;

  boost::asio::io_context& mIo;
  Options mOptions;
  DtlsIdentity mIdentity;
  AudioFileResolver mResolver;
  std::unordered_map<std::string, Call> mCalls;
  std::size_t mOpenLegs = 0;
  // The media thread's own list of bridges for its clock (touched only there).
  std::shared_ptr<std::unordered_set<std::shared_ptr<MediaBridge>>> mTicking;
  boost::asio::steady_timer mClock;
  std::chrono::steady_clock::time_point mNextTick;
  bool mClockRunning = false;  // media thread
  std::shared_ptr<bool> mAlive;
  std::unordered_map<std::string, StatsEntry> mStats;
  // Sessions whose call is gone, in the order they went (so oldest first), with stale entries of
  // sessions opened again since; compacted when stale entries outnumber the current ones.
  std::deque<ClosedStats> mClosedStats;
  std::size_t mClosedCurrent = 0;  // entries of mClosedStats that are not stale
  std::uint64_t mNextClosedSeq = 1;
  std::uint64_t mEvictionSteps = 0;
  std::uint32_t mNextPort = 0;  // offset into the range where the next bind attempt starts
  std::uint64_t mSdpSessionId = 0;
  // Renders the shared built-in voice (~300 ms of CPU) off the event loop at start, so the first
  // simulated call does not stall every socket for that long (bench/load.mjs saw a 330 ms p99).
  std::thread mVoiceWarmUp;
};

}  // namespace tccc::server::media

#endif
