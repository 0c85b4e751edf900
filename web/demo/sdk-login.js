// SPDX-License-Identifier: Apache-2.0
// Logging an agent in, the TCCC way: ask our backend for an SdkURL (it calls CreateSDKLoginToken
// with the secret, server-side) and load that URL as a script; it installs window.tccc and logs in.
// Shared by the Vue and React demos, as their backend routes are (server.mjs), and by the supervisor
// page (a module served from this directory); the plain-HTML demo keeps its own copy in demo.js so
// that it stays one classic script with no module loading.

/** Calls the demo backend; a failure becomes an Error with the backend's code and message. */
export async function backend(path, body) {
  const res = await fetch(
    path,
    body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {},
  );
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ? `${json.error.code}: ${json.error.message}` : `HTTP ${res.status}`);
  return json;
}

/** The origin of the SDK's server, once loadSdk() has loaded it (the supervisor's call audio goes there). */
export let sdkOrigin = '';

/** Loads the SDK for `userId`; resolves window.tccc once the script ran (`ready` follows). */
export async function loadSdk(userId) {
  const { sdkUrl } = await backend('api/sdk-url', { userId });
  sdkOrigin = new URL(sdkUrl, location.href).origin;
  // Switching agents: destroy() logs out and removes window.tccc, so the new script installs its own.
  if (window.tccc) window.tccc.destroy();
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = sdkUrl;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${sdkUrl}`));
    document.body.appendChild(script);
  });
  return window.tccc;
}
