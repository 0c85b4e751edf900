// SPDX-License-Identifier: Apache-2.0
#include "routing/RoutingEngine.hpp"
#include "routing/EngineInternals.hpp"

#include "chat/MemoryChatRepository.hpp"
#include "http/TokenBucket.hpp"
#include "store/SecureRandom.hpp"
#include "sim/TestNumbers.hpp"

#include <algorithm>
#include <cstdio>

namespace tccc::server::routing {

using namespace internal;


// ---------------------------------------------------------------------------------------------
// Construction, output, timers

RoutingEngine::RoutingEngine(Directory& directory, Options options)
    : mDirectory(directory), mOptions(std::move(options)) {
  std::uint64_t seed = mOptions.seed;
  if (seed == 0) {
    std::random_device rd;
    seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }
  mRng.seed(seed);
  if (!mOptions.iceServers.is_array()) mOptions.iceServers = Json::array();
}

RoutingEngine::~RoutingEngine() = default;

std::vector<Command> RoutingEngine::takeCommands() {
  std::vector<Command> out;
  out.swap(mCommands);
  return out;
}

void RoutingEngine::send(ConnectionId conn, std::string text) {
  if (conn == 0) return;
  Command c;
  c.type = Command::Type::Send;
  c.connection = conn;
  c.text = std::move(text);
  mCommands.push_back(std::move(c));
}

void RoutingEngine::respond(ConnectionId conn, std::int64_t id, const Result& result, std::size_t at) {
  protocol::Response res;
  res.id = id;
  if (auto* err = std::get_if<Error>(&result)) {
    res.ok = false;
    res.error = *err;
  } else {
    res.data = std::get<Json>(result);
  }
  Command c;
  c.type = Command::Type::Send;
  c.connection = conn;
  c.text = protocol::encode(res);
  // The response goes before every event its request caused (docs/protocol.md).
  mCommands.insert(mCommands.begin() + static_cast<std::ptrdiff_t>(std::min(at, mCommands.size())), std::move(c));
}

void RoutingEngine::pushTimer(std::int64_t at, int kind, std::uint64_t id, std::uint64_t gen) {
  mTimers.push(Timer{at, kind, id, gen});
}

std::optional<std::int64_t> RoutingEngine::nextDeadline() const {
  std::optional<std::int64_t> next;
  if (!mTimers.empty()) next = mTimers.top().at;
  if (mNextSweepMs > 0 && (!next || mNextSweepMs < *next)) next = mNextSweepMs;
  return next;
}

std::string RoutingEngine::newSessionId() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "s-%016llx%08llx", static_cast<unsigned long long>(mRng()),
                static_cast<unsigned long long>(mRng() & 0xffffffffULL));
  return buf;
}

std::string RoutingEngine::newSecret() {
  // Resume tokens are credentials: take them from the OS generator, not from the seeded one.
  return "r-" + SecureRandom::hex(32);
}

void RoutingEngine::purgeOldestEndedCall() {
  auto it = mCallBySerial.find(mEndedCalls.front().second);
  if (it != mCallBySerial.end()) {
    std::string sid = it->second->sessionId;
    mCallBySerial.erase(it);
    mCalls.erase(sid);
    mChats.erase(sid);  // chat (im) state, ChatRouting.cpp
  }
  mEndedCalls.pop_front();
}

void RoutingEngine::armCall(Call& call, std::int64_t at) {
  ++call.timerGen;
  call.timerAt = at;
  pushTimer(at, kCallTimer, call.serial, call.timerGen);
}

