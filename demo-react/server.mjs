#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The React demo's backend: serves the built page (dist/, from `vite build`) and the /api routes that
// turn CreateSDKLoginToken into an SdkURL for the page — the SecretKey never leaves this process.
// The routes are shared with the other demos (web/demo/server.mjs); copying this demo elsewhere,
// copy that file along.
//   node demo-react/server.mjs          (PORT, TCCC_API_URL, TCCC_SDK_APP_ID, TCCC_SECRET_ID, TCCC_SECRET_KEY)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer as start } from '../web/demo/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export function startDemoServer(options = {}) {
  return start({ staticDir: join(here, 'dist'), ...options });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const demo = await startDemoServer({ port: Number(process.env.PORT || 8083), host: process.env.HOST || '127.0.0.1' });
  console.log(`demo-react: ${demo.url}`);
}
