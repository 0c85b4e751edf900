// SPDX-License-Identifier: Apache-2.0
// Where the native SDK connects: WebSocket URLs (native/net/WsClient) and the agent endpoint below
// a server's base URL (native/sdk/ServerUrl), the same rule as the Web SDK's js/src/Settings.ts.
#include "net/WsClient.hpp"
#include "sdk/ServerUrl.hpp"

#include <gtest/gtest.h>

namespace tccc::native {
namespace {

struct EndpointRow {
  const char* url;
  bool ok;
  bool tls = false;
  const char* host = "";
  const char* port = "";
  const char* target = "";
};

TEST(WsEndpoint, ParsesWhatAClientMayBeGiven) {
  const EndpointRow rows[] = {
      {"ws://127.0.0.1:8080/ws/agent", true, false, "127.0.0.1", "8080", "/ws/agent"},
      {"wss://cc.example.com/ws/media?token=abc", true, true, "cc.example.com", "443", "/ws/media?token=abc"},
      {"ws://cc.example.com", true, false, "cc.example.com", "80", "/"},
      {"ws://cc.example.com?x=1", true, false, "cc.example.com", "80", "/?x=1"},
      {"ws://[::1]:9000/a", true, false, "::1", "9000", "/a"},
      {"http://cc.example.com/", false},
      {"ws://", false},
      {"ws://:80/", false},
      {"ws://host:0/", false},
      {"ws://host:65536/", false},
      {"ws://host:8x/", false},
      {"ws://user:pw@host/", false},
      {"ws://[::1/", false},
      {"ws://host/a b", false},
      {"", false},
  };
  for (const auto& row : rows) {
    std::string error;
    const auto e = WsEndpoint::parse(row.url, &error);
    ASSERT_EQ(e.has_value(), row.ok) << row.url << ": " << error;
    if (!row.ok) {
      EXPECT_FALSE(error.empty()) << row.url;
      continue;
    }
    EXPECT_EQ(e->tls, row.tls) << row.url;
    EXPECT_EQ(e->host, row.host) << row.url;
    EXPECT_EQ(e->port, row.port) << row.url;
    EXPECT_EQ(e->target, row.target) << row.url;
  }
}

TEST(WsEndpoint, TheMediaSocketIsOnTheSameOriginWithoutTheLoginProtocols) {
  auto agent = WsEndpoint::parse("wss://cc.example.com:8443/ws/agent");
  ASSERT_TRUE(agent);
  agent->subprotocols = {"tccc.v1"};
  const auto media = agent->withTarget("/ws/media?token=t");
  EXPECT_TRUE(media.tls);
  EXPECT_EQ(media.host, "cc.example.com");
  EXPECT_EQ(media.port, "8443");
  EXPECT_EQ(media.target, "/ws/media?token=t");
  EXPECT_TRUE(media.subprotocols.empty());
}

TEST(AgentEndpoint, BelowAServerBaseOrTheEndpointItself) {
  const struct {
    const char* server;
    const char* expected;  // "tls host port target", or nullptr when refused
  } rows[] = {
      {"http://127.0.0.1:8080", "ws 127.0.0.1 8080 /ws/agent"},
      {"http://127.0.0.1:8080/", "ws 127.0.0.1 8080 /ws/agent"},
      {"https://cc.example.com/base//", "wss cc.example.com 443 /base/ws/agent"},
      {"wss://cc.example.com/ws/agent", "wss cc.example.com 443 /ws/agent"},
      {"ws://127.0.0.1:1/ws/agent", "ws 127.0.0.1 1 /ws/agent"},
      {"ftp://cc.example.com", nullptr},
      {"cc.example.com", nullptr},
      {"https://cc.example.com/?sdkAppId=1", nullptr},
      {"https://cc.example.com/#x", nullptr},
      {"https://", nullptr},
  };
  for (const auto& row : rows) {
    std::string error;
    const auto e = agentEndpoint(row.server, &error);
    if (!row.expected) {
      EXPECT_FALSE(e) << row.server;
      EXPECT_FALSE(error.empty()) << row.server;
      continue;
    }
    ASSERT_TRUE(e) << row.server << ": " << error;
    EXPECT_EQ((e->tls ? "wss " : "ws ") + e->host + " " + e->port + " " + e->target, row.expected) << row.server;
  }
}

}  // namespace
}  // namespace tccc::native
