// SPDX-License-Identifier: Apache-2.0
// The connection to the server and the core's phase: asks the host for a socket, logs in on it (in
// the WebSocket handshake the first time, when configured: docs/protocol.md "Login in the
// handshake"; with the resume token after that), watches its liveness (any frame is a sign of life;
// 3 × heartbeatMs of silence, a login unanswered or a socket that never opens means it is lost),
// backs off and reconnects after a loss, and ends for good when the login is refused or the agent
// is kicked out. Frames that come in are decoded here: pings are answered at once, and responses
// and events (the latter in seq order, duplicates dropped) go to the Listener.
#ifndef TCCC_CORE_CONNECTION_HPP
#define TCCC_CORE_CONNECTION_HPP

#include "core/CommandQueue.hpp"
#include "core/CoreVocabulary.generated.hpp"
#include "core/ReconnectPolicy.hpp"
#include "core/RequestChannel.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tccc::core {

class Connection {
 public:
  /// The agent this core logs in as.
  const std::string& userId() const { return mConfig.userId; }
  /// Where decoded frames go (the core's wiring, Core.cpp).
  class Listener {
   public:
    virtual void onResponse(protocol::Response& response, std::int64_t nowMs) = 0;
    /// An event past the last seq seen, while logged in.
    virtual void onEvent(protocol::Event& event, std::int64_t nowMs) = 0;
    /// The connection was lost (requests in flight have already failed).
    virtual void onLost() = 0;

   protected:
    ~Listener() = default;
  };

  /// What an auth.login answer did.
  enum class Login { Refused, First, Resumed };

  Connection(CommandQueue& queue, RequestChannel& requests, const CoreConfig& config, CoreStats& stats,
             Listener& listener);

  /// Begins the first connection (Connect), or fails at once without credentials.
  void start(std::int64_t nowMs);
  void onOpen(std::int64_t nowMs);
  void onMessage(std::string_view text, std::int64_t nowMs);
  void onClose(int code, std::int64_t nowMs);
  /// Liveness, the connect deadline and the backoff timer.
  void onTick(std::int64_t nowMs);

  /// The answer to the pending auth.login. On success the connection is Ready (and `ready` is queued
  /// the first time); the caller then reconciles the snapshot in `response.data`. A refusal either
  /// ends the connection (tokenExpired) or, for a transient server error, counts as a loss.
  Login loginAnswered(const protocol::Response& response, std::int64_t nowMs);
  /// No answer to the login in time: the connection is as good as dead.
  void loginTimedOut(std::int64_t nowMs);
  /// Terminal: logged in elsewhere or removed. Fails what is in flight, closes, emits kickedOut.
  void kick(std::string reason);
  /// Ends everything: rejects what is in flight with ERR_DESTROYED, says goodbye, closes.
  void destroy();

  Phase phase() const { return mPhase; }
  bool loggedIn() const { return mLoggedIn; }
  /// Whether the core runs timers at all (not Idle, Failed or Destroyed).
  bool running() const;
  /// The earliest of the liveness deadline, the connect deadline and the backoff timer.
  std::optional<std::int64_t> nextDeadline() const;
  /// ERR_NOT_READY for `api` called while the phase is not Ready, saying why.
  Error notReady(std::string_view api) const;

 private:
  enum class Socket { Closed, Opening, Open };

  void connect(std::int64_t nowMs);
  void closeSocket(int code);
  void lose(std::int64_t nowMs);
  void fail(std::string_view event, Json data);
  bool acceptEvent(const protocol::Event& event);

  CommandQueue& mQueue;
  RequestChannel& mRequests;
  const CoreConfig& mConfig;
  CoreStats& mStats;
  Listener& mListener;
  ReconnectPolicy mReconnect;
  std::int64_t mLoginTimeoutMs;  // for the socket to open, and then for the login's answer (>= 1)

  Phase mPhase = Phase::Idle;
  Socket mSocket = Socket::Closed;
  bool mEverReady = false;
  bool mLoggedIn = false;            // the current socket has a successful auth.login
  bool mHandshakeLoginUnused;        // the host's first socket is still to come
  bool mSocketCarriesLogin = false;  // the current socket logged in by its handshake
  bool mLossAnnounced = false;       // connectionLost already emitted for this outage
  std::string mResumeToken;
  std::int64_t mHeartbeatMs;
  std::int64_t mLastSeq = 0;
  std::int64_t mLastRxMs = 0;
  std::int64_t mReconnectDelayMs = 0;
  std::optional<std::int64_t> mConnectDeadline;
  std::optional<std::int64_t> mReconnectAt;
};

}  // namespace tccc::core

#endif
