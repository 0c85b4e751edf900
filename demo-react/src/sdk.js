// SPDX-License-Identifier: Apache-2.0
// Logging an agent in the npm way: the package is a dependency (`"tccc": "file:.."` here; from the
// registry in your app) and Vite bundles it, copying tccc-core.wasm and the workbench chunk next to
// the page's own code. The login still comes from the backend's SdkURL (CreateSDKLoginToken,
// server-side): `init({sdkUrl})` reads the same parameters the script tag would.
import { init } from 'tccc';
import { backend } from '../../web/demo/sdk-login.js';

/** Logs `userId` in; resolves the SDK object (also window.tccc, which the workbench uses). */
export async function startSdk(userId) {
  const { sdkUrl } = await backend('api/sdk-url', { userId });
  // Switching agents: destroy() logs the previous one out first.
  if (window.tccc) window.tccc.destroy();
  return init({ sdkUrl, global: true, ui: true });
}
