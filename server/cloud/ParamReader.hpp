// SPDX-License-Identifier: Apache-2.0
// Typed access to a cloud API request's parameters. A missing required field throws
// MissingParameter, a field of the wrong type InvalidParameter and a value out of range
// InvalidParameterValue, each naming the field (nested fields as "Staffs.0.Mail"). JSON null counts
// as absent, as the official clients drop nulls before sending.
#ifndef TCCC_SERVER_CLOUD_PARAMREADER_HPP
#define TCCC_SERVER_CLOUD_PARAMREADER_HPP

#include "cloud/CloudApiError.hpp"
#include "protocol/Protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tccc::server {

class ParamReader {
 public:
  ParamReader(const protocol::Json& object, std::string prefix = "");

  std::int64_t requireInt(const std::string& name, std::int64_t min, std::int64_t max) const;
  std::optional<std::int64_t> optInt(const std::string& name, std::int64_t min, std::int64_t max) const;
  std::string requireString(const std::string& name, std::size_t maxLength, bool allowEmpty = false) const;
  std::optional<std::string> optString(const std::string& name, std::size_t maxLength) const;
  std::optional<bool> optBool(const std::string& name) const;
  /// Arrays: absent -> nullopt; each element type-checked; more than maxItems -> InvalidParameterValue.
  std::optional<std::vector<std::string>> optStringArray(const std::string& name, std::size_t maxItems,
                                                         std::size_t maxLength) const;
  std::optional<std::vector<std::int64_t>> optIntArray(const std::string& name, std::size_t maxItems) const;
  /// An array of objects, each as a reader prefixed "Name.i.".
  std::optional<std::vector<ParamReader>> optObjectArray(const std::string& name, std::size_t maxItems) const;
  bool has(const std::string& name) const;

  std::string fieldName(const std::string& name) const { return mPrefix + name; }
  [[noreturn]] void invalidValue(const std::string& name, const std::string& why) const;

 private:
  const protocol::Json* find(const std::string& name) const;
  [[noreturn]] void missing(const std::string& name) const;
  [[noreturn]] void wrongType(const std::string& name, const char* expected) const;

  const protocol::Json* mObject;
  std::string mPrefix;
};

}  // namespace tccc::server

#endif
