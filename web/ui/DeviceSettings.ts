// SPDX-License-Identifier: Apache-2.0
// "Devices" section of the workbench: which microphone the SDK uses (tccc.Devices.setMicrophone,
// applied to calls under way too), a live input level so the agent sees the microphone works before
// the first call, which speaker calls, the ringtone and the test tone play on
// (tccc.Devices.setSpeaker; remembered in this browser, or said to be impossible where the browser
// cannot choose an output), a test tone through it, and which ringtone announces an incoming call
// (remembered in this browser, with a preview). Collapsed by default: the level meter opens
// the microphone only while the section is open and the workbench shown, and releases it after.
import { h, show } from './dom';
import type { Ctx } from './elements';
import { Ringtone, RINGTONE_IDS, chosenRingtone, playRingCycle, rememberRingtone, type RingtoneId } from './Ringtone';
import { adoptStyles } from './sheets';
import { CSS } from './styles';

const PANE_CSS = `
details > summary { cursor: pointer; font-size: 13px; color: #4e5969; font-weight: 600; margin: 6px 0; }
meter { width: 100%; height: 10px; }
label { display: block; font-size: 12px; color: #646a73; margin: 6px 0 2px; }
select { width: 100%; box-sizing: border-box; }
`;

type AudioCtor = typeof AudioContext;
type SinkContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

/** Where the speaker choice is remembered in this browser (localStorage). */
export const SPEAKER_KEY = 'tccc.ui.speaker';

const TEXT = {
  'zh-CN': {
    speaker: '扬声器',
    speakerDefault: '系统默认',
    speakerNumbered: '扬声器 {n}',
    speakerSwitched: '已切换扬声器，通话、铃声和测试音都从这里播放。',
    speakerUnavailable: '无法使用该扬声器：{n}',
    speakerUnsupported: '此浏览器不能选择扬声器，声音从系统默认设备播放。',
    speakerNone: '未找到可选的扬声器，声音从系统默认设备播放。',
    ringtone: '来电铃声',
    ringtone_classic: '经典双响',
    ringtone_long: '长响',
    ringtone_chime: '双音提示',
    ringtonePreview: '试听铃声',
    ringtoneChosen: '已选择铃声，下次来电时播放。',
  },
  en: {
    speaker: 'Speaker',
    speakerDefault: 'System default',
    speakerNumbered: 'Speaker {n}',
    speakerSwitched: 'Speaker switched: calls, the ringtone and the test tone play here.',
    speakerUnavailable: 'The speaker cannot be used: {n}',
    speakerUnsupported: 'This browser cannot choose a speaker; sound plays on the system default.',
    speakerNone: 'No speaker to choose from; sound plays on the system default.',
    ringtone: 'Ringtone',
    ringtone_classic: 'Classic double ring',
    ringtone_long: 'Long ring',
    ringtone_chime: 'Chime',
    ringtonePreview: 'Play the ringtone',
    ringtoneChosen: 'Ringtone chosen: it plays for the next incoming call.',
  },
};
type TextKey = keyof (typeof TEXT)['en'];

function remembered(): string {
  try {
    return localStorage.getItem(SPEAKER_KEY) ?? '';
  } catch {
    return ''; // storage blocked (private mode, sandboxed frame)
  }
}

function remember(deviceId: string): void {
  try {
    if (deviceId) localStorage.setItem(SPEAKER_KEY, deviceId);
    else localStorage.removeItem(SPEAKER_KEY);
  } catch {
    /* storage blocked: the choice lasts for this page */
  }
}

/** Routes a WebAudio context to the chosen speaker where the browser can (AudioContext.setSinkId). */
export async function routeToSpeaker(ctx: AudioContext, deviceId: string): Promise<void> {
  const sink = ctx as SinkContext;
  if (deviceId && typeof sink.setSinkId === 'function') await sink.setSinkId(deviceId).catch(() => undefined);
}

