// The multi-threaded side of the kernels (only in the shared-memory builds, entry
// assembly/index_threads.ts). Every thread -- the caller and the pool's workers -- runs the same
// module instance type over one shared memory; the caller publishes a task (a kind and its
// arguments, all f64, in the control block) split into `n` independent chunks, and each thread
// claims chunks with a compare-and-swap until none are left. The control block is allocated by
// the main instance (src/backend/wasm/pool.ts writes it); workers never allocate.
//
// Control block (byte offsets, each hot word on its own 64-byte line):
//   CLAIM  chunks not yet claimed; a thread claims chunk CLAIM-1 by CAS(CLAIM, r, r-1)
//   DONE   chunks not yet finished; the thread taking it to 0 wakes the caller if it waits
//   WAITING  1 while the caller sleeps on DONE (Node only; a page's main thread spins)
//   ARGS   the task: ARGS[0] kind, ARGS[1] 1 for f64 elements, then the kind's arguments
// Claiming needs no sequence tag: a chunk can only be claimed while CLAIM > 0, i.e. while its
// task is current (the caller publishes the next task only after DONE reached 0), and the
// arguments are read after the claim, so a late thread always runs a chunk of the current task.
//
// Chunk boundaries inside a row fall on multiples of 16 elements (the TypeScript side chooses
// them), so every element takes the same SIMD-or-scalar path as in the single-thread kernel and
// results are bit-identical to it for any number of threads.

import { unary_f32, unary_f64, binaryRange, copyStridedRange } from './elementwise';
import { unaryGrad_f32, unaryGrad_f64, addInPlace_f32, addInPlace_f64 } from './elementwise_grad';
import { reduce, reduceColumns, rowBlock, foldBlock, argmaxMaskPairs, RED_BLOCK } from './reduce';
import { softmaxRange, softmaxGradRange, crossEntropyRows, crossEntropyGrad_f32, crossEntropyGrad_f64 } from './softmax';
import { sgdStep_f32, sgdStep_f64, adamStep_f32, adamStep_f64 } from './optim';
import { matmulPackChunk, matmulTileChunk } from './matmul';

// @ts-ignore: decorator
@inline const CLAIM: usize = 64;
// @ts-ignore: decorator
@inline const DONE: usize = 128;
// @ts-ignore: decorator
@inline const WAITING: usize = 132;
// @ts-ignore: decorator
@inline const ARGS: usize = 192;

// Task kinds (src/backend/wasm/pool.ts has the same list).
// @ts-ignore: decorator
@inline const UNARY = 1;
// @ts-ignore: decorator
@inline const UNARY_GRAD = 2;
// @ts-ignore: decorator
@inline const ADD_IN_PLACE = 3;
// @ts-ignore: decorator
@inline const BINARY = 4;
// @ts-ignore: decorator
@inline const COPY_STRIDED = 5;
// @ts-ignore: decorator
@inline const SGD = 6;
// @ts-ignore: decorator
@inline const ADAM = 7;
// @ts-ignore: decorator
@inline const REDUCE_ROWS = 8;
// @ts-ignore: decorator
@inline const REDUCE_COLS = 9;
// @ts-ignore: decorator
@inline const REDUCE_BLOCKS = 10;
// @ts-ignore: decorator
@inline const ARGMAX = 11;
// @ts-ignore: decorator
@inline const SOFTMAX = 12;
// @ts-ignore: decorator
@inline const SOFTMAX_GRAD = 13;
// @ts-ignore: decorator
@inline const CROSS_ENTROPY = 14;
// @ts-ignore: decorator
@inline const CROSS_ENTROPY_GRAD = 15;
// @ts-ignore: decorator
@inline const MATMUL_PACK = 16;
// @ts-ignore: decorator
@inline const MATMUL_TILES = 17;

@inline function arg(args: usize, i: i32): f64 { return load<f64>(args + (<usize>i << 3)); }
@inline function argp(args: usize, i: i32): usize { return <usize><u32>arg(args, i); }
@inline function argi(args: usize, i: i32): i32 { return <i32>arg(args, i); }

/**
 * [lo, hi) of an element range of n split in chunks of `size` elements (a multiple of 16).
 * Returns lo; hi in rangeHi.
 */
let rangeHi: usize = 0;
@inline function range(idx: i32, n: usize, size: usize): usize {
  const lo = <usize>idx * size;
  rangeHi = min<usize>(n, lo + size);
  return lo;
}

/**
 * Flat element range of a chunk of a [rows, rowLen] iteration: `rowsPer` whole rows per chunk
 * when seg == 0, else one `seg`-element segment of a row per chunk (seg a multiple of 16).
 */
