// SPDX-License-Identifier: Apache-2.0
// Native baseline of bench/opus.mjs: the SDK's Opus C API (src/opus/TcccOpus.c, the same file the
// wasm chunk is built from) on Debian's libopus, encoding and decoding a mono 48 kHz s16le file in
// 20 ms frames. Prints one JSON line of CPU times, so both sides of the comparison run the same
// wrapper, settings and conversions.
// Usage: tccc_opus_bench <file.s16le> <complexity> [repeat] [bitrate] [lossPercent]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" {
#include "opus/TcccOpus.h"
}

namespace {

double cpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <file.s16le> <complexity> [repeat] [bitrate] [lossPercent]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int complexity = std::atoi(argv[2]);
  const int repeat = argc > 3 ? std::atoi(argv[3]) : 1;
  const int bitrate = argc > 4 ? std::atoi(argv[4]) : 32000;
  const int loss = argc > 5 ? std::atoi(argv[5]) : 10;
  const size_t frames = bytes.size() / 2 / TCCC_OPUS_FRAME_SAMPLES;
  if (frames == 0 || repeat < 1) {
    std::fprintf(stderr, "no audio in %s\n", argv[1]);
    return 1;
  }
  const auto* pcm = reinterpret_cast<const short*>(bytes.data());

  std::vector<std::vector<unsigned char>> packets;
  double encodeMs = 0;
  double decodeMs = 0;
  size_t packetBytes = 0;
  for (int r = 0; r < repeat; r++) {
    TcccOpusEncoder* enc = tccc_opus_encoder_create(complexity, bitrate, loss);
    TcccOpusDecoder* dec = tccc_opus_decoder_create();
    if (!enc || !dec) return 1;
    packets.clear();
    double t0 = cpuMs();
    for (size_t f = 0; f < frames; f++) {
      float* input = tccc_opus_encoder_input(enc);
      for (int i = 0; i < TCCC_OPUS_FRAME_SAMPLES; i++) input[i] = pcm[f * TCCC_OPUS_FRAME_SAMPLES + i] / 32768.0f;
      int n = tccc_opus_encode(enc);
      if (n < 0) return 1;
      const unsigned char* out = tccc_opus_encoder_output(enc);
      packets.emplace_back(out, out + n);
    }
    double t1 = cpuMs();
    for (const auto& p : packets) {
      std::copy(p.begin(), p.end(), tccc_opus_decoder_input(dec));
      if (tccc_opus_decode(dec, static_cast<int>(p.size()), 0) < 0) return 1;
    }
    double t2 = cpuMs();
    encodeMs += t1 - t0;
    decodeMs += t2 - t1;
    packetBytes = 0;
    for (const auto& p : packets) packetBytes += p.size();
    tccc_opus_encoder_destroy(enc);
    tccc_opus_decoder_destroy(dec);
  }
  std::printf(
      "{\"complexity\":%d,\"frames\":%zu,\"repeat\":%d,\"encodeCpuMs\":%.3f,\"decodeCpuMs\":%.3f,\"bytes\":%zu}\n",
      complexity, frames, repeat, encodeMs, decodeMs, packetBytes);
  return 0;
}
