// SPDX-License-Identifier: Apache-2.0
#include "sdk/CoreHost.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tccc::native {

namespace asio = boost::asio;

namespace {
/// Settles the API call a Resolve or Reject command names, if it is still in `pending`.
void settleFrom(std::map<std::uint32_t, CoreHost::Settle>& pending, const core::Command& command) {
  auto it = pending.find(command.handle);
  if (it == pending.end()) return;
  CoreHost::Settle settle = std::move(it->second);
  pending.erase(it);
  if (command.kind == core::CommandKind::Resolve)
    settle(command.data, Error());
  else
    settle(CoreHost::Json::object(), command.error);
}
}  // namespace

CoreHost::CoreHost(asio::io_context& io, asio::ssl::context* tls, Listener& listener)
    : mIo(io), mTls(tls), mListener(listener), mTimer(io) {}

CoreHost::~CoreHost() {
  *mAlive = false;
  mTimer.cancel();
  if (mSocket) mSocket->close(1000);
}

std::int64_t CoreHost::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void CoreHost::start(core::CoreConfig config, WsEndpoint endpoint) {
  mEndpoint = std::move(endpoint);
  mCore = std::make_unique<core::Core>(std::move(config));
  mCore->start(now());
  pump();
}

void CoreHost::invoke(std::string_view api, const Json& args, Settle settle) {
  if (!mCore) {
    if (settle) settle(Json::object(), Error(Errc::NotReady, "not logged in"));
    return;
  }
  const std::uint32_t handle = mCore->call(api, args, now());
  if (settle) mPending.emplace(handle, std::move(settle));
  pump();
}

void CoreHost::stop() {
  if (!mCore) return;
  // May run inside pump() (a listener tearing the SDK down): the core goes now, and the calls it
  // rejects with ERR_DESTROYED are settled here, since pump() stops once the core is gone.
  mCore->destroy(now());
  for (auto& command : mCore->drain()) mCommands.push_back(std::move(command));
  auto commands = std::move(mCommands);
  mCommands.clear();
  auto pending = std::move(mPending);
  mPending.clear();
  mCore.reset();
  mTimer.cancel();
  dropSocket(1000);
  for (auto& command : commands) {
    if (command.kind == core::CommandKind::Reject || command.kind == core::CommandKind::Resolve)
      settleFrom(pending, command);
  }
  for (auto& [handle, settle] : pending) settle(Json::object(), Error(Errc::Destroyed));
}

core::Phase CoreHost::phase() const { return mCore ? mCore->phase() : core::Phase::Idle; }

CoreHost::Json CoreHost::sessions() const { return mCore ? mCore->sessions() : Json::array(); }

void CoreHost::pump() {
  if (!mCore) return;
  for (auto& command : mCore->drain()) mCommands.push_back(std::move(command));
  if (mPumping) return;
  mPumping = true;
  while (!mCommands.empty() && mCore) {
    core::Command command = std::move(mCommands.front());
    mCommands.pop_front();
    carryOut(command);
    if (mCore) {
      for (auto& more : mCore->drain()) mCommands.push_back(std::move(more));
    }
  }
  mPumping = false;
  if (mCore) arm();
}

void CoreHost::carryOut(core::Command& command) {
  switch (command.kind) {
    case core::CommandKind::Connect:
      return connect();
    case core::CommandKind::Send:
      if (mSocket) mSocket->send(std::move(command.text), false);
      return;
    case core::CommandKind::Close:
      return dropSocket(command.code ? command.code : 1000);
    case core::CommandKind::Emit:
      return mListener.onSdkEvent(command.name, command.data);
    case core::CommandKind::Resolve:
    case core::CommandKind::Reject:
      return settleFrom(mPending, command);
    case core::CommandKind::Media:
      return mListener.onMediaAction(command.name, command.data);
  }
}

void CoreHost::dropSocket(int code) {
  if (mSocket) mSocket->close(code);
  mSocket.reset();
  ++mSocketGeneration;  // a late handler of that socket is ignored
}

void CoreHost::connect() {
  dropSocket(1000);
  const std::uint64_t generation = mSocketGeneration;
  std::weak_ptr<bool> alive = mAlive;
  auto current = [this, alive, generation] {
    auto a = alive.lock();
    return a && *a && mCore && generation == mSocketGeneration;
  };
  WsClient::Handlers handlers;
  handlers.onOpen = [this, current] {
    if (!current()) return;
    mCore->onOpen(now());
    pump();
  };
  handlers.onMessage = [this, current](std::string_view data, bool binary) {
    if (!current() || binary) return;  // the agent socket speaks JSON text only
    mCore->onMessage(data, now());
    pump();
  };
  handlers.onClose = [this, current](int code, const std::string&) {
    if (!current()) return;
    mSocket.reset();
    ++mSocketGeneration;
    mCore->onClose(code, now());
    pump();
  };
  mSocket = WsClient::create(mIo, mTls, std::move(handlers));
  mSocket->open(mEndpoint);
}

void CoreHost::arm() {
  const auto deadline = mCore->nextDeadline();
  if (!deadline) {
    mTimer.cancel();
    return;
  }
  const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(0, *deadline - now()));
  mTimer.expires_after(wait);
  std::weak_ptr<bool> alive = mAlive;
  mTimer.async_wait([this, alive](const boost::system::error_code& ec) {
    auto a = alive.lock();
    if (ec || !a || !*a || !mCore) return;
    mCore->onTick(now());
    pump();
  });
}

}  // namespace tccc::native
