// Softmax and its backward along n of a viewed as [outer, n, inner] (cross_entropy.ts builds on it).
// Pointers are byte addresses; counts in elements. exp is the vectorised polynomial of vmath.ts:
// inner == 1 (rows contiguous, the common case) runs SIMD along the row with vector
// accumulators; inner > 1 runs SIMD across inner (one lane per column, stepping down n), with a
// scalar strided loop for the last inner % lanes columns. Scalar tails use lane 0 of the same
// vector code, so no element depends on where it sits. log stays scalar (once per row/column).

import { SoftmaxGradSlot, SoftmaxSlot } from './opcodes';
import { argb, argF64, argi, argp, range, rangeHi } from './task';
import { elemShift, hsum, lanes, vmaxNaN, slog } from './simd';
import { vexp, vexpFlush, sexpV, sexpFlushV } from './vmath';

// ---- helpers ---------------------------------------------------------------------------------

/** Horizontal NaN-propagating max of the lanes of v. */
@inline function hmaxNaN<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    v = vmaxNaN<T>(v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
    v = vmaxNaN<T>(v, v128.shuffle<i32>(v, v, 1, 0, 3, 2));
  } else {
    v = vmaxNaN<T>(v, v128.shuffle<i64>(v, v, 1, 0));
  }
  return v128.extract_lane<T>(v, 0);
}

/**
 * The shift for a softmax: NaN-propagating max of a contiguous row of n elements, 0 when all are
 * -Infinity (or n = 0): -Inf - -Inf would give NaN, while shifting by 0 keeps exp(-Inf) = 0.
 * Two pmax accumulators keep the loop-carried chain at one maxps; NaN lanes are collected
 * separately (pmax(m, NaN) keeps m).
 */
@inline export function rowMax<T>(p: usize, n: i32): T {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const vec2End = end & ~31;
  let m: T = <T>-Infinity;
  let i: usize = 0;
  if (vecEnd > 0) {
    let m0 = v128.splat<T>(<T>-Infinity), m1 = m0;
    let nan = v128.splat<i32>(0);
    for (; i < vec2End; i += 32) {
      const x0 = v128.load(p + i), x1 = v128.load(p + i, 16);
      m0 = v128.pmax<T>(m0, x0);
      m1 = v128.pmax<T>(m1, x1);
      nan = v128.or(nan, v128.or(v128.ne<T>(x0, x0), v128.ne<T>(x1, x1)));
    }
    if (i < vecEnd) {
      const x0 = v128.load(p + i);
      m0 = v128.pmax<T>(m0, x0);
      nan = v128.or(nan, v128.ne<T>(x0, x0));
      i += 16;
    }
    if (v128.any_true(nan)) return <T>NaN;
    m = hmaxNaN<T>(v128.pmax<T>(m0, m1));
  }
  for (; i < end; i += sizeof<T>()) {
    const v = load<T>(p + i);
    if (v > m || v != v) m = v;
  }
  return m == <T>-Infinity ? <T>0 : m;
}

/** rowMax for one lane per column: n vectors `step` bytes apart, max per lane. */
@inline function colMax<T>(p: usize, n: i32, step: usize): v128 {
  let mv = v128.splat<T>(<T>-Infinity);
  for (let r = 0; r < n; r++) {
    mv = vmaxNaN<T>(mv, v128.load(p));
    p += step;
  }
  return v128.andnot(mv, v128.eq<T>(mv, v128.splat<T>(<T>-Infinity)));
}

/** Scalar strided max (the inner % lanes columns). */
@inline function stridedMax<T>(p: usize, n: i32, step: usize): T {
  let m: T = <T>-Infinity;
  for (let r = 0; r < n; r++) {
    const v = load<T>(p);
    if (v > m || v != v) m = v;
    p += step;
  }
  return m == <T>-Infinity ? <T>0 : m;
}

