// Winograd minimal filtering F(2x2, 3x3) for the float32 forward convolution with a 3x3 kernel,
// stride 1, dilation 1 (Lavin & Gray 2015), group by group (C and O below are a group's). Each
// 2x2 block of outputs (a tile) of output channel o is
//   y = Aᵀ [ Σ_c U[o, c] ⊙ V[c] ] A,   U[o, c] = G w[o, c] Gᵀ,   V[c] = Bᵀ d[c] B
// over the 4x4 input patch d[c] the tile reads (zeros outside the image): 16 multiplies per
// tile and channel instead of 36. Per ξ = (i, j) of the 4x4 transform domain the sum over c is
// a GEMM  M[ξ][O, tiles] = U[ξ][O, C] · V[ξ][C, tiles]  on matmul's packed micro-kernel.
//
// The filter transform runs once per call (winogradFilter_f32) straight into MR-row A panels
// (per ξ, slice s of KC channels at ξ*Opad*C + s*KC*Opad elements, panel q at q*MR*kc). A unit
// (assembly/conv.ts kind WINOGRAD2) is one image, one group and a block of colBlock tile rows: the
// input transform writes V straight into NR-column B panels, four tiles per vector (each tile row is
// padded to a multiple of 4 tiles, so a vector never straddles a panel); then per block of OB
// output channels the 16 GEMMs into M and the output transform, four tiles per vector, cropped
// to the image. The arithmetic of an output depends on neither the blocks nor the threads.
//
// F(4x4, 3x3) (plan kind WINOGRAD4, transforms in assembly/winograd4.ts) runs the same way with
// 6x6 patches, 36 GEMMs and 4x4 tiles.
//
// Slot: [plan 128 B][edge tile 128 B][transform rows 576 B][α padded input rows]
// [V: α² x C x Npad][M: α² x OB x Npad], α = tile + 2.

import { Plan, cg, og } from './im2col';
import { copyRun, zeroRun } from './im2col';
import { KC, MR, align16, matmulMacroKernel, roundUp } from './matmul';
import { filterTransform4, inputTiles4, outputTiles4 } from './winograd4';

/** The plan kinds (assembly/conv.ts): F(2x2, 3x3) and F(4x4, 3x3). */
export const WINOGRAD2: i32 = 3, WINOGRAD4: i32 = 4;
/** Output channels per GEMM block (M holds α² x OB x Npad floats). */
const OB: i32 = 64;
/** Bytes of the plan, the edge tile and the transforms' row buffer at the start of a slot. */
const HEAD: usize = 832;

/** Outputs per tile side (m of F(m x m, 3 x 3)), and α = m + 2. */
@inline function tileM(p: Plan): i32 { return p.kind == WINOGRAD4 ? 4 : 2; }
@inline function alpha(p: Plan): i32 { return tileM(p) + 2; }
@inline function tilesH(p: Plan): i32 { return (p.OH + tileM(p) - 1) / tileM(p); }
/** Tiles per tile row, padded to a multiple of 4 (one vector of tiles). */
@inline function tilesWPad(p: Plan): i32 { return roundUp((p.OW + tileM(p) - 1) / tileM(p), 4); }
/** Elements of one zero-padded input row: the m * tilesWPad + 2 columns the tiles read, and slack for whole vectors. */
@inline function rowWidth(p: Plan): i32 { return roundUp(tileM(p) * tilesWPad(p) + 4, 4); }
/** GEMM columns of a unit (colBlock tile rows), rounded up to whole NR panels. */
@inline function colsPad(p: Plan): i32 { return roundUp(p.colBlock * tilesWPad(p), 8); }
@inline function oBlock(p: Plan): i32 { return min(roundUp(og(p), MR), OB); }

