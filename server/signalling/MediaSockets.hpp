// SPDX-License-Identifier: Apache-2.0
// The audio WebSockets of agents without UDP (/ws/media, docs/protocol.md "Media over the
// WebSocket"), on the signalling thread. A socket opens with the token of a media.ws answer, which
// the routing engine redeems; then the socket becomes the agent side's leg of that call
// (media::WebSocketLeg, on the media thread) and frames cross between the threads by posts, never
// waits. Pings are answered here at once; messages over 1,500 bytes close the socket (1009); the
// rest is posted to the leg, which parses, counts and forwards it. Frames toward the socket are
// dropped (and counted) while its send queue holds 200 ms or more, so a reader that stalls costs a
// bounded amount of memory and never delays anyone else.
#ifndef TCCC_SERVER_SIGNALLING_MEDIASOCKETS_HPP
#define TCCC_SERVER_SIGNALLING_MEDIASOCKETS_HPP

#include "../Interfaces.hpp"
#include "../media/MediaServer.hpp"
#include "../routing/MediaWsTokens.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace tccc::server {

class MediaSockets {
 public:
  static constexpr int kCloseBadToken = 4401;
  static constexpr int kCloseTooBig = 1009;
  /// 200 ms of 20 ms frames: audio beyond this backlog is dropped rather than queued.
  static constexpr std::size_t kMaxQueuedFrames = 10;

  /// Checks a socket's token: the call it may carry, or why not.
  using Redeem = std::function<std::variant<routing::MediaWsClaim, Error>(std::string_view token)>;

  /// `io` is the signalling thread's, where `sender` lives and where this is called.
  MediaSockets(boost::asio::io_context& io, WsSender& sender, media::MediaServer& media);
  ~MediaSockets();
  MediaSockets(const MediaSockets&) = delete;
  MediaSockets& operator=(const MediaSockets&) = delete;

  /// A /ws/media socket opened with `query` (token=…): it becomes its call's agent-side leg, or
  /// closes with 4401.
  void open(ConnectionId id, std::string_view query, const Redeem& redeem);
  bool owns(ConnectionId id) const { return mSockets.count(id) != 0; }
  void onBinary(ConnectionId id, std::string_view bytes);
  /// Text has no meaning here: dropped and counted.
  void onText(ConnectionId id);
  void onClose(ConnectionId id);
  std::size_t open() const { return mSockets.size(); }

 private:
  class Outlet;
  struct Socket {
    std::string sessionId;
    std::shared_ptr<media::WebSocketLeg> leg;
    media::Side side = media::Side::Agent;
  };
  /// On this thread: a frame the leg made for socket `id`.
  void deliver(ConnectionId id, std::string frame, std::size_t audioBytes);
  void post(const std::shared_ptr<media::WebSocketLeg>& leg, std::string bytes);

  boost::asio::io_context& mIo;
  WsSender& mSender;
  media::MediaServer& mMedia;
  std::unordered_map<ConnectionId, Socket> mSockets;
  std::shared_ptr<bool> mAlive = std::make_shared<bool>(true);  // posts from the media thread check it
};

}  // namespace tccc::server

#endif
