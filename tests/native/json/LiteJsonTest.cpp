// SPDX-License-Identifier: Apache-2.0
// tccc::json::Value, the lite JSON of the browser build: table-driven parse/dump cases, every class
// of malformed input, UTF-8, numbers at their limits, nesting limits, and a differential check
// against nlohmann_json (the implementation it replaces) on the same texts and doubles.
#include "json/DoubleText.hpp"
#include "json/LiteJson.hpp"
#include "protocol/Protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>

namespace tccc::json {
namespace {

// --- valid text -> canonical dump (nlohmann's output: sorted keys, compact) ---------------------

struct RoundTrip {
  const char* name;
  std::string input;
  std::string canonical;
};

std::vector<RoundTrip> roundTrips() {
  return {
      {"null", "null", "null"},
      {"true", " true ", "true"},
      {"false", "\t\r\nfalse\n", "false"},
      {"zero", "0", "0"},
      {"minusZero", "-0", "0"},
      {"minusZeroFloat", "-0.0", "-0.0"},
      {"int", "42", "42"},
      {"negativeInt", "-42", "-42"},
      {"int64Max", "9223372036854775807", "9223372036854775807"},
      {"int64Min", "-9223372036854775808", "-9223372036854775808"},
      {"uint64Max", "18446744073709551615", "18446744073709551615"},
      {"beyondUint64", "18446744073709551616", "1.8446744073709552e+19"},
      {"belowInt64Min", "-9223372036854775809", "-9.223372036854776e+18"},
      {"floatIntegral", "2.0", "2.0"},
      {"floatHalf", "2.5", "2.5"},
      {"floatTenth", "0.1", "0.1"},
      {"floatThird", "0.3333333333333333", "0.3333333333333333"},
      {"floatExp", "1e10", "10000000000.0"},
      {"floatBigExp", "1E+100", "1e+100"},
      {"floatSmall", "1e-5", "1e-05"},
      {"floatSmallPlain", "0.001", "0.001"},
      {"float1e14", "1e14", "100000000000000.0"},
      {"float1e15", "1e15", "1e+15"},
      {"float123e13", "1.23e15", "1.23e+15"},
      {"floatMax", "1.7976931348623157e308", "1.7976931348623157e+308"},
      {"floatMinNormal", "2.2250738585072014e-308", "2.2250738585072014e-308"},
      {"floatMinSubnormal", "5e-324", "5e-324"},
      {"floatUnderflow", "1e-400", "0.0"},
      {"floatLongMantissa", "3.14159265358979323846264338327950288", "3.141592653589793"},
      {"floatHalfwayEven", "9007199254740993", "9007199254740993"},
      {"floatHalfwayEvenFrac", "9007199254740993.0", "9.007199254740992e+15"},
      {"floatHalfwayUp", "9007199254740995.0", "9.007199254740996e+15"},
      {"floatNegative", "-123.456e-7", "-1.23456e-05"},
      {"string", R"("abc")", R"("abc")"},
      {"stringEscapes", R"("\"\\\/\b\f\n\r\t")", R"("\"\\/\b\f\n\r\t")"},
      {"stringControl", R"("\u0001\u001f\u007f")", "\"\\u0001\\u001f\x7f\""},
      {"stringNul", R"("a\u0000b")", R"("a\u0000b")"},
      {"stringUnicodeEscape", R"("\u00e9\u4e2d")", "\"\xC3\xA9\xE4\xB8\xAD\""},
      {"stringSurrogatePair", R"("\ud83d\ude00")", "\"\xF0\x9F\x98\x80\""},
      {"stringUtf8", "\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"",
       "\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\""},
      {"emptyArray", "[ ]", "[]"},
      {"emptyObject", "{ }", "{}"},
      {"array", "[1, \"a\", null, [true, {}]]", "[1,\"a\",null,[true,{}]]"},
      {"objectSorted", R"({"b":1,"a":2,"c":{"z":0,"y":[]}})", R"({"a":2,"b":1,"c":{"y":[],"z":0}})"},
      {"objectDuplicateLastWins", R"({"a":1,"b":2,"a":3})", R"({"a":3,"b":2})"},
      {"objectKeysBytewise", "{\"\xC3\xA9\":1,\"z\":2,\"Z\":3,\"\":4}", "{\"\":4,\"Z\":3,\"z\":2,\"\xC3\xA9\":1}"},
  };
}

class ParseDump : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(ParseDump, ProducesTheCanonicalTextLikeNlohmann) {
  const auto& c = GetParam();
  Value v = Value::parse(c.input, nullptr, false);
  ASSERT_FALSE(v.is_discarded()) << c.input;
  EXPECT_EQ(v.dump(), c.canonical);
  // The canonical text parses to an equal value, and nlohmann agrees on the canonical text.
  EXPECT_EQ(Value::parse(v.dump(), nullptr, false), v);
  auto reference = nlohmann::json::parse(c.input, nullptr, false);
  ASSERT_FALSE(reference.is_discarded());
  EXPECT_EQ(reference.dump(), c.canonical);
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseDump, ::testing::ValuesIn(roundTrips()),
                         [](const auto& info) { return std::string(info.param.name); });

// --- malformed text -> discarded ---------------------------------------------------------------

struct Malformed {
  const char* name;
  std::string input;
};

std::vector<Malformed> malformed() {
  return {
      {"empty", ""},
      {"whitespaceOnly", "  \n"},
      {"trailingGarbage", "{} x"},
      {"twoValues", "1 2"},
      {"trailingCommaArray", "[1,]"},
      {"trailingCommaObject", R"({"a":1,})"},
      {"leadingComma", "[,1]"},
      {"missingComma", "[1 2]"},
      {"missingColon", R"({"a" 1})"},
      {"missingValue", R"({"a":})"},
      {"unquotedKey", "{a:1}"},
      {"singleQuotes", "['a']"},
      {"nonStringKey", "{1:2}"},
      {"unclosedArray", "[1"},
      {"unclosedObject", R"({"a":1)"},
      {"unclosedString", R"("abc)"},
      {"mismatchedBracket", "[1}"},
      {"lineComment", "[1] // c"},
      {"blockComment", "/* c */ 1"},
      {"NaN", "NaN"},
      {"Infinity", "Infinity"},
      {"negInfinity", "-Infinity"},
      {"overflowDouble", "1e400"},
      {"overflowNegative", "-1e309"},
      {"plusSign", "+1"},
      {"leadingZero", "01"},
      {"leadingZeroNegative", "-01"},
      {"bareMinus", "-"},
      {"dotNoDigits", "1."},
      {"leadingDot", ".5"},
      {"expNoDigits", "1e"},
      {"expSignNoDigits", "1e+"},
      {"hexNumber", "0x10"},
      {"trueTypo", "tru"},
      {"nullUpper", "NULL"},
      {"rawNewlineInString", "\"a\nb\""},
      {"rawTabInString", "\"a\tb\""},
      {"badEscape", R"("\x")"},
      {"shortUnicodeEscape", R"("\u12")"},
      {"badHexEscape", R"("\u12g4")"},
      {"loneHighSurrogate", R"("\ud800")"},
      {"highSurrogateThenText", R"("\ud800x")"},
      {"highSurrogateThenNonLow", R"("\ud800\u0041")"},
      {"loneLowSurrogate", R"("\udc00")"},
      {"invalidUtf8Continuation", "\"\x80\""},
      {"invalidUtf8Overlong", "\"\xC0\xAF\""},
      {"invalidUtf8OverlongThree", "\"\xE0\x80\xAF\""},
      {"invalidUtf8Surrogate", "\"\xED\xA0\x80\""},
      {"invalidUtf8AboveMax", "\"\xF4\x90\x80\x80\""},
      {"invalidUtf8F5", "\"\xF5\x80\x80\x80\""},
      {"invalidUtf8Truncated", "\"\xE4\xB8\""},
      {"invalidUtf8FF", "\"\xFF\""},
      {"nulByte", std::string("[1\0]", 4)},
      {"tooDeepForTheParser", std::string(200, '[') + std::string(200, ']')},
  };
}

class MalformedText : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedText, IsDiscardedLikeNlohmann) {
  const auto& c = GetParam();
  EXPECT_TRUE(Value::parse(c.input, nullptr, false).is_discarded()) << c.input;
  EXPECT_TRUE(protocol::parseJson(c.input).is_discarded()) << c.input;
  if (std::string(c.name) != "tooDeepForTheParser") {  // nlohmann has no depth limit of its own
    EXPECT_TRUE(nlohmann::json::parse(c.input, nullptr, false).is_discarded()) << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, MalformedText, ::testing::ValuesIn(malformed()),
                         [](const auto& info) { return std::string(info.param.name); });

// --- dump of invalid UTF-8: nlohmann's error_handler_t::replace, byte for byte ------------------

struct Replace {
  const char* name;
  std::string bytes;
};

std::vector<Replace> replaceCases() {
  return {
      {"loneContinuation",
       "1\x80"
       "2"},
      {"truncatedAtEnd", "ab\xE4\xB8"},
      {"truncatedThenAscii", "\xE4\xB8z"},
      {"overlong", "\xC0\xAF"},
      {"surrogate", "\xED\xA0\x80x"},
      {"aboveMax", "\xF4\x90\x80\x80"},
      {"ff", "\xFF\xFE"},
      {"validMixed", "\xC3\xA9\xFF\xE4\xB8\xAD"},
      {"brokenFourByte",
       "\xF0\x9F\x98"
       "a\xF0\x9F\x98\x80"},
      {"controlAndBad", "\x01\x80\x1f"},
  };
}

class DumpReplaces : public ::testing::TestWithParam<Replace> {};

TEST_P(DumpReplaces, InvalidUtf8ExactlyLikeNlohmann) {
  const auto& c = GetParam();
  Value lite = Value::object();
  lite["s"] = c.bytes;
  nlohmann::json reference = {{"s", c.bytes}};
  EXPECT_EQ(protocol::dump(lite), reference.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  // And the output is valid UTF-8 that parses again.
  EXPECT_FALSE(Value::parse(protocol::dump(lite), nullptr, false).is_discarded());
}

INSTANTIATE_TEST_SUITE_P(Cases, DumpReplaces, ::testing::ValuesIn(replaceCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// --- numbers -----------------------------------------------------------------------------------

TEST(LiteJsonNumbers, KindsMatchNlohmann) {
  struct Row {
    const char* text;
    Value::value_t type;
  } rows[] = {
      {"0", Value::value_t::number_unsigned},
      {"-0", Value::value_t::number_integer},
      {"7", Value::value_t::number_unsigned},
      {"-7", Value::value_t::number_integer},
      {"18446744073709551615", Value::value_t::number_unsigned},
      {"18446744073709551616", Value::value_t::number_float},
      {"-9223372036854775808", Value::value_t::number_integer},
      {"-9223372036854775809", Value::value_t::number_float},
      {"1.0", Value::value_t::number_float},
      {"1e0", Value::value_t::number_float},
  };
  for (const auto& row : rows) {
    Value v = Value::parse(row.text);
    EXPECT_EQ(v.type(), row.type) << row.text;
    EXPECT_EQ(static_cast<int>(v.type()), static_cast<int>(nlohmann::json::parse(row.text).type())) << row.text;
  }
  EXPECT_EQ(Value::parse("18446744073709551615").get<std::uint64_t>(), UINT64_MAX);
  EXPECT_EQ(Value::parse("-9223372036854775808").get<std::int64_t>(), INT64_MIN);
}

TEST(LiteJsonNumbers, CompareAcrossKindsLikeNlohmann) {
  EXPECT_EQ(Value::parse("5"), Value(5));      // unsigned vs signed
  EXPECT_EQ(Value::parse("5"), Value(5.0));    // unsigned vs float
  EXPECT_EQ(Value::parse("-5"), Value(-5.0));  // signed vs float
  EXPECT_NE(Value::parse("5"), Value(5.5));
  EXPECT_NE(Value(1), Value(true));
  EXPECT_NE(Value(), Value(0));
  EXPECT_NE(Value(std::nan("")), Value(std::nan("")));
  EXPECT_NE(Value(Value::value_t::discarded), Value(Value::value_t::discarded));
}

TEST(LiteJsonNumbers, NonFiniteDumpsAsNull) {
  EXPECT_EQ(Value(INFINITY).dump(), "null");
  EXPECT_EQ(Value(-INFINITY).dump(), "null");
  EXPECT_EQ(Value(std::nan("")).dump(), "null");
}

// Random doubles over the whole range, printed by both implementations: the lite text must read
// back to the same double (libc agrees), never be longer than nlohmann's, and almost always be the
// same text. nlohmann's Grisu2 misses the shortest or closest digits in rare cases (~0.1%); the lite
// printer searches exactly, so there it prints fewer or closer digits.
TEST(LiteJsonNumbers, RandomDoublesRoundTripAndMatchNlohmann) {
  std::mt19937_64 random(20261124);
  int mismatches = 0, total = 0;
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = random();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (i % 4 == 1) d = static_cast<double>(static_cast<std::int64_t>(bits >> 11)) / 1000.0;  // common magnitudes
    if (i % 4 == 2) d = static_cast<double>(bits % 100000) / 100.0;
    if (!std::isfinite(d)) continue;
    ++total;
    std::string lite = Value(d).dump();
    std::string reference = nlohmann::json(d).dump();
    Value back = Value::parse(lite);
    ASSERT_TRUE(back.is_number_float()) << lite;
    double again = back.get<double>();
    ASSERT_EQ(std::memcmp(&again, &d, sizeof d), 0) << lite << " for " << reference;
    EXPECT_EQ(std::strtod(lite.c_str(), nullptr), d) << lite;
    if (lite != reference) {
      ++mismatches;
      EXPECT_LE(lite.size(), reference.size()) << lite << " vs " << reference;
      EXPECT_EQ(nlohmann::json::parse(reference).get<double>(), d);
    }
  }
  EXPECT_LE(mismatches * 200, total) << mismatches << " of " << total;  // <= 0.5%
}

// Decimal texts that are hard to round: long mantissas, near-halfway values, extreme exponents,
// checked against libc's correctly rounded strtod.
TEST(LiteJsonNumbers, HardDecimalsParseLikeStrtod) {
  const char* texts[] = {
      "2.2250738585072011e-308",
      "2.2250738585072012e-308",
      "4.9406564584124654e-324",
      "2.4703282292062327e-324",
      "2.4703282292062328e-324",
      "1.7976931348623158e308",
      "9007199254740993.000000000000000000000000000001",
      "0.1000000000000000055511151231257827021181583404541015625",
      "0.1000000000000000055511151231257827021181583404541015624",
      "123456789012345678901234567890e-20",
      "1e23",
      "8.533e+68",
      "4.1006e-184",
      "9.998e+307",
      "9.9538452227e-280",
      "6.47660115e-260",
      "7.4e+47",
      "5.92e+48",
      "7.35e+66",
      "8.32116e+55",
      "1.00000000000000011102230246251565404236316680908203125",
      "1.00000000000000011102230246251565404236316680908203124",
      "1.00000000000000011102230246251565404236316680908203126",
  };
  for (const char* t : texts) {
    Value v = Value::parse(t);
    ASSERT_TRUE(v.is_number_float()) << t;
    EXPECT_EQ(v.get<double>(), std::strtod(t, nullptr)) << t;
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 3000; ++i) {
    std::string t = std::to_string(random() % 1000000000000000000ULL) + std::to_string(random() % 1000000000ULL);
    t.insert(1, ".");
    t += "e" + std::to_string(static_cast<int>(random() % 600) - 300);
    Value v = Value::parse(t);
    ASSERT_TRUE(v.is_number_float()) << t;
    EXPECT_EQ(v.get<double>(), std::strtod(t.c_str(), nullptr)) << t;
  }
}

TEST(LiteJsonNumbers, VeryLongNumbersStayCorrect) {
  std::string manyDigits = "1." + std::string(5000, '0') + "1";  // just above 1
  EXPECT_EQ(Value::parse(manyDigits).get<double>(), 1.0);
  std::string halfwayThenMore = "9007199254740993" + std::string(".") + std::string(2000, '0') + "1";
  EXPECT_EQ(Value::parse(halfwayThenMore).get<double>(), 9007199254740994.0);
  EXPECT_EQ(Value::parse("0e99999999999").get<double>(), 0.0);
  EXPECT_TRUE(Value::parse("1e99999999999", nullptr, false).is_discarded());
  EXPECT_EQ(Value::parse("1e-99999999999").get<double>(), 0.0);
}

// --- nesting -----------------------------------------------------------------------------------

TEST(LiteJsonNesting, ProtocolParseJsonRefusesDeeperThan32) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_FALSE(protocol::parseJson(nested(32)).is_discarded());
  EXPECT_TRUE(protocol::parseJson(nested(33)).is_discarded());
  EXPECT_FALSE(Value::parse(nested(Value::kMaxParseDepth), nullptr, false).is_discarded());
  EXPECT_TRUE(Value::parse(nested(Value::kMaxParseDepth + 1), nullptr, false).is_discarded());
  // Deep but unbalanced garbage is refused without walking off the stack.
  EXPECT_TRUE(Value::parse(std::string(100000, '['), nullptr, false).is_discarded());
  EXPECT_TRUE(Value::parse(std::string(100000, '{'), nullptr, false).is_discarded());
}

// --- the API subset ----------------------------------------------------------------------------

TEST(LiteJsonApi, InitializerListsFollowNlohmannsObjectRule) {
  Value o = {{"a", 1}, {"b", {{"c", true}}}};
  EXPECT_TRUE(o.is_object());
  EXPECT_EQ(o.dump(), R"({"a":1,"b":{"c":true}})");
  Value a = {1, "x", nullptr};
  EXPECT_TRUE(a.is_array());
  Value pairsButNotStrings = {{1, 2}, {3, 4}};
  EXPECT_TRUE(pairsButNotStrings.is_array());
  EXPECT_EQ(Value::array({{"a", 1}}).dump(), R"([["a",1]])");
  nlohmann::json ref = {{"a", 1}, {"b", {{"c", true}}}};
  EXPECT_EQ(o.dump(), ref.dump());
}

TEST(LiteJsonApi, ContainerAccess) {
  Value v;
  v["b"] = 2;  // null becomes an object
  v["a"] = "x";
  EXPECT_EQ(v.dump(), R"({"a":"x","b":2})");
  EXPECT_TRUE(v.contains("a"));
  EXPECT_FALSE(v.contains("z"));
  EXPECT_EQ(v.count("b"), 1u);
  auto it = v.find("b");
  ASSERT_NE(it, v.end());
  EXPECT_EQ(it.key(), "b");
  EXPECT_EQ(it->get<int>(), 2);
  EXPECT_EQ(v.find("nope"), v.end());
  EXPECT_TRUE(v.at("nope").is_null());  // never throws
  EXPECT_EQ(v.value("a", std::string("d")), "x");
  EXPECT_EQ(v.value("a", 5), 5);  // wrong type -> the default
  EXPECT_EQ(v.value("b", 5), 2);
  EXPECT_EQ(v.value("nope", "d"), "d");
  std::string keys;
  for (const auto& item : v.items()) keys += item.key() + "=" + item.value().dump() + ";";
  EXPECT_EQ(keys, "a=\"x\";b=2;");
  EXPECT_EQ(v.erase("a"), 1u);
  EXPECT_EQ(v.erase("a"), 0u);
  EXPECT_EQ(v.size(), 1u);

  Value list;
  list.push_back(1);  // null becomes an array
  list.push_back("two");
  list[3] = true;  // grows with nulls
  EXPECT_EQ(list.dump(), R"([1,"two",null,true])");
  int count = 0;
  for (const auto& item : list) count += item.is_null() ? 0 : 1;
  EXPECT_EQ(count, 3);
  Value five = 5;
  EXPECT_TRUE(five.find("x") == five.end());
  EXPECT_EQ(Value(5).size(), 1u);  // nlohmann: a primitive has size 1
  EXPECT_TRUE(Value().empty());
}

TEST(LiteJsonApi, TypeMismatchesDoNotThrow) {
  Value s = "text";
  EXPECT_EQ(s.get<int>(), 0);
  EXPECT_FALSE(s.get<bool>());
  EXPECT_EQ(Value(3).get<std::string>(), "");
  EXPECT_EQ(Value(3).get_ref<const std::string&>(), "");
  EXPECT_TRUE(s["k"].is_null());  // writing a key into a scalar replaces it by an object
  EXPECT_TRUE(s.is_object());
}

TEST(LiteJsonApi, SelfReferentialAssignmentIsSafe) {
  Value v = Value::parse(R"({"inner":{"x":[1,2,3]}})");
  v = v["inner"];
  EXPECT_EQ(v.dump(), R"({"x":[1,2,3]})");
  v = std::move(v["x"]);
  EXPECT_EQ(v.dump(), "[1,2,3]");
  Value moved = std::move(v);
  EXPECT_TRUE(v.is_null());  // NOLINT(bugprone-use-after-move): nlohmann leaves null too
  EXPECT_EQ(moved.size(), 3u);
}

TEST(LiteJsonApi, InsertedKeysStaySortedLikeNlohmann) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    Value lite = Value::object();
    nlohmann::json reference = nlohmann::json::object();
    for (int i = 0, n = static_cast<int>(random() % 40); i < n; ++i) {
      // Short keys and keys beyond the small-string buffer, in any order, some repeated.
      std::string key = "k" + std::to_string(random() % 50) + std::string(random() % 3 ? 0 : 30, 'x');
      int value = static_cast<int>(random() % 1000);
      lite[key] = value;
      reference[key] = value;
    }
    EXPECT_EQ(lite.dump(), reference.dump());
  }
}

TEST(LiteJsonApi, KeyViewingTheObjectsOwnKeyIsInsertedSafely) {
  // operator[] moves the members to insert (and may reallocate them): a key that views one of
  // them must be read before it does. Short keys: they live inside the member, not on the heap.
  constexpr std::size_t kLongest = 12;
  Value v;
  v[std::string(kLongest, 'b')] = 0;
  for (std::size_t i = 1; i < kLongest; ++i) {
    std::string_view last;
    for (auto it = v.begin(); it != v.end(); ++it) last = it.key();  // the largest key
    v[last.substr(0, i)] = static_cast<int>(i);                      // sorts before it, so it moves
  }
  ASSERT_EQ(v.size(), kLongest);
  std::size_t length = 0;
  for (auto it = v.begin(); it != v.end(); ++it) {
    EXPECT_EQ(it.key(), std::string(++length, 'b'));
    EXPECT_EQ(it->get<std::size_t>(), length % kLongest);
  }
}

// --- differential: random documents through both implementations ------------------------------

TEST(LiteJsonDifferential, RandomDocumentsMatchNlohmann) {
  std::mt19937 random(42);
  const char* atoms[] = {"null",
                         "true",
                         "false",
                         "0",
                         "-1",
                         "12345678901234",
                         "18446744073709551615",
                         "2.5",
                         "-0.0",
                         "1e-7",
                         "\"\"",
                         "\"a\\u00e9\\n\"",
                         "\"\xE4\xB8\xAD\"",
                         "\"\\ud83d\\ude00\""};
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    int kind = depth > 4 ? 0 : static_cast<int>(random() % 3);
    if (kind == 0) return atoms[random() % (sizeof atoms / sizeof *atoms)];
    std::string out = kind == 1 ? "[" : "{";
    int n = static_cast<int>(random() % 5);
    for (int i = 0; i < n; ++i) {
      if (i) out += ", ";
      if (kind == 2) out += "\"k" + std::to_string(random() % 6) + "\" : ";
      out += gen(depth + 1);
    }
    return out + (kind == 1 ? "]" : "}");
  };
  for (int i = 0; i < 2000; ++i) {
    std::string text = gen(0);
    Value lite = Value::parse(text, nullptr, false);
    nlohmann::json reference = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(lite.is_discarded()) << text;
    ASSERT_FALSE(reference.is_discarded()) << text;
    EXPECT_EQ(lite.dump(), reference.dump()) << text;
    // Truncations of a valid text are invalid for both (except where a prefix is itself valid).
    std::string cut = text.substr(0, random() % text.size());
    EXPECT_EQ(Value::parse(cut, nullptr, false).is_discarded(),
              nlohmann::json::parse(cut, nullptr, false).is_discarded())
        << cut;
  }
}