@inline function vOffset(p: Plan): usize { return HEAD + align16(<usize>(alpha(p) * rowWidth(p)) << 2); }
@inline function mOffset(p: Plan): usize { return vOffset(p) + (<usize>(alpha(p) * alpha(p) * cg(p)) * <usize>colsPad(p) << 2); }
/** Bytes of one slot (src/backend/wasm/conv.ts computes the same). */
export function winogradSlotBytes(p: Plan): usize {
  return mOffset(p) + (<usize>(alpha(p) * alpha(p) * oBlock(p)) * <usize>colsPad(p) << 2);
}
/** Units of a call: images x groups x blocks of colBlock tile rows. */
export function winogradUnits(p: Plan): i32 { return p.N * p.groups * ((tilesH(p) + p.colBlock - 1) / p.colBlock); }

// ---- filter transform ---------------------------------------------------------------------------

/**
 * winogradFilter_f32(u, w, O, C, flipped, m): U = G g Gᵀ of F(m x m, 3 x 3) (m = 2 or 4) for
 * every (o, c) into packed A panels at u ((m + 2)² * roundUp(O, 4) * C floats; the rows past O
 * are zero), g = w[o, c] of an [O, C, 3, 3] filter, or (flipped = 1, the input gradient's
 * convolution) g = w[c, o] rotated by 180° of a [C, O, 3, 3] filter. Computed in float64 and
 * rounded once.
 */
export function winogradFilter_f32(u: usize, w: usize, O: i32, C: i32, flipped: i32, m: i32): void {
  const Opad = roundUp(O, MR), a = m + 2;
  const stride = <usize>Opad * <usize>C << 2;
  memory.fill(u, 0, <usize>(a * a * Opad) * <usize>C << 2);
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const src = w + ((<usize>(flipped ? c * O + o : o * C + c) * 9) << 2);
      const g00 = tap(src, flipped, 0), g01 = tap(src, flipped, 1), g02 = tap(src, flipped, 2);
      const g10 = tap(src, flipped, 3), g11 = tap(src, flipped, 4), g12 = tap(src, flipped, 5);
      const g20 = tap(src, flipped, 6), g21 = tap(src, flipped, 7), g22 = tap(src, flipped, 8);
      const pc = c / KC * KC, kc = min(KC, C - pc);
      const at = u + ((<usize>pc * Opad + <usize>(o / MR * MR) * kc + <usize>(c - pc) * MR + <usize>(o % MR)) << 2);
      if (m == 4) {
        filterTransform4(at, stride, g00, g01, g02, g10, g11, g12, g20, g21, g22);
        continue;
      }
      // Rows of G g, G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1], then each row times Gᵀ.
      filterRow(at, stride, g00, g01, g02);
      filterRow(at + 4 * stride, stride, 0.5 * (g00 + g20) + 0.5 * g10, 0.5 * (g01 + g21) + 0.5 * g11, 0.5 * (g02 + g22) + 0.5 * g12);
      filterRow(at + 8 * stride, stride, 0.5 * (g00 + g20) - 0.5 * g10, 0.5 * (g01 + g21) - 0.5 * g11, 0.5 * (g02 + g22) - 0.5 * g12);
      filterRow(at + 12 * stride, stride, g20, g21, g22);
    }
  }
}

/** Tap i = 3 ky + kx of the 3x3 filter at src, or of its 180° rotation. */
@inline function tap(src: usize, flipped: i32, i: i32): f64 { return <f64>load<f32>(src + (<usize>(flipped ? 8 - i : i) << 2)); }

/** Row (t0, t1, t2) of G g times Gᵀ: 4 elements, stride bytes apart. */
@inline function filterRow(dst: usize, stride: usize, t0: f64, t1: f64, t2: f64): void {
  store<f32>(dst, <f32>t0);
  store<f32>(dst + stride, <f32>(0.5 * (t0 + t2) + 0.5 * t1));
  store<f32>(dst + 2 * stride, <f32>(0.5 * (t0 + t2) - 0.5 * t1));
  store<f32>(dst + 3 * stride, <f32>t2);
}

