// Matmul of the wasm backend: the single-thread kernel with its packing scratch, and the
// planner of the threaded form (tile sizes, pack and tile dispatches, splitting problems whose
// packed operands would be too large). Measurements behind the choices: docs-src/tuning.md.

import type { Storage } from '../backend.js';
import type { Kernels } from './backend.js';
import { align16, roundUp } from './dispatch.js';
import { isF64, ptrOf } from './storage.js';
import { PAR, TILE_MIN_MACS, matmulPackLimit } from './thresholds.js';

export function matmul(k: Kernels, out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
  transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
  if (batch === 0 || M === 0 || N === 0) return;
  const f64 = isF64(out);
  if (K > 0 && k.threads.split(batch * M * N * K, PAR.matmul)) {
    matmulThreaded(k, f64, ptrOf(out), ptrOf(a), ptrOf(b), batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
    return;
  }
  const bytes = f64 ? k.wasm.matmulScratchBytes_f64(M, N, K) : k.wasm.matmulScratchBytes_f32(M, N, K);
  const scratch = k.heap.scratch(bytes);
  (f64 ? k.wasm.matmul_f64 : k.wasm.matmul_f32)(ptrOf(out), ptrOf(a), ptrOf(b), scratch,
    batch, M, N, K, transA ? 1 : 0, transB ? 1 : 0, aBatchStride, bBatchStride);
}

/**
 * The threaded matmul (assembly/matmul.ts, "the multi-threaded form"): one dispatch packs all
 * of op(A) and op(B) (blocks of MB rows / NB columns as chunks), a second computes the
 * MB x NB tiles of C. Problems whose packed operands exceed matmulPackLimit run per batch item
 * and, if still too large, per block of rows and columns of C (same arithmetic per element).
 */
function matmulThreaded(k: Kernels, f64: boolean, c: number, a: number, b: number, batch: number,
  M: number, N: number, K: number, transA: boolean, transB: boolean, aBS: number, bBS: number): void {
  const es = f64 ? 8 : 4, NR = f64 ? 4 : 8;
  const aRow = transA ? 1 : K, aCol = transA ? M : 1;
  const bRow = transB ? 1 : N, bCol = transB ? K : 1;
  const packed = (m: number, n: number, nA: number, nB: number): number =>
    align16(nA * roundUp(m, 4) * K * es) + align16(nB * roundUp(n, NR) * K * es);
  if (packed(M, N, aBS === 0 ? 1 : batch, bBS === 0 ? 1 : batch) <= matmulPackLimit()) {
    matmulPass(k, f64, c, a, b, batch, M, N, K, aRow, aCol, bRow, bCol, aBS, bBS, N, M * N);
    k.heap.trimScratch();
    return;
  }
  // Rows and columns per pass so that one packed A block and one packed B block each fit in
  // half the limit (at least one micro-panel).
  const rowsPer = Math.max(4, Math.floor(matmulPackLimit() / 2 / (K * es) / 4) * 4);
  const colsPer = Math.max(NR, Math.floor(matmulPackLimit() / 2 / (K * es) / NR) * NR);
  for (let t = 0; t < batch; t++) {
    for (let i0 = 0; i0 < M; i0 += rowsPer) {
      for (let j0 = 0; j0 < N; j0 += colsPer) {
        const m = Math.min(rowsPer, M - i0), n = Math.min(colsPer, N - j0);
        matmulPass(k, f64, c + ((t * M + i0) * N + j0) * es, a + (t * aBS + i0 * aRow) * es,
          b + (t * bBS + j0 * bCol) * es, 1, m, n, K, aRow, aCol, bRow, bCol, 0, 0, N, M * N);
      }
    }
  }
  k.heap.trimScratch();
}

/** One pack dispatch and one tile dispatch over problems whose packed operands fit. */
function matmulPass(k: Kernels, f64: boolean, c: number, a: number, b: number, batch: number, M: number, N: number,
  K: number, aRow: number, aCol: number, bRow: number, bCol: number, aBS: number, bBS: number,
  ldc: number, cBatchStride: number): void {
  const es = f64 ? 8 : 4, NR = f64 ? 4 : 8;
  const threads = k.threads.threads;
  // Tiles: MB rows (a multiple of 4) x NB columns (a multiple of NR), whole rows of C first,
  // about 3 per thread, each at least TILE_MIN_MACS (why: docs-src/tuning.md).
  const macs = batch * M * N * K;
  const tileMin = PAR.matmul > 0 ? TILE_MIN_MACS : 0;
  const want = Math.max(threads, Math.min(3 * threads, tileMin > 0 ? Math.floor(macs / tileMin) : Infinity));
  let MB = 64, NB = roundUp(N, NR);
  const tiles = (): number => batch * Math.ceil(M / MB) * Math.ceil(N / NB);
  while (tiles() < want && MB > 8) MB = Math.max(8, roundUp(MB / 2, 4));
  while (tiles() < want && NB > 4 * NR) NB = Math.max(4 * NR, roundUp(NB / 2, 4 * NR));
  MB = Math.min(MB, roundUp(M, 4));
  const nTiles = tiles();
  const problemsA = aBS === 0 ? 1 : batch, problemsB = bBS === 0 ? 1 : batch;
  const spillBytes = align16(nTiles * 128);
  const packABytes = align16(problemsA * roundUp(M, 4) * K * es);
  const packBBytes = align16(problemsB * roundUp(N, NR) * K * es);
  const spill = k.heap.scratch(spillBytes + packABytes + packBBytes);
  const args = {
    c, a, b, batch, M, N, K, aRow, aCol, aBatchStride: aBS, bBatchStride: bBS, packA: spill + spillBytes,
    packB: spill + spillBytes + packABytes, MB, NB, spill, bRow, bCol, ldc, cBatchStride,
  };
  const packChunks = problemsA * Math.ceil(M / MB) + problemsB * Math.ceil(N / NB);
  // Small operands are packed by the caller alone (no wake-up).
  k.threads.dispatch('MatmulPack', f64, packChunks, args, (problemsA * M + problemsB * N) * K < PAR.pack);
  k.threads.dispatch('MatmulTiles', f64, nTiles, args);
}
