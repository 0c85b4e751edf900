// SPDX-License-Identifier: Apache-2.0
// `getDeviceManager()`: the volumes (0–100, applied by AudioGraph's gains on what is sent and what is
// played) and the audio route. A browser has no earpiece: the route picks an output device for the
// elements that play calls (HTMLMediaElement.setSinkId, Chromium and Firefox): `Speakerphone` the
// system default, `Earpiece` the device set with callExperimentalAPI setEarpieceDevice (a headset).
// Without setSinkId, or without such a device, the route is remembered and a warning says nothing
// changed. Setters return the code (0 on success) and report a bad argument through onError.
import { checkRoute, checkVolume } from './arguments';
import type { AudioGraph } from './AudioGraph';
import { TCCCAudioRoute } from './enums';
import { TcccErrorCode } from './TcccErrorCode.generated';

export interface DeviceManagerHost {
  error(code: number, message: string): void;
  warn(message: string): void;
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

export class DeviceManager {
  private _route: TCCCAudioRoute = TCCCAudioRoute.Speakerphone;
  private _earpieceDeviceId: string | undefined;
  private _elements = new Set<SinkElement>();

  constructor(
    private readonly _graph: AudioGraph,
    private readonly _host: DeviceManagerHost,
  ) {}

  /** Sets the volume of what the far end hears from this agent, 0–100 (default 100). */
  setAudioCaptureVolume(volume: number): number {
    const v = checkVolume('setAudioCaptureVolume', volume);
    if (!v.ok) return this._fail(v.code, v.message);
    this._graph.setCaptureVolume(v.value);
    return TcccErrorCode.ERR_NONE;
  }

  getAudioCaptureVolume(): number {
    return this._graph.captureVolume;
  }

  /** Sets the volume at which the far end is played here, 0–100 (default 100). */
  setAudioPlayoutVolume(volume: number): number {
    const v = checkVolume('setAudioPlayoutVolume', volume);
    if (!v.ok) return this._fail(v.code, v.message);
    this._graph.setPlayoutVolume(v.value);
    return TcccErrorCode.ERR_NONE;
  }

  getAudioPlayoutVolume(): number {
    return this._graph.playoutVolume;
  }

  /** Chooses where calls play: see the module comment for what that means in a browser. */
  setAudioRoute(route: TCCCAudioRoute): number {
    const r = checkRoute(route);
    if (!r.ok) return this._fail(r.code, r.message);
    this._route = r.value;
    if (r.value === TCCCAudioRoute.Earpiece && !this._earpieceDeviceId)
      this._host.warn('setAudioRoute(Earpiece): a browser has no earpiece; choose a device with setEarpieceDevice');
    for (const el of this._elements) this._applySink(el);
    return TcccErrorCode.ERR_NONE;
  }

  /** (ours) The route in force. */
  getAudioRoute(): TCCCAudioRoute {
    return this._route;
  }

  /** The output device `Earpiece` means here (an `audiooutput` deviceId from enumerateDevices). */
  setEarpieceDevice(deviceId: string): void {
    this._earpieceDeviceId = deviceId || undefined;
    for (const el of this._elements) this._applySink(el);
  }

  /** An element that plays a call: it follows the route from now on. */
  adopt(el: HTMLMediaElement): void {
    this._elements.add(el);
    this._applySink(el);
  }

  /** Drops the elements whose call has ended (the media adapter has cleared their source). */
  prune(): void {
    for (const el of this._elements) {
      if (el.srcObject) continue;
      this._elements.delete(el);
      el.remove();
    }
  }

  private _applySink(el: SinkElement): void {
    const sinkId = this._route === TCCCAudioRoute.Earpiece ? (this._earpieceDeviceId ?? '') : '';
    if (typeof el.setSinkId !== 'function') {
      if (sinkId) this._host.warn('this browser cannot choose an audio output (no setSinkId): the route is unchanged');
      return;
    }
    el.setSinkId(sinkId).catch((err: Error) =>
      this._host.warn(`the audio output ${sinkId} cannot be used: ${err?.message ?? String(err)}`),
    );
  }

  private _fail(code: number, message: string): number {
    this._host.error(code, message);
    return code;
  }
}
