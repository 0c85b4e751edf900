// SPDX-License-Identifier: Apache-2.0
// The incoming-call ringtone: a two-tone ring synthesised with WebAudio (no audio file to fetch).
// Browsers refuse to start audio before the user has interacted with the page (autoplay policy), and
// a background tab may not be looked at: in both cases the alert falls back to a system notification
// (Notification API) and the UI says so, so an offer is never missed silently. A blocked ringtone
// starts on the agent's first click or key press.
export type RingOutcome = 'playing' | 'blocked-notified' | 'blocked-silent' | 'hidden-notified' | 'hidden-silent';

type AudioCtor = typeof AudioContext;

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
    const burst = () => {
      if (this.ctx !== ctx) return;
      const t0 = ctx.currentTime;
      const gain = ctx.createGain();
      gain.connect(ctx.destination);
      gain.gain.setValueAtTime(0.0001, t0);
      for (const [on, off] of [
        [0, 0.4],
        [0.6, 1.0],
      ]) {
        gain.gain.setValueAtTime(0.15, t0 + on);
        gain.gain.setValueAtTime(0.0001, t0 + off);
      }
      for (const f of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = f;
        osc.connect(gain);
        osc.start(t0);
        osc.stop(t0 + 1.0);
      }
    };
    const ring = () => {
      burst();
      this.timer = setInterval(burst, 3000);
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
