// Packed, cache-blocked matrix multiply C[M,N] = op(A)[M,K] · op(B)[K,N] (GotoBLAS/BLIS loop order).
//
// Loops: jc over N in NC-column blocks -> pc over K in KC slices (pack B[kc, nc] into NR-column
// panels) -> ic over M in MC-row blocks (pack A[mc, kc] into MR-row panels) -> jr, ir over panels
// -> a 4 x NR register-blocked micro-kernel (8 v128 accumulators, NR = 2 vectors).
// Transposes are absorbed by the packing routines, which read A and B through row/column
// strides, so Aᵀ·B and A·Bᵀ run the same micro-kernel as A·B. Edge panels are zero padded;
// only the valid part of an edge tile is written back. Scratch comes from TypeScript.
//
// Scratch layout (bytes): [edge tile MR*NR elements][A pack: mcMax*kcMax][B pack: kcMax*ncMax].

import { MatmulPackSlot as S } from './opcodes';
import { argF64, argi, argp } from './task';
import { elemShift, lanes, madd } from './simd';

// The blocking constants, the packing routines and the macro-kernel are exported for the other
// GEMM-shaped kernels (assembly/conv.ts packs its B operand straight from the input image).

/** Rows per micro-tile. */
export const MR: i32 = 4;
/** K slice kept in packed panels (B micro-panel kc x NR stays in L1). */
export const KC: i32 = 256;
/** Rows of A packed per block (mc x kc block stays in L2). */
export const MC: i32 = 128;
/** Columns of B packed per block, in bytes of one packed row slice budget. */
const NC_BYTES: i32 = 8192;

/** Columns per micro-tile: two vectors (8 for f32, 4 for f64). */
@inline export function nr<T>(): i32 { return 2 * lanes<T>(); }
@inline export function nc<T>(): i32 { return NC_BYTES / sizeof<T>(); }
@inline export function roundUp(x: i32, m: i32): i32 { return (x + m - 1) / m * m; }
@inline export function align16(x: usize): usize { return (x + 15) & ~15; }

/** Bytes of the spill area of one edge tile. */
@inline export function tileBytes<T>(): usize { return <usize>(MR * nr<T>()) << elemShift<T>(); }
@inline function packABytes<T>(M: i32, K: i32): usize {
  return align16(<usize>(min(roundUp(M, MR), MC) * min(K, KC)) << elemShift<T>());
}

@inline function scratchBytes<T>(M: i32, N: i32, K: i32): usize {
  const kc = min(K, KC);
  const ncPad = min(roundUp(N, nr<T>()), nc<T>());
  return tileBytes<T>() + packABytes<T>(M, K) + (<usize>(kc * ncPad) << elemShift<T>());
}

/** matmulScratchBytes_f32(M, N, K) -> bytes of scratch matmul_f32 needs for this problem size. */
export function matmulScratchBytes_f32(M: i32, N: i32, K: i32): usize { return scratchBytes<f32>(M, N, K); }
/** matmulScratchBytes_f64(M, N, K) -> bytes of scratch matmul_f64 needs. */
export function matmulScratchBytes_f64(M: i32, N: i32, K: i32): usize { return scratchBytes<f64>(M, N, K); }

/**
 * Transposes a block of 4 streams: p0..p3 each hold lanes<T>() consecutive k values; writes, for
 * each of those k, the 4 stream values side by side (4 * sizeof<T> bytes) at dst + k * dstStride.
 * This is what packing needs when the packed direction is strided in the source.
 */
