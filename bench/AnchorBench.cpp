// SPDX-License-Identifier: Apache-2.0
// Anchored calls per core (issue 13): the real media plane relaying N concurrent calls on ONE media
// thread, with every call recorded (CallTap -> CallRecorder -> Ogg Opus files on disk, catalogue
// rows in SQLite) and again with recording off, to show what the relay alone costs. ASR is off.
//
// Each call is a customer browser that offers (MediaServer::answer, Side::Far) and an agent browser
// that answers the server's offer (MediaServer::offer + remoteAnswer, Side::Agent). The browsers
// are simulated in a CHILD PROCESS, so that the server process's CPU and RSS are the media plane's
// alone: each does a STUN check with USE-CANDIDATE, a DTLS-SRTP handshake as the client and then
// sends a pre-encoded 20 ms Opus frame (a looped 440 Hz tone) every 20 ms with proper RTP numbering;
// what the server forwards is counted (and one packet in 64 decrypted as a check).
//
// Per step (N concurrent calls), over the measurement window:
//   media-thread CPU   pthread_getcpuclockid() of the thread running the media io_context
//   server CPU         CLOCK_PROCESS_CPUTIME_ID of the server process (media + recording threads:
//                      disk writer, CDR/catalogue writer; + the signalling thread)
//   RSS per call       VmRSS of the server process (/proc/self/status) after the step minus before
//                      the first call, divided by N
//   forwarded pkt/s    sum of the server legs' packetsOut (MediaServer::stats)
//   loss               1 - packets the browsers received / packets their peers sent
// and the calls one core would carry at 100%, extrapolated linearly from that step.
//
//   tccc_anchor_bench [--calls 100,250,500] [--seconds 10] [--record both|on|off]
//
// The stereo mix made when a recorded call ends is not part of a concurrent call's cost and is off
// here (it would only slow the teardown down); per-participant files are written as in production.
#include "calltap/CallTap.hpp"
#include "config/FileDescriptorLimit.hpp"
#include "media/MediaServer.hpp"
#include "push/CdrWriter.hpp"
#include "recording/CallRecorder.hpp"
#include "recording/RecordUrlSigner.hpp"
#include "recording/RecordingCatalog.hpp"
#include "recording/RecordingDiskWriter.hpp"
#include "recording/StereoExport.hpp"
#include "rtc/DtlsIdentity.hpp"
#include "rtc/DtlsTransport.hpp"
#include "rtc/RtpHeader.hpp"
#include "rtc/SrtpSession.hpp"
#include "rtc/StunMessage.hpp"
#include "store/SqliteStore.hpp"

#include <opus/opus.h>
#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>

#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace tccc::server;
using namespace tccc::server::media;
using namespace tccc::rtc;
using boost::asio::ip::udp;
using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kSdkAppId = 1400000001;
constexpr std::size_t kChunk = 25;  // calls set up per round trip with the browsers

