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

// A figure is a finite number ≥ 0 or not a figure at all: a transport's counters may come from the
// network (the server's report frames), and NaN must neither stall a call nor reach a listener.
const figure = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

export class QualityMeter {
  private _received: number | undefined;
  private _lost: number | undefined;

  /** Sets the start of the first interval (the first reading of a call). */
  mark(sample: MeterSample): void {
    const received = figure(sample.packetsReceived);
    const lost = figure(Math.max(0, sample.packetsLost ?? NaN));
    if (received !== undefined && lost !== undefined) {
      this._received = received;
      this._lost = lost;
    }
  }

  /** The quality since the previous grading (or mark); this reading starts the next interval. */
  grade(sample: MeterSample): QualityReport {
    if (!sample.connected) return { quality: TCCCQuality.Down };
    const figures: QualityFigures = {};
    const received = figure(sample.packetsReceived);
    const lost = figure(Math.max(0, sample.packetsLost ?? NaN));
    if (received !== undefined && lost !== undefined) {
      // A counter that went back is a new stream (e.g. a new socket): this reading only marks.
      if (this._received !== undefined && this._lost !== undefined && received >= this._received) {
        const dReceived = Math.max(0, received - this._received);
        // Late packets make the lost counter go down (RFC 3550); they do not count as negative loss.
        const dLost = Math.max(0, lost - this._lost);
        if (dReceived + dLost > 0) figures.lossPercent = (100 * dLost) / (dReceived + dLost);
        else figures.stalled = true;
      }
      this._received = received;
      this._lost = lost;
    }
    const upstream = figure(sample.remoteFractionLost);
    if (upstream !== undefined) figures.lossPercent = Math.max(figures.lossPercent ?? 0, Math.min(100, upstream * 100));
    figures.jitterMs = figure(sample.jitterMs);
    figures.rttMs = figure(sample.rttMs);
    const report: QualityReport = { quality: qualityOf(figures) };
    if (figures.lossPercent !== undefined) report.lossPercent = Math.round(figures.lossPercent * 10) / 10;
    else if (figures.stalled) report.lossPercent = 100;
    if (figures.jitterMs !== undefined) report.jitterMs = Math.round(figures.jitterMs);
    if (figures.rttMs !== undefined) report.rttMs = Math.round(figures.rttMs);
    return report;
  }
}
