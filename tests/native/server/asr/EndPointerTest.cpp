// SPDX-License-Identifier: Apache-2.0
// The end-pointer on synthetic energy patterns: where utterances start and end, and what never
// counts as one.
#include "asr/EndPointer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tccc::server::asr {
namespace {

double fromDb(double db) { return std::pow(10.0, db / 10); }

// A pattern of (level in dBFS, frames) pieces; returns the events as "S@frame" / "E@frame".
std::string run(const std::vector<std::pair<double, int>>& pattern, EndPointerOptions options = {}) {
  EndPointer ep(options);
  std::string events;
  int frame = 0;
  for (auto [db, frames] : pattern) {
    for (int i = 0; i < frames; ++i, ++frame) {
      auto e = ep.onFrame(fromDb(db));
      if (e == EndPointer::Event::SpeechStarted) events += "S@" + std::to_string(frame) + " ";
      if (e == EndPointer::Event::SpeechEnded)
        events += "E@" + std::to_string(frame) + "-" + std::to_string(ep.framesSinceSpeech()) + " ";
    }
  }
  return events;
}

TEST(EndPointer, FindsUtterancesInEnergyPatterns) {
  struct Case {
    const char* what;
    std::vector<std::pair<double, int>> pattern;
    std::string expected;
  };
  const Case cases[] = {
      {"silence", {{-100, 300}}, ""},
      {"one word: starts on its third loud frame, ends 300 ms after it",
       {{-100, 50}, {-20, 40}, {-100, 50}},
       "S@52 E@119-30 "},
      {"a click is not speech", {{-100, 50}, {-10, 2}, {-100, 50}}, ""},
      {"a 200 ms pause inside an utterance does not end it",
       {{-100, 20}, {-20, 40}, {-100, 20}, {-20, 40}, {-100, 40}},
       "S@22 E@149-30 "},
      {"two utterances 500 ms apart",
       {{-100, 20}, {-20, 40}, {-100, 50}, {-20, 40}, {-100, 40}},
       "S@22 E@89-30 S@112 E@179-30 "},
      {"quieter than -50 dBFS is never speech", {{-100, 20}, {-55, 100}, {-100, 20}}, ""},
      {"a soft tail within the hysteresis keeps the utterance",
       {{-100, 20}, {-20, 30}, {-45, 20}, {-100, 40}},
       "S@22 E@99-30 "},
  };
  for (const auto& c : cases) EXPECT_EQ(run(c.pattern), c.expected) << c.what;
}

TEST(EndPointer, ANoisyLineRaisesTheThreshold) {
  // A steady -35 dBFS line: taken for speech until its level has been the quietest for 1.5 s (a
  // call may open with speech, so the floor starts low), then only the -15 dBFS speech is.
  EXPECT_EQ(run({{-35, 200}, {-15, 40}, {-35, 60}}), "S@2 E@179-30 S@202 E@269-30 ");
  // A call that opens with noise: it is taken as speech only until the floor has learnt it.
  EXPECT_EQ(run({{-35, 600}}, {}).substr(0, 4), "S@2 ");
  EXPECT_EQ(run({{-35, 600}}, {}).find("S@", 4), std::string::npos) << "never starts again";
}

TEST(EndPointer, HangoverAndMaximumLengthAreOptions) {
  EndPointerOptions fast;
  fast.hangoverMs = 100;
  EXPECT_EQ(run({{-100, 10}, {-20, 20}, {-100, 30}}, fast), "S@12 E@39-10 ");
  EndPointerOptions capped;
  capped.maxUtteranceMs = 500;
  // Cut every 500 ms, and a new utterance begins as soon as speech goes on.
  EXPECT_EQ(run({{-100, 10}, {-20, 120}}, capped), "S@12 E@59-0 S@62 E@109-0 S@112 ");
}

TEST(EndPointer, MeanSquareOfFullScaleIsOne) {
  std::vector<std::int16_t> full(160, -32768);
  EXPECT_DOUBLE_EQ(EndPointer::meanSquare(full.data(), full.size()), 1.0);
  EXPECT_EQ(EndPointer::meanSquare(nullptr, 0), 0.0);
}

}  // namespace
}  // namespace tccc::server::asr
