// SPDX-License-Identifier: Apache-2.0
#include "signalling/DurableSendQueue.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <unordered_set>

namespace tccc::server {

namespace {
constexpr auto kRetryAfterFailedSync = std::chrono::milliseconds(100);
}

DurableSendQueue::InputFrames::InputFrames(DurableSendQueue& queue)
    : mQueue(queue), mOuterTellsOfChat(queue.mInputTellsOfChat) {
  if (!queue.mCommit) return;
  const std::uint64_t accesses = queue.mCommit->accessCount();
  queue.mInputTellsOfChat = mOuterTellsOfChat || accesses != queue.mAccessesSeen;
  queue.mAccessesSeen = accesses;
}

DurableSendQueue::InputFrames::~InputFrames() { mQueue.mInputTellsOfChat = mOuterTellsOfChat; }

DurableSendQueue::DurableSendQueue(boost::asio::io_context& io, WsSender& sender, std::chrono::milliseconds maxHold)
    : mIo(io), mSender(sender), mMaxHold(maxHold), mRetry(io), mHoldWatch(io) {}

DurableSendQueue::~DurableSendQueue() {
  *mAlive = false;
  mSyncThread.join();  // a sync in flight finishes; its result is dropped (mAlive)
}

void DurableSendQueue::sendText(ConnectionId id, std::string text) {
  Frame f;
  f.id = id;
  f.text = std::move(text);
  push(std::move(f));
}

void DurableSendQueue::close(ConnectionId id, int code, std::string reason) {
  Frame f;
  f.id = id;
  f.close = true;
  f.code = code;
  f.text = std::move(reason);
  push(std::move(f));
}

void DurableSendQueue::push(Frame frame) {
  frame.needs = mCommit && mInputTellsOfChat ? mCommit->appendedCount() : 0;
  if (frame.needs <= mDurable && mHeldPerSocket.find(frame.id) == mHeldPerSocket.end()) {
    deliver(frame);
    return;
  }
  const bool needsSync = frame.needs > mDurable;
  mWanted = std::max(mWanted, frame.needs);
  frame.heldSince = std::chrono::steady_clock::now();
  ++mHeldPerSocket[frame.id];
  mHeld.push_back(std::move(frame));  // behind the socket's earlier held frames: its order is kept
  if (needsSync) requestSync();
  if (mBreaker && !mWatchingHeld) watchHeld();
}

void DurableSendQueue::watchHeld() {
  mWatchingHeld = true;
  mHoldWatch.expires_after(kRetryAfterFailedSync);
  mHoldWatch.async_wait([this, alive = std::weak_ptr<bool>(mAlive)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    if (mBreaker->isOpen()) closeSocketsHeldTooLong();
    if (mHeld.empty()) {
      mWatchingHeld = false;
      return;
    }
    watchHeld();
  });
}

void DurableSendQueue::deliver(Frame& frame) {
  if (frame.close)
    mSender.close(frame.id, frame.code, std::move(frame.text));
  else
    mSender.sendText(frame.id, std::move(frame.text));
}

void DurableSendQueue::requestSync() {
  if (mSyncing || !mCommit || (mBreaker && mBreaker->isOpen())) return;  // awaitRecovery syncs later
  mSyncing = true;
  boost::asio::post(mSyncThread, [this, commit = mCommit, alive = std::weak_ptr<bool>(mAlive)] {
    std::optional<std::uint64_t> covered = commit->syncAppended();
    if (alive.expired()) return;
    boost::asio::post(mIo, [this, covered, alive] {
      if (alive.expired()) return;
      onSynced(covered);
    });
  });
}

void DurableSendQueue::onSynced(std::optional<std::uint64_t> covered) {
  mSyncing = false;
  if (!covered) {
    // The disk refused: nothing is released (what it would announce may not be stored).
    if (mBreaker) {
      mBreaker->trip("chat sync", "fdatasync of the write-ahead log failed");
    } else {
      spdlog::error("chat messages could not be synced to disk; retrying in {} ms", kRetryAfterFailedSync.count());
    }
    awaitRecovery();
    return;
  }
  mDurable = std::max(mDurable, *covered);
  release();
  if (mWanted > mDurable) requestSync();  // appended while that sync ran: one more covers them all
}

void DurableSendQueue::awaitRecovery() {
  mRetry.expires_after(kRetryAfterFailedSync);
  mRetry.async_wait([this, alive = std::weak_ptr<bool>(mAlive)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    if (mBreaker && mBreaker->isOpen()) {
      closeSocketsHeldTooLong();
      awaitRecovery();
      return;
    }
    requestSync();
  });
}

void DurableSendQueue::closeSocketsHeldTooLong() {
  const auto deadline = std::chrono::steady_clock::now() - mMaxHold;
  std::unordered_set<ConnectionId> expired;
  for (const Frame& f : mHeld)
    if (f.heldSince <= deadline) expired.insert(f.id);
  if (expired.empty()) return;
  std::deque<Frame> kept;
  for (Frame& f : mHeld)
    if (expired.count(f.id) == 0) kept.push_back(std::move(f));
  mHeld.swap(kept);
  for (ConnectionId id : expired) {
    mHeldPerSocket.erase(id);
    mSender.close(id, kCloseStorageFailing, "the server cannot store chat messages now; reconnect shortly");
  }
  spdlog::warn("storage failing: closed {} socket(s) whose frames waited {} ms for the disk", expired.size(),
               mMaxHold.count());
}

void DurableSendQueue::release() {
  // In queue order; a socket whose frame must still wait keeps every later frame of its own.
  std::unordered_set<ConnectionId> blocked;
  std::deque<Frame> kept;
  for (Frame& f : mHeld) {
    if (f.needs <= mDurable && blocked.count(f.id) == 0) {
      auto n = mHeldPerSocket.find(f.id);
      if (n != mHeldPerSocket.end() && --n->second == 0) mHeldPerSocket.erase(n);
      deliver(f);
    } else {
      blocked.insert(f.id);
      kept.push_back(std::move(f));
    }
  }
  mHeld.swap(kept);
}

}  // namespace tccc::server
