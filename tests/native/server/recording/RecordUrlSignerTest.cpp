// SPDX-License-Identifier: Apache-2.0
// Signed record links: what verifies, what does not, and the secret kept in the data directory.
#include "../StoreTestSupport.hpp"
#include "recording/RecordUrlSigner.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>

using namespace tccc::server;
using tccc::server::test::TempDir;
using Check = RecordUrlSigner::Check;

namespace {

struct Parts {
  std::string id, expires, sig;
};

Parts split(const std::string& url) {
  std::smatch m;
  static const std::regex kUrl(
      R"(^https://cc\.example/records/([0-9a-f]{32})\.ogg\?expires=(\d+)&sig=([0-9a-f]{64})$)");
  if (!std::regex_match(url, m, kUrl)) return {};
  return {m[1], m[2], m[3]};
}

std::string flipLast(std::string s) {
  s.back() = s.back() == '0' ? '1' : '0';
  return s;
}

}  // namespace

TEST(RecordUrlSignerTest, VerifiesOnlyGenuineUnexpiredLinks) {
  const std::string secret(32, 's');
  RecordUrlSigner signer(secret, "https://cc.example/", 3600);
  const std::string id = RecordUrlSigner::newRecordId();
  const std::int64_t now = 1700000000;
  Parts p = split(signer.url(id, now));
  ASSERT_EQ(p.id, id);
  EXPECT_EQ(p.expires, std::to_string(now + 3600));
  RecordUrlSigner otherSecret(std::string(32, 't'), "https://cc.example", 3600);
  const std::string otherId = RecordUrlSigner::newRecordId();

  struct Case {
    const char* name;
    const RecordUrlSigner& signer;
    std::string id, expires, sig;
    std::int64_t now;
    Check want;
  };
  const Case cases[] = {
      {"valid", signer, p.id, p.expires, p.sig, now, Check::Ok},
      {"valid until the last second", signer, p.id, p.expires, p.sig, now + 3599, Check::Ok},
      {"expired", signer, p.id, p.expires, p.sig, now + 3600, Check::Expired},
      {"tampered signature", signer, p.id, p.expires, flipLast(p.sig), now, Check::BadSignature},
      {"tampered id", signer, otherId, p.expires, p.sig, now, Check::BadSignature},
      {"extended expiry", signer, p.id, std::to_string(now + 999999), p.sig, now, Check::BadSignature},
      {"wrong secret", otherSecret, p.id, p.expires, p.sig, now, Check::BadSignature},
      {"expiry with a leading zero", signer, p.id, "0" + p.expires, p.sig, now, Check::Malformed},
      {"upper-case signature", signer, p.id, p.expires, "A" + p.sig.substr(1), now, Check::Malformed},
      {"short signature", signer, p.id, p.expires, p.sig.substr(1), now, Check::Malformed},
      {"path in the id", signer, "../../../../etc/passwd", p.expires, p.sig, now, Check::Malformed},
      {"no expiry", signer, p.id, "", p.sig, now, Check::Malformed},
      {"negative expiry", signer, p.id, "-5", p.sig, now, Check::Malformed},
  };
  for (const auto& c : cases) EXPECT_EQ(c.signer.verify(c.id, c.expires, c.sig, c.now), c.want) << c.name;
}

TEST(RecordUrlSignerTest, RecordIdsAreRandomHex) {
  const std::string a = RecordUrlSigner::newRecordId(), b = RecordUrlSigner::newRecordId();
  EXPECT_NE(a, b);
  EXPECT_TRUE(RecordUrlSigner::validRecordId(a));
  for (const char* bad : {"", "abc", "0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcde/",
                          "0123456789abcdef0123456789abcdef0"})
    EXPECT_FALSE(RecordUrlSigner::validRecordId(bad)) << bad;
}

TEST(RecordUrlSignerTest, SecretIsCreatedOnceAndKeptPrivate) {
  TempDir dir;
  const std::string path = dir.file("record-url-secret");
  const std::string first = RecordUrlSigner::loadOrCreateSecret(path);
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(RecordUrlSigner::loadOrCreateSecret(path), first);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_THROW(RecordUrlSigner("short", "http://x"), std::invalid_argument);
}
