/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK's Opus codec as a small C API for the WebAssembly chunk (dist/tccc-opus.wasm, docs/opus.md)
 * and, through the same source, the native tests: 48 kHz mono, one 20 ms frame (960 samples) per
 * call. Each encoder and decoder owns fixed buffers that JS writes and reads in place (the pointers
 * below), so a frame costs no allocation on either side of the boundary.
 * Errors are negative numbers: libopus's own codes (OPUS_BAD_ARG = -1 ... OPUS_ALLOC_FAIL = -7)
 * and TCCC_OPUS_ERR_* below. */
#ifndef TCCC_OPUS_TCCCOPUS_H
#define TCCC_OPUS_TCCCOPUS_H

#ifdef __cplusplus
extern "C" {
#endif

#define TCCC_OPUS_SAMPLE_RATE 48000
#define TCCC_OPUS_FRAME_SAMPLES 960 /* 20 ms at 48 kHz */
#define TCCC_OPUS_MAX_PACKET 1275   /* the largest Opus frame (RFC 6716 3.2.1) */

/* A packet that would decode to more than one 20 ms frame: not what the wire carries. */
#define TCCC_OPUS_ERR_NOT_20MS (-100)
/* A packet length outside 0..TCCC_OPUS_MAX_PACKET. */
#define TCCC_OPUS_ERR_LENGTH (-101)

typedef struct TcccOpusEncoder TcccOpusEncoder;
typedef struct TcccOpusDecoder TcccOpusDecoder;

/* A VOIP encoder with in-band FEC and DTX on. complexity 0..10; bitrate in bit/s (6000..510000);
 * expectedLossPercent 0..100 (how much FEC the encoder spends). NULL on a bad argument or no memory. */
TcccOpusEncoder* tccc_opus_encoder_create(int complexity, int bitrate, int expectedLossPercent);
/* Changes the same three settings on a live encoder; 0 or a negative error. */
int tccc_opus_encoder_configure(TcccOpusEncoder* enc, int complexity, int bitrate, int expectedLossPercent);
/* Where the caller puts the next frame: TCCC_OPUS_FRAME_SAMPLES floats in [-1, 1]. */
float* tccc_opus_encoder_input(TcccOpusEncoder* enc);
/* Where tccc_opus_encode leaves the packet: TCCC_OPUS_MAX_PACKET bytes. */
unsigned char* tccc_opus_encoder_output(TcccOpusEncoder* enc);
/* Encodes the input frame; the packet's length in bytes (1 or 2 in a DTX pause: send nothing
 * then) or a negative error. */
int tccc_opus_encode(TcccOpusEncoder* enc);
void tccc_opus_encoder_destroy(TcccOpusEncoder* enc);

TcccOpusDecoder* tccc_opus_decoder_create(void);
/* Where the caller puts a packet: TCCC_OPUS_MAX_PACKET bytes. */
unsigned char* tccc_opus_decoder_input(TcccOpusDecoder* dec);
/* Where decoding leaves the frame: TCCC_OPUS_FRAME_SAMPLES floats. */
float* tccc_opus_decoder_output(TcccOpusDecoder* dec);
/* Decodes the packetBytes bytes of the input into one frame; the sample count (960) or a negative
 * error. packetBytes 0: the frame is lost, conceal it (PLC). fec 1: the frame before the packet was
 * lost; rebuild it from the packet's in-band FEC data (PLC when the packet carries none). */
int tccc_opus_decode(TcccOpusDecoder* dec, int packetBytes, int fec);
void tccc_opus_decoder_destroy(TcccOpusDecoder* dec);

#ifdef __cplusplus
}
#endif

#endif
