// Reductions of the js backend (a viewed as [outer, red, inner]).

import { Reduce } from '../opcodes.js';
import type { Storage } from '../backend.js';
import { WasmgradError } from '../../errors.js';
import { arr, type FArray } from './storage.js';

// Start values of the folds (an empty reduction gives them).
const IDENTITY: { [op: number]: number } = { [Reduce.Sum]: 0, [Reduce.Max]: -Infinity, [Reduce.Min]: Infinity, [Reduce.Prod]: 1 };

export function reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
  const o = arr(out), x = arr(a);
  if (!(op >= Reduce.Sum && op <= Reduce.Argmin)) throw new WasmgradError(`reduce: unknown op code ${op}`);
  if (op === Reduce.Argmax || op === Reduce.Argmin) { argReduce(op === Reduce.Argmin, o, x, outer, red, inner); return; }
  // Accumulate in float64 then round once (the wasm backend accumulates in the dtype itself;
  // both stay within float32 tolerance of each other).
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      let acc = IDENTITY[op];
      let base = p * red * inner + i;
      for (let r = 0; r < red; r++, base += inner) {
        const v = x[base];
        if (v !== v) { acc = v; break; }
        if (op === Reduce.Sum) acc += v;
        else if (op === Reduce.Prod) acc *= v;
        else if (op === Reduce.Max ? v > acc : v < acc) acc = v;
      }
      o[p * inner + i] = acc;
    }
  }
}

/** The index of the first max (min) along red; the first NaN wins outright. */
function argReduce(isMin: boolean, o: FArray, x: FArray,
  outer: number, red: number, inner: number): void {
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * red * inner + i;
      let best = isMin ? Infinity : -Infinity, bestR = 0;
      for (let r = 0; r < red; r++) {
        const v = x[base + r * inner];
        if (v !== v) { bestR = r; break; }
        if (isMin ? v < best : v > best) { best = v; bestR = r; }
      }
      o[p * inner + i] = bestR;
    }
  }
}

export function argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
  const o = arr(out), x = arr(a);
  o.fill(0);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * red * inner + i;
      let best = -Infinity, bestR = 0;
      for (let r = 0; r < red; r++) {
        const v = x[base + r * inner];
        if (v !== v) { bestR = r; break; }
        if (v > best) { best = v; bestR = r; }
      }
      if (red > 0) o[base + bestR * inner] = 1;
    }
  }
}
