// SPDX-License-Identifier: Apache-2.0
// The operator console's server side: one-time sign-in links and sessions (ConsoleSessions), the
// HTTP routes' guards (ConsoleHttp), and the service-number actions it drives through the cloud API
// for the session's tenant only (ServiceNumberActions), each refused input changing nothing.
#include "StoreTestSupport.hpp"
#include "cloud/CloudApi.hpp"
#include "console/ConsoleHttp.hpp"
#include "console/ConsoleSessions.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"
#include "store/StoreDirectory.hpp"

#include <gtest/gtest.h>

using namespace tccc::server;
using tccc::server::test::TempDir;
using Outcome = ConsoleLinkUse::Outcome;

namespace {

constexpr std::int64_t kStartMs = 1700000000000;

class NoLiveOps : public LiveOps {
 public:
  tccc::Error hangUp(std::int64_t, std::string_view) override { return tccc::Error(tccc::Errc::SessionNotFound); }
  Json staffStatusMetrics(std::int64_t, const std::vector<std::string>&) override { return Json::array(); }
  std::optional<Json> describeSession(std::int64_t, std::string_view) override { return std::nullopt; }
  void directoryChanged(std::int64_t sdkAppId) override { changes.push_back(sdkAppId); }
  std::vector<std::int64_t> changes;
};

class ConsoleTest : public ::testing::Test {
 protected:
  ConsoleTest()
      : store(dir.file("tccc.db")),
        seed(DemoSeeder::ensureDemoTenant(store, kStartMs / 1000)),
        directory(store, store, store, store, store),
        api(store, store, store, store, store, directory, CloudApiOptions{}, [this] { return nowMs / 1000; }),
        sessions(store, ConsoleSessionOptions{60000, 600000, 3}),
        http(
            sessions, api, store, [this] { return nowMs; }, false) {
    api.setLiveOps(&live);
  }

  std::string link(std::int64_t app = 0) {
    return ConsoleSessions::issueLink(store, app ? app : seed.tenant.sdkAppId, nowMs / 1000);
  }

  HttpRequest post(const std::string& path, const std::string& body, const std::string& cookie = "") {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.remote = "127.0.0.1";
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["origin"] = "http://127.0.0.1:8080";
    r.headers["content-type"] = "application/json";
    if (!cookie.empty()) r.headers["cookie"] = "theme=dark; " + std::string(ConsoleHttp::kCookie) + "=" + cookie;
    return r;
  }

  /// Signs in through the HTTP route and returns the session cookie's value.
  std::string signIn(std::int64_t app = 0) {
    HttpResponse r = http.signIn(post("/console/session", Json{{"link", link(app)}}.dump()));
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string setCookie = r.headers["Set-Cookie"];
    const std::string prefix = std::string(ConsoleHttp::kCookie) + "=";
    EXPECT_EQ(setCookie.rfind(prefix, 0), 0u) << setCookie;
    return setCookie.substr(prefix.size(), setCookie.find(';') - prefix.size());
  }

  /// One console API call: the cloud envelope's Response.
  Json call(const std::string& cookie, const std::string& action, const Json& params = Json::object(),
            int* status = nullptr) {
    HttpResponse r = http.api(post("/console/api/" + action, params.dump(), cookie));
    if (status) *status = r.status;
    return Json::parse(r.body)["Response"];
  }

  static std::string errorCode(const Json& response) {
    return response.contains("Error") ? response["Error"]["Code"].get<std::string>() : std::string();
  }

