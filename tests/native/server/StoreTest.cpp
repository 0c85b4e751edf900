// SPDX-License-Identifier: Apache-2.0
// SqliteStore round trips, first-start seeding, login tokens and CDR durability across a reopen.
#include "StoreTestSupport.hpp"
#include "push/DurableCdrSink.hpp"
#include "random/SecureRandom.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"
#include "store/StoreDirectory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>

using namespace tccc::server;
using tccc::Errc;
using tccc::SecureRandom;
using tccc::server::test::TempDir;

TEST(StoreTest, FirstStartSeedsDemoTenantAndLaterStartsReuseIt) {
  TempDir dir;
  SeedResult first;
  {
    SqliteStore store(dir.file("tccc.db"));
    first = DemoSeeder::ensureDemoTenant(store, 1000);
    EXPECT_TRUE(first.created);
    EXPECT_GE(first.tenant.sdkAppId, 1400000000);
    EXPECT_LE(first.tenant.sdkAppId, 1400999999);
    EXPECT_TRUE(std::regex_match(first.credential.secretId, std::regex("AKID[A-Za-z0-9]{32}")));
    EXPECT_TRUE(std::regex_match(first.credential.secretKey, std::regex("[A-Za-z0-9]{32}")));
    EXPECT_EQ(first.agents, (std::vector<std::string>{"agent1@tccc.local", "agent2@tccc.local", "agent3@tccc.local",
                                                      "supervisor@tccc.local"}));

    auto groups = store.listSkillGroups(first.tenant.sdkAppId);
    ASSERT_EQ(groups.size(), 3u);  // Sales, Support (tel) and Online (im, chats)
    EXPECT_EQ(groups[2].info.type, "im");
    EXPECT_EQ(groups[2].maxConcurrency, 5);
    EXPECT_EQ(groups[0].info.skillGroupId, 1);
    EXPECT_NE(groups[0].info.name.find("Sales"), std::string::npos);
    EXPECT_EQ(groups[1].info.skillGroupId, 2);
    EXPECT_GT(groups[0].info.ringTimeoutSec, 0);

    auto ivr = store.findServiceNumber("4008001000");
    ASSERT_TRUE(ivr);
    ASSERT_EQ(ivr->ivrOptions.size(), 2u);
    EXPECT_EQ(ivr->ivrOptions[0].key, "1");
    EXPECT_EQ(ivr->ivrOptions[0].skillGroupId, 1);
    EXPECT_EQ(ivr->ivrOptions[1].skillGroupId, 2);
    auto plain = store.findServiceNumber("4008002000");
    ASSERT_TRUE(plain);
    EXPECT_TRUE(plain->ivrOptions.empty());
    EXPECT_EQ(plain->defaultSkillGroupId, 1);
    EXPECT_FALSE(store.listCallerNumbers(first.tenant.sdkAppId).empty());
    auto staff = store.findStaff(first.tenant.sdkAppId, "agent1@tccc.local");
    ASSERT_TRUE(staff);
    EXPECT_FALSE(staff->info.name.empty());
    EXPECT_FALSE(staff->info.skillGroupIds.empty());
  }
  SqliteStore reopened(dir.file("tccc.db"));
  SeedResult second = DemoSeeder::ensureDemoTenant(reopened, 2000);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.tenant.sdkAppId, first.tenant.sdkAppId);
  EXPECT_EQ(second.credential.secretId, first.credential.secretId);
  EXPECT_EQ(second.credential.secretKey, first.credential.secretKey);
  EXPECT_EQ(second.agents, first.agents);
  EXPECT_EQ(reopened.listTenants().size(), 1u);
}

TEST(StoreTest, TenantsAddedLaterNeverDisplaceTheDemoTenant) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  SeedResult demo = DemoSeeder::ensureDemoTenant(store, 1000);
  // Several in the same second as the demo tenant: whatever SdkAppIds they draw, they come after it.
  std::vector<std::int64_t> added;
  for (int i = 0; i < 8; ++i)
    added.push_back(DemoSeeder::createTenant(store, "Tenant " + std::to_string(i), 1000).tenant.sdkAppId);
  auto tenants = store.listTenants();
  ASSERT_EQ(tenants.size(), 9u);
  EXPECT_EQ(tenants[0].sdkAppId, demo.tenant.sdkAppId);
  for (std::size_t i = 0; i < added.size(); ++i) EXPECT_EQ(tenants[i + 1].sdkAppId, added[i]);
  SeedResult again = DemoSeeder::ensureDemoTenant(store, 2000);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.tenant.sdkAppId, demo.tenant.sdkAppId);
  EXPECT_EQ(again.credential.secretId, demo.credential.secretId);
  for (auto app : added) EXPECT_TRUE(store.listStaff(app).empty()) << "a new tenant starts empty";
}

