// SPDX-License-Identifier: Apache-2.0
// Chat (im) sessions in the routing engine: ACD over an im skill group, messages with seq and
// idempotent sends, bounds, visitor resume, ring timeout, transfer with history, capacity, IM CDRs.
#include "RoutingHarness.hpp"
#include "chat/InterruptedChatRecovery.hpp"
#include "chat/MemoryChatRepository.hpp"

namespace tccc::server::testing {
namespace {

constexpr std::int64_t kChatGroup = 20;

class ChatRoutingTest : public ::testing::Test {
 protected:
  RoutingHarness h;
  MemoryChatRepository repo;
  ConnectionId visitor = 900;

  void SetUp() override { configure(h); }

  /// The online skill group and its two agents, over `repo`.
  void configure(RoutingHarness& harness) {
    auto& g = harness.dir.addGroup(kApp, kChatGroup, "Online");
    g.type = "im";
    g.ringTimeoutSec = 15;
    g.maxWaitSec = 60;
    g.maxQueueLength = 3;
    g.maxConcurrency = 2;
    harness.dir.staff[{kApp, "a1@x.com"}].skillGroupIds.push_back(kChatGroup);
    harness.dir.staff[{kApp, "a2@x.com"}].skillGroupIds.push_back(kChatGroup);
    harness.engine->setChatRepository(&repo);
  }

  Json start(ConnectionId conn, const std::string& nickname = "Ann", Json extra = Json::object()) {
    Json data{
        {"serviceNumber", "4008002000"}, {"nickname", nickname}, {"clientData", "order=42"}, {"peerSource", "web"}};
    for (auto& [k, v] : extra.items()) data[k] = v;
    return h.customer(conn, "chat.start", data);
  }

  Json send(ConnectionId conn, const std::string& sid, const std::string& text, const std::string& clientMsgId = "") {
    Json data{{"sessionId", sid}, {"text", text}};
    if (!clientMsgId.empty()) data["clientMsgId"] = clientMsgId;
    return h.request(conn, "chat.send", data);
  }

  Json say(ConnectionId conn, const std::string& text, const std::string& clientMsgId = "") {
    Json data{{"text", text}};
    if (!clientMsgId.empty()) data["clientMsgId"] = clientMsgId;
    return h.customer(conn, "chat.send", data);
  }

  std::vector<Json> messages(ConnectionId conn) {
    std::vector<Json> out;
    for (auto& f : h.frames[conn])
      if (f["type"] == "evt" && f["event"] == "chat.message") out.push_back(f["data"]["message"]);
    return out;
  }

  std::vector<std::string> customerStates(ConnectionId conn) {
    std::vector<std::string> out;
    for (auto& f : h.frames[conn])
      if (f["type"] == "evt" && f["event"] == "customer.state") out.push_back(f["data"]["state"]);
    return out;
  }

