// SPDX-License-Identifier: Apache-2.0
// Media signalling through the core (docs/protocol.md, "Media"): media.* events become media
// commands for the host's adapter (an offer carries the login's iceServers), the host's
// Media.offer/answer/candidate calls become media.* requests, and anything malformed, for an unknown
// or ended session, or before ready is refused without reaching the other side.
#include "FakeHost.hpp"

#include <gtest/gtest.h>

namespace tccc::core {
namespace {

using testing::FakeHost;
using testing::wireSession;
using Json = protocol::Json;

const Json kIce =
    Json::parse(R"([{"urls":"stun:127.0.0.1:3478"},{"urls":["turn:127.0.0.1:3478"],"username":"u","credential":"p"}])");

/// Logged in with one talking phone call s-1, the snapshot carrying kIce; all startup events drained.
void loginTalking(FakeHost& host, const std::string& type = "phone") {
  host.core.start(host.now);
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  Json request = host.expectRequest("auth.login");
  Json snapshot = host.snapshot("busy", Json::array({wireSession("s-1", type, "in", "talking")}));
  snapshot["iceServers"] = kIce;
  host.reply(request, snapshot);
  host.pump();
  while (!host.idle()) host.next(CommandKind::Emit);
}

TEST(CoreMedia, OfferEventBecomesMediaCommandWithIceServers) {
  FakeHost host;
  loginTalking(host);
  host.event("media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\n"}, {"extra", "ignored"}});
  host.expectMedia("offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\n"}, {"iceServers", kIce}});
  host.event("media.answer", Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\nanswer"}});
  host.expectMedia("answer", Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\nanswer"}});
  host.event("media.candidate", Json{{"sessionId", "s-1"},
                                     {"candidate",
                                      {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"},
                                       {"sdpMid", "0"},
                                       {"sdpMLineIndex", 0},
                                       {"x", 1}}}});
  host.expectMedia(
      "candidate",
      Json{{"sessionId", "s-1"},
           {"candidate",
            {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}}}});
  // An empty candidate string is the end-of-candidates marker, and null mid/index are allowed.
  host.event("media.candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", ""}, {"sdpMid", nullptr}}}});
  host.expectMedia("candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", ""}}}});
  host.expectIdle();
  EXPECT_EQ(host.core.stats().rejectedEvents, 0u);
}

TEST(CoreMedia, MalformedOrForeignMediaEventsAreDropped) {
  FakeHost host;
  loginTalking(host);
  const Json bad[] = {
      Json{{"sdp", "v=0"}},                                          // no sessionId
      Json{{"sessionId", "s-1"}},                                    // no sdp
      Json{{"sessionId", "s-1"}, {"sdp", 5}},                        // sdp not a string
      Json{{"sessionId", "s-1"}, {"sdp", ""}},                       // empty sdp
      Json{{"sessionId", "s-1"}, {"sdp", std::string(60001, 'a')}},  // too large
      Json{{"sessionId", "s-2"}, {"sdp", "v=0"}},                    // not our session
  };
  for (const auto& data : bad) host.event("media.offer", data);
  host.event("media.candidate", Json{{"sessionId", "s-1"}, {"candidate", "a string"}});
  host.event("media.candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", 1}}}});
  host.event("media.candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", "c"}, {"sdpMLineIndex", -1}}}});
  host.event("media.candidate", Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", "c"}, {"sdpMid", 3}}}});
  host.expectIdle();
  EXPECT_EQ(host.core.stats().rejectedEvents, 10u);
}

