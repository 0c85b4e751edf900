// SPDX-License-Identifier: Apache-2.0
// Every (type × direction × from × to) of the session machines, legal and illegal, against an
// expectation written out independently from docs/protocol.md; the transition→event mapping for
// every end reason; the shortest-path jumps; the documented payloads.
#include "core/SessionMachine.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace tccc::core {
namespace {

using Json = protocol::Json;

// Legal edges per "type/direction", spelled out.
const std::map<std::string, std::set<std::string>> kEdges = {
    {"phone/in",
     {"none>ringing", "ringing>talking", "ringing>ended", "talking>held", "talking>ended", "held>talking",
      "held>ended"}},
    {"voip/in",
     {"none>ringing", "ringing>talking", "ringing>ended", "talking>held", "talking>ended", "held>talking",
      "held>ended"}},
    {"internal/in",
     {"none>ringing", "ringing>talking", "ringing>ended", "talking>held", "talking>ended", "held>talking",
      "held>ended"}},
    {"video/in", {"none>ringing", "ringing>talking", "ringing>ended", "talking>ended"}},
    {"im/in", {"none>ringing", "ringing>talking", "ringing>ended", "talking>ended"}},
    {"phone/out",
     {"none>dialing", "dialing>talking", "dialing>ended", "talking>held", "talking>ended", "held>talking",
      "held>ended"}},
    {"internal/out",
     {"none>dialing", "dialing>talking", "dialing>ended", "talking>held", "talking>ended", "held>talking",
      "held>ended"}},
    {"voip/out", {}},
    {"video/out", {}},
    {"im/out", {}},
};

struct Edge {
  SessionType type;
  Direction direction;
  SessionState from;
  SessionState to;
};

std::string key(SessionType t, Direction d) { return std::string(toString(t)) + "/" + std::string(toString(d)); }
std::string edgeName(SessionState from, SessionState to) {
  return std::string(toString(from)) + ">" + std::string(toString(to));
}
bool expectedLegal(const Edge& e) { return kEdges.at(key(e.type, e.direction)).count(edgeName(e.from, e.to)) > 0; }

std::vector<Edge> allEdges() {
  std::vector<Edge> edges;
  for (int t = 0; t < kSessionTypeCount; ++t)
    for (int d = 0; d < kDirectionCount; ++d)
      for (int f = 0; f < kSessionStateCount; ++f)
        for (int s = 0; s < kSessionStateCount; ++s)
          edges.push_back({static_cast<SessionType>(t), static_cast<Direction>(d), static_cast<SessionState>(f),
                           static_cast<SessionState>(s)});
  return edges;
}

std::vector<std::string> names(const std::vector<SessionEventKind>& kinds) {
  std::vector<std::string> out;
  for (auto k : kinds) out.emplace_back(toString(k));
  return out;
}

void PrintTo(const Edge& e, std::ostream* os) { *os << key(e.type, e.direction) << " " << edgeName(e.from, e.to); }

class SessionTransition : public ::testing::TestWithParam<Edge> {};

TEST_P(SessionTransition, MatchesTheTableAndMapsToTheDocumentedEvents) {
  const Edge& e = GetParam();
  const bool legal = expectedLegal(e);
  EXPECT_EQ(SessionMachine::isLegal(e.type, e.direction, e.from, e.to), legal);
  for (int r = 0; r < 5; ++r) {
    auto reason = static_cast<EndReason>(r);
    auto events = SessionMachine::transition(e.type, e.direction, e.from, e.to, reason);
    ASSERT_EQ(events.has_value(), legal);
    if (!legal) continue;
    std::vector<std::string> expected;
    if (e.to == SessionState::Ended) {
      if (reason == EndReason::RingTimeout)
        expected = {"autoTransfer"};
      else if (reason == EndReason::Transfer)
        expected = {"transfer", "sessionEnded"};
      else
        expected = {"sessionEnded"};
    } else if (e.from == SessionState::None && e.to == SessionState::Ringing) {
      expected = {"callIn"};
    } else if (e.from == SessionState::Ringing && e.to == SessionState::Talking) {
      expected = {"userAccessed"};
    } else if (e.from == SessionState::None && e.to == SessionState::Dialing) {
      expected = {"callOuted"};
    } else if (e.from == SessionState::Dialing && e.to == SessionState::Talking) {
      expected = {"calloutAccepted"};
    }  // talking <-> held: nothing
    EXPECT_EQ(names(*events), expected) << "reason " << toString(reason);
  }
}

INSTANTIATE_TEST_SUITE_P(AllEdges, SessionTransition, ::testing::ValuesIn(allEdges()),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           const Edge& e = info.param;
                           return std::string(toString(e.type)) + "_" + std::string(toString(e.direction)) + "_" +
                                  std::string(toString(e.from)) + "_to_" + std::string(toString(e.to));
                         });

