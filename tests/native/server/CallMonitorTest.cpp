// SPDX-License-Identifier: Apache-2.0
// A supervisor on an agent's call (routing/CallMonitor, docs/protocol.md "Supervisor on a call"):
// who may listen and who may speak, one supervisor per call, the ticket for the supervisor's leg,
// changing the mode, and leaving: by asking, by losing the socket, or with the call's end.
#include "RoutingHarness.hpp"

#include <gtest/gtest.h>

namespace tccc::server::testing {
namespace {

using Type = routing::Command::Type;

/// Anchored media (the call's audio passes through the server), an administrator, a quality
/// inspector and another tenant's administrator; a customer's call connected to a1.
class CallMonitorTest : public ::testing::Test {
 protected:
  static routing::RoutingEngine::Options anchored() {
    routing::RoutingEngine::Options o;
    o.anchorMedia = true;
    return o;
  }

  CallMonitorTest() : h(anchored()) {
    h.dir.addStaff(kApp, "boss@x.com", {});
    h.dir.staff[{kApp, "boss@x.com"}].role = 1;
    h.dir.addStaff(kApp, "qa@x.com", {});
    h.dir.staff[{kApp, "qa@x.com"}].role = 2;
    h.dir.addStaff(kOtherApp, "otherboss@y.com", {});
    h.dir.staff[{kOtherApp, "otherboss@y.com"}].role = 1;
  }

  /// a1 takes a customer's call; returns its session id.
  std::string connectedCall() {
    a1 = h.login("a1@x.com");
    Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
    const std::string sid = dial["data"]["sessionId"].get<std::string>();
    EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
    h.media.clear();
    return sid;
  }

  Json monitor(ConnectionId who, const std::string& sid, const char* mode) {
    return h.request(who, "supervisor.monitor", {{"sessionId", sid}, {"mode", mode}});
  }
  std::vector<Type> commands() const {
    std::vector<Type> out;
    for (const auto& c : h.media) out.push_back(c.type);
    return out;
  }

