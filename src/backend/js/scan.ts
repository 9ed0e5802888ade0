// Scans of the js backend (a viewed as [outer, n, inner]): cumsum, forward or from the end.

import type { Storage } from '../backend.js';
import { arr } from './storage.js';

export function cumsum(out: Storage, a: Storage, outer: number, n: number, inner: number, reverse: boolean): void {
  const o = arr(out), x = arr(a);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * n * inner + i;
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const at = base + (reverse ? n - 1 - k : k) * inner;
        acc += x[at];
        o[at] = acc; // rounded to the dtype at each step, as the wasm kernel does
        acc = o[at];
      }
    }
  }
}