  TempDir dir;
  SqliteStore store;
  SeedResult seed;
  StoreDirectory directory;
  NoLiveOps live;
  CloudApi api;
  ConsoleSessions sessions;
  ConsoleHttp http;
  std::int64_t nowMs = kStartMs;
};

// --- links and sessions --------------------------------------------------------------------------

TEST_F(ConsoleTest, ALinkSignsInOnceAndIsThenReadAsUsed) {
  const std::string token = link();
  auto first = sessions.signIn(token, nowMs);
  EXPECT_EQ(first.outcome, Outcome::SignedIn);
  EXPECT_EQ(first.sdkAppId, seed.tenant.sdkAppId);
  EXPECT_EQ(first.sessionToken.size(), ConsoleSessions::kTokenLength);
  EXPECT_NE(first.sessionToken, token);
  EXPECT_EQ(sessions.signIn(token, nowMs).outcome, Outcome::Used);
  ASSERT_TRUE(sessions.find(first.sessionToken, nowMs));
  EXPECT_EQ(sessions.find(first.sessionToken, nowMs)->sdkAppId, seed.tenant.sdkAppId);
}

TEST_F(ConsoleTest, LinksThatCannotSignIn) {
  const std::string expired = ConsoleSessions::issueLink(store, seed.tenant.sdkAppId, nowMs / 1000, 60);
  struct Case {
    std::string link;
    Outcome outcome;
  } cases[] = {
      {"", Outcome::Unknown},
      {std::string(ConsoleSessions::kTokenLength, 'a'), Outcome::Unknown},      // well formed, never issued
      {std::string(ConsoleSessions::kTokenLength - 1, 'a'), Outcome::Unknown},  // too short
      {std::string(ConsoleSessions::kTokenLength, '%'), Outcome::Unknown},      // not a token's characters
      {expired.substr(0, 42) + "'", Outcome::Unknown},
      {expired, Outcome::Expired},
  };
  nowMs += 61000;
  for (const auto& c : cases) {
    auto result = sessions.signIn(c.link, nowMs);
    EXPECT_EQ(result.outcome, c.outcome) << c.link;
    EXPECT_TRUE(result.sessionToken.empty()) << c.link;
  }
  EXPECT_EQ(sessions.size(), 0u);
}

TEST_F(ConsoleTest, OnlyTheLinksDigestIsStored) {
  const std::string token = link();
  tccc::server::SqliteDatabase::Statement st(store.database(), "SELECT token_digest FROM console_links");
  ASSERT_TRUE(st.step());
  EXPECT_NE(st.text(0), token);
  EXPECT_EQ(st.text(0).find(token), std::string::npos);
}

TEST_F(ConsoleTest, ASessionEndsWhenIdleAtItsLifetimeOrOnSignOut) {
  // Options: idle 60 s, lifetime 600 s.
  auto idle = sessions.signIn(link(), nowMs).sessionToken;
  nowMs += 59000;
  EXPECT_TRUE(sessions.find(idle, nowMs));  // used: its idle time starts again
  nowMs += 59000;
  EXPECT_TRUE(sessions.find(idle, nowMs));
  nowMs += 60000;
  EXPECT_FALSE(sessions.find(idle, nowMs));

  auto busy = sessions.signIn(link(), nowMs).sessionToken;
  const std::int64_t opened = nowMs;
  while (nowMs + 30000 < opened + 600000) {
    nowMs += 30000;
    ASSERT_TRUE(sessions.find(busy, nowMs));
    EXPECT_LE(sessions.find(busy, nowMs)->expiresAtMs, opened + 600000);
  }
  nowMs = opened + 600000;
  EXPECT_FALSE(sessions.find(busy, nowMs));

  auto leaving = sessions.signIn(link(), nowMs).sessionToken;
  sessions.signOut(leaving);
  EXPECT_FALSE(sessions.find(leaving, nowMs));
}

TEST_F(ConsoleTest, TheOldestSessionMakesRoomPastTheBound) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 4; ++i) {
    tokens.push_back(sessions.signIn(link(), nowMs).sessionToken);
    nowMs += 1000;
  }
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.find(tokens[0], nowMs));
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(sessions.find(tokens[i], nowMs)) << i;
}

// --- HTTP guards ---------------------------------------------------------------------------------

TEST_F(ConsoleTest, SignInAnswersTheTenantAndAnHttpOnlyStrictCookie) {
  HttpResponse r = http.signIn(post("/console/session", Json{{"link", link()}}.dump()));
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["sdkAppId"], seed.tenant.sdkAppId);
  EXPECT_EQ(body["appName"], seed.tenant.name);
  const std::string cookie = r.headers["Set-Cookie"];
  for (const char* attribute : {"; Path=/console", "; HttpOnly", "; SameSite=Strict", "; Max-Age=600"})
    EXPECT_NE(cookie.find(attribute), std::string::npos) << attribute << " in " << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP here
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
}

