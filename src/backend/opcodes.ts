// THE op table: every kernel op code and every thread-task layout, in one place.
//
// Everything that must agree on a number is derived from here:
// - the Unary/UnaryGrad/Binary/Reduce constants the ops layer passes to a backend (backend.ts
//   re-exports them), and the js backend's kernel tables (keyed by these names, so a missing
//   kernel is a compile error);
// - the thread threshold of each op (its `cost` class, see src/backend/wasm/thresholds.ts);
// - assembly/opcodes.ts, written by scripts/gen-opcodes.mjs (run by `npm run build:wasm`):
//   the same codes as AssemblyScript enums, and each task's argument slots;
// - the task-argument layout the wasm backend writes (src/backend/wasm/dispatch.ts) and the
//   chunk functions of assembly/ read (TaskSlot enums).
// To add an op: add a line here, a kernel in assembly/ and src/backend/js/, run build:wasm;
// test/op-table.test.ts fails until both backends run it.
//
// This file must import nothing: the generator loads it on its own.

/** Thread cost classes (thresholds in src/backend/wasm/thresholds.ts). */
export type CostClass = 'cheap' | 'medium' | 'costly' | 'reduce' | 'matmul' | 'pack';

interface OpSpec { readonly code: number; readonly cost: CostClass; readonly doc?: string }
type Codes<T extends Record<string, OpSpec>> = { readonly [K in keyof T]: T[K]['code'] };

function codes<T extends Record<string, OpSpec>>(table: T): Codes<T> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(table)) out[name] = table[name].code;
  return out as Codes<T>;
}

/** Elementwise unary ops: out[i] = f(a[i]). */
export const UNARY_OPS = {
  Neg: { code: 0, cost: 'cheap' },
  Exp: { code: 1, cost: 'costly' },
  Log: { code: 2, cost: 'costly' },
  Sqrt: { code: 3, cost: 'medium' },
  Abs: { code: 4, cost: 'cheap' },
  Tanh: { code: 5, cost: 'costly' },
  Sigmoid: { code: 6, cost: 'costly' },
  Relu: { code: 7, cost: 'cheap' },
  Step: { code: 8, cost: 'cheap', doc: "1 where a > 0, else 0 (relu's derivative, relu'(0) = 0)." },
  Sign: { code: 9, cost: 'cheap', doc: "-1, 0 or 1 (abs's derivative, abs'(0) = 0)." },
  Square: { code: 10, cost: 'cheap' },
  Reciprocal: { code: 11, cost: 'medium' },
  Sin: { code: 12, cost: 'costly' },
  Cos: { code: 13, cost: 'costly' },
  Floor: { code: 14, cost: 'cheap' },
  Ceil: { code: 15, cost: 'cheap' },
  Round: { code: 16, cost: 'cheap', doc: 'Half to even, as torch.round.' },
  Rsqrt: { code: 17, cost: 'medium' },
  Log1p: { code: 18, cost: 'costly' },
  Expm1: { code: 19, cost: 'costly' },
  Erf: { code: 20, cost: 'costly' },
  LogSigmoid: { code: 21, cost: 'costly', doc: 'min(x, 0) - log1p(exp(-|x|)), finite for every finite x.' },
  Tan: { code: 22, cost: 'costly' },
} as const satisfies Record<string, OpSpec>;

/** Fused gradient gates: out[i] = g(s[i], dy[i]) where s is the saved value named in doc. */
export const UNARY_GRAD_OPS = {
  Sigmoid: { code: 0, cost: 'cheap', doc: 's = y = sigmoid(x): dy * y * (1 - y)' },
  Tanh: { code: 1, cost: 'cheap', doc: 's = y = tanh(x): dy * (1 - y * y)' },
  Relu: { code: 2, cost: 'cheap', doc: 's = x: x <= 0 ? 0 : dy (NaN passes dy)' },
  Abs: { code: 3, cost: 'cheap', doc: 's = x: dy * sign(x), 0 at x = 0' },
} as const satisfies Record<string, OpSpec>;

