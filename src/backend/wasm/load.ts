// Where the wasm bytes come from. Kept in its own module so a browser bundle can replace it
// with one that returns inlined bytes.

import { BackendError } from '../../errors.js';

/**
 * The bytes of build/wasmgrad.wasm. The URL resolves to <repo>/build from both
 * src/backend/wasm/ and dist/backend/wasm/. Node reads the file (node:fs is imported lazily
 * so bundlers can drop it); elsewhere it is fetched.
 */
export async function loadWasmBytes(): Promise<Uint8Array | ArrayBuffer> {
  const url = new URL('../../../build/wasmgrad.wasm', import.meta.url);
  if (url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    try {
      return await fs.readFile(url);
    } catch (e) {
      throw new BackendError(`wasm: cannot read ${url.pathname} (run npm run build:wasm): ${(e as Error).message}`);
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new BackendError(`wasm: cannot fetch ${url.href}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
