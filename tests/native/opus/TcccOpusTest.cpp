// SPDX-License-Identifier: Apache-2.0
// The Opus C API of the wasm chunk (src/opus/TcccOpus.h), natively on Debian's libopus: the same
// source the chunk is built from, so its argument checks and refusals are tested twice (here and
// through the wasm in tests/js/media/opus-codec.test.js).
extern "C" {
#include "opus/TcccOpus.h"
}

#include <gtest/gtest.h>
#include <opus.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

namespace {

struct EncoderDeleter {
  void operator()(TcccOpusEncoder* e) const { tccc_opus_encoder_destroy(e); }
};
struct DecoderDeleter {
  void operator()(TcccOpusDecoder* d) const { tccc_opus_decoder_destroy(d); }
};
using Encoder = std::unique_ptr<TcccOpusEncoder, EncoderDeleter>;
using Decoder = std::unique_ptr<TcccOpusDecoder, DecoderDeleter>;

// A vowel-like tone: 150 Hz with harmonics, amplitude 0.3, frame f of a continuous signal.
void toneFrame(float* out, int f) {
  for (int i = 0; i < TCCC_OPUS_FRAME_SAMPLES; i++) {
    double t = (f * TCCC_OPUS_FRAME_SAMPLES + i) / 48000.0;
    out[i] = static_cast<float>(0.15 * std::sin(2 * M_PI * 150 * t) + 0.1 * std::sin(2 * M_PI * 450 * t) +
                                0.05 * std::sin(2 * M_PI * 900 * t));
  }
}

std::vector<unsigned char> encodeFrame(TcccOpusEncoder* enc, int f) {
  toneFrame(tccc_opus_encoder_input(enc), f);
  int n = tccc_opus_encode(enc);
  EXPECT_GT(n, 0);
  const unsigned char* out = tccc_opus_encoder_output(enc);
  return {out, out + (n > 0 ? n : 0)};
}

int decodePacket(TcccOpusDecoder* dec, const std::vector<unsigned char>& p, int fec = 0) {
  std::memcpy(tccc_opus_decoder_input(dec), p.data(), p.size());
  return tccc_opus_decode(dec, static_cast<int>(p.size()), fec);
}

double energy(const float* x) {
  double e = 0;
  for (int i = 0; i < TCCC_OPUS_FRAME_SAMPLES; i++) e += x[i] * x[i];
  return e;
}

}  // namespace

TEST(TcccOpus, CreateRefusesSettingsOutOfRange) {
  EXPECT_EQ(tccc_opus_encoder_create(-1, 32000, 10), nullptr);
  EXPECT_EQ(tccc_opus_encoder_create(11, 32000, 10), nullptr);
  EXPECT_EQ(tccc_opus_encoder_create(5, 5999, 10), nullptr);
  EXPECT_EQ(tccc_opus_encoder_create(5, 510001, 10), nullptr);
  EXPECT_EQ(tccc_opus_encoder_create(5, 32000, 101), nullptr);
  Encoder enc(tccc_opus_encoder_create(5, 32000, 10));
  ASSERT_NE(enc, nullptr);
  EXPECT_EQ(tccc_opus_encoder_configure(enc.get(), 10, 24000, 30), OPUS_OK);
  EXPECT_EQ(tccc_opus_encoder_configure(enc.get(), 12, 24000, 30), OPUS_BAD_ARG);
}

TEST(TcccOpus, NullHandlesAreBadArguments) {
  EXPECT_EQ(tccc_opus_encode(nullptr), OPUS_BAD_ARG);
  EXPECT_EQ(tccc_opus_decode(nullptr, 0, 0), OPUS_BAD_ARG);
  EXPECT_EQ(tccc_opus_encoder_input(nullptr), nullptr);
  EXPECT_EQ(tccc_opus_decoder_output(nullptr), nullptr);
  tccc_opus_encoder_destroy(nullptr);
  tccc_opus_decoder_destroy(nullptr);
}

