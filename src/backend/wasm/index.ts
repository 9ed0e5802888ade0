// The WebAssembly backend: storage lives in the AssemblyScript heap of build/wasmgrad*.wasm and
// every primitive is one call into a SIMD kernel. Only numbers cross the boundary.
//
// Memory growth detaches memory.buffer (or, for a shared memory, leaves the old buffer at its old
// length), so typed-array views are cached and re-created only when the buffer object changed
// (checked before each use, never kept across a call that allocates).
//
// Threads: on the shared-memory builds a worker pool (pool.ts) runs large kernels on all cores.
// Each primitive below checks its size against a threshold measured on the 2-core bench machine
// (AMD EPYC, Node 20; numbers next to each constant); below it the kernel runs on the calling
// thread exactly as in the single-threaded build, above it the work is cut into chunks that the
// caller and the workers claim dynamically. Chunks never change the arithmetic an element gets
// (rows split only at multiples of 16 elements, matmul tiles reuse the same micro-kernel and K
// slices, long reductions are folded block by block in a fixed order whatever the thread count),
// so results are bit-identical on 1 and N threads.

import { instantiate } from '@assemblyscript/loader';
import {
  Backend, Binary, Reduce, SType, Storage, Unary, UnaryGrad, bytesPer,
} from '../backend.js';
import { collapseDims } from '../strides.js';
import { BackendError, OutOfMemoryError, WasmgradError } from '../../errors.js';
import { WasmExports } from './exports.js';
import { loadWasmBytes, WasmVariant } from './load.js';
import { CTRL_BYTES, MAX_THREADS, Pool, Task, WorkerFactory, defaultThreads, workerFactory } from './pool.js';

export { defaultThreads } from './pool.js';

export type { WasmExports } from './exports.js';
export { loadWasmBytes } from './load.js';
export type { WasmVariant } from './load.js';

/**
 * wasm32 linear memory is at most 4 GiB (65536 pages of 64 KiB); no single block can be larger
 * than that less a page (the module's static data and allocator live in the first page). Larger
 * requests are refused here, before calling into wasm.
 */
const WASM32_BYTES = 2 ** 32;
const MAX_ALLOC_BYTES = WASM32_BYTES - 2 ** 16;
const MiB = 2 ** 20;

/** Kernel loops run with at most this many collapsed dims; more are looped over in TypeScript. */
const KERNEL_DIMS = 4;

export class WasmStorage implements Storage {
  readonly backend = 'wasm' as const;
  refs = 0;
  freed = false;
  readonly bytes: number;
  constructor(readonly dtype: SType, readonly size: number, /** Byte address in wasm memory. */ readonly ptr: number) {
    this.bytes = size * bytesPer(dtype);
  }
}

function ptrOf(s: Storage): number {
  return (s as WasmStorage).ptr;
}

function isF64(s: Storage): boolean {
  return s.dtype === 'float64';
}

/**
 * Calls `run(aOffset, bOffset, outOffset)` (element offsets) once per index of the leading
 * `shape.length - KERNEL_DIMS` dims, so the kernel sees only the trailing KERNEL_DIMS.
 */