TEST_F(ConsoleTest, RequestsTheConsoleRefusesBeforeLookingAtThem) {
  const std::string cookie = signIn();
  struct Case {
    const char* what;
    std::function<void(HttpRequest&)> change;
    int status;
  } cases[] = {
      {"another site's page", [](HttpRequest& r) { r.headers["origin"] = "http://evil.example"; }, 403},
      {"same host, other port", [](HttpRequest& r) { r.headers["origin"] = "http://127.0.0.1:9999"; }, 403},
      {"a form post", [](HttpRequest& r) { r.headers["content-type"] = "application/x-www-form-urlencoded"; }, 415},
      {"no content type", [](HttpRequest& r) { r.headers.erase("content-type"); }, 415},
      {"an oversized body", [](HttpRequest& r) { r.body.assign(ConsoleHttp::kMaxBodyBytes + 1, ' '); }, 413},
  };
  for (const auto& c : cases) {
    HttpRequest api = post("/console/api/DescribeStaffInfoList", "{}", cookie);
    c.change(api);
    EXPECT_EQ(http.api(api).status, c.status) << c.what;
    HttpRequest in = post("/console/session", Json{{"link", link()}}.dump());
    c.change(in);
    HttpResponse r = http.signIn(in);
    EXPECT_EQ(r.status, c.status) << c.what;
    EXPECT_EQ(r.headers.count("Set-Cookie"), 0u) << c.what;
  }
  // Without an Origin (not a browser's cross-site request) the same call goes through.
  HttpRequest plain = post("/console/api/DescribeStaffInfoList", "{}", cookie);
  plain.headers.erase("origin");
  EXPECT_EQ(http.api(plain).status, 200);
}

TEST_F(ConsoleTest, SignInBodiesThatAreNotALink) {
  for (const char* body : {"", "[]", "{}", "{\"link\":5}", "{\"link\":null}", "{\"link\":\"x\"", "\"link\""}) {
    HttpResponse r = http.signIn(post("/console/session", body));
    EXPECT_TRUE(r.status == 400 || r.status == 401) << body << " -> " << r.status;
    EXPECT_EQ(r.headers.count("Set-Cookie"), 0u) << body;
  }
}

TEST_F(ConsoleTest, UsedAndUnknownLinksAreToldApart) {
  const std::string token = link();
  EXPECT_EQ(http.signIn(post("/console/session", Json{{"link", token}}.dump())).status, 200);
  HttpResponse again = http.signIn(post("/console/session", Json{{"link", token}}.dump()));
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(Json::parse(again.body)["error"]["code"], "ConsoleLinkUsed");
  HttpResponse unknown =
      http.signIn(post("/console/session", Json{{"link", std::string(ConsoleSessions::kTokenLength, 'Z')}}.dump()));
  EXPECT_EQ(Json::parse(unknown.body)["error"]["code"], "ConsoleLinkInvalid");
}

TEST_F(ConsoleTest, WhoIsSignedInAndSignOut) {
  HttpRequest who;
  who.method = "GET";
  who.path = "/console/session";
  EXPECT_EQ(http.whoIsSignedIn(who).status, 401);
  const std::string cookie = signIn();
  who.headers["cookie"] = std::string(ConsoleHttp::kCookie) + "=" + cookie;
  HttpResponse r = http.whoIsSignedIn(who);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["sdkAppId"], seed.tenant.sdkAppId);

  HttpResponse out = http.signOut(post("/console/logout", "{}", cookie));
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.headers["Set-Cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(http.whoIsSignedIn(who).status, 401);
  int status = 0;
  EXPECT_EQ(errorCode(call(cookie, "DescribeStaffInfoList", {}, &status)), "AuthFailure.UnauthorizedOperation");
  EXPECT_EQ(status, 401);
}

// --- the API, scoped to the session's tenant -----------------------------------------------------