/** Binary ops with broadcasting through strides: out[idx] = f(a[idx . aStrides], b[idx . bStrides]). */
export const BINARY_OPS = {
  Add: { code: 0, cost: 'cheap' },
  Sub: { code: 1, cost: 'cheap' },
  Mul: { code: 2, cost: 'cheap' },
  Div: { code: 3, cost: 'medium' },
  Pow: { code: 4, cost: 'costly', doc: 'Math.pow semantics (pow(x, 0) = 1, pow(negative, fractional) = NaN).' },
  Maximum: { code: 5, cost: 'cheap', doc: 'NaN-propagating maximum (a >= b ? a : b, NaN if either is NaN).' },
  Minimum: { code: 6, cost: 'cheap' },
  GreaterEqual: { code: 7, cost: 'cheap', doc: "1 where a >= b else 0 (the mask maximum's backward routes to a; ties go to a)." },
  Less: { code: 8, cost: 'cheap', doc: '1 where a < b else 0.' },
  LessEqual: { code: 9, cost: 'cheap', doc: "1 where a <= b else 0 (minimum's mask for a)." },
  Greater: { code: 10, cost: 'cheap', doc: '1 where a > b else 0.' },
  Equal: { code: 11, cost: 'cheap', doc: '1 where a == b else 0 (0 where either is NaN).' },
  NotEqual: { code: 12, cost: 'cheap', doc: '1 where a != b else 0 (1 where either is NaN).' },
} as const satisfies Record<string, OpSpec>;

/** Reductions along one axis. */
export const REDUCE_OPS = {
  Sum: { code: 0, cost: 'reduce' },
  Max: { code: 1, cost: 'reduce', doc: 'NaN-propagating max.' },
  Min: { code: 2, cost: 'reduce', doc: 'NaN-propagating min.' },
  Prod: { code: 3, cost: 'reduce' },
  Argmax: { code: 4, cost: 'reduce', doc: 'Index of the first max (first NaN wins), as a float of the dtype.' },
  Argmin: { code: 5, cost: 'reduce', doc: 'Index of the first min (first NaN wins), as a float of the dtype.' },
} as const satisfies Record<string, OpSpec>;

/** Every op family, by the name of its constant. */
export const OP_FAMILIES = {
  Unary: UNARY_OPS,
  UnaryGrad: UNARY_GRAD_OPS,
  Binary: BINARY_OPS,
  Reduce: REDUCE_OPS,
} as const;
export type OpFamily = keyof typeof OP_FAMILIES;

export const Unary = codes(UNARY_OPS);
export type Unary = (typeof Unary)[keyof typeof Unary];
export const UnaryGrad = codes(UNARY_GRAD_OPS);
export type UnaryGrad = (typeof UnaryGrad)[keyof typeof UnaryGrad];
export const Binary = codes(BINARY_OPS);
export type Binary = (typeof Binary)[keyof typeof Binary];
export const Reduce = codes(REDUCE_OPS);
export type Reduce = (typeof Reduce)[keyof typeof Reduce];

// ---- thread tasks --------------------------------------------------------------------------
// A task is published in the pool's control block as f64 slots: slot 0 the task code, slot 1
// 1 for 8-byte elements, then the task's arguments in the order listed (slot 2, 3, ...).
// Pointers are byte addresses; counts, strides and chunk sizes are in elements (or rows/units
// where the name says so). The wasm backend writes them by name, assembly/ reads them through
// the generated <Task>Slot enums.

const MATMUL_SLOTS = ['c', 'a', 'b', 'batch', 'M', 'N', 'K', 'aRow', 'aCol', 'aBatchStride', 'bBatchStride',
  'packA', 'packB', 'MB', 'NB', 'spill', 'bRow', 'bCol', 'ldc', 'cBatchStride'] as const;

