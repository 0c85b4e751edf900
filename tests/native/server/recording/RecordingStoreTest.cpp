// SPDX-License-Identifier: Apache-2.0
// The recording catalogue, the transcript table and the recording switches in SQLite, including
// the migration of a database made by the previous schema version.
#include "../StoreTestSupport.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"

#include <gtest/gtest.h>

using namespace tccc::server;
using tccc::server::test::TempDir;

namespace {

RecordingRecord recording(const std::string& id, const std::string& session, const std::string& participant,
                          std::int64_t startMs) {
  RecordingRecord r;
  r.recordId = id;
  r.sdkAppId = 7;
  r.sessionId = session;
  r.participant = participant;
  r.endpointUser = participant == "agent" ? "agent1@tccc.local" : "13800138000";
  r.path = "/rec/" + id + ".ogg";
  r.startMs = startMs;
  return r;
}

}  // namespace

TEST(RecordingStoreTest, RecordingsAreSavedReplacedListedAndFailedAfterACrash) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  store.saveRecording(recording("a", "s1", "customer", 1000), std::nullopt);
  store.saveRecording(recording("b", "s1", "agent", 1200), std::nullopt);
  store.saveRecording(recording("c", "s2", "agent", 900), std::nullopt);
  RecordingRecord done = recording("a", "s1", "customer", 1000);
  done.state = "complete";
  done.endMs = 61000;
  done.pausedSpans = R"([{"StartMs":5000,"EndMs":9000}])";
  PushJob push;
  push.sdkAppId = 7;
  push.kind = "record";
  push.uuid = "u-1";
  push.body = "{}";
  EXPECT_GT(store.saveRecording(done, push), 0);

  auto a = store.findRecording("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, "complete");
  EXPECT_EQ(a->endMs, 61000);
  EXPECT_EQ(a->pausedSpans, done.pausedSpans);
  EXPECT_EQ(a->endpointUser, "13800138000");
  auto list = store.listRecordings(7, "s1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].recordId, "a");
  EXPECT_EQ(list[1].recordId, "b");
  EXPECT_TRUE(store.listRecordings(8, "s1").empty());  // another tenant's session of the same id
  auto job = store.nextPendingPush();
  ASSERT_TRUE(job);
  EXPECT_EQ(job->kind, "record");

  EXPECT_EQ(store.failUnfinishedRecordings("server stopped"), 2);
  EXPECT_EQ(store.findRecording("b")->state, "failed");
  EXPECT_EQ(store.findRecording("b")->error, "server stopped");
  EXPECT_EQ(store.findRecording("a")->state, "complete");
  EXPECT_FALSE(store.findRecording("zzz"));
}

TEST(RecordingStoreTest, AsrSentencesComeBackInSpeakingOrder) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  store.addAsrSentence({7, "s1", "agent1@tccc.local", "How can I help?", 2000, 3000});
  store.addAsrSentence({7, "s1", "13800138000", "Hello", 1000, 1800});
  store.addAsrSentence({7, "s2", "13800138000", "Other call", 500, 600});
  auto list = store.listAsr(7, "s1");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].message, "Hello");
  EXPECT_EQ(list[0].user, "13800138000");
  EXPECT_EQ(list[1].message, "How can I help?");
  EXPECT_EQ(list[1].startMs, 2000);
  EXPECT_EQ(list[1].endMs, 3000);
  EXPECT_TRUE(store.listAsr(8, "s1").empty());
}

