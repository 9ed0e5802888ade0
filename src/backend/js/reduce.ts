// Reductions of the js backend (a viewed as [outer, red, inner]).

import { Reduce } from '../opcodes.js';
import type { Storage } from '../backend.js';
import { WasmgradError } from '../../errors.js';
import { arr } from './storage.js';

export function reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
  const o = arr(out), x = arr(a);
  if (op !== Reduce.Sum && op !== Reduce.Max) throw new WasmgradError(`reduce: unknown op code ${op}`);
  const isMax = op === Reduce.Max;
  // Accumulate in float64 then round once (the wasm backend accumulates in the dtype itself;
  // both stay within float32 tolerance of each other).
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      let acc = isMax ? -Infinity : 0;
      let base = p * red * inner + i;
      for (let r = 0; r < red; r++, base += inner) {
        const v = x[base];
        if (isMax) { if (v > acc || v !== v) { acc = v; if (v !== v) break; } } else acc += v;
      }
      o[p * inner + i] = acc;
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
