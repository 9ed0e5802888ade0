// Heap management for TypeScript-owned storage. With --runtime minimal the TLSF allocator is
// live: heap.free really returns blocks. Blocks are 16-byte aligned.
//
// Storage blocks are counted here, where they are made and freed, so the library's own
// bookkeeping (memory() in TypeScript) can be checked against the allocator's.

/** Storage blocks handed out by alloc and not yet freed, and the bytes requested for them. */
let liveBlockCount: i32 = 0;
let liveByteCount: u64 = 0;

/** alloc(bytes) -> byte address, 16-byte aligned, of a storage block (counted). A 0-byte request still gets a real block. Aborts above ~1 GiB, traps if memory cannot grow. */
export function alloc(bytes: usize): usize {
  const ptr = heap.alloc(max<usize>(bytes, 16));
  liveBlockCount++;
  liveByteCount += <u64>bytes;
  return ptr;
}

/** free(ptr, bytes): returns a storage block; `bytes` is what was passed to alloc. */
export function free(ptr: usize, bytes: usize): void {
  heap.free(ptr);
  liveBlockCount--;
  liveByteCount -= <u64>bytes;
}

/** allocScratch(bytes) -> byte address of a kernel work area (not a storage; not counted). */
export function allocScratch(bytes: usize): usize {
  return heap.alloc(max<usize>(bytes, 16));
}

/** freeScratch(ptr): returns a block from allocScratch. */
export function freeScratch(ptr: usize): void {
  heap.free(ptr);
}

/** liveBlocks() -> storage blocks currently allocated. */
export function liveBlocks(): i32 {
  return liveBlockCount;
}

/** liveBytes() -> bytes requested for the storage blocks currently allocated (f64: may exceed 2^31). */
export function liveBytes(): f64 {
  return <f64>liveByteCount;
}

/** copyBytes(dst, src, bytes): memmove within linear memory. */
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
