// SPDX-License-Identifier: Apache-2.0
// ESLint over every JavaScript and TypeScript file of the project (`npm run lint`, a suite of
// `npm test`). TypeScript sources get typescript-eslint's type-aware rules: they find real bugs
// (a promise nobody awaits or catches, a condition that is always true); formatting is Prettier's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'build/**', 'demo-*/dist/**', '**/*.generated.ts', 'js/src/glue.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs,jsx}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Emscripten's pre-js, post-js and library code run inside the glue, whose names they use.
    files: ['bindings/**/*.js'],
    languageOptions: { sourceType: 'script' },
    // startup.pre.js shadows WebAssembly on purpose (it says why).
    rules: { 'no-undef': 'off', 'no-unused-vars': 'off', 'no-redeclare': 'off' },
  },
  {
    // Browser tests: the functions they hand to page.evaluate() run in the page, where the SDK and
    // the test page's helpers (tccc, waitEvent, …) are globals.
    files: ['tests/e2e/**/*.mjs', 'bench/media.mjs', 'bench/browser-call.mjs'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['**/*.cjs', 'tests/js/**/*.js', 'bench/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.jest } },
  },
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: ['js/src/**/*.ts', 'web/ui/**/*.ts'] })),
  {
    files: ['js/src/**/*.ts', 'web/ui/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
