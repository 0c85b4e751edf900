// SPDX-License-Identifier: Apache-2.0
// The workbench's video pane: the remote and local video of the video session being talked on,
// with a camera on/off toggle (tccc.Video.muteVideo / unmuteVideo). The streams come from the media
// adapter's public getters (remoteStream(id) / localStream(id), through UiHost.streams): the pane
// never touches a peer connection. Both <video> elements are muted — the adapter already plays the
// far side's audio — and are re-attached whenever the adapter hands out a different stream.
import { h, show } from './dom';
import type { Ctx } from './elements';
import type { UiSession } from './Store';
import { CSS } from './styles';
import { adoptStyles } from './sheets';

const PANE_CSS = `
.videos { position: relative; background: #111; border-radius: 8px; overflow: hidden; aspect-ratio: 4 / 3; }
.videos video { display: block; }
video.remote { width: 100%; height: 100%; object-fit: contain; }
video.local { position: absolute; right: 6px; bottom: 6px; width: 30%; border: 2px solid #fff; border-radius: 4px; transform: scaleX(-1); }
.videos .muted { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: #c9cdd4; }
`;

export class VideoPane extends HTMLElement {
  private ctx!: Ctx;
  private box!: HTMLElement;
  private remote!: HTMLVideoElement;
  private local!: HTMLVideoElement;
  private waiting!: HTMLDivElement;
  private camera!: HTMLButtonElement;
  private sessionId = '';
  private cameraOff = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    const { t, store } = ctx;
    const video = (cls: string, label: string) => {
      const v = h('video', {
        class: cls,
        'aria-label': label,
        'data-field': `video-${cls}`,
        playsinline: true,
        autoplay: true,
      });
      v.muted = true; // audio plays through the media adapter
      return v;
    };
    this.remote = video('remote', t('remoteVideo'));
    this.local = video('local', t('localVideo'));
    this.waiting = h('div', { class: 'muted', 'data-field': 'video-waiting' }, t('videoWaiting'));
    this.camera = h('button', { type: 'button', 'data-act': 'camera', 'aria-pressed': 'false' }, t('cameraOff'));
    this.camera.addEventListener('click', () => {
      const s = this.current();
      if (!s) return;
      const off = !this.cameraOff;
      void store.run(async () => {
        await (off
          ? store.tccc.Video.muteVideo({ sessionId: s.sessionId })
          : store.tccc.Video.unmuteVideo({ sessionId: s.sessionId }));
        this.cameraOff = off;
        this.update();
      });
    });
    this.box = h(
      'section',
      { 'aria-label': t('video'), 'data-field': 'video-pane' },
      h('h3', {}, t('video')),
      h('div', { class: 'videos' }, this.remote, this.waiting, this.local),
      h('div', { class: 'row' }, this.camera),
    );
    adoptStyles(this.shadowRoot!, CSS, PANE_CSS);
    this.shadowRoot!.append(this.box);
    store.subscribe(() => this.update());
    this.update();
  }

  /** The video session on the line (the call bar's session, when it is a video one). */
  private current(): UiSession | undefined {
    const s = this.ctx.store.active();
    return s && s.type === 'video' && s.state === 'talking' ? s : undefined;
  }

  /** Some adapters hand out streams without an event of their own: look again every second. */
  tick(): void {
    this.update();
  }

  update(): void {
    const s = this.current();
    show(this.box, !!s);
    if (!s) {
      this.sessionId = '';
      attach(this.remote, undefined);
      attach(this.local, undefined);
      return;
    }
    if (s.sessionId !== this.sessionId) {
      this.sessionId = s.sessionId;
      this.cameraOff = false;
    }
    const { remote, local } = this.ctx.host.streams(s.sessionId);
    attach(this.remote, remote);
    attach(this.local, this.cameraOff ? undefined : local);
    show(this.waiting, !remote);
    const { t } = this.ctx;
    this.camera.textContent = this.cameraOff ? t('cameraOn') : t('cameraOff');
    this.camera.setAttribute('aria-pressed', String(this.cameraOff));
  }
}

function attach(el: HTMLVideoElement, stream: MediaStream | undefined): void {
  show(el, !!stream);
  if (el.srcObject === (stream ?? null)) return;
  el.srcObject = stream ?? null;
  // Muted video may autoplay everywhere; a refusal only leaves the first frame, so ignore it.
  if (stream) void el.play().catch(() => undefined);
}