// The microphone picked here, kept across rebuilds of the UI (a language switch makes new elements).
let chosenMicrophone = '';
const audioContextClass = (): AudioCtor | undefined =>
  (window as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor }).AudioContext ??
  (window as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext;

/** The RMS of a time-domain frame (bytes centred on 128) as 0–100, on a scale where speech reads 20–80. */
export function levelOf(frame: Uint8Array): number {
  let sum = 0;
  for (const b of frame) {
    const x = (b - 128) / 128;
    sum += x * x;
  }
  const rms = Math.sqrt(sum / Math.max(1, frame.length));
  // dBFS from −60 (silence floor) to 0 mapped onto 0–100.
  const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
  return Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100)));
}

export class DeviceSettings extends HTMLElement {
  private ctx!: Ctx;
  private details!: HTMLDetailsElement;
  private micSelect!: HTMLSelectElement;
  private meter!: HTMLMeterElement;
  private message!: HTMLDivElement;
  private toneBtn!: HTMLButtonElement;
  private speakerSelect!: HTMLSelectElement;
  private speakerNote!: HTMLDivElement;
  private ringtoneSelect!: HTMLSelectElement;
  private previewBtn!: HTMLButtonElement;
  /** The open level meter: its stream, audio graph and sampling timer. */
  private metering: { stream: MediaStream; audio: AudioContext; timer: ReturnType<typeof setInterval> } | undefined;
  private opening = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  init(ctx: Ctx): void {
    this.ctx = ctx;
    const { t } = ctx;
    this.micSelect = h('select', { id: 'mic', 'aria-label': t('microphone'), 'data-field': 'mic-select' });
    this.micSelect.addEventListener('change', () => void this.useMicrophone(this.micSelect.value));
    this.meter = h('meter', {
      id: 'level',
      min: 0,
      max: 100,
      value: 0,
      'aria-label': t('inputLevel'),
      'data-field': 'mic-level',
    });
    this.speakerSelect = h('select', {
      id: 'speaker',
      'aria-label': this.text('speaker'),
      'data-field': 'speaker-select',
    });
    this.speakerSelect.addEventListener('change', () => void this.useSpeaker(this.speakerSelect.value));
    this.speakerNote = h('div', { class: 'muted', 'data-field': 'speaker-note' });
    this.ringtoneSelect = h(
      'select',
      { id: 'ringtone', 'aria-label': this.text('ringtone'), 'data-field': 'ringtone-select' },
      ...RINGTONE_IDS.map((id) => h('option', { value: id }, this.text(`ringtone_${id}` as const))),
    );
    this.ringtoneSelect.value = chosenRingtone();
    this.ringtoneSelect.addEventListener('change', () => {
      rememberRingtone(this.ringtoneSelect.value as RingtoneId);
      this.say(this.text('ringtoneChosen'), 'info');
    });
    this.previewBtn = h('button', { type: 'button', 'data-act': 'preview-ringtone' }, this.text('ringtonePreview'));
    this.previewBtn.addEventListener('click', () => void this.previewRingtone());
    this.toneBtn = h('button', { type: 'button', 'data-act': 'test-tone' }, t('testTone'));
    this.toneBtn.addEventListener('click', () => void this.playTone());
    this.message = h('div', { class: 'muted', role: 'status', 'data-field': 'device-message' });
    this.details = h(
      'details',
      { 'data-field': 'device-settings' },
      h('summary', {}, t('devices')),
      h('label', { for: 'mic' }, t('microphone')),
      this.micSelect,
      h('label', { for: 'level' }, t('inputLevel')),
      this.meter,
      h('label', { for: 'speaker' }, this.text('speaker')),
      this.speakerSelect,
      this.speakerNote,
      h('label', { for: 'ringtone' }, this.text('ringtone')),
      this.ringtoneSelect,
      h('div', { class: 'row' }, this.toneBtn, this.previewBtn),
      this.message,
    );
    this.details.addEventListener('toggle', () => {
      this.tick();
      if (this.details.open) void this.listSpeakers();
    });
    adoptStyles(this.shadowRoot!, CSS, PANE_CSS);
    this.shadowRoot!.append(this.details);
    // The ringtone plays where calls do.
    Ringtone.output = () => this.speaker();
    this.restoreSpeaker();
  }

