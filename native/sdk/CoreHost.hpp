// SPDX-License-Identifier: Apache-2.0
// The native host of the sans-I/O core (src/core/Core.hpp): what the TypeScript shim does in the
// browser, on Boost.Asio. It feeds the core the socket's events and the clock, carries out the
// commands the core queues (connect, send, close, emit, settle, media) and keeps one timer armed at
// the core's next deadline. Single-threaded: everything runs on the io_context's thread.
#ifndef TCCC_NATIVE_SDK_COREHOST_HPP
#define TCCC_NATIVE_SDK_COREHOST_HPP

#include "core/Core.hpp"
#include "net/WsClient.hpp"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace tccc::native {

class CoreHost {
 public:
  using Json = protocol::Json;
  /// An API call's outcome: `error` is empty (code None) on success.
  using Settle = std::function<void(const Json& data, const Error& error)>;

  struct Listener {
    virtual ~Listener() = default;
    /// An SDK event of the `tccc` vocabulary (ready, callIn, sessionEnded, connectionLost, …).
    virtual void onSdkEvent(const std::string& name, const Json& data) = 0;
    /// A media action for a call ("start", "offer", "end", "mute", "sendDigits", …).
    virtual void onMediaAction(const std::string& action, const Json& data) = 0;
  };

  CoreHost(boost::asio::io_context& io, boost::asio::ssl::context* tls, Listener& listener);
  ~CoreHost();
  CoreHost(const CoreHost&) = delete;
  CoreHost& operator=(const CoreHost&) = delete;

  /// Creates the core and opens the first connection to `endpoint` (the /ws/agent URL).
  void start(core::CoreConfig config, WsEndpoint endpoint);
  /// A public API call ("Call.accept", …) or a host-internal one ("Media.ws"); settled once.
  void invoke(std::string_view api, const Json& args, Settle settle);
  /// Ends everything: pending calls fail with ERR_DESTROYED, the socket closes. No event after.
  /// Safe from inside a listener callback; the object itself must outlive the callback.
  void stop();

  bool started() const { return mCore != nullptr; }
  core::Phase phase() const;
  /// The core's wire view of its sessions (docs/protocol.md).
  Json sessions() const;
  /// The agent WebSocket's endpoint (the media socket is on the same origin).
  const WsEndpoint& endpoint() const { return mEndpoint; }

 private:
  std::int64_t now() const;
  /// Carries out the core's queued commands in order; re-entrant calls only append.
  void pump();
  void carryOut(core::Command& command);
  void connect();
  /// Closes the socket (if any) with `code`; nothing of it reaches the core afterwards.
  void dropSocket(int code);
  void arm();

  boost::asio::io_context& mIo;
  boost::asio::ssl::context* mTls;
  Listener& mListener;
  std::unique_ptr<core::Core> mCore;
  WsEndpoint mEndpoint;
  std::shared_ptr<WsClient> mSocket;
  std::uint64_t mSocketGeneration = 0;  // handlers of an older socket are ignored
  boost::asio::steady_timer mTimer;
  std::map<std::uint32_t, Settle> mPending;
  std::deque<core::Command> mCommands;
  bool mPumping = false;
  /// Cleared in the destructor: the socket and timer handlers outlive nothing.
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::native

#endif
