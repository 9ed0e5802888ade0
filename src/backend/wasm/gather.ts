// Gather and scatter-add of the wasm backend (assembly/gather.ts): memory-bound like a strided
// copy, so split across threads above their measured thresholds (taskMin, docs-src/tuning.md).

import type { Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { taskMin } from './thresholds.js';

/** Gathers (see Backend.gather); returns the first position of `index` not an integer in [0, dim), or -1. */
export function gather(k: Kernels, out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number,
  dim: number, perElement: boolean): number {
  if (out.size === 0) return -1;
  const f64 = isF64(out);
  const pe = perElement ? 1 : 0;
  const indexType = index.dtype === 'int32' ? 0 : index.dtype === 'float32' ? 1 : 2; // a float index is read as it is
  const min = taskMin('Gather');
  // a whole-row copy (indexSelect's rows) costs about a quarter of a per-element pick per element
  // (docs-src/tuning.md), so its work is counted as a quarter
  const work = !perElement && inner >= 16 ? out.size >> 2 : out.size;
  if (k.threads.split(work, min)) {
    const rows = outer * n;
    const per = k.threads.perChunk(rows, work, min >> 2);
    // the chunks lower this i32 to the first bad position they meet (an atomic minimum)
    const bad = k.heap.scratch(4);
    const i32 = k.heap.view('int32') as Int32Array;
    i32[bad >>> 2] = NO_BAD;
    k.threads.dispatch('Gather', f64, Math.ceil(rows / per),
      { out: ptrOf(out), src: ptrOf(src), index: ptrOf(index), outer, n, inner, dim, perElement: pe, rows: per, bad, indexType });
    const pos = (k.heap.view('int32') as Int32Array)[bad >>> 2];
    return pos === NO_BAD ? -1 : pos;
  }
  return (f64 ? k.wasm.gather_f64 : k.wasm.gather_f32)(ptrOf(out), ptrOf(src), ptrOf(index), outer, n, inner, dim, pe, indexType);
}
/** The bad-position word before any chunk lowered it (above every position). */
const NO_BAD = 0x7fffffff;

export function scatterAdd(k: Kernels, out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number,
  dim: number, perElement: boolean): void {
  if (out.size === 0) return;
  if (src.size === 0) {
    k.heap.fill(out, 0);
    return;
  }
  // the kernel zeroes each slice of out just before scattering into it
  const f64 = isF64(out);
  const pe = perElement ? 1 : 0;
  const min = taskMin('ScatterAdd');
  // Split where no two chunks can write one element: over outer slices (each chunk zeroes and
  // fills its own), or for a single slice (indexSelect's and embedding's backward) over the
  // destination rows, each chunk reading every index and adding only what lands in its rows.
  // (Splitting a slice's columns instead measured slower than one thread at every size,
  // 0.55-0.9x: docs-src/tuning.md.)
  if (outer >= 2 && k.threads.split(src.size, min)) {
    const outerPer = k.threads.perChunk(outer, src.size, min >> 2);
    k.threads.dispatch('ScatterAdd', f64, Math.ceil(outer / outerPer),
      { out: ptrOf(out), src: ptrOf(src), index: ptrOf(index), outer, n, inner, dim, perElement: pe, outerPer, dimPer: 0 });
    return;
  }
  if (outer === 1 && dim >= 2 && k.threads.split(src.size + out.size, min)) {
    const dimPer = k.threads.perChunk(dim, src.size + out.size, min >> 2);
    k.threads.dispatch('ScatterAdd', f64, Math.ceil(dim / dimPer),
      { out: ptrOf(out), src: ptrOf(src), index: ptrOf(index), outer, n, inner, dim, perElement: pe, outerPer: 0, dimPer });
    return;
  }
  (f64 ? k.wasm.scatterAdd_f64 : k.wasm.scatterAdd_f32)(ptrOf(out), ptrOf(src), ptrOf(index), outer, n, inner, dim, pe);
}

export function indexFrom(k: Kernels, out: Storage, src: Storage, size: number): number {
  if (src.size === 0) return -1;
  const f = src.dtype === 'float64' ? k.wasm.indexFrom_f64 : src.dtype === 'int32' ? k.wasm.indexFrom_i32 : k.wasm.indexFrom_f32;
  return f(ptrOf(out), ptrOf(src), src.size, size);
}
