// Heap management for TypeScript-owned storage. Blocks are 16-byte aligned.
//
// Two allocators share linear memory:
// - Blocks below LARGE_MIN come from AssemblyScript's TLSF (--runtime minimal: heap.free really
//   returns blocks). TLSF cannot hand out a block of 1 GiB or more (BLOCK_MAXSIZE in
//   ~lib/rt/common.ts; a larger heap.alloc aborts inside wasm), and when it runs out it grows
//   memory by *doubling all of it*: after a 1.5 GB tensor, a 2 MB one would take another 1.5 GB.
//   So TLSF is never left to grow by itself: before each small allocation tlsfReserve() checks
//   TLSF's free lists (the lookup of its searchBlock) and, if nothing fits, hands TLSF a region
//   of the large-block list, as TLSF's own addMemory would (a free block plus a zero-size used
//   tail). TLSF's memory then doubles its own size (up to TLSF_GROW_MAX), not all of memory.
// - Blocks of LARGE_MIN and more come from the large-block list below: whole 64 KiB pages that
//   this file obtains with memory.grow itself. TLSF only ever adds the pages *it* grew (its
//   growMemory adds [old end, new end) of its own memory.grow), so it never sees these regions.
//   Freed regions are reused first-fit and coalesced with free neighbours, and a free region at
//   the end of memory is extended rather than grown past, so repeated big allocations do not
//   exhaust the 4 GiB of wasm32. This is the simplest scheme that reaches the wasm32 limit: a
//   sorted table of at most a few hundred regions (each ≥ LARGE_MIN), no headers in the blocks.
// Failure returns 0 (the TypeScript side turns it into an OutOfMemoryError); a TLSF allocation
// that cannot grow memory traps instead, leaving TLSF's state untouched. Either way the
// allocators keep working.
//
// Addresses may be ≥ 2^31 (usize is u32 here: never compare or widen them as i32), and a region
// may end at exactly 2^32, so region ends are computed in u64.
//
// Storage blocks are counted here, where they are made and freed, so the library's own
// bookkeeping (memory() in TypeScript) can be checked against the allocator's.

import { AL_MASK, BLOCK_MAXSIZE, BLOCK_OVERHEAD } from '~lib/rt/common';
import { ROOT } from '~lib/rt/tlsf';

/** Requests of at least this many bytes use the large-block list (TLSF keeps the small, frequent ones). */
const LARGE_MIN: usize = 16 << 20;
/** TLSF's largest block (BLOCK_MAXSIZE = 2^30 - block overhead); larger requests would abort. */
const TLSF_MAX: usize = BLOCK_MAXSIZE;
/** The most TLSF is given at once (it asks for its own size again, as TLSF doubles). */
const TLSF_GROW_MAX: u64 = 64 << 20;
const PAGE: u64 = 1 << 16;
/** wasm32 linear memory: at most 65536 pages of 64 KiB. */
const MEMORY_MAX: u64 = 1 << 32;

// The large-block table: CAPACITY entries of ENTRY bytes (start u32, size u32, used u32), sorted
// by start address. It lives in a TLSF block, not in static data: every instantiation of the
// threads build (one per worker) rewrites the data segments in the shared memory.
const ENTRY: usize = 16;
const CAPACITY: i32 = 1024;
let table: usize = 0;
let entries: i32 = 0;

@inline function at(i: i32): usize { return table + <usize>i * ENTRY; }
@inline function startOf(i: i32): u64 { return <u64>load<u32>(at(i)); }
@inline function sizeOf(i: i32): u64 { return <u64>load<u32>(at(i), 4); }
@inline function endOf(i: i32): u64 { return startOf(i) + sizeOf(i); }
@inline function isUsed(i: i32): bool { return load<u32>(at(i), 8) != 0; }
@inline function setEntry(i: i32, start: u64, size: u64, used: bool): void {
  store<u32>(at(i), <u32>start);
  store<u32>(at(i), <u32>size, 4);
  store<u32>(at(i), used ? 1 : 0, 8);
}
function insertAt(i: i32, start: u64, size: u64, used: bool): void {
  memory.copy(at(i + 1), at(i), <usize>(entries - i) * ENTRY);
  entries++;
  setEntry(i, start, size, used);
}
function removeAt(i: i32): void {
  memory.copy(at(i), at(i + 1), <usize>(entries - i - 1) * ENTRY);
  entries--;
}