// --- small helpers ---------------------------------------------------------------------------------

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double cpuSeconds(clockid_t clock) {
  timespec ts{};
  if (clock_gettime(clock, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long rssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

/// The host's UDP datagrams dropped for a full receive buffer (all processes: /proc/net/snmp).
std::uint64_t udpRcvbufErrors() {
  std::ifstream in("/proc/net/snmp");
  std::string header, values;
  while (std::getline(in, header)) {
    if (header.rfind("Udp:", 0) != 0 || !std::getline(in, values)) continue;
    std::istringstream h(header), v(values);
    std::string name, value;
    while (h >> name && v >> value)
      if (name == "RcvbufErrors") return std::stoull(value);
  }
  return 0;
}

/// Seconds thread `tid` of this process has waited on a run queue (runnable, no CPU free).
double runQueueWait(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/schedstat");
  unsigned long long run = 0, wait = 0;
  in >> run >> wait;
  return static_cast<double>(wait) / 1e9;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

std::string sdpValue(const std::string& sdp, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(sdp, m, std::regex(pattern))) return "";
  return m[1];
}

// SDPs travel between the processes as one word of a line: CRLF <-> '|', space <-> '^'.
std::string flatten(const std::string& sdp) {
  std::string out;
  for (std::size_t i = 0; i < sdp.size(); ++i) {
    if (sdp[i] == '\r' && i + 1 < sdp.size() && sdp[i + 1] == '\n') {
      out += '|';
      ++i;
    } else {
      out += sdp[i] == ' ' ? '^' : sdp[i];
    }
  }
  return out;
}
std::string unflatten(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\r\n") : std::string(1, c == '^' ? ' ' : c);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

void writeAll(int fd, const std::string& text) {
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(std::string("pipe to the browsers: ") + std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

std::string randomAlnum(std::mt19937& rng, std::size_t n) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += kChars[rng() % (sizeof kChars - 1)];
  return s;
}

// =================================================================================================
// The browsers (child process)
// =================================================================================================

/// One second of a 440 Hz tone as 50 Opus frames of 20 ms, looped by every browser.
std::vector<Bytes> encodeTone() {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || !enc) throw std::runtime_error("opus_encoder_create failed");
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
  std::vector<Bytes> frames;
  for (int f = 0; f < 50; ++f) {
    opus_int16 pcm[960];
    for (int i = 0; i < 960; ++i)
      pcm[i] = static_cast<opus_int16>(8000 * std::sin(2 * M_PI * 440 * (f * 960 + i) / 48000.0));
    unsigned char out[1500];
    int n = opus_encode(enc, pcm, 960, out, sizeof out);
    if (n <= 0) throw std::runtime_error("opus_encode failed");
    frames.emplace_back(out, out + n);
  }
  opus_encoder_destroy(enc);
  return frames;
}

struct Counters {
  std::uint64_t sent = 0;  // RTP sent while both browsers of the call were connected
  std::uint64_t received = 0;
  std::uint64_t sampled = 0, sampleBad = 0;  // decrypted checks of what arrived
  std::uint64_t sendFailed = 0;              // sendto errors (not counted as sent)
};

class Browser : public std::enable_shared_from_this<Browser> {
 public:
  Browser(boost::asio::io_context& io, const std::vector<Bytes>& tone, Counters& counters, std::mt19937& rng)
      : mSocket(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        mTone(tone),
        mCounters(counters),
        mDtls(mIdentity) {
    mUfrag = randomAlnum(rng, 8);
    mPwd = randomAlnum(rng, 24);
    mSeq = static_cast<std::uint16_t>(rng());
    mTs = rng();
    mSsrc = rng() | 1;
    mFrame = rng() % tone.size();
    boost::system::error_code ec;
    mSocket.non_blocking(true, ec);
  }

  /// A Chrome-like audio-only description: the customer's offer (actpass) or the agent's answer (active).
  std::string description(const std::string& setup) const {
    return "v=0\r\no=- " + std::to_string(mSsrc) +
           " 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic: WMS\r\n"
           "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
           "a=ice-ufrag:" +
           mUfrag + "\r\na=ice-pwd:" + mPwd + "\r\na=ice-options:trickle\r\na=fingerprint:sha-256 " +
           mIdentity.fingerprint() + "\r\na=setup:" + setup +
           "\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
           "a=fmtp:111 minptime=10;useinbandfec=1\r\na=ssrc:" +
           std::to_string(mSsrc) + " cname:anchorbench\r\n";
  }

  /// The server's SDP (its answer or offer): where to check and whom to trust. False if unusable.
  bool setServer(const std::string& sdp) {
    std::string port = sdpValue(sdp, "m=audio (\\d+) ");
    mServerUfrag = sdpValue(sdp, "a=ice-ufrag:(\\S+)");
    mServerPwd = sdpValue(sdp, "a=ice-pwd:(\\S+)");
    std::string fp = sdpValue(sdp, "a=fingerprint:sha-256 (\\S+)");
    if (port.empty() || mServerUfrag.empty() || mServerPwd.empty() || fp.empty()) return false;
    mServer = udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(std::stoi(port)));
    mDtls.setRemoteFingerprint("sha-256", fp);
    return true;
  }

  void start(std::shared_ptr<Browser> peer) {
    mPeer = peer;
    mStarted = true;
    receive();
    check();
  }

  /// Every 20 ms until connected: the STUN check again until answered, DTLS retransmissions.
  void handshakeTick(std::chrono::steady_clock::time_point now) {
    if (!mStarted || mConnected || mClosed) return;
    if (!mChecked) {
      if (now - mLastCheck > std::chrono::milliseconds(200)) check();
      return;
    }
    mDtls.onTimer();
    flushDtls();
  }

  /// Every 20 ms once connected (staggered by the caller): the next frame.
  void sendFrame() {
    if (!mConnected || mClosed) return;
    auto peer = mPeer.lock();
    if (!peer || !peer->mConnected) return;
    const Bytes& opus = mTone[mFrame];
    mFrame = (mFrame + 1) % mTone.size();
    RtpHeader h;
    h.payloadType = 111;
    h.sequence = mSeq++;
    h.timestamp = mTs;
    mTs += 960;
    h.ssrc = mSsrc;
    mPacket.clear();
    h.write(mPacket);
    mPacket.insert(mPacket.end(), opus.begin(), opus.end());
    if (!mOut->protectRtp(mPacket)) return;
    if (send(mPacket))
      ++mCounters.sent;
    else
      ++mCounters.sendFailed;
  }

  void close() {
    mClosed = true;
    boost::system::error_code ec;
    mSocket.close(ec);
  }

  bool connected() const { return mConnected; }
  bool failed() const { return mDtls.state() == DtlsTransport::State::Failed; }

 private:
  bool send(const Bytes& b) {
    boost::system::error_code ec;
    mSocket.send_to(boost::asio::buffer(b), mServer, 0, ec);
    return !ec;
  }

  void check() {
    mLastCheck = std::chrono::steady_clock::now();
    std::array<std::uint8_t, 12> tid{};
    for (auto& b : tid) b = static_cast<std::uint8_t>(std::rand());
    StunMessage::Builder b(StunMessage::kBindingRequest, tid);
    b.add(StunMessage::kAttrUsername, mServerUfrag + ":" + mUfrag)
        .add(StunMessage::kAttrPriority, std::string("\x6e\x00\x01\xff", 4))
        .add(StunMessage::kAttrIceControlling, std::string(8, '\x01'))
        .add(StunMessage::kAttrUseCandidate, "");
    send(b.addIntegrity(mServerPwd).addFingerprint().take());
  }

  void flushDtls() {
    for (auto& d : mDtls.takeOutgoing()) send(d);
    if (mDtls.state() == DtlsTransport::State::Connected && !mOut) {
      auto keys = *mDtls.srtpKeys();
      mOut = std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, keys.local);
      mIn = std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, keys.remote);
      mConnected = true;
    }
  }

  void receive() {
    if (mClosed) return;
    auto self = shared_from_this();
    mSocket.async_receive_from(boost::asio::buffer(mRx), mFrom,
                               [self](const boost::system::error_code& ec, std::size_t n) {
                                 if (self->mClosed || ec == boost::asio::error::operation_aborted) return;
                                 if (!ec) self->onDatagram(n);
                                 self->receive();
                               });
  }

  void onDatagram(std::size_t n) {
    const std::uint8_t* data = mRx.data();
    switch (classifyPacket(data, n)) {
      case PacketKind::Stun: {
        auto msg = StunMessage::decode(data, n);
        if (msg && msg->type == StunMessage::kBindingSuccess && !mChecked) {
          mChecked = true;
          mDtls.start(DtlsTransport::Role::Client);  // the server answered/offered passive or actpass
          flushDtls();
        }
        break;
      }
      case PacketKind::Dtls:
        mDtls.onData(data, n);
        flushDtls();
        break;
      case PacketKind::Rtp:
        ++mCounters.received;
        if (mIn && (++mRtpSeen & 63) == 1) {  // check one in 64: it decrypts to our Opus payload type
          mSample.assign(data, data + n);
          ++mCounters.sampled;
          auto h = mIn->unprotectRtp(mSample) ? RtpHeader::read(mSample.data(), mSample.size()) : std::nullopt;
          if (!h || h->payloadType != 111 || h->payloadSize == 0) ++mCounters.sampleBad;
        }
        break;
      default:
        break;
    }
  }

  DtlsIdentity mIdentity;  // each browser has a certificate of its own
  udp::socket mSocket;
  udp::endpoint mServer;
  const std::vector<Bytes>& mTone;
  Counters& mCounters;
  DtlsTransport mDtls;
  std::unique_ptr<SrtpSession> mOut, mIn;
  std::weak_ptr<Browser> mPeer;
  std::string mUfrag, mPwd, mServerUfrag, mServerPwd;
  bool mStarted = false, mChecked = false, mConnected = false, mClosed = false;
  std::chrono::steady_clock::time_point mLastCheck{};
  std::uint16_t mSeq = 0;
  std::uint32_t mTs = 0, mSsrc = 0;
  std::size_t mFrame = 0;
  std::uint64_t mRtpSeen = 0;
  Bytes mPacket, mSample;
  std::array<std::uint8_t, 2048> mRx{};
  udp::endpoint mFrom;
};

/// The browsers' process: one io_context on one thread, commands from the server process on `fd`.
///   NEW <i>                        -> OFFER <i> <customer offer>
///   GO <i> <far answer> <offer>    -> ANSWER <i> <agent answer>   (both browsers start connecting)
///   SNAP                           -> SNAP <connected> <failed> <sent> <received> <sampled> <bad> <cpu s> <rss KB>
///                                          <send errors>
///   CLOSE                          -> CLOSED                       (every browser goes)
///   QUIT / EOF                     -> exit
int browsersMain(int fd) {
  ::signal(SIGPIPE, SIG_IGN);
  try {
    const auto tone = encodeTone();
    boost::asio::io_context io;
    Counters counters;
    std::mt19937 rng(std::random_device{}());
    std::srand(static_cast<unsigned>(rng()));
    struct Call {
      std::shared_ptr<Browser> customer, agent;
    };
    std::vector<Call> calls;
    // 10 send slots of 2 ms: browser k sends in slot k % 10, so 20 ms of frames are spread evenly.
    constexpr int kSlots = 10;
    std::array<std::vector<std::shared_ptr<Browser>>, kSlots> slots;
    std::size_t browsers = 0;

    boost::asio::steady_timer ticker(io);
    auto next = std::chrono::steady_clock::now();
    std::uint64_t tick = 0;
    std::function<void()> arm = [&] {
      next += std::chrono::milliseconds(2);
      ticker.expires_at(next);
      ticker.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        const int slot = static_cast<int>(tick++ % kSlots);
        for (auto& b : slots[static_cast<std::size_t>(slot)]) b->sendFrame();
        if (slot == 0) {
          const auto now = std::chrono::steady_clock::now();
          for (auto& c : calls) {
            if (c.customer) c.customer->handshakeTick(now);
            if (c.agent) c.agent->handshakeTick(now);
          }
        }
        arm();
      });
    };
    arm();

    boost::asio::posix::stream_descriptor pipe(io, fd);
    boost::asio::streambuf buffer;
    std::function<void()> readCommand;
    bool quit = false;
    auto reply = [&](const std::string& line) { writeAll(fd, line + "\n"); };
    auto handle = [&](const std::string& line) {
      auto w = split(line);
      if (w.empty()) return;
      if (w[0] == "NEW" && w.size() == 2) {
        std::size_t i = std::stoul(w[1]);
        if (calls.size() <= i) calls.resize(i + 1);
        calls[i].customer = std::make_shared<Browser>(io, tone, counters, rng);
        calls[i].agent = std::make_shared<Browser>(io, tone, counters, rng);
        slots[browsers++ % kSlots].push_back(calls[i].customer);
        slots[browsers++ % kSlots].push_back(calls[i].agent);
        reply("OFFER " + w[1] + " " + flatten(calls[i].customer->description("actpass")));
      } else if (w[0] == "GO" && w.size() == 4) {
        std::size_t i = std::stoul(w[1]);
        Call& c = calls.at(i);
        if (!c.customer->setServer(unflatten(w[2])) || !c.agent->setServer(unflatten(w[3]))) {
          reply("ERROR cannot read the server's SDP for call " + w[1]);
          return;
        }
        reply("ANSWER " + w[1] + " " + flatten(c.agent->description("active")));
        c.customer->start(c.agent);
        c.agent->start(c.customer);
      } else if (w[0] == "SNAP") {
        std::size_t connected = 0, failed = 0;
        for (auto& c : calls)
          for (auto* b : {c.customer.get(), c.agent.get()})
            if (b) {
              connected += b->connected();
              failed += b->failed();
            }
        char text[256];
        std::snprintf(
            text, sizeof text, "SNAP %zu %zu %llu %llu %llu %llu %.6f %ld %llu", connected, failed,
            static_cast<unsigned long long>(counters.sent), static_cast<unsigned long long>(counters.received),
            static_cast<unsigned long long>(counters.sampled), static_cast<unsigned long long>(counters.sampleBad),
            cpuSeconds(CLOCK_PROCESS_CPUTIME_ID), rssKb(), static_cast<unsigned long long>(counters.sendFailed));
        reply(text);
      } else if (w[0] == "CLOSE") {
        for (auto& c : calls) {
          if (c.customer) c.customer->close();
          if (c.agent) c.agent->close();
        }
        calls.clear();
        for (auto& s : slots) s.clear();
        browsers = 0;
        counters = Counters{};
        reply("CLOSED");
      } else if (w[0] == "QUIT") {
        quit = true;
      }
    };
    readCommand = [&] {
      boost::asio::async_read_until(pipe, buffer, '\n', [&](const boost::system::error_code& ec, std::size_t n) {
        if (ec) {  // the server process is gone
          io.stop();
          return;
        }
        std::string line(boost::asio::buffers_begin(buffer.data()),
                         boost::asio::buffers_begin(buffer.data()) + static_cast<std::ptrdiff_t>(n));
        buffer.consume(n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        handle(line);
        if (quit) {
          io.stop();
          return;
        }
        readCommand();
      });
    };
    readCommand();
    io.run();
    pipe.release();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tccc_anchor_bench (browsers): %s\n", e.what());
    return 1;
  }
  return 0;
}

// =================================================================================================
// The server (parent process)
// =================================================================================================

/// Line-oriented talk with the browsers' process, pumping the signalling io_context while waiting.
class BrowserLink {
 public:
  BrowserLink(int fd, boost::asio::io_context*& signalling) : mFd(fd), mSignalling(signalling) {}

  void send(const std::string& line) { writeAll(mFd, line + "\n"); }

  std::string receive(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto nl = mBuffer.find('\n');
      if (nl != std::string::npos) {
        std::string line = mBuffer.substr(0, nl);
        mBuffer.erase(0, nl + 1);
        if (line.rfind("ERROR ", 0) == 0) throw std::runtime_error("browsers: " + line.substr(6));
        return line;
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("the browsers' process does not answer");
      pump(std::chrono::milliseconds(0));
      pollfd p{mFd, POLLIN, 0};
      int r = ::poll(&p, 1, 5);
      if (r > 0) {
        char buf[65536];
        ssize_t n = ::read(mFd, buf, sizeof buf);
        if (n <= 0) throw std::runtime_error("the browsers' process exited");
        mBuffer.append(buf, static_cast<std::size_t>(n));
      }
    }
  }

  /// Runs the signalling io_context's ready handlers for `d` (the server's signalling thread is
  /// this one: MediaServer's public methods and the recorder's catalogue work both run here).
  void pump(std::chrono::milliseconds d) {
    if (!mSignalling) {
      if (d.count()) std::this_thread::sleep_for(d);
      return;
    }
    mSignalling->restart();
    if (d.count())
      mSignalling->run_for(d);
    else
      mSignalling->poll();
  }

 private:
  int mFd;
  boost::asio::io_context*& mSignalling;
  std::string mBuffer;
};

struct ClientSnap {
  std::size_t connected = 0, failed = 0;
  std::uint64_t sent = 0, received = 0, sampled = 0, sampleBad = 0, sendFailed = 0;
  double cpu = 0;
  long rssKb = 0;
};

ClientSnap snapBrowsers(BrowserLink& link) {
  link.send("SNAP");
  auto w = split(link.receive());
  if (w.size() != 10 || w[0] != "SNAP") throw std::runtime_error("unexpected reply from the browsers");
  ClientSnap s;
  s.connected = std::stoul(w[1]);
  s.failed = std::stoul(w[2]);
  s.sent = std::stoull(w[3]);
  s.received = std::stoull(w[4]);
  s.sampled = std::stoull(w[5]);
  s.sampleBad = std::stoull(w[6]);
  s.cpu = std::stod(w[7]);
  s.rssKb = std::stol(w[8]);
  s.sendFailed = std::stoull(w[9]);
  return s;
}

struct ServerSnap {
  double wall = 0, process = 0, media = 0, signalling = 0, mediaWait = 0;
  std::uint64_t rcvbufErrors = 0;
  std::uint64_t packetsIn = 0, packetsOut = 0, dropped = 0;
  std::size_t connectedLegs = 0;
  std::vector<std::string> notConnected;
};

struct StepResult {
  std::size_t calls = 0;
  double callsPerCoreMedia = 0, callsPerCoreServer = 0;
};

struct Args {
  std::vector<std::size_t> calls = {100, 250, 500};
  int seconds = 10;
  bool recordOn = true, recordOff = true;
};

class Variant {
 public:
  Variant(const Args& args, bool record, const fs::path& dir, BrowserLink& link, boost::asio::io_context*& sigSlot)
      : mArgs(args), mRecord(record), mDir(dir), mLink(link), mSigSlot(sigSlot) {}

  std::vector<StepResult> run() {
    boost::asio::io_context signalling;
    auto signallingWork = boost::asio::make_work_guard(signalling);  // run_for() waits out its time
    mSigSlot = &signalling;
    struct Unset {
      boost::asio::io_context*& slot;
      ~Unset() { slot = nullptr; }
    } unset{mSigSlot};

    // --- the recording pipeline, built as server/main.cpp builds it ---
    std::unique_ptr<SqliteStore> store;
    std::unique_ptr<CdrWriter> writer;
    std::unique_ptr<RecordUrlSigner> signer;
    std::unique_ptr<RecordingCatalog> catalog;
    std::unique_ptr<RecordingDiskWriter> disk;
    std::unique_ptr<StereoExporter> exporter;
    std::unique_ptr<CallRecorder> recorder;
    std::unique_ptr<CallTap> tap;
    if (mRecord) {
      const std::string db = (mDir / "tccc.db").string();
      store = std::make_unique<SqliteStore>(db);  // makes the schema
      writer = std::make_unique<CdrWriter>(signalling, db, nullptr, wallMs);
      signer = std::make_unique<RecordUrlSigner>(std::string(64, 'a'), "http://127.0.0.1:8080");
      catalog = std::make_unique<RecordingCatalog>(*writer, *signer, false, wallMs);
      disk = std::make_unique<RecordingDiskWriter>();
      exporter = std::make_unique<StereoExporter>();
      CallRecorder::Options ro;
      ro.enabled = true;
      ro.dir = (mDir / "recordings").string();
      ro.stereoMix = false;
      recorder = std::make_unique<CallRecorder>(signalling.get_executor(), *catalog, *disk, *exporter, ro);
      tap = std::make_unique<CallTap>(recorder.get(), nullptr, signalling.get_executor(), CallTap::AsrHandler{});
    }
    mTap = tap.get();

    // --- the media plane on one thread: "a core" ---
    boost::asio::io_context mediaIo;
    auto mediaWork = boost::asio::make_work_guard(mediaIo);
    std::atomic<pid_t> mediaTid{0};
    std::thread mediaThread([&mediaIo, &mediaTid] {
      mediaTid = static_cast<pid_t>(::syscall(SYS_gettid));
      mediaIo.run();
    });
    while (!mediaTid) std::this_thread::yield();
    mMediaTid = mediaTid;
    clockid_t mediaClock{};
    if (pthread_getcpuclockid(mediaThread.native_handle(), &mediaClock) != 0)
      throw std::runtime_error("pthread_getcpuclockid failed");
    mMediaClock = mediaClock;
    struct Joiner {
      decltype(mediaWork)& work;
      std::thread& thread;
      ~Joiner() {
        work.reset();
        if (thread.joinable()) thread.join();
      }
    } joiner{mediaWork, mediaThread};

    const std::size_t maxCalls = *std::max_element(mArgs.calls.begin(), mArgs.calls.end());
    MediaServer::Options mo;
    mo.host = "127.0.0.1";
    mo.portMin = 42000;
    mo.portMax = static_cast<std::uint16_t>(std::max<std::size_t>(44999, 42000 + 3 * maxCalls));
    mo.maxLegs = 2 * maxCalls + 16;
    mo.maxStats = 2 * maxCalls + 16;
    mo.tap = tap.get();
    auto server = std::make_unique<MediaServer>(mediaIo, mo);
    mServer = server.get();
    mLink.pump(std::chrono::milliseconds(500));  // the built-in voice's warm-up thread, off the clock

    ::malloc_trim(0);  // what an earlier variant freed is given back, so this one's growth shows
    const long rssBase = rssKb();
    std::vector<StepResult> results;
    try {
      for (std::size_t target : mArgs.calls) {
        if (target < mIds.size()) continue;
        ramp(target);
        waitConnected(target);
        mLink.pump(std::chrono::seconds(1));  // settle
        results.push_back(measure(target, rssBase, recorder.get()));
      }
    } catch (...) {
      teardown(server, recorder.get(), writer.get(), signalling);
      throw;
    }
    teardown(server, recorder.get(), writer.get(), signalling);
    // The pipeline goes in reverse order of construction (the unique_ptrs' own order would too).
    tap.reset();
    recorder.reset();
    exporter.reset();
    disk.reset();
    signalling.restart();
    signalling.poll();
    catalog.reset();
    writer.reset();
    store.reset();
    return results;
  }

 private:
  std::string id(std::size_t i) const {
    return std::string("anchor-") + (mRecord ? "rec-" : "relay-") + std::to_string(i);
  }

  void ramp(std::size_t target) {
    while (mIds.size() < target) {
      const std::size_t first = mIds.size();
      const std::size_t n = std::min(kChunk, target - first);
      for (std::size_t k = 0; k < n; ++k) mLink.send("NEW " + std::to_string(first + k));
      std::vector<std::string> offers(n);
      for (std::size_t k = 0; k < n; ++k) {
        auto w = split(mLink.receive());
        if (w.size() != 3 || w[0] != "OFFER") throw std::runtime_error("unexpected reply from the browsers");
        offers[std::stoul(w[1]) - first] = unflatten(w[2]);
      }
      for (std::size_t k = 0; k < n; ++k) {
        const std::string sessionId = id(first + k);
        mIds.push_back(sessionId);
        // What the contact center does when the call connects: recorded, not transcribed.
        if (auto* t = tapOf()) t->configure(sessionId, kSdkAppId, true, false);
        auto far = mServer->answer(sessionId, Side::Far, offers[k], "cust");
        if (!far.error.empty()) throw std::runtime_error("answer(Far) for " + sessionId + ": " + far.error);
        auto agent = mServer->offer(sessionId, Side::Agent, false, "agent");
        if (!agent.error.empty()) throw std::runtime_error("offer(Agent) for " + sessionId + ": " + agent.error);
        mLink.send("GO " + std::to_string(first + k) + " " + flatten(far.sdp) + " " + flatten(agent.sdp));
      }
      for (std::size_t k = 0; k < n; ++k) {
        auto w = split(mLink.receive());
        if (w.size() != 3 || w[0] != "ANSWER") throw std::runtime_error("unexpected reply from the browsers");
        const std::size_t i = std::stoul(w[1]);
        if (auto why = mServer->remoteAnswer(id(i), Side::Agent, unflatten(w[2])))
          throw std::runtime_error("remoteAnswer(Agent) for " + id(i) + ": " + *why);
      }
      mLink.pump(std::chrono::milliseconds(20));  // ~1,250 calls/s at most: handshakes do not pile up
    }
  }

  CallTap* tapOf() const { return mTap; }

  void waitConnected(std::size_t target) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    ClientSnap c;
    for (;;) {
      c = snapBrowsers(mLink);
      if (c.connected == 2 * target || std::chrono::steady_clock::now() > deadline) break;
      mLink.pump(std::chrono::milliseconds(100));
    }
    auto s = serverSnap();
    if (c.connected != 2 * target || s.connectedLegs != 2 * target) {
      std::string some;
      for (std::size_t i = 0; i < s.notConnected.size() && i < 5; ++i) some += " " + s.notConnected[i];
      std::printf(
          "WARNING: after 30 s only %zu/%zu browsers and %zu/%zu server legs are connected (%zu browsers' DTLS "
          "failed); not connected:%s\n",
          c.connected, 2 * target, s.connectedLegs, 2 * target, c.failed, some.c_str());
      std::fflush(stdout);
    }
  }

  ServerSnap serverSnap() {
    ServerSnap s;
    for (const auto& sessionId : mIds) {
      auto j = mServer->stats(sessionId);
      if (!j) continue;
      for (const auto* leg : {&*j, j->contains("far") ? &(*j)["far"] : nullptr}) {
        if (!leg) continue;
        s.packetsIn += (*leg)["packetsIn"].get<std::uint64_t>();
        s.packetsOut += (*leg)["packetsOut"].get<std::uint64_t>();
        s.dropped += (*leg)["dropped"].get<std::uint64_t>();
        if ((*leg)["state"] == "connected")
          ++s.connectedLegs;
        else
          s.notConnected.push_back(sessionId + (leg == &*j ? "/agent:" : "/far:") + (*leg)["state"].get<std::string>());
      }
    }
    return s;
  }

  ServerSnap cpuSnap(clockid_t media) {
    ServerSnap s = serverSnap();
    s.wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    s.process = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
    s.media = cpuSeconds(media);
    s.signalling = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    s.mediaWait = runQueueWait(mMediaTid);
    s.rcvbufErrors = udpRcvbufErrors();
    return s;
  }

  StepResult measure(std::size_t calls, long rssBase, CallRecorder* recorder);

  void teardown(std::unique_ptr<MediaServer>& server, CallRecorder* recorder, CdrWriter* writer,
                boost::asio::io_context& signalling) {
    if (!server) return;
    server->closeAll();  // the taps hear ended(): each recorded participant's file is finished
    mLink.send("CLOSE");
    while (mLink.receive() != "CLOSED") {
    }
    if (recorder) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while ((recorder->health().active > 0 || recorder->health().diskQueueBytes > 0) &&
             std::chrono::steady_clock::now() < deadline)
        mLink.pump(std::chrono::milliseconds(50));
      mLink.pump(std::chrono::milliseconds(300));  // the catalogue rows, posted here
      auto h = recorder->health();
      if (writer) writer->flush();
      mLink.pump(std::chrono::milliseconds(100));
      if (h.failed || h.active) {
        std::printf("WARNING: recordings: %llu failed, %zu still active at the end (last error: %s)\n",
                    static_cast<unsigned long long>(h.failed), h.active, h.lastError.c_str());
      }
    }
    server.reset();
    mServer = nullptr;
    mIds.clear();
    mTap = nullptr;
    (void)signalling;
  }

  const Args& mArgs;
  bool mRecord;
  fs::path mDir;
  BrowserLink& mLink;
  boost::asio::io_context*& mSigSlot;
  MediaServer* mServer = nullptr;
  CallTap* mTap = nullptr;
  clockid_t mMediaClock{};
  pid_t mMediaTid = 0;
  std::vector<std::string> mIds;
};

