// SPDX-License-Identifier: Apache-2.0
#include "routing/SupervisorDesk.hpp"

#include "routing/Acd.hpp"
#include "routing/AgentLifecycle.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/AgentStatusTracker.hpp"
#include "routing/JsonObject.hpp"
#include "routing/SessionTable.hpp"
#include "routing/TenantDirectory.hpp"

#include <algorithm>
#include <cmath>

namespace tccc::server::routing {

namespace {
constexpr std::int64_t kDayMs = 86400000;
}  // namespace

Error SupervisorDesk::mayAct(const Agent& supervisor, bool acting) {
  const int role = supervisor.staff.role;
  if (acting ? maySupervise(role) : mayWatch(role)) return {};
  return Error(Errc::SipForbidden, acting ? "only an administrator (staff role 1) may do this"
                                          : "only administrators and quality inspectors (staff role 1 or 2) may watch");
}

// --- watching -------------------------------------------------------------------------------------

Result SupervisorDesk::watch(Agent& supervisor, std::int64_t nowMs) {
  if (Error refused = mayAct(supervisor, false)) return refused;
  const std::int64_t app = supervisor.sdkAppId;
  Watch& w = mWatches[app];
  if (std::find(w.watchers.begin(), w.watchers.end(), supervisor.idx) == w.watchers.end())
    w.watchers.push_back(supervisor.idx);
  // The agents as JSON text: those the engine knows, then the tenant's other staff (offline). One
  // directory listing per watch, never per change.
  std::vector<std::string> entries;
  std::unordered_set<std::string> seen;
  for (const auto& a : c.agents.all()) {
    if (a->sdkAppId != app || a->removed) continue;
    seen.insert(a->staff.userId);
    entries.push_back(agentEntry(*a).dump());
  }
  for (const auto& staff : c.directory.listStaff(app)) {
    if (seen.count(staff.userId)) continue;
    Json e = JsonObject()
                 .add("userId", staff.userId)
                 .add("name", staff.nick.empty() ? staff.name : staff.nick)
                 .add("status", "offline")
                 .add("since", 0)
                 .take();
    entries.push_back(e.dump());
  }
  // The answer carries what fits in one frame; the rest follow at once as updates.
  std::string agents = "[";
  std::size_t n = 0;
  for (; n < entries.size() && agents.size() + entries[n].size() < kChunkBytes; ++n) {
    if (n) agents += ',';
    agents += entries[n];
  }
  agents += ']';
  w.sentGroups = groupCards(app);
  w.sentToday = today(app, nowMs);
  Json groups = Json::array();
  for (const auto& [id, card] : w.sentGroups) groups.push_back(cardJson(id, card));
  if (n < entries.size()) {
    // Only to this watcher: the others have these agents already.
    Watch one;
    one.watchers.push_back(supervisor.idx);
    send(one, Json::object(), entries, n);
  }
  return JsonObject()
      .add("agents", Json::parse(agents))
      .add("skillGroups", std::move(groups))
      .add("today", todayJson(w.sentToday))
      .add("updateEveryMs", kUpdateEveryMs)
      // What the watcher itself may do, so a page shows only the levers that will work (a quality
      // inspector watches; only a supervisor forces a status or logs an agent out).
      .add("role", supervisor.staff.role)
      .add("canAct", maySupervise(supervisor.staff.role))
      .take();
}

Result SupervisorDesk::unwatch(const Agent& supervisor) {
  forget(supervisor);
  return Json::object();
}

void SupervisorDesk::forget(const Agent& supervisor) {
  auto it = mWatches.find(supervisor.sdkAppId);
  if (it == mWatches.end()) return;
  auto& watchers = it->second.watchers;
  watchers.erase(std::remove(watchers.begin(), watchers.end(), supervisor.idx), watchers.end());
  if (watchers.empty()) mWatches.erase(it);  // a pending timer then finds nothing to send
}

// --- what changed ---------------------------------------------------------------------------------

void SupervisorDesk::agentChanged(const Agent& agent, std::int64_t nowMs) {
  auto it = mWatches.find(agent.sdkAppId);
  if (it == mWatches.end()) return;
  it->second.dirtyAgents.insert(agent.idx);
  it->second.dirtyQueues = true;  // its groups' free and online counts may have moved
  arm(agent.sdkAppId, it->second, nowMs);
}

void SupervisorDesk::queueChanged(std::int64_t sdkAppId, std::int64_t nowMs) {
  auto it = mWatches.find(sdkAppId);
  if (it == mWatches.end()) return;
  it->second.dirtyQueues = true;
  arm(sdkAppId, it->second, nowMs);
}

namespace {
/// The calls today's figures count: inbound phone and video calls from outside, once queued.
bool countsToday(const Session& s) {
  return s.direction == Direction::In && !s.isChat() && s.type != SessionType::Internal;
}
}  // namespace

// Each figure moves when its event happens, not when the call ends: a supervisor sees a call
// answered as the agent answers it, however long the conversation then lasts.
void SupervisorDesk::callQueued(const Session& s, std::int64_t nowMs) {
  if (!countsToday(s)) return;
  ++today(s.sdkAppId, nowMs).offered;
  todayChanged(s.sdkAppId, nowMs);
}

void SupervisorDesk::callAnswered(const Session& s, std::int64_t nowMs) {
  if (!countsToday(s) || s.queuedMs == 0) return;
  Today& t = today(s.sdkAppId, nowMs);
  ++t.answered;
  if (nowMs - s.queuedMs <= kServiceLevelMs) ++t.within;
  todayChanged(s.sdkAppId, nowMs);
}

void SupervisorDesk::sessionEnded(const Session& s, std::int64_t nowMs) {
  if (!countsToday(s) || s.queuedMs == 0) return;
  queueChanged(s.sdkAppId, nowMs);  // it may have left a queue
  if (s.acceptMs > 0) return;       // counted when answered
  ++today(s.sdkAppId, nowMs).abandoned;
  todayChanged(s.sdkAppId, nowMs);
}

void SupervisorDesk::todayChanged(std::int64_t sdkAppId, std::int64_t nowMs) {
  auto it = mWatches.find(sdkAppId);
  if (it == mWatches.end()) return;
  it->second.dirtyToday = true;
  arm(sdkAppId, it->second, nowMs);
}

void SupervisorDesk::countStoredCall(const QueuedCallTimes& call, std::int64_t nowMs) {
  if (call.queuedMs <= 0 || dayOf(call.endedMs) != dayOf(nowMs)) return;
  count(today(call.sdkAppId, nowMs), call.queuedMs, call.acceptMs);
}

void SupervisorDesk::count(Today& t, std::int64_t queuedMs, std::int64_t acceptMs) {
  ++t.offered;
  if (acceptMs > 0) {
    ++t.answered;
    if (acceptMs - queuedMs <= kServiceLevelMs) ++t.within;
  } else {
    ++t.abandoned;
  }
}

void SupervisorDesk::arm(std::int64_t sdkAppId, Watch& w, std::int64_t nowMs) {
  if (w.armed) return;
  w.armed = true;
  c.timers.arm(nowMs + kUpdateEveryMs, *this, static_cast<std::uint64_t>(sdkAppId), ++w.gen);
}

void SupervisorDesk::onTimer(std::uint64_t sdkAppId, std::uint64_t gen, std::int64_t nowMs) {
  const auto app = static_cast<std::int64_t>(sdkAppId);
  auto it = mWatches.find(app);
  if (it == mWatches.end() || it->second.gen != gen || !it->second.armed) return;
  Watch& w = it->second;
  w.armed = false;
  // The groups and today's figures that changed, against what the watchers were last sent.
  Json update = Json::object();
  if (w.dirtyQueues) {
    auto cards = groupCards(app);
    Json changed = Json::array();
    for (const auto& [id, card] : cards) {
      auto sent = w.sentGroups.find(id);
      if (sent == w.sentGroups.end() || sent->second != card) changed.push_back(cardJson(id, card));
    }
    w.sentGroups = std::move(cards);
    if (!changed.empty()) update["skillGroups"] = std::move(changed);
  }
  if (w.dirtyToday || today(app, nowMs).day != w.sentToday.day) {
    w.sentToday = today(app, nowMs);
    update["today"] = todayJson(w.sentToday);
  }
  std::vector<std::string> entries;
  entries.reserve(w.dirtyAgents.size());
  for (AgentIdx idx : w.dirtyAgents)
    if (c.agents.has(idx)) entries.push_back(agentEntry(c.agents.at(idx)).dump());
  w.dirtyAgents.clear();
  w.dirtyQueues = w.dirtyToday = false;
  send(w, update, entries, 0);
}

void SupervisorDesk::send(const Watch& w, const Json& head, const std::vector<std::string>& entries, std::size_t from) {
  // The first frame carries `head` (groups, today) and as many agents as fit; the others agents
  // only. Each frame is serialised once, whatever the number of watchers.
  std::string start = head.empty() ? std::string("{") : head.dump();
  if (!head.empty()) start.back() = ',';  // reopen the object: {"skillGroups":[…],
  bool first = true;
  while (first || from < entries.size()) {
    std::string text = first ? start : std::string("{");
    first = false;
    if (from < entries.size()) {
      text += "\"agents\":[";
      const std::size_t begin = from;
      while (from < entries.size() && (from == begin || text.size() + entries[from].size() < kChunkBytes)) {
        if (from != begin) text += ',';
        text += entries[from++];
      }
      text += "]}";
    } else if (head.empty()) {
      return;  // nothing changed
    } else {
      text.back() = '}';
    }
    for (AgentIdx idx : w.watchers) c.agents.notifyText(c.agents.at(idx), "supervisor.update", text);
  }
}

// --- the levers -----------------------------------------------------------------------------------

Result SupervisorDesk::setAgentStatus(Agent& supervisor, const Json& data, std::int64_t nowMs) {
  if (Error refused = mayAct(supervisor, true)) return refused;
  Agent* target = c.agents.find(supervisor.sdkAppId, data["userId"].get<std::string>());
  if (!target || target->removed || target->status == AgentStatus::Offline)
    return Error(Errc::InvalidState, "the agent is offline");
  if (target->status == AgentStatus::Busy) return Error(Errc::InvalidState, "the agent is on a call");
  auto request = protocol::statusRequestFromString(data.value("status", ""));
  AgentStatus status = AgentStatus::Free;
  switch (*request) {  // validated: one of the StatusRequest values
    case protocol::StatusRequest::Free:
    case protocol::StatusRequest::StopNotReady:
      break;
    case protocol::StatusRequest::Rest:
      status = AgentStatus::Rest;
      break;
    case protocol::StatusRequest::Arrange:
      status = AgentStatus::Arrange;
      break;
    case protocol::StatusRequest::NotReady:
      status = AgentStatus::NotReady;
      break;
  }
  c.status.set(*target, status, StatusReason::Admin, data.value("restReason", ""), nowMs);
  return Json::object();
}

Result SupervisorDesk::logoutAgent(Agent& supervisor, const Json& data, std::int64_t nowMs) {
  if (Error refused = mayAct(supervisor, true)) return refused;
  const std::string userId = data["userId"].get<std::string>();
  if (userId == supervisor.staff.userId)
    return Error(Errc::InvalidArgument, "userId is this supervisor: log out with auth.logout");
  Agent* target = c.agents.find(supervisor.sdkAppId, userId);
  if (!target || target->removed || (target->status == AgentStatus::Offline && target->conn == 0))
    return Error(Errc::InvalidState, "the agent is not logged in");
  forget(*target);
  c.lifecycle.kick(*target, protocol::KickReason::SupervisorLogout, nowMs);
  return Json::object();
}

// --- views ----------------------------------------------------------------------------------------

Json SupervisorDesk::agentEntry(const Agent& a) const {
  JsonObject e;
  e.add("userId", a.staff.userId)
      .add("name", a.displayName())
      .add("status", toString(a.status))
      .add("since", a.statusSinceMs);
  if (a.status == AgentStatus::Rest) e.add("restReason", a.restReason);
  std::string session = a.offering;
  if (session.empty())
    for (const auto& v : a.views) {
      if (v.ended || v.type == SessionType::Im) continue;
      const Session* s = c.sessions.find(v.sessionId);
      if (s && !s->ended() && s->hasParty(a.idx)) {
        session = s->id;
        break;
      }
    }
  if (!session.empty()) e.add("sessionId", session);
  return e.take();
}

std::map<std::int64_t, SupervisorDesk::GroupCard> SupervisorDesk::groupCards(std::int64_t app) const {
  std::map<std::int64_t, GroupCard> cards;
  for (const auto& [id, info] : c.tenants.groups(app)) {
    GroupCard card;
    card.name = info.name;
    if (SkillGroupBook* book = c.acd.group(app, id)) {
      card.queued = book->calls.size();
      card.longestWaitSince = book->calls.empty() ? 0 : book->calls.begin()->first;
      card.free = book->available.size();
      card.online = book->online;
    }
    cards.emplace(id, std::move(card));
  }
  return cards;
}

Json SupervisorDesk::cardJson(std::int64_t id, const GroupCard& card) {
  return JsonObject()
      .add("id", std::to_string(id))
      .add("name", card.name)
      .add("queued", card.queued)
      .add("longestWaitSince", card.longestWaitSince)
      .add("agentsFree", card.free)
      .add("agentsOnline", card.online)
      .take();
}

SupervisorDesk::Today& SupervisorDesk::today(std::int64_t sdkAppId, std::int64_t nowMs) {
  Today& t = mToday[sdkAppId];
  const std::int64_t day = dayOf(nowMs);
  if (t.day != day) t = Today{day};
  return t;
}

std::int64_t SupervisorDesk::dayOf(std::int64_t ms) const {
  // Days of the contact center's calendar (--utc-offset), not of UTC: "today" starts at local midnight.
  return (ms + static_cast<std::int64_t>(c.options.utcOffsetMinutes) * 60000) / kDayMs;
}

Json SupervisorDesk::todayJson(const Today& t) {
  // Of the calls whose outcome is known: one still waiting may yet be answered in time.
  Json level = nullptr;
  if (const std::int64_t settled = t.answered + t.abandoned; settled > 0)
    level = std::round(1000.0 * static_cast<double>(t.within) / static_cast<double>(settled)) / 10.0;
  return JsonObject()
      .add("offered", t.offered)
      .add("answered", t.answered)
      .add("abandoned", t.abandoned)
      .add("answeredWithin20s", t.within)
      .add("serviceLevel", std::move(level))
      .take();
}

}  // namespace tccc::server::routing
