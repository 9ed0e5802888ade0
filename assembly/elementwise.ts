// Elementwise kernels: unary maps, binary ops with broadcasting through element strides,
// strided copies (transpose/expand), fill and float32 <-> float64 casts.
// All pointers are byte addresses into linear memory; counts and strides are in elements.
// SIMD loads/stores are unaligned-safe, but heap blocks are 16-byte aligned anyway.

import {
  elemShift, vmaxNaN, vminNaN, smaxNaN, sminNaN, vsign, ssign, spow,
  vexp, vlog, vsigmoid, vtanh, sexpV, slogV, ssigmoidV, stanhV,
} from './simd';

// ---- unary ----------------------------------------------------------------------------------
// Each op is a class whose @inline methods are instantiated through changetype<OP>(0): this lets
// one generic loop be specialised per op at compile time (AssemblyScript has no static calls on
// type parameters). `v` maps a v128, `s` a scalar; both must agree lane for lane.

@final class NegOp {
  @inline v<T>(x: v128): v128 { return v128.neg<T>(x); }
  @inline s<T>(x: T): T { return -x; }
}
@final class SqrtOp {
  @inline v<T>(x: v128): v128 { return v128.sqrt<T>(x); }
  @inline s<T>(x: T): T { return sqrt<T>(x); }
}
@final class AbsOp {
  @inline v<T>(x: v128): v128 { return v128.abs<T>(x); }
  @inline s<T>(x: T): T { return abs<T>(x); }
}
/** x > 0 ? x : 0 (NaN -> 0, like the JS backend). */
@final class ReluOp {
  @inline v<T>(x: v128): v128 { return v128.and(x, v128.gt<T>(x, v128.splat<T>(<T>0))); }
  @inline s<T>(x: T): T { return x > <T>0 ? x : <T>0; }
}
@final class StepOp {
  @inline v<T>(x: v128): v128 { return v128.and(v128.gt<T>(x, v128.splat<T>(<T>0)), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T): T { return x > <T>0 ? <T>1 : <T>0; }
}
@final class SignOp {
  @inline v<T>(x: v128): v128 { return vsign<T>(x); }
  @inline s<T>(x: T): T { return ssign<T>(x); }
}
@final class SquareOp {
  @inline v<T>(x: v128): v128 { return v128.mul<T>(x, x); }
  @inline s<T>(x: T): T { return x * x; }
}
@final class ReciprocalOp {
  @inline v<T>(x: v128): v128 { return v128.div<T>(v128.splat<T>(<T>1), x); }
  @inline s<T>(x: T): T { return <T>1 / x; }
}
// exp/log/tanh/sigmoid: the vectorised polynomial exp and log of simd.ts; the scalar tail goes
// through lane 0 of the same code so every element gets the same result wherever it sits.
@final class ExpOp {
  @inline v<T>(x: v128): v128 { return vexp<T>(x); }
  @inline s<T>(x: T): T { return sexpV<T>(x); }
}
@final class TanhOp {
  @inline v<T>(x: v128): v128 { return vtanh<T>(x); }
  @inline s<T>(x: T): T { return stanhV<T>(x); }
}
@final class SigmoidOp {
  @inline v<T>(x: v128): v128 { return vsigmoid<T>(x); }
  @inline s<T>(x: T): T { return ssigmoidV<T>(x); }
}
@final class LogOp {
  @inline v<T>(x: v128): v128 { return vlog<T>(x); }
  @inline s<T>(x: T): T { return slogV<T>(x); }
}

@inline function unaryLoop<T, OP>(out: usize, a: usize, n: i32): void {
  const op = changetype<OP>(0);
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const vec2End = end & ~31;
  let i: usize = 0;
  // Two vectors per iteration: independent chains for the long exp/tanh/sigmoid bodies, half the
  // loop overhead for the short ones. Both loads come first so out may alias a.
  for (; i < vec2End; i += 32) {
    const x0 = v128.load(a + i), x1 = v128.load(a + i, 16);
    v128.store(out + i, op.v<T>(x0));
    v128.store(out + i, op.v<T>(x1), 16);
  }
  for (; i < vecEnd; i += 16) v128.store(out + i, op.v<T>(v128.load(a + i)));
  for (; i < end; i += sizeof<T>()) store<T>(out + i, op.s<T>(load<T>(a + i)));
}

// Op codes follow Unary in src/backend/backend.ts.
@inline function unary<T>(op: i32, out: usize, a: usize, n: i32): void {
  switch (op) {
    case 0: unaryLoop<T, NegOp>(out, a, n); break;
    case 1: unaryLoop<T, ExpOp>(out, a, n); break;
    case 2: unaryLoop<T, LogOp>(out, a, n); break;
    case 3: unaryLoop<T, SqrtOp>(out, a, n); break;
    case 4: unaryLoop<T, AbsOp>(out, a, n); break;
    case 5: unaryLoop<T, TanhOp>(out, a, n); break;
    case 6: unaryLoop<T, SigmoidOp>(out, a, n); break;
    case 7: unaryLoop<T, ReluOp>(out, a, n); break;
    case 8: unaryLoop<T, StepOp>(out, a, n); break;
    case 9: unaryLoop<T, SignOp>(out, a, n); break;
    case 10: unaryLoop<T, SquareOp>(out, a, n); break;
    case 11: unaryLoop<T, ReciprocalOp>(out, a, n); break;
    default: break;
  }
}

/** unary_f32(op: Unary code, out: f32*, a: f32*, n: elements): out[i] = op(a[i]); out may alias a. */
export function unary_f32(op: i32, out: usize, a: usize, n: i32): void { unary<f32>(op, out, a, n); }
/** unary_f64(op: Unary code, out: f64*, a: f64*, n: elements). */
export function unary_f64(op: i32, out: usize, a: usize, n: i32): void { unary<f64>(op, out, a, n); }

// ---- binary ---------------------------------------------------------------------------------

@final class AddOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.add<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return x + y; }
}
@final class SubOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.sub<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return x - y; }
}
@final class MulOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.mul<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return x * y; }
}
@final class DivOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.div<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return x / y; }
}
/** Math.pow has no SIMD form: apply the scalar per lane. */
@final class PowOp {
  @inline v<T>(x: v128, y: v128): v128 {
    if (sizeof<T>() == 4) {
      let r = v128.splat<f32>(0);
      r = v128.replace_lane<f32>(r, 0, spow<f32>(v128.extract_lane<f32>(x, 0), v128.extract_lane<f32>(y, 0)));
      r = v128.replace_lane<f32>(r, 1, spow<f32>(v128.extract_lane<f32>(x, 1), v128.extract_lane<f32>(y, 1)));
      r = v128.replace_lane<f32>(r, 2, spow<f32>(v128.extract_lane<f32>(x, 2), v128.extract_lane<f32>(y, 2)));
      r = v128.replace_lane<f32>(r, 3, spow<f32>(v128.extract_lane<f32>(x, 3), v128.extract_lane<f32>(y, 3)));
      return r;
    }
    let r = v128.splat<f64>(0);
    r = v128.replace_lane<f64>(r, 0, spow<f64>(v128.extract_lane<f64>(x, 0), v128.extract_lane<f64>(y, 0)));
    r = v128.replace_lane<f64>(r, 1, spow<f64>(v128.extract_lane<f64>(x, 1), v128.extract_lane<f64>(y, 1)));
    return r;
  }
  @inline s<T>(x: T, y: T): T { return spow<T>(x, y); }
}
@final class MaximumOp {
  @inline v<T>(x: v128, y: v128): v128 { return vmaxNaN<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return smaxNaN<T>(x, y); }
}
@final class MinimumOp {
  @inline v<T>(x: v128, y: v128): v128 { return vminNaN<T>(x, y); }
  @inline s<T>(x: T, y: T): T { return sminNaN<T>(x, y); }
}
@final class GreaterEqualOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.ge<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x >= y ? <T>1 : <T>0; }
}
@final class LessOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.lt<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x < y ? <T>1 : <T>0; }
}
@final class LessEqualOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.le<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x <= y ? <T>1 : <T>0; }
}
@final class GreaterOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.gt<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x > y ? <T>1 : <T>0; }
}

