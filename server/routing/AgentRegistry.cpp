// SPDX-License-Identifier: Apache-2.0
#include "routing/AgentRegistry.hpp"

namespace tccc::server::routing {

std::string AgentRegistry::key(std::int64_t sdkAppId, std::string_view userId) {
  std::string k = std::to_string(sdkAppId);
  k += '/';
  k += userId;
  return k;
}

Agent* AgentRegistry::find(std::int64_t sdkAppId, std::string_view userId) const {
  auto it = mByKey.find(key(sdkAppId, userId));
  return it == mByKey.end() ? nullptr : mAgents[it->second].get();
}

Agent& AgentRegistry::ensure(const StaffInfo& staff) {
  Agent* a = find(staff.sdkAppId, staff.userId);
  if (!a) {
    auto p = std::make_unique<Agent>();
    p->idx = static_cast<AgentIdx>(mAgents.size());
    p->sdkAppId = staff.sdkAppId;
    a = p.get();
    mByKey[key(staff.sdkAppId, staff.userId)] = a->idx;
    mAgents.push_back(std::move(p));
  }
  a->staff = staff;
  a->removed = false;
  return *a;
}

Agent* AgentRegistry::onConnection(ConnectionId conn) const {
  auto it = mByConnection.find(conn);
  return it == mByConnection.end() ? nullptr : mAgents[it->second].get();
}

void AgentRegistry::attach(Agent& agent, ConnectionId conn) {
  agent.conn = conn;
  mByConnection[conn] = agent.idx;
}

void AgentRegistry::detach(ConnectionId conn) {
  auto it = mByConnection.find(conn);
  if (it == mByConnection.end()) return;
  Agent& agent = *mAgents[it->second];
  if (agent.conn == conn) agent.conn = 0;
  mByConnection.erase(it);
}

void AgentRegistry::notify(Agent& agent, std::string_view event, const Json& data) {
  ++agent.seq;
  if (agent.conn) mOut.event(agent.conn, agent.seq, event, data);
}

void AgentRegistry::notifyText(Agent& agent, std::string_view event, std::string_view dataJson) {
  ++agent.seq;
  if (agent.conn) mOut.eventText(agent.conn, agent.seq, event, dataJson);
}

}  // namespace tccc::server::routing