TEST(RecordingStoreTest, CaptureSwitchesPerTenantAndSkillGroup) {
  TempDir dir;
  SqliteStore store(dir.file("tccc.db"));
  SeedResult seed = DemoSeeder::ensureDemoTenant(store, 1700000000);
  const std::int64_t app = seed.tenant.sdkAppId;
  auto groups = store.listSkillGroups(app);
  ASSERT_GE(groups.size(), 2u);
  const std::int64_t g1 = groups[0].info.skillGroupId, g2 = groups[1].info.skillGroupId;
  EXPECT_TRUE(groups[0].info.recording);  // on by default
  EXPECT_TRUE(groups[0].info.asr);
  EXPECT_TRUE(store.findTenant(app)->recording);
  EXPECT_TRUE(store.findTenant(app)->asr);

  using F = CaptureFeature;
  struct Step {
    const char* name;
    std::function<bool()> change;
    // capturePolicy afterwards, as "record,transcribe" bits: tenant alone, group 1, group 2
    int tenant, group1, group2;
  };
  constexpr int R = 2, T = 1;
  const Step steps[] = {
      {"defaults", [] { return true; }, R | T, R | T, R | T},
      {"group 1 stops recording", [&] { return store.setSkillGroupCapture(app, g1, F::Recording, false); }, R | T, T,
       R | T},
      {"group 2 stops asr", [&] { return store.setSkillGroupCapture(app, g2, F::Asr, false); }, R | T, T, R},
      {"tenant stops asr", [&] { return store.setTenantCapture(app, F::Asr, false); }, R, 0, R},
      {"tenant stops recording", [&] { return store.setTenantCapture(app, F::Recording, false); }, 0, 0, 0},
      {"tenant records again", [&] { return store.setTenantCapture(app, F::Recording, true); }, R, 0, R},
      {"tenant transcribes again", [&] { return store.setTenantCapture(app, F::Asr, true); }, R | T, T, R},
      {"group 1 records again", [&] { return store.setSkillGroupCapture(app, g1, F::Recording, true); }, R | T, R | T,
       R},
  };
  auto bits = [&](std::int64_t group) {
    CapturePolicy p = store.capturePolicy(app, group);
    return (p.record ? R : 0) | (p.transcribe ? T : 0);
  };
  for (const auto& s : steps) {
    SCOPED_TRACE(s.name);
    EXPECT_TRUE(s.change());
    EXPECT_EQ(bits(0), s.tenant);
    EXPECT_EQ(bits(g1), s.group1);
    EXPECT_EQ(bits(g2), s.group2);
  }
  EXPECT_FALSE(store.findSkillGroup(app, g2)->info.asr);  // the switch is the group's own
  EXPECT_FALSE(store.setTenantCapture(app + 1, F::Recording, false));
  EXPECT_FALSE(store.setSkillGroupCapture(app, 999, F::Asr, false));
  CapturePolicy none = store.capturePolicy(app + 1, 0);  // no such tenant: nothing is captured
  EXPECT_FALSE(none.record || none.transcribe);
  EXPECT_EQ(bits(999), R | T);  // no such group: the tenant decides
}

TEST(RecordingStoreTest, AVersionTwoDatabaseIsMigratedAndRecordsByDefault) {
  TempDir dir;
  std::int64_t app = 0;
  {
    SqliteStore store(dir.file("tccc.db"));
    app = DemoSeeder::ensureDemoTenant(store, 1700000000).tenant.sdkAppId;
    // Pretend version 2 made it: no recording tables or columns.
    store.database().exec(
        "DROP TABLE recordings; DROP TABLE asr_sentences; ALTER TABLE tenants DROP COLUMN recording; "
        "ALTER TABLE skill_groups DROP COLUMN recording; ALTER TABLE tenants DROP COLUMN asr; "
        "ALTER TABLE skill_groups DROP COLUMN asr; PRAGMA user_version=2");
  }
  SqliteStore store(dir.file("tccc.db"));
  EXPECT_TRUE(store.findTenant(app));
  CapturePolicy policy = store.capturePolicy(app, store.listSkillGroups(app).at(0).info.skillGroupId);
  EXPECT_TRUE(policy.record && policy.transcribe);
  store.saveRecording(recording("a", "s1", "customer", 1), std::nullopt);
  EXPECT_TRUE(store.findRecording("a"));
  SqliteDatabase::Statement version(store.database(), "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.int64(0), SqliteStore::kSchemaVersion);
}