/** Per-lane scalar log (log is not vectorised; this runs once per column group). */
@inline function vlogLanes<T>(v: v128): v128 {
  if (sizeof<T>() == 4) {
    v = v128.replace_lane<f32>(v, 0, <f32>slog<T>(<T>v128.extract_lane<f32>(v, 0)));
    v = v128.replace_lane<f32>(v, 1, <f32>slog<T>(<T>v128.extract_lane<f32>(v, 1)));
    v = v128.replace_lane<f32>(v, 2, <f32>slog<T>(<T>v128.extract_lane<f32>(v, 2)));
    return v128.replace_lane<f32>(v, 3, <f32>slog<T>(<T>v128.extract_lane<f32>(v, 3)));
  }
  v = v128.replace_lane<f64>(v, 0, <f64>slog<T>(<T>v128.extract_lane<f64>(v, 0)));
  return v128.replace_lane<f64>(v, 1, <f64>slog<T>(<T>v128.extract_lane<f64>(v, 1)));
}

// ---- softmax / logSoftmax --------------------------------------------------------------------

/**
 * One contiguous row: dst = softmax(src) or logSoftmax(src) with the shift m = rowMax(src);
 * dst may alias src. Returns the sum of exp(x - m) (crossEntropy's loss needs it).
 */
@inline export function softmaxRow<T>(dst: usize, src: usize, n: i32, m: T, log: bool): T {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const mv = v128.splat<T>(m);
  let sv = v128.splat<T>(<T>0);
  let i: usize = 0;
  let sum: T = <T>0;
  if (log) {
    for (; i < vecEnd; i += 16) sv = v128.add<T>(sv, vexpFlush<T>(v128.sub<T>(v128.load(src + i), mv)));
    sum = hsum<T>(sv);
    for (; i < end; i += sizeof<T>()) sum += sexpFlushV<T>(load<T>(src + i) - m);
    // (x - m) - log(sum), not x - (m + log(sum)): for large logits m + log(sum) rounds
    // to m's ulp in float32, while x - m is exact.
    const logSum = slog<T>(sum);
    const lv = v128.splat<T>(logSum);
    for (i = 0; i < vecEnd; i += 16) {
      v128.store(dst + i, v128.sub<T>(v128.sub<T>(v128.load(src + i), mv), lv));
    }
    for (; i < end; i += sizeof<T>()) store<T>(dst + i, (load<T>(src + i) - m) - logSum);
  } else {
    for (; i < vecEnd; i += 16) {
      const e = vexpFlush<T>(v128.sub<T>(v128.load(src + i), mv));
      v128.store(dst + i, e);
      sv = v128.add<T>(sv, e);
    }
    sum = hsum<T>(sv);
    for (; i < end; i += sizeof<T>()) {
      const e = sexpFlushV<T>(load<T>(src + i) - m);
      store<T>(dst + i, e);
      sum += e;
    }
    const inv = <T>1 / sum;
    const iv = v128.splat<T>(inv);
    for (i = 0; i < vecEnd; i += 16) v128.store(dst + i, v128.mul<T>(v128.load(dst + i), iv));
    for (; i < end; i += sizeof<T>()) store<T>(dst + i, load<T>(dst + i) * inv);
  }
  return sum;
}

/** One group of `lanes` adjacent columns (inner > 1): n vectors `step` bytes apart. */
@inline function softmaxCols<T>(dst: usize, src: usize, n: i32, step: usize, log: bool): void {
  const mv = colMax<T>(src, n, step);
  let sv = v128.splat<T>(<T>0);
  let p = src, q = dst;
  if (log) {
    for (let r = 0; r < n; r++) { sv = v128.add<T>(sv, vexpFlush<T>(v128.sub<T>(v128.load(p), mv))); p += step; }
    const lv = vlogLanes<T>(sv);
    p = src;
    for (let r = 0; r < n; r++) {
      v128.store(q, v128.sub<T>(v128.sub<T>(v128.load(p), mv), lv));
      p += step;
      q += step;
    }
  } else {
    for (let r = 0; r < n; r++) {
      const e = vexpFlush<T>(v128.sub<T>(v128.load(p), mv));
      v128.store(q, e);
      sv = v128.add<T>(sv, e);
      p += step;
      q += step;
    }
    const iv = v128.div<T>(v128.splat<T>(<T>1), sv);
    q = dst;
    for (let r = 0; r < n; r++) { v128.store(q, v128.mul<T>(v128.load(q), iv)); q += step; }
  }
}

