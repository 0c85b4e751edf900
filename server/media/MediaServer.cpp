// SPDX-License-Identifier: Apache-2.0
#include "media/MediaServer.hpp"
#include "media/WallClock.hpp"

#include "random/SecureRandom.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>

namespace tccc::server::media {

namespace {}  // namespace

MediaServer::MediaServer(boost::asio::io_context& io, Options options)
    : mIo(io),
      mOptions(std::move(options)),
      mResolver(mOptions.audioDirs),
      mTicking(std::make_shared<std::unordered_set<std::shared_ptr<MediaBridge>>>()),
      mClock(io),
      mAlive(std::make_shared<bool>(true)) {
  if (mOptions.portMin == 0 || mOptions.portMax < mOptions.portMin)
    throw std::runtime_error("media ports: give a range min-max with 0 < min <= max");
  mSdpSessionId = SecureRandom::uint64() & 0x3FFFFFFFFFFFFFFFull;  // o= session ids must fit a signed 64-bit integer
  mNextPort = SecureRandom::uint32() % (static_cast<std::uint32_t>(mOptions.portMax - mOptions.portMin) + 1);
  // A leg that asks before the render is done waits for it (the shared voice is a thread-safe
  // function-local static), which only a call in the first few hundred milliseconds can.
  mVoiceWarmUp = std::thread([] { AudioSource::syntheticVoice(0); });
}

void MediaServer::startClock() {
  if (mClockRunning) return;
  mClockRunning = true;
  mNextTick = std::chrono::steady_clock::now();
  armClock();
}

MediaServer::~MediaServer() {
  closeAll();
  mAlive.reset();
  if (mVoiceWarmUp.joinable()) mVoiceWarmUp.join();
}

void MediaServer::armClock() {
  // One clock for every call on this thread: 50 wake-ups a second in all, not per leg.
  constexpr auto kFrame = std::chrono::milliseconds(20);
  auto now = std::chrono::steady_clock::now();
  mNextTick += kFrame;
  if (mNextTick < now - 10 * kFrame) mNextTick = now;  // the thread stalled: do not burst to catch up
  mClock.expires_at(mNextTick);
  std::weak_ptr<bool> alive = mAlive;
  auto ticking = mTicking;
  mClock.async_wait([this, alive, ticking](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    if (ticking->empty()) {
      mClockRunning = false;
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    for (const auto& bridge : *ticking) {
      try {
        bridge->tick(now, us);
      } catch (const std::exception& e) {
        spdlog::warn("server media for {}: {}", bridge->sessionId(), e.what());
      }
    }
    armClock();
  });
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

MediaServer::Call& MediaServer::call(const std::string& sessionId) {
  auto [it, created] = mCalls.try_emplace(sessionId);
  Call& c = it->second;
  if (created) {
    c.bridge = std::make_shared<MediaBridge>(sessionId, mOptions.tap);
    std::weak_ptr<bool> alive = mAlive;
    boost::asio::post(mIo, [this, alive, ticking = mTicking, bridge = c.bridge] {
      ticking->insert(bridge);
      if (!alive.expired()) startClock();
    });
    // References to an unordered_map's elements survive the erasure of others (evictStats).
    StatsEntry& entry = mStats[sessionId];
    if (entry.closedSeq != 0) {  // open again: its place in the eviction queue goes stale
      entry.closedSeq = 0;
      --mClosedCurrent;
    }
    evictStats(nowMs());  // after the entry is marked open, so never this one
  }
  return c;
}

MediaServer::Opened MediaServer::failed(const std::string& sessionId, Side side, const std::string& why) {
  spdlog::warn("server media for {}: {}", sessionId, why);
  auto& stats = mStats[sessionId].sides[static_cast<std::size_t>(side)];
  if (!stats) stats = std::make_shared<MediaStats>();
  {
    std::lock_guard lock(stats->mutex);
    stats->state = "failed";
    stats->error = why;
  }
  // A call left without any leg is over for the media plane: its stats may be forgotten in turn.
  auto it = mCalls.find(sessionId);
  if (it != mCalls.end() && !it->second.legs[0] && !it->second.legs[1]) close(sessionId);
  return Opened{"", why};
}

void MediaServer::markClosed(const std::string& sessionId, Side side) {
  auto it = mStats.find(sessionId);
  if (it == mStats.end()) return;
  auto& stats = it->second.sides[static_cast<std::size_t>(side)];
  if (!stats) return;
  std::lock_guard lock(stats->mutex);
  stats->state = "closed";  // an earlier failure stays explained in `error`
  if (!stats->closedAtMs) stats->closedAtMs = nowMs();
}

std::shared_ptr<MediaStats> MediaServer::freshStats(const std::string& sessionId, Side side) {
  // Counters start again for each leg (a new agent, a new connection), the leg count goes on,
  // also for a leg that cannot be opened.
  auto& slot = mStats[sessionId].sides[static_cast<std::size_t>(side)];
  auto stats = std::make_shared<MediaStats>();
  stats->legs = slot ? slot->legs + 1 : 1;
  slot = stats;
  return stats;
}

void MediaServer::dropRecord(std::optional<LegRecord>& record) {
  if (!record) return;
  if (record->leg) --mOpenLegs;
  record.reset();
}

std::variant<std::shared_ptr<MediaLeg>, std::string> MediaServer::newLeg(const std::string& sessionId, Side side) {
  return makeLeg(freshStats(sessionId, side));
}

std::variant<std::shared_ptr<MediaLeg>, std::string> MediaServer::makeLeg(std::shared_ptr<MediaStats> stats) {
  if (mOpenLegs >= mOptions.maxLegs) return std::string("too many server media legs are open");
  std::string error;
  auto socket = bindSocket(error);
  if (!socket) return error;
  try {
    return std::make_shared<MediaLeg>(mIo, mIdentity, std::move(*socket), mOptions.host, stats);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

void MediaServer::install(const std::string& sessionId, Call& c, Side side, std::shared_ptr<MediaLeg> leg,
                          const std::string& participant) {
  auto& record = c.legs[static_cast<std::size_t>(side)];
  dropRecord(record);
  ++mOpenLegs;
  record = LegRecord{leg, std::nullopt, {}, nullptr};
  boost::asio::post(mIo, [bridge = c.bridge, side, leg, participant] { bridge->attach(side, leg, participant); });
  (void)sessionId;
}

MediaServer::Opened MediaServer::offer(const std::string& sessionId, Side side, bool video,
                                       const std::string& participant) {
  Call& c = call(sessionId);
  auto made = newLeg(sessionId, side);
  if (auto* why = std::get_if<std::string>(&made)) return failed(sessionId, side, *why);
  auto leg = std::get<std::shared_ptr<MediaLeg>>(made);
  std::string sdp = leg->offer(++mSdpSessionId, video);
  install(sessionId, c, side, leg, participant);
  c.legs[static_cast<std::size_t>(side)]->local = leg->local();
  if (c.held) boost::asio::post(mIo, [leg] { leg->setHeld(true); });
  return Opened{std::move(sdp), ""};
}

MediaServer::Opened MediaServer::answer(const std::string& sessionId, Side side, const std::string& offerSdp,
                                        const std::string& participant) {
  auto parsed = Sdp::parseOffer(offerSdp);
  if (auto* why = std::get_if<std::string>(&parsed)) return Opened{"", *why};
  RemoteDescription offer = std::get<RemoteDescription>(parsed);
  Call& c = call(sessionId);
  auto& record = c.legs[static_cast<std::size_t>(side)];
  if (record && record->remote && record->remote->fingerprint == offer.fingerprint) {
    // The same browser connection offers again: an ICE restart on the leg it has. New credentials
    // on both sides, the same DTLS association; the DTLS roles stay as they are.
    if (offer.opusPayloadType != record->remote->opusPayloadType)
      return Opened{"", "the re-offer changes the Opus payload type"};
    LocalDescription local = record->local;
    local.iceUfrag = SecureRandom::alphanumeric(8);
    local.icePwd = SecureRandom::alphanumeric(24);
    local.version += 1;
    local.setup = record->remote->setup == "passive" ? "active" : "passive";
    local.audioMid = offer.audioMid;
    local.videoMid = offer.video ? offer.videoMid : local.videoMid;
    local.videoFirst = offer.videoFirst;
    local.audioDirection = Sdp::answerDirection(offer.direction);
    local.videoDirection = Sdp::answerDirection(offer.videoDirection);
    record->local = local;
    record->remote->iceUfrag = offer.iceUfrag;
    record->remote->icePwd = offer.icePwd;
    boost::asio::post(
        mIo, [leg = record->leg, offer, u = local.iceUfrag, p = local.icePwd] { leg->restartIce(offer, u, p); });
    return Opened{Sdp::build(local), ""};
  }
  auto made = newLeg(sessionId, side);
  if (auto* why = std::get_if<std::string>(&made)) return failed(sessionId, side, *why);
  auto leg = std::get<std::shared_ptr<MediaLeg>>(made);
  const std::uint64_t sdpSession = ++mSdpSessionId;
  std::string sdp = leg->answer(sdpSession, offer);
  install(sessionId, c, side, leg, participant);
  // What an ICE restart answers with later: the same description with new credentials.
  auto& installed = *c.legs[static_cast<std::size_t>(side)];
  installed.local = leg->local();
  installed.remote = offer;
  if (offer.setup == "actpass") installed.remote->setup = "active";
  if (c.held) boost::asio::post(mIo, [leg] { leg->setHeld(true); });
  return Opened{std::move(sdp), ""};
}

std::optional<std::string> MediaServer::remoteAnswer(const std::string& sessionId, Side side, const std::string& sdp) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.legs[static_cast<std::size_t>(side)])
    return std::string("the session has no server media leg");
  auto& record = *it->second.legs[static_cast<std::size_t>(side)];
  if (!record.leg) return std::string("the agent's audio goes over a WebSocket: there is no offer to answer");
  auto parsed = Sdp::parseAnswer(sdp);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    failed(sessionId, side, "unusable SDP answer: " + *why);
    return *why;
  }
  record.remote = std::get<RemoteDescription>(parsed);
  boost::asio::post(mIo, [leg = record.leg, answer = *record.remote] { leg->setAnswer(answer); });
  return std::nullopt;
}

MediaServer::Opened MediaServer::offerRinging(const std::string& sessionId, bool video) {
  Call& c = call(sessionId);
  closeRinging(sessionId);
  auto stats = std::make_shared<MediaStats>();
  auto made = makeLeg(stats);
  if (auto* why = std::get_if<std::string>(&made)) {
    // Not fatal: accepting offers the agent a leg as it did before ringing legs existed.
    spdlog::warn("server media for {}: no leg for the ringing agent: {}", sessionId, *why);
    return Opened{"", *why};
  }
  auto leg = std::get<std::shared_ptr<MediaLeg>>(made);
  std::string sdp = leg->offer(++mSdpSessionId, video);
  c.ringing = LegRecord{leg, std::nullopt, leg->local(), nullptr};
  c.ringingStats = std::move(stats);
  ++mOpenLegs;
  boost::asio::post(mIo, [bridge = c.bridge, leg] { bridge->ring(leg); });
  return Opened{std::move(sdp), ""};
}

std::optional<std::string> MediaServer::remoteAnswerRinging(const std::string& sessionId, const std::string& sdp) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.ringing) return std::string("the session has no ringing agent leg");
  auto parsed = Sdp::parseAnswer(sdp);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    closeRinging(sessionId);
    return *why;
  }
  auto& record = *it->second.ringing;
  record.remote = std::get<RemoteDescription>(parsed);
  boost::asio::post(mIo, [leg = record.leg, answer = *record.remote] { leg->setAnswer(answer); });
  return std::nullopt;
}

