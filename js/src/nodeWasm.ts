// SPDX-License-Identifier: Apache-2.0
// Reads a file: URL in Node, where fetch() cannot. Kept apart so the browser bundle never sees it.
// The CommonJS build uses require() (Jest and other vm-based hosts refuse dynamic import() in CJS);
// the ESM build uses import(). build-js.mjs sets __TCCC_CJS__ so the other branch is dropped.
import type { WasmSource } from './CoreAdapter';

declare const __TCCC_CJS__: boolean;
declare const require: (id: string) => unknown;

type Fs = { readFileSync(path: string): Uint8Array };
type Url = { fileURLToPath(url: string): string };

export async function readWasmFile(url: string): Promise<WasmSource> {
  let fs: Fs;
  let path: string;
  if (__TCCC_CJS__) {
    fs = require('node:fs') as Fs;
    path = (require('node:url') as Url).fileURLToPath(url);
  } else {
    fs = await import('node:fs');
    path = ((await import('node:url')) as unknown as Url).fileURLToPath(url);
  }
  const bytes = fs.readFileSync(path);
  return { kind: 'bytes', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
