// SPDX-License-Identifier: Apache-2.0
// A whole server media leg over real UDP on 127.0.0.1, against a test "browser" made of the same
// building blocks (STUN check with USE-CANDIDATE, DTLS client, SRTP, Opus): ICE-lite answers the
// check, DTLS-SRTP connects, the server's voice arrives and decodes to audible audio, what the
// browser says is counted and measured, a storm of junk datagrams changes nothing, and close()
// leaves no socket or timer behind.
#include "media/MediaServer.hpp"
#include "rtc/DtlsTransport.hpp"
#include "rtc/RtpHeader.hpp"
#include "rtc/SrtpSession.hpp"
#include "rtc/StunMessage.hpp"

#include <gtest/gtest.h>
#include <opus/opus.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/udp.hpp>

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

namespace tccc::server::media {
namespace {

using Bytes = std::vector<std::uint8_t>;
using boost::asio::ip::udp;

std::string sdpValue(const std::string& sdp, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex(pattern))) return "";
  return m[1];
}

struct TestBrowser {
  boost::asio::io_context& io;
  udp::socket socket;
  udp::endpoint server;
  DtlsIdentity identity;
  DtlsTransport dtls{identity};
  std::unique_ptr<SrtpSession> in, out;
  std::deque<Bytes> rtp;  // SRTP packets that arrived before the test looked for them

  TestBrowser(boost::asio::io_context& ctx, std::uint16_t port)
      : io(ctx),
        socket(ctx, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        server(boost::asio::ip::make_address("127.0.0.1"), port) {}

  void send(const Bytes& b) { socket.send_to(boost::asio::buffer(b), server); }

  /// Runs the io_context (the server leg lives there too) until a datagram arrives or 3 s pass.
  std::optional<Bytes> receive(int ms = 3000) {
    Bytes buf(2048);
    udp::endpoint from;
    bool done = false;
    std::size_t n = 0;
    boost::system::error_code error;
    socket.async_receive_from(boost::asio::buffer(buf), from, [&](const boost::system::error_code& ec, std::size_t k) {
      error = ec;
      n = k;
      done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(5));
    }
    if (!done) {
      socket.cancel();
      while (!done) {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
      }
      return std::nullopt;
    }
    if (error) return std::nullopt;
    buf.resize(n);
    return buf;
  }

  /// Handshakes DTLS as the (active) client; RTP that arrives meanwhile is kept for later.
  bool connectDtls() {
    dtls.start(DtlsTransport::Role::Client);
    for (int i = 0; i < 50 && dtls.state() != DtlsTransport::State::Connected; ++i) {
      for (auto& d : dtls.takeOutgoing()) send(d);
      auto got = receive();
      if (!got) return false;
      auto kind = classifyPacket(got->data(), got->size());
      if (kind == PacketKind::Dtls) dtls.onData(got->data(), got->size());
      if (kind == PacketKind::Rtp) rtp.push_back(*got);
    }
    for (auto& d : dtls.takeOutgoing()) send(d);  // the final flight
    if (dtls.state() != DtlsTransport::State::Connected) return false;
    in = std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, dtls.srtpKeys()->remote);
    out = std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, dtls.srtpKeys()->local);
    return true;
  }

  /// The next STUN message, keeping RTP that arrives meanwhile.
  std::optional<Bytes> nextStun() {
    for (int i = 0; i < 100; ++i) {
      auto got = receive();
      if (!got) return std::nullopt;
      auto kind = classifyPacket(got->data(), got->size());
      if (kind == PacketKind::Stun) return got;
      if (kind == PacketKind::Rtp) rtp.push_back(*got);
    }
    return std::nullopt;
  }

  /// The next RTP packet from the server, unprotected.
  std::optional<Bytes> nextRtp() {
    for (int i = 0; i < 100; ++i) {
      Bytes b;
      if (!rtp.empty()) {
        b = rtp.front();
        rtp.pop_front();
      } else {
        auto got = receive();
        if (!got) return std::nullopt;
        b = *got;
      }
      if (classifyPacket(b.data(), b.size()) != PacketKind::Rtp) continue;
      if (in->unprotectRtp(b)) return b;
    }
    return std::nullopt;
  }
};

class MediaServerTest : public ::testing::Test {
 protected:
  MediaServer::Options options() {
    MediaServer::Options o;
    o.portMin = 47000;  // a busy port is skipped, so a shared machine is fine
    o.portMax = 47999;
    return o;
  }
};

