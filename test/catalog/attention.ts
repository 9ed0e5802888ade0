// Catalog entries of embedding and scaledDotProductAttention (src/ops/embedding.ts,
// src/ops/attention.ts): float64 gradcheck on both backends, second order (the first case),
// wasm/js and float32/float64 agreement. The masks are constants made inside each case.

import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import type { OpCase, OpEntry, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };

function c(name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling: ANY })), f };
}

const sdpa = wg.scaledDotProductAttention;

const embedding: OpEntry = {
  name: 'embedding', family: 'other', arity: 1, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    // squared so the second derivative is not 0; repeats accumulate
    c('embedding([[0, 2], [2, 2]], w).square()', [[3, 4]], (w) => wg.embedding([[0, 2], [2, 2]], w).square()),
    // paddingIdx: the padding row gets no gradient by definition, so the case zeroes the
    // looked-up padding rows (then that is also the true gradient)
    c('embedding(int32 [2,3], w, { paddingIdx: 1 })', [[4, 3]],
      (w) => wg.embedding(wg.tensor([[1, 0, 1], [3, 1, 3]], { dtype: 'int32' }), w, { paddingIdx: 1 })
        .mul(wg.tensor([[[0], [1], [0]], [[1], [0], [1]]], { dtype: w.dtype })).mul(w.sum())),
    c('embedding(Int32Array, w)', [[5, 2]], (w) => wg.embedding(Int32Array.from([4, 4, 0]), w).tanh()),
  ],
};

const scaledDotProductAttention: OpEntry = {
  name: 'scaledDotProductAttention', family: 'other', arity: 3, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('sdpa [2,3,4] × [2,3,4] × [2,3,4]', [[2, 3, 4], [2, 3, 4], [2, 3, 4]], (q, k, v) => sdpa(q, k, v)),
    c('sdpa causal L ≠ S', [[4, 3], [5, 3], [5, 2]], (q, k, v) => sdpa(q, k, v, { isCausal: true })),
    c('sdpa boolean mask', [[2, 3, 2], [2, 4, 2], [2, 4, 3]],
      (q, k, v) => sdpa(q, k, v, { attnMask: wg.tensor([[1, 0, 1, 1], [0, 1, 1, 0], [1, 1, 1, 1]], { dtype: 'int32' }) })),
    c('sdpa additive mask [2,1,3,4], scale 0.7', [[2, 2, 3, 2], [2, 2, 4, 2], [2, 2, 4, 2]],
      (q, k, v) => sdpa(q, k, v, { attnMask: wg.tensor([0.5, -1, 0, 2, 0, 0, -3, 1, 1, 0, 0, -2, 0.25, 0, 0, 1, -1, 0, 0, 0, 0, 2, -1, 0],
        { shape: [2, 1, 3, 4], dtype: q.dtype }), scale: 0.7 })),
    c('sdpa batched heads, k/v broadcast over heads, Ev ≠ E', [[2, 3, 2, 3], [2, 1, 3, 3], [1, 3, 1]], (q, k, v) => sdpa(q, k, v)),
    c('sdpa key padding mask [N,1,1,S] over [N,H,L,S]', [[2, 2, 3, 2], [2, 2, 3, 2], [2, 2, 3, 2]],
      (q, k, v) => sdpa(q, k, v, { attnMask: wg.tensor([[[[1, 1, 0]]], [[[1, 0, 1]]]], { dtype: 'int32' }) })),
  ],
};

export const ATTENTION_OPS: OpEntry[] = [embedding, scaledDotProductAttention];
