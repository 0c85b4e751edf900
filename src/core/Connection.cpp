// SPDX-License-Identifier: Apache-2.0
#include "core/Connection.hpp"

#include <algorithm>
#include <utility>

namespace tccc::core {
namespace {

constexpr int kCloseNormal = 1000;
constexpr int kCloseHeartbeatTimeout = 4000;  // ours: the client gave up on a silent connection
constexpr int kCloseKicked = 4003;            // docs/protocol.md: logged in elsewhere
constexpr std::int64_t kDefaultHeartbeatMs = 10000;
constexpr std::int64_t kMinHeartbeatMs = 1000;
constexpr std::int64_t kMaxHeartbeatMs = 600000;
constexpr std::size_t kMaxResumeTokenLength = 1024;
constexpr std::int64_t kHandshakeLoginId = 1;  // docs/protocol.md, "Login in the handshake"

}  // namespace

Connection::Connection(CommandQueue& queue, RequestChannel& requests, const CoreConfig& config, CoreStats& stats,
                       Listener& listener)
    : mQueue(queue),
      mRequests(requests),
      mConfig(config),
      mStats(stats),
      mListener(listener),
      mReconnect(config.reconnectBaseMs, config.reconnectMaxMs, config.randomSeed, config.maxReconnectAttempts),
      mLoginTimeoutMs(config.loginTimeoutMs < 1 ? 1 : config.loginTimeoutMs),
      mHandshakeLoginUnused(config.handshakeLogin),
      mHeartbeatMs(kDefaultHeartbeatMs) {}

void Connection::start(std::int64_t now) {
  if (mPhase != Phase::Idle) return;  // start twice is harmless
  // Without credentials a login can only fail; say so now instead of after a round trip.
  const char* missing = mConfig.sdkAppId <= 0    ? "sdkAppId"
                        : mConfig.userId.empty() ? "userId"
                        : mConfig.token.empty()  ? "token"
                                                 : nullptr;
  if (missing) {
    Json data = Json::object();
    data["message"] = std::string("cannot log in: ") + missing + " is missing";
    data["code"] = static_cast<int>(Errc::InvalidArgument);
    fail("tokenExpired", std::move(data));
    return;
  }
  mPhase = Phase::Connecting;
  connect(now);
}

void Connection::onOpen(std::int64_t now) {
  if (mSocket != Socket::Opening) return;  // not a socket the core asked for
  mSocket = Socket::Open;
  mConnectDeadline.reset();
  mLastRxMs = now;
  std::int64_t id = mRequests.expectLogin(now + mLoginTimeoutMs);
  // The server logs a handshake-login socket in as it opens and answers as request 1 (the first
  // socket's first id: nothing is sent before the login).
  if (mSocketCarriesLogin && id == kHandshakeLoginId && mResumeToken.empty()) return;
  Json data = Json::object();
  data["sdkAppId"] = mConfig.sdkAppId;
  data["userId"] = mConfig.userId;
  if (!mResumeToken.empty()) {
    data["resumeToken"] = mResumeToken;
    data["lastSeq"] = mLastSeq;
  } else {
    data["token"] = mConfig.token;
  }
  mQueue.send(protocol::encode(protocol::Request{id, "auth.login", std::move(data)}));
}

void Connection::onMessage(std::string_view text, std::int64_t now) {
  if (mSocket != Socket::Open) return;
  ++mStats.framesReceived;
  mLastRxMs = now;  // any frame, even a bad one, shows the connection is alive
  protocol::Decoded decoded = protocol::decode(text);
  if (!decoded.ok()) {
    ++mStats.droppedFrames;
    return;
  }
  protocol::Frame& frame = *decoded.frame;
  if (auto* ping = std::get_if<protocol::Ping>(&frame)) {
    mQueue.send(protocol::encode(protocol::Pong{ping->t}));
  } else if (auto* response = std::get_if<protocol::Response>(&frame)) {
    mListener.onResponse(*response, now);
  } else if (auto* event = std::get_if<protocol::Event>(&frame)) {
    if (acceptEvent(*event)) mListener.onEvent(*event, now);
  } else if (std::holds_alternative<protocol::Request>(frame)) {
    ++mStats.droppedFrames;  // the server never sends requests in protocol version 1
  }
  // pong: liveness only, already refreshed.
}

bool Connection::acceptEvent(const protocol::Event& event) {
  if (!mLoggedIn) {
    ++mStats.droppedFrames;  // before the snapshot, events have no base to apply to
    return false;
  }
  if (event.seq <= mLastSeq) {
    ++mStats.duplicateEvents;
    return false;
  }
  if (event.seq > mLastSeq + 1) ++mStats.seqGaps;
  mLastSeq = event.seq;
  return true;
}

void Connection::onClose(int code, std::int64_t now) {
  if (mSocket == Socket::Closed) return;  // closed on our own command, or never opened
  if (!running()) return;
  mSocket = Socket::Closed;
  if (code == kCloseKicked) {
    kick("another login took over this agent");
    return;
  }
  lose(now);
}

void Connection::onTick(std::int64_t now) {
  if (mLoggedIn && now >= mLastRxMs + 3 * mHeartbeatMs) {
    closeSocket(kCloseHeartbeatTimeout);
    lose(now);
    return;
  }
  if (mConnectDeadline && now >= *mConnectDeadline) {
    closeSocket(kCloseHeartbeatTimeout);
    lose(now);
    return;
  }
  if (mReconnectAt && now >= *mReconnectAt) {
    mReconnectAt.reset();
    Json data = Json::object();
    data["attempt"] = mReconnect.attempt();
    data["delayMs"] = mReconnectDelayMs;
    mQueue.emit("tryToReconnect", std::move(data));
    connect(now);
  }
}

Connection::Login Connection::loginAnswered(const protocol::Response& response, std::int64_t now) {
  if (!response.ok) {
    // Only an overloaded or failing server is worth asking again; any other refusal (bad or
    // stale token, unknown or forbidden agent, a protocol the server does not speak) would be
    // refused again, so it ends the session and the integrator must log in anew.
    const Errc code = response.error.code;
    const bool transient = code == Errc::Internal || code == Errc::RateLimited || code == Errc::HttpRequestFailure ||
                           code == Errc::SipServiceUnavailable || code == Errc::SipServerTimeout ||
                           code == Errc::SipRequesttimeout;
    if (!transient) {
      Json data = Json::object();
      data["message"] = response.error.message;
      data["code"] = static_cast<int>(response.error.code);
      fail("tokenExpired", std::move(data));
      return Login::Refused;
    }
    // A transient refusal (server busy, internal error): try again later like any loss.
    closeSocket(kCloseNormal);
    lose(now);
    return Login::Refused;
  }
  const Json& data = response.data;
  if (auto token = protocol::readString(data, "resumeToken", kMaxResumeTokenLength)) mResumeToken = *token;
  mHeartbeatMs = kDefaultHeartbeatMs;
  if (auto heartbeat = protocol::readInt(data, "heartbeatMs"))
    mHeartbeatMs = std::clamp<std::int64_t>(*heartbeat, kMinHeartbeatMs, kMaxHeartbeatMs);
  if (auto seq = protocol::readInt(data, "seq"); seq && *seq >= 0) mLastSeq = *seq;
  mLoggedIn = true;
  mLastRxMs = now;
  mLossAnnounced = false;
  mReconnect.reset();
  mPhase = Phase::Ready;
  if (mEverReady) return Login::Resumed;
  mEverReady = true;
  mQueue.emit("ready", Json::object());
  return Login::First;
}

void Connection::loginTimedOut(std::int64_t now) {
  closeSocket(kCloseHeartbeatTimeout);
  lose(now);  // fails the rest
}

void Connection::kick(std::string reason) {
  if (mPhase == Phase::Failed || mPhase == Phase::Destroyed) return;
  Json data = Json::object();
  data["reason"] = std::move(reason);
  fail("kickedOut", std::move(data));
}

void Connection::destroy() {
  if (mPhase == Phase::Destroyed) return;
  mRequests.failAll(Errc::Destroyed, "the SDK was destroyed");
  // Say goodbye so the server takes the agent offline at once instead of holding its status for
  // the reconnect grace period, during which calls would still be offered to nobody. The frame is
  // queued before the close, and a WebSocket flushes queued frames before it closes.
  if (mLoggedIn) mQueue.send(protocol::encode(protocol::Request{mRequests.nextId(), "auth.logout", Json::object()}));
  closeSocket(kCloseNormal);
  mLoggedIn = false;
  mConnectDeadline.reset();
  mReconnectAt.reset();
  mPhase = Phase::Destroyed;
}

bool Connection::running() const {
  return mPhase != Phase::Idle && mPhase != Phase::Failed && mPhase != Phase::Destroyed;
}

std::optional<std::int64_t> Connection::nextDeadline() const {
  std::optional<std::int64_t> earliest = mConnectDeadline;
  auto consider = [&](std::optional<std::int64_t> at) {
    if (at && (!earliest || *at < *earliest)) earliest = at;
  };
  if (mLoggedIn) consider(mLastRxMs + 3 * mHeartbeatMs);
  consider(mReconnectAt);
  return earliest;
}

Error Connection::notReady(std::string_view api) const {
  const char* why;
  switch (mPhase) {
    case Phase::Idle:
      why = "the SDK has not been started";
      break;
    case Phase::Connecting:
      why = "the SDK is still logging in; wait for the ready event";
      break;
    case Phase::Reconnecting:
      why = "the connection was lost and the SDK is reconnecting";
      break;
    case Phase::Failed:
      why = "the SDK is logged out (token expired or kicked out); log in again";
      break;
    default:
      why = "the SDK is not ready";
      break;
  }
  return Error(Errc::NotReady, std::string(api) + ": " + why);
}

void Connection::connect(std::int64_t now) {
  mSocket = Socket::Opening;
  // Only the first socket carries the login in its handshake (the host opens it so, at most once).
  mSocketCarriesLogin = mHandshakeLoginUnused;
  mHandshakeLoginUnused = false;
  // A socket that never opens (and whose host never reports a close) must not hang the core.
  mConnectDeadline = now + mLoginTimeoutMs;
  mQueue.connect();
}

void Connection::closeSocket(int code) {
  if (mSocket == Socket::Closed) return;
  mSocket = Socket::Closed;
  mQueue.close(code);
}

// The connection is gone (closed, silent, or never logged in): fail what was in flight, tell the
// integrator once per outage, and arm the backoff timer.
void Connection::lose(std::int64_t now) {
  mLoggedIn = false;
  mConnectDeadline.reset();
  mRequests.failAll(Errc::ConnectionLost, "the connection to the server was lost; the outcome is unknown");
  mListener.onLost();
  mPhase = Phase::Reconnecting;
  if (!mLossAnnounced) {
    mLossAnnounced = true;
    mQueue.emit("connectionLost", Json::object());
  }
  auto delay = mReconnect.nextDelay();
  if (!delay) {
    mPhase = Phase::Failed;
    Json data = Json::object();
    data["attempts"] = mReconnect.attempt();
    mQueue.emit("reconnectFailed", std::move(data));
    return;
  }
  mReconnectDelayMs = *delay;
  mReconnectAt = now + *delay;
}

// Terminal: the core will not reconnect by itself (token rejected, kicked out).
void Connection::fail(std::string_view event, Json data) {
  mRequests.failAll(Errc::ConnectionLost, "the connection to the server was closed");
  closeSocket(kCloseNormal);
  mLoggedIn = false;
  mConnectDeadline.reset();
  mReconnectAt.reset();
  mPhase = Phase::Failed;
  mQueue.emit(std::string(event), std::move(data));
}

}  // namespace tccc::core
