// SPDX-License-Identifier: Apache-2.0
// The cloud API behind `POST /` (server/cloud/CloudApi) past its signature check: the fuzzer picks
// the action and writes the JSON body, the harness signs the request as the official client does,
// so every action's parameter handling and its queries run on attacker-chosen values. The store is
// a real SqliteStore in memory with the demo tenant, made afresh every few hundred inputs so that
// what earlier inputs created (staff, skill groups) neither grows without bound nor hides bugs.
// One input in four goes through the operator console instead (server/console): its sign-in body
// and cookie header as the fuzzer writes them, or an action with a signed-in session's cookie.
#include "cloud/CloudApi.hpp"
#include "cloud/Tc3Signer.hpp"
#include "console/ConsoleHttp.hpp"
#include "console/ConsoleSessions.hpp"
#include "store/DemoSeeder.hpp"
#include "store/SqliteStore.hpp"
#include "store/StoreDirectory.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

using namespace tccc::server;

constexpr std::int64_t kNow = 1732406400;  // a fixed clock: the same input, the same answer

struct World {
  SqliteStore store{":memory:"};
  SeedResult seed = DemoSeeder::ensureDemoTenant(store, kNow);
  StoreDirectory directory{store, store, store, store, store};
  CloudApi api{
      store, store, store, store, store, directory, CloudApiOptions{"http://127.0.0.1:8080", 300, 1800, 0, 0}, [] {
        return kNow;
      }};
  ConsoleSessions sessions{store};
  ConsoleHttp console{sessions, api, store, [] { return kNow * 1000; }, false};
  std::string sessionCookie;
  World() {
    api.setChatRepository(&store);
    auto signedIn = sessions.signIn(ConsoleSessions::issueLink(store, seed.tenant.sdkAppId, kNow), kNow * 1000);
    sessionCookie = std::string(ConsoleHttp::kCookie) + "=" + signedIn.sessionToken;
  }
};

HttpRequest consoleRequest(std::string path, std::string body, std::string cookie) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::move(path);
  request.body = std::move(body);
  request.headers["content-type"] = "application/json";
  request.headers["host"] = "127.0.0.1:8080";
  request.headers["origin"] = "http://127.0.0.1:8080";
  request.headers["cookie"] = std::move(cookie);
  return request;
}

// The console answers its own JSON errors or the cloud's envelope, never anything malformed.
void checkConsoleAnswer(const HttpResponse& response) {
  if (response.status == 204) return;
  tccc::protocol::Json json = tccc::protocol::parseJson(response.body, 1 << 24, 64);
  if (!json.is_object() || (!json.contains("Response") && !json.contains("error") && !json.contains("sdkAppId")))
    std::abort();
}

// Replaces every "APP" with the demo tenant's SdkAppId, so that inputs can name the tenant the
// credential belongs to and get past the ownership check.
std::string withTenant(std::string body, std::int64_t sdkAppId) {
  const std::string app = std::to_string(sdkAppId);
  for (std::size_t at = body.find("APP"); at != std::string::npos; at = body.find("APP", at + app.size()))
    body.replace(at, 3, app);
  return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<World> world;
  static int uses = 0;
  if (!world || ++uses % 500 == 0) world = std::make_unique<World>();
  FuzzedDataProvider in(data, size);
  const int path = in.ConsumeIntegralInRange<int>(0, 7);
  const auto actions = world->api.actions();
  const std::string action = actions[in.ConsumeIntegralInRange<std::size_t>(0, actions.size() - 1)];
  if (path == 6) {  // the sign-in route and the cookie parser on arbitrary text
    std::string cookie = in.ConsumeRandomLengthString(256);
    checkConsoleAnswer(
        world->console.signIn(consoleRequest("/console/session", in.ConsumeRemainingBytesAsString(), cookie)));
    return 0;
  }
  const std::string body = withTenant(in.ConsumeRemainingBytesAsString(), world->seed.tenant.sdkAppId);
  if (path == 7) {  // an action for the signed-in console session
    HttpResponse response = world->console.api(consoleRequest("/console/api/" + action, body, world->sessionCookie));
    // The session lives as long as the world: only an oversized body is refused before the action.
    if (response.status != 200 && !(response.status == 413 && body.size() > ConsoleHttp::kMaxBodyBytes)) std::abort();
    checkConsoleAnswer(response);
    return 0;
  }

  HttpRequest request;
  request.method = "POST";
  request.path = "/";
  request.body = body;
  request.headers["content-type"] = "application/json";
  request.headers["host"] = "127.0.0.1:8080";
  request.headers["x-tc-action"] = action;
  request.headers["x-tc-version"] = CloudApi::kVersion;
  request.headers["x-tc-timestamp"] = std::to_string(kNow);
  request.headers["authorization"] =
      Tc3Signer::authorize(world->seed.credential.secretId, world->seed.credential.secretKey, "ccc", kNow,
                           {{"content-type", "application/json"}, {"host", "127.0.0.1"}}, body);
  HttpResponse response = world->api.handle(request);
  // Always the cloud's envelope: HTTP 200 with a JSON object under "Response".
  if (response.status != 200) std::abort();
  tccc::protocol::Json json = tccc::protocol::parseJson(response.body, 1 << 24, 64);
  if (!json.is_object() || !json.contains("Response")) std::abort();
  if (json["Response"].contains("Error") &&
      json["Response"]["Error"].value("Code", "").rfind("AuthFailure.Signature", 0) == 0)
    std::abort();  // the harness signs correctly: a signature failure is a verification bug
  return 0;
}
