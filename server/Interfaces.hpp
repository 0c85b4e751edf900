// SPDX-License-Identifier: Apache-2.0
// The seams between the server's two halves:
//   platform (server/http, server/store, server/cloud, server/push, main.cpp): sockets, HTTP, SQLite,
//     the cloud API, CDR storage and push;
//   contact center (server/routing, server/signalling, server/sim): agents, sessions, ACD, IVR,
//     the agent and customer WebSocket protocols, simulated callers.
// The whole server runs on one io_context thread, so none of these interfaces needs locking.
#ifndef TCCC_SERVER_INTERFACES_HPP
#define TCCC_SERVER_INTERFACES_HPP

#include "errors/Errors.hpp"
#include "protocol/Protocol.hpp"

#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tccc::server {

using Json = protocol::Json;
using ConnectionId = std::uint64_t;

// ---------------------------------------------------------------------------------------------
// WebSocket plumbing (platform) <-> protocol handlers (contact center)

/// Implemented by the platform: delivers frames to an open WebSocket.
class WsSender {
 public:
  virtual ~WsSender() = default;
  /// Queues a text frame; returns false if the connection is gone or its send queue is full (the
  /// platform then closes it: a slow consumer must not grow memory without bound).
  virtual bool sendText(ConnectionId id, std::string text) = 0;
  virtual bool sendBinary(ConnectionId id, std::string bytes) = 0;
  virtual void close(ConnectionId id, int code, std::string reason) = 0;
  /// Messages waiting in the connection's send queue (those of the write in flight included): how
  /// far behind its reader is. 0 for a connection that is gone.
  virtual std::size_t queuedMessages(ConnectionId /*id*/) const { return 0; }
};

/// What the platform knows about a WebSocket when it opens.
struct WsOpenInfo {
  std::string path;       // "/ws/agent", "/ws/customer", "/ws/media"
  std::string query;      // raw query string, without '?'
  std::string origin;     // Origin header ("" if none); already checked against allowed origins
  std::string remote;     // "ip:port"
  std::string protocols;  // Sec-WebSocket-Protocol as offered ("" if none)
};

/// Implemented by the contact center: receives WebSocket traffic for the paths it claims.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual bool claims(std::string_view path) const = 0;
  /// The subprotocol to select from those the client offered ("" for none). It must be one of them:
  /// a browser fails the handshake otherwise, and also when it offered some and none is selected.
  virtual std::string subprotocol(const WsOpenInfo&) const { return {}; }
  virtual void onOpen(ConnectionId id, const WsOpenInfo& info) = 0;
  virtual void onText(ConnectionId id, std::string_view text) = 0;
  virtual void onBinary(ConnectionId id, std::string_view bytes) = 0;
  /// The socket is gone. `peerCloseCode`: the code of the close frame the peer sent, 0 if it sent
  /// none (the connection dropped, or this side closed it).
  virtual void onClose(ConnectionId id, int peerCloseCode) = 0;
};

// ---------------------------------------------------------------------------------------------
// Plain HTTP routes that the contact center adds (e.g. the simulator's endpoints)

struct HttpRequest {
  std::string method;                          // "GET", "POST", …
  std::string path;                            // without query
  std::string query;                           // raw, without '?'
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote;

  /// The value of header `lowerName`, empty when the request has none.
  std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
  }
  /// True when Content-Type names `mediaType` (lower case), whatever its case and parameters.
  bool hasContentType(std::string_view mediaType) const {
    std::string type = header("content-type");
    if (type.size() < mediaType.size()) return false;
    for (std::size_t i = 0; i < mediaType.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(type[i])) != mediaType[i]) return false;
    if (type.size() == mediaType.size()) return true;
    char next = type[mediaType.size()];
    return next == ';' || next == ' ' || next == '\t';
  }
};

