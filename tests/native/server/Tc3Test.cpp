// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256 against known vectors: the Tencent Cloud documentation example (CVM
// DescribeInstances, 2019-02-25) and values produced by the official Node client's signer
// (tencentcloud-sdk-nodejs 4.1.313, common/sign.js) with the inputs hard-coded below.
#include "cloud/Tc3Signer.hpp"

#include <gtest/gtest.h>

using tccc::server::Tc3Authorization;
using tccc::server::Tc3Signer;

namespace {

const char* kSecretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const char* kSecretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

// Payload exactly as the documentation's Python sample serialises it (json.dumps, ASCII escapes).
const char* kDocPayload = R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";

std::string signatureOf(const std::string& authorization) {
  auto auth = Tc3Signer::parseAuthorization(authorization);
  return auth ? auth->signature : std::string();
}

}  // namespace

TEST(Tc3Test, Sha256AndHmacPrimitives) {
  EXPECT_EQ(Tc3Signer::sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(Tc3Signer::toHex(Tc3Signer::hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(Tc3Signer::utcDate(1551113065), "2019-02-25");
  EXPECT_EQ(Tc3Signer::utcDate(1732406399), "2024-11-23");  // 23:59:59 UTC, not the next local day
}

TEST(Tc3Test, DocumentedExampleSignature) {
  std::string auth = Tc3Signer::authorize(
      kSecretId, kSecretKey, "cvm", 1551113065,
      {{"content-type", "application/json; charset=utf-8"}, {"host", "cvm.tencentcloudapi.com"}}, kDocPayload);
  EXPECT_EQ(auth,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
            "SignedHeaders=content-type;host, "
            "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST(Tc3Test, DocumentedCanonicalRequestShape) {
  std::string request = Tc3Signer::canonicalRequest(
      "POST", "/", "", "content-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n",
      "content-type;host", kDocPayload);
  EXPECT_EQ(request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
            "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
}

TEST(Tc3Test, NodeClientVectorCvm) {
  // Node: Sign.sign3({url:"https://cvm.tencentcloudapi.com/", payload:{Limit:1,Filters:[…]},
  //   timestamp:1551113065, service:"cvm", headers:{"Content-Type":"application/json; charset=utf-8"}})
  std::string auth =
      Tc3Signer::authorize(kSecretId, kSecretKey, "cvm", 1551113065,
                           {{"content-type", "application/json; charset=utf-8"}, {"host", "cvm.tencentcloudapi.com"}},
                           R"({"Limit":1,"Filters":[{"Values":["未命名"],"Name":"instance-name"}]})");
  EXPECT_EQ(signatureOf(auth), "8df345f0c21bed3d42c13635ba6fe64517993d69ff250cad1deeb4b59834d936");
}

TEST(Tc3Test, NodeClientVectorLocalEndpoint) {
  // Node: endpoint "127.0.0.1:8080" -> service "127" (endpoint.split(".")[0]) and host signed
  // WITHOUT the port; Content-Type "application/json"; timestamp 1732400000.
  std::string auth = Tc3Signer::authorize(kSecretId, kSecretKey, "127", 1732400000,
                                          {{"content-type", "application/json"}, {"host", "127.0.0.1"}},
                                          R"({"SdkAppId":1400000001,"SeatUserId":"agent1@tccc.local"})");
  EXPECT_EQ(auth,
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-11-23/127/tc3_request, "
            "SignedHeaders=content-type;host, "
            "Signature=3820800c815b779abce21dba41a01c200f8e69c92133b06e1ab9aedd261ff993");
}

TEST(Tc3Test, ParsesAuthorizationHeader) {
  auto auth = Tc3Signer::parseAuthorization(
      "TC3-HMAC-SHA256 Credential=AKIDabc/2024-11-23/ccc/tc3_request, SignedHeaders=content-type;host;x-tc-action, "
      "Signature=3820800c815b779abce21dba41a01c200f8e69c92133b06e1ab9aedd261ff993");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->secretId, "AKIDabc");
  EXPECT_EQ(auth->date, "2024-11-23");
  EXPECT_EQ(auth->service, "ccc");
  EXPECT_EQ(auth->signedHeaders, (std::vector<std::string>{"content-type", "host", "x-tc-action"}));
}

TEST(Tc3Test, RejectsMalformedAuthorization) {
  const std::string sig = "Signature=3820800c815b779abce21dba41a01c200f8e69c92133b06e1ab9aedd261ff993";
  const char* bad[] = {
      "",
      "Bearer abc",
      "TC3-HMAC-SHA1 Credential=AKID/2024-11-23/ccc/tc3_request, SignedHeaders=host, ",
      "TC3-HMAC-SHA256 Credential=AKID/2024-11-23/ccc/tc3_request, SignedHeaders=host",  // no signature
      "TC3-HMAC-SHA256 Credential=AKID/2024-11-23/ccc, SignedHeaders=host, ",            // short scope
      "TC3-HMAC-SHA256 Credential=AKID/20241123/ccc/tc3_request, SignedHeaders=host, ",  // bad date
      "TC3-HMAC-SHA256 Credential=AKID/2024-11-23/ccc/tc3_request, SignedHeaders=, ",    // no headers
      "TC3-HMAC-SHA256 Credential=AKID/2024-11-23/ccc/tc3_request, SignedHeaders=host, Signature=XYZ",
      "TC3-HMAC-SHA256 Credential=AKID/2024-11-23/ccc/tc3_request, Bogus=1, SignedHeaders=host, ",
  };
  for (const char* b : bad) {
    std::string header = b;
    if (!header.empty() && header.back() == ' ') header += sig;
    EXPECT_FALSE(Tc3Signer::parseAuthorization(header)) << header;
  }
}

namespace {

struct SignedRequest {
  std::map<std::string, std::string> headers;
  std::string body = R"({"SdkAppId":1400000001})";
  Tc3Authorization auth;
};

SignedRequest makeRequest(const std::string& signedHost, const std::string& sentHost, std::int64_t ts) {
  SignedRequest r;
  std::string authorization = Tc3Signer::authorize(
      "AKIDtest", "secret", "ccc", ts, {{"content-type", "application/json"}, {"host", signedHost}}, r.body);
  r.headers = {{"content-type", "application/json"}, {"host", sentHost}, {"authorization", authorization}};
  r.auth = *Tc3Signer::parseAuthorization(authorization);
  return r;
}

}  // namespace

TEST(Tc3Test, VerifyAcceptsHostWithOrWithoutPort) {
  const std::int64_t ts = 1732400000;
  auto nodeStyle = makeRequest("127.0.0.1", "127.0.0.1:8080", ts);  // signs hostname, sends host:port
  EXPECT_TRUE(Tc3Signer::verify(nodeStyle.auth, "secret", ts, "POST", "/", "", nodeStyle.headers, nodeStyle.body));
  auto withPort = makeRequest("127.0.0.1:8080", "127.0.0.1:8080", ts);  // signs exactly what it sends
  EXPECT_TRUE(Tc3Signer::verify(withPort.auth, "secret", ts, "POST", "/", "", withPort.headers, withPort.body));
  auto ipv6 = makeRequest("[::1]", "[::1]:8080", ts);
  EXPECT_TRUE(Tc3Signer::verify(ipv6.auth, "secret", ts, "POST", "/", "", ipv6.headers, ipv6.body));
  auto otherHost = makeRequest("evil.example", "127.0.0.1:8080", ts);
  EXPECT_FALSE(Tc3Signer::verify(otherHost.auth, "secret", ts, "POST", "/", "", otherHost.headers, otherHost.body));
}

TEST(Tc3Test, VerifyRejectsWrongKeyBodyTimestampOrMissingHeader) {
  const std::int64_t ts = 1732400000;
  auto r = makeRequest("127.0.0.1", "127.0.0.1:8080", ts);
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "wrong", ts, "POST", "/", "", r.headers, r.body));
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts, "POST", "/", "", r.headers, r.body + " "));  // exact bytes
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts + 1, "POST", "/", "", r.headers, r.body));
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts + 86400, "POST", "/", "", r.headers, r.body));  // other date
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts, "POST", "/x", "", r.headers, r.body));
  auto noType = r.headers;
  noType.erase("content-type");
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts, "POST", "/", "", noType, r.body));
  auto otherType = r.headers;
  otherType["content-type"] = "text/plain";
  EXPECT_FALSE(Tc3Signer::verify(r.auth, "secret", ts, "POST", "/", "", otherType, r.body));
}

