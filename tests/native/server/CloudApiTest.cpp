// SPDX-License-Identifier: Apache-2.0
// The cloud API behind POST /: authentication, validation (table of bad inputs -> codes), tenant
// isolation and each action's effect on the store, with a recording LiveOps in place of the
// contact center.
#include "IoTestSupport.hpp"
#include "StoreTestSupport.hpp"
#include "cloud/CloudApi.hpp"
#include "cloud/Tc3Signer.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"
#include "store/StorageBreaker.hpp"
#include "store/StoreDirectory.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <chrono>

using namespace tccc::server;
using tccc::Errc;
using tccc::Error;
using tccc::server::test::TempDir;

namespace {

class RecordingLiveOps : public LiveOps {
 public:
  Error hangUp(std::int64_t, std::string_view sessionId) override {
    hungUp.emplace_back(sessionId);
    return sessionId == "live-1" ? Error() : Error(Errc::SessionNotFound);
  }
  Json staffStatusMetrics(std::int64_t, const std::vector<std::string>& userIds) override {
    Json rows = Json::array();
    for (const auto& u : userIds)
      if (u == "agent1@tccc.local") rows.push_back({{"Email", u}, {"Status", "free"}, {"OnlineDuration", 5}});
    return rows;
  }
  std::optional<Json> describeSession(std::int64_t, std::string_view sessionId) override {
    if (sessionId == "live-1") return Json{{"SessionID", "live-1"}, {"SessionStatus", "inProgress"}};
    return std::nullopt;
  }
  void directoryChanged(std::int64_t sdkAppId) override { changes.push_back(sdkAppId); }

  std::vector<std::string> hungUp;
  std::vector<std::int64_t> changes;
};

struct Options {
  std::string secretId;
  std::string secretKey;
  std::int64_t timestamp = 0;
  std::string version = "2020-02-10";
  std::string contentType = "application/json";
  std::string host = "127.0.0.1:8080";
  std::string signedHost = "127.0.0.1";
};

class CloudApiTest : public ::testing::Test {
 protected:
  CloudApiTest()
      : store(dir.file("tccc.db")),
        seed(DemoSeeder::ensureDemoTenant(store, 1700000000)),
        directory(store, store, store, store, store),
        api(store, store, store, store, store, directory, CloudApiOptions{"http://127.0.0.1:8080/", 300, 1800},
            [this] { return now; }) {
    api.setLiveOps(&live);
  }

  HttpRequest signedRequest(const std::string& action, const std::string& body, Options o = {}) {
    if (o.secretId.empty()) o.secretId = seed.credential.secretId;
    if (o.secretKey.empty()) o.secretKey = seed.credential.secretKey;
    if (o.timestamp == 0) o.timestamp = now;
    HttpRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = body;
    r.headers["content-type"] = o.contentType;
    r.headers["host"] = o.host;
    if (!action.empty()) r.headers["x-tc-action"] = action;
    if (!o.version.empty()) r.headers["x-tc-version"] = o.version;
    r.headers["x-tc-timestamp"] = std::to_string(o.timestamp);
    r.headers["authorization"] = Tc3Signer::authorize(o.secretId, o.secretKey, "127", o.timestamp,
                                                      {{"content-type", o.contentType}, {"host", o.signedHost}}, body);
    return r;
  }

  Json send(const HttpRequest& request) {
    HttpResponse res = api.handle(request);
    EXPECT_EQ(res.status, 200);
    Json j = Json::parse(res.body);
    EXPECT_TRUE(j.contains("Response"));
    EXPECT_TRUE(j["Response"].contains("RequestId"));
    EXPECT_EQ(j["Response"]["RequestId"].get<std::string>().size(), 36u);
    return j["Response"];
  }

  Json call(const std::string& action, Json body, Options o = {}) {
    return send(signedRequest(action, body.dump(), o));
  }

  static std::string code(const Json& response) {
    return response.contains("Error") ? response["Error"]["Code"].get<std::string>() : std::string("OK");
  }

  std::int64_t app() const { return seed.tenant.sdkAppId; }

  TempDir dir;
  SqliteStore store;
  SeedResult seed;
  StoreDirectory directory;
  std::int64_t now = 1732400000;
  CloudApi api;
  RecordingLiveOps live;
};

}  // namespace

