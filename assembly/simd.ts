// Shared @inline helpers for the kernels: element-size arithmetic, NaN-correct min/max,
// scalar math that picks Mathf for f32 and Math for f64 at compile time (the vectorised exp,
// sigmoid, tanh and log are in vmath.ts).

/** log2(sizeof<T>()): shifts an element count into a byte count. */
@inline export function elemShift<T>(): usize {
  return alignof<T>();
}

/**
 * THE horizontal sum of the lanes of v, pairwise: f32 (l0 + l2) + (l1 + l3), f64 l0 + l1. Every
 * kernel that folds a vector accumulator uses it, so they share one summation order.
 */
@inline export function hsum<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    v = v128.add<T>(v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
    v = v128.add<T>(v, v128.shuffle<i32>(v, v, 1, 0, 3, 2));
  } else {
    v = v128.add<T>(v, v128.shuffle<i64>(v, v, 1, 0));
  }
  return v128.extract_lane<T>(v, 0);
}

/** Elements per v128. */
@inline export function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/**
 * NaN-propagating maximum, a >= b ? a : b (NaN if either is NaN). pmax lowers to one maxps in
 * V8 but returns its first operand when a NaN is involved, so lanes where b is NaN are patched.
 */
@inline export function vmaxNaN<T>(a: v128, b: v128): v128 {
  return v128.bitselect(b, v128.pmax<T>(a, b), v128.ne<T>(b, b));
}

/** NaN-propagating minimum, a <= b ? a : b (NaN if either is NaN). */
@inline export function vminNaN<T>(a: v128, b: v128): v128 {
  return v128.bitselect(b, v128.pmin<T>(a, b), v128.ne<T>(b, b));
}

@inline export function smaxNaN<T>(a: T, b: T): T {
  return a != a || b != b ? <T>NaN : (a >= b ? a : b);
}

@inline export function sminNaN<T>(a: T, b: T): T {
  return a != a || b != b ? <T>NaN : (a <= b ? a : b);
}

/**
 * c + a·b per lane. In the relaxed-SIMD build (compiled with `--enable relaxed-simd`, where
 * ASC_FEATURE_RELAXED_SIMD is true) this is relaxed_madd, which engines lower to one fused
 * multiply-add where the CPU has FMA (one rounding instead of two): faster, and different from
 * the baseline build in the last bits. Within one build the result never depends on where an
 * element sits or which thread computes it. Used by the matmul micro-kernel and the exp/log
 * polynomials only.
 */
@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}

/** -1, 0 or 1 per lane; NaN lanes stay NaN (matches the JS backend's sign). */
@inline export function vsign<T>(x: v128): v128 {
  const zero = v128.splat<T>(<T>0);
  const pos = v128.and(v128.gt<T>(x, zero), v128.splat<T>(<T>1));
  const neg = v128.and(v128.lt<T>(x, zero), v128.splat<T>(<T>-1));
  return v128.bitselect(x, v128.or(pos, neg), v128.ne<T>(x, x));
}

@inline export function ssign<T>(x: T): T {
  return x > <T>0 ? <T>1 : x < <T>0 ? <T>-1 : x == <T>0 ? <T>0 : <T>NaN;
}

@inline export function sexp<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>x);
  return <T>Math.exp(<f64>x);
}

@inline export function slog<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.log(<f32>x);
  return <T>Math.log(<f64>x);
}

@inline export function spow<T>(x: T, y: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.pow(<f32>x, <f32>y);
  return <T>Math.pow(<f64>x, <f64>y);
}
