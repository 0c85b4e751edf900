// SPDX-License-Identifier: Apache-2.0
// Chat sync on its own: which messages become messageReceived (once each, in seq order, never the
// agent's own), when it fetches what it missed, how pages and send/history answers are read.
// CoreChatTest covers the same through the facade.
#include "core/ChatSync.hpp"

#include "CorePartsRig.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using Json = protocol::Json;
using testing::CorePartsRig;
using testing::wireSession;

Json message(std::int64_t seq, const std::string& from = "visitor", const std::string& senderId = "v-1") {
  return Json{{"messageId", "m-" + std::to_string(seq)},
              {"sessionId", "c-1"},
              {"seq", seq},
              {"from", from},
              {"senderId", senderId},
              {"senderName", "Ann"},
              {"type", "text"},
              {"text", "t" + std::to_string(seq)},
              {"time", 1000 + seq}};
}

// What the queue shows, in short: "recv <seq>" for messageReceived, "fetch <afterSeq>" for a
// chat.history catch-up request.
std::vector<std::string> shortly(CommandQueue& queue) {
  std::vector<std::string> out;
  for (const auto& command : queue.drain()) {
    if (command.kind == CommandKind::Emit && command.name == "messageReceived") {
      out.push_back("recv " + std::to_string(command.data["message"]["seq"].get<std::int64_t>()));
    } else if (command.kind == CommandKind::Send) {
      Json frame = Json::parse(command.text);
      out.push_back(frame.value("method", "") + " " + std::to_string(frame["data"]["afterSeq"].get<std::int64_t>()));
    } else {
      out.push_back(testing::describe(command));
    }
  }
  return out;
}

class ChatSyncFixture {
 public:
  explicit ChatSyncFixture(std::int64_t lastMessageSeq, const std::string& state = "talking") {
    rig.ready();
    Json wire = wireSession("c-1", "im", "in", state, Json{{"lastMessageSeq", lastMessageSeq}});
    rig.addSession(wire);
    rig.chat.onSession(wire, rig.now);  // first sight: what came before is history
  }
  void event(const Json& m) { rig.chat.onMessageEvent(Json{{"sessionId", "c-1"}, {"message", m}}, rig.now); }
  /// Answers catch-up fetch `id` with `messages`.
  void answerFetch(std::int64_t id, const Json& messages, bool hasMore = false) {
    auto pending = rig.requests.take(id);
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->settle, Settle::ChatCatchUp);
    protocol::Response response;
    response.id = id;
    response.data = Json{{"sessionId", "c-1"}, {"messages", messages}, {"hasMore", hasMore}};
    rig.chat.onPage(*pending, response, rig.now);
  }
  CorePartsRig rig;
};

// --- chat.message events: {history, arriving} -> {received, fetched} -----------------------------------

struct ArrivalRow {
  const char* name;
  std::int64_t lastMessageSeq;
  std::vector<Json> arriving;
  std::vector<std::string> out;
  std::uint64_t duplicates;
};

const std::vector<ArrivalRow> kArrivalRows = {
    {"inOrder", 2, {message(3), message(4)}, {"recv 3", "recv 4"}, 0},
    {"historyIsNotReceived", 2, {message(1), message(2), message(3)}, {"recv 3"}, 2},
    {"duplicate", 0, {message(1), message(1)}, {"recv 1"}, 1},
    {"ownMessageIsNotReceived", 0, {message(1, "agent", "alice@example.com"), message(2)}, {"recv 2"}, 0},
    {"anotherAgentsIs", 0, {message(1, "agent", "bob@example.com")}, {"recv 1"}, 0},
    {"systemNotice", 0, {message(1, "system", "")}, {"recv 1"}, 0},
    {"gapFetchesOnce", 2, {message(5), message(6)}, {"chat.history 2"}, 0},
};

class ChatSyncArrival : public ::testing::TestWithParam<ArrivalRow> {};

TEST_P(ChatSyncArrival, EachNewMessageOnceInOrder) {
  const ArrivalRow& row = GetParam();
  ChatSyncFixture chat(row.lastMessageSeq);
  for (const auto& m : row.arriving) chat.event(m);
  EXPECT_EQ(shortly(chat.rig.queue), row.out);
  EXPECT_EQ(chat.rig.stats.duplicateEvents, row.duplicates);
}

