// SPDX-License-Identifier: Apache-2.0
// Reconciliation tables: for every local state × snapshot state of one session (inbound and
// outbound), the exact event list; for every local × snapshot agent status, statusChanged iff they
// differ. Reconciling the same snapshot twice must produce nothing the second time.
#include "core/SnapshotReconciler.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using Json = protocol::Json;

Json wire(const std::string& direction, const std::string& state) {
  Json s{{"sessionId", "s-1"}, {"type", "phone"}, {"direction", direction}, {"state", state}, {"timeout", 30}};
  if (state == "ended") {
    s["endReason"] = "hangup";
    s["closeBy"] = "client";
    s["duration"] = 12;
  }
  return s;
}

Json snapshotWith(const std::string& status, Json sessions) {
  return Json{{"agent", {{"status", status}, {"restReason", ""}}}, {"sessions", std::move(sessions)}, {"seq", 5}};
}

std::vector<std::string> names(const SdkEvents& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.name);
  return out;
}

// Brings a store to `state` for s-1 by applying a server session (and the states before it).
void prepare(SessionStore& store, const std::string& direction, const std::string& state) {
  if (state == "absent") return;
  SdkEvents ignored;
  ASSERT_FALSE(store.apply(wire(direction, state), ignored));
}

struct Row {
  std::string direction, local, snapshot;
  std::vector<std::string> events;
  std::size_t rejected;
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.direction << " " << r.local << " -> " << r.snapshot; }

class ReconcileSession : public ::testing::TestWithParam<Row> {};

TEST_P(ReconcileSession, EmitsExactlyTheMissedEvents) {
  const Row& row = GetParam();
  SessionStore store;
  prepare(store, row.direction, row.local);
  AgentStatusMachine agent;
  agent.apply(AgentStatus::Free, "");

  Json sessions = Json::array();
  if (row.snapshot != "absent") sessions.push_back(wire(row.direction, row.snapshot));
  SdkEvents events;
  ReconcileReport report = SnapshotReconciler::reconcile(snapshotWith("free", sessions), agent, store, events);
  EXPECT_EQ(names(events), row.events);
  EXPECT_EQ(report.rejectedSessions, row.rejected);

  // Nothing twice: the same snapshot again changes nothing.
  SdkEvents again;
  SnapshotReconciler::reconcile(snapshotWith("free", sessions), agent, store, again);
  EXPECT_EQ(names(again), std::vector<std::string>{});
}

const std::string kLost = "sessionEnded";
std::vector<Row> rows() {
  using V = std::vector<std::string>;
  return {
      // inbound: local × snapshot
      {"in", "absent", "absent", V{}, 0},
      {"in", "absent", "ringing", V{"callIn"}, 0},
      {"in", "absent", "talking", V{"callIn", "userAccessed"}, 0},
      {"in", "absent", "held", V{"callIn", "userAccessed"}, 0},
      {"in", "absent", "ended", V{"callIn", "sessionEnded"}, 0},
      {"in", "ringing", "absent", V{kLost}, 0},
      {"in", "ringing", "ringing", V{}, 0},
      {"in", "ringing", "talking", V{"userAccessed"}, 0},
      {"in", "ringing", "held", V{"userAccessed"}, 0},
      {"in", "ringing", "ended", V{"sessionEnded"}, 0},
      {"in", "talking", "absent", V{kLost}, 0},
      {"in", "talking", "ringing", V{}, 1},
      {"in", "talking", "talking", V{}, 0},
      {"in", "talking", "held", V{}, 0},
      {"in", "talking", "ended", V{"sessionEnded"}, 0},
      {"in", "held", "absent", V{kLost}, 0},
      {"in", "held", "ringing", V{}, 1},
      {"in", "held", "talking", V{}, 0},
      {"in", "held", "held", V{}, 0},
      {"in", "held", "ended", V{"sessionEnded"}, 0},
      {"in", "ended", "absent", V{}, 0},
      {"in", "ended", "ringing", V{"callIn"}, 0},
      {"in", "ended", "talking", V{"callIn", "userAccessed"}, 0},
      {"in", "ended", "held", V{"callIn", "userAccessed"}, 0},
      {"in", "ended", "ended", V{}, 0},
      // outbound
      {"out", "absent", "absent", V{}, 0},
      {"out", "absent", "dialing", V{"callOuted"}, 0},
      {"out", "absent", "talking", V{"callOuted", "calloutAccepted"}, 0},
      {"out", "absent", "held", V{"callOuted", "calloutAccepted"}, 0},
      {"out", "absent", "ended", V{"callOuted", "sessionEnded"}, 0},
      {"out", "dialing", "absent", V{kLost}, 0},
      {"out", "dialing", "dialing", V{}, 0},
      {"out", "dialing", "talking", V{"calloutAccepted"}, 0},
      {"out", "dialing", "held", V{"calloutAccepted"}, 0},
      {"out", "dialing", "ended", V{"sessionEnded"}, 0},
      {"out", "talking", "absent", V{kLost}, 0},
      {"out", "talking", "dialing", V{}, 1},
      {"out", "talking", "talking", V{}, 0},
      {"out", "talking", "held", V{}, 0},
      {"out", "talking", "ended", V{"sessionEnded"}, 0},
      {"out", "held", "absent", V{kLost}, 0},
      {"out", "held", "dialing", V{}, 1},
      {"out", "held", "talking", V{}, 0},
      {"out", "held", "held", V{}, 0},
      {"out", "held", "ended", V{"sessionEnded"}, 0},
      {"out", "ended", "absent", V{}, 0},
      {"out", "ended", "dialing", V{"callOuted"}, 0},
      {"out", "ended", "talking", V{"callOuted", "calloutAccepted"}, 0},
      {"out", "ended", "held", V{"callOuted", "calloutAccepted"}, 0},
      {"out", "ended", "ended", V{}, 0},
  };
}

