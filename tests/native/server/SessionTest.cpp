// SPDX-License-Identifier: Apache-2.0
// Session requests: outbound test numbers, internal calls, transfer, hold/mute/digits, delete,
// clientRequestId dedupe, validation and ownership.
#include "RoutingHarness.hpp"

namespace tccc::server::testing {
namespace {

Json outbound(RoutingHarness& h, ConnectionId conn, const std::string& number, const std::string& crid,
              Json extra = Json::object()) {
  Json d{{"phoneNumber", number}, {"clientRequestId", crid}};
  for (auto& [k, v] : extra.items()) d[k] = v;
  return h.request(conn, "call.startOutbound", d);
}

struct OutboundCase {
  const char* number;
  std::int64_t settleMs;   // how long until the outcome
  const char* state;       // agent view after settleMs
  const char* mainReason;  // when ended
  const char* endStatus;   // CDR, when ended
};

const OutboundCase kOutbound[] = {
    {"10000000001", 1000, "talking", "", ""},
    {"10000000002", 1000, "ended", "busy", "busy"},
    {"10000000003", 30000, "ended", "notAnswer", "notAnswer"},
    {"10000000004", 2000, "ended", "userReject", "userReject"},
    {"13912345678", 30000, "ended", "notAnswer", "notAnswer"},
};

class OutboundNumbers : public ::testing::TestWithParam<OutboundCase> {};

TEST_P(OutboundNumbers, BehaveAsDocumented) {
  const OutboundCase& c = GetParam();
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  Json res = outbound(h, a1, c.number, "x", {{"uui", "order-7"}, {"phoneDesc", "Mr. Li"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  std::string sid = res["data"]["sessionId"];
  EXPECT_EQ(res["data"]["calleePhoneNumber"], c.number);
  EXPECT_EQ(res["data"]["callerPhoneNumber"], "02100000001");  // bound to a1's group
  EXPECT_EQ(res["data"]["serverType"], "staffSeat");
  EXPECT_EQ(res["data"]["remark"], "Mr. Li");
  EXPECT_EQ(h.session(a1, sid)["state"], "dialing");
  EXPECT_EQ(h.session(a1, sid)["direction"], "out");
  EXPECT_EQ(h.status("a1@x.com"), "busy");
  h.advance(c.settleMs - 1);
  EXPECT_EQ(h.session(a1, sid)["state"], "dialing");
  h.advance(1);
  Json s = h.session(a1, sid);
  EXPECT_EQ(s["state"], c.state);
  if (std::string(c.state) == "ended") {
    EXPECT_EQ(s["endReason"], "failed");
    EXPECT_EQ(s["closeBy"], "admin");
    EXPECT_EQ(s["mainReason"], c.mainReason);
    Json cdr = h.cdrFor(sid);
    EXPECT_EQ(cdr["EndStatusString"], c.endStatus);
    EXPECT_EQ(cdr["Direction"], 1);
    EXPECT_EQ(cdr["CallType"], 1);
    EXPECT_EQ(cdr["Uui"], "order-7");
    EXPECT_EQ(cdr["Duration"], 0);
    EXPECT_EQ(h.status("a1@x.com"), "free") << "an unconnected call has no after-call work";
  } else {
    EXPECT_EQ(h.status("a1@x.com"), "busy");
  }
}

INSTANTIATE_TEST_SUITE_P(TestNumbers, OutboundNumbers, ::testing::ValuesIn(kOutbound),
                         [](const ::testing::TestParamInfo<OutboundCase>& i) {
                           return std::string("n") + i.param.number;
                         });

TEST(Outbound, AnswerThenHangUpNumberEndsByItself) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = outbound(h, a1, "10000000005", "x")["data"]["sessionId"];
  h.advance(1000);
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");
  h.advance(5000);
  Json s = h.session(a1, sid);
  EXPECT_EQ(s["state"], "ended");
  EXPECT_EQ(s["endReason"], "hangup");
  EXPECT_EQ(s["closeBy"], "client");
  EXPECT_EQ(s["duration"], 5);
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["EndStatusString"], "ok");
  EXPECT_EQ(cdr["HungUpSide"], "user");
  EXPECT_EQ(cdr["Duration"], 5);
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
}

TEST(Outbound, AgentCancellingWhileDialingIsCallerCancel) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = outbound(h, a1, "10000000003", "x")["data"]["sessionId"];
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", sid}})["ok"].get<bool>());
  EXPECT_EQ(h.session(a1, sid)["closeBy"], "seat");
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "callerCancel");
  EXPECT_EQ(h.cdrFor(sid)["HungUpSide"], "seat");
}

TEST(Outbound, RegisteredCalleePageRingsAndAnswers) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId callee = 800;
  ASSERT_TRUE(h.customer(callee, "customer.registerNumber", {{"number", "13700000000"}})["ok"].get<bool>());
  std::string sid = outbound(h, a1, "13700000000", "x")["data"]["sessionId"];
  auto st = h.events(callee, "customer.state");
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0]["data"]["state"], "ringing");
  EXPECT_EQ(st[0]["data"]["caller"], "02100000001");
  ASSERT_TRUE(h.customer(callee, "customer.answer", {{"sessionId", sid}})["ok"].get<bool>());
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");
  // Digits the agent sends reach the callee page.
  ASSERT_TRUE(h.request(a1, "session.sendDigits", {{"sessionId", sid}, {"digits", "12#"}})["ok"].get<bool>());
  EXPECT_EQ(h.events(callee, "customer.dtmf").back()["data"]["digits"], "12#");
  h.customer(callee, "customer.hangUp");
  EXPECT_EQ(h.session(a1, sid)["closeBy"], "client");
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "ok");
}

