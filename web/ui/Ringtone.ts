// SPDX-License-Identifier: Apache-2.0
// The incoming-call ringtone: a two-tone ring synthesised with WebAudio (no audio file to fetch).
// Browsers refuse to start audio before the user has interacted with the page (autoplay policy), and
// a background tab may not be looked at: in both cases the alert falls back to a system notification
// (Notification API) and the UI says so, so an offer is never missed silently. A blocked ringtone
// starts on the agent's first click or key press.
export type RingOutcome = 'playing' | 'blocked-notified' | 'blocked-silent' | 'hidden-notified' | 'hidden-silent';

type AudioCtor = typeof AudioContext;

/** One tone of a ring: these frequencies together, from `at` to `until` seconds into the cycle. */
interface RingNote {
  at: number;
  until: number;
  hz: readonly number[];
}

/**
 * The ringtones an agent can choose from (DeviceSettings): each a cycle of notes repeated every
 * `everyMs`. Different rings let agents sitting side by side tell their own phone from a neighbour's.
 */
export const RINGTONES = {
  // The double ring the workbench always had (440 + 480 Hz, as a North American phone).
  classic: {
    everyMs: 3000,
    notes: [
      { at: 0, until: 0.4, hz: [440, 480] },
      { at: 0.6, until: 1, hz: [440, 480] },
    ],
  },
  // One long ring, 450 Hz for 1 s every 5 s: the ringing tone of phones in mainland China.
  long: { everyMs: 5000, notes: [{ at: 0, until: 1, hz: [450] }] },
  // A falling two-note chime, softer on the ear over a long shift.
  chime: {
    everyMs: 2500,
    notes: [
      { at: 0, until: 0.35, hz: [880] },
      { at: 0.4, until: 0.9, hz: [660] },
    ],
  },
} as const satisfies Record<string, { everyMs: number; notes: readonly RingNote[] }>;
export type RingtoneId = keyof typeof RINGTONES;
export const RINGTONE_IDS = Object.keys(RINGTONES) as RingtoneId[];

/** Where the ringtone choice is remembered in this browser (localStorage). */
export const RINGTONE_KEY = 'tccc.ui.ringtone';

/** The ringtone chosen in this browser ('classic' when none was, or storage is blocked). */
export function chosenRingtone(): RingtoneId {
  try {
    const id = localStorage.getItem(RINGTONE_KEY);
    return id && (RINGTONE_IDS as string[]).includes(id) ? (id as RingtoneId) : 'classic';
  } catch {
    return 'classic';
  }
}

export function rememberRingtone(id: RingtoneId): void {
  try {
    if (id === 'classic') localStorage.removeItem(RINGTONE_KEY);
    else localStorage.setItem(RINGTONE_KEY, id);
  } catch {
    /* storage blocked: the choice lasts for this page */
  }
}

/** Schedules one cycle of `id` on `ctx`, starting now; returns when it ends (context seconds). */
export function playRingCycle(ctx: AudioContext, id: RingtoneId): number {
  const t0 = ctx.currentTime;
  let end = t0;
  for (const note of RINGTONES[id].notes) {
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    // Short ramps: a tone switched on or off in one sample clicks.
    gain.gain.setValueAtTime(0.0001, t0 + note.at);
    gain.gain.linearRampToValueAtTime(0.15, t0 + note.at + 0.01);
    gain.gain.setValueAtTime(0.15, t0 + note.until - 0.01);
    gain.gain.linearRampToValueAtTime(0.0001, t0 + note.until);
    for (const f of note.hz) {
      const osc = ctx.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start(t0 + note.at);
      osc.stop(t0 + note.until);
    }
    end = Math.max(end, t0 + note.until);
  }
  return end;
}

export class Ringtone {
  /** The audio output to ring on ('' = the default); DeviceSettings points it at the SDK's speaker. */
  static output: () => string = () => '';
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private notification: Notification | undefined;
  /** Removes the gesture listeners that start a blocked ringtone on the agent's first click or key. */
  private unlisten: (() => void) | undefined;

  /** Starts ringing; resolves with what actually happened. */
  async start(title: string, body: string): Promise<RingOutcome> {
    this.stop();
    const hidden = document.visibilityState === 'hidden';
    const audible = await this.startAudio();
    if (audible && !hidden) return 'playing';
    const notified = this.notify(title, body);
    if (hidden) return notified ? 'hidden-notified' : 'hidden-silent';
    return notified ? 'blocked-notified' : 'blocked-silent';
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const ctx = this.ctx;
    this.ctx = undefined;
    if (ctx) void ctx.close().catch(() => undefined);
    try {
      this.notification?.close();
    } catch {
      /* already gone */
    }
    this.notification = undefined;
  }

  private async startAudio(): Promise<boolean> {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
    if (!Ctor) return false;
    let ctx: AudioContext;
    try {
      ctx = new Ctor();
    } catch {
      return false;
    }
    this.ctx = ctx;
    const output = Ringtone.output();
    const sink = ctx as AudioContext & { setSinkId?: (id: string) => Promise<void> };
    if (output && typeof sink.setSinkId === 'function') await sink.setSinkId(output).catch(() => undefined);
    if (ctx.state !== 'running') {
      // resume() stays pending (or rejects) while autoplay is blocked: do not wait for it forever.
      await Promise.race([ctx.resume().catch(() => undefined), new Promise((r) => setTimeout(r, 300))]);
    }
    const id = chosenRingtone();
    const burst = () => {
      if (this.ctx === ctx) playRingCycle(ctx, id);
    };
    const ring = () => {
      burst();
      this.timer = setInterval(burst, RINGTONES[id].everyMs);
    };
    if (this.ctx !== ctx) return false;
    if (ctx.state !== 'running') {
      // Blocked: the first click or key press anywhere on the page is a gesture that may start it.
      const onGesture = () => {
        this.unlisten?.();
        this.unlisten = undefined;
        void ctx.resume().then(
          () => {
            if (this.ctx === ctx && ctx.state === 'running' && this.timer === undefined) ring();
          },
          () => undefined,
        );
      };
      for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, onGesture, true);
      this.unlisten = () => {
        for (const type of ['pointerdown', 'keydown']) window.removeEventListener(type, onGesture, true);
      };
      return false;
    }
    ring();
    return true;
  }

  private notify(title: string, body: string): boolean {
    const N = (window as { Notification?: typeof Notification }).Notification;
    if (!N) return false;
    try {
      // Permission is asked for only on a click (NotifyPrompt.ts): browsers ignore or penalise a
      // request that no user gesture led to, and an incoming call is not one.
      if (N.permission !== 'granted') return false;
      // body is a caller's number/nickname: the Notification API renders it as plain text.
      this.notification = new N(title, { body, tag: 'tccc-incoming', requireInteraction: true });
      this.notification.onclick = () => {
        window.focus();
      };
      return true;
    } catch {
      return false;
    }
  }
}
