// Matmul of the js backend: i-k-j loops in float64, rounded once per element.

import type { Storage } from '../backend.js';
import { arr } from './storage.js';

export function matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
  transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
  const c = arr(out), x = arr(a), y = arr(b);
  // Element (i, k) of op(A) and (k, j) of op(B) through strides.
  const aRow = transA ? 1 : K, aCol = transA ? M : 1;
  const bRow = transB ? 1 : N, bCol = transB ? K : 1;
  const row = new Float64Array(N);
  for (let t = 0; t < batch; t++) {
    const ao = t * aBatchStride, bo = t * bBatchStride, co = t * M * N;
    for (let i = 0; i < M; i++) {
      row.fill(0);
      // i-k-j order: the inner loop walks a row of op(B) (contiguous unless transB).
      for (let k = 0; k < K; k++) {
        const aik = x[ao + i * aRow + k * aCol];
        const bk = bo + k * bRow;
        for (let j = 0; j < N; j++) row[j] += aik * y[bk + j * bCol];
      }
      for (let j = 0; j < N; j++) c[co + i * N + j] = row[j];
    }
  }
}
