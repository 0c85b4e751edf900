// SPDX-License-Identifier: Apache-2.0
// How a call's audio reaches the server: the seam between CallAudio (the 20 ms clock, Opus, the
// jitter buffer, DTMF, the meters) and the network. Two transports stand behind it:
//   - WsAudioTransport: Opus frames on the server's /ws/media WebSocket (docs/protocol.md,
//     "Media over the WebSocket"), for networks that let only HTTPS through;
//   - RtcAudioTransport: RTP over DTLS-SRTP on UDP after ICE with the server's media leg, what a
//     browser does (docs/media.md).
// Both number audio and telephone events in one RTP-like sequence space with 48 kHz timestamps, so
// CallAudio sends the same thing either way. Everything runs on the SDK's thread.
#ifndef TCCC_NATIVE_MEDIA_AUDIOTRANSPORT_HPP
#define TCCC_NATIVE_MEDIA_AUDIOTRANSPORT_HPP

#include <cstddef>
#include <cstdint>
#include <string>

namespace tccc::native {

class AudioTransport {
 public:
  /// What a transport tells the audio riding on it. Called on the SDK's thread; the receiver may
  /// detach (setReceiver(nullptr)) or destroy the transport's owner inside any call.
  class Receiver {
   public:
    virtual ~Receiver() = default;
    /// Audio can flow (at once if it already could when the receiver was set).
    virtual void onTransportOpen() = 0;
    /// One Opus packet of the far end.
    virtual void onAudioPacket(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                               std::size_t size) = 0;
    /// A round trip measured by the transport (a ping, a consent check).
    virtual void onRoundTrip(double ms) = 0;
    /// The server's report of what it lost of ours (0..1).
    virtual void onRemoteLoss(double fraction) = 0;
    /// Something arrived that could not be used (malformed, unauthenticated, unknown).
    virtual void onInvalidPacket() = 0;
    /// The transport is gone for good (code 1006 when it never opened or the network dropped it).
    virtual void onTransportClosed(int code, const std::string& reason) = 0;
  };

  virtual ~AudioTransport() = default;
  /// Where events go; nullptr stops them. A transport that is already open calls onTransportOpen.
  virtual void setReceiver(Receiver* receiver) = 0;
  virtual bool isOpen() const = 0;
  /// Closes it; no receiver call after. Idempotent.
  virtual void close() = 0;
  /// True while more than `bytes` of our media wait to leave: the next frame is better dropped.
  virtual bool backedUp(double bytes) const = 0;
  /// One Opus packet (`marker`: the first after a silence).
  virtual void sendAudio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size,
                         bool marker) = 0;
  /// One RFC 4733 telephone-event payload (4 bytes).
  virtual void sendEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, bool marker) = 0;
  /// Called about once a second: a chance to measure the round trip.
  virtual void probe() = 0;
};

}  // namespace tccc::native

#endif
