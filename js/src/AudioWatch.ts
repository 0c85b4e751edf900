// SPDX-License-Identifier: Apache-2.0
// One-way audio, noticed while a call is under way rather than reported by an unhappy customer: from
// RTP statistics sampled about once a second (WebRtcMediaAdapter feeds it getStats() figures), it
// decides when to warn that
//   - noInboundAudio: no audio packets have arrived for a while although the connection is up (the far
//     side's microphone or network is broken, or a middlebox drops one direction);
//   - microphoneSilent: the agent's own microphone has given digital silence for a while although it
//     is on the call unmuted (a dead headset, a hardware mute switch, a device the OS muted).
// A live microphone's noise floor, even in a quiet room, lies well above digital silence, so an agent
// who just listens is not warned. Each warning is reported when it starts and when it ends. Pure
// logic: no timers, no browser.

export type AudioWarning = 'noInboundAudio' | 'microphoneSilent';

/**
 * The microphone level (media-source audioLevel, 0..1) at or under which a sample is digital
 * silence: 2 LSB of 16-bit audio, about -84 dBFS. Chromium fed zeros reports 0 or 1 LSB, also after
 * its gain control has turned itself up; speech or a room's noise is far above it.
 */
const SILENT_MIC_LEVEL = 2 / 32767;

export interface AudioWatchOptions {
  /** How long without inbound audio packets before noInboundAudio (default 4000 ms). */
  inboundGapMs?: number;
  /** How long the microphone gives digital silence before microphoneSilent (default 8000 ms). */
  silentMicMs?: number;
}

/** One getStats() reading, reduced to what the watch needs. */
export interface AudioSample {
  atMs: number;
  /** The peer connection is connected (otherwise mediaStateChanged already tells the story). */
  connected: boolean;
  /** inbound-rtp (audio) packetsReceived; undefined when the browser has no such entry (yet). */
  packetsReceived?: number;
  /** media-source (audio) audioLevel of the microphone, 0..1; undefined when not reported. */
  micLevel?: number;
  /** The microphone is what the call sends: not muted, not replaced by music on hold. */
  micLive: boolean;
}

export interface AudioWarningChange {
  warning: AudioWarning;
  active: boolean;
}

/** Raises a warning when no sample has shown signs of life for too long, and ends it at the next one. */
class LifeDetector {
  private _since: number | undefined; // since when no sign of life (undefined: no reading yet)
  private _active = false;

  constructor(
    private readonly _warning: AudioWarning,
    private readonly _limitMs: number,
  ) {}

  /** `alive` undefined (nothing to judge) or `watching` false: the clock starts again. */
  sample(atMs: number, alive: boolean | undefined, watching: boolean, out: AudioWarningChange[]): void {
    if (!watching || alive === undefined) {
      this._since = atMs;
      if (!watching) this._set(false, out); // muted, held or disconnected: explained, not a fault
      return;
    }
    if (alive || this._since === undefined) {
      this._since = atMs;
      if (alive) this._set(false, out);
    } else if (atMs - this._since >= this._limitMs) {
      this._set(true, out);
    }
  }

  private _set(active: boolean, out: AudioWarningChange[]): void {
    if (active === this._active) return;
    this._active = active;
    out.push({ warning: this._warning, active });
  }
}

export class AudioWatch {
  private _inbound: LifeDetector;
  private _mic: LifeDetector;
  private _lastPackets: number | undefined;
  private _watching = false;

  constructor(options: AudioWatchOptions = {}) {
    this._inbound = new LifeDetector('noInboundAudio', options.inboundGapMs ?? 4000);
    this._mic = new LifeDetector('microphoneSilent', options.silentMicMs ?? 8000);
  }

  /** Feeds one reading; returns the warnings that started or ended with it. */
  sample(s: AudioSample): AudioWarningChange[] {
    const out: AudioWarningChange[] = [];
    // No inbound-rtp entry at all counts as zero packets: a far side that never sends is the case to
    // catch. The first reading of a connected spell only sets the mark to move from.
    const packets = s.packetsReceived ?? 0;
    const moved = this._watching && this._lastPackets !== undefined ? packets !== this._lastPackets : undefined;
    this._lastPackets = packets;
    this._watching = s.connected;
    this._inbound.sample(s.atMs, moved, s.connected, out);
    const micAlive = s.micLevel === undefined ? undefined : s.micLevel > SILENT_MIC_LEVEL;
    this._mic.sample(s.atMs, micAlive, s.connected && s.micLive, out);
    return out;
  }
}