@inline function interleave4<T>(dst: usize, dstStride: usize, p0: usize, p1: usize, p2: usize, p3: usize): void {
  const r0 = v128.load(p0), r1 = v128.load(p1), r2 = v128.load(p2), r3 = v128.load(p3);
  if (sizeof<T>() == 4) {
    const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
    v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
    v128.store(dst + dstStride, v128.shuffle<i64>(t0, t2, 1, 3));
    v128.store(dst + 2 * dstStride, v128.shuffle<i64>(t1, t3, 0, 2));
    v128.store(dst + 3 * dstStride, v128.shuffle<i64>(t1, t3, 1, 3));
  } else {
    v128.store(dst, v128.shuffle<i64>(r0, r1, 0, 2));
    v128.store(dst, v128.shuffle<i64>(r2, r3, 0, 2), 16);
    v128.store(dst + dstStride, v128.shuffle<i64>(r0, r1, 1, 3));
    v128.store(dst + dstStride, v128.shuffle<i64>(r2, r3, 1, 3), 16);
  }
}

/**
 * Packs rows [0, mc) x cols [0, kc) of op(A) (a points at element (ic, pc)) into MR-row panels:
 * panel q holds element (q*MR + r, p) at q*MR*kc + p*MR + r. Rows past mc are zero.
 * rowStride / colStride are op(A)'s element strides (K, 1 normally; 1, M when transposed).
 */
@inline export function matmulPackA<T>(dst: usize, a: usize, mc: i32, kc: i32, rowStride: i32, colStride: i32): void {
  const shift = elemShift<T>();
  const rowStep = <usize>rowStride << shift, colStep = <usize>colStride << shift;
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const src = a + <usize>i * rowStep;
    if (rows == MR && colStride == 1) {
      // Four row streams, transposed a vector of k at a time, then the k tail one by one.
      let p0 = src, p1 = src + rowStep, p2 = src + 2 * rowStep, p3 = src + 3 * rowStep;
      const L = lanes<T>();
      let p = 0;
      for (; p + L <= kc; p += L) {
        interleave4<T>(dst, MR * sizeof<T>(), p0, p1, p2, p3);
        p0 += 16; p1 += 16; p2 += 16; p3 += 16;
        dst += <usize>L * MR * sizeof<T>();
      }
      for (; p < kc; p++) {
        store<T>(dst, load<T>(p0));
        store<T>(dst, load<T>(p1), sizeof<T>());
        store<T>(dst, load<T>(p2), 2 * sizeof<T>());
        store<T>(dst, load<T>(p3), 3 * sizeof<T>());
        p0 += sizeof<T>(); p1 += sizeof<T>(); p2 += sizeof<T>(); p3 += sizeof<T>();
        dst += MR * sizeof<T>();
      }
    } else if (rows == MR && rowStride == 1) {
      // Transposed A: the MR rows of one column are contiguous, copy them as vectors.
      let p = src;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(p));
        if (sizeof<T>() == 8) v128.store(dst, v128.load(p, 16), 16);
        p += colStep;
        dst += MR * sizeof<T>();
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          const value: T = r < rows ? load<T>(src + <usize>r * rowStep + <usize>k * colStep) : <T>0;
          store<T>(dst + (<usize>r << shift), value);
        }
        dst += MR * sizeof<T>();
      }
    }
  }
}

/**
 * Packs rows [0, kc) x cols [0, ncols) of op(B) (b points at element (pc, jc)) into NR-column
 * panels: panel q holds (p, q*NR + j) at q*NR*kc + p*NR + j. Columns past ncols are zero.
 */
