// 2-d convolution (NCHW, cross-correlation, zero padding) and its two adjoints as GEMMs on the
// packed panels and macro-kernel of assembly/matmul.ts. Per image n and group g, with
// P = OH*OW output positions and Kg = Cg*KH*KW taps (k = (c, ky, kx)):
//   forward   Y_g[Og, P]  = W_g[Og, Kg] · col(x)[Kg, P]
//   weight    dW_g[Og, Kg] = Σ_n dY_g[Og, P] · col(x)ᵀ[P, Kg]       (dot products along P, below)
//   input     dX += col2im(W_gᵀ[Kg, Og] · dY_g[Og, P]), a block of PB columns at a time
// col(x)[k, p] = x[c, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw] (0 outside) is never stored whole:
// the B panels are packed straight from x (implicit im2col, assembly/im2col.ts), one tap row at
// a time through a short row buffer; the weight gradient reads blocks of im2col rows directly.
// A 1x1 stride-1 unpadded convolution uses x as the plain matrix it then is.
//
// Work is cut into units (the chunks of the thread tasks; the single-thread entry points run
// them all in order): forward (n, g, row block of Og, column block of P); weight (g, image
// block, row block of Og, column block of Kg); input (n, g, block of channels), whose dx writes
// are disjoint. A unit's arithmetic per output element does not depend on the row and column
// blocks, and the weight gradient's image blocks are fixed by the geometry alone (each block's
// accumulators are folded in block order afterwards), so results are bit-identical for any
// number of threads.
//
// Each running unit uses one scratch slot: [plan 128 B][edge tile 128 B][A pack][B pack][buffer]
// (the weight gradient: [plan][128 B][im2col block][accumulators]).
// Thread chunks take a free slot by compare-and-swap on the slot words (at most `threads` chunks
// run at once, so one is always free).

import { ConvSlot as S, ConvWeightSlot as WS } from './opcodes';
import { argF64, argi, argp } from './task';
import { elemShift, lanes, madd } from './simd';
import { Plan, cg, col2imRow, im2colRow, isPointwise, kg, og, packIm2col, positions } from './im2col';
import {
  KC, MC, MR, align16, matmulMacroKernel, matmulPackA, matmulPackB, nc, nr, roundUp,
} from './matmul';
import { WINOGRAD2, WINOGRAD4, winogradSlotBytes, winogradUnit, winogradUnits } from './winograd';

/**
 * The three GEMMs (the `kind` of a plan); kinds WINOGRAD2 and WINOGRAD4 (3, 4) are the float32
 * Winograd forward F(2x2, 3x3) and F(4x4, 3x3) of assembly/winograd.ts (b: the packed U).
 */
const FORWARD: i32 = 0, INPUT: i32 = 1, WEIGHT: i32 = 2;
/** Bytes reserved for the plan at the start of a slot. */
const PLAN_BYTES: usize = 128;
/** Bytes of the Z block of the input gradient (W_gᵀ·dY for PB columns). */
const Z_BYTES: i32 = 512 << 10;

/** Columns of the input gradient's Z block: fixed by the geometry (never by the thread count). */
@inline function zCols<T>(p: Plan): i32 {
  const NR = nr<T>();
  const fit = max(4 * NR, (Z_BYTES / (kg(p) * sizeof<T>())) / NR * NR);
  return min(fit, roundUp(positions(p), NR));
}

// ---- the scratch slot ---------------------------------------------------------------------------
// GEMM shape of a unit: M rows (a row block), columns per packed B block, K slice.

