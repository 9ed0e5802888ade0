// Attention of the wasm backend (assembly/attention.ts): the fused masked softmax and its
// backward, split across threads by rows above the 'costly' threshold (exp per element).

import type { AttnMask, Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { isF64, ptrOf } from './storage.js';
import { PAR } from './thresholds.js';

const MASK_KIND = { none: 0, bool: 1, add: 2 } as const;

export function attnSoftmax(k: Kernels, p: Storage, batch: number, L: number, S: number, scale: number, causal: boolean,
  mask: AttnMask | null): void {
  if (p.size === 0) return;
  const f64 = isF64(p);
  const rows = batch * L;
  const kind = mask === null ? MASK_KIND.none : MASK_KIND[mask.kind];
  const m = mask === null ? { ptr: 0, b1: 1, sb0: 0, sb1: 0, sl: 0, ss: 0 } : { ptr: ptrOf(mask.storage), ...mask };
  if (rows > 1 && k.threads.split(p.size, PAR.costly)) {
    const per = k.threads.perChunk(rows, p.size, PAR.costly >> 2);
    k.threads.dispatch('AttnSoftmax', f64, Math.ceil(rows / per), {
      p: ptrOf(p), L, S, scale, causal: causal ? 1 : 0, kind, mask: m.ptr,
      b1: m.b1, sb0: m.sb0, sb1: m.sb1, sl: m.sl, ss: m.ss, rows, per,
    });
    return;
  }
  (f64 ? k.wasm.attnSoftmax_f64 : k.wasm.attnSoftmax_f32)(ptrOf(p), L, S, scale, causal ? 1 : 0, kind, m.ptr,
    m.b1, m.sb0, m.sb1, m.sl, m.ss, 0, rows);
}

export function attnSoftmaxGrad(k: Kernels, out: Storage, p: Storage, dp: Storage, rows: number, S: number, scale: number): void {
  if (out.size === 0) return;
  const f64 = isF64(out);
  if (rows > 1 && k.threads.split(out.size, PAR.cheap)) {
    const per = k.threads.perChunk(rows, out.size, PAR.cheap >> 2);
    k.threads.dispatch('AttnSoftmaxGrad', f64, Math.ceil(rows / per),
      { out: ptrOf(out), p: ptrOf(p), dp: ptrOf(dp), S, scale, rows, per });
    return;
  }
  (f64 ? k.wasm.attnSoftmaxGrad_f64 : k.wasm.attnSoftmaxGrad_f32)(ptrOf(out), ptrOf(p), ptrOf(dp), S, scale, rows);
}
