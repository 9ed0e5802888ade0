// The public ops: src/index.ts re-exports this list as it is.
//
// A family file whose every named export is public is re-exported whole (`export *`), so a new op
// there is public as soon as its file exports it. Its internal helpers live in files not listed
// here (grad_gates.ts: absGrad/sigmoidGrad/…; erf.ts; util.ts; compare.ts; elementwise.ts). Each
// family's default export is its Tensor-method record, installed by src/methods/; `export *`
// never re-exports a default, so the records stay internal.
export * from './binary.js';
export * from './unary.js';
export * from './activation.js';
export * from './shape.js';
export * from './softmax.js';
export * from './loss.js';
export * from './join.js';
export * from './view.js';
export * from './statistics.js';
export * from './scan.js';
export * from './select.js';
export * from './conv.js';
export * from './pool.js';
export * from './norm.js';
export * from './onehot.js';
// Files that also export internal helpers (sumTo, matmulFlags, tensorFrom, stridedView, readIndex,
// …) list their public names: a new op in one of these files is added to its line here.
export { sum, mean, max, min, prod, argmax, argmin } from './reduce.js';
export { matmul } from './matmul.js';
export { tensor, zeros, ones, full, randn, rand, arange, eye } from './creation.js';
export { manualSeed } from './random.js';
export { narrow, select, split, chunk, flip, pad, type PadOptions, type PadModeOptions } from './slice.js';
export type { PadMode } from './pad_modes.js';
export { indexSelect, gather } from './indexing.js';
export { embedding, type EmbeddingOptions } from './embedding.js';
export { scaledDotProductAttention, type AttentionOptions } from './attention.js';
