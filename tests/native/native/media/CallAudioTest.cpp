// SPDX-License-Identifier: Apache-2.0
// One call's audio over /ws/media, against a tiny Beast WebSocket server on 127.0.0.1 that plays the
// server's part as far as the client can tell: it echoes every audio frame back, answers pings and
// records what it got. A 440 Hz tone must come back with its energy, a muted call must send only
// silence, digits must become RFC 4733 events in the audio numbering, a silent far end must grade
// the call Down, and a socket that stops draining must make the call drop frames, not queue them.
#include "media/CallAudio.hpp"

#include "media/DtmfEvents.hpp"
#include "media/WavFileDevice.hpp"
#include "media/WsMediaFrame.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cmath>
#include <deque>
#include <map>

namespace tccc::native {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using tccc::media::TelephoneEvent;
using tccc::media::WsMediaFrame;

/// The server's side of /ws/media, reduced to what the client can observe.
class EchoServer {
 public:
  struct Got {
    WsMediaFrame::Kind kind;
    std::uint16_t sequence;
    std::uint32_t timestamp;
    std::string payload;
  };

  explicit EchoServer(boost::asio::io_context& io) : mAcceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }

  WsEndpoint endpoint() const {
    WsEndpoint e;
    e.host = "127.0.0.1";
    e.port = std::to_string(mAcceptor.local_endpoint().port());
    e.target = "/ws/media?token=t0k3n";
    return e;
  }

  bool echoAudio = true;
  std::vector<Got> got;
  std::string target;
  int invalid = 0;

 private:
  void accept() {
    mAcceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      mWs = std::make_unique<websocket::stream<tcp::socket>>(std::move(socket));
      http::async_read(mWs->next_layer(), mBuffer, mRequest, [this](beast::error_code ec, std::size_t) {
        if (ec) return;
        target = std::string(mRequest.target());
        mWs->binary(true);
        mWs->async_accept(mRequest, [this](beast::error_code ec) {
          if (!ec) read();
        });
      });
    });
  }

  void read() {
    mWs->async_read(mBuffer, [this](beast::error_code ec, std::size_t) {
      if (ec) return;
      const std::string data = beast::buffers_to_string(mBuffer.data());
      mBuffer.consume(mBuffer.size());
      onFrame(data);
      read();
    });
  }

  void onFrame(const std::string& data) {
    const auto f = WsMediaFrame::parse(data);
    if (f.kind == WsMediaFrame::Kind::Invalid) {
      ++invalid;
      return;
    }
    got.push_back({f.kind, f.sequence, f.timestamp, std::string(f.payload)});
    if (f.kind == WsMediaFrame::Kind::Ping) send(WsMediaFrame::pong(f.pingId));
    if (f.kind == WsMediaFrame::Kind::Audio && echoAudio)
      send(WsMediaFrame::audio(f.sequence, f.timestamp, reinterpret_cast<const std::uint8_t*>(f.payload.data()),
                               f.payload.size()));
  }

  void send(std::string frame) {
    mQueue.push_back(std::move(frame));
    if (mQueue.size() == 1) write();
  }

  void write() {
    mWs->async_write(boost::asio::buffer(mQueue.front()), [this](beast::error_code ec, std::size_t) {
      if (ec) return;
      mQueue.pop_front();
      if (!mQueue.empty()) write();
    });
  }

  tcp::acceptor mAcceptor;
  std::unique_ptr<websocket::stream<tcp::socket>> mWs;
  beast::flat_buffer mBuffer;
  http::request<http::string_body> mRequest;
  std::deque<std::string> mQueue;
};

struct Recorder : CallAudioListener {
  int opened = 0;
  std::vector<std::pair<int, int>> volumes;
  std::vector<int> qualities;
  std::vector<std::pair<int, std::string>> closed;
  void onOpen() override { ++opened; }
  void onVolume(int local, int remote) override { volumes.emplace_back(local, remote); }
  void onQuality(int q) override { qualities.push_back(q); }
  void onClosed(int code, const std::string& reason) override { closed.emplace_back(code, reason); }
};

/// `seconds` of a 440 Hz tone at half scale, 48 kHz.
std::vector<std::int16_t> tone(double seconds) {
  std::vector<std::int16_t> s(static_cast<std::size_t>(seconds * kAudioSampleRate));
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<std::int16_t>(16384 * std::sin(2 * M_PI * 440 * static_cast<double>(i) / kAudioSampleRate));
  return s;
}

void runFor(boost::asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

class CallAudioTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  EchoServer server{io};
  Recorder listener;
  std::unique_ptr<WavFileDevice> device = WavFileDevice::fromSamples(tone(1), true, "", nullptr);
};

