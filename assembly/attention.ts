// Attention's fused masked softmax and its backward, over rows of S scores ([batch, L, S],
// row r = (u, i) with u = r / L, i = r % L). One pass per row scales the scores, applies the
// causal / boolean / additive mask and finds the max (SIMD unless the mask is strided along
// the row); the softmax of the row is softmax.ts's softmaxRow. A causal row
// stops at column i: the columns after it are written as 0 without an exp. A row with every
// position masked becomes NaN (PyTorch). Pointers are byte addresses; counts and strides in
// elements. Rows are independent, so any split over threads gives the same bits.

import { AttnSoftmaxGradSlot, AttnSoftmaxSlot } from './opcodes';
import { arg, argF64, argi, argp, range, rangeHi } from './task';
import { elemShift, hsum } from './simd';
import { softmaxRow } from './softmax';

/** Mask kinds (src/backend/wasm/attention.ts passes them). */
const MASK_NONE = 0, MASK_BOOL = 1, MASK_ADD = 2;

/** Largest lane of v, NaN if any lane is NaN. */
@inline function hmax<T>(v: v128): T {
  let m = v128.extract_lane<T>(v, 0);
  const l1 = v128.extract_lane<T>(v, 1);
  if (l1 > m || l1 != l1) m = l1;
  if (sizeof<T>() == 4) {
    const l2 = v128.extract_lane<T>(v, 2), l3 = v128.extract_lane<T>(v, 3);
    if (l2 > m || l2 != l2) m = l2;
    if (l3 > m || l3 != l3) m = l3;
  }
  return m;
}

/**
 * Pass 1 of a row: x_j = scale * s_j, masked, written back over [0, end); returns the
 * NaN-propagating max (-Infinity when every position is masked). mrow: the row's mask
 * (i32 for MASK_BOOL, T for MASK_ADD), ss its column stride.
 */
@inline function scaleRow<T>(row: usize, end: i32, scale: T, kind: i32, mrow: usize, ss: usize): T {
  const shift = elemShift<T>();
  const endB = <usize>end << shift;
  let m: T = <T>-Infinity;
  let i: usize = 0;
  if (ss == 1 || kind == MASK_NONE) {
    const vecEnd = endB & ~15;
    if (vecEnd > 0) {
      const sv = v128.splat<T>(scale);
      const ninf = v128.splat<T>(<T>-Infinity);
      let mv = ninf;
      let nan = v128.splat<i32>(0);
      for (; i < vecEnd; i += 16) {
        let x = v128.mul<T>(v128.load(row + i), sv);
        if (kind == MASK_ADD) x = v128.add<T>(x, v128.load(mrow + i));
        if (kind == MASK_BOOL) { // i32 mask lanes widened to the element's lanes: -Inf where 0
          const allowed = sizeof<T>() == 4
            ? v128.ne<i32>(v128.load(mrow + i), v128.splat<i32>(0))
            : v128.ne<i64>(i64x2.extend_low_i32x4_s(v128.load64_zero(mrow + (i >> 1))), v128.splat<i64>(0));
          x = v128.bitselect(x, ninf, allowed);
        }
        v128.store(row + i, x);
        mv = v128.pmax<T>(mv, x);
        nan = v128.or(nan, v128.ne<T>(x, x));
      }
      m = v128.any_true(nan) ? <T>NaN : hmax<T>(mv);
    }
    for (; i < endB; i += sizeof<T>()) {
      let v = load<T>(row + i) * scale;
      if (kind == MASK_ADD) v += load<T>(mrow + i);
      if (kind == MASK_BOOL && load<i32>(mrow + ((i >> shift) << 2)) == 0) v = <T>-Infinity;
      store<T>(row + i, v);
      if (v > m || v != v) m = v;
    }
    return m;
  }
  for (let j: usize = 0; j < <usize>end; j++) {
    let v = load<T>(row + (j << shift)) * scale;
    if (kind == MASK_BOOL) {
      if (load<i32>(mrow + ((j * ss) << 2)) == 0) v = <T>-Infinity;
    } else {
      v += load<T>(mrow + ((j * ss) << shift));
    }
    store<T>(row + (j << shift), v);
    if (v > m || v != v) m = v;
  }
  return m;
}

/** Rows [r0, r1) of the fused masked softmax, in place on p. */
@noinline function attnSoftmaxRange<T>(p: usize, L: i32, S: i32, scale: T, causal: bool, kind: i32, mask: usize,
  b1: i32, sb0: i32, sb1: i32, sl: i32, ss: i32, r0: i32, r1: i32): void {
  const shift = elemShift<T>();
  const mshift: usize = kind == MASK_BOOL ? 2 : shift;
  for (let r = r0; r < r1; r++) {
    const u = r / L, i = r % L;
    const row = p + ((<usize>r * <usize>S) << shift);
    const end = causal ? min<i32>(S, i + 1) : S;
    let mrow: usize = 0;
    if (kind != MASK_NONE) {
      mrow = mask + (((<usize>(u / b1) * <usize>sb0) + <usize>(u % b1) * <usize>sb1 + <usize>i * <usize>sl) << mshift);
    }
    const m = scaleRow<T>(row, end, scale, kind, mrow, <usize>ss);
    if (m == <T>-Infinity) { // nothing to attend to: NaN, as PyTorch's softmax of all -Inf
      for (let j = 0; j < S; j++) store<T>(row + (<usize>j << shift), <T>NaN);
      continue;
    }
    softmaxRow<T>(row, row, end, m, false);
    for (let j = end; j < S; j++) store<T>(row + (<usize>j << shift), <T>0);
  }
}

