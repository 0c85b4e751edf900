// SPDX-License-Identifier: Apache-2.0
// What the ASR tests share: audio scripts (tones, silence, espeak-ng speech) encoded to 20 ms Opus
// packets with RTP timestamps, fed to an AsrStream, and an executor thread that collects results.
#ifndef TCCC_TESTS_SERVER_ASR_ASRTESTSUPPORT_HPP
#define TCCC_TESTS_SERVER_ASR_ASRTESTSUPPORT_HPP

#include "asr/AsrStream.hpp"

#include <opus/opus.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tccc::server::asr::test {

constexpr int kRate48 = 48000;
constexpr int kPacketSamples = 960;  // 20 ms
/// The wall clock (ms) a test stream starts at: result times are checked against it.
constexpr std::int64_t kStart = 1'700'000'000'000;

/// 48 kHz mono PCM built piece by piece; remembers where each loud piece was placed.
struct AudioScript {
  std::vector<std::int16_t> samples;
  struct Placed {
    std::int64_t startMs, endMs;
  };
  std::vector<Placed> speech;

  AudioScript& silence(int ms) {
    samples.resize(samples.size() + static_cast<std::size_t>(kRate48 / 1000 * ms), 0);
    return *this;
  }
  /// A voiced-like tone: 200 Hz with harmonics, at about -20 dBFS.
  AudioScript& tone(int ms) {
    const std::size_t n = static_cast<std::size_t>(kRate48 / 1000 * ms);
    const std::int64_t start = static_cast<std::int64_t>(samples.size()) * 1000 / kRate48;
    for (std::size_t i = 0; i < n; ++i) {
      double t = static_cast<double>(i) / kRate48;
      double v =
          0.5 * std::sin(2 * M_PI * 200 * t) + 0.3 * std::sin(2 * M_PI * 400 * t) + 0.2 * std::sin(2 * M_PI * 800 * t);
      samples.push_back(static_cast<std::int16_t>(v * 6000));
    }
    speech.push_back({start, start + ms});
    return *this;
  }
  /// Speech (already 48 kHz); its placement is where it is louder than -40 dBFS.
  AudioScript& speak(const std::vector<std::int16_t>& pcm) {
    const std::size_t base = samples.size();
    samples.insert(samples.end(), pcm.begin(), pcm.end());
    std::size_t first = pcm.size(), last = 0;
    for (std::size_t i = 0; i < pcm.size(); ++i)
      if (std::abs(pcm[i]) > 328) {
        first = std::min(first, i);
        last = i;
      }
    if (first < pcm.size())
      speech.push_back({static_cast<std::int64_t>((base + first) * 1000 / kRate48),
                        static_cast<std::int64_t>((base + last) * 1000 / kRate48)});
    return *this;
  }
};

struct OpusPacket {
  std::vector<std::uint8_t> bytes;
  std::uint32_t rtpTimestamp;
};

/// Encodes the script as WebRTC would: 20 ms Opus packets, VoIP mode, 32 kbit/s.
inline std::vector<OpusPacket> encodeOpus(const std::vector<std::int16_t>& pcm, std::uint32_t firstTimestamp = 1000) {
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(kRate48, 1, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK) throw std::runtime_error("opus_encoder_create failed");
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
  std::vector<OpusPacket> out;
  std::vector<std::int16_t> frame(kPacketSamples);
  for (std::size_t at = 0; at < pcm.size(); at += kPacketSamples) {
    std::fill(frame.begin(), frame.end(), 0);
    std::copy(pcm.begin() + static_cast<std::ptrdiff_t>(at),
              pcm.begin() + static_cast<std::ptrdiff_t>(std::min(pcm.size(), at + kPacketSamples)), frame.begin());
    std::vector<std::uint8_t> bytes(1500);
    int n = opus_encode(enc, frame.data(), kPacketSamples, bytes.data(), static_cast<opus_int32>(bytes.size()));
    if (n < 0) throw std::runtime_error("opus_encode failed");
    bytes.resize(static_cast<std::size_t>(n));
    out.push_back({std::move(bytes), firstTimestamp + static_cast<std::uint32_t>(at)});
  }
  opus_encoder_destroy(enc);
  return out;
}

/// The owner's side: an io_context on its own thread (the "signalling thread") collecting results.
class ResultCollector {
 public:
  ResultCollector() : mWork(boost::asio::make_work_guard(mIo)), mThread([this] { mIo.run(); }) {
    mIoThreadId = mThread.get_id();
  }
  ~ResultCollector() {
    mWork.reset();
    mIo.stop();
    mThread.join();
  }
  boost::asio::any_io_executor executor() { return mIo.get_executor(); }
  AsrStream::ResultHandler handler() {
    return [this](const AsrResult& r) {
      std::lock_guard<std::mutex> lock(mMutex);
      if (std::this_thread::get_id() != mIoThreadId) ++mOffThread;
      mResults.push_back(r);
      mChanged.notify_all();
    };
  }
  /// Runs f on the io thread and waits for it (close() belongs there).
  template <typename F>
  void onIoThread(F f) {
    std::promise<void> done;
    boost::asio::post(mIo, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  bool waitForFinals(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mMutex);
    return mChanged.wait_for(lock, timeout, [&] { return finalsLocked() >= n; });
  }
  std::vector<AsrResult> results() {
    std::lock_guard<std::mutex> lock(mMutex);
    return mResults;
  }
  std::vector<AsrResult> finals() {
    std::vector<AsrResult> out;
    for (auto& r : results())
      if (r.isFinal) out.push_back(r);
    return out;
  }
  int offThread() {
    std::lock_guard<std::mutex> lock(mMutex);
    return mOffThread;
  }

 private:
  std::size_t finalsLocked() const {
    std::size_t n = 0;
    for (auto& r : mResults) n += r.isFinal;
    return n;
  }
  boost::asio::io_context mIo;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> mWork;
  std::thread mThread;
  std::thread::id mIoThreadId;
  std::mutex mMutex;
  std::condition_variable mChanged;
  std::vector<AsrResult> mResults;
  int mOffThread = 0;
};

/// Feeds packets as a media thread would: one every 20 ms / `speed`.
inline void feedPaced(AsrStream& stream, const std::vector<OpusPacket>& packets, double speed = 1.0) {
  auto next = std::chrono::steady_clock::now();
  const auto interval = std::chrono::microseconds(static_cast<long>(20000 / speed));
  for (const auto& p : packets) {
    std::this_thread::sleep_until(next);
    stream.feedOpus(p.bytes.data(), p.bytes.size(), p.rtpTimestamp);
    next += interval;
  }
}

}  // namespace tccc::server::asr::test

#endif
