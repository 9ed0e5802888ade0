// Reductions over a viewed as [outer, red, inner] into out [outer, inner] — sum, max, min, prod,
// and argmax/argmin (the index, as a float of the dtype) — and argmaxMask.
// Pointers are byte addresses; outer/red/inner count elements.

import { ArgmaxSlot, Reduce, ReduceBlocksSlot, ReduceColsSlot, ReduceRowsSlot } from './opcodes';
import { argF64, argi, argp, range, rangeHi } from './task';
import { elemShift, hsum, vmaxNaN, vminNaN, smaxNaN, sminNaN } from './simd';

/** The op itself; traps on a code without a kernel. */
@inline function checkOp(op: i32): i32 {
  if (op < Reduce.Sum || op > Reduce.Argmin) unreachable();
  return op;
}

/** The fold's start value: 0 sum, -Infinity max, Infinity min, 1 prod. */
@inline function identity<T>(op: i32): T {
  if (op == Reduce.Max) return <T>-Infinity;
  if (op == Reduce.Min) return <T>Infinity;
  if (op == Reduce.Prod) return <T>1;
  return <T>0;
}

@inline function scombine<T>(op: i32, a: T, b: T): T {
  if (op == Reduce.Max) return smaxNaN<T>(a, b);
  if (op == Reduce.Min) return sminNaN<T>(a, b);
  if (op == Reduce.Prod) return a * b;
  return a + b;
}

@inline function vcombine<T>(op: i32, a: v128, b: v128): v128 {
  if (op == Reduce.Max) return vmaxNaN<T>(a, b);
  if (op == Reduce.Min) return vminNaN<T>(a, b);
  if (op == Reduce.Prod) return v128.mul<T>(a, b);
  return v128.add<T>(a, b);
}

/** Fold of the lanes of v with op. */
@inline function hfold<T>(op: i32, v: v128): T {
  if (sizeof<T>() == 4) {
    return scombine<f32>(op, scombine<f32>(op, v128.extract_lane<f32>(v, 0), v128.extract_lane<f32>(v, 1)),
      scombine<f32>(op, v128.extract_lane<f32>(v, 2), v128.extract_lane<f32>(v, 3)));
  }
  return <T>scombine<f64>(op, v128.extract_lane<f64>(v, 0), v128.extract_lane<f64>(v, 1));
}

/** Sum of n contiguous elements: two vector accumulators for ILP, then horizontal. */
@inline function sumContiguous<T>(a: usize, n: i32): T {
  const end = <usize>n << elemShift<T>();
  let acc0 = v128.splat<T>(<T>0), acc1 = v128.splat<T>(<T>0);
  let i: usize = 0;
  for (; i + 32 <= end; i += 32) {
    acc0 = v128.add<T>(acc0, v128.load(a + i));
    acc1 = v128.add<T>(acc1, v128.load(a + i, 16));
  }
  if (i + 16 <= end) { acc0 = v128.add<T>(acc0, v128.load(a + i)); i += 16; }
  let s = hsum<T>(v128.add<T>(acc0, acc1));
  for (; i < end; i += sizeof<T>()) s += load<T>(a + i);
  return s;
}

/** Max, min or prod of n contiguous elements (the identity when n = 0), NaN-propagating. */
@inline function foldContiguous<T>(op: i32, a: usize, n: i32): T {
  if (op == Reduce.Sum) return sumContiguous<T>(a, n);
  const end = <usize>n << elemShift<T>();
  let acc = v128.splat<T>(identity<T>(op));
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) acc = vcombine<T>(op, acc, v128.load(a + i));
  let m = hfold<T>(op, acc);
  for (; i < end; i += sizeof<T>()) m = scombine<T>(op, m, load<T>(a + i));
  return m;
}