TEST(Outbound, RegisteredCalleeCanRejectOrBeBusy) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId callee = 801;
  h.customer(callee, "customer.registerNumber", {{"number", "13700000001"}});
  std::string sid = outbound(h, a1, "13700000001", "x")["data"]["sessionId"];
  h.customer(callee, "customer.busy");
  EXPECT_EQ(h.cdrFor(sid)["EndStatusString"], "busy");
  std::string sid2 = outbound(h, a1, "13700000001", "y")["data"]["sessionId"];
  h.customer(callee, "customer.reject");
  EXPECT_EQ(h.cdrFor(sid2)["EndStatusString"], "userReject");
}

TEST(Outbound, CallerNumberAndQueuedSkillGroupRules) {
  RoutingHarness h;
  ConnectionId a3 = h.login("a3@x.com");  // groups 1 and 2: not a single phone group
  Json res = outbound(h, a3, "10000000002", "a", {{"callerPhoneNumber", "02100000002"}});
  ASSERT_TRUE(res["ok"].get<bool>());
  EXPECT_EQ(res["data"]["callerPhoneNumber"], "02100000002");
  h.advance(1000);
  // Rule 2: the number's own group.
  EXPECT_EQ(h.cdrFor(res["data"]["sessionId"])["QueuedSkillGroupId"], 2);
  Json bad = outbound(h, a3, "10000000002", "b", {{"callerPhoneNumber", "999"}});
  EXPECT_EQ(RoutingHarness::errorCode(bad), code(Errc::NotFound));
  ConnectionId a1 = h.login("a1@x.com");  // rule 1: the only phone group
  Json r1 = outbound(h, a1, "10000000002", "c");
  h.advance(1000);
  EXPECT_EQ(h.cdrFor(r1["data"]["sessionId"])["QueuedSkillGroupId"], 1);
  EXPECT_EQ(h.cdrFor(r1["data"]["sessionId"])["QueuedSkillGroupName"], "Sales");
}

TEST(Outbound, ValidationAndState) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "call.startOutbound", {{"phoneNumber", "123"}})),
            code(Errc::InvalidArgument))
      << "clientRequestId is required";
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, a1, "12ab", "1")), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, a1, std::string(40, '1'), "2")), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, a1, "10000000001", "3", {{"uui", 7}})), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, a1, "10000000001", "4", {{"skillGroupId", 2}})),
            code(Errc::NotFound));
  ASSERT_TRUE(outbound(h, a1, "10000000001", "5")["ok"].get<bool>());
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, a1, "10000000001", "6")), code(Errc::InvalidState));
  ConnectionId solo = h.login("solo@x.com");
  h.request(solo, "agent.offline");
  EXPECT_EQ(RoutingHarness::errorCode(outbound(h, solo, "10000000001", "7")), code(Errc::InvalidState));
}