StepResult Variant::measure(std::size_t calls, long rssBase, CallRecorder* recorder) {
  const auto c0 = snapBrowsers(mLink);
  const auto s0 = cpuSnap(mMediaClock);
  mLink.pump(std::chrono::seconds(mArgs.seconds));
  const auto s1 = cpuSnap(mMediaClock);
  const auto c1 = snapBrowsers(mLink);
  const long rss = rssKb();

  const double wall = s1.wall - s0.wall;
  const double n = static_cast<double>(calls);
  const double media = (s1.media - s0.media) / wall;                 // of one core
  const double process = (s1.process - s0.process) / wall;           // every server thread
  const double signalling = (s1.signalling - s0.signalling) / wall;  // this thread: mostly the bench's own polling
  const double server = std::max(media, process - signalling);       // media + recording threads
  const double mediaWait = (s1.mediaWait - s0.mediaWait) / wall;
  const double forwarded = static_cast<double>(s1.packetsOut - s0.packetsOut) / wall;
  const double received = static_cast<double>(s1.packetsIn - s0.packetsIn) / wall;
  const double sent = static_cast<double>(c1.sent - c0.sent);
  const double got = static_cast<double>(c1.received - c0.received);
  const double loss = sent > 0 ? std::max(0.0, 1.0 - got / sent) : 0.0;
  const double rssPerCall = static_cast<double>(rss - rssBase) / n;
  // Extrapolated per forwarded packet (a call is 2 x 50 packets/s): the same as calls / CPU share
  // when nothing is lost, and still right when a starved thread forwarded less than it was sent.
  const double usPerPacket = forwarded > 0 ? 1e6 * media / forwarded : 0.0;
  const double usPerPacketServer = forwarded > 0 ? 1e6 * server / forwarded : 0.0;

  StepResult r;
  r.calls = calls;
  r.callsPerCoreMedia = usPerPacket > 0 ? 1e6 / (usPerPacket * 100) : 0;
  r.callsPerCoreServer = usPerPacketServer > 0 ? 1e6 / (usPerPacketServer * 100) : 0;
  std::printf(
      "anchor calls=%zu record=%s media-thread CPU %.1f%% of a core (%.2f ms CPU/call/s, %.1f µs/packet) "
      "RSS %.0f KB/call forwarded %.0f pkt/s loss %.2f%% → ~%.0f calls/core at 100%%\n",
      calls, mRecord ? "on" : "off", 100 * media, 1000 * media / n, usPerPacket, rssPerCall, forwarded, 100 * loss,
      r.callsPerCoreMedia);
  std::printf(
      "    all server threads %.1f%% (media %.1f%% + recording/other threads %.1f%%, %.1f µs/packet) → ~%.0f "
      "calls/core; server got %.0f of %.0f pkt/s sent; legs dropped %llu datagrams; host UDP receive-buffer "
      "drops %llu\n",
      100 * server, 100 * media, 100 * (server - media), usPerPacketServer, r.callsPerCoreServer, received,
      static_cast<double>(c1.sent - c0.sent) / wall, static_cast<unsigned long long>(s1.dropped - s0.dropped),
      static_cast<unsigned long long>(s1.rcvbufErrors - s0.rcvbufErrors));
  std::printf(
      "    noise: media thread waited for a CPU %.1f%% of the time, load average %s; browsers: %zu/%zu connected, "
      "%llu/%llu sampled packets decrypted bad, %llu send errors, their CPU %.1f%% (other process); server RSS %ld "
      "MB\n",
      100 * mediaWait, loadAverage().c_str(), c1.connected, 2 * calls,
      static_cast<unsigned long long>(c1.sampleBad - c0.sampleBad),
      static_cast<unsigned long long>(c1.sampled - c0.sampled),
      static_cast<unsigned long long>(c1.sendFailed - c0.sendFailed), 100 * (c1.cpu - c0.cpu) / wall, rss / 1024);
  if (recorder) {
    auto h = recorder->health();
    std::printf("    recordings: %zu files being written, %llu failed, disk queue %zu KB%s%s\n", h.active,
                static_cast<unsigned long long>(h.failed), h.diskQueueBytes / 1024,
                h.lastError.empty() ? "" : ", last error: ", h.lastError.c_str());
  }
  std::fflush(stdout);
  return r;
}