// Shortest paths, for every pair, against distances computed independently (Floyd–Warshall over
// the expected edges).
class SessionPath : public ::testing::TestWithParam<Edge> {};

TEST_P(SessionPath, IsAShortestChainOfLegalEdges) {
  const Edge& e = GetParam();
  constexpr int kInf = 100;
  int dist[kSessionStateCount][kSessionStateCount];
  for (int i = 0; i < kSessionStateCount; ++i)
    for (int j = 0; j < kSessionStateCount; ++j) {
      Edge probe{e.type, e.direction, static_cast<SessionState>(i), static_cast<SessionState>(j)};
      dist[i][j] = i == j ? 0 : (expectedLegal(probe) ? 1 : kInf);
    }
  for (int k = 0; k < kSessionStateCount; ++k)
    for (int i = 0; i < kSessionStateCount; ++i)
      for (int j = 0; j < kSessionStateCount; ++j)
        if (dist[i][k] + dist[k][j] < dist[i][j]) dist[i][j] = dist[i][k] + dist[k][j];
  const int expected = dist[static_cast<int>(e.from)][static_cast<int>(e.to)];

  auto path = SessionMachine::path(e.type, e.direction, e.from, e.to);
  ASSERT_EQ(path.has_value(), expected < kInf);
  if (!path) {
    EXPECT_FALSE(SessionMachine::eventsFor(e.type, e.direction, e.from, e.to, EndReason::Hangup));
    return;
  }
  ASSERT_EQ(static_cast<int>(path->size()), expected);
  SessionState at = e.from;
  for (SessionState next : *path) {
    EXPECT_TRUE(SessionMachine::isLegal(e.type, e.direction, at, next));
    at = next;
  }
  EXPECT_EQ(at, e.to);
}

INSTANTIATE_TEST_SUITE_P(AllPairs, SessionPath, ::testing::ValuesIn(allEdges()),
                         [](const ::testing::TestParamInfo<Edge>& info) {
                           const Edge& e = info.param;
                           return std::string(toString(e.type)) + "_" + std::string(toString(e.direction)) + "_" +
                                  std::string(toString(e.from)) + "_to_" + std::string(toString(e.to));
                         });

struct Jump {
  const char* name;
  SessionType type;
  Direction direction;
  SessionState from, to;
  EndReason reason;
  std::vector<std::string> events;  // {"-"} = no path
};

void PrintTo(const Jump& j, std::ostream* os) { *os << j.name; }

class SessionJump : public ::testing::TestWithParam<Jump> {};

TEST_P(SessionJump, EmitsTheEventsOfThePath) {
  const Jump& j = GetParam();
  auto events = SessionMachine::eventsFor(j.type, j.direction, j.from, j.to, j.reason);
  if (j.events == std::vector<std::string>{"-"}) {
    EXPECT_FALSE(events.has_value());
  } else {
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(names(*events), j.events);
  }
}

