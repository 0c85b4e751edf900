// SPDX-License-Identifier: Apache-2.0
// The default engine end to end: espeak-ng sentences, Opus-encoded in 20 ms RTP packets, through an
// AsrStream into PocketSphinx with a JSGF grammar of the test phrases (the generic language model is
// too unsure on synthetic speech for exact assertions). Also the engine's configuration errors.
#include "AsrResultChecks.hpp"
#include "AsrTestSupport.hpp"
#include "EspeakSpeech.hpp"

#include "asr/PocketSphinxEngine.hpp"
#include "asr/PocketSphinxVocabulary.hpp"

#include <gtest/gtest.h>

namespace tccc::server::asr {
namespace {

using namespace test;

constexpr const char* kGrammar = R"(#JSGF V1.0;
grammar contactcenter;
public <sentence> = <request> | <thanks>;
<request> = please transfer me to (billing | sales | support)
          | i would like to check my account balance
          | cancel my order;
<thanks> = thank you goodbye;
)";

class PocketSphinxStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!EspeakSpeech::available())
      GTEST_SKIP() << "espeak-ng or sox is not installed (scripts/setup.sh installs them)";
    speech = std::make_unique<EspeakSpeech>();
  }
  std::unique_ptr<EspeakSpeech> speech;
};

TEST_F(PocketSphinxStreamTest, RecognisesTwoSentencesAsTwoFinalsInOrder) {
  PocketSphinxOptions o;
  o.grammarFile = speech->write("test.jsgf", kGrammar);
  ResultCollector collector;
  AsrWorkers workers(std::make_shared<PocketSphinxEngine>(o), 1);
  AsrStreamOptions so;
  so.startWallMs = kStart;
  AsrStream stream(workers, collector.executor(), collector.handler(), so);

  AudioScript audio;
  audio.silence(500)
      .speak(speech->say("please transfer me to billing"))
      .silence(1000)
      .speak(speech->say("i would like to check my account balance"))
      .silence(800);
  ASSERT_EQ(audio.speech.size(), 2u);
  feedPaced(stream, encodeOpus(audio.samples), 2.0);
  ASSERT_TRUE(collector.waitForFinals(2, std::chrono::seconds(10)));
  collector.onIoThread([&] { stream.close(false); });
  // Nothing after close, whatever the stream still had.
  auto results = collector.results();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(collector.results().size(), results.size());

  expectWellFormed(results);
  auto finals = collector.finals();
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_EQ(finals[0].text, "please transfer me to billing");
  EXPECT_EQ(finals[1].text, "i would like to check my account balance");
  for (std::size_t i = 0; i < finals.size(); ++i) {
    EXPECT_EQ(finals[i].sentenceId, i + 1);
    EXPECT_NEAR(finals[i].startTimeMs, kStart + audio.speech[i].startMs, 300) << i;
    EXPECT_NEAR(finals[i].endTimeMs, kStart + audio.speech[i].endMs, 300) << i;
    int partials = 0;
    for (auto& r : results) partials += !r.isFinal && r.sentenceId == finals[i].sentenceId;
    EXPECT_GE(partials, 1) << "sentence " << i + 1 << " had no partial";
  }
  EXPECT_EQ(collector.offThread(), 0);
  auto stats = stream.stats();
  std::printf("[ figures  ] %.0f ms of audio: decode %.1f ms + recognise %.1f ms CPU, real-time factor %.3f\n",
              stats.audioMs, stats.decodeCpuMs, stats.recogniserCpuMs, stats.realTimeFactor());
  EXPECT_GT(stats.recogniserCpuMs, 0);
}

TEST_F(PocketSphinxStreamTest, KeywordListSpotsPhrases) {
  PocketSphinxOptions o;
  // Thresholds loose enough for espeak's voice (pocketsphinx_continuous finds nothing at 1e-20).
  o.keywordFile = speech->write("keywords.txt", "transfer me /1e-40/\nbilling /1e-30/\n");
  ResultCollector collector;
  AsrWorkers workers(std::make_shared<PocketSphinxEngine>(o), 1);
  AsrStream stream(workers, collector.executor(), collector.handler());
  AudioScript audio;
  audio.silence(300).speak(speech->say("could you please transfer me to billing")).silence(800);
  feedPaced(stream, encodeOpus(audio.samples), 2.0);
  ASSERT_TRUE(collector.waitForFinals(1, std::chrono::seconds(10)));
  EXPECT_NE(collector.finals()[0].text.find("billing"), std::string::npos) << collector.finals()[0].text;
}

TEST_F(PocketSphinxStreamTest, ConfigurationErrorsSayWhatIsWrong) {
  auto message = [](const PocketSphinxOptions& o) {
    try {
      PocketSphinxEngine e(o);
    } catch (const AsrError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  PocketSphinxOptions missing;
  missing.grammarFile = speech->dir() + "/nope.jsgf";
  EXPECT_NE(message(missing).find("nope.jsgf does not exist"), std::string::npos) << message(missing);
  PocketSphinxOptions unknownWord;
  unknownWord.grammarFile =
      speech->write("odd.jsgf", "#JSGF V1.0;\ngrammar odd;\npublic <s> = hello zzyzxqk | goodbye;\n");
  EXPECT_NE(message(unknownWord).find("no pronunciation for: zzyzxqk"), std::string::npos) << message(unknownWord);
  PocketSphinxOptions badModel;
  badModel.acousticModel = speech->dir();
  badModel.grammarFile = speech->write("ok.jsgf", kGrammar);
  EXPECT_NE(message(badModel).find("pocketsphinx"), std::string::npos) << message(badModel);
}

TEST_F(PocketSphinxStreamTest, TheDictionarySliceHoldsExactlyTheGrammarsWords) {
  auto words = wordsOfJsgfGrammar(speech->write("g.jsgf", kGrammar));
  EXPECT_EQ(words.size(), 19u);
  EXPECT_TRUE(words.count("billing") && words.count("goodbye") && words.count("i"));
  auto slice = dictionarySlice(std::string(PocketSphinxOptions::kModelRoot) + "/cmudict-en-us.dict", words);
  EXPECT_NE(slice.find("billing B IH L IH NG\n"), std::string::npos) << slice;
  EXPECT_EQ(slice.find("bill "), std::string::npos);
  EXPECT_EQ(wordsOfKeywordList(speech->write("k.txt", "transfer me /1e-10/\n\nbilling\n")),
            (std::set<std::string>{"transfer", "me", "billing"}));
}

}  // namespace
}  // namespace tccc::server::asr