  RoutingHarness h;
  ConnectionId a1 = 0;
};

struct WhoCase {
  const char* who;
  const char* mode;
  Errc expected;
};

TEST_F(CallMonitorTest, InspectorsMayListenOnlyAdministratorsMaySpeakAndNobodyCrossesTenants) {
  const std::string sid = connectedCall();
  for (auto c :
       {WhoCase{"a2@x.com", "listen", Errc::SipForbidden}, WhoCase{"qa@x.com", "whisper", Errc::SipForbidden},
        WhoCase{"qa@x.com", "barge", Errc::SipForbidden}, WhoCase{"otherboss@y.com", "listen", Errc::SessionNotFound},
        WhoCase{"qa@x.com", "listen", Errc::None}}) {
    ConnectionId conn = h.login(c.who, std::string(c.who).find("@y.com") != std::string::npos ? kOtherApp : kApp);
    Json r = monitor(conn, sid, c.mode);
    EXPECT_EQ(RoutingHarness::errorCode(r), c.expected == Errc::None ? 0 : code(c.expected))
        << c.who << " " << c.mode << r.dump();
    if (c.expected == Errc::None) {
      EXPECT_TRUE(h.request(conn, "supervisor.stopMonitor", {{"sessionId", sid}})["ok"]);
    }
  }
  EXPECT_EQ(RoutingHarness::errorCode(monitor(h.login("boss@x.com"), sid, "shout")), code(Errc::InvalidArgument));
}

TEST_F(CallMonitorTest, OnlyAConnectedCallWhoseAudioPassesThroughTheServerCanBeMonitored) {
  ConnectionId boss = h.login("boss@x.com");
  EXPECT_EQ(RoutingHarness::errorCode(monitor(boss, "s-nope", "listen")), code(Errc::SessionNotFound));
  a1 = h.login("a1@x.com");
  Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
  const std::string ringing = dial["data"]["sessionId"].get<std::string>();
  EXPECT_EQ(RoutingHarness::errorCode(monitor(boss, ringing, "listen")), code(Errc::InvalidState));  // still ringing
}

TEST_F(CallMonitorTest, TheTicketOpensTheLegOnceAndTheModeChangesOnTheLegThere) {
  const std::string sid = connectedCall();
  ConnectionId boss = h.login("boss@x.com");
  Json listening = monitor(boss, sid, "listen");
  ASSERT_TRUE(listening.value("ok", false)) << listening.dump();
  EXPECT_EQ(listening["data"]["path"], "/media/monitor");
  EXPECT_EQ(listening["data"]["mode"], "listen");
  const std::string token = listening["data"]["token"];
  EXPECT_TRUE(commands().empty());  // the leg opens when the browser presents the ticket

  // The mode changes on the leg the supervisor has; the ticket claims the mode of the moment.
  ASSERT_TRUE(monitor(boss, sid, "whisper").value("ok", false));
  ASSERT_EQ(commands(), std::vector<Type>{Type::MediaMonitorMode});
  EXPECT_EQ(h.media[0].monitorMode, protocol::MonitorMode::Whisper);
  EXPECT_EQ(h.media[0].sessionId, sid);
  ASSERT_TRUE(monitor(boss, sid, "whisper").value("ok", false));
  EXPECT_EQ(h.media.size(), 1u);  // the same mode again changes nothing

  auto claim = h.engine->redeemMonitor(token, h.now);
  ASSERT_TRUE(std::holds_alternative<routing::MonitorClaim>(claim));
  EXPECT_EQ(std::get<routing::MonitorClaim>(claim).sessionId, sid);
  EXPECT_EQ(std::get<routing::MonitorClaim>(claim).mode, protocol::MonitorMode::Whisper);
  EXPECT_TRUE(std::holds_alternative<Error>(h.engine->redeemMonitor(token, h.now)));  // used up
  EXPECT_TRUE(std::holds_alternative<Error>(h.engine->redeemMonitor("forged", h.now)));

  // One supervisor per call.
  ConnectionId qa = h.login("qa@x.com");
  Json second = monitor(qa, sid, "listen");
  EXPECT_EQ(RoutingHarness::errorCode(second), code(Errc::InvalidState));
  EXPECT_NE(second["error"]["message"].get<std::string>().find("boss@x.com"), std::string::npos);
  EXPECT_EQ(RoutingHarness::errorCode(h.request(qa, "supervisor.stopMonitor", {{"sessionId", sid}})),
            code(Errc::InvalidState));
}

TEST_F(CallMonitorTest, ASupervisorLeavesByAskingByLosingItsSocketOrWithTheCall) {
  const std::string sid = connectedCall();
  ConnectionId boss = h.login("boss@x.com");
  ASSERT_TRUE(monitor(boss, sid, "barge").value("ok", false));
  ASSERT_TRUE(h.request(boss, "supervisor.stopMonitor", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(commands(), std::vector<Type>{Type::MediaMonitorClose});

  h.media.clear();
  ASSERT_TRUE(monitor(boss, sid, "listen").value("ok", false));
  h.engine->agentDisconnected(boss, h.now, false);
  h.pump();
  EXPECT_EQ(commands(), std::vector<Type>{Type::MediaMonitorClose});

  // Back, on the call again; then the call ends: its media closes as a whole, and a ticket issued
  // before the end opens nothing.
  boss = h.login("boss@x.com");
  Json again = monitor(boss, sid, "listen");
  ASSERT_TRUE(again.value("ok", false)) << again.dump();
  h.media.clear();
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(commands(), std::vector<Type>{Type::MediaClose});
  EXPECT_TRUE(std::holds_alternative<Error>(h.engine->redeemMonitor(again["data"]["token"].get<std::string>(), h.now)));
  EXPECT_EQ(RoutingHarness::errorCode(monitor(boss, sid, "listen")), code(Errc::InvalidState));
}

}  // namespace
}  // namespace tccc::server::testing
