// SPDX-License-Identifier: Apache-2.0
// The network quality scale of TCCC and TRTC (Excellent = 1 … Down = 6, the seed's `TCCCQuality`)
// and how one interval's figures are graded on it: loss, jitter and round-trip time each against the
// thresholds below, and the worst grade wins (a call is as good as its weakest link). Pure; shared
// by the `tccc` events (`networkQuality`) and the TCCCWorkstation (`onNetworkQuality`), whatever
// transport carries the call.

/** `quality`: 1 best … 6 unusable, 0 not known yet. */
export const TCCCQuality = Object.freeze({
  Unknown: 0,
  Excellent: 1,
  Good: 2,
  Poor: 3,
  Bad: 4,
  Vbad: 5,
  Down: 6,
} as const);
export type TCCCQuality = (typeof TCCCQuality)[keyof typeof TCCCQuality];

/** One interval's figures; a figure left out was not measured and does not count. */
export interface QualityFigures {
  /** Packets lost / packets expected over the interval, in percent. */
  lossPercent?: number;
  /** Jitter of the audio arriving, ms. */
  jitterMs?: number;
  /** Round-trip time, ms. */
  rttMs?: number;
  /** No audio packet arrived during the interval although the call was connected. */
  stalled?: boolean;
}

// Upper bounds for Excellent, Good, Poor, Bad, Vbad; beyond the last is Down. Voice over Opus with
// FEC stays clear up to a few percent of loss; ITU-T G.114 puts one-way delay under 150 ms as
// transparent and over 400 ms as unusable for conversation (rtt is twice that).
const LOSS_PERCENT = [1, 3, 8, 15, 30];
const JITTER_MS = [20, 40, 80, 150, 300];
const RTT_MS = [150, 300, 500, 800, 1500];

function grade(value: number | undefined, bounds: number[]): TCCCQuality {
  if (value === undefined || !Number.isFinite(value) || value < 0) return TCCCQuality.Unknown;
  const i = bounds.findIndex((b) => value < b);
  return (i === -1 ? TCCCQuality.Down : i + 1) as TCCCQuality;
}

/** The quality of one interval; Unknown when nothing was measured. */
export function qualityOf(f: QualityFigures): TCCCQuality {
  if (f.stalled) return TCCCQuality.Down;
  return Math.max(
    grade(f.lossPercent, LOSS_PERCENT),
    grade(f.jitterMs, JITTER_MS),
    grade(f.rttMs, RTT_MS),
  ) as TCCCQuality;
}