using T = SessionType;
using D = Direction;
using S = SessionState;
using R = EndReason;
INSTANTIATE_TEST_SUITE_P(
    Gaps, SessionJump,
    ::testing::Values(
        Jump{"new_talking_in", T::Phone, D::In, S::None, S::Talking, R::Hangup, {"callIn", "userAccessed"}},
        Jump{"new_held_in", T::Voip, D::In, S::None, S::Held, R::Hangup, {"callIn", "userAccessed"}},
        Jump{"new_ended_in", T::Phone, D::In, S::None, S::Ended, R::Hangup, {"callIn", "sessionEnded"}},
        Jump{"new_ringtimeout", T::Phone, D::In, S::None, S::Ended, R::RingTimeout, {"callIn", "autoTransfer"}},
        Jump{"new_talking_out", T::Phone, D::Out, S::None, S::Talking, R::Hangup, {"callOuted", "calloutAccepted"}},
        Jump{"new_ended_out", T::Internal, D::Out, S::None, S::Ended, R::Failed, {"callOuted", "sessionEnded"}},
        Jump{"ringing_held", T::Phone, D::In, S::Ringing, S::Held, R::Hangup, {"userAccessed"}},
        Jump{"ringing_ended_transfer", T::Im, D::In, S::Ringing, S::Ended, R::Transfer, {"transfer", "sessionEnded"}},
        Jump{"dialing_held", T::Phone, D::Out, S::Dialing, S::Held, R::Hangup, {"calloutAccepted"}},
        Jump{"held_ended", T::Phone, D::In, S::Held, S::Ended, R::Cancel, {"sessionEnded"}},
        Jump{"same_state", T::Phone, D::In, S::Talking, S::Talking, R::Hangup, {}},
        Jump{"backwards", T::Phone, D::In, S::Talking, S::Ringing, R::Hangup, {"-"}},
        Jump{"ended_is_final", T::Phone, D::In, S::Ended, S::Talking, R::Hangup, {"-"}},
        Jump{"im_cannot_hold", T::Im, D::In, S::Talking, S::Held, R::Hangup, {"-"}},
        Jump{"video_out_does_not_exist", T::Video, D::Out, S::None, S::Dialing, R::Hangup, {"-"}},
        Jump{"inbound_never_dials", T::Phone, D::In, S::None, S::Dialing, R::Hangup, {"-"}}),
    [](const ::testing::TestParamInfo<Jump>& info) { return std::string(info.param.name); });

TEST(SessionCapabilities, MatchTheSeed) {
  // hold: phone, voip, internal; mute: not im; camera: video; DTMF: phone; outbound: phone, internal.
  struct Row {
    SessionType type;
    ApiFamily family;
    bool hold, muteAudio, muteVideo, digits, transfer, outbound, media;
  };
  const Row rows[] = {
      {T::Phone, ApiFamily::Call, true, true, false, true, true, true, true},
      {T::Voip, ApiFamily::Call, true, true, false, false, true, false, true},
      {T::Video, ApiFamily::Video, false, true, true, false, true, false, true},
      {T::Im, ApiFamily::Chat, false, false, false, false, true, false, false},
      {T::Internal, ApiFamily::Call, true, true, false, false, false, true, true},
  };
  for (const auto& row : rows) {
    const auto& caps = SessionMachine::capabilities(row.type);
    SCOPED_TRACE(std::string(toString(row.type)));
    EXPECT_EQ(caps.family, row.family);
    EXPECT_EQ(caps.hold, row.hold);
    EXPECT_EQ(caps.muteAudio, row.muteAudio);
    EXPECT_EQ(caps.muteVideo, row.muteVideo);
    EXPECT_EQ(caps.digits, row.digits);
    EXPECT_EQ(caps.transfer, row.transfer);
    EXPECT_EQ(caps.outbound, row.outbound);
    EXPECT_EQ(caps.media, row.media);
    // The capability table and the machine agree: hold edges exist iff hold is allowed, and an
    // outbound machine exists iff outbound is allowed.
    EXPECT_EQ(SessionMachine::isLegal(row.type, D::In, S::Talking, S::Held), row.hold);
    EXPECT_EQ(SessionMachine::isLegal(row.type, D::Out, S::None, S::Dialing), row.outbound);
  }
}

TEST(SessionNames, RoundTrip) {
  for (int t = 0; t < kSessionTypeCount; ++t)
    EXPECT_EQ(sessionTypeFromString(toString(static_cast<SessionType>(t))), static_cast<SessionType>(t));
  for (int d = 0; d < kDirectionCount; ++d)
    EXPECT_EQ(directionFromString(toString(static_cast<Direction>(d))), static_cast<Direction>(d));
  for (int s = 1; s < kSessionStateCount; ++s)
    EXPECT_EQ(sessionStateFromString(toString(static_cast<SessionState>(s))), static_cast<SessionState>(s));
  EXPECT_EQ(sessionStateFromString("none"), std::nullopt);  // never on the wire
  for (int r = 0; r < 5; ++r)
    EXPECT_EQ(endReasonFromString(toString(static_cast<EndReason>(r))), static_cast<EndReason>(r));
  EXPECT_EQ(sessionTypeFromString("Phone"), std::nullopt);
  EXPECT_EQ(directionFromString(""), std::nullopt);
}

