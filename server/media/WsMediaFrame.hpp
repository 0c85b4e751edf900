// SPDX-License-Identifier: Apache-2.0
// The binary frames of /ws/media (docs/protocol.md, "Media over the WebSocket"): one frame per
// WebSocket message, big-endian. Parsing takes bytes straight from the network, so every length is
// checked and anything unexpected is named rather than trusted; the encoders write the server's
// frames (audio, telephone-event, pong, report).
#ifndef TCCC_SERVER_MEDIA_WSMEDIAFRAME_HPP
#define TCCC_SERVER_MEDIA_WSMEDIAFRAME_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tccc::server::media {

struct WsMediaFrame {
  enum class Type : std::uint8_t { Audio = 1, Ping = 2, Pong = 3, Report = 4, TelephoneEvent = 5 };
  static constexpr std::size_t kHeaderBytes = 7;         // type, u16 seq, u32 timestamp
  static constexpr std::size_t kMaxOpusBytes = 1275;     // RFC 6716 3.2.1: one frame's most
  static constexpr std::size_t kMaxMessageBytes = 1500;  // larger closes the socket (1009)
  static constexpr std::size_t kEventBytes = 4;          // RFC 4733 2.3
  static constexpr std::size_t kPingBytes = 5;

  /// What a client's message is. `Invalid` carries why (for the log and the tests): the frame is
  /// dropped and counted, never acted on.
  enum class Kind : std::uint8_t { Invalid, Audio, TelephoneEvent, Ping };
  Kind kind = Kind::Invalid;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t pingId = 0;
  std::string_view payload;  // Audio: the Opus packet; TelephoneEvent: the 4-byte event (views `bytes`)
  const char* invalid = "";  // why, for Invalid

  /// Reads one client message (SDK → server: audio, telephone-event, ping). Server-only types
  /// (pong, report) from a client are invalid too.
  static WsMediaFrame parse(std::string_view bytes);

  static std::string audio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* opus, std::size_t size);
  static std::string telephoneEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* event);
  static std::string pong(std::uint32_t id);
  static std::string report(std::uint8_t fractionLost, std::uint32_t cumulativeLost, std::uint32_t jitter,
                            std::uint32_t packetsReceived);
};

}  // namespace tccc::server::media

#endif
