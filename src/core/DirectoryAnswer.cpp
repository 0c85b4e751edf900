// SPDX-License-Identifier: Apache-2.0
#include "core/DirectoryAnswer.hpp"

#include "core/AnswerFields.hpp"

#include "protocol/Vocabulary.generated.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace tccc::core {

namespace {

constexpr std::size_t kMaxEntries = 100;  // the protocol's largest `limit`

constexpr PickField kGroupFields[] = {{"name", 128, Pick::TextOrEmpty},
                                      {"type", 16, Pick::TextOrEmpty},
                                      {"free", 0, Pick::Count},
                                      {"online", 0, Pick::Count},
                                      {"queued", 0, Pick::Count}};

constexpr PickField kAgentFields[] = {{"name", 128, Pick::TextOrEmpty},       {"nick", 128, Pick::TextOrEmpty},
                                      {"staffNumber", 64, Pick::TextOrEmpty}, {"restReason", 64, Pick::TextOrEmpty},
                                      {"takesCalls", 0, Pick::Bool},          {"takesChats", 0, Pick::Bool}};

std::optional<Json> group(const Json& g) {
  if (!g.is_object()) return std::nullopt;
  auto id = protocol::readString(g, "skillGroupId", 20);
  if (!id || id->empty()) return std::nullopt;
  Json out = Json::object();
  out["skillGroupId"] = std::move(*id);
  pickFields(g, out, kGroupFields);
  return out;
}

std::optional<Json> agent(const Json& a) {
  if (!a.is_object()) return std::nullopt;
  auto userId = protocol::readString(a, "userId", 128);
  auto status = protocol::readString(a, "status", 16);
  if (!userId || userId->empty() || !status || !protocol::agentStatusFromString(*status)) return std::nullopt;
  Json out = Json::object();
  out["userId"] = std::move(*userId);
  out["status"] = std::move(*status);
  pickFields(a, out, kAgentFields);
  Json groups = Json::array();
  auto ids = a.find("skillGroupIds");
  if (ids != a.end() && ids->is_array())
    for (const auto& id : *ids) {
      if (groups.size() == kMaxEntries) break;
      if (!id.is_string()) continue;
      const auto& text = id.get_ref<const std::string&>();
      if (!text.empty() && text.size() <= 20) groups.push_back(text);
    }
  out["skillGroupIds"] = std::move(groups);
  return out;
}

}  // namespace

std::optional<Json> normaliseDirectory(const Json& answer) {
  auto groups = answer.find("skillGroups");
  auto agents = answer.find("agents");
  if (groups == answer.end() || agents == answer.end() || !groups->is_array() || !agents->is_array())
    return std::nullopt;
  Json out = Json::object();
  Json g = Json::array();
  for (const auto& entry : *groups)
    if (g.size() < kMaxEntries)
      if (auto v = group(entry)) g.push_back(std::move(*v));
  Json a = Json::array();
  for (const auto& entry : *agents)
    if (a.size() < kMaxEntries)
      if (auto v = agent(entry)) a.push_back(std::move(*v));
  out["skillGroups"] = std::move(g);
  out["agents"] = std::move(a);
  out["truncated"] = protocol::readBool(answer, "truncated").value_or(false);
  return out;
}

}  // namespace tccc::core