bool MediaServer::connectRinging(const std::string& sessionId, const std::string& participant) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.ringing) return false;
  Call& c = it->second;
  auto& agent = c.legs[static_cast<std::size_t>(Side::Agent)];
  if (agent) markClosed(sessionId, Side::Agent);
  dropRecord(agent);
  // Its counters become the agent side's, as a new leg's would.
  auto& slot = mStats[sessionId].sides[static_cast<std::size_t>(Side::Agent)];
  c.ringingStats->legs = slot ? slot->legs + 1 : 1;
  slot = std::move(c.ringingStats);
  agent = std::move(c.ringing);
  c.ringing.reset();
  const bool held = c.held;
  boost::asio::post(mIo, [bridge = c.bridge, participant, held, leg = agent->leg] {
    if (!bridge->promote(participant)) return;
    if (held) leg->setHeld(true);
  });
  return true;
}

void MediaServer::closeRinging(const std::string& sessionId) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.ringing) return;
  it->second.ringing.reset();
  it->second.ringingStats.reset();
  --mOpenLegs;
  boost::asio::post(mIo, [bridge = it->second.bridge] { bridge->unring(); });
}

MediaServer::Opened MediaServer::monitor(const std::string& sessionId, const std::string& offerSdp, MonitorMode mode,
                                         const std::string& supervisor) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return Opened{"", "the call's audio does not pass through the server"};
  auto parsed = Sdp::parseOffer(offerSdp);
  if (auto* why = std::get_if<std::string>(&parsed)) return Opened{"", *why};
  Call& c = it->second;
  auto stats = std::make_shared<MediaStats>();
  auto made = makeLeg(stats);
  if (auto* why = std::get_if<std::string>(&made)) return Opened{"", *why};
  auto leg = std::get<std::shared_ptr<MediaLeg>>(made);
  const RemoteDescription offer = std::get<RemoteDescription>(parsed);
  std::string sdp = leg->answer(++mSdpSessionId, offer);
  dropRecord(c.monitor);
  c.monitor = LegRecord{leg, offer, leg->local(), nullptr};
  c.monitorStats = std::move(stats);
  ++mOpenLegs;
  boost::asio::post(mIo, [bridge = c.bridge, leg, mode, supervisor] { bridge->attachMonitor(leg, mode, supervisor); });
  return Opened{std::move(sdp), ""};
}