TEST_F(CloudApiTest, CreateSdkLoginTokenReturnsUsableToken) {
  Json r = call("CreateSDKLoginToken", {{"SdkAppId", app()}, {"SeatUserId", "agent1@tccc.local"}});
  ASSERT_EQ(code(r), "OK") << r.dump();
  std::string token = r["Token"];
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(r["ExpiredTime"], now + 1800);
  EXPECT_EQ(r["SdkURL"], "http://127.0.0.1:8080/sdk/tccc.js#sdkAppId=" + std::to_string(app()) +
                             "&userId=agent1%40tccc.local&token=" + token);
  EXPECT_FALSE(directory.verifyLoginToken(app(), "agent1@tccc.local", token, now + 10));
  EXPECT_FALSE(directory.verifyLoginToken(app(), "agent1@tccc.local", token, now + 20));  // not OnlyOnce
}

TEST_F(CloudApiTest, OnlyOnceTokenLogsInOnce) {
  Json r = call("CreateSDKLoginToken", {{"SdkAppId", app()}, {"SeatUserId", "agent2@tccc.local"}, {"OnlyOnce", true}});
  ASSERT_EQ(code(r), "OK");
  EXPECT_FALSE(directory.verifyLoginToken(app(), "agent2@tccc.local", r["Token"].get<std::string>(), now));
  EXPECT_EQ(directory.verifyLoginToken(app(), "agent2@tccc.local", r["Token"].get<std::string>(), now).code,
            Errc::HttpTokenError);
}

TEST_F(CloudApiTest, AuthenticationFailures) {
  Options wrongKey;
  wrongKey.secretKey = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, wrongKey)), "AuthFailure.SignatureFailure");

  Options unknownId;
  unknownId.secretId = "AKIDnobodyhasthisid000000000000000";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, unknownId)), "AuthFailure.SecretIdNotFound");

  Options stale;
  stale.timestamp = now - 301;
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, stale)), "AuthFailure.SignatureExpire");
  Options future;
  future.timestamp = now + 301;
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, future)), "AuthFailure.SignatureExpire");
  Options edge;
  edge.timestamp = now - 299;
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, edge)), "OK");

  Options signedWithPort;
  signedWithPort.signedHost = "127.0.0.1:8080";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, signedWithPort)), "OK");

  HttpRequest tampered = signedRequest("DescribeNumbers", Json{{"SdkAppId", app()}}.dump());
  tampered.body = Json{{"SdkAppId", app()}, {"PageSize", 5}}.dump();
  EXPECT_EQ(code(send(tampered)), "AuthFailure.SignatureFailure");

  HttpRequest noAuth = signedRequest("DescribeNumbers", "{}");
  noAuth.headers.erase("authorization");
  EXPECT_EQ(code(send(noAuth)), "AuthFailure.InvalidAuthorization");
  HttpRequest badAuth = signedRequest("DescribeNumbers", "{}");
  badAuth.headers["authorization"] = "TC3-HMAC-SHA256 nonsense";
  EXPECT_EQ(code(send(badAuth)), "AuthFailure.InvalidAuthorization");
  HttpRequest noTimestamp = signedRequest("DescribeNumbers", "{}");
  noTimestamp.headers.erase("x-tc-timestamp");
  EXPECT_EQ(code(send(noTimestamp)), "MissingParameter");
  HttpRequest badTimestamp = signedRequest("DescribeNumbers", "{}");
  badTimestamp.headers["x-tc-timestamp"] = "12ab";
  EXPECT_EQ(code(send(badTimestamp)), "InvalidParameter");
}

TEST_F(CloudApiTest, ActionVersionAndBodyChecks) {
  EXPECT_EQ(code(call("NoSuchThing", Json::object())), "InvalidAction");
  EXPECT_EQ(code(call("", Json::object())), "MissingParameter");
  Options oldVersion;
  oldVersion.version = "2017-03-12";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, oldVersion)), "NoSuchVersion");
  Options noVersion;
  noVersion.version = "";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, noVersion)), "MissingParameter");
  Options form;
  form.contentType = "application/x-www-form-urlencoded";
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, form)), "UnsupportedOperation");
  EXPECT_EQ(code(send(signedRequest("DescribeNumbers", "{not json"))), "InvalidParameter");
  EXPECT_EQ(code(send(signedRequest("DescribeNumbers", "[1,2]"))), "InvalidParameter");
  std::string deep(200, '[');
  EXPECT_EQ(code(send(signedRequest("DescribeNumbers", deep))), "InvalidParameter");
  // Signed as sent: the NULs are part of the body, and a body that is not JSON is refused.
  const std::string withNuls = Json{{"SdkAppId", app()}}.dump() + std::string(3, '\0') + "junk";
  EXPECT_EQ(code(send(signedRequest("DescribeNumbers", withNuls))), "InvalidParameter");
  HttpRequest get = signedRequest("DescribeNumbers", "{}");
  get.method = "GET";
  EXPECT_EQ(code(send(get)), "UnsupportedOperation");
}

