// SPDX-License-Identifier: Apache-2.0
#include "signalling/DurableSendQueue.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace tccc::server {

namespace {
constexpr auto kRetryAfterFailedSync = std::chrono::milliseconds(100);
}

DurableSendQueue::DurableSendQueue(boost::asio::io_context& io, WsSender& sender)
    : mIo(io), mSender(sender), mRetry(io) {}

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
  frame.needs = mCommit ? mCommit->appendedCount() : 0;
  if (mHeld.empty() && frame.needs <= mDurable) {
    if (frame.close)
      mSender.close(frame.id, frame.code, std::move(frame.text));
    else
      mSender.sendText(frame.id, std::move(frame.text));
    return;
  }
  mHeld.push_back(std::move(frame));  // behind earlier held frames: order is kept
  requestSync();
}

void DurableSendQueue::requestSync() {
  if (mSyncing || !mCommit) return;
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
    // The disk refused: nothing is released (what it would announce may not be stored), and the
    // sync is tried again; the sockets simply wait, as they would behind a slow disk.
    spdlog::error("chat messages could not be synced to disk; retrying in {} ms", kRetryAfterFailedSync.count());
    mRetry.expires_after(kRetryAfterFailedSync);
    mRetry.async_wait([this, alive = std::weak_ptr<bool>(mAlive)](boost::system::error_code ec) {
      if (!ec && !alive.expired()) requestSync();
    });
    return;
  }
  mDurable = std::max(mDurable, *covered);
  release();
  if (!mHeld.empty()) requestSync();  // appended while that sync ran: one more covers them all
}

void DurableSendQueue::release() {
  while (!mHeld.empty() && mHeld.front().needs <= mDurable) {
    Frame f = std::move(mHeld.front());
    mHeld.pop_front();
    if (f.close)
      mSender.close(f.id, f.code, std::move(f.text));
    else
      mSender.sendText(f.id, std::move(f.text));
  }
}

}  // namespace tccc::server
