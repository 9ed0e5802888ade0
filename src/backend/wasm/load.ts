// Where the wasm bytes come from. Kept in its own module so a browser bundle can replace it
// with one that returns inlined bytes (scripts/bundle-browser.mjs).

import { BackendError } from '../../errors.js';

/**
 * The three builds of the module (asconfig.json):
 * - 'baseline': SIMD, its own (non-shared) memory; single-threaded. Runs everywhere with wasm
 *   SIMD, including pages that are not cross-origin isolated (no SharedArrayBuffer there).
 * - 'threads': SIMD + threads, imports a shared memory; the worker pool runs on it.
 * - 'threads-relaxed': as 'threads', plus relaxed SIMD (fused multiply-add in the matmul
 *   micro-kernel and the exp/log polynomials), for engines that validate it (Node 20 only with
 *   --experimental-wasm-relaxed-simd).
 */
export type WasmVariant = 'baseline' | 'threads' | 'threads-relaxed';

const FILES: Record<WasmVariant, string> = {
  baseline: 'wasmgrad.wasm',
  threads: 'wasmgrad.threads.wasm',
  'threads-relaxed': 'wasmgrad.threads.relaxed.wasm',
};

/**
 * The bytes of build/wasmgrad*.wasm. The URL resolves to <repo>/build from both
 * src/backend/wasm/ and dist/backend/wasm/. Node reads the file (node:fs is imported lazily
 * so bundlers can drop it); elsewhere it is fetched.
 */
export async function loadWasmBytes(variant: WasmVariant = 'baseline'): Promise<Uint8Array | ArrayBuffer> {
  const url = new URL(`../../../build/${FILES[variant]}`, import.meta.url);
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