/** dst[0..n) = op(dst, src) vectorised over the inner extent (the bias-gradient path). */
@inline function accumulateRow<T>(op: i32, dst: usize, src: usize, n: i32): void {
  const end = <usize>n << elemShift<T>();
  const vecEnd = end & ~15;
  let i: usize = 0;
  for (; i < vecEnd; i += 16) v128.store(dst + i, vcombine<T>(op, v128.load(dst + i), v128.load(src + i)));
  for (; i < end; i += sizeof<T>()) store<T>(dst + i, scombine<T>(op, load<T>(dst + i), load<T>(src + i)));
}

/**
 * Rows longer than this many elements are reduced in blocks of RED_BLOCK whose partial results
 * are folded in order (acc = p0, then acc = acc + p1, ...). The threaded path computes the
 * blocks of a long row in parallel and folds them the same way, so a sum gives the same bits
 * on any number of threads.
 */
export const RED_BLOCK: i32 = 16384;

/** The fold of elements [b*RED_BLOCK, min(red, (b+1)*RED_BLOCK)) of a contiguous row. */
@inline function rowBlock<T>(op: i32, row: usize, red: i32, b: i32): T {
  const start = b * RED_BLOCK;
  const n = min(RED_BLOCK, red - start);
  return foldContiguous<T>(op, row + (<usize>start << elemShift<T>()), n);
}

@inline function rowReduce<T>(op: i32, row: usize, red: i32): T {
  if (red <= RED_BLOCK) return foldContiguous<T>(op, row, red);
  const blocks = (red + RED_BLOCK - 1) / RED_BLOCK;
  let acc = rowBlock<T>(op, row, red, 0);
  for (let b = 1; b < blocks; b++) acc = scombine<T>(op, acc, rowBlock<T>(op, row, red, b));
  return acc;
}

/**
 * Argmax/argmin of columns [j0, j1) of every o, written as the index (a float of T): ties go to
 * the first index, the first NaN wins outright (as torch.argmax).
 */
@inline function argColumns<T>(isMin: bool, out: usize, a: usize, outer: i32, red: i32, inner: i32, j0: i32, j1: i32): void {
  const shift = elemShift<T>();
  const innerBytes = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    for (let j = j0; j < j1; j++) {
      let p = a + <usize>o * <usize>red * innerBytes + (<usize>j << shift);
      let best: T = isMin ? <T>Infinity : <T>-Infinity;
      let bestR = 0;
      for (let r = 0; r < red; r++) {
        const v = load<T>(p);
        if (v != v) { bestR = r; break; }
        if (isMin ? v < best : v > best) { best = v; bestR = r; }
        p += innerBytes;
      }
      store<T>(out + ((<usize>o * <usize>inner + <usize>j) << shift), <T>bestR);
    }
  }
}

/** out[o, j] for j in [j0, j1) of every o (inner > 1): the column range of reduce below. */
@noinline function reduceColumns<T>(op: i32, out: usize, a: usize, outer: i32, red: i32, inner: i32,
  j0: i32, j1: i32): void {
  checkOp(op);
  if (op >= Reduce.Argmax) { argColumns<T>(op == Reduce.Argmin, out, a, outer, red, inner, j0, j1); return; }
  const shift = elemShift<T>();
  const innerBytes = <usize>inner << shift;
  const width = j1 - j0;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * innerBytes + (<usize>j0 << shift);
    const src = a + <usize>o * <usize>red * innerBytes + (<usize>j0 << shift);
    if (red == 0) {
      const value: T = identity<T>(op);
      for (let i = 0; i < width; i++) store<T>(dst + (<usize>i << shift), value);
      continue;
    }
    memory.copy(dst, src, <usize>width << shift);
    for (let r = 1; r < red; r++) accumulateRow<T>(op, dst, src + <usize>r * innerBytes, width);
  }
}

@inline function reduce<T>(op: i32, out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  const shift = elemShift<T>();
  checkOp(op);
  if (inner == 1 && op < Reduce.Argmax) {
    const rowBytes = <usize>red << shift;
    for (let o = 0; o < outer; o++) {
      const row = a + <usize>o * rowBytes;
      store<T>(out + (<usize>o << shift), rowReduce<T>(op, row, red));
    }
    return;
  }
  reduceColumns<T>(op, out, a, outer, red, inner, 0, inner);
}

