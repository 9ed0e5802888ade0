// Reductions of the wasm backend (a viewed as [outer, red, inner]) and argmaxMask, with their
// three thread splits: whole rows, blocks of long rows folded in order, columns of wide rows.

import { Reduce, type Storage } from '../backend.js';
import { bytesPer } from '../backend.js';
import type { Kernels } from './backend.js';
import { roundUp } from './dispatch.js';
import { isF64, ptrOf } from './storage.js';
import { CHUNKS_PER_THREAD, PAR } from './thresholds.js';

export function reduce(k: Kernels, op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
  if (outer === 0 || inner === 0) return;
  const f64 = isF64(out), t = k.threads, total = outer * red * inner;
  // One short row (a whole-tensor sum below 2 blocks) has nothing to split.
  // Argmax/argmin have no block fold: their rows are never split.
  const short = inner === 1 && (red <= 2 * k.redBlock || op === Reduce.Argmax || op === Reduce.Argmin);
  if (!(outer === 1 && short) && t.split(total, PAR.reduce)) {
    const args = { op, out: ptrOf(out), a: ptrOf(a), outer, red, inner };
    if (outer >= t.threads * CHUNKS_PER_THREAD || short) {
      // Enough independent output rows (or rows too short to split): whole rows per chunk.
      const rows = t.perChunk(outer, total, PAR.reduce >> 2);
      t.dispatch('ReduceRows', f64, Math.ceil(outer / rows), { ...args, rows });
      return;
    }
    if (inner === 1) {
      // Few long rows: block results in parallel, folded in block order (as reduce_* does).
      const blocks = Math.ceil(red / k.redBlock);
      const partials = k.heap.scratch(outer * blocks * bytesPer(out.dtype));
      t.dispatch('ReduceBlocks', f64, outer * blocks, { op, partials, a: args.a, outer, red, inner });
      k.wasm.reduceFold!(f64 ? 1 : 0, op, ptrOf(out), partials, outer, red);
      return;
    }
    // Few output rows, wide (a bias gradient): split the columns of every row, 64 at a time at
    // least so two threads never write the same cache line of out. Each chunk walks every row
    // of a, so this pays later than the other splits: 4 times the threshold (docs-src/tuning.md).
    if (total >= 4 * PAR.reduce) {
      const cols = roundUp(Math.max(64, t.perChunk(inner, total, PAR.reduce >> 2)), 16);
      t.dispatch('ReduceCols', f64, Math.ceil(inner / cols), { ...args, cols });
      return;
    }
  }
  (f64 ? k.wasm.reduce_f64 : k.wasm.reduce_f32)(op, ptrOf(out), ptrOf(a), outer, red, inner);
}

export function argmaxMask(k: Kernels, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
  if (outer === 0 || red === 0 || inner === 0) return;
  const f64 = isF64(out);
  if (k.threads.split(outer * red * inner, PAR.reduce)) {
    const pairs = outer * inner;
    const per = k.threads.perChunk(pairs, pairs * red, PAR.reduce >> 2);
    k.threads.dispatch('Argmax', f64, Math.ceil(pairs / per), { out: ptrOf(out), a: ptrOf(a), outer, red, inner, pairs: per });
    return;
  }
  (f64 ? k.wasm.argmaxMask_f64 : k.wasm.argmaxMask_f32)(ptrOf(out), ptrOf(a), outer, red, inner);
}
