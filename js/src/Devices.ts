// SPDX-License-Identifier: Apache-2.0
// tccc.Devices: environment checks and device lists, straight from the browser's APIs, and the
// microphone switch, which the media adapter carries out (also in calls under way).
import type { MediaAdapter } from './MediaAdapter';
import { TcccError } from './TcccError';
import type { DevicesApi } from './types';

function mediaDevices(): MediaDevices | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav && nav.mediaDevices ? nav.mediaDevices : undefined;
}

async function listByKind(kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  const devices = mediaDevices();
  if (!devices || typeof devices.enumerateDevices !== 'function') {
    throw TcccError.of(
      'ERR_NOT_SUPPORTED',
      'This environment cannot list media devices ' +
        '(no navigator.mediaDevices; pages must be served over HTTPS or from localhost).',
    );
  }
  const all = await devices.enumerateDevices();
  return all.filter((d) => d.kind === kind);
}

/** Maps a getUserMedia failure to the catalogue: refused permission vs a device that cannot start. */
function micFailure(err: unknown): TcccError {
  if (err instanceof TcccError) return err;
  const e = err as Error;
  const text = `${e?.message ?? String(err)}`;
  if (e?.name === 'NotAllowedError' || /NotAllowedError|SecurityError/.test(text))
    return TcccError.of('ERR_MIC_NOT_AUTHORIZED', `The microphone permission was refused: ${text}`);
  return TcccError.of('ERR_MIC_START_FAIL', `The microphone could not be opened: ${text}`);
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/** An <audio> element that can choose its output, or undefined where browsers cannot. */
function sinkProbe(): SinkElement | undefined {
  const g = globalThis as { Audio?: new () => HTMLAudioElement; HTMLMediaElement?: { prototype: object } };
  if (!g.Audio || !g.HTMLMediaElement || typeof (g.HTMLMediaElement.prototype as SinkElement).setSinkId !== 'function')
    return undefined;
  return new g.Audio();
}

export function createDevices(media: () => MediaAdapter | undefined = () => undefined): DevicesApi {
  let speaker = '';
  return {
    isBrowserSupported(): boolean {
      const g = globalThis as Record<string, unknown>;
      const devices = mediaDevices();
      return (
        typeof g.WebSocket === 'function' &&
        typeof g.WebAssembly === 'object' &&
        typeof g.RTCPeerConnection === 'function' &&
        !!devices &&
        typeof devices.getUserMedia === 'function'
      );
    },
    getMicrophones: () => listByKind('audioinput'),
    getSpeakers: () => listByKind('audiooutput'),
    async setMicrophone(options: { deviceId: string }) {
      const deviceId =
        options && typeof options === 'object' ? (options as { deviceId?: unknown }).deviceId : undefined;
      if (typeof deviceId !== 'string' || !deviceId || deviceId.length > 256)
        throw TcccError.of(
          'ERR_INVALID_ARGUMENT',
          'Devices.setMicrophone: deviceId must be a non-empty string (from getMicrophones())',
        );
      const adapter = media();
      if (!adapter || typeof adapter.setMicrophone !== 'function')
        throw TcccError.of('ERR_NOT_SUPPORTED', 'Devices.setMicrophone: this environment has no WebRTC media');
      try {
        await adapter.setMicrophone(deviceId);
      } catch (err) {
        throw micFailure(err);
      }
      return { status: 'success' as const, data: { deviceId } };
    },
    canChooseSpeaker: () => !!sinkProbe(),
    getSpeaker: () => speaker,
    async setSpeaker(options: { deviceId: string }) {
      const deviceId =
        options && typeof options === 'object' ? (options as { deviceId?: unknown }).deviceId : undefined;
      if (typeof deviceId !== 'string' || deviceId.length > 256)
        throw TcccError.of(
          'ERR_INVALID_ARGUMENT',
          "Devices.setSpeaker: deviceId must be a string (from getSpeakers(); '' for the default output)",
        );
      const probe = sinkProbe();
      if (!probe)
        throw TcccError.of(
          'ERR_NOT_SUPPORTED',
          'Devices.setSpeaker: this browser cannot choose an audio output (no HTMLMediaElement.setSinkId)',
        );
      // Tried on an element of our own first: an unknown or forbidden output is reported now and
      // changes nothing, instead of silencing the next call.
      try {
        await probe.setSinkId(deviceId);
        await media()?.setSpeaker?.(deviceId);
      } catch (err) {
        const e = err as Error;
        throw TcccError.of(
          'ERR_SPEAKER_START_FAIL',
          `Devices.setSpeaker: the audio output ${JSON.stringify(deviceId)} cannot be used: ${e?.name ?? ''} ${e?.message ?? String(err)}`.trim(),
        );
      }
      speaker = deviceId;
      return { status: 'success' as const, data: { deviceId } };
    },
  };
}
