// SPDX-License-Identifier: Apache-2.0
// What the engine reads of each tenant's configuration (skill groups, outbound caller numbers,
// service numbers), loaded from the Directory on first use and again when the cloud API changes it.
#ifndef TCCC_SERVER_ROUTING_TENANTDIRECTORY_HPP
#define TCCC_SERVER_ROUTING_TENANTDIRECTORY_HPP

#include "../Interfaces.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tccc::server::routing {

class TenantDirectory {
 public:
  explicit TenantDirectory(Directory& directory) : mDirectory(directory) {}

  /// The skill group, or null when the tenant has no such group.
  const SkillGroupInfo* group(std::int64_t sdkAppId, std::int64_t skillGroupId);
  const std::unordered_map<std::int64_t, SkillGroupInfo>& groups(std::int64_t sdkAppId);
  const std::vector<CallerNumberInfo>& callerNumbers(std::int64_t sdkAppId);
  /// The tenant's staff, read on first use and kept until reload(): the transfer directory lists
  /// it on every search, which must not be a database scan.
  const std::vector<StaffInfo>& staff(std::int64_t sdkAppId);
  /// A service number (unique across tenants), cached: answers, negative ones too, are kept.
  std::optional<ServiceNumberInfo> serviceNumber(std::string_view number);
  /// Reloads a tenant's groups and numbers after a change through the cloud API.
  void reload(std::int64_t sdkAppId);

  Directory& directory() { return mDirectory; }

 private:
  struct Tenant {
    std::unordered_map<std::int64_t, SkillGroupInfo> groups;
    std::vector<CallerNumberInfo> callerNumbers;
    std::optional<std::vector<StaffInfo>> staff;  // loaded on demand
  };
  Tenant& tenant(std::int64_t sdkAppId);
  void load(std::int64_t sdkAppId, Tenant& tenant);

  Directory& mDirectory;
  std::unordered_map<std::int64_t, std::unique_ptr<Tenant>> mTenants;
  std::unordered_map<std::string, std::optional<ServiceNumberInfo>> mNumberCache;
};

}  // namespace tccc::server::routing

#endif
