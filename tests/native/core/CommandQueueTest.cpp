// SPDX-License-Identifier: Apache-2.0
// The one queue every part of the core writes to: each kind of command as the host receives it
// (commandsToJson, what the bindings hand to JavaScript), in the order it was queued.
#include "core/CommandQueue.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace tccc::core {
namespace {

using Json = protocol::Json;

struct QueueRow {
  const char* name;
  std::function<void(CommandQueue&)> queue;
  const char* json;  // commandsToJson of what it queued
};

const QueueRow kRows[] = {
    {"connect", [](CommandQueue& q) { q.connect(); }, R"([{"kind":"connect"}])"},
    {"send", [](CommandQueue& q) { q.send(R"({"v":1})"); }, R"([{"kind":"send","text":"{\"v\":1}"}])"},
    {"close", [](CommandQueue& q) { q.close(4000); }, R"([{"kind":"close","code":4000}])"},
    {"emit", [](CommandQueue& q) { q.emit("ready", Json::object()); }, R"([{"kind":"emit","name":"ready","data":{}}])"},
    {"emitNullDataAsObject", [](CommandQueue& q) { q.emit("ready", Json()); },
     R"([{"kind":"emit","name":"ready","data":{}}])"},
    {"emitEventsInOrder",
     [](CommandQueue& q) {
       SdkEvents events{{"callIn", Json{{"sessionId", "s-1"}}}, {"sessionEnded", Json{{"sessionId", "s-1"}}}};
       q.emit(events);
     },
     R"([{"kind":"emit","name":"callIn","data":{"sessionId":"s-1"}},{"kind":"emit","name":"sessionEnded","data":{"sessionId":"s-1"}}])"},
    {"resolve",
     [](CommandQueue& q) {
       q.resolve(3, Json{{"sessionId", "s-1"}});
     },
     R"([{"kind":"resolve","handle":3,"data":{"sessionId":"s-1"}}])"},
    {"reject", [](CommandQueue& q) { q.reject(4, Error(Errc::NotReady, "Agent.online: not yet")); },
     R"([{"kind":"reject","handle":4,"code":-11002,"name":"ERR_NOT_READY","message":"Agent.online: not yet"}])"},
    {"rejectWithTheCataloguesText", [](CommandQueue& q) { q.reject(5, Error(Errc::SessionNotFound)); },
     R"([{"kind":"reject","handle":5,"code":-11004,"name":"ERR_SESSION_NOT_FOUND","message":"No session has this sessionId."}])"},
    {"media",
     [](CommandQueue& q) {
       q.media("hold", Json{{"sessionId", "s-1"}});
     },
     R"([{"kind":"media","name":"hold","data":{"sessionId":"s-1"}}])"},
    {"kindsKeepTheirOrder",
     [](CommandQueue& q) {
       q.resolve(1, Json::object());
       q.emit("statusChanged", Json{{"status", "rest"}});
       q.send("x");
       q.close(1000);
     },
     R"([{"kind":"resolve","handle":1,"data":{}},{"kind":"emit","name":"statusChanged","data":{"status":"rest"}},{"kind":"send","text":"x"},{"kind":"close","code":1000}])"},
};

class CommandQueueRows : public ::testing::TestWithParam<QueueRow> {};

TEST_P(CommandQueueRows, HostSeesExactlyWhatWasQueuedInOrder) {
  CommandQueue queue;
  GetParam().queue(queue);
  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(Json::parse(commandsToJson(queue.drain())), Json::parse(GetParam().json));
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(commandsToJson(queue.drain()), "[]");
}

INSTANTIATE_TEST_SUITE_P(CommandQueue, CommandQueueRows, ::testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CommandQueue, DrainTakesOnlyWhatWasQueuedBeforeIt) {
  CommandQueue queue;
  queue.connect();
  auto first = queue.drain();
  queue.close(1000);
  auto second = queue.drain();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].kind, CommandKind::Connect);
  EXPECT_EQ(second[0].kind, CommandKind::Close);
  EXPECT_EQ(second[0].code, 1000);
}

}  // namespace
}  // namespace tccc::core
