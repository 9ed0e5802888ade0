// The vectorised transcendental functions of the kernels, f32x4 and f64x2: exp (and its
// flush-to-zero variant), sigmoid, tanh, log, with scalar forms that run the same lanes so a
// kernel's scalar tail rounds exactly as its vector body.

import { lanes, madd } from './simd';

// ---- vectorised exp -------------------------------------------------------------------------
// e^x = 2^n · e^r with n = round(x / ln2) and r = x - n·ln2 in [-ln2/2, ln2/2]:
//  - n comes from the "magic bias" trick: v = x·log2(e) + (1.5·2^m + bias) rounds x·log2(e) to
//    an integer held in the low mantissa bits of v (m = 23 for f32, 52 for f64), n = v - magic
//    in float, and shifting v's bits left by m puts n + bias into the exponent field: 2^n
//    without a conversion;
//  - r uses a two-constant (Cody-Waite) ln2 = ln2hi + ln2lo where n·ln2hi is exact, since wasm
//    SIMD has no fused multiply-add;
//  - e^r ≈ 1 + r + r²·q(r), a minimax polynomial for relative error with the first two
//    coefficients pinned to 1 (so e^0 = 1 exactly and e^r - 1 stays relatively accurate for tiny
//    r, which tanh needs), evaluated as s + (t + t·r·q) with t = r·s.
// Coefficients were fitted (LP minimax on a dense Chebyshev grid, then rounded to the element
// type): f32 degree 5 has 1.06e-7 relative approximation error, f64 degree 11 1.1e-17.
// Constants are written as bit patterns (v128 is untyped) so that they are exact.

// f32: log2(e), magic 1.5·2^23 + 127, ln2hi (15 significant bits), ln2lo.
@inline const F32_LOG2E = 0x3FB8AA3B;
@inline const F32_MAGIC = 0x4B40007F;
@inline const F32_LN2HI = 0x3F317200;
@inline const F32_LN2LO = 0x35BFBE8E;
// f32 polynomial q(r) = c2 + c3 r + c4 r² + c5 r³.
@inline const F32_C2 = 0x3EFFFEFE;
@inline const F32_C3 = 0x3E2AABD7;
@inline const F32_C4 = 0x3D2B94F8;
@inline const F32_C5 = 0x3C083142;

// f32 polynomial for e^r - 1 ≈ r + r²·(c2 + ... + c6 r⁴), minimax relative to e^r - 1 (1.7e-8):
// tanh needs e^z - 1 relatively accurate, which the degree 5 fit above (relative to e^r) is
// not near r = 0.
@inline const F32_M1C2 = 0x3EFFFFFF;
@inline const F32_M1C3 = 0x3E2AAA58;
@inline const F32_M1C4 = 0x3D2AAB3A;
@inline const F32_M1C5 = 0x3C0913B4;
@inline const F32_M1C6 = 0x3AB5F604;

// f64: log2(e), magic 1.5·2^52 + 1023, ln2hi (fdlibm's, 32 significant bits), ln2lo.
@inline const F64_LOG2E: i64 = 0x3FF71547652B82FE;
@inline const F64_MAGIC: i64 = 0x43380000000003FF;
@inline const F64_LN2HI: i64 = 0x3FE62E42FEE00000;
@inline const F64_LN2LO: i64 = 0x3DEA39EF35793C76;
// f64 polynomial q(r) = c2 + c3 r + ... + c11 r⁹.
@inline const F64_C2: i64 = 0x3FE000000000000A;
@inline const F64_C3: i64 = 0x3FC55555555554FA;
@inline const F64_C4: i64 = 0x3FA555555555088B;
@inline const F64_C5: i64 = 0x3F81111111127B9D;
@inline const F64_C6: i64 = 0x3F56C16C1842689D;
@inline const F64_C7: i64 = 0x3F2A01A012A6954D;
@inline const F64_C8: i64 = 0x3EFA0199A169FF05;
@inline const F64_C9: i64 = 0x3EC71DF253AF250B;
@inline const F64_C10: i64 = 0x3E928AD68D7F699D;
@inline const F64_C11: i64 = 0x3E5AD7F79C714595;

/** x·log2(e) + magic: n = round(x / ln2) sits in the low mantissa bits. */
@inline function expBiased<T>(x: v128): v128 {
  if (sizeof<T>() == 4) {
    return f32x4.add(f32x4.mul(x, i32x4.splat(F32_LOG2E)), i32x4.splat(F32_MAGIC));
  }
  return f64x2.add(f64x2.mul(x, i64x2.splat(F64_LOG2E)), i64x2.splat(F64_MAGIC));
}