TEST_F(ConsoleTest, TheApiServesTheSessionsTenantOnly) {
  SeedResult other = DemoSeeder::createTenant(store, "Acme", nowMs / 1000);
  const std::string mine = signIn();
  const std::string theirs = signIn(other.tenant.sdkAppId);

  Json list = call(mine, "DescribeStaffInfoList", {{"PageNumber", 0}, {"PageSize", 100}});
  ASSERT_EQ(errorCode(list), "") << list.dump();
  EXPECT_EQ(list["TotalCount"], seed.agents.size());
  Json empty = call(theirs, "DescribeStaffInfoList", {{"PageNumber", 0}, {"PageSize", 100}});
  EXPECT_EQ(empty["TotalCount"], 0) << empty.dump();

  // Naming the other tenant in the body does not reach it.
  Json crossed =
      call(theirs, "DescribeStaffInfoList", {{"SdkAppId", seed.tenant.sdkAppId}, {"PageNumber", 0}, {"PageSize", 100}});
  EXPECT_EQ(errorCode(crossed), "AuthFailure.UnauthorizedOperation");
  // A console never mints agent logins, and unknown actions are the cloud's InvalidAction.
  EXPECT_EQ(errorCode(call(mine, "CreateSDKLoginToken", {{"SeatUserId", "agent1@tccc.local"}})),
            "UnauthorizedOperation");
  EXPECT_EQ(errorCode(call(mine, "DescribeEverything")), "InvalidAction");
  EXPECT_EQ(errorCode(call(mine, "")), "InvalidAction");
}

// --- service numbers and IVR menus -----------------------------------------------------------------

Json salesMenu() {
  return Json{{"Number", "4008001000"},
              {"IvrPrompt", "售前请按 1，售后请按 2"},
              {"IvrOptions", Json::array({{{"Key", "1"}, {"Label", "售前咨询"}, {"SkillGroupId", 1}},
                                          {{"Key", "2"}, {"Label", "售后服务"}, {"SkillGroupId", 2}}})},
              {"DefaultSkillGroupId", 1}};
}

TEST_F(ConsoleTest, AMenuIsReplacedReadBackAndReachesTheContactCenter) {
  const std::string cookie = signIn();
  Json menu = salesMenu();
  menu["IvrOptions"].push_back({{"Key", "#"}, {"Label", "人工 Operator"}, {"SkillGroupId", 2}});
  menu["IvrPrompt"] = "New prompt";
  ASSERT_EQ(errorCode(call(cookie, "ModifyServiceNumber", menu)), "");
  EXPECT_EQ(live.changes, std::vector<std::int64_t>{seed.tenant.sdkAppId});

  auto stored = store.findServiceNumber("4008001000");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->ivrPrompt, "New prompt");
  ASSERT_EQ(stored->ivrOptions.size(), 3u);
  EXPECT_EQ(stored->ivrOptions[2].key, "#");

  Json described = call(cookie, "DescribeServiceNumbers");
  bool found = false;
  for (const auto& n : described["ServiceNumbers"])
    if (n["Number"] == "4008001000") {
      found = true;
      EXPECT_EQ(n["IvrOptions"].size(), 3u);
      EXPECT_EQ(n["IvrOptions"][2]["Label"], "人工 Operator");
    }
  EXPECT_TRUE(found) << described.dump();
  EXPECT_TRUE(described["CallerNumbers"].is_array());

  // A new number with no menu sends its calls straight to a group.
  ASSERT_EQ(errorCode(call(cookie, "ModifyServiceNumber", {{"Number", "+8620000000"}, {"DefaultSkillGroupId", 2}})),
            "");
  EXPECT_EQ(store.findServiceNumber("+8620000000")->defaultSkillGroupId, 2);
  ASSERT_EQ(errorCode(call(cookie, "DeleteServiceNumber", {{"Number", "+8620000000"}})), "");
  EXPECT_FALSE(store.findServiceNumber("+8620000000"));
  EXPECT_EQ(errorCode(call(cookie, "DeleteServiceNumber", {{"Number", "+8620000000"}})), "ResourceNotFound.Number");
}

