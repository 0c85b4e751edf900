// SPDX-License-Identifier: Apache-2.0
#include "routing/TenantDirectory.hpp"

namespace tccc::server::routing {

namespace {
constexpr std::size_t kMaxCachedNumbers = 10000;  // junk numbers must not grow memory
}

TenantDirectory::Tenant& TenantDirectory::tenant(std::int64_t sdkAppId) {
  auto it = mTenants.find(sdkAppId);
  if (it != mTenants.end()) return *it->second;
  auto t = std::make_unique<Tenant>();
  load(sdkAppId, *t);
  return *mTenants.emplace(sdkAppId, std::move(t)).first->second;
}

void TenantDirectory::load(std::int64_t sdkAppId, Tenant& t) {
  t.groups.clear();
  for (auto& g : mDirectory.listSkillGroups(sdkAppId)) t.groups[g.skillGroupId] = g;
  t.callerNumbers = mDirectory.listCallerNumbers(sdkAppId);
  t.staff.reset();
}

const SkillGroupInfo* TenantDirectory::group(std::int64_t sdkAppId, std::int64_t skillGroupId) {
  auto& groups = tenant(sdkAppId).groups;
  auto it = groups.find(skillGroupId);
  return it == groups.end() ? nullptr : &it->second;
}

const std::unordered_map<std::int64_t, SkillGroupInfo>& TenantDirectory::groups(std::int64_t sdkAppId) {
  return tenant(sdkAppId).groups;
}

const std::vector<CallerNumberInfo>& TenantDirectory::callerNumbers(std::int64_t sdkAppId) {
  return tenant(sdkAppId).callerNumbers;
}

const std::vector<StaffInfo>& TenantDirectory::staff(std::int64_t sdkAppId) {
  Tenant& t = tenant(sdkAppId);
  if (!t.staff) t.staff = mDirectory.listStaff(sdkAppId);
  return *t.staff;
}

std::optional<ServiceNumberInfo> TenantDirectory::serviceNumber(std::string_view number) {
  std::string key(number);
  auto it = mNumberCache.find(key);
  if (it != mNumberCache.end()) return it->second;
  auto info = mDirectory.findServiceNumber(number);
  if (mNumberCache.size() > kMaxCachedNumbers) mNumberCache.clear();
  mNumberCache.emplace(key, info);
  return info;
}

void TenantDirectory::reload(std::int64_t sdkAppId) {
  mNumberCache.clear();
  auto it = mTenants.find(sdkAppId);
  if (it != mTenants.end()) load(sdkAppId, *it->second);
}

}  // namespace tccc::server::routing
