// SPDX-License-Identifier: Apache-2.0
// AsrStream's promises with a scripted recogniser (tones in, the voiced length out): one final per
// utterance in order, results on the owner's executor, nothing for noise, nothing after close(),
// the final of close(true) inside the call, and a media thread that never waits on a stuck worker.
#include "AsrResultChecks.hpp"
#include "AsrTestSupport.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>

namespace tccc::server::asr {
namespace {

using namespace test;

// "voiced <ms>": how much of the utterance was louder than a quiet voice, rounded to 100 ms.
// Like a real engine, nothing ("") for less than 150 ms. Can be held inside process() to play
// a recogniser that has fallen far behind.
struct Script {
  bool emptyFinals = false;
  std::mutex mutex;
  std::condition_variable released;
  bool held = false;
  std::atomic<int> recognisers{0}, blockedCalls{0};
};

class ScriptedRecogniser : public Recogniser {
 public:
  explicit ScriptedRecogniser(Script& s) : mScript(s) {}
  void startUtterance() override { mVoiced = mCarry = 0; }
  void process(const std::int16_t* samples, std::size_t count) override {
    {
      std::unique_lock<std::mutex> lock(mScript.mutex);
      if (mScript.held) ++mScript.blockedCalls;
      mScript.released.wait(lock, [&] { return !mScript.held; });
    }
    for (std::size_t i = 0; i < count; ++i) {
      mSum += double(samples[i]) * samples[i];
      if (++mCarry == 160) {
        if (mSum / 160 > 1000.0 * 1000.0) ++mVoiced;
        mSum = 0;
        mCarry = 0;
      }
    }
  }
  std::string partial() override { return text(); }
  std::string endUtterance() override { return mScript.emptyFinals ? "" : text(); }

 private:
  std::string text() const {
    int ms = mVoiced * 10;
    return ms < 150 ? "" : "voiced " + std::to_string((ms + 50) / 100 * 100);
  }
  Script& mScript;
  int mVoiced = 0, mCarry = 0;
  double mSum = 0;
};

class ScriptedEngine : public AsrEngine {
 public:
  explicit ScriptedEngine(Script& s) : mScript(s) {}
  std::string name() const override { return "scripted"; }
  std::unique_ptr<Recogniser> makeRecogniser() override {
    ++mScript.recognisers;
    return std::make_unique<ScriptedRecogniser>(mScript);
  }