  /// A chat accepted by `agentConn`: returns its sessionId.
  std::string connected(ConnectionId agentConn, ConnectionId conn) {
    Json res = start(conn);
    EXPECT_TRUE(res.value("ok", false)) << res.dump();
    std::string sid = res["data"]["sessionId"];
    EXPECT_EQ(h.session(agentConn, sid)["state"], "ringing");
    Json acc = h.request(agentConn, "session.accept", {{"sessionId", sid}});
    EXPECT_TRUE(acc.value("ok", false)) << acc.dump();
    return sid;
  }
};

TEST_F(ChatRoutingTest, VisitorAndAgentTalkInOrderAndTheAgentStaysFree) {
  ConnectionId a1 = h.login("a1@x.com");
  Json res = start(visitor, "Ann <img src=x onerror=alert(1)>");
  ASSERT_TRUE(res.value("ok", false)) << res.dump();
  std::string sid = res["data"]["sessionId"];
  EXPECT_FALSE(res["data"]["visitorToken"].get<std::string>().empty());
  Json ringing = h.session(a1, sid);
  EXPECT_EQ(ringing["type"], "im");
  EXPECT_EQ(ringing["state"], "ringing");
  EXPECT_EQ(ringing["nickname"], "Ann <img src=x onerror=alert(1)>");
  EXPECT_EQ(ringing["clientData"], "order=42");
  EXPECT_EQ(ringing["peerSource"], "web");
  EXPECT_EQ(ringing["timeout"], 15);
  EXPECT_EQ(ringing["lastMessageSeq"], 0);

  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");
  EXPECT_EQ(h.status("a1@x.com"), "free");  // chats never make the agent busy
  auto states = customerStates(visitor);
  ASSERT_GE(states.size(), 3u);
  EXPECT_EQ(states.back(), "connected");
  Json connectedEvt = h.events(visitor, "customer.state").back();
  EXPECT_EQ(connectedEvt["data"]["agent"]["nick"], "nick-a1");

  Json v1 = say(visitor, "hello", "v-1");
  ASSERT_TRUE(v1.value("ok", false)) << v1.dump();
  Json a = send(a1, sid, "hi Ann", "a-1");
  ASSERT_TRUE(a.value("ok", false)) << a.dump();
  Json v2 = say(visitor, "second", "v-2");
  ASSERT_TRUE(v2.value("ok", false));

  auto atAgent = messages(a1);
  auto atVisitor = messages(visitor);
  ASSERT_EQ(atAgent.size(), 4u);  // joined notice + 3 messages
  ASSERT_EQ(atVisitor.size(), 4u);
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < atAgent.size(); ++i) {
    EXPECT_EQ(atAgent[i]["seq"], static_cast<int>(i + 1));
    EXPECT_EQ(atAgent[i]["messageId"], atVisitor[i]["messageId"]);
    texts.push_back(atAgent[i]["text"]);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"nick-a1 joined the chat", "hello", "hi Ann", "second"}));
  EXPECT_EQ(atAgent[0]["from"], "system");
  // A notice carries a code and the agent it is about, for each reader to word in its language.
  EXPECT_EQ(atAgent[0]["notice"], "joined");
  EXPECT_EQ(atAgent[0]["senderName"], "nick-a1");
  EXPECT_EQ(atAgent[0]["type"], "text");
  EXPECT_EQ(atVisitor[0]["notice"], "joined");
  EXPECT_FALSE(atAgent[1].contains("notice")) << "only system messages are notices";
  EXPECT_EQ(atAgent[2]["from"], "agent");
  EXPECT_EQ(atAgent[2]["senderId"], "a1@x.com");
  EXPECT_EQ(atVisitor[2]["senderId"], "");  // the visitor never sees the agent's login
  EXPECT_EQ(atVisitor[2]["senderName"], "nick-a1");
  EXPECT_EQ(a["data"]["message"]["seq"], 3);
  // Stored durably, in order, with the same ids.
  auto stored = repo.listChatMessages(kApp, sid, 0, 100);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[3].content, "second");
  EXPECT_EQ(stored[3].messageId, atAgent[3]["messageId"]);
}

TEST_F(ChatRoutingTest, ARetriedSendWithTheSameClientMsgIdIsStoredAndDeliveredOnce) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  Json first = say(visitor, "only once", "dup-1");
  Json again = say(visitor, "only once", "dup-1");
  ASSERT_TRUE(again.value("ok", false)) << again.dump();
  EXPECT_EQ(first["data"]["message"]["messageId"], again["data"]["message"]["messageId"]);
  EXPECT_EQ(messages(a1).size(), 2u);                // joined + one
  Json agentFirst = send(a1, sid, "same", "dup-1");  // the agent's ids are its own namespace
  EXPECT_NE(agentFirst["data"]["message"]["messageId"], first["data"]["message"]["messageId"]);
  EXPECT_EQ(repo.listChatMessages(kApp, sid, 0, 100).size(), 3u);
}

/// A repository on a disk that fails: acceptingWrites() says so (the StorageBreaker is open), or an
/// append throws and trips it.
class FailingDiskRepository : public MemoryChatRepository {
 public:
  bool breakerOpen = false;
  bool faultTripsBreaker = false;  // the next append throws, and the breaker opens as it does
  ChatMessageRecord appendChatMessage(const ChatMessageRecord& message) override {
    if (faultTripsBreaker) {
      faultTripsBreaker = false;
      breakerOpen = true;
      throw std::runtime_error("disk I/O error");
    }
    return MemoryChatRepository::appendChatMessage(message);
  }
  bool acceptingWrites() const override { return !breakerOpen; }
};

