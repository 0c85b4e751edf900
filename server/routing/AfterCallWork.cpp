// SPDX-License-Identifier: Apache-2.0
#include "routing/AfterCallWork.hpp"

#include "routing/CdrBuilder.hpp"
#include "routing/SessionTable.hpp"

#include <algorithm>
#include <set>

namespace tccc::server::routing {
namespace {

std::string stringAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t numberAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

void addWrapUp(Json& row, const Json& cdr) {
  std::string disposition = stringAt(cdr, "Disposition");
  if (disposition.empty()) return;
  row["disposition"] = std::move(disposition);
  row["notes"] = stringAt(cdr, "AgentNotes");
}

std::optional<Json> chatRow(const FinishedRecord& r, std::string_view userId) {
  // An IM CDR names only the agent who last had the chat (StaffId).
  if (stringAt(r.cdr, "StaffId") != userId) return std::nullopt;
  std::string peer = stringAt(r.cdr, "Nickname");
  if (peer.empty()) peer = stringAt(r.cdr, "ClientUserId");
  Json row = {{"sessionId", r.sessionId},
              {"type", "im"},
              {"direction", "in"},
              {"peer", std::move(peer)},
              {"startedAt", numberAt(r.cdr, "Timestamp") * 1000},
              {"duration", std::max<std::int64_t>(0, numberAt(r.cdr, "Duration"))},
              {"outcome", "answered"}};
  addWrapUp(row, r.cdr);
  return row;
}

}  // namespace

std::optional<Json> historyRow(const FinishedRecord& r, std::string_view userId) {
  if (!r.cdr.is_object() || userId.empty()) return std::nullopt;
  if (r.chat) return chatRow(r, userId);
  const Json& cdr = r.cdr;
  bool mine = false, accepted = false;
  std::int64_t firstStart = 0, talked = 0;
  if (auto legs = cdr.find("ServeParticipants"); legs != cdr.end() && legs->is_array()) {
    for (const Json& leg : *legs) {
      if (!leg.is_object() || stringAt(leg, "Mail") != userId) continue;
      const std::int64_t start = numberAt(leg, "StartTimestamp"), accept = numberAt(leg, "AcceptTimestamp");
      const std::int64_t end = numberAt(leg, "EndedTimestamp");
      if (!mine || (start && start < firstStart)) firstStart = start;
      mine = true;
      if (accept > 0) {
        accepted = true;
        if (end >= accept) talked += end - accept;
      }
    }
  }
  auto seat = cdr.find("SeatUser");  // the staff member who served it last ({UserId, Mail, …})
  const bool seatUser = seat != cdr.end() && seat->is_object() && stringAt(*seat, "UserId") == userId;
  if (!mine && !seatUser) return std::nullopt;
  const bool outbound = numberAt(cdr, "Direction") == 1;
  const std::int64_t callType = numberAt(cdr, "CallType");
  const std::string endStatus = stringAt(cdr, "EndStatusString");
  // Outbound: the far end answered (the placing agent's leg has no accept of its own). Inbound: this
  // agent answered (a colleague answering is a miss here).
  const bool answered = outbound ? numberAt(cdr, "AcceptTimestamp") > 0 : accepted;
  const char* outcome = "answered";
  if (!answered) {
    if (outbound)
      outcome = endStatus == "error" || endStatus == "unconnected" ? "failed" : "noAnswer";
    else
      outcome = endStatus == "ringingGiveUp" || endStatus == "waitingGiveUp" ? "abandoned" : "missed";
  }
  const std::int64_t started = firstStart ? firstStart : numberAt(cdr, "StartTimestamp");
  Json row = {{"sessionId", r.sessionId},
              {"type", callType == 6   ? "internal"
                       : callType == 3 ? "voip"
                                       : "phone"},
              {"direction", outbound ? "out" : "in"},
              {"peer", stringAt(cdr, outbound ? "Callee" : "Caller")},
              {"startedAt", started * 1000},
              {"duration", answered ? (outbound ? std::max<std::int64_t>(0, numberAt(cdr, "Duration")) : talked) : 0},
              {"outcome", outcome}};
  addWrapUp(row, cdr);
  return row;
}

std::int64_t endedAtSec(const FinishedRecord& r) {
  if (r.chat) return numberAt(r.cdr, "Timestamp") + numberAt(r.cdr, "Duration");
  return numberAt(r.cdr, "EndedTimestamp");
}

std::optional<FinishedRecord> AfterCallWork::record(std::int64_t sdkAppId, const std::string& sessionId, bool& live) {
  live = false;
  if (const Session* s = c.sessions.find(sessionId); s && s->sdkAppId == sdkAppId) {
    live = !s->ended();
    FinishedRecord r{s->id, s->isChat(), s->isChat() ? c.cdrs.imCdr(*s).cdr : c.cdrs.phoneCdr(*s)};
    if (mStore) {
      if (auto w = mStore->findWrapUp(sdkAppId, sessionId)) {
        r.cdr["Disposition"] = w->disposition;
        r.cdr["AgentNotes"] = w->notes;
      }
    }
    return r;
  }
  if (mStore) return mStore->findFinished(sdkAppId, sessionId);
  return std::nullopt;
}

Result AfterCallWork::wrapUp(Agent& agent, const Json& data, std::int64_t nowMs) {
  const std::string id = data["sessionId"].get<std::string>();
  bool live = false;
  auto rec = record(agent.sdkAppId, id, live);
  std::optional<Json> row = rec ? historyRow(*rec, agent.staff.userId) : std::nullopt;
  if (!row) return Error(Errc::SessionNotFound, "session " + id + " is not one of this agent's");
  if (live) return Error(Errc::InvalidState, "session " + id + " is still live: wrap it up once it has ended");
  if ((*row)["outcome"] != "answered")
    return Error(Errc::InvalidState,
                 "session " + id + " was not answered by this agent: only the agent who served it can wrap it up");
  const std::int64_t ended = endedAtSec(*rec);
  if (ended > 0 && nowMs / 1000 - ended > kWrapUpWindowSec)
    return Error(Errc::InvalidState, "session " + id + " ended more than 24 hours ago: its wrap-up is closed");
  if (!mStore) return Error(Errc::NotSupported, "this server keeps no records: a wrap-up cannot be stored");
  WrapUpRecord w{agent.sdkAppId,
                 id,
                 agent.staff.userId,
                 data["disposition"].get<std::string>(),
                 data.contains("notes") ? data["notes"].get<std::string>() : std::string(),
                 nowMs / 1000};
  if (!mStore->saveWrapUp(w)) return Error(Errc::Internal, "the wrap-up could not be stored; try again");
  return Json::object();
}

Result AfterCallWork::history(Agent& agent, const Json& data, std::int64_t nowMs) {
  std::int64_t since = data.contains("since") ? data["since"].get<std::int64_t>() : nowMs - kHistoryDefaultBackMs;
  since = std::max(since, nowMs - kHistoryMaxBackMs);
  const auto limit =
      static_cast<std::size_t>(data.contains("limit") ? data["limit"].get<std::int64_t>() : kHistoryDefaultLimit);
  std::vector<Json> rows;
  std::set<std::string> seen;
  auto take = [&](const FinishedRecord& r) {
    if (!seen.insert(r.sessionId).second) return;
    auto row = historyRow(r, agent.staff.userId);
    if (row && (*row)["startedAt"].get<std::int64_t>() >= since / 1000 * 1000) rows.push_back(std::move(*row));
  };
  // The engine's own first: a session that ended moments ago may not be stored yet.
  for (const SessionView& v : agent.views) {
    if (!v.ended) continue;
    bool live = false;
    if (auto r = record(agent.sdkAppId, v.sessionId, live); r && !live) take(*r);
  }
  if (mStore)
    for (const auto& r : mStore->listFinished(agent.sdkAppId, agent.staff.userId, since / 1000, limit)) take(r);
  std::stable_sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    return a["startedAt"].get<std::int64_t>() > b["startedAt"].get<std::int64_t>();
  });
  if (rows.size() > limit) rows.resize(limit);
  Json list = Json::array();
  for (auto& row : rows) list.push_back(std::move(row));
  return Json{{"sessions", std::move(list)}};
}

}  // namespace tccc::server::routing
