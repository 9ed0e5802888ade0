// Attention of the js backend: the fused masked softmax over score rows and its backward
// (the reference for assembly/attention.ts).

import type { AttnMask, Storage } from '../backend.js';
import { JsStorage, arr } from './storage.js';

export function attnSoftmax(p: Storage, batch: number, L: number, S: number, scale: number, causal: boolean,
  mask: AttnMask | null): void {
  const x = arr(p);
  const m = mask === null ? null : (mask.storage as JsStorage).arr;
  const bool = mask !== null && mask.kind === 'bool';
  for (let u = 0; u < batch; u++) {
    const mBase = mask === null ? 0 : Math.floor(u / mask.b1) * mask.sb0 + (u % mask.b1) * mask.sb1;
    for (let i = 0; i < L; i++) {
      const row = (u * L + i) * S;
      const end = causal ? Math.min(S, i + 1) : S;
      let mx = -Infinity;
      for (let j = 0; j < S; j++) {
        let v = j < end ? x[row + j] * scale : -Infinity;
        if (m !== null) {
          const mv = m[mBase + i * mask!.sl + j * mask!.ss];
          if (bool) { if (mv === 0) v = -Infinity; } else v += mv;
        }
        x[row + j] = v;
        if (v > mx || v !== v) mx = v;
      }
      if (mx === -Infinity) { // nothing to attend to: NaN, as PyTorch's softmax of all -Inf
        for (let j = 0; j < S; j++) x[row + j] = NaN;
        continue;
      }
      let sum = 0;
      for (let j = 0; j < S; j++) { const e = Math.exp(x[row + j] - mx); x[row + j] = e; sum += e; }
      const inv = 1 / sum;
      for (let j = 0; j < S; j++) x[row + j] *= inv;
    }
  }
}

export function attnSoftmaxGrad(out: Storage, p: Storage, dp: Storage, rows: number, S: number, scale: number): void {
  const o = arr(out), y = arr(p), g = arr(dp);
  for (let r = 0; r < rows; r++) {
    const base = r * S;
    let acc = 0;
    for (let j = 0; j < S; j++) acc += g[base + j] * y[base + j];
    for (let j = 0; j < S; j++) o[base + j] = scale * (y[base + j] * (g[base + j] - acc));
  }
}