/// What a browser reads from the server's offer: its ICE credentials, certificate and UDP port.
struct OfferParts {
  explicit OfferParts(const std::string& sdp)
      : ufrag(sdpValue(sdp, "a=ice-ufrag:(\\S+)")),
        pwd(sdpValue(sdp, "a=ice-pwd:(\\S+)")),
        fingerprint(sdpValue(sdp, "a=fingerprint:sha-256 (\\S+)")),
        port(std::stoi(sdpValue(sdp, "m=audio (\\d+) "))) {}
  std::string ufrag, pwd, fingerprint;
  int port;
};

std::string answerFor(const DtlsIdentity& id, const std::string& setup = "active") {
  return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
         "c=IN IP4 0.0.0.0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserpassword12345678\r\n"
         "a=fingerprint:sha-256 " +
         id.fingerprint() + "\r\na=setup:" + setup +
         "\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
}

Bytes bindingRequest(const std::string& user, const std::string& pwd, bool nominate) {
  std::array<std::uint8_t, 12> tid{};
  std::random_device rd;
  for (auto& b : tid) b = static_cast<std::uint8_t>(rd());
  StunMessage::Builder b(StunMessage::kBindingRequest, tid);
  b.add(StunMessage::kAttrUsername, user).add(StunMessage::kAttrPriority, std::string("\x6e\x00\x01\xff", 4));
  b.add(StunMessage::kAttrIceControlling, std::string(8, '\x01'));
  if (nominate) b.add(StunMessage::kAttrUseCandidate, "");
  return b.addIntegrity(pwd).addFingerprint().take();
}

