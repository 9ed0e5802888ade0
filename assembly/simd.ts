// Shared @inline helpers for the kernels: element-size arithmetic, NaN-correct min/max,
// and scalar math that picks Mathf for f32 and Math for f64 at compile time.

/** log2(sizeof<T>()): shifts an element count into a byte count. */
@inline export function elemShift<T>(): usize {
  return alignof<T>();
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

@inline export function stanh<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.tanh(<f32>x);
  return <T>Math.tanh(<f64>x);
}

@inline export function spow<T>(x: T, y: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.pow(<f32>x, <f32>y);
  return <T>Math.pow(<f64>x, <f64>y);
}

/** Sigmoid that never overflows: exp is only taken of a non-positive number. */
@inline export function ssigmoid<T>(x: T): T {
  if (x >= <T>0) return <T>1 / (<T>1 + sexp<T>(-x));
  const e = sexp<T>(x);
  return e / (<T>1 + e);
}
