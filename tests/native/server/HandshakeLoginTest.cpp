// SPDX-License-Identifier: Apache-2.0
// The login carried in the WebSocket handshake (docs/protocol.md, "Login in the handshake"): header
// parsing and payload decoding, table-driven, then ContactCenter answering it as request 1.
#include "ContactCenterTestBase.hpp"
#include "signalling/HandshakeLogin.hpp"

#include <boost/asio/io_context.hpp>

namespace tccc::server::testing {
namespace {

// RFC 4648 §5 without padding.
std::string base64Url(const std::string& bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  return out;
}

TEST(HandshakeLoginParse, OfferedProtocols) {
  struct Case {
    const char* header;
    bool v1;
    const char* login;  // nullptr: none
  } cases[] = {
      {"", false, nullptr},
      {"tccc.v1", true, nullptr},
      {"tccc.v1, tccc.login.abc", true, "abc"},
      {"tccc.login.abc,tccc.v1", true, "abc"},
      {"  tccc.v1 ,\ttccc.login.x-_Y  ", true, "x-_Y"},
      {"tccc.login.first, tccc.login.second", false, "first"},
      {"tccc.v2, chat", false, nullptr},
      {"tccc.v1x", false, nullptr},
      {"tccc.login.", false, ""},
      {",,,", false, nullptr},
  };
  for (const auto& c : cases) {
    OfferedProtocols o = parseOfferedProtocols(c.header);
    EXPECT_EQ(o.v1, c.v1) << c.header;
    if (c.login) {
      ASSERT_TRUE(o.login.has_value()) << c.header;
      EXPECT_EQ(*o.login, c.login) << c.header;
    } else {
      EXPECT_FALSE(o.login.has_value()) << c.header;
    }
  }
}

TEST(HandshakeLoginParse, Payloads) {
  const std::string login = R"({"sdkAppId":1400000001,"userId":"张三@x.com","token":"t"})";
  auto ok = decodeHandshakeLogin(base64Url(login));
  ASSERT_TRUE(std::holds_alternative<Json>(ok));
  EXPECT_EQ(std::get<Json>(ok)["userId"], "张三@x.com");
  EXPECT_EQ(std::get<Json>(ok)["sdkAppId"], 1400000001);

  struct Bad {
    std::string payload;
    const char* why;
  } bad[] = {
      {"", "empty: not a JSON object"},
      {base64Url("[1,2]"), "an array"},
      {base64Url("\"s\""), "a string"},
      {base64Url("{\"a\":"), "truncated JSON"},
      {"e30=", "padded"},
      {"e3+9", "standard alphabet, not url"},
      {"e30/", "standard alphabet, not url"},
      {"A", "a lone character encodes nothing"},
      {"e31", "non-zero leftover bits"},
      {std::string("e3\0w", 4), "a NUL byte"},
      {base64Url(std::string(40, '[') + std::string(40, ']')), "deeper than the protocol allows"},
  };
  for (const auto& b : bad) {
    auto r = decodeHandshakeLogin(b.payload);
    ASSERT_TRUE(std::holds_alternative<Error>(r)) << b.why;
    EXPECT_EQ(std::get<Error>(r).code, Errc::Protocol) << b.why;
  }
  EXPECT_TRUE(std::holds_alternative<Json>(decodeHandshakeLogin("e30")));  // "{}": decoding is not validation
}

class HandshakeLoginTest : public ContactCenterTestBase {
 protected:
  void SetUp() override { make(); }
  static std::string loginProtocols(const Json& data) { return "tccc.v1, tccc.login." + base64Url(data.dump()); }
  void open(ConnectionId id, const std::string& protocols, const std::string& path = "/ws/agent") {
    WsOpenInfo info{path, "", "", "127.0.0.1:1", protocols};
    cc->onOpen(id, info);
  }
  void text(ConnectionId id, const Json& frame) { cc->onText(id, frame.dump()); }
  Json response(ConnectionId id, std::int64_t rid) { return sender.response(id, rid); }
};

TEST_F(HandshakeLoginTest, SelectsTcccV1OnlyWhenOffered) {
  EXPECT_EQ(cc->subprotocol(WsOpenInfo{"/ws/agent", "", "", "", "tccc.v1"}), "tccc.v1");
  EXPECT_EQ(cc->subprotocol(WsOpenInfo{"/ws/agent", "", "", "", "tccc.login.e30, tccc.v1"}), "tccc.v1");
  EXPECT_EQ(cc->subprotocol(WsOpenInfo{"/ws/agent", "", "", "", ""}), "");
  // Never the login itself: that would echo the token back in the response header.
  EXPECT_EQ(cc->subprotocol(WsOpenInfo{"/ws/agent", "", "", "", "tccc.login.e30"}), "");
}

TEST_F(HandshakeLoginTest, TheLoginIsAnsweredAsRequestOneBeforeAnyFrame) {
  open(1, loginProtocols({{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}));
  ASSERT_FALSE(sender.sent[1].empty());
  const Json res = sender.frames(1).front();
  EXPECT_EQ(res["type"], "res");
  EXPECT_EQ(res["id"], 1);
  EXPECT_EQ(res["ok"], true) << res.dump();
  EXPECT_EQ(res["data"]["agent"]["userId"], "a1@x.com");
  EXPECT_FALSE(res["data"]["resumeToken"].get<std::string>().empty());
  // Logged in: the next request (id 2) is served, not refused with "log in first".
  text(1, {{"v", 1}, {"type", "req"}, {"id", 2}, {"method", "agent.setStatus"}, {"data", {{"status", "rest"}}}});
  EXPECT_EQ(response(1, 2)["ok"], true);
}

TEST_F(HandshakeLoginTest, ARefusedLoginIsAnsweredLikeAFrameLoginAndTheSocketStaysUsable) {
  open(1, loginProtocols({{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "wrong"}}));
  ASSERT_EQ(sender.sent[1].size(), 1u);
  EXPECT_EQ(sender.frames(1)[0]["id"], 1);
  EXPECT_EQ(sender.frames(1)[0]["error"]["code"], static_cast<int>(Errc::HttpTokenError));
  EXPECT_FALSE(sender.closedWith.count(1));
  text(1, {{"v", 1},
           {"type", "req"},
           {"id", 2},
           {"method", "auth.login"},
           {"data", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}}});
  EXPECT_EQ(response(1, 2)["ok"], true);
}

TEST_F(HandshakeLoginTest, AnUndecodableLoginIsAProtocolErrorAndCountsAsAFailedLogin) {
  open(1, "tccc.v1, tccc.login.%%%");
  ASSERT_EQ(sender.sent[1].size(), 1u);
  EXPECT_EQ(sender.frames(1)[0]["id"], 1);
  EXPECT_EQ(sender.frames(1)[0]["error"]["code"], static_cast<int>(Errc::Protocol));
  // Two more failures on the same socket and it is closed, as with frame logins.
  for (int i = 0; i < 2; ++i)
    text(1, {{"v", 1},
             {"type", "req"},
             {"id", 2 + i},
             {"method", "auth.login"},
             {"data", {{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "guess"}}}});
  EXPECT_EQ(sender.closedWith[1], 4001);
}

TEST_F(HandshakeLoginTest, CloseCode4005IsAGoodbyeWithoutGracePeriod) {
  // The SDK closes a socket its handshake logged in, but that its core never used, with 4005 (the
  // page destroyed the SDK while it loaded): the agent is offline at once, not after the grace period.
  open(1, loginProtocols({{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}));
  open(2, loginProtocols({{"sdkAppId", kApp}, {"userId", "a2@x.com"}, {"token", "good-a2@x.com"}}));
  EXPECT_EQ(cc->engine().agentStatus(kApp, "a1@x.com"), "free");
  cc->onClose(1, 4005);
  cc->onClose(2, 1006);  // a drop: the grace period keeps the agent
  EXPECT_EQ(cc->engine().agentStatus(kApp, "a1@x.com"), "offline");
  EXPECT_EQ(cc->engine().agentStatus(kApp, "a2@x.com"), "free");
}

TEST_F(HandshakeLoginTest, CustomerSocketsAndPlainSocketsIgnoreIt) {
  open(1, loginProtocols({{"sdkAppId", kApp}, {"userId", "a1@x.com"}, {"token", "good-a1@x.com"}}), "/ws/customer");
  EXPECT_TRUE(sender.sent[1].empty());
  open(2, "tccc.v1");
  EXPECT_TRUE(sender.sent[2].empty());
}

}  // namespace
}  // namespace tccc::server::testing
