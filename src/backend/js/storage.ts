// The js backend's storage: typed arrays, one per storage, counted where they are made and freed.

import { Backend, SType, Storage, bytesPer } from '../backend.js';
import { OutOfMemoryError, WasmgradError } from '../../errors.js';

export type FArray = Float32Array | Float64Array;
type AnyArray = FArray | Int32Array;

export class JsStorage implements Storage {
  readonly backend = 'js' as const;
  refs = 0;
  freed = false;
  readonly bytes: number;
  constructor(readonly dtype: SType, readonly size: number, public arr: AnyArray) {
    this.bytes = size * bytesPer(dtype);
  }
}

const MAX_ELEMENTS = 2 ** 31 - 1;

function makeArray(dtype: SType, n: number): AnyArray {
  if (dtype === 'float64') return new Float64Array(n);
  if (dtype === 'int32') return new Int32Array(n);
  return new Float32Array(n);
}

export function arr(s: Storage): FArray {
  return (s as JsStorage).arr as FArray;
}

/** The storage half of the js backend (index.ts adds the kernels). */
export abstract class JsStorageBackend implements Pick<Backend, 'alloc' | 'free' | 'liveAllocations' | 'write' | 'read' | 'get' | 'fill' | 'cast' | 'castToInt32' | 'heapBytes'> {

  /** Live storages and their bytes, counted here where they are made and freed. */
  private live = { count: 0, bytes: 0 };

  alloc(dtype: SType, size: number): Storage {
    if (!Number.isInteger(size) || size < 0) {
      throw new WasmgradError(`alloc: cannot allocate ${String(size)} elements of ${dtype}`);
    }
    let a: AnyArray;
    try {
      if (size > MAX_ELEMENTS) throw new RangeError(`the js backend holds at most ${MAX_ELEMENTS} elements per tensor`);
      a = makeArray(dtype, size);
    } catch (e) {
      // The limit, or the engine's own refusal (e.g. "Array buffer allocation failed").
      throw new OutOfMemoryError(`alloc: cannot allocate ${size * bytesPer(dtype)} bytes (${size} elements): ${(e as Error).message}`);
    }
    const s = new JsStorage(dtype, size, a);
    this.live.count++;
    this.live.bytes += s.bytes;
    return s;
  }

  free(s: Storage): void {
    const js = s as JsStorage;
    if (js.freed) return;
    js.freed = true;
    js.arr = makeArray(js.dtype, 0);
    this.live.count--;
    this.live.bytes -= js.bytes;
  }

  liveAllocations(): { count: number; bytes: number } {
    return { ...this.live };
  }

  write(s: Storage, src: ArrayLike<number>, offset = 0): void {
    const a = (s as JsStorage).arr;
    if (ArrayBuffer.isView(src)) a.set(src as unknown as ArrayLike<number>, offset);
    else for (let i = 0; i < src.length; i++) a[offset + i] = src[i];
  }

  read(s: Storage): Float32Array | Float64Array | Int32Array {
    return (s as JsStorage).arr.slice();
  }

  get(s: Storage, index: number): number {
    return (s as JsStorage).arr[index];
  }

  fill(s: Storage, value: number): void {
    (s as JsStorage).arr.fill(value);
  }

  cast(out: Storage, a: Storage): void {
    if (out.dtype === 'int32' && a.dtype !== 'int32') {
      const bad = this.castToInt32(out, a);
      if (bad >= 0) throw new WasmgradError(`cast: element ${bad} has no int32 value`);
      return;
    }
    (out as JsStorage).arr.set((a as JsStorage).arr);
  }

  castToInt32(out: Storage, a: Storage): number {
    const src = (a as JsStorage).arr, dst = (out as JsStorage).arr;
    const n = Math.min(src.length, dst.length);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      // Truncation toward zero, as PyTorch; NaN, ±Inf and out-of-range values have no int32 value.
      if (!(v > -2147483649 && v < 2147483648)) return i;
      dst[i] = v;
    }
    return -1;
  }

  heapBytes(): number {
    return 0;
  }

}
