// SPDX-License-Identifier: Apache-2.0
// tccc.Devices: environment checks and device lists, straight from the browser's APIs.
import { TcccError } from './TcccError';
import type { DevicesApi } from './types';

function mediaDevices(): MediaDevices | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav && nav.mediaDevices ? nav.mediaDevices : undefined;
}

async function listByKind(kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  const devices = mediaDevices();
  if (!devices || typeof devices.enumerateDevices !== 'function') {
    throw TcccError.of('ERR_NOT_SUPPORTED', 'This environment cannot list media devices ' +
      '(no navigator.mediaDevices; pages must be served over HTTPS or from localhost).');
  }
  const all = await devices.enumerateDevices();
  return all.filter((d) => d.kind === kind);
}

export function createDevices(): DevicesApi {
  return {
    isBrowserSupported(): boolean {
      const g = globalThis as Record<string, unknown>;
      const devices = mediaDevices();
      return typeof g.WebSocket === 'function' && typeof g.WebAssembly === 'object' &&
        typeof g.RTCPeerConnection === 'function' && !!devices && typeof devices.getUserMedia === 'function';
    },
    getMicrophones: () => listByKind('audioinput'),
    getSpeakers: () => listByKind('audiooutput'),
  };
}
