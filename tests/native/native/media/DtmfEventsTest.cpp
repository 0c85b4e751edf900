// SPDX-License-Identifier: Apache-2.0
// DTMF codes and tone packets as js/src/media/DtmfEvents.ts makes them.
#include "media/DtmfEvents.hpp"

#include <gtest/gtest.h>

namespace tccc::native {
namespace {

TEST(DtmfEvents, CodesOfRfc4733) {
  const std::string digits = "0123456789*#ABCDabcd";
  const int codes[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15};
  for (std::size_t i = 0; i < digits.size(); ++i) EXPECT_EQ(dtmfCode(digits[i]), codes[i]) << digits[i];
  for (char c : std::string("EeFx +-,p\0", 10)) EXPECT_FALSE(dtmfCode(c)) << int(c);
}

TEST(DtmfEvents, A100msToneIsFourPacketsAndThreeEnds) {
  const auto steps = toneSteps(100);
  ASSERT_EQ(steps.size(), 7u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(steps[i].duration, (i + 1) * 960);
    EXPECT_FALSE(steps[i].end);
  }
  for (int i = 4; i < 7; ++i) {
    EXPECT_EQ(steps[i].duration, 4800);
    EXPECT_TRUE(steps[i].end);
  }
  EXPECT_EQ(toneSteps(5).size(), 3u);   // at least one frame: just the end packets
  EXPECT_EQ(toneSteps(50).size(), 5u);  // round(2.5) = 3 frames, as Math.round
}

}  // namespace
}  // namespace tccc::native
