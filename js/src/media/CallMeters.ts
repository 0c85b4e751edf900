// SPDX-License-Identifier: Apache-2.0
// While it runs, reads a call's figures from its transport (a MeterSource) a few times a second and
// reports the two levels on the TCCC 0–100 volume scale at every reading, and the network quality
// (QualityMeter) every few readings. Both at a steady rate rather than on change: a level meter or
// a quality icon then always shows a fresh value, a listener added late gets one within a period,
// and the native TCCC and TRTC SDKs report the same way (volumes every few hundred ms, quality
// every 2 s). The owner runs it while the call is connected; `wanted` skips the readings (getStats()
// and all) while nobody listens.
import type { MeterSource } from './MeterSample';
import { QualityMeter, type QualityReport } from './QualityMeter';

export interface CallMetersSink {
  /** The agent's and the far end's volume, 0–100. */
  volume(agent: number, remote: number): void;
  quality(report: QualityReport): void;
}

export interface CallMetersOptions {
  /** Between two readings (default 300 ms). */
  periodMs?: number;
  /** Quality once per this many readings (default 7: about every 2 s). */
  qualityEvery?: number;
  /**
   * Asked before every reading: whether anyone wants the figures now (default: always). While it
   * says no, nothing is read; when it says yes again, the quality's interval starts afresh.
   */
  wanted?: () => boolean;
}

/** A linear level (0..1, 1 = full scale) as the 0–100 volume of the TCCC API. */
export function volumeOf(level: number | undefined): number {
  if (typeof level !== 'number' || !Number.isFinite(level) || level <= 0) return 0;
  return Math.min(100, Math.round(level * 100));
}

export class CallMeters {
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _running = false;
  private _meter = new QualityMeter();
  private _readings = 0;
  private readonly _periodMs: number;
  private readonly _qualityEvery: number;
  private readonly _wanted: () => boolean;

  constructor(
    private readonly _source: MeterSource,
    private readonly _sink: CallMetersSink,
    options: CallMetersOptions = {},
  ) {
    this._periodMs = options.periodMs ?? 300;
    this._qualityEvery = Math.max(1, options.qualityEvery ?? 7);
    this._wanted = options.wanted ?? (() => true);
  }

  get running(): boolean {
    return this._running;
  }

  /** Starts reading (again: the quality's first interval starts at the next reading). */
  start(): void {
    if (this._running) return;
    this._running = true;
    this._meter = new QualityMeter();
    this._readings = 0;
    this._next();
  }

  stop(): void {
    this._running = false;
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }

  // One reading at a time: the next is armed when this one is done, so a slow getStats() never
  // piles readings up.
  private _next(): void {
    this._timer = setTimeout(() => {
      this._timer = undefined;
      void this._read().finally(() => {
        if (this._running && this._timer === undefined) this._next();
      });
    }, this._periodMs);
  }

  private async _read(): Promise<void> {
    if (!this._wanted()) {
      this._readings = 0;
      return;
    }
    const sample = await this._source.read();
    if (!this._running || !sample) return;
    const first = this._readings++ === 0;
    if (first) this._meter.mark(sample);
    if (sample.connected) this._sink.volume(volumeOf(sample.agentLevel), volumeOf(sample.remoteLevel));
    if (!first && this._readings % this._qualityEvery === 0) this._sink.quality(this._meter.grade(sample));
  }
}
