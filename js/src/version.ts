// SPDX-License-Identifier: Apache-2.0
// The package version, put in by scripts/build-js.mjs from package.json.
declare const __TCCC_VERSION__: string;

/** The SDK version, e.g. `'0.1.0'`. */
export const VERSION: string = typeof __TCCC_VERSION__ === 'string' ? __TCCC_VERSION__ : '0.0.0-dev';
