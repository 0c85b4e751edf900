// SPDX-License-Identifier: Apache-2.0
// The console's only way to the server: its session (POST/GET /console/session, POST
// /console/logout) and the cloud API actions it runs for the signed-in tenant (POST
// /console/api/<Action>). The session is an HttpOnly cookie this page never sees; no key or token
// is ever held here. Every failure becomes an ApiError with the server's Code and Message.

const BASE = '/console';

export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

let unauthorized = () => {};

/** `fn()` runs whenever the server answers 401: the session is gone (expired or signed out elsewhere). */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

async function request(method, path, body) {
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError('NetworkError', String((e && e.message) || e));
  }
  let json = null;
  if (res.status !== 204) {
    try {
      json = await res.json();
    } catch {
      json = null;
    }
  }
  return { status: res.status, json };
}

/** The error of a console answer: {"error":{code,message}} or the cloud envelope's Response.Error. */
function errorOf(status, json) {
  const e = (json && json.error) || (json && json.Response && json.Response.Error);
  if (e && typeof e.code === 'string') return new ApiError(e.code, e.message, status);
  if (e && typeof e.Code === 'string') return new ApiError(e.Code, e.Message, status);
  return new ApiError('HttpError', `HTTP ${status}`, status);
}

/** The session the server knows: {sdkAppId, appName, expiresAtMs}. */
function session(json) {
  return {
    sdkAppId: Number(json.sdkAppId),
    appName: typeof json.appName === 'string' ? json.appName : '',
    expiresAtMs: Number(json.expiresAtMs) || 0,
  };
}

/** Exchanges a one-time link for a session; throws ApiError (ConsoleLinkInvalid, ConsoleLinkUsed, …). */
export async function signIn(link) {
  const { status, json } = await request('POST', '/session', { link });
  if (status !== 200 || !json) throw errorOf(status, json);
  return session(json);
}

/** The current session, or null when there is none (401). */
export async function currentSession() {
  const { status, json } = await request('GET', '/session');
  if (status === 401) return null;
  if (status !== 200 || !json) throw errorOf(status, json);
  return session(json);
}

export async function signOut() {
  // A JSON body like every other POST here: the server refuses anything else from a page (CSRF).
  const { status, json } = await request('POST', '/logout', {});
  if (status !== 204 && status !== 200 && status !== 401) throw errorOf(status, json);
}

/** Runs a cloud API action for the session's tenant: resolves with its Response (without RequestId). */
export async function api(action, params = {}) {
  const { status, json } = await request('POST', `/api/${encodeURIComponent(action)}`, params);
  if (status === 401) {
    unauthorized();
    throw errorOf(status, json);
  }
  const response = json && json.Response;
  if (!response || typeof response !== 'object') throw errorOf(status, json);
  if (response.Error) throw errorOf(status, json);
  return response;
}

/** Every row of a paged Describe… action (PageSize/PageNumber), up to `max` rows. */
export async function allPages(action, params, listKey, max = 2000) {
  const rows = [];
  for (let page = 0; rows.length < max; page++) {
    const r = await api(action, { ...params, PageSize: 100, PageNumber: page });
    const list = Array.isArray(r[listKey]) ? r[listKey] : [];
    rows.push(...list);
    if (list.length < 100 || rows.length >= Number(r.TotalCount || 0)) break;
  }
  return rows;
}
