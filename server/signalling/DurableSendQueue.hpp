// SPDX-License-Identifier: Apache-2.0
// The contact center's outgoing frames, held back while chat messages they may tell of are not yet
// on disk. With group commit (ChatGroupCommit) a chat append returns once committed; the frames of
// every input that read or wrote chat messages (an InputFrames scope whose input touched them) wait
// until a helper thread's fsync covers every append made so far. So an acknowledged, delivered or
// listed message is always durable, the event loop never waits for the disk, and one fsync serves a
// whole burst of messages. Other frames go straight out, unless their socket has frames held: a
// socket's frames always leave in the order they were queued.
//
// When the disk refuses the fsync, the StorageBreaker opens and the sync is tried again only once it
// has closed (its probe has made every earlier append durable). A sync that hangs instead holds its
// frames until the breaker opens for it (DiskWatch notices the disk not answering). Meanwhile the
// rest of the contact center carries on; a socket whose frames have waited longer than kMaxHold
// while the breaker is open is closed with 1013 (try again later) and its frames dropped: its client
// reconnects and resynchronises, and a message whose acknowledgement it never got is sent again with
// the same clientMsgId.
#ifndef TCCC_SERVER_SIGNALLING_DURABLESENDQUEUE_HPP
#define TCCC_SERVER_SIGNALLING_DURABLESENDQUEUE_HPP

#include "../Interfaces.hpp"
#include "../chat/ChatRepository.hpp"
#include "../store/StorageBreaker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace tccc::server {

class DurableSendQueue {
 public:
  /// How long a socket's frames may wait while the disk is failing before the socket is closed.
  static constexpr auto kMaxHold = std::chrono::seconds(3);
  static constexpr int kCloseStorageFailing = 1013;  // RFC 6455 "try again later"

  /// While it lives, frames are those of the inputs handled since the previous scope ended (a
  /// request, a timer, a close: the contact center opens one around each flush of the engine's
  /// commands). If those inputs read or wrote chat messages, the frames wait for every append made
  /// so far.
  class InputFrames {
   public:
    explicit InputFrames(DurableSendQueue& queue);
    ~InputFrames();
    InputFrames(const InputFrames&) = delete;
    InputFrames& operator=(const InputFrames&) = delete;

   private:
    DurableSendQueue& mQueue;
    bool mOuterTellsOfChat;  // scopes nest (a flush that drops a socket flushes again)
  };

  DurableSendQueue(boost::asio::io_context& io, WsSender& sender,
                   std::chrono::milliseconds maxHold = std::chrono::milliseconds(kMaxHold));
  ~DurableSendQueue();
  DurableSendQueue(const DurableSendQueue&) = delete;
  DurableSendQueue& operator=(const DurableSendQueue&) = delete;

  /// Appends of `commit` hold frames back from now on (nullptr: never); a failed sync trips
  /// `breaker` (nullptr: the sync is retried every 100 ms, and nothing is ever closed).
  void attach(ChatGroupCommit* commit, StorageBreaker* breaker = nullptr) {
    mCommit = commit;
    mBreaker = breaker;
  }

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
    std::chrono::steady_clock::time_point heldSince;
  };

  void push(Frame frame);
  void requestSync();
  void onSynced(std::optional<std::uint64_t> covered);
  /// After a refused sync: waits for the breaker to close, closing sockets held too long meanwhile.
  void awaitRecovery();
  void closeSocketsHeldTooLong();
  /// While frames are held: once the breaker is open (a sync still in flight, hanging on the disk),
  /// sockets held too long are closed as after a refused sync.
  void watchHeld();
  void deliver(Frame& frame);
  /// Sends every held frame that may go now, in order per socket.
  void release();

  boost::asio::io_context& mIo;
  WsSender& mSender;
  std::chrono::milliseconds mMaxHold;
  ChatGroupCommit* mCommit = nullptr;
  StorageBreaker* mBreaker = nullptr;
  bool mInputTellsOfChat = false;   // frames queued now wait for the appends made so far
  std::uint64_t mAccessesSeen = 0;  // the commit's accessCount() when the last InputFrames began
  std::deque<Frame> mHeld;
  std::unordered_map<ConnectionId, std::size_t> mHeldPerSocket;
  std::uint64_t mDurable = 0;  // appends known to be on disk
  std::uint64_t mWanted = 0;   // the most appends a held frame waits for
  bool mSyncing = false;
  boost::asio::steady_timer mRetry;
  boost::asio::steady_timer mHoldWatch;
  bool mWatchingHeld = false;
  boost::asio::thread_pool mSyncThread{1};  // fsync off the event loop
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);
};

}  // namespace tccc::server

#endif
