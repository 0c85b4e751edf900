// SPDX-License-Identifier: Apache-2.0
#include "signalling/MediaSockets.hpp"

#include "http/QueryString.hpp"
#include "media/WsMediaFrame.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace tccc::server {

/// The leg's way to its socket: called on the media thread, it posts to the signalling thread. The
/// liveness flag is only read there, where MediaSockets is also destroyed, so a late post is safe.
class MediaSockets::Outlet final : public media::WsMediaOutlet {
 public:
  Outlet(MediaSockets& owner, ConnectionId id) : mIo(owner.mIo), mOwner(&owner), mAlive(owner.mAlive), mId(id) {}

  void send(std::string frame, std::size_t audioBytes) override {
    boost::asio::post(mIo, [owner = mOwner, alive = mAlive, id = mId, frame = std::move(frame), audioBytes]() mutable {
      if (!alive.expired()) owner->deliver(id, std::move(frame), audioBytes);
    });
  }

  void close(int code, std::string reason) override {
    boost::asio::post(mIo, [owner = mOwner, alive = mAlive, id = mId, code, reason = std::move(reason)]() mutable {
      if (alive.expired() || !owner->owns(id)) return;
      owner->mSockets.erase(id);  // the leg is over; the socket's close needs nothing more from it
      owner->mSender.close(id, code, std::move(reason));
    });
  }

 private:
  boost::asio::io_context& mIo;
  MediaSockets* mOwner;
  std::weak_ptr<bool> mAlive;
  ConnectionId mId;
};

MediaSockets::MediaSockets(boost::asio::io_context& io, WsSender& sender, media::MediaServer& media)
    : mIo(io), mSender(sender), mMedia(media) {}

MediaSockets::~MediaSockets() { mAlive.reset(); }

void MediaSockets::open(ConnectionId id, std::string_view query, const Redeem& redeem) {
  auto token = QueryString::param(query, "token");
  if (!token || token->empty() || token->size() > 128) {
    mSender.close(id, kCloseBadToken, "a media token is required");
    return;
  }
  auto claim = redeem(*token);
  if (auto* error = std::get_if<Error>(&claim)) {
    mSender.close(id, kCloseBadToken, error->message);
    return;
  }
  const auto& [sessionId, participant, sideValue] = std::get<routing::MediaWsClaim>(claim);
  const auto side = static_cast<media::Side>(sideValue);
  auto outlet = std::make_shared<Outlet>(*this, id);
  auto attached = mMedia.attachWebSocket(sessionId, outlet, participant, side);
  if (auto* why = std::get_if<std::string>(&attached)) {
    mSender.close(id, kCloseBadToken, *why);
    return;
  }
  mSockets[id] = Socket{sessionId, std::get<std::shared_ptr<media::WebSocketLeg>>(attached), side};
  spdlog::debug("ws {}: {} of {} carries its audio over this socket", id, participant, sessionId);
}

void MediaSockets::post(const std::shared_ptr<media::WebSocketLeg>& leg, std::string bytes) {
  boost::asio::post(mMedia.executor(),
                    [leg, bytes = std::move(bytes)] { leg->onMessage(bytes, std::chrono::steady_clock::now()); });
}

void MediaSockets::onBinary(ConnectionId id, std::string_view bytes) {
  auto it = mSockets.find(id);
  if (it == mSockets.end()) return;
  if (bytes.size() > tccc::media::WsMediaFrame::kMaxMessageBytes) {
    // No frame is that large: the socket is broken or hostile. Its close closes the leg (onClose).
    mSender.close(id, kCloseTooBig, "media frame over 1,500 bytes");
    return;
  }
  // Pings are answered here, at once, so the round-trip time the SDK measures is the network's and
  // not the media thread's.
  auto frame = tccc::media::WsMediaFrame::parse(bytes);
  if (frame.kind == tccc::media::WsMediaFrame::Kind::Ping) {
    mSender.sendBinary(id, tccc::media::WsMediaFrame::pong(frame.pingId));
    return;
  }
  post(it->second.leg, std::string(bytes));
}

void MediaSockets::onText(ConnectionId id) {
  auto it = mSockets.find(id);
  if (it == mSockets.end()) return;
  boost::asio::post(mMedia.executor(), [leg = it->second.leg] { leg->onRefused(); });
}

void MediaSockets::onClose(ConnectionId id) {
  auto it = mSockets.find(id);
  if (it == mSockets.end()) return;
  Socket socket = std::move(it->second);
  mSockets.erase(it);
  mMedia.webSocketClosed(socket.sessionId, socket.leg, socket.side);
}

void MediaSockets::deliver(ConnectionId id, std::string frame, std::size_t audioBytes) {
  auto it = mSockets.find(id);
  if (it == mSockets.end()) return;
  const auto& stats = it->second.leg->stats();
  // Everything the leg sends is worth nothing late: past the backlog it is dropped, not queued.
  const bool backedUp = mSender.queuedMessages(id) >= kMaxQueuedFrames;
  const bool sent = !backedUp && mSender.sendBinary(id, std::move(frame));
  if (!stats || audioBytes == 0) return;
  std::lock_guard lock(stats->mutex);
  if (sent) {
    ++stats->packetsOut;
    stats->bytesOut += audioBytes;
  } else {
    ++stats->droppedOut;
  }
}

}  // namespace tccc::server
