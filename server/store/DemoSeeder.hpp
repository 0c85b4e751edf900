// SPDX-License-Identifier: Apache-2.0
// Zero-configuration start: the first start of an empty database creates a demo tenant (random
// SdkAppId and API key pair, three agents, two skill groups, an IVR number, a plain number and
// outbound caller numbers). Later starts find the tenant and change nothing.
#ifndef TCCC_SERVER_STORE_DEMOSEEDER_HPP
#define TCCC_SERVER_STORE_DEMOSEEDER_HPP

#include "store/SqliteStore.hpp"

#include <string>
#include <vector>

namespace tccc::server {

struct SeedResult {
  TenantRecord tenant;
  CredentialRecord credential;
  std::vector<std::string> agents;  // user ids (e-mail)
  bool created = false;             // true on the start that created it
};

class DemoSeeder {
 public:
  /// Returns the first tenant, creating and populating the demo tenant if there is none.
  static SeedResult ensureDemoTenant(SqliteStore& store, std::int64_t now);

  /// A new empty tenant with a fresh SdkAppId (1400000000–1400999999) and key pair.
  static SeedResult createTenant(SqliteStore& store, const std::string& name, std::int64_t now);

  /// Writes SdkAppId/SecretId/SecretKey to `path` with mode 0600 (replaced atomically).
  /// Throws std::runtime_error on failure.
  static void writeCredentialsFile(const std::string& path, const SeedResult& seed);
};

}  // namespace tccc::server

#endif