/** Rows [r0, r1): out = scale * p * (dp - rowsum(dp * p)); out may alias dp. */
@noinline function attnSoftmaxGradRange<T>(out: usize, p: usize, dp: usize, S: i32, scale: T, r0: i32, r1: i32): void {
  const shift = elemShift<T>();
  const end = <usize>S << shift;
  const vecEnd = end & ~15;
  const sv = v128.splat<T>(scale);
  for (let r = r0; r < r1; r++) {
    const base = (<usize>r * <usize>S) << shift;
    const y = p + base, g = dp + base, o = out + base;
    let av = v128.splat<T>(<T>0);
    let i: usize = 0;
    for (; i < vecEnd; i += 16) av = v128.add<T>(av, v128.mul<T>(v128.load(g + i), v128.load(y + i)));
    let acc = hsum<T>(av);
    for (; i < end; i += sizeof<T>()) acc += load<T>(g + i) * load<T>(y + i);
    const accv = v128.splat<T>(acc);
    for (i = 0; i < vecEnd; i += 16) {
      v128.store(o + i, v128.mul<T>(v128.mul<T>(v128.load(y + i), v128.sub<T>(v128.load(g + i), accv)), sv));
    }
    for (; i < end; i += sizeof<T>()) store<T>(o + i, (load<T>(y + i) * (load<T>(g + i) - acc)) * scale);
  }
}

/** attnSoftmax_f32(p: f32* [rows, S] in place, ..., rows [r0, r1)); kind 0 none, 1 bool (i32 mask), 2 additive (f32 mask). */
export function attnSoftmax_f32(p: usize, L: i32, S: i32, scale: f64, causal: bool, kind: i32, mask: usize,
  b1: i32, sb0: i32, sb1: i32, sl: i32, ss: i32, r0: i32, r1: i32): void {
  attnSoftmaxRange<f32>(p, L, S, <f32>scale, causal, kind, mask, b1, sb0, sb1, sl, ss, r0, r1);
}
/** attnSoftmax_f64: as attnSoftmax_f32 with f64 elements (and an f64 additive mask). */
export function attnSoftmax_f64(p: usize, L: i32, S: i32, scale: f64, causal: bool, kind: i32, mask: usize,
  b1: i32, sb0: i32, sb1: i32, sl: i32, ss: i32, r0: i32, r1: i32): void {
  attnSoftmaxRange<f64>(p, L, S, scale, causal, kind, mask, b1, sb0, sb1, sl, ss, r0, r1);
}
/** attnSoftmaxGrad_f32(out, p, dp: f32* [rows, S], S, scale, rows): out = scale * p * (dp - rowsum(dp * p)). */
export function attnSoftmaxGrad_f32(out: usize, p: usize, dp: usize, S: i32, scale: f64, rows: i32): void {
  attnSoftmaxGradRange<f32>(out, p, dp, S, <f32>scale, 0, rows);
}
/** attnSoftmaxGrad_f64: as attnSoftmaxGrad_f32 with f64 elements. */
export function attnSoftmaxGrad_f64(out: usize, p: usize, dp: usize, S: i32, scale: f64, rows: i32): void {
  attnSoftmaxGradRange<f64>(out, p, dp, S, scale, 0, rows);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of an AttnSoftmax task: `per` of the task's `rows`. */
export function attnSoftmaxChunk(args: usize, idx: i32): void {
  const r0 = <i32>range(idx, argp(args, AttnSoftmaxSlot.Rows), argp(args, AttnSoftmaxSlot.Per));
  const r1 = <i32>rangeHi;
  const p = argp(args, AttnSoftmaxSlot.P), mask = argp(args, AttnSoftmaxSlot.Mask);
  const L = argi(args, AttnSoftmaxSlot.L), S = argi(args, AttnSoftmaxSlot.S), scale = arg(args, AttnSoftmaxSlot.Scale);
  const causal = argi(args, AttnSoftmaxSlot.Causal) != 0, kind = argi(args, AttnSoftmaxSlot.Kind);
  const b1 = argi(args, AttnSoftmaxSlot.B1), sb0 = argi(args, AttnSoftmaxSlot.Sb0), sb1 = argi(args, AttnSoftmaxSlot.Sb1);
  const sl = argi(args, AttnSoftmaxSlot.Sl), ss = argi(args, AttnSoftmaxSlot.Ss);
  if (argF64(args)) attnSoftmaxRange<f64>(p, L, S, scale, causal, kind, mask, b1, sb0, sb1, sl, ss, r0, r1);
  else attnSoftmaxRange<f32>(p, L, S, <f32>scale, causal, kind, mask, b1, sb0, sb1, sl, ss, r0, r1);
}

/** Chunk idx of an AttnSoftmaxGrad task: `per` of the task's `rows`. */
export function attnSoftmaxGradChunk(args: usize, idx: i32): void {
  const r0 = <i32>range(idx, argp(args, AttnSoftmaxGradSlot.Rows), argp(args, AttnSoftmaxGradSlot.Per));
  const r1 = <i32>rangeHi;
  const out = argp(args, AttnSoftmaxGradSlot.Out), p = argp(args, AttnSoftmaxGradSlot.P), dp = argp(args, AttnSoftmaxGradSlot.Dp);
  const S = argi(args, AttnSoftmaxGradSlot.S), scale = arg(args, AttnSoftmaxGradSlot.Scale);
  if (argF64(args)) attnSoftmaxGradRange<f64>(out, p, dp, S, scale, r0, r1);
  else attnSoftmaxGradRange<f32>(out, p, dp, S, <f32>scale, r0, r1);
}
