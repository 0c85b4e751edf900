// SPDX-License-Identifier: Apache-2.0
// Shared by the recording tests: real Opus packets of a tone (libopus), and a decoded file
// (libopusfile) with the loudness of any stretch of it.
#ifndef TCCC_TESTS_SERVER_RECORDING_OPUSTESTSUPPORT_HPP
#define TCCC_TESTS_SERVER_RECORDING_OPUSTESTSUPPORT_HPP

#include <opus/opus.h>
#include <opus/opusfile.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tccc::server::test {

/// 20 ms Opus packets of a sine tone, as a browser would send them (VoIP mode, 48 kHz mono).
class ToneEncoder {
 public:
  explicit ToneEncoder(double hz, double amplitude = 0.3) : mHz(hz), mAmplitude(amplitude) {
    int err = 0;
    mEnc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK) throw std::runtime_error("opus_encoder_create");
  }
  ~ToneEncoder() { opus_encoder_destroy(mEnc); }
  ToneEncoder(const ToneEncoder&) = delete;
  ToneEncoder& operator=(const ToneEncoder&) = delete;

  std::vector<std::uint8_t> next() {
    std::vector<opus_int16> pcm(960);
    for (auto& s : pcm) s = static_cast<opus_int16>(mAmplitude * 32767 * std::sin(2 * M_PI * mHz * mT++ / 48000.0));
    std::vector<std::uint8_t> out(1500);
    int n = opus_encode(mEnc, pcm.data(), 960, out.data(), static_cast<opus_int32>(out.size()));
    if (n <= 0) throw std::runtime_error("opus_encode");
    out.resize(static_cast<std::size_t>(n));
    return out;
  }

 private:
  OpusEncoder* mEnc = nullptr;
  double mHz;
  double mAmplitude;
  std::int64_t mT = 0;
};

/// A whole Ogg Opus file decoded at 48 kHz (interleaved when stereo); `ok` false if opusfile refused it.
struct Decoded {
  bool ok = false;
  int channels = 0;
  std::int64_t pcmTotal = -1;  // op_pcm_total: samples per channel after the pre-skip
  std::vector<float> pcm;
  std::string tags;  // the user comments, one per line

  std::int64_t frames() const { return channels ? static_cast<std::int64_t>(pcm.size()) / channels : 0; }
  double seconds() const { return static_cast<double>(frames()) / 48000.0; }
  /// RMS of one channel between two times (seconds).
  double rms(double from, double to, int channel = 0) const {
    auto a = static_cast<std::int64_t>(from * 48000), b = static_cast<std::int64_t>(to * 48000);
    if (b > frames()) b = frames();
    double sum = 0;
    std::int64_t n = 0;
    for (auto i = a; i < b; ++i, ++n) {
      double v = pcm[static_cast<std::size_t>(i * channels + channel)];
      sum += v * v;
    }
    return n ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
  }
};

inline Decoded decodeFile(const std::string& path) {
  Decoded d;
  int err = 0;
  OggOpusFile* f = op_open_file(path.c_str(), &err);
  if (!f) return d;
  d.channels = op_channel_count(f, -1);
  d.pcmTotal = op_pcm_total(f, -1);
  if (const OpusTags* tags = op_tags(f, -1))
    for (int i = 0; i < tags->comments; ++i) d.tags += std::string(tags->user_comments[i]) + "\n";
  std::vector<float> buf(5760 * 2);
  for (;;) {
    int n = op_read_float(f, buf.data(), static_cast<int>(buf.size()), nullptr);
    if (n == OP_HOLE) continue;
    if (n < 0) {
      op_free(f);
      return d;
    }
    if (n == 0) break;
    d.pcm.insert(d.pcm.end(), buf.begin(), buf.begin() + n * d.channels);
  }
  op_free(f);
  d.ok = true;
  return d;
}

}  // namespace tccc::server::test

#endif