TEST(Tc3Test, VerifySignedActionHeaderLowerCasedAsDocumented) {
  // The documentation's demo signs x-tc-action with its value lower-cased.
  const std::int64_t ts = 1732400000;
  std::string body = "{}";
  std::string authorization = Tc3Signer::authorize("AKIDtest", "secret", "ccc", ts,
                                                   {{"content-type", "application/json; charset=utf-8"},
                                                    {"host", "ccc.tencentcloudapi.com"},
                                                    {"x-tc-action", "describenumbers"}},
                                                   body);
  std::map<std::string, std::string> headers = {{"content-type", "application/json; charset=utf-8"},
                                                {"host", "ccc.tencentcloudapi.com"},
                                                {"x-tc-action", "DescribeNumbers"}};
  auto auth = Tc3Signer::parseAuthorization(authorization);
  ASSERT_TRUE(auth);
  EXPECT_TRUE(Tc3Signer::verify(*auth, "secret", ts, "POST", "/", "", headers, body));
}

TEST(Tc3Test, ConstantTimeEquals) {
  EXPECT_TRUE(Tc3Signer::constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(Tc3Signer::constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(Tc3Signer::constantTimeEquals("abc", "abcd"));
}

// Found by fuzz_tc3: a year too long for the old 16-byte buffer made strftime fail, and the
// undefined buffer was read as a string. Far-off timestamps must give a bounded date or none.
TEST(Tc3Test, UtcDateOfFarOffTimestampsStaysBounded) {
  EXPECT_EQ(Tc3Signer::utcDate(253402300799), "9999-12-31");
  EXPECT_EQ(Tc3Signer::utcDate(67767976233532799), "2147483647-12-31");  // the last day a tm holds
  EXPECT_EQ(Tc3Signer::utcDate(INT64_MAX), "");                          // beyond it: no date
  EXPECT_EQ(Tc3Signer::utcDate(INT64_MIN), "");
}