/**
 * One contiguous output row of n elements. The unit/zero inner-stride combinations (same-shape
 * and bias-broadcast a[i,j] + b[j] after collapsing) take the SIMD path; others gather scalars.
 */
@inline function binaryRow<T, OP>(out: usize, a: usize, b: usize, n: i32, aStride: i32, bStride: i32): void {
  const op = changetype<OP>(0);
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  let i: usize = 0;
  if (aStride == 1 && bStride == 1) {
    for (; i < vecEnd; i += 16) v128.store(out + i, op.v<T>(v128.load(a + i), v128.load(b + i)));
    for (; i < end; i += sizeof<T>()) store<T>(out + i, op.s<T>(load<T>(a + i), load<T>(b + i)));
  } else if (aStride == 1 && bStride == 0) {
    const bs = load<T>(b);
    const bv = v128.splat<T>(bs);
    for (; i < vecEnd; i += 16) v128.store(out + i, op.v<T>(v128.load(a + i), bv));
    for (; i < end; i += sizeof<T>()) store<T>(out + i, op.s<T>(load<T>(a + i), bs));
  } else if (aStride == 0 && bStride == 1) {
    const as = load<T>(a);
    const av = v128.splat<T>(as);
    for (; i < vecEnd; i += 16) v128.store(out + i, op.v<T>(av, v128.load(b + i)));
    for (; i < end; i += sizeof<T>()) store<T>(out + i, op.s<T>(as, load<T>(b + i)));
  } else {
    const aStep = <usize>(aStride << <i32>elemShift<T>());
    const bStep = <usize>(bStride << <i32>elemShift<T>());
    let pa = a, pb = b;
    for (; i < end; i += sizeof<T>()) {
      store<T>(out + i, op.s<T>(load<T>(pa), load<T>(pb)));
      pa += aStep;
      pb += bStep;
    }
  }
}

