// SPDX-License-Identifier: Apache-2.0
// The chat tables of SqliteStore (schema version 2) and the in-memory repository obey the same
// rules: order, idempotent appends by (sender role, clientMsgId), paging, IM CDR queries.
#include "chat/MemoryChatRepository.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace tccc::server {
namespace {

ChatMessageRecord msg(const std::string& sid, std::int64_t seq, const std::string& role, const std::string& cid,
                      const std::string& text, std::int64_t ms) {
  ChatMessageRecord m;
  m.sdkAppId = 7;
  m.sessionId = sid;
  m.seq = seq;
  m.messageId = "m-" + sid + "-" + std::to_string(seq);
  m.senderRole = role;
  m.senderId = role == "agent" ? "a@x" : "v-1";
  m.senderName = role;
  m.clientMsgId = cid;
  m.content = text;
  m.createdMs = ms;
  return m;
}

class ChatStore : public ::testing::TestWithParam<const char*> {
 protected:
  std::unique_ptr<SqliteStore> sqlite;
  MemoryChatRepository memory;
  ChatRepository* repo = nullptr;
  void SetUp() override {
    if (std::string(GetParam()) == "sqlite") {
      sqlite = std::make_unique<SqliteStore>(":memory:");
      repo = sqlite.get();
    } else {
      repo = &memory;
    }
  }
};

TEST_P(ChatStore, AppendsInOrderAndARetryReturnsTheFirstCopy) {
  repo->appendChatMessage(msg("s1", 1, "visitor", "c1", "hello", 1000));
  repo->appendChatMessage(msg("s1", 2, "agent", "c1", "hi", 2000));  // other role: its own namespace
  ChatMessageRecord again = repo->appendChatMessage(msg("s1", 3, "visitor", "c1", "hello (retry)", 3000));
  EXPECT_EQ(again.seq, 1);
  EXPECT_EQ(again.content, "hello");
  repo->appendChatMessage(msg("s1", 3, "system", "", "joined", 3500));
  repo->appendChatMessage(msg("s1", 4, "system", "", "ended", 3600));  // empty ids never collide
  repo->appendChatMessage(msg("s2", 1, "visitor", "c1", "other chat", 4000));
  auto all = repo->listChatMessages(7, "s1", 0, 100);
  ASSERT_EQ(all.size(), 4u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(repo->lastChatSeq(7, "s1"), 4);
  EXPECT_EQ(repo->lastChatSeq(7, "nope"), 0);
  EXPECT_EQ(repo->listChatMessages(7, "s1", 2, 1).front().seq, 3);
  EXPECT_TRUE(repo->listChatMessages(8, "s1", 0, 100).empty());  // another tenant sees nothing

  auto [total, newest] = repo->queryChatMessages(7, "s1", false, 0, 2);
  EXPECT_EQ(total, 4);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].content, "ended");
  auto [total2, oldest] = repo->queryChatMessages(7, "s1", true, 1, 2);
  EXPECT_EQ(total2, 4);
  EXPECT_EQ(oldest[0].content, "hi");
}

TEST_P(ChatStore, ImCdrsAreQueriedByTimeNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    ImCdrRecord r;
    r.sdkAppId = 7;
    r.sessionId = "s" + std::to_string(i);
    r.startTimestamp = 100 + i;
    r.cdr = Json{{"SessionId", r.sessionId}, {"EndStatus", 1}};
    repo->storeImCdr(r);
  }
  auto [total, rows] = repo->queryImCdrs(7, 101, 103, 0, 2);
  EXPECT_EQ(total, 3);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].sessionId, "s3");
  EXPECT_EQ(rows[1].cdr["SessionId"], "s2");
}

INSTANTIATE_TEST_SUITE_P(Both, ChatStore, ::testing::Values("sqlite", "memory"));

TEST(ChatStoreSqlite, AVersionOneDatabaseIsMigratedAndKeepsItsData) {
  auto path = std::filesystem::temp_directory_path() / ("tccc-chat-migrate-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    SqliteStore store(path.string());
    // Pretend it was created by version 1: drop the chat tables and the version.
    store.database().exec("DROP TABLE chat_messages; DROP TABLE im_cdrs; PRAGMA user_version=1");
  }
  {
    SqliteStore store(path.string());
    store.appendChatMessage(msg("s1", 1, "visitor", "c", "survives", 1));
  }
  {
    SqliteStore store(path.string());
    auto list = store.listChatMessages(7, "s1", 0, 10);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].content, "survives");
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

TEST(ChatStoreSqlite, GroupCommitCountsAppendsAndSyncsThemOffTheConnection) {
  auto path = std::filesystem::temp_directory_path() / ("tccc-chat-group-" + std::to_string(::getpid()) + ".db");
  auto cleanup = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  };
  cleanup();
  { SqliteStore fresh(path.string()); }  // created, then closed: SQLite removes the WAL file
  {
    SqliteStore store(path.string());
    EXPECT_EQ(store.appendedCount(), 0u);
    ASSERT_TRUE(store.enableChatGroupCommit());  // (re)creates the WAL it syncs
    ASSERT_TRUE(std::filesystem::exists(path.string() + "-wal"));
    store.appendChatMessage(msg("s1", 1, "visitor", "c1", "one", 1));
    store.appendChatMessage(msg("s1", 2, "agent", "c2", "two", 2));
    EXPECT_EQ(store.appendedCount(), 2u);
    store.appendChatMessage(msg("s1", 1, "visitor", "c1", "one again", 3));  // a retry writes nothing
    EXPECT_EQ(store.appendedCount(), 2u);
    auto synced = store.syncAppended();
    ASSERT_TRUE(synced.has_value());
    EXPECT_EQ(*synced, 2u);
    // Committed is committed: readable at once, and the connection is back to synchronous=FULL.
    EXPECT_EQ(store.listChatMessages(7, "s1", 0, 10).size(), 2u);
    SqliteDatabase::Statement mode(store.database(), "PRAGMA synchronous");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.int64(0), 2);  // FULL
  }
  {
    SqliteStore reopened(path.string());
    EXPECT_EQ(reopened.listChatMessages(7, "s1", 0, 10).size(), 2u);
  }
  cleanup();
}

TEST(ChatStoreSqlite, AnInMemoryDatabaseKeepsSyncingEachAppend) {
  SqliteStore store(":memory:");
  EXPECT_FALSE(store.enableChatGroupCommit());
  store.appendChatMessage(msg("s1", 1, "visitor", "c1", "one", 1));
  EXPECT_EQ(store.appendedCount(), 0u);  // nothing to wait for: the append was complete
  EXPECT_EQ(store.syncAppended(), std::optional<std::uint64_t>(0));
}

}  // namespace
}  // namespace tccc::server