TEST(StoreTest, CredentialsFileIsPrivate) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  auto seed = DemoSeeder::ensureDemoTenant(store, 1000);
  DemoSeeder::writeCredentialsFile(dir.file("credentials"), seed);
  DemoSeeder::writeCredentialsFile(dir.file("credentials"), seed);  // rewriting works too
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("credentials").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::ifstream in(dir.file("credentials"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("SecretKey=" + seed.credential.secretKey), std::string::npos);
  EXPECT_NE(text.find("SdkAppId=" + std::to_string(seed.tenant.sdkAppId)), std::string::npos);
}

TEST(StoreTest, StaffRoundTripAndBindings) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  StaffRecord s;
  s.info = {7, "a@b.c", "Name", "Nick", "123", "42", {}};
  s.skillGroupPriority = {{1, 3}, {2, 1}};
  s.modifiedAt = 55;
  EXPECT_TRUE(store.insertStaff(s));
  EXPECT_FALSE(store.insertStaff(s));  // duplicate
  auto read = store.findStaff(7, "a@b.c");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->info.name, "Name");
  EXPECT_EQ(read->info.nick, "Nick");
  EXPECT_EQ(read->info.phone, "123");
  EXPECT_EQ(read->info.staffNumber, "42");
  EXPECT_EQ(read->info.skillGroupIds, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(read->skillGroupPriority.at(1), 3);
  EXPECT_EQ(read->modifiedAt, 55);
  EXPECT_FALSE(store.findStaff(8, "a@b.c"));  // other tenant

  read->info.name = "Renamed";
  EXPECT_TRUE(store.updateStaff(*read));
  store.setStaffSkillGroups(7, "a@b.c", {{2, 5}});
  auto again = store.findStaff(7, "a@b.c");
  EXPECT_EQ(again->info.name, "Renamed");
  EXPECT_EQ(again->info.skillGroupIds, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(store.listStaff(7).size(), 1u);
  EXPECT_EQ(store.listStaff(7)[0].skillGroupPriority.at(2), 5);

  EXPECT_TRUE(store.deleteStaff(7, "a@b.c"));
  EXPECT_FALSE(store.deleteStaff(7, "a@b.c"));
  EXPECT_FALSE(store.findStaff(7, "a@b.c"));
  StaffRecord missing;
  missing.info.sdkAppId = 7;
  missing.info.userId = "nobody@x";
  EXPECT_FALSE(store.updateStaff(missing));
}

TEST(StoreTest, SkillGroupIdsArePerTenantAndSequential) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  SkillGroupRecord g;
  g.info.sdkAppId = 1;
  g.info.name = "A";
  EXPECT_EQ(store.createSkillGroup(g), 1);
  g.info.name = "B";
  EXPECT_EQ(store.createSkillGroup(g), 2);
  g.info.sdkAppId = 2;
  EXPECT_EQ(store.createSkillGroup(g), 1);
  auto found = store.findSkillGroup(1, 2);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->info.name, "B");
  EXPECT_FALSE(store.findSkillGroup(2, 2));
}