/** 2^n from the biased v; n + bias must lie in [1, 254] (f32) / [1, 2046] (f64). */
@inline function expScale<T>(v: v128): v128 {
  if (sizeof<T>() == 4) return i32x4.shl(v, 23);
  return i64x2.shl(v, 52);
}

/** The reduced argument r = x - n·ln2hi - n·ln2lo with n = v - magic. */
@inline function expReduce<T>(x: v128, v: v128): v128 {
  if (sizeof<T>() == 4) {
    const n = f32x4.sub(v, i32x4.splat(F32_MAGIC));
    const r = f32x4.sub(x, f32x4.mul(n, i32x4.splat(F32_LN2HI)));
    return f32x4.sub(r, f32x4.mul(n, i32x4.splat(F32_LN2LO)));
  }
  const n = f64x2.sub(v, i64x2.splat(F64_MAGIC));
  const r = f64x2.sub(x, f64x2.mul(n, i64x2.splat(F64_LN2HI)));
  return f64x2.sub(r, f64x2.mul(n, i64x2.splat(F64_LN2LO)));
}

/** r·q(r), so that e^r - 1 ≈ r + r·(r·q(r)). Horner (fused steps in the relaxed-SIMD build). */
@inline function expPoly<T>(r: v128): v128 {
  if (sizeof<T>() == 4) {
    let q = madd<f32>(i32x4.splat(F32_C5), r, i32x4.splat(F32_C4));
    q = madd<f32>(q, r, i32x4.splat(F32_C3));
    q = madd<f32>(q, r, i32x4.splat(F32_C2));
    return f32x4.mul(q, r);
  }
  let q = madd<f64>(i64x2.splat(F64_C11), r, i64x2.splat(F64_C10));
  q = madd<f64>(q, r, i64x2.splat(F64_C9));
  q = madd<f64>(q, r, i64x2.splat(F64_C8));
  q = madd<f64>(q, r, i64x2.splat(F64_C7));
  q = madd<f64>(q, r, i64x2.splat(F64_C6));
  q = madd<f64>(q, r, i64x2.splat(F64_C5));
  q = madd<f64>(q, r, i64x2.splat(F64_C4));
  q = madd<f64>(q, r, i64x2.splat(F64_C3));
  q = madd<f64>(q, r, i64x2.splat(F64_C2));
  return f64x2.mul(q, r);
}

/** As expPoly, for e^r - 1 (f32: the degree 6 fit relative to e^r - 1; f64: the same fit). */
@inline function expm1Poly<T>(r: v128): v128 {
  if (sizeof<T>() == 4) {
    let q = madd<f32>(i32x4.splat(F32_M1C6), r, i32x4.splat(F32_M1C5));
    q = madd<f32>(q, r, i32x4.splat(F32_M1C4));
    q = madd<f32>(q, r, i32x4.splat(F32_M1C3));
    q = madd<f32>(q, r, i32x4.splat(F32_M1C2));
    return f32x4.mul(q, r);
  }
  return expPoly<T>(r);
}

/**
 * e^x per lane, valid while n = round(x / ln2) keeps 2^n normal: |x| <= 87.5 for f32
 * (results down to just below FLT_MIN come out as correctly scaled subnormals), |x| <= 708 for
 * f64. NaN in, NaN out (r is NaN). Outside that range the lanes are garbage: callers either
 * check the range (vexp) or mask the lanes (vexpFlush).
 */
@inline export function vexpCore<T>(x: v128): v128 {
  const v = expBiased<T>(x);
  const s = expScale<T>(v);
  const r = expReduce<T>(x, v);
  const p = expPoly<T>(r);
  const t = v128.mul<T>(r, s);
  return v128.add<T>(v128.add<T>(v128.mul<T>(t, p), t), s);
}

/**
 * e^x for every x: the scale is split into 2^n1 · 2^n2 (n1 = n >> 1, n2 = n - n1) so results
 * that overflow or are subnormal are produced by the last multiply, correctly rounded up to a
 * double rounding; x is first clamped (NaN kept) so n fits: above the clamp the result is
 * +Infinity, below it 0. f32: clamp [-110, 89]; f64: [-760, 710].
 */
@noinline function vexpEdges_f32(x: v128): v128 {
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(89.0)), f32x4.splat(-110.0));
  const v = expBiased<f32>(xc);
  const n = i32x4.sub(v, i32x4.splat(F32_MAGIC));
  const n1 = i32x4.shr_s(n, 1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, n1), i32x4.splat(127)), 23);
  const r = expReduce<f32>(xc, v);
  const p = expPoly<f32>(r);
  const t = f32x4.mul(r, s1);
  return f32x4.mul(f32x4.add(f32x4.add(f32x4.mul(t, p), t), s1), s2);
}

