// Which backends exist, which one new tensors go to, and init().

import type { Backend, BackendName } from './backend/backend.js';
import { jsBackend } from './backend/js/index.js';
import type { WasmBackend } from './backend/wasm/index.js';
// the public types from files that do not name WebAssembly (a Node-only TypeScript lib lacks it)
import type { ThreadStats } from './backend/wasm/stats.js';
import type { WasmVariant } from './backend/wasm/load.js';
import { MAX_THREADS, defaultThreads } from './backend/wasm/pool.js';
import { BackendError, WasmgradError, checkOptions, fmtValue } from './errors.js';

let wasmBackend: WasmBackend | null = null;
/** Threads asked for with setThreads() (null: the default, resolved at init). */
let requestedThreads: number | null = null;
let initPromise: Promise<void> | null = null;
let current: BackendName = 'wasm';

/** A minimal module using a SIMD instruction (i8x16.splat + popcnt): valid only where SIMD is. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

let simdMissing = false;

/**
 * True where the engine runs WebAssembly with SIMD (the wasm backend needs it).
 *
 * @example wg.wasmSimdSupported() // true
 */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/**
 * Loads the WebAssembly module (once; concurrent and repeated calls share one load) and
 * selects the backend, 'wasm' by default. Where WebAssembly SIMD is missing it warns once and
 * uses the js backend instead.
 *
 * The build is chosen here: where shared memory and workers are available (Node; browser pages
 * that are cross-origin isolated) the multi-threaded build, with relaxed SIMD where the engine
 * validates it; elsewhere the single-threaded baseline build, silently. The worker pool starts
 * with getThreads() threads (the number of cores, or WASMGRAD_THREADS in Node).
 *
 * A BackendError for an unknown backend name; a failed load rejects and may be retried.
 *
 * @example await wg.init({ backend: 'wasm' })
 */
export async function init(opts: { backend?: BackendName } = {}): Promise<void> {
  const o = checkOptions('init', opts, ['backend']);
  const wanted = o.backend ?? 'wasm';
  checkBackendName(wanted, 'init');
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
      const b = await createWasmBackend(requestedThreads === null ? {} : { threads: requestedThreads });
      wasmBackend = b;
    })();
    // A failed load may be retried by a later init().
    initPromise.catch(() => { initPromise = null; });
  }
  await initPromise;
  current = wanted;
}

/** A BackendError naming `op` unless `name` is 'wasm' or 'js'. */
export function checkBackendName(name: unknown, op: string): asserts name is BackendName {
  if (name !== 'wasm' && name !== 'js') {
    throw new BackendError(`${op}: unknown backend ${fmtValue(name)} (expected 'wasm' or 'js')`);
  }
}

/**
 * Selects the backend new tensors are created on: 'wasm' (after `init()`) or 'js'. Existing
 * tensors stay where they are (copy with `to()`). A BackendError naming an unknown name.
 *
 * @example wg.setBackend('js'); wg.ones([2]).backendName // 'js'
 */
export function setBackend(name: BackendName): void {
  checkBackendName(name, 'setBackend');
  current = name;
}

/**
 * The backend new tensors are created on.
 *
 * @example wg.getBackend() // 'wasm'
 */
export function getBackend(): BackendName {
  return current;
}

/**
 * Uses n threads for large kernels (matmul, big elementwise ops, reductions, softmax,
 * optimizer steps): n - 1 workers plus the calling thread. setThreads(1) runs everything on the
 * calling thread, with no dispatch at all. May be called before or after init(); where the
 * threaded build cannot run (a page without cross-origin isolation) kernels stay on one thread.
 * Results do not depend on n: every kernel gives the same bits on 1 and n threads. At most
 * MAX_THREADS (64: the worker slots of the pool's control block); more is an error, not a clamp.
 *
 * A WasmgradError unless n is a positive integer no greater than 64.
 *
 * @example wg.setThreads(1) // all kernels on the calling thread
 */
export function setThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new WasmgradError(`setThreads: expected a positive integer, got ${fmtValue(n)}`);
  }
  if (n > MAX_THREADS) {
    throw new WasmgradError(`setThreads: ${n} threads is more than the maximum of ${MAX_THREADS}`);
  }
  requestedThreads = n;
  wasmBackend?.setThreads(n);
}

/**
 * The number of threads kernels use. After init() this is the effective count (1 where the
 * threaded build does not run); before, the count setThreads() asked for, or the default: the
 * number of cores (WASMGRAD_THREADS in Node when set).
 *
 * @example wg.getThreads() // e.g. 2 on a two-core machine
 */
export function getThreads(): number {
  if (wasmBackend !== null) return wasmBackend.threads;
  return requestedThreads ?? defaultThreads();
}

/**
 * Ends the worker threads now. They never keep Node alive (they are unref()'d), so this is
 * optional; it is for freeing the threads early, e.g. in a long-running program that is done
 * with heavy work. Kernels then run on the calling thread; a later setThreads(n) starts workers
 * again.
 *
 * @example wg.shutdown() // workers end; kernels continue on the calling thread
 */
export function shutdown(): void {
  wasmBackend?.closeThreads();
  if (wasmBackend !== null) requestedThreads = 1;
}

/**
 * Which wasm build init() loaded ('baseline', 'threads' or 'threads-relaxed'), or null before init().
 *
 * @example wg.wasmVariant() // e.g. 'threads' in Node
 */
export function wasmVariant(): WasmVariant | null {
  return wasmBackend?.variant ?? null;
}

/**
 * Diagnostics of the wasm backend's threads: the build, the thread count, workers started and
 * ready, and how many kernels were split (dispatches), into how many chunks, and how many of
 * those chunks ran on workers. Null before init().
 *
 * @example wg.threadStats()?.threads // e.g. 2
 */
export function threadStats(): ThreadStats | null {
  return wasmBackend?.threadStats() ?? null;
}

/** The size of the wasm linear memory in bytes; 0 before init() loads it (memory() reports it). */
export function wasmHeapBytes(): number {
  return wasmBackend === null ? 0 : wasmBackend.heapBytes();
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
