// The WebAssembly backend: storage lives in the AssemblyScript heap of build/wasmgrad.wasm and
// every primitive is one call into a SIMD kernel. Only numbers cross the boundary.
//
// Memory growth detaches memory.buffer, so typed-array views are cached and re-created only when
// the buffer object changed (checked before each use, never kept across a call that allocates).

import { instantiate } from '@assemblyscript/loader';
import {
  Backend, Binary, Reduce, SType, Storage, Unary, UnaryGrad, bytesPer,
} from '../backend.js';
import { collapseDims } from '../strides.js';
import { BackendError, OutOfMemoryError, WasmgradError } from '../../errors.js';
import { WasmExports } from './exports.js';
import { loadWasmBytes } from './load.js';

export type { WasmExports } from './exports.js';
export { loadWasmBytes } from './load.js';

/**
 * Largest block alloc accepts (bytes). wasm32 memory tops out at 4 GiB and the TLSF allocator
 * at just under 1 GiB per block; requests between the two reach wasm and fail there, which the
 * error path below reports the same way.
 */
const MAX_ALLOC_BYTES = 2 ** 31;

/** Kernel loops run with at most this many collapsed dims; more are looped over in TypeScript. */
const KERNEL_DIMS = 4;

export class WasmStorage implements Storage {
  readonly backend = 'wasm' as const;
  refs = 0;
  freed = false;
  readonly bytes: number;
  constructor(readonly dtype: SType, readonly size: number, /** Byte address in wasm memory. */ readonly ptr: number) {
    this.bytes = size * bytesPer(dtype);
  }
}

function ptrOf(s: Storage): number {
  return (s as WasmStorage).ptr;
}

function isF64(s: Storage): boolean {
  return s.dtype === 'float64';
}

/**
 * Calls `run(aOffset, bOffset, outOffset)` (element offsets) once per index of the leading
 * `shape.length - KERNEL_DIMS` dims, so the kernel sees only the trailing KERNEL_DIMS.
 */
