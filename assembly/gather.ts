// Gather and scatter-add along one dimension (indexSelect, gather and their backward), with
// their thread-task chunks. Pointers are byte addresses; counts in elements; indices are i32
// (a gather's may also be f32 or f64 holding integers).
//
// The tensors are viewed as [outer, n, inner] (the output of a gather, the gradient read by a
// scatter-add) and [outer, dim, inner] (the source of a gather, the output of a scatter-add).
// perElement = 0: one index per row j (index [n], indexSelect) — a row copy of `inner` elements;
// perElement = 1: one index per element (index [outer, n, inner], gather).
//
// The gather checks its indices in the same pass (one unsigned compare covers < 0 and >= dim,
// four at a time where the index is per element) and stops at the first one not in [0, dim),
// returning its position in `index` (-1: all good): no separate validation pass over the index.
// The scatter-add trusts its indices (they went through a gather first).

import { GatherSlot, ScatterAddSlot } from './opcodes';
import { argi, argp, argF64, range, rangeHi } from './task';
import { elemShift } from './simd';

/**
 * Copies the 4 elements at base + the 4 byte offsets of `off` (u32 lanes) to dst (contiguous):
 * wasm has no gather load, so each lane is loaded into a vector and the four stored at once.
 */
@inline function gather4<T>(dst: usize, base: usize, off: v128): void {
  if (sizeof<T>() == 4) {
    let v = v128.load32_zero(base + <usize><u32>i32x4.extract_lane(off, 0));
    v = v128.load32_lane(base + <usize><u32>i32x4.extract_lane(off, 1), v, 1);
    v = v128.load32_lane(base + <usize><u32>i32x4.extract_lane(off, 2), v, 2);
    v = v128.load32_lane(base + <usize><u32>i32x4.extract_lane(off, 3), v, 3);
    v128.store(dst, v);
  } else {
    let a = v128.load64_zero(base + <usize><u32>i32x4.extract_lane(off, 0));
    a = v128.load64_lane(base + <usize><u32>i32x4.extract_lane(off, 1), a, 1);
    let b = v128.load64_zero(base + <usize><u32>i32x4.extract_lane(off, 2));
    b = v128.load64_lane(base + <usize><u32>i32x4.extract_lane(off, 3), b, 1);
    v128.store(dst, a);
    v128.store(dst, b, 16);
  }
}

// ---- index entries -------------------------------------------------------------------------
// An index is i32, or f32/f64 holding integers (a float index tensor, read as it is: no
// conversion pass). An entry is good when it is an integer in [0, dim); NaN fails every test.

/** Entry p of index (type I) as an i32, or -1 when it is not an integer in [0, dim). */
@inline function entry<I>(index: usize, p: usize, dim: i32): i32 {
  if (isInteger<I>()) {
    const k = load<i32>(index + (p << 2));
    return <u32>k < <u32>dim ? k : -1;
  }
  const v = load<I>(index + (p << alignof<I>()));
  return v >= <I>0 && v < <I>dim && floor<I>(v) == v ? <i32>v : -1;
}

/** dim as the lanes entries are compared with: i32x4, f32x4 or f64x2 by the index type. */
@inline function dimLanes<I>(dim: i32): v128 {
  if (isInteger<I>()) return i32x4.splat(dim);
  return sizeof<I>() == 4 ? f32x4.splat(<f32>dim) : f64x2.splat(<f64>dim);
}

/** Bit l set when entry l of the four at `at` is not an integer in [0, dim). */
@inline function badMask4<I>(at: usize, dimV: v128): i32 {
  if (isInteger<I>()) return i32x4.bitmask(i32x4.ge_u(v128.load(at), dimV));
  if (sizeof<I>() == 4) {
    const v = v128.load(at);
    const ok = v128.and(v128.and(f32x4.ge(v, f32x4.splat(0)), f32x4.lt(v, dimV)), f32x4.eq(f32x4.floor(v), v));
    return i32x4.bitmask(v128.not(ok));
  }
  const a = v128.load(at), b = v128.load(at, 16);
  const okA = v128.and(v128.and(f64x2.ge(a, f64x2.splat(0)), f64x2.lt(a, dimV)), f64x2.eq(f64x2.floor(a), a));
  const okB = v128.and(v128.and(f64x2.ge(b, f64x2.splat(0)), f64x2.lt(b, dimV)), f64x2.eq(f64x2.floor(b), b));
  return i64x2.bitmask(v128.not(okA)) | (i64x2.bitmask(v128.not(okB)) << 2);
}