export const TASKS = {
  Unary: { code: 1, slots: ['op', 'out', 'a', 'n', 'chunk'] },
  UnaryGrad: { code: 2, slots: ['op', 'out', 'saved', 'dy', 'n', 'chunk'] },
  AddInPlace: { code: 3, slots: ['dst', 'src', 'n', 'chunk'] },
  /** [n0, n1, n2, n3] output; rowsPer/seg: see rowSplit in dispatch.ts. */
  Binary: {
    code: 4,
    slots: ['op', 'out', 'a', 'b', 'n0', 'n1', 'n2', 'n3', 'as0', 'as1', 'as2', 'as3', 'bs0', 'bs1', 'bs2', 'bs3', 'rowsPer', 'seg'],
  },
  CopyStrided: { code: 5, slots: ['out', 'a', 'n0', 'n1', 'n2', 'n3', 's0', 's1', 's2', 's3', 'rowsPer', 'seg'] },
  Sgd: {
    code: 6,
    slots: ['param', 'grad', 'velocity', 'n', 'lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'firstStep', 'chunk'],
  },
  Adam: {
    code: 7,
    slots: ['param', 'grad', 'm', 'v', 'n', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'decoupled', 'step', 'chunk'],
  },
  /** Whole rows of out per chunk (`rows` outer rows each). */
  ReduceRows: { code: 8, slots: ['op', 'out', 'a', 'outer', 'red', 'inner', 'rows'] },
  /** `cols` columns of every row per chunk (inner > 1). */
  ReduceCols: { code: 9, slots: ['op', 'out', 'a', 'outer', 'red', 'inner', 'cols'] },
  /** One RED_BLOCK block of a long row per chunk, into partials. */
  ReduceBlocks: { code: 10, slots: ['op', 'partials', 'a', 'outer', 'red', 'inner'] },
  /** `pairs` (outer, inner) pairs per chunk. */
  Argmax: { code: 11, slots: ['out', 'a', 'outer', 'red', 'inner', 'pairs'] },
  /** `per` units (softmaxUnits) per chunk of `units`. */
  Softmax: { code: 12, slots: ['out', 'a', 'outer', 'n', 'inner', 'log', 'per', 'units'] },
  SoftmaxGrad: { code: 13, slots: ['out', 'y', 'dy', 'outer', 'n', 'inner', 'log', 'per', 'units'] },
  CrossEntropy: { code: 14, slots: ['probs', 'logits', 'labels', 'N', 'C', 'losses', 'rows'] },
  CrossEntropyGrad: { code: 15, slots: ['out', 'probs', 'labels', 'N', 'C', 'scale', 'rows'] },
  /** Packs op(A) and op(B) into packA/packB (blocks of MB rows / NB columns per chunk). */
  MatmulPack: { code: 16, slots: MATMUL_SLOTS },
  /** MB x NB tiles of C from the packed operands (same arguments as MatmulPack). */
  MatmulTiles: { code: 17, slots: MATMUL_SLOTS },
  /** As CopyStrided with a strided destination too (os*: out strides, as*: a strides). */
  CopyInto: {
    code: 18,
    slots: ['out', 'a', 'n0', 'n1', 'n2', 'n3', 'os0', 'os1', 'os2', 'os3', 'as0', 'as1', 'as2', 'as3', 'rowsPer', 'seg'],
  },
  Rmsprop: {
    code: 19,
    slots: ['param', 'grad', 'squareAvg', 'buf', 'gradAvg', 'n', 'lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'chunk'],
  },
  Adagrad: { code: 20, slots: ['param', 'grad', 'sum', 'n', 'clr', 'weightDecay', 'eps', 'chunk'] },
  /** `per` units per chunk; a unit is one outer slice's block of `cols` columns (cumsum). */
  Scan: { code: 21, slots: ['out', 'a', 'outer', 'n', 'inner', 'reverse', 'cols', 'per'] },
  /** `rows` output rows (of outer * n) per chunk; perElement 0: index [n], 1: index [outer, n, inner]; `bad`: an i32 lowered to the first bad index position; indexType 0 i32, 1 f32, 2 f64. */
  Gather: { code: 22, slots: ['out', 'src', 'index', 'outer', 'n', 'inner', 'dim', 'perElement', 'rows', 'bad', 'indexType'] },
  /** `outerPer` outer slices per chunk, or (outerPer 0, outer 1) `dimPer` destination rows per chunk: no two chunks write one element. */
  ScatterAdd: { code: 23, slots: ['out', 'src', 'index', 'outer', 'n', 'inner', 'dim', 'perElement', 'outerPer', 'dimPer'] },
  /** `per` planes of the [planes, H, W] input per chunk: max pooling, the winner's in-plane index into idx (int32). */
  MaxPool: { code: 30, slots: ['y', 'idx', 'x', 'planes', 'H', 'W', 'OH', 'OW', 'KH', 'KW', 'sH', 'sW', 'pH', 'pW', 'dH', 'dW', 'per'] },
  /** `per` planes of dx per chunk: max pooling's backward (each plane zeroed, dy added at the winners' indices idx). */
  MaxPoolBackward: { code: 56, slots: ['dx', 'dy', 'idx', 'planes', 'plane', 'oplane', 'per'] },
  /** `per` planes per chunk: average pooling (mode 0 count padding, 1 not, 2 adaptive windows; divisor 0: the window's count). */
  AvgPool: { code: 31, slots: ['y', 'x', 'planes', 'H', 'W', 'OH', 'OW', 'KH', 'KW', 'sH', 'sW', 'pH', 'pW', 'mode', 'divisor', 'per'] },
  /** `per` planes per chunk: the adjoint of AvgPool (dy / divisor spread over each window into dx). */
  AvgPoolBackward: { code: 32, slots: ['dx', 'dy', 'planes', 'H', 'W', 'OH', 'OW', 'KH', 'KW', 'sH', 'sW', 'pH', 'pW', 'mode', 'divisor', 'per'] },
  /** Attention's fused masked softmax, in place on p [rows, S]: `per` rows per chunk (AttnMask in backend.ts). */
  AttnSoftmax: { code: 40, slots: ['p', 'L', 'S', 'scale', 'causal', 'kind', 'mask', 'b1', 'sb0', 'sb1', 'sl', 'ss', 'rows', 'per'] },
  /** out = scale * p * (dp - rowsum(dp * p)): `per` rows per chunk. */
  AttnSoftmaxGrad: { code: 41, slots: ['out', 'p', 'dp', 'S', 'scale', 'rows', 'per'] },
  /** Normalisation (assembly/norm.ts): `per` channels per chunk (batch norm, normAffineGrad) or `per` (n, group) units (group norm). */
  BatchNorm: { code: 34, slots: ['y', 'mean', 'invstd', 'x', 'gamma', 'beta', 'N', 'C', 'S', 'eps', 'per'] },
  BatchNormGrad: { code: 35, slots: ['dx', 'dgamma', 'dbeta', 'dy', 'x', 'mean', 'invstd', 'gamma', 'N', 'C', 'S', 'per'] },
  GroupNorm: { code: 36, slots: ['y', 'mean', 'invstd', 'x', 'gamma', 'beta', 'N', 'G', 'cpg', 'S', 'eps', 'per'] },
  GroupNormGrad: { code: 37, slots: ['dx', 'dy', 'x', 'mean', 'invstd', 'gamma', 'N', 'G', 'cpg', 'S', 'per'] },
  NormAffineGrad: { code: 38, slots: ['dgamma', 'dbeta', 'dy', 'x', 'mean', 'invstd', 'N', 'G', 'cpg', 'S', 'per'] },
  /**
   * One unit of a convolution GEMM per chunk (assembly/conv.ts; kind 0 forward, 1 input gradient,
   * 2 weight gradient): out/a/b are y/x/w, dx/dy/w or dw/x/dy. Each running chunk takes one of
   * `slotCount` scratch slots of `slotBytes` (at `scratch`) through its word at `slots`.
   */
  Conv: {
    code: 24,
    slots: ['kind', 'out', 'a', 'b', 'N', 'C', 'H', 'W', 'O', 'KH', 'KW', 'OH', 'OW', 'strideH', 'strideW', 'padH', 'padW',
      'dilationH', 'dilationW', 'groups', 'rowBlock', 'colBlock', 'scratch', 'slots', 'slotCount', 'slotBytes'],
  },
  /**
   * One unit of the convolution's weight gradient per chunk: out/a/b are dw/x/dy; units are
   * (group, block of imgBlock images, row block, tap block), each block's sums into its rows of
   * `partials` (0: one block, written to dw directly); slots as Conv's.
   */
  ConvWeight: {
    code: 55,
    slots: ['kind', 'out', 'a', 'b', 'N', 'C', 'H', 'W', 'O', 'KH', 'KW', 'OH', 'OW', 'strideH', 'strideW', 'padH', 'padW',
      'dilationH', 'dilationW', 'groups', 'rowBlock', 'colBlock', 'scratch', 'slots', 'slotCount', 'slotBytes', 'imgBlock', 'partials'],
  },
} as const;
export type TaskName = keyof typeof TASKS;

/** The named arguments of a task (the slots after the code and the f64 flag). */
export type TaskArgs<T extends TaskName> = { [K in (typeof TASKS)[T]['slots'][number]]: number };

/** Slots before a task's arguments: the task code and the f64 flag. */
export const TASK_HEADER_SLOTS = 2;
/** Slots the control block reserves for a task (header included). */
export const TASK_SLOT_COUNT = 40;

/**
 * The worker pool's control block: Int32 word indices (byte offset = 4 × index). Written by
 * src/backend/wasm/pool.ts, read by assembly/threads.ts (generated constants CTRL_*), so the two
 * sides cannot drift apart. Claim, done and the task arguments sit on separate cache lines.
 */
export const CONTROL_BLOCK = {
  /** Workers allowed to spin (slots 1..enabled). */
  Enabled: 0,
  /** 1 when the pool shuts down. */
  Shutdown: 1,
  /** Set by a worker whose chunk trapped. */
  Error: 2,
  /** Workers that have instantiated the module. */
  Ready: 3,
  /** Chunks not yet claimed; a thread claims chunk CLAIM-1 by CAS(CLAIM, r, r-1). */
  Claim: 16,
  /** Chunks not yet finished; the thread taking it to 0 wakes the caller if it waits. */
  Done: 32,
  /** 1 while the caller sleeps on Done (Node only; a page's main thread spins). */
  Waiting: 33,
  /** First word of the task's arguments (TASK_SLOT_COUNT f64 slots). */
  Args: 48,
  /** One park word per worker slot from here to the end of the block. */
  Park: 128,
  /** Words in the block (768 bytes). */
  Words: 192,
} as const;
