// SPDX-License-Identifier: Apache-2.0
// `vite` (dev) serves the page with the demo backend's /api routes mounted in the dev server;
// `vite build` writes dist/, which server.mjs (and `npm start` at the repository root) serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { configFromEnv, createApi } from '../web/demo/server.mjs';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './', // relative asset URLs: the built page works under any path
  plugins: [
    react(),
    {
      name: 'tccc-demo-backend',
      configureServer(server) {
        server.middlewares.use(createApi(configFromEnv()));
      },
    },
  ],
  build: { outDir: 'dist', emptyOutDir: true, reportCompressedSize: false },
  server: { host: '127.0.0.1', port: 5174 },
  logLevel: 'warn',
});
