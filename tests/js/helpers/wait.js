// SPDX-License-Identifier: Apache-2.0
// Waiting in tests for something that happens asynchronously (a frame, an event, a row).
'use strict';

/**
 * Polls `predicate` (which may be async) every 20 ms until it returns something truthy, and returns
 * that; throws, naming `what`, once `timeoutMs` has passed.
 */
async function waitFor(predicate, timeoutMs = 10000, what = 'the condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

module.exports = { waitFor };