TEST_F(CallAudioTest, AToneCapturedComesBackWithEnergy) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(1500));
  EXPECT_EQ(listener.opened, 1);
  EXPECT_EQ(server.target, "/ws/media?token=t0k3n");
  const auto s = call.stats();
  EXPECT_GT(s.framesSent, 40u);
  EXPECT_GT(s.framesReceived, 40u);
  EXPECT_EQ(s.framesLost, 0u);
  EXPECT_NEAR(s.capturedRms, 0.5 / std::sqrt(2), 0.02);
  EXPECT_GT(s.playedRms, 0.15);  // the echo, decoded (after the jitter buffer's first ~60 ms of silence)
  ASSERT_TRUE(s.rttMs.has_value());
  EXPECT_LT(*s.rttMs, 200);
  EXPECT_EQ(server.invalid, 0);
  ASSERT_GE(listener.volumes.size(), 3u);
  EXPECT_NEAR(listener.volumes.back().first, 50, 3);  // a half-scale tone peaks at 50
  EXPECT_GT(listener.volumes.back().second, 20);
  EXPECT_TRUE(listener.closed.empty());
}

TEST_F(CallAudioTest, MutedSendsOnlySilenceAndReadsZero) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  call.setMuted(true);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(1000));
  const auto s = call.stats();
  EXPECT_GT(s.capturedRms, 0.3);  // capture goes on (the level meter would see it)
  EXPECT_GT(s.framesSent, 20u);   // a quiet stream, not a stalled one, as the browser sends
  EXPECT_LT(s.playedRms, 0.003);  // and what it carries is silence
  // Most of them DTX packets of a byte or two: the encoder heard silence.
  std::size_t audio = 0, dtx = 0;
  for (const auto& g : server.got) {
    if (g.kind != WsMediaFrame::Kind::Audio) continue;
    ++audio;
    dtx += g.payload.size() <= 2;
  }
  EXPECT_GT(dtx, audio / 2);
  ASSERT_FALSE(listener.volumes.empty());
  for (const auto& v : listener.volumes) EXPECT_EQ(v.first, 0);

  call.setMuted(false);  // unmuted: the tone goes out again
  runFor(io, std::chrono::milliseconds(600));
  EXPECT_GT(listener.volumes.back().first, 40);
}

TEST_F(CallAudioTest, CaptureAndPlayoutVolumesAreApplied) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  call.setCaptureVolume(50);
  call.setPlayoutVolume(0);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(800));
  const auto s = call.stats();
  EXPECT_NEAR(s.capturedRms, 0.25 / std::sqrt(2), 0.02);
  EXPECT_EQ(s.playedRms, 0);                          // playout volume 0: nothing played
  EXPECT_GT(listener.volumes.back().second, 10);      // although the far end's level is there
  EXPECT_NEAR(listener.volumes.back().first, 25, 3);  // what is sent: the tone at half its level
}

TEST_F(CallAudioTest, HeldSendsNothingAndPlaysNothing) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(400));
  call.setHeld(true);
  runFor(io, std::chrono::milliseconds(100));  // what was on its way comes back and plays... silently
  const auto sent = call.stats().framesSent;
  const auto played = call.stats().playedRms;
  runFor(io, std::chrono::milliseconds(500));
  EXPECT_EQ(call.stats().framesSent, sent);
  EXPECT_LT(call.stats().playedRms, played);  // only silence was added
  EXPECT_EQ(listener.volumes.back().first, 0);
  call.setHeld(false);
  runFor(io, std::chrono::milliseconds(300));
  EXPECT_GT(call.stats().framesSent, sent + 5);
}

TEST_F(CallAudioTest, DigitsBecomeTelephoneEventsInTheAudioNumbering) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call.start());
  EXPECT_EQ(call.sendDigits("1*x#"), 3u);  // 'x' is not a digit: skipped, as the browser does
  runFor(io, std::chrono::milliseconds(1000));
  std::map<std::uint32_t, std::vector<TelephoneEvent>> tones;  // by starting timestamp
  std::vector<std::uint32_t> order;
  for (const auto& g : server.got) {
    if (g.kind != WsMediaFrame::Kind::TelephoneEvent) continue;
    if (!tones.count(g.timestamp)) order.push_back(g.timestamp);
    tones[g.timestamp].push_back(TelephoneEvent::read(reinterpret_cast<const std::uint8_t*>(g.payload.data())));
  }
  ASSERT_EQ(order.size(), 3u);
  const int codes[] = {1, 10, 11};
  for (int i = 0; i < 3; ++i) {
    const auto& packets = tones[order[i]];
    ASSERT_EQ(packets.size(), toneSteps(100).size());
    for (std::size_t k = 0; k < packets.size(); ++k) {
      EXPECT_EQ(packets[k].event, codes[i]);
      EXPECT_EQ(packets[k].duration, toneSteps(100)[k].duration);
      EXPECT_EQ(packets[k].end, toneSteps(100)[k].end);
    }
  }
  // Tones ~150 ms apart, in the audio clock.
  EXPECT_GE(order[1] - order[0], 7u * 960);
  // One sequence space: every frame sent, audio or event, is the previous one's number + 1.
  std::optional<std::uint16_t> last;
  for (const auto& g : server.got) {
    if (g.kind == WsMediaFrame::Kind::Ping) continue;
    if (last) {
      EXPECT_EQ(g.sequence, static_cast<std::uint16_t>(*last + 1));
    }
    last = g.sequence;
  }
}

