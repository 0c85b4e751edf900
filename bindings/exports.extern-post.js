// SPDX-License-Identifier: Apache-2.0
// Linked with --extern-post-js, after the module factory: the minimal runtime only declares
// `var createTcccCore`; CommonJS loaders (Node, Jest, bench/) take it from module.exports.
// scripts/build-js.mjs bundles the glue as an ES module: it replaces this line, which must stay
// as it is, by `export default createTcccCore;`.
if (typeof module == 'object' && module.exports) module.exports = createTcccCore;
