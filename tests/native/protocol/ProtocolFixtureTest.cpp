// SPDX-License-Identifier: Apache-2.0
// The codec against the shared fixtures: every valid frame decodes to its canonical form and
// round-trips; every invalid frame fails with its catalogue error and reports the readable id.
#include "FixtureFiles.hpp"
#include "protocol/Protocol.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace tccc::protocol {
namespace {

struct Case {
  std::size_t index;
  Json spec;
};

std::vector<Case> load(const char* file, const char* list) {
  std::vector<Case> cases;
  Json doc = testing::readJsonFixture(file);
  for (std::size_t i = 0; i < doc.at(list).size(); ++i) cases.push_back({i, doc.at(list).at(i)});
  return cases;
}

std::string caseName(const ::testing::TestParamInfo<Case>& info) {
  return testing::testName(info.param.spec.at("name").get<std::string>(), info.param.index);
}

std::string typeOf(const Frame& frame) {
  static const char* kNames[] = {"req", "res", "evt", "ping", "pong"};
  return kNames[frame.index()];
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.spec.at("name").get<std::string>(); }

class ValidFrame : public ::testing::TestWithParam<Case> {};

TEST_P(ValidFrame, DecodesToItsCanonicalFormAndRoundTrips) {
  const Json& spec = GetParam().spec;
  const std::string text = testing::fixtureFrame(spec);
  Decoded decoded = decode(text);
  ASSERT_TRUE(decoded.ok()) << errcName(decoded.error.code) << ": " << decoded.error.message;
  EXPECT_EQ(typeOf(*decoded.frame), spec.at("type").get<std::string>());

  const std::string encoded = encode(*decoded.frame);
  Json canonical = Json::parse(encoded);
  if (spec.contains("frame")) {
    EXPECT_EQ(canonical, spec.at("frame")) << encoded;
  }

  // Round trip: the encoding decodes to the same frame, and encoding is stable.
  Decoded again = decode(encoded);
  ASSERT_TRUE(again.ok()) << again.error.message;
  EXPECT_EQ(encode(*again.frame), encoded);
  EXPECT_EQ(decoded.requestId, again.requestId);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ValidFrame,
                         ::testing::ValuesIn(load("tests/fixtures/protocol/valid.json", "frames")), caseName);

class InvalidFrame : public ::testing::TestWithParam<Case> {};

TEST_P(InvalidFrame, FailsWithItsErrorAndReportsTheReadableId) {
  const Json& spec = GetParam().spec;
  Decoded decoded = decode(testing::fixtureFrame(spec));
  ASSERT_FALSE(decoded.ok()) << "decoded as " << encode(*decoded.frame);
  EXPECT_EQ(std::string(errcName(decoded.error.code)), spec.at("error").get<std::string>()) << decoded.error.message;
  EXPECT_FALSE(decoded.error.message.empty());
  if (spec.at("requestId").is_null()) {
    EXPECT_FALSE(decoded.requestId.has_value()) << *decoded.requestId;
  } else {
    EXPECT_EQ(decoded.requestId, std::optional<std::int64_t>(spec.at("requestId").get<std::int64_t>()));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, InvalidFrame,
                         ::testing::ValuesIn(load("tests/fixtures/protocol/invalid.json", "cases")), caseName);

TEST(ProtocolFixtures, CoverEveryFrameTypeAndErrorKind) {
  // Guards against a fixture file silently losing a whole category.
  std::set<std::string> types, errors;
  for (const auto& c : load("tests/fixtures/protocol/valid.json", "frames"))
    types.insert(c.spec.at("type").get<std::string>());
  for (const auto& c : load("tests/fixtures/protocol/invalid.json", "cases"))
    errors.insert(c.spec.at("error").get<std::string>());
  EXPECT_EQ(types, (std::set<std::string>{"req", "res", "evt", "ping", "pong"}));
  EXPECT_EQ(errors, (std::set<std::string>{"ERR_PROTOCOL", "ERR_PAYLOAD_TOO_LARGE", "ERR_UNSUPPORTED_VERSION"}));
}

TEST(ProtocolEncode, NeverThrowsOnInvalidUtf8AndStaysDecodable) {
  Request request{5, "session.sendDigits", Json::object()};
  request.data["digits"] = std::string(
      "1\xff"
      "2");
  std::string text = encode(request);
  Decoded decoded = decode(text);
  ASSERT_TRUE(decoded.ok()) << text;
  EXPECT_EQ(std::get<Request>(*decoded.frame).data["digits"],
            "1\xEF\xBF\xBD"
            "2");  // U+FFFD
}

TEST(ProtocolEncode, NonObjectDataIsSentAsEmptyObject) {
  Request request{6, "agent.online", Json::array()};
  EXPECT_EQ(Json::parse(encode(request)).at("data"), Json::object());
}

TEST(ProtocolReaders, ReportWrongTypesAndLengths) {
  Json data = Json::parse(R"({"s":"abc","n":5,"f":2.0,"g":2.5,"d":"42","b":true,"z":null})");
  Error error;
  EXPECT_EQ(readString(data, "s", 3, &error), std::optional<std::string>("abc"));
  EXPECT_FALSE(error);
  EXPECT_FALSE(readString(data, "s", 2, &error));
  EXPECT_EQ(error.code, Errc::InvalidArgument);
  error = {};
  EXPECT_FALSE(readString(data, "n", 10, &error));
  EXPECT_EQ(error.code, Errc::InvalidArgument);
  error = {};
  EXPECT_FALSE(readString(data, "absent", 10, &error));
  EXPECT_FALSE(readString(data, "z", 10, &error));
  EXPECT_FALSE(error);
  EXPECT_EQ(readInt(data, "n"), std::optional<std::int64_t>(5));
  EXPECT_EQ(readInt(data, "f"), std::optional<std::int64_t>(2));
  EXPECT_FALSE(readInt(data, "g", &error));
  EXPECT_EQ(error.code, Errc::InvalidArgument);
  EXPECT_FALSE(readInt(data, "d"));
  EXPECT_EQ(readInt(data, "d", nullptr, true), std::optional<std::int64_t>(42));
  EXPECT_EQ(readBool(data, "b"), std::optional<bool>(true));
  error = {};
  EXPECT_FALSE(readBool(data, "s", &error));
  EXPECT_EQ(error.code, Errc::InvalidArgument);
  EXPECT_FALSE(readString(Json::array(), "s", 10));
  // Doubles beyond int64 are refused, never converted (that would be undefined behaviour; the fuzz
  // corpus keeps the input that found it: corpus/protocol_lite/regress-double-beyond-int64).
  for (const char* text : {R"({"x":79900000000000000000})", R"({"x":-8e19})", R"({"x":1e300})", R"({"x":9.3e18})"}) {
    error = {};
    EXPECT_FALSE(readInt(parseJson(text), "x", &error)) << text;
    EXPECT_EQ(error.code, Errc::InvalidArgument) << text;
  }
  EXPECT_EQ(readInt(parseJson(R"({"x":9.1e18})"), "x"), std::optional<std::int64_t>(9100000000000000000));
}

TEST(ProtocolParseJson, RefusesOversizeAndDeepInputWithoutParsing) {
  EXPECT_TRUE(parseJson(std::string(70000, ' ')).is_discarded());
  EXPECT_TRUE(parseJson(std::string(100000, '[')).is_discarded());
  // nlohmann stops at a NUL byte; whatever follows it must not ride along on a valid prefix.
  EXPECT_TRUE(parseJson(std::string("{}\0\0", 4)).is_discarded());
  EXPECT_TRUE(parseJson(std::string("{\"a\":1}\0{\"b\":2}", 15)).is_discarded());
  EXPECT_TRUE(parseJson(std::string("\"a\0b\"", 5)).is_discarded());
  EXPECT_FALSE(parseJson(R"({"a":"\u0000"})").is_discarded()) << "an escaped NUL is fine";
  EXPECT_FALSE(parseJson("[[1]]", 100, 2).is_discarded());
  EXPECT_TRUE(parseJson("[[[1]]]", 100, 2).is_discarded());
  // Brackets inside strings do not count as nesting.
  EXPECT_FALSE(parseJson(R"({"s":"[[[[[[[[\"[[["})", 100, 1).is_discarded());
}

// Found by fuzz_json: nlohmann took a NUL byte for the end of the text and accepted what followed
// unread; the lite JSON refused it. JSON has no raw NUL anywhere, so both refuse it now.
TEST(ProtocolParseJson, RefusesANulByteAnywhere) {
  using namespace std::string_view_literals;
  EXPECT_TRUE(parseJson("[]\0"sv).is_discarded());
  EXPECT_TRUE(parseJson("{\"a\":1}\0{\"b\":2}"sv).is_discarded());
  EXPECT_TRUE(parseJson("[\"a\0b\"]"sv).is_discarded());
  EXPECT_FALSE(parseJson(R"(["a\u0000b"])").is_discarded());  // an escaped NUL is fine
}

}  // namespace
}  // namespace tccc::protocol
