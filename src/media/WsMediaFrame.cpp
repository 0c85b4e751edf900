// SPDX-License-Identifier: Apache-2.0
#include "media/WsMediaFrame.hpp"

namespace tccc::media {

namespace {

std::uint16_t read16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[at]) << 8) | static_cast<std::uint8_t>(b[at + 1]));
}

std::uint32_t read32(std::string_view b, std::size_t at) {
  return (std::uint32_t(static_cast<std::uint8_t>(b[at])) << 24) |
         (std::uint32_t(static_cast<std::uint8_t>(b[at + 1])) << 16) |
         (std::uint32_t(static_cast<std::uint8_t>(b[at + 2])) << 8) |
         std::uint32_t(static_cast<std::uint8_t>(b[at + 3]));
}

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

void put32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

WsMediaFrame refused(const char* why) {
  WsMediaFrame f;
  f.invalid = why;
  return f;
}

std::string header(WsMediaFrame::Type type, std::uint16_t sequence, std::uint32_t timestamp, std::size_t payload) {
  std::string out;
  out.reserve(WsMediaFrame::kHeaderBytes + payload);
  out.push_back(static_cast<char>(type));
  put16(out, sequence);
  put32(out, timestamp);
  return out;
}

std::string idFrame(WsMediaFrame::Type type, std::uint32_t id) {
  std::string out(1, static_cast<char>(type));
  put32(out, id);
  return out;
}

// Audio and telephone-event frames read the same in both directions.
WsMediaFrame parseMedia(std::string_view b, bool audio) {
  if (b.size() < WsMediaFrame::kHeaderBytes) return refused("frame shorter than its header");
  const std::size_t payload = b.size() - WsMediaFrame::kHeaderBytes;
  if (audio && payload == 0) return refused("audio frame without an Opus packet");
  if (audio && payload > WsMediaFrame::kMaxOpusBytes) return refused("Opus packet over 1,275 bytes");
  if (!audio && payload != WsMediaFrame::kEventBytes) return refused("telephone-event payload is not 4 bytes");
  WsMediaFrame f;
  f.kind = audio ? WsMediaFrame::Kind::Audio : WsMediaFrame::Kind::TelephoneEvent;
  f.sequence = read16(b, 1);
  f.timestamp = read32(b, 3);
  f.payload = b.substr(WsMediaFrame::kHeaderBytes);
  return f;
}

/// A ping (client) or pong (server): the type byte and the id it carries.
WsMediaFrame parseProbe(std::string_view b, WsMediaFrame::Kind kind, const char* wrongSize) {
  if (b.size() != WsMediaFrame::kPingBytes) return refused(wrongSize);
  WsMediaFrame f;
  f.kind = kind;
  f.pingId = read32(b, 1);
  return f;
}

}  // namespace

WsMediaFrame WsMediaFrame::parse(std::string_view b) {
  if (b.empty()) return refused("empty message");
  if (b.size() > kMaxMessageBytes) return refused("message over 1,500 bytes");
  switch (static_cast<Type>(static_cast<std::uint8_t>(b[0]))) {
    case Type::Audio:
      return parseMedia(b, true);
    case Type::TelephoneEvent:
      return parseMedia(b, false);
    case Type::Ping:
      return parseProbe(b, Kind::Ping, "ping is not 5 bytes");
    case Type::Pong:
    case Type::Report:
      return refused("a server-to-client frame type");
  }
  return refused("unknown frame type");
}

WsMediaFrame WsMediaFrame::parseFromServer(std::string_view b) {
  if (b.empty()) return refused("empty message");
  if (b.size() > kMaxMessageBytes) return refused("message over 1,500 bytes");
  switch (static_cast<Type>(static_cast<std::uint8_t>(b[0]))) {
    case Type::Audio:
      return parseMedia(b, true);
    case Type::TelephoneEvent:
      return parseMedia(b, false);
    case Type::Pong:
      return parseProbe(b, Kind::Pong, "pong is not 5 bytes");
    case Type::Report: {
      if (b.size() != kReportBytes) return refused("report is not 14 bytes");
      WsMediaFrame f;
      f.kind = Kind::Report;
      f.fractionLost = static_cast<std::uint8_t>(b[1]);
      f.cumulativeLost = read32(b, 2);
      f.jitter = read32(b, 6);
      f.packetsReceived = read32(b, 10);
      return f;
    }
    case Type::Ping:
      return refused("a client-to-server frame type");
  }
  return refused("unknown frame type");
}

std::string WsMediaFrame::audio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* opus,
                                std::size_t size) {
  std::string out = header(Type::Audio, sequence, timestamp, size);
  out.append(reinterpret_cast<const char*>(opus), size);
  return out;
}

std::string WsMediaFrame::telephoneEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* event) {
  std::string out = header(Type::TelephoneEvent, sequence, timestamp, kEventBytes);
  out.append(reinterpret_cast<const char*>(event), kEventBytes);
  return out;
}

std::string WsMediaFrame::ping(std::uint32_t id) { return idFrame(Type::Ping, id); }

std::string WsMediaFrame::pong(std::uint32_t id) { return idFrame(Type::Pong, id); }

std::string WsMediaFrame::report(std::uint8_t fractionLost, std::uint32_t cumulativeLost, std::uint32_t jitter,
                                 std::uint32_t packetsReceived) {
  std::string out(1, static_cast<char>(Type::Report));
  out.push_back(static_cast<char>(fractionLost));
  put32(out, cumulativeLost);
  put32(out, jitter);
  put32(out, packetsReceived);
  return out;
}

void TelephoneEvent::write(std::uint8_t out[WsMediaFrame::kEventBytes]) const {
  out[0] = event;
  out[1] = static_cast<std::uint8_t>((end ? 0x80 : 0) | (volume & 0x3F));
  out[2] = static_cast<std::uint8_t>(duration >> 8);
  out[3] = static_cast<std::uint8_t>(duration & 0xFF);
}

TelephoneEvent TelephoneEvent::read(const std::uint8_t in[WsMediaFrame::kEventBytes]) {
  TelephoneEvent e;
  e.event = in[0];
  e.end = (in[1] & 0x80) != 0;
  e.volume = in[1] & 0x3F;
  e.duration = static_cast<std::uint16_t>((in[2] << 8) | in[3]);
  return e;
}

}  // namespace tccc::media
