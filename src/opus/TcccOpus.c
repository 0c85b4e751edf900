/* SPDX-License-Identifier: Apache-2.0 */
#include "TcccOpus.h"

#include <opus.h>
#include <stdlib.h>

/* The libopus state is allocated after the struct (opus_*_get_size), in one block per codec, at an
 * offset rounded up to 16 bytes so that any member of the state is aligned. */
#define STATE_OFFSET(type) ((sizeof(type) + 15u) & ~(size_t)15u)
struct TcccOpusEncoder {
  float input[TCCC_OPUS_FRAME_SAMPLES];
  short pcm[TCCC_OPUS_FRAME_SAMPLES];
  unsigned char output[TCCC_OPUS_MAX_PACKET];
  OpusEncoder* opus;
};

struct TcccOpusDecoder {
  unsigned char input[TCCC_OPUS_MAX_PACKET];
  float output[TCCC_OPUS_FRAME_SAMPLES];
  short pcm[TCCC_OPUS_FRAME_SAMPLES];
  OpusDecoder* opus;
};

/* The 16-bit API on both sides, with our own conversion: the build may then leave out libopus's
 * float API (DISABLE_FLOAT_API, which also drops the float-only tonality analysis) and use the
 * fixed-point codec, whichever measures better (docs/opus.md). */
static short toPcm16(float x) {
  float scaled = x * 32768.0f;
  if (scaled >= 32767.0f) return 32767;
  if (scaled <= -32768.0f) return -32768;
  /* NaN compares false above and would convert to an undefined value: silence instead. */
  if (scaled != scaled) return 0;
  return (short)(scaled + (scaled >= 0 ? 0.5f : -0.5f));
}

static int validSettings(int complexity, int bitrate, int expectedLossPercent) {
  return complexity >= 0 && complexity <= 10 && bitrate >= 6000 && bitrate <= 510000 && expectedLossPercent >= 0 &&
         expectedLossPercent <= 100;
}

TcccOpusEncoder* tccc_opus_encoder_create(int complexity, int bitrate, int expectedLossPercent) {
  if (!validSettings(complexity, bitrate, expectedLossPercent)) return NULL;
  size_t stateSize = (size_t)opus_encoder_get_size(1);
  TcccOpusEncoder* enc = (TcccOpusEncoder*)calloc(1, STATE_OFFSET(TcccOpusEncoder) + stateSize);
  if (!enc) return NULL;
  enc->opus = (OpusEncoder*)((unsigned char*)enc + STATE_OFFSET(TcccOpusEncoder));
  if (opus_encoder_init(enc->opus, TCCC_OPUS_SAMPLE_RATE, 1, OPUS_APPLICATION_VOIP) != OPUS_OK ||
      opus_encoder_ctl(enc->opus, OPUS_SET_INBAND_FEC(1)) != OPUS_OK ||
      opus_encoder_ctl(enc->opus, OPUS_SET_DTX(1)) != OPUS_OK ||
      opus_encoder_ctl(enc->opus, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)) != OPUS_OK ||
      tccc_opus_encoder_configure(enc, complexity, bitrate, expectedLossPercent) != 0) {
    free(enc);
    return NULL;
  }
  return enc;
}

int tccc_opus_encoder_configure(TcccOpusEncoder* enc, int complexity, int bitrate, int expectedLossPercent) {
  if (!enc || !validSettings(complexity, bitrate, expectedLossPercent)) return OPUS_BAD_ARG;
  int err = opus_encoder_ctl(enc->opus, OPUS_SET_COMPLEXITY(complexity));
  if (err == OPUS_OK) err = opus_encoder_ctl(enc->opus, OPUS_SET_BITRATE(bitrate));
  if (err == OPUS_OK) err = opus_encoder_ctl(enc->opus, OPUS_SET_PACKET_LOSS_PERC(expectedLossPercent));
  return err;
}

float* tccc_opus_encoder_input(TcccOpusEncoder* enc) { return enc ? enc->input : NULL; }

unsigned char* tccc_opus_encoder_output(TcccOpusEncoder* enc) { return enc ? enc->output : NULL; }

int tccc_opus_encode(TcccOpusEncoder* enc) {
  if (!enc) return OPUS_BAD_ARG;
  for (int i = 0; i < TCCC_OPUS_FRAME_SAMPLES; i++) enc->pcm[i] = toPcm16(enc->input[i]);
  return opus_encode(enc->opus, enc->pcm, TCCC_OPUS_FRAME_SAMPLES, enc->output, TCCC_OPUS_MAX_PACKET);
}

void tccc_opus_encoder_destroy(TcccOpusEncoder* enc) { free(enc); }

TcccOpusDecoder* tccc_opus_decoder_create(void) {
  size_t stateSize = (size_t)opus_decoder_get_size(1);
  TcccOpusDecoder* dec = (TcccOpusDecoder*)calloc(1, STATE_OFFSET(TcccOpusDecoder) + stateSize);
  if (!dec) return NULL;
  dec->opus = (OpusDecoder*)((unsigned char*)dec + STATE_OFFSET(TcccOpusDecoder));
  if (opus_decoder_init(dec->opus, TCCC_OPUS_SAMPLE_RATE, 1) != OPUS_OK) {
    free(dec);
    return NULL;
  }
  return dec;
}

unsigned char* tccc_opus_decoder_input(TcccOpusDecoder* dec) { return dec ? dec->input : NULL; }

float* tccc_opus_decoder_output(TcccOpusDecoder* dec) { return dec ? dec->output : NULL; }

int tccc_opus_decode(TcccOpusDecoder* dec, int packetBytes, int fec) {
  if (!dec) return OPUS_BAD_ARG;
  if (packetBytes < 0 || packetBytes > TCCC_OPUS_MAX_PACKET) return TCCC_OPUS_ERR_LENGTH;
  const unsigned char* packet = packetBytes > 0 ? dec->input : NULL;
  if (packet) {
    /* The output holds one 20 ms frame: a longer packet (up to 120 ms is valid Opus) is refused
     * before libopus would write past it. Malformed packets fail here too (OPUS_INVALID_PACKET). */
    int samples = opus_packet_get_nb_samples(packet, packetBytes, TCCC_OPUS_SAMPLE_RATE);
    if (samples < 0) return samples;
    if (samples != TCCC_OPUS_FRAME_SAMPLES) return TCCC_OPUS_ERR_NOT_20MS;
  }
  int n = opus_decode(dec->opus, packet, packetBytes, dec->pcm, TCCC_OPUS_FRAME_SAMPLES, fec ? 1 : 0);
  if (n < 0) return n;
  for (int i = 0; i < n; i++) dec->output[i] = dec->pcm[i] * (1.0f / 32768.0f);
  return n;
}

void tccc_opus_decoder_destroy(TcccOpusDecoder* dec) { free(dec); }
