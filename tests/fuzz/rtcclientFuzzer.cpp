// SPDX-License-Identifier: Apache-2.0
// A datagram reaching the native SDK's UDP audio (native/media/RtcAudioTransport) that is not
// media: as an answer to its ICE checks (src/rtc/IceClient, which must never count what it did
// not ask for and authenticate) and as RTCP from which it reads the server's loss report
// (src/rtc/RtcpReport).
#include "rtc/IceClient.hpp"
#include "rtc/RtcpReport.hpp"
#include "rtc/StunMessage.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using tccc::rtc::IceClient;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (auto lost = tccc::rtc::fractionLostOf(data, size, 0x11223344); lost && (*lost < 0 || *lost >= 1)) std::abort();
  IceClient ice({"locl", "local-password-0123456789", "srvr", "server-password-0123456789"}, 42);
  (void)ice.poll(0);
  const bool counted = ice.onResponse(data, size, 1);
  // Only a success keyed with the server's password can count, and then the pair is connected.
  if (counted) {
    const auto msg = tccc::rtc::StunMessage::decode(data, size);
    if (!msg || msg->type != tccc::rtc::StunMessage::kBindingSuccess ||
        !msg->checkIntegrity(data, size, "server-password-0123456789") || ice.state() != IceClient::State::Connected)
      std::abort();
  } else if (ice.state() != IceClient::State::Checking) {
    std::abort();
  }
  (void)ice.poll(2000);
  return 0;
}
