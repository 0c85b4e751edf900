// SPDX-License-Identifier: Apache-2.0
// Turns successive readings of one call (cumulative counters, MeterSample.ts) into one quality per
// interval, with the figures it was graded from. Loss is measured between two gradings, not since
// the start of the call: a call that was bad a minute ago and is clean now is graded clean.
import type { MeterSample } from './MeterSample';
import { qualityOf, TCCCQuality, type QualityFigures } from './QualityScale';

/** One interval's verdict: the quality and the figures behind it (rounded; absent when unmeasured). */
export interface QualityReport {
  quality: TCCCQuality;
  lossPercent?: number;
  jitterMs?: number;
  rttMs?: number;
}

export class QualityMeter {
  private _received: number | undefined;
  private _lost: number | undefined;

  /** Sets the start of the first interval (the first reading of a call). */
  mark(sample: MeterSample): void {
    if (sample.packetsReceived !== undefined && sample.packetsLost !== undefined) {
      this._received = sample.packetsReceived;
      this._lost = Math.max(0, sample.packetsLost);
    }
  }

  /** The quality since the previous grading (or mark); this reading starts the next interval. */
  grade(sample: MeterSample): QualityReport {
    if (!sample.connected) return { quality: TCCCQuality.Down };
    const figures: QualityFigures = {};
    const received = sample.packetsReceived;
    const lost = sample.packetsLost === undefined ? undefined : Math.max(0, sample.packetsLost);
    if (received !== undefined && lost !== undefined) {
      if (this._received !== undefined && this._lost !== undefined) {
        const dReceived = Math.max(0, received - this._received);
        // Late packets make the lost counter go down (RFC 3550); they do not count as negative loss.
        const dLost = Math.max(0, lost - this._lost);
        if (dReceived + dLost > 0) figures.lossPercent = (100 * dLost) / (dReceived + dLost);
        else figures.stalled = true;
      }
      this._received = received;
      this._lost = lost;
    }
    const upstream = sample.remoteFractionLost;
    if (typeof upstream === 'number' && Number.isFinite(upstream) && upstream >= 0)
      figures.lossPercent = Math.max(figures.lossPercent ?? 0, Math.min(100, upstream * 100));
    if (typeof sample.jitterMs === 'number') figures.jitterMs = sample.jitterMs;
    if (typeof sample.rttMs === 'number') figures.rttMs = sample.rttMs;
    const report: QualityReport = { quality: qualityOf(figures) };
    if (figures.lossPercent !== undefined) report.lossPercent = Math.round(figures.lossPercent * 10) / 10;
    else if (figures.stalled) report.lossPercent = 100;
    if (figures.jitterMs !== undefined) report.jitterMs = Math.round(figures.jitterMs);
    if (figures.rttMs !== undefined) report.rttMs = Math.round(figures.rttMs);
    return report;
  }
}