INSTANTIATE_TEST_SUITE_P(Table, ReconcileSession, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           return std::to_string(info.index) + "_" + info.param.direction + "_" + info.param.local +
                                  "_to_" + info.param.snapshot;
                         });

struct StatusPair {
  AgentStatus local, snapshot;
};

void PrintTo(const StatusPair& p, std::ostream* os) { *os << toString(p.local) << " -> " << toString(p.snapshot); }

class ReconcileStatus : public ::testing::TestWithParam<StatusPair> {};

TEST_P(ReconcileStatus, StatusChangedIffDifferent) {
  const auto [local, snapshot] = GetParam();
  AgentStatusMachine agent;
  agent.apply(local, "");
  SessionStore store;
  SdkEvents events;
  SnapshotReconciler::reconcile(snapshotWith(std::string(toString(snapshot)), Json::array()), agent, store, events);
  if (local == snapshot) {
    EXPECT_TRUE(events.empty());
  } else {
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].name, "statusChanged");
    EXPECT_EQ(events[0].data, (Json{{"status", std::string(toString(snapshot))}}));
  }
  EXPECT_EQ(agent.status(), snapshot);
}

std::vector<StatusPair> statusPairs() {
  std::vector<StatusPair> out;
  for (int a = 0; a < kAgentStatusCount; ++a)
    for (int b = 0; b < kAgentStatusCount; ++b)
      out.push_back({static_cast<AgentStatus>(a), static_cast<AgentStatus>(b)});
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllPairs, ReconcileStatus, ::testing::ValuesIn(statusPairs()),
                         [](const ::testing::TestParamInfo<StatusPair>& info) {
                           return std::string(toString(info.param.local)) + "_to_" +
                                  std::string(toString(info.param.snapshot));
                         });

TEST(Reconcile, OrderIsSnapshotSessionsThenVanishedThenStatus) {
  SessionStore store;
  SdkEvents ignored;
  Json gone{{"sessionId", "s-gone"}, {"type", "im"}, {"direction", "in"}, {"state", "talking"}};
  Json known{{"sessionId", "s-known"}, {"type", "phone"}, {"direction", "in"}, {"state", "ringing"}};
  ASSERT_FALSE(store.apply(gone, ignored));
  ASSERT_FALSE(store.apply(known, ignored));
  AgentStatusMachine agent;
  agent.apply(AgentStatus::Free, "");

  Json talking = known;
  talking["state"] = "talking";
  Json fresh{
      {"sessionId", "s-new"}, {"type", "internal"}, {"direction", "in"}, {"state", "ringing"}, {"peerUserId", "bob"}};
  SdkEvents events;
  auto report =
      SnapshotReconciler::reconcile(snapshotWith("busy", Json::array({talking, fresh})), agent, store, events);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].name, "userAccessed");
  EXPECT_EQ(events[0].data, (Json{{"sessionId", "s-known"}}));
  EXPECT_EQ(events[1].name, "callIn");
  EXPECT_EQ(events[1].data,
            (Json{{"sessionId", "s-new"}, {"type", "internal"}, {"timeout", 0}, {"peerUserId", "bob"}}));
  EXPECT_EQ(events[2].name, "sessionEnded");
  EXPECT_EQ(events[2].data,
            (Json{{"sessionId", "s-gone"}, {"closeBy", "admin"}, {"mainReason", "connectionLost"}, {"type", "im"}}));
  EXPECT_EQ(events[3].name, "statusChanged");
  EXPECT_EQ(report.endedIds, std::vector<std::string>{"s-gone"});
  // The vanished session stays, ended, for deleteCall and sessions().
  ASSERT_TRUE(store.find("s-gone"));
  EXPECT_EQ(store.find("s-gone")->state, SessionState::Ended);
  EXPECT_EQ(store.find("s-gone")->wire.at("mainReason"), "connectionLost");
}

TEST(Reconcile, MalformedSnapshotPartsAreSkippedNotFatal) {
  SessionStore store;
  AgentStatusMachine agent;
  SdkEvents events;
  Json snapshot{{"agent", {{"status", "sleeping"}}},
                {"sessions",
                 Json::array({5, Json{{"sessionId", ""}}, Json{{"sessionId", "s-1"}, {"type", "phone"}},
                              Json{{"sessionId", "s-2"}, {"type", "im"}, {"direction", "in"}, {"state", "ringing"}}})}};
  auto report = SnapshotReconciler::reconcile(snapshot, agent, store, events);
  EXPECT_EQ(report.rejectedSessions, 3u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "callIn");
  EXPECT_EQ(agent.status(), AgentStatus::Offline);  // unknown status: keep what we had
  SdkEvents none;
  SnapshotReconciler::reconcile(Json::array(), agent, store, none);
  SnapshotReconciler::reconcile(Json{{"sessions", "x"}, {"agent", 5}}, agent, store, none);
  // A snapshot without a sessions list means the server has none: s-2 is gone.
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].name, "sessionEnded");
}

TEST(Reconcile, ASessionListedInAnUnreachableStateIsNotDeclaredLost) {
  SessionStore store;
  SdkEvents ignored;
  ASSERT_FALSE(store.apply(wire("in", "talking"), ignored));
  AgentStatusMachine agent;
  SdkEvents events;
  auto report = SnapshotReconciler::reconcile(snapshotWith("offline", Json::array({wire("in", "ringing")})), agent,
                                              store, events);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(report.rejectedSessions, 1u);
  EXPECT_EQ(store.find("s-1")->state, SessionState::Talking);
}

}  // namespace
}  // namespace tccc::core
