// Which backends exist, which one new tensors go to, and init().

import type { Backend, BackendName } from './backend/backend.js';
import { jsBackend } from './backend/js/index.js';
import { BackendError, fmtValue } from './errors.js';
import { setHeapBytesReader } from './memory/index.js';

let wasmBackend: Backend | null = null;
let initPromise: Promise<void> | null = null;
let current: BackendName = 'wasm';

/** A minimal module using a SIMD instruction (i8x16.splat + popcnt): valid only where SIMD is. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

let simdMissing = false;

/** True where the engine runs WebAssembly with SIMD (the wasm backend needs it). */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/**
 * Loads the WebAssembly module (once; concurrent and repeated calls share one load) and
 * selects the backend, 'wasm' by default. Where WebAssembly SIMD is missing it warns once and
 * uses the js backend instead.
 */
export async function init(opts: { backend?: BackendName } = {}): Promise<void> {
  const wanted = opts.backend ?? 'wasm';
  checkName(wanted);
  if (simdMissing || (wasmBackend === null && initPromise === null && !wasmSimdSupported())) {
    if (!simdMissing) {
      simdMissing = true;
      console.warn('wasmgrad: WebAssembly SIMD is not available in this engine; using the js backend');
    }
    current = 'js';
    return;
  }
  if (initPromise === null) {
    initPromise = (async () => {
      const { createWasmBackend } = await import('./backend/wasm/index.js');
      const b = await createWasmBackend();
      wasmBackend = b;
      setHeapBytesReader(() => b.heapBytes());
    })();
    // A failed load may be retried by a later init().
    initPromise.catch(() => { initPromise = null; });
  }
  await initPromise;
  current = wanted;
}

function checkName(name: unknown): asserts name is BackendName {
  if (name !== 'wasm' && name !== 'js') {
    throw new BackendError(`setBackend: unknown backend ${fmtValue(name)} (expected 'wasm' or 'js')`);
  }
}

export function setBackend(name: BackendName): void {
  checkName(name);
  current = name;
}

export function getBackend(): BackendName {
  return current;
}

/** The Backend object for a name; the wasm one only after init(). */
export function backendFor(name: BackendName, op: string): Backend {
  if (name === 'js') return jsBackend;
  if (wasmBackend === null) {
    throw new BackendError(`${op}: the wasm backend is not loaded; call 'await init()' first (or setBackend('js'))`);
  }
  return wasmBackend;
}

/** The backend new tensors are created on. */
export function currentBackend(op: string): Backend {
  return backendFor(current, op);
}
