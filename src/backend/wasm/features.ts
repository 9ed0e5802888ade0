// Feature probes of the engine: which wasm build it can run (relaxed SIMD, shared memory and
// workers), and the WASMGRAD_WASM override.

import type { WasmVariant } from './load.js';
import { workerFactory } from './pool.js';

/** A minimal module using f32x4.relaxed_madd: valid only where relaxed SIMD is. */
const RELAXED_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1,
  17, 0, 65, 0, 253, 17, 65, 0, 253, 17, 65, 0, 253, 17, 253, 133, 2, 11]);

/** True where the engine validates relaxed SIMD (Chrome 114+, Node 20 with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

/** True where a shared WebAssembly.Memory can be made (and so handed to workers). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof WebAssembly !== 'object') return false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * The build this engine runs best: 'threads-relaxed' or 'threads' where shared memory and
 * workers are available (Node; cross-origin isolated pages), else 'baseline'. In Node,
 * WASMGRAD_WASM=baseline|threads|threads-relaxed overrides the choice (for tests and benches).
 */
export async function pickVariant(): Promise<WasmVariant> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WASMGRAD_WASM;
  if (env === 'baseline' || env === 'threads' || env === 'threads-relaxed') return env;
  if (!sharedMemorySupported() || (await workerFactory()) === null) return 'baseline';
  return relaxedSimdSupported() ? 'threads-relaxed' : 'threads';
}
