// SPDX-License-Identifier: Apache-2.0
#include "core/SnapshotReconciler.hpp"

namespace tccc::core {

ReconcileReport SnapshotReconciler::reconcile(const protocol::Json& snapshot, AgentStatusMachine& agent,
                                              SessionStore& sessions, SdkEvents& out) {
  ReconcileReport report;
  std::vector<std::string> listed;
  std::vector<std::string> liveBefore;
  for (const auto& record : sessions.records())
    if (record.live()) liveBefore.push_back(record.id);

  auto list = snapshot.is_object() ? snapshot.find("sessions") : snapshot.end();
  if (snapshot.is_object() && list != snapshot.end() && list->is_array()) {
    for (const auto& wire : *list) {
      WireSession parsed;
      if (SessionStore::parse(wire, parsed)) {
        ++report.rejectedSessions;
        continue;
      }
      // Listed even when its state cannot be applied: the server still knows it, so it must not be
      // declared lost below.
      listed.push_back(parsed.id);
      const SessionRecord* before = sessions.find(parsed.id);
      bool wasLive = before && before->live();
      if (sessions.apply(wire, out)) {
        ++report.rejectedSessions;
        continue;
      }
      const SessionRecord* after = sessions.find(parsed.id);
      if (after && !after->live() && wasLive) report.endedIds.push_back(parsed.id);
    }
  }

  for (const auto& id : liveBefore) {
    bool present = false;
    for (const auto& seen : listed)
      if (seen == id) {
        present = true;
        break;
      }
    if (present) continue;
    sessions.endLocally(id, "admin", "connectionLost", out);
    report.endedIds.push_back(id);
  }

  if (snapshot.is_object()) {
    auto agentIt = snapshot.find("agent");
    if (agentIt != snapshot.end() && agentIt->is_object()) {
      auto statusText = protocol::readString(*agentIt, "status", 16);
      auto status = statusText ? agentStatusFromString(*statusText) : std::nullopt;
      if (status) {
        auto reason = protocol::readString(*agentIt, "restReason", 256);
        if (agent.apply(*status, reason ? *reason : std::string())) out.push_back(agent.statusChangedEvent());
      }
    }
  }
  return report;
}

}  // namespace tccc::core