@inline export function matmulPackB<T>(dst: usize, b: usize, kc: i32, ncols: i32, rowStride: i32, colStride: i32): void {
  const shift = elemShift<T>();
  const NR = nr<T>();
  const rowStep = <usize>rowStride << shift, colStep = <usize>colStride << shift;
  for (let j = 0; j < ncols; j += NR) {
    const cols = min(NR, ncols - j);
    const src = b + <usize>j * colStep;
    if (cols == NR && colStride == 1) {
      // Row-major B: each panel row is NR contiguous elements = two vectors.
      let p = src;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(p));
        v128.store(dst, v128.load(p, 16), 16);
        p += rowStep;
        dst += 32;
      }
    } else if (cols == NR && rowStride == 1) {
      // Transposed B: each panel column is a contiguous run of k; transpose 4 columns at a time.
      const L = lanes<T>();
      let k = 0;
      for (; k + L <= kc; k += L) {
        const at = src + (<usize>k << shift);
        for (let g = 0; g < NR; g += 4) {
          const col = at + <usize>g * colStep;
          interleave4<T>(dst + (<usize>g << shift), 32, col, col + colStep, col + 2 * colStep, col + 3 * colStep);
        }
        dst += <usize>L * 32;
      }
      for (; k < kc; k++) {
        const row = src + (<usize>k << shift);
        for (let c = 0; c < NR; c++) store<T>(dst + (<usize>c << shift), load<T>(row + <usize>c * colStep));
        dst += 32;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const row = src + <usize>k * rowStep;
        for (let c = 0; c < NR; c++) {
          const value: T = c < cols ? load<T>(row + <usize>c * colStep) : <T>0;
          store<T>(dst + (<usize>c << shift), value);
        }
        dst += 32;
      }
    }
  }
}

/**
 * MR x NR tile of C (c, leading dimension ldc elements) = (accumulate ? C : 0) + Apanel · Bpanel
 * over kc. Only rows < rows and cols < cols are written; partial tiles go through `tile`.
 */
@inline function matmulMicroKernel<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32,
  rows: i32, cols: i32, accumulate: bool, tile: usize): void {
  let c00 = v128.splat<T>(<T>0), c01 = v128.splat<T>(<T>0);
  let c10 = v128.splat<T>(<T>0), c11 = v128.splat<T>(<T>0);
  let c20 = v128.splat<T>(<T>0), c21 = v128.splat<T>(<T>0);
  let c30 = v128.splat<T>(<T>0), c31 = v128.splat<T>(<T>0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(pa);
    c00 = madd<T>(a, b0, c00);
    c01 = madd<T>(a, b1, c01);
    a = v128.load_splat<T>(pa, sizeof<T>());
    c10 = madd<T>(a, b0, c10);
    c11 = madd<T>(a, b1, c11);
    a = v128.load_splat<T>(pa, 2 * sizeof<T>());
    c20 = madd<T>(a, b0, c20);
    c21 = madd<T>(a, b1, c21);
    a = v128.load_splat<T>(pa, 3 * sizeof<T>());
    c30 = madd<T>(a, b0, c30);
    c31 = madd<T>(a, b1, c31);
    pa += MR * sizeof<T>();
    pb += 32;
  }
  const shift = elemShift<T>();
  const ldcBytes = <usize>ldc << shift;
  if (rows == MR && cols == nr<T>()) {
    let row = c;
    if (accumulate) {
      v128.store(row, v128.add<T>(v128.load(row), c00)); v128.store(row, v128.add<T>(v128.load(row, 16), c01), 16);
      row += ldcBytes;
      v128.store(row, v128.add<T>(v128.load(row), c10)); v128.store(row, v128.add<T>(v128.load(row, 16), c11), 16);
      row += ldcBytes;
      v128.store(row, v128.add<T>(v128.load(row), c20)); v128.store(row, v128.add<T>(v128.load(row, 16), c21), 16);
      row += ldcBytes;
      v128.store(row, v128.add<T>(v128.load(row), c30)); v128.store(row, v128.add<T>(v128.load(row, 16), c31), 16);
    } else {
      v128.store(row, c00); v128.store(row, c01, 16);
      row += ldcBytes;
      v128.store(row, c10); v128.store(row, c11, 16);
      row += ldcBytes;
      v128.store(row, c20); v128.store(row, c21, 16);
      row += ldcBytes;
      v128.store(row, c30); v128.store(row, c31, 16);
    }
    return;
  }
  // Edge tile: spill the accumulators ([MR][NR], 32 bytes per row), copy the valid part.
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    const src = tile + <usize>r * 32;
    const dst = c + <usize>r * ldcBytes;
    for (let j = 0; j < cols; j++) {
      const off = <usize>j << shift;
      const value = load<T>(src + off);
      store<T>(dst + off, accumulate ? load<T>(dst + off) + value : value);
    }
  }
}

