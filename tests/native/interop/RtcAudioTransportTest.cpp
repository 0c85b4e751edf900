// SPDX-License-Identifier: Apache-2.0
// The native SDK's UDP audio (RtcAudioTransport) against the server's own media leg (MediaServer),
// in one process over real UDP on 127.0.0.1: both directions of the negotiation (the server offers
// and the SDK answers; the SDK offers and the server answers), ICE, DTLS-SRTP, Opus both ways, and
// the ways it refuses or gives up. tests/e2e/native-workstation.e2e.mjs does the same through the
// whole SDK and a real server process.
#include "media/MediaServer.hpp"
#include "media/RtcAudioTransport.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace tccc::native {
namespace {

using server::media::MediaServer;
using server::media::Side;

/// Records what the transport tells its audio.
struct Recorder : AudioTransport::Receiver {
  bool open = false;
  int closedCode = 0;
  std::string closedReason;
  std::vector<std::vector<std::uint8_t>> packets;
  std::vector<double> roundTrips;
  int invalid = 0;
  void onTransportOpen() override { open = true; }
  void onAudioPacket(std::uint16_t, std::uint32_t, const std::uint8_t* payload, std::size_t size) override {
    packets.emplace_back(payload, payload + size);
  }
  void onRoundTrip(double ms) override { roundTrips.push_back(ms); }
  void onRemoteLoss(double) override {}
  void onInvalidPacket() override { ++invalid; }
  void onTransportClosed(int code, const std::string& reason) override {
    closedCode = code;
    closedReason = reason;
  }
};

MediaServer::Options serverOptions() {
  MediaServer::Options o;
  o.portMin = 48000;  // a busy port is skipped, so a shared machine is fine
  o.portMax = 48999;
  return o;
}

bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done, int ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

double rmsOfOpus(const std::vector<std::vector<std::uint8_t>>& packets) {
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 1, &err);
  double sum = 0;
  std::size_t n = 0;
  for (const auto& p : packets) {
    opus_int16 pcm[5760];
    const int got = opus_decode(dec, p.data(), static_cast<opus_int32>(p.size()), pcm, 5760, 0);
    for (int i = 0; i < got; ++i) sum += (pcm[i] / 32768.0) * (pcm[i] / 32768.0);
    n += got > 0 ? static_cast<std::size_t>(got) : 0;
  }
  opus_decoder_destroy(dec);
  return n ? std::sqrt(sum / static_cast<double>(n)) : 0;
}

/// Says a 440 Hz tone into the transport for `frames` frames of 20 ms, paced by the io_context.
void talk(boost::asio::io_context& io, AudioTransport& transport, int frames) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  for (int f = 0; f < frames; ++f) {
    opus_int16 pcm[960];
    for (int i = 0; i < 960; ++i)
      pcm[i] = static_cast<opus_int16>(10000 * std::sin(2 * M_PI * 440 * (f * 960 + i) / 48000.0));
    unsigned char payload[400];
    const int n = opus_encode(enc, pcm, 960, payload, sizeof payload);
    transport.sendAudio(static_cast<std::uint16_t>(f), static_cast<std::uint32_t>(f * 960), payload,
                        static_cast<std::size_t>(n), f == 0);
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  opus_encoder_destroy(enc);
}

TEST(RtcAudioTransportTest, AnswersTheServersOfferAndCarriesAudioBothWays) {
  boost::asio::io_context io;
  MediaServer server(io, serverOptions());
  const auto opened = server.openSimulated("s-1", "", false, "agent", "caller");  // the server's voice talks
  ASSERT_EQ(opened.error, "");

  RtcAudioTransport transport(io);
  std::string why;
  const auto answer = transport.answer(opened.sdp, &why);
  ASSERT_TRUE(answer) << why;
  // A full agent that takes the active DTLS role, as a browser answering the server does.
  EXPECT_EQ(answer->find("a=ice-lite"), std::string::npos);
  EXPECT_NE(answer->find("a=setup:active"), std::string::npos);
  ASSERT_EQ(server.remoteAnswer("s-1", Side::Agent, *answer), std::nullopt);

  Recorder heard;
  transport.setReceiver(&heard);
  ASSERT_TRUE(runUntil(io, [&] { return heard.open; })) << heard.closedReason;
  EXPECT_TRUE(transport.progress().iceMs.has_value());
  EXPECT_TRUE(transport.progress().dtlsMs.has_value());
  ASSERT_TRUE(runUntil(io, [&] { return heard.packets.size() >= 50; }));
  EXPECT_GT(rmsOfOpus(heard.packets), 0.02) << "the server's voice is audible";

  talk(io, transport, 40);
  ASSERT_TRUE(runUntil(io, [&] { return server.stats("s-1")->at("packetsIn").get<int>() >= 40; }));
  const auto stats = *server.stats("s-1");
  EXPECT_EQ(stats.at("state"), "connected");
  EXPECT_EQ(stats.at("transport"), "webrtc");
  EXPECT_GT(stats.at("rmsIn").get<double>(), 0.1) << "the server hears the tone";
  EXPECT_EQ(heard.invalid, 0);

  // Consent checks go on once a second and measure the round trip.
  ASSERT_TRUE(runUntil(
      io, [&] { return !heard.roundTrips.empty(); }, 3000));
  EXPECT_LT(heard.roundTrips.back(), 1000);
  transport.close();
  server.close("s-1");
}