/// What SRTP alone costs here (protect + unprotect of a 100-byte Opus packet with src/rtc/SrtpSession),
/// with one session pair and round-robin over 100 and 1,000 pairs (one pair per leg, as on the media
/// thread): every forwarded packet pays one unprotect and one protect.
void srtpCost() {
  RtpHeader h;
  h.payloadType = 111;
  h.ssrc = 1234;
  const Bytes payload(88, 0x5a);
  auto run = [&](std::size_t sessions) {
    std::vector<std::unique_ptr<SrtpSession>> out, in;
    for (std::size_t k = 0; k < sessions; ++k) {
      std::array<std::uint8_t, 30> key{};
      for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + k * 13 + 1);
      out.push_back(std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, key));
      in.push_back(std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, key));
    }
    constexpr std::size_t kPackets = 20000;
    std::vector<Bytes> packets(kPackets);
    for (std::size_t i = 0; i < kPackets; ++i) {
      h.sequence = static_cast<std::uint16_t>(i / sessions);
      h.timestamp = static_cast<std::uint32_t>(i / sessions * 960);
      h.write(packets[i]);
      packets[i].insert(packets[i].end(), payload.begin(), payload.end());
    }
    const double t0 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    for (std::size_t i = 0; i < kPackets; ++i) out[i % sessions]->protectRtp(packets[i]);
    const double t1 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    int bad = 0;
    for (std::size_t i = 0; i < kPackets; ++i) bad += !in[i % sessions]->unprotectRtp(packets[i]);
    const double t2 = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    std::printf("srtp (%zu session%s): protect %.2f µs + unprotect %.2f µs per 100-byte packet%s\n", sessions,
                sessions == 1 ? "" : "s, round robin", 1e6 * (t1 - t0) / kPackets, 1e6 * (t2 - t1) / kPackets,
                bad ? " — UNPROTECT FAILED" : "");
  };
  for (std::size_t n : {1, 100, 1000}) run(n);
  std::fflush(stdout);
}

