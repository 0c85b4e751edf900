// SPDX-License-Identifier: Apache-2.0
// The cloud API behind `POST /` (server/cloud/CloudApi) past its signature check: the fuzzer picks
// the action and writes the JSON body, the harness signs the request as the official client does,
// so every action's parameter handling and its queries run on attacker-chosen values. The store is
// a real SqliteStore in memory with the demo tenant, made afresh every few hundred inputs so that
// what earlier inputs created (staff, skill groups) neither grows without bound nor hides bugs.
#include "cloud/CloudApi.hpp"
#include "cloud/Tc3Signer.hpp"
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
  World() { api.setChatRepository(&store); }
};

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
  const auto actions = world->api.actions();
  const std::string action = actions[in.ConsumeIntegralInRange<std::size_t>(0, actions.size() - 1)];
  const std::string body = withTenant(in.ConsumeRemainingBytesAsString(), world->seed.tenant.sdkAppId);

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