/// Part of an open file to send as a response body (http/FileRangeBody.hpp).
struct HttpFileBody;

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
  /// When set, the body is read from this file as it is sent, in chunks, instead of `body`: for
  /// files too large to hold in memory (recordings).
  std::shared_ptr<const HttpFileBody> file;
};

using HttpRoute = std::function<HttpResponse(const HttpRequest&)>;
/// Hands a deferred route's answer to its connection: call it once, on the io thread.
using HttpRespond = std::function<void(HttpResponse)>;
/// A route that answers later, so that what it waits for never holds the event loop.
using HttpDeferredRoute = std::function<void(const HttpRequest&, HttpRespond)>;

/// Implemented by the platform.
class HttpRouter {
 public:
  virtual ~HttpRouter() = default;
  /// Exact path match; method "*" matches any method.
  virtual void add(std::string method, std::string path, HttpRoute route) = 0;
  /// Every path starting with `prefix` (longest prefix wins) after no exact route matched.
  virtual void addPrefix(std::string method, std::string prefix, HttpRoute route) = 0;
};

// ---------------------------------------------------------------------------------------------
// Tenant configuration as the contact center reads it (platform implements it over the store)

struct StaffInfo {
  std::int64_t sdkAppId = 0;
  std::string userId;  // e-mail
  std::string name;
  std::string nick;
  std::string phone;
  std::string staffNumber;
  std::vector<std::int64_t> skillGroupIds;
  // The cloud API's SeatUserInfo.Role: 1 administrator (supervises), 2 quality inspector (may watch the
  // supervisor view), 3 agent; any other value (a custom role id elsewhere) is an agent here.
  int role = 3;
};

struct SkillGroupInfo {
  std::int64_t sdkAppId = 0;
  std::int64_t skillGroupId = 0;
  std::string name;
  std::string type = "tel";   // tel | im | video …
  int ringTimeoutSec = 30;    // offer to one agent for this long, then the next (autoTransfer)
  int afterCallWorkSec = 10;  // arrange (ACW) length; 0 = straight back to free
  int maxQueueLength = 50;
  int maxWaitSec = 120;    // queued longer -> the session ends (waitingGiveUp)
  int priority = 0;        // ACD: higher first when a number or IVR feeds several groups
  int maxConcurrency = 1;  // online (im) groups: chats one agent of the group holds at once
  bool recording = true;   // its calls are recorded (if its tenant records at all)
  bool asr = true;         // and transcribed live (if its tenant does and the server runs --asr)
};

struct IvrOption {
  std::string key;    // "1"
  std::string label;  // "Sales"
  std::int64_t skillGroupId = 0;
};

struct ServiceNumberInfo {
  std::int64_t sdkAppId = 0;
  std::string number;                 // e.g. "4008001000"
  std::string ivrPrompt;              // text of the menu
  std::vector<IvrOption> ivrOptions;  // empty = no IVR
  std::int64_t defaultSkillGroupId = 0;
};

struct CallerNumberInfo {
  std::int64_t sdkAppId = 0;
  std::string number;  // an outbound caller ID
  std::vector<std::int64_t> skillGroupIds;
};