TEST_F(ChatRoutingTest, AFailingDiskRefusesMessagesAtOnceAndTheSameClientMsgIdWorksOnceItIsBack) {
  FailingDiskRepository disk;
  h.engine->setChatRepository(&disk);
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  const std::size_t deliveredBefore = messages(a1).size();

  struct Case {
    const char* name;
    bool breakerOpen;
    bool faultTripsBreaker;
  };
  for (const Case& c : {Case{"breaker already open: not even tried", true, false},
                        Case{"the append meets the fault and trips the breaker", false, true}}) {
    SCOPED_TRACE(c.name);
    disk.breakerOpen = c.breakerOpen;
    disk.faultTripsBreaker = c.faultTripsBreaker;
    Json refused = say(visitor, "are you there?", "v-1");
    EXPECT_FALSE(refused.value("ok", true)) << refused.dump();
    EXPECT_EQ(refused["error"]["code"], static_cast<int>(Errc::StorageUnavailable));
    EXPECT_NE(refused["error"]["message"].get<std::string>().find("clientMsgId"), std::string::npos);
    Json agentRefused = send(a1, sid, "one moment", "a-1");
    EXPECT_EQ(agentRefused["error"]["code"], static_cast<int>(Errc::StorageUnavailable));
    EXPECT_EQ(messages(a1).size(), deliveredBefore);  // nothing stored, nothing delivered
    EXPECT_EQ(disk.lastChatSeq(kApp, sid), static_cast<std::int64_t>(deliveredBefore));
  }

  disk.breakerOpen = false;  // the probe proved the disk again
  Json sent = say(visitor, "are you there?", "v-1");
  ASSERT_TRUE(sent.value("ok", false)) << sent.dump();
  EXPECT_EQ(messages(a1).size(), deliveredBefore + 1);
  EXPECT_EQ(messages(a1).back()["text"], "are you there?");
}

TEST_F(ChatRoutingTest, AStoreFailureThatIsNotTheDiskIsAnInternalError) {
  ConnectionId a1 = h.login("a1@x.com");
  connected(a1, visitor);
  repo.setFailing(true);  // throws, but the breaker stays closed: not a disk fault
  Json refused = say(visitor, "hello", "v-2");
  EXPECT_EQ(refused["error"]["code"], static_cast<int>(Errc::Internal)) << refused.dump();
}

struct BoundCase {
  const char* name;
  std::string text;
  int expected;  // 0 = ok
};

class ChatBounds : public ChatRoutingTest, public ::testing::WithParamInterface<BoundCase> {};

TEST_P(ChatBounds, MessageTextIsChecked) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  Json byVisitor = say(visitor, GetParam().text);
  Json byAgent = send(a1, sid, GetParam().text);
  EXPECT_EQ(RoutingHarness::errorCode(byVisitor), GetParam().expected) << byVisitor.dump().substr(0, 300);
  EXPECT_EQ(RoutingHarness::errorCode(byAgent), GetParam().expected) << byAgent.dump().substr(0, 300);
}

std::string repeat(const std::string& unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChatBounds,
    ::testing::Values(BoundCase{"plain", "hello", 0}, BoundCase{"html_is_just_text", "<script>alert(1)</script>", 0},
                      BoundCase{"ascii4000", repeat("a", 4000), 0},
                      BoundCase{"ascii4001", repeat("a", 4001), code(Errc::ChatMessageTooLong)},
                      BoundCase{"cjk4000", repeat("\xE4\xBD\xA0", 4000), 0},
                      BoundCase{"cjk4001", repeat("\xE4\xBD\xA0", 4001), code(Errc::ChatMessageTooLong)},
                      BoundCase{"empty", "", code(Errc::InvalidArgument)},
                      BoundCase{"blank", " \n\t ", code(Errc::InvalidArgument)}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ChatRoutingTest, AFloodIsRefusedPerSessionAndSideThenAllowedAgain) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  int ok = 0, flood = 0;
  for (int i = 0; i < 25; ++i) {
    Json r = say(visitor, "spam " + std::to_string(i));
    if (r.value("ok", false))
      ++ok;
    else if (RoutingHarness::errorCode(r) == code(Errc::ChatFlood))
      ++flood;
  }
  EXPECT_EQ(ok, 10);  // the burst
  EXPECT_EQ(flood, 15);
  EXPECT_TRUE(send(a1, sid, "the agent is not throttled by the visitor").value("ok", false));
  h.advance(500);  // 2 per second
  EXPECT_TRUE(say(visitor, "later").value("ok", false));
  EXPECT_EQ(RoutingHarness::errorCode(say(visitor, "too soon")), code(Errc::ChatFlood));
}

TEST_F(ChatRoutingTest, HistoryPagesAreBoundedByCountAndBytes) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  for (int i = 0; i < 20; ++i) {
    h.advance(1000);
    ASSERT_TRUE(say(visitor, repeat("x", 4000)).value("ok", false));
  }
  Json page = h.request(a1, "chat.history", {{"sessionId", sid}, {"afterSeq", 0}, {"limit", 100}});
  ASSERT_TRUE(page.value("ok", false)) << page.dump().substr(0, 200);
  EXPECT_EQ(page["data"]["hasMore"], true);
  EXPECT_EQ(page["data"]["lastSeq"], 21);
  std::size_t n = page["data"]["messages"].size();
  EXPECT_LT(n, 21u);
  EXPECT_LE(page.dump().size(), protocol::kMaxFrameBytes);
  Json rest = h.request(a1, "chat.history", {{"sessionId", sid}, {"afterSeq", page["data"]["messages"].back()["seq"]}});
  EXPECT_EQ(rest["data"]["messages"].front()["seq"], static_cast<int>(n + 1));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "chat.history", {{"sessionId", sid}, {"limit", 101}})),
            code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "chat.history", {{"sessionId", "s-nope"}})),
            code(Errc::SessionNotFound));
}

