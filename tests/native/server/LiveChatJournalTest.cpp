// SPDX-License-Identifier: Apache-2.0
// The crash journal of live chats (docs/reliability.md, "Server crash: live chats"): SqliteStore
// keeps an entry per live chat until its IM CDR is stored; at the next start InterruptedChatRecovery
// turns what is left into IM CDRs with EndStatus 0, ended when the chat or the server was last
// known alive, once, every tenant's.
#include "chat/InterruptedChatRecovery.hpp"

#include "StoreTestSupport.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>

namespace tccc::server {
namespace {

using tccc::server::test::TempDir;

constexpr std::int64_t kStartSec = 1'700'000'000;

LiveChatRecord liveChat(std::int64_t app, const std::string& sid, std::int64_t acceptedSec, const std::string& staff,
                        std::int64_t journaledAtMs) {
  LiveChatRecord e;
  e.soFar.sdkAppId = app;
  e.soFar.sessionId = sid;
  e.soFar.startTimestamp = kStartSec;
  e.soFar.cdr = Json{{"Id", sid},
                     {"Duration", 0},
                     {"EndStatus", 1},
                     {"Nickname", "Ann"},
                     {"Type", 2},
                     {"StaffId", staff},
                     {"Timestamp", kStartSec},
                     {"SessionId", sid},
                     {"SkillGroupId", "20"},
                     {"SkillGroupName", "Online"},
                     {"Satisfaction", nullptr},
                     {"ClientUserId", "v-1"}};
  e.acceptedSec = acceptedSec;
  e.journaledAtMs = journaledAtMs;
  return e;
}

ChatMessageRecord message(std::int64_t app, const std::string& sid, std::int64_t seq, std::int64_t createdMs) {
  ChatMessageRecord m;
  m.sdkAppId = app;
  m.sessionId = sid;
  m.seq = seq;
  m.messageId = "m-" + sid + "-" + std::to_string(seq);
  m.senderRole = "visitor";
  m.senderId = "v-1";
  m.senderName = "Ann";
  m.content = "hello";
  m.type = "text";
  m.createdMs = createdMs;
  return m;
}

struct EndCase {
  const char* name;
  std::int64_t acceptedSec;  // 0: never accepted
  std::int64_t journaledAtMs;
  std::int64_t lastMessageMs;  // 0: no message
  std::int64_t aliveAtMs;      // the server's last liveness mark, 0: none
  std::int64_t duration;       // expected Duration
};

class InterruptedChatEnd : public ::testing::TestWithParam<EndCase> {};

// The end is the latest sign of life; the duration counts from the accept, never below 0.
TEST_P(InterruptedChatEnd, EndsAtTheLastSignOfLife) {
  const EndCase& c = GetParam();
  LiveChatRecord e = liveChat(7, "s-1", c.acceptedSec, c.acceptedSec ? "a1@x.com" : "", c.journaledAtMs);
  e.lastMessageMs = c.lastMessageMs;
  ImCdrRecord cdr = InterruptedChatRecovery::close(e, c.aliveAtMs);
  EXPECT_EQ(cdr.cdr["Duration"], c.duration);
  EXPECT_EQ(cdr.cdr["EndStatus"], InterruptedChatRecovery::kEndStatus);
  EXPECT_EQ(cdr.cdr["SessionId"], "s-1");
  EXPECT_EQ(cdr.cdr["Timestamp"], kStartSec);
  EXPECT_EQ(cdr.sessionId, "s-1");
  EXPECT_EQ(cdr.sdkAppId, 7);
  EXPECT_EQ(cdr.startTimestamp, kStartSec);
  EXPECT_EQ(cdr.cdr["StaffId"], c.acceptedSec ? "a1@x.com" : "");
}

constexpr std::int64_t kMs = 1000;
INSTANTIATE_TEST_SUITE_P(
    Cases, InterruptedChatEnd,
    ::testing::Values(EndCase{"NeverAccepted", 0, (kStartSec + 5) * kMs, (kStartSec + 30) * kMs, 0, 0},
                      EndCase{"LastMessageIsLatest", kStartSec + 10, (kStartSec + 10) * kMs, (kStartSec + 70) * kMs, 0,
                              60},
                      EndCase{"LivenessMarkIsLatest", kStartSec + 10, (kStartSec + 10) * kMs, (kStartSec + 20) * kMs,
                              (kStartSec + 100) * kMs, 90},
                      EndCase{"JournalIsLatest", kStartSec + 10, (kStartSec + 40) * kMs, 0, 0, 30},
                      EndCase{"ClockBeforeTheAccept", kStartSec + 10, (kStartSec + 2) * kMs, 0, 0, 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(LiveChatJournal, OnlyChatsWithoutAnImCdrAreRecoveredAndOnlyOnce) {
  TempDir dir;
  const std::string path = dir.path() + "/tccc.db";
  {
    SqliteStore store(path);
    store.journalLiveChat(liveChat(7, "s-ended", 0, "", kStartSec * kMs));
    store.journalLiveChat(liveChat(7, "s-ended", kStartSec + 1, "a1@x.com", (kStartSec + 1) * kMs));
    ImCdrRecord done = liveChat(7, "s-ended", 0, "a1@x.com", 0).soFar;
    done.cdr["Duration"] = 9;
    store.storeImCdr(done);  // ended normally: its entry goes with it
    store.journalLiveChat(liveChat(7, "s-live", kStartSec + 2, "a1@x.com", (kStartSec + 2) * kMs));
    store.appendChatMessage(message(7, "s-live", 1, (kStartSec + 50) * kMs));
    store.journalLiveChat(liveChat(8, "s-other-tenant", 0, "", (kStartSec + 3) * kMs));
    auto live = store.listLiveChats();
    ASSERT_EQ(live.size(), 2u);
    EXPECT_EQ(live[0].soFar.sessionId, "s-live");
    EXPECT_EQ(live[0].lastMessageMs, (kStartSec + 50) * kMs);
    EXPECT_EQ(live[1].lastMessageMs, 0);
  }
  {
    SqliteStore store(path);  // the restart
    EXPECT_EQ(InterruptedChatRecovery(store).run(0), 2);
    auto [total, cdrs] = store.queryImCdrs(7, 0, kStartSec + 1000, 0, 10);
    ASSERT_EQ(total, 2);
    for (const auto& cdr : cdrs) {
      if (cdr.sessionId == "s-ended") {
        EXPECT_EQ(cdr.cdr["Duration"], 9) << "a CDR stored normally is left alone";
        EXPECT_EQ(cdr.cdr["EndStatus"], 1);
      } else {
        EXPECT_EQ(cdr.sessionId, "s-live");
        EXPECT_EQ(cdr.cdr["EndStatus"], 0);
        EXPECT_EQ(cdr.cdr["Duration"], 48);
        EXPECT_EQ(cdr.cdr["StaffId"], "a1@x.com");
      }
    }
    EXPECT_EQ(store.queryImCdrs(8, 0, kStartSec + 1000, 0, 10).first, 1);
    EXPECT_TRUE(store.listLiveChats().empty());
  }
  SqliteStore again(path);
  EXPECT_EQ(InterruptedChatRecovery(again).run(0), 0) << "a second start finds nothing";
  EXPECT_EQ(again.queryImCdrs(7, 0, kStartSec + 1000, 0, 10).first, 2);
}

}  // namespace
}  // namespace tccc::server