// Random byte mutations of valid frames: both implementations accept or refuse the same texts, and
// agree on what they accepted.
TEST(LiteJsonDifferential, MutatedTextsAreJudgedLikeNlohmann) {
  const std::string seeds[] = {
      R"({"v":1,"type":"evt","seq":12,"event":"session.state","data":{"session":{"sessionId":"s-1","state":"talking","timeout":30,"ivrPath":[{"key":"1","label":"Sales"}]}}})",
      R"({"v":1,"type":"res","id":7,"ok":false,"error":{"code":-11003,"message":"no \u00e9 \ud83d\ude00"}})",
      R"([1.5e3, -0.25, 18446744073709551615, "x\ty", null, true, false, {"a":[]}])",
  };
  const char alphabet[] = "{}[]\",:.-+eE0123456789 tfnul\\/\x80\xC3\xA9\xF0\x9F";
  std::mt19937 random(99);
  int accepted = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string text = seeds[i % 3];
    for (int k = 0, n = 1 + static_cast<int>(random() % 3); k < n; ++k) {
      std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0:
          text[at] = alphabet[random() % (sizeof alphabet - 1)];
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text.insert(at, 1, alphabet[random() % (sizeof alphabet - 1)]);
          break;
      }
    }
    Value lite = Value::parse(text, nullptr, false);
    nlohmann::json reference = nlohmann::json::parse(text, nullptr, false);
    ASSERT_EQ(lite.is_discarded(), reference.is_discarded()) << text;
    if (!lite.is_discarded()) {
      ++accepted;
      std::string liteText = lite.dump();
      std::string referenceText = reference.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (liteText != referenceText) {
        // Only a double may print differently (see RandomDoublesRoundTripAndMatchNlohmann): then
        // both texts denote the same value and the lite one is not longer.
        EXPECT_EQ(Value::parse(referenceText), lite) << text;
        EXPECT_LT(liteText.size(), referenceText.size()) << text;
      }
    }
  }
  EXPECT_GT(accepted, 1000);  // the mutations must exercise both outcomes
}

}  // namespace
}  // namespace tccc::json
