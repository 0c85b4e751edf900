// SPDX-License-Identifier: Apache-2.0
#include "signalling/ContactCenter.hpp"

#include "http/HttpServer.hpp"
#include "routing/CallMonitor.hpp"
#include "signalling/HandshakeLogin.hpp"
#include "sim/SimHttpApi.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <future>

#include <algorithm>
#include <chrono>

namespace tccc::server {

namespace {
constexpr std::size_t kMaxCdrRetry = 100000;  // beyond this the oldest is logged in full and dropped
constexpr int kCloseLoginTimeout = 4001;
constexpr int kCloseHeartbeat = 4002;
constexpr int kCloseLogout = 4005;  // from the client

bool consume(std::string_view& text, std::string_view literal) {
  if (text.substr(0, literal.size()) != literal) return false;
  text.remove_prefix(literal.size());
  return true;
}

// A JSON integer that protocol::decode reads as a valid `t`: no leading zero, no minus zero, at
// most 18 digits (so within int64).
bool consumeInt(std::string_view& text) {
  std::size_t i = text.substr(0, 1) == "-" ? 1 : 0;
  const std::size_t first = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const std::size_t digits = i - first;
  if (digits == 0 || digits > 18 || (text[first] == '0' && (digits > 1 || first > 0))) return false;
  text.remove_prefix(i);
  return true;
}

// Every agent answers the server's ping every heartbeat (10,000 agents: 1,000 pongs a second, as
// many as the calls of bench/load.mjs), and a pong changes nothing but the connection's lastSeenMs,
// set before decoding. So the two spellings clients write are recognised without building a JSON
// tree: keys sorted, as this SDK's core writes it, and in the order of docs/protocol.md, as
// JavaScript clients do. Anything else (other fields, spaces, a bad `t`) is decoded in full.
bool isPlainPong(std::string_view text) {
  std::string_view sorted = text;
  if (consume(sorted, R"({"t":)") && consumeInt(sorted) && sorted == R"(,"type":"pong","v":1})") return true;
  std::string_view documented = text;
  return consume(documented, R"({"v":1,"type":"pong","t":)") && consumeInt(documented) && documented == "}";
}
}  // namespace

ContactCenter::ContactCenter(boost::asio::io_context& io, WsSender& sender, Directory& directory, CdrSink& cdrSink,
                             Options options)
    : mIo(io),
      mSender(sender),
      mCdrSink(cdrSink),
      mOptions(std::move(options)),
      mEngine(directory,
              [&] {
                auto e = mOptions.engine;
                e.heartbeatMs = mOptions.heartbeatMs;
                e.graceMs = mOptions.graceMs;
                e.iceServers = mOptions.iceServers;
                e.serverMedia = mOptions.serverMedia;
                e.anchorMedia = mOptions.anchorMedia;
                return e;
              }()),
      mOut(io, sender),
      mTimer(io) {
  if (mOptions.serverMedia || mOptions.anchorMedia) {
    mTap = std::make_unique<CallTap>(
        mOptions.recorder, mOptions.asrWorkers, io.get_executor(),
        [this](std::int64_t sdkAppId, const std::string& sessionId, const std::string& speaker, const char* flow,
               const asr::AsrResult& r) { transcribed(sdkAppId, sessionId, speaker, flow, r); });
    mOptions.media.tap = mTap.get();
    mMedia = std::make_unique<media::MediaServer>(mMediaIo, mOptions.media);
    mMediaThread = std::thread([this] {
      auto work = boost::asio::make_work_guard(mMediaIo);
      mMediaIo.run();
    });
    mMediaSockets = std::make_unique<MediaSockets>(io, sender, *mMedia);
  }
  // Housekeeping (pings, silent sockets, login timeouts) visits every connection once per cycle,
  // a quarter of the shorter period and at most a second, in slices of at least 5 ms.
  int shortest = std::max(40, std::min(mOptions.heartbeatMs, mOptions.loginTimeoutMs));
  mSweepCycleMs = std::min<std::int64_t>(1000, shortest / 4);
  mSweepSlices = static_cast<std::size_t>(std::clamp<std::int64_t>(mSweepCycleMs / 5, 1, 50));
  mHousekeepingEveryMs = std::max<std::int64_t>(1, mSweepCycleMs / static_cast<std::int64_t>(mSweepSlices));
  mNextHousekeepingMs = nowMs() + mHousekeepingEveryMs;
  schedule();
}

ContactCenter::~ContactCenter() {
  *mAlive = false;
  mTimer.cancel();
  stopMedia();
}

void ContactCenter::stop() {
  mStopped = true;
  stopMedia();
  mTimer.cancel();
  mArmedAt = 0;
}

void ContactCenter::stopMedia() {
  if (!mMediaThread.joinable()) return;
  mMediaSockets.reset();  // before the media server: its legs' late posts find nobody
  // Every leg closes (its taps finish their recordings), then the media server goes on its own
  // thread, where its clock and sockets live; then the thread ends.
  mMedia->closeAll();
  std::promise<void> done;
  boost::asio::post(mMediaIo, [this, &done] {
    mMedia.reset();
    done.set_value();
  });
  done.get_future().wait();
  mMediaIo.stop();
  mMediaThread.join();
}

std::int64_t ContactCenter::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ContactCenter::claims(std::string_view path) const {
  return path == "/ws/agent" || path == "/ws/customer" || (path == "/ws/media" && mMediaSockets);
}

std::string ContactCenter::subprotocol(const WsOpenInfo& info) const {
  return parseOfferedProtocols(info.protocols).v1 ? std::string(kSubprotocolV1) : std::string();
}

void ContactCenter::onOpen(ConnectionId id, const WsOpenInfo& info) {
  if (info.path == "/ws/media") {
    // An agent's audio socket: no login and no heartbeat of its own, only the token of media.ws.
    if (!mMediaSockets) return;
    mMediaSockets->open(id, info.query,
                        [this](std::string_view token) { return mEngine.redeemMediaWs(token, nowMs()); });
    return;
  }
  Conn c;
  c.agent = info.path != "/ws/customer";
  c.openedMs = c.lastSeenMs = c.lastPingMs = nowMs();
  c.requests = TokenBucket(mOptions.ratePerSec, mOptions.rateBurst, c.openedMs);
  mConns[id] = c;
  // A login carried in the handshake is handled as the socket's first request (id 1), exactly as
  // if it had come as a frame, and answered before anything else is sent on the socket.
  OfferedProtocols offered = parseOfferedProtocols(info.protocols);
  if (!c.agent || !offered.login) return;
  auto login = decodeHandshakeLogin(*offered.login);
  if (auto* error = std::get_if<Error>(&login)) {
    sendError(id, kHandshakeLoginId, *error);
    ++mConns[id].failedLogins;
    return;
  }
  agentRequest(id, protocol::Request{kHandshakeLoginId, "auth.login", std::move(std::get<Json>(login))}, c.openedMs);
}

std::vector<LiveChatRecord> ContactCenter::restoreChats(std::vector<LiveChatRecord> entries) {
  auto left = mEngine.restoreChats(std::move(entries), nowMs());
  flush();
  schedule();  // their visitors' and agents' grace periods
  return left;
}

bool ContactCenter::tenantMayRequest(ConnectionId id, bool agent, std::int64_t now) {
  if (mOptions.tenantRatePerSec <= 0) return true;
  // Before login (an agent) or before its first call or chat (a customer) a socket has no app: its
  // own limit, the failed-login limit and the per-address connection cap bound it.
  const std::optional<std::int64_t> app = agent ? mEngine.agentApp(id) : mEngine.customerApp(id);
  if (!app) return true;
  const auto key = std::make_pair(*app, agent);
  auto it = mTenantRequests.find(key);
  if (it == mTenantRequests.end())
    it = mTenantRequests.emplace(key, TokenBucket(mOptions.tenantRatePerSec, mOptions.tenantRateBurst, now)).first;
  return it->second.takeAtMs(now);
}

void ContactCenter::sendError(ConnectionId id, std::int64_t requestId, const Error& error) {
  protocol::Response r;
  r.id = requestId;
  r.ok = false;
  r.error = error;
  mOut.sendText(id, protocol::encode(r));  // after the answers queued before it
}

void ContactCenter::onText(ConnectionId id, std::string_view text) {
  if (mMediaSockets && mMediaSockets->owns(id)) return mMediaSockets->onText(id);
  auto it = mConns.find(id);
  if (it == mConns.end()) return;
  Conn& c = it->second;
  std::int64_t now = nowMs();
  c.lastSeenMs = now;
  if (isPlainPong(text)) return;  // what decoding it would do (a pong needs no answer)
  protocol::Decoded d = protocol::decode(text);
  if (!d.ok()) {
    // Malformed: answer with the reason (and the id when it could be read); never act on it.
    if (d.error.code == Errc::PayloadTooLarge && !d.requestId) {
      dropConnection(id, 1009, "message too big");
      return;
    }
    sendError(id, d.requestId.value_or(0), d.error.code == Errc::None ? Error(Errc::Protocol) : d.error);
    return;
  }
  protocol::Frame& frame = *d.frame;
  if (auto* ping = std::get_if<protocol::Ping>(&frame)) {
    mSender.sendText(id, protocol::encode(protocol::Pong{ping->t}));
    return;
  }
  if (std::holds_alternative<protocol::Pong>(frame)) return;
  auto* req = std::get_if<protocol::Request>(&frame);
  if (!req) {
    sendError(id, 0, Error(Errc::Protocol, "clients send only req, ping and pong frames"));
    return;
  }
  if (!c.requests.takeAtMs(now)) {
    sendError(id, req->id, Error(Errc::RateLimited, "too many requests on this connection: slow down"));
    return;
  }
  if (!tenantMayRequest(id, c.agent, now)) {
    sendError(id, req->id,
              Error(Errc::RateLimited, c.agent ? "too many requests from this app's agents: slow down"
                                               : "too many requests from this app's customers: slow down"));
    return;
  }
  if (c.agent) {
    agentRequest(id, *req, now);
    return;
  }
  mEngine.onCustomerRequest(id, *req, now);
  flush();
  schedule();
}

void ContactCenter::agentRequest(ConnectionId id, const protocol::Request& req, std::int64_t now) {
  bool wasLoggedIn = mEngine.isAgentLoggedIn(id);
  mEngine.onAgentRequest(id, req, now);
  if (req.method == "auth.login" && !wasLoggedIn && !mEngine.isAgentLoggedIn(id)) {
    if (auto it = mConns.find(id); it != mConns.end()) ++it->second.failedLogins;
  }
  flush();
  auto again = mConns.find(id);
  if (again != mConns.end() && again->second.failedLogins >= mOptions.maxFailedLogins)
    dropConnection(id, kCloseLoginTimeout, "too many failed logins");
  schedule();
}

void ContactCenter::onBinary(ConnectionId id, std::string_view bytes) {
  if (mMediaSockets && mMediaSockets->owns(id)) return mMediaSockets->onBinary(id, bytes);
  // Media frames come with the media relay; until then binary data is refused, not buffered.
  auto it = mConns.find(id);
  if (it == mConns.end()) return;
  it->second.lastSeenMs = nowMs();
  sendError(id, 0, Error(Errc::NotSupported, "binary (media) frames are not accepted yet"));
}

void ContactCenter::onClose(ConnectionId id, int peerCloseCode) {
  if (mMediaSockets && mMediaSockets->owns(id)) return mMediaSockets->onClose(id);
  auto it = mConns.find(id);
  bool agent = it == mConns.end() ? true : it->second.agent;
  if (it != mConns.end()) mConns.erase(it);
  std::int64_t now = nowMs();
  // Either kind may be gone already (we closed it ourselves); the engine ignores unknown ids.
  // docs/protocol.md: an agent's close code 4005 is a goodbye, like auth.logout (no grace period).
  if (agent)
    mEngine.agentDisconnected(id, now, peerCloseCode == kCloseLogout);
  else
    mEngine.customerDisconnected(id, now);
  flush();
  schedule();
}

void ContactCenter::dropConnection(ConnectionId id, int code, const std::string& reason) {
  auto it = mConns.find(id);
  if (it == mConns.end()) return;
  bool agent = it->second.agent;
  mConns.erase(it);
  mOut.close(id, code, reason);  // after what was queued for it
  std::int64_t now = nowMs();
  if (agent)
    mEngine.agentDisconnected(id, now);
  else
    mEngine.customerDisconnected(id, now);
  flush();
}

void ContactCenter::flush() {
  // Carrying out a media command can produce more commands (the leg's offer becomes an event, which
  // is a Send): a second round carries those out, after this round's. They cannot go ahead of it:
  // every event carries the next sequence number, and an SDK takes a number it has passed for a
  // replay it has seen. The bound only guards against a future loop.
  DurableSendQueue::InputFrames frames(mOut);  // they wait for the disk if chat messages were touched
  for (int round = 0; round < 8; ++round) {
    auto commands = mEngine.takeCommands();
    if (commands.empty()) break;
    for (auto& cmd : commands) {
      switch (cmd.type) {
        case routing::Command::Type::Send:
          // A full send queue makes the platform close the socket; onClose then tells the engine.
          mOut.sendText(cmd.connection, std::move(cmd.text));
          break;
        case routing::Command::Type::Close:
          mConns.erase(cmd.connection);
          mOut.close(cmd.connection, cmd.closeCode, cmd.reason);
          break;
        case routing::Command::Type::StoreCdr:
          if (!mCdrSink.storeCdr(cmd.sdkAppId, cmd.cdr)) {
            spdlog::warn("CDR {} could not be stored; will retry", cmd.cdr.value("SessionId", ""));
            if (mCdrRetry.size() >= kMaxCdrRetry) {
              spdlog::error("CDR retry queue full, dropping CDR: {}", protocol::dump(mCdrRetry.front().second));
              mCdrRetry.pop_front();
            }
            mCdrRetry.emplace_back(cmd.sdkAppId, std::move(cmd.cdr));
            if (!mNextCdrRetryMs) mNextCdrRetryMs = nowMs() + mOptions.cdrRetryMs;
          }
          break;
        case routing::Command::Type::JournalLiveCall:
          // Best effort: a journal entry refused (backlog full) only leaves that call without a
          // CDR if the server also dies before the call ends.
          mCdrSink.journalLiveCall(cmd.sdkAppId, std::move(cmd.cdr));
          break;
        case routing::Command::Type::MediaOffer:
        case routing::Command::Type::MediaAnswerOffer:
        case routing::Command::Type::MediaRemoteAnswer:
        case routing::Command::Type::MediaOpenSimulated:
        case routing::Command::Type::MediaHold:
        case routing::Command::Type::MediaRecording:
        case routing::Command::Type::MediaCloseLeg:
        case routing::Command::Type::MediaClose:
        case routing::Command::Type::MediaConnectRinging:
        case routing::Command::Type::MediaMonitorMode:
        case routing::Command::Type::MediaMonitorClose:
          runMediaCommand(cmd);
          break;
      }
    }
    mEngine.recycleCommands(std::move(commands));
  }
}

void ContactCenter::runMediaCommand(const routing::Command& cmd) {
  if (!mMedia) return;  // no media plane: the engine's offers simply never come
  using Type = routing::Command::Type;
  if (cmd.side == kRingingAgentSide) {
    runRingingCommand(cmd);
    return;
  }
  const auto side = static_cast<media::Side>(cmd.side);
  if (mTap && (cmd.type == Type::MediaOffer || cmd.type == Type::MediaAnswerOffer ||
               cmd.type == Type::MediaOpenSimulated || cmd.type == Type::MediaConnectRinging)) {
    // Asked at every leg, so a switch changed mid-call applies from the next participant on.
    const CapturePolicy policy =
        mOptions.capturePolicy ? mOptions.capturePolicy(cmd.sdkAppId, cmd.skillGroupId) : CapturePolicy{true, true};
    mTap->configure(cmd.sessionId, cmd.sdkAppId, policy.record, policy.transcribe && mOptions.asrWorkers != nullptr);
  }
  // A leg that cannot be opened is logged by the media server and visible in GET
  // /sim/sessions/<id> (media.error); the call goes on without audio.
  switch (cmd.type) {
    case Type::MediaConnectRinging:
      if (mMedia->connectRinging(cmd.sessionId, cmd.participant)) break;
      [[fallthrough]];  // it had no leg (none could be opened): one is offered now
    case Type::MediaOffer: {
      auto opened = mMedia->offer(cmd.sessionId, side, cmd.video, cmd.participant);
      if (cmd.held) mMedia->hold(cmd.sessionId, true);
      if (opened.error.empty()) mEngine.serverMedia(cmd.sessionId, cmd.side, "media.offer", opened.sdp);
      break;
    }
    case Type::MediaOpenSimulated: {
      auto opened = mMedia->openSimulated(cmd.sessionId, cmd.text, cmd.held, cmd.participant, cmd.farParticipant);
      if (opened.error.empty()) mEngine.serverMedia(cmd.sessionId, cmd.side, "media.offer", opened.sdp);
      break;
    }
    case Type::MediaAnswerOffer: {
      auto answered = mMedia->answer(cmd.sessionId, side, cmd.text, cmd.participant);
      if (answered.error.empty())
        mEngine.serverMedia(cmd.sessionId, cmd.side, "media.answer", answered.sdp);
      else
        spdlog::warn("media for {}: an offer was refused: {}", cmd.sessionId, answered.error);
      break;
    }
    case Type::MediaRemoteAnswer:
      if (auto why = mMedia->remoteAnswer(cmd.sessionId, side, cmd.text))
        spdlog::warn("media for {}: an answer was refused: {}", cmd.sessionId, *why);
      break;
    case Type::MediaHold:
      mMedia->hold(cmd.sessionId, cmd.held);
      break;
    case Type::MediaRecording:
      if (mTap) mTap->pauseRecording(cmd.sessionId, cmd.held);
      break;
    case Type::MediaCloseLeg:
      mMedia->closeLeg(cmd.sessionId, side);
      break;
    case Type::MediaClose:
      mMedia->close(cmd.sessionId);
      break;
    case Type::MediaMonitorMode:
      mMedia->setMonitorMode(cmd.sessionId, cmd.monitorMode);
      break;
    case Type::MediaMonitorClose:
      mMedia->closeMonitor(cmd.sessionId);
      break;
    default:
      break;
  }
}

void ContactCenter::runRingingCommand(const routing::Command& cmd) {
  using Type = routing::Command::Type;
  switch (cmd.type) {
    case Type::MediaOffer: {
      auto opened = mMedia->offerRinging(cmd.sessionId, cmd.video);
      if (opened.error.empty()) mEngine.serverMedia(cmd.sessionId, cmd.side, "media.offer", opened.sdp);
      break;
    }
    case Type::MediaRemoteAnswer:
      if (auto why = mMedia->remoteAnswerRinging(cmd.sessionId, cmd.text))
        spdlog::warn("media for {}: the ringing agent's answer was refused: {}", cmd.sessionId, *why);
      break;
    case Type::MediaCloseLeg:
      mMedia->closeRinging(cmd.sessionId);
      break;
    default:  // the ringing agent offering itself is refused by the engine; nothing else applies
      break;
  }
}

void ContactCenter::transcribed(std::int64_t sdkAppId, const std::string& sessionId, const std::string& speaker,
                                const char* flow, const asr::AsrResult& r) {
  if (mStopped) return;
  mEngine.asrResult(sessionId, flow,
                    Json{{"text", r.text},
                         {"isFinal", r.isFinal},
                         {"sentenceId", r.sentenceId},
                         {"startTime", r.startTimeMs},
                         {"endTime", r.endTimeMs}});
  flush();
  // Finals are kept for DescribeTelRecordAsr, also the last one of a call that has just ended.
  if (r.isFinal && !r.text.empty() && mOptions.storeAsrSentence)
    mOptions.storeAsrSentence(AsrSentence{sdkAppId, sessionId, speaker, r.text, r.startTimeMs, r.endTimeMs});
}

void ContactCenter::schedule() {
  if (mStopped) return;
  std::int64_t next = mNextHousekeepingMs;
  if (auto d = mEngine.nextDeadline()) next = std::min(next, *d);
  if (mNextCdrRetryMs) next = std::min(next, mNextCdrRetryMs);
  if (mArmedAt && mArmedAt <= next) return;  // already waking up early enough
  mArmedAt = next;
  std::int64_t delay = std::max<std::int64_t>(0, next - nowMs());
  mTimer.expires_after(std::chrono::milliseconds(delay));
  std::weak_ptr<bool> alive = mAlive;
  mTimer.async_wait([this, alive, next](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    if (mArmedAt != next) return;  // superseded by an earlier deadline
    mArmedAt = 0;
    onTimer();
  });
}

void ContactCenter::onTimer() {
  std::int64_t now = nowMs();
  mEngine.tick(now);
  flush();
  if (now >= mNextHousekeepingMs) {
    mNextHousekeepingMs = now + mHousekeepingEveryMs;
    housekeeping(now);
  }
  if (mNextCdrRetryMs && now >= mNextCdrRetryMs) {
    std::size_t n = mCdrRetry.size();
    for (std::size_t i = 0; i < n; ++i) {
      auto item = std::move(mCdrRetry.front());
      mCdrRetry.pop_front();
      if (!mCdrSink.storeCdr(item.first, item.second)) mCdrRetry.push_back(std::move(item));
    }
    mNextCdrRetryMs = mCdrRetry.empty() ? 0 : now + mOptions.cdrRetryMs;
  }
  schedule();
}

void ContactCenter::housekeeping(std::int64_t now) {
  // Each pass looks at one slice of the connections, so every connection is visited once per cycle
  // and the pings of thousands of agents who logged in together go out spread over the cycle:
  // a single burst of 10,000 pings holds the event loop for tens of milliseconds (measured).
  if (mSweepPos >= mSweepOrder.size()) {
    mSweepOrder.clear();
    mSweepOrder.reserve(mConns.size());
    for (auto& entry : mConns) mSweepOrder.push_back(entry.first);
    mSweepPos = 0;
  }
  std::size_t slice = (mSweepOrder.size() + mSweepSlices - 1) / mSweepSlices;
  std::size_t end = std::min(mSweepOrder.size(), mSweepPos + std::max<std::size_t>(slice, 1));
  std::vector<std::pair<ConnectionId, int>> drop;
  std::string ping;
  for (; mSweepPos < end; ++mSweepPos) {
    ConnectionId id = mSweepOrder[mSweepPos];
    auto it = mConns.find(id);
    if (it == mConns.end()) continue;
    Conn& c = it->second;
    bool loggedIn = !c.agent || mEngine.isAgentLoggedIn(id);
    if (!loggedIn) {
      if (now - c.openedMs >= mOptions.loginTimeoutMs) drop.emplace_back(id, kCloseLoginTimeout);
      continue;
    }
    if (now - c.lastSeenMs >= 3LL * mOptions.heartbeatMs) {
      drop.emplace_back(id, kCloseHeartbeat);
      continue;
    }
    // Due within the next cycle: send now rather than a whole cycle late.
    if (now - c.lastPingMs + mSweepCycleMs >= mOptions.heartbeatMs) {
      if (ping.empty()) ping = protocol::encode(protocol::Ping{now});
      c.lastPingMs = now;
      mSender.sendText(id, ping);
    }
  }
  for (auto& [id, code] : drop)
    dropConnection(id, code, code == kCloseLoginTimeout ? "login timeout" : "heartbeat timeout");
}

// --- LiveOps -----------------------------------------------------------------------------------

Error ContactCenter::hangUp(std::int64_t sdkAppId, std::string_view sessionId) {
  Error e = mEngine.adminHangUp(sdkAppId, sessionId, nowMs());
  flush();
  schedule();
  return e;
}

Json ContactCenter::staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds) {
  return mEngine.staffStatusMetrics(sdkAppId, userIds, nowMs());
}