void RoutingEngine::tick(std::int64_t nowMs) {
  ChatDispatch chatDispatch(*this, nowMs);  // offers queued chats once this input is handled
  while (!mTimers.empty() && mTimers.top().at <= nowMs) {
    Timer t = mTimers.top();
    mTimers.pop();
    if (t.kind == kCallTimer) {
      auto it = mCallBySerial.find(t.id);
      if (it == mCallBySerial.end() || it->second->timerGen != t.gen) continue;
      onCallTimer(*it->second, nowMs);
    } else if (t.kind == kAcwTimer) {
      if (t.id >= mAgents.size()) continue;
      Agent& a = *mAgents[t.id];
      if (a.acwGen != t.gen || a.status != "arrange") continue;
      setStatus(a, "free", "acwTimeout", "", nowMs);
    } else if (t.kind == kGraceTimer) {
      if (t.id >= mAgents.size()) continue;
      Agent& a = *mAgents[t.id];
      if (a.graceGen != t.gen || a.conn != 0) continue;
      // The agent did not come back: it goes offline, its ringing offer moves on and calls it was
      // still on are ended (the customer cannot be left talking to nobody). Offline first, so the
      // offer is not queued behind an agent who is gone.
      setStatus(a, "offline", "admin", "", nowMs);
      chatAgentGone(a, nowMs);  // its chats go back to their group (ChatRouting.cpp)
      if (!a.offering.empty()) {
        auto c = mCalls.find(a.offering);
        if (c != mCalls.end()) {
          Call& call = *c->second;
          if (call.type == "internal") {
            endCall(call, EndSpec{"notAnswer", "seat", "failed", "timer", "notAnswer", std::nullopt}, nowMs);
          } else {
            withdrawOffer(call, "ringTimeout", "timer", "seatGiveUp", nowMs);
            if (call.skillGroupId)
              enqueue(call, call.skillGroupId, nowMs, false);
            else
              endCall(call, EndSpec{"unconnected", "seat", "failed", "admin", "", std::nullopt}, nowMs);
          }
        }
      }
      std::vector<Call*> live;
      for (auto& v : a.views) {
        if (v.ended) continue;
        auto c = mCalls.find(v.sessionId);
        if (c != mCalls.end() && c->second->phase != Call::Phase::Ended && c->second->type != "im")
          live.push_back(c->second.get());
      }
      for (Call* call : live)
        endCall(*call, EndSpec{"error", "seat", "failed", "admin", "", std::nullopt}, nowMs);
    }
  }
  if (mNextSweepMs == 0) mNextSweepMs = nowMs + kSweepEveryMs;
  if (nowMs >= mNextSweepMs) {
    mNextSweepMs = nowMs + kSweepEveryMs;
    // Forget ended calls and expired clientRequestIds; bounded work per sweep.
    while (!mEndedCalls.empty() && mEndedCalls.front().first <= nowMs) purgeOldestEndedCall();
    for (auto& a : mAgents) {
      pruneViews(*a, nowMs);
      for (auto it = a->dedupe.begin(); it != a->dedupe.end();)
        it = it->second.first <= nowMs ? a->dedupe.erase(it) : std::next(it);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tenants, groups, numbers

RoutingEngine::Tenant& RoutingEngine::tenant(std::int64_t sdkAppId) {
  auto it = mTenants.find(sdkAppId);
  if (it != mTenants.end()) return *it->second;
  auto t = std::make_unique<Tenant>();
  t->sdkAppId = sdkAppId;
  for (auto& g : mDirectory.listSkillGroups(sdkAppId)) {
    t->infos[g.skillGroupId] = g;
    t->groups[g.skillGroupId];
  }
  t->callerNumbers = mDirectory.listCallerNumbers(sdkAppId);
  return *mTenants.emplace(sdkAppId, std::move(t)).first->second;
}

RoutingEngine::GroupState* RoutingEngine::group(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  Tenant& t = tenant(sdkAppId);
  auto it = t.groups.find(skillGroupId);
  return it == t.groups.end() ? nullptr : &it->second;
}

const SkillGroupInfo* RoutingEngine::groupInfo(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  Tenant& t = tenant(sdkAppId);
  auto it = t.infos.find(skillGroupId);
  return it == t.infos.end() ? nullptr : &it->second;
}

std::optional<ServiceNumberInfo> RoutingEngine::serviceNumber(std::string_view number) {
  std::string key(number);
  auto it = mNumberCache.find(key);
  if (it != mNumberCache.end()) return it->second;
  auto info = mDirectory.findServiceNumber(number);
  // Negative answers are cached too, but the cache is bounded: junk numbers must not grow memory.
  if (mNumberCache.size() > 10000) mNumberCache.clear();
  mNumberCache.emplace(key, info);
  return info;
}

void RoutingEngine::directoryChanged(std::int64_t sdkAppId, std::int64_t nowMs) {
  ChatDispatch chatDispatch(*this, nowMs);
  mNumberCache.clear();
  auto it = mTenants.find(sdkAppId);
  if (it != mTenants.end()) {
    Tenant& t = *it->second;
    t.infos.clear();
    for (auto& g : mDirectory.listSkillGroups(sdkAppId)) {
      t.infos[g.skillGroupId] = g;
      t.groups[g.skillGroupId];  // keeps existing queues and availability
    }
    t.callerNumbers = mDirectory.listCallerNumbers(sdkAppId);
  }
  // One listing instead of one lookup per logged-in agent: a tenant with thousands of agents
  // must not stall the event loop on every staff edit.
  std::unordered_map<std::string, StaffInfo> current;
  for (auto& s : mDirectory.listStaff(sdkAppId)) current.emplace(s.userId, std::move(s));
  for (auto& ap : mAgents) {
    Agent& a = *ap;
    if (a.sdkAppId != sdkAppId || a.removed) continue;
    auto found = current.find(a.staff.userId);
    const StaffInfo* staff = found == current.end() ? nullptr : &found->second;
    if (!staff) {
      // Deleted staff: out it goes, like a kick.
      if (a.conn) {
        emitAgentEvent(a, "agent.kicked", Json{{"reason", "staffRemoved"}});
        queueClose(a.conn, 4003, "staff removed");
        mAgentByConn.erase(a.conn);
        a.conn = 0;
      }
      ++a.graceGen;
      pushTimer(nowMs, kGraceTimer, a.idx, a.graceGen);
      a.resumeToken.clear();
      a.removed = true;
      continue;
    }
    a.staff = *staff;
    setGroups(a, staff->skillGroupIds);
  }
}

void RoutingEngine::setGroups(Agent& agent, std::vector<std::int64_t> groups) {
  // Only groups the tenant knows count; drop unknown ids so the indexes stay consistent.
  Tenant& t = tenant(agent.sdkAppId);
  std::vector<std::int64_t> next;
  for (auto g : groups)
    if (t.groups.count(g) && std::find(next.begin(), next.end(), g) == next.end()) next.push_back(g);
  bool online = agent.status != "offline";
  for (auto g : agent.groups) {
    auto& gs = t.groups[g];
    if (online) --gs.online;
    if (agent.available) gs.available.erase({agent.availKey, agent.idx});
  }
  agent.groups = next;
  for (auto g : agent.groups) {
    auto& gs = t.groups[g];
    if (online) ++gs.online;
    if (agent.available) gs.available.insert({agent.availKey, agent.idx});
  }
}

// ---------------------------------------------------------------------------------------------
// Agents

RoutingEngine::Agent* RoutingEngine::findAgent(std::int64_t sdkAppId, std::string_view userId) const {
  auto it = mAgentIndex.find(agentKey(sdkAppId, userId));
  return it == mAgentIndex.end() ? nullptr : mAgents[it->second].get();
}

RoutingEngine::Agent& RoutingEngine::ensureAgent(const StaffInfo& staff) {
  Agent* a = findAgent(staff.sdkAppId, staff.userId);
  if (!a) {
    auto p = std::make_unique<Agent>();
    p->idx = static_cast<AgentIdx>(mAgents.size());
    p->sdkAppId = staff.sdkAppId;
    a = p.get();
    mAgentIndex[agentKey(staff.sdkAppId, staff.userId)] = a->idx;
    mAgents.push_back(std::move(p));
  }
  a->staff = staff;
  a->removed = false;
  setGroups(*a, staff.skillGroupIds);
  return *a;
}

std::string RoutingEngine::agentStatus(std::int64_t sdkAppId, std::string_view userId) const {
  Agent* a = findAgent(sdkAppId, userId);
  return a ? a->status : "offline";
}

std::size_t RoutingEngine::queueLength(std::int64_t sdkAppId, std::int64_t skillGroupId) const {
  auto t = mTenants.find(sdkAppId);
  if (t == mTenants.end()) return 0;
  auto g = t->second->groups.find(skillGroupId);
  return g == t->second->groups.end() ? 0 : g->second.queue.size();
}

std::size_t RoutingEngine::liveCallCount() const { return mCalls.size() - mEndedCalls.size(); }

void RoutingEngine::emitAgentEvent(Agent& agent, const std::string& event, Json data) {
  // The seq advances even while the agent is away, so the snapshot after a resume tells the client
  // exactly which point of the stream it reflects.
  protocol::Event e;
  e.seq = ++agent.seq;
  e.event = event;
  e.data = std::move(data);
  if (agent.conn) send(agent.conn, protocol::encode(e));
}

void RoutingEngine::setStatus(Agent& agent, const std::string& status, const std::string& reason,
                              const std::string& restReason, std::int64_t nowMs) {
  bool changed = status != agent.status || (status == "rest" && restReason != agent.restReason);
  if (!changed) return;
  agent.durations[statusIndex(agent.status)] += std::max<std::int64_t>(0, nowMs - agent.statusSinceMs);
  bool wasOnline = agent.status != "offline";
  bool isOnline = status != "offline";
  if (wasOnline != isOnline) {
    Tenant& t = tenant(agent.sdkAppId);
    for (auto g : agent.groups) t.groups[g].online += isOnline ? 1 : -1;
    if (isOnline) agent.lastOnlineMs = nowMs;
  }
  if (status != agent.status) {
    ++agent.acwGen;  // leaving or re-entering arrange cancels a pending ACW timer
    agent.statusSinceMs = nowMs;
    if (status == "free") agent.idleSinceMs = nowMs;
  }
  agent.status = status;
  agent.restReason = status == "rest" ? restReason : "";
  agent.lastReason = reason;
  Json data{{"status", status}, {"reason", reason}};
  if (status == "rest") data["restReason"] = agent.restReason;
  emitAgentEvent(agent, "agent.status", std::move(data));
  refreshAvailability(agent, nowMs);
  if (wasOnline && !isOnline) {
    // The last agent of a group went offline: its waiting callers would wait for nobody.
    Tenant& t = tenant(agent.sdkAppId);
    std::vector<std::uint64_t> orphans;
    for (auto g : agent.groups) {
      auto& gs = t.groups[g];
      if (gs.online == 0)
        for (auto& key : gs.queue) orphans.push_back(key.second);
    }
    for (auto serial : orphans) {
      auto it = mCallBySerial.find(serial);
      if (it != mCallBySerial.end())
        endCall(*it->second, EndSpec{"noSeatOnline", "user", "failed", "admin", "", std::nullopt}, nowMs);
    }
  }
}

bool RoutingEngine::hasLiveCall(const Agent& agent) const {
  for (auto& v : agent.views) {
    if (v.ended) continue;
    auto it = mCalls.find(v.sessionId);
    if (it == mCalls.end()) continue;
    const Call& c = *it->second;
    if (c.phase == Call::Phase::Ended || c.type == "im") continue;  // chats never make an agent busy
    if ((c.agent && *c.agent == agent.idx) || (c.peer && *c.peer == agent.idx)) return true;
  }
  return false;
}

void RoutingEngine::refreshAvailability(Agent& agent, std::int64_t nowMs) {
  bool should = agent.status == "free" && agent.conn != 0 && agent.offering.empty() && !agent.removed &&
                !hasLiveCall(agent);
  if (should == agent.available) return;
  Tenant& t = tenant(agent.sdkAppId);
  if (agent.available)
    for (auto g : agent.groups) t.groups[g].available.erase({agent.availKey, agent.idx});
  agent.available = should;
  if (should) {
    agent.availKey = agent.idleSinceMs;
    for (auto g : agent.groups) t.groups[g].available.insert({agent.availKey, agent.idx});
    agentAvailable(agent, nowMs);
  }
}

void RoutingEngine::pruneViews(Agent& agent, std::int64_t nowMs) {
  agent.views.erase(std::remove_if(agent.views.begin(), agent.views.end(),
                                   [&](const View& v) {
                                     return v.ended && nowMs - v.endedAtMs >= mOptions.endedRetentionMs;
                                   }),
                    agent.views.end());
}

Json RoutingEngine::snapshot(Agent& agent, std::int64_t nowMs) {
  pruneViews(agent, nowMs);
  Json sessions = Json::array();
  for (auto& v : agent.views) sessions.push_back(v.wire);
  patchChatWires(sessions);
  Json a{{"userId", agent.staff.userId},
         {"sdkAppId", agent.sdkAppId},
         {"name", agent.staff.name},
         {"nick", agent.staff.nick},
         {"staffNumber", agent.staff.staffNumber},
         {"status", agent.status},
         {"restReason", agent.restReason}};
  Json groups = Json::array();
  for (auto g : agent.groups) {
    const SkillGroupInfo* info = groupInfo(agent.sdkAppId, g);
    groups.push_back(Json{{"skillGroupId", std::to_string(g)}, {"name", info ? info->name : ""}});
  }
  a["skillGroups"] = std::move(groups);
  return Json{{"resumeToken", agent.resumeToken},
              {"heartbeatMs", mOptions.heartbeatMs},
              {"serverTime", nowMs},
              {"seq", agent.seq},
              {"agent", std::move(a)},
              {"sessions", std::move(sessions)},
              {"iceServers", mOptions.iceServers}};
}

void RoutingEngine::afterCallEnded(Agent& agent, const Call& call, std::int64_t nowMs) {
  if (agent.status != "busy" || hasLiveCall(agent)) {
    refreshAvailability(agent, nowMs);
    return;
  }
  // A call that never connected leaves nothing to wrap up.
  int acw = 0;
  if (call.acceptMs > 0) {
    std::int64_t gid = call.skillGroupId ? call.skillGroupId : (agent.groups.empty() ? 0 : agent.groups.front());
    if (const SkillGroupInfo* info = gid ? groupInfo(agent.sdkAppId, gid) : nullptr) acw = info->afterCallWorkSec;
  }
  if (acw > 0) {
    setStatus(agent, "arrange", "callEnded", "", nowMs);
    pushTimer(nowMs + acw * 1000LL, kAcwTimer, agent.idx, agent.acwGen);
  } else {
    setStatus(agent, "free", "callEnded", "", nowMs);
  }
}

Json RoutingEngine::staffStatusMetrics(std::int64_t sdkAppId, const std::vector<std::string>& userIds,
                                       std::int64_t nowMs) {
  Json rows = Json::array();
  auto row = [&](const Agent& a) {
    auto d = a.durations;
    d[statusIndex(a.status)] += std::max<std::int64_t>(0, nowMs - a.statusSinceMs);
    std::int64_t online = d[1] + d[2] + d[3] + d[4] + d[5];
    std::string status = a.status == "arrange" ? "afterCallWork" : a.status;
    Json extra{{"Type", "tel"}, {"Direct", "callin"}};
    for (auto& v : a.views) {
      if (v.ended) continue;
      const std::string& t = v.wire.value("type", "phone");
      extra["Type"] = t == "phone" || t == "internal" ? "tel" : t;
      extra["Direct"] = v.wire.value("direction", "in") == "out" ? "callout" : "callin";
    }
    rows.push_back(Json{{"Email", a.staff.userId},
                        {"Status", status},
                        {"StatusExtra", extra},
                        {"OnlineDuration", online / 1000},
                        {"FreeDuration", d[1] / 1000},
                        {"BusyDuration", d[2] / 1000},
                        {"NotReadyDuration", d[4] / 1000},
                        {"RestDuration", d[5] / 1000},
                        {"AfterCallWorkDuration", d[3] / 1000},
                        {"Reason", a.restReason},
                        {"ReserveRest", false},
                        {"ReserveNotReady", false},
                        {"UseMobileAccept", 0},
                        {"UseMobileCallOut", false},
                        {"LastOnlineTimestamp", secs(a.lastOnlineMs)},
                        {"LastStatusTimestamp", secs(a.statusSinceMs)},
                        {"ClientInfo", Json::array()}});
  };
  if (userIds.empty()) {
    for (auto& a : mAgents)
      if (a->sdkAppId == sdkAppId && !a->removed) row(*a);
  } else {
    for (auto& u : userIds)
      if (Agent* a = findAgent(sdkAppId, u)) row(*a);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Agent requests

void RoutingEngine::onAgentRequest(ConnectionId conn, const protocol::Request& req, std::int64_t nowMs) {
  ChatDispatch chatDispatch(*this, nowMs);
  std::size_t mark = mCommands.size();
  auto it = mAgentByConn.find(conn);
  if (req.method == "auth.login") {
    Result r = handleLogin(conn, req.data, nowMs);
    respond(conn, req.id, r, mark);
    return;
  }
  if (it == mAgentByConn.end()) {
    respond(conn, req.id, Error(Errc::SipBadRequest, "log in first: the first request must be auth.login"), mark);
    return;
  }
  Agent& agent = *mAgents[it->second];
  if (req.method == "auth.logout") {
    respond(conn, req.id, Result{Json::object()}, mark);
    logout(agent, conn, nowMs);
    return;
  }
  // Non-idempotent requests carry a clientRequestId; a repeat gets the first answer, not a second action.
  const bool deduped =
      req.method == "call.startOutbound" || req.method == "call.startInternal" || req.method == "session.transfer";
  std::string crid;
  if (deduped) {
    Error e;
    auto v = requireString(req.data, "clientRequestId", kMaxClientRequestId, e);
    if (e) {
      respond(conn, req.id, e, mark);
      return;
    }
    crid = req.method + "\x1f" + *v;
    auto d = agent.dedupe.find(crid);
    if (d != agent.dedupe.end() && d->second.first > nowMs) {
      respond(conn, req.id, d->second.second, mark);
      return;
    }
  }
  Result r = handleAgentMethod(agent, req, nowMs);
  if (deduped) agent.dedupe[crid] = {nowMs + mOptions.dedupeMs, r};
  respond(conn, req.id, r, mark);
}

bool RoutingEngine::isAgentLoggedIn(ConnectionId conn) const { return mAgentByConn.count(conn) != 0; }

RoutingEngine::Result RoutingEngine::handleLogin(ConnectionId conn, const Json& data, std::int64_t nowMs) {
  if (mAgentByConn.count(conn)) return Error(Errc::InvalidState, "this connection is already logged in");
  Error e;
  auto sdkAppId = protocol::readInt(data, "sdkAppId", &e, true);
  if (e) return e;
  if (!sdkAppId || *sdkAppId <= 0) return Error(Errc::InvalidArgument, "sdkAppId must be a positive integer");
  auto userId = requireString(data, "userId", kMaxUserId, e);
  if (e) return e;
  auto token = protocol::readString(data, "token", 1024, &e);
  if (e) return e;
  auto resume = protocol::readString(data, "resumeToken", 128, &e);
  if (e) return e;
  protocol::readInt(data, "lastSeq", &e);
  if (e) return e;
  if ((!token || token->empty()) && (!resume || resume->empty()))
    return Error(Errc::InvalidArgument, "token or resumeToken is required");

  auto staff = mDirectory.findStaff(*sdkAppId, *userId);
  if (!staff) return Error(Errc::NotFound, "no agent " + *userId + " in app " + std::to_string(*sdkAppId));
  Agent* existing = findAgent(*sdkAppId, *userId);
  if (resume && !resume->empty()) {
    if (!existing || existing->resumeToken.empty() || existing->resumeToken != *resume)
      return Error(Errc::HttpTokenError, "the resume token is stale: log in with a new token");
  } else {
    Error v = mDirectory.verifyLoginToken(*sdkAppId, *userId, *token, nowMs / 1000);
    if (v) return v;
  }
  Agent& a = ensureAgent(*staff);
  if (a.conn && a.conn != conn) {
    emitAgentEvent(a, "agent.kicked", Json{{"reason", "loggedInElsewhere"}});
    queueClose(a.conn, 4003, "logged in elsewhere");
    mAgentByConn.erase(a.conn);
  }
  a.conn = conn;
  mAgentByConn[conn] = a.idx;
  ++a.graceGen;  // cancels a pending grace expiry
  a.resumeToken = newSecret();
  // The snapshot is taken after the login's own change (offline -> free) and carries that event's
  // seq, so a client is accurate the moment it is ready (getStatus() in a ready handler says "free");
  // the event itself still goes out and the client drops it as already seen (seq <= snapshot seq).
  if (a.status == "offline")
    setStatus(a, "free", "login", "", nowMs);
  else
    refreshAvailability(a, nowMs);
  serverMediaForAgent(a, true);  // calls it is still on get a fresh offer (after the response)
  return snapshot(a, nowMs);
}

void RoutingEngine::logout(Agent& a, ConnectionId conn, std::int64_t nowMs) {
  // An explicit goodbye (the SDK's destroy()): no grace period. The agent goes offline now, and the
  // grace expiry runs at once to move its ringing offer on and end calls it was still on.
  mAgentByConn.erase(conn);
  a.conn = 0;
  a.resumeToken.clear();
  setStatus(a, "offline", "logout", "", nowMs);
  ++a.graceGen;
  pushTimer(nowMs, kGraceTimer, a.idx, a.graceGen);
  queueClose(conn, 1000, "logged out");
}

void RoutingEngine::queueClose(ConnectionId conn, int code, std::string reason) {
  Command c;
  c.type = Command::Type::Close;
  c.connection = conn;
  c.closeCode = code;
  c.reason = std::move(reason);
  mCommands.push_back(std::move(c));
}

void RoutingEngine::agentDisconnected(ConnectionId conn, std::int64_t nowMs, bool loggedOut) {
  ChatDispatch chatDispatch(*this, nowMs);
  auto it = mAgentByConn.find(conn);
  if (it == mAgentByConn.end()) return;
  Agent& a = *mAgents[it->second];
  if (loggedOut) {
    logout(a, conn, nowMs);  // exactly as auth.logout: its calls end now, and their media with them
    return;
  }
  mAgentByConn.erase(it);
  a.conn = 0;
  serverMediaForAgent(a, false);  // its peer connections are gone with the page
  refreshAvailability(a, nowMs);
  if (a.status != "offline") {
    ++a.graceGen;
    pushTimer(nowMs + mOptions.graceMs, kGraceTimer, a.idx, a.graceGen);
  }
}

RoutingEngine::Result RoutingEngine::handleAgentMethod(Agent& agent, const protocol::Request& req,
                                                       std::int64_t nowMs) {
  const std::string& m = req.method;
  const Json& d = req.data;
  if (m == "agent.setStatus") return doSetStatus(agent, d, nowMs);
  if (m == "agent.online") return doOnline(agent, nowMs);
  if (m == "agent.offline") return doOffline(agent, nowMs);
  if (m == "call.startOutbound") return doStartOutbound(agent, d, nowMs);
  if (m == "call.startInternal") return doStartInternal(agent, d, nowMs);
  if (m == "session.accept") return doAccept(agent, d, nowMs);
  if (m == "session.hangUp") return doHangUp(agent, d, nowMs);
  if (m == "session.delete") return doDelete(agent, d, nowMs);
  if (m == "session.transfer") return doTransfer(agent, d, nowMs);
  if (m == "session.hold") return doHold(agent, d, true, nowMs);
  if (m == "session.unHold") return doHold(agent, d, false, nowMs);
  if (m == "session.mute") return doMute(agent, d, true, nowMs);
  if (m == "session.unmute") return doMute(agent, d, false, nowMs);
  if (m == "session.sendDigits") return doSendDigits(agent, d, nowMs);
  if (m == "chat.send" || m == "chat.history") return handleAgentChat(agent, req, nowMs);
  if (isMediaMethod(m)) return doAgentMedia(agent, m, d, nowMs);
  return Error(Errc::UnknownMethod, "unknown method " + m);
}

RoutingEngine::Result RoutingEngine::doSetStatus(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  auto status = requireString(data, "status", 32, e);
  if (e) return e;
  auto restReason = protocol::readString(data, "restReason", 64, &e);
  if (e) return e;
  const std::string& s = *status;
  if (s != "free" && s != "rest" && s != "arrange" && s != "notReady" && s != "stopNotReady")
    return Error(Errc::InvalidArgument, "status must be free, rest, arrange, notReady or stopNotReady");
  if (agent.status == "offline") return Error(Errc::InvalidState, "offline: call agent.online first");
  if (agent.status == "busy") return Error(Errc::InvalidState, "busy: cannot change status during a call");
  if (s == "stopNotReady") {
    if (agent.status != "notReady") return Error(Errc::InvalidState, "stopNotReady is only allowed in notReady");
    setStatus(agent, "free", "request", "", nowMs);
    return Json::object();
  }
  if (s == "arrange" && agent.status == "arrange") {
    ++agent.acwGen;  // "keep wrapping up": the after-call-work timer no longer ends it
    return Json::object();
  }
  setStatus(agent, s, "request", restReason.value_or(""), nowMs);
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doOnline(Agent& agent, std::int64_t nowMs) {
  if (agent.status == "offline") setStatus(agent, "free", "request", "", nowMs);
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doOffline(Agent& agent, std::int64_t nowMs) {
  if (agent.status == "offline") return Error(Errc::InvalidState, "already offline");
  if (agent.status == "busy" || hasLiveCall(agent))
    return Error(Errc::InvalidState, "busy: cannot go offline during a call");
  if (hasLiveChat(agent)) return Error(Errc::InvalidState, "chats in progress: end or transfer them first");
  if (!agent.offering.empty()) {
    auto c = mCalls.find(agent.offering);
    if (c != mCalls.end()) {
      Call& call = *c->second;
      if (call.type == "internal") {
        endCall(call, EndSpec{"userReject", "seat", "hangup", "seat", "userReject", agent.idx}, nowMs);
      } else {
        withdrawOffer(call, "hangup", "seat", "seatGiveUp", nowMs);
        setStatus(agent, "offline", "request", "", nowMs);
        if (call.skillGroupId)
          enqueue(call, call.skillGroupId, nowMs, false);
        else
          endCall(call, EndSpec{"unconnected", "seat", "failed", "admin", "", std::nullopt}, nowMs);
        return Json::object();
      }
    }
  }
  setStatus(agent, "offline", "request", "", nowMs);
  return Json::object();
}

RoutingEngine::Call* RoutingEngine::ownedCall(Agent& agent, const Json& data, Error& error, std::string* sidOut) {
  auto sid = requireString(data, "sessionId", kMaxSessionId, error);
  if (error) return nullptr;
  if (sidOut) *sidOut = *sid;
  // Ownership: only sessions this agent has seen. Anybody else's id (another agent, another
  // tenant) is indistinguishable from a non-existent one.
  if (!agent.view(*sid)) {
    error = Error(Errc::SessionNotFound, "no session " + *sid);
    return nullptr;
  }
  auto it = mCalls.find(*sid);
  if (it == mCalls.end()) return nullptr;
  return it->second.get();
}

RoutingEngine::Result RoutingEngine::doStartOutbound(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  auto phone = requireString(data, "phoneNumber", kMaxNumber, e);
  if (e) return e;
  if (!isPhoneNumber(*phone)) return Error(Errc::InvalidArgument, "phoneNumber must be digits (optionally +, *, #)");
  auto desc = protocol::readString(data, "phoneDesc", 128, &e);
  if (e) return e;
  auto uui = protocol::readString(data, "uui", 1000, &e);
  if (e) return e;
  auto gid = protocol::readInt(data, "skillGroupId", &e, true);
  if (e) return e;
  auto callerNum = protocol::readString(data, "callerPhoneNumber", kMaxNumber, &e);
  if (e) return e;
  protocol::readString(data, "phoneEncodeType", 32, &e);
  if (e) return e;
  if (data.contains("servingNumberGroupIds") && !data["servingNumberGroupIds"].is_null() &&
      !data["servingNumberGroupIds"].is_array())
    return Error(Errc::InvalidArgument, "servingNumberGroupIds must be an array");
  if (agent.status == "offline") return Error(Errc::InvalidState, "offline: cannot place a call");
  if (agent.status == "busy" || hasLiveCall(agent))
    return Error(Errc::InvalidState, "busy: cannot place a call during another call");
  if (!agent.offering.empty()) return Error(Errc::InvalidState, "a call is ringing: answer or reject it first");
  Tenant& t = tenant(agent.sdkAppId);
  if (gid && *gid != 0 && std::find(agent.groups.begin(), agent.groups.end(), *gid) == agent.groups.end())
    return Error(Errc::NotFound, "skill group " + std::to_string(*gid) + " is not one of this agent's");

  // Caller number: the one asked for (it must be the tenant's), else one bound to the agent's groups,
  // else the tenant's first.
  const CallerNumberInfo* chosen = nullptr;
  if (callerNum && !callerNum->empty()) {
    for (auto& n : t.callerNumbers)
      if (n.number == *callerNum) chosen = &n;
    if (!chosen) return Error(Errc::NotFound, "callerPhoneNumber " + *callerNum + " is not an outbound number of this app");
  } else {
    for (auto& n : t.callerNumbers) {
      for (auto g : n.skillGroupIds)
        if (std::find(agent.groups.begin(), agent.groups.end(), g) != agent.groups.end()) chosen = &n;
      if (chosen) break;
    }
    if (!chosen && !t.callerNumbers.empty()) chosen = &t.callerNumbers.front();
    if (!chosen) return Error(Errc::NotFound, "no outbound caller number is configured for this app");
  }
  // QueuedSkillGroupId rule (tccc-facts.md §3.2): the agent's only phone group; else the number's
  // group; else the agent's first phone group.
  std::int64_t queued = gid.value_or(0);
  if (!queued) {
    std::vector<std::int64_t> tel;
    for (auto g : agent.groups) {
      auto info = t.infos.find(g);
      if (info != t.infos.end() && (info->second.type == "tel" || info->second.type.empty())) tel.push_back(g);
    }
    if (tel.size() == 1)
      queued = tel.front();
    else if (!chosen->skillGroupIds.empty())
      queued = chosen->skillGroupIds.front();
    else if (!tel.empty())
      queued = tel.front();
  }

  Call& call = newCall(agent.sdkAppId, "phone", "out", nowMs);
  call.caller = chosen->number;
  call.callee = *phone;
  call.uui = uui.value_or("");
  call.remark = desc.value_or("");
  call.agent = agent.idx;
  call.phase = Call::Phase::Dialing;
  call.ringMs = nowMs;
  if (const SkillGroupInfo* info = queued ? groupInfo(agent.sdkAppId, queued) : nullptr) {
    call.skillGroupId = call.queuedSkillGroupId = queued;
    call.skillGroupName = call.queuedSkillGroupName = info->name;
  }
  Participant p;
  p.agent = agent.idx;
  p.startMs = p.ringMs = nowMs;
  p.skillGroupId = call.skillGroupId;
  call.participants.push_back(p);

  updateView(agent, call, "dialing", nowMs);
  setStatus(agent, "busy", "callStarted", "", nowMs);
  // The far end: a documented test number, a registered callee page, or nobody (no answer).
  call.testNumber = sim::findTestNumber(call.callee);
  if (call.testNumber) {
    switch (call.testNumber->behaviour) {
      case sim::TestNumberBehaviour::Answer:
      case sim::TestNumberBehaviour::AnswerThenHangUp: call.outcome = "answer"; break;
      case sim::TestNumberBehaviour::Busy: call.outcome = "busy"; break;
      case sim::TestNumberBehaviour::Reject: call.outcome = "reject"; break;
      case sim::TestNumberBehaviour::NoAnswer: call.outcome = "notAnswer"; break;
    }
    armCall(call, nowMs + (call.outcome == "notAnswer" ? mOptions.outboundNoAnswerSec * 1000LL
                                                        : call.testNumber->delayMs));
  } else {
    auto reg = mCalleeNumbers.find(call.callee);
    CustomerLeg* leg = nullptr;
    if (reg != mCalleeNumbers.end()) {
      auto l = mLegs.find(reg->second);
      if (l != mLegs.end()) leg = l->second.get();
    }
    if (leg && !leg->sessionId.empty()) {
      call.outcome = "busy";  // the callee page is already on a call
      armCall(call, nowMs);
    } else {
      if (leg) {
        leg->sessionId = call.sessionId;
        call.leg = leg->conn;
        customerEvent(call, "ringing");
      }
      call.outcome = "notAnswer";
      armCall(call, nowMs + mOptions.outboundNoAnswerSec * 1000LL);
    }
  }
  return Json{{"sessionId", call.sessionId},
              {"calleePhoneNumber", call.callee},
              {"callerPhoneNumber", call.caller},
              {"serverType", "staffSeat"},
              {"calleeLocation", ""},
              {"remark", call.remark}};
}

RoutingEngine::Result RoutingEngine::doStartInternal(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  auto callee = requireString(data, "calleeUserId", kMaxUserId, e);
  if (e) return e;
  auto useMobile = protocol::readBool(data, "useMobile", &e);
  if (e) return e;
  if (useMobile.value_or(false)) return Error(Errc::NotSupported, "useMobile: this server has no mobile seats");
  if (*callee == agent.staff.userId) return Error(Errc::InvalidArgument, "an agent cannot call itself");
  if (agent.status == "offline") return Error(Errc::InvalidState, "offline: cannot place a call");
  if (agent.status == "busy" || hasLiveCall(agent))
    return Error(Errc::InvalidState, "busy: cannot place a call during another call");
  if (!agent.offering.empty()) return Error(Errc::InvalidState, "a call is ringing: answer or reject it first");
  if (!mDirectory.findStaff(agent.sdkAppId, *callee)) return Error(Errc::NotFound, "no agent " + *callee);
  Agent* peer = findAgent(agent.sdkAppId, *callee);
  // notReady agents still take internal calls (tccc-facts.md §3.3).
  if (!peer || peer->conn == 0 || (peer->status != "free" && peer->status != "notReady") || !peer->offering.empty() ||
      hasLiveCall(*peer))
    return Error(Errc::PeerUnavailable, *callee + " cannot take a call now");

  Call& call = newCall(agent.sdkAppId, "internal", "out", nowMs);
  call.caller = agent.staff.userId;
  call.callee = *callee;
  call.agent = agent.idx;
  call.phase = Call::Phase::Dialing;
  call.ringMs = nowMs;
  Participant p;
  p.agent = agent.idx;
  p.startMs = p.ringMs = nowMs;
  call.participants.push_back(p);
  updateView(agent, call, "dialing", nowMs);
  setStatus(agent, "busy", "callStarted", "", nowMs);
  call.offered = peer->idx;
  peer->offering = call.sessionId;
  refreshAvailability(*peer, nowMs);
  Participant q;
  q.agent = peer->idx;
  q.startMs = q.ringMs = nowMs;
  call.participants.push_back(q);
  updateView(*peer, call, "ringing", nowMs);
  armCall(call, nowMs + mOptions.internalRingTimeoutSec * 1000LL);
  return Json{{"sessionId", call.sessionId}};
}

RoutingEngine::Result RoutingEngine::doAccept(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  if (call && call->type == "im") return chatAccept(agent, *call, nowMs);
  if (!call || call->phase == Call::Phase::Ended || !call->offered || *call->offered != agent.idx)
    return Error(Errc::InvalidState, "the session is not ringing at this agent");
  call->offered.reset();
  agent.offering.clear();
  if (internal::Participant* leg = call->openLeg(agent.idx)) leg->acceptMs = nowMs;
  if (call->type == "internal") {
    call->peer = agent.idx;
    call->phase = Call::Phase::Connected;
    if (!call->acceptMs) call->acceptMs = nowMs;
    ++call->timerGen;
    if (View* v = agent.view(call->sessionId)) v->acceptMs = nowMs;
    updateView(agent, *call, "talking", nowMs);
    setStatus(agent, "busy", "callStarted", "", nowMs);
    if (Agent* caller = call->agent ? mAgents[*call->agent].get() : nullptr) {
      if (View* v = caller->view(call->sessionId)) v->acceptMs = nowMs;
      updateView(*caller, *call, "talking", nowMs);
    }
    return Json::object();
  }
  call->agent = agent.idx;
  call->ringMs = call->ringMs ? call->ringMs : nowMs;
  connect(*call, nowMs);
  return Json::object();
}

void RoutingEngine::connect(Call& call, std::int64_t nowMs) {
  Agent& agent = *mAgents[*call.agent];
  call.phase = Call::Phase::Connected;
  call.held = false;
  if (!call.acceptMs) call.acceptMs = nowMs;
  if (View* v = agent.view(call.sessionId)) v->acceptMs = nowMs;
  ++call.timerGen;
  updateView(agent, call, "talking", nowMs);
  if (agent.status != "busy") setStatus(agent, "busy", "callStarted", "", nowMs);
  customerEvent(call, "connected");
  // A simulated caller (or test number) that hangs up by itself after a while.
  if (call.simulated && call.holdSeconds >= 0) {
    call.outcome = "hangUp";
    armCall(call, nowMs + call.holdSeconds * 1000LL);
  } else if (call.testNumber && call.testNumber->behaviour == sim::TestNumberBehaviour::AnswerThenHangUp) {
    call.outcome = "hangUp";
    armCall(call, nowMs + call.testNumber->hangUpAfterMs);
  }
  if (wantsServerMedia(call)) serverMediaOpen(call);
}

RoutingEngine::Result RoutingEngine::doHangUp(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  std::string sid;
  Call* call = ownedCall(agent, data, e, &sid);
  if (e) return e;
  if (call && call->type == "im") return chatHangUp(agent, *call, nowMs);
  View* v = agent.view(sid);
  if (!call || call->phase == Call::Phase::Ended || (v && v->ended)) return Json::object();  // idempotent
  bool isOffered = call->offered && *call->offered == agent.idx;
  bool isOwner = (call->agent && *call->agent == agent.idx) || (call->peer && *call->peer == agent.idx);
  if (isOffered) {
    if (call->type == "internal") {
      endCall(*call, EndSpec{"userReject", "seat", "hangup", "seat", "userReject", agent.idx}, nowMs);
      return Json::object();
    }
    // Rejecting a ringing call hands it to the next agent (tccc.Call.end).
    withdrawOffer(*call, "hangup", "seat", "seatGiveUp", nowMs);
    if (call->skillGroupId)
      enqueue(*call, call->skillGroupId, nowMs, false);
    else
      endCall(*call, EndSpec{"unconnected", "seat", "failed", "admin", "", std::nullopt}, nowMs);
    return Json::object();
  }
  if (!isOwner) return Json::object();
  if (call->phase == Call::Phase::Dialing) {
    endCall(*call, EndSpec{"callerCancel", "seat", "hangup", "seat", "", agent.idx}, nowMs);
  } else {
    endCall(*call, EndSpec{"ok", "seat", "hangup", "seat", "", agent.idx}, nowMs);
  }
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doDelete(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  std::string sid;
  ownedCall(agent, data, e, &sid);
  if (e) return e;
  View* v = agent.view(sid);
  if (!v->ended) return Error(Errc::InvalidState, "only an ended session can be deleted");
  agent.views.erase(agent.views.begin() + (v - agent.views.data()));
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doTransfer(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  if (call && call->type == "im") return chatTransfer(agent, *call, data, nowMs);
  auto gid = protocol::readInt(data, "skillGroupId", &e, true);
  if (e) return e;
  auto uid = protocol::readString(data, "userId", kMaxUserId, &e);
  if (e) return e;
  bool toGroup = gid.has_value() && *gid != 0;
  bool toUser = uid.has_value() && !uid->empty();
  if (toGroup == toUser) return Error(Errc::InvalidArgument, "give exactly one of skillGroupId and userId");
  if (!call || call->phase != Call::Phase::Connected || !call->agent || *call->agent != agent.idx)
    return Error(Errc::InvalidState, "only a connected call can be transferred");
  if (call->type == "internal") return Error(Errc::NotSupported, "internal calls cannot be transferred");
  Json transferTo;
  Agent* target = nullptr;
  if (toGroup) {
    const SkillGroupInfo* info = groupInfo(agent.sdkAppId, *gid);
    if (!info) return Error(Errc::NotFound, "no skill group " + std::to_string(*gid));
    if (group(agent.sdkAppId, *gid)->online == 0)
      return Error(Errc::PeerUnavailable, "nobody is online in skill group " + info->name);
    transferTo = Json{{"skillGroupId", std::to_string(*gid)}};
  } else {
    if (*uid == agent.staff.userId) return Error(Errc::InvalidArgument, "cannot transfer a call to oneself");
    if (!mDirectory.findStaff(agent.sdkAppId, *uid)) return Error(Errc::NotFound, "no agent " + *uid);
    target = findAgent(agent.sdkAppId, *uid);
    if (!target || target->conn == 0 || (target->status != "free" && target->status != "notReady") ||
        !target->offering.empty() || hasLiveCall(*target))
      return Error(Errc::PeerUnavailable, *uid + " cannot take a call now");
    transferTo = Json{{"userId", *uid}};
  }
  // The old agent's leg ends with endReason transfer; the call itself goes on.
  if (internal::Participant* leg = call->openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = "seatForward";
    leg->transferTo = toGroup ? std::to_string(*gid) : *uid;
    leg->transferToType = toGroup ? "skillGroup" : "seat";
  }
  call->agent.reset();
  call->held = false;
  serverMediaClose(*call);  // the next agent gets a leg of its own when it accepts
  updateView(agent, *call, "ended", nowMs,
             Json{{"endReason", "transfer"}, {"closeBy", "seat"}, {"transferTo", transferTo}});
  afterCallEnded(agent, *call, nowMs);
  call->pendingTransferFrom = agent.staff.userId;
  call->tried.clear();
  if (toGroup) {
    if (const SkillGroupInfo* info = groupInfo(agent.sdkAppId, *gid)) call->skillGroupName = info->name;
    call->skillGroupId = *gid;
    call->waitStartMs = nowMs;
    call->queueKey = {nowMs, call->serial};
    enqueue(*call, *gid, nowMs, false);
  } else {
    offerTo(*call, *target, nowMs);
  }
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doHold(Agent& agent, const Json& data, bool hold, std::int64_t nowMs) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  bool party = call && ((call->agent && *call->agent == agent.idx) || (call->peer && *call->peer == agent.idx));
  if (!party || call->phase != Call::Phase::Connected)
    return Error(Errc::InvalidState, "only a connected call can be held or resumed");
  if (call->held == hold) return Error(Errc::InvalidState, hold ? "the call is already held" : "the call is not held");
  call->held = hold;
  if (call->serverMedia) serverMediaCommand(Command::Type::MediaHold, *call);
  std::string state = hold ? "held" : "talking";
  if (call->agent) updateView(*mAgents[*call->agent], *call, state, nowMs);
  if (call->peer) updateView(*mAgents[*call->peer], *call, state, nowMs);
  customerEvent(*call, hold ? "held" : "connected");
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doMute(Agent& agent, const Json& data, bool mute, std::int64_t nowMs) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  auto kind = protocol::readString(data, "kind", 16, &e);
  if (e) return e;
  std::string k = kind.value_or("audio");
  if (k != "audio" && k != "video") return Error(Errc::InvalidArgument, "kind must be audio or video");
  bool party = call && ((call->agent && *call->agent == agent.idx) || (call->peer && *call->peer == agent.idx));
  if (!party || (call->phase != Call::Phase::Connected && call->phase != Call::Phase::Dialing))
    return Error(Errc::InvalidState, "only a call in progress can be muted");
  bool& flag = k == "audio" ? call->muted : call->videoMuted;
  if (flag == mute) return Json::object();
  flag = mute;
  View* v = agent.view(call->sessionId);
  updateView(agent, *call, v ? v->wire.value("state", "talking") : "talking", nowMs);
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doSendDigits(Agent& agent, const Json& data, std::int64_t nowMs) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  auto digits = requireString(data, "digits", 32, e);
  if (e) return e;
  for (char c : *digits)
    if (!isDtmf(c)) return Error(Errc::InvalidArgument, "digits may contain only 0-9 * # A-D");
  bool party = call && call->agent && *call->agent == agent.idx;
  if (!party || call->phase != Call::Phase::Connected || call->held)
    return Error(Errc::InvalidState, "digits can only be sent during a connected call");
  call->digitsToCustomer += *digits;
  if (call->leg) sendToLeg(call->leg, "customer.dtmf", Json{{"sessionId", call->sessionId}, {"digits", *digits}});
  return Json::object();
}

RoutingEngine::Result RoutingEngine::doAgentMedia(Agent& agent, const std::string& method, const Json& data,
                                                  std::int64_t) {
  Error e;
  Call* call = ownedCall(agent, data, e);
  if (e) return e;
  auto payload = readMediaPayload(method, data, e);
  if (e) return e;
  if (call && call->type == "internal") return relayInternalMedia(agent, *call, method, std::move(*payload));
  // Only the agent on the call, only while it is connected, and only when a customer page holds the
  // other leg (a simulated caller has no media end).
  bool party = call && call->agent && *call->agent == agent.idx;
  if (!party || call->phase != Call::Phase::Connected)
    return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
  if (!call->leg) return serverMediaSignal(*call, method, *payload);
  (*payload)["sessionId"] = call->sessionId;
  sendToLeg(call->leg, method, std::move(*payload));
  return Json::object();
}

RoutingEngine::Result RoutingEngine::relayInternalMedia(Agent& agent, Call& call, const std::string& method,
                                                       Json payload) {
  // Both ends are agents: whichever of the two sends, the other receives. Before the callee has
  // answered there is nobody to negotiate with, so nothing is relayed ahead of time.
  bool isCaller = call.agent && *call.agent == agent.idx;
  bool isCallee = call.peer && *call.peer == agent.idx;
  if (!isCaller && !isCallee) return Error(Errc::SessionNotFound, "not a party of session " + call.sessionId);
  if (call.phase != Call::Phase::Connected || !call.agent || !call.peer)
    return Error(Errc::InvalidState, "media can only be exchanged during a connected call");
  Agent& other = *mAgents[isCaller ? *call.peer : *call.agent];
  payload["sessionId"] = call.sessionId;
  emitAgentEvent(other, method, std::move(payload));
  return Json::object();
}

// ---------------------------------------------------------------------------------------------
// Server media leg: the server itself is the far end of a simulated call (docs/protocol.md,
// "Server media leg"). The engine only decides when the leg opens, moves and closes; the host
// (ContactCenter) runs it and hands back its offer through serverMediaOffer().

bool RoutingEngine::wantsServerMedia(const Call& call) const {
  return mOptions.serverMedia && !call.leg && call.type != "internal" && (call.simulated || call.testNumber) &&
         call.phase == Call::Phase::Connected && call.agent.has_value();
}

void RoutingEngine::serverMediaCommand(Command::Type type, const Call& call) {
  Command c;
  c.type = type;
  c.sessionId = call.sessionId;
  c.held = call.held;
  if (type == Command::Type::MediaOpen) c.text = call.audioFile;
  mCommands.push_back(std::move(c));
}

void RoutingEngine::serverMediaOpen(Call& call) {
  // A second open (a new login of the same agent) replaces the leg: the old peer connection is gone.
  call.serverMedia = true;
  serverMediaCommand(Command::Type::MediaOpen, call);
}

void RoutingEngine::serverMediaClose(Call& call) {
  if (!call.serverMedia) return;
  call.serverMedia = false;
  serverMediaCommand(Command::Type::MediaClose, call);
}

void RoutingEngine::serverMediaForAgent(Agent& agent, bool open) {
  for (const auto& v : agent.views) {
    auto it = mCalls.find(v.sessionId);
    if (it == mCalls.end() || !it->second->agent || *it->second->agent != agent.idx) continue;
    Call& call = *it->second;
    if (open && wantsServerMedia(call))
      serverMediaOpen(call);
    else if (!open)
      serverMediaClose(call);
  }
}

void RoutingEngine::serverMediaOffer(const std::string& sessionId, const std::string& sdp) {
  serverMediaEvent(sessionId, "media.offer", sdp);
}

void RoutingEngine::serverMediaAnswer(const std::string& sessionId, const std::string& sdp) {
  serverMediaEvent(sessionId, "media.answer", sdp);
}

void RoutingEngine::serverMediaEvent(const std::string& sessionId, const std::string& event, const std::string& sdp) {
  auto it = mCalls.find(sessionId);
  if (it == mCalls.end()) return;
  Call& call = *it->second;
  // Late output of a leg that has been closed (hang-up, transfer) or of another agent's leg: dropped.
  if (!call.serverMedia || call.phase != Call::Phase::Connected || !call.agent) return;
  emitAgentEvent(*mAgents[*call.agent], event, Json{{"sessionId", sessionId}, {"sdp", sdp}});
}

RoutingEngine::Result RoutingEngine::serverMediaSignal(Call& call, const std::string& method, const Json& payload) {
  if (!call.serverMedia) return Error(Errc::InvalidState, "the other side of this call has no media connection");
  // The server's leg makes the first offer; the agent answers it, and may later re-offer to restart
  // ICE, which the leg answers. Its one host candidate is in its SDP, and as an ICE-lite agent it
  // learns the browser's address from the checks, so candidates need no relaying.
  if (method == "media.answer" || method == "media.offer") {
    Command c;
    c.type = method == "media.answer" ? Command::Type::MediaAnswer : Command::Type::MediaRestart;
    c.sessionId = call.sessionId;
    c.text = payload.value("sdp", "");
    mCommands.push_back(std::move(c));
  }
  return Json::object();
}

// ---------------------------------------------------------------------------------------------
// Calls: inbound, IVR, queue, offers

RoutingEngine::Call& RoutingEngine::newCall(std::int64_t sdkAppId, const std::string& type,
                                            const std::string& direction, std::int64_t nowMs) {
  auto c = std::make_unique<Call>();
  c->serial = mNextCallSerial++;
  do {
    c->sessionId = newSessionId();
  } while (mCalls.count(c->sessionId));
  c->sdkAppId = sdkAppId;
  c->type = type;
  c->direction = direction;
  c->startMs = nowMs;
  Call& ref = *c;
  mCallBySerial[c->serial] = c.get();
  mCalls.emplace(c->sessionId, std::move(c));
  return ref;
}

void RoutingEngine::startInbound(Call& call, const ServiceNumberInfo& number, std::int64_t nowMs) {
  call.serviceNumber = number.number;
  call.callee = number.number;
  call.ivrPrompt = number.ivrPrompt;
  call.ivrOptions = number.ivrOptions;
  if (!call.ivrOptions.empty()) {
    call.phase = Call::Phase::Ivr;
    playIvr(call, nowMs);
    return;
  }
  if (!number.defaultSkillGroupId) {
    endCall(call, EndSpec{"error", "user", "failed", "admin", "", std::nullopt}, nowMs);
    return;
  }
  enqueue(call, number.defaultSkillGroupId, nowMs, true);
}

void RoutingEngine::playIvr(Call& call, std::int64_t nowMs) {
  Json options = Json::array();
  for (auto& o : call.ivrOptions) options.push_back(Json{{"key", o.key}, {"label", o.label}});
  Json d{{"sessionId", call.sessionId},
         {"prompt", call.ivrPrompt},
         {"options", options},
         {"attempt", call.ivrAttempts + 1},
         {"maxAttempts", mOptions.maxIvrAttempts}};
  call.history.push_back(Json{{"state", "ivr"}, {"attempt", call.ivrAttempts + 1}});
  if (call.leg) sendToLeg(call.leg, "customer.ivr", std::move(d));
  armCall(call, nowMs + mOptions.ivrInputTimeoutSec * 1000LL);
}

void RoutingEngine::ivrKey(Call& call, char key, std::int64_t nowMs) {
  if (call.phase != Call::Phase::Ivr) return;
  if (key != 0) {
    for (auto& o : call.ivrOptions) {
      if (o.key.size() == 1 && o.key[0] == key) {
        call.ivrPath.emplace_back(o.key, o.label);
        enqueue(call, o.skillGroupId, nowMs, true);
        return;
      }
    }
    call.ivrPath.emplace_back(std::string(1, key), "");
  }
  // A wrong key or silence replays the menu, up to maxIvrAttempts times.
  if (++call.ivrAttempts >= mOptions.maxIvrAttempts) {
    endCall(call, EndSpec{"ivrEnd", "user", "failed", "admin", "", std::nullopt}, nowMs);
    return;
  }
  playIvr(call, nowMs);
}

void RoutingEngine::enqueue(Call& call, std::int64_t skillGroupId, std::int64_t nowMs, bool first) {
  GroupState* g = group(call.sdkAppId, skillGroupId);
  std::int64_t giveUpAt = 0;
  if (auto refused = admitToQueue(call, skillGroupId, g ? g->queue.size() : 0, first, "waitingGiveUp", nowMs, giveUpAt)) {
    endCall(call, *refused, nowMs);
    return;
  }
  g->queue.insert(call.queueKey);
  armCall(call, giveUpAt);
  customerEvent(call, "queued");  // tryOffer below may move it on to "ringing" at once
  tryOffer(call, nowMs);
}

void RoutingEngine::dequeue(Call& call) {
  if (!call.inQueue) return;
  if (GroupState* g = group(call.sdkAppId, call.skillGroupId)) g->queue.erase(call.queueKey);
  call.inQueue = false;
}

bool RoutingEngine::tryOffer(Call& call, std::int64_t nowMs) {
  GroupState* g = group(call.sdkAppId, call.skillGroupId);
  if (!g || g->available.empty()) return false;
  Agent* pick = nullptr;
  for (auto& [idle, idx] : g->available)
    if (!call.tried.count(idx)) {
      pick = mAgents[idx].get();
      break;
    }
  // Everybody online has had a go: start another round with the longest idle agent.
  if (!pick && static_cast<int>(call.tried.size()) >= g->online) {
    call.tried.clear();
    pick = mAgents[g->available.begin()->second].get();
  }
  if (!pick) return false;
  offerTo(call, *pick, nowMs);
  return true;
}

void RoutingEngine::agentAvailable(Agent& agent, std::int64_t nowMs) {
  // The freed agent takes the best waiting call of its groups: higher group priority first, then the
  // one that has waited longest.
  Tenant& t = tenant(agent.sdkAppId);
  Call* best = nullptr;
  int bestPriority = 0;
  for (auto gid : agent.groups) {
    auto& g = t.groups[gid];
    if (g.queue.empty()) continue;
    auto info = t.infos.find(gid);
    int priority = info == t.infos.end() ? 0 : info->second.priority;
    std::size_t scanned = 0;
    for (auto& key : g.queue) {
      if (++scanned > kQueueScan) break;
      auto found = mCallBySerial.find(key.second);
      if (found == mCallBySerial.end()) continue;
      Call* c = found->second;
      if (c->tried.count(agent.idx) && static_cast<int>(c->tried.size()) < g.online) continue;
      if (!best || priority > bestPriority || (priority == bestPriority && c->queueKey < best->queueKey)) {
        best = c;
        bestPriority = priority;
      }
      break;
    }
  }
  if (!best) return;
  if (best->tried.count(agent.idx)) best->tried.clear();
  offerTo(*best, agent, nowMs);
}

void RoutingEngine::offerTo(Call& call, Agent& agent, std::int64_t nowMs) {
  dequeue(call);
  const std::int64_t ringEnd = startRinging(call, agent, nowMs);
  agent.offering = call.sessionId;
  refreshAvailability(agent, nowMs);
  updateView(agent, call, "ringing", nowMs);
  customerEvent(call, "ringing");
  armCall(call, ringEnd);
}

void RoutingEngine::withdrawOffer(Call& call, const std::string& endReason, const std::string& closeBy,
                                  const std::string& legStatus, std::int64_t nowMs) {
  Agent* agent = endOffer(call, endReason, closeBy, legStatus, nowMs);
  if (!agent) return;
  agent->offering.clear();
  refreshAvailability(*agent, nowMs);
}

// ---------------------------------------------------------------------------------------------
// Steps that calls and chats (ChatRouting.cpp) share: they differ in their queues, their timers and
// what they tell the customer, not in these.

std::optional<RoutingEngine::EndSpec> RoutingEngine::admitToQueue(Call& call, std::int64_t skillGroupId,
                                                                  std::size_t waiting, bool first,
                                                                  const std::string& waitedTooLong, std::int64_t nowMs,
                                                                  std::int64_t& giveUpAt) {
  const GroupState* g = group(call.sdkAppId, skillGroupId);
  const SkillGroupInfo* info = groupInfo(call.sdkAppId, skillGroupId);
  auto refused = [](const std::string& endStatus) {
    return EndSpec{endStatus, "user", "failed", "admin", "", std::nullopt};
  };
  if (!g || !info) return refused("error");
  call.skillGroupId = skillGroupId;
  call.skillGroupName = info->name;
  if (first) {
    call.queuedMs = call.waitStartMs = nowMs;
    call.queueKey = {nowMs, call.serial};
    if (!call.queuedSkillGroupId) {  // the CDR names the first group it queued for
      call.queuedSkillGroupId = skillGroupId;
      call.queuedSkillGroupName = info->name;
    }
  }
  if (g->online == 0) return refused("noSeatOnline");
  if (first && static_cast<int>(waiting) >= info->maxQueueLength) return refused(waitedTooLong);
  giveUpAt = call.waitStartMs + info->maxWaitSec * 1000LL;
  if (nowMs >= giveUpAt) return refused(waitedTooLong);
  call.phase = Call::Phase::Queued;
  call.inQueue = true;
  return std::nullopt;
}

std::int64_t RoutingEngine::startRinging(Call& call, Agent& agent, std::int64_t nowMs) {
  call.phase = Call::Phase::Offering;
  call.offered = agent.idx;
  call.ringMs = nowMs;
  Participant p;
  p.agent = agent.idx;
  p.startMs = p.ringMs = nowMs;
  p.skillGroupId = call.skillGroupId;
  p.transferFrom = call.pendingTransferFrom;
  call.pendingTransferFrom.clear();
  call.participants.push_back(p);
  int ringSec = 30;
  if (const SkillGroupInfo* info = call.skillGroupId ? groupInfo(call.sdkAppId, call.skillGroupId) : nullptr)
    ringSec = info->ringTimeoutSec;
  if (mOptions.ringTimeoutOverrideSec > 0) ringSec = mOptions.ringTimeoutOverrideSec;
  return nowMs + ringSec * 1000LL;
}

RoutingEngine::Agent* RoutingEngine::endOffer(Call& call, const std::string& endReason, const std::string& closeBy,
                                              const std::string& legStatus, std::int64_t nowMs) {
  if (!call.offered) return nullptr;
  Agent& agent = *mAgents[*call.offered];
  call.offered.reset();
  call.tried.insert(agent.idx);  // not offered to this agent again
  if (internal::Participant* leg = call.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = legStatus;
  }
  updateView(agent, call, "ended", nowMs, Json{{"endReason", endReason}, {"closeBy", closeBy}});
  call.phase = Call::Phase::Queued;  // not in the queue yet: the caller decides what happens next
  return &agent;
}

void RoutingEngine::onCallTimer(Call& call, std::int64_t nowMs) {
  if (call.type == "im") {
    chatTimer(call, nowMs);
    return;
  }
  switch (call.phase) {
    case Call::Phase::Ivr: ivrKey(call, 0, nowMs); break;
    case Call::Phase::Queued:
      endCall(call, EndSpec{"waitingGiveUp", "user", "failed", "admin", "", std::nullopt}, nowMs);
      break;
    case Call::Phase::Offering:
      // Ring timeout: the agent's offer ends (autoTransfer in the SDK) and the next agent gets it.
      withdrawOffer(call, "ringTimeout", "timer", "notAnswer", nowMs);
      if (call.skillGroupId)
        enqueue(call, call.skillGroupId, nowMs, false);
      else
        endCall(call, EndSpec{"unconnected", "seat", "failed", "timer", "", std::nullopt}, nowMs);
      break;
    case Call::Phase::Dialing:
      if (call.type == "internal")
        endCall(call, EndSpec{"notAnswer", "seat", "failed", "timer", "notAnswer", std::nullopt}, nowMs);
      else
        outboundOutcome(call, nowMs);
      break;
    case Call::Phase::Connected:
      if (call.outcome == "hangUp") endCall(call, EndSpec{"ok", "user", "hangup", "client", "", std::nullopt}, nowMs);
      break;
    case Call::Phase::Ended: break;
  }
}

void RoutingEngine::outboundOutcome(Call& call, std::int64_t nowMs) {
  if (call.outcome == "answer") {
    connect(call, nowMs);
  } else if (call.outcome == "busy") {
    endCall(call, EndSpec{"busy", "user", "failed", "admin", "busy", std::nullopt}, nowMs);
  } else if (call.outcome == "reject") {
    endCall(call, EndSpec{"userReject", "user", "failed", "admin", "userReject", std::nullopt}, nowMs);
  } else {
    endCall(call, EndSpec{"notAnswer", "user", "failed", "admin", "notAnswer", std::nullopt}, nowMs);
  }
}

void RoutingEngine::endCall(Call& call, const EndSpec& spec, std::int64_t nowMs) {
  if (call.phase == Call::Phase::Ended) return;
  dequeue(call);
  bool connected = call.phase == Call::Phase::Connected;
  call.phase = Call::Phase::Ended;
  call.endedMs = nowMs;
  call.endStatus = spec.endStatus;
  call.hungUpSide = spec.hungUpSide;
  ++call.timerGen;
  auto endView = [&](Agent& a, const std::string& endReason) { endAgentView(call, a, spec, endReason, connected, nowMs); };
  std::vector<AgentIdx> parties;
  if (call.offered) {
    Agent& a = *mAgents[*call.offered];
    a.offering.clear();
    // The caller gave up while it rang: "cancel" to the ringing agent.
    bool callerLeft = spec.closeBy == "client" || (spec.actor && *spec.actor != a.idx);
    endView(a, callerLeft ? "cancel" : spec.endReason);
    parties.push_back(a.idx);
    call.offered.reset();
  }
  for (auto idx : {call.agent, call.peer}) {
    if (!idx) continue;
    endView(*mAgents[*idx], spec.endReason);
    parties.push_back(*idx);
  }
  customerEvent(call, "ended", spec.endStatus);
  serverMediaClose(call);
  if (call.leg) {
    auto l = mLegs.find(call.leg);
    if (l != mLegs.end() && l->second->sessionId == call.sessionId) l->second->sessionId.clear();
  }
  Command c;
  c.type = Command::Type::StoreCdr;
  c.sdkAppId = call.sdkAppId;
  c.cdr = buildCdr(call);
  mCommands.push_back(std::move(c));
  mEndedCalls.emplace_back(nowMs + mOptions.endedRetentionMs, call.serial);
  for (auto idx : parties) afterCallEnded(*mAgents[idx], call, nowMs);
  while (mEndedCalls.size() > kMaxEndedCalls) purgeOldestEndedCall();
}

void RoutingEngine::endAgentView(Call& call, Agent& agent, const EndSpec& spec, const std::string& endReason,
                                 bool connected, std::int64_t nowMs) {
  Json extra{{"endReason", endReason},
             {"closeBy", spec.actor && *spec.actor == agent.idx ? std::string("seat") : spec.closeBy}};
  if (!spec.mainReason.empty() && (call.type == "phone" || call.type == "internal"))
    extra["mainReason"] = spec.mainReason;
  if (internal::Participant* leg = call.openLeg(agent.idx)) {
    leg->endedMs = nowMs;
    leg->status = leg->acceptMs || !connected ? spec.endStatus : "ok";
  }
  updateView(agent, call, "ended", nowMs, extra);
}

// ---------------------------------------------------------------------------------------------
// Session wire form and customer events

Json RoutingEngine::viewWire(const Agent& agent, const Call& call, const std::string& state, std::int64_t nowMs) const {
  bool outgoing = (call.type == "internal" || call.direction == "out") && call.participants.size() &&
                  call.participants.front().agent == agent.idx;
  Json w{{"sessionId", call.sessionId},
         {"type", call.type},
         {"direction", outgoing ? "out" : "in"},
         {"state", state},
         {"timeout", 0},
         {"createdAt", call.startMs},
         {"serverType", "staffSeat"},
         {"skillGroupId", call.skillGroupId ? std::to_string(call.skillGroupId) : std::string()},
         {"muted", call.muted},
         {"videoMuted", call.videoMuted},
         {"held", call.held}};
  if (state == "ringing" && call.skillGroupId) {
    auto t = mTenants.find(call.sdkAppId);
    if (t != mTenants.end()) {
      auto info = t->second->infos.find(call.skillGroupId);
      if (info != t->second->infos.end()) w["timeout"] = info->second.ringTimeoutSec;
    }
    if (mOptions.ringTimeoutOverrideSec > 0) w["timeout"] = mOptions.ringTimeoutOverrideSec;
  } else if (state == "ringing") {
    w["timeout"] = call.type == "internal" ? mOptions.internalRingTimeoutSec : 30;
  }
  Json ivr = Json::array();
  for (auto& [k, l] : call.ivrPath)
    if (!l.empty()) ivr.push_back(Json{{"key", k}, {"label", l}});
  if (call.type == "phone") {
    w["calleePhoneNumber"] = call.callee;
    w["callerPhoneNumber"] = call.caller;
    w["callerLocation"] = "";
    w["remark"] = call.remark;
    w["ivrPath"] = ivr;
    w["protectedCallee"] = "";
    w["protectedCaller"] = "";
    if (!call.uui.empty()) w["uui"] = call.uui;
  } else if (call.type == "voip") {
    w["callee"] = call.serviceNumber;
    w["calleeRemark"] = "";
    w["userId"] = call.customerUserId;
    w["nickname"] = call.nickname;
    w["avatar"] = call.avatar;
    w["remark"] = call.remark;
    w["peerSource"] = "";
    w["ivrPath"] = ivr;
    w["clientData"] = "";
  } else if (call.type == "video") {
    w["userId"] = call.customerUserId;
    w["nickname"] = call.nickname;
    w["avatar"] = call.avatar;
    w["remark"] = call.remark;
  } else if (call.type == "internal") {
    w["peerUserId"] = outgoing ? call.callee : call.caller;
  } else if (call.type == "im") {
    chatWireFields(call, w);
  }
  return w;
}

void RoutingEngine::updateView(Agent& agent, Call& call, const std::string& state, std::int64_t nowMs,
                               const Json& extra) {
  View* v = agent.view(call.sessionId);
  if (v && v->ended && state != "ended") {
    // The same call comes back to this agent (re-offered after a ring timeout, or transferred back):
    // the old ended view is replaced by the new offer.
    agent.views.erase(agent.views.begin() + (v - agent.views.data()));
    v = nullptr;
  }
  if (!v) {
    pruneViews(agent, nowMs);
    std::size_t ended = 0;
    for (auto& x : agent.views) ended += x.ended ? 1 : 0;
    for (auto it = agent.views.begin(); ended >= kMaxEndedViewsPerAgent && it != agent.views.end();) {
      if (it->ended) {
        it = agent.views.erase(it);  // oldest first: views are kept in creation order
        --ended;
      } else {
        ++it;
      }
    }
    agent.views.push_back(View{call.sessionId, Json(), false, 0, 0});
    v = &agent.views.back();
  }
  Json w = viewWire(agent, call, state, nowMs);
  if (state == "ended") {
    v->ended = true;
    v->endedAtMs = nowMs;
    w["duration"] = v->acceptMs ? (nowMs - v->acceptMs) / 1000 : 0;
  }
  if (extra.is_object())
    for (auto& [k, val] : extra.items()) w[k] = val;
  v->wire = w;
  emitAgentEvent(agent, "session.state", Json{{"session", std::move(w)}});
}

void RoutingEngine::sendToLeg(ConnectionId conn, const std::string& event, Json data) {
  auto it = mLegs.find(conn);
  if (it == mLegs.end()) return;
  protocol::Event e;
  e.seq = ++it->second->seq;
  e.event = event;
  e.data = std::move(data);
  send(conn, protocol::encode(e));
}

void RoutingEngine::customerEvent(Call& call, const std::string& state, const std::string& reason) {
  Json d{{"sessionId", call.sessionId}, {"state", state}};
  if (!reason.empty()) d["reason"] = reason;
  if (state == "ringing" && call.direction == "out") d["caller"] = call.caller;
  call.history.push_back(d);
  if (call.leg) sendToLeg(call.leg, "customer.state", std::move(d));
}

Json RoutingEngine::buildCdr(const Call& call) const {
  auto staffOf = [&](AgentIdx idx) -> const StaffInfo& { return mAgents[idx]->staff; };
  auto groupName = [&](std::int64_t gid) -> std::string {
    auto t = mTenants.find(call.sdkAppId);
    if (t == mTenants.end()) return "";
    auto i = t->second->infos.find(gid);
    return i == t->second->infos.end() ? "" : i->second.name;
  };
  auto groupPriority = [&](std::int64_t gid) -> int {
    auto t = mTenants.find(call.sdkAppId);
    if (t == mTenants.end()) return 0;
    auto i = t->second->infos.find(gid);
    return i == t->second->infos.end() ? 0 : i->second.priority;
  };
  Json keys = Json::array(), keysEx = Json::array();
  for (auto& [k, l] : call.ivrPath) {
    keys.push_back(k);
    keysEx.push_back(Json{{"Key", k}, {"Label", l}});
  }
  // SeatUser: the last agent who took the call, else the last one it was offered to.
  const Participant* seat = nullptr;
  for (auto& p : call.participants)
    if (p.acceptMs) seat = &p;
  if (!seat && !call.participants.empty()) seat = &call.participants.back();
  if (call.type == "internal" && !call.participants.empty()) seat = &call.participants.front();
  Json seatUser = Json::object();
  if (seat) {
    const StaffInfo& s = staffOf(seat->agent);
    Json names = Json::array();
    for (auto g : mAgents[seat->agent]->groups) names.push_back(groupName(g));
    seatUser = Json{{"Mail", s.userId}, {"Name", s.name}, {"Nick", s.nick}, {"Phone", s.phone},
                    {"UserId", s.userId}, {"StaffNumber", s.staffNumber}, {"SkillGroupNameList", names}};
  }
  Json serve = Json::array();
  int seq = 0;
  for (auto& p : call.participants) {
    const StaffInfo& s = staffOf(p.agent);
    serve.push_back(Json{{"Sequence", seq++},
                         {"Mail", s.userId},
                         {"Phone", s.phone},
                         {"StartTimestamp", secs(p.startMs)},
                         {"RingTimestamp", secs(p.ringMs)},
                         {"AcceptTimestamp", secs(p.acceptMs)},
                         {"EndedTimestamp", secs(p.endedMs ? p.endedMs : call.endedMs)},
                         {"Type", "staffSeat"},
                         {"RecordId", ""},
                         {"TransferFrom", p.transferFrom},
                         {"TransferTo", p.transferTo},
                         {"TransferToType", p.transferToType},
                         {"SkillGroupId", p.skillGroupId},
                         {"SkillGroupName", groupName(p.skillGroupId)},
                         {"SkillGroupPriority", groupPriority(p.skillGroupId)},
                         {"EndStatusString", p.status}});
  }
  int callType = 2;  // inbound voice
  if (call.type == "internal")
    callType = 6;
  else if (call.direction == "out")
    callType = 1;
  else if (call.type == "voip" || call.type == "video")
    callType = 3;
  std::int64_t ivrDuration = call.queuedMs ? secs(call.queuedMs) - secs(call.startMs)
                                           : (!call.ivrOptions.empty() ? secs(call.endedMs) - secs(call.startMs) : 0);
  return Json{{"SdkAppId", call.sdkAppId},
              {"SessionId", call.sessionId},
              {"Caller", call.caller},
              {"Callee", call.callee},
              {"Direction", call.direction == "out" || call.type == "internal" ? 1 : 0},
              {"CallType", callType},
              {"StartTimestamp", secs(call.startMs)},
              {"RingTimestamp", secs(call.ringMs)},
              {"AcceptTimestamp", secs(call.acceptMs)},
              {"EndedTimestamp", secs(call.endedMs)},
              {"QueuedTimestamp", secs(call.queuedMs)},
              {"Duration", call.acceptMs ? secs(call.endedMs) - secs(call.acceptMs) : 0},
              {"IVRDuration", std::max<std::int64_t>(0, ivrDuration)},
              {"IVRKeyPressed", keys},
              {"IVRKeyPressedEx", keysEx},
              {"PostIVRKeyPressed", Json::array()},
              {"HungUpSide", call.hungUpSide},
              {"EndStatusString", call.endStatus},
              {"SeatUser", seatUser},
              {"ServeParticipants", serve},
              {"QueuedSkillGroupId", call.queuedSkillGroupId},
              {"QueuedSkillGroupName", call.queuedSkillGroupName},
              {"CallerLocation", ""},
              {"TelLocation", Json{{"TelNumber", call.direction == "out" ? call.callee : call.caller},
                                   {"Country", ""}, {"Province", ""}, {"City", ""}, {"Operator", ""}}},
              {"RecordId", ""},
              {"UserRemark", call.remark},
              {"Uui", call.uui}};
}

// ---------------------------------------------------------------------------------------------
// Customer legs (/ws/customer)

void RoutingEngine::onCustomerRequest(ConnectionId conn, const protocol::Request& req, std::int64_t nowMs) {
  ChatDispatch chatDispatch(*this, nowMs);
  std::size_t mark = mCommands.size();
  auto& slot = mLegs[conn];
  if (!slot) {
    slot = std::make_unique<CustomerLeg>();
    slot->conn = conn;
  }
  Result r = handleCustomerMethod(*slot, req, nowMs);
  respond(conn, req.id, r, mark);
}

RoutingEngine::Call* RoutingEngine::liveSessionOf(const CustomerLeg& leg) const {
  if (leg.sessionId.empty()) return nullptr;
  auto it = mCalls.find(leg.sessionId);
  return it != mCalls.end() && it->second->phase != Call::Phase::Ended ? it->second.get() : nullptr;
}

RoutingEngine::Result RoutingEngine::handleCustomerMethod(CustomerLeg& leg, const protocol::Request& req,
                                                          std::int64_t nowMs) {
  const std::string& m = req.method;
  const Json& d = req.data;
  Call* call = liveSessionOf(leg);
  Error e;
  if (m.rfind("chat.", 0) == 0) return handleCustomerChat(leg, req, nowMs);
  if (m == "customer.hangUp" && call && call->type == "im")
    return handleCustomerChat(leg, protocol::Request{req.id, "chat.end", d}, nowMs);
  if (m == "customer.dial") return customerPlaceCall(leg, "phone", d, nowMs);
  if (m == "customer.voip") return customerPlaceCall(leg, "voip", d, nowMs);
  if (m == "customer.video") return customerPlaceCall(leg, "video", d, nowMs);
  if (m == "customer.registerNumber") {
    auto number = requireString(d, "number", kMaxNumber, e);
    if (e) return e;
    if (!isPhoneNumber(*number)) return Error(Errc::InvalidArgument, "number must be digits");
    if (sim::findTestNumber(*number)) return Error(Errc::InvalidArgument, "test numbers cannot be registered");
    if (leg.numbers.size() >= 16) return Error(Errc::InvalidState, "at most 16 numbers per connection");
    // The newest page wins a number: a reloaded callee page must not be locked out by its old socket.
    auto prev = mCalleeNumbers.find(*number);
    if (prev != mCalleeNumbers.end() && prev->second != leg.conn) {
      auto l = mLegs.find(prev->second);
      if (l != mLegs.end()) {
        auto& v = l->second->numbers;
        v.erase(std::remove(v.begin(), v.end(), *number), v.end());
      }
    }
    mCalleeNumbers[*number] = leg.conn;
    if (std::find(leg.numbers.begin(), leg.numbers.end(), *number) == leg.numbers.end()) leg.numbers.push_back(*number);
    return Json{{"number", *number}};
  }
  if (m == "customer.dtmf") {
    auto digits = requireString(d, "digits", 32, e);
    if (e) return e;
    for (char c : *digits)
      if (!isDtmf(c)) return Error(Errc::InvalidArgument, "digits may contain only 0-9 * # A-D");
    if (!call) return Error(Errc::InvalidState, "no call in progress");
    std::string sid = call->sessionId;
    for (char c : *digits) {
      auto it = mCalls.find(sid);
      if (it == mCalls.end() || it->second->phase != Call::Phase::Ivr) break;
      ivrKey(*it->second, c, nowMs);
    }
    return Json::object();
  }
  if (m == "customer.hangUp") {
    if (!call) return Error(Errc::InvalidState, "no call in progress");
    switch (call->phase) {
      case Call::Phase::Ivr: endCall(*call, EndSpec{"ivrGiveUp", "user", "hangup", "client", "", std::nullopt}, nowMs); break;
      case Call::Phase::Queued:
        endCall(*call, EndSpec{"waitingGiveUp", "user", "hangup", "client", "", std::nullopt}, nowMs);
        break;
      case Call::Phase::Offering:
        endCall(*call, EndSpec{"ringingGiveUp", "user", "cancel", "client", "", std::nullopt}, nowMs);
        break;
      case Call::Phase::Dialing:
        endCall(*call, EndSpec{"userReject", "user", "failed", "admin", "userReject", std::nullopt}, nowMs);
        break;
      default: endCall(*call, EndSpec{"ok", "user", "hangup", "client", "", std::nullopt}, nowMs); break;
    }
    return Json::object();
  }
  if (isMediaMethod(m)) {
    auto sid = protocol::readString(d, "sessionId", kMaxSessionId, &e);
    if (e) return e;
    auto payload = readMediaPayload(m, d, e);
    if (e) return e;
    if (!call || call->leg != leg.conn || (sid && !sid->empty() && *sid != call->sessionId))
      return Error(Errc::SessionNotFound, "no call in progress on this connection");
    if (call->phase != Call::Phase::Connected || !call->agent)
      return Error(Errc::InvalidState, "media can only be exchanged once an agent has answered");
    Agent& agent = *mAgents[*call->agent];
    (*payload)["sessionId"] = call->sessionId;
    emitAgentEvent(agent, m, std::move(*payload));
    return Json::object();
  }
  if (m == "customer.answer" || m == "customer.reject" || m == "customer.busy") {
    auto sid = protocol::readString(d, "sessionId", kMaxSessionId, &e);
    if (e) return e;
    if (!call || call->direction != "out" || call->leg != leg.conn || (sid && !sid->empty() && *sid != call->sessionId))
      return Error(Errc::SessionNotFound, "no call is ringing on this connection");
    if (call->phase != Call::Phase::Dialing) return Error(Errc::InvalidState, "the call is not ringing");
    call->outcome = m == "customer.answer" ? "answer" : m == "customer.reject" ? "reject" : "busy";
    outboundOutcome(*call, nowMs);
    return Json::object();
  }
  return Error(Errc::UnknownMethod, "unknown method " + m);
}

RoutingEngine::Result RoutingEngine::customerPlaceCall(CustomerLeg& leg, const std::string& type, const Json& d,
                                                       std::int64_t nowMs) {
  Error e;
  if (liveSessionOf(leg)) return Error(Errc::InvalidState, "this connection is already on a call");
  auto number = requireString(d, "serviceNumber", kMaxNumber, e);
  if (e) return e;
  std::string caller;
  if (type == "phone") {
    auto c = requireString(d, "caller", kMaxNumber, e);
    if (e) return e;
    if (!isPhoneNumber(*c)) return Error(Errc::InvalidArgument, "caller must be a phone number");
    caller = *c;
  }
  auto userId = protocol::readString(d, "userId", kMaxUserId, &e);
  if (e) return e;
  auto nickname = protocol::readString(d, "nickname", 128, &e);
  if (e) return e;
  auto avatar = protocol::readString(d, "avatar", 1024, &e);
  if (e) return e;
  auto remark = protocol::readString(d, "remark", 256, &e);
  if (e) return e;
  if (type != "phone" && (!userId || userId->empty()))
    return Error(Errc::InvalidArgument, "userId must be a non-empty string");
  auto info = serviceNumber(*number);
  if (!info) return Error(Errc::NotFound, "no service number " + *number);
  Call& call = newCall(info->sdkAppId, type, "in", nowMs);
  call.caller = type == "phone" ? caller : *userId;
  call.customerUserId = userId.value_or("");
  call.nickname = nickname.value_or("");
  call.avatar = avatar.value_or("");
  call.remark = remark.value_or("");
  call.leg = leg.conn;
  leg.sessionId = call.sessionId;
  std::string sid = call.sessionId;
  startInbound(call, *info, nowMs);
  // The STUN/TURN servers a customer page needs for its RTCPeerConnection (see "Media").
  return Json{{"sessionId", sid}, {"iceServers", mOptions.iceServers}};
}

void RoutingEngine::customerDisconnected(ConnectionId conn, std::int64_t nowMs) {
  ChatDispatch chatDispatch(*this, nowMs);
  auto it = mLegs.find(conn);
  if (it == mLegs.end()) return;
  std::unique_ptr<CustomerLeg> leg = std::move(it->second);
  mLegs.erase(it);
  for (auto& n : leg->numbers) {
    auto r = mCalleeNumbers.find(n);
    if (r != mCalleeNumbers.end() && r->second == conn) mCalleeNumbers.erase(r);
  }
  auto c = mCalls.find(leg->sessionId);
  if (c == mCalls.end() || c->second->phase == Call::Phase::Ended) return;
  Call& call = *c->second;
  if (call.type == "im") {
    chatVisitorLeft(call, nowMs);  // a chat waits for its visitor to come back (ChatRouting.cpp)
    return;
  }
  call.leg = 0;
  // A vanished caller is a caller who hung up.
  switch (call.phase) {
    case Call::Phase::Ivr: endCall(call, EndSpec{"ivrGiveUp", "user", "hangup", "client", "", std::nullopt}, nowMs); break;
    case Call::Phase::Queued:
      endCall(call, EndSpec{"waitingGiveUp", "user", "hangup", "client", "", std::nullopt}, nowMs);
      break;
    case Call::Phase::Offering:
      endCall(call, EndSpec{"ringingGiveUp", "user", "cancel", "client", "", std::nullopt}, nowMs);
      break;
    case Call::Phase::Dialing:
      endCall(call, EndSpec{"notAnswer", "user", "failed", "admin", "notAnswer", std::nullopt}, nowMs);
      break;
    default: endCall(call, EndSpec{"ok", "user", "hangup", "client", "", std::nullopt}, nowMs); break;
  }
}

// ---------------------------------------------------------------------------------------------
// Simulator and cloud API

std::variant<std::string, Error> RoutingEngine::simInbound(const SimInboundRequest& r, std::int64_t nowMs) {
  if (!isPhoneNumber(r.caller)) return Error(Errc::InvalidArgument, "caller must be a phone number");
  if (r.serviceNumber.empty() || r.serviceNumber.size() > kMaxNumber)
    return Error(Errc::InvalidArgument, "serviceNumber must be a non-empty string");
  if (r.ivrKeys.size() > 32) return Error(Errc::InvalidArgument, "ivrKeys: at most 32 keys");
  for (char c : r.ivrKeys)
    if (!isDtmf(c)) return Error(Errc::InvalidArgument, "ivrKeys may contain only 0-9 * # A-D");
  if (r.holdSeconds > 86400) return Error(Errc::InvalidArgument, "holdSeconds must be at most 86400");
  if (r.audioFile.size() > 1024) return Error(Errc::InvalidArgument, "audioFile is too long");
  auto info = serviceNumber(r.serviceNumber);
  if (!info) return Error(Errc::NotFound, "no service number " + r.serviceNumber);
  Call& call = newCall(info->sdkAppId, "phone", "in", nowMs);
  call.caller = r.caller;
  call.simulated = true;
  call.holdSeconds = r.holdSeconds;
  call.audioFile = r.audioFile;
  std::string sid = call.sessionId;
  startInbound(call, *info, nowMs);
  for (char c : r.ivrKeys) {
    auto it = mCalls.find(sid);
    if (it == mCalls.end() || it->second->phase != Call::Phase::Ivr) break;
    ivrKey(*it->second, c, nowMs);
  }
  return sid;
}

namespace {
const char* phaseName(int phase) {
  static const char* names[] = {"ivr", "queued", "ringing", "dialing", "connected", "ended"};
  return names[phase];
}
}  // namespace

std::optional<Json> RoutingEngine::simSession(std::string_view sessionId) const {
  auto it = mCalls.find(std::string(sessionId));
  if (it == mCalls.end()) return std::nullopt;
  const Call& c = *it->second;
  std::string state = phaseName(static_cast<int>(c.phase));
  if (c.phase == Call::Phase::Connected && c.held) state = "held";
  Json ivr = Json::array();
  for (auto& [k, l] : c.ivrPath) ivr.push_back(Json{{"key", k}, {"label", l}});
  std::string agentId;
  if (c.agent) agentId = mAgents[*c.agent]->staff.userId;
  else if (c.offered) agentId = mAgents[*c.offered]->staff.userId;
  return Json{{"sessionId", c.sessionId},
              {"sdkAppId", c.sdkAppId},
              {"type", c.type},
              {"direction", c.direction},
              {"state", state},
              {"caller", c.caller},
              {"callee", c.callee},
              {"agentUserId", agentId},
              {"skillGroupId", c.skillGroupId},
              {"ivrPath", ivr},
              {"endStatus", c.endStatus},
              {"hungUpSide", c.hungUpSide},
              {"holdSeconds", c.holdSeconds},
              {"audioFile", c.audioFile},
              {"digitsReceived", c.digitsToCustomer},
              {"history", c.history}};
}

Error RoutingEngine::adminHangUp(std::int64_t sdkAppId, std::string_view sessionId, std::int64_t nowMs) {
  auto it = mCalls.find(std::string(sessionId));
  if (it == mCalls.end() || it->second->sdkAppId != sdkAppId || it->second->phase == Call::Phase::Ended)
    return Error(Errc::SessionNotFound, "no live session " + std::string(sessionId));
  Call& call = *it->second;
  if (call.type == "im") {
    endChat(call, EndSpec{"ok", "seat", "hangup", "admin", "", std::nullopt}, nowMs);
    return Error();
  }
  std::string status = "ok";
  switch (call.phase) {
    case Call::Phase::Ivr: status = "ivrGiveUp"; break;
    case Call::Phase::Queued: status = "waitingGiveUp"; break;
    case Call::Phase::Offering: status = "ringingGiveUp"; break;
    case Call::Phase::Dialing: status = "callerCancel"; break;
    default: break;
  }
  endCall(call, EndSpec{status, "seat", "hangup", "admin", "", std::nullopt}, nowMs);
  return Error();
}

std::optional<Json> RoutingEngine::describeSession(std::int64_t sdkAppId, std::string_view sessionId) const {
  auto it = mCalls.find(std::string(sessionId));
  if (it == mCalls.end() || it->second->sdkAppId != sdkAppId) return std::nullopt;
  const Call& c = *it->second;
  std::string status;
  switch (c.phase) {
    case Call::Phase::Ivr:
    case Call::Phase::Queued: status = "inqueue"; break;
    case Call::Phase::Offering:
    case Call::Phase::Dialing: status = "ringing"; break;
    case Call::Phase::Connected: status = "inProgress"; break;
    case Call::Phase::Ended: status = "finished"; break;
  }
  std::string email, number;
  std::optional<AgentIdx> a = c.agent ? c.agent : c.offered;
  if (a) {
    email = mAgents[*a]->staff.userId;
    number = mAgents[*a]->staff.staffNumber;
  }
  bool out = c.direction == "out";
  return Json{{"SessionID", c.sessionId},
              {"RoomID", ""},
              {"Caller", c.caller},
              {"Callee", c.callee},
              {"StartTimestamp", secs(c.startMs)},
              {"RingTimestamp", secs(c.ringMs)},
              {"AcceptTimestamp", secs(c.acceptMs)},
              {"StaffEmail", email},
              {"StaffNumber", number},
              {"SessionStatus", status},
              {"Direction", out ? 1 : 0},
              {"OutBoundCaller", out ? c.caller : ""},
              {"OutBoundCallee", out ? c.callee : ""},
              {"ProtectedCaller", ""},
              {"ProtectedCallee", ""}};
}

}  // namespace tccc::server::routing
