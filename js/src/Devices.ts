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

export function createDevices(media: () => MediaAdapter | undefined = () => undefined): DevicesApi {
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
  };
}
