// SPDX-License-Identifier: Apache-2.0
// Requests in flight: what goes on the wire, and how a request ends when no answer settles it
// (its deadline passes, or everything in flight fails at once).
#include "core/RequestChannel.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tccc::core {
namespace {

using Json = protocol::Json;

TEST(RequestChannel, SendPutsTheRequestOnTheWireWithTheNextId) {
  CommandQueue queue;
  RequestChannel channel(queue, 10000);
  channel.send("session.hold", Json{{"sessionId", "s-1"}}, 7, Settle::Hold, "s-1", 1000);
  channel.send("agent.online", Json::object(), 8, Settle::Empty, "", 1000);
  auto sent = queue.drain();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(Json::parse(sent[0].text),
            Json::parse(R"({"v":1,"type":"req","id":1,"method":"session.hold","data":{"sessionId":"s-1"}})"));
  EXPECT_EQ(Json::parse(sent[1].text), Json::parse(R"({"v":1,"type":"req","id":2,"method":"agent.online","data":{}})"));
  auto hold = channel.take(1);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->handle, 7u);
  EXPECT_EQ(hold->settle, Settle::Hold);
  EXPECT_EQ(hold->sessionId, "s-1");
  EXPECT_EQ(hold->deadlineMs, 11000);
  EXPECT_FALSE(channel.take(1));
  EXPECT_EQ(channel.size(), 1u);
}

TEST(RequestChannel, SendDigitsRemembersTheDigitsForTheMediaCommand) {
  CommandQueue queue;
  RequestChannel channel(queue, 10000);
  channel.send("session.sendDigits", Json{{"sessionId", "s-1"}, {"digits", "12#"}}, 1, Settle::SendDigits, "s-1", 0);
  EXPECT_EQ(channel.take(1)->digits, "12#");
}

TEST(RequestChannel, ALoginIsExpectedWithoutBeingSent) {
  CommandQueue queue;
  RequestChannel channel(queue, 10000);
  EXPECT_EQ(channel.expectLogin(5000), 1);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(channel.nextDeadline(), 5000);
  auto login = channel.take(1);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->settle, Settle::Login);
  EXPECT_EQ(login->method, "auth.login");
  EXPECT_EQ(login->handle, 0u);
}

// --- expiry: {requests in flight} x {time} -> {rejections, login expired} ---------------------------

struct InFlight {
  Settle settle;
  std::uint32_t handle;
  std::int64_t sentAt;  // ms; a login's deadline is sentAt + 3000
};

struct ExpiryRow {
  const char* name;
  std::vector<InFlight> inFlight;
  std::int64_t now;
  std::vector<std::uint32_t> timedOut;  // handles rejected with ERR_REQUEST_TIMEOUT, in order
  bool loginExpired;
  std::size_t left;
};

const ExpiryRow kExpiryRows[] = {
    {"nothingDueYet", {{Settle::Empty, 1, 0}, {Settle::SessionId, 2, 500}}, 9999, {}, false, 2},
    {"dueAtTheDeadlineExactly", {{Settle::Empty, 1, 0}}, 10000, {1}, false, 0},
    {"onlyTheDueOnesOldestFirst",
     {{Settle::Hold, 1, 0}, {Settle::Empty, 2, 5000}, {Settle::Mute, 3, 100}},
     10100,
     {1, 3},
     false,
     1},
    {"noPromiseNoRejection",
     {{Settle::Silent, 0, 0}, {Settle::ChatCatchUp, 0, 0}, {Settle::Empty, 4, 0}},
     10000,
     {4},
     false,
     0},
    {"theLoginExpiring", {{Settle::Login, 0, 0}}, 3000, {}, true, 0},
    {"theLoginNotYet", {{Settle::Login, 0, 0}}, 2999, {}, false, 1},
    {"theLoginAmongOthers",
     {{Settle::Empty, 1, -8000}, {Settle::Login, 0, 0}, {Settle::Empty, 2, 9000}},
     3000,
     {1},
     true,
     1},
};

class RequestChannelExpiry : public ::testing::TestWithParam<ExpiryRow> {};

TEST_P(RequestChannelExpiry, RejectsWhatIsDueAndReportsALoginThatIs) {
  const ExpiryRow& row = GetParam();
  CommandQueue queue;
  RequestChannel channel(queue, 10000);
  for (const auto& r : row.inFlight) {
    if (r.settle == Settle::Login)
      channel.expectLogin(r.sentAt + 3000);
    else
      channel.send("m" + std::to_string(r.handle), Json::object(), r.handle, r.settle, "", r.sentAt);
  }
  queue.drain();
  EXPECT_EQ(channel.expire(row.now), row.loginExpired);
  std::vector<std::uint32_t> timedOut;
  for (const auto& command : queue.drain()) {
    EXPECT_EQ(command.kind, CommandKind::Reject);
    EXPECT_EQ(command.error.code, Errc::RequestTimeout);
    EXPECT_EQ(command.error.message,
              "m" + std::to_string(command.handle) + ": no answer from the server within 10000 ms");
    timedOut.push_back(command.handle);
  }
  EXPECT_EQ(timedOut, row.timedOut);
  EXPECT_EQ(channel.size(), row.left);
}

INSTANTIATE_TEST_SUITE_P(RequestChannel, RequestChannelExpiry, ::testing::ValuesIn(kExpiryRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- failing everything: {code, why} -> "<method>: <why>" for each promise ------------------------

struct FailRow {
  const char* name;
  Errc code;
  const char* why;
};

const FailRow kFailRows[] = {
    {"connectionLost", Errc::ConnectionLost, "the connection to the server was lost; the outcome is unknown"},
    {"closed", Errc::ConnectionLost, "the connection to the server was closed"},
    {"destroyed", Errc::Destroyed, "the SDK was destroyed"},
};

class RequestChannelFailAll : public ::testing::TestWithParam<FailRow> {};

TEST_P(RequestChannelFailAll, RejectsEveryPromiseAndForgetsEverything) {
  const FailRow& row = GetParam();
  CommandQueue queue;
  RequestChannel channel(queue, 10000);
  channel.expectLogin(3000);
  channel.send("session.accept", Json::object(), 1, Settle::SessionId, "s-1", 0);
  channel.send("session.delete", Json::object(), 0, Settle::Silent, "s-2", 0);
  channel.send("agent.online", Json::object(), 2, Settle::Empty, "", 0);
  queue.drain();
  channel.failAll(row.code, row.why);
  auto commands = queue.drain();
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].handle, 1u);
  EXPECT_EQ(commands[0].error.code, row.code);
  EXPECT_EQ(commands[0].error.message, std::string("session.accept: ") + row.why);
  EXPECT_EQ(commands[1].handle, 2u);
  EXPECT_EQ(commands[1].error.message, std::string("agent.online: ") + row.why);
  EXPECT_EQ(channel.size(), 0u);
  EXPECT_FALSE(channel.nextDeadline());
}

INSTANTIATE_TEST_SUITE_P(RequestChannel, RequestChannelFailAll, ::testing::ValuesIn(kFailRows),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tccc::core