function forEachLeadingIndex(shape: readonly number[], strides: readonly (readonly number[])[],
  run: (offsets: number[], outOffset: number) => void): void {
  const lead = shape.length - KERNEL_DIMS;
  let blockSize = 1;
  for (let d = lead; d < shape.length; d++) blockSize *= shape[d];
  const index = new Array<number>(lead).fill(0);
  const offsets = strides.map(() => 0);
  let count = 1;
  for (let d = 0; d < lead; d++) count *= shape[d];
  for (let n = 0; n < count; n++) {
    run(offsets, n * blockSize);
    for (let d = lead - 1; d >= 0; d--) {
      index[d]++;
      for (let k = 0; k < strides.length; k++) offsets[k] += strides[k][d];
      if (index[d] < shape[d]) break;
      for (let k = 0; k < strides.length; k++) offsets[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}

/** The trailing KERNEL_DIMS of a collapsed shape/strides, left-padded with extent 1, stride 0. */
function lastDims(values: readonly number[], pad: number): [number, number, number, number] {
  const n = values.length;
  const at = (i: number): number => (n - 4 + i >= 0 ? values[n - 4 + i] : pad);
  return [at(0), at(1), at(2), at(3)];
}

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  private readonly wasm: WasmExports;
  private readonly memory: WebAssembly.Memory;
  private buffer!: ArrayBuffer;
  private f32!: Float32Array;
  private f64!: Float64Array;
  private i32!: Int32Array;
  /** Packing scratch for matmul, grown on demand and kept. */
  private scratchPtr = 0;
  private scratchBytes = 0;

  constructor(exports: WasmExports) {
    this.wasm = exports;
    this.memory = exports.memory;
    this.refreshViews();
  }

  private refreshViews(): void {
    this.buffer = this.memory.buffer as ArrayBuffer;
    this.f32 = new Float32Array(this.buffer);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** The element view for a storage type, re-created if memory grew since the last use. */
  private view(dtype: SType): Float32Array | Float64Array | Int32Array {
    if (this.memory.buffer !== this.buffer) this.refreshViews();
    return dtype === 'float64' ? this.f64 : dtype === 'int32' ? this.i32 : this.f32;
  }

  // ---- storage -------------------------------------------------------------------------------

  alloc(dtype: SType, size: number): Storage {
    const bytes = size * bytesPer(dtype);
    if (!Number.isInteger(size) || size < 0) {
      throw new WasmgradError(`alloc: cannot allocate ${String(size)} elements of ${dtype}`);
    }
    if (bytes > MAX_ALLOC_BYTES) {
      throw new OutOfMemoryError(`alloc: ${bytes} bytes is more than one wasm32 block can hold (${MAX_ALLOC_BYTES} bytes)`);
    }
    return new WasmStorage(dtype, size, this.allocBytes(bytes, false));
  }

  /**
   * A heap block of at least `bytes`: a counted storage block, or (scratch) a kernel work area.
   * A failed memory.grow traps and an oversized block aborts; the allocator's state is untouched
   * in both cases, so later allocations still work.
   */
  private allocBytes(bytes: number, scratch: boolean): number {
    try {
      return (scratch ? this.wasm.allocScratch(bytes) : this.wasm.alloc(bytes)) >>> 0;
    } catch {
      const heapMiB = Math.round(this.memory.buffer.byteLength / 2 ** 20);
      throw new OutOfMemoryError(`alloc: cannot allocate ${bytes} bytes (wasm heap at ${heapMiB} MiB of 4096)`);
    }
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
    else {
      // int32 <-> float: not on any hot path, let typed arrays convert.
      const src = this.view(a.dtype), dst = this.view(out.dtype);
      const from = ptrOf(a) / bytesPer(a.dtype);
      dst.set(src.subarray(from, from + n), ptrOf(out) / bytesPer(out.dtype));
    }
  }

  heapBytes(): number {
    return this.memory.buffer.byteLength;
  }

  // ---- elementwise ---------------------------------------------------------------------------

  unary(op: Unary, out: Storage, a: Storage): void {
    if (out.size === 0) return;
    if (isF64(out)) this.wasm.unary_f64(op, ptrOf(out), ptrOf(a), out.size);
    else this.wasm.unary_f32(op, ptrOf(out), ptrOf(a), out.size);
  }

  unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
    if (out.size === 0) return;
    if (isF64(out)) this.wasm.unaryGrad_f64(op, ptrOf(out), ptrOf(saved), ptrOf(dy), out.size);
    else this.wasm.unaryGrad_f32(op, ptrOf(out), ptrOf(saved), ptrOf(dy), out.size);
  }

  binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
    aStrides: readonly number[], bStrides: readonly number[]): void {
    if (out.size === 0) return;
    const c = collapseDims(shape, [aStrides, bStrides]);
    const kernel = isF64(out) ? this.wasm.binary_f64 : this.wasm.binary_f32;
    const elem = bytesPer(out.dtype);
    const [n0, n1, n2, n3] = lastDims(c.shape, 1);
    const [a0, a1, a2, a3] = lastDims(c.strides[0], 0);
    const [b0, b1, b2, b3] = lastDims(c.strides[1], 0);
    const outPtr = ptrOf(out), aPtr = ptrOf(a), bPtr = ptrOf(b);
    if (c.shape.length <= KERNEL_DIMS) {
      kernel(op, outPtr, aPtr, bPtr, n0, n1, n2, n3, a0, a1, a2, a3, b0, b1, b2, b3);
      return;
    }
    forEachLeadingIndex(c.shape, c.strides, (offsets, outOffset) => {
      kernel(op, outPtr + outOffset * elem, aPtr + offsets[0] * elem, bPtr + offsets[1] * elem,
        n0, n1, n2, n3, a0, a1, a2, a3, b0, b1, b2, b3);
    });
  }

  copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
    if (out.size === 0) return;
    const c = collapseDims(shape, [strides]);
    const kernel = bytesPer(out.dtype) === 8 ? this.wasm.copyStrided_f64 : this.wasm.copyStrided_f32;
    const elem = bytesPer(out.dtype);
    const [n0, n1, n2, n3] = lastDims(c.shape, 1);
    const [s0, s1, s2, s3] = lastDims(c.strides[0], 0);
    const outPtr = ptrOf(out), aPtr = ptrOf(a) + offset * elem;
    if (c.shape.length <= KERNEL_DIMS) {
      kernel(outPtr, aPtr, n0, n1, n2, n3, s0, s1, s2, s3);
      return;
    }
    forEachLeadingIndex(c.shape, c.strides, (offsets, outOffset) => {
      kernel(outPtr + outOffset * elem, aPtr + offsets[0] * elem, n0, n1, n2, n3, s0, s1, s2, s3);
    });
  }

  addInPlace(dst: Storage, src: Storage): void {
    if (dst.size === 0) return;
    if (isF64(dst)) this.wasm.addInPlace_f64(ptrOf(dst), ptrOf(src), dst.size);
    else this.wasm.addInPlace_f32(ptrOf(dst), ptrOf(src), dst.size);
  }

  // ---- reductions ----------------------------------------------------------------------------

  reduce(op: Reduce, out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    if (outer === 0 || inner === 0) return;
    if (isF64(out)) this.wasm.reduce_f64(op, ptrOf(out), ptrOf(a), outer, red, inner);
    else this.wasm.reduce_f32(op, ptrOf(out), ptrOf(a), outer, red, inner);
  }

  argmaxMask(out: Storage, a: Storage, outer: number, red: number, inner: number): void {
    if (outer === 0 || red === 0 || inner === 0) return;
    if (isF64(out)) this.wasm.argmaxMask_f64(ptrOf(out), ptrOf(a), outer, red, inner);
    else this.wasm.argmaxMask_f32(ptrOf(out), ptrOf(a), outer, red, inner);
  }

  // ---- matmul --------------------------------------------------------------------------------

  /** Byte address of a scratch block of at least `bytes`, reused across calls. */
  private scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.wasm.freeScratch(this.scratchPtr);
      this.scratchBytes = 0;
      this.scratchPtr = this.allocBytes(bytes, true);
      this.scratchBytes = bytes;
    }
    return this.scratchPtr;
  }

  matmul(out: Storage, a: Storage, b: Storage, batch: number, M: number, N: number, K: number,
    transA: boolean, transB: boolean, aBatchStride: number, bBatchStride: number): void {
    if (batch === 0 || M === 0 || N === 0) return;
    const f64 = isF64(out);
    const bytes = f64 ? this.wasm.matmulScratchBytes_f64(M, N, K) : this.wasm.matmulScratchBytes_f32(M, N, K);
    const scratch = this.scratch(bytes);
    (f64 ? this.wasm.matmul_f64 : this.wasm.matmul_f32)(ptrOf(out), ptrOf(a), ptrOf(b), scratch,
      batch, M, N, K, transA ? 1 : 0, transB ? 1 : 0, aBatchStride, bBatchStride);
  }

  // ---- softmax family ------------------------------------------------------------------------

  softmax(out: Storage, a: Storage, outer: number, n: number, inner: number, log: boolean): void {
    if (out.size === 0) return;
    if (isF64(out)) this.wasm.softmax_f64(ptrOf(out), ptrOf(a), outer, n, inner, log ? 1 : 0);
    else this.wasm.softmax_f32(ptrOf(out), ptrOf(a), outer, n, inner, log ? 1 : 0);
  }

  softmaxGrad(out: Storage, y: Storage, dy: Storage, outer: number, n: number, inner: number, log: boolean): void {
    if (out.size === 0) return;
    if (isF64(out)) this.wasm.softmaxGrad_f64(ptrOf(out), ptrOf(y), ptrOf(dy), outer, n, inner, log ? 1 : 0);
    else this.wasm.softmaxGrad_f32(ptrOf(out), ptrOf(y), ptrOf(dy), outer, n, inner, log ? 1 : 0);
  }

  crossEntropy(probs: Storage, logits: Storage, labels: Storage, N: number, C: number): number {
    if (isF64(probs)) return this.wasm.crossEntropy_f64(ptrOf(probs), ptrOf(logits), ptrOf(labels), N, C);
    return this.wasm.crossEntropy_f32(ptrOf(probs), ptrOf(logits), ptrOf(labels), N, C);
  }

  crossEntropyGrad(out: Storage, probs: Storage, labels: Storage, N: number, C: number, scale: number): void {
    if (out.size === 0) return;
    if (isF64(out)) this.wasm.crossEntropyGrad_f64(ptrOf(out), ptrOf(probs), ptrOf(labels), N, C, scale);
    else this.wasm.crossEntropyGrad_f32(ptrOf(out), ptrOf(probs), ptrOf(labels), N, C, scale);
  }

  // ---- optimizer updates ---------------------------------------------------------------------

  sgdStep(param: Storage, grad: Storage, velocity: Storage | null, lr: number, momentum: number,
    dampening: number, weightDecay: number, nesterov: boolean, firstStep: boolean): void {
    if (momentum !== 0 && velocity === null) throw new WasmgradError('sgdStep: momentum > 0 needs a velocity buffer');
    if (param.size === 0) return;
    const vel = momentum === 0 || velocity === null ? 0 : ptrOf(velocity);
    (isF64(param) ? this.wasm.sgdStep_f64 : this.wasm.sgdStep_f32)(ptrOf(param), ptrOf(grad), vel, param.size,
      lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, decoupled: boolean, step: number): void {
    if (param.size === 0) return;
    (isF64(param) ? this.wasm.adamStep_f64 : this.wasm.adamStep_f32)(ptrOf(param), ptrOf(grad), ptrOf(m), ptrOf(v),
      param.size, lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, step);
  }
}

/**
 * Instantiates build/wasmgrad.wasm through @assemblyscript/loader (which supplies the abort
 * import that turns AssemblyScript aborts into JS errors) and wraps it as a Backend.
 */
export async function createWasmBackend(bytes?: Uint8Array | ArrayBuffer): Promise<WasmBackend> {
  const source = bytes ?? await loadWasmBytes();
  let instance: WebAssembly.Instance;
  try {
    ({ instance } = await instantiate<Record<string, unknown>>(source));
  } catch (e) {
    throw new BackendError(`wasm: cannot instantiate wasmgrad.wasm: ${(e as Error).message}`);
  }
  // The raw exports, not the loader's demangled wrappers: those add a rest-args closure per call.
  return new WasmBackend(instance.exports as unknown as WasmExports);
}