  private text(key: TextKey, n?: string | number): string {
    const text = (this.ctx.host.config().lang === 'en' ? TEXT.en : TEXT['zh-CN'])[key];
    return text.replace('{n}', String(n ?? ''));
  }

  private speaker(): string {
    try {
      return this.ctx.host.tccc.Devices.getSpeaker();
    } catch {
      return ''; // a destroyed SDK
    }
  }

  /** The output remembered in this browser, chosen again once (quietly: a device gone means the default). */
  private restoreSpeaker(): void {
    const id = remembered();
    const devices = this.ctx.host.tccc.Devices;
    if (!id || id === devices.getSpeaker() || !devices.canChooseSpeaker()) return;
    devices.setSpeaker({ deviceId: id }).catch(() => remember(''));
  }

  private async listSpeakers(): Promise<void> {
    const { host } = this.ctx;
    const devices = host.tccc.Devices;
    if (!devices.canChooseSpeaker()) {
      show(this.speakerSelect, false);
      this.speakerNote.textContent = this.text('speakerUnsupported');
      return;
    }
    let outputs: MediaDeviceInfo[];
    try {
      outputs = (await devices.getSpeakers()).filter((d) => d.deviceId && d.deviceId !== 'default');
    } catch (err) {
      show(this.speakerSelect, false);
      this.speakerNote.textContent = this.text('speakerUnavailable', (err as { errorMsg?: string })?.errorMsg ?? '');
      return;
    }
    const current = this.speaker();
    this.speakerSelect.replaceChildren(
      h('option', { value: '' }, this.text('speakerDefault')),
      ...outputs.map((d, i) => h('option', { value: d.deviceId }, d.label || this.text('speakerNumbered', i + 1))),
    );
    this.speakerSelect.value = outputs.some((d) => d.deviceId === current) ? current : '';
    show(this.speakerSelect, outputs.length > 0);
    this.speakerNote.textContent = outputs.length ? '' : this.text('speakerNone');
  }

  private async useSpeaker(deviceId: string): Promise<void> {
    try {
      await this.ctx.host.tccc.Devices.setSpeaker({ deviceId });
      remember(deviceId);
      this.say(this.text('speakerSwitched'), 'info');
    } catch (err) {
      this.speakerSelect.value = this.speaker();
      this.say(this.text('speakerUnavailable', (err as { errorMsg?: string })?.errorMsg ?? String(err)), 'error');
    }
  }

  update(): void {
    /* nothing follows the store: the section is driven by its own controls */
  }

  /** Opens the meter while the section is open and the workbench shown; releases the microphone otherwise. */
  tick(): void {
    const wanted = this.isConnected && this.details.open && this.ctx.host.visibility().workbench;
    if (wanted && !this.metering && !this.opening) void this.openMeter();
    if (!wanted) this.closeMeter();
  }

  disconnectedCallback(): void {
    this.closeMeter();
  }

  private async openMeter(): Promise<void> {
    const { t } = this.ctx;
    const Audio = audioContextClass();
    if (!Audio || !navigator.mediaDevices?.getUserMedia) {
      this.say(t('devicesUnsupported'), 'error');
      return;
    }
    this.opening = true;
    try {
      const audio = chosenMicrophone ? { deviceId: { exact: chosenMicrophone } } : true;
      const stream = await navigator.mediaDevices.getUserMedia({ audio });
      if (!this.details.open || !this.isConnected) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const ctx = new Audio();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const frame = new Uint8Array(analyser.fftSize);
      const timer = setInterval(() => {
        analyser.getByteTimeDomainData(frame);
        this.meter.value = levelOf(frame);
      }, 100);
      this.metering = { stream, audio: ctx, timer };
      if (this.message.dataset.kind === 'error') this.say('', '');
      // Labels are only given once the page may use a microphone: list them now.
      await this.listMicrophones();
    } catch (err) {
      this.say(t('micUnavailable', (err as Error)?.message ?? String(err)), 'error');
    } finally {
      this.opening = false;
    }
  }

