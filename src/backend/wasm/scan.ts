// Scans of the wasm backend (a viewed as [outer, n, inner]): cumsum. Threads split the outer
// slices and, for wide rows, blocks of columns of each; every unit runs the single-threaded scan,
// so the result has the same bits on any number of threads.

import type { Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { roundUp } from './dispatch.js';
import { isF64, ptrOf } from './storage.js';
import { taskMin } from './thresholds.js';

export function cumsum(k: Kernels, out: Storage, a: Storage, outer: number, n: number, inner: number, reverse: boolean): void {
  if (out.size === 0) return;
  const f64 = isF64(out), t = k.threads;
  const min = taskMin('Scan');
  if (t.split(out.size, min)) {
    // Column blocks of at least 64 (no two threads on one cache line of out) when rows are wide.
    const cols = inner === 1 ? 1 : roundUp(Math.max(64, Math.ceil(inner / t.threads)), 16);
    const units = outer * Math.ceil(inner / cols);
    if (units > 1) {
      const per = t.perChunk(units, out.size, min >> 2);
      t.dispatch('Scan', f64, Math.ceil(units / per),
        { out: ptrOf(out), a: ptrOf(a), outer, n, inner, reverse: reverse ? 1 : 0, cols, per });
      return;
    }
  }
  (f64 ? k.wasm.cumsum_f64 : k.wasm.cumsum_f32)(ptrOf(out), ptrOf(a), outer, n, inner, reverse ? 1 : 0);
}