/** reduce_f32(op: Reduce code (sum, max, min, prod; argmax/argmin write the index), out: f32* [outer, inner], a: f32* [outer, red, inner], counts in elements). */
export function reduce_f32(op: i32, out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  reduce<f32>(op, out, a, outer, red, inner);
}
/** reduce_f64: as reduce_f32 with f64 elements. */
export function reduce_f64(op: i32, out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  reduce<f64>(op, out, a, outer, red, inner);
}

/**
 * argmaxMask for the (o, i) pairs p in [p0, p1) of outer x inner (the threaded path): zeroes
 * that pair's red entries and sets the first max to 1, as argmaxMask does.
 */
@noinline function argmaxMaskPairs<T>(out: usize, a: usize, red: i32, inner: i32, p0: i32, p1: i32): void {
  const shift = elemShift<T>();
  const innerBytes = <usize>inner << shift;
  for (let q = p0; q < p1; q++) {
    const o = q / inner, i = q % inner;
    const base = <usize>o * <usize>red * innerBytes + (<usize>i << shift);
    let p = a + base;
    let z = out + base;
    let best: T = <T>-Infinity;
    let bestR = 0;
    let found = false;
    for (let r = 0; r < red; r++) {
      store<T>(z, <T>0);
      z += innerBytes;
      if (!found) {
        const v = load<T>(p);
        if (v != v) { bestR = r; found = true; } else if (v > best) { best = v; bestR = r; }
      }
      p += innerBytes;
    }
    if (red > 0) store<T>(out + base + <usize>bestR * innerBytes, <T>1);
  }
}

@inline function argmaxMask<T>(out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  const shift = elemShift<T>();
  const total = <usize>outer * <usize>red * <usize>inner;
  memory.fill(out, 0, total << shift);
  if (red == 0) return;
  const innerBytes = <usize>inner << shift;
  for (let o = 0; o < outer; o++) {
    const rowBase = <usize>o * <usize>red * innerBytes;
    for (let i = 0; i < inner; i++) {
      const base = rowBase + (<usize>i << shift);
      let p = a + base;
      let best: T = <T>-Infinity;
      let bestR = 0;
      // Ties go to the first index; the first NaN wins outright.
      for (let r = 0; r < red; r++) {
        const v = load<T>(p);
        if (v != v) { bestR = r; break; }
        if (v > best) { best = v; bestR = r; }
        p += innerBytes;
      }
      store<T>(out + base + <usize>bestR * innerBytes, <T>1);
    }
  }
}

/** argmaxMask_f32(out: f32* same size as a, a: f32* [outer, red, inner]): 1 at the first max along red. */
export function argmaxMask_f32(out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  argmaxMask<f32>(out, a, outer, red, inner);
}
/** argmaxMask_f64: as argmaxMask_f32 with f64 elements. */
export function argmaxMask_f64(out: usize, a: usize, outer: i32, red: i32, inner: i32): void {
  argmaxMask<f64>(out, a, outer, red, inner);
}

// ---- thread-task chunks ----------------------------------------------------------------------

/** Chunk idx of a ReduceRows task: `rows` whole rows of out. */
export function reduceRowsChunk(args: usize, idx: i32): void {
  const f64 = argF64(args), shift: usize = f64 ? 3 : 2;
  const red = argp(args, ReduceRowsSlot.Red), inner = argp(args, ReduceRowsSlot.Inner);
  const o0 = range(idx, argp(args, ReduceRowsSlot.Outer), argp(args, ReduceRowsSlot.Rows));
  const count = <i32>(rangeHi - o0), op = argi(args, ReduceRowsSlot.Op);
  const out = argp(args, ReduceRowsSlot.Out) + ((o0 * inner) << shift);
  const a = argp(args, ReduceRowsSlot.A) + ((o0 * red * inner) << shift);
  if (f64) reduce<f64>(op, out, a, count, <i32>red, <i32>inner);
  else reduce<f32>(op, out, a, count, <i32>red, <i32>inner);
}

