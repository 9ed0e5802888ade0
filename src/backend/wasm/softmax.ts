// Softmax family of the wasm backend (a viewed as [outer, n, inner]) and fused cross-entropy.

import type { Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR } from './thresholds.js';

/** Units of the softmax split (assembly/softmax.ts softmaxUnits): rows, or column groups per row. */
function softmaxUnits(f64: boolean, outer: number, inner: number): number {
  return inner === 1 ? outer : outer * Math.ceil(inner / (f64 ? 2 : 4));
}

export function softmax(k: Kernels, out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
  if (out.size === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(out.size, PAR.costly)) {
    const units = softmaxUnits(f64, outer, inner);
    const per = k.threads.perChunk(units, out.size, PAR.costly >> 2);
    k.threads.dispatch('Softmax', f64, Math.ceil(units / per),
      { out: ptrOf(out), a: ptrOf(a), outer, n, inner, log: log ? 1 : 0, per, units });
    return;
  }
  (f64 ? k.wasm.softmax_f64 : k.wasm.softmax_f32)(ptrOf(out), ptrOf(a), outer, n, inner, log ? 1 : 0);
}

export function softmaxGrad(k: Kernels, out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number,
  log: boolean): void {
  if (out.size === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(out.size, PAR.costly)) {
    const units = softmaxUnits(f64, outer, inner);
    const per = k.threads.perChunk(units, out.size, PAR.costly >> 2);
    k.threads.dispatch('SoftmaxGrad', f64, Math.ceil(units / per),
      { out: ptrOf(out), y: ptrOf(y), dy: ptrOf(dy), outer, n, inner, log: log ? 1 : 0, per, units });
    return;
  }
  (f64 ? k.wasm.softmaxGrad_f64 : k.wasm.softmaxGrad_f32)(ptrOf(out), ptrOf(y), ptrOf(dy), outer, n, inner, log ? 1 : 0);
}

export function crossEntropy(k: Kernels, probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
  const f64 = isF64(probs);
  if (N > 1 && k.threads.split(N * C, PAR.costly)) {
    // Per-row loss terms in parallel, summed here in row order: the same additions, in the
    // same order, as the single-thread kernel's running total.
    const losses = k.heap.scratch(N * 8);
    const rows = k.threads.perChunk(N, N * C, PAR.costly >> 2);
    k.threads.dispatch('CrossEntropy', f64, Math.ceil(N / rows),
      { probs: ptrOf(probs), logits: ptrOf(logits), labels: ptrOf(labels), N, C, losses, rows });
    const v = k.heap.view('float64') as Float64Array;
    let total = 0;
    for (let i = 0, at = losses / 8; i < N; i++) total += v[at + i];
    return total / N;
  }
  return (f64 ? k.wasm.crossEntropy_f64 : k.wasm.crossEntropy_f32)(ptrOf(probs), ptrOf(logits), ptrOf(labels), N, C);
}

export function crossEntropyGrad(k: Kernels, out: Storage, probs: Storage, labels: Storage, N: number, C: number,
  scale: number): void {
  if (out.size === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(N * C, PAR.cheap)) {
    const rows = k.threads.perChunk(N, N * C, PAR.cheap >> 2);
    k.threads.dispatch('CrossEntropyGrad', f64, Math.ceil(N / rows),
      { out: ptrOf(out), probs: ptrOf(probs), labels: ptrOf(labels), N, C, scale, rows });
    return;
  }
  (f64 ? k.wasm.crossEntropyGrad_f64 : k.wasm.crossEntropyGrad_f32)(ptrOf(out), ptrOf(probs), ptrOf(labels), N, C, scale);
}