TEST(CoreMedia, MediaEventsForAnEndedSessionAreDropped) {
  FakeHost host;
  loginTalking(host);
  host.sessionState(wireSession("s-1", "phone", "in", "ended", Json{{"endReason", "hangup"}, {"closeBy", "client"}}));
  host.expectMedia("end", Json{{"sessionId", "s-1"}});
  host.expectEmit("sessionEnded");
  host.event("media.answer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}});
  host.expectIdle();
  EXPECT_EQ(host.core.stats().rejectedEvents, 1u);
}

TEST(CoreMedia, ChatSessionsCarryNoMedia) {
  FakeHost host;
  loginTalking(host, "im");
  host.event("media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}});
  host.expectIdle();
  std::uint32_t h = host.call("Media.answer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}});
  host.expectReject(h, Errc::InvalidState);
}

TEST(CoreMedia, HostSignallingBecomesRequestsAndSettles) {
  FakeHost host;
  loginTalking(host);
  std::uint32_t h = host.call("Media.answer", Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\n"}, {"junk", true}});
  Json request = host.expectRequest("media.answer");
  EXPECT_EQ(request["data"], (Json{{"sessionId", "s-1"}, {"sdp", "v=0\r\n"}}));
  host.reply(request);
  host.expectResolve(h, Json::object());

  h = host.call("Media.candidate",
                Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", "candidate:x"}, {"sdpMLineIndex", 0}}}});
  request = host.expectRequest("media.candidate");
  EXPECT_EQ(request["data"],
            (Json{{"sessionId", "s-1"}, {"candidate", {{"candidate", "candidate:x"}, {"sdpMLineIndex", 0}}}}));
  host.replyError(request, Errc::InvalidState, "the call has ended");
  host.expectReject(h, Errc::InvalidState);

  h = host.call("Media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}});
  host.expectRequest("media.offer");
  host.expectIdle();
}

TEST(CoreMedia, HostSignallingIsValidatedLocally) {
  FakeHost host;
  loginTalking(host);
  host.expectReject(host.call("Media.answer", Json{{"sessionId", "s-1"}}), Errc::InvalidArgument);
  host.expectReject(host.call("Media.answer", Json::array()), Errc::InvalidArgument);
  host.expectReject(host.call("Media.offer", Json{{"sessionId", "s-1"}, {"sdp", std::string(60001, 'a')}}),
                    Errc::InvalidArgument);
  host.expectReject(host.call("Media.candidate", Json{{"sessionId", "s-1"}}), Errc::InvalidArgument);
  host.expectReject(host.call("Media.restartEverything", Json{{"sessionId", "s-1"}}), Errc::InvalidArgument);
  host.expectReject(host.call("Media.answer", Json{{"sessionId", "s-9"}, {"sdp", "v=0"}}), Errc::SessionNotFound);
  host.expectIdle();
}

TEST(CoreMedia, HostSignallingBeforeReadyIsRefused) {
  FakeHost host;
  host.expectReject(host.call("Media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}}), Errc::NotReady);
}

TEST(CoreMedia, IceServersFollowTheLatestLogin) {
  FakeHost host;
  loginTalking(host);
  // A connection loss and a resumed login whose snapshot has a malformed iceServers.
  host.core.onClose(1006, host.now);
  host.pump();
  while (!host.idle()) host.next(CommandKind::Emit);  // connectionLost
  host.advance(60000);
  host.pump();
  host.next(CommandKind::Emit);  // tryToReconnect
  host.next(CommandKind::Connect);
  host.core.onOpen(host.now);
  Json request = host.expectRequest("auth.login");
  Json snapshot = host.snapshot("busy", Json::array({wireSession("s-1", "phone", "in", "talking")}));
  snapshot["iceServers"] = "stun:evil";
  host.reply(request, snapshot);
  host.pump();
  while (!host.idle()) host.next(CommandKind::Emit);
  host.event("media.offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}});
  host.expectMedia("offer", Json{{"sessionId", "s-1"}, {"sdp", "v=0"}, {"iceServers", Json::array()}});
}

// Between two agents nobody else offers: the caller of an internal call is told to "start" when the
// callee answers (dialing → talking), once; the callee, other types and resumed snapshots are not.
TEST(CoreMedia, InternalCallerStartsMediaWhenTheCalleeAnswers) {
  FakeHost host;
  loginTalking(host);
  host.sessionState(wireSession("s-2", "internal", "out", "dialing", Json{{"peerUserId", "bob"}}));
  host.expectEmit("callOuted");
  host.expectIdle();
  host.sessionState(wireSession("s-2", "internal", "out", "talking", Json{{"peerUserId", "bob"}}));
  host.expectEmit("calloutAccepted");
  host.expectMedia("start", Json{{"sessionId", "s-2"}, {"iceServers", kIce}});
  host.expectIdle();
  // Hold and resume do not start anything again.
  host.sessionState(wireSession("s-2", "internal", "out", "held", Json{{"peerUserId", "bob"}}));
  host.sessionState(wireSession("s-2", "internal", "out", "talking", Json{{"peerUserId", "bob"}}));
  host.expectIdle();
  // The callee side answers the offer instead.
  host.sessionState(wireSession("s-3", "internal", "in", "ringing", Json{{"peerUserId", "carol"}}));
  host.expectEmit("callIn");
  host.sessionState(wireSession("s-3", "internal", "in", "talking", Json{{"peerUserId", "carol"}}));
  host.expectEmit("userAccessed");
  host.expectIdle();
  // An outbound phone call to a customer: the customer's leg offers.
  host.sessionState(wireSession("s-4", "phone", "out", "dialing"));
  host.expectEmit("callOuted");
  host.sessionState(wireSession("s-4", "phone", "out", "talking"));
  host.expectEmit("calloutAccepted");
  host.expectIdle();
}

TEST(CoreMedia, AnOfferWhileTheCallRingsIsMarkedAndTheAnswerTellsTheHost) {
  FakeHost host;
  loginTalking(host);
  // Answered elsewhere than through Call.accept: the session turning talking says so (prepare).
  host.sessionState(wireSession("s-2", "phone", "in", "ringing"));
  host.expectEmit("callIn");
  host.event("media.offer", Json{{"sessionId", "s-2"}, {"sdp", "v=0\r\n"}});
  host.expectMedia("offer", Json{{"sessionId", "s-2"}, {"sdp", "v=0\r\n"}, {"iceServers", kIce}, {"ringing", true}});
  host.sessionState(wireSession("s-2", "phone", "in", "talking"));
  host.expectEmit("userAccessed");
  host.expectMedia("prepare", Json{{"sessionId", "s-2"}, {"video", false}});
  host.expectIdle();
  // Through Call.accept: prepare once, at the accept, not again at talking.
  host.sessionState(wireSession("s-3", "phone", "in", "ringing"));
  host.expectEmit("callIn");
  host.event("media.offer", Json{{"sessionId", "s-3"}, {"sdp", "v=0\r\n"}});
  host.expectMedia("offer", Json{{"sessionId", "s-3"}, {"sdp", "v=0\r\n"}, {"iceServers", kIce}, {"ringing", true}});
  host.core.call("Call.accept", Json{{"sessionId", "s-3"}}, host.now);
  Json accept = host.expectRequest("session.accept");
  host.expectMedia("prepare", Json{{"sessionId", "s-3"}, {"video", false}});
  host.reply(accept, Json::object());
  host.next(CommandKind::Resolve);
  host.sessionState(wireSession("s-3", "phone", "in", "talking"));
  host.expectEmit("userAccessed");
  host.expectIdle();  // no second prepare
  // An offer on a talking call is a plain one.
  host.event("media.offer", Json{{"sessionId", "s-3"}, {"sdp", "v=1\r\n"}});
  host.expectMedia("offer", Json{{"sessionId", "s-3"}, {"sdp", "v=1\r\n"}, {"iceServers", kIce}});
  host.expectIdle();
}

}  // namespace
}  // namespace tccc::core
