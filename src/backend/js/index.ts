// The pure-JS backend: plain typed-array loops. It is the reference the wasm kernels are tested
// against, the fallback where WebAssembly SIMD is missing, and the baseline of the benchmarks.
//
// Storage is in storage.ts, the kernels in one file per family; this class joins them.

import type {
  Backend, Binary, ConvGeom, Reduce, Storage, Unary, UnaryGrad,
} from '../backend.js';
import type { PoolGeom } from '../backend.js';
import { JsStorage, JsStorageBackend } from './storage.js';
import * as elementwise from './elementwise.js';
import * as reductions from './reduce.js';
import * as scan from './scan.js';
import * as mm from './matmul.js';
import * as sm from './softmax.js';
import * as optim from './optim.js';
import * as gathers from './gather.js';
import * as conv from './conv.js';
import * as pool from './pool.js';
import * as attn from './attention.js';
import type { AttnMask } from '../backend.js';
import * as norms from './norm.js';

export { JsStorage };

export class JsBackend extends JsStorageBackend implements Backend {
  readonly name = 'js' as const;

  unary(op: Unary, out: Storage, a: Storage): void { elementwise.unary(op, out, a); }
  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void { elementwise.unaryGrad(op, out, saved, dy); }
  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void {
    elementwise.binary(op, out, a, b, shape, aStrides, bStrides);
  }
  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
    elementwise.copyStrided(out, a, shape, strides, offset);
  }
  copyInto(out: Storage, outOffset: number, outStrides: readonly number[], a: Storage, aOffset: number,
    aStrides: readonly number[], shape: readonly number[]): void {
    elementwise.copyInto(out, outOffset, outStrides, a, aOffset, aStrides, shape);
  }
  addInPlace(dst: Storage, src: Storage): void { elementwise.addInPlace(dst, src); }

  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    reductions.reduce(op, out, a, outer, red, inner);
  }
  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    reductions.argmaxMask(out, a, outer, red, inner);
  }
  cumsum(out: Storage, a: Storage, outer: number, n: number, inner: number, reverse: boolean): void {
    scan.cumsum(out, a, outer, n, inner, reverse);
  }

  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
    mm.matmul(out, a, b, batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
  }

  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
    sm.softmax(out, a, outer, n, inner, log);
  }
  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
    sm.softmaxGrad(out, y, dy, outer, n, inner, log);
  }
  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
    return sm.crossEntropy(probs, logits, labels, N, C);
  }
  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
    sm.crossEntropyGrad(out, probs, labels, N, C, scale);
  }

  gather(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): number {
    return gathers.gather(out, src, index, outer, n, inner, dim, perElement);
  }
  scatterAdd(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
    perElement: boolean): void {
    gathers.scatterAdd(out, src, index, outer, n, inner, dim, perElement);
  }

  indexFrom(out: Storage, src: Storage, size: number): number { return gathers.indexFrom(out, src, size); }

  attnSoftmax(p: Storage, batch: number, L: number, S: number, scale: number, causal: boolean, mask: AttnMask | null): void {
    attn.attnSoftmax(p, batch, L, S, scale, causal, mask);
  }
  attnSoftmaxGrad(out: Storage, p: Storage, dp: Storage, rows: number, S: number, scale: number): void {
    attn.attnSoftmaxGrad(out, p, dp, rows, S, scale);
  }
  conv2d(y: Storage, x: Storage, w: Storage, g: ConvGeom): void { conv.conv2d(y, x, w, g); }
  conv2dBackwardInput(dx: Storage, dy: Storage, w: Storage, g: ConvGeom): void { conv.conv2dBackwardInput(dx, dy, w, g); }
  conv2dBackwardWeight(dw: Storage, x: Storage, dy: Storage, g: ConvGeom): void { conv.conv2dBackwardWeight(dw, x, dy, g); }

  maxPool2d(y: Storage, indices: Storage, x: Storage, g: PoolGeom): void { pool.maxPool2d(y, indices, x, g); }
  maxPool2dBackward(dx: Storage, dy: Storage, indices: Storage, g: PoolGeom): void { pool.maxPool2dBackward(dx, dy, indices, g); }
  avgPool2d(y: Storage, x: Storage, g: PoolGeom): void { pool.avgPool2d(y, x, g); }
  avgPool2dBackward(dx: Storage, dy: Storage, g: PoolGeom): void { pool.avgPool2dBackward(dx, dy, g); }
  batchNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, C: number, S: number, eps: number): void {
    norms.batchNorm(y, mean, invstd, x, gamma, beta, N, C, S, eps);
  }
  batchNormGrad(dx: Storage | null, dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage,
    invstd: Storage, gamma: Storage | null, N: number, C: number, S: number): void {
    norms.batchNormGrad(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, N, C, S);
  }
  groupNorm(y: Storage, mean: Storage, invstd: Storage, x: Storage, gamma: Storage | null, beta: Storage | null,
    N: number, G: number, cpg: number, S: number, eps: number): void {
    norms.groupNorm(y, mean, invstd, x, gamma, beta, N, G, cpg, S, eps);
  }
  groupNormGrad(dx: Storage, dy: Storage, x: Storage, mean: Storage, invstd: Storage, gamma: Storage | null,
    N: number, G: number, cpg: number, S: number): void {
    norms.groupNormGrad(dx, dy, x, mean, invstd, gamma, N, G, cpg, S);
  }
  normAffineGrad(dgamma: Storage | null, dbeta: Storage | null, dy: Storage, x: Storage, mean: Storage, invstd: Storage,
    N: number, G: number, cpg: number, S: number): void {
    norms.normAffineGrad(dgamma, dbeta, dy, x, mean, invstd, N, G, cpg, S);
  }

  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
    optim.sgdStep(param, grad, velocity, lr, momentum, dampening, weightDecay, nesterov, firstStep);
  }
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void {
    optim.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
  }
  rmspropStep(param: Storage, grad: Storage, squareAvg: Storage, buf: Storage | null, gradAvg: Storage | null, lr: number,
    alpha: number, eps: number, weightDecay: number, momentum: number, centered: boolean): void {
    optim.rmspropStep(param, grad, squareAvg, buf, gradAvg, lr, alpha, eps, weightDecay, momentum, centered);
  }
  adagradStep(param: Storage, grad: Storage, sum: Storage, clr: number, weightDecay: number, eps: number): void {
    optim.adagradStep(param, grad, sum, clr, weightDecay, eps);
  }
}

export const jsBackend: Backend = new JsBackend();
