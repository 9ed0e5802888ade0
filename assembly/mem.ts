// Heap management for TypeScript-owned storage. With --runtime minimal the TLSF allocator is
// live: heap.free really returns blocks. Blocks are 16-byte aligned.

/** alloc(bytes) -> byte address, 16-byte aligned. Aborts (allocation too large) above ~1 GiB, traps if memory cannot grow. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** free(ptr: byte address returned by alloc). */
export function free(ptr: usize): void {
  heap.free(ptr);
}

/** copyBytes(dst, src, bytes): memmove within linear memory. */
export function copyBytes(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
