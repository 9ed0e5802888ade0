// Storage of the wasm backend: blocks of the module's heap (assembly/mem.ts), the typed-array
// views over it, and the kernels' scratch block.
//
// Memory growth detaches memory.buffer (or, for a shared memory, leaves the old buffer at its old
// length), so typed-array views are cached and re-created only when the buffer object changed
// (checked before each use, never kept across a call that allocates).

import { Backend, SType, Storage, bytesPer } from '../backend.js';
import { OutOfMemoryError, WasmgradError } from '../../errors.js';
import type { WasmExports } from './exports.js';
import { SCRATCH_KEEP } from './thresholds.js';

/**
 * wasm32 linear memory is at most 4 GiB (65536 pages of 64 KiB); no single block can be larger
 * than that less a page (the module's static data and allocator live in the first page). Larger
 * requests are refused here, before calling into wasm.
 */
const WASM32_BYTES = 2 ** 32;
const MAX_ALLOC_BYTES = WASM32_BYTES - 2 ** 16;
const MiB = 2 ** 20;

export class WasmStorage implements Storage {
  readonly backend = 'wasm' as const;
  refs = 0;
  freed = false;
  readonly bytes: number;
  constructor(readonly dtype: SType, readonly size: number, /** Byte address in wasm memory. */ readonly ptr: number) {
    this.bytes = size * bytesPer(dtype);
  }
}

export function ptrOf(s: Storage): number {
  return (s as WasmStorage).ptr;
}

export function isF64(s: Storage): boolean {
  return s.dtype === 'float64';
}

/** The heap of one module instance: storage blocks, views, and the reusable scratch block. */
export class WasmHeap implements Pick<Backend, 'alloc' | 'free' | 'liveAllocations' | 'write' | 'read' | 'get' | 'fill' | 'cast' | 'castToInt32' | 'heapBytes'> {
  readonly memory: WebAssembly.Memory;
  private buffer!: ArrayBuffer;
  private f32!: Float32Array;
  private f64!: Float64Array;
  private i32!: Int32Array;
  /** Packing scratch for matmul (and partial results of split reductions), grown on demand and kept. */
  private scratchPtr = 0;
  private scratchBytes = 0;

  constructor(private readonly wasm: WasmExports) {
    this.memory = wasm.memory;
    this.refreshViews();
  }

