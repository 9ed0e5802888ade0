// Reading a thread task's arguments (the pool's control block, laid out by the <Task>Slot enums
// of opcodes.ts) and cutting its index space into chunks. Used by each family's chunk function.

import { TASK_HEADER_SLOTS } from './opcodes';

/** Slot i of the task arguments at `args` (all f64). */
@inline export function arg(args: usize, i: i32): f64 { return load<f64>(args + (<usize>i << 3)); }
/** A pointer or count slot. */
@inline export function argp(args: usize, i: i32): usize { return <usize><u32>arg(args, i); }
@inline export function argi(args: usize, i: i32): i32 { return <i32>arg(args, i); }
@inline export function argb(args: usize, i: i32): bool { return arg(args, i) != 0; }
/** True when the task's elements are 8 bytes (slot 1). */
@inline export function argF64(args: usize): bool { return arg(args, TASK_HEADER_SLOTS - 1) != 0; }

/** The end of the range the last range()/rowRange() call returned the start of. */
export let rangeHi: usize = 0;

/**
 * [lo, hi) of an element range of n split in chunks of `size` elements (a multiple of 16).
 * Returns lo; hi in rangeHi.
 */
@inline export function range(idx: i32, n: usize, size: usize): usize {
  const lo = <usize>idx * size;
  rangeHi = min<usize>(n, lo + size);
  return lo;
}

/**
 * Flat element range of a chunk of a [rows, rowLen] iteration: `rowsPer` whole rows per chunk
 * when seg == 0, else one `seg`-element segment of a row per chunk (seg a multiple of 16).
 */
@inline export function rowRange(idx: i32, rows: usize, rowLen: usize, rowsPer: usize, seg: usize): usize {
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