@inline function gemmRows(p: Plan): i32 { return p.kind == INPUT ? p.rowBlock * p.KH * p.KW : p.rowBlock; }
@inline function gemmCols<T>(p: Plan): i32 {
  return p.kind == INPUT ? zCols<T>(p) : min(nc<T>(), roundUp(p.colBlock, nr<T>()));
}
@inline function gemmSlice(p: Plan): i32 {
  return min(KC, p.kind == FORWARD ? kg(p) : p.kind == INPUT ? og(p) : positions(p));
}
@inline function packAOffset(): usize { return PLAN_BYTES + 128; }
@inline function packBOffset<T>(p: Plan): usize {
  return packAOffset() + align16(<usize>(min(roundUp(gemmRows(p), MR), MC) * gemmSlice(p)) << elemShift<T>());
}
@inline function bufferOffset<T>(p: Plan): usize {
  return packBOffset<T>(p) + align16(<usize>(gemmSlice(p) * roundUp(gemmCols<T>(p), nr<T>())) << elemShift<T>());
}
/** Bytes of one slot (the TypeScript side computes the same in src/backend/wasm/conv.ts). */
@inline function slotBytes<T>(p: Plan): usize {
  if (p.kind == WEIGHT) {
    // [plan][spare 128][im2col block: colBlock x WEIGHT_SPAN][accumulators: rowBlock x colBlock v128]
    return packAOffset() + align16(<usize>(p.colBlock * WEIGHT_SPAN) << elemShift<T>()) + (<usize>(p.rowBlock * p.colBlock) << 4);
  }
  const rows = p.kind == INPUT ? gemmRows(p) * zCols<T>(p)
    : p.kind == FORWARD ? gemmCols<T>(p) : nr<T>() * gemmSlice(p);
  return bufferOffset<T>(p) + align16(<usize>rows << elemShift<T>());
}

// ---- the units ----------------------------------------------------------------------------------

/** Forward unit: Y rows [r0, r1) of group g, image n, columns [c0, c1). */
function forwardUnit<T>(p: Plan, slot: usize, idx: i32): void {
  const shift = elemShift<T>();
  const Og = og(p), Kg = kg(p), P = positions(p);
  const rb = (Og + p.rowBlock - 1) / p.rowBlock, cb = (P + p.colBlock - 1) / p.colBlock;
  const c0 = (idx % cb) * p.colBlock, r0 = ((idx / cb) % rb) * p.rowBlock;
  const g = (idx / (cb * rb)) % p.groups, n = idx / (cb * rb * p.groups);
  const c1 = min(P, c0 + p.colBlock), r1 = min(Og, r0 + p.rowBlock);
  const tile = slot + PLAN_BYTES, packA = slot + packAOffset(), packB = slot + packBOffset<T>(p);
  const buf = slot + bufferOffset<T>(p);
  const xg = p.a + ((<usize>(n * p.C + g * cg(p)) * <usize>(p.H * p.W)) << shift);
  const wg = p.b + ((<usize>(g * Og) * <usize>Kg) << shift);
  const yg = p.out + ((<usize>(n * p.O + g * Og) * <usize>P) << shift);
  const NC = nc<T>();
  for (let jc = c0; jc < c1; jc += NC) {
    const ncols = min(NC, c1 - jc);
    for (let pc = 0; pc < Kg; pc += KC) {
      const kc = min(KC, Kg - pc);
      packIm2col<T>(packB, buf, xg, p, pc, kc, jc, ncols);
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = min(MC, r1 - ic);
        matmulPackA<T>(packA, wg + ((<usize>ic * <usize>Kg + <usize>pc) << shift), mc, kc, Kg, 1);
        matmulMacroKernel<T>(packA, packB, mc, ncols, kc, yg + ((<usize>ic * <usize>P + <usize>jc) << shift), P, pc > 0, tile);
      }
    }
  }
}

// The weight gradient reduces over (image, position) with few outputs (Og x Kg), so instead of
// packing it takes dot products along the positions, which are contiguous both in dY and in the
// im2col rows: 4 rows of dY x 2 tap rows per pass, 8 vector accumulators kept per (o, k) in the
// slot (lane-wise partial sums over every image), summed across lanes at the end. A thin layer
// (one input channel: 9 taps, 16 outputs, 50176 positions) then runs at GEMM speed without
// packing 16 x 9 panels per 256 positions.
// Images are cut into blocks (p.imgBlock each) when the TypeScript side asks for it: each block
// accumulates into its own rows of p.partials ([block][O][Kg] vectors) and weightFold sums the
// blocks in order. Threads then split over images, which reads dY and x once, where row or tap
// blocks would read them once per block (a thin layer's 16 x 9 outputs make few such blocks).