TEST(StoreTest, LoginTokensExpireAndOnlyOnceTokensAreSingleUse) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  auto seed = DemoSeeder::ensureDemoTenant(store, 1000);
  const auto app = seed.tenant.sdkAppId;
  StoreDirectory directory(store, store, store, store, store);

  auto reusable = directory.issueLoginToken(app, "agent1@tccc.local", false, 1000, 600);
  EXPECT_EQ(reusable.token.size(), 32u);
  EXPECT_EQ(reusable.expiresAt, 1600);
  EXPECT_FALSE(directory.verifyLoginToken(app, "agent1@tccc.local", reusable.token, 1100));
  EXPECT_FALSE(directory.verifyLoginToken(app, "agent1@tccc.local", reusable.token, 1200));  // reusable
  EXPECT_EQ(directory.verifyLoginToken(app, "agent1@tccc.local", reusable.token, 1600).code, Errc::HttpTokenError);
  EXPECT_EQ(directory.verifyLoginToken(app, "agent2@tccc.local", reusable.token, 1100).code, Errc::HttpTokenError);
  EXPECT_EQ(directory.verifyLoginToken(app + 1, "agent1@tccc.local", reusable.token, 1100).code, Errc::HttpTokenError);
  EXPECT_EQ(directory.verifyLoginToken(app, "agent1@tccc.local", "0123456789abcdef0123456789abcdef", 1100).code,
            Errc::HttpTokenError);
  EXPECT_EQ(directory.verifyLoginToken(app, "agent1@tccc.local", "", 1100).code, Errc::HttpTokenError);

  auto once = directory.issueLoginToken(app, "agent2@tccc.local", true, 1000, 600);
  EXPECT_EQ(directory.checkSdkUrlFetch(once.token, 1001), SdkUrlCheck::Ok);
  EXPECT_EQ(directory.checkSdkUrlFetch(once.token, 1002), SdkUrlCheck::Reused);
  EXPECT_FALSE(directory.verifyLoginToken(app, "agent2@tccc.local", once.token, 1003));  // URL fetch did not consume it
  EXPECT_EQ(directory.verifyLoginToken(app, "agent2@tccc.local", once.token, 1004).code, Errc::HttpTokenError);
  EXPECT_EQ(directory.checkSdkUrlFetch(reusable.token, 1005), SdkUrlCheck::Ok);
  EXPECT_EQ(directory.checkSdkUrlFetch(reusable.token, 1006), SdkUrlCheck::Ok);
  EXPECT_EQ(directory.checkSdkUrlFetch("", 1006), SdkUrlCheck::NoToken);

  // Deleting the agent invalidates its tokens.
  auto third = directory.issueLoginToken(app, "agent3@tccc.local", false, 1000, 600);
  store.deleteStaff(app, "agent3@tccc.local");
  EXPECT_EQ(directory.verifyLoginToken(app, "agent3@tccc.local", third.token, 1001).code, Errc::HttpTokenError);

  // Only the hash is stored.
  EXPECT_FALSE(store.findLoginToken(reusable.token));
  EXPECT_TRUE(store.findLoginToken(StoreDirectory::hashToken(reusable.token)));
}

TEST(StoreTest, DirectoryExposesTenantConfiguration) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  auto seed = DemoSeeder::ensureDemoTenant(store, 1000);
  StoreDirectory directory(store, store, store, store, store);
  EXPECT_EQ(directory.sdkAppIds(), std::vector<std::int64_t>{seed.tenant.sdkAppId});
  EXPECT_EQ(directory.listStaff(seed.tenant.sdkAppId).size(), 4u);
  // Roles as the cloud API numbers them: the supervisor view's user is an administrator (1), the
  // agents are agents (3).
  EXPECT_EQ(directory.findStaff(seed.tenant.sdkAppId, "supervisor@tccc.local")->role, 1);
  EXPECT_EQ(directory.findStaff(seed.tenant.sdkAppId, "agent1@tccc.local")->role, 3);
  EXPECT_EQ(directory.listSkillGroups(seed.tenant.sdkAppId).size(), 3u);
  EXPECT_EQ(directory.listSkillGroups(seed.tenant.sdkAppId)[2].maxConcurrency, 5);
  EXPECT_TRUE(directory.findStaff(seed.tenant.sdkAppId, "agent2@tccc.local"));
  EXPECT_FALSE(directory.findStaff(seed.tenant.sdkAppId, "ghost@tccc.local"));
  EXPECT_TRUE(directory.findServiceNumber("4008001000"));
  EXPECT_FALSE(directory.findServiceNumber("999"));
  EXPECT_EQ(directory.listCallerNumbers(seed.tenant.sdkAppId).size(), 2u);
}