TEST_F(CloudApiTest, BadParameterTable) {
  const std::int64_t a = app();
  struct Case {
    const char* action;
    Json body;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"CreateSDKLoginToken", {{"SeatUserId", "agent1@tccc.local"}}, "MissingParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", "1400"}, {"SeatUserId", "agent1@tccc.local"}}, "InvalidParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", 1.5}, {"SeatUserId", "agent1@tccc.local"}}, "InvalidParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", a}}, "MissingParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", a}, {"SeatUserId", 12}}, "InvalidParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", a}, {"SeatUserId", ""}}, "InvalidParameterValue"},
      {"CreateSDKLoginToken",
       {{"SdkAppId", a}, {"SeatUserId", "agent1@tccc.local"}, {"OnlyOnce", "yes"}},
       "InvalidParameter"},
      {"CreateSDKLoginToken", {{"SdkAppId", a}, {"SeatUserId", "ghost@tccc.local"}}, "ResourceNotFound"},
      {"CreateSDKLoginToken", {{"SdkAppId", a}, {"SeatUserId", std::string(200, 'x')}}, "InvalidParameterValue"},
      {"CreateStaff", {{"SdkAppId", a}}, "MissingParameter"},
      {"CreateStaff", {{"SdkAppId", a}, {"Staffs", "x"}}, "InvalidParameter"},
      {"CreateStaff", {{"SdkAppId", a}, {"Staffs", Json::array()}}, "InvalidParameterValue"},
      {"CreateStaff", {{"SdkAppId", a}, {"Staffs", {{{"Mail", "n@x.y"}}}}}, "MissingParameter"},
      {"CreateStaff",
       {{"SdkAppId", a}, {"Staffs", {{{"Name", "N"}, {"Mail", "not-an-email"}}}}},
       "InvalidParameterValue"},
      {"CreateStaff",
       {{"SdkAppId", a}, {"Staffs", {{{"Name", "N"}, {"Mail", "n@x.y"}, {"Phone", 123}}}}},
       "InvalidParameter"},
      {"CreateStaff",
       {{"SdkAppId", a}, {"Staffs", {{{"Name", "N"}, {"Mail", "n@x.y"}, {"SkillGroupNameList", "Sales"}}}}},
       "InvalidParameter"},
      {"ModifyStaff", {{"SdkAppId", a}, {"Email", "ghost@tccc.local"}, {"Name", "X"}}, "ResourceNotFound"},
      {"ModifyStaff",
       {{"SdkAppId", a}, {"Email", "agent1@tccc.local"}, {"SkillGroupIds", {99}}},
       "InvalidParameterValue"},
      {"ModifyStaff", {{"SdkAppId", a}, {"Email", "agent1@tccc.local"}, {"SkillGroupIds", {"1"}}}, "InvalidParameter"},
      {"ModifyStaff",
       {{"SdkAppId", a}, {"Email", "agent1@tccc.local"}, {"UseMobileAccept", 1}},
       "UnsupportedOperation"},
      {"DeleteStaff", {{"SdkAppId", a}}, "MissingParameter"},
      {"DeleteStaff", {{"SdkAppId", a}, {"StaffList", {1, 2}}}, "InvalidParameter"},
      {"DescribeStaffInfoList", {{"SdkAppId", a}, {"PageSize", 10}}, "MissingParameter"},
      {"DescribeStaffInfoList", {{"SdkAppId", a}, {"PageSize", 101}, {"PageNumber", 0}}, "InvalidParameterValue"},
      {"DescribeStaffInfoList", {{"SdkAppId", a}, {"PageSize", 0}, {"PageNumber", 0}}, "InvalidParameterValue"},
      {"DescribeStaffInfoList", {{"SdkAppId", a}, {"PageSize", 10}, {"PageNumber", -1}}, "InvalidParameterValue"},
      {"CreateCCCSkillGroup", {{"SdkAppId", a}, {"SkillGroupName", "X"}}, "MissingParameter"},
      {"CreateCCCSkillGroup",
       {{"SdkAppId", a}, {"SkillGroupName", "X"}, {"SkillGroupType", 9}},
       "InvalidParameterValue"},
      {"CreateCCCSkillGroup", {{"SdkAppId", a}, {"SkillGroupName", "X"}, {"SkillGroupType", "0"}}, "InvalidParameter"},
      {"BindStaffSkillGroupList", {{"SdkAppId", a}, {"StaffEmail", "agent1@tccc.local"}}, "MissingParameter"},
      {"BindStaffSkillGroupList",
       {{"SdkAppId", a}, {"StaffEmail", "agent1@tccc.local"}, {"StaffSkillGroupList", {{{"SkillGroupId", 77}}}}},
       "ResourceNotFound"},
      {"BindStaffSkillGroupList",
       {{"SdkAppId", a}, {"StaffEmail", "agent1@tccc.local"}, {"StaffSkillGroupList", {1}}},
       "InvalidParameter"},
      {"UnbindStaffSkillGroupList", {{"SdkAppId", a}, {"StaffEmail", "agent1@tccc.local"}}, "MissingParameter"},
      {"DescribeNumbers", {{"SdkAppId", a}, {"PageSize", "10"}}, "InvalidParameter"},
      {"DescribeTelCdr", {{"SdkAppId", a}, {"PageSize", 10}, {"PageNumber", 0}}, "MissingParameter"},
      {"DescribeTelCdr",
       {{"SdkAppId", a}, {"StartTimeStamp", 200}, {"EndTimeStamp", 100}, {"PageSize", 10}, {"PageNumber", 0}},
       "InvalidParameterValue"},
      {"DescribeTelCdr",
       {{"SdkAppId", a}, {"StartTimeStamp", 0}, {"EndTimeStamp", 100 * 86400}, {"PageSize", 10}, {"PageNumber", 0}},
       "InvalidParameterValue"},
      {"DescribeTelCdr",
       {{"SdkAppId", a},
        {"StartTimeStamp", 0},
        {"EndTimeStamp", 100},
        {"PageSize", 10},
        {"PageNumber", 0},
        {"Phones", "123"}},
       "InvalidParameter"},
      {"DescribeTelSession", {{"SdkAppId", a}}, "MissingParameter"},
      {"DescribeTelSession", {{"SdkAppId", a}, {"SessionId", "nope"}}, "ResourceNotFound"},
      {"DescribeStaffStatusMetrics", {{"SdkAppId", a}, {"StatusList", {"sleeping"}}}, "InvalidParameterValue"},
      {"DescribeStaffStatusMetrics", {{"SdkAppId", a}, {"StaffList", "agent1@tccc.local"}}, "InvalidParameter"},
      {"HangUpCall", {{"SdkAppId", a}, {"SessionId", "gone"}}, "ResourceNotFound"},
      {"HangUpCall", {{"SdkAppId", a}, {"SessionId", 5}}, "InvalidParameter"},
      {"DescribeIMCdrs", {{"SdkAppId", a}, {"StartTimestamp", 1}}, "MissingParameter"},
      {"DescribeChatMessages", {{"CdrId", "x"}}, "MissingParameter"},
  };
  for (const auto& c : cases) {
    Json r = call(c.action, c.body);
    EXPECT_EQ(code(r), c.code) << c.action << " " << c.body.dump() << " -> " << r.dump();
    if (r.contains("Error")) {
      EXPECT_FALSE(r["Error"]["Message"].get<std::string>().empty());
    }
  }
}

