// SPDX-License-Identifier: Apache-2.0
// The media signalling relay (docs/protocol.md, "Media"): offer/answer/candidate go between the
// agent and the customer leg of one connected call, rebuilt from the documented fields only; other
// agents, tenants and sessions, calls that are not (or no longer) connected, and malformed payloads
// are refused with the catalogue's codes and reach nobody.
#include "RoutingHarness.hpp"
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>

namespace tccc::server::testing {
namespace {

struct Connected {
  ConnectionId agent = 0;
  ConnectionId customer = 900;
  std::string sessionId;
};

/// a1 answers a call dialled from a customer socket (plain number → Sales).
Connected relayedCall(RoutingHarness& h, ConnectionId customer = 900) {
  Connected c;
  c.customer = customer;
  c.agent = h.login("a1@x.com");
  Json res = h.customer(customer, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "13900000000"}});
  c.sessionId = res["data"]["sessionId"].get<std::string>();
  Json accepted = h.request(c.agent, "session.accept", {{"sessionId", c.sessionId}});
  EXPECT_TRUE(accepted.value("ok", false)) << accepted.dump();
  return c;
}

TEST(MediaRelay, DialAnswerCarriesTheConfiguredIceServers) {
  routing::RoutingEngine::Options options;
  options.anchorMedia = false;  // the relay of --media-mode p2p
  options.iceServers = Json::parse(R"([{"urls":"stun:127.0.0.1:3478"}])");
  RoutingHarness h(options);
  Json res = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  EXPECT_EQ(res["data"]["iceServers"], options.iceServers);
  ConnectionId a = h.login("a1@x.com");
  (void)a;
  Json login = h.frames[a].front();
  EXPECT_EQ(login["data"]["iceServers"], options.iceServers);
}

TEST(MediaRelay, OfferAnswerAndCandidatesFlowBetweenTheLegs) {
  RoutingHarness h;
  Connected c = relayedCall(h);
  Json r = h.customer(c.customer, "media.offer", {{"sessionId", c.sessionId}, {"sdp", "v=0 offer"}, {"secret", 1}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  auto offers = h.events(c.agent, "media.offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["data"], (Json{{"sdp", "v=0 offer"}, {"sessionId", c.sessionId}}));
  EXPECT_TRUE(offers[0]["seq"].is_number_integer());

  r = h.request(c.agent, "media.answer", {{"sessionId", c.sessionId}, {"sdp", "v=0 answer"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  auto answers = h.events(c.customer, "media.answer");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["data"], (Json{{"sdp", "v=0 answer"}, {"sessionId", c.sessionId}}));

  Json cand = {
      {"candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}};
  Json withJunk = cand;
  withJunk["usernameFragment"] = "x";
  h.request(c.agent, "media.candidate", {{"sessionId", c.sessionId}, {"candidate", withJunk}});
  h.customer(c.customer, "media.candidate", {{"candidate", cand}});  // sessionId is optional for a leg
  ASSERT_EQ(h.events(c.customer, "media.candidate").size(), 1u);
  EXPECT_EQ(h.events(c.customer, "media.candidate")[0]["data"]["candidate"], cand);
  ASSERT_EQ(h.events(c.agent, "media.candidate").size(), 1u);
  EXPECT_EQ(h.events(c.agent, "media.candidate")[0]["data"]["candidate"], cand);
}

TEST(MediaRelay, HeldCallsStillRelay) {
  RoutingHarness h;
  Connected c = relayedCall(h);
  h.request(c.agent, "session.hold", {{"sessionId", c.sessionId}});
  Json r = h.request(c.agent, "media.offer", {{"sessionId", c.sessionId}, {"sdp", "v=0 restart"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  EXPECT_EQ(h.events(c.customer, "media.offer").size(), 1u);
}

TEST(MediaRelay, OtherAgentsTenantsAndSessionsAreRefused) {
  RoutingHarness h;
  Connected c = relayedCall(h);
  ConnectionId a2 = h.login("a2@x.com");
  ConnectionId other = h.login("o1@y.com", kOtherApp);
  Json sdp = {{"sessionId", c.sessionId}, {"sdp", "v=0"}};
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a2, "media.offer", sdp)), code(Errc::SessionNotFound));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(other, "media.offer", sdp)), code(Errc::SessionNotFound));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(c.agent, "media.offer", {{"sessionId", "s-nope"}, {"sdp", "v=0"}})),
            code(Errc::SessionNotFound));
  // A second customer socket cannot inject into somebody else's call, even naming its session.
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(901, "media.offer", sdp)), code(Errc::SessionNotFound));
  // A caller with a call of its own cannot name another session.
  h.customer(902, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(902, "media.offer", sdp)), code(Errc::SessionNotFound));
  EXPECT_TRUE(h.events(c.customer, "media.offer").empty());
  EXPECT_TRUE(h.events(c.agent, "media.offer").empty());
  EXPECT_TRUE(h.events(a2, "media.offer").empty());
}

