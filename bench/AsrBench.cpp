// SPDX-License-Identifier: Apache-2.0
// Real-time speech recognition cost and delay: N calls' worth of AsrStreams fed espeak-ng sentences
// in real time by one "media thread", recognised by the PocketSphinx engine with a grammar on the
// given number of worker threads. Prints, per run: CPU ms per second of audio (decode vs
// recognise), the real-time factor per stream, queue drops, skipped partials, word accuracy, and the
// end-of-utterance -> final delay at the owner (p50/p95), i.e. what an agent waits after the
// customer stops talking (the end-pointer's 300 ms of silence included).
//
//   tccc_asr_bench [--streams 1,8] [--threads 1] [--grammar file.jsgf]
#include "AsrTestSupport.hpp"
#include "EspeakSpeech.hpp"

#include "asr/PocketSphinxEngine.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>

using namespace tccc::server::asr;
using namespace tccc::server::asr::test;

namespace {

constexpr const char* kGrammar = R"(#JSGF V1.0;
grammar contactcenter;
public <sentence> = please transfer me to (billing | sales | support)
                  | i would like to check my account balance
                  | cancel my order
                  | thank you goodbye;
)";

const char* kSentences[] = {"please transfer me to billing", "i would like to check my account balance",
                            "cancel my order", "thank you goodbye"};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5))];
}

struct Run {
  std::size_t streams, threads;
};

void runOnce(const Run& run, AsrWorkers& workers, const AudioScript& audio, const std::vector<OpusPacket>& packets) {
  ResultCollector collector;
  struct Timed {
    std::mutex m;
    std::vector<std::pair<std::size_t, std::chrono::steady_clock::time_point>> finals;  // stream, arrival
    std::vector<std::vector<std::string>> texts;
  } timed;
  timed.texts.resize(run.streams);
  std::vector<std::unique_ptr<AsrStream>> streams;
  for (std::size_t i = 0; i < run.streams; ++i) {
    streams.push_back(std::make_unique<AsrStream>(workers, collector.executor(), [&timed, i](const AsrResult& r) {
      if (!r.isFinal) return;
      std::lock_guard<std::mutex> lock(timed.m);
      timed.finals.emplace_back(i, std::chrono::steady_clock::now());
      timed.texts[i].push_back(r.text);
    }));
  }
  // One media thread: every 20 ms, the next packet of every stream (like RTP from N callers).
  std::vector<std::chrono::steady_clock::time_point> fedAt(packets.size());
  auto next = std::chrono::steady_clock::now();
  for (std::size_t p = 0; p < packets.size(); ++p) {
    std::this_thread::sleep_until(next);
    fedAt[p] = std::chrono::steady_clock::now();
    for (auto& s : streams) s->feedOpus(packets[p].bytes.data(), packets[p].bytes.size(), packets[p].rtpTimestamp);
    next += std::chrono::milliseconds(20);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  collector.onIoThread([&] {
    for (auto& s : streams) s->close(false);
  });

  // Delay: from feeding the packet that holds the sentence's last sound to its final's arrival.
  std::vector<double> delays;
  std::vector<std::size_t> seen(run.streams, 0);
  for (auto& [stream, at] : timed.finals) {
    std::size_t sentence = seen[stream]++;
    if (sentence >= audio.speech.size()) continue;
    std::size_t packet = std::min(packets.size() - 1, static_cast<std::size_t>(audio.speech[sentence].endMs / 20));
    delays.push_back(std::chrono::duration<double, std::milli>(at - fedAt[packet]).count());
  }
  std::size_t correct = 0, expected = run.streams * audio.speech.size();
  for (auto& texts : timed.texts)
    for (std::size_t k = 0; k < texts.size() && k < audio.speech.size(); ++k) correct += texts[k] == kSentences[k];

  AsrStreamStats total;
  double worstRtf = 0;
  for (auto& s : streams) {
    auto st = s->stats();
    total.audioMs += st.audioMs;
    total.decodeCpuMs += st.decodeCpuMs;
    total.recogniserCpuMs += st.recogniserCpuMs;
    total.packetsDropped += st.packetsDropped;
    total.partialsSkipped += st.partialsSkipped;
    total.partials += st.partials;
    worstRtf = std::max(worstRtf, st.realTimeFactor());
  }
  const double audioSec = total.audioMs / 1000;
  std::printf(
      "asr streams=%zu threads=%zu audio=%.1fs/stream | CPU per audio second: decode %.1f ms + recognise %.1f ms "
      "| real-time factor per stream: mean %.4f worst %.4f | drops %llu, partials %llu (skipped %llu) | "
      "sentences right %zu/%zu | end-of-utterance->final p50 %.0f ms p95 %.0f ms (n=%zu)\n",
      run.streams, run.threads, audioSec / run.streams, total.decodeCpuMs / audioSec, total.recogniserCpuMs / audioSec,
      total.realTimeFactor(), worstRtf, static_cast<unsigned long long>(total.packetsDropped),
      static_cast<unsigned long long>(total.partials), static_cast<unsigned long long>(total.partialsSkipped), correct,
      expected, percentile(delays, 0.5), percentile(delays, 0.95), delays.size());
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
  std::vector<std::size_t> streamCounts = {1, 8};
  std::size_t threads = 1;
  std::string grammar;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--streams"))
      streamCounts = parseList(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--grammar"))
      grammar = argv[i + 1];
  }
  if (!EspeakSpeech::available()) {
    std::fprintf(stderr, "tccc_asr_bench: needs espeak-ng and sox (scripts/setup.sh installs them)\n");
    return 1;
  }
  EspeakSpeech speech;
  PocketSphinxOptions options;
  options.grammarFile = grammar.empty() ? speech.write("bench.jsgf", kGrammar) : grammar;
  AudioScript audio;
  audio.silence(500);
  for (const char* s : kSentences) audio.speak(speech.say(s)).silence(1000);
  auto packets = encodeOpus(audio.samples);
  AsrWorkers workers(std::make_shared<PocketSphinxEngine>(options), threads);
  for (std::size_t n : streamCounts) runOnce({n, threads}, workers, audio, packets);
  return 0;
}
