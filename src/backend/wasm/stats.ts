// The worker pool's diagnostics type, on its own: the public declarations (threadStats()) reach it
// without the pool's modules, whose types name WebAssembly (not in a Node-only TypeScript lib).

import type { WasmVariant } from './load.js';

/** Diagnostics of the worker pool. */
export interface ThreadStats {
  /** The wasm build in use. */
  variant: WasmVariant;
  /** Threads kernels use now (the calling thread included). */
  threads: number;
  /** Workers started, and those that have instantiated the module (a worker takes chunks from then on). */
  workersStarted: number;
  /** Workers that have instantiated the module (a worker takes chunks from then on). */
  workersReady: number;
  /** Kernels split across threads so far, the chunks they were cut into, and the chunks workers ran. */
  dispatches: number;
  /** Chunks the split kernels were cut into. */
  chunks: number;
  /** Chunks that ran on workers rather than the calling thread. */
  chunksOnWorkers: number;
}
