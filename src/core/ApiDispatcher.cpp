// SPDX-License-Identifier: Apache-2.0
#include "core/ApiDispatcher.hpp"

#include "core/AnswerFields.hpp"
#include "core/ApiValidator.hpp"
#include "core/DirectoryAnswer.hpp"

#include <utility>

namespace tccc::core {
namespace {

std::string hex32(std::uint32_t value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
  return out;
}

// agent.history's rows, copied field by field: only known fields, each of its type and within its
// bound, so a confused server cannot hand the page anything else. false for a malformed answer.
bool historyRows(const Json& answer, Json& out) {
  auto rows = answer.find("sessions");
  if (rows == answer.end() || !rows->is_array() || rows->size() > 100) return false;
  out = Json::array();
  for (const Json& row : *rows) {
    if (!row.is_object()) return false;
    Json clean = Json::object();
    auto sessionId = protocol::readString(row, "sessionId", SessionStore::kMaxSessionIdLength);
    if (!sessionId || sessionId->empty()) return false;
    clean["sessionId"] = std::move(*sessionId);
    static constexpr PickField kFields[] = {{"type", 4096, Pick::Text},        {"direction", 4096, Pick::Text},
                                            {"peer", 4096, Pick::Text},        {"outcome", 4096, Pick::Text},
                                            {"disposition", 4096, Pick::Text}, {"notes", 4096, Pick::Text},
                                            {"startedAt", 0, Pick::Int},       {"duration", 0, Pick::Int}};
    pickFields(row, clean, kFields);
    out.push_back(std::move(clean));
  }
  return true;
}

}  // namespace

std::string ApiDispatcher::nextClientId(const char* prefix) {
  return prefix + hex32(mRandomSeed) + "-" + std::to_string(++mClientRequestCounter);
}

std::uint32_t ApiDispatcher::call(std::string_view api, const Json& args, std::int64_t now) {
  std::uint32_t handle = mNextHandle++;
  if (mNextHandle == 0) mNextHandle = 1;  // 0 means "no promise"
  if (mConnection.phase() == Phase::Destroyed) {
    mQueue.reject(handle, Error(Errc::Destroyed, std::string(api.substr(0, 64)) + ": the SDK has been destroyed"));
    return handle;
  }
  if (api.substr(0, 6) == "Media.") {
    // Host-internal: the media adapter's signalling (not a public API, so not in ApiValidator).
    mMedia.signal(handle, api, args, now);
    return handle;
  }
  ValidatedCall validated;
  if (Error error = ApiValidator::validate(api, args, validated, mConnection.userId())) {
    mQueue.reject(handle, error);
    return handle;
  }
  const ApiSpec& spec = *validated.spec;
  if (mConnection.phase() != Phase::Ready) {
    mQueue.reject(handle, mConnection.notReady(spec.name));
    return handle;
  }
  if (Error error = ApiValidator::checkState(validated, mSessions, mAgent)) {
    mQueue.reject(handle, error);
    return handle;
  }
  if (spec.action == SessionAction::QueryMute) {
    const SessionRecord* session = mSessions.find(validated.sessionId);
    Json data = Json::object();
    data["sessionId"] = validated.sessionId;
    data["isMicMuted"] = session && session->micMuted;
    mQueue.resolve(handle, std::move(data));
    return handle;
  }
  if (spec.action == SessionAction::Delete) {
    // Forgetting an ended session is local; the server is told so that the next snapshot does
    // not bring it back, but nobody waits for its answer.
    mSessions.forget(validated.sessionId);
    mChat.forget(validated.sessionId);
    mRequests.send(spec.method->name, std::move(validated.data), 0, Settle::Silent, validated.sessionId, now);
    Json data = Json::object();
    data["sessionId"] = validated.sessionId;
    mQueue.resolve(handle, std::move(data));
    return handle;
  }
  Json data = std::move(validated.data);
  if (!spec.method->idempotent) data["clientRequestId"] = nextClientId("cr-");
  if (spec.settle == Settle::ChatSend && !data.contains("clientMsgId")) data["clientMsgId"] = nextClientId("cm-");
  mRequests.send(spec.method->name, std::move(data), handle, spec.settle, validated.sessionId, now);
  if (spec.action == SessionAction::Accept) mMedia.prepare(validated.sessionId);
  return handle;
}

void ApiDispatcher::settle(PendingRequest& pending, protocol::Response& response, std::int64_t now) {
  if (!response.ok) {
    mQueue.reject(pending.handle, response.error);
    return;
  }
  Json data = Json::object();
  data["sessionId"] = pending.sessionId;
  SessionRecord* session = mSessions.find(pending.sessionId);
  switch (pending.settle) {
    case Settle::Empty:
      data = Json::object();
      break;
    case Settle::Outbound:
    case Settle::Internal: {
      auto sessionId = protocol::readString(response.data, "sessionId", SessionStore::kMaxSessionIdLength);
      if (!sessionId || sessionId->empty()) {
        mQueue.reject(pending.handle, Error(Errc::Protocol, pending.method + ": the server's answer has no sessionId"));
        return;
      }
      data["sessionId"] = *sessionId;
      if (pending.settle == Settle::Outbound) {
        // The CallResponse of the TCCC documentation, and nothing else from the server's object.
        static constexpr PickField kFields[] = {{"calleePhoneNumber", 256, Pick::TextOrEmpty},
                                                {"callerPhoneNumber", 256, Pick::TextOrEmpty},
                                                {"serverType", 256, Pick::TextOrEmpty},
                                                {"calleeLocation", 256, Pick::Text},
                                                {"remark", 256, Pick::Text}};
        pickFields(response.data, data, kFields);
      }
      break;
    }
    case Settle::Mute:
    case Settle::Unmute:
      if (session) session->micMuted = pending.settle == Settle::Mute;
      mMedia.act(pending.settle == Settle::Mute ? MediaAction::Mute : MediaAction::Unmute, pending.sessionId);
      break;
    case Settle::MuteVideo:
    case Settle::UnmuteVideo:
      if (session) session->videoMuted = pending.settle == Settle::MuteVideo;
      mMedia.act(pending.settle == Settle::MuteVideo ? MediaAction::MuteVideo : MediaAction::UnmuteVideo,
                 pending.sessionId);
      break;
    case Settle::Hold:
      mMedia.act(MediaAction::Hold, pending.sessionId);
      break;
    case Settle::UnHold:
      mMedia.act(MediaAction::UnHold, pending.sessionId);
      break;
    case Settle::SendDigits:
      mMedia.act(MediaAction::SendDigits, pending.sessionId, &pending.digits);
      break;
    case Settle::MediaWs: {
      // Only what the host needs to open the socket, and only in a shape it can use.
      auto path = protocol::readString(response.data, "path", 256);
      auto token = protocol::readString(response.data, "token", 256);
      if (!path || !token || path->empty() || (*path)[0] != '/' || token->empty()) {
        mQueue.reject(pending.handle,
                      Error(Errc::Protocol, pending.method + ": the server's answer has no path and token"));
        return;
      }
      data = Json::object();
      data["path"] = *path;
      data["token"] = *token;
      break;
    }
    case Settle::Data:
      data = response.data.is_object() ? std::move(response.data) : Json::object();
      break;
    case Settle::History: {
      Json rows;
      if (!historyRows(response.data, rows)) {
        mQueue.reject(pending.handle, Error(Errc::Protocol, pending.method + ": malformed answer from the server"));
        return;
      }
      data = Json::object();
      data["sessions"] = std::move(rows);
      break;
    }
    case Settle::Directory: {
      auto directory = normaliseDirectory(response.data);
      if (!directory) {
        mQueue.reject(pending.handle, Error(Errc::Protocol, pending.method + ": malformed answer from the server"));
        return;
      }
      data = std::move(*directory);
      break;
    }
    case Settle::ChatSend:
    case Settle::ChatHistory:
      if (!mChat.resolveData(pending, response.data, data, now)) {
        mQueue.reject(pending.handle, Error(Errc::Protocol, pending.method + ": malformed answer from the server"));
        return;
      }
      break;
    default:
      break;  // SessionId
  }
  mQueue.resolve(pending.handle, std::move(data));
}

}  // namespace tccc::core
