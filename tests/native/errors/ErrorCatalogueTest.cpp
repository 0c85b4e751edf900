// SPDX-License-Identifier: Apache-2.0
// The error catalogue: unique codes, names and messages; the generated C++ table matches
// catalogue.json exactly; lookups round-trip.
#include "../protocol/FixtureFiles.hpp"
#include "errors/Errors.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tccc {
namespace {

TEST(ErrorCatalogue, CodesNamesAndMessagesAreUnique) {
  std::set<int> codes;
  std::set<std::string_view> names, messages;
  for (const auto& row : kErrcTable) {
    EXPECT_TRUE(codes.insert(static_cast<int>(row.code)).second) << "duplicate code " << static_cast<int>(row.code);
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate name " << row.name;
    EXPECT_TRUE(messages.insert(row.message).second) << "duplicate message for " << row.name;
    EXPECT_EQ(row.name.substr(0, 4), "ERR_") << row.name;
    EXPECT_FALSE(row.message.empty()) << row.name;
  }
}

TEST(ErrorCatalogue, GeneratedTableMatchesCatalogueJson) {
  auto catalogue = testing::readJsonFixture("src/errors/catalogue.json");
  std::size_t live = 0;
  for (const auto& entry : catalogue.at("errors")) {
    if (entry.value("retired", false)) continue;
    ++live;
    auto code = errcFromInt(entry.at("code").get<long long>());
    ASSERT_TRUE(code.has_value()) << entry.dump();
    EXPECT_EQ(errcName(*code), entry.at("name").get<std::string>());
    EXPECT_EQ(errcMessage(*code), entry.at("message").get<std::string>());
    const std::string kind = entry.at("kind").get<std::string>();
    const char* kinds[] = {"none", "argument", "state", "remote"};
    EXPECT_EQ(kinds[static_cast<int>(errcKind(*code))], kind) << entry.at("name");
  }
  EXPECT_EQ(live, std::size(kErrcTable));
}

TEST(ErrorCatalogue, ErrcFromIntRoundTripsEveryCode) {
  for (const auto& row : kErrcTable) {
    auto back = errcFromInt(static_cast<long long>(row.code));
    ASSERT_TRUE(back.has_value()) << row.name;
    EXPECT_EQ(*back, row.code);
    EXPECT_EQ(&errcInfo(row.code), &row);
  }
}

TEST(ErrorCatalogue, UnknownNumbersAreNotCodes) {
  std::set<long long> known;
  for (const auto& row : kErrcTable) known.insert(static_cast<long long>(row.code));
  for (long long value : {-1LL, 1LL, -11000LL, -11999LL, 99999LL, -4294967296LL, 4294967296LL}) {
    if (known.count(value)) continue;
    EXPECT_FALSE(errcFromInt(value).has_value()) << value;
  }
}

TEST(ErrorCatalogue, SeedCodesKeepTheirDocumentedValues) {
  // Values fixed by the TCCC documentation; renumbering them would break integrators.
  EXPECT_EQ(static_cast<int>(Errc::HttpTokenError), -10002);
  EXPECT_EQ(static_cast<int>(Errc::NetworkCannotReset), -10004);
  EXPECT_EQ(static_cast<int>(Errc::SipForbidden), 403);
  EXPECT_EQ(errcName(Errc::NetworkCannotReset), "ERR_NETWORK_CANNOT_RESET");
}

TEST(ErrorValue, DetailOverridesTheCatalogueMessage) {
  Error plain(Errc::InvalidArgument);
  EXPECT_EQ(plain.message, errcMessage(Errc::InvalidArgument));
  EXPECT_TRUE(plain);
  Error detailed(Errc::InvalidArgument, "sessionId must be a string");
  EXPECT_EQ(detailed.message, "sessionId must be a string");
  EXPECT_FALSE(Error());
}

}  // namespace
}  // namespace tccc