TEST_F(CloudApiTest, ErrorMessagesNameTheField) {
  Json r = call("CreateStaff", {{"SdkAppId", app()}, {"Staffs", {{{"Name", "N"}, {"Mail", 5}}}}});
  EXPECT_EQ(code(r), "InvalidParameter");
  EXPECT_NE(r["Error"]["Message"].get<std::string>().find("Staffs.0.Mail"), std::string::npos) << r.dump();
}

TEST_F(CloudApiTest, TenantIsolation) {
  SeedResult other = DemoSeeder::createTenant(store, "Other", now);
  StaffRecord s;
  s.info = {other.tenant.sdkAppId, "x@other.com", "X", "", "", "", {}};
  store.insertStaff(s);

  // Our key with their SdkAppId: refused.
  Json r = call("DescribeStaffInfoList", {{"SdkAppId", other.tenant.sdkAppId}, {"PageSize", 10}, {"PageNumber", 0}});
  EXPECT_EQ(code(r), "AuthFailure.UnauthorizedOperation");
  EXPECT_EQ(code(call("CreateSDKLoginToken", {{"SdkAppId", other.tenant.sdkAppId}, {"SeatUserId", "x@other.com"}})),
            "AuthFailure.UnauthorizedOperation");
  EXPECT_EQ(code(call("CreateSDKLoginToken", {{"SdkAppId", 1400000000}, {"SeatUserId", "x@other.com"}})),
            "AuthFailure.UnauthorizedOperation");
  // Their key sees only their staff; their key cannot issue a token for our agent.
  Options theirs;
  theirs.secretId = other.credential.secretId;
  theirs.secretKey = other.credential.secretKey;
  Json list =
      call("DescribeStaffInfoList", {{"SdkAppId", other.tenant.sdkAppId}, {"PageSize", 10}, {"PageNumber", 0}}, theirs);
  ASSERT_EQ(code(list), "OK");
  EXPECT_EQ(list["TotalCount"], 1);
  EXPECT_EQ(list["StaffList"][0]["Mail"], "x@other.com");
  EXPECT_EQ(code(call("CreateSDKLoginToken", {{"SdkAppId", other.tenant.sdkAppId}, {"SeatUserId", "agent1@tccc.local"}},
                      theirs)),
            "ResourceNotFound");
  // Our key with our own key's secret but their SecretId: signature fails.
  Options mixed;
  mixed.secretId = other.credential.secretId;
  EXPECT_EQ(code(call("DescribeNumbers", {{"SdkAppId", app()}}, mixed)), "AuthFailure.SignatureFailure");
  Json numbers = call("DescribeNumbers", {{"SdkAppId", other.tenant.sdkAppId}}, theirs);
  EXPECT_EQ(numbers["TotalCount"], 0);
}