TEST(StoreTest, CdrIsDurableAcrossReopenWithItsPendingPush) {
  TempDir dir;
  Json cdr = {{"SessionId", "s-1"},           {"Caller", "13800138000"}, {"Callee", "4008001000"}, {"Direction", 0},
              {"StartTimestamp", 1700000000}, {"EndStatusString", "ok"}, {"Uui", "order=42"}};
  {
    boost::asio::io_context io;
    SqliteStore store(dir.file("tccc.db"));
    CdrPushOptions options;
    options.url = "http://127.0.0.1:9/push";  // never reached: the io_context does not run
    CdrPusher pusher(io, store, options, [] { return std::int64_t{1700000100000}; });
    DurableCdrSink sink(store, &pusher, [] { return std::int64_t{1700000100000}; });
    EXPECT_TRUE(sink.storeCdr(1400000001, cdr));
    EXPECT_FALSE(sink.storeCdr(1400000001, Json::array()));  // not an object: refused, not crashed
  }
  SqliteStore reopened(dir.file("tccc.db"));
  auto stored = reopened.findCdr(1400000001, "s-1");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->cdr["Uui"], "order=42");
  EXPECT_EQ(stored->cdr["SdkAppId"], 1400000001);
  EXPECT_EQ(stored->startTimestamp, 1700000000);
  EXPECT_EQ(reopened.pendingPushCount(), 1);
  auto job = reopened.nextPendingPush();
  ASSERT_TRUE(job);
  EXPECT_EQ(job->kind, "cdr");
  EXPECT_EQ(job->uuid.size(), 36u);
  EXPECT_EQ(Json::parse(job->body)["SessionId"], "s-1");
}

TEST(StoreTest, CdrWithoutSessionIdIsStillKept) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  DurableCdrSink sink(store, nullptr, [] { return std::int64_t{1700000000000}; });
  EXPECT_TRUE(sink.storeCdr(5, Json{{"Caller", "1"}}));
  CdrQuery q;
  q.sdkAppId = 5;
  q.startTimestamp = 0;
  q.endTimestamp = 1800000000;
  auto [total, rows] = store.queryCdrs(q);
  ASSERT_EQ(total, 1);
  EXPECT_EQ(rows[0].sessionId.rfind("cdr-", 0), 0u);
  EXPECT_EQ(store.pendingPushCount(), 0);  // no push configured, nothing queued
}

TEST(StoreTest, CdrQueryFiltersAndPages) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  for (int i = 0; i < 5; ++i) {
    CdrRecord r;
    r.sdkAppId = 1;
    r.sessionId = "s" + std::to_string(i);
    r.startTimestamp = 100 + i;
    r.caller = i % 2 ? "111" : "222";
    r.callee = "400";
    r.cdr = {{"SessionId", r.sessionId}};
    store.storeCdr(r, std::nullopt);
  }
  CdrRecord other;
  other.sdkAppId = 2;
  other.sessionId = "x";
  other.startTimestamp = 101;
  other.cdr = Json::object();
  store.storeCdr(other, std::nullopt);

  CdrQuery q;
  q.sdkAppId = 1;
  q.startTimestamp = 101;
  q.endTimestamp = 104;
  q.limit = 2;
  auto [total, rows] = store.queryCdrs(q);
  EXPECT_EQ(total, 4);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].sessionId, "s4");  // newest first
  q.offset = 2;
  EXPECT_EQ(store.queryCdrs(q).second[1].sessionId, "s1");
  q.offset = 0;
  q.limit = 10;
  q.phones = {"111"};
  EXPECT_EQ(store.queryCdrs(q).first, 2);
  q.phones.clear();
  q.sessionIds = {"s2", "x"};
  EXPECT_EQ(store.queryCdrs(q).first, 1);  // x belongs to another tenant
}

TEST(StoreTest, PushQueueLifecycle) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  CdrRecord r;
  r.sdkAppId = 1;
  r.sessionId = "s";
  r.cdr = Json::object();
  PushJob job;
  job.sdkAppId = 1;
  job.uuid = "u-1";
  job.body = "{}";
  job.nextAttemptAtMs = 500;
  std::int64_t id = store.storeCdr(r, job);
  EXPECT_GT(id, 0);
  store.reschedulePush(id, 1, 900, "HTTP 500");
  auto next = store.nextPendingPush();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->attempts, 1);
  EXPECT_EQ(next->nextAttemptAtMs, 900);
  EXPECT_EQ(next->lastError, "HTTP 500");
  store.failPush(id, 4, "gave up");
  EXPECT_FALSE(store.nextPendingPush());
  EXPECT_EQ(store.pendingPushCount(), 0);
  r.sessionId = "s2";
  job.uuid = "u-2";
  std::int64_t id2 = store.storeCdr(r, job);
  store.completePush(id2);
  EXPECT_FALSE(store.nextPendingPush());
}

