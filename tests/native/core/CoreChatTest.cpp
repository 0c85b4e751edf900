// SPDX-License-Identifier: Apache-2.0
// Chat messages through the core: each message reaches the integrator exactly once, in seq order,
// whether it comes as a chat.message event, twice, out of order, or only after a reconnect (then
// the core fetches it with chat.history). The agent's own messages are the sendMessage result only.
#include "FakeHost.hpp"

#include <gtest/gtest.h>

namespace tccc::core::testing {
namespace {

using Json = protocol::Json;

Json message(const std::string& sid, int seq, const std::string& from, const std::string& text,
             const std::string& senderId = "v-1") {
  return Json{{"messageId", "m-" + sid + "-" + std::to_string(seq)},
              {"sessionId", sid},
              {"seq", seq},
              {"from", from},
              {"senderId", senderId},
              {"senderName", from == "agent" ? "Alice" : "Ann"},
              {"type", "text"},
              {"text", text},
              {"time", 1000 + seq}};
}

class CoreChat : public ::testing::Test {
 protected:
  FakeHost host;
  void SetUp() override {
    host.login("free",
               Json::array({wireSession("c-1", "im", "in", "talking", {{"nickname", "Ann"}, {"lastMessageSeq", 2}})}));
    host.pump();
    while (!host.idle()) host.next(CommandKind::Emit);  // the reconciled callIn/userAccessed
  }
  void chatMessage(const Json& m) { host.event("chat.message", Json{{"sessionId", m["sessionId"]}, {"message", m}}); }
  void expectReceived(const Json& m) {
    Json data = host.expectEmit("messageReceived");
    EXPECT_EQ(data["sessionId"], m["sessionId"]);
    EXPECT_EQ(data["message"], m);
  }
};

TEST_F(CoreChat, EventsAfterTheKnownHistoryAreReceivedOnceInOrder) {
  Json m3 = message("c-1", 3, "visitor", "<b>hi</b>");
  chatMessage(m3);
  expectReceived(m3);
  chatMessage(m3);  // at least once: a duplicate is dropped
  host.expectIdle();
  chatMessage(message("c-1", 2, "visitor", "old"));  // history from before: not an event
  host.expectIdle();
  Json m4 = message("c-1", 4, "system", "Bob joined the chat", "");
  m4["notice"] = "joined";
  chatMessage(m4);
  expectReceived(m4);
  // A notice the vocabulary does not know is dropped from the message, which keeps its text.
  Json m5 = message("c-1", 5, "system", "Something new happened", "");
  Json odd = m5;
  odd["notice"] = "exploded";
  chatMessage(odd);
  expectReceived(m5);
}

TEST_F(CoreChat, AGapIsFilledFromHistoryBeforeAnythingElseIsReceived) {
  chatMessage(message("c-1", 5, "visitor", "five"));
  Json req = host.expectRequest("chat.history");
  EXPECT_EQ(req["data"]["afterSeq"], 2);
  EXPECT_EQ(req["data"]["sessionId"], "c-1");
  host.expectIdle();
  chatMessage(message("c-1", 6, "visitor", "six"));  // while the fetch is in flight: waits for it
  host.expectIdle();
  Json page =
      Json::array({message("c-1", 3, "visitor", "three"), message("c-1", 4, "agent", "mine", "alice@example.com"),
                   message("c-1", 5, "visitor", "five")});
  host.reply(req, Json{{"sessionId", "c-1"}, {"messages", page}, {"hasMore", false}, {"lastSeq", 6}});
  expectReceived(message("c-1", 3, "visitor", "three"));
  expectReceived(message("c-1", 5, "visitor", "five"));  // the agent's own (4) is not "received"
  Json again = host.expectRequest("chat.history");       // six was seen but not yet delivered
  EXPECT_EQ(again["data"]["afterSeq"], 5);
  host.reply(again, Json{{"sessionId", "c-1"},
                         {"messages", Json::array({message("c-1", 6, "visitor", "six")})},
                         {"hasMore", false},
                         {"lastSeq", 6}});
  expectReceived(message("c-1", 6, "visitor", "six"));
  host.expectIdle();
}

TEST_F(CoreChat, AfterAReconnectTheSnapshotTriggersTheCatchUp) {
  host.core.onClose(1006, host.now);
  host.expectEmit("connectionLost");
  host.advance(60000);
  host.expectEmit("tryToReconnect");
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  Json login = host.expectRequest("auth.login");
  EXPECT_TRUE(login["data"].contains("resumeToken"));
  host.reply(login,
             host.snapshot("free", Json::array({wireSession("c-1", "im", "in", "talking", {{"lastMessageSeq", 4}})})));
  Json req = host.expectRequest("chat.history");
  EXPECT_EQ(req["data"]["afterSeq"], 2);
  host.expectEmit("connectionRecovery");
  host.reply(req,
             Json{{"sessionId", "c-1"},
                  {"messages", Json::array({message("c-1", 3, "visitor", "a"), message("c-1", 4, "visitor", "b")})},
                  {"hasMore", false},
                  {"lastSeq", 4}});
  expectReceived(message("c-1", 3, "visitor", "a"));
  expectReceived(message("c-1", 4, "visitor", "b"));
  chatMessage(message("c-1", 4, "visitor", "b"));  // the live copy that raced the fetch
  host.expectIdle();
}

TEST_F(CoreChat, SendMessageResolvesWithTheStoredMessageAndCountsItDelivered) {
  auto handle = host.call("Chat.sendMessage", Json{{"sessionId", "c-1"}, {"text", "hello"}});
  Json req = host.expectRequest("chat.send");
  EXPECT_EQ(req["data"]["text"], "hello");
  std::string clientMsgId = req["data"]["clientMsgId"].get<std::string>();
  EXPECT_EQ(clientMsgId.rfind("cm-0000002a-", 0), 0u);  // generated: a retry of the request is idempotent
  Json stored = message("c-1", 3, "agent", "hello", "alice@example.com");
  stored["clientMsgId"] = clientMsgId;
  host.reply(req, Json{{"message", stored}});
  host.expectResolve(handle, Json{{"sessionId", "c-1"}, {"message", stored}});
  chatMessage(stored);  // the server's event copy of it
  host.expectIdle();
  Json m4 = message("c-1", 4, "visitor", "thanks");
  chatMessage(m4);
  expectReceived(m4);
}

TEST_F(CoreChat, BoundsAndStatesAreCheckedLocally) {
  host.expectReject(host.call("Chat.sendMessage", Json{{"sessionId", "c-1"}, {"text", std::string(4001, 'x')}}),
                    Errc::ChatMessageTooLong);
  host.expectReject(host.call("Chat.sendMessage", Json{{"sessionId", "nope"}, {"text", "x"}}), Errc::SessionNotFound);
  host.sessionState(wireSession("c-2", "im", "in", "ringing", {{"lastMessageSeq", 1}}));
  host.expectEmit("callIn");
  host.expectReject(host.call("Chat.sendMessage", Json{{"sessionId", "c-2"}, {"text", "x"}}), Errc::InvalidState);
  // History works on a ringing chat (the visitor's first words).
  host.call("Chat.getMessages", Json{{"sessionId", "c-2"}});
  EXPECT_EQ(host.expectRequest("chat.history")["data"], (Json{{"sessionId", "c-2"}}));
  host.expectReject(host.call("Chat.getMessages", Json{{"sessionId", "c-2"}, {"limit", 0}}), Errc::InvalidArgument);
  // Accepted with more messages than seen at callIn: those are fetched and received.
  host.sessionState(wireSession("c-2", "im", "in", "talking", {{"lastMessageSeq", 3}}));
  host.expectEmit("userAccessed");
  Json req = host.expectRequest("chat.history");
  EXPECT_EQ(req["data"]["afterSeq"], 1);
}

TEST_F(CoreChat, MalformedMessagesAreCountedNotEmitted) {
  host.event("chat.message", Json{{"sessionId", "c-1"}, {"message", Json{{"seq", "three"}}}});
  host.event("chat.message", Json{{"sessionId", "c-9"}, {"message", message("c-9", 1, "visitor", "x")}});
  Json bad = message("c-1", 3, "visitor", "x");
  bad.erase("messageId");
  host.event("chat.message", Json{{"sessionId", "c-1"}, {"message", bad}});
  host.expectIdle();
  EXPECT_EQ(host.core.stats().rejectedEvents, 3u);
}

}  // namespace
}  // namespace tccc::core::testing