TEST(ClientRequestId, ARepeatGetsTheFirstAnswerAndDoesNotActTwice) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  Json first = outbound(h, a1, "10000000003", "same");
  Json again = outbound(h, a1, "10000000003", "same");
  ASSERT_TRUE(again["ok"].get<bool>()) << "a repeat is not 'busy': it is the same request";
  EXPECT_EQ(first["data"], again["data"]);
  EXPECT_EQ(h.engine->liveCallCount(), 1u);
  h.request(a1, "session.hangUp", {{"sessionId", first["data"]["sessionId"]}});
  // Errors are remembered too; after 10 minutes the id is forgotten.
  Json bad = outbound(h, a1, "10000000001", "keep", {{"skillGroupId", 2}});
  h.advance(599000);
  EXPECT_EQ(outbound(h, a1, "10000000001", "keep")["error"]["code"], bad["error"]["code"]);
  h.advance(31000);
  EXPECT_TRUE(outbound(h, a1, "10000000001", "keep")["ok"].get<bool>());
}

TEST(InternalCall, RingsTheColleagueAndConnectsBoth) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  h.request(a2, "agent.setStatus", {{"status", "notReady"}});  // notReady still takes internal calls
  Json res = h.request(a1, "call.startInternal", {{"calleeUserId", "a2@x.com"}, {"clientRequestId", "i1"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  std::string sid = res["data"]["sessionId"];
  EXPECT_EQ(h.session(a1, sid)["state"], "dialing");
  EXPECT_EQ(h.session(a1, sid)["type"], "internal");
  EXPECT_EQ(h.session(a1, sid)["peerUserId"], "a2@x.com");
  Json ring = h.session(a2, sid);
  EXPECT_EQ(ring["state"], "ringing");
  EXPECT_EQ(ring["direction"], "in");
  EXPECT_EQ(ring["peerUserId"], "a1@x.com");
  h.request(a2, "session.accept", {{"sessionId", sid}});
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");
  EXPECT_EQ(h.session(a2, sid)["state"], "talking");
  EXPECT_EQ(h.status("a2@x.com"), "busy");
  h.advance(4000);
  h.request(a2, "session.hangUp", {{"sessionId", sid}});
  EXPECT_EQ(h.session(a1, sid)["state"], "ended");
  EXPECT_EQ(h.session(a2, sid)["closeBy"], "seat");
  EXPECT_EQ(h.session(a1, sid)["closeBy"], "client") << "to the caller, the callee who hung up is its far end";
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["CallType"], 6);
  EXPECT_EQ(cdr["Caller"], "a1@x.com");
  EXPECT_EQ(cdr["Callee"], "a2@x.com");
  EXPECT_EQ(cdr["Duration"], 4);
  EXPECT_EQ(cdr["ServeParticipants"].size(), 2u);
}

TEST(InternalCall, UnavailableUnknownAndNoAnswer) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  auto call = [&](const std::string& who, const std::string& crid) {
    return h.request(a1, "call.startInternal", {{"calleeUserId", who}, {"clientRequestId", crid}});
  };
  EXPECT_EQ(RoutingHarness::errorCode(call("a2@x.com", "1")), code(Errc::PeerUnavailable)) << "not logged in";
  EXPECT_EQ(RoutingHarness::errorCode(call("ghost@x.com", "2")), code(Errc::NotFound));
  EXPECT_EQ(RoutingHarness::errorCode(call("o1@y.com", "3")), code(Errc::NotFound)) << "another tenant's agent";
  EXPECT_EQ(RoutingHarness::errorCode(call("a1@x.com", "4")), code(Errc::InvalidArgument));
  ConnectionId a2 = h.login("a2@x.com");
  h.request(a2, "agent.setStatus", {{"status", "rest"}});
  EXPECT_EQ(RoutingHarness::errorCode(call("a2@x.com", "5")), code(Errc::PeerUnavailable));
  h.request(a2, "agent.setStatus", {{"status", "free"}});
  std::string sid = call("a2@x.com", "6")["data"]["sessionId"];
  h.advance(30000);
  EXPECT_EQ(h.session(a1, sid)["mainReason"], "notAnswer");
  EXPECT_EQ(h.session(a2, sid)["state"], "ended");
  EXPECT_EQ(h.session(a2, sid)["endReason"], "failed");
  EXPECT_EQ(h.status("a1@x.com"), "free");
  EXPECT_EQ(h.status("a2@x.com"), "free");
}

