// The wasm backend's entry: what src/runtime.ts, the tests and the benches import. The parts:
//   backend.ts      WasmBackend: joins storage, threads and the kernel families
//   storage.ts      heap blocks, typed-array views, scratch
//   dispatch.ts     the worker pool's use: splits and the one task dispatch helper
//   thresholds.ts   when a kernel is split (per op from the op table, WASMGRAD_PAR_MIN)
//   elementwise.ts, reduce.ts, matmul.ts (the planner), softmax.ts, optim.ts: the kernels
//   features.ts     engine probes and the build choice (WASMGRAD_WASM)
//   instantiate.ts  createWasmBackend
//   pool.ts, load.ts, exports.ts: the worker pool, the wasm bytes, the module's typed exports

export { WasmBackend } from './backend.js';
export { WasmStorage } from './storage.js';
export type { ThreadStats } from './stats.js';
export { parThresholds, setMatmulPackLimit, opThreshold } from './thresholds.js';
export type { ParThresholds } from './thresholds.js';
export { relaxedSimdSupported, sharedMemorySupported, pickVariant } from './features.js';
export { createWasmBackend } from './instantiate.js';
export type { WasmBackendOptions } from './instantiate.js';
export { defaultThreads } from './pool.js';
export type { WasmExports } from './exports.js';
export { loadWasmBytes } from './load.js';
export type { WasmVariant } from './load.js';
export { taskThresholds } from './thresholds.js';
