// SPDX-License-Identifier: Apache-2.0
// IceClient: the controlling side of ICE against an ICE-lite peer (the server's media leg). The
// peer's side here is StunMessage, the code the server answers checks with.
#include "rtc/IceClient.hpp"

#include "rtc/StunMessage.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace tccc::rtc {
namespace {

const IceClient::Credentials kCredentials{"locl", "local-password-0123456789", "srvr", "server-password-0123456789"};
constexpr std::uint64_t kTieBreaker = 0x0102030405060708ULL;

StunMessage decoded(const std::vector<std::uint8_t>& bytes) {
  auto msg = StunMessage::decode(bytes.data(), bytes.size());
  EXPECT_TRUE(msg.has_value());
  return msg.value_or(StunMessage{});
}

/// What the server sends back for `request`: a success keyed with its password.
std::vector<std::uint8_t> successFor(const std::vector<std::uint8_t>& request, const std::string& key) {
  StunAddress mapped;
  mapped.ip = {127, 0, 0, 1};
  mapped.port = 40000;
  return StunMessage::bindingSuccess(decoded(request).transactionId, mapped, key);
}

TEST(IceClientTest, ACheckCarriesWhatAnIceLitePeerVerifies) {
  IceClient ice(kCredentials, kTieBreaker);
  const auto request = ice.poll(0);
  ASSERT_TRUE(request);
  const StunMessage msg = decoded(*request);
  EXPECT_EQ(msg.type, StunMessage::kBindingRequest);
  // RFC 8445 7.2.2: "<their ufrag>:<our ufrag>", keyed with their password.
  EXPECT_EQ(msg.username(), "srvr:locl");
  EXPECT_TRUE(msg.checkIntegrity(request->data(), request->size(), kCredentials.remotePwd));
  EXPECT_FALSE(msg.checkIntegrity(request->data(), request->size(), kCredentials.localPwd));
  EXPECT_TRUE(msg.has(StunMessage::kAttrUseCandidate));
  EXPECT_NE(msg.fingerprintOffset, 0u);
  ASSERT_NE(msg.find(StunMessage::kAttrIceControlling), nullptr);
  EXPECT_EQ(msg.find(StunMessage::kAttrIceControlling)->value, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  ASSERT_NE(msg.find(StunMessage::kAttrPriority), nullptr);
  EXPECT_EQ(msg.find(StunMessage::kAttrPriority)->value.size(), 4u);
  // Every check is a new transaction.
  const auto second = ice.poll(50);
  ASSERT_TRUE(second);
  EXPECT_NE(decoded(*second).transactionId, msg.transactionId);
}

TEST(IceClientTest, ChecksEvery50MsUntilOneSucceedsThenConsentEverySecond) {
  IceClient ice(kCredentials, kTieBreaker);
  struct Step {
    double at;
    bool expectRequest;
  };
  EXPECT_FALSE(ice.nextPollAtMs()) << "nothing is due before the first poll";
  ASSERT_TRUE(ice.poll(0));
  EXPECT_EQ(ice.nextPollAtMs(), 50);
  for (const Step& s : std::vector<Step>{{10, false}, {49, false}, {50, true}, {60, false}, {100, true}}) {
    EXPECT_EQ(ice.poll(s.at).has_value(), s.expectRequest) << "at " << s.at;
  }
  EXPECT_EQ(ice.requestsSent(), 3u);
  const auto request = ice.poll(150);
  ASSERT_TRUE(request);
  EXPECT_TRUE(ice.onResponse(successFor(*request, kCredentials.remotePwd).data(),
                             successFor(*request, kCredentials.remotePwd).size(), 162));
  EXPECT_EQ(ice.state(), IceClient::State::Connected);
  EXPECT_EQ(ice.roundTripMs(), 12);
  EXPECT_EQ(ice.nextPollAtMs(), 1162) << "a host may sleep until the first consent check";
  for (const Step& s : std::vector<Step>{{200, false}, {1100, false}, {1162, true}, {1500, false}, {2162, true}}) {
    EXPECT_EQ(ice.poll(s.at).has_value(), s.expectRequest) << "at " << s.at;
  }
  EXPECT_EQ(ice.nextPollAtMs(), 3162);
}

TEST(IceClientTest, OnlyAnAuthenticAnswerToAnOutstandingCheckCounts) {
  struct Case {
    const char* name;
    std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>& request)> reply;
    bool counts;
  };
  const std::vector<Case> cases = {
      {"success keyed with the server's password", [](auto& r) { return successFor(r, kCredentials.remotePwd); }, true},
      {"success keyed with another password", [](auto& r) { return successFor(r, "someone-else-password-000"); },
       false},
      {"success keyed with our own password", [](auto& r) { return successFor(r, kCredentials.localPwd); }, false},
      {"success for a transaction never sent",
       [](auto&) {
         StunAddress mapped;
         return StunMessage::bindingSuccess(std::array<std::uint8_t, 12>{9, 9, 9}, mapped, kCredentials.remotePwd);
       },
       false},
      {"401 Unauthorized (our answer has not reached the server yet)",
       [](auto& r) { return StunMessage::bindingError(decoded(r).transactionId, 401, "Unauthorized"); }, false},
      {"the request itself, looped back", [](auto& r) { return r; }, false},
      {"truncated success",
       [](auto& r) {
         auto s = successFor(r, kCredentials.remotePwd);
         s.resize(s.size() - 4);
         return s;
       },
       false},
      {"success with one bit flipped",
       [](auto& r) {
         auto s = successFor(r, kCredentials.remotePwd);
         s[30] ^= 0x01;
         return s;
       },
       false},
      {"empty", [](auto&) { return std::vector<std::uint8_t>{}; }, false},
      {"not STUN", [](auto&) { return std::vector<std::uint8_t>(40, 0x80); }, false},
  };
  for (const Case& c : cases) {
    IceClient ice(kCredentials, kTieBreaker);
    const auto request = ice.poll(0);
    ASSERT_TRUE(request);
    const auto reply = c.reply(*request);
    EXPECT_EQ(ice.onResponse(reply.data(), reply.size(), 5), c.counts) << c.name;
    EXPECT_EQ(ice.state(), c.counts ? IceClient::State::Connected : IceClient::State::Checking) << c.name;
    EXPECT_EQ(ice.responsesRefused(), c.counts ? 0u : 1u) << c.name;
  }
}

TEST(IceClientTest, ConsentUnansweredFor30SecondsFailsThePair) {
  IceClient ice(kCredentials, kTieBreaker);
  const auto request = ice.poll(0);
  const auto reply = successFor(*request, kCredentials.remotePwd);
  ASSERT_TRUE(ice.onResponse(reply.data(), reply.size(), 1));
  // Answered consent keeps it alive however long the call lasts.
  double now = 1;
  for (int i = 0; i < 40; ++i) {
    now += 1000;
    const auto check = ice.poll(now);
    ASSERT_TRUE(check) << i;
    const auto ok = successFor(*check, kCredentials.remotePwd);
    ASSERT_TRUE(ice.onResponse(ok.data(), ok.size(), now + 2));
  }
  const double lastAnswer = now + 2;
  // Then silence: checks go out, nothing comes back.
  while (now + 1000 < lastAnswer + 30000) {
    now += 1000;
    EXPECT_TRUE(ice.poll(now));
  }
  EXPECT_FALSE(ice.poll(lastAnswer + 29999));  // the last check is not due yet, and consent holds
  EXPECT_EQ(ice.state(), IceClient::State::Connected);
  EXPECT_FALSE(ice.poll(lastAnswer + 30001));
  EXPECT_EQ(ice.state(), IceClient::State::Failed);
  EXPECT_NE(ice.error().find("consent"), std::string::npos);
  // Failed is final: no more checks, late answers are ignored.
  EXPECT_FALSE(ice.poll(lastAnswer + 40000));
}

}  // namespace
}  // namespace tccc::rtc