std::optional<Json> ContactCenter::describeSession(std::int64_t sdkAppId, std::string_view sessionId) {
  return mEngine.describeSession(sdkAppId, sessionId);
}

void ContactCenter::directoryChanged(std::int64_t sdkAppId) {
  mEngine.directoryChanged(sdkAppId, nowMs());
  flush();
  schedule();
}

// --- A supervisor's leg --------------------------------------------------------------------------

HttpResponse ContactCenter::monitorOffer(const HttpRequest& request) {
  // The supervisor page comes from the integrator's origin. The ticket in the Authorization header
  // is the credential (single use, 30 s, issued on the supervisor's own socket), never a cookie, so
  // any origin may present it.
  auto answer = [](int status, std::string body, std::string type = "application/json; charset=utf-8") {
    HttpResponse r;
    r.status = status;
    r.contentType = std::move(type);
    r.body = std::move(body);
    r.headers["Access-Control-Allow-Origin"] = "*";
    r.headers["Cache-Control"] = "no-store";
    return r;
  };
  auto refuse = [&](int status, const std::string& why) { return answer(status, Json{{"error", why}}.dump()); };
  if (request.method == "OPTIONS") {
    HttpResponse r = answer(204, "");
    r.headers["Access-Control-Allow-Methods"] = "POST";
    r.headers["Access-Control-Allow-Headers"] = "authorization, content-type";
    r.headers["Access-Control-Max-Age"] = "600";
    return r;
  }
  if (!mMedia) return refuse(404, "this server carries no call audio (server media is off)");
  if (!request.hasContentType("application/sdp"))
    return refuse(415, "the body must be an SDP offer (Content-Type: application/sdp)");
  if (request.body.empty() || request.body.size() > protocol::field::sdp.max)
    return refuse(413, "the SDP offer must be 1 to " + std::to_string(protocol::field::sdp.max) + " bytes");
  auto auth = request.headers.find("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth == request.headers.end() || auth->second.rfind(kBearer, 0) != 0)
    return refuse(401, "the ticket of supervisor.monitor is missing (Authorization: Bearer <token>)");
  auto claim = mEngine.redeemMonitor(std::string_view(auth->second).substr(kBearer.size()), nowMs());
  if (auto* why = std::get_if<Error>(&claim)) return refuse(403, why->message);
  const auto& on = std::get<routing::MonitorClaim>(claim);
  auto opened = mMedia->monitor(on.sessionId, request.body, on.mode, on.supervisor);
  if (!opened.error.empty()) return refuse(400, opened.error);
  spdlog::info("media for {}: a supervisor joined ({})", on.sessionId, protocol::toString(on.mode));
  return answer(201, std::move(opened.sdp), "application/sdp");
}

// --- HTTP routes: the supervisor's leg, then the simulator's --------------------------------------

void ContactCenter::registerRoutes(HttpRouter& router) {
  for (const char* method : {"POST", "OPTIONS"})
    router.add(method, routing::CallMonitor::kPath, [this](const HttpRequest& r) { return monitorOffer(r); });
  if (!mOptions.enableSimulator) return;
  router.add("POST", "/sim/inbound", [this](const HttpRequest& r) { return simInbound(r); });
  router.add("GET", "/sim/sessions", [this](const HttpRequest& r) { return simSession(r); });
  router.add("GET", "/sim/test-numbers", [](const HttpRequest&) { return sim::SimHttpApi::testNumbers(); });
  router.addPrefix("GET", "/sim/sessions/", [this](const HttpRequest& r) { return simSession(r); });
  router.addPrefix("POST", "/sim/sessions/", [this](const HttpRequest& r) { return simImpair(r); });
}

HttpResponse ContactCenter::simInbound(const HttpRequest& request) {
  sim::SimHttpApi::AudioCheck check;
  if (mMedia) check = [this](const std::string& name) { return mMedia ? mMedia->checkAudioFile(name) : std::string(); };
  HttpResponse res = sim::SimHttpApi::inbound(mEngine, request, nowMs(), check);
  flush();
  schedule();
  return res;
}

HttpResponse ContactCenter::simImpair(const HttpRequest& request) {
  sim::SimHttpApi::Impair apply;
  if (mMedia)
    apply = [this](const std::string& id, double loss, bool udpBlocked) {
      return mMedia && mMedia->impair(id, loss, udpBlocked);
    };
  return sim::SimHttpApi::impair(mEngine, request, apply);
}

HttpResponse ContactCenter::simSession(const HttpRequest& request) {
  sim::SimHttpApi::MediaStats media;
  if (mMedia) media = [this](const std::string& id) { return mMedia ? mMedia->stats(id) : std::optional<Json>(); };
  return sim::SimHttpApi::session(mEngine, request, media);
}

}  // namespace tccc::server