/** Positions per im2col block of the weight gradient. */
const WEIGHT_SPAN: i32 = 256;

/** acc[i] += lane-wise Σ d[j]·c[j] over len elements (the tail past the last vector into lane 0). */
@inline function dotAdd1<T>(acc: usize, d: usize, c: usize, len: i32): void {
  const L = lanes<T>(), shift = elemShift<T>();
  let s0 = v128.load(acc);
  let i = 0;
  for (; i + L <= len; i += L) {
    const off = <usize>i << shift;
    s0 = madd<T>(v128.load(d + off), v128.load(c + off), s0);
  }
  let t: T = <T>0;
  for (; i < len; i++) t += load<T>(d + (<usize>i << shift)) * load<T>(c + (<usize>i << shift));
  v128.store(acc, v128.replace_lane<T>(s0, 0, v128.extract_lane<T>(s0, 0) + t));
}

@inline function tailInto<T>(acc: usize, s: v128, d: usize, c: usize, i: i32, len: i32): void {
  const shift = elemShift<T>();
  let t: T = <T>0;
  for (let j = i; j < len; j++) t += load<T>(d + (<usize>j << shift)) * load<T>(c + (<usize>j << shift));
  v128.store(acc, v128.replace_lane<T>(s, 0, v128.extract_lane<T>(s, 0) + t));
}

/**
 * The 4 x 2 block: acc rows are accRow bytes apart (2 accumulators used per row); d0..d3 are
 * dY rows (dStep bytes apart), c0/c1 tap rows; same arithmetic per (row, tap) as dotAdd1.
 */
@inline function dotAdd4x2<T>(acc: usize, accRow: usize, d0: usize, dStep: usize, c0: usize, c1: usize, len: i32): void {
  const L = lanes<T>(), shift = elemShift<T>();
  const d1 = d0 + dStep, d2 = d1 + dStep, d3 = d2 + dStep;
  let s00 = v128.load(acc), s01 = v128.load(acc, 16);
  let s10 = v128.load(acc + accRow), s11 = v128.load(acc + accRow, 16);
  let s20 = v128.load(acc + 2 * accRow), s21 = v128.load(acc + 2 * accRow, 16);
  let s30 = v128.load(acc + 3 * accRow), s31 = v128.load(acc + 3 * accRow, 16);
  let i = 0;
  for (; i + L <= len; i += L) {
    const off = <usize>i << shift;
    const b0 = v128.load(c0 + off), b1 = v128.load(c1 + off);
    let a = v128.load(d0 + off);
    s00 = madd<T>(a, b0, s00); s01 = madd<T>(a, b1, s01);
    a = v128.load(d1 + off);
    s10 = madd<T>(a, b0, s10); s11 = madd<T>(a, b1, s11);
    a = v128.load(d2 + off);
    s20 = madd<T>(a, b0, s20); s21 = madd<T>(a, b1, s21);
    a = v128.load(d3 + off);
    s30 = madd<T>(a, b0, s30); s31 = madd<T>(a, b1, s31);
  }
  tailInto<T>(acc, s00, d0, c0, i, len); tailInto<T>(acc + 16, s01, d0, c1, i, len);
  tailInto<T>(acc + accRow, s10, d1, c0, i, len); tailInto<T>(acc + accRow + 16, s11, d1, c1, i, len);
  tailInto<T>(acc + 2 * accRow, s20, d2, c0, i, len); tailInto<T>(acc + 2 * accRow + 16, s21, d2, c1, i, len);
  tailInto<T>(acc + 3 * accRow, s30, d3, c0, i, len); tailInto<T>(acc + 3 * accRow + 16, s31, d3, c1, i, len);
}

/** The lanes of an accumulator summed in lane order. */
@inline function laneSum<T>(v: v128): T {
  let sum = v128.extract_lane<T>(v, 0) + v128.extract_lane<T>(v, 1);
  if (sizeof<T>() == 4) sum = sum + v128.extract_lane<T>(v, 2) + v128.extract_lane<T>(v, 3);
  return sum;
}

/** Image blocks of a weight-gradient plan. */
@inline function imageBlocks(p: Plan): i32 { return (p.N + p.imgBlock - 1) / p.imgBlock; }