class Directory {
 public:
  virtual ~Directory() = default;
  virtual std::vector<std::int64_t> sdkAppIds() = 0;
  virtual std::optional<StaffInfo> findStaff(std::int64_t sdkAppId, std::string_view userId) = 0;
  virtual std::vector<StaffInfo> listStaff(std::int64_t sdkAppId) = 0;
  virtual std::vector<SkillGroupInfo> listSkillGroups(std::int64_t sdkAppId) = 0;
  /// Service numbers are unique across tenants.
  virtual std::optional<ServiceNumberInfo> findServiceNumber(std::string_view number) = 0;
  virtual std::vector<CallerNumberInfo> listCallerNumbers(std::int64_t sdkAppId) = 0;
  /// Checks a token from CreateSDKLoginToken (and consumes it when it was issued OnlyOnce).
  /// ERR_HTTP_TOKEN_ERROR for an unknown, expired, reused or other agent's token.
  virtual Error verifyLoginToken(std::int64_t sdkAppId, std::string_view userId, std::string_view token,
                                 std::int64_t nowSec) = 0;
  /// Resume tokens outlive a restart (docs/reliability.md, "Server crash: agents"): the engine keeps
  /// an agent's current token here at each login and drops it when the agent logs out or is put out;
  /// a resume with a token this process did not issue is checked against the kept one. A host
  /// without storage keeps none.
  virtual void keepResumeToken(std::int64_t /*sdkAppId*/, std::string_view /*userId*/, std::string_view /*token*/,
                               std::int64_t /*nowMs*/) {}
  virtual void dropResumeToken(std::int64_t /*sdkAppId*/, std::string_view /*userId*/) {}
  virtual bool keptResumeToken(std::int64_t /*sdkAppId*/, std::string_view /*userId*/, std::string_view /*token*/,
                               std::int64_t /*nowMs*/) {
    return false;
  }
};

/// When an inbound call that queued was queued, answered (0: never) and ended, in Unix ms: what a
/// supervisor's figures for the day count (routing/SupervisorDesk), read back from stored CDRs after
/// a restart.
struct QueuedCallTimes {
  std::int64_t sdkAppId = 0;
  std::int64_t queuedMs = 0, acceptMs = 0, endedMs = 0;
};

/// Implemented by the platform: takes one finished session's CDR for durable storage and its push.
/// The server's sink (push/CdrWriter) queues it and group-commits it on a thread of its own moments
/// later; the push is sent only after the commit. `cdr` has the push fields of tccc-facts.md §3.2
/// (SessionId, Caller, Callee, Direction, timestamps, Duration, EndStatusString, HungUpSide, SeatUser,
/// ServeParticipants, IVRKeyPressed, IVRKeyPressedEx, Uui, …). Returns false if it could not be
/// taken (not an object, sink shut down, or its backlog full): the caller keeps the CDR and offers
/// it again later.
class CdrSink {
 public:
  virtual ~CdrSink() = default;
  virtual bool storeCdr(std::int64_t sdkAppId, const Json& cdr) = 0;
  /// A phone call is live (it started, or an agent answered it): `cdrSoFar` is its CDR as it would
  /// be now, built by the same code, its end not known yet (EndedTimestamp 0). A sink that keeps a
  /// crash journal (CdrWriter) writes it down and forgets it when the call's CDR is stored, so a
  /// call the server dies in still gets a CDR at the next start (docs/reliability.md). By value:
  /// the sink may serialise and free it off the event loop. The default keeps no journal.
  virtual void journalLiveCall(std::int64_t /*sdkAppId*/, Json /*cdrSoFar*/) {}
};

/// Implemented by the contact center: live state the cloud API reads or changes.
class LiveOps {
 public:
  virtual ~LiveOps() = default;
  /// HangUpCall. ERR_SESSION_NOT_FOUND when no such live session.
  virtual Error hangUp(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// DescribeStaffStatusMetrics rows (StaffStatusMetrics model: Email, Status, StatusExtra,
  /// OnlineDuration, FreeDuration, BusyDuration, NotReadyDuration, RestDuration, AfterCallWorkDuration,
  /// Reason, ReserveRest, ReserveNotReady, UseMobileAccept, UseMobileCallOut, LastOnlineTimestamp,
  /// LastStatusTimestamp, ClientInfo). Statuses use the cloud's names (afterCallWork, not arrange).
  virtual Json staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds) = 0;
  /// DescribeTelSession: the live (or recently ended) session, as the PSTNSession model.
  virtual std::optional<Json> describeSession(std::int64_t sdkAppId, std::string_view sessionId) = 0;
  /// Staff, skill groups or numbers changed through the cloud API: reload them.
  virtual void directoryChanged(std::int64_t sdkAppId) = 0;
};

}  // namespace tccc::server

#endif