/**
 * The macro-kernel: C[mc, ncols] (c, leading dimension ldc) = (accumulate ? C : 0) + the packed
 * A block (mc rows in MR-row panels over kc) · the packed B block (ncols columns in NR-column
 * panels over kc), micro-tile by micro-tile (columns outer, so a B micro-panel stays in L1).
 */
@inline export function matmulMacroKernel<T>(packA: usize, packB: usize, mc: i32, ncols: i32, kc: i32,
  c: usize, ldc: i32, accumulate: bool, tile: usize): void {
  const shift = elemShift<T>();
  const NR = nr<T>();
  for (let jr = 0; jr < ncols; jr += NR) {
    const cols = min(NR, ncols - jr);
    const pb = packB + ((<usize>jr * <usize>kc) << shift);
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const pa = packA + ((<usize>ir * <usize>kc) << shift);
      const cTile = c + ((<usize>ir * <usize>ldc + <usize>jr) << shift);
      matmulMicroKernel<T>(kc, pa, pb, cTile, ldc, rows, cols, accumulate, tile);
    }
  }
}

@inline function matmul<T>(c: usize, a: usize, b: usize, scratch: usize, batch: i32,
  M: i32, N: i32, K: i32, transA: bool, transB: bool, aBatchStride: i32, bBatchStride: i32): void {
  const shift = elemShift<T>();
  if (M <= 0 || N <= 0 || batch <= 0) return;
  if (K <= 0) {
    memory.fill(c, 0, (<usize>batch * <usize>M * <usize>N) << shift);
    return;
  }
  const NC = nc<T>();
  // Element strides of op(A)(i, k) and op(B)(k, j).
  const aRow = transA ? 1 : K, aCol = transA ? M : 1;
  const bRow = transB ? 1 : N, bCol = transB ? K : 1;
  const tile = scratch;
  const packA = scratch + tileBytes<T>();
  const packB = packA + packABytes<T>(M, K);
  const cBatchBytes = (<usize>M * <usize>N) << shift;
  for (let t = 0; t < batch; t++) {
    const aBase = a + ((<usize>t * <usize>aBatchStride) << shift);
    const bBase = b + ((<usize>t * <usize>bBatchStride) << shift);
    const cBase = c + <usize>t * cBatchBytes;
    for (let jc = 0; jc < N; jc += NC) {
      const ncols = min(NC, N - jc);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = min(KC, K - pc);
        const accumulate = pc > 0;
        matmulPackB<T>(packB, bBase + ((<usize>pc * bRow + <usize>jc * bCol) << shift), kc, ncols, bRow, bCol);
        for (let ic = 0; ic < M; ic += MC) {
          const mc = min(MC, M - ic);
          matmulPackA<T>(packA, aBase + ((<usize>ic * aRow + <usize>pc * aCol) << shift), mc, kc, aRow, aCol);
          matmulMacroKernel<T>(packA, packB, mc, ncols, kc, cBase + ((<usize>ic * <usize>N + <usize>jc) << shift), N,
            accumulate, tile);
        }
      }
    }
  }
}

/**
 * matmul_f32(c: f32* [batch, M, N] overwritten, a: f32*, b: f32*, scratch: 16-byte aligned,
 * matmulScratchBytes_f32(M, N, K) bytes, batch, M, N, K, transA, transB,
 * aBatchStride / bBatchStride: elements between problems, 0 broadcasts).
 */