TEST_F(ChatRoutingTest, AVisitorWhoseSocketDropsResumesWithoutLossThenTimesOut) {
  ConnectionId a1 = h.login("a1@x.com");
  Json res = start(visitor);
  std::string sid = res["data"]["sessionId"];
  std::string token = res["data"]["visitorToken"];
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_TRUE(say(visitor, "before the drop").value("ok", false));
  h.engine->customerDisconnected(visitor, h.now);
  h.pump();
  EXPECT_EQ(h.session(a1, sid)["state"], "talking");  // a drop is not a goodbye
  ASSERT_TRUE(send(a1, sid, "while you were away").value("ok", false));
  ConnectionId again = 901;
  EXPECT_EQ(
      RoutingHarness::errorCode(h.customer(again, "chat.resume", {{"sessionId", sid}, {"visitorToken", "r-wrong"}})),
      code(Errc::SessionNotFound));
  Json resumed = h.customer(again, "chat.resume", {{"sessionId", sid}, {"visitorToken", token}, {"afterSeq", 2}});
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  EXPECT_EQ(resumed["data"]["state"], "connected");
  EXPECT_EQ(resumed["data"]["agent"]["nick"], "nick-a1");
  ASSERT_EQ(resumed["data"]["messages"].size(), 1u);
  EXPECT_EQ(resumed["data"]["messages"][0]["text"], "while you were away");
  ASSERT_TRUE(say(again, "back").value("ok", false));
  EXPECT_EQ(messages(a1).back()["text"], "back");
  // Gone for longer than the grace period: the chat ends (visitor timed out).
  h.engine->customerDisconnected(again, h.now);
  h.pump();
  h.advance(120000);
  Json ended = h.session(a1, sid);
  EXPECT_EQ(ended["state"], "ended");
  auto [total, cdrs] = repo.queryImCdrs(kApp, 0, h.now, 0, 10);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(cdrs[0].cdr["EndStatus"], 108);
  EXPECT_EQ(cdrs[0].cdr["StaffId"], "a1@x.com");
  EXPECT_TRUE(h.cdrs.empty());  // no telephone CDR for a chat
}

TEST_F(ChatRoutingTest, RingTimeoutOffersTheChatToTheNextAgent) {
  ConnectionId a1 = h.login("a1@x.com");
  h.advance(1000);
  ConnectionId a2 = h.login("a2@x.com");  // idle for less time: second in line
  std::string sid = start(visitor)["data"]["sessionId"];
  EXPECT_EQ(h.session(a1, sid)["state"], "ringing");
  EXPECT_TRUE(h.session(a2, sid).is_null());
  h.advance(15000);
  EXPECT_EQ(h.session(a1, sid)["state"], "ended");
  EXPECT_EQ(h.session(a1, sid)["endReason"], "ringTimeout");
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
}

