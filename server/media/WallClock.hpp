// SPDX-License-Identifier: Apache-2.0
// Milliseconds since the Unix epoch, for the times media statistics report (connected, closed):
// what /sim/sessions and CDRs show, so wall-clock time, not a steady clock.
#ifndef TCCC_SERVER_MEDIA_WALLCLOCK_HPP
#define TCCC_SERVER_MEDIA_WALLCLOCK_HPP

#include <chrono>
#include <cstdint>

namespace tccc::server::media {

inline std::int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tccc::server::media

#endif