/** One column (scalar, strided): the inner % lanes leftovers. */
@inline function softmaxCol<T>(dst: usize, src: usize, n: i32, step: usize, log: bool): void {
  const m = stridedMax<T>(src, n, step);
  let sum: T = <T>0;
  let p = src, q = dst;
  if (log) {
    for (let r = 0; r < n; r++) { sum += sexpFlushV<T>(load<T>(p) - m); p += step; }
    const logSum = slog<T>(sum);
    p = src;
    for (let r = 0; r < n; r++) { store<T>(q, (load<T>(p) - m) - logSum); p += step; q += step; }
  } else {
    for (let r = 0; r < n; r++) {
      const e = sexpFlushV<T>(load<T>(p) - m);
      store<T>(q, e);
      sum += e;
      p += step;
      q += step;
    }
    const inv = <T>1 / sum;
    q = dst;
    for (let r = 0; r < n; r++) { store<T>(q, load<T>(q) * inv); q += step; }
  }
}

@inline function softmax<T>(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  const shift = elemShift<T>();
  const L = lanes<T>();
  if (inner == 1) {
    const rowBytes = <usize>n << shift;
    for (let o = 0; o < outer; o++) {
      const offset = <usize>o * rowBytes;
      softmaxRow<T>(out + offset, a + offset, n, rowMax<T>(a + offset, n), log);
    }
    return;
  }
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    const base = (<usize>o * <usize>n * <usize>inner) << shift;
    let i = 0;
    for (; i + L <= inner; i += L) {
      const offset = base + (<usize>i << shift);
      softmaxCols<T>(out + offset, a + offset, n, step, log);
    }
    for (; i < inner; i++) {
      const offset = base + (<usize>i << shift);
      softmaxCol<T>(out + offset, a + offset, n, step, log);
    }
  }
}

/**
 * Units of the threaded path: with inner == 1 a unit is a row o; otherwise, for each o, a group
 * of `lanes` adjacent columns, or the last (scalar) columns when inner % lanes != 0. softmax
 * above runs exactly these units in order, so any split gives the same bits.
 */
@inline function softmaxUnits<T>(outer: i32, inner: i32): i32 {
  return inner == 1 ? outer : outer * ((inner + lanes<T>() - 1) / lanes<T>());
}

/** softmax (log = false) or logSoftmax of units [u0, u1). */
@noinline function softmaxRange<T>(out: usize, a: usize, n: i32, inner: i32, log: bool, u0: i32, u1: i32): void {
  const shift = elemShift<T>();
  const L = lanes<T>();
  if (inner == 1) {
    const rowBytes = <usize>n << shift;
    for (let o = u0; o < u1; o++) {
      const offset = <usize>o * rowBytes;
      softmaxRow<T>(out + offset, a + offset, n, rowMax<T>(a + offset, n), log);
    }
    return;
  }
  const groups = (inner + L - 1) / L;
  const step = <usize>inner << shift;
  for (let u = u0; u < u1; u++) {
    const o = u / groups, i0 = (u % groups) * L;
    const base = (<usize>o * <usize>n * <usize>inner) << shift;
    if (i0 + L <= inner) {
      const offset = base + (<usize>i0 << shift);
      softmaxCols<T>(out + offset, a + offset, n, step, log);
    } else {
      for (let i = i0; i < inner; i++) {
        const offset = base + (<usize>i << shift);
        softmaxCol<T>(out + offset, a + offset, n, step, log);
      }
    }
  }
}

/** softmax_f32(out: f32*, a: f32* [outer, n, inner], log: 0 softmax / 1 logSoftmax); out may alias a. */
export function softmax_f32(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmax<f32>(out, a, outer, n, inner, log);
}
/** softmax_f64: as softmax_f32 with f64 elements. */
export function softmax_f64(out: usize, a: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmax<f64>(out, a, outer, n, inner, log);
}