TEST_F(MediaServerTest, LoopbackCallCarriesAudioBothWaysAndSurvivesJunk) {
  boost::asio::io_context io;
  MediaServer server(io, options());
  auto opened = server.openSimulated("s-1", "", false, "agent", "caller");
  ASSERT_EQ(opened.error, "");
  auto [ufrag, pwd, fingerprint, port] = OfferParts(opened.sdp);  // an ICE restart renews the first two
  ASSERT_GE(ufrag.size(), 4u);
  ASSERT_GE(pwd.size(), 22u);
  EXPECT_EQ(fingerprint, server.fingerprint());
  ASSERT_TRUE(port >= 47000 && port <= 47999);
  EXPECT_EQ(server.stats("s-1")->at("state"), "new");

  TestBrowser browser(io, static_cast<std::uint16_t>(port));
  browser.dtls.setRemoteFingerprint("sha-256", fingerprint);
  ASSERT_EQ(server.remoteAnswer("s-1", Side::Agent, answerFor(browser.identity)), std::nullopt);

  // A check with the wrong password is refused (401) and does not validate the address.
  browser.send(bindingRequest(ufrag + ":brws", "not-the-password-at-all", true));
  auto refused = browser.receive();
  ASSERT_TRUE(refused);
  EXPECT_EQ(StunMessage::decode(refused->data(), refused->size())->type, StunMessage::kBindingError);

  // A proper nominating check: success, with our own address reflected and the server's integrity.
  Bytes check = bindingRequest(ufrag + ":brws", pwd, true);
  browser.send(check);
  auto reply = browser.receive();
  ASSERT_TRUE(reply);
  auto msg = StunMessage::decode(reply->data(), reply->size());
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->type, StunMessage::kBindingSuccess);
  EXPECT_TRUE(msg->checkIntegrity(reply->data(), reply->size(), pwd));
  EXPECT_EQ(msg->xorMappedAddress()->port, browser.socket.local_endpoint().port());

  ASSERT_TRUE(browser.connectDtls()) << browser.dtls.error();
  // The server's voice: Opus that decodes to audible audio within a second.
  int err = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 1, &err);
  double loudest = 0;
  std::uint16_t lastSeq = 0;
  for (int i = 0; i < 60; ++i) {
    auto pkt = browser.nextRtp();
    ASSERT_TRUE(pkt) << "RTP " << i;
    auto h = RtpHeader::read(pkt->data(), pkt->size());
    ASSERT_TRUE(h);
    EXPECT_EQ(h->payloadType, 111);
    if (i) {
      EXPECT_EQ(static_cast<std::uint16_t>(lastSeq + 1), h->sequence);
    }
    lastSeq = h->sequence;
    opus_int16 pcm[5760];
    int n = opus_decode(dec, pkt->data() + h->payloadOffset, static_cast<opus_int32>(h->payloadSize), pcm, 5760, 0);
    ASSERT_EQ(n, 960);
    loudest = std::max(loudest, rmsOf(pcm, 960));
  }
  opus_decoder_destroy(dec);
  EXPECT_GT(loudest, 0.02) << "the built-in voice is audible";

  // The browser talks: a 440 Hz tone, 40 frames.
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  std::uint16_t seq = 100;
  for (int f = 0; f < 40; ++f) {
    opus_int16 pcm[960];
    for (int i = 0; i < 960; ++i)
      pcm[i] = static_cast<opus_int16>(10000 * std::sin(2 * M_PI * 440 * (f * 960 + i) / 48000.0));
    unsigned char payload[400];
    int n = opus_encode(enc, pcm, 960, payload, sizeof payload);
    RtpHeader h;
    h.payloadType = 111;
    h.sequence = seq++;
    h.timestamp = static_cast<std::uint32_t>(f * 960);
    h.ssrc = 4242;
    Bytes p;
    h.write(p);
    p.insert(p.end(), payload, payload + n);
    ASSERT_TRUE(browser.out->protectRtp(p));
    browser.send(p);
  }
  opus_encoder_destroy(enc);
  for (int i = 0; i < 10; ++i) browser.nextRtp();  // let the server read them
  auto stats = *server.stats("s-1");
  EXPECT_EQ(stats["state"], "connected");
  EXPECT_EQ(stats["packetsIn"], 40);
  EXPECT_GT(stats["bytesIn"].get<int>(), 40 * 10);
  EXPECT_GT(stats["rmsIn"].get<double>(), 0.1);
  EXPECT_GT(stats["packetsOut"].get<int>(), 60);

  // ICE restart (the browser's network changed): new credentials both ways, same DTLS and SRTP.
  std::string reoffer = answerFor(browser.identity, "actpass");
  reoffer = std::regex_replace(reoffer, std::regex("ice-ufrag:brws"), "ice-ufrag:brw2");
  auto restarted = server.answer("s-1", Side::Agent, reoffer, "agent");
  ASSERT_EQ(restarted.error, "");
  std::string ufrag2 = sdpValue(restarted.sdp, "a=ice-ufrag:(\\S+)");
  std::string pwd2 = sdpValue(restarted.sdp, "a=ice-pwd:(\\S+)");
  EXPECT_NE(ufrag2, ufrag);
  EXPECT_NE(pwd2, pwd);
  EXPECT_NE(restarted.sdp.find("a=setup:passive\r\n"), std::string::npos) << "the DTLS roles stay";
  EXPECT_NE(restarted.sdp.find("o=- "), std::string::npos);
  browser.send(bindingRequest(ufrag + ":brws", pwd, true));
  auto old = browser.nextStun();
  ASSERT_TRUE(old);
  EXPECT_EQ(StunMessage::decode(old->data(), old->size())->type, StunMessage::kBindingError) << "old credentials";
  browser.send(bindingRequest(ufrag2 + ":brw2", pwd2, true));
  auto fresh = browser.nextStun();
  ASSERT_TRUE(fresh);
  EXPECT_EQ(StunMessage::decode(fresh->data(), fresh->size())->type, StunMessage::kBindingSuccess);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(browser.nextRtp()) << "audio goes on after the restart";
  EXPECT_EQ(sdpValue(restarted.sdp, "m=audio (\\d+) "), std::to_string(port)) << "the same leg answers";
  ufrag = ufrag2;
  pwd = pwd2;

  // Junk from the browser's address and from a stranger: dropped, counted, nothing breaks.
  udp::socket strangerSocket(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::mt19937 rng(5);
  for (int i = 0; i < 600; ++i) {
    Bytes junk(1 + rng() % 1400);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    static const std::uint8_t firsts[] = {0, 1, 22, 23, 0x80, 0x90, 0xBF, 200, 64, 255};
    junk[0] = firsts[i % 10];
    if (i % 3 == 0) {
      strangerSocket.send_to(boost::asio::buffer(junk), browser.server);
    } else {
      browser.send(junk);
    }
    if (i % 40 == 39) {  // paced, so the kernel's receive buffer does not drop them before the leg sees them
      io.restart();
      io.run_for(std::chrono::milliseconds(3));
    }
  }
  // A replayed check from the stranger's address is not ours to answer with media.
  strangerSocket.send_to(boost::asio::buffer(bindingRequest("wrong:brws", pwd, true)), browser.server);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(browser.nextRtp()) << "still talking after the junk";
  stats = *server.stats("s-1");
  EXPECT_EQ(stats["state"], "connected");
  EXPECT_EQ(stats["packetsIn"], 40);
  EXPECT_GT(stats["dropped"].get<int>(), 300);
  EXPECT_EQ(stats["remoteAddress"], "127.0.0.1:" + std::to_string(browser.socket.local_endpoint().port()));

  // Hold: the server keeps sending (music) but no longer measures what it hears.
  server.hold("s-1", true);
  EXPECT_EQ(server.stats("s-1")->at("held"), true);

  // Close: the leg is gone, and nothing of it keeps the io_context busy.
  server.close("s-1");
  EXPECT_EQ(server.stats("s-1")->at("state"), "closed");
  EXPECT_EQ(server.openLegs(), 0u);
  browser.socket.close();
  strangerSocket.close();
  io.restart();
  auto t0 = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(2));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500)) << "a timer or socket leaked";
}

