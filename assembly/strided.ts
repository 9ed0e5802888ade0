// THE strided index walk of the kernels: elements [lo, hi) of a contiguous output of shape
// [n0, n1, n2, n3] (n0 implied by hi), visited row segment by row segment, with each input's
// element offset kept by an odometer over (i0, i1, i2). binary and copyStrided use it for the
// whole output (single thread) and for one chunk of it (threads), so a chunk boundary anywhere,
// even inside a row, gives every element the same arithmetic as the single-thread kernel.
//
// A row visitor R is a class with an @inline method
//   row<T>(out: usize, a: usize, b: usize, len: i32, aStride: i32, bStride: i32): void
// (byte addresses of the segment's first elements; strides of the last dim in elements),
// instantiated through changetype<R>(0) so each visitor compiles to its own loop.
//
// Also here: the partial vector at the end of a contiguous run (loadTail/storeTail), so its
// last 1-3 (f32) or 1 (f64) elements can take an op's vector body (unaryLoop does).

import { elemShift } from './simd';

/** Elements in a [n0, n1, n2, n3] iteration (wasm32 memory holds fewer than 2^32 elements). */
@inline export function total(n0: i32, n1: i32, n2: i32, n3: i32): usize {
  return <usize>n0 * <usize>n1 * <usize>n2 * <usize>n3;
}

@inline export function stridedRows<T, R>(out: usize, a: usize, b: usize,
  n1: i32, n2: i32, n3: i32,
  as0: i32, as1: i32, as2: i32, as3: i32,
  bs0: i32, bs1: i32, bs2: i32, bs3: i32, lo: usize, hi: usize): void {
  const visitor = changetype<R>(0);
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
    visitor.row<T>(out + (pos << shift), a + (aOff << shift), b + (bOff << shift), len, as3, bs3);
    pos += <usize>len;
    j = 0;
    if (++i2 == n2) { i2 = 0; if (++i1 == n1) { i1 = 0; i0++; } }
  }
}

// ---- row tails --------------------------------------------------------------------------------

/**
 * The `bytes` (< 16, a whole number of elements) at p as the low lanes of a vector, the other
 * lanes 0, reading nothing past p + bytes.
 */
@inline export function loadTail<T>(p: usize, bytes: usize): v128 {
  if (sizeof<T>() == 8) return v128.load64_zero(p);
  let x = v128.load32_zero(p);
  if (bytes > 4) x = v128.load32_lane(p, x, 1, 4);
  if (bytes > 8) x = v128.load32_lane(p, x, 2, 8);
  return x;
}

/** Stores the low `bytes` (< 16, a whole number of elements) of x at p, nothing past p + bytes. */
@inline export function storeTail<T>(p: usize, x: v128, bytes: usize): void {
  if (sizeof<T>() == 8) {
    v128.store64_lane(p, x, 0);
    return;
  }
  v128.store32_lane(p, x, 0);
  if (bytes > 4) v128.store32_lane(p, x, 1, 4);
  if (bytes > 8) v128.store32_lane(p, x, 2, 8);
}
