// SPDX-License-Identifier: Apache-2.0
#include "media/MediaServer.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

namespace tccc::server::media {

namespace {
std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

MediaServer::MediaServer(boost::asio::io_context& io, Options options)
    : mIo(io), mOptions(std::move(options)), mResolver(mOptions.audioDirs) {
  if (mOptions.portMin == 0 || mOptions.portMax < mOptions.portMin)
    throw std::runtime_error("media ports: give a range min-max with 0 < min <= max");
  RAND_bytes(reinterpret_cast<unsigned char*>(&mSdpSessionId), sizeof mSdpSessionId);
  mSdpSessionId &= 0x3FFFFFFFFFFFFFFFull;  // o= session ids must fit a signed 64-bit integer
  std::uint32_t r = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  mNextPort = r % (static_cast<std::uint32_t>(mOptions.portMax - mOptions.portMin) + 1);
  // A leg that asks before the render is done waits for it (the shared voice is a thread-safe
  // function-local static), which only a call in the first few hundred milliseconds can.
  mVoiceWarmUp = std::thread([] { AudioSource::syntheticVoice(0); });
}

MediaServer::~MediaServer() {
  closeAll();
  if (mVoiceWarmUp.joinable()) mVoiceWarmUp.join();
}

std::optional<boost::asio::ip::udp::socket> MediaServer::bindSocket(std::string& error) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(mOptions.host, ec);
  if (ec) {
    error = "--media-host " + mOptions.host + " is not an IP address";
    return std::nullopt;
  }
  std::uint32_t span = static_cast<std::uint32_t>(mOptions.portMax - mOptions.portMin) + 1;
  // Start where the last leg left off so a port just released is not reused at once (late
  // packets of the old call would hit the new one), and skip ports other programs hold.
  for (std::uint32_t i = 0; i < span; ++i) {
    auto port = static_cast<std::uint16_t>(mOptions.portMin + (mNextPort + i) % span);
    boost::asio::ip::udp::socket socket(mIo);
    socket.open(address.is_v4() ? boost::asio::ip::udp::v4() : boost::asio::ip::udp::v6(), ec);
    if (ec) {
      error = "cannot open a UDP socket: " + ec.message();
      return std::nullopt;
    }
    socket.bind(boost::asio::ip::udp::endpoint(address, port), ec);
    if (!ec) {
      mNextPort = (mNextPort + i + 1) % span;
      return socket;
    }
  }
  error =
      "no free UDP port in --media-ports " + std::to_string(mOptions.portMin) + "-" + std::to_string(mOptions.portMax);
  return std::nullopt;
}

MediaServer::Opened MediaServer::open(const std::string& sessionId, const std::string& audioFile, bool held) {
  close(sessionId);
  const std::int64_t now = nowMs();
  // References to an unordered_map's elements survive the erasure of others (evictStats).
  StatsEntry& entry = mStats[sessionId];
  if (entry.closedSeq != 0) {  // open again: its place in the eviction queue goes stale
    entry.closedSeq = 0;
    --mClosedCurrent;
  }
  evictStats(now);  // after the entry is marked open, so never this one
  int legs = entry.stats ? entry.stats->legs : 0;
  // Counters start again for each leg (a new agent, a new connection), the leg count goes on.
  auto stats = std::make_shared<MediaStats>();
  stats->legs = legs + 1;
  entry.stats = stats;
  auto failWith = [&](const std::string& why) -> Opened {
    stats->state = "failed";
    stats->error = why;
    spdlog::warn("server media for {}: {}", sessionId, why);
    retireStats(sessionId, now);
    return Opened{"", why};
  };
  if (mLegs.size() >= mOptions.maxLegs) return failWith("too many server media legs are open");
  std::unique_ptr<AudioSource> voice;
  if (!audioFile.empty()) {
    auto path = mResolver.resolve(audioFile);
    if (path.error.empty()) {
      auto wav = WavFile::load(path.path);
      if (auto* samples = std::get_if<std::vector<std::int16_t>>(&wav))
        voice = AudioSource::loop(std::move(*samples));
      else
        spdlog::warn("server media for {}: {}: {}; playing the built-in voice", sessionId, audioFile,
                     std::get<std::string>(wav));
    } else {
      spdlog::warn("server media for {}: {}; playing the built-in voice", sessionId, path.error);
    }
  }
  if (!voice) voice = AudioSource::syntheticVoice(static_cast<std::uint32_t>(std::hash<std::string>()(sessionId)));
  std::string error;
  auto socket = bindSocket(error);
  if (!socket) return failWith(error);
  try {
    auto leg = std::make_shared<MediaLeg>(mIo, mIdentity, std::move(*socket), mOptions.host, std::move(voice), stats);
    leg->setHeld(held);
    if (!mOptions.recordingsDir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(mOptions.recordingsDir, ec);
      // Session ids are the server's own ("s-" and hex); keep only safe characters all the same.
      std::string name;
      for (char c : sessionId) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
      std::string path =
          (std::filesystem::path(mOptions.recordingsDir) / (name + "-" + std::to_string(stats->legs) + ".wav"))
              .string();
      if (!leg->record(path)) spdlog::warn("server media for {}: cannot write the recording {}", sessionId, path);
    }
    std::string sdp = leg->start(++mSdpSessionId);
    mLegs[sessionId] = leg;
    return Opened{std::move(sdp), ""};
  } catch (const std::exception& e) {
    return failWith(e.what());
  }
}

std::optional<std::string> MediaServer::answer(const std::string& sessionId, const std::string& sdp) {
  auto it = mLegs.find(sessionId);
  if (it == mLegs.end()) return std::string("the session has no server media leg");
  return it->second->setAnswer(sdp);
}

MediaServer::Opened MediaServer::restart(const std::string& sessionId, const std::string& offerSdp) {
  auto it = mLegs.find(sessionId);
  if (it == mLegs.end()) return Opened{"", "the session has no server media leg"};
  Opened out;
  if (auto why = it->second->restartIce(offerSdp, out.sdp)) out = Opened{"", *why};
  return out;
}

void MediaServer::hold(const std::string& sessionId, bool held) {
  auto it = mLegs.find(sessionId);
  if (it != mLegs.end()) it->second->setHeld(held);
}

void MediaServer::close(const std::string& sessionId) {
  auto it = mLegs.find(sessionId);
  if (it == mLegs.end()) return;
  it->second->close();
  mLegs.erase(it);
  retireStats(sessionId, nowMs());
}

void MediaServer::closeAll() {
  const std::int64_t now = nowMs();
  for (auto& [id, leg] : mLegs) {
    leg->close();
    retireStats(id, now);
  }
  mLegs.clear();
}

std::int64_t MediaServer::nowMs() const { return mOptions.clockMs ? mOptions.clockMs() : wallMs(); }

bool MediaServer::isCurrent(const ClosedStats& closed) const {
  auto it = mStats.find(closed.sessionId);
  return it != mStats.end() && it->second.closedSeq == closed.seq;
}

void MediaServer::retireStats(const std::string& sessionId, std::int64_t nowMs) {
  auto it = mStats.find(sessionId);
  if (it == mStats.end() || it->second.closedSeq != 0) return;
  it->second.closedSeq = mNextClosedSeq++;
  mClosedStats.push_back(ClosedStats{sessionId, nowMs, it->second.closedSeq});
  ++mClosedCurrent;
  // Sessions opened again leave stale entries behind; once they are the majority (a session
  // reopened over and over while an older one is not due yet), drop them all in one pass: the
  // pass is paid for by the closes that made them, so the queue stays O(sessions remembered).
  if (mClosedStats.size() > 2 * mClosedCurrent + 64) {
    mEvictionSteps += mClosedStats.size();
    mClosedStats.erase(std::remove_if(mClosedStats.begin(), mClosedStats.end(),
                                      [this](const ClosedStats& c) { return !isCurrent(c); }),
                       mClosedStats.end());
  }
}

void MediaServer::evictStats(std::int64_t nowMs) {
  const std::int64_t cutoff = nowMs - mOptions.statsRetentionMs;
  while (!mClosedStats.empty()) {
    const ClosedStats& oldest = mClosedStats.front();
    ++mEvictionSteps;
    auto it = mStats.find(oldest.sessionId);
    if (it != mStats.end() && it->second.closedSeq == oldest.seq) {
      // The oldest closed session is kept while it is recent and there is room: so are the rest.
      if (oldest.closedAtMs >= cutoff && mStats.size() <= mOptions.maxStats) break;
      mStats.erase(it);
      --mClosedCurrent;
    }
    mClosedStats.pop_front();
  }
}

std::optional<protocol::Json> MediaServer::stats(const std::string& sessionId) const {
  auto it = mStats.find(sessionId);
  if (it == mStats.end()) return std::nullopt;
  const MediaStats& s = *it->second.stats;
  protocol::Json j{{"state", s.state},
                   {"legs", s.legs},
                   {"held", s.held},
                   {"remoteAddress", s.remoteAddress},
                   {"packetsIn", s.packetsIn},
                   {"bytesIn", s.bytesIn},
                   {"packetsOut", s.packetsOut},
                   {"bytesOut", s.bytesOut},
                   {"rtcpIn", s.rtcpIn},
                   {"dropped", s.dropped},
                   {"rmsIn", s.rmsIn},
                   {"peakRmsIn", s.peakRmsIn},
                   {"connectedAt", s.connectedAtMs}};
  if (!s.error.empty()) j["error"] = s.error;
  if (!s.recording.empty()) j["recording"] = s.recording;
  return j;
}

std::string MediaServer::checkAudioFile(const std::string& name) const {
  auto path = mResolver.resolve(name);
  if (!path.error.empty()) return path.error;
  auto wav = WavFile::load(path.path);
  if (auto* why = std::get_if<std::string>(&wav)) return "audioFile: " + *why;
  return "";
}

}  // namespace tccc::server::media