@inline function rowRange(idx: i32, rows: usize, rowLen: usize, rowsPer: usize, seg: usize): usize {
  if (seg == 0) {
    const r0 = <usize>idx * rowsPer;
    rangeHi = min<usize>(rows, r0 + rowsPer) * rowLen;
    return r0 * rowLen;
  }
  const segs = (rowLen + seg - 1) / seg;
  const r = <usize>idx / segs, k = <usize>idx % segs;
  const lo = r * rowLen + k * seg;
  rangeHi = r * rowLen + min<usize>(rowLen, (k + 1) * seg);
  return lo;
}

function runChunk(args: usize, idx: i32): void {
  const kind = argi(args, 0);
  const f64 = arg(args, 1) != 0;
  const shift: usize = f64 ? 3 : 2;
  switch (kind) {
    case UNARY: {
      const lo = range(idx, argp(args, 5), argp(args, 6));
      const off = lo << shift, n = <i32>(rangeHi - lo);
      if (f64) unary_f64(argi(args, 2), argp(args, 3) + off, argp(args, 4) + off, n);
      else unary_f32(argi(args, 2), argp(args, 3) + off, argp(args, 4) + off, n);
      break;
    }
    case UNARY_GRAD: {
      const lo = range(idx, argp(args, 6), argp(args, 7));
      const off = lo << shift, n = <i32>(rangeHi - lo);
      if (f64) unaryGrad_f64(argi(args, 2), argp(args, 3) + off, argp(args, 4) + off, argp(args, 5) + off, n);
      else unaryGrad_f32(argi(args, 2), argp(args, 3) + off, argp(args, 4) + off, argp(args, 5) + off, n);
      break;
    }
    case ADD_IN_PLACE: {
      const lo = range(idx, argp(args, 4), argp(args, 5));
      const off = lo << shift, n = <i32>(rangeHi - lo);
      if (f64) addInPlace_f64(argp(args, 2) + off, argp(args, 3) + off, n);
      else addInPlace_f32(argp(args, 2) + off, argp(args, 3) + off, n);
      break;
    }
    case BINARY: {
      const n0 = argi(args, 6), n1 = argi(args, 7), n2 = argi(args, 8), n3 = argi(args, 9);
      const lo = rowRange(idx, <usize>n0 * <usize>n1 * <usize>n2, <usize>n3, argp(args, 18), argp(args, 19));
      const hi = rangeHi;
      if (f64) {
        binaryRange<f64>(argi(args, 2), argp(args, 3), argp(args, 4), argp(args, 5), n1, n2, n3,
          argi(args, 10), argi(args, 11), argi(args, 12), argi(args, 13),
          argi(args, 14), argi(args, 15), argi(args, 16), argi(args, 17), lo, hi);
      } else {
        binaryRange<f32>(argi(args, 2), argp(args, 3), argp(args, 4), argp(args, 5), n1, n2, n3,
          argi(args, 10), argi(args, 11), argi(args, 12), argi(args, 13),
          argi(args, 14), argi(args, 15), argi(args, 16), argi(args, 17), lo, hi);
      }
      break;
    }
    case COPY_STRIDED: {
      const n0 = argi(args, 4), n1 = argi(args, 5), n2 = argi(args, 6), n3 = argi(args, 7);
      const lo = rowRange(idx, <usize>n0 * <usize>n1 * <usize>n2, <usize>n3, argp(args, 12), argp(args, 13));
      const hi = rangeHi;
      if (f64) {
        copyStridedRange<u64>(argp(args, 2), argp(args, 3), n1, n2, n3,
          argi(args, 8), argi(args, 9), argi(args, 10), argi(args, 11), lo, hi);
      } else {
        copyStridedRange<u32>(argp(args, 2), argp(args, 3), n1, n2, n3,
          argi(args, 8), argi(args, 9), argi(args, 10), argi(args, 11), lo, hi);
      }
      break;
    }
    case SGD: {
      const lo = range(idx, argp(args, 5), argp(args, 12));
      const off = lo << shift, n = <i32>(rangeHi - lo);
      const vel = argp(args, 4);
      const v: usize = vel == 0 ? 0 : vel + off;
      if (f64) {
        sgdStep_f64(argp(args, 2) + off, argp(args, 3) + off, v, n, arg(args, 6), arg(args, 7), arg(args, 8),
          arg(args, 9), arg(args, 10) != 0, arg(args, 11) != 0);
      } else {
        sgdStep_f32(argp(args, 2) + off, argp(args, 3) + off, v, n, arg(args, 6), arg(args, 7), arg(args, 8),
          arg(args, 9), arg(args, 10) != 0, arg(args, 11) != 0);
      }
      break;
    }
    case ADAM: {
      const lo = range(idx, argp(args, 6), argp(args, 14));
      const off = lo << shift, n = <i32>(rangeHi - lo);
      if (f64) {
        adamStep_f64(argp(args, 2) + off, argp(args, 3) + off, argp(args, 4) + off, argp(args, 5) + off, n,
          arg(args, 7), arg(args, 8), arg(args, 9), arg(args, 10), arg(args, 11), arg(args, 12) != 0, argi(args, 13));
      } else {
        adamStep_f32(argp(args, 2) + off, argp(args, 3) + off, argp(args, 4) + off, argp(args, 5) + off, n,
          arg(args, 7), arg(args, 8), arg(args, 9), arg(args, 10), arg(args, 11), arg(args, 12) != 0, argi(args, 13));
      }
      break;
    }
    case REDUCE_ROWS: {
      const red = argp(args, 6), inner = argp(args, 7);
      const o0 = range(idx, argp(args, 5), argp(args, 8));
      const count = <i32>(rangeHi - o0);
      const out = argp(args, 3) + ((o0 * inner) << shift), a = argp(args, 4) + ((o0 * red * inner) << shift);
      if (f64) reduce<f64>(argi(args, 2), out, a, count, <i32>red, <i32>inner);
      else reduce<f32>(argi(args, 2), out, a, count, <i32>red, <i32>inner);
      break;
    }
    case REDUCE_COLS: {
      const j0 = range(idx, argp(args, 7), argp(args, 8));
      if (f64) {
        reduceColumns<f64>(argi(args, 2), argp(args, 3), argp(args, 4), argi(args, 5), argi(args, 6), argi(args, 7),
          <i32>j0, <i32>rangeHi);
      } else {
        reduceColumns<f32>(argi(args, 2), argp(args, 3), argp(args, 4), argi(args, 5), argi(args, 6), argi(args, 7),
          <i32>j0, <i32>rangeHi);
      }
      break;
    }
    case REDUCE_BLOCKS: {
      const isMax = argi(args, 2) == 1;
      const red = argi(args, 6);
      const blocks = (red + RED_BLOCK - 1) / RED_BLOCK;
      const o = idx / blocks, b = idx % blocks;
      const row = argp(args, 4) + ((<usize>o * <usize>red) << shift);
      const dst = argp(args, 3) + (<usize>idx << shift);
      if (f64) store<f64>(dst, rowBlock<f64>(isMax, row, red, b));
      else store<f32>(dst, rowBlock<f32>(isMax, row, red, b));
      break;
    }
    case ARGMAX: {
      const outer = argp(args, 4), inner = argi(args, 6);
      const p0 = range(idx, outer * <usize>inner, argp(args, 7));
      if (f64) argmaxMaskPairs<f64>(argp(args, 2), argp(args, 3), argi(args, 5), inner, <i32>p0, <i32>rangeHi);
      else argmaxMaskPairs<f32>(argp(args, 2), argp(args, 3), argi(args, 5), inner, <i32>p0, <i32>rangeHi);
      break;
    }
    case SOFTMAX: {
      const u0 = range(idx, argp(args, 9), argp(args, 8));
      if (f64) softmaxRange<f64>(argp(args, 2), argp(args, 3), argi(args, 5), argi(args, 6), arg(args, 7) != 0, <i32>u0, <i32>rangeHi);
      else softmaxRange<f32>(argp(args, 2), argp(args, 3), argi(args, 5), argi(args, 6), arg(args, 7) != 0, <i32>u0, <i32>rangeHi);
      break;
    }
    case SOFTMAX_GRAD: {
      const u0 = range(idx, argp(args, 10), argp(args, 9));
      if (f64) {
        softmaxGradRange<f64>(argp(args, 2), argp(args, 3), argp(args, 4), argi(args, 6), argi(args, 7),
          arg(args, 8) != 0, <i32>u0, <i32>rangeHi);
      } else {
        softmaxGradRange<f32>(argp(args, 2), argp(args, 3), argp(args, 4), argi(args, 6), argi(args, 7),
          arg(args, 8) != 0, <i32>u0, <i32>rangeHi);
      }
      break;
    }
    case CROSS_ENTROPY: {
      const i0 = range(idx, argp(args, 5), argp(args, 8));
      if (f64) crossEntropyRows<f64>(argp(args, 2), argp(args, 3), argp(args, 4), argi(args, 6), argp(args, 7), <i32>i0, <i32>rangeHi);
      else crossEntropyRows<f32>(argp(args, 2), argp(args, 3), argp(args, 4), argi(args, 6), argp(args, 7), <i32>i0, <i32>rangeHi);
      break;
    }
    case CROSS_ENTROPY_GRAD: {
      const C = argp(args, 6);
      const i0 = range(idx, argp(args, 5), argp(args, 8));
      const off = (i0 * C) << shift, n = <i32>(rangeHi - i0);
      if (f64) crossEntropyGrad_f64(argp(args, 2) + off, argp(args, 3) + off, argp(args, 4) + (i0 << 2), n, <i32>C, arg(args, 7));
      else crossEntropyGrad_f32(argp(args, 2) + off, argp(args, 3) + off, argp(args, 4) + (i0 << 2), n, <i32>C, arg(args, 7));
      break;
    }
    case MATMUL_PACK: {
      if (f64) {
        matmulPackChunk<f64>(idx, argp(args, 3), argp(args, 4), argi(args, 5), argi(args, 6), argi(args, 7), argi(args, 8),
          argi(args, 9), argi(args, 10), argi(args, 18), argi(args, 19), argi(args, 11), argi(args, 12),
          argp(args, 13), argp(args, 14), argi(args, 15), argi(args, 16));
      } else {
        matmulPackChunk<f32>(idx, argp(args, 3), argp(args, 4), argi(args, 5), argi(args, 6), argi(args, 7), argi(args, 8),
          argi(args, 9), argi(args, 10), argi(args, 18), argi(args, 19), argi(args, 11), argi(args, 12),
          argp(args, 13), argp(args, 14), argi(args, 15), argi(args, 16));
      }
      break;
    }
    case MATMUL_TILES: {
      if (f64) {
        matmulTileChunk<f64>(idx, argp(args, 2), argi(args, 6), argi(args, 7), argi(args, 8), argi(args, 20), argi(args, 21),
          argi(args, 11) == 0, argi(args, 12) == 0, argp(args, 13), argp(args, 14), argi(args, 15), argi(args, 16),
          argp(args, 17));
      } else {
        matmulTileChunk<f32>(idx, argp(args, 2), argi(args, 6), argi(args, 7), argi(args, 8), argi(args, 20), argi(args, 21),
          argi(args, 11) == 0, argi(args, 12) == 0, argp(args, 13), argp(args, 14), argi(args, 15), argi(args, 16),
          argp(args, 17));
      }
      break;
    }
    default: unreachable();
  }
}

