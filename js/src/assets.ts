// SPDX-License-Identifier: Apache-2.0
// The files the script-tag SDK loads from next to tccc.js. build-js.mjs defines __TCCC_ASSETS__ for
// tccc.js with their content-hashed names (tccc-core.<hash>.wasm, …), which the server sends as
// immutable, so a returning agent's browser needs no round trip for them; elsewhere (tests, other
// bundlers) the plain names apply.
declare const __TCCC_ASSETS__: { wasm: string; media: string; ui: string } | undefined;

export const ASSETS =
  typeof __TCCC_ASSETS__ !== 'undefined'
    ? __TCCC_ASSETS__
    : { wasm: 'tccc-core.wasm', media: 'tccc-media.js', ui: 'tccc-ui.js' };
