// SPDX-License-Identifier: Apache-2.0
// When the engine opens, moves and closes the server's own media leg (docs/protocol.md, "Server
// media leg"): only for calls whose far end the server simulates, once they are connected; the
// leg's offer reaches the agent as media.offer; the agent's answer goes back to the leg; hold,
// transfer, hang-up, the far end hanging up, and the agent's socket dropping and coming back.
#include "../RoutingHarness.hpp"

#include <gtest/gtest.h>

namespace tccc::server::testing {
namespace {

using routing::Command;

std::vector<Command::Type> types(const RoutingHarness& h) {
  std::vector<Command::Type> out;
  for (const auto& c : h.media) out.push_back(c.type);
  return out;
}

std::string connectedSimCall(RoutingHarness& h, ConnectionId agent) {
  std::string sid = h.simCall();
  EXPECT_TRUE(h.media.empty()) << "no media while it rings";
  EXPECT_TRUE(h.request(agent, "session.accept", {{"sessionId", sid}}).value("ok", false));
  return sid;
}

TEST(ServerMedia, AcceptedSimCallOpensTheLegAndItsOfferReachesTheAgent) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedSimCall(h, a1);
  ASSERT_EQ(h.media.size(), 1u);
  EXPECT_EQ(h.media[0].type, Command::Type::MediaOpenSimulated);
  EXPECT_EQ(h.media[0].sessionId, sid);
  EXPECT_FALSE(h.media[0].held);
  // The agent speaks on the leg (its recording and transcript are the agent's); the simulated
  // phone is the caller.
  EXPECT_EQ(h.media[0].participant, "a1@x.com");
  EXPECT_EQ(h.media[0].farParticipant, "13800138000");

  h.engine->serverMedia(sid, 1, "media.offer", "v=0 server offer");
  h.pump();
  auto offers = h.events(a1, "media.offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["data"], (Json{{"sdp", "v=0 server offer"}, {"sessionId", sid}}));

  // The answer goes to the leg; candidates are accepted and not needed (ICE-lite); an offer from
  // the agent is refused: the server's leg makes the offers.
  Json r = h.request(a1, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 agent answer"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  ASSERT_EQ(h.media.size(), 2u);
  EXPECT_EQ(h.media[1].type, Command::Type::MediaRemoteAnswer);
  EXPECT_EQ(h.media[1].text, "v=0 agent answer");
  r = h.request(a1, "media.candidate",
                {{"sessionId", sid}, {"candidate", {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5 typ host"}}}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(h.media.size(), 2u);
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.answer", {{"sessionId", sid}})),
            code(Errc::InvalidArgument));

  // A re-offer (ICE restart) goes to the leg, and the leg's answer comes back as media.answer.
  r = h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 restart"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  ASSERT_EQ(h.media.size(), 3u);
  EXPECT_EQ(h.media[2].type, Command::Type::MediaAnswerOffer);
  EXPECT_EQ(h.media[2].text, "v=0 restart");
  h.media.pop_back();
  h.engine->serverMedia(sid, 1, "media.answer", "v=0 restart answer");
  h.pump();
  auto answers = h.events(a1, "media.answer");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["data"], (Json{{"sdp", "v=0 restart answer"}, {"sessionId", sid}}));

  // Hold and resume reach the leg.
  EXPECT_TRUE(h.request(a1, "session.hold", {{"sessionId", sid}}).value("ok", false));
  EXPECT_TRUE(h.request(a1, "session.unHold", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(h.media.size(), 4u);
  EXPECT_EQ(h.media[2].type, Command::Type::MediaHold);
  EXPECT_TRUE(h.media[2].held);
  EXPECT_EQ(h.media[3].type, Command::Type::MediaHold);
  EXPECT_FALSE(h.media[3].held);

  // Hang-up closes it; a late offer from the host is dropped, and media requests are refused.
  EXPECT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(h.media.size(), 5u);
  EXPECT_EQ(h.media[4].type, Command::Type::MediaClose);
  EXPECT_EQ(h.media[4].sessionId, sid);
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 late");
  h.pump();
  EXPECT_EQ(h.events(a1, "media.offer").size(), 1u);
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}})),
            code(Errc::InvalidState));
  EXPECT_EQ(h.media.size(), 5u);
}

TEST(ServerMedia, TheSimulatedCallerHangingUpClosesTheLeg) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall("4008002000", "", 3);
  EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  h.advance(3000);
  EXPECT_EQ(types(h), (std::vector<Command::Type>{Command::Type::MediaOpenSimulated, Command::Type::MediaClose}));
}

TEST(ServerMedia, AudioFileTravelsWithTheOpenCommand) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  routing::SimInboundRequest r;
  r.caller = "13800138000";
  r.serviceNumber = "4008002000";
  r.audioFile = "prompts/caller.wav";
  auto out = h.engine->simInbound(r, h.now);
  h.pump();
  std::string sid = std::get<std::string>(out);
  EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(h.media.size(), 1u);
  EXPECT_EQ(h.media[0].text, "prompts/caller.wav");
}

