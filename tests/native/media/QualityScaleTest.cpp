// SPDX-License-Identifier: Apache-2.0
// The native quality scale against the rows of tests/js/media/quality.test.js ("%j -> %i"): the
// same figures must give the same grade in C++ and TypeScript. Change a row here only together
// with the Jest table and js/src/media/QualityScale.ts.
#include "media/QualityScale.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tccc::media {
namespace {

using Q = Quality;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const std::optional<double> none;

struct Row {
  std::optional<double> loss, jitter, rtt;
  bool stalled;
  Q expected;
};

class QualityTable : public ::testing::TestWithParam<Row> {};

TEST_P(QualityTable, GradesAsTheBrowserDoes) {
  const Row& r = GetParam();
  EXPECT_EQ(qualityOf({r.loss, r.jitter, r.rtt, r.stalled}), r.expected);
}

INSTANTIATE_TEST_SUITE_P(JestRows, QualityTable,
                         ::testing::Values(Row{none, none, none, false, Q::Unknown},  //
                                           Row{0, 5, 20, false, Q::Excellent},        //
                                           Row{0.99, 19, 149, false, Q::Excellent},   //
                                           Row{1, 5, 20, false, Q::Good},             //
                                           Row{2, 5, 20, false, Q::Good},             //
                                           Row{0, 20, 20, false, Q::Good},            //
                                           Row{0, 5, 150, false, Q::Good},            //
                                           Row{5, 5, 20, false, Q::Poor},             //
                                           Row{0, 50, 20, false, Q::Poor},            //
                                           Row{0, 5, 400, false, Q::Poor},            //
                                           Row{10, 5, 20, false, Q::Bad},             //
                                           Row{0, 5, 600, false, Q::Bad},             //
                                           Row{20, 5, 20, false, Q::Vbad},            //
                                           Row{0, 200, none, false, Q::Vbad},         //
                                           Row{none, none, 1000, false, Q::Vbad},     //
                                           Row{30, none, none, false, Q::Down},       //
                                           Row{40, none, none, false, Q::Down},       //
                                           Row{none, 300, none, false, Q::Down},      //
                                           Row{none, none, 2000, false, Q::Down},     //
                                           Row{0, none, none, true, Q::Down},         // stalled
                                           Row{5, 100, 200, false, Q::Bad},           // the worst figure wins
                                           Row{-1, kNaN, kInf, false, Q::Unknown}));  // nonsense is not a measurement

}  // namespace
}  // namespace tccc::media
