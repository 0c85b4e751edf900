// SPDX-License-Identifier: Apache-2.0
// The login carried in the WebSocket handshake (docs/protocol.md, "Login in the handshake"): the
// first socket offers the subprotocols "tccc.v1" and "tccc.login.<base64url of the auth.login
// data>", and the server logs it in as it opens. The login's round trip then overlaps the wasm
// download and compilation instead of following them. The core is told (CoreConfig.handshakeLogin)
// so that it sends no auth.login of its own on that socket.

/** The protocol the server selects; offering it alone changes nothing. */
const SUBPROTOCOL = 'tccc.v1';
/** Longer logins (absurd tokens) go as a frame instead: headers have limits along the way. */
const MAX_LOGIN_PROTOCOL_LENGTH = 4096;

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The first socket's subprotocols, or undefined when the login must go as a frame. */
export function handshakeLoginProtocols(
  sdkAppId: number | string,
  userId: string,
  token: string,
): string[] | undefined {
  const app = Number(sdkAppId);
  if (!Number.isSafeInteger(app) || app <= 0 || !userId || !token) return undefined;
  if (typeof btoa !== 'function' || typeof TextEncoder !== 'function') return undefined;
  const login = 'tccc.login.' + base64Url(new TextEncoder().encode(JSON.stringify({ sdkAppId: app, userId, token })));
  return login.length <= MAX_LOGIN_PROTOCOL_LENGTH ? [SUBPROTOCOL, login] : undefined;
}
