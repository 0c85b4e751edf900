// SPDX-License-Identifier: Apache-2.0
#include "routing/RoutingEngine.hpp"

#include "routing/MediaAnchor.hpp"

#include "routing/Acd.hpp"
#include "routing/AfterCallWork.hpp"
#include "routing/AgentLifecycle.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/AgentStatusTracker.hpp"
#include "routing/CallControl.hpp"
#include "routing/CallMonitor.hpp"
#include "routing/CallRouting.hpp"
#include "routing/CdrBuilder.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/CustomerDesk.hpp"
#include "routing/Ivr.hpp"
#include "routing/Outbox.hpp"
#include "routing/RoutingContext.hpp"
#include "routing/SessionTable.hpp"
#include "routing/SessionViews.hpp"
#include "routing/SupervisorDesk.hpp"
#include "routing/TenantDirectory.hpp"
#include "routing/TimerQueue.hpp"
#include "routing/TransferDirectory.hpp"

#include "protocol/Validator.hpp"

namespace tccc::server::routing {

using protocol::AgentMethod;

namespace {
std::uint64_t seedOf(std::uint64_t seed) {
  if (seed) return seed;
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}
}  // namespace

// The parts, in the order they are built: state first, then the views and records on it, then the
// behaviour. The context hands each part the others.
struct RoutingEngine::Parts {
  Parts(Directory& directory, EngineOptions opts)
      : directory(directory),
        options(std::move(opts)),
        rng(seedOf(options.seed)),
        agents(out),
        tenants(directory),
        acd(tenants),
        sessions(rng, [this](const Session& s) { forget(s); }),
        context{directory, options,   rng,   out,       timers,      agents,  tenants,     acd,
                sessions,  views,     cdrs,  status,    lifecycle,   ivr,     callRouting, calls,
                chats,     customers, media, simulator, supervisors, monitors},
        views(context),
        cdrs(context),
        status(context),
        lifecycle(context),
        ivr(context),
        callRouting(context),
        calls(context),
        chats(context),
        customers(context, calls),
        media(context),
        simulator(context, calls),
        supervisors(context),
        monitors(context),
        afterCall(context),
        transferDirectory(agents, tenants, acd, calls, chats) {
    if (!options.iceServers.is_array()) options.iceServers = Json::array();
    // Outbound numbers: the simulator's test numbers, then the numbers callee pages registered.
    calls.addOutboundRoute(simulator);
    calls.addOutboundRoute(customers);
  }

  void forget(const Session& s) {
    chats.forget(s);
    if (s.farEnd) s.farEnd->forget(s);
  }

  Directory& directory;
  EngineOptions options;
  std::mt19937_64 rng;
  Outbox out;
  TimerQueue timers;
  AgentRegistry agents;
  TenantDirectory tenants;
  Acd acd;
  SessionTable sessions;
  RoutingContext context;
  SessionViews views;
  CdrBuilder cdrs;
  AgentStatusTracker status;
  AgentLifecycle lifecycle;
  Ivr ivr;
  CallRouting callRouting;
  CallControl calls;
  ChatRouting chats;
  CustomerDesk customers;
  MediaAnchor media;
  sim::SimulatedNetwork simulator;
  SupervisorDesk supervisors;
  CallMonitor monitors;
  AfterCallWork afterCall;
  TransferDirectory transferDirectory;
  std::int64_t nextSweepMs = 0;
};

/// Offers waiting chats once an input has been handled (declared first thing in each entry point,
/// so that it runs after everything the input did).
class RoutingEngine::ChatDispatch {
 public:
  ChatDispatch(Parts& p, std::int64_t nowMs) : p(p), mNowMs(nowMs) {}
  ~ChatDispatch() { p.chats.dispatch(mNowMs); }
  ChatDispatch(const ChatDispatch&) = delete;
  ChatDispatch& operator=(const ChatDispatch&) = delete;

