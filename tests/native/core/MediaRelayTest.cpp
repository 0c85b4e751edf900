// SPDX-License-Identifier: Apache-2.0
// The media relay on its own: the host's Media.* signalling (checked in the documented order:
// arguments, readiness, session), media.* events from the far side, and the media commands of a
// session's life. CoreMediaTest covers the same through the facade.
#include "core/MediaRelay.hpp"

#include "CorePartsRig.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using Json = protocol::Json;
using testing::CorePartsRig;
using testing::describe;
using testing::wireSession;

// --- Media.offer / answer / candidate from the host --------------------------------------------------

struct SignalRow {
  const char* name;
  const char* api;
  Json args;
  bool ready;
  Json session;   // null: none
  Errc rejected;  // None: sent as a request
  const char* message;
};

const Json kTalking = wireSession("s-1", "phone", "in", "talking");
const Json kSdp = Json{{"sessionId", "s-1"}, {"sdp", "v=0"}};

const std::vector<SignalRow> kSignalRows = {
    {"offer", "Media.offer", kSdp, true, kTalking, Errc::None, nullptr},
    {"answer", "Media.answer", kSdp, true, kTalking, Errc::None, nullptr},
    {"candidate", "Media.candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", ""}}}}, true, kTalking,
     Errc::None, nullptr},
    {"heldStillCarriesMedia", "Media.offer", kSdp, true, wireSession("s-1", "phone", "in", "held"), Errc::None,
     nullptr},
    {"unknownKind", "Media.restart", kSdp, true, kTalking, Errc::InvalidArgument, "unknown API Media.restart"},
    {"noSdp", "Media.offer", Json{{"sessionId", "s-1"}}, true, kTalking, Errc::InvalidArgument, nullptr},
    {"argumentsBeforeReadiness", "Media.offer", Json{{"sessionId", "s-1"}}, false, Json(), Errc::InvalidArgument,
     nullptr},
    {"notReady", "Media.offer", kSdp, false, Json(), Errc::NotReady,
     "Media.offer: the SDK is still logging in; wait for the ready event"},
    {"unknownSession", "Media.answer", kSdp, true, Json(), Errc::SessionNotFound, "Media.answer: no session s-1"},
    {"ended", "Media.offer", kSdp, true, wireSession("s-1", "phone", "in", "ended"), Errc::InvalidState,
     "Media.offer: the session has ended or carries no media"},
    {"chatHasNoMedia", "Media.offer", kSdp, true, wireSession("s-1", "im", "in", "talking"), Errc::InvalidState,
     "Media.offer: the session has ended or carries no media"},
};

class MediaRelaySignal : public ::testing::TestWithParam<SignalRow> {};

TEST_P(MediaRelaySignal, HostSignallingIsCheckedThenSent) {
  const SignalRow& row = GetParam();
  CorePartsRig rig;
  if (row.ready) {
    rig.ready();
  } else {
    rig.connection.start(rig.now);
    rig.queue.drain();
  }
  if (!row.session.is_null()) rig.addSession(row.session);
  rig.media.signal(9, row.api, row.args, rig.now);
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 1u);
  if (row.rejected == Errc::None) {
    Json frame = Json::parse(commands[0].text);
    EXPECT_EQ(frame.value("method", ""), "media." + std::string(row.api).substr(6));
    EXPECT_EQ(frame["data"], row.args);
    auto pending = rig.requests.take(frame["id"].get<std::int64_t>());
    ASSERT_TRUE(pending);
    EXPECT_EQ(pending->handle, 9u);
    EXPECT_EQ(pending->settle, Settle::Empty);
    return;
  }
  EXPECT_EQ(commands[0].kind, CommandKind::Reject) << describe(commands[0]);
  EXPECT_EQ(commands[0].handle, 9u);
  EXPECT_EQ(commands[0].error.code, row.rejected);
  if (row.message) {
    EXPECT_EQ(commands[0].error.message, row.message);
  }
}