TEST(MediaRelay, OnlyConnectedCallsRelay) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  Json res = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  std::string sid = res["data"]["sessionId"];
  // Ringing: the agent has not answered, so there is nobody to negotiate with yet.
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(900, "media.offer", {{"sdp", "v=0"}})), code(Errc::InvalidState));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0"}})),
            code(Errc::InvalidState));
  h.request(a1, "session.accept", {{"sessionId", sid}});
  EXPECT_TRUE(h.customer(900, "media.offer", {{"sdp", "v=0"}}).value("ok", false));
  h.customer(900, "customer.hangUp");
  // Ended: refused on both sides, and nothing reaches the other leg.
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(900, "media.candidate", {{"candidate", {{"candidate", ""}}}})),
            code(Errc::SessionNotFound));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.answer", {{"sessionId", sid}, {"sdp", "v=0"}})),
            code(Errc::InvalidState));
  EXPECT_EQ(h.events(a1, "media.offer").size(), 1u);
  EXPECT_TRUE(h.events(900, "media.answer").empty());
}

TEST(MediaRelay, SimulatedCallersHaveNoMediaLegWithoutServerMedia) {
  // With the server's own media leg (the default) they do: tests/native/server/media/.
  routing::RoutingEngine::Options options;
  options.anchorMedia = false;  // the relay of --media-mode p2p
  options.serverMedia = false;
  RoutingHarness h(options);
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall();
  h.request(a1, "session.accept", {{"sessionId", sid}});
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0"}})),
            code(Errc::InvalidState));
}

TEST(MediaRelay, MalformedPayloadsAreInvalidArguments) {
  RoutingHarness h;
  Connected c = relayedCall(h);
  const Json bad[] = {
      Json{{"sessionId", c.sessionId}},
      Json{{"sessionId", c.sessionId}, {"sdp", ""}},
      Json{{"sessionId", c.sessionId}, {"sdp", 12}},
      Json{{"sessionId", c.sessionId}, {"sdp", std::string(60001, 'a')}},
      Json{{"sdp", "v=0"}},
  };
  for (const auto& data : bad) {
    EXPECT_EQ(RoutingHarness::errorCode(h.request(c.agent, "media.offer", data)), code(Errc::InvalidArgument))
        << data.dump().substr(0, 80);
  }
  const Json badCandidates[] = {
      Json("candidate:1"),
      Json{{"sdpMid", "0"}},
      Json{{"candidate", std::string(1025, 'c')}},
      Json{{"candidate", "c"}, {"sdpMid", 0}},
      Json{{"candidate", "c"}, {"sdpMLineIndex", "0"}},
      Json{{"candidate", "c"}, {"sdpMLineIndex", 70000}},
  };
  for (const auto& cand : badCandidates) {
    EXPECT_EQ(RoutingHarness::errorCode(h.customer(c.customer, "media.candidate", {{"candidate", cand}})),
              code(Errc::InvalidArgument))
        << cand.dump();
    EXPECT_EQ(RoutingHarness::errorCode(
                  h.request(c.agent, "media.candidate", {{"sessionId", c.sessionId}, {"candidate", cand}})),
              code(Errc::InvalidArgument))
        << cand.dump();
  }
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(c.customer, "media.answer", {{"sessionId", 5}, {"sdp", "v=0"}})),
            code(Errc::InvalidArgument));
  EXPECT_TRUE(h.events(c.customer, "media.offer").empty());
  EXPECT_TRUE(h.events(c.customer, "media.candidate").empty());
  EXPECT_TRUE(h.events(c.agent, "media.candidate").empty());
  EXPECT_TRUE(h.events(c.agent, "media.answer").empty());
}

TEST(MediaRelay, IceServersOptionIsValidated) {
  Json ok = ServerConfig::parseIceServers(Json::parse(
      R"([{"urls":"stun:s.example.com:3478","extra":1},{"urls":["turn:t.example.com"],"username":"u","credential":"p"}])"));
  EXPECT_EQ(
      ok,
      Json::parse(
          R"([{"urls":"stun:s.example.com:3478"},{"urls":["turn:t.example.com"],"username":"u","credential":"p"}])"));
  const char* bad[] = {R"({"urls":"stun:x"})",
                       R"([{"urls":"http://x"}])",
                       R"([{"urls":[]}])",
                       R"([{}])",
                       R"([{"urls":"stun:x","username":5}])",
                       R"(["stun:x"])"};
  for (const char* text : bad) EXPECT_THROW(ServerConfig::parseIceServers(Json::parse(text)), ConfigError) << text;
  ServerConfig config;
  config.applyJson(Json{{"ice-servers", R"([{"urls":"stun:127.0.0.1:3478"}])"}}, {});
  EXPECT_EQ(config.iceServers, Json::parse(R"([{"urls":"stun:127.0.0.1:3478"}])"));
  EXPECT_THROW(config.applyJson(Json{{"ice-servers", "[{"}}, {}), ConfigError);
}

