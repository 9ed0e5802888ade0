// Strided copies (transpose/expand), fill and float32 <-> float64 casts, and the strided copy's
// thread-task chunk. Copies move bits (u32/u64), never arithmetic, so int32 labels and NaN
// payloads survive. Pointers are byte addresses; counts and strides are in elements.

import { CopyIntoSlot, CopyStridedSlot } from './opcodes';
import { stridedRows, total } from './strided';
import { argF64, argi, argp, rangeHi, rowRange } from './task';
import { elemShift } from './simd';

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

/** Row visitor of stridedRows for a copy (the second input is unused). */
@final class CopyRows {
  @inline row<B>(out: usize, a: usize, b: usize, len: i32, stride: i32, unused: i32): void {
    copyRow<B>(out, a, len, stride);
  }
}

/** Elements [lo, hi) of the flattened [n0, n1, n2, n3] output: all of it, or one chunk (threads). */
@noinline function copyStridedRange<B>(out: usize, a: usize, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32, lo: usize, hi: usize): void {
  stridedRows<B, CopyRows>(out, a, 0, n1, n2, n3, s0, s1, s2, s3, 0, 0, 0, 0, lo, hi);
}

/** copyStrided_f32(out: 4-byte elements contiguous [n0..n3], a: 4-byte elements read at a + (i.s)*4). Also used for int32. */
export function copyStrided_f32(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  copyStridedRange<u32>(out, a, n1, n2, n3, s0, s1, s2, s3, 0, total(n0, n1, n2, n3));
}
/** copyStrided_f64: as copyStrided_f32 with 8-byte elements. */
export function copyStrided_f64(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  s0: i32, s1: i32, s2: i32, s3: i32): void {
  copyStridedRange<u64>(out, a, n1, n2, n3, s0, s1, s2, s3, 0, total(n0, n1, n2, n3));
}

// ---- strided copy into part of an output ----------------------------------------------------
// out[idx . os] = a[idx . as] over a [n0..n3] index space: both sides strided, so one kernel reads
// a slice, a flip (negative strides) or a permutation, and writes a block of cat, stack or pad (or
// the gradient of a slice into a zero tensor). The walker's first input is the destination.

@inline function copyIntoRow<B>(out: usize, a: usize, n: i32, outStride: i32, aStride: i32): void {
  const shift = <i32>elemShift<B>();
  if (outStride == 1 && aStride == 1) {
    memory.copy(out, a, <usize>n << shift);
    return;
  }
  const outStep = <usize>(outStride << shift), aStep = <usize>(aStride << shift);
  let o = out, p = a;
  for (let i = 0; i < n; i++) {
    store<B>(o, load<B>(p));
    o += outStep;
    p += aStep;
  }
}

/** Row visitor of stridedRows for copyInto: walker input a is the destination, b the source. */
@final class CopyIntoRows {
  @inline row<B>(unused: usize, dst: usize, src: usize, len: i32, dstStride: i32, srcStride: i32): void {
    copyIntoRow<B>(dst, src, len, dstStride, srcStride);
  }
}

/** Elements [lo, hi) of the [n0, n1, n2, n3] index space: all of it, or one chunk (threads). */
@noinline function copyIntoRange<B>(out: usize, a: usize, n1: i32, n2: i32, n3: i32,
  os0: i32, os1: i32, os2: i32, os3: i32, as0: i32, as1: i32, as2: i32, as3: i32, lo: usize, hi: usize): void {
  stridedRows<B, CopyIntoRows>(0, out, a, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, lo, hi);
}

/** copyInto_f32(out: 4-byte elements written at out + (i.os)*4, a: read at a + (i.as)*4). Also int32. */
export function copyInto_f32(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  os0: i32, os1: i32, os2: i32, os3: i32, as0: i32, as1: i32, as2: i32, as3: i32): void {
  copyIntoRange<u32>(out, a, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, 0, total(n0, n1, n2, n3));
}
/** copyInto_f64: as copyInto_f32 with 8-byte elements. */
export function copyInto_f64(out: usize, a: usize, n0: i32, n1: i32, n2: i32, n3: i32,
  os0: i32, os1: i32, os2: i32, os3: i32, as0: i32, as1: i32, as2: i32, as3: i32): void {
  copyIntoRange<u64>(out, a, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, 0, total(n0, n1, n2, n3));
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

// ---- int32 <-> float casts (astype) -----------------------------------------------------------

/** cast_i32_f32(out: f32*, a: i32*, n: elements): round to nearest above 2^24 in magnitude. */
export function cast_i32_f32(out: usize, a: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), f32x4.convert_i32x4_s(v128.load(a + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<i32>(a + (<usize>i << 2)));
}

/** cast_i32_f64(out: f64*, a: i32*, n: elements): exact. */
export function cast_i32_f64(out: usize, a: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), f64x2.convert_low_i32x4_s(v128.load64_zero(a + (<usize>i << 2))));
  for (; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<i32>(a + (<usize>i << 2)));
}

