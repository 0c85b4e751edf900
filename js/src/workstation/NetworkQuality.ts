// SPDX-License-Identifier: Apache-2.0
// The call's network quality on the TCCC scale (Excellent = 1 … Down = 6) from what getStats()
// reports for its audio: packet loss and jitter of what arrives (inbound-rtp) and the round-trip
// time (remote-inbound-rtp, or the selected candidate pair). Each figure is graded against the
// thresholds below and the worst grade wins: a call is as good as its weakest link. Pure: the caller
// samples getStats() and feeds the reports in.
import { TCCCQuality } from './enums';

/** One interval's figures. */
export interface QualityFigures {
  /** Packets lost / packets expected over the interval, in percent. */
  lossPercent?: number;
  /** Inbound jitter, ms. */
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

function grade(value: number | undefined, bounds: number[]): number {
  if (value === undefined || !Number.isFinite(value) || value < 0) return TCCCQuality.Unknown;
  const i = bounds.findIndex((b) => value < b);
  return i === -1 ? TCCCQuality.Down : i + 1;
}

/** The quality of one interval; Unknown when nothing was measured. */
export function qualityOf(f: QualityFigures): TCCCQuality {
  if (f.stalled) return TCCCQuality.Down;
  const grades = [grade(f.lossPercent, LOSS_PERCENT), grade(f.jitterMs, JITTER_MS), grade(f.rttMs, RTT_MS)];
  return Math.max(...grades) as TCCCQuality;
}

/** The getStats() entries this module reads (a subset of RTCStats). */
export interface StatsEntry {
  type?: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number; // seconds
  roundTripTime?: number; // seconds
  currentRoundTripTime?: number; // seconds
  state?: string;
  nominated?: boolean;
  selected?: boolean;
}

/** Turns successive getStats() reports of one call into one quality per interval. */
export class QualityMeter {
  private _lastReceived: number | undefined;
  private _lastLost: number | undefined;

  /** One report (its entries in any order); returns the quality since the previous one. */
  sample(entries: Iterable<StatsEntry>): TCCCQuality {
    let received: number | undefined;
    let lost: number | undefined;
    let jitter: number | undefined;
    let rtt: number | undefined;
    let pairRtt: number | undefined;
    for (const e of entries) {
      if (e.type === 'inbound-rtp' && e.kind === 'audio') {
        received = (received ?? 0) + (e.packetsReceived ?? 0);
        lost = (lost ?? 0) + Math.max(0, e.packetsLost ?? 0);
        if (typeof e.jitter === 'number') jitter = Math.max(jitter ?? 0, e.jitter);
      } else if (e.type === 'remote-inbound-rtp' && e.kind === 'audio' && typeof e.roundTripTime === 'number') {
        rtt = Math.max(rtt ?? 0, e.roundTripTime);
      } else if (
        e.type === 'candidate-pair' &&
        (e.selected || (e.nominated && e.state === 'succeeded')) &&
        typeof e.currentRoundTripTime === 'number'
      ) {
        pairRtt = e.currentRoundTripTime;
      }
    }
    const figures: QualityFigures = {};
    if (received !== undefined && lost !== undefined) {
      const first = this._lastReceived === undefined;
      const dReceived = received - (this._lastReceived ?? 0);
      const dLost = lost - (this._lastLost ?? 0);
      this._lastReceived = received;
      this._lastLost = lost;
      if (!first) {
        if (dReceived + dLost > 0) figures.lossPercent = (100 * dLost) / (dReceived + dLost);
        else figures.stalled = true;
      }
    }
    if (jitter !== undefined) figures.jitterMs = jitter * 1000;
    const roundTrip = rtt ?? pairRtt;
    if (roundTrip !== undefined) figures.rttMs = roundTrip * 1000;
    return qualityOf(figures);
  }
}