  private closeMeter(): void {
    const m = this.metering;
    this.metering = undefined;
    if (!m) return;
    clearInterval(m.timer);
    for (const track of m.stream.getTracks()) track.stop();
    void m.audio.close().catch(() => undefined);
    this.meter.value = 0;
  }

  private async listMicrophones(): Promise<void> {
    const { t, host } = this.ctx;
    let mics: MediaDeviceInfo[];
    try {
      mics = await host.tccc.Devices.getMicrophones();
    } catch (err) {
      this.say(t('micUnavailable', (err as { errorMsg?: string })?.errorMsg ?? String(err)), 'error');
      return;
    }
    const current = chosenMicrophone || this.metering?.stream.getAudioTracks()[0]?.getSettings().deviceId || '';
    this.micSelect.replaceChildren(
      ...mics.map((m, i) => h('option', { value: m.deviceId }, m.label || t('micNumbered', i + 1))),
    );
    if (current && mics.some((m) => m.deviceId === current)) this.micSelect.value = current;
    show(this.micSelect, mics.length > 0);
  }

  private async useMicrophone(deviceId: string): Promise<void> {
    const { t, host } = this.ctx;
    try {
      await host.tccc.Devices.setMicrophone({ deviceId });
      chosenMicrophone = deviceId;
      this.say(t('micSwitched'), 'info');
      // The meter follows the new microphone.
      this.closeMeter();
      this.tick();
    } catch (err) {
      this.say(t('micUnavailable', (err as { errorMsg?: string })?.errorMsg ?? String(err)), 'error');
    }
  }

  /** The status line under the controls; an error is cleared once the microphone works again. */
  private say(text: string, kind: 'error' | 'info' | ''): void {
    this.message.textContent = text;
    this.message.dataset.kind = kind;
  }

  /** One cycle of the chosen ringtone on the chosen speaker (a click allows audio to start). */
  private previewRingtone(): Promise<void> {
    return this.playOnSpeaker(this.previewBtn, (ctx) => playRingCycle(ctx, this.ringtoneSelect.value as RingtoneId));
  }

  /** One second of a 440 Hz tone, faded in and out, so the agent can check the speakers. */
  private async playTone(): Promise<void> {
    this.say(this.ctx.t('tonePlaying'), 'info');
    await this.playOnSpeaker(this.toneBtn, (ctx) => {
      const t0 = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 440;
      gain.gain.setValueAtTime(0, t0);
      gain.gain.linearRampToValueAtTime(0.2, t0 + 0.05);
      gain.gain.setValueAtTime(0.2, t0 + 0.95);
      gain.gain.linearRampToValueAtTime(0, t0 + 1);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 1);
      return t0 + 1;
    });
    this.say('', '');
  }

  /**
   * Plays what `schedule` puts on a fresh audio context routed to the chosen speaker, with `button`
   * disabled until it ends (`schedule` returns that moment, in context seconds); then frees the context.
   */
  private async playOnSpeaker(button: HTMLButtonElement, schedule: (ctx: AudioContext) => number): Promise<void> {
    const Audio = audioContextClass();
    if (!Audio) return;
    const ctx = new Audio();
    await routeToSpeaker(ctx, this.speaker());
    button.disabled = true;
    const end = schedule(ctx);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - ctx.currentTime) * 1000 + 50));
    await ctx.close().catch(() => undefined);
    button.disabled = false;
  }
}