/** Pages from the large-block list, or 0. Reuses a free region (first fit) before growing memory. */
function allocLarge(bytes: usize): usize {
  const need: u64 = max<u64>(PAGE, (<u64>bytes + PAGE - 1) & ~(PAGE - 1));
  if (need > MEMORY_MAX - PAGE) return 0;
  for (let i = 0; i < entries; i++) {
    if (isUsed(i) || sizeOf(i) < need) continue;
    // Split off the rest as a free region (with a full table, hand out the whole region).
    if (sizeOf(i) > need && entries < CAPACITY) {
      insertAt(i + 1, startOf(i) + need, sizeOf(i) - need, false);
      setEntry(i, startOf(i), need, true);
    } else {
      setEntry(i, startOf(i), sizeOf(i), true);
    }
    return <usize>startOf(i);
  }
  const memoryEnd: u64 = <u64>memory.size() << 16;
  const last = entries - 1;
  if (last >= 0 && !isUsed(last) && endOf(last) == memoryEnd) {
    // A free region at the end of memory: grow only by what it lacks.
    if (memory.grow(<i32>((need - sizeOf(last)) >> 16)) < 0) return 0;
    setEntry(last, startOf(last), need, true);
    return <usize>startOf(last);
  }
  if (entries == CAPACITY) return 0;
  if (memory.grow(<i32>(need >> 16)) < 0) return 0;
  insertAt(entries, memoryEnd, need, true);
  return <usize>memoryEnd;
}

/** Returns a region to the large-block list and merges it with free neighbours; false if ptr is not one. */
function freeLarge(ptr: usize): bool {
  if (table == 0 || (<u64>ptr & (PAGE - 1)) != 0) return false; // regions are page-aligned; TLSF blocks rarely
  let i = 0;
  while (i < entries && startOf(i) != <u64>ptr) i++;
  if (i == entries || !isUsed(i)) return false;
  setEntry(i, startOf(i), sizeOf(i), false);
  if (i + 1 < entries && !isUsed(i + 1) && endOf(i) == startOf(i + 1)) {
    setEntry(i, startOf(i), sizeOf(i) + sizeOf(i + 1), false);
    removeAt(i + 1);
  }
  if (i > 0 && !isUsed(i - 1) && endOf(i - 1) == startOf(i)) {
    setEntry(i - 1, startOf(i - 1), sizeOf(i - 1) + sizeOf(i), false);
    removeAt(i);
  }
  return true;
}

// ---- keeping TLSF from growing memory by itself ------------------------------------------------
// Mirrors ~lib/rt/tlsf.ts (AssemblyScript 0.28): computeSize, roundSize and the mapping of
// searchBlock, and the block layout of addMemory. test/big-tensors.test.ts checks the effect.

/** Bytes of linear memory TLSF manages (its initial memory plus the regions given to it). */
let tlsfBytes: u64 = 0;

/** Initialises TLSF (it adds all memory present at its first allocation) before this file grows memory, and the table. */
function ensureInit(): void {
  if (table != 0) return;
  table = heap.alloc(<usize>CAPACITY * ENTRY);
  tlsfBytes = <u64>memory.size() << 16;
}

