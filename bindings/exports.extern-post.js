// SPDX-License-Identifier: Apache-2.0
// Linked with --extern-post-js, after the module factory: the minimal runtime only declares
// `var createTcccCore`; CommonJS loaders (Node, Jest, bench/) and bundlers (esbuild, through the
// 'tccc-core-glue' alias of scripts/build-js.mjs) take it from module.exports.
if (typeof module == 'object' && module.exports) module.exports = createTcccCore;