@noinline function vexpEdges_f64(x: v128): v128 {
  const xc = f64x2.pmax(f64x2.pmin(x, f64x2.splat(710.0)), f64x2.splat(-760.0));
  const v = expBiased<f64>(xc);
  const n = i64x2.sub(v, i64x2.splat(F64_MAGIC));
  const n1 = i64x2.shr_s(n, 1);
  const s1 = i64x2.shl(i64x2.add(n1, i64x2.splat(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(n, n1), i64x2.splat(1023)), 52);
  const r = expReduce<f64>(xc, v);
  const p = expPoly<f64>(r);
  const t = f64x2.mul(r, s1);
  return f64x2.mul(f64x2.add(f64x2.add(f64x2.mul(t, p), t), s1), s2);
}

/** True when every lane of x is inside vexpCore's range (false for NaN lanes). */
@inline function expInRange<T>(x: v128): bool {
  if (sizeof<T>() == 4) return i32x4.all_true(f32x4.le(f32x4.abs(x), f32x4.splat(87.5)));
  return i64x2.all_true(f64x2.le(f64x2.abs(x), f64x2.splat(708.0)));
}

/**
 * e^x per lane with all edges: overflow -> +Infinity, +Infinity -> +Infinity, -Infinity and
 * underflow -> 0, subnormal results produced (not flushed), NaN -> NaN. Vectors with a lane
 * outside the core range (rare in practice) take the out-of-line edge path.
 */
@inline export function vexp<T>(x: v128): v128 {
  if (expInRange<T>(x)) return vexpCore<T>(x);
  if (sizeof<T>() == 4) return vexpEdges_f32(x);
  return vexpEdges_f64(x);
}

/** Below this, e^x is flushed to 0 by vexpFlush: ln(FLT_MIN) / ln(DBL_MIN). */
@inline function expFlushCutoff<T>(): v128 {
  if (sizeof<T>() == 4) return f32x4.splat(-87.336544);
  return f64x2.splat(-708.3964185322641);
}

/**
 * e^x for x <= 0 (or NaN), branch-free: lanes whose result would be below the smallest normal
 * (x < ln(FLT_MIN) ≈ -87.34, ln(DBL_MIN) ≈ -708.40), -Infinity included, give exactly 0.
 * NaN stays NaN. For positive x the result is only valid up to the core range.
 */
@inline export function vexpFlush<T>(x: v128): v128 {
  return v128.andnot(vexpCore<T>(x), v128.lt<T>(x, expFlushCutoff<T>()));
}

/**
 * e^z - 1 for z in [-18, 0] (f32) / [-40, 0] (f64), accurate relative to the result even for
 * tiny z: 2^n·(1 + p) - 1 = (t + t·p) + (2^n - 1), where 2^n - 1 is exact down to n = -24
 * (f32) / -53 (f64) and merely rounds to -1 below, where tanh has saturated anyway.
 */
@inline function vexpm1Core<T>(z: v128): v128 {
  const v = expBiased<T>(z);
  const s = expScale<T>(v);
  const r = expReduce<T>(z, v);
  const p = expm1Poly<T>(r);
  const t = v128.mul<T>(r, s);
  return v128.add<T>(v128.add<T>(v128.mul<T>(t, p), t), v128.sub<T>(s, v128.splat<T>(<T>1)));
}

/**
 * Logistic sigmoid per lane: with e = e^{-|x|} (flushed to 0 below the normal range),
 * σ(x) = (x < 0 ? e : 1) / (1 + e). The numerator select is one pmax: e <= 1, so
 * max(e, x < 0 ? 0 : 1) picks it (and keeps NaN, the first operand). Large |x| give exactly 0
 * or 1, ±Infinity too; NaN stays NaN.
 */
@inline export function vsigmoid<T>(x: v128): v128 {
  const one = v128.splat<T>(<T>1);
  const e = vexpFlush<T>(v128.or(x, v128.splat<T>(<T>-0.0)));
  const num = v128.pmax<T>(e, v128.andnot(one, v128.lt<T>(x, v128.splat<T>(<T>0))));
  return v128.div<T>(num, v128.add<T>(e, one));
}

/**
 * tanh per lane: with m = e^{-2|x|} - 1 in [-1, 0], tanh|x| = -m / (2 + m), and the sign of x
 * is put back (so tanh(-0) = -0). -2|x| is clamped (pmax keeps NaN) where tanh|x| already
 * rounds to 1, so large |x| and ±Infinity give exactly ±1. Relative accuracy holds down to tiny
 * and subnormal x since m is computed as an expm1.
 */
@inline export function vtanh<T>(x: v128): v128 {
  const signMask = v128.splat<T>(<T>-0.0);
  const z = v128.pmax<T>(v128.mul<T>(v128.andnot(x, signMask), v128.splat<T>(<T>-2)),
    v128.splat<T>(sizeof<T>() == 4 ? <T>-18 : <T>-40));
  const m = vexpm1Core<T>(z);
  const t = v128.div<T>(v128.sub<T>(v128.splat<T>(<T>0), m), v128.add<T>(m, v128.splat<T>(<T>2)));
  return v128.or(t, v128.and(x, signMask));
}

// ---- vectorised log -------------------------------------------------------------------------
// log x = k·ln2 + log(1 + f) with x = 2^k · (1 + f), 1 + f in [√2/2, √2): adding
// (bits(1.0) - bits(√2/2)) to x's bits carries into the exponent exactly when the mantissa is
// at least √2/2's, so k is that exponent and 1 + f gets the rest of the mantissa back with
// √2/2's exponent-and-mantissa offset. Then, with s = f / (2 + f) and hfsq = f²/2,
// log(1 + f) = 2·atanh(s) = f - hfsq + s·(hfsq + R(s²)), R(z) ≈ (2·atanh(√z) - 2√z) / √z,
// a polynomial fitted here (LP minimax, absolute error of R over z in [0, 0.0295], which
// costs at most half that relative): f32 degree 4 (8.7e-10 after rounding), f64 degree 7
// (3.2e-18). k·ln2 is added as k·ln2hi + k·ln2lo (the exp constants: k·ln2hi is exact).

@inline const F32_SQRTHALF = 0x3F3504F3;
@inline const F32_LOGR1 = 0x3F2AAAAA;
@inline const F32_LOGR2 = 0x3ECCCD3E;
@inline const F32_LOGR3 = 0x3E921C54;
@inline const F32_LOGR4 = 0x3E717EE9;

@inline const F64_SQRTHALF: i64 = 0x3FE6A09E667F3BCD;
@inline const F64_LOGR1: i64 = 0x3FE5555555555593;
@inline const F64_LOGR2: i64 = 0x3FD999999997FB4B;
@inline const F64_LOGR3: i64 = 0x3FD249249421642F;
@inline const F64_LOGR4: i64 = 0x3FCC71C51E90D30E;
@inline const F64_LOGR5: i64 = 0x3FC746645F5BB246;
@inline const F64_LOGR6: i64 = 0x3FC39A0FA41167F0;
@inline const F64_LOGR7: i64 = 0x3FC2F0D5CF18D345;

/**
 * log of positive normal finite lanes; `kAdjust` is subtracted from the exponent k (the edge
 * path pre-scales subnormals by 2^23 / 2^54).
 */
@inline function vlogNormal<T>(x: v128, kAdjust: v128): v128 {
  if (sizeof<T>() == 4) {
    const u = i32x4.add(x, i32x4.splat(0x3F800000 - F32_SQRTHALF));
    // u >>> 23 is the biased exponent k + 127 (u stays positive for positive finite x).
    const dk = f32x4.sub(f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(127))), kAdjust);
    const m = i32x4.add(v128.and(u, i32x4.splat(0x007FFFFF)), i32x4.splat(F32_SQRTHALF));
    const f = f32x4.sub(m, f32x4.splat(1));
    const hfsq = f32x4.mul(f32x4.mul(f, f), f32x4.splat(0.5));
    const s = f32x4.div(f, f32x4.add(f, f32x4.splat(2)));
    const z = f32x4.mul(s, s);
    const w = f32x4.mul(z, z);
    const t1 = f32x4.mul(w, madd<f32>(w, i32x4.splat(F32_LOGR4), i32x4.splat(F32_LOGR2)));
    const t2 = f32x4.mul(z, madd<f32>(w, i32x4.splat(F32_LOGR3), i32x4.splat(F32_LOGR1)));
    const r = f32x4.add(t2, t1);
    let y = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, r)), f32x4.mul(dk, i32x4.splat(F32_LN2LO)));
    y = f32x4.add(f32x4.sub(y, hfsq), f);
    return f32x4.add(y, f32x4.mul(dk, i32x4.splat(F32_LN2HI)));
  }
  const u = i64x2.add(x, i64x2.splat(0x3FF0000000000000 - F64_SQRTHALF));
  // k + 1023 = u >>> 52 as a double via the 2^52 trick (no i64x2 -> f64x2 conversion in SIMD).
  const kb = v128.or(i64x2.shr_u(u, 52), i64x2.splat(0x4330000000000000));
  const dk = f64x2.sub(f64x2.sub(kb, f64x2.splat(4503599627371519.0)), kAdjust); // 2^52 + 1023
  const m = i64x2.add(v128.and(u, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(F64_SQRTHALF));
  const f = f64x2.sub(m, f64x2.splat(1));
  const hfsq = f64x2.mul(f64x2.mul(f, f), f64x2.splat(0.5));
  const s = f64x2.div(f, f64x2.add(f, f64x2.splat(2)));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd<f64>(w, madd<f64>(w, i64x2.splat(F64_LOGR6), i64x2.splat(F64_LOGR4)),
    i64x2.splat(F64_LOGR2)));
  const t2 = f64x2.mul(z, madd<f64>(w, madd<f64>(w, madd<f64>(w, i64x2.splat(F64_LOGR7), i64x2.splat(F64_LOGR5)),
    i64x2.splat(F64_LOGR3)), i64x2.splat(F64_LOGR1)));
  const r = f64x2.add(t2, t1);
  let y = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), f64x2.mul(dk, i64x2.splat(F64_LN2LO)));
  y = f64x2.add(f64x2.sub(y, hfsq), f);
  return f64x2.add(y, f64x2.mul(dk, i64x2.splat(F64_LN2HI)));
}

