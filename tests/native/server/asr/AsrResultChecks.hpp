// SPDX-License-Identifier: Apache-2.0
// The shape every stream's results must have, whatever the audio and the engine.
#ifndef TCCC_TESTS_SERVER_ASR_ASRRESULTCHECKS_HPP
#define TCCC_TESTS_SERVER_ASR_ASRRESULTCHECKS_HPP

#include "asr/AsrStream.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tccc::server::asr::test {

/// Every result is well formed: per sentence, partials then exactly one final; ids 1, 2, … in order.
inline void expectWellFormed(const std::vector<AsrResult>& results) {
  std::uint32_t current = 0;
  bool closed = true;
  for (const auto& r : results) {
    if (r.sentenceId != current) {
      EXPECT_TRUE(closed) << "sentence " << current << " has no final before " << r.sentenceId;
      EXPECT_EQ(r.sentenceId, current + 1) << "sentence ids must count 1, 2, 3";
      current = r.sentenceId;
      closed = false;
    }
    EXPECT_FALSE(closed) << "a result after the final of sentence " << current << ": " << r.text;
    if (r.isFinal) closed = true;
    EXPECT_LE(r.startTimeMs, r.endTimeMs);
  }
}

}  // namespace tccc::server::asr::test

#endif