// ---- softmax backward ------------------------------------------------------------------------
// log:  dx = dy - exp(y) * sum(dy)       (y = logSoftmax output; exp with all edges, y is free)
// else: dx = y * (dy - sum(dy * y))      (y = softmax output)

/** One contiguous row. */
@inline function softmaxGradRow<T>(out: usize, y: usize, dy: usize, n: i32, log: bool): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  let av = v128.splat<T>(<T>0);
  let acc: T = <T>0;
  let i: usize = 0;
  if (log) {
    for (; i < vecEnd; i += 16) av = v128.add<T>(av, v128.load(dy + i));
    acc = hsum<T>(av);
    for (; i < end; i += sizeof<T>()) acc += load<T>(dy + i);
    const accv = v128.splat<T>(acc);
    for (i = 0; i < vecEnd; i += 16) {
      v128.store(out + i, v128.sub<T>(v128.load(dy + i), v128.mul<T>(vexp<T>(v128.load(y + i)), accv)));
    }
    for (; i < end; i += sizeof<T>()) store<T>(out + i, load<T>(dy + i) - sexpV<T>(load<T>(y + i)) * acc);
  } else {
    for (; i < vecEnd; i += 16) av = v128.add<T>(av, v128.mul<T>(v128.load(dy + i), v128.load(y + i)));
    acc = hsum<T>(av);
    for (; i < end; i += sizeof<T>()) acc += load<T>(dy + i) * load<T>(y + i);
    const accv = v128.splat<T>(acc);
    for (i = 0; i < vecEnd; i += 16) {
      v128.store(out + i, v128.mul<T>(v128.load(y + i), v128.sub<T>(v128.load(dy + i), accv)));
    }
    for (; i < end; i += sizeof<T>()) store<T>(out + i, load<T>(y + i) * (load<T>(dy + i) - acc));
  }
}

/** `lanes` adjacent columns (inner > 1), n vectors `step` bytes apart. */
@inline function softmaxGradCols<T>(out: usize, y: usize, dy: usize, n: i32, step: usize, log: bool): void {
  let av = v128.splat<T>(<T>0);
  let p: usize = 0;
  if (log) {
    for (let r = 0; r < n; r++) { av = v128.add<T>(av, v128.load(dy + p)); p += step; }
    p = 0;
    for (let r = 0; r < n; r++) {
      v128.store(out + p, v128.sub<T>(v128.load(dy + p), v128.mul<T>(vexp<T>(v128.load(y + p)), av)));
      p += step;
    }
  } else {
    for (let r = 0; r < n; r++) { av = v128.add<T>(av, v128.mul<T>(v128.load(dy + p), v128.load(y + p))); p += step; }
    p = 0;
    for (let r = 0; r < n; r++) {
      v128.store(out + p, v128.mul<T>(v128.load(y + p), v128.sub<T>(v128.load(dy + p), av)));
      p += step;
    }
  }
}

/** One column (scalar, strided). */
@inline function softmaxGradCol<T>(out: usize, y: usize, dy: usize, n: i32, step: usize, log: bool): void {
  let acc: T = <T>0;
  let p: usize = 0;
  if (log) {
    for (let r = 0; r < n; r++) { acc += load<T>(dy + p); p += step; }
    p = 0;
    for (let r = 0; r < n; r++) { store<T>(out + p, load<T>(dy + p) - sexpV<T>(load<T>(y + p)) * acc); p += step; }
  } else {
    for (let r = 0; r < n; r++) { acc += load<T>(dy + p) * load<T>(y + p); p += step; }
    p = 0;
    for (let r = 0; r < n; r++) { store<T>(out + p, load<T>(y + p) * (load<T>(dy + p) - acc)); p += step; }
  }
}

