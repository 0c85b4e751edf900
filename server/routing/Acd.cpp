// SPDX-License-Identifier: Apache-2.0
#include "routing/Acd.hpp"

#include <algorithm>

namespace tccc::server::routing {

SkillGroupBook* Acd::group(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  auto& books = mBooks[sdkAppId];
  auto it = books.find(skillGroupId);
  if (it != books.end()) return &it->second;
  // A group removed from the directory keeps its book (and the calls waiting in it).
  if (!mTenants.group(sdkAppId, skillGroupId)) return nullptr;
  return &books[skillGroupId];
}

void Acd::setGroups(Agent& agent, const std::vector<std::int64_t>& groups) {
  std::vector<std::int64_t> next;
  for (auto g : groups)
    if (group(agent.sdkAppId, g) && std::find(next.begin(), next.end(), g) == next.end()) next.push_back(g);
  const bool online = agent.status != AgentStatus::Offline;
  for (auto g : agent.groups) {
    auto& book = *group(agent.sdkAppId, g);
    if (online) --book.online;
    if (agent.available) book.available.erase({agent.availKey, agent.idx});
  }
  agent.groups = std::move(next);
  for (auto g : agent.groups) {
    auto& book = *group(agent.sdkAppId, g);
    if (online) ++book.online;
    if (agent.available) book.available.insert({agent.availKey, agent.idx});
  }
}

void Acd::countOnline(const Agent& agent, bool online) {
  for (auto g : agent.groups) group(agent.sdkAppId, g)->online += online ? 1 : -1;
}

void Acd::setAvailable(Agent& agent, bool available) {
  if (agent.available == available) return;
  for (auto g : agent.groups) {
    auto& book = *group(agent.sdkAppId, g);
    if (available)
      book.available.insert({agent.availKey, agent.idx});
    else
      book.available.erase({agent.availKey, agent.idx});
  }
  agent.available = available;
}

std::set<QueueKey>& Acd::chatQueue(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  return mChatQueues[{sdkAppId, skillGroupId}];
}

void Acd::dropChat(std::int64_t sdkAppId, std::int64_t skillGroupId, const QueueKey& key) {
  auto q = mChatQueues.find({sdkAppId, skillGroupId});
  if (q == mChatQueues.end()) return;
  q->second.erase(key);
  if (q->second.empty()) mChatQueues.erase(q);
}

std::size_t Acd::chatsWaiting(std::int64_t sdkAppId, std::int64_t skillGroupId) const {
  auto q = mChatQueues.find({sdkAppId, skillGroupId});
  return q == mChatQueues.end() ? 0 : q->second.size();
}

std::vector<std::pair<std::int64_t, std::int64_t>> Acd::groupsWithChats() const {
  std::vector<std::pair<std::int64_t, std::int64_t>> keys;
  keys.reserve(mChatQueues.size());
  for (auto& entry : mChatQueues) keys.push_back(entry.first);
  return keys;
}

std::size_t Acd::callsWaiting(std::int64_t sdkAppId, std::int64_t skillGroupId) const {
  auto app = mBooks.find(sdkAppId);
  if (app == mBooks.end()) return 0;
  auto g = app->second.find(skillGroupId);
  return g == app->second.end() ? 0 : g->second.calls.size();
}

}  // namespace tccc::server::routing
