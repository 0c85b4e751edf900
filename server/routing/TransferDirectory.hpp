// SPDX-License-Identifier: Apache-2.0
// `directory.list`: the transfer targets an agent may pick — its tenant's skill groups (agents free
// and online, calls and chats waiting) and its colleagues with their live status — searched and
// bounded (docs/protocol.md, "Transfer directory"). Read-only: statuses come from the engine's
// agent registry and the ACD's books, names from the tenant's cached staff list, so a search costs
// no database access.
#ifndef TCCC_SERVER_ROUTING_TRANSFERDIRECTORY_HPP
#define TCCC_SERVER_ROUTING_TRANSFERDIRECTORY_HPP

#include "routing/Acd.hpp"
#include "routing/AgentRegistry.hpp"
#include "routing/CallControl.hpp"
#include "routing/ChatRouting.hpp"
#include "routing/TenantDirectory.hpp"

namespace tccc::server::routing {

class TransferDirectory {
 public:
  static constexpr std::int64_t kDefaultLimit = 50;

  TransferDirectory(AgentRegistry& agents, TenantDirectory& tenants, Acd& acd, const CallControl& calls,
                    const ChatRouting& chats)
      : mAgents(agents), mTenants(tenants), mAcd(acd), mCalls(calls), mChats(chats) {}

  /// The directory as `self` sees it (validated `data`: `query?`, `limit?`). Only `self`'s tenant,
  /// never `self`. Skill groups with a free agent first, then by id; agents free first, then
  /// after-call work, not ready, resting, busy, offline, each by name and user id. `takesCalls` /
  /// `takesChats`: whether session.transfer to the agent would be accepted now.
  Json list(const Agent& self, const Json& data);

 private:
  AgentRegistry& mAgents;
  TenantDirectory& mTenants;
  Acd& mAcd;
  const CallControl& mCalls;
  const ChatRouting& mChats;
};

}  // namespace tccc::server::routing

#endif
