// Entry point of the shared-memory builds (wasmgrad.threads.wasm and its relaxed-SIMD twin):
// every kernel of index.ts plus the chunked task runner of threads.ts that the worker pool
// drives. Built with --enable threads --importMemory --sharedMemory (see asconfig.json).
export * from './index';
export { work, runRange } from './threads';
export { reduceFold, redBlock } from './reduce';
