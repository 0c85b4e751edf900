// SPDX-License-Identifier: Apache-2.0
// One binary message on /ws/media (src/media/WsMediaFrame), read by both ends: the server reads what
// an SDK sends (parse) and the native SDK reads what a server sends (parseFromServer) — either side
// may be hostile. Whatever a reader accepts must lie inside the message, keep the documented
// limits, and come out the same after being written again with the encoders.
#include "media/WsMediaFrame.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using tccc::media::TelephoneEvent;
using tccc::media::WsMediaFrame;

namespace {

void check(const WsMediaFrame& f, std::string_view bytes) {
  using Kind = WsMediaFrame::Kind;
  if (f.kind == Kind::Invalid) {
    if (!f.invalid || !*f.invalid) std::abort();  // a refusal always says why
    return;
  }
  if (bytes.size() > WsMediaFrame::kMaxMessageBytes) std::abort();
  if (!f.payload.empty() &&
      (f.payload.data() < bytes.data() || f.payload.data() + f.payload.size() > bytes.data() + bytes.size()))
    std::abort();  // a view outside the message
  std::string again;
  switch (f.kind) {
    case Kind::Audio: {
      if (f.payload.empty() || f.payload.size() > WsMediaFrame::kMaxOpusBytes) std::abort();
      again = WsMediaFrame::audio(f.sequence, f.timestamp, reinterpret_cast<const std::uint8_t*>(f.payload.data()),
                                  f.payload.size());
      break;
    }
    case Kind::TelephoneEvent: {
      if (f.payload.size() != WsMediaFrame::kEventBytes) std::abort();
      const auto* raw = reinterpret_cast<const std::uint8_t*>(f.payload.data());
      const TelephoneEvent e = TelephoneEvent::read(raw);
      std::uint8_t written[WsMediaFrame::kEventBytes];
      e.write(written);
      // The reader keeps every bit but the reserved one (RFC 4733 2.3: ignored on receipt).
      if (written[0] != raw[0] || (written[1] & 0xBF) != (raw[1] & 0xBF) || written[2] != raw[2] ||
          written[3] != raw[3])
        std::abort();
      again = WsMediaFrame::telephoneEvent(f.sequence, f.timestamp, raw);
      break;
    }
    case Kind::Ping:
      again = WsMediaFrame::ping(f.pingId);
      break;
    case Kind::Pong:
      again = WsMediaFrame::pong(f.pingId);
      break;
    case Kind::Report:
      again = WsMediaFrame::report(f.fractionLost, f.cumulativeLost, f.jitter, f.packetsReceived);
      break;
    case Kind::Invalid:
      break;
  }
  // Written again, the frame reads back the same with the reader that accepted it.
  const bool fromServer = f.kind == Kind::Pong || f.kind == Kind::Report;
  const WsMediaFrame back = fromServer ? WsMediaFrame::parseFromServer(again) : WsMediaFrame::parse(again);
  if (back.kind != f.kind || back.sequence != f.sequence || back.timestamp != f.timestamp || back.pingId != f.pingId ||
      back.payload != f.payload || back.fractionLost != f.fractionLost || back.cumulativeLost != f.cumulativeLost ||
      back.jitter != f.jitter || back.packetsReceived != f.packetsReceived)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(WsMediaFrame::parse(bytes), bytes);
  check(WsMediaFrame::parseFromServer(bytes), bytes);
  return 0;
}