// POST /sim/sessions/<id>/impair {"blockUdp": true}: the agent's WebRTC leg loses everything, ICE
// checks included, as a network that stopped passing UDP; lifted, the same leg answers again.
TEST_F(MediaServerTest, ABlockedUdpLegAnswersNothingUntilItIsLifted) {
  boost::asio::io_context io;
  MediaServer server(io, options());
  auto opened = server.openSimulated("s-1", "", false, "agent", "caller");
  ASSERT_EQ(opened.error, "");
  const auto [ufrag, pwd, fingerprint, port] = OfferParts(opened.sdp);
  TestBrowser browser(io, static_cast<std::uint16_t>(port));
  browser.dtls.setRemoteFingerprint("sha-256", fingerprint);
  ASSERT_EQ(server.remoteAnswer("s-1", Side::Agent, answerFor(browser.identity)), std::nullopt);
  browser.send(bindingRequest(ufrag + ":brws", pwd, true));
  ASSERT_TRUE(browser.nextStun());
  ASSERT_TRUE(browser.connectDtls()) << browser.dtls.error();
  ASSERT_TRUE(browser.nextRtp()) << "the simulated caller's voice flows";

  ASSERT_TRUE(server.impair("s-1", 0, true));
  while (browser.receive(300)) {
  }  // what was on its way before the block
  browser.send(bindingRequest(ufrag + ":brws", pwd, true));
  EXPECT_FALSE(browser.receive(1000)) << "no check answered, no audio sent";

  ASSERT_TRUE(server.impair("s-1", 0, false));
  browser.send(bindingRequest(ufrag + ":brws", pwd, true));
  auto reply = browser.nextStun();
  ASSERT_TRUE(reply);
  EXPECT_EQ(StunMessage::decode(reply->data(), reply->size())->type, StunMessage::kBindingSuccess);
  EXPECT_TRUE(browser.nextRtp()) << "the voice flows again";
  EXPECT_FALSE(server.impair("s-unknown", 0, true));
}

TEST_F(MediaServerTest, PassiveBrowserGetsAClientHelloAfterTheCheck) {
  boost::asio::io_context io;
  MediaServer server(io, options());
  auto opened = server.openSimulated("s-2", "", true, "agent", "caller");
  ASSERT_EQ(opened.error, "");
  const auto [ufrag, pwd, fingerprint, port] = OfferParts(opened.sdp);
  TestBrowser browser(io, static_cast<std::uint16_t>(port));
  browser.dtls.setRemoteFingerprint("sha-256", server.fingerprint());
  ASSERT_EQ(server.remoteAnswer("s-2", Side::Agent, answerFor(browser.identity, "passive")), std::nullopt);
  browser.dtls.start(DtlsTransport::Role::Server);
  browser.send(bindingRequest(ufrag + ":brws", pwd, true));
  bool sawHello = false;
  for (int i = 0; i < 20 && browser.dtls.state() != DtlsTransport::State::Connected; ++i) {
    auto got = browser.receive();
    ASSERT_TRUE(got);
    if (classifyPacket(got->data(), got->size()) == PacketKind::Dtls) {
      sawHello = true;
      browser.dtls.onData(got->data(), got->size());
      for (auto& d : browser.dtls.takeOutgoing()) browser.send(d);
    }
  }
  EXPECT_TRUE(sawHello);
  EXPECT_EQ(browser.dtls.state(), DtlsTransport::State::Connected);
  for (int i = 0; i < 20 && server.stats("s-2")->at("state") != "connected"; ++i) browser.receive(100);
  EXPECT_EQ(server.stats("s-2")->at("state"), "connected");
  EXPECT_EQ(server.stats("s-2")->at("held"), true);
  server.closeAll();
}

