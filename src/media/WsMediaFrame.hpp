// SPDX-License-Identifier: Apache-2.0
// The binary frames of /ws/media (docs/protocol.md, "Media over the WebSocket"): one frame per
// WebSocket message, big-endian. One codec for both ends, the server (server/media/WebSocketLeg) and
// the native SDK (native/media/CallAudio), so the two cannot drift apart; the browser's copy is
// js/src/media/WsMediaFrame.ts. Parsing takes bytes straight from the network, so every length is
// checked and anything unexpected is named rather than trusted.
#ifndef TCCC_MEDIA_WSMEDIAFRAME_HPP
#define TCCC_MEDIA_WSMEDIAFRAME_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tccc::media {

struct WsMediaFrame {
  enum class Type : std::uint8_t { Audio = 1, Ping = 2, Pong = 3, Report = 4, TelephoneEvent = 5 };
  static constexpr std::size_t kHeaderBytes = 7;         // type, u16 seq, u32 timestamp
  static constexpr std::size_t kMaxOpusBytes = 1275;     // RFC 6716 3.2.1: one frame's most
  static constexpr std::size_t kMaxMessageBytes = 1500;  // larger closes the socket (1009)
  static constexpr std::size_t kEventBytes = 4;          // RFC 4733 2.3
  static constexpr std::size_t kPingBytes = 5;           // ping and pong alike
  static constexpr std::size_t kReportBytes = 14;

  /// What a message is. `Invalid` carries why (for the log and the tests): the frame is dropped and
  /// counted, never acted on.
  enum class Kind : std::uint8_t { Invalid, Audio, TelephoneEvent, Ping, Pong, Report };
  Kind kind = Kind::Invalid;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t pingId = 0;  // Ping and Pong: the id the pong echoes
  std::string_view payload;  // Audio: the Opus packet; TelephoneEvent: the 4-byte event (views `bytes`)
  // Report: what the server received from this socket (RFC 3550 meanings; jitter in 48 kHz units).
  std::uint8_t fractionLost = 0;
  std::uint32_t cumulativeLost = 0;
  std::uint32_t jitter = 0;
  std::uint32_t packetsReceived = 0;
  const char* invalid = "";  // why, for Invalid

  /// Reads one client message (SDK → server: audio, telephone-event, ping). Server-only types
  /// (pong, report) from a client are invalid too.
  static WsMediaFrame parse(std::string_view bytes);
  /// Reads one server message (server → SDK: audio, telephone-event, pong, report). A ping, which
  /// only a client sends, is invalid here.
  static WsMediaFrame parseFromServer(std::string_view bytes);

  // Both directions.
  static std::string audio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* opus, std::size_t size);
  static std::string telephoneEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* event);
  // SDK → server.
  static std::string ping(std::uint32_t id);
  // Server → SDK.
  static std::string pong(std::uint32_t id);
  static std::string report(std::uint8_t fractionLost, std::uint32_t cumulativeLost, std::uint32_t jitter,
                            std::uint32_t packetsReceived);
};

/// An RFC 4733 telephone-event payload (2.3): `event` 0-15, the end bit, `volume` 0-63 (-dBm0) and
/// the duration so far in timestamp units.
struct TelephoneEvent {
  std::uint8_t event = 0;
  bool end = false;
  std::uint8_t volume = 0;
  std::uint16_t duration = 0;

  void write(std::uint8_t out[WsMediaFrame::kEventBytes]) const;
  static TelephoneEvent read(const std::uint8_t in[WsMediaFrame::kEventBytes]);
};

}  // namespace tccc::media

#endif