/**
 * Weight-gradient unit: dW rows [r0, r1) x taps [c0, c1) of group g, summed over the images of
 * its block (every image when there is one block: then the unit writes dW itself).
 */
function weightUnit<T>(p: Plan, slot: usize, idx: i32): void {
  const shift = elemShift<T>();
  const Og = og(p), Kg = kg(p), P = positions(p), KHW = p.KH * p.KW;
  const rb = (Og + p.rowBlock - 1) / p.rowBlock, cb = (Kg + p.colBlock - 1) / p.colBlock, nb = imageBlocks(p);
  const c0 = (idx % cb) * p.colBlock, r0 = ((idx / cb) % rb) * p.rowBlock;
  const ib = (idx / (cb * rb)) % nb, g = idx / (cb * rb * nb);
  const c1 = min(Kg, c0 + p.colBlock), r1 = min(Og, r0 + p.rowBlock);
  const n0 = ib * p.imgBlock, n1 = min(p.N, n0 + p.imgBlock);
  const taps = c1 - c0, rows = r1 - r0;
  const buf = slot + PLAN_BYTES + 128;
  let acc: usize, accRow: usize;
  if (p.partials == 0) {
    if (nb != 1) unreachable(); // image blocks need the partials
    acc = buf + align16(<usize>(taps * WEIGHT_SPAN) << shift);
    accRow = <usize>taps << 4;
    memory.fill(acc, 0, <usize>rows * accRow);
  } else {
    accRow = <usize>Kg << 4;
    acc = p.partials + ((<usize>(ib * p.O + g * Og + r0) * <usize>Kg + <usize>c0) << 4);
    for (let o = 0; o < rows; o++) memory.fill(acc + <usize>o * accRow, 0, <usize>taps << 4);
  }
  const plane = <usize>(p.H * p.W) << shift, dyRow = <usize>P << shift;
  const pointwise = isPointwise(p);
  for (let n = n0; n < n1; n++) {
    const xg = p.a + ((<usize>(n * p.C + g * cg(p))) * plane);
    const dyg = p.b + ((<usize>(n * p.O + g * Og) * <usize>P) << shift);
    for (let p0 = 0; p0 < P; p0 += WEIGHT_SPAN) {
      const len = min(WEIGHT_SPAN, P - p0);
      // Tap row k of col(x) over [p0, p0 + len) at col + (k - c0) * colRow.
      let col = buf, colRow = <usize>WEIGHT_SPAN << shift;
      if (pointwise) {
        col = xg + <usize>c0 * plane + (<usize>p0 << shift);
        colRow = plane;
      } else {
        for (let k = c0; k < c1; k++) {
          const c = k / KHW, t = k % KHW;
          im2colRow<T>(buf + <usize>(k - c0) * colRow, xg + <usize>c * plane, p, t / p.KW, t % p.KW, p0, len);
        }
      }
      const d = dyg + (<usize>p0 << shift);
      let o = 0;
      for (; o + 4 <= rows; o += 4) {
        const dRows = d + <usize>(r0 + o) * dyRow, accRows = acc + <usize>o * accRow;
        let k = 0;
        for (; k + 2 <= taps; k += 2) {
          dotAdd4x2<T>(accRows + (<usize>k << 4), accRow, dRows, dyRow, col + <usize>k * colRow, col + <usize>(k + 1) * colRow, len);
        }
        for (; k < taps; k++) {
          for (let i = 0; i < 4; i++) {
            dotAdd1<T>(accRows + <usize>i * accRow + (<usize>k << 4), dRows + <usize>i * dyRow, col + <usize>k * colRow, len);
          }
        }
      }
      for (; o < rows; o++) {
        for (let k = 0; k < taps; k++) {
          dotAdd1<T>(acc + <usize>o * accRow + (<usize>k << 4), d + <usize>(r0 + o) * dyRow, col + <usize>k * colRow, len);
        }
      }
    }
  }
  if (p.partials != 0) return; // weightFold sums the blocks
  // dW[o, k] = the lanes of its accumulator summed (in lane order).
  const dwg = p.out + ((<usize>(g * Og) * <usize>Kg) << shift);
  for (let o = 0; o < rows; o++) {
    for (let k = 0; k < taps; k++) {
      store<T>(dwg + ((<usize>(r0 + o) * <usize>Kg + <usize>(c0 + k)) << shift), laneSum<T>(v128.load(acc + <usize>o * accRow + (<usize>k << 4))));
    }
  }
}