INSTANTIATE_TEST_SUITE_P(MediaRelay, MediaRelaySignal, ::testing::ValuesIn(kSignalRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- media.* events from the far side ----------------------------------------------------------------

struct RelayRow {
  const char* name;
  const char* event;
  Json data;
  Json session;
  const char* command;  // nullptr: dropped and counted
};

const std::vector<RelayRow> kRelayRows = {
    {"offerGetsTheIceServers", "media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}, {"x", 1}}, kTalking,
     R"(media offer {"iceServers":[{"urls":"stun:s"}],"sdp":"v=0","sessionId":"s-1"})"},
    {"answer", "media.answer", kSdp, kTalking, R"(media answer {"sdp":"v=0","sessionId":"s-1"})"},
    {"candidate", "media.candidate",
     Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", "c"}, {"sdpMLineIndex", 0}}}}, kTalking,
     R"(media candidate {"candidate":{"candidate":"c","sdpMLineIndex":0},"sessionId":"s-1"})"},
    {"unknownKind", "media.restart", kSdp, kTalking, nullptr},
    {"malformed", "media.offer", Json{{"sessionId", "s-1"}, {"sdp", 5}}, kTalking, nullptr},
    {"foreignSession", "media.offer", Json{{"sessionId", "s-2"}, {"sdp", "v=0"}}, kTalking, nullptr},
    {"endedSession", "media.answer", kSdp, wireSession("s-1", "phone", "in", "ended"), nullptr},
    {"chat", "media.answer", kSdp, wireSession("s-1", "im", "in", "talking"), nullptr},
};

class MediaRelayEvents : public ::testing::TestWithParam<RelayRow> {};

TEST_P(MediaRelayEvents, FarSideSignallingBecomesAMediaCommandOrIsDropped) {
  const RelayRow& row = GetParam();
  CorePartsRig rig;
  rig.media.setIceServers(CorePartsRig::okLogin());
  rig.addSession(row.session);
  rig.media.relay(protocol::Event{1, row.event, row.data});
  auto commands = rig.queue.drain();
  if (!row.command) {
    EXPECT_TRUE(commands.empty());
    EXPECT_EQ(rig.stats.rejectedEvents, 1u);
    return;
  }
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind, CommandKind::Media);
  std::string text = row.command;
  std::size_t space = text.find(' ', 6);
  EXPECT_EQ(commands[0].name, text.substr(6, space - 6));
  EXPECT_EQ(commands[0].data, Json::parse(text.substr(space + 1)));
  EXPECT_EQ(rig.stats.rejectedEvents, 0u);
}

INSTANTIATE_TEST_SUITE_P(MediaRelay, MediaRelayEvents, ::testing::ValuesIn(kRelayRows),
                         [](const auto& info) { return std::string(info.param.name); });

// --- a session's media life: {type, direction} -> prepare, start, end ------------------------------

struct LifeRow {
  const char* name;
  const char* type;
  const char* direction;
  Json prepare;  // null: no command
  bool starts;   // the caller offers once the callee answered
  bool ends;
};

const std::vector<LifeRow> kLifeRows = {
    {"phoneIn", "phone", "in", Json{{"sessionId", "s-1"}, {"video", false}}, false, true},
    {"phoneOut", "phone", "out", Json{{"sessionId", "s-1"}, {"video", false}}, false, true},
    {"voip", "voip", "in", Json{{"sessionId", "s-1"}, {"video", false}}, false, true},
    {"videoOpensTheCamera", "video", "in", Json{{"sessionId", "s-1"}, {"video", true}}, false, true},
    {"internalCaller", "internal", "out", Json{{"sessionId", "s-1"}, {"video", false}}, true, true},
    {"internalCallee", "internal", "in", Json{{"sessionId", "s-1"}, {"video", false}}, false, true},
    {"chatHasNone", "im", "in", Json(), false, false},
};

class MediaRelayLife : public ::testing::TestWithParam<LifeRow> {};

TEST_P(MediaRelayLife, PrepareStartAndEndOnlyForSessionsWithMedia) {
  const LifeRow& row = GetParam();
  CorePartsRig rig;
  rig.media.setIceServers(CorePartsRig::okLogin());
  rig.addSession(
      wireSession("s-1", row.type, row.direction, std::string(row.direction) == "in" ? "ringing" : "dialing"));
  rig.media.prepare("s-1");
  rig.media.prepare("s-unknown");
  auto commands = rig.queue.drain();
  if (row.prepare.is_null()) {
    EXPECT_TRUE(commands.empty());
  } else {
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].name, "prepare");
    EXPECT_EQ(commands[0].data, row.prepare);
  }
  WireSession session;
  ASSERT_FALSE(SessionStore::parse(wireSession("s-1", row.type, row.direction, "talking"), session));
  rig.media.startIfCaller(session);
  commands = rig.queue.drain();
  if (row.starts) {
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].name, "start");
    EXPECT_EQ(commands[0].data, (Json{{"sessionId", "s-1"}, {"iceServers", Json::array({Json{{"urls", "stun:s"}}})}}));
  } else {
    EXPECT_TRUE(commands.empty());
  }
  rig.media.end("s-1");
  rig.media.end("s-unknown");
  commands = rig.queue.drain();
  if (row.ends) {
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(describe(commands[0]), R"(media end {"sessionId":"s-1"})");
  } else {
    EXPECT_TRUE(commands.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(MediaRelay, MediaRelayLife, ::testing::ValuesIn(kLifeRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(MediaRelay, ActionsCarryTheSessionAndDigits) {
  CorePartsRig rig;
  const std::string digits = "1#";
  rig.media.act(MediaAction::Hold, "s-1");
  rig.media.act(MediaAction::SendDigits, "s-1", &digits);
  rig.media.act(MediaAction::UnmuteVideo, "s-2");
  EXPECT_EQ(rig.drained(), (std::vector<std::string>{R"(media hold {"sessionId":"s-1"})",
                                                     R"(media sendDigits {"digits":"1#","sessionId":"s-1"})",
                                                     R"(media unmuteVideo {"sessionId":"s-2"})"}));
}

TEST(MediaRelay, NoIceServersInTheLoginMeansAnEmptyList) {
  CorePartsRig rig;
  rig.media.setIceServers(Json{{"iceServers", "not a list"}});
  rig.addSession(kTalking);
  rig.media.relay(protocol::Event{1, "media.offer", kSdp});
  auto commands = rig.queue.drain();
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].data["iceServers"], Json::array());
}

}  // namespace
}  // namespace tccc::core
