// SPDX-License-Identifier: Apache-2.0
// Appends a <script> for one of the SDK's lazily loaded chunks (tccc-ui.js, tccc-media.js), with
// the same crossorigin mode as the SDK's own script tag, and its integrity when the build knows it
// (chunkIntegrity.ts). A cross-origin script fetched without CORS cannot be checked and would be
// refused, so then it goes without: that is a page that did not pin tccc.js either.
import { integrityFor } from './chunkIntegrity';

export function loadScript(
  doc: Document,
  url: string,
  crossOrigin: string | null,
  onLoad: () => void,
  onError: () => void,
): void {
  const script = doc.createElement('script');
  if (crossOrigin !== null) script.crossOrigin = crossOrigin;
  const integrity = integrityFor(url);
  if (integrity && (crossOrigin !== null || new URL(url, doc.baseURI).origin === new URL(doc.baseURI).origin))
    script.integrity = integrity;
  script.src = url;
  script.onload = onLoad;
  script.onerror = onError;
  doc.head.appendChild(script);
}