/** The four (good) entries at `at` as i32 lanes. */
@inline function entries4<I>(at: usize): v128 {
  if (isInteger<I>()) return v128.load(at);
  if (sizeof<I>() == 4) return i32x4.trunc_sat_f32x4_s(v128.load(at));
  return v128.shuffle<i32>(i32x4.trunc_sat_f64x2_s_zero(v128.load(at)), i32x4.trunc_sat_f64x2_s_zero(v128.load(at, 16)), 0, 1, 4, 5);
}

// ---- gather ----------------------------------------------------------------------------------

/** indexSelect rows [r0, r1) of the [outer * n] output rows: a row copy per index. */
@inline function selectRows<T, I>(out: usize, src: usize, index: usize, n: i32, inner: i32, dim: i32, r0: i32, r1: i32): i32 {
  const shift = elemShift<T>();
  const rowBytes = <usize>inner << shift;
  const sliceBytes = <usize>dim * rowBytes;
  // (o, j) of row r0, then stepped: no division per row
  let o = r0 / n, j = r0 - o * n;
  let base = src + <usize>o * sliceBytes;
  for (let r = r0; r < r1; r++) {
    const k = entry<I>(index, <usize>j, dim);
    if (k < 0) return j;
    const from = base + <usize>k * rowBytes, to = out + <usize>r * rowBytes;
    if (inner == 1) store<T>(to, load<T>(from));
    else memory.copy(to, from, rowBytes);
    if (++j == n) { j = 0; base += sliceBytes; }
  }
  return -1;
}

/** gather along the last dim (inner 1), elements [p0, p1) of the [outer, n] output: out[o, j] = src[o, index[o, j]]. */
@inline function gatherLast<T, I>(out: usize, src: usize, index: usize, n: i32, dim: i32, p0: i32, p1: i32): i32 {
  const shift = elemShift<T>(), ishift = alignof<I>();
  const sliceBytes = <usize>dim << shift;
  const dimV = dimLanes<I>(dim);
  let p = p0, o = p0 / n;
  while (p < p1) {
    const rowEnd = min(p1, (o + 1) * n);
    const base = src + <usize>o * sliceBytes;
    for (; p + 4 <= rowEnd; p += 4) {
      const at = index + (<usize>p << ishift);
      const bad = badMask4<I>(at, dimV);
      if (bad != 0) return p + ctz(bad);
      gather4<T>(out + (<usize>p << shift), base, i32x4.shl(entries4<I>(at), <i32>shift));
    }
    for (; p < rowEnd; p++) {
      const k = entry<I>(index, <usize>p, dim);
      if (k < 0) return p;
      store<T>(out + (<usize>p << shift), load<T>(base + (<usize>k << shift)));
    }
    o++;
  }
  return -1;
}

/** gather with inner > 1, rows [r0, r1) of the [outer * n] rows: out[o, j, i] = src[o, index[o, j, i], i]. */
@inline function gatherInner<T, I>(out: usize, src: usize, index: usize, n: i32, inner: i32, dim: i32, r0: i32, r1: i32): i32 {
  const shift = elemShift<T>(), ishift = alignof<I>();
  const rowBytes = <usize>inner << shift;
  const sliceBytes = <usize>dim * rowBytes;
  const dimV = dimLanes<I>(dim), innerV = i32x4.splat(inner);
  let o = r0 / n, j = r0 - o * n;
  let base = src + <usize>o * sliceBytes;
  for (let r = r0; r < r1; r++) {
    const dst = out + <usize>r * rowBytes;
    const row = r * inner; // position of the row's first index entry
    let i = 0;
    // element offset k * inner + i of each lane, as bytes (wrapping u32 lanes: below 4 GiB)
    let col = i32x4(0, 1, 2, 3);
    for (; i + 4 <= inner; i += 4) {
      const at = index + (<usize>(row + i) << ishift);
      const bad = badMask4<I>(at, dimV);
      if (bad != 0) return row + i + ctz(bad);
      gather4<T>(dst + (<usize>i << shift), base, i32x4.shl(i32x4.add(i32x4.mul(entries4<I>(at), innerV), col), <i32>shift));
      col = i32x4.add(col, i32x4.splat(4));
    }
    for (; i < inner; i++) {
      const k = entry<I>(index, <usize>(row + i), dim);
      if (k < 0) return row + i;
      store<T>(dst + (<usize>i << shift), load<T>(base + <usize>k * rowBytes + (<usize>i << shift)));
    }
    if (++j == n) { j = 0; base += sliceBytes; }
  }
  return -1;
}