export function matmul_f32(c: usize, a: usize, b: usize, scratch: usize, batch: i32, M: i32, N: i32, K: i32,
  transA: bool, transB: bool, aBatchStride: i32, bBatchStride: i32): void {
  matmul<f32>(c, a, b, scratch, batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
}
/** matmul_f64: as matmul_f32 with f64 elements and matmulScratchBytes_f64. */
export function matmul_f64(c: usize, a: usize, b: usize, scratch: usize, batch: i32, M: i32, N: i32, K: i32,
  transA: bool, transB: bool, aBatchStride: i32, bBatchStride: i32): void {
  matmul<f64>(c, a, b, scratch, batch, M, N, K, transA, transB, aBatchStride, bBatchStride);
}

// ---- the multi-threaded form (driven by assembly/threads.ts) ---------------------------------
// Two phases, each a set of independent chunks that any thread may run in any order:
//  1. pack: all of op(A) into MR-row panels and all of op(B) into NR-column panels, one KC slice
//     after another (slice s of a packed A starts at element s*KC*Mpad, its panel q at q*MR*kc),
//     one chunk per block of MB rows of A or NB columns of B (per problem of the batch; a
//     broadcast operand, batch stride 0, is packed once);
//  2. tiles: one chunk per (problem, block of MB rows, block of NB columns) of C, computed from
//     the packed panels with the micro-kernel above.
// Every element of C gets exactly the arithmetic of matmul<T>: the same micro-kernel over the
// same KC slices in the same order (C = slice 0, then C += slice s). So the result is
// bit-identical to the single-thread kernel whatever the tile sizes or the number of threads.
// MB must be a multiple of MR and NB of NR. Edge tiles spill through 128 bytes per tile chunk
// (MR*NR elements), so no two threads ever share a spill area.

/**
 * One pack chunk. op(A)(i, k) is at a + i*aRow + k*aCol (elements), op(B)(k, j) at
 * b + k*bRow + j*bCol; packA / packB hold one packed problem every Mpad*K / Npad*K elements.
 */
@noinline function matmulPack<T>(idx: i32, a: usize, b: usize, batch: i32, M: i32, N: i32, K: i32,
  aRow: i32, aCol: i32, bRow: i32, bCol: i32, aBatchStride: i32, bBatchStride: i32, packA: usize, packB: usize,
  MB: i32, NB: i32): void {
  const shift = elemShift<T>();
  const NR = nr<T>();
  const unitsA = (M + MB - 1) / MB;
  const problemsA = aBatchStride == 0 ? 1 : batch;
  if (idx < problemsA * unitsA) {
    const t = idx / unitsA, row0 = (idx % unitsA) * MB;
    const rows = min(MB, M - row0);
    const Mpad = roundUp(M, MR);
    const src = a + ((<usize>t * <usize>aBatchStride) << shift);
    const dst = packA + ((<usize>t * <usize>Mpad * <usize>K) << shift);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      matmulPackA<T>(dst + ((<usize>pc * <usize>Mpad + <usize>row0 * <usize>kc) << shift),
        src + ((<usize>row0 * <usize>aRow + <usize>pc * <usize>aCol) << shift), rows, kc, aRow, aCol);
    }
    return;
  }
  idx -= problemsA * unitsA;
  const unitsB = (N + NB - 1) / NB;
  const t = idx / unitsB, col0 = (idx % unitsB) * NB;
  const cols = min(NB, N - col0);
  const Npad = roundUp(N, NR);
  const src = b + ((<usize>t * <usize>bBatchStride) << shift);
  const dst = packB + ((<usize>t * <usize>Npad * <usize>K) << shift);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    matmulPackB<T>(dst + ((<usize>pc * <usize>Npad + <usize>col0 * <usize>kc) << shift),
      src + ((<usize>pc * <usize>bRow + <usize>col0 * <usize>bCol) << shift), kc, cols, bRow, bCol);
  }
}

/**
 * One tile chunk: the C block (problem t, row block, column block); C has leading dimension
 * ldc and problems cBatchStride elements apart (a caller may run a sub-block of a larger C).
 */
