// SPDX-License-Identifier: Apache-2.0
#include "cloud/ParamReader.hpp"

namespace tccc::server {

using protocol::Json;

ParamReader::ParamReader(const Json& object, std::string prefix) : mObject(&object), mPrefix(std::move(prefix)) {}

const Json* ParamReader::find(const std::string& name) const {
  if (!mObject->is_object()) return nullptr;
  auto it = mObject->find(name);
  if (it == mObject->end() || it->is_null()) return nullptr;
  return &*it;
}

bool ParamReader::has(const std::string& name) const { return find(name) != nullptr; }

void ParamReader::missing(const std::string& name) const {
  throw CloudApiError{"MissingParameter", "The request is missing a required parameter `" + fieldName(name) + "`."};
}

void ParamReader::wrongType(const std::string& name, const char* expected) const {
  throw CloudApiError{"InvalidParameter", "The parameter `" + fieldName(name) + "` must be " + expected + "."};
}

void ParamReader::invalidValue(const std::string& name, const std::string& why) const {
  throw CloudApiError{"InvalidParameterValue", "The value of `" + fieldName(name) + "` is invalid: " + why + "."};
}

namespace {
bool readInteger(const Json& v, std::int64_t& out) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    out = v.get<std::int64_t>();
    return true;
  }
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return false;
    out = static_cast<std::int64_t>(u);
    return true;
  }
  return false;
}
}  // namespace

std::optional<std::int64_t> ParamReader::optInt(const std::string& name, std::int64_t min, std::int64_t max) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  if (!readInteger(*v, out)) wrongType(name, "an integer");
  if (out < min || out > max)
    invalidValue(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return out;
}

std::int64_t ParamReader::requireInt(const std::string& name, std::int64_t min, std::int64_t max) const {
  auto v = optInt(name, min, max);
  if (!v) missing(name);
  return *v;
}

std::optional<std::string> ParamReader::optString(const std::string& name, std::size_t maxLength) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrongType(name, "a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > maxLength) invalidValue(name, "longer than " + std::to_string(maxLength) + " bytes");
  return s;
}

std::string ParamReader::requireString(const std::string& name, std::size_t maxLength, bool allowEmpty) const {
  auto v = optString(name, maxLength);
  if (!v) missing(name);
  if (!allowEmpty && v->empty()) invalidValue(name, "must not be empty");
  return *v;
}

std::optional<bool> ParamReader::optBool(const std::string& name) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) wrongType(name, "a boolean");
  return v->get<bool>();
}

std::optional<std::vector<std::string>> ParamReader::optStringArray(const std::string& name, std::size_t maxItems,
                                                                    std::size_t maxLength) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) wrongType(name, "an array of strings");
  if (v->size() > maxItems) invalidValue(name, "more than " + std::to_string(maxItems) + " items");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    std::string itemName = name + "." + std::to_string(i);
    if (!item.is_string()) wrongType(itemName, "a string");
    if (item.get_ref<const std::string&>().size() > maxLength)
      invalidValue(itemName, "longer than " + std::to_string(maxLength) + " bytes");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::vector<std::int64_t>> ParamReader::optIntArray(const std::string& name, std::size_t maxItems) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) wrongType(name, "an array of integers");
  if (v->size() > maxItems) invalidValue(name, "more than " + std::to_string(maxItems) + " items");
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    std::int64_t x = 0;
    if (!readInteger((*v)[i], x)) wrongType(name + "." + std::to_string(i), "an integer");
    out.push_back(x);
  }
  return out;
}

std::optional<std::vector<ParamReader>> ParamReader::optObjectArray(const std::string& name,
                                                                    std::size_t maxItems) const {
  const Json* v = find(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) wrongType(name, "an array of objects");
  if (v->size() > maxItems) invalidValue(name, "more than " + std::to_string(maxItems) + " items");
  std::vector<ParamReader> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    std::string itemName = name + "." + std::to_string(i);
    if (!(*v)[i].is_object()) wrongType(itemName, "an object");
    out.emplace_back((*v)[i], fieldName(itemName) + ".");
  }
  return out;
}

}  // namespace tccc::server
