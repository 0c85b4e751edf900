// SPDX-License-Identifier: Apache-2.0
// The lite JSON (src/json, what the browser build parses frames with) against nlohmann (what the
// server parses them with) on the same bytes. LiteJson.hpp promises nlohmann's observable
// behaviour: the same texts accepted, and byte-identical compact output for what both accept. The
// one documented difference is its nesting limit (Value::kMaxParseDepth), which nlohmann lacks.
#include "json/LiteJson.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Lite = tccc::json::Value;

int depthOf(const nlohmann::json& j) {
  if (!j.is_structured()) return 0;
  int deepest = 0;
  for (const auto& child : j) {
    int d = depthOf(child);
    if (d > deepest) deepest = d;
  }
  return deepest + 1;
}

// The same value: kinds, numbers (doubles bit for bit), strings, keys and order of members.
bool sameValue(const Lite& a, const nlohmann::json& b) {
  using T = Lite::value_t;
  switch (a.type()) {
    case T::null:
      return b.is_null();
    case T::boolean:
      return b.is_boolean() && a.get<bool>() == b.get<bool>();
    case T::number_integer:
      return b.is_number_integer() && !b.is_number_unsigned() && a.get<std::int64_t>() == b.get<std::int64_t>();
    case T::number_unsigned:
      return b.is_number_unsigned() && a.get<std::uint64_t>() == b.get<std::uint64_t>();
    case T::number_float: {
      if (!b.is_number_float()) return false;
      double x = a.get<double>(), y = b.get<double>();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case T::string:
      return b.is_string() && a.get<std::string>() == b.get_ref<const std::string&>();
    case T::array: {
      if (!b.is_array() || a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!sameValue(a[i], b[i])) return false;
      return true;
    }
    case T::object: {
      if (!b.is_object() || a.size() != b.size()) return false;
      auto bi = b.begin();
      for (auto ai = a.begin(); ai != a.end(); ++ai, ++bi)
        if (ai.key() != bi.key() || !sameValue(*ai, *bi)) return false;
      return true;
    }
    default:
      return false;
  }
}

[[noreturn]] void differ(const char* what, const std::string& lite, const std::string& nl) {
  std::fprintf(stderr, "LiteJson and nlohmann differ (%s)\n  lite:     %s\n  nlohmann: %s\n", what, lite.c_str(),
               nl.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const char* text = reinterpret_cast<const char*>(data);
  Lite lite = Lite::parse(text, text + size);
  nlohmann::json nl = nlohmann::json::parse(text, text + size, nullptr, /*allow_exceptions=*/false);
  // nlohmann stops at a NUL byte as if the text ended there (`[]\0x` parses as []); the project
  // never sees that behaviour, because protocol::parseJson refuses any NUL before parsing (checked
  // by fuzz_protocol and ProtocolCodec tests). Compare with nlohmann as the server uses it.
  if (std::memchr(text, 0, size) != nullptr) nl = nlohmann::json(nlohmann::json::value_t::discarded);

  if (nl.is_discarded()) {
    if (!lite.is_discarded()) differ("only lite accepts", lite.dump(), "discarded");
    return 0;
  }
  const std::string expected = nl.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (lite.is_discarded()) {
    if (depthOf(nl) > Lite::kMaxParseDepth) return 0;  // the documented limit
    differ("only nlohmann accepts", "discarded", expected);
  }
  if (!sameValue(lite, nl)) differ("values", lite.dump(), expected);
  const std::string got = lite.dump();
  // Equal values print the same but for doubles where nlohmann's Grisu2 misses the shortest or
  // closest digits: then the lite text is shorter or as long (closer), never longer.
  if (got != expected && got.size() > expected.size()) differ("compact output", got, expected);
  // What the lite JSON writes, it reads back as the same value.
  Lite again = Lite::parse(got);
  if (again.is_discarded() || again != lite) differ("round trip", again.dump(), got);
  return 0;
}