// Float -> int32 truncates toward zero (PyTorch); NaN, ±Inf and values whose truncation leaves
// [-2^31, 2^31 - 1] have no int32 value: the kernel stops there and returns that element's index
// (-1 when all converted) so the caller can name it.
@inline function castToI32<T>(out: usize, a: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = <f64>load<T>(a + (<usize>i << alignof<T>()));
    if (!(v > -2147483649.0 && v < 2147483648.0)) return i;
    store<i32>(out + (<usize>i << 2), <i32>v);
  }
  return -1;
}

/** cast_f32_i32(out: i32*, a: f32*, n: elements) -> index of the first unconvertible element, or -1. */
export function cast_f32_i32(out: usize, a: usize, n: i32): i32 { return castToI32<f32>(out, a, n); }
/** cast_f64_i32(out: i32*, a: f64*, n: elements) -> index of the first unconvertible element, or -1. */
export function cast_f64_i32(out: usize, a: usize, n: i32): i32 { return castToI32<f64>(out, a, n); }

// ---- thread-task chunk ---------------------------------------------------------------------

/** Chunk idx of a CopyStrided task: a run of rows, or a segment of one row (rowRange). */
export function copyStridedChunk(args: usize, idx: i32): void {
  const n0 = argi(args, CopyStridedSlot.N0), n1 = argi(args, CopyStridedSlot.N1);
  const n2 = argi(args, CopyStridedSlot.N2), n3 = argi(args, CopyStridedSlot.N3);
  const lo = rowRange(idx, <usize>n0 * <usize>n1 * <usize>n2, <usize>n3,
    argp(args, CopyStridedSlot.RowsPer), argp(args, CopyStridedSlot.Seg));
  const hi = rangeHi;
  const out = argp(args, CopyStridedSlot.Out), a = argp(args, CopyStridedSlot.A);
  const s0 = argi(args, CopyStridedSlot.S0), s1 = argi(args, CopyStridedSlot.S1);
  const s2 = argi(args, CopyStridedSlot.S2), s3 = argi(args, CopyStridedSlot.S3);
  if (argF64(args)) copyStridedRange<u64>(out, a, n1, n2, n3, s0, s1, s2, s3, lo, hi);
  else copyStridedRange<u32>(out, a, n1, n2, n3, s0, s1, s2, s3, lo, hi);
}

/** Chunk idx of a CopyInto task: a run of rows, or a segment of one row (rowRange). */
export function copyIntoChunk(args: usize, idx: i32): void {
  const n0 = argi(args, CopyIntoSlot.N0), n1 = argi(args, CopyIntoSlot.N1);
  const n2 = argi(args, CopyIntoSlot.N2), n3 = argi(args, CopyIntoSlot.N3);
  const lo = rowRange(idx, <usize>n0 * <usize>n1 * <usize>n2, <usize>n3,
    argp(args, CopyIntoSlot.RowsPer), argp(args, CopyIntoSlot.Seg));
  const hi = rangeHi;
  const out = argp(args, CopyIntoSlot.Out), a = argp(args, CopyIntoSlot.A);
  const os0 = argi(args, CopyIntoSlot.Os0), os1 = argi(args, CopyIntoSlot.Os1);
  const os2 = argi(args, CopyIntoSlot.Os2), os3 = argi(args, CopyIntoSlot.Os3);
  const as0 = argi(args, CopyIntoSlot.As0), as1 = argi(args, CopyIntoSlot.As1);
  const as2 = argi(args, CopyIntoSlot.As2), as3 = argi(args, CopyIntoSlot.As3);
  if (argF64(args)) copyIntoRange<u64>(out, a, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, lo, hi);
  else copyIntoRange<u32>(out, a, n1, n2, n3, os0, os1, os2, os3, as0, as1, as2, as3, lo, hi);
}
