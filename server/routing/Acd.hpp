// SPDX-License-Identifier: Apache-2.0
// The automatic call distributor's books, per skill group: who is online, which agents are free
// (longest idle first), and who waits (oldest first) — one queue for calls and one for chats. The
// decisions (who gets what, when) are CallRouting's and ChatRouting's; this class keeps the indexes
// consistent as agents come, go, change groups and become free.
#ifndef TCCC_SERVER_ROUTING_ACD_HPP
#define TCCC_SERVER_ROUTING_ACD_HPP

#include "routing/Agent.hpp"
#include "routing/Session.hpp"
#include "routing/TenantDirectory.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tccc::server::routing {

struct SkillGroupBook {
  std::set<std::pair<std::int64_t, AgentIdx>> available;  // (idle since, agent): longest idle first
  std::set<QueueKey> calls;                               // waiting calls, oldest first
  int online = 0;                                         // agents of the group not offline
};

class Acd {
 public:
  explicit Acd(TenantDirectory& tenants) : mTenants(tenants) {}

  /// The group's book, or null when the tenant has never had the group.
  SkillGroupBook* group(std::int64_t sdkAppId, std::int64_t skillGroupId);

  /// The agent now serves `groups` (those its tenant has, once each); its online count and
  /// availability move with it.
  void setGroups(Agent& agent, const std::vector<std::int64_t>& groups);
  /// The agent came online or went offline: the online count of each of its groups follows.
  void countOnline(const Agent& agent, bool online);
  /// Files the agent as free (under agent.availKey) in each of its groups, or takes it out.
  void setAvailable(Agent& agent, bool available);

  /// The chat queue of a group (created on demand) and every group that has waiting chats.
  std::set<QueueKey>& chatQueue(std::int64_t sdkAppId, std::int64_t skillGroupId);
  void dropChat(std::int64_t sdkAppId, std::int64_t skillGroupId, const QueueKey& key);
  std::size_t chatsWaiting(std::int64_t sdkAppId, std::int64_t skillGroupId) const;
  std::vector<std::pair<std::int64_t, std::int64_t>> groupsWithChats() const;

  std::size_t callsWaiting(std::int64_t sdkAppId, std::int64_t skillGroupId) const;

 private:
  TenantDirectory& mTenants;
  std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, SkillGroupBook>> mBooks;  // app -> group
  std::map<std::pair<std::int64_t, std::int64_t>, std::set<QueueKey>> mChatQueues;            // (app, group)
};

}  // namespace tccc::server::routing

#endif
