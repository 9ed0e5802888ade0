// Softmax family of the js backend (a viewed as [outer, n, inner]) and fused cross-entropy.

import type { Storage } from '../backend.js';
import { JsStorage, arr } from './storage.js';

export function softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
  const o = arr(out), x = arr(a);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * n * inner + i;
      let m = -Infinity;
      for (let r = 0; r < n; r++) { const v = x[base + r * inner]; if (v > m || v !== v) m = v; }
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let r = 0; r < n; r++) s += Math.exp(x[base + r * inner] - m);
      if (log) {
        const logSum = Math.log(s);
        for (let r = 0; r < n; r++) o[base + r * inner] = (x[base + r * inner] - m) - logSum;
      } else {
        const inv = 1 / s;
        for (let r = 0; r < n; r++) o[base + r * inner] = Math.exp(x[base + r * inner] - m) * inv;
      }
    }
  }
}

export function softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
  const o = arr(out), s = arr(y), g = arr(dy);
  for (let p = 0; p < outer; p++) {
    for (let i = 0; i < inner; i++) {
      const base = p * n * inner + i;
      let acc = 0;
      if (log) {
        for (let r = 0; r < n; r++) acc += g[base + r * inner];
        for (let r = 0; r < n; r++) {
          const k = base + r * inner;
          o[k] = g[k] - Math.exp(s[k]) * acc;
        }
      } else {
        for (let r = 0; r < n; r++) acc += g[base + r * inner] * s[base + r * inner];
        for (let r = 0; r < n; r++) {
          const k = base + r * inner;
          o[k] = s[k] * (g[k] - acc);
        }
      }
    }
  }
}

export function crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
  const p = arr(probs), x = arr(logits), lab = (labels as JsStorage).arr;
  let total = 0;
  for (let i = 0; i < N; i++) {
    const base = i * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) { const v = x[base + c]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
    const inv = 1 / s;
    for (let c = 0; c < C; c++) p[base + c] = Math.exp(x[base + c] - m) * inv;
    total += m + Math.log(s) - x[base + lab[i]];
  }
  return N > 0 ? total / N : NaN;
}

export function crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
  const o = arr(out), p = arr(probs), lab = (labels as JsStorage).arr;
  for (let i = 0; i < N; i++) {
    const base = i * C;
    for (let c = 0; c < C; c++) o[base + c] = scale * p[base + c];
    o[base + lab[i]] -= scale;
  }
}
