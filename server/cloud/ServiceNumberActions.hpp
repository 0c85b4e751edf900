// SPDX-License-Identifier: Apache-2.0
// The tccc extension actions for a tenant's service numbers and their IVR menus, which the cloud API
// leaves to its web console: DescribeServiceNumbers, ModifyServiceNumber (creates or replaces one
// number's menu) and DeleteServiceNumber. Served on the signed cloud API and in the operator console
// alike (docs/protocol.md, "Service numbers and IVR menus").
#ifndef TCCC_SERVER_CLOUD_SERVICENUMBERACTIONS_HPP
#define TCCC_SERVER_CLOUD_SERVICENUMBERACTIONS_HPP

#include "cloud/ParamReader.hpp"
#include "store/Repositories.hpp"

namespace tccc::server {

class ServiceNumberActions {
 public:
  // Limits of one menu: a key per DTMF digit at most, and texts an IVR can still read out.
  static constexpr std::size_t kMaxOptions = 12;
  static constexpr std::size_t kMaxLabelChars = 64;
  static constexpr std::size_t kMaxPromptChars = 500;

  ServiceNumberActions(NumberRepository& numbers, SkillGroupRepository& groups) : mNumbers(numbers), mGroups(groups) {}

  protocol::Json describe(std::int64_t sdkAppId);
  /// Validates the whole menu before it writes anything: a refused request changes nothing.
  void modify(std::int64_t sdkAppId, const ParamReader& params);
  void remove(std::int64_t sdkAppId, const ParamReader& params);

 private:
  std::string readNumber(const ParamReader& params);
  std::int64_t voiceGroup(std::int64_t sdkAppId, const ParamReader& params, const std::string& field, std::int64_t id);

  NumberRepository& mNumbers;
  SkillGroupRepository& mGroups;
};

}  // namespace tccc::server

#endif
