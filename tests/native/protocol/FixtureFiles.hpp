// SPDX-License-Identifier: Apache-2.0
// Reads the JSON fixtures shared with the Jest tests (tests/fixtures/). Test-only code, so it may
// use iostreams and exceptions.
#ifndef TCCC_TESTS_FIXTURE_FILES_HPP
#define TCCC_TESTS_FIXTURE_FILES_HPP

#include "protocol/Protocol.hpp"  // protocol::Json: nlohmann, or tccc::json::Value in the lite tests

#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tccc::testing {

inline std::string readFile(const std::string& relativePath) {
  std::ifstream in(std::string(TCCC_SOURCE_DIR) + "/" + relativePath, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read fixture " + relativePath);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline protocol::Json readJsonFixture(const std::string& relativePath) {
  // Not-throwing parse, so that both JSON implementations report a broken fixture the same way.
  auto doc = protocol::Json::parse(readFile(relativePath), nullptr, false);
  if (doc.is_discarded()) throw std::runtime_error("fixture " + relativePath + " is not valid JSON");
  return doc;
}

/// The raw frame of a fixture case: `text`, `hex` (raw bytes) or `generate`
/// {prefix, repeat, count, suffix} = prefix + repeat×count + suffix.
inline std::string fixtureFrame(const protocol::Json& c) {
  if (c.contains("text")) return c.at("text").get<std::string>();
  if (c.contains("hex")) {
    const auto hex = c.at("hex").get<std::string>();
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
      bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
  }
  const auto& g = c.at("generate");
  std::string out = g.at("prefix").get<std::string>();
  const auto repeat = g.at("repeat").get<std::string>();
  for (int i = 0, n = g.at("count").get<int>(); i < n; ++i) out += repeat;
  out += g.at("suffix").get<std::string>();
  return out;
}

/// A GoogleTest-safe parameter name from a fixture's human name.
inline std::string testName(const std::string& name, std::size_t index) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return std::to_string(index) + "_" + out;
}

}  // namespace tccc::testing

#endif