TEST_F(ChatRoutingTest, TransferToAnAgentKeepsTheHistoryVisible) {
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = connected(a1, visitor);
  ASSERT_TRUE(say(visitor, "my order is late").value("ok", false));
  ASSERT_TRUE(send(a1, sid, "let me get a colleague").value("ok", false));
  Json tr = h.request(a1, "session.transfer", {{"sessionId", sid}, {"userId", "a2@x.com"}, {"clientRequestId", "t1"}});
  ASSERT_TRUE(tr.value("ok", false)) << tr.dump();
  EXPECT_EQ(h.session(a1, sid)["endReason"], "transfer");
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  EXPECT_EQ(RoutingHarness::errorCode(send(a1, sid, "still here?")), code(Errc::InvalidState));
  ASSERT_TRUE(h.request(a2, "session.accept", {{"sessionId", sid}}).value("ok", false));
  Json history = h.request(a2, "chat.history", {{"sessionId", sid}});
  std::vector<std::string> texts;
  for (auto& m : history["data"]["messages"]) texts.push_back(m["text"]);
  EXPECT_EQ(texts, (std::vector<std::string>{"nick-a1 joined the chat", "my order is late", "let me get a colleague",
                                             "nick-a1 transferred the chat", "nick-a2 joined the chat"}));
  std::vector<std::string> notices;
  for (auto& m : history["data"]["messages"]) notices.push_back(m.value("notice", "-"));
  EXPECT_EQ(notices, (std::vector<std::string>{"joined", "-", "-", "transferred", "joined"}));
  // Transfer to a telephone group is refused with a clear error: there is no online group of that
  // id (the SDK cannot know group types, so this is not an argument error it could have caught).
  Json refused =
      h.request(a2, "session.transfer", {{"sessionId", sid}, {"skillGroupId", "1"}, {"clientRequestId", "t2"}});
  EXPECT_EQ(RoutingHarness::errorCode(refused), code(Errc::NotFound));
  EXPECT_EQ(refused["error"]["message"], "session.transfer: no online (im) skill group 1 (Sales takes calls)");
  ASSERT_TRUE(h.request(a2, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  auto [total, cdrs] = repo.queryImCdrs(kApp, 0, h.now, 0, 10);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(cdrs[0].cdr["EndStatus"], 1);
  EXPECT_EQ(cdrs[0].cdr["StaffId"], "a2@x.com");
  EXPECT_EQ(cdrs[0].cdr["Nickname"], "Ann");
  EXPECT_EQ(cdrs[0].cdr["SkillGroupId"], "20");
  EXPECT_EQ(customerStates(visitor).back(), "ended");
}

// The live-chat journal (docs/reliability.md, "Server crash: live chats"): an entry from the start,
// rewritten at each accept with the agent, gone with the IM CDR; a chat ended at once leaves none.
TEST_F(ChatRoutingTest, ALiveChatIsJournaledUntilItsImCdrIsStored) {
  const auto entry = [&](const std::string& sid) -> const LiveChatRecord* {
    auto it = repo.liveChats().find({kApp, sid});
    return it == repo.liveChats().end() ? nullptr : &it->second;
  };
  ConnectionId a1 = h.login("a1@x.com");
  ConnectionId a2 = h.login("a2@x.com");
  std::string sid = start(visitor)["data"]["sessionId"];
  ASSERT_NE(entry(sid), nullptr) << "journaled when it starts";
  EXPECT_EQ(entry(sid)->acceptedSec, 0);
  EXPECT_EQ(entry(sid)->soFar.cdr["StaffId"], "");
  EXPECT_EQ(entry(sid)->soFar.cdr["Nickname"], "Ann");
  EXPECT_EQ(entry(sid)->journaledAtMs, h.now);

  h.advance(3000);
  ConnectionId ringing = h.session(a1, sid).is_null() ? a2 : a1;
  ASSERT_TRUE(h.request(ringing, "session.accept", {{"sessionId", sid}}).value("ok", false));
  const std::string first = ringing == a1 ? "a1@x.com" : "a2@x.com";
  const std::string second = ringing == a1 ? "a2@x.com" : "a1@x.com";
  ASSERT_NE(entry(sid), nullptr);
  EXPECT_EQ(entry(sid)->acceptedSec, h.now / 1000);
  EXPECT_EQ(entry(sid)->soFar.cdr["StaffId"], first);

  h.advance(5000);
  ASSERT_TRUE(h.request(ringing, "session.transfer", {{"sessionId", sid}, {"userId", second}, {"clientRequestId", "t"}})
                  .value("ok", false));
  ConnectionId next = ringing == a1 ? a2 : a1;
  ASSERT_TRUE(h.request(next, "session.accept", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(entry(sid)->soFar.cdr["StaffId"], second) << "rewritten when the next agent accepts";

  ASSERT_TRUE(h.request(next, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  EXPECT_EQ(entry(sid), nullptr) << "deleted with the IM CDR";
  EXPECT_EQ(repo.queryImCdrs(kApp, 0, h.now, 0, 10).first, 1);

  ASSERT_TRUE(h.request(a1, "agent.offline").value("ok", false));
  ASSERT_TRUE(h.request(a2, "agent.offline").value("ok", false));
  std::string unserved = start(901)["data"]["sessionId"];
  EXPECT_EQ(customerStates(901).back(), "ended");
  EXPECT_EQ(entry(unserved), nullptr) << "a chat nobody could take ends with its CDR and no entry";
}

TEST_F(ChatRoutingTest, AnAgentHoldsSeveralChatsUpToItsCapacityWhileTakingCalls) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string c1 = connected(a1, 900);
  std::string c2 = connected(a1, 901);
  Json third = start(902);
  std::string c3 = third["data"]["sessionId"];
  EXPECT_TRUE(h.session(a1, c3).is_null());  // capacity 2: the third waits
  EXPECT_EQ(customerStates(902).back(), "queued");
  // A call still reaches the agent, who becomes busy for calls only.
  std::string call = h.simCall("4008002000");
  EXPECT_EQ(h.session(a1, call)["state"], "ringing");
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", call}}).value("ok", false));
  EXPECT_EQ(h.status("a1@x.com"), "busy");
  EXPECT_TRUE(send(a1, c1, "typing during a call").value("ok", false));
  // One chat ends: the queued one is offered at once.
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", c2}}).value("ok", false));
  EXPECT_EQ(h.session(a1, c3)["state"], "ringing");
  EXPECT_EQ(RoutingHarness::errorCode(h.request(a1, "agent.offline")), code(Errc::InvalidState));
}

TEST_F(ChatRoutingTest, AChatRingingWhenTheAgentsCallEndsStaysThroughAfterCallWork) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string call = h.simCall("4008002000");
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", call}}).value("ok", false));
  std::string chat = start(visitor)["data"]["sessionId"];
  ASSERT_EQ(h.session(a1, chat)["state"], "ringing");  // busy on a call still takes chats
  ASSERT_TRUE(h.request(a1, "session.hangUp", {{"sessionId", call}}).value("ok", false));
  ASSERT_EQ(h.status("a1@x.com"), "arrange");
  EXPECT_EQ(h.session(a1, chat)["state"], "ringing");  // not taken away mid-ring
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", chat}}).value("ok", false));
  EXPECT_EQ(h.session(a1, chat)["state"], "talking");
  // A new chat waits until the wrap-up is over.
  std::string next = start(901)["data"]["sessionId"];
  EXPECT_TRUE(h.session(a1, next).is_null());
  ASSERT_TRUE(h.request(a1, "agent.setStatus", {{"status", "free"}}).value("ok", false));
  EXPECT_EQ(h.session(a1, next)["state"], "ringing");
}

TEST_F(ChatRoutingTest, NoAgentOnlineEndsTheChatAndErrorsAreClear) {
  Json res = start(visitor);
  ASSERT_TRUE(res.value("ok", false));
  EXPECT_EQ(customerStates(visitor).back(), "ended");
  EXPECT_EQ(h.events(visitor, "customer.state").back()["data"]["reason"], "noSeatOnline");
  EXPECT_EQ(RoutingHarness::errorCode(start(901, "")), code(Errc::InvalidArgument));
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(902, "chat.start", {{"serviceNumber", "999"}, {"nickname", "x"}})),
            code(Errc::NotFound));
  EXPECT_EQ(RoutingHarness::errorCode(h.customer(903, "chat.send", {{"text", "hi"}})), code(Errc::SessionNotFound));
  EXPECT_EQ(RoutingHarness::errorCode(start(904, "x", {{"skillGroupId", 1}})), code(Errc::NotFound));
}

TEST_F(ChatRoutingTest, AnAgentGoneForGoodHandsItsChatsBackToTheGroup) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  ConnectionId a2 = h.login("a2@x.com");
  ASSERT_TRUE(h.request(a1, "auth.logout").value("ok", false));
  h.advance(0);
  EXPECT_EQ(h.session(a2, sid)["state"], "ringing");
  EXPECT_EQ(customerStates(visitor).back(), "ringing");
}

TEST_F(ChatRoutingTest, TheSnapshotCarriesTheCurrentMessageCount) {
  ConnectionId a1 = h.login("a1@x.com");
  std::string sid = connected(a1, visitor);
  ASSERT_TRUE(say(visitor, "one").value("ok", false));
  ASSERT_TRUE(say(visitor, "two").value("ok", false));
  Json login = h.findResponse(a1, 1);
  std::string resume = login["data"]["resumeToken"];
  h.engine->agentDisconnected(a1, h.now);
  Json again = h.request(50, "auth.login", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"resumeToken", resume}});
  ASSERT_TRUE(again.value("ok", false)) << again.dump();
  bool found = false;
  for (auto& s : again["data"]["sessions"])
    if (s["sessionId"] == sid) {
      found = true;
      EXPECT_EQ(s["lastMessageSeq"], 3);
    }
  EXPECT_TRUE(found);
}

