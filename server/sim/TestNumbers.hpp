// SPDX-License-Identifier: Apache-2.0
// Outbound numbers with fixed, documented behaviour (server/sim/README.md), so that SDK users and
// our own tests can exercise every outcome of an outbound call without a phone network.
#ifndef TCCC_SERVER_SIM_TESTNUMBERS_HPP
#define TCCC_SERVER_SIM_TESTNUMBERS_HPP

#include <string_view>

namespace tccc::server::sim {

enum class TestNumberBehaviour {
  Answer,            // answers after delayMs and stays on the line until someone hangs up
  AnswerThenHangUp,  // answers after delayMs, then hangs up by itself after hangUpAfterMs
  Busy,              // the line is busy: the call fails after delayMs (EndStatusString busy)
  NoAnswer,          // rings until the outbound no-answer timeout (notAnswer)
  Reject,            // the callee rejects after delayMs (userReject)
};

struct TestNumber {
  std::string_view number;
  TestNumberBehaviour behaviour;
  int delayMs;
  int hangUpAfterMs;
  std::string_view description;
};

inline constexpr TestNumber kTestNumbers[] = {
    {"10000000001", TestNumberBehaviour::Answer, 1000, 0, "answers after 1 s and stays connected"},
    {"10000000002", TestNumberBehaviour::Busy, 1000, 0, "busy after 1 s (EndStatusString busy)"},
    {"10000000003", TestNumberBehaviour::NoAnswer, 0, 0, "rings, never answers: notAnswer after 30 s"},
    {"10000000004", TestNumberBehaviour::Reject, 2000, 0, "rejects after 2 s (userReject)"},
    {"10000000005", TestNumberBehaviour::AnswerThenHangUp, 1000, 5000,
     "answers after 1 s, hangs up by itself 5 s later (HungUpSide user)"},
};

inline const TestNumber* findTestNumber(std::string_view number) {
  for (const auto& n : kTestNumbers)
    if (n.number == number) return &n;
  return nullptr;
}

}  // namespace tccc::server::sim

#endif