/**
 * Rows [r0, r1) of the flattened [outer * n] rows of the output; returns the first position of
 * `index` ([n] or [outer, n, inner]) in those rows holding a value outside [0, dim), or -1.
 */
@inline function gatherRowsOf<T, I>(out: usize, src: usize, index: usize, n: i32, inner: i32, dim: i32, perElement: bool,
  r0: i32, r1: i32): i32 {
  if (r0 >= r1) return -1;
  if (!perElement) return selectRows<T, I>(out, src, index, n, inner, dim, r0, r1);
  if (inner == 1) return gatherLast<T, I>(out, src, index, n, dim, r0, r1);
  return gatherInner<T, I>(out, src, index, n, inner, dim, r0, r1);
}

/** gatherRowsOf with the index type picked at run time: 0 i32, 1 f32, 2 f64 (IndexType in the TypeScript side). */
@inline function gatherRows<T>(out: usize, src: usize, index: usize, n: i32, inner: i32, dim: i32, perElement: bool,
  indexType: i32, r0: i32, r1: i32): i32 {
  if (indexType == 0) return gatherRowsOf<T, i32>(out, src, index, n, inner, dim, perElement, r0, r1);
  if (indexType == 1) return gatherRowsOf<T, f32>(out, src, index, n, inner, dim, perElement, r0, r1);
  return gatherRowsOf<T, f64>(out, src, index, n, inner, dim, perElement, r0, r1);
}

/**
 * gather_f32(out: f32* [outer, n, inner], src: f32* [outer, dim, inner], index: [n] or
 * [outer, n, inner] of i32 (indexType 0), f32 (1) or f64 (2), ...) -> the first position of
 * index not an integer in [0, dim), or -1: out[o, j, i] = src[o, index[j] (or index[o, j, i]), i].
 * After a bad index out is partly written.
 */
export function gather_f32(out: usize, src: usize, index: usize, outer: i32, n: i32, inner: i32, dim: i32, perElement: i32,
  indexType: i32): i32 {
  return gatherRows<f32>(out, src, index, n, inner, dim, perElement != 0, indexType, 0, outer * n);
}
/** gather_f64: as gather_f32 with f64 elements. */
export function gather_f64(out: usize, src: usize, index: usize, outer: i32, n: i32, inner: i32, dim: i32, perElement: i32,
  indexType: i32): i32 {
  return gatherRows<f64>(out, src, index, n, inner, dim, perElement != 0, indexType, 0, outer * n);
}

/**
 * out[o, :, i] = 0, then out[o, index, i] += src[o, j, i] for o in [o0, o1), columns i in
 * [c0, c1), every j in order (so repeated indices accumulate in the same order on any split).
 * Each slice is zeroed just before its scatter, while it is in cache (no separate pass).
 */