/** Chunk idx of a ReduceCols task: `cols` columns of every row. */
export function reduceColsChunk(args: usize, idx: i32): void {
  const j0 = range(idx, argp(args, ReduceColsSlot.Inner), argp(args, ReduceColsSlot.Cols));
  const op = argi(args, ReduceColsSlot.Op), out = argp(args, ReduceColsSlot.Out), a = argp(args, ReduceColsSlot.A);
  const outer = argi(args, ReduceColsSlot.Outer), red = argi(args, ReduceColsSlot.Red), inner = argi(args, ReduceColsSlot.Inner);
  if (argF64(args)) reduceColumns<f64>(op, out, a, outer, red, inner, <i32>j0, <i32>rangeHi);
  else reduceColumns<f32>(op, out, a, outer, red, inner, <i32>j0, <i32>rangeHi);
}

/** Chunk idx of a ReduceBlocks task: block idx % blocks of row idx / blocks, into partials[idx]. */
export function reduceBlocksChunk(args: usize, idx: i32): void {
  const f64 = argF64(args), shift: usize = f64 ? 3 : 2;
  const op = checkOp(argi(args, ReduceBlocksSlot.Op));
  const red = argi(args, ReduceBlocksSlot.Red);
  const blocks = (red + RED_BLOCK - 1) / RED_BLOCK;
  const o = idx / blocks, b = idx % blocks;
  const row = argp(args, ReduceBlocksSlot.A) + ((<usize>o * <usize>red) << shift);
  const dst = argp(args, ReduceBlocksSlot.Partials) + (<usize>idx << shift);
  if (f64) store<f64>(dst, rowBlock<f64>(op, row, red, b));
  else store<f32>(dst, rowBlock<f32>(op, row, red, b));
}

/** Chunk idx of an Argmax task: `pairs` (outer, inner) pairs. */
export function argmaxChunk(args: usize, idx: i32): void {
  const outer = argp(args, ArgmaxSlot.Outer), inner = argi(args, ArgmaxSlot.Inner);
  const p0 = range(idx, outer * <usize>inner, argp(args, ArgmaxSlot.Pairs));
  const out = argp(args, ArgmaxSlot.Out), a = argp(args, ArgmaxSlot.A), red = argi(args, ArgmaxSlot.Red);
  if (argF64(args)) argmaxMaskPairs<f64>(out, a, red, inner, <i32>p0, <i32>rangeHi);
  else argmaxMaskPairs<f32>(out, a, red, inner, <i32>p0, <i32>rangeHi);
}

/**
 * reduceFold(f64: 0/1, op: Reduce code, out: T* [outer], partials: T* [outer, blocks], outer,
 * red): folds the block results of ReduceBlocks in block order, as reduce does for long rows.
 */
export function reduceFold(f64: i32, op: i32, out: usize, partials: usize, outer: i32, red: i32): void {
  checkOp(op);
  const blocks = (red + RED_BLOCK - 1) / RED_BLOCK;
  for (let o = 0; o < outer; o++) {
    if (f64 != 0) {
      const p = partials + ((<usize>o * <usize>blocks) << 3);
      let acc = load<f64>(p);
      for (let b = 1; b < blocks; b++) acc = scombine<f64>(op, acc, load<f64>(p + (<usize>b << 3)));
      store<f64>(out + (<usize>o << 3), acc);
    } else {
      const p = partials + ((<usize>o * <usize>blocks) << 2);
      let acc = load<f32>(p);
      for (let b = 1; b < blocks; b++) acc = scombine<f32>(op, acc, load<f32>(p + (<usize>b << 2)));
      store<f32>(out + (<usize>o << 2), acc);
    }
  }
}

/** redBlock() -> RED_BLOCK: rows longer than this are reduced block by block. */
export function redBlock(): i32 {
  return RED_BLOCK;
}
