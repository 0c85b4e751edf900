// SPDX-License-Identifier: Apache-2.0
// The cloud API's view of recordings: DescribeTelRecordAsr from the transcript table, and the
// RecordURLs (freshly signed) and recording states that DescribeTelCdr adds to a call's CDR.
#include "../StoreTestSupport.hpp"
#include "cloud/CloudApi.hpp"
#include "cloud/Tc3Signer.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"
#include "store/StoreDirectory.hpp"

#include <gtest/gtest.h>

using namespace tccc::server;
using tccc::server::test::TempDir;

namespace {

class RecordingCloudApiTest : public ::testing::Test {
 protected:
  RecordingCloudApiTest()
      : store(dir.file("tccc.db")),
        seed(DemoSeeder::ensureDemoTenant(store, 1700000000)),
        directory(store, store, store, store, store),
        signer(std::string(32, 'k'), "https://cc.example", 3600),
        api(store, store, store, store, store, directory, CloudApiOptions{}, [this] { return now; }) {
    api.setRecordings(&store, &store, &signer);
  }

  /// A TC3-signed action, as the official client sends it; returns Response.
  Json call(const std::string& action, const Json& body) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = body.dump();
    r.headers["content-type"] = "application/json";
    r.headers["host"] = "127.0.0.1";
    r.headers["x-tc-action"] = action;
    r.headers["x-tc-version"] = "2020-02-10";
    r.headers["x-tc-timestamp"] = std::to_string(now);
    r.headers["authorization"] =
        Tc3Signer::authorize(seed.credential.secretId, seed.credential.secretKey, "127", now,
                             {{"content-type", "application/json"}, {"host", "127.0.0.1"}}, r.body);
    HttpResponse res = api.handle(r);
    EXPECT_EQ(res.status, 200);
    return Json::parse(res.body)["Response"];
  }

  void storeCdr(const std::string& sessionId, Json participants) {
    CdrRecord rec;
    rec.sdkAppId = app();
    rec.sessionId = sessionId;
    rec.startTimestamp = now - 100;
    rec.cdr = {{"SessionId", sessionId},
               {"StartTimestamp", now - 100},
               {"RecordId", ""},
               {"ServeParticipants", participants},
               {"SdkAppId", app()}};
    store.storeCdr(rec, std::nullopt);
  }

  RecordingRecord save(const std::string& session, const std::string& participant, const std::string& user,
                       const std::string& state, std::int64_t startMs, const std::string& error = "") {
    RecordingRecord r;
    r.recordId = RecordUrlSigner::newRecordId();
    r.sdkAppId = app();
    r.sessionId = session;
    r.participant = participant;
    r.endpointUser = user;
    r.path = "/x/" + r.recordId + ".ogg";
    r.startMs = startMs;
    r.endMs = startMs + 60000;
    r.state = state;
    r.error = error;
    r.pausedSpans = R"([{"StartMs":1000,"EndMs":4000}])";
    store.saveRecording(r, std::nullopt);
    return r;
  }

  Json telCdr(const std::string& sessionId) {
    Json r = call("DescribeTelCdr", {{"SdkAppId", app()},
                                     {"StartTimeStamp", now - 3600},
                                     {"EndTimeStamp", now},
                                     {"PageSize", 10},
                                     {"PageNumber", 0},
                                     {"SessionIds", {sessionId}}});
    EXPECT_FALSE(r.contains("Error")) << r.dump();
    EXPECT_EQ(r["TelCdrs"].size(), 1u) << r.dump();
    return r["TelCdrs"].empty() ? Json::object() : r["TelCdrs"][0];
  }

  std::string url(const RecordingRecord& r) const { return signer.url(r.recordId, now); }
  std::int64_t app() const { return seed.tenant.sdkAppId; }

  TempDir dir;
  SqliteStore store;
  SeedResult seed;
  StoreDirectory directory;
  RecordUrlSigner signer;
  std::int64_t now = 1732400000;
  CloudApi api;
};

}  // namespace