std::vector<std::size_t> parseList(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoul(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--calls") {
        args.calls = parseList(value());
      } else if (a == "--seconds") {
        args.seconds = std::stoi(value());
      } else if (a == "--record") {
        std::string v = value();
        args.recordOn = v == "both" || v == "on";
        args.recordOff = v == "both" || v == "off";
        if (!args.recordOn && !args.recordOff) throw std::runtime_error("--record: both, on or off");
      } else {
        throw std::runtime_error("unknown option " + a +
                                 " (tccc_anchor_bench [--calls 100,250,500] [--seconds 10] [--record both|on|off])");
      }
    }
    if (args.calls.empty() || args.seconds <= 0 || *std::min_element(args.calls.begin(), args.calls.end()) == 0)
      throw std::runtime_error("--calls needs positive counts and --seconds a positive number");
    std::sort(args.calls.begin(), args.calls.end());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tccc_anchor_bench: %s\n", e.what());
    return 2;
  }
  const std::size_t maxCalls = args.calls.back();

  // Each call holds 2 server sockets here and 2 browser sockets in the child: raise the limit first
  // (the child inherits it).
  auto fds = FileDescriptorLimit::raiseFor(2 * maxCalls + 64);
  if (!fds.error.empty() || fds.soft < 2 * maxCalls + 128) {
    std::fprintf(stderr, "tccc_anchor_bench: %zu calls need %zu file descriptors, RLIMIT_NOFILE allows %llu%s%s\n",
                 maxCalls, 2 * maxCalls + 128, static_cast<unsigned long long>(fds.soft), fds.error.empty() ? "" : ": ",
                 fds.error.c_str());
    return 1;
  }

  // The browsers run in a process of their own, forked before any thread exists.
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
    std::perror("tccc_anchor_bench: socketpair");
    return 1;
  }
  std::fflush(stdout);
  pid_t child = ::fork();
  if (child < 0) {
    std::perror("tccc_anchor_bench: fork");
    return 1;
  }
  if (child == 0) {
    ::close(pair[0]);
    std::_Exit(browsersMain(pair[1]));
  }
  ::close(pair[1]);
  ::signal(SIGPIPE, SIG_IGN);
  spdlog::set_level(spdlog::level::warn);

  char pattern[] = "/tmp/tccc-anchor-bench-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  int status = 0;
  std::vector<std::pair<bool, std::vector<StepResult>>> all;
  if (!made) {
    std::perror("tccc_anchor_bench: mkdtemp");
    status = 1;
  } else {
    const fs::path dir = made;
    boost::asio::io_context* signalling = nullptr;
    BrowserLink link(pair[0], signalling);
    try {
      std::printf(
          "tccc_anchor_bench: one media thread, calls %s, %d s per step, browsers in process %d, data in %s\n",
          [&] {
            std::string s;
            for (auto n : args.calls) s += (s.empty() ? "" : ",") + std::to_string(n);
            return s;
          }()
              .c_str(),
          args.seconds, static_cast<int>(child), made);
      std::fflush(stdout);
      srtpCost();
      for (bool record : {true, false}) {
        if ((record && !args.recordOn) || (!record && !args.recordOff)) continue;
        Variant v(args, record, dir, link, signalling);
        all.emplace_back(record, v.run());
      }
      for (auto& [record, steps] : all) {
        if (steps.empty()) continue;
        const auto& top = steps.back();  // the largest step: fixed costs are spread the most
        std::printf(
            "calls per core (record %s): %.0f (all server threads, from %zu calls; the media thread alone: %.0f)\n",
            record ? "on" : "off", top.callsPerCoreServer, top.calls, top.callsPerCoreMedia);
      }
      link.send("QUIT");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "tccc_anchor_bench: %s\n", e.what());
      status = 1;
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  ::close(pair[0]);
  int childStatus = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::waitpid(child, &childStatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &childStatus, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status;
}