@noinline function matmulTile<T>(idx: i32, c: usize, M: i32, N: i32, K: i32, ldc: i32, cBatchStride: i32,
  aBroadcast: bool, bBroadcast: bool, packA: usize, packB: usize, MB: i32, NB: i32, spill: usize): void {
  const shift = elemShift<T>();
  const NR = nr<T>();
  const unitsM = (M + MB - 1) / MB, unitsN = (N + NB - 1) / NB;
  const t = idx / (unitsM * unitsN);
  const rem = idx % (unitsM * unitsN);
  const row0 = (rem / unitsN) * MB, col0 = (rem % unitsN) * NB;
  const rowEnd = min(M, row0 + MB), colEnd = min(N, col0 + NB);
  const Mpad = roundUp(M, MR), Npad = roundUp(N, NR);
  const pA = packA + ((aBroadcast ? 0 : <usize>t * <usize>Mpad * <usize>K) << shift);
  const pB = packB + ((bBroadcast ? 0 : <usize>t * <usize>Npad * <usize>K) << shift);
  const cBase = c + ((<usize>t * <usize>cBatchStride) << shift);
  const tile = spill + (<usize>idx << 7);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const accumulate = pc > 0;
    const sliceA = pA + ((<usize>pc * <usize>Mpad) << shift);
    const sliceB = pB + ((<usize>pc * <usize>Npad) << shift);
    matmulMacroKernel<T>(sliceA + ((<usize>row0 * <usize>kc) << shift), sliceB + ((<usize>col0 * <usize>kc) << shift),
      rowEnd - row0, colEnd - col0, kc, cBase + ((<usize>row0 * <usize>ldc + <usize>col0) << shift), ldc, accumulate, tile);
  }
}

/** Chunk idx of a MatmulPack task (MatmulTiles has the same slots). */
export function matmulPackChunk(args: usize, idx: i32): void {
  const a = argp(args, S.A), b = argp(args, S.B), batch = argi(args, S.Batch);
  const M = argi(args, S.M), N = argi(args, S.N), K = argi(args, S.K);
  const aRow = argi(args, S.ARow), aCol = argi(args, S.ACol), bRow = argi(args, S.BRow), bCol = argi(args, S.BCol);
  const aBS = argi(args, S.ABatchStride), bBS = argi(args, S.BBatchStride);
  const packA = argp(args, S.PackA), packB = argp(args, S.PackB), MB = argi(args, S.MB), NB = argi(args, S.NB);
  if (argF64(args)) matmulPack<f64>(idx, a, b, batch, M, N, K, aRow, aCol, bRow, bCol, aBS, bBS, packA, packB, MB, NB);
  else matmulPack<f32>(idx, a, b, batch, M, N, K, aRow, aCol, bRow, bCol, aBS, bBS, packA, packB, MB, NB);
}

/** Chunk idx of a MatmulTiles task. */
export function matmulTilesChunk(args: usize, idx: i32): void {
  const c = argp(args, S.C), M = argi(args, S.M), N = argi(args, S.N), K = argi(args, S.K);
  const ldc = argi(args, S.Ldc), cBS = argi(args, S.CBatchStride);
  const aBroadcast = argi(args, S.ABatchStride) == 0, bBroadcast = argi(args, S.BBatchStride) == 0;
  const packA = argp(args, S.PackA), packB = argp(args, S.PackB), MB = argi(args, S.MB), NB = argi(args, S.NB);
  const spill = argp(args, S.Spill);
  if (argF64(args)) matmulTile<f64>(idx, c, M, N, K, ldc, cBS, aBroadcast, bBroadcast, packA, packB, MB, NB, spill);
  else matmulTile<f32>(idx, c, M, N, K, ldc, cBS, aBroadcast, bBroadcast, packA, packB, MB, NB, spill);
}