TEST_F(RecordingCloudApiTest, DescribeTelRecordAsrAnswersFromTheTranscript) {
  store.addAsrSentence({app(), "s1", "13800138000", "Hello", 1732399000000, 1732399001500});
  store.addAsrSentence({app(), "s1", "agent1@tccc.local", "How can I help?", 1732399002000, 1732399003000});
  store.addAsrSentence({app() + 1, "s1", "someone", "another tenant", 1, 2});
  Json r = call("DescribeTelRecordAsr", {{"SdkAppId", app()}, {"SessionId", "s1"}});
  ASSERT_FALSE(r.contains("Error")) << r.dump();
  ASSERT_EQ(r["AsrDataList"].size(), 2u);
  const Json& first = r["AsrDataList"][0];
  EXPECT_EQ(first["User"], "13800138000");
  EXPECT_EQ(first["Message"], "Hello");
  EXPECT_EQ(first["Start"], 1732399000000);
  EXPECT_EQ(first["End"], 1732399001500);
  EXPECT_TRUE(first["Start"].is_number_integer());
  EXPECT_EQ(r["AsrDataList"][1]["User"], "agent1@tccc.local");
  EXPECT_EQ(r["RequestId"].get<std::string>().size(), 36u);

  EXPECT_EQ(call("DescribeTelRecordAsr", {{"SdkAppId", app()}, {"SessionId", "none"}})["AsrDataList"], Json::array());
  struct Bad {
    Json body;
    const char* code;
  };
  const Bad bad[] = {
      {{{"SdkAppId", app()}}, "MissingParameter"},
      {{{"SessionId", "s1"}}, "MissingParameter"},
      {{{"SdkAppId", app()}, {"SessionId", 5}}, "InvalidParameter"},
      {{{"SdkAppId", app() + 1}, {"SessionId", "s1"}}, "AuthFailure.UnauthorizedOperation"},
  };
  for (const auto& b : bad) {
    Json e = call("DescribeTelRecordAsr", b.body);
    ASSERT_TRUE(e.contains("Error")) << b.body.dump();
    EXPECT_EQ(e["Error"]["Code"], b.code) << b.body.dump();
  }
}

TEST_F(RecordingCloudApiTest, DescribeTelCdrLinksTheMixTheCustomerAndEachAgentLeg) {
  storeCdr("s1", Json::array({{{"Mail", "agent1@tccc.local"}, {"RecordId", ""}, {"Sequence", 0}},
                              {{"Mail", "agent2@tccc.local"}, {"RecordId", ""}, {"Sequence", 1}}}));
  auto customer = save("s1", "customer", "13800138000", "complete", 1732399900000);
  auto agent1 = save("s1", "agent", "agent1@tccc.local", "complete", 1732399900100);
  auto agent2 = save("s1", "agent", "agent2@tccc.local", "failed", 1732399930000, "cannot write x: No space left");

  Json cdr = telCdr("s1");
  // Without a mix yet: the customer's side.
  EXPECT_EQ(cdr["RecordURL"], url(customer));
  EXPECT_EQ(cdr["RecordId"], customer.recordId);
  EXPECT_EQ(cdr["CustomRecordURL"], "");
  EXPECT_EQ(cdr["ServeParticipants"][0]["RecordId"], agent1.recordId);
  EXPECT_EQ(cdr["ServeParticipants"][0]["RecordURL"], url(agent1));
  EXPECT_FALSE(cdr["ServeParticipants"][1].contains("RecordURL"));  // its file failed
  EXPECT_NE(cdr["RecordError"].get<std::string>().find("No space left"), std::string::npos);
  ASSERT_EQ(cdr["Recordings"].size(), 3u);
  EXPECT_EQ(cdr["Recordings"][2]["State"], "failed");
  EXPECT_EQ(cdr["Recordings"][2]["RecordURL"], "");
  EXPECT_EQ(cdr["Recordings"][0]["PausedSpans"], Json::parse(R"([{"StartMs":1000,"EndMs":4000}])"));

  // With the mix: RecordURL is the whole conversation; links are signed afresh on each query.
  auto mix = save("s1", "mix", "", "complete", 1732399900000);
  now += 10;
  cdr = telCdr("s1");
  EXPECT_EQ(cdr["RecordURL"], url(mix));
  EXPECT_EQ(cdr["RecordId"], customer.recordId);
  EXPECT_EQ(
      signer.verify(mix.recordId, std::to_string(now + 3600),
                    cdr["RecordURL"].get<std::string>().substr(cdr["RecordURL"].get<std::string>().size() - 64), now),
      RecordUrlSigner::Check::Ok);
}

TEST_F(RecordingCloudApiTest, ACallWithoutRecordingsKeepsItsCdrAsItWas) {
  storeCdr("s2", Json::array({{{"Mail", "agent1@tccc.local"}, {"RecordId", ""}}}));
  save("s2", "customer", "13800138000", "recording", 1732399900000);  // still being written
  Json cdr = telCdr("s2");
  EXPECT_FALSE(cdr.contains("RecordURL"));
  EXPECT_EQ(cdr["RecordId"], "");
  EXPECT_EQ(cdr["Recordings"][0]["State"], "recording");
  storeCdr("s3", Json::array());
  EXPECT_FALSE(telCdr("s3").contains("Recordings"));
}