TEST(TcccOpus, ToneRoundTripKeepsItsEnergy) {
  Encoder enc(tccc_opus_encoder_create(5, 32000, 10));
  Decoder dec(tccc_opus_decoder_create());
  double in = 0, out = 0;
  float frame[TCCC_OPUS_FRAME_SAMPLES];
  for (int f = 0; f < 50; f++) {
    auto p = encodeFrame(enc.get(), f);
    ASSERT_EQ(decodePacket(dec.get(), p), TCCC_OPUS_FRAME_SAMPLES);
    if (f >= 10) {  // past the codec's start-up
      toneFrame(frame, f);
      in += energy(frame);
      out += energy(tccc_opus_decoder_output(dec.get()));
    }
  }
  // Within 3 dB: SILK codes a synthetic tone less faithfully than speech (the Jest suite holds
  // espeak-ng speech to 1.5 dB); a broken path would be tens of dB off.
  EXPECT_LT(std::fabs(10 * std::log10(out / in)), 3.0);
}

TEST(TcccOpus, LostFrameComesBackFromFecOrPlc) {
  Encoder enc(tccc_opus_encoder_create(5, 32000, 20));
  Decoder dec(tccc_opus_decoder_create());
  std::vector<std::vector<unsigned char>> packets;
  for (int f = 0; f < 30; f++) packets.push_back(encodeFrame(enc.get(), f));
  for (int f = 0; f < 20; f++) ASSERT_EQ(decodePacket(dec.get(), packets[f]), TCCC_OPUS_FRAME_SAMPLES);
  // Frame 20 lost: rebuilt from 21's FEC; frame 22 lost with nothing after it: concealed.
  EXPECT_EQ(decodePacket(dec.get(), packets[21], 1), TCCC_OPUS_FRAME_SAMPLES);
  EXPECT_GT(energy(tccc_opus_decoder_output(dec.get())), 0);
  EXPECT_EQ(decodePacket(dec.get(), packets[21]), TCCC_OPUS_FRAME_SAMPLES);
  EXPECT_EQ(tccc_opus_decode(dec.get(), 0, 0), TCCC_OPUS_FRAME_SAMPLES);
  EXPECT_EQ(decodePacket(dec.get(), packets[23]), TCCC_OPUS_FRAME_SAMPLES);
}

TEST(TcccOpus, DecodeRefusesWhatIsNotOneFrameOfOpus) {
  Decoder dec(tccc_opus_decoder_create());
  EXPECT_EQ(tccc_opus_decode(dec.get(), -1, 0), TCCC_OPUS_ERR_LENGTH);
  EXPECT_EQ(tccc_opus_decode(dec.get(), TCCC_OPUS_MAX_PACKET + 1, 0), TCCC_OPUS_ERR_LENGTH);
  // TOC config 2: SILK narrowband 40 ms; code 3 with 3 frames of 20 ms; code 3 without its count.
  EXPECT_EQ(decodePacket(dec.get(), {0x10, 1, 2, 3}), TCCC_OPUS_ERR_NOT_20MS);
  EXPECT_EQ(decodePacket(dec.get(), {0x0b, 0x03, 0, 0, 0}), TCCC_OPUS_ERR_NOT_20MS);
  EXPECT_EQ(decodePacket(dec.get(), {0x03}), OPUS_INVALID_PACKET);
  // Every 1- and 2-byte packet: decoded or refused, never anything else.
  for (int a = 0; a < 256; a++) {
    for (int b = -1; b < 256; b++) {
      std::vector<unsigned char> p{static_cast<unsigned char>(a)};
      if (b >= 0) p.push_back(static_cast<unsigned char>(b));
      int n = decodePacket(dec.get(), p);
      EXPECT_TRUE(n == TCCC_OPUS_FRAME_SAMPLES || n < 0) << a << "," << b << " -> " << n;
    }
  }
}

TEST(TcccOpus, SilenceInDtxIsAlmostFree) {
  Encoder enc(tccc_opus_encoder_create(5, 32000, 10));
  int sent = 0;
  for (int f = 0; f < 100; f++) {
    std::memset(tccc_opus_encoder_input(enc.get()), 0, sizeof(float) * TCCC_OPUS_FRAME_SAMPLES);
    int n = tccc_opus_encode(enc.get());
    ASSERT_GT(n, 0);
    if (n > 2) sent++;
  }
  EXPECT_LE(sent, 15);  // the first frames, then a comfort-noise update every 400 ms
}
