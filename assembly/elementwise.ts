// Elementwise kernels: unary maps and binary ops with broadcasting through element strides
// (strided copies, fill and casts are in copy.ts), each with its thread-task chunk function.
// All pointers are byte addresses into linear memory; counts and strides are in elements.
// SIMD loads/stores are unaligned-safe, but heap blocks are 16-byte aligned anyway.

import { Binary, BinarySlot, Unary, UnarySlot } from './opcodes';
import { loadTail, storeTail, stridedRows, total } from './strided';
import { argF64, argi, argp, range, rangeHi, rowRange } from './task';
import { elemShift, vmaxNaN, vminNaN, smaxNaN, sminNaN, vsign, ssign, spow } from './simd';
import { vexp, vlog, vsigmoid, vtanh, sexpV, slogV, ssigmoidV, stanhV } from './vmath';
import { serfF32, verfF32 } from './erf';

// ---- unary ----------------------------------------------------------------------------------
// Each op is a class whose @inline methods are instantiated through changetype<OP>(0): this lets
// one generic loop be specialised per op at compile time (AssemblyScript has no static calls on
// type parameters). `v` maps a v128, `s` a scalar; both must agree lane for lane. unaryLoop runs
// every element through `v` (the last partial vector too, its unused lanes 0 and never stored);
// `s` is what `lanes` applies to ops without a vector body.

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
/** x <= 0 ? 0 : x: NaN stays NaN (as PyTorch's relu), -0 becomes 0. */
@final class ReluOp {
  @inline v<T>(x: v128): v128 { return v128.andnot(x, v128.le<T>(x, v128.splat<T>(<T>0))); }
  @inline s<T>(x: T): T { return x <= <T>0 ? <T>0 : x; }
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
// exp/log/tanh/sigmoid: the vectorised polynomial exp and log of vmath.ts; the scalar tail goes
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
  const vec2End = end & ~31;
  let i: usize = 0;
  // Two vectors per iteration: independent chains for the long exp/tanh/sigmoid bodies, half the
  // loop overhead for the short ones. Both loads come first so out may alias a.
  for (; i < vec2End; i += 32) {
    const x0 = v128.load(a + i), x1 = v128.load(a + i, 16);
    v128.store(out + i, op.v<T>(x0));
    v128.store(out + i, op.v<T>(x1), 16);
  }
  // The rest (a whole vector, then a partial one) through one more copy of the vector body.
  for (; i < end; i += 16) {
    const rest = end - i;
    const y = op.v<T>(rest >= 16 ? v128.load(a + i) : loadTail<T>(a + i, rest));
    if (rest >= 16) v128.store(out + i, y);
    else storeTail<T>(out + i, y, rest);
  }
}

/** Applies the scalar f lane by lane: for ops without a vector body (sin, cos). */
@inline function lanes<T, OP>(x: v128): v128 {
  const op = changetype<OP>(0);
  if (sizeof<T>() == 4) {
    let r = v128.splat<f32>(0);
    r = v128.replace_lane<f32>(r, 0, op.s<f32>(v128.extract_lane<f32>(x, 0)));
    r = v128.replace_lane<f32>(r, 1, op.s<f32>(v128.extract_lane<f32>(x, 1)));
    r = v128.replace_lane<f32>(r, 2, op.s<f32>(v128.extract_lane<f32>(x, 2)));
    return v128.replace_lane<f32>(r, 3, op.s<f32>(v128.extract_lane<f32>(x, 3)));
  }
  const r = v128.splat<f64>(op.s<f64>(v128.extract_lane<f64>(x, 0)));
  return v128.replace_lane<f64>(r, 1, op.s<f64>(v128.extract_lane<f64>(x, 1)));
}
/** sin in the element type (Mathf.sin for f32, as PyTorch's float sin). */
@final class SinOp {
  @inline v<T>(x: v128): v128 { return lanes<T, SinOp>(x); }
  @inline s<T>(x: T): T { return sizeof<T>() == 4 ? <T>Mathf.sin(<f32>x) : <T>Math.sin(<f64>x); }
}
@final class CosOp {
  @inline v<T>(x: v128): v128 { return lanes<T, CosOp>(x); }
  @inline s<T>(x: T): T { return sizeof<T>() == 4 ? <T>Mathf.cos(<f32>x) : <T>Math.cos(<f64>x); }
}
/** tan in float64, rounded once for float32 (one stdlib tan in the binary, not two). */
@final class TanOp {
  @inline v<T>(x: v128): v128 { return lanes<T, TanOp>(x); }
  @inline s<T>(x: T): T { return <T>Math.tan(<f64>x); }
}

