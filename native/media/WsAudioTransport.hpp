// SPDX-License-Identifier: Apache-2.0
// A call's audio on the server's /ws/media WebSocket (docs/protocol.md, "Media over the
// WebSocket"): WsMediaFrame frames both ways, a ping a second for the round trip, the server's
// loss reports. The socket opens at once; the transport is spent when it closes.
#ifndef TCCC_NATIVE_MEDIA_WSAUDIOTRANSPORT_HPP
#define TCCC_NATIVE_MEDIA_WSAUDIOTRANSPORT_HPP

#include "media/AudioTransport.hpp"
#include "net/WsClient.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

namespace tccc::native {

class WsAudioTransport : public AudioTransport {
 public:
  using MakeSocket = std::function<std::shared_ptr<WsClient>(boost::asio::io_context&, boost::asio::ssl::context*,
                                                             WsClient::Handlers)>;

  /// Opens `endpoint` (the media socket, `/ws/media?token=…`); `makeSocket` defaults to WsClient::create.
  WsAudioTransport(boost::asio::io_context& io, boost::asio::ssl::context* tls, const WsEndpoint& endpoint,
                   const MakeSocket& makeSocket = {});
  ~WsAudioTransport() override;

  void setReceiver(Receiver* receiver) override;
  bool isOpen() const override { return mOpen; }
  void close() override;
  bool backedUp(double bytes) const override;
  void sendAudio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, std::size_t size,
                 bool marker) override;
  void sendEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, bool marker) override;
  void probe() override;

 private:
  void onOpen();
  void onMessage(std::string_view data, bool binary);
  void onClosed(int code, const std::string& reason);
  double nowMs() const;

  std::shared_ptr<WsClient> mWs;
  Receiver* mReceiver = nullptr;
  bool mOpen = false;
  bool mClosed = false;
  std::chrono::steady_clock::time_point mEpoch = std::chrono::steady_clock::now();
  std::array<std::pair<std::uint32_t, double>, 8> mPings{};  // id, sent at (ms); id 0 = free
  std::uint32_t mPingId = 0;
  std::shared_ptr<char> mLife = std::make_shared<char>();
};

}  // namespace tccc::native

#endif