function forEachLeadingIndex(shape: readonly number[], strides: readonly (readonly number[])[],
  run: (offsets: number[], outOffset: number) => void): void {
  const lead = shape.length - KERNEL_DIMS;
  let blockSize = 1;
  for (let d = lead; d < shape.length; d++) blockSize *= shape[d];
  const index = new Array<number>(lead).fill(0);
  const offsets = strides.map(() => 0);
  let count = 1;
  for (let d = 0; d < lead; d++) count *= shape[d];
  for (let n = 0; n < count; n++) {
    run(offsets, n * blockSize);
    for (let d = lead - 1; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < strides.length; k++) offsets[k] += strides[k][d];
      if (index[d] < shape[d]) break;
      for (let k = 0; k < strides.length; k++) offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}

/** The trailing KERNEL_DIMS of a collapsed shape/strides, left-padded with extent 1, stride 0. */
function lastDims(values: readonly number[], pad: number): [number, number, number, number] {
  const n = values.length;
  const at = (i: number): number => (n - 4 + i >= 0 ? values[n - 4 + i] : pad);
  return [at(0), at(1), at(2), at(3)];
}

// ---- thresholds (measured with bench/threads-tune.mjs on the 2-core bench machine) ------------
// Below these sizes a kernel stays on the calling thread. Dispatching to a spinning worker costs
// about 0.5 µs here, so a split pays once the kernel takes a few µs; each threshold is the
// smallest power of two where two threads were ≥ 1.3× faster than one (float32, workers warm):
//   cheap   relu 32K: 2.04 → 1.50 µs (1.36×); add 32K: 3.17 → 2.44 µs (1.30×); relu grad 32K 1.53×
//   medium  div 16K: 2.80 → 1.91 µs (1.47×); sgd with momentum 8K 1.31×, 16K 1.58×
//   costly  exp 4K: 2.42 → 1.60 µs (1.52×); tanh 4K 1.62×; adam 4K 1.48×; softmax 4K 1.70×
//   reduce  row sums 32K: 1.83 → 1.36 µs (1.34×); transpose copy 16K 1.49×
//   matmul  N=48 (110K multiply-adds) 1.14×, N=64 (262K) 1.53×, N=128 1.85×; but in some runs
//           (for seconds at a time: the two vCPUs of this VM then exchange cache lines slowly, or
//           share one core) N=64 ran at 0.75× while N=128 still gained 1.4×: 2^19 (N ≈ 80)
// addInPlace (in place, read-modify-write) pays later: 64K 1.22×, 256K 1.96×.
const PAR_MIN = {
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
export type ParThresholds = typeof PAR_MIN;

// WASMGRAD_PAR_MIN=<n> (Node; for tests) sets every threshold to n: with 0, every kernel call is
// split across the threads, so a whole test suite runs through the threaded paths.
{
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WASMGRAD_PAR_MIN;
  if (env !== undefined && env !== '' && Number.isFinite(Number(env)) && Number(env) >= 0) {
    for (const k of Object.keys(PAR_MIN) as (keyof ParThresholds)[]) PAR_MIN[k] = Number(env);
  }
}

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
const TILE_MIN_MACS = 1 << 17;
/** Chunks per thread a split aims at: enough to balance a late or slow thread. */
const CHUNKS_PER_THREAD = 4;
/** Packed operands of one threaded matmul pass are kept under this; larger problems are split. */
let matmulPackLimit = 64 << 20;
/** Scratch above this is returned to the heap after the call that needed it (below, it is kept for the next call). */
const SCRATCH_KEEP = 16 << 20;

/** For tests: lowers the packed-operand limit so the split path of big matmuls runs on small ones. */
export function setMatmulPackLimit(bytes: number): number {
  const old = matmulPackLimit;
  matmulPackLimit = bytes;
  return old;
}

/** The threshold class of each Unary and Binary op, and the thresholds per op code (kept in step by parThresholds). */
const UNARY_COST: readonly (keyof ParThresholds)[] = (() => {
  const t: (keyof ParThresholds)[] = [];
  for (let op = 0; op <= Unary.Reciprocal; op++) t[op] = 'cheap';
  for (const op of [Unary.Exp, Unary.Log, Unary.Tanh, Unary.Sigmoid]) t[op] = 'costly';
  for (const op of [Unary.Sqrt, Unary.Reciprocal]) t[op] = 'medium';
  return t;
})();
const BINARY_COST: readonly (keyof ParThresholds)[] = (() => {
  const t: (keyof ParThresholds)[] = [];
  for (let op = 0; op <= Binary.Greater; op++) t[op] = 'cheap';
  t[Binary.Div] = 'medium';
  t[Binary.Pow] = 'costly';
  return t;
})();
const unaryMin: number[] = [];
const binaryMin: number[] = [];
function perOpThresholds(): void {
  UNARY_COST.forEach((k, op) => { unaryMin[op] = PAR_MIN[k]; });
  BINARY_COST.forEach((k, op) => { binaryMin[op] = PAR_MIN[k]; });
}
perOpThresholds();

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
const align16 = (x: number): number => roundUp(x, 16);

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

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  private readonly wasm: WasmExports;
  private readonly memory: WebAssembly.Memory;
  private buffer!: ArrayBuffer;
  private f32!: Float32Array;
  private f64!: Float64Array;
  private i32!: Int32Array;
  /** Packing scratch for matmul (and partial results of split reductions), grown on demand and kept. */
  private scratchPtr = 0;
  private scratchBytes = 0;
  /** The worker pool (shared-memory builds only), created on the first setThreads(n > 1). */
  private pool: Pool | null = null;
  /** Threads kernels may use (1: everything on the calling thread, no dispatch). */
  private nThreads = 1;
  /** Rows longer than this are reduced block by block (the module's RED_BLOCK). */
  private readonly redBlock: number;

  constructor(exports: WasmExports, /** Which build this is. */ readonly variant: WasmVariant = 'baseline',
    private readonly module: WebAssembly.Module | null = null,
    private readonly factory: WorkerFactory | null = null) {
    this.wasm = exports;
    this.memory = exports.memory;
    this.redBlock = exports.redBlock?.() ?? Infinity;
    this.refreshViews();
  }

  private refreshViews(): void {
    this.buffer = this.memory.buffer as ArrayBuffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** The element view for a storage type, re-created if memory grew since the last use. */
  private view(dtype: SType): Float32Array | Float64Array | Int32Array {
    if (this.memory.buffer !== this.buffer) this.refreshViews();
    return dtype === 'float64' ? this.f64 : dtype === 'int32' ? this.i32 : this.f32;
  }

  // ---- threads -------------------------------------------------------------------------------

  /** True for the shared-memory builds in an environment that can start workers. */
  get threadsSupported(): boolean {
    return this.factory !== null && this.module !== null && this.wasm.work !== undefined;
  }

  /** Threads the kernels use now (1 where threads are not supported). */
  get threads(): number {
    return this.nThreads;
  }

  /**
   * Uses n threads for large kernels (n - 1 workers plus the calling thread); 1 turns dispatch
   * off. Where threads are not supported this is a no-op and threads stays 1.
   */
  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new WasmgradError(`setThreads: expected a positive integer, got ${String(n)}`);
    n = Math.min(n, MAX_THREADS);
    if (!this.threadsSupported) {
      this.nThreads = 1;
      return;
    }
    if (n > 1 && (this.pool === null || this.pool.isClosed)) {
      const ctrl = this.allocBytes(CTRL_BYTES, true);
      this.pool = new Pool(this.module!, this.memory, this.wasm as Required<WasmExports>, ctrl, this.factory!);
    }
    this.pool?.setThreads(n);
    this.nThreads = n;
  }

  /** What the pool has done so far (zeros without a pool): see threadStats() in runtime.ts. */
  threadStats(): ThreadStats {
    const p = this.pool;
    return {
      variant: this.variant,
      threads: this.nThreads,
      workersStarted: p?.workers.started ?? 0,
      workersReady: p?.workers.ready ?? 0,
      dispatches: p?.counts.dispatches ?? 0,
      chunks: p?.counts.chunks ?? 0,
      chunksOnWorkers: p ? p.counts.chunks - p.counts.callerChunks : 0,
    };
  }

  /** Ends the workers (they never keep Node alive, but this frees their threads now). Threads drop to 1. */
  closeThreads(): void {
    this.pool?.close();
    this.pool = null;
    this.nThreads = 1;
  }

  /** The pool when a kernel of `work` units (elements, multiply-adds) at least `min` should be split. */
  private par(work: number, min: number): Pool | null {
    return this.nThreads > 1 && work >= min ? this.pool : null;
  }

  /** Elements per chunk of an n-element split: a multiple of 16, at least `min`. */
  private chunkSize(n: number, min: number): number {
    return roundUp(Math.max(min, Math.ceil(n / (this.nThreads * CHUNKS_PER_THREAD))), 16);
  }

  /** Chunks of `size` units in n, or units per chunk: for splits counted in rows. */
  private perChunk(units: number, work: number, min: number): number {
    // units carry work/units elements each; aim at CHUNKS_PER_THREAD chunks per thread, none
    // smaller than `min` elements.
    const perUnit = Math.max(1, work / Math.max(1, units));
    const target = Math.ceil(units / (this.nThreads * CHUNKS_PER_THREAD));
    return Math.max(1, target, Math.ceil(min / perUnit));
  }

  /**
   * Splits a [rows, rowLen] element iteration into chunks: whole rows per chunk when rows are
   * short, else segments of a row (a multiple of 16 elements). Writes rowsPer and seg to
   * args[i] and args[i + 1] and returns the chunk count.
   */
  private rowSplit(args: Float64Array, i: number, rows: number, rowLen: number, min: number): number {
    const size = this.chunkSize(rows * rowLen, min);
    if (rowLen >= size) {
      args[i] = 1;
      args[i + 1] = size;
      return rows * Math.ceil(rowLen / size);
    }
    const rowsPer = Math.max(1, Math.floor(size / rowLen));
    args[i] = rowsPer;
    args[i + 1] = 0;
    return Math.ceil(rows / rowsPer);
  }

  // ---- storage -------------------------------------------------------------------------------

  alloc(dtype: SType, size: number): Storage {
    const bytes = size * bytesPer(dtype);
    if (!Number.isInteger(size) || size < 0) {
      throw new WasmgradError(`alloc: cannot allocate ${String(size)} elements of ${dtype}`);
    }
    return new WasmStorage(dtype, size, this.allocBytes(bytes, false));
  }

  /**
   * A heap block of at least `bytes`: a counted storage block, or (scratch) a kernel work area.
   * Sizes wasm32 can never hold are refused before calling into wasm. The module returns 0 when
   * memory cannot grow, or traps inside TLSF for a small block; then the large-block list is
   * tried (it may hold pages freed by big tensors). The allocators' state is untouched by a
   * failure, so later allocations still work. Addresses ≥ 2^31 arrive as negative i32: >>> 0.
   */
  private allocBytes(bytes: number, scratch: boolean): number {
    if (!(bytes <= MAX_ALLOC_BYTES)) throw this.outOfMemory(bytes);
    let ptr = 0;
    try {
      ptr = (scratch ? this.wasm.allocScratch(bytes) : this.wasm.alloc(bytes)) >>> 0;
    } catch {
      ptr = 0;
    }
    if (ptr === 0) {
      try {
        ptr = this.wasm.allocPaged(bytes, scratch ? 0 : 1) >>> 0;
      } catch {
        ptr = 0;
      }
    }
    if (ptr === 0) throw this.outOfMemory(bytes);
    return ptr;
  }

  /** The error for a block that cannot be had: the wasm32 limit and what is in use now. */
  private outOfMemory(bytes: number): OutOfMemoryError {
    const mib = (b: number): string => `${Math.round(b / MiB)} MiB`;
    const heap = this.memory.buffer.byteLength;
    const live = this.wasm.liveBytes(), blocks = this.wasm.liveBlocks();
    const reusable = this.wasm.largeFreeBytes();
    const what = bytes > MAX_ALLOC_BYTES ? 'more than wasm32 linear memory can ever hold' : 'no room left in wasm32 linear memory';
    return new OutOfMemoryError(`alloc: cannot allocate ${bytes} bytes (${mib(bytes)}): ${what}, which is at most `
      + `4096 MiB (4 GiB); in use: ${mib(heap)} of linear memory, ${mib(live)} of it held by ${blocks} live storage `
      + `block${blocks === 1 ? '' : 's'}${reusable > 0 ? `, ${mib(reusable)} free in pieces too small for it` : ''}`);
  }

  free(s: Storage): void {
    const ws = s as WasmStorage;
    if (ws.freed) return;
    ws.freed = true;
    this.wasm.free(ws.ptr, ws.bytes);
  }

  /** The allocator's own count of live storage blocks and their bytes (scratch excluded). */
  liveAllocations(): { count: number; bytes: number } {
    return { count: this.wasm.liveBlocks(), bytes: this.wasm.liveBytes() };
  }

  write(s: Storage, src: ArrayLike<number>, offset = 0): void {
    if (offset < 0 || offset + src.length > s.size) {
      throw new WasmgradError(`write: ${src.length} elements at offset ${offset} do not fit in storage of size ${s.size}`);
    }
    const v = this.view(s.dtype);
    v.set(src, ptrOf(s) / bytesPer(s.dtype) + offset);
  }

  read(s: Storage): Float32Array | Float64Array | Int32Array {
    const v = this.view(s.dtype);
    const start = ptrOf(s) / bytesPer(s.dtype);
    return v.slice(start, start + s.size);
  }

  get(s: Storage, index: number): number {
    if (!(index >= 0 && index < s.size)) {
      throw new WasmgradError(`get: index ${index} out of range for storage of size ${s.size}`);
    }
    return this.view(s.dtype)[ptrOf(s) / bytesPer(s.dtype) + index];
  }

  fill(s: Storage, value: number): void {
    if (s.size === 0) return;
    if (s.dtype === 'float64') this.wasm.fill_f64(ptrOf(s), s.size, value);
    else if (s.dtype === 'int32') this.wasm.fill_i32(ptrOf(s), s.size, value);
    else this.wasm.fill_f32(ptrOf(s), s.size, value);
  }

  cast(out: Storage, a: Storage): void {
    const n = Math.min(out.size, a.size);
    if (n === 0) return;
    if (out.dtype === a.dtype) this.wasm.copyBytes(ptrOf(out), ptrOf(a), n * bytesPer(a.dtype));
    else if (out.dtype === 'float64' && a.dtype === 'float32') this.wasm.cast_f32_f64(ptrOf(out), ptrOf(a), n);
    else if (out.dtype === 'float32' && a.dtype === 'float64') this.wasm.cast_f64_f32(ptrOf(out), ptrOf(a), n);
    else {
      // int32 <-> float: not on any hot path, let typed arrays convert.
      const src = this.view(a.dtype), dst = this.view(out.dtype);
      const from = ptrOf(a) / bytesPer(a.dtype);
      dst.set(src.subarray(from, from + n), ptrOf(out) / bytesPer(out.dtype));
    }
  }

  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  // ---- elementwise ---------------------------------------------------------------------------

  unary(op: Unary, out: Storage, a: Storage): void {
    const n = out.size;
    if (n === 0) return;
    if (this.nThreads > 1 && n >= unaryMin[op]) {
      const pool = this.pool!, A = pool.args, size = this.chunkSize(n, unaryMin[op] >> 2);
      A[0] = Task.Unary; A[1] = isF64(out) ? 1 : 0; A[2] = op; A[3] = ptrOf(out); A[4] = ptrOf(a); A[5] = n; A[6] = size;
      pool.run(Math.ceil(n / size));
      return;
    }
    if (isF64(out)) this.wasm.unary_f64(op, ptrOf(out), ptrOf(a), n);
    else this.wasm.unary_f32(op, ptrOf(out), ptrOf(a), n);
  }

  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
    const n = out.size;
    if (n === 0) return;
    if (this.nThreads > 1 && n >= PAR_MIN.cheap) {
      const pool = this.pool!, A = pool.args, size = this.chunkSize(n, PAR_MIN.cheap >> 2);
      A[0] = Task.UnaryGrad; A[1] = isF64(out) ? 1 : 0; A[2] = op; A[3] = ptrOf(out); A[4] = ptrOf(saved);
      A[5] = ptrOf(dy); A[6] = n; A[7] = size;
      pool.run(Math.ceil(n / size));
      return;
    }
    if (isF64(out)) this.wasm.unaryGrad_f64(op, ptrOf(out), ptrOf(saved), ptrOf(dy), n);
    else this.wasm.unaryGrad_f32(op, ptrOf(out), ptrOf(saved), ptrOf(dy), n);
  }

  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void {
    if (out.size === 0) return;
    const c = collapseDims(shape, [aStrides, bStrides]);
    const f64 = isF64(out);
    const [n0, n1, n2, n3] = lastDims(c.shape, 1);
    const [a0, a1, a2, a3] = lastDims(c.strides[0], 0);
    const [b0, b1, b2, b3] = lastDims(c.strides[1], 0);
    const split = this.nThreads > 1 && n0 * n1 * n2 * n3 >= binaryMin[op];
    if (c.shape.length <= KERNEL_DIMS && !split) {
      (f64 ? this.wasm.binary_f64 : this.wasm.binary_f32)(op, ptrOf(out), ptrOf(a), ptrOf(b),
        n0, n1, n2, n3, a0, a1, a2, a3, b0, b1, b2, b3);
      return;
    }
    const kernel = f64 ? this.wasm.binary_f64 : this.wasm.binary_f32;
    const elem = bytesPer(out.dtype);
    const run = (o: number, ap: number, bp: number): void => {
      if (!split) {
        kernel(op, o, ap, bp, n0, n1, n2, n3, a0, a1, a2, a3, b0, b1, b2, b3);
        return;
      }
      const pool = this.pool!, A = pool.args;
      A[0] = Task.Binary; A[1] = f64 ? 1 : 0; A[2] = op; A[3] = o; A[4] = ap; A[5] = bp;
      A[6] = n0; A[7] = n1; A[8] = n2; A[9] = n3;
      A[10] = a0; A[11] = a1; A[12] = a2; A[13] = a3; A[14] = b0; A[15] = b1; A[16] = b2; A[17] = b3;
      pool.run(this.rowSplit(A, 18, n0 * n1 * n2, n3, binaryMin[op] >> 2));
    };
    const outPtr = ptrOf(out), aPtr = ptrOf(a), bPtr = ptrOf(b);
    if (c.shape.length <= KERNEL_DIMS) {
      run(outPtr, aPtr, bPtr);
      return;
    }
    forEachLeadingIndex(c.shape, c.strides, (offsets, outOffset) => {
      run(outPtr + outOffset * elem, aPtr + offsets[0] * elem, bPtr + offsets[1] * elem);
    });
  }

  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
    if (out.size === 0) return;
    const c = collapseDims(shape, [strides]);
    const wide = bytesPer(out.dtype) === 8;
    const kernel = wide ? this.wasm.copyStrided_f64 : this.wasm.copyStrided_f32;
    const elem = bytesPer(out.dtype);
    const [n0, n1, n2, n3] = lastDims(c.shape, 1);
    const [s0, s1, s2, s3] = lastDims(c.strides[0], 0);
    const outPtr = ptrOf(out), aPtr = ptrOf(a) + offset * elem;
    const split = this.nThreads > 1 && n0 * n1 * n2 * n3 >= PAR_MIN.medium;
    if (c.shape.length <= KERNEL_DIMS && !split) {
      kernel(outPtr, aPtr, n0, n1, n2, n3, s0, s1, s2, s3);
      return;
    }
    const run = (o: number, ap: number): void => {
      if (!split) {
        kernel(o, ap, n0, n1, n2, n3, s0, s1, s2, s3);
        return;
      }
      const pool = this.pool!, A = pool.args;
      A[0] = Task.CopyStrided; A[1] = wide ? 1 : 0; A[2] = o; A[3] = ap;
      A[4] = n0; A[5] = n1; A[6] = n2; A[7] = n3; A[8] = s0; A[9] = s1; A[10] = s2; A[11] = s3;
      pool.run(this.rowSplit(A, 12, n0 * n1 * n2, n3, PAR_MIN.medium >> 2));
    };
    if (c.shape.length <= KERNEL_DIMS) {
      run(outPtr, aPtr);
      return;
    }
    forEachLeadingIndex(c.shape, c.strides, (offsets, outOffset) => {
      run(outPtr + outOffset * elem, aPtr + offsets[0] * elem);
    });
  }

  addInPlace(dst: Storage, src: Storage): void {
    const n = dst.size;
    if (n === 0) return;
    const pool = this.par(n, 2 * PAR_MIN.cheap);
    if (pool !== null) {
      const A = pool.args, size = this.chunkSize(n, PAR_MIN.cheap >> 2);
      A[0] = Task.AddInPlace; A[1] = isF64(dst) ? 1 : 0; A[2] = ptrOf(dst); A[3] = ptrOf(src); A[4] = n; A[5] = size;
      pool.run(Math.ceil(n / size));
      return;
    }
    if (isF64(dst)) this.wasm.addInPlace_f64(ptrOf(dst), ptrOf(src), n);
    else this.wasm.addInPlace_f32(ptrOf(dst), ptrOf(src), n);
  }

  // ---- reductions ----------------------------------------------------------------------------

  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    if (outer === 0 || inner === 0) return;
    const f64 = isF64(out);
    // One short row (a whole-tensor sum below 2 blocks) has nothing to split.
    const pool = outer === 1 && inner === 1 && red <= 2 * this.redBlock ? null : this.par(outer * red * inner, PAR_MIN.reduce);
    if (pool !== null) {
      const A = pool.args, total = outer * red * inner;
      A[1] = f64 ? 1 : 0; A[2] = op; A[3] = ptrOf(out); A[4] = ptrOf(a); A[5] = outer; A[6] = red; A[7] = inner;
      if (outer >= this.nThreads * CHUNKS_PER_THREAD || (inner === 1 && red <= 2 * this.redBlock)) {
        // Enough independent output rows (or rows too short to split): whole rows per chunk.
        const rows = this.perChunk(outer, total, PAR_MIN.reduce >> 2);
        A[0] = Task.ReduceRows; A[8] = rows;
        pool.run(Math.ceil(outer / rows));
        return;
      }
      if (inner === 1) {
        // Few long rows: block results in parallel, folded in block order (as reduce_* does).
        const blocks = Math.ceil(red / this.redBlock);
        const partials = this.scratch(outer * blocks * bytesPer(out.dtype));
        A[0] = Task.ReduceBlocks; A[3] = partials;
        pool.run(outer * blocks);
        this.wasm.reduceFold!(f64 ? 1 : 0, op, ptrOf(out), partials, outer, red);
        return;
      }
      // Few output rows, wide (a bias gradient): split the columns of every row, 64 at a time at
      // least so two threads never write the same cache line of out. Each chunk walks every row
      // of a: this pays later than the other splits (measured over two runs: 64 x 1024 0.7-1.3×,
      // 64 x 2048 1.2-1.7×, 64 x 4096 1.6-1.9×), hence 4 times the threshold.
      if (total >= 4 * PAR_MIN.reduce) {
        const cols = roundUp(Math.max(64, this.perChunk(inner, total, PAR_MIN.reduce >> 2)), 16);
        A[0] = Task.ReduceCols; A[8] = cols;
        pool.run(Math.ceil(inner / cols));
        return;
      }
    }
    if (f64) this.wasm.reduce_f64(op, ptrOf(out), ptrOf(a), outer, red, inner);
    else this.wasm.reduce_f32(op, ptrOf(out), ptrOf(a), outer, red, inner);
  }

  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    if (outer === 0 || red === 0 || inner === 0) return;
    const pool = this.par(outer * red * inner, PAR_MIN.reduce);
    if (pool !== null) {
      const A = pool.args, pairs = outer * inner;
      const per = this.perChunk(pairs, pairs * red, PAR_MIN.reduce >> 2);
      A[0] = Task.Argmax; A[1] = isF64(out) ? 1 : 0; A[2] = ptrOf(out); A[3] = ptrOf(a);
      A[4] = outer; A[5] = red; A[6] = inner; A[7] = per;
      pool.run(Math.ceil(pairs / per));
      return;
    }
    if (isF64(out)) this.wasm.argmaxMask_f64(ptrOf(out), ptrOf(a), outer, red, inner);
    else this.wasm.argmaxMask_f32(ptrOf(out), ptrOf(a), outer, red, inner);
  }

  // ---- matmul --------------------------------------------------------------------------------

  /** Byte address of a scratch block of at least `bytes`, reused across calls. */
  private scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.wasm.freeScratch(this.scratchPtr);
      this.scratchBytes = 0;
      this.scratchPtr = this.allocBytes(bytes, true);
      this.scratchBytes = bytes;
    }
    return this.scratchPtr;
  }

  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
    if (batch === 0 || M === 0 || N === 0) return;
    const f64 = isF64(out);
    const pool = K > 0 ? this.par(batch * M * N * K, PAR_MIN.matmul) : null;
    if (pool !== null) {
      this.matmulThreaded(pool, f64, ptrOf(out), ptrOf(a), ptrOf(b), batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
      return;
    }
    const bytes = f64 ? this.wasm.matmulScratchBytes_f64(M, N, K) : this.wasm.matmulScratchBytes_f32(M, N, K);
    const scratch = this.scratch(bytes);
    (f64 ? this.wasm.matmul_f64 : this.wasm.matmul_f32)(ptrOf(out), ptrOf(a), ptrOf(b), scratch,
      batch, M, N, K, transA ? 1 : 0, transB ? 1 : 0, aBatchStride, bBatchStride);
  }

  /**
   * The threaded matmul (assembly/matmul.ts, "the multi-threaded form"): one dispatch packs all
   * of op(A) and op(B) (blocks of MB rows / NB columns as chunks), a second computes the
   * MB x NB tiles of C. Problems whose packed operands exceed matmulPackLimit run per batch item
   * and, if still too large, per block of rows and columns of C (same arithmetic per element).
   */
  private matmulThreaded(pool: Pool, f64: boolean, c: number, a: number, b: number, batch: number,
    M: number, N: number, K: number, transA: boolean, transB: boolean, aBS: number, bBS: number): void {
    const es = f64 ? 8 : 4, NR = f64 ? 4 : 8;
    const aRow = transA ? 1 : K, aCol = transA ? M : 1;
    const bRow = transB ? 1 : N, bCol = transB ? K : 1;
    const packed = (m: number, n: number, nA: number, nB: number): number =>
      align16(nA * roundUp(m, 4) * K * es) + align16(nB * roundUp(n, NR) * K * es);
    if (packed(M, N, aBS === 0 ? 1 : batch, bBS === 0 ? 1 : batch) <= matmulPackLimit) {
      this.matmulPass(pool, f64, c, a, b, batch, M, N, K, aRow, aCol, bRow, bCol, aBS, bBS, N, M * N);
      this.trimScratch();
      return;
    }
    // Rows and columns per pass so that one packed A block and one packed B block each fit in
    // half the limit (at least one micro-panel).
    const rowsPer = Math.max(4, Math.floor(matmulPackLimit / 2 / (K * es) / 4) * 4);
    const colsPer = Math.max(NR, Math.floor(matmulPackLimit / 2 / (K * es) / NR) * NR);
    for (let t = 0; t < batch; t++) {
      for (let i0 = 0; i0 < M; i0 += rowsPer) {
        for (let j0 = 0; j0 < N; j0 += colsPer) {
          const m = Math.min(rowsPer, M - i0), n = Math.min(colsPer, N - j0);
          this.matmulPass(pool, f64, c + ((t * M + i0) * N + j0) * es, a + (t * aBS + i0 * aRow) * es,
            b + (t * bBS + j0 * bCol) * es, 1, m, n, K, aRow, aCol, bRow, bCol, 0, 0, N, M * N);
        }
      }
    }
    this.trimScratch();
  }

  /** Gives a large scratch block back to the heap (for tensors to reuse); small ones are kept. */
  private trimScratch(): void {
    if (this.scratchBytes > SCRATCH_KEEP) {
      this.wasm.freeScratch(this.scratchPtr);
      this.scratchBytes = 0;
      this.scratchPtr = 0;
    }
  }

  private matmulPass(pool: Pool, f64: boolean, c: number, a: number, b: number, batch: number, M: number, N: number,
    K: number, aRow: number, aCol: number, bRow: number, bCol: number, aBS: number, bBS: number,
    ldc: number, cBatchStride: number): void {
    const es = f64 ? 8 : 4, NR = f64 ? 4 : 8;
    const threads = this.nThreads;
    // Tiles: MB rows (a multiple of 4) x NB columns (a multiple of NR), about 3 per thread.
    // Whole rows of C first: threads then write disjoint runs of C and share at most one cache
    // line where two tiles meet (C is only 16-byte aligned). Tiles of 16 x 32 (columns split
    // too) ran at N = 64 at half speed in some runs, from false sharing along every tile row.
    // Columns are split only when M has too few rows for the threads.
    // At least one tile per thread, about 3 per thread when there is work enough: each tile at
    // least TILE_MIN_MACS multiply-adds (≈ 4 µs), since every chunk costs a claim and a count
    // on cache lines both threads touch (0.1-0.2 µs a transfer on this VM).
    const macs = batch * M * N * K;
    const tileMin = PAR_MIN.matmul > 0 ? TILE_MIN_MACS : 0;
    const want = Math.max(threads, Math.min(3 * threads, tileMin > 0 ? Math.floor(macs / tileMin) : Infinity));
    let MB = 64, NB = roundUp(N, NR);
    const tiles = (): number => batch * Math.ceil(M / MB) * Math.ceil(N / NB);
    while (tiles() < want && MB > 8) MB = Math.max(8, roundUp(MB / 2, 4));
    while (tiles() < want && NB > 4 * NR) NB = Math.max(4 * NR, roundUp(NB / 2, 4 * NR));
    MB = Math.min(MB, roundUp(M, 4));
    const nTiles = tiles();
    const problemsA = aBS === 0 ? 1 : batch, problemsB = bBS === 0 ? 1 : batch;
    const spillBytes = align16(nTiles * 128);
    const packABytes = align16(problemsA * roundUp(M, 4) * K * es);
    const packBBytes = align16(problemsB * roundUp(N, NR) * K * es);
    const spill = this.scratch(spillBytes + packABytes + packBBytes);
    const A = pool.args;
    A[1] = f64 ? 1 : 0; A[2] = c; A[3] = a; A[4] = b; A[5] = batch; A[6] = M; A[7] = N; A[8] = K;
    A[9] = aRow; A[10] = aCol; A[11] = aBS; A[12] = bBS; A[13] = spill + spillBytes; A[14] = spill + spillBytes + packABytes;
    A[15] = MB; A[16] = NB; A[17] = spill; A[18] = bRow; A[19] = bCol; A[20] = ldc; A[21] = cBatchStride;
    A[0] = Task.MatmulPack;
    const packChunks = problemsA * Math.ceil(M / MB) + problemsB * Math.ceil(N / NB);
    if ((problemsA * M + problemsB * N) * K < PAR_MIN.pack) pool.runLocal(packChunks);
    else pool.run(packChunks);
    A[0] = Task.MatmulTiles;
    pool.run(nTiles);
  }

  // ---- softmax family ------------------------------------------------------------------------

  /** Units of the softmax split (assembly/softmax.ts softmaxUnits): rows, or column groups per row. */
  private softmaxUnits(f64: boolean, outer: number, inner: number): number {
    return inner === 1 ? outer : outer * Math.ceil(inner / (f64 ? 2 : 4));
  }

  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
    if (out.size === 0) return;
    const f64 = isF64(out);
    const pool = this.par(out.size, PAR_MIN.costly);
    if (pool !== null) {
      const units = this.softmaxUnits(f64, outer, inner);
      const per = this.perChunk(units, out.size, PAR_MIN.costly >> 2);
      const A = pool.args;
      A[0] = Task.Softmax; A[1] = f64 ? 1 : 0; A[2] = ptrOf(out); A[3] = ptrOf(a); A[4] = outer; A[5] = n; A[6] = inner;
      A[7] = log ? 1 : 0; A[8] = per; A[9] = units;
      pool.run(Math.ceil(units / per));
      return;
    }
    if (f64) this.wasm.softmax_f64(ptrOf(out), ptrOf(a), outer, n, inner, log ? 1 : 0);
    else this.wasm.softmax_f32(ptrOf(out), ptrOf(a), outer, n, inner, log ? 1 : 0);
  }

  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
    if (out.size === 0) return;
    const f64 = isF64(out);
    const pool = this.par(out.size, PAR_MIN.costly);
    if (pool !== null) {
      const units = this.softmaxUnits(f64, outer, inner);
      const per = this.perChunk(units, out.size, PAR_MIN.costly >> 2);
      const A = pool.args;
      A[0] = Task.SoftmaxGrad; A[1] = f64 ? 1 : 0; A[2] = ptrOf(out); A[3] = ptrOf(y); A[4] = ptrOf(dy);
      A[5] = outer; A[6] = n; A[7] = inner; A[8] = log ? 1 : 0; A[9] = per; A[10] = units;
      pool.run(Math.ceil(units / per));
      return;
    }
    if (f64) this.wasm.softmaxGrad_f64(ptrOf(out), ptrOf(y), ptrOf(dy), outer, n, inner, log ? 1 : 0);
    else this.wasm.softmaxGrad_f32(ptrOf(out), ptrOf(y), ptrOf(dy), outer, n, inner, log ? 1 : 0);
  }

  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
    const f64 = isF64(probs);
    const pool = N > 1 ? this.par(N * C, PAR_MIN.costly) : null;
    if (pool !== null) {
      // Per-row loss terms in parallel, summed here in row order: the same additions, in the
      // same order, as the single-thread kernel's running total.
      const losses = this.scratch(N * 8);
      const rows = this.perChunk(N, N * C, PAR_MIN.costly >> 2);
      const A = pool.args;
      A[0] = Task.CrossEntropy; A[1] = f64 ? 1 : 0; A[2] = ptrOf(probs); A[3] = ptrOf(logits); A[4] = ptrOf(labels);
      A[5] = N; A[6] = C; A[7] = losses; A[8] = rows;
      pool.run(Math.ceil(N / rows));
      const v = this.view('float64') as Float64Array;
      let total = 0;
      for (let i = 0, at = losses / 8; i < N; i++) total += v[at + i];
      return total / N;
    }
    if (f64) return this.wasm.crossEntropy_f64(ptrOf(probs), ptrOf(logits), ptrOf(labels), N, C);
    return this.wasm.crossEntropy_f32(ptrOf(probs), ptrOf(logits), ptrOf(labels), N, C);
  }

  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
    if (out.size === 0) return;
    const f64 = isF64(out);
    const pool = this.par(N * C, PAR_MIN.cheap);
    if (pool !== null) {
      const rows = this.perChunk(N, N * C, PAR_MIN.cheap >> 2);
      const A = pool.args;
      A[0] = Task.CrossEntropyGrad; A[1] = f64 ? 1 : 0; A[2] = ptrOf(out); A[3] = ptrOf(probs); A[4] = ptrOf(labels);
      A[5] = N; A[6] = C; A[7] = scale; A[8] = rows;
      pool.run(Math.ceil(N / rows));
      return;
    }
    if (f64) this.wasm.crossEntropyGrad_f64(ptrOf(out), ptrOf(probs), ptrOf(labels), N, C, scale);
    else this.wasm.crossEntropyGrad_f32(ptrOf(out), ptrOf(probs), ptrOf(labels), N, C, scale);
  }

  // ---- optimizer updates ---------------------------------------------------------------------

  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
    if (momentum !== 0 && velocity === null) throw new WasmgradError('sgdStep: momentum > 0 needs a velocity buffer');
    const n = param.size;
    if (n === 0) return;
    const vel = momentum === 0 || velocity === null ? 0 : ptrOf(velocity);
    const pool = this.par(n, PAR_MIN.medium);
    if (pool !== null) {
      const A = pool.args, size = this.chunkSize(n, PAR_MIN.medium >> 2);
      A[0] = Task.Sgd; A[1] = isF64(param) ? 1 : 0; A[2] = ptrOf(param); A[3] = ptrOf(grad); A[4] = vel; A[5] = n;
      A[6] = lr; A[7] = momentum; A[8] = dampening; A[9] = weightDecay; A[10] = nesterov ? 1 : 0; A[11] = firstStep ? 1 : 0;
      A[12] = size;
      pool.run(Math.ceil(n / size));
      return;
    }
    (isF64(param) ? this.wasm.sgdStep_f64 : this.wasm.sgdStep_f32)(ptrOf(param), ptrOf(grad), vel, n,
      lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void {
    const n = param.size;
    if (n === 0) return;
    const pool = this.par(n, PAR_MIN.costly);
    if (pool !== null) {
      const A = pool.args, size = this.chunkSize(n, PAR_MIN.costly >> 2);
      A[0] = Task.Adam; A[1] = isF64(param) ? 1 : 0; A[2] = ptrOf(param); A[3] = ptrOf(grad); A[4] = ptrOf(m); A[5] = ptrOf(v);
      A[6] = n; A[7] = lr; A[8] = beta1; A[9] = beta2; A[10] = eps; A[11] = weightDecay; A[12] = decoupled ? 1 : 0;
      A[13] = step; A[14] = size;
      pool.run(Math.ceil(n / size));
      return;
    }
    (isF64(param) ? this.wasm.adamStep_f64 : this.wasm.adamStep_f32)(ptrOf(param), ptrOf(grad), ptrOf(m), ptrOf(v),
      n, lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, step);
  }
}

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