@inline function binary4<T, OP>(out: usize, a: usize, b: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32): void {
  const shift = <i32>elemShift<T>();
  const rowBytes = <usize>n3 << shift;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const aOff = <usize>((i0 * as0 + i1 * as1 + i2 * as2) << shift);
        const bOff = <usize>((i0 * bs0 + i1 * bs1 + i2 * bs2) << shift);
        binaryRow<T, OP>(out, a + aOff, b + bOff, n3, as3, bs3);
        out += rowBytes;
      }
    }
  }
}

@inline function binary<T>(op: i32, out: usize, a: usize, b: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32): void {
  switch (op) {
    case 0: binary4<T, AddOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 1: binary4<T, SubOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 2: binary4<T, MulOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 3: binary4<T, DivOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 4: binary4<T, PowOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 5: binary4<T, MaximumOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 6: binary4<T, MinimumOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 7: binary4<T, GreaterEqualOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 8: binary4<T, LessOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 9: binary4<T, LessEqualOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    case 10: binary4<T, GreaterOp>(out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3); break;
    default: break;
  }
}

/**
 * Elements [lo, hi) of the flattened [n0, n1, n2, n3] output of binary4 (for the threaded
 * path: a chunk may start and end inside a row). Each element gets the same arithmetic as in
 * binary4 (the SIMD and scalar forms of every op agree lane for lane), so any split gives the
 * same result.
 */
@inline function binaryRangeOp<T, OP>(out: usize, a: usize, b: usize,
  n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32, lo: usize, hi: usize): void {
  const shift = elemShift<T>();
  let j = <i32>(lo % <usize>n3);
  let r = lo / <usize>n3;
  let i2 = <i32>(r % <usize>n2);
  r /= <usize>n2;
  let i1 = <i32>(r % <usize>n1);
  let i0 = <i32>(r / <usize>n1);
  let pos = lo;
  while (pos < hi) {
    const len = <i32>min<usize>(<usize>(n3 - j), hi - pos);
    const aOff = <usize>i0 * <usize>as0 + <usize>i1 * <usize>as1 + <usize>i2 * <usize>as2 + <usize>j * <usize>as3;
    const bOff = <usize>i0 * <usize>bs0 + <usize>i1 * <usize>bs1 + <usize>i2 * <usize>bs2 + <usize>j * <usize>bs3;
    binaryRow<T, OP>(out + (pos << shift), a + (aOff << shift), b + (bOff << shift), len, as3, bs3);
    pos += <usize>len;
    j = 0;
    if (++i2 == n2) { i2 = 0; if (++i1 == n1) { i1 = 0; i0++; } }
  }
}

@noinline export function binaryRange<T>(op: i32, out: usize, a: usize, b: usize,
  n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32, lo: usize, hi: usize): void {
  switch (op) {
    case 0: binaryRangeOp<T, AddOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 1: binaryRangeOp<T, SubOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 2: binaryRangeOp<T, MulOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 3: binaryRangeOp<T, DivOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 4: binaryRangeOp<T, PowOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 5: binaryRangeOp<T, MaximumOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 6: binaryRangeOp<T, MinimumOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 7: binaryRangeOp<T, GreaterEqualOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 8: binaryRangeOp<T, LessOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 9: binaryRangeOp<T, LessEqualOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case 10: binaryRangeOp<T, GreaterOp>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    default: break;
  }
}

/**
 * binary_f32(op: Binary code, out: f32* contiguous [n0,n1,n2,n3], a: f32*, b: f32*,
 * n0..n3: extents, as0..as3 / bs0..bs3: element strides of a / b, 0 broadcasts).
 */
export function binary_f32(op: i32, out: usize, a: usize, b: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32): void {
  binary<f32>(op, out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3);
}
/** binary_f64: as binary_f32 with f64 elements. */
export function binary_f64(op: i32, out: usize, a: usize, b: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32): void {
  binary<f64>(op, out, a, b, n0, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3);
}