 private:
  Parts& p;
  std::int64_t mNowMs;
};

RoutingEngine::RoutingEngine(Directory& directory, Options options)
    : p(std::make_unique<Parts>(directory, std::move(options))) {}

RoutingEngine::~RoutingEngine() = default;

std::vector<Command> RoutingEngine::takeCommands() { return p->out.take(); }
void RoutingEngine::recycleCommands(std::vector<Command> used) { p->out.recycle(std::move(used)); }

void RoutingEngine::setChatRepository(ChatRepository* repository) { p->chats.setRepository(repository); }

void RoutingEngine::setAfterCallStore(AfterCallStore* store) { p->afterCall.setStore(store); }

void RoutingEngine::addOutboundRoute(FarEnd& farEnd) { p->calls.addOutboundRoute(farEnd); }

FarEndEvents& RoutingEngine::farEndEvents() { return p->calls; }

// --- agent sockets --------------------------------------------------------------------------------

namespace {

/// Every error the server answers names the method it answers, as the validator's do
/// ("session.transfer: …"): the SDK shows the message to integrators as it is.
Result named(Result result, std::string_view method) {
  if (auto* error = std::get_if<Error>(&result)) {
    std::string prefix = std::string(method) + ": ";
    if (error->message.rfind(prefix, 0) != 0) error->message = prefix + error->message;
  }
  return result;
}

/// Checks a request can make before any state is looked at, the same that the SDK core makes
/// (ApiValidator): an agent does not call or transfer to itself.
Error targetsItself(AgentMethod method, const Json& data, const std::string& self) {
  if (method == AgentMethod::CallStartInternal && data.value("calleeUserId", "") == self)
    return Error(Errc::InvalidArgument, "calleeUserId is this agent: an agent cannot call itself");
  if (method == AgentMethod::SessionTransfer && data.value("userId", "") == self)
    return Error(Errc::InvalidArgument,
                 "userId is this agent: a session cannot be transferred to the agent who has it");
  return {};
}

}  // namespace

void RoutingEngine::onAgentRequest(ConnectionId conn, const protocol::Request& req, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  const std::size_t mark = p->out.mark();
  Result result = named(handleAgent(conn, req, nowMs), req.method);
  p->out.respond(conn, req.id, result, mark);
}

Result RoutingEngine::handleAgent(ConnectionId conn, const protocol::Request& req, std::int64_t nowMs) {
  const protocol::MethodSpec* method = protocol::findAgentMethod(req.method);
  const auto id = method ? static_cast<AgentMethod>(method->id) : AgentMethod::AuthLogin;
  Agent* agent = p->agents.onConnection(conn);
  if (!(method && id == AgentMethod::AuthLogin) && !agent)
    return Error(Errc::SipBadRequest, "log in first: the first request must be auth.login");
  if (!method) return Error(Errc::UnknownMethod, "unknown method " + req.method);
  Json data;
  if (Error invalid = protocol::validateFields(*method, req.data, data, method->name)) return invalid;
  if (id == AgentMethod::AuthLogin) {
    Result login = p->lifecycle.login(conn, data, nowMs);
    // A new login (a takeover or a resume) starts without the old socket's supervisor watch.
    if (Agent* in = p->agents.onConnection(conn); in && std::holds_alternative<Json>(login)) {
      p->supervisors.forget(*in);
      p->monitors.supervisorGone(*in);
    }
    return login;
  }
  if (Error mistaken = targetsItself(id, data, agent->staff.userId)) return mistaken;
  if (id == AgentMethod::AuthLogout) {
    p->lifecycle.logout(*agent, conn, nowMs);  // its answer still goes first
    return Json::object();
  }
  // Non-idempotent requests carry a clientRequestId; a repeat gets the first answer, not a second action.
  std::string dedupeKey;
  if (!method->idempotent) {
    dedupeKey = req.method + '\x1f' + data["clientRequestId"].get<std::string>();
    auto seen = agent->dedupe.find(dedupeKey);
    if (seen != agent->dedupe.end() && seen->second.first > nowMs) return seen->second.second;
  }
  Result result;
  switch (id) {
    case AgentMethod::AuthLogin:
    case AgentMethod::AuthLogout:
      break;  // handled above
    case AgentMethod::AgentSetStatus:
      result = p->status.requestStatus(*agent, data, nowMs);
      break;
    case AgentMethod::AgentOnline:
      result = p->status.goOnline(*agent, nowMs);
      break;
    case AgentMethod::AgentOffline:
      result = p->status.goOffline(*agent, nowMs);
      break;
    case AgentMethod::CallStartOutbound:
      result = p->calls.startOutbound(*agent, data, nowMs);
      break;
    case AgentMethod::CallStartInternal:
      result = p->calls.startInternal(*agent, data, nowMs);
      break;
    case AgentMethod::SessionAccept:
      result = p->calls.accept(*agent, data, nowMs);
      break;
    case AgentMethod::SessionHangUp:
      result = p->calls.hangUp(*agent, data, nowMs);
      break;
    case AgentMethod::SessionDelete:
      result = p->views.forget(*agent, data["sessionId"].get<std::string>());
      break;
    case AgentMethod::SessionTransfer:
      result = p->calls.transfer(*agent, data, nowMs);
      break;
    case AgentMethod::SessionHold:
      result = p->calls.hold(*agent, data, true, nowMs);
      break;
    case AgentMethod::SessionUnHold:
      result = p->calls.hold(*agent, data, false, nowMs);
      break;
    case AgentMethod::SessionPauseRecording:
      result = p->calls.pauseRecording(*agent, data, true);
      break;
    case AgentMethod::SessionResumeRecording:
      result = p->calls.pauseRecording(*agent, data, false);
      break;
    case AgentMethod::SessionMute:
      result = p->calls.mute(*agent, data, true, nowMs);
      break;
    case AgentMethod::SessionUnmute:
      result = p->calls.mute(*agent, data, false, nowMs);
      break;
    case AgentMethod::SessionSendDigits:
      result = p->calls.sendDigits(*agent, data, nowMs);
      break;
    case AgentMethod::ChatSend:
      result = p->calls.chatSend(*agent, data, nowMs);
      break;
    case AgentMethod::ChatHistory:
      result = p->calls.chatHistory(*agent, data);
      break;
    case AgentMethod::MediaOffer:
    case AgentMethod::MediaAnswer:
    case AgentMethod::MediaCandidate:
      result = p->calls.media(*agent, method->name, data);
      break;
    case AgentMethod::MediaWs:
      result = p->calls.mediaWs(*agent, data, nowMs);
      break;
    case AgentMethod::SupervisorWatch:
      result = p->supervisors.watch(*agent, nowMs);
      break;
    case AgentMethod::SupervisorUnwatch:
      result = p->supervisors.unwatch(*agent);
      break;
    case AgentMethod::SupervisorSetAgentStatus:
      result = p->supervisors.setAgentStatus(*agent, data, nowMs);
      break;
    case AgentMethod::SupervisorLogoutAgent:
      result = p->supervisors.logoutAgent(*agent, data, nowMs);
      break;
    case AgentMethod::SupervisorMonitor:
      result = p->monitors.monitor(*agent, data, nowMs);
      break;
    case AgentMethod::SupervisorStopMonitor:
      result = p->monitors.stop(*agent, data);
      break;
    case AgentMethod::SessionWrapUp:
      result = p->afterCall.wrapUp(*agent, data, nowMs);
      break;
    case AgentMethod::AgentHistory:
      result = p->afterCall.history(*agent, data, nowMs);
      break;
    case AgentMethod::DirectoryList:
      result = p->transferDirectory.list(*agent, data);
      break;
  }
  if (!method->idempotent) agent->dedupe[dedupeKey] = {nowMs + p->options.dedupeMs, result};
  return result;
}

bool RoutingEngine::isAgentLoggedIn(ConnectionId conn) const { return p->agents.onConnection(conn) != nullptr; }

std::optional<std::int64_t> RoutingEngine::agentApp(ConnectionId conn) const {
  const Agent* agent = p->agents.onConnection(conn);
  if (!agent) return std::nullopt;
  return agent->sdkAppId;
}

std::optional<std::int64_t> RoutingEngine::customerApp(ConnectionId conn) const { return p->customers.appOf(conn); }

void RoutingEngine::agentDisconnected(ConnectionId conn, std::int64_t nowMs, bool loggedOut) {
  ChatDispatch dispatch(*p, nowMs);
  Agent* agent = p->agents.onConnection(conn);
  if (!agent) return;
  p->supervisors.forget(*agent);
  p->monitors.supervisorGone(*agent);  // nobody listens in, or speaks, without its socket
  if (loggedOut)
    p->lifecycle.logout(*agent, conn, nowMs);  // exactly as auth.logout: its calls end now, and their media with them
  else
    p->lifecycle.disconnected(*agent, conn, nowMs);
}

void RoutingEngine::countStoredCalls(const std::vector<QueuedCallTimes>& calls, std::int64_t nowMs) {
  for (const auto& call : calls) p->supervisors.countStoredCall(call, nowMs);
}

std::vector<LiveChatRecord> RoutingEngine::restoreChats(std::vector<LiveChatRecord> entries, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  std::vector<LiveChatRecord> left;
  for (auto& entry : entries) {
    bool restored = false;
    try {
      restored = p->chats.restore(entry, nowMs);
    } catch (const std::exception&) {
      // A journal entry that does not read as this server wrote it (a field of another type): the
      // chat gets its recovered IM CDR instead of stopping the start-up.
    }
    if (!restored) left.push_back(std::move(entry));
  }
  return left;
}

// --- customer sockets -----------------------------------------------------------------------------

void RoutingEngine::onCustomerRequest(ConnectionId conn, const protocol::Request& req, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  const std::size_t mark = p->out.mark();
  Result result;
  const protocol::MethodSpec* method = protocol::findCustomerMethod(req.method);
  Json data;
  if (!method)
    result = Error(Errc::UnknownMethod, "unknown method " + req.method);
  else if (Error invalid = protocol::validateFields(*method, req.data, data, method->name))
    result = invalid;
  else
    result = p->customers.handle(conn, *method, data, nowMs);
  p->out.respond(conn, req.id, named(std::move(result), req.method), mark);
}

void RoutingEngine::customerDisconnected(ConnectionId conn, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  p->customers.disconnected(conn, nowMs);
}

// --- simulator and media leg ----------------------------------------------------------------------

std::variant<std::string, Error> RoutingEngine::simInbound(const SimInboundRequest& request, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  return p->simulator.placeInbound(request, nowMs);
}

std::optional<Json> RoutingEngine::simSession(std::string_view sessionId) const {
  const Session* s = p->sessions.find(sessionId);
  if (!s) return std::nullopt;
  static constexpr std::string_view kPhases[] = {"ivr", "queued", "ringing", "dialing", "connected", "ended"};
  std::string state(kPhases[static_cast<int>(s->phase)]);
  if (s->phase == SessionPhase::Connected && s->held) state = "held";
  Json ivr = Json::array();
  for (auto& [key, label] : s->ivrPath) ivr.push_back(Json{{"key", key}, {"label", label}});
  std::string agentId;
  if (s->agent)
    agentId = p->agents.at(*s->agent).staff.userId;
  else if (s->offered)
    agentId = p->agents.at(*s->offered).staff.userId;
  Json out{{"sessionId", s->id},
           {"sdkAppId", s->sdkAppId},
           {"type", toString(s->type)},
           {"direction", toString(s->direction)},
           {"state", state},
           {"caller", s->caller},
           {"callee", s->callee},
           {"agentUserId", agentId},
           {"skillGroupId", s->skillGroupId},
           {"ivrPath", ivr},
           {"endStatus", s->ended() ? std::string(toString(s->endStatus)) : std::string()},
           {"hungUpSide", s->hungUpSide ? std::string(toString(*s->hungUpSide)) : std::string()},
           {"digitsReceived", s->digitsToCustomer},
           {"history", s->history}};
  p->simulator.describe(*s, out);
  return out;
}

void RoutingEngine::serverMedia(const std::string& sessionId, std::uint8_t side, std::string_view event,
                                const std::string& sdp) {
  Session* s = p->sessions.find(sessionId);
  if (!s) return;
  if (p->media.anchors(*s))
    p->media.fromServer(*s, static_cast<MediaAnchor::Side>(side), event, sdp);
  else
    p->simulator.mediaFromLeg(sessionId, event, sdp);
}

std::variant<MonitorClaim, Error> RoutingEngine::redeemMonitor(std::string_view token, std::int64_t nowMs) {
  return p->monitors.redeem(token, nowMs);
}

std::variant<MediaWsClaim, Error> RoutingEngine::redeemMediaWs(std::string_view token, std::int64_t nowMs) {
  return p->media.redeemWebSocket(token, nowMs);
}

void RoutingEngine::asrResult(const std::string& sessionId, std::string_view flow, const Json& result) {
  Session* s = p->sessions.find(sessionId);
  if (!s || s->phase != SessionPhase::Connected) return;
  Json data{{"sessionId", s->id}, {"flow", flow}, {"result", result}};
  for (auto idx : {s->agent, s->peer})
    if (idx) p->agents.notify(p->agents.at(*idx), "session.asr", data);
}

// --- cloud API ------------------------------------------------------------------------------------

Error RoutingEngine::adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  return p->calls.adminHangUp(sdkAppId, sessionId, nowMs);
}