// ---- input transform ----------------------------------------------------------------------------

/** Input rows iy0 .. iy0 + count - 1 of one channel plane, zero padded: element i of a row is x[iy, i - pw]. */
@inline function fillRows(rows: usize, rowW: i32, plane: usize, p: Plan, iy0: i32, count: i32): void {
  const lo = min(p.pw, rowW), hi = max(lo, min(p.pw + p.W, rowW));
  for (let r = 0; r < count; r++) {
    const dst = rows + (<usize>(r * rowW) << 2), iy = iy0 + r;
    if (iy < 0 || iy >= p.H) { zeroRun<f32>(dst, rowW); continue; }
    zeroRun<f32>(dst, lo);
    copyRun<f32>(dst + (<usize>lo << 2), plane + ((<usize>(iy * p.W) + <usize>(lo - p.pw)) << 2), hi - lo);
    zeroRun<f32>(dst + (<usize>hi << 2), rowW - hi);
  }
}

/** Element pairs: the even and odd columns of 8 consecutive floats at src. */
@inline function evens(src: usize): v128 { return v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6); }
@inline function odds(src: usize): v128 { return v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 1, 3, 5, 7); }

/**
 * Bᵀ d B for four horizontally adjacent tiles (lane l: the patch at src + 2l columns; rows
 * rowBytes apart), Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: element ξ to dst + ξ*xiStride.
 */
@inline function inputTiles(dst: usize, xiStride: usize, src: usize, rowBytes: usize): void {
  // (d B) per row: columns k0 - k2, k1 + k2, k2 - k1, k1 - k3.
  let s = src;
  let k0 = evens(s), k1 = odds(s), k2 = evens(s + 8), k3 = odds(s + 8);
  const a0 = v128.sub<f32>(k0, k2), a1 = v128.add<f32>(k1, k2), a2 = v128.sub<f32>(k2, k1), a3 = v128.sub<f32>(k1, k3);
  s += rowBytes;
  k0 = evens(s); k1 = odds(s); k2 = evens(s + 8); k3 = odds(s + 8);
  const b0 = v128.sub<f32>(k0, k2), b1 = v128.add<f32>(k1, k2), b2 = v128.sub<f32>(k2, k1), b3 = v128.sub<f32>(k1, k3);
  s += rowBytes;
  k0 = evens(s); k1 = odds(s); k2 = evens(s + 8); k3 = odds(s + 8);
  const c0 = v128.sub<f32>(k0, k2), c1 = v128.add<f32>(k1, k2), c2 = v128.sub<f32>(k2, k1), c3 = v128.sub<f32>(k1, k3);
  s += rowBytes;
  k0 = evens(s); k1 = odds(s); k2 = evens(s + 8); k3 = odds(s + 8);
  const d0 = v128.sub<f32>(k0, k2), d1 = v128.add<f32>(k1, k2), d2 = v128.sub<f32>(k2, k1), d3 = v128.sub<f32>(k1, k3);
  // Bᵀ (rows a, b, c, d): a - c, b + c, c - b, b - d.
  let q = dst;
  v128.store(q, v128.sub<f32>(a0, c0)); q += xiStride;
  v128.store(q, v128.sub<f32>(a1, c1)); q += xiStride;
  v128.store(q, v128.sub<f32>(a2, c2)); q += xiStride;
  v128.store(q, v128.sub<f32>(a3, c3)); q += xiStride;
  v128.store(q, v128.add<f32>(b0, c0)); q += xiStride;
  v128.store(q, v128.add<f32>(b1, c1)); q += xiStride;
  v128.store(q, v128.add<f32>(b2, c2)); q += xiStride;
  v128.store(q, v128.add<f32>(b3, c3)); q += xiStride;
  v128.store(q, v128.sub<f32>(c0, b0)); q += xiStride;
  v128.store(q, v128.sub<f32>(c1, b1)); q += xiStride;
  v128.store(q, v128.sub<f32>(c2, b2)); q += xiStride;
  v128.store(q, v128.sub<f32>(c3, b3)); q += xiStride;
  v128.store(q, v128.sub<f32>(b0, d0)); q += xiStride;
  v128.store(q, v128.sub<f32>(b1, d1)); q += xiStride;
  v128.store(q, v128.sub<f32>(b2, d2)); q += xiStride;
  v128.store(q, v128.sub<f32>(b3, d3));
}