// Internal calls have two agents and no customer leg: the caller offers once the callee has
// answered, and each agent's media reaches the other one.
TEST(MediaRelay, InternalCallsRelayBetweenTheTwoAgents) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  ConnectionId a3 = h.login("a3@x.com");
  Json res = h.request(a1, "call.startInternal", {{"calleeUserId", "a2@x.com"}, {"clientRequestId", "i1"}});
  ASSERT_TRUE(res.value("ok", false)) << res.dump();
  std::string sid = res["data"]["sessionId"];
  // Ringing: nobody to negotiate with yet (a2 has seen the session, a3 has not).
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 early"}})),
            code(Errc::InvalidState));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a2, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 early"}})),
            code(Errc::SessionNotFound));
  ASSERT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));

  Json r = h.request(a1, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 offer"}, {"junk", true}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  auto offers = h.events(a2, "media.offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["data"], (Json{{"sdp", "v=0 offer"}, {"sessionId", sid}}));
  EXPECT_TRUE(h.events(a1, "media.offer").empty());

  r = h.request(a2, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 answer"}});
  EXPECT_TRUE(r.value("ok", false)) << r.dump();
  auto answers = h.events(a1, "media.answer");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0]["data"], (Json{{"sdp", "v=0 answer"}, {"sessionId", sid}}));

  Json cand = {
      {"candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}};
  h.request(a2, "media.candidate", {{"sessionId", sid}, {"candidate", cand}});
  ASSERT_EQ(h.events(a1, "media.candidate").size(), 1u);
  EXPECT_EQ(h.events(a1, "media.candidate")[0]["data"]["candidate"], cand);

  // A third agent cannot inject anything; after the hang-up nothing goes through.
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a3, "media.offer", {{"sessionId", sid}, {"sdp", "v=0 x"}})),
            code(Errc::SessionNotFound));
  h.request(a1, "session.hangUp", {{"sessionId", sid}});
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a2, "media.answer", {{"sessionId", sid}, {"sdp", "v=0 late"}})),
            code(Errc::InvalidState));
  EXPECT_TRUE(h.events(a3, "media.offer").empty());
  EXPECT_EQ(h.events(a1, "media.answer").size(), 1u);
}

// --ring-timeout-sec overrides the skill groups' ring time: the offer moves on after it, and the
// ringing session says so in `timeout`.
TEST(MediaRelay, RingTimeoutOverrideMovesTheOfferOnSooner) {
  routing::RoutingEngine::Options options;
  options.anchorMedia = false;  // the relay of --media-mode p2p
  options.ringTimeoutOverrideSec = 3;
  RoutingHarness h(options);
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  Json res = h.customer(900, "customer.dial", {{"serviceNumber", "4008002000"}, {"caller", "139"}});
  std::string sid = res["data"]["sessionId"];
  std::string first = h.session(a1, sid).is_object() ? "a1" : "a2";
  ConnectionId ringing = first == "a1" ? a1 : a2;
  ConnectionId next = first == "a1" ? a2 : a1;
  EXPECT_EQ(h.session(ringing, sid)["timeout"], 3);
  h.advance(2900);
  EXPECT_EQ(h.session(ringing, sid)["state"], "ringing");
  h.advance(200);
  EXPECT_EQ(h.session(ringing, sid)["endReason"], "ringTimeout");
  EXPECT_EQ(h.session(next, sid)["state"], "ringing");
}

TEST(MediaRelay, CallTimingOptionsAreValidated) {
  ServerConfig config;
  config.applyJson(Json{{"ring-timeout-sec", 5}, {"outbound-no-answer-sec", 4}}, {});
  EXPECT_EQ(config.ringTimeoutSec, 5);
  EXPECT_EQ(config.outboundNoAnswerSec, 4);
  EXPECT_NO_THROW(config.validate());
  config.ringTimeoutSec = -1;
  EXPECT_THROW(config.validate(), ConfigError);
  config.ringTimeoutSec = 0;
  config.outboundNoAnswerSec = 0;
  EXPECT_THROW(config.validate(), ConfigError);
}

}  // namespace
}  // namespace tccc::server::testing