 private:
  Script& mScript;
};

class AsrStreamTest : public ::testing::Test {
 protected:
  AsrStreamOptions options() {
    AsrStreamOptions o;
    o.startWallMs = kStart;
    return o;
  }
  void waitProcessed(AsrStream& stream, double audioMs) {
    for (int i = 0; i < 500 && stream.stats().audioMs < audioMs; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Script script;
  ResultCollector collector;  // outlives the workers, like the server's io_context
  AsrWorkers workers{std::make_shared<ScriptedEngine>(script), 2};
};

TEST_F(AsrStreamTest, OneFinalPerUtteranceInOrderWithPartialsAndTimes) {
  AudioScript audio;
  audio.silence(300).tone(600).silence(700).tone(1000).silence(700);
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  feedPaced(stream, encodeOpus(audio.samples), 4.0);
  ASSERT_TRUE(collector.waitForFinals(2, std::chrono::seconds(5)));
  auto results = collector.results();
  expectWellFormed(results);
  auto finals = collector.finals();
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_EQ(finals[0].text, "voiced 600");
  EXPECT_EQ(finals[1].text, "voiced 1000");
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(finals[i].sentenceId, i + 1);
    EXPECT_NEAR(finals[i].startTimeMs, kStart + audio.speech[i].startMs, 40);
    EXPECT_NEAR(finals[i].endTimeMs, kStart + audio.speech[i].endMs, 40);
  }
  // Partials come before each final, carry its id, and at most one per 250 ms of speech.
  for (std::uint32_t id : {1u, 2u}) {
    int partials = 0;
    for (auto& r : results) partials += !r.isFinal && r.sentenceId == id;
    EXPECT_GE(partials, 1) << "sentence " << id;
    EXPECT_LE(partials, id == 1 ? 3 : 5) << "sentence " << id;
  }
  EXPECT_EQ(collector.offThread(), 0) << "results must run on the owner's executor";
  auto stats = stream.stats();
  EXPECT_EQ(stats.packetsIn, encodeOpus(audio.samples).size());
  EXPECT_EQ(stats.utterances, 2u);
  EXPECT_EQ(stats.finals, 2u);
  EXPECT_EQ(stats.packetsDropped, 0u);
  EXPECT_NEAR(stats.audioMs, 3300, 20);
  EXPECT_GT(stats.decodeCpuMs, 0);
  EXPECT_EQ(script.recognisers.load(), 1);
}

TEST_F(AsrStreamTest, NoiseProducesNothingAndDoesNotUseASentenceId) {
  AudioScript audio;
  audio.silence(300).tone(100).silence(700).tone(500).silence(600);
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  feedPaced(stream, encodeOpus(audio.samples), 4.0);
  ASSERT_TRUE(collector.waitForFinals(1, std::chrono::seconds(5)));
  waitProcessed(stream, 2200);
  auto results = collector.results();
  expectWellFormed(results);
  ASSERT_EQ(collector.finals().size(), 1u);
  EXPECT_EQ(collector.finals()[0].text, "voiced 500");
  EXPECT_EQ(collector.finals()[0].sentenceId, 1u) << "the noise did not take id 1";
  EXPECT_EQ(stream.stats().utterances, 2u);
}

TEST_F(AsrStreamTest, ASentenceWhosePartialWasShownIsClosedEvenWhenItsFinalIsEmpty) {
  script.emptyFinals = true;
  AudioScript audio;
  audio.silence(200).tone(800).silence(600);
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  feedPaced(stream, encodeOpus(audio.samples), 4.0);
  ASSERT_TRUE(collector.waitForFinals(1, std::chrono::seconds(5)));
  auto results = collector.results();
  expectWellFormed(results);
  ASSERT_GE(results.size(), 2u);
  EXPECT_FALSE(results.front().isFinal);
  EXPECT_TRUE(results.back().isFinal);
  EXPECT_EQ(results.back().text, "");
}

TEST_F(AsrStreamTest, CloseWithFlushDeliversTheUnfinishedUtteranceInsideTheCall) {
  AudioScript audio;
  audio.silence(200).tone(800);  // the caller hangs up mid-sentence
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  auto packets = encodeOpus(audio.samples);
  feedPaced(stream, packets, 4.0);
  waitProcessed(stream, 1000);
  std::size_t finalsWhenCloseReturned = 99;
  collector.onIoThread([&] {
    stream.close(true);
    finalsWhenCloseReturned = collector.finals().size();
  });
  EXPECT_EQ(finalsWhenCloseReturned, 1u);
  EXPECT_EQ(collector.finals()[0].text, "voiced 800");
  EXPECT_NEAR(collector.finals()[0].endTimeMs, kStart + 1000, 40);
  // Afterwards: fed audio is ignored and nothing more arrives.
  auto count = collector.results().size();
  feedPaced(stream, encodeOpus(AudioScript().tone(600).silence(600).samples, 100000), 8.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(collector.results().size(), count);
  expectWellFormed(collector.results());
}

TEST_F(AsrStreamTest, CloseWithoutFlushDropsTheUtteranceAndNothingComesAfter) {
  AudioScript audio;
  audio.silence(200).tone(800);
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  feedPaced(stream, encodeOpus(audio.samples), 4.0);
  waitProcessed(stream, 1000);
  collector.onIoThread([&] { stream.close(false); });
  auto count = collector.results().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(collector.results().size(), count);
  EXPECT_TRUE(collector.finals().empty());
  EXPECT_EQ(stream.stats().finalsAbandoned, 1u);
}

TEST_F(AsrStreamTest, TheHandlerMayCloseTheStream) {
  std::unique_ptr<AsrStream> stream;
  std::atomic<int> calls{0};
  stream = std::make_unique<AsrStream>(
      workers, collector.executor(),
      [&](const AsrResult&) {
        ++calls;
        stream->close(false);
      },
      options());
  AudioScript audio;
  audio.silence(200).tone(1500).silence(500).tone(800).silence(500);
  feedPaced(*stream, encodeOpus(audio.samples), 4.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(calls.load(), 1);
  collector.onIoThread([&] { stream.reset(); });
}

TEST_F(AsrStreamTest, LostPacketsAreConcealedAndAPauseInTheRtpClockEndsTheUtterance) {
  AudioScript first, second;
  first.silence(200).tone(700);
  second.tone(600).silence(600);
  auto packets = encodeOpus(first.samples, 5000);
  // No packets for 2 s (the sender stopped: hold, DTX), then the second sentence.
  auto later = encodeOpus(second.samples, 5000 + static_cast<std::uint32_t>(first.samples.size()) + 2 * kRate48);
  packets.insert(packets.end(), later.begin(), later.end());
  std::vector<OpusPacket> lossy;
  for (std::size_t i = 0; i < packets.size(); ++i)
    if (i % 10 != 5) lossy.push_back(packets[i]);  // 10% loss
  AsrStream stream(workers, collector.executor(), collector.handler(), options());
  feedPaced(stream, lossy, 4.0);
  ASSERT_TRUE(collector.waitForFinals(2, std::chrono::seconds(5)));
  auto finals = collector.finals();
  expectWellFormed(collector.results());
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_NEAR(finals[0].startTimeMs, kStart + 200, 40);
  EXPECT_NEAR(finals[1].startTimeMs, kStart + 900 + 2000, 40) << "times follow the RTP clock across the pause";
  EXPECT_GE(stream.stats().packetsLost, packets.size() / 10 - 1);
}

TEST_F(AsrStreamTest, AStuckRecogniserNeverStallsTheMediaThread) {
  AudioScript audio;
  audio.silence(200).tone(600).silence(600).tone(800).silence(600).tone(1000).silence(800);
  auto packets = encodeOpus(audio.samples);
  AsrStreamOptions small = options();
  small.queuePackets = 50;
  AsrStream stream(workers, collector.executor(), collector.handler(), small);
  {
    std::lock_guard<std::mutex> lock(script.mutex);
    script.held = true;  // the recogniser's first call will not return until released
  }
  // The first packets reach the worker, which gets stuck inside the recogniser...
  feedPaced(stream, std::vector<OpusPacket>(packets.begin(), packets.begin() + 30), 4.0);
  for (int i = 0; i < 200 && script.blockedCalls.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(script.blockedCalls.load(), 0);
  // ...while the media thread keeps pushing, as fast as it can: it must get through all of it.
  double slowestUs = 0;
  for (std::size_t i = 30; i < packets.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    stream.feedOpus(packets[i].bytes.data(), packets[i].bytes.size(), packets[i].rtpTimestamp);
    slowestUs =
        std::max(slowestUs, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("[ figures  ] slowest feedOpus while the recogniser was stuck: %.1f us\n", slowestUs);
  EXPECT_GE(stream.stats().packetsDropped, packets.size() - 30 - small.queuePackets);
  {
    std::lock_guard<std::mutex> lock(script.mutex);
    script.held = false;
  }
  script.released.notify_all();
  waitProcessed(stream, 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto results = collector.results();
  expectWellFormed(results);
  EXPECT_GE(collector.finals().size(), 1u);
  EXPECT_GT(stream.stats().partialsSkipped, 0u) << "catching up skips partials";
}

TEST_F(AsrStreamTest, StreamsShareTheWorkersAndKeepTheirOwnSentenceIds) {
  ResultCollector other;
  AsrStream a(workers, collector.executor(), collector.handler(), options());
  AsrStream b(workers, other.executor(), other.handler(), options());
  AudioScript audio;
  audio.silence(200).tone(500).silence(500).tone(500).silence(500);
  auto packets = encodeOpus(audio.samples);
  std::thread t([&] { feedPaced(b, packets, 4.0); });
  feedPaced(a, packets, 4.0);
  t.join();
  ASSERT_TRUE(collector.waitForFinals(2, std::chrono::seconds(5)));
  ASSERT_TRUE(other.waitForFinals(2, std::chrono::seconds(5)));
  for (auto* c : {&collector, &other}) {
    expectWellFormed(c->results());
    EXPECT_EQ(c->finals()[1].sentenceId, 2u);
  }
  EXPECT_EQ(script.recognisers.load(), 2);
}

}  // namespace
}  // namespace tccc::server::asr