TEST(StoreTest, ADataDirectoryFromBeforeV8GetsItsRolesRenumbered) {
  TempDir dir;
  std::int64_t app = 0;
  {
    SqliteStore store(dir.file("tccc.db"));
    app = DemoSeeder::ensureDemoTenant(store, 1000).tenant.sdkAppId;
    // As a v7 server stored them: 1 agent, 2 quality inspector, 3 administrator.
    store.database().exec("UPDATE staff SET role = 4 - role WHERE role IN (1, 3); PRAGMA user_version=7");
  }
  SqliteStore store(dir.file("tccc.db"));
  StoreDirectory directory(store, store, store, store, store);
  EXPECT_EQ(directory.findStaff(app, "supervisor@tccc.local")->role, 1);
  EXPECT_EQ(directory.findStaff(app, "agent1@tccc.local")->role, 3);
}

TEST(StoreTest, QueuedInboundCallsAreReadBackForTodaysFigures) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  DurableCdrSink sink(store, nullptr, [] { return std::int64_t{1700000000000}; });
  auto cdr = [](const char* id, int direction, std::int64_t start, std::int64_t queued, std::int64_t accept) {
    return Json{{"SessionId", id},
                {"Caller", "1"},
                {"Callee", "2"},
                {"Direction", direction},
                {"StartTimestamp", start},
                {"QueuedTimestamp", queued},
                {"AcceptTimestamp", accept},
                {"EndedTimestamp", start + 60}};
  };
  ASSERT_TRUE(sink.storeCdr(7, cdr("answered", 0, 1700000100, 1700000105, 1700000110)));
  ASSERT_TRUE(sink.storeCdr(8, cdr("abandoned", 0, 1700000200, 1700000201, 0)));
  ASSERT_TRUE(sink.storeCdr(7, cdr("ivr-only", 0, 1700000300, 0, 0)));           // never queued
  ASSERT_TRUE(sink.storeCdr(7, cdr("outbound", 1, 1700000400, 0, 1700000401)));  // or internal
  ASSERT_TRUE(sink.storeCdr(7, cdr("too-old", 0, 1699000000, 1699000001, 0)));
  auto calls = store.queuedCallsSince(1700000000);
  ASSERT_EQ(calls.size(), 2u);
  std::sort(calls.begin(), calls.end(), [](const auto& a, const auto& b) { return a.queuedMs < b.queuedMs; });
  EXPECT_EQ(calls[0].sdkAppId, 7);
  EXPECT_EQ(calls[0].queuedMs, 1700000105000);
  EXPECT_EQ(calls[0].acceptMs, 1700000110000);
  EXPECT_EQ(calls[0].endedMs, 1700000160000);
  EXPECT_EQ(calls[1].sdkAppId, 8);
  EXPECT_EQ(calls[1].acceptMs, 0);
}

TEST(StoreTest, RefusesNewerSchema) {
  TempDir dir;
  {
    SqliteStore store(dir.file("tccc.db"));
    store.database().exec("PRAGMA user_version=99");
  }
  EXPECT_THROW(SqliteStore(dir.file("tccc.db")), StoreError);
}

TEST(StoreTest, TheSinkStoresTheCdrTextAsItMadeIt) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  DurableCdrSink sink(store, nullptr, [] { return std::int64_t{1700000000000}; });
  // As the contact center makes them: its own SdkAppId and a SessionId, stored byte for byte.
  Json cdr = {{"SdkAppId", 7}, {"SessionId", "t-1"},           {"Caller", "1"},
              {"Callee", "2"}, {"StartTimestamp", 1700000001}, {"Uui", std::string("\xff bad utf-8")}};
  auto item = DurableCdrSink::prepare(7, cdr, 1700000000000, true);
  ASSERT_TRUE(item);
  EXPECT_TRUE(item->record.cdr.is_null());  // text only: no deep copy of the CDR
  EXPECT_EQ(item->record.cdrText, tccc::protocol::dump(cdr));
  EXPECT_EQ(item->push->body, item->record.cdrText);
  EXPECT_EQ(item->record.caller, "1");
  EXPECT_EQ(item->record.startTimestamp, 1700000001);
  ASSERT_TRUE(sink.storeCdr(7, cdr));
  EXPECT_EQ(store.findCdr(7, "t-1")->cdr["Uui"], "\xef\xbf\xbd bad utf-8");  // replaced, as before
  // Another tenant's SdkAppId in the CDR is overwritten with the one it is stored for.
  ASSERT_TRUE(sink.storeCdr(8, Json{{"SdkAppId", 7}, {"SessionId", "t-2"}}));
  EXPECT_EQ(store.findCdr(8, "t-2")->cdr["SdkAppId"], 8);
  EXPECT_EQ(cdr["SdkAppId"], 7);  // the caller's JSON is left alone
}