Json RoutingEngine::staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds,
                                       std::int64_t nowMs) {
  return p->status.metrics(sdkAppId, userIds, nowMs);
}

std::optional<Json> RoutingEngine::describeSession(std::int64_t sdkAppId, std::string_view sessionId) const {
  const Session* s = p->sessions.find(sessionId);
  if (!s || s->sdkAppId != sdkAppId) return std::nullopt;
  std::string status;
  switch (s->phase) {
    case SessionPhase::Ivr:
    case SessionPhase::Queued:
      status = "inqueue";
      break;
    case SessionPhase::Offering:
    case SessionPhase::Dialing:
      status = "ringing";
      break;
    case SessionPhase::Connected:
      status = "inProgress";
      break;
    case SessionPhase::Ended:
      status = "finished";
      break;
  }
  std::string email, number;
  if (auto a = s->agent ? s->agent : s->offered) {
    email = p->agents.at(*a).staff.userId;
    number = p->agents.at(*a).staff.staffNumber;
  }
  const bool out = s->direction == Direction::Out;
  return Json{{"SessionID", s->id},
              {"RoomID", ""},
              {"Caller", s->caller},
              {"Callee", s->callee},
              {"StartTimestamp", seconds(s->startMs)},
              {"RingTimestamp", seconds(s->ringMs)},
              {"AcceptTimestamp", seconds(s->acceptMs)},
              {"StaffEmail", email},
              {"StaffNumber", number},
              {"SessionStatus", status},
              {"Direction", out ? 1 : 0},
              {"OutBoundCaller", out ? s->caller : ""},
              {"OutBoundCallee", out ? s->callee : ""},
              {"ProtectedCaller", ""},
              {"ProtectedCallee", ""}};
}

