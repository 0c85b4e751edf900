// SPDX-License-Identifier: Apache-2.0
// What a receiver says about our stream in RTCP (RFC 3550 6.4): the fraction of our packets it
// lost, from the report blocks of its sender or receiver reports. Read from a compound packet that
// came from the network (decrypted, but the peer's to shape): every length is checked, and a
// malformed part ends the reading with what was read before it.
#ifndef TCCC_RTC_RTCPREPORT_HPP
#define TCCC_RTC_RTCPREPORT_HPP

#include <cstddef>
#include <cstdint>
#include <optional>

namespace tccc::rtc {

/// The fraction lost (0..255/256) that the last report block about `ssrc` gives, if any.
std::optional<double> fractionLostOf(const std::uint8_t* data, std::size_t size, std::uint32_t ssrc);

}  // namespace tccc::rtc

#endif