@final class FloorOp {
  @inline v<T>(x: v128): v128 { return v128.floor<T>(x); }
  @inline s<T>(x: T): T { return floor<T>(x); }
}
@final class CeilOp {
  @inline v<T>(x: v128): v128 { return v128.ceil<T>(x); }
  @inline s<T>(x: T): T { return ceil<T>(x); }
}
/** wasm's nearest rounds half to even, as torch.round. */
@final class RoundOp {
  @inline v<T>(x: v128): v128 { return v128.nearest<T>(x); }
  @inline s<T>(x: T): T { return nearest<T>(x); }
}
@final class RsqrtOp {
  @inline v<T>(x: v128): v128 { return v128.div<T>(v128.splat<T>(<T>1), v128.sqrt<T>(x)); }
  @inline s<T>(x: T): T { return <T>1 / sqrt<T>(x); }
}
// log1p, expm1, logSigmoid: evaluated in float64 (the stdlib's log1p/expm1) and rounded once
// for float32, so float32 is within half an ulp plus the float64 error. erf: float32 has its own
// vectorised kernel (erf.ts, within 2 ulp, ~8x faster: exact gelu runs on it); float64 is erf64.
@final class Log1pOp {
  @inline v<T>(x: v128): v128 { return lanes<T, Log1pOp>(x); }
  @inline s<T>(x: T): T { return <T>Math.log1p(<f64>x); }
}
@final class Expm1Op {
  @inline v<T>(x: v128): v128 { return lanes<T, Expm1Op>(x); }
  @inline s<T>(x: T): T { return <T>Math.expm1(<f64>x); }
}
@final class ErfOp {
  @inline v<T>(x: v128): v128 { return sizeof<T>() == 4 ? verfF32(x) : lanes<T, ErfOp>(x); }
  @inline s<T>(x: T): T { return sizeof<T>() == 4 ? <T>serfF32(<f32>x) : <T>erf64(<f64>x); }
}
/** log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|): no overflow, no log(0) for any finite x. */
@final class LogSigmoidOp {
  @inline v<T>(x: v128): v128 { return lanes<T, LogSigmoidOp>(x); }
  @inline s<T>(x: T): T { const d = <f64>x; return <T>(min<f64>(d, 0) - Math.log1p(Math.exp(-abs<f64>(d)))); }
}

const SQRT_PI: f64 = 1.7724538509055160273;
const TWO_OVER_SQRT_PI: f64 = 1.1283791670955125739;
/**
 * erf in float64, within ~5 ulp (test/unary-activations.test.ts measures it against 40-digit
 * references). |x| < 2.5: e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)), a series of same-signed terms
 * (no cancellation) with x² split exactly; 2.5 <= |x| < 6: 1 - erfc from its continued fraction
 * e^{-x²} / (√π (x + ½/(x + 1/(x + 3/2/(x + …))))), 40 terms; beyond, ±1 (erfc(6) < 2e-17).
 */