export interface WasmBackendOptions {
  /** Which build to load (default: pickVariant()). */
  variant?: WasmVariant;
  /** Threads for large kernels (default: defaultThreads()); ignored by the baseline build. */
  threads?: number;
  /** The module's bytes, instead of loading the variant's file. */
  bytes?: Uint8Array | ArrayBuffer;
}

/** AssemblyScript's abort(message, file, line, column) import: throws with the decoded strings. */
function abortImport(memory: WebAssembly.Memory): (msg: number, file: number, line: number, col: number) => never {
  const str = (ptr: number): string => {
    if (!ptr) return '';
    const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
    const units = new Uint16Array(memory.buffer, ptr, bytes >>> 2);
    let out = '';
    for (let i = 0; i < units.length; i += 1024) out += String.fromCharCode(...units.subarray(i, i + 1024));
    return out;
  };
  return (msg, file, line, col) => {
    throw new Error(`abort: ${str(msg)} in ${str(file)}(${line}:${col})`);
  };
}

/** Pages of the shared memory: 1 MiB to start, and the whole wasm32 space (4 GiB) as the maximum
 * (reserved as address space only: it costs no RSS). */
const SHARED_INITIAL_PAGES = 16;
const SHARED_MAXIMUM_PAGES = 65536;

/**
 * Instantiates a build of the module through @assemblyscript/loader (which supplies the abort
 * import that turns AssemblyScript aborts into JS errors) and wraps it as a Backend. A
 * Uint8Array/ArrayBuffer argument is the baseline build's bytes (the original signature).
 * When the threaded builds cannot be loaded (e.g. a browser bundle without its threads file),
 * the baseline build is used.
 */