TEST_F(MediaServerTest, UnusableAnswersAndAudioFilesAreReported) {
  boost::asio::io_context io;
  MediaServer server(io, options());
  EXPECT_EQ(server.remoteAnswer("nope", Side::Agent, "v=0"), std::string("the session has no server media leg"));
  ASSERT_EQ(server.openSimulated("s-3", "", false, "agent", "caller").error, "");
  auto why = server.remoteAnswer("s-3", Side::Agent, "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n");
  ASSERT_TRUE(why);
  EXPECT_EQ(server.stats("s-3")->at("state"), "failed");
  EXPECT_NE(server.stats("s-3")->at("error").get<std::string>().find("no audio"), std::string::npos);
  // Re-opening (a new agent) starts a fresh leg and counts it.
  ASSERT_EQ(server.openSimulated("s-3", "", false, "agent", "caller").error, "");
  EXPECT_EQ(server.stats("s-3")->at("legs"), 2);
  EXPECT_EQ(server.stats("s-3")->at("state"), "new");
  EXPECT_FALSE(server.checkAudioFile("/etc/passwd").empty());
  EXPECT_FALSE(server.stats("never"));
  server.closeAll();
  EXPECT_EQ(server.openLegs(), 0u);
}

TEST_F(MediaServerTest, AFullPortRangeIsAClearError) {
  boost::asio::io_context io;
  MediaServer::Options o = options();
  // Hold the only port of the range ourselves.
  udp::socket holder(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  o.portMin = o.portMax = holder.local_endpoint().port();
  MediaServer server(io, o);
  auto opened = server.openSimulated("s-4", "", false, "agent", "caller");
  EXPECT_TRUE(opened.sdp.empty());
  EXPECT_NE(opened.error.find("no free UDP port"), std::string::npos) << opened.error;
  EXPECT_EQ(server.stats("s-4")->at("state"), "failed");
}

// --- the stats of closed legs (GET /sim/sessions/<id> `media`) -------------------------------------

// Legs that cannot open (maxLegs reached) still leave stats behind, without a socket: the cheap way
// to make many sessions. Their warnings are silenced.
class MediaStatsMemoryTest : public MediaServerTest {
 protected:
  void SetUp() override {
    mLevel = spdlog::get_level();
    spdlog::set_level(spdlog::level::err);
  }
  void TearDown() override { spdlog::set_level(mLevel); }
  static std::string id(int n) { return "s-" + std::to_string(n); }
  spdlog::level::level_enum mLevel{};
};

TEST_F(MediaStatsMemoryTest, TheLongestClosedGoFirstAndOpenLegsStay) {
  boost::asio::io_context io;
  MediaServer::Options o = options();
  o.maxStats = 4;
  o.maxLegs = 2;
  MediaServer server(io, o);
  ASSERT_EQ(server.openSimulated("live-1", "", false, "agent", "caller").error, "");
  ASSERT_EQ(server.openSimulated("live-2", "", false, "agent", "caller").error, "");
  for (int n = 0; n < 10; ++n)
    EXPECT_FALSE(server.openSimulated(id(n), "", false, "agent", "caller").error.empty());  // no leg left
  // Four remembered: the two open legs and the two sessions that failed last, not any two.
  EXPECT_EQ(server.rememberedStats(), 4u);
  EXPECT_TRUE(server.stats("live-1"));
  EXPECT_TRUE(server.stats("live-2"));
  EXPECT_TRUE(server.stats(id(8)));
  EXPECT_TRUE(server.stats(id(9)));
  for (int n = 0; n < 8; ++n) EXPECT_FALSE(server.stats(id(n))) << id(n);
  // Order is by closing time: live-1 opened first but closed last, so s-8 goes before it.
  server.close("live-1");
  ASSERT_EQ(server.openSimulated("live-3", "", false, "agent", "caller").error, "");
  EXPECT_EQ(server.rememberedStats(), 4u);
  EXPECT_FALSE(server.stats(id(8)));
  EXPECT_TRUE(server.stats(id(9)));
  EXPECT_EQ(server.stats("live-1")->at("state"), "closed");
  EXPECT_TRUE(server.stats("live-2"));
  EXPECT_TRUE(server.stats("live-3"));
  server.openSimulated(id(10), "", false, "agent", "caller");  // s-9 goes
  server.openSimulated(id(11), "", false, "agent", "caller");  // then live-1
  EXPECT_FALSE(server.stats(id(9)));
  EXPECT_FALSE(server.stats("live-1"));
  EXPECT_TRUE(server.stats(id(10)));
  EXPECT_TRUE(server.stats(id(11)));
  EXPECT_EQ(server.rememberedStats(), 4u);
  server.closeAll();
}

TEST_F(MediaStatsMemoryTest, ClosedStatsExpireAfterTheRetentionTime) {
  boost::asio::io_context io;
  std::int64_t now = 1'000'000;
  MediaServer::Options o = options();
  o.maxLegs = 0;
  o.clockMs = [&] { return now; };
  MediaServer server(io, o);
  const std::int64_t minute = 60'000;
  server.openSimulated("a", "", false, "agent", "caller");
  now += 5 * minute;
  server.openSimulated("b", "", false, "agent", "caller");
  now += 5 * minute;  // "a" closed exactly 10 minutes ago: still there
  server.openSimulated("c", "", false, "agent", "caller");
  EXPECT_TRUE(server.stats("a"));
  now += 1;
  server.openSimulated("d", "", false, "agent", "caller");
  EXPECT_FALSE(server.stats("a"));
  EXPECT_TRUE(server.stats("b"));
  now += 5 * minute;
  server.openSimulated("e", "", false, "agent", "caller");
  EXPECT_FALSE(server.stats("b"));
  EXPECT_TRUE(server.stats("c"));
  EXPECT_EQ(server.rememberedStats(), 3u);  // c, d, e
}

TEST_F(MediaStatsMemoryTest, AReopenedSessionIsNotForgottenForItsEarlierClose) {
  boost::asio::io_context io;
  MediaServer::Options o = options();
  o.maxStats = 1;
  o.maxLegs = 2;
  MediaServer server(io, o);
  ASSERT_EQ(server.openSimulated("x", "", false, "agent", "caller").error, "");
  server.close("x");  // queued for eviction…
  ASSERT_EQ(server.openSimulated("x", "", false, "agent", "caller").error,
            "");  // …and open again: that queue entry is stale
  ASSERT_EQ(server.openSimulated("y", "", false, "agent", "caller").error, "");
  for (int n = 0; n < 20; ++n) EXPECT_FALSE(server.openSimulated(id(n), "", false, "agent", "caller").error.empty());
  // Open legs' stats stay, even beyond maxStats; of the closed ones only the latest.
  ASSERT_TRUE(server.stats("x"));
  EXPECT_EQ(server.stats("x")->at("legs"), 2);
  EXPECT_NE(server.stats("x")->at("state"), "closed");
  EXPECT_TRUE(server.stats("y"));
  EXPECT_TRUE(server.stats(id(19)));
  EXPECT_EQ(server.rememberedStats(), 3u);
  server.closeAll();
}

// pruneStats used to scan every remembered session on each new leg once 1,000 were remembered:
// 20,000 legs cost about 30 million steps (5 % of the server's CPU in bench/load.mjs). Now each
// closed session is queued once and looked at about once, also when one session is reopened over
// and over while the others wait for their turn.
TEST_F(MediaStatsMemoryTest, EvictionCostsAboutOneStepPerLeg) {
  boost::asio::io_context io;
  MediaServer::Options o = options();
  o.maxLegs = 0;
  MediaServer server(io, o);
  const int legs = 20000;
  for (int n = 0; n < legs; ++n) {
    server.openSimulated(id(n), "", false, "agent", "caller");
    if (n % 2 == 0) server.openSimulated("again", "", false, "agent", "caller");
  }
  EXPECT_EQ(server.rememberedStats(), o.maxStats);
  EXPECT_TRUE(server.stats("again"));
  EXPECT_EQ(server.stats("again")->at("legs"), legs / 2);
  EXPECT_TRUE(server.stats(id(legs - 1)));
  EXPECT_FALSE(server.stats(id(legs - static_cast<int>(o.maxStats))));
  const std::uint64_t opened = legs + legs / 2;
  EXPECT_LE(server.statsEvictionSteps(), 4 * opened) << "stats eviction is not O(1) per leg";
}

}  // namespace
}  // namespace tccc::server::media
