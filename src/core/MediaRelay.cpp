// SPDX-License-Identifier: Apache-2.0
#include "core/MediaRelay.hpp"

#include "protocol/Validator.hpp"

#include <utility>

namespace tccc::core {
namespace {

// The request (and event) a Media.* API or media.* event name stands for: offer, answer, candidate.
const protocol::MethodSpec* mediaMethod(std::string_view kind) {
  using protocol::AgentMethod;
  if (kind == "offer") return &protocol::methodSpec(AgentMethod::MediaOffer);
  if (kind == "answer") return &protocol::methodSpec(AgentMethod::MediaAnswer);
  if (kind == "candidate") return &protocol::methodSpec(AgentMethod::MediaCandidate);
  if (kind == "ws") return &protocol::methodSpec(AgentMethod::MediaWs);
  return nullptr;
}

}  // namespace

void MediaRelay::setIceServers(const Json& loginData) {
  auto ice = loginData.find("iceServers");
  mIceServers = ice != loginData.end() && ice->is_array() ? *ice : Json::array();
}

// A session that may carry media right now: known, of a media type, and not ended.
bool MediaRelay::carriesMedia(const std::string& sessionId) const {
  const SessionRecord* session = mSessions.find(sessionId);
  return session && session->live() && SessionMachine::capabilities(session->type).media;
}

void MediaRelay::signal(std::uint32_t handle, std::string_view api, const Json& args, std::int64_t now) {
  const protocol::MethodSpec* method = mediaMethod(api.substr(6));
  if (!method) {
    mQueue.reject(handle, Error(Errc::InvalidArgument, "unknown API " + std::string(api.substr(0, 64))));
    return;
  }
  Json data;
  if (Error error = protocol::validateFields(*method, args, data, api)) {
    mQueue.reject(handle, std::move(error));
    return;
  }
  if (mConnection.phase() != Phase::Ready) {
    mQueue.reject(handle, mConnection.notReady(api));
    return;
  }
  std::string sessionId = data["sessionId"].get<std::string>();
  if (!mSessions.find(sessionId)) {
    mQueue.reject(handle, Error(Errc::SessionNotFound, std::string(api) + ": no session " + sessionId));
    return;
  }
  if (!carriesMedia(sessionId)) {
    mQueue.reject(handle, Error(Errc::InvalidState, std::string(api) + ": the session has ended or carries no media"));
    return;
  }
  // media.ws answers where the audio WebSocket is ({path, token}); the others answer nothing.
  const Settle settle =
      method == &protocol::methodSpec(protocol::AgentMethod::MediaWs) ? Settle::MediaWs : Settle::Empty;
  mRequests.send(method->name, std::move(data), handle, settle, sessionId, now);
}

void MediaRelay::relay(const protocol::Event& event) {
  std::string kind = event.event.substr(6);
  const protocol::MethodSpec* method = mediaMethod(kind);
  Json data;
  if (!method || protocol::validateFields(*method, event.data, data, event.event)) {
    ++mStats.rejectedEvents;
    return;
  }
  // Signalling for a session we do not have (or that ended) has nobody to go to.
  if (!carriesMedia(data["sessionId"].get<std::string>())) {
    ++mStats.rejectedEvents;
    return;
  }
  if (kind == "offer") {
    data["iceServers"] = mIceServers;
    // The server connects a ringing agent ahead of its accept (docs/media.md, "Ringing"): the host
    // answers without opening the microphone, and shows nothing of it until the accept (prepare).
    std::string id = data["sessionId"].get<std::string>();  // a copy: adding "ringing" may move the members
    if (mSessions.find(id)->state == SessionState::Ringing) {
      data["ringing"] = true;
      forgetRinging(id);
      mRingingOffers.push_back(id);
    }
  }
  mQueue.media(std::move(kind), std::move(data));
}

// Who offers (docs/protocol.md, "Media"): a customer leg offers by itself; between two agents (an
// internal call) nobody else would, so the caller's host is told to start once the callee answered.
void MediaRelay::startIfCaller(const WireSession& session) {
  if (session.type != SessionType::Internal || session.direction != Direction::Out) return;
  // Objects are built key by key: Json{{…}} would link the JSON library's initializer-list
  // constructor into the wasm for these two commands alone (bindings/CMakeLists.txt, size table).
  Json data = Json::object();
  data["sessionId"] = session.id;
  data["iceServers"] = mIceServers;
  mQueue.media(std::string(toString(MediaAction::Start)), std::move(data));
}

// Accepting a call means media within one signalling round trip: the host may open the
// microphone (and camera) now, while the accept and the far side's offer are on their way, instead
// of after the offer arrives. If the accept fails, the session's end still releases them.
void MediaRelay::answered(const std::string& sessionId) {
  for (const auto& id : mRingingOffers)
    if (id == sessionId) return prepare(sessionId);
}

void MediaRelay::forgetRinging(const std::string& sessionId) {
  for (auto it = mRingingOffers.begin(); it != mRingingOffers.end(); ++it)
    if (*it == sessionId) {
      mRingingOffers.erase(it);
      return;
    }
}

void MediaRelay::prepare(const std::string& sessionId) {
  forgetRinging(sessionId);
  const SessionRecord* session = mSessions.find(sessionId);
  if (!session || !SessionMachine::capabilities(session->type).media) return;
  Json data = Json::object();
  data["sessionId"] = sessionId;
  data["video"] = session->type == SessionType::Video;
  mQueue.media(std::string(toString(MediaAction::Prepare)), std::move(data));
}

void MediaRelay::end(const std::string& sessionId) {
  forgetRinging(sessionId);
  const SessionRecord* session = mSessions.find(sessionId);
  if (session && SessionMachine::capabilities(session->type).media) act(MediaAction::End, sessionId);
}

void MediaRelay::act(MediaAction action, const std::string& sessionId, const std::string* digits) {
  Json data = Json::object();
  data["sessionId"] = sessionId;
  if (digits) data["digits"] = *digits;
  mQueue.media(std::string(toString(action)), std::move(data));
}

}  // namespace tccc::core
