// SPDX-License-Identifier: Apache-2.0
// The server's own media endpoint for calls whose far end it simulates (POST /sim/inbound and the
// outbound test numbers): one MediaLeg per such call and agent, UDP ports from a configured range,
// one DTLS identity made at start, and the per-session statistics the simulator API reports.
#ifndef TCCC_SERVER_MEDIA_MEDIASERVER_HPP
#define TCCC_SERVER_MEDIA_MEDIASERVER_HPP

#include "media/AudioFileResolver.hpp"
#include "media/DtlsIdentity.hpp"
#include "media/MediaLeg.hpp"
#include "protocol/Protocol.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tccc::server::media {

class MediaServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";  // bound and advertised in the candidate
    std::uint16_t portMin = 40000;
    std::uint16_t portMax = 40999;
    std::vector<std::string> audioDirs;  // where audioFile may come from (data dir, --sim-audio-dir)
    std::size_t maxLegs = 1000;          // concurrent legs; each holds a socket and a 20 ms timer
    std::string recordingsDir;           // "" = no recordings; else <dir>/<sessionId>-<leg>.wav
    // GET /sim/sessions/<id> reports a session's media stats while its leg is open and, afterwards,
    // for statsRetentionMs or until maxStats sessions are remembered, whichever comes first (the
    // longest-closed go first; open legs' stats are always kept).
    std::size_t maxStats = 2000;
    std::int64_t statsRetentionMs = 600000;  // 10 minutes
    std::function<std::int64_t()> clockMs;   // wall-clock ms for that retention; empty = the system clock
  };

  /// Generates the DTLS certificate. Throws std::runtime_error when OpenSSL cannot.
  MediaServer(boost::asio::io_context& io, Options options);
  ~MediaServer();
  MediaServer(const MediaServer&) = delete;
  MediaServer& operator=(const MediaServer&) = delete;

  /// Opens a new leg for `sessionId` (closing the one it had), plays `audioFile` (resolved through
  /// the allowed directories; "" = the built-in voice). Returns the SDP offer, or an error message.
  struct Opened {
    std::string sdp;    // the offer, when it worked
    std::string error;  // why not, otherwise
  };
  Opened open(const std::string& sessionId, const std::string& audioFile, bool held);
  /// The agent's SDP answer for the session's leg; an error message when it is unusable.
  std::optional<std::string> answer(const std::string& sessionId, const std::string& sdp);
  /// The agent's re-offer (ICE restart) for the session's leg: the answer, or why not.
  Opened restart(const std::string& sessionId, const std::string& offerSdp);
  void hold(const std::string& sessionId, bool held);
  void close(const std::string& sessionId);
  void closeAll();

  /// `media` of GET /sim/sessions/<id>; nullopt when the session never had a server leg.
  std::optional<protocol::Json> stats(const std::string& sessionId) const;
  /// Checks an audioFile name for POST /sim/inbound: "" when it can be played, else why not.
  std::string checkAudioFile(const std::string& name) const;

  std::size_t openLegs() const { return mLegs.size(); }
  /// Sessions whose stats are remembered (open legs included).
  std::size_t rememberedStats() const { return mStats.size(); }
  /// Queue entries the stats eviction has looked at since the start: it stays within a small
  /// multiple of the legs opened (each close queues one entry, each entry is looked at about once).
  std::uint64_t statsEvictionSteps() const { return mEvictionSteps; }
  const std::string& fingerprint() const { return mIdentity.fingerprint(); }

 private:
  struct StatsEntry {
    std::shared_ptr<MediaStats> stats;
    std::uint64_t closedSeq = 0;  // 0 while its leg is open (or opening); else its entry in mClosedStats
  };
  struct ClosedStats {
    std::string sessionId;
    std::int64_t closedAtMs;
    std::uint64_t seq;  // stale once the session's StatsEntry::closedSeq differs (it was opened again)
  };

  std::optional<boost::asio::ip::udp::socket> bindSocket(std::string& error);
  std::int64_t nowMs() const;
  /// The session's leg is gone (closed, or it failed to open): its stats join the eviction queue.
  void retireStats(const std::string& sessionId, std::int64_t nowMs);
  /// Forgets the longest-closed sessions' stats while they are past the retention time or more than
  /// maxStats sessions are remembered. Amortised O(1) per leg: every queue entry is popped once.
  void evictStats(std::int64_t nowMs);
  bool isCurrent(const ClosedStats& closed) const;

  boost::asio::io_context& mIo;
  Options mOptions;
  DtlsIdentity mIdentity;
  AudioFileResolver mResolver;
  std::unordered_map<std::string, std::shared_ptr<MediaLeg>> mLegs;
  std::unordered_map<std::string, StatsEntry> mStats;
  // Sessions whose leg is gone, in the order they went (so oldest first), with stale entries of
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