/** dW[i] for i < count: the lane sum of the blocks' accumulators partials[b][i] added in block order. */
function weightFold<T>(dw: usize, partials: usize, count: i32, blocks: i32): void {
  const shift = elemShift<T>(), blockBytes = <usize>count << 4;
  for (let i = 0; i < count; i++) {
    const at = partials + (<usize>i << 4);
    let v = v128.load(at);
    for (let b = 1; b < blocks; b++) v = v128.add<T>(v, v128.load(at + <usize>b * blockBytes));
    store<T>(dw + (<usize>i << shift), laneSum<T>(v));
  }
}

/**
 * Input-gradient unit: channels [c0, c1) of group g, image n. Zeroes them, then per block of
 * PB output positions computes Z = W_gᵀ·dY rows for those channels' taps and scatters Z back
 * (a pointwise convolution writes W_gᵀ·dY straight into dx).
 */
function inputUnit<T>(p: Plan, slot: usize, idx: i32): void {
  const shift = elemShift<T>();
  const Og = og(p), Kg = kg(p), P = positions(p), KHW = p.KH * p.KW;
  const Cg = cg(p), cb = (Cg + p.rowBlock - 1) / p.rowBlock;
  const c0 = (idx % cb) * p.rowBlock, g = (idx / cb) % p.groups, n = idx / (cb * p.groups);
  const c1 = min(Cg, c0 + p.rowBlock);
  const k0 = c0 * KHW, k1 = c1 * KHW;
  const tile = slot + PLAN_BYTES, packA = slot + packAOffset(), packB = slot + packBOffset<T>(p);
  const z = slot + bufferOffset<T>(p);
  const plane = <usize>(p.H * p.W) << shift;
  const xg = p.out + ((<usize>(n * p.C + g * Cg)) * plane);
  const wg = p.b + ((<usize>(g * Og) * <usize>Kg) << shift);
  const dyg = p.a + ((<usize>(n * p.O + g * Og) * <usize>P) << shift);
  const pointwise = isPointwise(p);
  if (!pointwise) memory.fill(xg + <usize>c0 * plane, 0, <usize>(c1 - c0) * plane);
  const PB = zCols<T>(p);
  for (let j0 = 0; j0 < P; j0 += PB) {
    const cols = min(PB, P - j0);
    const zOut = pointwise ? xg + ((<usize>k0 * <usize>P + <usize>j0) << shift) : z;
    const ldz = pointwise ? P : PB;
    for (let pc = 0; pc < Og; pc += KC) {
      const kc = min(KC, Og - pc);
      matmulPackB<T>(packB, dyg + ((<usize>pc * <usize>P + <usize>j0) << shift), kc, cols, P, 1);
      for (let ic = k0; ic < k1; ic += MC) {
        const mc = min(MC, k1 - ic);
        // A = W_gᵀ: element (k, o) at wg + o*Kg + k.
        matmulPackA<T>(packA, wg + ((<usize>pc * <usize>Kg + <usize>ic) << shift), mc, kc, 1, Kg);
        matmulMacroKernel<T>(packA, packB, mc, cols, kc, zOut + ((<usize>(ic - k0) * <usize>ldz) << shift), ldz, pc > 0, tile);
      }
    }
    if (pointwise) continue;
    for (let k = k0; k < k1; k++) {
      const c = k / KHW, t = k % KHW;
      col2imRow<T>(z + ((<usize>(k - k0) * <usize>PB) << shift), xg + <usize>c * plane, p, t / p.KW, t % p.KW, j0, cols);
    }
  }
}