export async function createWasmBackend(opts: WasmBackendOptions | Uint8Array | ArrayBuffer = {}): Promise<WasmBackend> {
  const o: WasmBackendOptions = opts instanceof Uint8Array || opts instanceof ArrayBuffer ? { bytes: opts, variant: 'baseline' } : opts;
  let variant = o.variant ?? (o.bytes ? 'baseline' : await pickVariant());
  let source: Uint8Array | ArrayBuffer;
  try {
    source = o.bytes ?? await loadWasmBytes(variant);
  } catch (e) {
    if (variant === 'baseline' || o.variant !== undefined) throw e;
    variant = 'baseline';
    source = await loadWasmBytes(variant);
  }
  if (variant === 'baseline') {
    let instance: WebAssembly.Instance;
    try {
      ({ instance } = await instantiate<Record<string, unknown>>(source));
    } catch (e) {
      throw new BackendError(`wasm: cannot instantiate wasmgrad.wasm: ${(e as Error).message}`);
    }
    // The raw exports, not the loader's demangled wrappers: those add a rest-args closure per call.
    return new WasmBackend(instance.exports as unknown as WasmExports, 'baseline');
  }
  let module: WebAssembly.Module, instance: WebAssembly.Instance;
  try {
    module = await WebAssembly.compile(source as BufferSource);
    const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    // Instantiated directly: the only function import is AssemblyScript's abort.
    instance = await WebAssembly.instantiate(module, { env: { memory, abort: abortImport(memory) } });
  } catch (e) {
    throw new BackendError(`wasm: cannot instantiate the ${variant} build: ${(e as Error).message}`);
  }
  const backend = new WasmBackend(instance.exports as unknown as WasmExports, variant, module, await workerFactory());
  backend.setThreads(o.threads ?? defaultThreads());
  return backend;
}