// ---- output transform ---------------------------------------------------------------------------

/** The first n (< 4) lanes of v to dst. */
@inline function storeLanes(dst: usize, v: v128, n: i32): void {
  if (n > 0) store<f32>(dst, v128.extract_lane<f32>(v, 0));
  if (n > 1) store<f32>(dst, v128.extract_lane<f32>(v, 1), 4);
  if (n > 2) store<f32>(dst, v128.extract_lane<f32>(v, 2), 8);
}

/** One output row of four tiles (y0: their left outputs, y1: their right ones): 8 floats at dst, cropped to n. */
@inline function storeRow(dst: usize, y0: v128, y1: v128, n: i32): void {
  const lo = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), hi = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
  if (n >= 8) { v128.store(dst, lo); v128.store(dst, hi, 16); return; }
  if (n < 4) { storeLanes(dst, lo, n); return; }
  v128.store(dst, lo);
  storeLanes(dst + 16, hi, n - 4);
}

/**
 * Aᵀ m A (Aᵀ = [1 1 1 0; 0 1 -1 -1]) for four tiles (m[ξ] at src + ξ*xiStride) into output
 * rows dst and dst + rowBytes (the second only if rows == 2), cols columns of the 8.
 */
@inline function outputTiles(dst: usize, rowBytes: usize, src: usize, xiStride: usize, rows: i32, cols: i32): void {
  // Rows of Aᵀ m: s_j = m0j + m1j + m2j, t_j = m1j - m2j - m3j.
  let s0 = v128.load(src), s1 = v128.load(src + xiStride), s2 = v128.load(src + 2 * xiStride), s3 = v128.load(src + 3 * xiStride);
  const r1 = src + 4 * xiStride, r2 = src + 8 * xiStride, r3 = src + 12 * xiStride;
  let m = v128.load(r1), n = v128.load(r2);
  const t0 = v128.sub<f32>(v128.sub<f32>(m, n), v128.load(r3)); s0 = v128.add<f32>(v128.add<f32>(s0, m), n);
  m = v128.load(r1 + xiStride); n = v128.load(r2 + xiStride);
  const t1 = v128.sub<f32>(v128.sub<f32>(m, n), v128.load(r3 + xiStride)); s1 = v128.add<f32>(v128.add<f32>(s1, m), n);
  m = v128.load(r1 + 2 * xiStride); n = v128.load(r2 + 2 * xiStride);
  const t2 = v128.sub<f32>(v128.sub<f32>(m, n), v128.load(r3 + 2 * xiStride)); s2 = v128.add<f32>(v128.add<f32>(s2, m), n);
  m = v128.load(r1 + 3 * xiStride); n = v128.load(r2 + 3 * xiStride);
  const t3 = v128.sub<f32>(v128.sub<f32>(m, n), v128.load(r3 + 3 * xiStride)); s3 = v128.add<f32>(v128.add<f32>(s3, m), n);
  // (· A) per row: left = x0 + x1 + x2, right = x1 - x2 - x3.
  storeRow(dst, v128.add<f32>(v128.add<f32>(s0, s1), s2), v128.sub<f32>(v128.sub<f32>(s1, s2), s3), cols);
  if (rows == 2) storeRow(dst + rowBytes, v128.add<f32>(v128.add<f32>(t0, t1), t2), v128.sub<f32>(v128.sub<f32>(t1, t2), t3), cols);
}

// ---- the unit -----------------------------------------------------------------------------------

