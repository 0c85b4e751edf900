// SPDX-License-Identifier: Apache-2.0
// The host clock handed to the core with every input: monotonic milliseconds. performance.now()
// keeps running in background tabs and never jumps with the wall clock.
export const monotonicNow = (): number =>
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance.now() : Date.now();
