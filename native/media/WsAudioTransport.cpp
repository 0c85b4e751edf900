// SPDX-License-Identifier: Apache-2.0
#include "media/WsAudioTransport.hpp"

#include "media/WsMediaFrame.hpp"

namespace tccc::native {

using tccc::media::WsMediaFrame;

WsAudioTransport::WsAudioTransport(boost::asio::io_context& io, boost::asio::ssl::context* tls,
                                   const WsEndpoint& endpoint, const MakeSocket& makeSocket) {
  std::weak_ptr<char> life = mLife;
  // WsClient calls no handler after close() or its destruction; the weak_ptr also covers a
  // handler already queued when this object goes away.
  WsClient::Handlers handlers{
      [this, life] {
        if (!life.expired()) onOpen();
      },
      [this, life](std::string_view data, bool binary) {
        if (!life.expired()) onMessage(data, binary);
      },
      [this, life](int code, const std::string& reason) {
        if (!life.expired()) onClosed(code, reason);
      },
  };
  mWs = makeSocket ? makeSocket(io, tls, std::move(handlers)) : WsClient::create(io, tls, std::move(handlers));
  mWs->open(endpoint);
}

WsAudioTransport::~WsAudioTransport() { close(); }

void WsAudioTransport::setReceiver(Receiver* receiver) {
  mReceiver = receiver;
  if (mReceiver && mOpen) mReceiver->onTransportOpen();
}

void WsAudioTransport::close() {
  mReceiver = nullptr;
  mOpen = false;
  mClosed = true;
  if (mWs) {
    mWs->close(1000);
    mWs.reset();
  }
}

double WsAudioTransport::nowMs() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mEpoch).count();
}

bool WsAudioTransport::backedUp(double bytes) const { return mWs && static_cast<double>(mWs->bufferedBytes()) > bytes; }

void WsAudioTransport::sendAudio(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload,
                                 std::size_t size, bool) {
  if (mWs) mWs->send(WsMediaFrame::audio(sequence, timestamp, payload, size), true);
}

void WsAudioTransport::sendEvent(std::uint16_t sequence, std::uint32_t timestamp, const std::uint8_t* payload, bool) {
  if (mWs) mWs->send(WsMediaFrame::telephoneEvent(sequence, timestamp, payload), true);
}

void WsAudioTransport::probe() {
  if (!mWs || !mOpen) return;
  if (++mPingId == 0) mPingId = 1;                       // 0 marks a free slot
  mPings[mPingId % mPings.size()] = {mPingId, nowMs()};  // the oldest unanswered ping gives way
  mWs->send(WsMediaFrame::ping(mPingId), true);
}

void WsAudioTransport::onOpen() {
  if (mClosed) return;
  mOpen = true;
  if (mReceiver) mReceiver->onTransportOpen();
}

void WsAudioTransport::onMessage(std::string_view data, bool binary) {
  if (mClosed || !mReceiver) return;
  if (!binary) return mReceiver->onInvalidPacket();
  const WsMediaFrame f = WsMediaFrame::parseFromServer(data);
  switch (f.kind) {
    case WsMediaFrame::Kind::Audio:
      return mReceiver->onAudioPacket(f.sequence, f.timestamp, reinterpret_cast<const std::uint8_t*>(f.payload.data()),
                                      f.payload.size());
    case WsMediaFrame::Kind::Pong:
      for (auto& [id, sentAt] : mPings) {
        if (id != 0 && id == f.pingId) {
          id = 0;
          return mReceiver->onRoundTrip(nowMs() - sentAt);
        }
      }
      return;
    case WsMediaFrame::Kind::Report:
      return mReceiver->onRemoteLoss(f.fractionLost / 256.0);
    case WsMediaFrame::Kind::TelephoneEvent:
      return;  // the far end's DTMF: the digits come through signalling too
    default:
      return mReceiver->onInvalidPacket();
  }
}

void WsAudioTransport::onClosed(int code, const std::string& reason) {
  if (mClosed) return;
  mClosed = true;
  mOpen = false;
  mWs.reset();
  if (Receiver* r = std::exchange(mReceiver, nullptr)) r->onTransportClosed(code, reason);
}

}  // namespace tccc::native