/**
 * Unit idx: image n, group g, tile rows [ty0, ty0 + colBlock). p.b: the packed U of each group
 * in turn (winogradFilter_f32 of the group's [O/groups, C/groups] filters).
 */
export function winogradUnit(p: Plan, slot: usize, idx: i32): void {
  const TH = tilesH(p), blocks = (TH + p.colBlock - 1) / p.colBlock;
  const ty0 = (idx % blocks) * p.colBlock, ty1 = min(TH, ty0 + p.colBlock);
  const g = (idx / blocks) % p.groups, n = idx / (blocks * p.groups);
  const TWp = tilesWPad(p), T = (ty1 - ty0) * TWp, Npad = colsPad(p), rowW = rowWidth(p);
  const C = cg(p), O = og(p), Opad = roundUp(O, MR), OBk = oBlock(p);
  const m = tileM(p), a = m + 2, xis = a * a;
  const tile = slot + 128, tmp = slot + 256, rows = slot + HEAD, V = slot + vOffset(p), M = slot + mOffset(p);
  const plane = <usize>(p.H * p.W) << 2;
  const x = p.a + <usize>(n * p.C + g * C) * plane;
  const U = p.b + (<usize>(xis * Opad) * <usize>C << 2) * <usize>g;
  const vXi = <usize>(C * Npad) << 2, rowBytes = <usize>rowW << 2;
  for (let c = 0; c < C; c++) {
    const pc = c / KC * KC, kc = min(KC, C - pc);
    const vc = V + ((<usize>pc * <usize>Npad + <usize>((c - pc) * 8)) << 2);
    for (let ty = ty0; ty < ty1; ty++) {
      fillRows(rows, rowW, x + <usize>c * plane, p, m * ty - p.ph, a);
      for (let tx = 0; tx < TWp; tx += 4) {
        const col = (ty - ty0) * TWp + tx;
        const dst = vc + ((<usize>((col >> 3) * 8 * kc + (col & 7))) << 2), src = rows + (<usize>(m * tx) << 2);
        if (m == 4) inputTiles4(dst, vXi, src, rowBytes, tmp);
        else inputTiles(dst, vXi, src, rowBytes);
      }
    }
  }
  const mXi = <usize>(OBk * Npad) << 2, uXi = <usize>(Opad * C) << 2;
  const OW = p.OW, OH = p.OH, outRow = <usize>OW << 2;
  for (let o0 = 0; o0 < O; o0 += OBk) {
    const mc = min(OBk, O - o0);
    for (let xi = 0; xi < xis; xi++) {
      for (let pc = 0; pc < C; pc += KC) {
        const kc = min(KC, C - pc);
        const a = U + <usize>xi * uXi + ((<usize>pc * <usize>Opad + <usize>(o0 * kc)) << 2);
        const b = V + <usize>xi * vXi + ((<usize>pc * <usize>Npad) << 2);
        matmulMacroKernel<f32>(a, b, mc, T, kc, M + <usize>xi * mXi, Npad, pc > 0, tile);
      }
    }
    for (let o = o0; o < o0 + mc; o++) {
      const y = p.out + <usize>(n * p.O + g * O + o) * (<usize>(OH * OW) << 2);
      const mo = M + ((<usize>((o - o0) * Npad)) << 2);
      for (let ty = ty0; ty < ty1; ty++) {
        const oy = m * ty, nrows = min(m, OH - oy);
        for (let tx = 0; tx < TWp; tx += 4) {
          const cols = min(4 * m, OW - m * tx);
          if (cols <= 0) break;
          const col = (ty - ty0) * TWp + tx;
          const dst = y + <usize>oy * outRow + (<usize>(m * tx) << 2), src = mo + (<usize>col << 2);
          if (m == 4) outputTiles4(dst, outRow, src, mXi, nrows, cols, tmp);
          else outputTiles(dst, outRow, src, mXi, nrows, cols);
        }
      }
    }
  }
}