TEST_F(ConsoleTest, MenusThatAreRefusedChangeNothing) {
  const std::string cookie = signIn();
  ASSERT_EQ(errorCode(call(cookie, "ModifyServiceNumber", salesMenu())), "");
  auto numbers = [&] {
    Json described = call(cookie, "DescribeServiceNumbers");
    described.erase("RequestId");
    return described.dump();
  };
  const std::string before = numbers();
  std::string label64, label65;
  for (int i = 0; i < 64; ++i) label64 += "字";
  label65 = label64 + "字";

  struct Case {
    const char* what;
    std::function<void(Json&)> change;
    const char* code;
  } cases[] = {
      {"a key twice", [](Json& m) { m["IvrOptions"][1]["Key"] = "1"; }, "InvalidParameterValue"},
      {"two keys in one", [](Json& m) { m["IvrOptions"][0]["Key"] = "12"; }, "InvalidParameterValue"},
      {"a key not on a phone", [](Json& m) { m["IvrOptions"][0]["Key"] = "a"; }, "InvalidParameterValue"},
      {"an empty key", [](Json& m) { m["IvrOptions"][0]["Key"] = ""; }, "InvalidParameterValue"},
      {"a key as a number", [](Json& m) { m["IvrOptions"][0]["Key"] = 1; }, "InvalidParameter"},
      {"an online group", [](Json& m) { m["IvrOptions"][0]["SkillGroupId"] = 3; }, "InvalidParameterValue"},
      {"a group that does not exist", [](Json& m) { m["IvrOptions"][0]["SkillGroupId"] = 999; },
       "InvalidParameterValue"},
      {"a default that does not exist", [](Json& m) { m["DefaultSkillGroupId"] = 999; }, "InvalidParameterValue"},
      {"a label too long", [&](Json& m) { m["IvrOptions"][0]["Label"] = label65; }, "InvalidParameterValue"},
      {"an empty label", [](Json& m) { m["IvrOptions"][0]["Label"] = ""; }, "InvalidParameterValue"},
      {"a control character", [](Json& m) { m["IvrOptions"][0]["Label"] = "a\x01"; }, "InvalidParameterValue"},
      {"a prompt too long", [](Json& m) { m["IvrPrompt"] = std::string(501, 'x'); }, "InvalidParameterValue"},
      {"options without a prompt", [](Json& m) { m.erase("IvrPrompt"); }, "InvalidParameterValue"},
      {"no options and no default",
       [](Json& m) {
         m["IvrOptions"] = Json::array();
         m["DefaultSkillGroupId"] = 0;
       },
       "InvalidParameterValue"},
      {"13 options",
       [](Json& m) {
         m["IvrOptions"] = Json::array();
         for (const char* k : {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "1"})
           m["IvrOptions"].push_back({{"Key", k}, {"Label", "x"}, {"SkillGroupId", 1}});
       },
       "InvalidParameterValue"},
      {"a number too short", [](Json& m) { m["Number"] = "12"; }, "InvalidParameterValue"},
      {"a number with dashes", [](Json& m) { m["Number"] = "400-800-1000"; }, "InvalidParameterValue"},
      {"a plus inside", [](Json& m) { m["Number"] = "400+8001000"; }, "InvalidParameterValue"},
      {"a number too long", [](Json& m) { m["Number"] = std::string(21, '1'); }, "InvalidParameterValue"},
      {"no number", [](Json& m) { m.erase("Number"); }, "MissingParameter"},
  };
  for (const auto& c : cases) {
    Json menu = salesMenu();
    c.change(menu);
    EXPECT_EQ(errorCode(call(cookie, "ModifyServiceNumber", menu)), c.code) << c.what;
  }
  EXPECT_EQ(numbers(), before);

  // The longest label allowed, counted in characters (64 Chinese characters are 192 bytes).
  Json longest = salesMenu();
  longest["IvrOptions"][0]["Label"] = label64;
  EXPECT_EQ(errorCode(call(cookie, "ModifyServiceNumber", longest)), "");
}

TEST_F(ConsoleTest, AnotherTenantsNumberIsNotTaken) {
  SeedResult other = DemoSeeder::createTenant(store, "Acme", nowMs / 1000);
  const std::string theirs = signIn(other.tenant.sdkAppId);
  ASSERT_EQ(errorCode(call(theirs, "CreateCCCSkillGroup", {{"SkillGroupName", "Acme Sales"}, {"SkillGroupType", 0}})),
            "");
  const std::int64_t group = store.listSkillGroups(other.tenant.sdkAppId).at(0).info.skillGroupId;
  Json menu{{"Number", "4008001000"}, {"DefaultSkillGroupId", group}};
  EXPECT_EQ(errorCode(call(theirs, "ModifyServiceNumber", menu)), "InvalidParameterValue.NumberInUse");
  EXPECT_EQ(store.findServiceNumber("4008001000")->sdkAppId, seed.tenant.sdkAppId);
  EXPECT_EQ(errorCode(call(theirs, "DeleteServiceNumber", {{"Number", "4008001000"}})), "ResourceNotFound.Number");
  EXPECT_TRUE(store.findServiceNumber("4008001000"));
}

}  // namespace