// A restart (docs/reliability.md, "Server crash: live chats"): the server dies without ending its
// chats; a second engine, the restarted server, resumes them from the journal in the same repository.
class ChatRestartTest : public ChatRoutingTest {
 protected:
  RoutingHarness after;  // the restarted server
  ConnectionId visitorAgain = 901;

  /// Starts `after` from what the journal holds, 5 s after the crash; returns what it left.
  std::vector<LiveChatRecord> restart() {
    configure(after);
    after.now = h.now + 5000;
    std::vector<LiveChatRecord> entries;
    for (const auto& [key, entry] : repo.liveChats()) entries.push_back(entry);
    auto left = after.engine->restoreChats(entries, after.now);
    after.pump();
    return left;
  }
  std::string tokenOf(const Json& started) { return started["data"]["visitorToken"]; }
  Json resumeAfter(const std::string& sid, const std::string& token) {
    return after.customer(visitorAgain, "chat.resume", {{"sessionId", sid}, {"visitorToken", token}});
  }
  std::vector<Json> messagesAfter(ConnectionId conn) {
    std::vector<Json> out;
    for (auto& f : after.frames[conn])
      if (f["type"] == "evt" && f["event"] == "chat.message") out.push_back(f["data"]["message"]);
    return out;
  }
};

TEST_F(ChatRestartTest, AChatResumesWithItsAgentAndHistory) {
  ConnectionId a1 = h.login("a1@x.com");
  Json started = start(visitor);
  const std::string sid = started["data"]["sessionId"];
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  ASSERT_TRUE(say(visitor, "where is my parcel?", "v-1").value("ok", false));
  ASSERT_TRUE(send(a1, sid, "checking now").value("ok", false));

  EXPECT_TRUE(restart().empty());
  Json resumed = resumeAfter(sid, tokenOf(started));
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  EXPECT_EQ(resumed["data"]["state"], "connected");
  EXPECT_EQ(resumed["data"]["agent"]["nick"], "nick-a1");
  std::vector<std::string> texts;
  for (const auto& m : resumed["data"]["messages"]) texts.push_back(m["text"]);
  EXPECT_EQ(texts.size(), 3u);  // joined, the visitor's, the agent's
  EXPECT_EQ(texts[1], "where is my parcel?");
  EXPECT_EQ(texts[2], "checking now");

  // The agent logs in again and finds the chat in its snapshot, as it was.
  ConnectionId again = after.login("a1@x.com");
  Json login = after.findResponse(again, after.nextId - 1);
  bool talking = false;
  for (const auto& s : login["data"]["sessions"])
    talking = talking || (s["sessionId"] == sid && s["state"] == "talking" && s["type"] == "im");
  EXPECT_TRUE(talking) << login.dump();
  Json reply = after.request(again, "chat.send", {{"sessionId", sid}, {"text", "found it"}});
  ASSERT_TRUE(reply.value("ok", false)) << reply.dump();
  EXPECT_EQ(reply["data"]["message"]["seq"], 4);  // numbering goes on from the stored history
  ASSERT_FALSE(messagesAfter(visitorAgain).empty());
  EXPECT_EQ(messagesAfter(visitorAgain).back()["text"], "found it");
  // A retry from before the crash is answered with the stored message, delivered no second time.
  Json retry = after.customer(visitorAgain, "chat.send", {{"text", "where is my parcel?"}, {"clientMsgId", "v-1"}});
  EXPECT_EQ(retry["data"]["message"]["seq"], 2);
  EXPECT_EQ(messagesAfter(again).size(), 1u);  // only its own "found it"

  ASSERT_TRUE(after.request(again, "session.hangUp", {{"sessionId", sid}}).value("ok", false));
  auto [total, cdrs] = repo.queryImCdrs(kApp, 0, after.now, 0, 10);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(cdrs[0].cdr["StaffId"], "a1@x.com");
  EXPECT_NE(cdrs[0].cdr["EndStatus"], InterruptedChatRecovery::kEndStatus);  // ended by the agent, not lost
  EXPECT_EQ(repo.liveChats().count({kApp, sid}), 0u);
}

