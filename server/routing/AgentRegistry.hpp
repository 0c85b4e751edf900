// SPDX-License-Identifier: Apache-2.0
// Every agent the engine has met, by slot, by "sdkAppId/userId" and by connection, and the one way
// an event reaches an agent (sequenced, also while it is away, so a resume knows where it stands).
#ifndef TCCC_SERVER_ROUTING_AGENTREGISTRY_HPP
#define TCCC_SERVER_ROUTING_AGENTREGISTRY_HPP

#include "routing/Agent.hpp"
#include "routing/Outbox.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tccc::server::routing {

class AgentRegistry {
 public:
  explicit AgentRegistry(Outbox& out) : mOut(out) {}

  Agent* find(std::int64_t sdkAppId, std::string_view userId) const;
  /// The agent of `staff`, created on first sight; its staff record is refreshed either way.
  Agent& ensure(const StaffInfo& staff);
  Agent& at(AgentIdx idx) const { return *mAgents[idx]; }
  bool has(AgentIdx idx) const { return idx < mAgents.size(); }
  std::size_t size() const { return mAgents.size(); }
  const std::vector<std::unique_ptr<Agent>>& all() const { return mAgents; }

  /// The logged-in agent on a connection, or null.
  Agent* onConnection(ConnectionId conn) const;
  /// `agent` is logged in on `conn` from now on.
  void attach(Agent& agent, ConnectionId conn);
  /// The agent on `conn` is not logged in there any more (its `conn` is cleared).
  void detach(ConnectionId conn);

  /// Sends an event on the agent's stream. The seq advances even while the agent is away, so the
  /// snapshot after a resume tells the client exactly which point of the stream it reflects.
  void notify(Agent& agent, std::string_view event, const Json& data);
  /// The same, with the data already serialised.
  void notifyText(Agent& agent, std::string_view event, std::string_view dataJson);

 private:
  static std::string key(std::int64_t sdkAppId, std::string_view userId);

  Outbox& mOut;
  std::vector<std::unique_ptr<Agent>> mAgents;
  std::unordered_map<std::string, AgentIdx> mByKey;
  std::unordered_map<ConnectionId, AgentIdx> mByConnection;
};

}  // namespace tccc::server::routing

#endif