function erf64(x: f64): f64 {
  if (x != x) return x;
  const a = abs<f64>(x);
  if (a < 2.5) {
    const t = x * 134217729.0, xh = t - (t - x), xl = x - xh;
    const hi = x * x, lo = ((xh * xh - hi) + 2.0 * xh * xl) + xl * xl;
    const e = Math.exp(-hi) * (1.0 - lo);
    const x2 = 2.0 * hi;
    let term = x, sum = x;
    for (let n = 1; n < 64; n++) {
      term *= x2 / <f64>(2 * n + 1);
      sum += term;
      if (abs<f64>(term) <= abs<f64>(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * e * sum;
  }
  let r: f64 = 1.0;
  if (a < 6.0) {
    let t = a;
    for (let k = 40; k >= 1; k--) t = a + (<f64>k * 0.5) / t;
    r = 1.0 - Math.exp(-a * a) / (SQRT_PI * t);
  }
  return x < 0 ? -r : r;
}

@inline function unary<T>(op: i32, out: usize, a: usize, n: i32): void {
  switch (op) {
    case Unary.Neg: unaryLoop<T, NegOp>(out, a, n); break;
    case Unary.Exp: unaryLoop<T, ExpOp>(out, a, n); break;
    case Unary.Log: unaryLoop<T, LogOp>(out, a, n); break;
    case Unary.Sqrt: unaryLoop<T, SqrtOp>(out, a, n); break;
    case Unary.Abs: unaryLoop<T, AbsOp>(out, a, n); break;
    case Unary.Tanh: unaryLoop<T, TanhOp>(out, a, n); break;
    case Unary.Sigmoid: unaryLoop<T, SigmoidOp>(out, a, n); break;
    case Unary.Relu: unaryLoop<T, ReluOp>(out, a, n); break;
    case Unary.Step: unaryLoop<T, StepOp>(out, a, n); break;
    case Unary.Sign: unaryLoop<T, SignOp>(out, a, n); break;
    case Unary.Square: unaryLoop<T, SquareOp>(out, a, n); break;
    case Unary.Reciprocal: unaryLoop<T, ReciprocalOp>(out, a, n); break;
    case Unary.Sin: unaryLoop<T, SinOp>(out, a, n); break;
    case Unary.Cos: unaryLoop<T, CosOp>(out, a, n); break;
    case Unary.Floor: unaryLoop<T, FloorOp>(out, a, n); break;
    case Unary.Ceil: unaryLoop<T, CeilOp>(out, a, n); break;
    case Unary.Round: unaryLoop<T, RoundOp>(out, a, n); break;
    case Unary.Rsqrt: unaryLoop<T, RsqrtOp>(out, a, n); break;
    case Unary.Log1p: unaryLoop<T, Log1pOp>(out, a, n); break;
    case Unary.Expm1: unaryLoop<T, Expm1Op>(out, a, n); break;
    case Unary.Erf: unaryLoop<T, ErfOp>(out, a, n); break;
    case Unary.LogSigmoid: unaryLoop<T, LogSigmoidOp>(out, a, n); break;
    case Unary.Tan: unaryLoop<T, TanOp>(out, a, n); break;
    default: unreachable(); // an op code without a kernel
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
@final class EqualOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.eq<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x == y ? <T>1 : <T>0; }
}
@final class NotEqualOp {
  @inline v<T>(x: v128, y: v128): v128 { return v128.and(v128.ne<T>(x, y), v128.splat<T>(<T>1)); }
  @inline s<T>(x: T, y: T): T { return x != y ? <T>1 : <T>0; }
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

/** Row visitor of stridedRows for a binary op. */
@final class BinaryRows<OP> {
  @inline row<T>(out: usize, a: usize, b: usize, len: i32, aStride: i32, bStride: i32): void {
    binaryRow<T, OP>(out, a, b, len, aStride, bStride);
  }
}

/**
 * Elements [lo, hi) of the flattened [n0, n1, n2, n3] output (the whole of it for binary_f32,
 * one chunk on the threaded path: a chunk may start and end inside a row). Each element gets
 * the same arithmetic wherever the range starts (the SIMD and scalar forms of every op agree
 * lane for lane), so any split gives the same result.
 */
@noinline function binaryRange<T>(op: i32, out: usize, a: usize, b: usize,
  n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32, lo: usize, hi: usize): void {
  switch (op) {
    case Binary.Add: stridedRows<T, BinaryRows<AddOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Sub: stridedRows<T, BinaryRows<SubOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Mul: stridedRows<T, BinaryRows<MulOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Div: stridedRows<T, BinaryRows<DivOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Pow: stridedRows<T, BinaryRows<PowOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Maximum: stridedRows<T, BinaryRows<MaximumOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Minimum: stridedRows<T, BinaryRows<MinimumOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.GreaterEqual: stridedRows<T, BinaryRows<GreaterEqualOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Less: stridedRows<T, BinaryRows<LessOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.LessEqual: stridedRows<T, BinaryRows<LessEqualOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Greater: stridedRows<T, BinaryRows<GreaterOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.Equal: stridedRows<T, BinaryRows<EqualOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    case Binary.NotEqual: stridedRows<T, BinaryRows<NotEqualOp>>(out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi); break;
    default: unreachable(); // an op code without a kernel
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
  binaryRange<f32>(op, out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, 0, total(n0, n1, n2, n3));
}
/** binary_f64: as binary_f32 with f64 elements. */
export function binary_f64(op: i32, out: usize, a: usize, b: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32): void {
  binaryRange<f64>(op, out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, 0, total(n0, n1, n2, n3));
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a Unary task: `chunk` elements of out = op(a). */
export function unaryChunk(args: usize, idx: i32): void {
  const lo = range(idx, argp(args, UnarySlot.N), argp(args, UnarySlot.Chunk));
  const f64 = argF64(args);
  const off = lo << (f64 ? 3 : 2), n = <i32>(rangeHi - lo);
  const op = argi(args, UnarySlot.Op), out = argp(args, UnarySlot.Out) + off, a = argp(args, UnarySlot.A) + off;
  if (f64) unary_f64(op, out, a, n);
  else unary_f32(op, out, a, n);
}

/** Chunk idx of a Binary task: a run of rows, or a segment of one row (rowRange). */
export function binaryChunk(args: usize, idx: i32): void {
  const n0 = argi(args, BinarySlot.N0), n1 = argi(args, BinarySlot.N1), n2 = argi(args, BinarySlot.N2), n3 = argi(args, BinarySlot.N3);
  const lo = rowRange(idx, <usize>n0 * <usize>n1 * <usize>n2, <usize>n3, argp(args, BinarySlot.RowsPer), argp(args, BinarySlot.Seg));
  const hi = rangeHi;
  const op = argi(args, BinarySlot.Op), out = argp(args, BinarySlot.Out), a = argp(args, BinarySlot.A), b = argp(args, BinarySlot.B);
  const as0 = argi(args, BinarySlot.As0), as1 = argi(args, BinarySlot.As1), as2 = argi(args, BinarySlot.As2), as3 = argi(args, BinarySlot.As3);
  const bs0 = argi(args, BinarySlot.Bs0), bs1 = argi(args, BinarySlot.Bs1), bs2 = argi(args, BinarySlot.Bs2), bs3 = argi(args, BinarySlot.Bs3);
  if (argF64(args)) binaryRange<f64>(op, out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi);
  else binaryRange<f32>(op, out, a, b, n1, n2, n3, as0, as1, as2, as3, bs0, bs1, bs2, bs3, lo, hi);
}