TEST_F(CloudApiTest, StaffCrudAndSkillGroups) {
  Json created = call("CreateCCCSkillGroup", {{"SdkAppId", app()}, {"SkillGroupName", "VIP"}, {"SkillGroupType", 0}});
  ASSERT_EQ(code(created), "OK") << created.dump();
  std::int64_t vip = created["SkillGroupId"];
  EXPECT_EQ(vip, 4);  // after the demo's Sales, Support and Online
  EXPECT_EQ(code(call("CreateCCCSkillGroup", {{"SdkAppId", app()}, {"SkillGroupName", "VIP"}, {"SkillGroupType", 0}})),
            "InvalidParameterValue.SkillGroupExists");

  Json groups = call("DescribeSkillGroupInfoList", {{"SdkAppId", app()}, {"PageSize", 10}, {"PageNumber", 0}});
  EXPECT_EQ(groups["TotalCount"], 4);
  EXPECT_EQ(groups["SkillGroupList"][2]["SkillGroupType"], 1);  // the demo's online (chat) group
  EXPECT_EQ(groups["SkillGroupList"][3]["SkillGroupName"], "VIP");
  EXPECT_EQ(groups["SkillGroupList"][3]["SkillGroupType"], 0);
  Json one = call("DescribeSkillGroupInfoList",
                  {{"SdkAppId", app()}, {"PageSize", 10}, {"PageNumber", 0}, {"SkillGroupId", 2}});
  EXPECT_EQ(one["TotalCount"], 1);

  Json staff =
      call("CreateStaff",
           {{"SdkAppId", app()},
            {"Staffs",
             {{{"Name", "Dora"}, {"Mail", "dora@tccc.local"}, {"StaffNumber", "2001"}, {"SkillGroupNameList", {"VIP"}}},
              {{"Name", "Dup"}, {"Mail", "agent1@tccc.local"}, {"StaffNumber", "1"}},
              {{"Name", "Eve"}, {"Mail", "eve@tccc.local"}, {"StaffNumber", "2"}, {"SkillGroupNameList", {"Nope"}}}}}});
  ASSERT_EQ(code(staff), "OK") << staff.dump();
  ASSERT_EQ(staff["ErrorStaffList"].size(), 2u);
  EXPECT_EQ(staff["ErrorStaffList"][0]["StaffEmail"], "agent1@tccc.local");
  EXPECT_EQ(staff["ErrorStaffList"][1]["StaffEmail"], "eve@tccc.local");
  EXPECT_FALSE(store.findStaff(app(), "eve@tccc.local"));
  auto dora = store.findStaff(app(), "dora@tccc.local");
  ASSERT_TRUE(dora);
  EXPECT_EQ(dora->info.skillGroupIds, std::vector<std::int64_t>{vip});

  EXPECT_EQ(code(call("BindStaffSkillGroupList", {{"SdkAppId", app()},
                                                  {"StaffEmail", "dora@tccc.local"},
                                                  {"StaffSkillGroupList", {{{"SkillGroupId", 1}, {"Priority", 4}}}}})),
            "OK");
  EXPECT_EQ(store.findStaff(app(), "dora@tccc.local")->skillGroupPriority.at(1), 4);
  EXPECT_EQ(code(call("UnbindStaffSkillGroupList",
                      {{"SdkAppId", app()}, {"StaffEmail", "dora@tccc.local"}, {"SkillGroupList", {vip}}})),
            "OK");
  EXPECT_EQ(store.findStaff(app(), "dora@tccc.local")->info.skillGroupIds, std::vector<std::int64_t>{1});

  EXPECT_EQ(code(call("ModifyStaff", {{"SdkAppId", app()},
                                      {"Email", "dora@tccc.local"},
                                      {"Name", "Dora M"},
                                      {"Phone", "+86-1"},
                                      {"SkillGroupIds", {1, 2}}})),
            "OK");
  auto modified = store.findStaff(app(), "dora@tccc.local");
  EXPECT_EQ(modified->info.name, "Dora M");
  EXPECT_EQ(modified->info.phone, "+86-1");
  EXPECT_EQ(modified->info.skillGroupIds, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(modified->skillGroupPriority.at(1), 4);  // kept

  Json list = call("DescribeStaffInfoList", {{"SdkAppId", app()}, {"PageSize", 2}, {"PageNumber", 1}});
  EXPECT_EQ(list["TotalCount"], 5);  // the demo's three agents and its supervisor, and Dora
  EXPECT_EQ(list["StaffList"].size(), 2u);
  Json byGroup =
      call("DescribeStaffInfoList", {{"SdkAppId", app()}, {"PageSize", 10}, {"PageNumber", 0}, {"SkillGroupId", 2}});
  EXPECT_EQ(byGroup["TotalCount"], 3);  // agent1, agent3, dora
  Json byMail = call("DescribeStaffInfoList",
                     {{"SdkAppId", app()}, {"PageSize", 10}, {"PageNumber", 0}, {"StaffMail", "dora@tccc.local"}});
  ASSERT_EQ(byMail["TotalCount"], 1);
  EXPECT_EQ(byMail["StaffList"][0]["SkillGroupList"].size(), 2u);

  // agent1 is online (per LiveOps), so it is not deleted.
  Json del = call("DeleteStaff", {{"SdkAppId", app()}, {"StaffList", {"dora@tccc.local", "agent1@tccc.local"}}});
  ASSERT_EQ(code(del), "OK");
  EXPECT_EQ(del["OnlineStaffList"], Json::array({"agent1@tccc.local"}));
  EXPECT_FALSE(store.findStaff(app(), "dora@tccc.local"));
  EXPECT_TRUE(store.findStaff(app(), "agent1@tccc.local"));

  // Every change told the contact center to reload this tenant.
  EXPECT_GE(live.changes.size(), 6u);
  for (auto id : live.changes) EXPECT_EQ(id, app());
}

TEST_F(CloudApiTest, DescribeNumbersListsServiceAndCallerNumbers) {
  Json r = call("DescribeNumbers", {{"SdkAppId", app()}});
  ASSERT_EQ(code(r), "OK");
  EXPECT_EQ(r["TotalCount"], 4);
  std::vector<std::string> numbers;
  for (const auto& n : r["Numbers"]) numbers.push_back(n["Number"]);
  EXPECT_NE(std::find(numbers.begin(), numbers.end(), "4008001000"), numbers.end());
  EXPECT_NE(std::find(numbers.begin(), numbers.end(), "4008002000"), numbers.end());
  Json paged = call("DescribeNumbers", {{"SdkAppId", app()}, {"PageSize", 1}, {"PageNumber", 1}});
  EXPECT_EQ(paged["Numbers"].size(), 1u);
}

TEST_F(CloudApiTest, DescribeTelCdrReadsStoredCdrs) {
  CdrRecord rec;
  rec.sdkAppId = app();
  rec.sessionId = "s-9";
  rec.startTimestamp = now - 100;
  rec.caller = "13800138000";
  rec.callee = "4008001000";
  rec.cdr = {{"SessionId", "s-9"},
             {"Caller", "13800138000"},
             {"Callee", "4008001000"},
             {"Direction", 0},
             {"StartTimestamp", now - 100},
             {"EndStatusString", "waitingGiveUp"},
             {"Uui", "u"},
             {"QueuedSkillGroupId", 1},
             {"QueuedSkillGroupName", "Sales"},
             {"SeatUser", {{"Mail", "agent1@tccc.local"}}},
             {"SdkAppId", app()},
             {"Secret", "not a model field"}};
  store.storeCdr(rec, std::nullopt);
  Json r = call("DescribeTelCdr", {{"SdkAppId", app()},
                                   {"StartTimeStamp", now - 3600},
                                   {"EndTimeStamp", now},
                                   {"PageSize", 10},
                                   {"PageNumber", 0}});
  ASSERT_EQ(code(r), "OK") << r.dump();
  ASSERT_EQ(r["TotalCount"], 1);
  const Json& cdr = r["TelCdrs"][0];
  EXPECT_EQ(cdr["SessionId"], "s-9");
  EXPECT_EQ(cdr["Time"], now - 100);
  EXPECT_EQ(cdr["EndStatus"], 103);
  EXPECT_EQ(cdr["EndStatusString"], "waitingGiveUp");
  EXPECT_EQ(cdr["SkillGroupId"], 1);
  EXPECT_EQ(cdr["UUI"], "u");
  EXPECT_FALSE(cdr.contains("Secret"));
  EXPECT_EQ(r["TelCdrList"], r["TelCdrs"]);
  Json none = call("DescribeTelCdr", {{"SdkAppId", app()},
                                      {"StartTimeStamp", now - 3600},
                                      {"EndTimeStamp", now},
                                      {"PageSize", 10},
                                      {"PageNumber", 0},
                                      {"Phones", {"999"}}});
  EXPECT_EQ(none["TotalCount"], 0);

  // DescribeTelSession falls back to the CDR once the contact center no longer knows the session.
  Json session = call("DescribeTelSession", {{"SdkAppId", app()}, {"SessionId", "s-9"}});
  ASSERT_EQ(code(session), "OK");
  EXPECT_EQ(session["Session"]["SessionStatus"], "finished");
  EXPECT_EQ(session["Session"]["StaffEmail"], "agent1@tccc.local");
}

TEST_F(CloudApiTest, LiveOperationsGoThroughLiveOps) {
  Json session = call("DescribeTelSession", {{"SdkAppId", app()}, {"SessionId", "live-1"}});
  EXPECT_EQ(session["Session"]["SessionStatus"], "inProgress");
  EXPECT_EQ(code(call("HangUpCall", {{"SdkAppId", app()}, {"SessionId", "live-1"}})), "OK");
  EXPECT_EQ(live.hungUp.back(), "live-1");

  Json metrics = call("DescribeStaffStatusMetrics", {{"SdkAppId", app()}});
  ASSERT_EQ(code(metrics), "OK");
  ASSERT_EQ(metrics["Metrics"].size(), 4u);  // the demo's agents and its supervisor
  std::map<std::string, std::string> status;
  for (const auto& m : metrics["Metrics"]) status[m["Email"]] = m["Status"];
  EXPECT_EQ(status["agent1@tccc.local"], "free");
  EXPECT_EQ(status["agent2@tccc.local"], "offline");
  Json free = call("DescribeStaffStatusMetrics", {{"SdkAppId", app()}, {"StatusList", {"free"}}});
  EXPECT_EQ(free["Metrics"].size(), 1u);
  Json group2 = call("DescribeStaffStatusMetrics", {{"SdkAppId", app()}, {"GroupIdList", {2}}});
  EXPECT_EQ(group2["Metrics"].size(), 2u);  // agent1 and agent3
}

TEST_F(CloudApiTest, ChatActionsAnswerEmptyUntilChatExists) {
  Json im = call("DescribeIMCdrs", {{"SdkAppId", app()}, {"StartTimestamp", now - 10}, {"EndTimestamp", now}});
  ASSERT_EQ(code(im), "OK");
  EXPECT_EQ(im["TotalCount"], 0);
  EXPECT_TRUE(im["IMCdrs"].empty());
  Json messages = call("DescribeChatMessages", {{"SdkAppId", app()}, {"SessionId", "x"}});
  ASSERT_EQ(code(messages), "OK");
  EXPECT_EQ(messages["TotalCount"], 0);
}

TEST_F(CloudApiTest, WithoutContactCenterEveryoneIsOffline) {
  api.setLiveOps(nullptr);
  Json metrics = call("DescribeStaffStatusMetrics", {{"SdkAppId", app()}, {"StaffList", {"agent1@tccc.local"}}});
  ASSERT_EQ(metrics["Metrics"].size(), 1u);
  EXPECT_EQ(metrics["Metrics"][0]["Status"], "offline");
  EXPECT_EQ(code(call("HangUpCall", {{"SdkAppId", app()}, {"SessionId", "live-1"}})), "ResourceNotFound");
}

TEST_F(CloudApiTest, ErrorResponseShape) {
  HttpResponse r = CloudApi::errorResponse("RequestLimitExceeded", "slow down");
  EXPECT_EQ(r.status, 200);
  Json j = Json::parse(r.body);
  EXPECT_EQ(j["Response"]["Error"]["Code"], "RequestLimitExceeded");
  EXPECT_EQ(j["Response"]["Error"]["Message"], "slow down");
  EXPECT_EQ(j["Response"]["RequestId"].get<std::string>().size(), 36u);
}

TEST_F(CloudApiTest, PerKeyActionRateLimit) {
  CloudApiOptions options;
  options.actionRatePerSec = 0.001;  // no refill during the test
  options.actionBurst = 3;
  CloudApi limited(store, store, store, store, store, directory, options, [this] { return now; });
  auto codeFrom = [&](const std::string& action, const Json& body) {
    return code(Json::parse(limited.handle(signedRequest(action, body.dump())).body)["Response"]);
  };
  const Json numbers = {{"SdkAppId", app()}};
  EXPECT_EQ(codeFrom("DescribeNumbers", numbers), "OK");
  EXPECT_EQ(codeFrom("DescribeNumbers", numbers), "OK");
  EXPECT_EQ(codeFrom("DescribeNumbers", numbers), "OK");
  EXPECT_EQ(codeFrom("DescribeNumbers", numbers), "RequestLimitExceeded");
  // Another action has its own budget; failed authentication does not spend any.
  EXPECT_EQ(codeFrom("DescribeStaffStatusMetrics", numbers), "OK");
}

// A write the failing disk refuses answers the cloud's database error and trips the breaker; while
// it is open, writes are refused before they are tried (no further fault reaches the breaker) and
// reads go on; once the probe has proved the disk, the same request succeeds, once.
TEST_F(CloudApiTest, WhileTheDiskFailsWritesAnswerADatabaseErrorAndReadsGoOn) {
  boost::asio::io_context io;
  const std::string path = dir.file("tccc.db");
  auto steadyMs = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  StorageBreaker breaker(
      io, [&path](std::int64_t at) { SqliteStore::proveWritable(path, at); }, steadyMs, std::chrono::milliseconds(10));
  store.setStorageBreaker(&breaker);
  api.setStorageBreaker(&breaker);
  const Json dora = {{"SdkAppId", app()}, {"Staffs", {{{"Name", "Dora"}, {"Mail", "dora@tccc.local"}}}}};
  {
    test::DiskRefusesWrites failing;
    Json refused = call("CreateStaff", dora);
    EXPECT_EQ(code(refused), "InternalError.DBError") << refused.dump();
    EXPECT_NE(refused["Error"]["Message"].get<std::string>().find("nothing was changed"), std::string::npos);
    ASSERT_TRUE(breaker.isOpen());
    const auto tripsBefore = breaker.status().trips;
    for (const char* action : {"CreateStaff", "CreateSDKLoginToken"}) {
      Json body =
          std::string(action) == "CreateStaff" ? dora : Json{{"SdkAppId", app()}, {"SeatUserId", "agent1@tccc.local"}};
      EXPECT_EQ(code(call(action, body)), "InternalError.DBError") << action;
    }
    EXPECT_EQ(breaker.status().trips, tripsBefore);  // refused without touching the disk
    Json staff = call("DescribeStaffInfoList", {{"SdkAppId", app()}, {"PageSize", 10}, {"PageNumber", 0}});
    EXPECT_EQ(code(staff), "OK") << staff.dump();
  }
  ASSERT_TRUE(test::runUntil(io, [&] { return !breaker.isOpen(); }));
  EXPECT_FALSE(store.findStaff(app(), "dora@tccc.local"));
  EXPECT_EQ(code(call("CreateStaff", dora)), "OK");
  EXPECT_TRUE(store.findStaff(app(), "dora@tccc.local"));
}
