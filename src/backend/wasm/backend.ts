// The WebAssembly backend: storage lives in the AssemblyScript heap of build/wasmgrad*.wasm and
// every primitive is one call into a SIMD kernel (or, above its threshold, a thread task).
// Only numbers cross the boundary. This class joins the parts: storage.ts (heap and views),
// dispatch.ts (threads), and one file of kernels per family.

import type {
  Backend, Binary, ConvGeom, Reduce, SType, Storage, Unary, UnaryGrad,
} from '../backend.js';
import type { PoolGeom } from '../backend.js';
import type { WasmExports } from './exports.js';
import type { WasmVariant } from './load.js';
import type { WorkerFactory } from './pool.js';
import { WasmHeap } from './storage.js';
import { Threads } from './dispatch.js';
import type { ThreadStats } from './stats.js';
import * as elementwise from './elementwise.js';
import * as reductions from './reduce.js';
import * as scan from './scan.js';
import * as mm from './matmul.js';
import * as sm from './softmax.js';
import * as optim from './optim.js';
import * as gathers from './gather.js';
import * as conv from './conv.js';
import * as pooling from './pool_kernels.js';
import * as attn from './attention.js';
import type { AttnMask } from '../backend.js';
import * as norms from './norm.js';

/** What a family's kernels use: the module's exports, its heap, the threads. */
export interface Kernels {
  readonly wasm: WasmExports;
  readonly heap: WasmHeap;
  readonly threads: Threads;
  /** Rows longer than this are reduced block by block (the module's RED_BLOCK). */
  readonly redBlock: number;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  private readonly k: Kernels;
  private readonly heap: WasmHeap;
  private readonly pool: Threads;

  constructor(exports: WasmExports, /** Which build this is. */ readonly variant: WasmVariant = 'baseline',
    module: WebAssembly.Module | null = null, factory: WorkerFactory | null = null) {
    this.heap = new WasmHeap(exports);
    this.pool = new Threads(exports, this.heap, variant, module, factory);
    this.k = { wasm: exports, heap: this.heap, threads: this.pool, redBlock: exports.redBlock?.() ?? Infinity };
  }

  // ---- threads -------------------------------------------------------------------------------

  /** True for the shared-memory builds in an environment that can start workers. */
  get threadsSupported(): boolean { return this.pool.threadsSupported; }
  /** Threads the kernels use now (1 where threads are not supported). */
  get threads(): number { return this.pool.threads; }
  /**
   * Uses n threads for large kernels (n - 1 workers plus the calling thread); 1 turns dispatch
   * off. Where threads are not supported this is a no-op and threads stays 1.
   */
  setThreads(n: number): void { this.pool.setThreads(n); }
  /** What the pool has done so far (zeros without a pool): see threadStats() in runtime.ts. */
  threadStats(): ThreadStats { return this.pool.threadStats(); }
  /** Ends the workers (they never keep Node alive, but this frees their threads now). Threads drop to 1. */
  closeThreads(): void { this.pool.closeThreads(); }

  // ---- storage -------------------------------------------------------------------------------

  alloc(dtype: SType, size: number): Storage { return this.heap.alloc(dtype, size); }
  free(s: Storage): void { this.heap.free(s); }
  liveAllocations(): { count: number; bytes: number } { return this.heap.liveAllocations(); }
  write(s: Storage, src: ArrayLike<number>, offset = 0): void { this.heap.write(s, src, offset); }
  read(s: Storage): Float32Array | Float64Array | Int32Array { return this.heap.read(s); }
  get(s: Storage, index: number): number { return this.heap.get(s, index); }
  fill(s: Storage, value: number): void { this.heap.fill(s, value); }
  cast(out: Storage, a: Storage): void { this.heap.cast(out, a); }
  castToInt32(out: Storage, a: Storage): number { return this.heap.castToInt32(out, a); }
  heapBytes(): number { return this.heap.heapBytes(); }

  // ---- kernels -------------------------------------------------------------------------------

