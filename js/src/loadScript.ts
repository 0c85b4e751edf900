// SPDX-License-Identifier: Apache-2.0
// Appends a <script> for one of the SDK's lazily loaded chunks (tccc-ui.js, tccc-media.js), with
// the same crossorigin mode as the SDK's own script tag.
export function loadScript(
  doc: Document,
  url: string,
  crossOrigin: string | null,
  onLoad: () => void,
  onError: () => void,
): void {
  const script = doc.createElement('script');
  if (crossOrigin !== null) script.crossOrigin = crossOrigin;
  script.src = url;
  script.onload = onLoad;
  script.onerror = onError;
  doc.head.appendChild(script);
}