/** Lanes of vlogNormal's domain: FLT_MIN / DBL_MIN <= x < Infinity (false for NaN). */
@inline function logInRange<T>(x: v128): bool {
  if (sizeof<T>() == 4) {
    return i32x4.all_true(v128.and(f32x4.ge(x, i32x4.splat(0x00800000)), f32x4.lt(x, f32x4.splat(Infinity))));
  }
  return i64x2.all_true(v128.and(f64x2.ge(x, i64x2.splat(0x0010000000000000)), f64x2.lt(x, f64x2.splat(Infinity))));
}

/**
 * log with every edge: subnormals are scaled into the normal range first, then lanes outside
 * (0, Infinity) are replaced: ±0 -> -Infinity, x < 0 -> NaN, +Infinity -> +Infinity, NaN -> NaN.
 */
@noinline function vlogEdges_f32(x: v128): v128 {
  const sub = f32x4.lt(x, i32x4.splat(0x00800000));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, sub); // 2^23
  const y = vlogNormal<f32>(xs, v128.and(sub, f32x4.splat(23)));
  const zero = f32x4.splat(0);
  const fix = v128.bitselect(f32x4.splat(-Infinity),
    v128.bitselect(x, f32x4.splat(NaN), f32x4.gt(x, zero)), f32x4.eq(x, zero));
  const special = v128.or(v128.not(f32x4.gt(x, zero)), f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(fix, y, special);
}