@inline function runUnit<T>(p: Plan, slot: usize, idx: i32): void {
  if (p.kind == WINOGRAD2 || p.kind == WINOGRAD4) {
    if (sizeof<T>() != 4 || <usize>p.slotBytes < winogradSlotBytes(p)) unreachable();
    winogradUnit(p, slot, idx);
    return;
  }
  if (<usize>p.slotBytes < slotBytes<T>(p)) unreachable(); // the TypeScript plan disagrees with this layout
  if (p.kind == FORWARD) forwardUnit<T>(p, slot, idx);
  else if (p.kind == INPUT) inputUnit<T>(p, slot, idx);
  else weightUnit<T>(p, slot, idx);
}

/** Units of a plan (the chunks of its thread task). */
@inline function units(p: Plan): i32 {
  const Og = og(p), P = positions(p);
  if (p.kind == WINOGRAD2 || p.kind == WINOGRAD4) return winogradUnits(p);
  if (p.kind == FORWARD) return p.N * p.groups * ((Og + p.rowBlock - 1) / p.rowBlock) * ((P + p.colBlock - 1) / p.colBlock);
  if (p.kind == INPUT) return p.N * p.groups * ((cg(p) + p.rowBlock - 1) / p.rowBlock);
  return p.groups * imageBlocks(p) * ((Og + p.rowBlock - 1) / p.rowBlock) * ((kg(p) + p.colBlock - 1) / p.colBlock);
}

// ---- entry points -------------------------------------------------------------------------------

function runAll<T>(kind: i32, out: usize, a: usize, b: usize, scratch: usize, slotSize: i32,
  N: i32, C: i32, H: i32, W: i32, O: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, rowBlock: i32, colBlock: i32,
  imgBlock: i32 = 0, partials: usize = 0): void {
  const p = changetype<Plan>(scratch);
  p.out = out; p.a = a; p.b = b;
  p.N = N; p.C = C; p.H = H; p.W = W; p.O = O; p.KH = KH; p.KW = KW; p.OH = OH; p.OW = OW;
  p.sh = sh; p.sw = sw; p.ph = ph; p.pw = pw; p.dh = dh; p.dw = dw; p.groups = groups;
  p.kind = kind; p.rowBlock = rowBlock; p.colBlock = colBlock; p.slotBytes = slotSize;
  p.imgBlock = partials != 0 ? imgBlock : N; p.partials = partials;
  const n = units(p);
  for (let i = 0; i < n; i++) runUnit<T>(p, scratch, i);
}

/**
 * conv_f32(kind 0 forward y = conv(x, w) / 1 input gradient dx from (dy, w) / 2 weight gradient
 * dw from (x, dy) / 3, 4 Winograd forward F(2x2 / 4x4, 3x3) y from (x, U packed by winogradFilter_f32), out, a, b, scratch (one slot of slotBytes bytes), slotBytes, the geometry
 * N C H W O KH KW OH OW strideH strideW padH padW dilationH dilationW groups, rowBlock,
 * colBlock): runs every unit of that GEMM on the calling thread. out is overwritten.
 */
export function conv_f32(kind: i32, out: usize, a: usize, b: usize, scratch: usize, slotSize: i32,
  N: i32, C: i32, H: i32, W: i32, O: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, rowBlock: i32, colBlock: i32): void {
  runAll<f32>(kind, out, a, b, scratch, slotSize, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups, rowBlock, colBlock);
}
/** conv_f64: as conv_f32 with f64 elements. */
export function conv_f64(kind: i32, out: usize, a: usize, b: usize, scratch: usize, slotSize: i32,
  N: i32, C: i32, H: i32, W: i32, O: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, rowBlock: i32, colBlock: i32): void {
  runAll<f64>(kind, out, a, b, scratch, slotSize, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups, rowBlock, colBlock);
}

/** Chunk idx of a Conv task: runs unit idx of its plan (kind: which GEMM) in a free scratch slot. */
export function convChunk(args: usize, idx: i32): void { runChunk(args, idx, false); }

/**
 * Takes a free scratch slot of a Conv or ConvWeight task (their argument slots agree up to
 * slotBytes; ConvWeight adds imgBlock and partials), writes the plan into it, runs unit idx.
 */
