// SPDX-License-Identifier: Apache-2.0
// The contact center's outgoing frames, held back while chat messages they may tell of are not yet
// on disk. With group commit (ChatGroupCommit) a chat append returns once committed; every frame
// queued after it waits until a helper thread's fsync covers that append, then frames leave in the
// order they were queued. So an acknowledged or delivered message is always durable, the event loop
// never waits for the disk, and one fsync serves a whole burst of messages. Without appends waiting,
// frames go straight out.
#ifndef TCCC_SERVER_SIGNALLING_DURABLESENDQUEUE_HPP
#define TCCC_SERVER_SIGNALLING_DURABLESENDQUEUE_HPP

#include "../Interfaces.hpp"
#include "../chat/ChatRepository.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace tccc::server {

class DurableSendQueue {
 public:
  DurableSendQueue(boost::asio::io_context& io, WsSender& sender);
  ~DurableSendQueue();
  DurableSendQueue(const DurableSendQueue&) = delete;
  DurableSendQueue& operator=(const DurableSendQueue&) = delete;

  /// Appends of `commit` hold frames back from now on (nullptr: never).
  void attach(ChatGroupCommit* commit) { mCommit = commit; }

  void sendText(ConnectionId id, std::string text);
  void close(ConnectionId id, int code, std::string reason);

  /// Frames waiting for the disk (tests, /healthz).
  std::size_t held() const { return mHeld.size(); }

 private:
  struct Frame {
    std::uint64_t needs = 0;  // appends that must be durable first
    ConnectionId id = 0;
    bool close = false;
    int code = 0;
    std::string text;  // the frame, or the close reason
  };

  void push(Frame frame);
  void requestSync();
  void onSynced(std::optional<std::uint64_t> covered);
  void release();

  boost::asio::io_context& mIo;
  WsSender& mSender;
  ChatGroupCommit* mCommit = nullptr;
  std::deque<Frame> mHeld;
  std::uint64_t mDurable = 0;  // appends known to be on disk
  bool mSyncing = false;
  boost::asio::steady_timer mRetry;
  boost::asio::thread_pool mSyncThread{1};  // fsync off the event loop
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::server

#endif
