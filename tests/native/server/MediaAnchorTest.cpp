// SPDX-License-Identifier: Apache-2.0
// The engine's side of anchored media (routing/MediaAnchor): which media commands a call's events
// give, where the server's descriptions go, that a transfer closes only the agent's leg, and that
// the agent a call rings at is connected while it rings.
#include "RoutingHarness.hpp"

#include <gtest/gtest.h>

namespace tccc::server::testing {
namespace {

using Type = routing::Command::Type;

routing::RoutingEngine::Options anchored() {
  routing::RoutingEngine::Options o;
  o.anchorMedia = true;
  return o;
}

std::vector<Type> types(const RoutingHarness& h) {
  std::vector<Type> out;
  for (const auto& c : h.media) out.push_back(c.type);
  return out;
}

TEST(MediaAnchor, ACustomerCallNegotiatesWithTheServerAndSurvivesATransfer) {
  RoutingHarness h(anchored());
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
  EXPECT_EQ(dial["data"]["mediaAnchored"], true);
  const std::string sid = dial["data"]["sessionId"].get<std::string>();
  ConnectionId first = h.events(a1, "session.state").empty() ? a2 : a1;
  ConnectionId second = first == a1 ? a2 : a1;

  // The agent it rings at is offered a leg by the server while it rings, and answers it.
  ASSERT_EQ(types(h), std::vector<Type>{Type::MediaOffer});
  EXPECT_EQ(h.media[0].side, 2);
  EXPECT_EQ(h.media[0].participant, first == a1 ? "a1@x.com" : "a2@x.com");
  h.engine->serverMedia(sid, 2, "media.offer", "v=0 server to the ringing agent");
  h.pump();
  ASSERT_EQ(h.events(first, "media.offer").size(), 1u);
  EXPECT_TRUE(h.events(second, "media.offer").empty());
  Json r = h.request(first, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 ringing agent"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(h.media.back().type, Type::MediaRemoteAnswer);
  EXPECT_EQ(h.media.back().side, 2);
  EXPECT_NE(RoutingHarness::errorCode(h.request(second, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}})), 0)
      << "only the agent it rings at";
  // Accepting joins that leg to the call: nothing is negotiated again.
  h.media.clear();
  ASSERT_TRUE(h.request(first, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(types(h), std::vector<Type>{Type::MediaConnectRinging});
  EXPECT_EQ(h.media[0].side, 1);
  EXPECT_EQ(h.media[0].participant, first == a1 ? "a1@x.com" : "a2@x.com");

  // The customer's offer is answered by the server.
  h.media.clear();
  r = h.customer(900, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 customer"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  ASSERT_EQ(h.media.size(), 1u);
  EXPECT_EQ(h.media[0].type, Type::MediaAnswerOffer);
  EXPECT_EQ(h.media[0].side, 0);
  EXPECT_EQ(h.media[0].text, "v=0 customer");
  EXPECT_EQ(h.media[0].participant, "13900000000");
  EXPECT_EQ(h.events(first, "media.offer").size(), 1u) << "nothing is relayed between the parties";
  // Candidates are accepted and not needed.
  r = h.customer(900, "media.candidate",
                 {{"sessionId", sid}, {"candidate", {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5 typ host"}}}});
  EXPECT_TRUE(r.value("ok", false));
  EXPECT_EQ(h.media.size(), 1u);

  // The server's descriptions reach the right party (an ICE restart's offer to the agent).
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 server to agent");
  h.engine->serverMedia(sid, 0, "media.answer", "v=0 server to customer");
  h.pump();
  ASSERT_EQ(h.events(first, "media.offer").size(), 2u);
  EXPECT_EQ(h.events(first, "media.offer")[1]["data"]["sdp"], "v=0 server to agent");
  auto toCustomer = h.events(900, "media.answer");
  ASSERT_EQ(toCustomer.size(), 1u);
  EXPECT_EQ(toCustomer[0]["data"]["sdp"], "v=0 server to customer");
  r = h.request(first, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 agent"}});
  EXPECT_TRUE(r.value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaRemoteAnswer);
  EXPECT_EQ(h.media.back().side, 1);

  // Pausing the recording; hold.
  EXPECT_TRUE(h.request(first, "session.pauseRecording", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaRecording);
  EXPECT_TRUE(h.media.back().held);
  EXPECT_TRUE(h.request(first, "session.resumeRecording", {{"sessionId", sid}}).value("ok", false));
  EXPECT_FALSE(h.media.back().held);
  EXPECT_TRUE(h.request(first, "session.hold", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaHold);
  EXPECT_TRUE(h.request(first, "session.unHold", {{"sessionId", sid}}).value("ok", false));

  // A transfer closes only the agent's leg; the next agent is offered one; the customer is not
  // asked to negotiate again.
  h.media.clear();
  const std::string to = second == a1 ? "a1@x.com" : "a2@x.com";
  Json t = h.request(first, "session.transfer", {{"sessionId", sid}, {"userId", to}, {"clientRequestId", "t1"}});
  ASSERT_TRUE(t.value("ok", false)) << t.dump();
  ASSERT_EQ(types(h), (std::vector<Type>{Type::MediaCloseLeg, Type::MediaOffer}));
  EXPECT_EQ(h.media[0].side, 1);
  EXPECT_EQ(h.media[1].side, 2) << "the next agent is connected while it rings";
  EXPECT_EQ(h.media[1].participant, to);
  ASSERT_TRUE(h.request(second, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(types(h), (std::vector<Type>{Type::MediaCloseLeg, Type::MediaOffer, Type::MediaConnectRinging}));
  EXPECT_EQ(h.media[2].participant, to);
  // Late output for the first agent's leg goes to whoever is on the agent side now.
  h.engine->serverMedia(sid, 1, "media.offer", "v=0 to the second");
  h.pump();
  EXPECT_EQ(h.events(second, "media.offer").size(), 1u);

  // The end closes the call's media; a pause after it is refused.
  ASSERT_TRUE(h.request(second, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaClose);
  EXPECT_EQ(RoutingHarness::errorCode(h.request(second, "session.pauseRecording", {{"sessionId", sid}})),
            code(Errc::InvalidState));
  h.engine->serverMedia(sid, 0, "media.answer", "v=0 late");
  h.pump();
  EXPECT_EQ(h.events(900, "media.answer").size(), 1u) << "nothing after the end";
}

TEST(MediaAnchor, ARingThatEndsUnansweredClosesItsLegAndNothingReachesTheAgentAfter) {
  RoutingHarness h(anchored());
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  const std::string sid = dial["data"]["sessionId"].get<std::string>();
  ConnectionId first = h.events(a1, "session.state").empty() ? a2 : a1;
  ConnectionId second = first == a1 ? a2 : a1;
  ASSERT_EQ(types(h), std::vector<Type>{Type::MediaOffer});
  EXPECT_EQ(h.media[0].side, 2);
  // The first agent rejects: its ringing leg closes and the next agent's opens.
  h.media.clear();
  ASSERT_TRUE(h.request(first, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(types(h), (std::vector<Type>{Type::MediaCloseLeg, Type::MediaOffer}));
  EXPECT_EQ(h.media[0].side, 2);
  EXPECT_EQ(h.media[1].side, 2);
  EXPECT_EQ(h.media[1].participant, second == a1 ? "a1@x.com" : "a2@x.com");
  h.engine->serverMedia(sid, 2, "media.offer", "v=0 to whoever rings now");
  h.pump();
  EXPECT_TRUE(h.events(first, "media.offer").empty()) << "its ring is over";
  EXPECT_EQ(h.events(second, "media.offer").size(), 1u);
  EXPECT_NE(RoutingHarness::errorCode(h.request(first, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}})), 0);
  // The caller hangs up while it rings: the call's media closes, the ringing leg with it.
  h.media.clear();
  ASSERT_TRUE(h.customer(900, "customer.hangUp", {{"sessionId", sid}}).value("ok", false));
  ASSERT_FALSE(h.media.empty());
  EXPECT_EQ(h.media.back().type, Type::MediaClose);
}

TEST(MediaAnchor, AnInternalCallHasTheCallerOnTheAgentSideAndTheCalleeOnTheFarSide) {
  RoutingHarness h(anchored());
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  Json res = h.request(a1, "call.startInternal", {{"calleeUserId", "a2@x.com"}, {"clientRequestId", "i1"}});
  const std::string sid = res["data"]["sessionId"].get<std::string>();
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 early"}})),
            code(Errc::InvalidState))
      << "nothing to negotiate before the callee answers";
  ASSERT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_EQ(types(h), std::vector<Type>{Type::MediaOffer});
  EXPECT_EQ(h.media[0].side, 0);
  EXPECT_EQ(h.media[0].participant, "a2@x.com");
  ASSERT_TRUE(h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 caller"}}).value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaAnswerOffer);
  EXPECT_EQ(h.media.back().side, 1);
  ASSERT_TRUE(h.request(a2, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 callee"}}).value("ok", false));
  EXPECT_EQ(h.media.back().type, Type::MediaRemoteAnswer);
  EXPECT_EQ(h.media.back().side, 0);
  h.engine->serverMedia(sid, 0, "media.offer", "v=0 to the callee");
  h.engine->serverMedia(sid, 1, "media.answer", "v=0 to the caller");
  h.pump();
  EXPECT_EQ(h.events(a2, "media.offer").size(), 1u);
  EXPECT_EQ(h.events(a1, "media.answer").size(), 1u);
  // A stranger is not a party.
  ConnectionId a3 = h.login("a3@x.com");
  EXPECT_NE(RoutingHarness::errorCode(h.request(a3, "media.offer", {{"sessionId", sid}, {"sdp", "v=0"}})), 0);
}

TEST(MediaAnchor, EitherAgentOfAnInternalCallMayCarryItsAudioOverAWebSocket) {
  RoutingHarness h(anchored());
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  ConnectionId a3 = h.login("a3@x.com");
  Json res = h.request(a1, "call.startInternal", {{"calleeUserId", "a2@x.com"}, {"clientRequestId", "i1"}});
  const std::string sid = res["data"]["sessionId"].get<std::string>();
  EXPECT_NE(RoutingHarness::errorCode(h.request(a2, "media.ws", {{"sessionId", sid}})), 0)
      << "no ticket while it rings";
  ASSERT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));
  // The caller's ticket puts its socket on the agent side, the callee's on the far side.
  const struct {
    ConnectionId who;
    const char* userId;
    std::uint8_t side;
  } rows[] = {{a1, "a1@x.com", 1}, {a2, "a2@x.com", 0}};
  for (const auto& row : rows) {
    Json ticket = h.request(row.who, "media.ws", {{"sessionId", sid}});
    ASSERT_TRUE(ticket.value("ok", false)) << row.userId << " " << ticket.dump();
    auto claim = h.engine->redeemMediaWs(ticket["data"]["token"].get<std::string>(), h.now);
    ASSERT_TRUE(std::holds_alternative<routing::MediaWsClaim>(claim)) << row.userId;
    const auto& c = std::get<routing::MediaWsClaim>(claim);
    EXPECT_EQ(c.sessionId, sid);
    EXPECT_EQ(c.participant, row.userId);
    EXPECT_EQ(c.side, row.side) << row.userId;
  }
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a3, "media.ws", {{"sessionId", sid}})), code(Errc::SessionNotFound))
      << "a stranger gets no ticket";
}

TEST(MediaAnchor, TranscriptsReachTheAgentsWhileTheCallIsConnectedOnly) {
  RoutingHarness h(anchored());
  ConnectionId a1 = h.login("a1@x.com");
  Json dial = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  const std::string sid = dial["data"]["sessionId"].get<std::string>();
  h.engine->asrResult(sid, "IN", Json{{"text", "too early"}});
  h.pump();
  EXPECT_TRUE(h.events(a1, "session.asr").empty());
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  h.engine->asrResult(sid, "IN", Json{{"text", "hello"}, {"isFinal", true}});
  h.pump();
  auto asr = h.events(a1, "session.asr");
  ASSERT_EQ(asr.size(), 1u);
  EXPECT_EQ(asr[0]["data"],
            (Json{{"sessionId", sid}, {"flow", "IN"}, {"result", {{"text", "hello"}, {"isFinal", true}}}}));
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  h.engine->asrResult(sid, "OUT", Json{{"text", "after the end"}});
  h.pump();
  EXPECT_EQ(h.events(a1, "session.asr").size(), 1u);
}

}  // namespace
}  // namespace tccc::server::testing