@inline function runChunk(args: usize, idx: i32, weight: bool): void {
  const slots = argp(args, S.Slots), count = argi(args, S.SlotCount), size = argi(args, S.SlotBytes);
  let s = 0;
  while (atomic.cmpxchg<i32>(slots + (<usize>s << 2), 0, 1) != 0) s = (s + 1) % count;
  const slot = argp(args, S.Scratch) + <usize>s * <usize>size;
  const p = changetype<Plan>(slot);
  p.out = argp(args, S.Out); p.a = argp(args, S.A); p.b = argp(args, S.B);
  p.N = argi(args, S.N); p.C = argi(args, S.C); p.H = argi(args, S.H); p.W = argi(args, S.W);
  p.O = argi(args, S.O); p.KH = argi(args, S.KH); p.KW = argi(args, S.KW); p.OH = argi(args, S.OH); p.OW = argi(args, S.OW);
  p.sh = argi(args, S.StrideH); p.sw = argi(args, S.StrideW); p.ph = argi(args, S.PadH); p.pw = argi(args, S.PadW);
  p.dh = argi(args, S.DilationH); p.dw = argi(args, S.DilationW); p.groups = argi(args, S.Groups);
  p.kind = argi(args, S.Kind); p.rowBlock = argi(args, S.RowBlock); p.colBlock = argi(args, S.ColBlock);
  p.slotBytes = size;
  p.partials = weight ? argp(args, WS.Partials) : 0;
  p.imgBlock = p.partials != 0 ? argi(args, WS.ImgBlock) : p.N;
  if (argF64(args)) runUnit<f64>(p, slot, idx);
  else runUnit<f32>(p, slot, idx);
  atomic.store<i32>(slots + (<usize>s << 2), 0);
}

// ---- the weight gradient in image blocks ------------------------------------------------------------

/**
 * convWeight_f32(dw, x, dy, scratch, slotBytes, the geometry as conv_f32, rowBlock, colBlock,
 * imgBlock, partials): the weight gradient with its images in blocks of imgBlock, every unit on
 * the calling thread, then the blocks folded into dw (partials: blocks x O x Kg x 16 bytes; 0
 * for one block of every image). dw is overwritten.
 */
export function convWeight_f32(out: usize, a: usize, b: usize, scratch: usize, slotSize: i32,
  N: i32, C: i32, H: i32, W: i32, O: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, rowBlock: i32, colBlock: i32,
  imgBlock: i32, partials: usize): void {
  runAll<f32>(WEIGHT, out, a, b, scratch, slotSize, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups, rowBlock, colBlock,
    imgBlock, partials);
  if (partials != 0) weightFold<f32>(out, partials, O * (C / groups) * KH * KW, (N + imgBlock - 1) / imgBlock);
}
/** convWeight_f64: as convWeight_f32 with f64 elements. */
export function convWeight_f64(out: usize, a: usize, b: usize, scratch: usize, slotSize: i32,
  N: i32, C: i32, H: i32, W: i32, O: i32, KH: i32, KW: i32, OH: i32, OW: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, groups: i32, rowBlock: i32, colBlock: i32,
  imgBlock: i32, partials: usize): void {
  runAll<f64>(WEIGHT, out, a, b, scratch, slotSize, N, C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups, rowBlock, colBlock,
    imgBlock, partials);
  if (partials != 0) weightFold<f64>(out, partials, O * (C / groups) * KH * KW, (N + imgBlock - 1) / imgBlock);
}
/** convWeightFold_f32(dw, partials, count = O*Kg, blocks): after a ConvWeight task, its image blocks folded into dw. */
export function convWeightFold_f32(dw: usize, partials: usize, count: i32, blocks: i32): void {
  weightFold<f32>(dw, partials, count, blocks);
}
/** convWeightFold_f64: as convWeightFold_f32 with f64 elements. */
export function convWeightFold_f64(dw: usize, partials: usize, count: i32, blocks: i32): void {
  weightFold<f64>(dw, partials, count, blocks);
}

/**
 * Chunk idx of a ConvWeight task: weight unit idx, into its image block's partials when there
 * are several (convWeightFold follows).
 */
export function convWeightChunk(args: usize, idx: i32): void { runChunk(args, idx, true); }
