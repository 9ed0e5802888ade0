// Scans: cumulative sums along one axis of a viewed as [outer, n, inner] (cumsum, and reversed for
// its backward). Each output row of inner elements is the previous one plus a row of a, so the
// inner extent is vectorised; a row of inner = 1 is a scalar running sum. Pointers are byte
// addresses; counts are elements.

import { ScanSlot } from './opcodes';
import { argF64, argi, argp } from './task';
import { elemShift } from './simd';

/** out[r, j0..j1) = Σ a[0..r, j0..j1) (or Σ a[r..n) when reverse) for one outer slice. */
@inline function scanSlice<T>(out: usize, a: usize, n: i32, inner: i32, reverse: bool, j0: i32, j1: i32): void {
  if (n == 0 || j1 <= j0) return;
  const shift = elemShift<T>();
  const innerBytes = <usize>inner << shift;
  if (inner == 1) {
    let acc: T = <T>0;
    if (reverse) {
      for (let r = n - 1; r >= 0; r--) { acc += load<T>(a + (<usize>r << shift)); store<T>(out + (<usize>r << shift), acc); }
    } else {
      for (let r = 0; r < n; r++) { acc += load<T>(a + (<usize>r << shift)); store<T>(out + (<usize>r << shift), acc); }
    }
    return;
  }
  const off = <usize>j0 << shift;
  const end = <usize>(j1 - j0) << shift;
  const vecEnd = end & ~15;
  const first = reverse ? n - 1 : 0;
  memory.copy(out + <usize>first * innerBytes + off, a + <usize>first * innerBytes + off, end);
  for (let k = 1; k < n; k++) {
    const r = reverse ? n - 1 - k : k;
    const dst = out + <usize>r * innerBytes + off;
    const prev = reverse ? dst + innerBytes : dst - innerBytes;
    const src = a + <usize>r * innerBytes + off;
    let i: usize = 0;
    for (; i < vecEnd; i += 16) v128.store(dst + i, v128.add<T>(v128.load(prev + i), v128.load(src + i)));
    for (; i < end; i += sizeof<T>()) store<T>(dst + i, load<T>(prev + i) + load<T>(src + i));
  }
}

@inline function cumsum<T>(out: usize, a: usize, outer: i32, n: i32, inner: i32, reverse: bool): void {
  const slice = (<usize>n * <usize>inner) << elemShift<T>();
  for (let o = 0; o < outer; o++) scanSlice<T>(out + <usize>o * slice, a + <usize>o * slice, n, inner, reverse, 0, inner);
}

/** cumsum_f32(out: f32* [outer, n, inner], a: f32* same, counts in elements, reverse: 0/1 (sum from the end)). */
export function cumsum_f32(out: usize, a: usize, outer: i32, n: i32, inner: i32, reverse: i32): void {
  cumsum<f32>(out, a, outer, n, inner, reverse != 0);
}
/** cumsum_f64: as cumsum_f32 with f64 elements. */
export function cumsum_f64(out: usize, a: usize, outer: i32, n: i32, inner: i32, reverse: i32): void {
  cumsum<f64>(out, a, outer, n, inner, reverse != 0);
}

/**
 * Chunk idx of a Scan task: `per` units, a unit being one outer slice's block of `cols` columns
 * (units = outer × ceil(inner / cols)); every unit is scanned as the single-threaded kernel does.
 */
export function scanChunk(args: usize, idx: i32): void {
  const f64 = argF64(args), shift: usize = f64 ? 3 : 2;
  const outer = argi(args, ScanSlot.Outer), n = argi(args, ScanSlot.N), inner = argi(args, ScanSlot.Inner);
  const reverse = argi(args, ScanSlot.Reverse) != 0, cols = argi(args, ScanSlot.Cols), per = argi(args, ScanSlot.Per);
  const blocks = (inner + cols - 1) / cols;
  const u0 = idx * per, u1 = min(outer * blocks, u0 + per);
  const slice = (<usize>n * <usize>inner) << shift;
  for (let u = u0; u < u1; u++) {
    const o = u / blocks, j0 = (u % blocks) * cols, j1 = min(inner, j0 + cols);
    const out = argp(args, ScanSlot.Out) + <usize>o * slice, a = argp(args, ScanSlot.A) + <usize>o * slice;
    if (f64) scanSlice<f64>(out, a, n, inner, reverse, j0, j1);
    else scanSlice<f32>(out, a, n, inner, reverse, j0, j1);
  }
}