@inline function scatterAddBlock<T>(out: usize, src: usize, index: usize, n: i32, inner: i32, dim: i32, perElement: bool,
  o0: i32, o1: i32): void {
  const shift = elemShift<T>();
  if (perElement && inner == 1) {
    // along the last dim: out[o, index[o, j]] += src[o, j], one straight pass
    const sliceBytes = <usize>dim << shift;
    for (let o = o0; o < o1; o++) {
      const base = out + <usize>o * sliceBytes;
      memory.fill(base, 0, sliceBytes);
      const p0 = <usize>o * <usize>n, p1 = p0 + <usize>n;
      for (let p = p0; p < p1; p++) {
        const at = base + (<usize>load<i32>(index + (p << 2)) << shift);
        store<T>(at, load<T>(at) + load<T>(src + (p << shift)));
      }
    }
    return;
  }
  const rowBytes = <usize>inner << shift;
  const vecHi = rowBytes & ~15;
  for (let o = o0; o < o1; o++) {
    const base = out + <usize>o * <usize>dim * rowBytes;
    memory.fill(base, 0, <usize>dim * rowBytes);
    for (let j = 0; j < n; j++) {
      const r = <usize>o * <usize>n + <usize>j;
      const s = src + r * rowBytes;
      if (!perElement) {
        const d = base + <usize>load<i32>(index + (<usize>j << 2)) * rowBytes;
        let b: usize = 0;
        for (; b < vecHi; b += 16) v128.store(d + b, v128.add<T>(v128.load(d + b), v128.load(s + b)));
        for (; b < rowBytes; b += sizeof<T>()) store<T>(d + b, load<T>(d + b) + load<T>(s + b));
      } else {
        const idx = index + ((r * <usize>inner) << 2);
        for (let i = 0; i < inner; i++) {
          const at = base + <usize>load<i32>(idx + (<usize>i << 2)) * rowBytes + (<usize>i << shift);
          store<T>(at, load<T>(at) + load<T>(s + (<usize>i << shift)));
        }
      }
    }
  }
}

/**
 * scatterAdd_f32(out: f32* [outer, dim, inner] (overwritten), src: f32* [outer, n, inner], index
 * as for gather_f32, each in [0, dim)): out = 0, out[o, index, i] += src[o, j, i] — the adjoint of gather_f32.
 */
