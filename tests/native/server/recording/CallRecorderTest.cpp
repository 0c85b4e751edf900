// SPDX-License-Identifier: Apache-2.0
// The bridge's entry point end to end: two participants recorded from real Opus packets, the
// session ended, the catalogue filled (customer, agent, stereo mix) through the CDR writer's
// thread, and one recording push per participant sent exactly like the CDR push (same URL with
// action=record, same authentication, a UUID per push), to a receiver on 127.0.0.1.
#include "../PushReceiver.hpp"
#include "RecordingPipeline.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

using namespace tccc::server;
using tccc::server::test::decodeFile;
using tccc::server::test::findRecording;
using tccc::server::test::Receiver;
using tccc::server::test::RecordingPipeline;
using tccc::server::test::runUntil;
using tccc::server::test::ToneEncoder;

TEST(CallRecorderTest, SessionEndsWithCatalogueMixAndOnePushPerParticipant) {
  Receiver receiver({{200, R"({"ErrCode":0})"}});
  RecordingPipeline p(receiver.port);
  // A CDR of the same call, pushed by the same pusher: the recording pushes must look the same.
  ASSERT_TRUE(p.writer.storeCdr(7, {{"SessionId", "s1"}, {"StartTimestamp", 1700000000}}));

  auto customer = p.recorder.startParticipant(7, "s1", CallRecorder::Participant::Customer, "13800138000");
  auto agent = p.recorder.startParticipant(7, "s1", CallRecorder::Participant::Agent, "agent1@tccc.local");
  ASSERT_NE(customer, 0u);
  ASSERT_NE(agent, customer);
  ToneEncoder customerTone(440), agentTone(660);
  std::uint32_t customerRtp = 1000, agentRtp = 777777;
  p.talk(customer, customerTone, customerRtp, 50);
  p.talk(agent, agentTone, agentRtp, 50);
  p.recorder.pause("s1");
  p.recorder.resume("s1");
  EXPECT_EQ(p.recorder.health().active, 2u);
  p.recorder.endSession("s1");
  p.recorder.packet(customer, nullptr, 0, 0);  // an ended handle is ignored

  auto rows = p.settled("s1", 3);
  ASSERT_EQ(rows.size(), 3u);
  const RecordingRecord* c = findRecording(rows, "customer");
  const RecordingRecord* a = findRecording(rows, "agent");
  const RecordingRecord* mix = findRecording(rows, "mix");
  ASSERT_TRUE(c && a && mix);
  for (const auto* r : {c, a, mix}) {
    EXPECT_EQ(r->state, "complete") << r->participant << ": " << r->error;
    EXPECT_TRUE(std::filesystem::exists(r->path)) << r->path;
    EXPECT_FALSE(std::filesystem::exists(r->path + ".part"));
    EXPECT_EQ(r->path.rfind(p.dir.file("recordings/7/"), 0), 0u) << r->path;
  }
  EXPECT_EQ(c->endpointUser, "13800138000");
  EXPECT_EQ(a->endpointUser, "agent1@tccc.local");
  // Wall-clock times of a second of paced audio: a loaded 2-core machine has been seen 37 ms late.
  EXPECT_NEAR(static_cast<double>(c->endMs - c->startMs), 1000, 150);
  EXPECT_EQ(decodeFile(c->path).channels, 1);
  EXPECT_EQ(decodeFile(mix->path).channels, 2);
  EXPECT_EQ(p.recorder.health().active, 0u);
  EXPECT_EQ(p.recorder.health().completed, 3u);
  EXPECT_EQ(p.recorder.health().failed, 0u);

  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 3u);  // the CDR and one per participant: the mix is not pushed
  const Receiver::Hit* cdrHit = nullptr;
  std::vector<const Receiver::Hit*> recordHits;
  for (const auto& h : hits) {
    if (h.target.find("action=cdr") != std::string::npos)
      cdrHit = &h;
    else
      recordHits.push_back(&h);
  }
  ASSERT_TRUE(cdrHit);
  ASSERT_EQ(recordHits.size(), 2u);
  std::set<std::string> pushedIds, uuids;
  for (const auto* h : recordHits) {
    EXPECT_EQ(h->target, "/hook?key=1&action=record&version=1");
    EXPECT_EQ(h->contentType, cdrHit->contentType);
    EXPECT_EQ(h->authorization, cdrHit->authorization);
    EXPECT_EQ(h->authorization.rfind("Basic ", 0), 0u);
    EXPECT_EQ(h->uuid.size(), 36u);
    uuids.insert(h->uuid);
    Json body = Json::parse(h->body);
    EXPECT_EQ(body["SdkAppId"], 7);
    EXPECT_EQ(body["SessionId"], "s1");
    EXPECT_EQ(body["CustomRecordURL"], "");
    std::string id = body["RecordId"];
    pushedIds.insert(id);
    const RecordingRecord* r = id == c->recordId ? c : a;
    EXPECT_EQ(body["EndpointUser"], r->endpointUser);
    EXPECT_EQ(body["Timestamp"], r->startMs / 1000);
    EXPECT_TRUE(
        std::regex_match(body["RecordURL"].get<std::string>(),
                         std::regex("https://cc\\.example/records/" + id + "\\.ogg\\?expires=\\d+&sig=[0-9a-f]{64}")))
        << body["RecordURL"];
  }
  EXPECT_EQ(pushedIds, (std::set<std::string>{c->recordId, a->recordId}));
  EXPECT_EQ(uuids.size(), 2u);
  EXPECT_EQ(uuids.count(cdrHit->uuid), 0u);
}

TEST(CallRecorderTest, AFailedFileIsCataloguedFailedNotPushedAndShownInHealth) {
  Receiver receiver({{200, R"({"ErrCode":0})"}});
  RecordingPipeline p(receiver.port);
  // The agent's day directory cannot be created: a file stands where it would go.
  std::filesystem::create_directories(p.dir.file("recordings"));
  { std::ofstream(p.dir.file("recordings/7")) << "in the way"; }
  auto customer = p.recorder.startParticipant(7, "s2", CallRecorder::Participant::Customer, "13800138000");
  ToneEncoder tone(440);
  std::uint32_t rtp = 0;
  p.talk(customer, tone, rtp, 10);
  runUntil(
      p.io, [&] { return p.recorder.health().failingNow == 1; }, std::chrono::seconds(5));
  EXPECT_EQ(p.recorder.health().failingNow, 1u);
  EXPECT_NE(p.recorder.health().lastError.find("cannot create"), std::string::npos) << p.recorder.health().lastError;
  p.recorder.endSession("s2");
  auto rows = p.settled("s2", 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "failed");
  EXPECT_NE(rows[0].error.find("cannot create"), std::string::npos) << rows[0].error;
  EXPECT_EQ(p.recorder.health().failed, 1u);
  EXPECT_TRUE(receiver.hits().empty());
}

TEST(CallRecorderTest, SwitchedOffRecordsNothing) {
  Receiver receiver({{200, R"({"ErrCode":0})"}});
  RecordingPipeline p(receiver.port, false);
  EXPECT_EQ(p.recorder.startParticipant(7, "s3", CallRecorder::Participant::Customer, "x"), 0u);
  p.recorder.endSession("s3");
  runUntil(
      p.io, [] { return false; }, std::chrono::milliseconds(100));
  EXPECT_TRUE(p.store.listRecordings(7, "s3").empty());
  EXPECT_FALSE(std::filesystem::exists(p.dir.file("recordings")));
}