void MediaServer::setMonitorMode(const std::string& sessionId, MonitorMode mode) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.monitor) return;
  boost::asio::post(mIo, [bridge = it->second.bridge, mode] { bridge->setMonitorMode(mode); });
}

void MediaServer::closeMonitor(const std::string& sessionId) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end() || !it->second.monitor) return;
  dropRecord(it->second.monitor);
  it->second.monitorStats.reset();
  boost::asio::post(mIo, [bridge = it->second.bridge] { bridge->detachMonitor(); });
}

std::unique_ptr<AudioSource> MediaServer::voiceFor(const std::string& sessionId, const std::string& audioFile) const {
  if (!audioFile.empty()) {
    auto path = mResolver.resolve(audioFile);
    if (path.error.empty()) {
      auto wav = WavFile::load(path.path);
      if (auto* samples = std::get_if<std::vector<std::int16_t>>(&wav)) return AudioSource::loop(std::move(*samples));
      spdlog::warn("server media for {}: {}: {}; playing the built-in voice", sessionId, audioFile,
                   std::get<std::string>(wav));
    } else {
      spdlog::warn("server media for {}: {}; playing the built-in voice", sessionId, path.error);
    }
  }
  return AudioSource::syntheticVoice(static_cast<std::uint32_t>(std::hash<std::string>()(sessionId)));
}