  private refreshViews(): void {
    this.buffer = this.memory.buffer as ArrayBuffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** The element view for a storage type, re-created if memory grew since the last use. */
  view(dtype: SType): Float32Array | Float64Array | Int32Array {
    if (this.memory.buffer !== this.buffer) this.refreshViews();
    return dtype === 'float64' ? this.f64 : dtype === 'int32' ? this.i32 : this.f32;
  }

  alloc(dtype: SType, size: number): Storage {
    const bytes = size * bytesPer(dtype);
    if (!Number.isInteger(size) || size < 0) {
      throw new WasmgradError(`alloc: cannot allocate ${String(size)} elements of ${dtype}`);
    }
    return new WasmStorage(dtype, size, this.allocBytes(bytes, false));
  }

  /**
   * A heap block of at least `bytes`: a counted storage block, or (scratch) a kernel work area.
   * Sizes wasm32 can never hold are refused before calling into wasm. The module returns 0 when
   * memory cannot grow, or traps inside TLSF for a small block; then the large-block list is
   * tried (it may hold pages freed by big tensors). The allocators' state is untouched by a
   * failure, so later allocations still work. Addresses ≥ 2^31 arrive as negative i32: >>> 0.
   */
  allocBytes(bytes: number, scratch: boolean): number {
    if (!(bytes <= MAX_ALLOC_BYTES)) throw this.outOfMemory(bytes);
    let ptr = 0;
    try {
      ptr = (scratch ? this.wasm.allocScratch(bytes) : this.wasm.alloc(bytes)) >>> 0;
    } catch {
      ptr = 0;
    }
    if (ptr === 0) {
      try {
        ptr = this.wasm.allocPaged(bytes, scratch ? 0 : 1) >>> 0;
      } catch {
        ptr = 0;
      }
    }
    if (ptr === 0) throw this.outOfMemory(bytes);
    return ptr;
  }

  /** The error for a block that cannot be had: the wasm32 limit and what is in use now. */
  private outOfMemory(bytes: number): OutOfMemoryError {
    const mib = (b: number): string => `${Math.round(b / MiB)} MiB`;
    const heap = this.memory.buffer.byteLength;
    const live = this.wasm.liveBytes(), blocks = this.wasm.liveBlocks();
    const reusable = this.wasm.largeFreeBytes();
    const what = bytes > MAX_ALLOC_BYTES ? 'more than wasm32 linear memory can ever hold' : 'no room left in wasm32 linear memory';
    return new OutOfMemoryError(`alloc: cannot allocate ${bytes} bytes (${mib(bytes)}): ${what}, which is at most `
      + `4096 MiB (4 GiB); in use: ${mib(heap)} of linear memory, ${mib(live)} of it held by ${blocks} live storage `
      + `block${blocks === 1 ? '' : 's'}${reusable > 0 ? `, ${mib(reusable)} free in pieces too small for it` : ''}`);
  }

  free(s: Storage): void {
    const ws = s as WasmStorage;
    if (ws.freed) return;
    ws.freed = true;
    this.wasm.free(ws.ptr, ws.bytes);
  }

  /** The allocator's own count of live storage blocks and their bytes (scratch excluded). */
  liveAllocations(): { count: number; bytes: number } {
    return { count: this.wasm.liveBlocks(), bytes: this.wasm.liveBytes() };
  }

  write(s: Storage, src: ArrayLike<number>, offset = 0): void {
    if (offset < 0 || offset + src.length > s.size) {
      throw new WasmgradError(`write: ${src.length} elements at offset ${offset} do not fit in storage of size ${s.size}`);
    }
    const v = this.view(s.dtype);
    v.set(src, ptrOf(s) / bytesPer(s.dtype) + offset);
  }

  read(s: Storage): Float32Array | Float64Array | Int32Array {
    const v = this.view(s.dtype);
    const start = ptrOf(s) / bytesPer(s.dtype);
    return v.slice(start, start + s.size);
  }

  get(s: Storage, index: number): number {
    if (!(index >= 0 && index < s.size)) {
      throw new WasmgradError(`get: index ${index} out of range for storage of size ${s.size}`);
    }
    return this.view(s.dtype)[ptrOf(s) / bytesPer(s.dtype) + index];
  }

  fill(s: Storage, value: number): void {
    if (s.size === 0) return;
    if (s.dtype === 'float64') this.wasm.fill_f64(ptrOf(s), s.size, value);
    else if (s.dtype === 'int32') this.wasm.fill_i32(ptrOf(s), s.size, value);
    else this.wasm.fill_f32(ptrOf(s), s.size, value);
  }

  cast(out: Storage, a: Storage): void {
    const n = Math.min(out.size, a.size);
    if (n === 0) return;
    if (out.dtype === a.dtype) this.wasm.copyBytes(ptrOf(out), ptrOf(a), n * bytesPer(a.dtype));
    else if (out.dtype === 'float64' && a.dtype === 'float32') this.wasm.cast_f32_f64(ptrOf(out), ptrOf(a), n);
    else if (out.dtype === 'float32' && a.dtype === 'float64') this.wasm.cast_f64_f32(ptrOf(out), ptrOf(a), n);
    else if (a.dtype === 'int32') {
      if (out.dtype === 'float64') this.wasm.cast_i32_f64(ptrOf(out), ptrOf(a), n);
      else this.wasm.cast_i32_f32(ptrOf(out), ptrOf(a), n);
    } else {
      const bad = this.castToInt32(out, a);
      if (bad >= 0) throw new WasmgradError(`cast: element ${bad} has no int32 value`);
    }
  }

  castToInt32(out: Storage, a: Storage): number {
    const n = Math.min(out.size, a.size);
    if (n === 0) return -1;
    return a.dtype === 'float64' ? this.wasm.cast_f64_i32(ptrOf(out), ptrOf(a), n) : this.wasm.cast_f32_i32(ptrOf(out), ptrOf(a), n);
  }

  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Byte address of a scratch block of at least `bytes`, reused across calls. */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.wasm.freeScratch(this.scratchPtr);
      this.scratchBytes = 0;
      this.scratchPtr = this.allocBytes(bytes, true);
      this.scratchBytes = bytes;
    }
    return this.scratchPtr;
  }

  /** Gives a large scratch block back to the heap (for tensors to reuse); small ones are kept. */
  trimScratch(): void {
    if (this.scratchBytes > SCRATCH_KEEP) {
      this.wasm.freeScratch(this.scratchPtr);
      this.scratchBytes = 0;
      this.scratchPtr = 0;
    }
  }
}