  unary(op: Unary, out: Storage, a: Storage): void { elementwise.unary(this.k, op, out, a); }
  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
    elementwise.unaryGrad(this.k, op, out, saved, dy);
  }
  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void {
    elementwise.binary(this.k, op, out, a, b, shape, aStrides, bStrides);
  }
  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
    elementwise.copyStrided(this.k, out, a, shape, strides, offset);
  }
  copyInto(out: Storage, outOffset: number, outStrides: readonly number[], a: Storage, aOffset: number,
    aStrides: readonly number[], shape: readonly number[]): void {
    elementwise.copyInto(this.k, out, outOffset, outStrides, a, aOffset, aStrides, shape);
  }
  addInPlace(dst: Storage, src: Storage): void { elementwise.addInPlace(this.k, dst, src); }

  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    reductions.reduce(this.k, op, out, a, outer, red, inner);
  }
  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    reductions.argmaxMask(this.k, out, a, outer, red, inner);
  }
  cumsum(out: Storage, a: Storage, outer: number, n: number, inner: number, reverse: boolean): void {
    scan.cumsum(this.k, out, a, outer, n, inner, reverse);
  }

  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
    mm.matmul(this.k, out, a, b, batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
  }

  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
    sm.softmax(this.k, out, a, outer, n, inner, log);
  }
  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
    sm.softmaxGrad(this.k, out, y, dy, outer, n, inner, log);
  }
  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
    return sm.crossEntropy(this.k, probs, logits, labels, N, C);
  }
  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
    sm.crossEntropyGrad(this.k, out, probs, labels, N, C, scale);
  }

  gather(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): number {
    return gathers.gather(this.k, out, src, index, outer, n, inner, dim, perElement);
  }
  scatterAdd(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): void {
    gathers.scatterAdd(this.k, out, src, index, outer, n, inner, dim, perElement);
  }

  indexFrom(out: Storage, src: Storage, size: number): number { return gathers.indexFrom(this.k, out, src, size); }

  attnSoftmax(p: Storage, batch: number, L: number, S: number, scale: number, causal: boolean, mask: AttnMask | null): void {
    attn.attnSoftmax(this.k, p, batch, L, S, scale, causal, mask);
  }
  attnSoftmaxGrad(out: Storage, p: Storage, dp: Storage, rows: number, S: number, scale: number): void {
    attn.attnSoftmaxGrad(this.k, out, p, dp, rows, S, scale);
  }
  conv2d(y: Storage, x: Storage, w: Storage, g: ConvGeom): void { conv.conv2d(this.k, y, x, w, g); }
  conv2dBackwardInput(dx: Storage, dy: Storage, w: Storage, g: ConvGeom): void { conv.conv2dBackwardInput(this.k, dx, dy, w, g); }
  conv2dBackwardWeight(dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void { conv.conv2dBackwardWeight(this.k, dw, x, dy, g); }

  maxPool2d(y: Storage, indices: Storage, x: Storage, g: PoolGeom): void { pooling.maxPool2d(this.k, y, indices, x, g); }
  maxPool2dBackward(dx: Storage, dy: Storage, indices: Storage, g: PoolGeom): void { pooling.maxPool2dBackward(this.k, dx, dy, indices, g); }
  avgPool2d(y: Storage, x: Storage, g: PoolGeom): void { pooling.avgPool2d(this.k, y, x, g); }
  avgPool2dBackward(dx: Storage, dy: Storage, g: PoolGeom): void { pooling.avgPool2dBackward(this.k, dx, dy, g); }
  batchNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, C: number, S: number, eps: number): void {
    norms.batchNorm(this.k, y, mean, invstd, x, gamma, beta, N, C, S, eps);
  }
  batchNormGrad(dx: Storage | null, dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage,
    invstd: Storage, gamma: Storage | null, N: number, C: number, S: number): void {
    norms.batchNormGrad(this.k, dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S);
  }
  groupNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, G: number, cpg: number, S: number, eps: number): void {
    norms.groupNorm(this.k, y, mean, invstd, x, gamma, beta, N, G, cpg, S, eps);
  }
  groupNormGrad(dx: Storage, dy: Storage, x: Storage, mean: Storage, invstd: Storage, gamma: Storage | null,
    N: number, G: number, cpg: number, S: number): void {
    norms.groupNormGrad(this.k, dx, dy, x, mean, invstd, gamma, N, G, cpg, S);
  }
  normAffineGrad(dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage, invstd: Storage,
    N: number, G: number, cpg: number, S: number): void {
    norms.normAffineGrad(this.k, dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S);
  }

  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
    optim.sgdStep(this.k, param, grad, velocity, lr, momentum, dampening, weightDecay, nesterov, firstStep);
  }
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void {
    optim.adamStep(this.k, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
  }
  rmspropStep(param: Storage, grad: Storage, squareAvg: Storage, buf: Storage | null, gradAvg: Storage | null, lr: number,
    alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean): void {
    optim.rmspropStep(this.k, param, grad, squareAvg, buf, gradAvg, lr, alpha, eps, weightDecay, momentum, centered);
  }
  adagradStep(param: Storage, grad: Storage, sum: Storage, clr: number, weightDecay: number, eps: number): void {
    optim.adagradStep(this.k, param, grad, sum, clr, weightDecay, eps);
  }
}