MediaServer::Opened MediaServer::openSimulated(const std::string& sessionId, const std::string& audioFile, bool held,
                                               const std::string& agent, const std::string& farParty) {
  Call& c = call(sessionId);
  c.simulated = true;
  auto made = newLeg(sessionId, Side::Agent);
  if (auto* why = std::get_if<std::string>(&made)) return failed(sessionId, Side::Agent, *why);
  auto leg = std::get<std::shared_ptr<MediaLeg>>(made);
  leg->measureLevel();
  std::string sdp = leg->offer(++mSdpSessionId, false);
  const LocalDescription local = leg->local();
  auto voice = std::make_shared<std::unique_ptr<AudioSource>>(voiceFor(sessionId, audioFile));
  boost::asio::post(mIo,
                    [bridge = c.bridge, voice, farParty] { bridge->setSimulatedCaller(std::move(*voice), farParty); });
  install(sessionId, c, Side::Agent, leg, agent);
  c.legs[static_cast<std::size_t>(Side::Agent)]->local = local;
  hold(sessionId, held);
  return Opened{std::move(sdp), ""};
}

void MediaServer::hold(const std::string& sessionId, bool held) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  it->second.held = held;
  for (auto& stats : mStats[sessionId].sides) {
    if (!stats) continue;
    std::lock_guard lock(stats->mutex);
    stats->held = held;
  }
  boost::asio::post(mIo, [bridge = it->second.bridge, held] { bridge->setHeld(held); });
}

std::variant<std::shared_ptr<WebSocketLeg>, std::string> MediaServer::attachWebSocket(
    const std::string& sessionId, std::shared_ptr<WsMediaOutlet> outlet, const std::string& participant, Side side) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return std::string("the call has no server media");
  Call& c = it->second;
  auto& record = c.legs[static_cast<std::size_t>(side)];
  if (record) markClosed(sessionId, side);
  dropRecord(record);
  // Only the agent side of a simulated call is measured (the simulator's reports).
  const bool measure = c.simulated && side == Side::Agent;
  auto leg = std::make_shared<WebSocketLeg>(std::move(outlet), freshStats(sessionId, side), measure);
  record = LegRecord{nullptr, std::nullopt, {}, leg};
  {
    std::lock_guard lock(leg->stats()->mutex);
    leg->stats()->held = c.held;
  }
  // The bridge closes the leg it replaces (a WebRTC connection, an earlier socket) as it attaches.
  boost::asio::post(mIo, [bridge = c.bridge, leg, participant, side] { bridge->attach(side, leg, participant); });
  return leg;
}