/** The payload size TLSF makes of a request (computeSize). */
@inline function payloadOf(bytes: usize): usize {
  const minSize: usize = ((3 * sizeof<usize>() + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  return bytes <= minSize ? minSize : ((bytes + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
}

/** The size searchBlock looks up for a payload (roundSize): the next size-class boundary. */
@inline function searchSize(payload: usize): usize {
  return payload < (BLOCK_MAXSIZE >> 1) ? payload + (<usize>1 << (27 - clz<usize>(payload))) - 1 : payload;
}

/** True if TLSF's free lists hold a block for `bytes` (searchBlock would find one). */
function tlsfFits(bytes: usize): bool {
  const root = changetype<usize>(ROOT);
  const payload = payloadOf(bytes);
  let fl: u32, sl: u32;
  if (payload < 256) {
    fl = 0;
    sl = <u32>(payload >> 4);
  } else {
    const size = searchSize(payload);
    fl = 31 - <u32>clz<usize>(size);
    sl = <u32>(size >> (fl - 4)) ^ 16;
    fl -= 7;
  }
  if ((load<u32>(root + (<usize>fl << 2), sizeof<usize>()) & (~0 << sl)) != 0) return true;
  return (load<u32>(root) & (~0 << (fl + 1))) != 0;
}

/** Makes sure TLSF can serve `bytes` without growing memory; false if no region can be had. */
function tlsfReserve(bytes: usize): bool {
  if (tlsfFits(bytes)) return true;
  const need: u64 = <u64>searchSize(payloadOf(bytes)) + 4 * BLOCK_OVERHEAD + 2 * AL_MASK;
  let size: u64 = (max<u64>(need, min<u64>(tlsfBytes, TLSF_GROW_MAX)) + PAGE - 1) & ~(PAGE - 1);
  let start = allocLarge(<usize>size);
  if (start == 0 && size > need) {
    size = (need + PAGE - 1) & ~(PAGE - 1);
    start = allocLarge(<usize>size);
  }
  if (start == 0) return false;
  // As addMemory: a block whose payload is 16-byte aligned, and a zero-size used tail at the end
  // so TLSF never merges past the region. The block is written as used and freed into TLSF.
  const block = ((start + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  const end = <usize>(<u64>start + size - BLOCK_OVERHEAD); // the tail's header (no overflow at 2^32)
  store<usize>(block, end - block - BLOCK_OVERHEAD);
  store<usize>(end, 0);
  heap.free(block + BLOCK_OVERHEAD);
  tlsfBytes += size;
  return true;
}

/** A block from whichever allocator serves its size; 0 on failure. */
function allocBlock(bytes: usize): usize {
  ensureInit();
  if (bytes < LARGE_MIN) return tlsfReserve(max<usize>(bytes, 16)) ? heap.alloc(max<usize>(bytes, 16)) : 0;
  const ptr = allocLarge(bytes);
  // No room for a new region: TLSF may still hold enough free memory (it grows memory by doubling).
  if (ptr == 0 && bytes <= TLSF_MAX) return heap.alloc(bytes);
  return ptr;
}

/** Storage blocks handed out by alloc and not yet freed, and the bytes requested for them. */
let liveBlockCount: i32 = 0;
let liveByteCount: u64 = 0;

/**
 * alloc(bytes) -> byte address, 16-byte aligned, of a storage block (counted), or 0 when memory
 * is exhausted. A 0-byte request still gets a real block. May trap when TLSF cannot grow memory
 * for a small block (nothing is changed then; see allocPaged).
 */
export function alloc(bytes: usize): usize {
  const ptr = allocBlock(bytes);
  if (ptr == 0) return 0;
  liveBlockCount++;
  liveByteCount += <u64>bytes;
  return ptr;
}

/**
 * allocPaged(bytes, counted) -> byte address of a block from the large-block list whatever its
 * size, or 0: the fallback when TLSF cannot grow memory for a small block although regions freed
 * by big tensors are available. counted = 1 for a storage block (as alloc), 0 for scratch.
 */
export function allocPaged(bytes: usize, counted: i32): usize {
  ensureInit();
  const ptr = allocLarge(bytes);
  if (ptr != 0 && counted != 0) {
    liveBlockCount++;
    liveByteCount += <u64>bytes;
  }
  return ptr;
}

/** free(ptr, bytes): returns a storage block; `bytes` is what was passed to alloc. */
export function free(ptr: usize, bytes: usize): void {
  if (!freeLarge(ptr)) heap.free(ptr);
  liveBlockCount--;
  liveByteCount -= <u64>bytes;
}

/** allocScratch(bytes) -> byte address of a kernel work area (not a storage; not counted), or 0. */
export function allocScratch(bytes: usize): usize {
  return allocBlock(bytes);
}

/** freeScratch(ptr): returns a block from allocScratch or allocPaged. */
export function freeScratch(ptr: usize): void {
  if (!freeLarge(ptr)) heap.free(ptr);
}

/** liveBlocks() -> storage blocks currently allocated. */
export function liveBlocks(): i32 {
  return liveBlockCount;
}

/** liveBytes() -> bytes requested for the storage blocks currently allocated (f64: may exceed 2^31). */
export function liveBytes(): f64 {
  return <f64>liveByteCount;
}

/** largeFreeBytes() -> bytes in free regions of the large-block list (reusable by big blocks). */
export function largeFreeBytes(): f64 {
  let total: u64 = 0;
  for (let i = 0; i < entries; i++) if (!isUsed(i)) total += sizeOf(i);
  return <f64>total;
}

/** copyBytes(dst, src, bytes): memmove within linear memory. */
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
