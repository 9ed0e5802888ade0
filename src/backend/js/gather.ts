// Gather and scatter-add along one dimension (the reference of assembly/gather.ts): the gathered
// side is [outer, n, inner], the indexed side [outer, dim, inner]; index [n] or [outer, n, inner].

import type { Storage } from '../backend.js';
import { arr } from './storage.js';

/** Returns the first position of index (int32, or float holding integers) not an integer in [0, dim) (out then partly written), or -1. */
export function gather(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
  perElement: boolean): number {
  const o = arr(out), s = arr(src), idx = arr(index);
  for (let p = 0; p < outer; p++) {
    for (let j = 0; j < n; j++) {
      const row = (p * n + j) * inner;
      if (!perElement) {
        const k = idx[j];
        if (!(k >= 0 && k < dim && Math.floor(k) === k)) return j;
        const from = (p * dim + k) * inner;
        for (let i = 0; i < inner; i++) o[row + i] = s[from + i];
      } else {
        for (let i = 0; i < inner; i++) {
          const k = idx[row + i];
          if (!(k >= 0 && k < dim && Math.floor(k) === k)) return row + i;
          o[row + i] = s[(p * dim + k) * inner + i];
        }
      }
    }
  }
  return -1;
}

export function scatterAdd(out: Storage, src: Storage, index: Storage, outer: number, n: number, inner: number, dim: number,
  perElement: boolean): void {
  const o = arr(out), s = arr(src), idx = arr(index);
  o.fill(0);
  for (let p = 0; p < outer; p++) {
    for (let j = 0; j < n; j++) {
      const row = (p * n + j) * inner;
      if (!perElement) {
        const to = (p * dim + idx[j]) * inner;
        for (let i = 0; i < inner; i++) o[to + i] += s[row + i];
      } else {
        for (let i = 0; i < inner; i++) o[(p * dim + idx[row + i]) * inner + i] += s[row + i];
      }
    }
  }
}

export function indexFrom(out: Storage, src: Storage, size: number): number {
  const o = arr(out), s = arr(src);
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!(v >= 0 && v < size && Math.floor(v) === v)) return i;
    o[i] = v;
  }
  return -1;
}