void MediaServer::webSocketClosed(const std::string& sessionId, const std::shared_ptr<WebSocketLeg>& leg, Side side) {
  auto it = mCalls.find(sessionId);
  if (it != mCalls.end()) {
    auto& record = it->second.legs[static_cast<std::size_t>(side)];
    if (record && record->webSocket == leg) {
      dropRecord(record);
      markClosed(sessionId, side);
    }
    boost::asio::post(mIo, [bridge = it->second.bridge, leg, side] {
      bridge->detachIf(side, leg.get());
      leg->close();  // replaced meanwhile: not the bridge's any more, closed all the same
    });
    return;
  }
  boost::asio::post(mIo, [leg] { leg->close(); });
}

bool MediaServer::impair(const std::string& sessionId, double fraction, bool udpBlocked) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return false;
  boost::asio::post(mIo, [bridge = it->second.bridge, fraction, udpBlocked] {
    bridge->setAgentLoss(fraction);
    bridge->setAgentUdpBlocked(udpBlocked);
  });
  return true;
}

void MediaServer::closeLeg(const std::string& sessionId, Side side) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  auto& record = it->second.legs[static_cast<std::size_t>(side)];
  if (!record) return;
  dropRecord(record);
  markClosed(sessionId, side);
  boost::asio::post(mIo, [bridge = it->second.bridge, side] { bridge->detach(side); });
}

void MediaServer::close(const std::string& sessionId) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  for (std::size_t i = 0; i < it->second.legs.size(); ++i)
    if (it->second.legs[i]) {
      markClosed(sessionId, static_cast<Side>(i));
      dropRecord(it->second.legs[i]);
    }
  if (it->second.ringing) --mOpenLegs;
  dropRecord(it->second.monitor);
  boost::asio::post(mIo, [ticking = mTicking, bridge = it->second.bridge] {
    bridge->close();
    ticking->erase(bridge);
  });
  mCalls.erase(it);
  retireStats(sessionId, nowMs());
}

void MediaServer::closeAll() {
  std::vector<std::string> ids;
  ids.reserve(mCalls.size());
  for (auto& [id, c] : mCalls) ids.push_back(id);
  for (auto& id : ids) close(id);
}

std::int64_t MediaServer::nowMs() const { return mOptions.clockMs ? mOptions.clockMs() : wallClockMs(); }

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

namespace {
protocol::Json statsJson(const MediaStats& s) {
  std::lock_guard lock(s.mutex);
  protocol::Json j{{"transport", s.transport},
                   {"state", s.state},
                   {"legs", s.legs},
                   {"held", s.held},
                   {"remoteAddress", s.remoteAddress},
                   {"packetsIn", s.packetsIn},
                   {"bytesIn", s.bytesIn},
                   {"packetsOut", s.packetsOut},
                   {"bytesOut", s.bytesOut},
                   {"videoPacketsIn", s.videoPacketsIn},
                   {"videoPacketsOut", s.videoPacketsOut},
                   {"keyFrameRequests", s.keyFrameRequests},
                   {"retransmitted", s.retransmitted},
                   {"rtcpIn", s.rtcpIn},
                   {"dropped", s.dropped},
                   {"droppedOut", s.droppedOut},
                   {"loss", s.loss},
                   {"impairedIn", s.impairedIn},
                   {"impairedOut", s.impairedOut},
                   {"rmsIn", s.rmsIn},
                   {"peakRmsIn", s.peakRmsIn},
                   {"connectedAt", s.connectedAtMs}};
  if (!s.error.empty()) j["error"] = s.error;
  return j;
}
}  // namespace

std::optional<protocol::Json> MediaServer::stats(const std::string& sessionId) const {
  auto it = mStats.find(sessionId);
  if (it == mStats.end()) return std::nullopt;
  const auto& [far, agent] = it->second.sides;
  protocol::Json j = agent ? statsJson(*agent) : protocol::Json{{"state", "new"}, {"legs", 0}};
  if (far) j["far"] = statsJson(*far);
  if (auto call = mCalls.find(sessionId); call != mCalls.end() && call->second.monitorStats)
    j["monitor"] = statsJson(*call->second.monitorStats);
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
