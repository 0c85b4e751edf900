// SPDX-License-Identifier: Apache-2.0
// Jest runs the JavaScript suites: tests/js/sdk (the shim + the RELEASE wasm through dist/index.cjs)
// and any other tests/js/**/*.test.js. Build first: scripts/build.sh wasm && scripts/build.sh js.
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.js'],
  testPathIgnorePatterns: ['/node_modules/', '/helpers/'],
  // Network tests on loopback: generous per-test limit, but each test bounds its own waits.
  testTimeout: 20000,
  // Several suites start servers and SDK instances; two workers match the two cores we have.
  maxWorkers: 2,
};