TEST_F(ChatRestartTest, AnAgentWhoDoesNotComeBackHandsItToItsGroup) {
  ConnectionId a1 = h.login("a1@x.com");
  Json started = start(visitor);
  const std::string sid = started["data"]["sessionId"];
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  restart();
  ConnectionId a2 = after.login("a2@x.com");
  ASSERT_TRUE(resumeAfter(sid, tokenOf(started)).value("ok", false));
  EXPECT_TRUE(after.session(a2, sid).is_null());  // still a1's during its grace period
  after.advance(routing::RoutingEngine::Options{}.graceMs + 1);
  EXPECT_EQ(after.session(a2, sid)["state"], "ringing");
}

TEST_F(ChatRestartTest, AChatStillWaitingIsQueuedAgainOnceItsVisitorIsBack) {
  ConnectionId a1 = h.login("a1@x.com");
  Json started = start(visitor);  // ringing at a1, never accepted
  const std::string sid = started["data"]["sessionId"];
  ASSERT_EQ(h.session(a1, sid)["state"], "ringing");
  restart();
  ConnectionId a2 = after.login("a2@x.com");
  EXPECT_TRUE(after.session(a2, sid).is_null());  // not offered before its visitor is back
  Json resumed = resumeAfter(sid, tokenOf(started));
  ASSERT_TRUE(resumed.value("ok", false)) << resumed.dump();
  EXPECT_EQ(after.session(a2, sid)["state"], "ringing");
}