TEST_F(CallAudioTest, QualityIsGradedEveryTwoSeconds) {
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(2300));
  ASSERT_EQ(listener.qualities.size(), 1u);
  EXPECT_LE(listener.qualities[0], 2);  // loopback: no loss, little jitter, a short round trip
}

TEST_F(CallAudioTest, NoAudioFromTheFarEndIsDown) {
  server.echoAudio = false;
  CallAudio call(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(2300));
  ASSERT_EQ(listener.qualities.size(), 1u);
  EXPECT_EQ(listener.qualities[0], 6);
}

TEST_F(CallAudioTest, NoCallbackAfterStopOrDestruction) {
  {
    CallAudio call(io, nullptr, server.endpoint(), *device, listener);
    ASSERT_TRUE(call.start());
    runFor(io, std::chrono::milliseconds(400));
    call.stop();
    const auto volumes = listener.volumes.size();
    runFor(io, std::chrono::milliseconds(400));
    EXPECT_EQ(listener.volumes.size(), volumes);
    EXPECT_TRUE(listener.closed.empty());
  }
  auto call = std::make_unique<CallAudio>(io, nullptr, server.endpoint(), *device, listener);
  ASSERT_TRUE(call->start());
  runFor(io, std::chrono::milliseconds(300));
  call.reset();  // destroyed with its timer and socket busy
  runFor(io, std::chrono::milliseconds(300));
  EXPECT_TRUE(listener.closed.empty());
}

TEST_F(CallAudioTest, ARefusedConnectionIsReportedClosed) {
  WsEndpoint nowhere = server.endpoint();
  {
    tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    nowhere.port = std::to_string(probe.local_endpoint().port());
  }  // closed again: nothing listens there
  CallAudio call(io, nullptr, nowhere, *device, listener);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(1000));
  ASSERT_EQ(listener.closed.size(), 1u);
  EXPECT_EQ(listener.closed[0].first, 1006);
  EXPECT_EQ(listener.opened, 0);
}

/// A socket that opens and then never drains: what a stalled network looks like to the sender.
class StalledSocket : public WsClient {
 public:
  StalledSocket(boost::asio::io_context& io, Handlers h) : mIo(io), mHandlers(std::move(h)) {}
  void open(const WsEndpoint&) override {
    boost::asio::post(mIo, [h = mHandlers.onOpen] { h(); });
  }
  void send(std::string data, bool) override {
    queued += data.size();
    ++messages;
  }
  std::size_t bufferedBytes() const override { return queued; }
  void close(int) override {}
  std::string selectedSubprotocol() const override { return ""; }

  std::size_t queued = 0;
  std::size_t messages = 0;

 private:
  boost::asio::io_context& mIo;
  Handlers mHandlers;
};

TEST_F(CallAudioTest, AStalledSocketDropsInsteadOfQueueing) {
  std::shared_ptr<StalledSocket> socket;
  CallAudio::Options options;
  options.makeSocket = [&socket](boost::asio::io_context& io, boost::asio::ssl::context*, WsClient::Handlers h) {
    socket = std::make_shared<StalledSocket>(io, std::move(h));
    return socket;
  };
  CallAudio call(io, nullptr, server.endpoint(), *device, listener, options);
  ASSERT_TRUE(call.start());
  runFor(io, std::chrono::milliseconds(1500));
  ASSERT_TRUE(socket);
  const auto s = call.stats();
  EXPECT_GT(s.framesDropped, 40u);
  EXPECT_LE(s.framesSent, 14u);  // about 200 ms of frames, then nothing more is queued
  // Bounded: 200 ms of audio frames plus the pings that went out in the meantime.
  EXPECT_LT(socket->queued, 14u * (WsMediaFrame::kHeaderBytes + 200) + 10 * WsMediaFrame::kPingBytes);
}

}  // namespace
}  // namespace tccc::native
