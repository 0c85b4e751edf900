// SPDX-License-Identifier: Apache-2.0
// While a call is connected, reads its peer connection's statistics a few times a second and reports
// the audio levels (`onAudioVolume`: the agent's microphone as sent, the far end as received, 0–100)
// and, every few readings, the network quality (`onNetworkQuality`, NetworkQuality.ts). getStats()
// rather than analysers of our own: the browser measures these levels anyway, at no extra cost.
import { QualityMeter, type StatsEntry } from './NetworkQuality';
import type { TCCCQuality } from './enums';

export interface CallMetersHost {
  /** The current call's peer connection, if it has one. */
  peerConnection(): RTCPeerConnection | undefined;
  /** The far end's level (0..1) measured by the page itself, when getStats() cannot tell it. */
  remoteLevel(): number | undefined;
  /** Who the far end is (its number), for `onAudioVolume`. */
  remoteUserId(): string;
  /** The agent, for `onAudioVolume`. */
  localUserId(): string;
  volume(userId: string, volume: number): void;
  quality(quality: TCCCQuality): void;
}

/** getStats audioLevel (0..1, linear, 1 = full scale) as the 0–100 volume of the TCCC API. */
export function volumeOf(audioLevel: number | undefined): number {
  if (typeof audioLevel !== 'number' || !Number.isFinite(audioLevel) || audioLevel <= 0) return 0;
  return Math.min(100, Math.round(audioLevel * 100));
}

export class CallMeters {
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _meter = new QualityMeter();
  private _ticks = 0;

  constructor(
    private readonly _host: CallMetersHost,
    private readonly _periodMs = 300,
    /** Quality once per this many readings (about every 2 s). */
    private readonly _qualityEvery = 7,
  ) {}

  start(): void {
    if (this._timer !== undefined) return;
    this._meter = new QualityMeter();
    this._ticks = 0;
    const next = () => {
      this._timer = setTimeout(() => {
        void this._read().finally(() => {
          if (this._timer !== undefined) next();
        });
      }, this._periodMs);
    };
    next();
  }

  stop(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
    this._timer = undefined;
  }

  private async _read(): Promise<void> {
    const pc = this._host.peerConnection();
    if (!pc || pc.connectionState !== 'connected') return;
    const entries: StatsEntry[] = [];
    let local: number | undefined;
    let remote: number | undefined;
    try {
      (await pc.getStats()).forEach((r: StatsEntry & { audioLevel?: number }) => {
        entries.push(r);
        if (r.kind !== 'audio' || typeof r.audioLevel !== 'number') return;
        if (r.type === 'media-source') local = Math.max(local ?? 0, r.audioLevel);
        if (r.type === 'inbound-rtp') remote = Math.max(remote ?? 0, r.audioLevel);
      });
    } catch {
      return; // the connection is closing; the end of the call stops the meters
    }
    if (this._timer === undefined) return;
    this._host.volume(this._host.localUserId(), volumeOf(local));
    this._host.volume(this._host.remoteUserId(), volumeOf(this._host.remoteLevel() ?? remote));
    if (++this._ticks % this._qualityEvery === 0) this._host.quality(this._meter.sample(entries));
  }
}