TEST(StoreTest, PreparedStatementsAreCompiledOnceAndReused) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  DurableCdrSink sink(store, nullptr, [] { return std::int64_t{1700000000000}; });
  ASSERT_TRUE(sink.storeCdr(1, Json{{"SessionId", "warm-up"}}));
  const auto prepared = store.database().statementsPrepared();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(sink.storeCdr(1, Json{{"SessionId", "c-" + std::to_string(i)}}));
  EXPECT_EQ(store.database().statementsPrepared(), prepared);  // BEGIN, INSERT and COMMIT reused
  // The same SQL twice at once: the second gets a statement of its own, both read correctly.
  const char* sql = "SELECT session_id FROM cdrs WHERE sdk_app_id=1 ORDER BY session_id";
  SqliteDatabase::Statement outer(store.database(), sql);
  ASSERT_TRUE(outer.step());
  {
    SqliteDatabase::Statement inner(store.database(), sql);
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.text(0), "c-0");
  }
  EXPECT_EQ(outer.text(0), "c-0");
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.text(0), "c-1");
  // A statement that failed is reset before it is reused, and a reused one comes without bindings.
  store.database().exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)");
  const char* insert = "INSERT INTO t(k, v) VALUES(?, ?)";
  SqliteDatabase::Statement(store.database(), insert).bind(1, 1).bind(2, "a").run();
  EXPECT_THROW(SqliteDatabase::Statement(store.database(), insert).bind(1, 1).bind(2, "b").run(), StoreError);
  SqliteDatabase::Statement(store.database(), insert).bind(1, 2).bind(2, "c").run();
  SqliteDatabase::Statement(store.database(), insert).bind(1, 3).run();  // v unbound: NULL, not "c"
  SqliteDatabase::Statement check(store.database(), "SELECT group_concat(ifnull(v, '-'), '') FROM t ORDER BY k");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ac-");
}

TEST(StoreTest, RandomIntegersFillEveryBit) {
  // Over 64 draws each bit is set at least once and clear at least once (a miss is 2^-63 likely):
  // a generator that filled only part of the integer fails here.
  std::uint64_t any64 = 0, all64 = ~0ull;
  std::uint32_t any32 = 0, all32 = ~0u;
  for (int i = 0; i < 64; ++i) {
    const std::uint64_t v = SecureRandom::uint64();
    any64 |= v;
    all64 &= v;
    const std::uint32_t w = SecureRandom::uint32();
    any32 |= w;
    all32 &= w;
  }
  EXPECT_EQ(any64, ~0ull);
  EXPECT_EQ(all64, 0u);
  EXPECT_EQ(any32, ~0u);
  EXPECT_EQ(all32, 0u);
}

TEST(StoreTest, AlphanumericStringsUseTheWholeAlphabetEvenly) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  EXPECT_EQ(SecureRandom::alphanumeric(0), "");
  EXPECT_EQ(SecureRandom::alphanumeric(1).size(), 1u);
  EXPECT_EQ(SecureRandom::alphanumeric(1000).size(), 1000u);  // more than one buffer of bytes
  std::map<char, int> counts;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string s = SecureRandom::alphanumeric(31);
    ASSERT_EQ(s.size(), 31u);
    seen.insert(s);
    for (char c : s) ++counts[c];
  }
  EXPECT_EQ(seen.size(), 2000u);
  ASSERT_EQ(counts.size(), alphabet.size());
  for (char c : alphabet) {
    // 62,000 characters: 1,000 expected each, standard deviation ~31.
    EXPECT_GT(counts[c], 800) << c;
    EXPECT_LT(counts[c], 1200) << c;
  }
}