// A connected inbound call at a1 (Sales), for the transfer and in-call tests.
std::string connectedCall(RoutingHarness& h, ConnectionId a1) {
  std::string sid = h.simCall();
  EXPECT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}})["ok"].get<bool>());
  return sid;
}

TEST(Transfer, ToASkillGroupGoesThroughTheAcd) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedCall(h, a1);
  ConnectionId a4 = h.login("a4@x.com");
  Json res = h.request(a1, "session.transfer", {{"sessionId", sid}, {"skillGroupId", "2"}, {"clientRequestId", "t"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  Json old = h.session(a1, sid);
  EXPECT_EQ(old["state"], "ended");
  EXPECT_EQ(old["endReason"], "transfer");
  EXPECT_EQ(old["transferTo"]["skillGroupId"], "2");
  EXPECT_EQ(h.status("a1@x.com"), "arrange");
  EXPECT_EQ(h.session(a4, sid)["state"], "ringing");
  EXPECT_EQ(h.session(a4, sid)["skillGroupId"], "2");
  h.request(a4, "session.accept", {{"sessionId", sid}});
  h.request(a4, "session.hangUp", {{"sessionId", sid}});
  Json cdr = h.cdrFor(sid);
  EXPECT_EQ(cdr["SeatUser"]["Mail"], "a4@x.com");
  ASSERT_EQ(cdr["ServeParticipants"].size(), 2u);
  EXPECT_EQ(cdr["ServeParticipants"][0]["EndStatusString"], "seatForward");
  EXPECT_EQ(cdr["ServeParticipants"][0]["TransferTo"], "2");
  EXPECT_EQ(cdr["ServeParticipants"][0]["TransferToType"], "skillGroup");
  EXPECT_EQ(cdr["ServeParticipants"][1]["TransferFrom"], "a1@x.com");
  EXPECT_EQ(cdr["QueuedSkillGroupId"], 1) << "the first queue stays in the CDR";
}

TEST(Transfer, ToAnAgent) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedCall(h, a1);
  ConnectionId a2 = h.login("a2@x.com");
  Json res = h.request(a1, "session.transfer", {{"sessionId", sid}, {"userId", "a2@x.com"}, {"clientRequestId", "t"}});
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  EXPECT_EQ(h.session(a1, sid)["transferTo"]["userId"], "a2@x.com");
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  h.request(a2, "session.accept", {{"sessionId", sid}});
  EXPECT_EQ(h.sim(sid)["agentUserId"], "a2@x.com");
}

TEST(Transfer, Errors) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedCall(h, a1);
  auto tr = [&](Json d) {
    d["sessionId"] = sid;
    d["clientRequestId"] = "t" + std::to_string(h.nextId);
    return RoutingHarness::errorCode(h.request(a1, "session.transfer", d));
  };
  EXPECT_EQ(tr(Json::object()), code(Errc::InvalidArgument));
  EXPECT_EQ(tr({{"skillGroupId", 2}, {"userId", "a2@x.com"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(tr({{"skillGroupId", 99}}), code(Errc::NotFound));
  EXPECT_EQ(tr({{"skillGroupId", 10}}), code(Errc::NotFound)) << "another tenant's group";
  EXPECT_EQ(tr({{"skillGroupId", 3}}), code(Errc::PeerUnavailable)) << "nobody online there";
  EXPECT_EQ(tr({{"userId", "ghost@x.com"}}), code(Errc::NotFound));
  EXPECT_EQ(tr({{"userId", "a2@x.com"}}), code(Errc::PeerUnavailable));
  EXPECT_EQ(tr({{"userId", "a1@x.com"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(h.session(a1, sid)["state"], "talking") << "failed transfers leave the call alone";
}

TEST(InCall, HoldMuteDigits) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedCall(h, a1);
  auto req = [&](const std::string& m, Json d = Json::object()) {
    d["sessionId"] = sid;
    return RoutingHarness::errorCode(h.request(a1, m, d));
  };
  EXPECT_EQ(req("session.unHold"), code(Errc::InvalidState));
  EXPECT_EQ(req("session.hold"), 0);
  EXPECT_EQ(h.session(a1, sid)["state"], "held");
  EXPECT_EQ(h.session(a1, sid)["held"], true);
  EXPECT_EQ(h.sim(sid)["state"], "held");
  EXPECT_EQ(req("session.hold"), code(Errc::InvalidState));
  EXPECT_EQ(req("session.sendDigits", {{"digits", "1"}}), code(Errc::InvalidState)) << "not while held";
  EXPECT_EQ(req("session.unHold"), 0);
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");
  EXPECT_EQ(req("session.mute", {{"kind", "audio"}}), 0);
  EXPECT_EQ(h.session(a1, sid)["muted"], true);
  EXPECT_EQ(req("session.mute", {{"kind", "smell"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(req("session.unmute", {{"kind", "audio"}}), 0);
  EXPECT_EQ(h.session(a1, sid)["muted"], false);
  EXPECT_EQ(req("session.sendDigits", {{"digits", "12*#AD"}}), 0);
  EXPECT_EQ(h.sim(sid)["digitsReceived"], "12*#AD");
  EXPECT_EQ(req("session.sendDigits", {{"digits", "12x"}}), code(Errc::InvalidArgument));
  EXPECT_EQ(req("session.sendDigits", {{"digits", std::string(33, '1')}}), code(Errc::InvalidArgument));
  EXPECT_EQ(req("session.delete"), code(Errc::InvalidState)) << "a live session cannot be deleted";
  EXPECT_EQ(req("session.hangUp"), 0);
  EXPECT_EQ(req("session.hangUp"), 0) << "hanging up an ended session is harmless";
  EXPECT_EQ(req("session.hold"), code(Errc::InvalidState));
  EXPECT_EQ(req("session.delete"), 0);
  EXPECT_EQ(req("session.delete"), code(Errc::SessionNotFound));
}

TEST(Ownership, OtherAgentsAndTenantsSessionsAreNotFound) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = h.simCall();
  ConnectionId a2 = h.login("a2@x.com");
  ConnectionId o1 = h.login("o1@y.com", kOtherApp);
  for (ConnectionId c : {a2, o1}) {
    for (const char* m : {"session.accept", "session.hangUp", "session.hold", "session.delete"})
      EXPECT_EQ(RoutingHarness::errorCode(h.request(c, m, {{"sessionId", sid}})), code(Errc::SessionNotFound)) << m;
  }
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "session.accept", {{"sessionId", 12}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "session.accept", Json::object())), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "session.accept", {{"sessionId", std::string(65, 's')}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(h.session(a1, sid)["state"], "ringing");
  EXPECT_EQ(h.engine->adminHangUp(kOtherApp, sid, h.now).code, Errc::SessionNotFound);
  EXPECT_FALSE(h.engine->describeSession(kOtherApp, sid).has_value());
  EXPECT_EQ(h.engine->describeSession(kApp, sid)->at("SessionStatus"), "ringing");
}

TEST(Admin, HangUpThroughTheCloudApi) {
  RoutingHarness h;
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connectedCall(h, a1);
  EXPECT_EQ(h.engine->adminHangUp(kApp, sid, h.now).code, Errc::None);
  h.pump();
  EXPECT_EQ(h.session(a1, sid)["closeBy"], "admin");
  EXPECT_EQ(h.engine->adminHangUp(kApp, sid, h.now).code, Errc::SessionNotFound);
  EXPECT_EQ(h.engine->describeSession(kApp, sid)->at("SessionStatus"), "finished");
}

}  // namespace
}  // namespace tccc::server::testing
