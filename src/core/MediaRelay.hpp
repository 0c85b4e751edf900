// SPDX-License-Identifier: Apache-2.0
// Media signalling between the socket and the host's media adapter (docs/protocol.md, "Media"), and
// the media commands of a session's life: `prepare` as soon as a call is accepted, `start` for the
// caller of an internal call once the callee answered, `end` when a session with media ends, and the
// actions that settle mute, hold and DTMF requests. The core never looks inside SDP or candidates: it
// checks shapes and sizes, that the session is one of ours and live, and passes them on.
#ifndef TCCC_CORE_MEDIA_RELAY_HPP
#define TCCC_CORE_MEDIA_RELAY_HPP

#include "core/CommandQueue.hpp"
#include "core/Connection.hpp"
#include "core/CoreVocabulary.generated.hpp"
#include "core/RequestChannel.hpp"
#include "core/SessionStore.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::core {

class MediaRelay {
 public:
  MediaRelay(CommandQueue& queue, RequestChannel& requests, const Connection& connection, const SessionStore& sessions,
             CoreStats& stats)
      : mQueue(queue), mRequests(requests), mConnection(connection), mSessions(sessions), mStats(stats) {}

  /// The STUN/TURN servers of a login answer's data, handed over with each offer and start.
  void setIceServers(const Json& loginData);

  /// The host's own signalling, `Media.offer` / `Media.answer` / `Media.candidate` / `Media.ws` (a
  /// host-internal API, settled like any other): checked, then sent as the media.* request for API
  /// call `handle`. `Media.ws` resolves with the server's {path, token} for the call's audio socket.
  void signal(std::uint32_t handle, std::string_view api, const Json& args, std::int64_t nowMs);
  /// A media.* event from the far side: becomes a media command, or is dropped (rejectedEvents).
  void relay(const protocol::Event& event);

  /// Call.accept / Video.accept was sent: the host may open the microphone (and camera) now.
  void prepare(const std::string& sessionId);
  /// A session went ringing → talking: if its host answered an offer while it rang and has not been
  /// told of an accept (one made elsewhere), it is told now (prepare), so its devices open.
  void answered(const std::string& sessionId);
  /// A session went dialing → talking: the caller of an internal call offers.
  void startIfCaller(const WireSession& session);
  /// A session ended: the host releases its media, if it had any.
  void end(const std::string& sessionId);
  /// A media action for the host (mute, hold, sendDigits with `digits`, …).
  void act(MediaAction action, const std::string& sessionId, const std::string* digits = nullptr);

 private:
  bool carriesMedia(const std::string& sessionId) const;

  CommandQueue& mQueue;
  RequestChannel& mRequests;
  const Connection& mConnection;
  const SessionStore& mSessions;
  CoreStats& mStats;
  Json mIceServers = Json::array();  // from the last login answer
  // Sessions whose offer came while ringing, not yet prepared: a handful at most, and a vector
  // costs the wasm nothing new (a std::set<std::string> costs about 1 KB gzip).
  std::vector<std::string> mRingingOffers;
  void forgetRinging(const std::string& sessionId);
};

}  // namespace tccc::core

#endif
