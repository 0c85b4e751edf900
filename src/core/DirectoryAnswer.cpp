// SPDX-License-Identifier: Apache-2.0
#include "core/DirectoryAnswer.hpp"

#include "protocol/Vocabulary.generated.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace tccc::core {

namespace {

constexpr std::size_t kMaxEntries = 100;  // the protocol's largest `limit`

/// A string field cut to its bound ("" when absent, wrong type or too long: never the raw value).
std::string text(const Json& object, std::string_view key, std::size_t max) {
  return protocol::readString(object, key, max).value_or(std::string());
}

std::int64_t count(const Json& object, std::string_view key) {
  auto v = protocol::readInt(object, key);
  return v && *v >= 0 ? *v : 0;
}

std::optional<Json> group(const Json& g) {
  if (!g.is_object()) return std::nullopt;
  auto id = protocol::readString(g, "skillGroupId", 20);
  if (!id || id->empty()) return std::nullopt;
  Json out = Json::object();
  out["skillGroupId"] = *id;
  out["name"] = text(g, "name", 128);
  out["type"] = text(g, "type", 16);
  out["free"] = count(g, "free");
  out["online"] = count(g, "online");
  out["queued"] = count(g, "queued");
  return out;
}

std::optional<Json> agent(const Json& a) {
  if (!a.is_object()) return std::nullopt;
  auto userId = protocol::readString(a, "userId", 128);
  auto status = protocol::readString(a, "status", 16);
  if (!userId || userId->empty() || !status || !protocol::agentStatusFromString(*status)) return std::nullopt;
  Json out = Json::object();
  out["userId"] = *userId;
  out["name"] = text(a, "name", 128);
  out["nick"] = text(a, "nick", 128);
  out["staffNumber"] = text(a, "staffNumber", 64);
  out["status"] = *status;
  out["restReason"] = text(a, "restReason", 64);
  out["takesCalls"] = protocol::readBool(a, "takesCalls").value_or(false);
  out["takesChats"] = protocol::readBool(a, "takesChats").value_or(false);
  Json groups = Json::array();
  auto ids = a.find("skillGroupIds");
  if (ids != a.end() && ids->is_array())
    for (const auto& id : *ids)
      if (id.is_string() && !id.get<std::string>().empty() && id.get<std::string>().size() <= 20 &&
          groups.size() < kMaxEntries)
        groups.push_back(id.get<std::string>());
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