@inline function softmaxGrad<T>(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  const shift = elemShift<T>();
  const L = lanes<T>();
  if (inner == 1) {
    const rowBytes = <usize>n << shift;
    for (let o = 0; o < outer; o++) {
      const offset = <usize>o * rowBytes;
      softmaxGradRow<T>(out + offset, y + offset, dy + offset, n, log);
    }
    return;
  }
  const step = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    const base = (<usize>o * <usize>n * <usize>inner) << shift;
    let i = 0;
    for (; i + L <= inner; i += L) {
      const offset = base + (<usize>i << shift);
      softmaxGradCols<T>(out + offset, y + offset, dy + offset, n, step, log);
    }
    for (; i < inner; i++) {
      const offset = base + (<usize>i << shift);
      softmaxGradCol<T>(out + offset, y + offset, dy + offset, n, step, log);
    }
  }
}

/** softmaxGrad of units [u0, u1) (the units of softmaxUnits). */
@noinline function softmaxGradRange<T>(out: usize, y: usize, dy: usize, n: i32, inner: i32, log: bool,
  u0: i32, u1: i32): void {
  const shift = elemShift<T>();
  const L = lanes<T>();
  if (inner == 1) {
    const rowBytes = <usize>n << shift;
    for (let o = u0; o < u1; o++) {
      const offset = <usize>o * rowBytes;
      softmaxGradRow<T>(out + offset, y + offset, dy + offset, n, log);
    }
    return;
  }
  const groups = (inner + L - 1) / L;
  const step = <usize>inner << shift;
  for (let u = u0; u < u1; u++) {
    const o = u / groups, i0 = (u % groups) * L;
    const base = (<usize>o * <usize>n * <usize>inner) << shift;
    if (i0 + L <= inner) {
      const offset = base + (<usize>i0 << shift);
      softmaxGradCols<T>(out + offset, y + offset, dy + offset, n, step, log);
    } else {
      for (let i = i0; i < inner; i++) {
        const offset = base + (<usize>i << shift);
        softmaxGradCol<T>(out + offset, y + offset, dy + offset, n, step, log);
      }
    }
  }
}

/** softmaxGrad_f32(out: f32*, y: f32* cached forward output, dy: f32*, [outer, n, inner], log: 0/1). */
export function softmaxGrad_f32(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmaxGrad<f32>(out, y, dy, outer, n, inner, log);
}
/** softmaxGrad_f64: as softmaxGrad_f32 with f64 elements. */
export function softmaxGrad_f64(out: usize, y: usize, dy: usize, outer: i32, n: i32, inner: i32, log: bool): void {
  softmaxGrad<f64>(out, y, dy, outer, n, inner, log);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a Softmax task: `per` of the task's `units` (softmaxUnits). */
export function softmaxChunk(args: usize, idx: i32): void {
  const u0 = range(idx, argp(args, SoftmaxSlot.Units), argp(args, SoftmaxSlot.Per));
  const out = argp(args, SoftmaxSlot.Out), a = argp(args, SoftmaxSlot.A);
  const n = argi(args, SoftmaxSlot.N), inner = argi(args, SoftmaxSlot.Inner), log = argb(args, SoftmaxSlot.Log);
  if (argF64(args)) softmaxRange<f64>(out, a, n, inner, log, <i32>u0, <i32>rangeHi);
  else softmaxRange<f32>(out, a, n, inner, log, <i32>u0, <i32>rangeHi);
}

/** Chunk idx of a SoftmaxGrad task: `per` of the task's `units`. */
export function softmaxGradChunk(args: usize, idx: i32): void {
  const u0 = range(idx, argp(args, SoftmaxGradSlot.Units), argp(args, SoftmaxGradSlot.Per));
  const out = argp(args, SoftmaxGradSlot.Out), y = argp(args, SoftmaxGradSlot.Y), dy = argp(args, SoftmaxGradSlot.Dy);
  const n = argi(args, SoftmaxGradSlot.N), inner = argi(args, SoftmaxGradSlot.Inner), log = argb(args, SoftmaxGradSlot.Log);
  if (argF64(args)) softmaxGradRange<f64>(out, y, dy, n, inner, log, <i32>u0, <i32>rangeHi);
  else softmaxGradRange<f32>(out, y, dy, n, inner, log, <i32>u0, <i32>rangeHi);
}