@noinline function vlogEdges_f64(x: v128): v128 {
  const sub = f64x2.lt(x, i64x2.splat(0x0010000000000000));
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(18014398509481984.0)), x, sub); // 2^54
  const y = vlogNormal<f64>(xs, v128.and(sub, f64x2.splat(54)));
  const zero = f64x2.splat(0);
  const fix = v128.bitselect(f64x2.splat(-Infinity),
    v128.bitselect(x, f64x2.splat(NaN), f64x2.gt(x, zero)), f64x2.eq(x, zero));
  const special = v128.or(v128.not(f64x2.gt(x, zero)), f64x2.eq(x, f64x2.splat(Infinity)));
  return v128.bitselect(fix, y, special);
}

/** Natural log per lane, all edges as Math.log (subnormals included). */
@inline export function vlog<T>(x: v128): v128 {
  if (logInRange<T>(x)) return vlogNormal<T>(x, v128.splat<T>(<T>0));
  if (sizeof<T>() == 4) return vlogEdges_f32(x);
  return vlogEdges_f64(x);
}

/** Scalar forms through lane 0 of the vector code, so tails agree with the SIMD body exactly. */
@inline export function sexpV<T>(x: T): T { return v128.extract_lane<T>(vexp<T>(v128.splat<T>(x)), 0); }
@inline export function sexpFlushV<T>(x: T): T { return v128.extract_lane<T>(vexpFlush<T>(v128.splat<T>(x)), 0); }
@inline export function ssigmoidV<T>(x: T): T { return v128.extract_lane<T>(vsigmoid<T>(v128.splat<T>(x)), 0); }
@inline export function slogV<T>(x: T): T { return v128.extract_lane<T>(vlog<T>(v128.splat<T>(x)), 0); }
@inline export function stanhV<T>(x: T): T { return v128.extract_lane<T>(vtanh<T>(v128.splat<T>(x)), 0); }
