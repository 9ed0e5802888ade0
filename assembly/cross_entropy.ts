// Softmax cross-entropy, fused (forward: probs and the mean loss; backward: scale * (probs -
// onehot)), with its thread-task chunks. Pointers are byte addresses; counts in elements.

import { CrossEntropyGradSlot, CrossEntropySlot } from './opcodes';
import { rowMax, softmaxRow } from './softmax';
import { arg, argF64, argp, range, rangeHi } from './task';
import { elemShift } from './simd';

@inline function crossEntropy<T>(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  const shift = elemShift<T>();
  const rowBytes = <usize>C << shift;
  let total: f64 = 0;
  for (let i = 0; i < N; i++) {
    const src = logits + <usize>i * rowBytes, dst = probs + <usize>i * rowBytes;
    const m = rowMax<T>(src, C);
    const sum = softmaxRow<T>(dst, src, C, m, false);
    // Loss via log-sum-exp in f64: log(prob) would underflow to -Infinity for confident mistakes.
    const label = load<i32>(labels + (<usize>i << 2));
    total += <f64>m + Math.log(<f64>sum) - <f64>load<T>(src + (<usize>label << shift));
  }
  return N > 0 ? total / <f64>N : NaN;
}

/**
 * Rows [i0, i1) of crossEntropy: probs rows written, and row i's loss term
 * m + log(sum) - logit[label] (f64) stored at losses + 8*i. Folding the terms in row order
 * (total += term) gives crossEntropy's total bit for bit.
 */
@noinline function crossEntropyRows<T>(probs: usize, logits: usize, labels: usize, C: i32, losses: usize,
  i0: i32, i1: i32): void {
  const shift = elemShift<T>();
  const rowBytes = <usize>C << shift;
  for (let i = i0; i < i1; i++) {
    const src = logits + <usize>i * rowBytes, dst = probs + <usize>i * rowBytes;
    const m = rowMax<T>(src, C);
    const sum = softmaxRow<T>(dst, src, C, m, false);
    const label = load<i32>(labels + (<usize>i << 2));
    store<f64>(losses + (<usize>i << 3), <f64>m + Math.log(<f64>sum) - <f64>load<T>(src + (<usize>label << shift)));
  }
}

/** crossEntropy_f32(probs: f32* [N, C] written, logits: f32* [N, C], labels: i32* [N]) -> mean loss (f64). */
export function crossEntropy_f32(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  return crossEntropy<f32>(probs, logits, labels, N, C);
}
/** crossEntropy_f64: as crossEntropy_f32 with f64 elements. */
export function crossEntropy_f64(probs: usize, logits: usize, labels: usize, N: i32, C: i32): f64 {
  return crossEntropy<f64>(probs, logits, labels, N, C);
}

@inline function crossEntropyGrad<T>(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: T): void {
  const shift = elemShift<T>();
  const rowBytes = <usize>C << shift;
  const scaleVec = v128.splat<T>(scale);
  for (let i = 0; i < N; i++) {
    const src = probs + <usize>i * rowBytes, dst = out + <usize>i * rowBytes;
    const vecEnd = rowBytes & ~15;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) v128.store(dst + j, v128.mul<T>(v128.load(src + j), scaleVec));
    for (; j < rowBytes; j += sizeof<T>()) store<T>(dst + j, load<T>(src + j) * scale);
    const at = dst + (<usize>load<i32>(labels + (<usize>i << 2)) << shift);
    store<T>(at, load<T>(at) - scale);
  }
}

/** crossEntropyGrad_f32(out: f32* [N, C], probs: f32*, labels: i32* [N], scale): out = scale * (probs - onehot). */
export function crossEntropyGrad_f32(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: f64): void {
  crossEntropyGrad<f32>(out, probs, labels, N, C, <f32>scale);
}
/** crossEntropyGrad_f64: as crossEntropyGrad_f32 with f64 elements. */
export function crossEntropyGrad_f64(out: usize, probs: usize, labels: usize, N: i32, C: i32, scale: f64): void {
  crossEntropyGrad<f64>(out, probs, labels, N, C, scale);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a CrossEntropy task: `rows` rows, their loss terms into `losses` (f64). */
export function crossEntropyChunk(args: usize, idx: i32): void {
  const i0 = range(idx, argp(args, CrossEntropySlot.N), argp(args, CrossEntropySlot.Rows));
  const probs = argp(args, CrossEntropySlot.Probs), logits = argp(args, CrossEntropySlot.Logits);
  const labels = argp(args, CrossEntropySlot.Labels), losses = argp(args, CrossEntropySlot.Losses);
  const C = <i32>argp(args, CrossEntropySlot.C);
  if (argF64(args)) crossEntropyRows<f64>(probs, logits, labels, C, losses, <i32>i0, <i32>rangeHi);
  else crossEntropyRows<f32>(probs, logits, labels, C, losses, <i32>i0, <i32>rangeHi);
}

/** Chunk idx of a CrossEntropyGrad task: `rows` rows. */
export function crossEntropyGradChunk(args: usize, idx: i32): void {
  const f64 = argF64(args), shift: usize = f64 ? 3 : 2;
  const C = argp(args, CrossEntropyGradSlot.C);
  const i0 = range(idx, argp(args, CrossEntropyGradSlot.N), argp(args, CrossEntropyGradSlot.Rows));
  const off = (i0 * C) << shift, n = <i32>(rangeHi - i0);
  const out = argp(args, CrossEntropyGradSlot.Out) + off, probs = argp(args, CrossEntropyGradSlot.Probs) + off;
  const labels = argp(args, CrossEntropyGradSlot.Labels) + (i0 << 2), scale = arg(args, CrossEntropyGradSlot.Scale);
  if (f64) crossEntropyGrad_f64(out, probs, labels, n, <i32>C, scale);
  else crossEntropyGrad_f32(out, probs, labels, n, <i32>C, scale);
}
