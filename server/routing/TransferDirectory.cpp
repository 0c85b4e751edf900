// SPDX-License-Identifier: Apache-2.0
#include "routing/TransferDirectory.hpp"

#include <algorithm>
#include <tuple>

namespace tccc::server::routing {

namespace {

/// ASCII lower case: user ids and staff numbers are ASCII; names in other scripts match as typed.
std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool contains(std::string_view haystack, const std::string& needle) {
  return needle.empty() || lower(haystack).find(needle) != std::string::npos;
}

/// Where a status sorts: who can take a transfer now first, who cannot at all last.
int rank(AgentStatus status) {
  switch (status) {
    case AgentStatus::Free:
      return 0;
    case AgentStatus::Arrange:
      return 1;
    case AgentStatus::NotReady:
      return 2;
    case AgentStatus::Rest:
      return 3;
    case AgentStatus::Busy:
      return 4;
    case AgentStatus::Offline:
      break;
  }
  return 5;
}

}  // namespace

Json TransferDirectory::list(const Agent& self, const Json& data) {
  const std::int64_t app = self.sdkAppId;
  const std::string query = lower(data.value("query", std::string()));
  const auto limit = static_cast<std::size_t>(data.value("limit", kDefaultLimit));
  const auto& groups = mTenants.groups(app);
  bool truncated = false;

  struct GroupRow {
    std::int64_t id;
    const SkillGroupInfo* info;
    std::int64_t free, online, queued;
  };
  std::vector<GroupRow> groupRows;
  for (const auto& [id, info] : groups) {
    if (!contains(info.name, query) && !contains(std::to_string(id), query)) continue;
    const SkillGroupBook* book = mAcd.group(app, id);
    groupRows.push_back({id, &info, book ? static_cast<std::int64_t>(book->available.size()) : 0,
                         book ? book->online : 0,
                         static_cast<std::int64_t>(mAcd.callsWaiting(app, id) + mAcd.chatsWaiting(app, id))});
  }
  std::sort(groupRows.begin(), groupRows.end(), [](const GroupRow& a, const GroupRow& b) {
    return std::make_tuple(a.free == 0, a.id) < std::make_tuple(b.free == 0, b.id);
  });
  if (groupRows.size() > limit) {
    groupRows.resize(limit);
    truncated = true;
  }

  struct AgentRow {
    const StaffInfo* staff;
    const Agent* live;  // null: never logged in since the server started
    AgentStatus status;
  };
  std::vector<AgentRow> agentRows;
  for (const auto& staff : mTenants.staff(app)) {
    if (staff.userId == self.staff.userId) continue;
    if (!contains(staff.name, query) && !contains(staff.nick, query) && !contains(staff.userId, query) &&
        !contains(staff.staffNumber, query))
      continue;
    const Agent* live = mAgents.find(app, staff.userId);
    if (live && live->removed) live = nullptr;
    agentRows.push_back({&staff, live, live ? live->status : AgentStatus::Offline});
  }
  auto name = [](const AgentRow& r) -> const std::string& {
    return r.staff->nick.empty() ? r.staff->name : r.staff->nick;
  };
  std::sort(agentRows.begin(), agentRows.end(), [&](const AgentRow& a, const AgentRow& b) {
    return std::forward_as_tuple(rank(a.status), name(a), a.staff->userId) <
           std::forward_as_tuple(rank(b.status), name(b), b.staff->userId);
  });
  if (agentRows.size() > limit) {
    agentRows.resize(limit);
    truncated = true;
  }

  Json outGroups = Json::array();
  for (const auto& g : groupRows)
    outGroups.push_back(Json{{"skillGroupId", std::to_string(g.id)},
                             {"name", g.info->name},
                             {"type", g.info->type},
                             {"free", g.free},
                             {"online", g.online},
                             {"queued", g.queued}});
  Json outAgents = Json::array();
  for (const auto& r : agentRows) {
    Json ids = Json::array();
    for (auto id : r.staff->skillGroupIds)
      if (groups.count(id)) ids.push_back(std::to_string(id));
    outAgents.push_back(Json{{"userId", r.staff->userId},
                             {"name", r.staff->name},
                             {"nick", r.staff->nick},
                             {"staffNumber", r.staff->staffNumber},
                             {"status", std::string(toString(r.status))},
                             {"restReason", r.live && r.status == AgentStatus::Rest ? r.live->restReason : ""},
                             {"takesCalls", r.live && mCalls.takesCallsNow(*r.live)},
                             {"takesChats", r.live && mChats.takesChatNow(*r.live)},
                             {"skillGroupIds", std::move(ids)}});
  }
  return Json{{"skillGroups", std::move(outGroups)}, {"agents", std::move(outAgents)}, {"truncated", truncated}};
}

}  // namespace tccc::server::routing
