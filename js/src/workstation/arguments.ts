// SPDX-License-Identifier: Apache-2.0
// Checks the arguments of the workstation's methods before anything happens, so that a bad one gets
// a code and a message through the method's callback (or onError) instead of a throw or a silent
// no-op. The core checks again what it receives (the number's format, the limits): these checks
// only cover the shapes the uni-app API has and the core does not know. Pure.
import { TCCCAudioRoute, TCCCLoginType } from './enums';
import { TcccErrorCode } from './TcccErrorCode.generated';

export type Checked<T> = { ok: true; value: T } | { ok: false; code: number; message: string };

const bad = (method: string, what: string): { ok: false; code: number; message: string } => ({
  ok: false,
  code: TcccErrorCode.ERR_INVALID_ARGUMENT,
  message: `${method}: ${what}`,
});

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export interface LoginArgs {
  sdkAppId: string | number;
  userId: string;
  token: string;
  /** Given in the params (ours); otherwise the workstation's default. */
  serverUrl?: string;
}

/** `login({sdkAppID, userId, token, type, serverUrl?})`; `sdkAppId` is accepted for `sdkAppID`. */
export function checkLogin(params: unknown): Checked<LoginArgs> {
  if (!isObject(params)) return bad('login', 'params must be an object {sdkAppID, userId, token, type}');
  const sdkAppId = params.sdkAppID ?? params.sdkAppId;
  if (typeof sdkAppId !== 'number' && typeof sdkAppId !== 'string')
    return bad('login', 'sdkAppID is missing (a number, e.g. 1400000001)');
  if (!/^[1-9][0-9]{0,15}$/.test(String(sdkAppId)))
    return bad('login', `sdkAppID must be a positive integer, got ${JSON.stringify(sdkAppId)}`);
  if (typeof params.userId !== 'string' || !params.userId) return bad('login', 'userId must be a non-empty string');
  if (typeof params.token !== 'string' || !params.token)
    return bad('login', 'token must be the non-empty Token that CreateSDKLoginToken returned');
  if (params.type !== undefined && params.type !== TCCCLoginType.Agent)
    return {
      ok: false,
      code: TcccErrorCode.ERR_NOT_SUPPORTED,
      message: `login: type ${JSON.stringify(params.type)} is not supported; use TCCCLoginType.Agent`,
    };
  const serverUrl = params.serverUrl;
  if (serverUrl !== undefined && (typeof serverUrl !== 'string' || !serverUrl))
    return bad('login', 'serverUrl must be a URL string, e.g. https://cc.example.com');
  return { ok: true, value: { sdkAppId, userId: params.userId, token: params.token, serverUrl } };
}

export interface CallArgs {
  phoneNumber: string;
  phoneDesc?: string;
  uui?: string;
}

/** `call({to, remark?, uui?})`, as the core's `Call.startOutboundCall` options. */
export function checkCall(params: unknown): Checked<CallArgs> {
  if (!isObject(params)) return bad('call', 'params must be an object {to, remark?, uui?}');
  const to = typeof params.to === 'number' ? String(params.to) : params.to;
  if (typeof to !== 'string' || !to.trim()) return bad('call', 'to (the number to call) must be a non-empty string');
  for (const key of ['remark', 'uui'] as const)
    if (params[key] !== undefined && params[key] !== null && typeof params[key] !== 'string')
      return bad('call', `${key} must be a string`);
  const value: CallArgs = { phoneNumber: to };
  if (typeof params.remark === 'string' && params.remark) value.phoneDesc = params.remark;
  if (typeof params.uui === 'string' && params.uui) value.uui = params.uui;
  return { ok: true, value };
}

/** `sendDTMF(digits)`: 0-9 * # A-D, 1 to 32 of them. */
export function checkDigits(digits: unknown): Checked<string> {
  const text = typeof digits === 'number' && Number.isInteger(digits) && digits >= 0 ? String(digits) : digits;
  if (typeof text !== 'string' || !/^[0-9A-D*#]{1,32}$/.test(text))
    return bad('sendDTMF', `digits must be 1 to 32 of 0-9 * # A-D, got ${JSON.stringify(digits)}`);
  return { ok: true, value: text };
}

/** A 0–100 volume (`setAudioCaptureVolume`, `setAudioPlayoutVolume`); fractions are rounded. */
export function checkVolume(method: string, volume: unknown): Checked<number> {
  if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0 || volume > 100)
    return bad(method, `volume must be a number from 0 to 100, got ${JSON.stringify(volume)}`);
  return { ok: true, value: Math.round(volume) };
}

/** `setAudioRoute(route)`: a `TCCCAudioRoute`. */
export function checkRoute(route: unknown): Checked<TCCCAudioRoute> {
  if (route !== TCCCAudioRoute.Speakerphone && route !== TCCCAudioRoute.Earpiece)
    return bad('setAudioRoute', `route must be TCCCAudioRoute.Speakerphone or .Earpiece, got ${JSON.stringify(route)}`);
  return { ok: true, value: route };
}

export interface MusicArgs {
  /** A file the browser can decode; undefined: the built-in melody. */
  url?: string;
  loop: boolean;
}

/** `startPlayMusic(path?)` or `startPlayMusic({path?, loop?})` (loop defaults to true). */
export function checkMusic(params: unknown): Checked<MusicArgs> {
  if (params === undefined || params === null || params === '') return { ok: true, value: { loop: true } };
  if (typeof params === 'string') return { ok: true, value: { url: params, loop: true } };
  if (!isObject(params)) return bad('startPlayMusic', 'give a URL string or {path?, loop?}');
  const path = params.path ?? params.url;
  if (path !== undefined && (typeof path !== 'string' || !path)) return bad('startPlayMusic', 'path must be a URL');
  if (params.loop !== undefined && typeof params.loop !== 'boolean')
    return bad('startPlayMusic', 'loop must be a boolean');
  return { ok: true, value: { url: path, loop: params.loop !== false } };
}

export interface ExperimentalCall {
  api: string;
  params: Record<string, unknown>;
}

/** `callExperimentalAPI(json)`: a JSON string or an object `{api, params?}`. */
export function checkExperimental(json: unknown): Checked<ExperimentalCall> {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      return bad('callExperimentalAPI', 'the argument is not JSON');
    }
  }
  if (!isObject(value) || typeof value.api !== 'string' || !value.api)
    return bad('callExperimentalAPI', 'give {"api": "<name>", "params": {…}}');
  if (value.params !== undefined && !isObject(value.params))
    return bad('callExperimentalAPI', 'params must be an object');
  return { ok: true, value: { api: value.api, params: (value.params as Record<string, unknown>) ?? {} } };
}