TEST(ServerMedia, OutboundTestNumbersGetALegWhenTheyAnswer) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  Json res = h.request(a1, "call.startOutbound", {{"phoneNumber", "10000000005"}, {"clientRequestId", "o1"}});
  std::string sid = res["data"]["sessionId"];
  EXPECT_TRUE(h.media.empty()) << "nothing while it rings";
  h.advance(1000);
  ASSERT_EQ(types(h), std::vector<Command::Type>{Command::Type::MediaOpenSimulated});
  EXPECT_EQ(h.media[0].sessionId, sid);
  EXPECT_EQ(h.media[0].participant, "a1@x.com");
  EXPECT_EQ(h.media[0].farParticipant, "10000000005");  // outbound: the callee is the far end
  h.advance(5000);                                      // 10000000005 hangs up by itself
  EXPECT_EQ(types(h), (std::vector<Command::Type>{Command::Type::MediaOpenSimulated, Command::Type::MediaClose}));

  // Busy, rejecting and unanswered numbers never connect: no leg.
  h.media.clear();
  h.advance(60000);  // after-call work ends
  for (const char* n : {"10000000002", "10000000004"}) {
    h.request(a1, "agent.setStatus", {{"status", "free"}});
    h.request(a1, "call.startOutbound", {{"phoneNumber", n}, {"clientRequestId", std::string("o-") + n}});
    h.advance(3000);
    h.advance(60000);
  }
  EXPECT_TRUE(h.media.empty());
}

TEST(ServerMedia, CallsWithACustomerPageOrBetweenAgentsNeverUseIt) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
  std::string sid = dial["data"]["sessionId"];
  EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  EXPECT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  EXPECT_TRUE(h.media.empty());
}

TEST(ServerMedia, TransferClosesTheLegAndTheNewAgentGetsItsOwn) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = connectedSimCall(h, a1);
  Json r = h.request(a1, "session.transfer", {{"sessionId", sid}, {"userId", "a2@x.com"}, {"clientRequestId", "t1"}});
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(types(h), (std::vector<Command::Type>{Command::Type::MediaOpenSimulated, Command::Type::MediaClose}));
  // The leg's offer for the old agent, arriving late, reaches nobody.
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 stale");
  h.pump();
  EXPECT_TRUE(h.events(a1, "media.offer").empty());
  EXPECT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(h.media.size(), 3u);
  EXPECT_EQ(h.media[2].type, Command::Type::MediaOpenSimulated);
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 for a2");
  h.pump();
  ASSERT_EQ(h.events(a2, "media.offer").size(), 1u);
  EXPECT_TRUE(h.events(a1, "media.offer").empty());
}

TEST(ServerMedia, AgentSocketDropClosesAndAResumeReopens) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string resume = h.frames[a1].front()["data"]["resumeToken"];
  std::string sid = connectedSimCall(h, a1);
  h.engine->agentDisconnected(a1, h.now);
  h.pump();
  EXPECT_EQ(types(h), (std::vector<Command::Type>{Command::Type::MediaOpenSimulated, Command::Type::MediaClose}));
  ConnectionId again = h.nextConn++;
  Json res = h.request(again, "auth.login", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"resumeToken", resume}});
  ASSERT_TRUE(res.value("ok", false)) << res.dump();
  ASSERT_EQ(h.media.size(), 3u);
  EXPECT_EQ(h.media[2].type, Command::Type::MediaOpenSimulated);
  EXPECT_EQ(h.media[2].sessionId, sid);
  // The response (with the snapshot) comes before any media event of the new leg.
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 again");
  h.pump();
  ASSERT_FALSE(h.frames[again].empty());
  EXPECT_EQ(h.frames[again].front()["type"], "res");
  EXPECT_EQ(h.events(again, "media.offer").size(), 1u);
}

TEST(ServerMedia, OffMeansNoLegAndMediaRequestsAreRefused) {
  routing::RoutingEngine::Options options;
  options.serverMedia = false;
  RoutingHarness h(options);
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedSimCall(h, a1);
  EXPECT_TRUE(h.media.empty());
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}})),
            code(Errc::InvalidState));
}

}  // namespace
}  // namespace tccc::server::testing