export function scatterAdd_f32(out: usize, src: usize, index: usize, outer: i32, n: i32, inner: i32, dim: i32, perElement: i32): void {
  scatterAddBlock<f32>(out, src, index, n, inner, dim, perElement != 0, 0, outer);
}
/** scatterAdd_f64: as scatterAdd_f32 with f64 elements. */
export function scatterAdd_f64(out: usize, src: usize, index: usize, outer: i32, n: i32, inner: i32, dim: i32, perElement: i32): void {
  scatterAddBlock<f64>(out, src, index, n, inner, dim, perElement != 0, 0, outer);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/**
 * Chunk idx of a Gather task: `rows` rows of the [outer * n] output rows. A chunk that meets a
 * bad index stops there and lowers the i32 at `bad` to its position (an atomic minimum, so the
 * caller sees the first bad position whichever chunks ran, as on one thread).
 */
export function gatherChunk(args: usize, idx: i32): void {
  const n = argi(args, GatherSlot.N);
  const r0 = <i32>range(idx, <usize>argi(args, GatherSlot.Outer) * <usize>n, argp(args, GatherSlot.Rows));
  const out = argp(args, GatherSlot.Out), src = argp(args, GatherSlot.Src), index = argp(args, GatherSlot.Index);
  const inner = argi(args, GatherSlot.Inner), dim = argi(args, GatherSlot.Dim), pe = argi(args, GatherSlot.PerElement) != 0;
  const it = argi(args, GatherSlot.IndexType);
  const pos = argF64(args)
    ? gatherRows<f64>(out, src, index, n, inner, dim, pe, it, r0, <i32>rangeHi)
    : gatherRows<f32>(out, src, index, n, inner, dim, pe, it, r0, <i32>rangeHi);
  if (pos < 0) return;
  const bad = argp(args, GatherSlot.Bad);
  let seen = atomic.load<i32>(bad);
  while (pos < seen) {
    const was = atomic.cmpxchg<i32>(bad, seen, pos);
    if (was == seen) break;
    seen = was;
  }
}

/**
 * Chunk idx of a ScatterAdd task: `outerPer` outer slices (all columns) when outerPer > 0, else
 * `cols` columns of every slice. Either way no two chunks write the same element.
 */
export function scatterAddChunk(args: usize, idx: i32): void {
  const outer = argi(args, ScatterAddSlot.Outer), inner = argi(args, ScatterAddSlot.Inner);
  const out = argp(args, ScatterAddSlot.Out), src = argp(args, ScatterAddSlot.Src), index = argp(args, ScatterAddSlot.Index);
  const n = argi(args, ScatterAddSlot.N), dim = argi(args, ScatterAddSlot.Dim), pe = argi(args, ScatterAddSlot.PerElement) != 0;
  const dimPer = argp(args, ScatterAddSlot.DimPer);
  if (dimPer > 0) {
    // one slice (outer 1) split by the destination rows each chunk owns
    const d0 = <i32>range(idx, <usize>dim, dimPer);
    const d1 = <i32>rangeHi;
    if (argF64(args)) scatterAddRows<f64>(out, src, index, n, inner, pe, d0, d1);
    else scatterAddRows<f32>(out, src, index, n, inner, pe, d0, d1);
    return;
  }
  const o0 = <i32>range(idx, <usize>outer, argp(args, ScatterAddSlot.OuterPer));
  const o1 = <i32>rangeHi;
  if (argF64(args)) scatterAddBlock<f64>(out, src, index, n, inner, dim, pe, o0, o1);
  else scatterAddBlock<f32>(out, src, index, n, inner, dim, pe, o0, o1);
}

/**
 * scatterAdd of a single slice (outer 1) into the destination rows [d0, d1) only: zeroes them,
 * then reads every index and adds the source rows (elements) that land there, in the order of
 * the index, so each destination element sums exactly as scatterAddBlock does it.
 */
@inline function scatterAddRows<T>(out: usize, src: usize, index: usize, n: i32, inner: i32, perElement: bool, d0: i32, d1: i32): void {
  const shift = elemShift<T>();
  const rowBytes = <usize>inner << shift;
  memory.fill(out + <usize>d0 * rowBytes, 0, <usize>(d1 - d0) * rowBytes);
  const vecHi = rowBytes & ~15;
  const span = <u32>(d1 - d0);
  for (let j = 0; j < n; j++) {
    const s = src + <usize>j * rowBytes;
    if (!perElement) {
      const r = load<i32>(index + (<usize>j << 2));
      if (<u32>(r - d0) >= span) continue;
      const d = out + <usize>r * rowBytes;
      let b: usize = 0;
      for (; b < vecHi; b += 16) v128.store(d + b, v128.add<T>(v128.load(d + b), v128.load(s + b)));
      for (; b < rowBytes; b += sizeof<T>()) store<T>(d + b, load<T>(d + b) + load<T>(s + b));
    } else {
      const idx = index + ((<usize>j * <usize>inner) << 2);
      for (let i = 0; i < inner; i++) {
        const r = load<i32>(idx + (<usize>i << 2));
        if (<u32>(r - d0) >= span) continue;
        const at = out + <usize>r * rowBytes + (<usize>i << shift);
        store<T>(at, load<T>(at) + load<T>(s + (<usize>i << shift)));
      }
    }
  }
}

// ---- index conversion ------------------------------------------------------------------------

/** out[i] = src[i] as i32 while src[i] is an integer in [0, size); returns the first i where it is not, or -1. */
@inline function indexFrom<T>(out: usize, src: usize, n: i32, size: i32): i32 {
  const shift = elemShift<T>();
  const hi = <T>size;
  for (let i = 0; i < n; i++) {
    const v = load<T>(src + (<usize>i << shift));
    if (!(v >= <T>0 && v < hi && floor<T>(v) == v)) return i; // NaN fails every comparison
    store<i32>(out + (<usize>i << 2), <i32>v);
  }
  return -1;
}

/** indexFrom_f32(out: i32* [n], src: f32* [n], n, size) -> the first entry not an integer in [0, size), or -1. */
export function indexFrom_f32(out: usize, src: usize, n: i32, size: i32): i32 { return indexFrom<f32>(out, src, n, size); }
/** indexFrom_f64: as indexFrom_f32 with f64 entries. */
export function indexFrom_f64(out: usize, src: usize, n: i32, size: i32): i32 { return indexFrom<f64>(out, src, n, size); }
/** indexFrom_i32: as indexFrom_f32 with i32 entries (a range check and copy). */
export function indexFrom_i32(out: usize, src: usize, n: i32, size: i32): i32 {
  for (let i = 0; i < n; i++) {
    const v = load<i32>(src + (<usize>i << 2));
    if (v < 0 || v >= size) return i;
    store<i32>(out + (<usize>i << 2), v);
  }
  return -1;
}