/**
 * work(ctrl) -> chunks run: claims and runs chunks of the current task until none are left.
 * Called by the caller after publishing a task and by each worker when it sees CLAIM > 0.
 */
export function work(ctrl: usize): i32 {
  let count = 0;
  while (true) {
    const rem = atomic.load<i32>(ctrl + CLAIM);
    if (rem <= 0) break;
    if (atomic.cmpxchg<i32>(ctrl + CLAIM, rem, rem - 1) != rem) continue;
    runChunk(ctrl + ARGS, rem - 1);
    count++;
    if (atomic.sub<i32>(ctrl + DONE, 1) == 1 && atomic.load<i32>(ctrl + WAITING) != 0) atomic.notify(ctrl + DONE, 1);
  }
  return count;
}

/**
 * runRange(ctrl, lo, hi): runs chunks [lo, hi) of the task in the control block on the calling
 * thread, without claiming (for work too small to be worth waking another thread for).
 */
export function runRange(ctrl: usize, lo: i32, hi: i32): void {
  for (let i = lo; i < hi; i++) runChunk(ctrl + ARGS, i);
}

/**
 * reduceFold(f64: 0/1, op: Reduce code, out: T* [outer], partials: T* [outer, blocks], outer,
 * red): folds the block results of REDUCE_BLOCKS in block order, as reduce does for long rows.
 */
export function reduceFold(f64: i32, op: i32, out: usize, partials: usize, outer: i32, red: i32): void {
  const isMax = op == 1;
  const blocks = (red + RED_BLOCK - 1) / RED_BLOCK;
  for (let o = 0; o < outer; o++) {
    if (f64 != 0) {
      const p = partials + ((<usize>o * <usize>blocks) << 3);
      let acc = load<f64>(p);
      for (let b = 1; b < blocks; b++) acc = foldBlock<f64>(isMax, acc, load<f64>(p + (<usize>b << 3)));
      store<f64>(out + (<usize>o << 3), acc);
    } else {
      const p = partials + ((<usize>o * <usize>blocks) << 2);
      let acc = load<f32>(p);
      for (let b = 1; b < blocks; b++) acc = foldBlock<f32>(isMax, acc, load<f32>(p + (<usize>b << 2)));
      store<f32>(out + (<usize>o << 2), acc);
    }
  }
}

/** redBlock() -> RED_BLOCK: rows longer than this are reduced block by block. */
export function redBlock(): i32 {
  return RED_BLOCK;
}