void RoutingEngine::directoryChanged(std::int64_t sdkAppId, std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  p->tenants.reload(sdkAppId);
  p->lifecycle.staffChanged(sdkAppId, nowMs);
}

// --- time -----------------------------------------------------------------------------------------

void RoutingEngine::tick(std::int64_t nowMs) {
  ChatDispatch dispatch(*p, nowMs);
  p->timers.fireDue(nowMs);
  if (p->nextSweepMs == 0) p->nextSweepMs = nowMs + kSweepEveryMs;
  if (nowMs >= p->nextSweepMs) {
    p->nextSweepMs = nowMs + kSweepEveryMs;
    sweep(nowMs);
  }
}

void RoutingEngine::sweep(std::int64_t nowMs) {
  // Forget ended sessions and expired clientRequestIds; bounded work per sweep.
  p->sessions.dropExpired(nowMs);
  for (auto& a : p->agents.all()) {
    p->views.prune(*a, nowMs);
    for (auto it = a->dedupe.begin(); it != a->dedupe.end();)
      it = it->second.first <= nowMs ? a->dedupe.erase(it) : std::next(it);
  }
}

std::optional<std::int64_t> RoutingEngine::nextDeadline() const {
  std::optional<std::int64_t> next = p->timers.next();
  if (p->nextSweepMs > 0 && (!next || p->nextSweepMs < *next)) next = p->nextSweepMs;
  return next;
}

// --- introspection --------------------------------------------------------------------------------

std::string RoutingEngine::agentStatus(std::int64_t sdkAppId, std::string_view userId) const {
  const Agent* a = p->agents.find(sdkAppId, userId);
  return std::string(toString(a ? a->status : AgentStatus::Offline));
}

std::size_t RoutingEngine::queueLength(std::int64_t sdkAppId, std::int64_t skillGroupId) const {
  return p->acd.callsWaiting(sdkAppId, skillGroupId);
}

std::size_t RoutingEngine::liveCallCount() const { return p->sessions.liveCount(); }

std::size_t RoutingEngine::agentCount() const { return p->agents.size(); }

}  // namespace tccc::server::routing
