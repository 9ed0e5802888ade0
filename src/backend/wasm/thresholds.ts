// When a kernel is split across threads: the size thresholds per cost class, the cost class of
// each op (from the op table, src/backend/opcodes.ts), WASMGRAD_PAR_MIN, and the matmul limits.
// The measurements behind each number are in docs-src/tuning.md.

import { OP_FAMILIES, type CostClass, type OpFamily } from '../opcodes.js';

// Below these sizes a kernel stays on the calling thread (docs-src/tuning.md: thresholds).
const PAR_MIN: ParThresholds = {
  /** Elements of a cheap elementwise op (add, sub, mul, relu, neg, abs, grad gates, comparisons). */
  cheap: 1 << 15,
  /** Elements of an op with a division or square root per element (div, sqrt, reciprocal, sgd). */
  medium: 1 << 14,
  /** Elements of an op with a polynomial per element (exp, log, tanh, sigmoid, pow, adam, softmax, cross-entropy). */
  costly: 1 << 12,
  /** Elements read by a reduction, argmaxMask or strided copy. */
  reduce: 1 << 15,
  /** Multiply-adds (batch·M·N·K) of a matmul. */
  matmul: 1 << 19,
  /** Elements of a matmul's packed operands below which the caller packs them alone (no dispatch). */
  pack: 1 << 15,
};
export type ParThresholds = { [K in CostClass]: number };

// WASMGRAD_PAR_MIN=<n> (Node; for tests) sets every threshold to n: with 0, every kernel call is
// split across the threads, so a whole test suite runs through the threaded paths.
{
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WASMGRAD_PAR_MIN;
  if (env !== undefined && env !== '' && Number.isFinite(Number(env)) && Number(env) >= 0) {
    for (const k of Object.keys(PAR_MIN) as (keyof ParThresholds)[]) PAR_MIN[k] = Number(env);
  }
}

// The shipped class values: a task with a threshold of its own (below) follows its class again
// as soon as the class is set to anything else (tests forcing the threaded paths, the tuner).
const SHIPPED: Readonly<ParThresholds> = { ...PAR_MIN };

/** The thread tasks with a measured threshold of their own (docs-src/tuning.md: new tasks). */
export type OwnTask = 'CopyInto' | 'Gather' | 'ScatterAdd' | 'Scan' | 'Rmsprop' | 'Adagrad';
/**
 * Work (elements of the output; of the gradient read for ScatterAdd; a quarter of the output for
 * a Gather of whole rows) from which each task is split: the smallest size where two threads
 * were ≥ 1.3× one, on the quiet 2-core Xeon (docs-src/tuning.md, bench/threads-tune.mjs).
 */
const TASK_MIN: Record<OwnTask, number> = {
  CopyInto: 1 << 18,
  Gather: 1 << 15,
  ScatterAdd: 1 << 14,
  Scan: 1 << 14,
  Rmsprop: 1 << 16,
  Adagrad: 1 << 15,
};
/** The cost class whose threshold each task used before it had its own. */
const TASK_CLASS: Record<OwnTask, CostClass> = {
  CopyInto: 'medium', Gather: 'reduce', ScatterAdd: 'reduce', Scan: 'reduce', Rmsprop: 'costly', Adagrad: 'costly',
};

/** The size from which `task` is split across threads: its measured value, or its class's while that is changed. */
export function taskMin(task: OwnTask): number {
  const cls = TASK_CLASS[task];
  return PAR_MIN[cls] === SHIPPED[cls] ? TASK_MIN[task] : PAR_MIN[cls];
}

/** For bench/threads-tune.mjs: replaces some task thresholds, returns the previous values. */
export function taskThresholds(set?: Partial<Record<OwnTask, number>>): Record<OwnTask, number> {
  const old = { ...TASK_MIN };
  if (set) Object.assign(TASK_MIN, set);
  return old;
}

/** The threshold of each op code of each family (kept in step with PAR_MIN by parThresholds). */
const OP_MIN: { [F in OpFamily]: number[] } = { Unary: [], UnaryGrad: [], Binary: [], Reduce: [] };
function perOpThresholds(): void {
  for (const family of Object.keys(OP_FAMILIES) as OpFamily[]) {
    const specs: readonly { code: number; cost: CostClass }[] = Object.values(OP_FAMILIES[family]);
    for (const spec of specs) OP_MIN[family][spec.code] = PAR_MIN[spec.cost];
  }
}
perOpThresholds();

/** The work (elements) from which op `code` of `family` is split across threads; undefined for an unknown code. */
export function opThreshold(family: OpFamily, code: number): number | undefined {
  return OP_MIN[family][code];
}
/** The per-code thresholds of the families the elementwise kernels look up on every call. */
export const unaryMin: readonly number[] = OP_MIN.Unary;
export const binaryMin: readonly number[] = OP_MIN.Binary;
/** The current thresholds (read-only view; parThresholds() changes them). */
export const PAR: Readonly<ParThresholds> = PAR_MIN;

/**
 * The size thresholds above which kernels are split across threads; with an argument, replaces
 * some of them and returns the previous values (for tests, which lower them to run the threaded
 * paths on small inputs, and for bench/threads-tune.mjs).
 */
export function parThresholds(set?: Partial<ParThresholds>): ParThresholds {
  const old = { ...PAR_MIN };
  if (set) Object.assign(PAR_MIN, set);
  perOpThresholds();
  return old;
}
/** The least work per matmul tile (multiply-adds; ≈ 4 µs), unless the thresholds are 0 (tests). */
export const TILE_MIN_MACS = 1 << 17;
/** Chunks per thread a split aims at: enough to balance a late or slow thread. */
export const CHUNKS_PER_THREAD = 4;
/** Packed operands of one threaded matmul pass are kept under this; larger problems are split. */
let packLimit = 64 << 20;
/** The current packed-operand limit (bytes). */
export function matmulPackLimit(): number {
  return packLimit;
}
/** Scratch above this is returned to the heap after the call that needed it (below, it is kept for the next call). */
export const SCRATCH_KEEP = 16 << 20;

/** For tests: lowers the packed-operand limit so the split path of big matmuls runs on small ones. */
export function setMatmulPackLimit(bytes: number): number {
  const old = packLimit;
  packLimit = bytes;
  return old;
}
