// SPDX-License-Identifier: Apache-2.0
// A datagram on a media leg's port that looks like STUN (src/rtc/StunMessage): the
// demultiplexer's check, decode (lengths, attributes, FINGERPRINT), the attribute readers and
// MESSAGE-INTEGRITY, as MediaLeg runs them on every connectivity check. Whatever decodes must
// also survive being answered (bindingSuccess / bindingError with its transaction id).
#include "rtc/RtpHeader.hpp"
#include "rtc/StunMessage.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using tccc::rtc::StunAddress;
using tccc::rtc::StunMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)tccc::rtc::classifyPacket(data, size);
  const bool looks = StunMessage::looksLikeStun(data, size);
  std::string why;
  auto message = StunMessage::decode(data, size, &why);
  if (!message) return 0;
  if (!looks) std::abort();  // decode accepts only what the demultiplexer would hand it
  for (const auto& attribute : message->attributes)
    if (attribute.offset + 4 + attribute.value.size() > size) std::abort();
  (void)message->username();
  (void)message->xorMappedAddress();
  (void)message->has(StunMessage::kAttrUseCandidate);
  (void)message->checkIntegrity(data, size, "VOkJxbRl1RmTxUk/WvJxBt");
  StunAddress mapped;
  mapped.ip = {127, 0, 0, 1};
  mapped.port = 40000;
  auto reply = StunMessage::bindingSuccess(message->transactionId, mapped, "VOkJxbRl1RmTxUk/WvJxBt");
  auto answer = StunMessage::decode(reply.data(), reply.size());
  if (!answer || !answer->checkIntegrity(reply.data(), reply.size(), "VOkJxbRl1RmTxUk/WvJxBt")) std::abort();
  (void)StunMessage::bindingError(message->transactionId, 400, "Bad Request");
  return 0;
}
