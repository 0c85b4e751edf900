// SPDX-License-Identifier: Apache-2.0
// DTMF as RFC 4733 telephone events, as js/src/media/DtmfEvents.ts sends them (so a native agent's
// digits look on the wire exactly like a browser agent's): which event code a digit is, and the
// packets one tone is sent as: one every 20 ms with the duration so far, all with the tone's
// starting timestamp, and the final one (end bit set) three times, so one lost packet does not
// leave the far end's tone playing.
#ifndef TCCC_NATIVE_MEDIA_DTMFEVENTS_HPP
#define TCCC_NATIVE_MEDIA_DTMFEVENTS_HPP

#include <cstdint>
#include <optional>
#include <vector>

namespace tccc::native {

/// RFC 4733 3.2: 0-9 → 0-9, * → 10, # → 11, A-D (either case) → 12-15; anything else is not a digit.
inline std::optional<std::uint8_t> dtmfCode(char digit) {
  if (digit >= '0' && digit <= '9') return static_cast<std::uint8_t>(digit - '0');
  if (digit == '*') return 10;
  if (digit == '#') return 11;
  if (digit >= 'A' && digit <= 'D') return static_cast<std::uint8_t>(12 + digit - 'A');
  if (digit >= 'a' && digit <= 'd') return static_cast<std::uint8_t>(12 + digit - 'a');
  return std::nullopt;
}

/// One packet of a tone: its duration so far in 48 kHz samples, and whether it is an end packet.
struct ToneStep {
  std::uint16_t duration;
  bool end;
};

/// The packets of one `toneMs` tone at 20 ms intervals (the 3 end packets go out together).
inline std::vector<ToneStep> toneSteps(int toneMs) {
  const int frames = toneMs < 10 ? 1 : (toneMs + 10) / 20;  // max(1, round(toneMs / 20))
  std::vector<ToneStep> steps;
  for (int i = 1; i < frames; ++i) steps.push_back({static_cast<std::uint16_t>(i * 960), false});
  for (int i = 0; i < 3; ++i) steps.push_back({static_cast<std::uint16_t>(frames * 960), true});
  return steps;
}

}  // namespace tccc::native

#endif
