// SPDX-License-Identifier: Apache-2.0
// Turns what an integrator gives (init options, or the script tag's URL query / data-* attributes)
// into SdkSettings. A missing or malformed parameter does not throw: it is logged once and every API
// call then rejects with ERR_INVALID_ARGUMENT naming it, like any other failed call.
import type { WasmSource } from './CoreAdapter';
import type { SdkSettings } from './Sdk';
import { TcccError } from './TcccError';

export interface LoginParams {
  sdkAppId?: string | number | null;
  userId?: string | null;
  token?: string | null;
  /** http(s):// or ws(s):// base of the tccc server. */
  server?: string | null;
}

/** The agent WebSocket URL below a server base: http→ws, https→wss, path + /ws/agent. */
export function agentSocketUrl(server: string): string {
  const url = new URL(server);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`unsupported protocol ${url.protocol}`);
  }
  if (!url.pathname.endsWith('/ws/agent')) url.pathname = url.pathname.replace(/\/+$/, '') + '/ws/agent';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * The login parameters an SdkURL carries: sdkAppId, userId (or userid), token and optionally server.
 * CreateSDKLoginToken puts them in the fragment (…/tccc.js#sdkAppId=…&userId=…&token=…): a fragment
 * is never sent over the network, so the token stays out of access logs, proxies and Referer
 * headers, and every agent's SdkURL names the same script, which the browser then keeps compiled
 * (V8's code cache: bench/media.mjs, script load -> ready). Older SdkURLs carried them in the query,
 * which still works; where both have a parameter, the fragment wins.
 */
export function paramsFromUrl(url: URL): LoginParams {
  const fragment = new URLSearchParams(url.hash.slice(1));
  const get = (name: string) => fragment.get(name) ?? url.searchParams.get(name);
  return {
    sdkAppId: get('sdkAppId'),
    userId: get('userId') ?? get('userid'),
    token: get('token'),
    server: get('server'),
  };
}

/** Checks the login parameters; returns SdkSettings, with configError set if one is unusable. */
export function buildSettings(
  params: LoginParams,
  rest: Omit<SdkSettings, 'sdkAppId' | 'userId' | 'token' | 'wsUrl' | 'configError'>,
  earlierProblems: string[] = [],
): SdkSettings {
  const problems: string[] = [...earlierProblems];
  const sdkAppId = params.sdkAppId;
  if (sdkAppId === undefined || sdkAppId === null || sdkAppId === '') problems.push('sdkAppId is missing');
  else if (!/^[1-9][0-9]{0,15}$/.test(String(sdkAppId))) {
    problems.push(`sdkAppId must be a positive integer, got ${JSON.stringify(sdkAppId)}`);
  }
  if (!params.userId) problems.push('userId is missing');
  if (!params.token) problems.push('token is missing');
  let wsUrl = '';
  if (!params.server) problems.push('the server URL is missing');
  else {
    try {
      wsUrl = agentSocketUrl(params.server);
    } catch (err) {
      problems.push(`the server URL ${JSON.stringify(params.server)} is not usable (${(err as Error).message})`);
    }
  }
  const settings: SdkSettings = {
    ...rest,
    sdkAppId: sdkAppId ?? 0,
    userId: params.userId ?? '',
    token: params.token ?? '',
    wsUrl,
  };
  if (problems.length) {
    const error = TcccError.of('ERR_INVALID_ARGUMENT', `The SDK cannot start: ${problems.join('; ')}.`);
    console.error(`[tccc] ${error.errorMsg}`);
    settings.configError = error;
  }
  return settings;
}

/** A URL wasm source, resolved against a base. */
export function wasmAt(url: string | URL, base?: string): WasmSource {
  return { kind: 'url', url: new URL(String(url), base).toString() };
}