INSTANTIATE_TEST_SUITE_P(ChatSync, ChatSyncArrival, ::testing::ValuesIn(kArrivalRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- events that are not a message of a known chat ----------------------------------------------------

struct BadEventRow {
  const char* name;
  Json data;
};

const std::vector<BadEventRow> kBadEventRows = {
    {"noSessionId", Json{{"message", message(3)}}},
    {"unknownSession", Json{{"sessionId", "c-9"}, {"message", message(3)}}},
    {"noMessage", Json{{"sessionId", "c-1"}}},
    {"seqZero", Json{{"sessionId", "c-1"}, {"message", message(0)}}},
    {"malformedMessage", Json{{"sessionId", "c-1"}, {"message", Json{{"seq", 3}}}}},
};

class ChatSyncBadEvent : public ::testing::TestWithParam<BadEventRow> {};

TEST_P(ChatSyncBadEvent, IsCountedAndDropped) {
  ChatSyncFixture chat(2);
  chat.rig.chat.onMessageEvent(GetParam().data, chat.rig.now);
  EXPECT_TRUE(chat.rig.queue.empty());
  EXPECT_EQ(chat.rig.stats.rejectedEvents, 1u);
}

INSTANTIATE_TEST_SUITE_P(ChatSync, ChatSyncBadEvent, ::testing::ValuesIn(kBadEventRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- catch-up pages ----------------------------------------------------------------------------------

TEST(ChatSync, PagesFillTheGapThenFetchWhatIsStillMissing) {
  ChatSyncFixture chat(2);
  chat.event(message(6));  // seen 6, delivered 2: fetch afterSeq 2
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 2"});
  chat.event(message(7));  // the fetch in flight will bring it
  EXPECT_TRUE(chat.rig.queue.empty());
  chat.answerFetch(2, Json::array({message(3), message(4, "agent", "alice@example.com"), message(5)}), true);
  EXPECT_EQ(shortly(chat.rig.queue), (std::vector<std::string>{"recv 3", "recv 5", "chat.history 5"}));
  chat.answerFetch(3, Json::array({message(6), message(7)}));
  EXPECT_EQ(shortly(chat.rig.queue), (std::vector<std::string>{"recv 6", "recv 7"}));
  chat.event(message(8));
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"recv 8"});
}

TEST(ChatSync, AFailedFetchIsTriedAgainOnTheNextSign) {
  ChatSyncFixture chat(0);
  chat.event(message(2));
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 0"});
  auto pending = chat.rig.requests.take(2);
  ASSERT_TRUE(pending);
  protocol::Response failed;
  failed.ok = false;
  failed.error = Error(Errc::Internal);
  chat.rig.chat.onPage(*pending, failed, chat.rig.now);
  EXPECT_TRUE(chat.rig.queue.empty());
  chat.event(message(3));
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 0"});
}

TEST(ChatSync, ASnapshotForgetsFetchesInFlightAndCatchesUpAcceptedChats) {
  ChatSyncFixture chat(2);
  chat.event(message(4));
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 2"});
  chat.rig.chat.onLost();
  // The login answer lists the chat with news: fetched again, whatever was in flight before.
  chat.rig.chat.onSnapshot(
      Json{{"sessions", Json::array({wireSession("c-1", "im", "in", "talking", Json{{"lastMessageSeq", 5}}),
                                     wireSession("p-1", "phone", "in", "talking")})}},
      chat.rig.now);
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 2"});
}

TEST(ChatSync, ARingingChatIsNotCaughtUpUntilAccepted) {
  ChatSyncFixture chat(0, "ringing");
  chat.rig.chat.onSession(wireSession("c-1", "im", "in", "ringing", Json{{"lastMessageSeq", 3}}), chat.rig.now);
  EXPECT_TRUE(chat.rig.queue.empty());
}

// --- send / history answers -> the documented results -------------------------------------------------

struct ResolveRow {
  const char* name;
  Settle settle;
  Json answer;
  Json result;  // null: malformed
};

const std::vector<ResolveRow> kResolveRows = {
    {"sent", Settle::ChatSend, Json{{"message", message(3, "agent", "alice@example.com")}, {"extra", 1}},
     Json{{"sessionId", "c-1"}, {"message", message(3, "agent", "alice@example.com")}}},
    {"sentWithoutMessage", Settle::ChatSend, Json::object(), Json()},
    {"sentMalformed", Settle::ChatSend, Json{{"message", Json{{"seq", "x"}}}}, Json()},
    {"history", Settle::ChatHistory,
     Json{{"messages", Json::array({message(1), Json{{"seq", 2}}, message(3)})}, {"hasMore", true}, {"lastSeq", 9}},
     Json{
         {"sessionId", "c-1"}, {"messages", Json::array({message(1), message(3)})}, {"hasMore", true}, {"lastSeq", 9}}},
    {"historyDefaults", Settle::ChatHistory, Json{{"messages", Json::array()}},
     Json{{"sessionId", "c-1"}, {"messages", Json::array()}, {"hasMore", false}, {"lastSeq", 0}}},
    {"historyWithoutList", Settle::ChatHistory, Json{{"messages", "x"}}, Json()},
};

class ChatSyncResolve : public ::testing::TestWithParam<ResolveRow> {};

TEST_P(ChatSyncResolve, AnswersBecomeTheDocumentedShape) {
  const ResolveRow& row = GetParam();
  ChatSyncFixture chat(2);
  PendingRequest pending;
  pending.settle = row.settle;
  pending.sessionId = "c-1";
  Json data;
  bool ok = chat.rig.chat.resolveData(pending, row.answer, data, chat.rig.now);
  EXPECT_EQ(ok, !row.result.is_null());
  if (ok) {
    EXPECT_EQ(data, row.result);
  }
  EXPECT_TRUE(chat.rig.queue.empty());
}

INSTANTIATE_TEST_SUITE_P(ChatSync, ChatSyncResolve, ::testing::ValuesIn(kResolveRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ChatSync, OnesOwnMessageAfterOthersFetchesThem) {
  ChatSyncFixture chat(2);
  PendingRequest pending;
  pending.settle = Settle::ChatSend;
  pending.sessionId = "c-1";
  Json data;
  // Ours came back as 5: 3 and 4 (someone else's) were stored before it.
  ASSERT_TRUE(chat.rig.chat.resolveData(pending, Json{{"message", message(5, "agent", "alice@example.com")}}, data,
                                        chat.rig.now));
  EXPECT_EQ(shortly(chat.rig.queue), std::vector<std::string>{"chat.history 2"});
}

}  // namespace
}  // namespace tccc::core