// ---- strided copy ---------------------------------------------------------------------------
// Copies move bits (u32/u64), never arithmetic, so int32 labels and NaN payloads survive.

@inline function copyRow<B>(out: usize, a: usize, n: i32, stride: i32): void {
  const shift = <i32>elemShift<B>();
  const end = <usize>n << shift;
  if (stride == 1) {
    memory.copy(out, a, end);
  } else if (stride == 0) {
    const value = load<B>(a);
    const vec = v128.splat<B>(value);
    const vecEnd = end & ~15;
    let i: usize = 0;
    for (; i < vecEnd; i += 16) v128.store(out + i, vec);
    for (; i < end; i += sizeof<B>()) store<B>(out + i, value);
  } else {
    const step = <usize>(stride << shift);
    let p = a;
    for (let i: usize = 0; i < end; i += sizeof<B>()) {
      store<B>(out + i, load<B>(p));
      p += step;
    }
  }
}

@inline function copyStrided4<B>(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  const shift = <i32>elemShift<B>();
  const rowBytes = <usize>n3 << shift;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        copyRow<B>(out, a + <usize>((i0 * s0 + i1 * s1 + i2 * s2) << shift), n3, s3);
        out += rowBytes;
      }
    }
  }
}

/** Elements [lo, hi) of copyStrided4's flattened output (the threaded path). */
@noinline export function copyStridedRange<B>(out: usize, a: usize, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, lo: usize, hi: usize): void {
  const shift = elemShift<B>();
  let j = <i32>(lo % <usize>n3);
  let r = lo / <usize>n3;
  let i2 = <i32>(r % <usize>n2);
  r /= <usize>n2;
  let i1 = <i32>(r % <usize>n1);
  let i0 = <i32>(r / <usize>n1);
  let pos = lo;
  while (pos < hi) {
    const len = <i32>min<usize>(<usize>(n3 - j), hi - pos);
    const off = <usize>i0 * <usize>s0 + <usize>i1 * <usize>s1 + <usize>i2 * <usize>s2 + <usize>j * <usize>s3;
    copyRow<B>(out + (pos << shift), a + (off << shift), len, s3);
    pos += <usize>len;
    j = 0;
    if (++i2 == n2) { i2 = 0; if (++i1 == n1) { i1 = 0; i0++; } }
  }
}

/** copyStrided_f32(out: 4-byte elements contiguous [n0..n3], a: 4-byte elements read at a + (i.s)*4). Also used for int32. */
export function copyStrided_f32(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  copyStrided4<u32>(out, a, n0, n1, n2, n3, s0, s1, s2, s3);
}
/** copyStrided_f64: as copyStrided_f32 with 8-byte elements. */
export function copyStrided_f64(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  copyStrided4<u64>(out, a, n0, n1, n2, n3, s0, s1, s2, s3);
}

// ---- fill and cast --------------------------------------------------------------------------

@inline function fill<T>(out: usize, n: i32, value: T): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  const vec = v128.splat<T>(value);
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(out + i, vec);
  for (; i < end; i += sizeof<T>()) store<T>(out + i, value);
}

/** fill_f32(out: f32*, n: elements, value). */
export function fill_f32(out: usize, n: i32, value: f32): void { fill<f32>(out, n, value); }
/** fill_f64(out: f64*, n: elements, value). */
export function fill_f64(out: usize, n: i32, value: f64): void { fill<f64>(out, n, value); }
/** fill_i32(out: i32*, n: elements, value). */
export function fill_i32(out: usize, n: i32, value: i32): void { fill<i32>(out, n, value); }

/** cast_f32_f64(out: f64*, a: f32*, n: elements): widen. */
export function cast_f32_f64(out: usize, a: usize, n: i32): void {
  let i = 0;
  // Two f32 in, two f64 out per step.
  for (; i + 2 <= n; i += 2) {
    v128.store(out + (<usize>i << 3), f64x2.promote_low_f32x4(v128.load64_zero(a + (<usize>i << 2))));
  }
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<f32>(a + (<usize>i << 2)));
}

/** cast_f64_f32(out: f32*, a: f64*, n: elements): narrow, round to nearest. */
export function cast_f64_f32(out: usize, a: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(a + (<usize>i << 3)));
    const hi = f32x4.demote_f64x2_zero(v128.load(a + (<usize>i << 3), 16));
    v128.store(out + (<usize>i << 2), v128.shuffle<i64>(lo, hi, 0, 2));
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(a + (<usize>i << 3)));
}