TEST(RtcAudioTransportTest, OffersAndTakesTheServersAnswer) {
  boost::asio::io_context io;
  MediaServer server(io, serverOptions());
  ASSERT_EQ(server.openSimulated("s-2", "", false, "agent", "caller").error, "");

  RtcAudioTransport transport(io);
  std::string why;
  const auto offer = transport.offer(&why);
  ASSERT_TRUE(offer) << why;
  EXPECT_NE(offer->find("a=setup:actpass"), std::string::npos);
  // Our offer is a new leg for the agent's side (a new certificate, not an ICE restart).
  const auto answered = server.answer("s-2", Side::Agent, *offer, "agent");
  ASSERT_EQ(answered.error, "");
  ASSERT_TRUE(transport.setAnswer(answered.sdp, &why)) << why;
  EXPECT_FALSE(transport.setAnswer(answered.sdp, &why)) << "a second answer is refused";

  Recorder heard;
  transport.setReceiver(&heard);
  ASSERT_TRUE(runUntil(io, [&] { return heard.open; })) << heard.closedReason;
  ASSERT_TRUE(runUntil(io, [&] { return heard.packets.size() >= 50; }));
  EXPECT_GT(rmsOfOpus(heard.packets), 0.02);
  talk(io, transport, 40);
  // (The server measures the level only of the legs it offers to simulated calls.)
  ASSERT_TRUE(runUntil(io, [&] { return server.stats("s-2")->at("packetsIn").get<int>() >= 40; }));
  EXPECT_EQ(server.stats("s-2")->at("state"), "connected");
  transport.close();
  server.close("s-2");
}

TEST(RtcAudioTransportTest, RefusesDescriptionsItCannotUse) {
  boost::asio::io_context io;
  MediaServer server(io, serverOptions());
  const auto opened = server.openSimulated("s-3", "", false, "agent", "caller");
  ASSERT_EQ(opened.error, "");
  struct Case {
    const char* name;
    std::string sdp;
    const char* error;  // part of the reason
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty"},
      {"not SDP", "hello", "no audio"},
      {"no candidate", std::regex_replace(opened.sdp, std::regex("a=candidate:[^\r]*\r\n"), ""), "candidate"},
      {"a TCP candidate only", std::regex_replace(opened.sdp, std::regex(" udp "), " tcp "), "candidate"},
      {"a host name instead of an address",
       std::regex_replace(opened.sdp, std::regex("(a=candidate:\\S+ 1 udp \\d+ )\\S+"), "$1media.example.com"),
       "not an IP address"},
      {"no fingerprint", std::regex_replace(opened.sdp, std::regex("a=fingerprint:[^\r]*\r\n"), ""), "fingerprint"},
      {"no Opus", std::regex_replace(opened.sdp, std::regex("opus/48000"), "PCMU/8000"), "Opus"},
  };
  for (const Case& c : cases) {
    RtcAudioTransport transport(io);
    std::string why;
    EXPECT_FALSE(transport.answer(c.sdp, &why)) << c.name;
    EXPECT_NE(why.find(c.error), std::string::npos) << c.name << ": " << why;
  }
  server.close("s-3");
}

TEST(RtcAudioTransportTest, GivesUpWhenNothingAnswersItsChecks) {
  boost::asio::io_context io;
  MediaServer server(io, serverOptions());
  const auto opened = server.openSimulated("s-4", "", false, "agent", "caller");
  ASSERT_EQ(opened.error, "");
  // The same offer, pointing at a port where nobody listens: what a network that drops UDP does.
  std::string nowhere = opened.sdp;
  const std::string host = " typ host";
  const auto typ = nowhere.find(host);
  ASSERT_NE(typ, std::string::npos);
  const auto portAt = nowhere.rfind(' ', typ - 1) + 1;
  nowhere.replace(portAt, typ - portAt, "9");
  RtcAudioTransport::Options options;
  options.connectTimeout = std::chrono::milliseconds(400);
  RtcAudioTransport transport(io, options);
  std::string why;
  ASSERT_TRUE(transport.answer(nowhere, &why)) << why;
  Recorder heard;
  transport.setReceiver(&heard);
  ASSERT_TRUE(runUntil(
      io, [&] { return heard.closedCode != 0; }, 3000));
  EXPECT_EQ(heard.closedCode, 1006);
  EXPECT_NE(heard.closedReason.find("ICE did not connect"), std::string::npos) << heard.closedReason;
  EXPECT_FALSE(heard.open);
  EXPECT_GE(transport.progress().checksSent, 4u);
  server.close("s-4");
}

}  // namespace
}  // namespace tccc::native