// A wire session carrying every field any type might have, plus server-only ones.
Json everything(const std::string& type) {
  return Json{{"sessionId", "s-1"},
              {"type", type},
              {"direction", "in"},
              {"state", "ringing"},
              {"timeout", 30},
              {"createdAt", 1732400000000LL},
              {"calleePhoneNumber", "4008001000"},
              {"callerPhoneNumber", "13800138000"},
              {"callerLocation", "Shenzhen"},
              {"remark", "vip"},
              {"ivrPath", Json::array({{{"key", "1"}, {"label", "Sales"}}})},
              {"protectedCallee", "pc"},
              {"protectedCaller", "pr"},
              {"serverType", "staffSeat"},
              {"skillGroupId", "1"},
              {"muted", false},
              {"held", false},
              {"nickname", "Bob"},
              {"avatar", "https://a/b.png"},
              {"peerSource", "wx"},
              {"channelName", "web"},
              {"clientData", "cd"},
              {"callee", "entry"},
              {"calleeRemark", "entry remark"},
              {"userId", "openid-1"},
              {"peerUserId", "bob@example.com"},
              {"internalSecret", "never shown"}};
}

std::set<std::string> keysOf(const Json& object) {
  std::set<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.insert(it.key());
  return keys;
}

TEST(SessionPayload, CallInCarriesExactlyTheDocumentedFieldsPerType) {
  const std::map<std::string, std::set<std::string>> expected = {
      {"phone",
       {"sessionId", "type", "timeout", "calleePhoneNumber", "callerPhoneNumber", "callerLocation", "remark", "ivrPath",
        "protectedCallee", "protectedCaller", "serverType"}},
      {"im",
       {"sessionId", "type", "timeout", "nickname", "avatar", "remark", "peerSource", "channelName", "clientData"}},
      {"voip",
       {"sessionId", "type", "timeout", "callee", "calleeRemark", "userId", "nickname", "avatar", "remark",
        "peerSource", "ivrPath", "clientData"}},
      {"video", {"sessionId", "type", "timeout", "userId", "nickname", "avatar", "remark"}},
      {"internal", {"sessionId", "type", "timeout", "peerUserId"}},
  };
  for (const auto& [type, keys] : expected) {
    SdkEvent event = SessionMachine::payload(SessionEventKind::CallIn, *sessionTypeFromString(type), everything(type));
    EXPECT_EQ(event.name, "callIn");
    EXPECT_EQ(keysOf(event.data), keys) << type;
    EXPECT_EQ(event.data.at("type"), type);
    EXPECT_EQ(event.data.at("timeout"), 30);
  }
  // Fields of the wrong type are left out rather than passed through; timeout defaults to 0.
  Json odd{{"sessionId", "s-2"}, {"type", "phone"}, {"callerPhoneNumber", 13800138000LL}, {"ivrPath", "1"}};
  EXPECT_EQ(SessionMachine::payload(SessionEventKind::CallIn, T::Phone, odd).data,
            (Json{{"sessionId", "s-2"}, {"type", "phone"}, {"timeout", 0}}));
}

TEST(SessionPayload, OtherEventsCarryTheirDocumentedFields) {
  Json wire = everything("phone");
  for (auto kind : {SessionEventKind::UserAccessed, SessionEventKind::CallOuted, SessionEventKind::CalloutAccepted,
                    SessionEventKind::AutoTransfer})
    EXPECT_EQ(SessionMachine::payload(kind, T::Phone, wire).data, (Json{{"sessionId", "s-1"}})) << toString(kind);

  wire["transferTo"] = {{"userId", "bob@example.com"}, {"extra", 1}};
  EXPECT_EQ(SessionMachine::payload(SessionEventKind::Transfer, T::Phone, wire).data,
            (Json{{"sessionId", "s-1"}, {"userId", "bob@example.com"}}));

  wire["closeBy"] = "admin";
  wire["mainReason"] = "notAnswer";
  wire["subReason"] = "timeout";
  wire["duration"] = 0;
  wire["endReason"] = "failed";
  EXPECT_EQ(SessionMachine::payload(SessionEventKind::SessionEnded, T::Phone, wire).data,
            (Json{{"sessionId", "s-1"},
                  {"closeBy", "admin"},
                  {"mainReason", "notAnswer"},
                  {"subReason", "timeout"},
                  {"type", "phone"},
                  {"duration", 0}}));
  Json minimal{{"sessionId", "s-3"}};
  EXPECT_EQ(SessionMachine::payload(SessionEventKind::SessionEnded, T::Im, minimal).data,
            (Json{{"sessionId", "s-3"}, {"closeBy", "admin"}, {"type", "im"}}));
}

}  // namespace
}  // namespace tccc::core