TEST_F(ChatRestartTest, AVisitorWhoNeverComesBackEndsItWithAnImCdr) {
  ConnectionId a1 = h.login("a1@x.com");
  Json started = start(visitor);
  const std::string sid = started["data"]["sessionId"];
  ASSERT_TRUE(h.request(a1, "session.accept", {{"sessionId", sid}}).value("ok", false));
  restart();
  after.advance(routing::RoutingEngine::Options{}.chatVisitorGraceMs + 1);
  auto [total, cdrs] = repo.queryImCdrs(kApp, 0, after.now, 0, 10);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(cdrs[0].cdr["SessionId"], sid);
  EXPECT_EQ(repo.liveChats().count({kApp, sid}), 0u);
  EXPECT_EQ(resumeAfter(sid, tokenOf(started))["data"]["state"], "ended");
}

// The journal is a copy of the database an operator may back up: it keeps the visitor's token only
// as its digest, which resumes nothing by itself.
TEST_F(ChatRestartTest, TheJournalKeepsOnlyTheDigestOfTheVisitorsToken) {
  h.login("a1@x.com");  // a chat nobody could take would end at once
  Json started = start(visitor);
  const std::string sid = started["data"]["sessionId"];
  const std::string token = tokenOf(started);
  const Json& kept = repo.liveChats().at({kApp, sid}).resume;
  EXPECT_FALSE(kept.contains("visitorToken")) << kept.dump();
  EXPECT_EQ(kept.dump().find(token.substr(2)), std::string::npos);
  const std::string digest = kept.value("visitorTokenDigest", "");
  EXPECT_EQ(digest.size(), 64u);

  EXPECT_TRUE(restart().empty());
  EXPECT_EQ(RoutingHarness::errorCode(resumeAfter(sid, digest)), code(Errc::SessionNotFound));
  Json resumed = resumeAfter(sid, token);
  EXPECT_TRUE(resumed.value("ok", false)) << resumed.dump();
}

// An entry a server before that change journaled holds the token itself: it still resumes.
TEST_F(ChatRestartTest, AnEntryJournaledWithThePlainTokenStillResumes) {
  h.login("a1@x.com");  // a chat nobody could take would end at once
  Json started = start(visitor);
  const std::string sid = started["data"]["sessionId"];
  LiveChatRecord older = repo.liveChats().at({kApp, sid});
  older.resume.erase("visitorTokenDigest");
  older.resume["visitorToken"] = tokenOf(started);
  repo.journalLiveChat(older);

  EXPECT_TRUE(restart().empty());
  EXPECT_EQ(RoutingHarness::errorCode(resumeAfter(sid, "r-wrong")), code(Errc::SessionNotFound));
  Json resumed = resumeAfter(sid, tokenOf(started));
  EXPECT_TRUE(resumed.value("ok", false)) << resumed.dump();
}

TEST_F(ChatRestartTest, EntriesThatCannotBeResumedAreLeftForRecovery) {
  LiveChatRecord older;  // as a server before resume data wrote it
  older.soFar.sdkAppId = kApp;
  older.soFar.sessionId = "s-older";
  LiveChatRecord goneGroup = older;
  goneGroup.soFar.sessionId = "s-gone-group";
  goneGroup.resume = Json{{"visitorToken", "r-1"}, {"skillGroupId", 999}};
  LiveChatRecord garbled = older;  // a field of another type than this server writes
  garbled.soFar.sessionId = "s-garbled";
  garbled.resume = Json{{"visitorToken", "r-2"}, {"skillGroupId", "twenty"}};
  configure(after);
  auto left = after.engine->restoreChats({older, goneGroup, garbled}, after.now);
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].soFar.sessionId, "s-older");
  EXPECT_EQ(left[1].soFar.sessionId, "s-gone-group");
  EXPECT_EQ(left[2].soFar.sessionId, "s-garbled");
}

}  // namespace
}  // namespace tccc::server::testing
