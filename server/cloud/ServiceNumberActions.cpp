// SPDX-License-Identifier: Apache-2.0
#include "cloud/ServiceNumberActions.hpp"

#include <set>

namespace tccc::server {

using protocol::Json;

namespace {

/// Characters as a person counts them: UTF-8 code points (the JSON parser has checked the encoding).
std::size_t codePoints(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string readText(const ParamReader& params, const std::string& name, std::size_t maxChars, bool required) {
  // Four bytes per code point at most: the byte limit only stops absurd input early.
  auto text = required ? std::optional(params.requireString(name, maxChars * 4)) : params.optString(name, maxChars * 4);
  if (!text) return {};
  if (codePoints(*text) > maxChars)
    params.invalidValue(name, "must be at most " + std::to_string(maxChars) + " characters");
  for (unsigned char c : *text)
    if (c < 0x20 && c != '\n') params.invalidValue(name, "must not contain control characters");
  return *text;
}

}  // namespace

Json ServiceNumberActions::describe(std::int64_t sdkAppId) {
  Json numbers = Json::array();
  for (const auto& n : mNumbers.listServiceNumbers(sdkAppId)) {
    Json options = Json::array();
    for (const auto& o : n.ivrOptions)
      options.push_back({{"Key", o.key}, {"Label", o.label}, {"SkillGroupId", o.skillGroupId}});
    numbers.push_back({{"Number", n.number},
                       {"IvrPrompt", n.ivrPrompt},
                       {"IvrOptions", std::move(options)},
                       {"DefaultSkillGroupId", n.defaultSkillGroupId}});
  }
  Json callers = Json::array();
  for (const auto& n : mNumbers.listCallerNumbers(sdkAppId))
    callers.push_back({{"Number", n.number}, {"SkillGroupIds", n.skillGroupIds}});
  return Json{{"ServiceNumbers", std::move(numbers)}, {"CallerNumbers", std::move(callers)}};
}

std::string ServiceNumberActions::readNumber(const ParamReader& params) {
  std::string number = params.requireString("Number", 21);
  std::size_t digits = 0;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (number[i] == '+' && i == 0) continue;
    if (number[i] < '0' || number[i] > '9')
      params.invalidValue("Number", "must be 3 to 20 digits, optionally after a +");
    ++digits;
  }
  if (digits < 3 || digits > 20) params.invalidValue("Number", "must be 3 to 20 digits, optionally after a +");
  return number;
}

std::int64_t ServiceNumberActions::voiceGroup(std::int64_t sdkAppId, const ParamReader& params,
                                              const std::string& field, std::int64_t id) {
  auto group = mGroups.findSkillGroup(sdkAppId, id);
  if (!group) params.invalidValue(field, "is not a skill group of this app");
  // Calls can only reach agents of a group that takes calls: phone (0) or audio (3).
  if (group->skillGroupType != 0 && group->skillGroupType != 3)
    params.invalidValue(field, "must be a phone or audio skill group (SkillGroupType 0 or 3)");
  return id;
}

void ServiceNumberActions::modify(std::int64_t sdkAppId, const ParamReader& params) {
  ServiceNumberInfo info;
  info.sdkAppId = sdkAppId;
  info.number = readNumber(params);
  info.ivrPrompt = readText(params, "IvrPrompt", kMaxPromptChars, false);
  std::set<std::string> keys;
  for (const auto& option : params.optObjectArray("IvrOptions", kMaxOptions).value_or(std::vector<ParamReader>{})) {
    IvrOption o;
    o.key = option.requireString("Key", 1);
    if (o.key.find_first_not_of("0123456789*#") != std::string::npos)
      option.invalidValue("Key", "must be one key of the phone pad: 0-9, * or #");
    if (!keys.insert(o.key).second) option.invalidValue("Key", "`" + o.key + "` is used twice in this menu");
    o.label = readText(option, "Label", kMaxLabelChars, true);
    o.skillGroupId = voiceGroup(sdkAppId, option, "SkillGroupId", option.requireInt("SkillGroupId", 1, INT64_MAX));
    info.ivrOptions.push_back(std::move(o));
  }
  if (auto id = params.optInt("DefaultSkillGroupId", 0, INT64_MAX); id && *id)
    info.defaultSkillGroupId = voiceGroup(sdkAppId, params, "DefaultSkillGroupId", *id);
  if (info.ivrOptions.empty() && !info.defaultSkillGroupId)
    params.invalidValue("DefaultSkillGroupId", "is needed when the number has no IVR options: its calls go there");
  if (!info.ivrOptions.empty() && info.ivrPrompt.empty())
    params.invalidValue("IvrPrompt", "is needed when the number has IVR options: the caller must hear them");

  // Service numbers are unique across tenants: another app's number is not this app's to take.
  if (auto existing = mNumbers.findServiceNumber(info.number); existing && existing->sdkAppId != sdkAppId)
    throw CloudApiError{"InvalidParameterValue.NumberInUse",
                        "The number `" + info.number + "` belongs to another app."};
  mNumbers.upsertServiceNumber(info);
}

void ServiceNumberActions::remove(std::int64_t sdkAppId, const ParamReader& params) {
  std::string number = readNumber(params);
  if (!mNumbers.deleteServiceNumber(sdkAppId, number))
    throw CloudApiError{"ResourceNotFound.Number", "This app has no service number `" + number + "`."};
}

}  // namespace tccc::server
