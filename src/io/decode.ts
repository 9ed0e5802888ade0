// Decoding validated safetensors entries into tensors: F32, F64 and I32 natively, F16 and BF16
// widened to float32 bit-exactly; loadTensors() is parse + decode.

import type { DType } from '../backend/backend.js';
import { DTypeError, WasmgradError, checkOptions } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { describe, err, q } from './messages.js';
import { LITTLE_ENDIAN_HOST, LOADABLE_DTYPES, type Loadable, type SafetensorsEntry, asBytes, parseSafetensors } from './parse.js';

export function isLoadable(dtype: string): dtype is Loadable {
  return (LOADABLE_DTYPES as readonly string[]).includes(dtype);
}

export function unsupported(op: string, e: SafetensorsEntry): DTypeError {
  return new DTypeError(`${op}: tensor ${q(e.name)} has dtype ${e.dtype}, which wasmgrad cannot load (supported: ${LOADABLE_DTYPES.join(', ')})`);
}

/** An aligned little-endian-correct typed array over (or copied from) bytes[off, off + n*size). */
function readFloats(bytes: Uint8Array, off: number, count: number, size: 4 | 8): Float32Array | Float64Array {
  if (LITTLE_ENDIAN_HOST) {
    let buffer: ArrayBufferLike = bytes.buffer;
    let abs = bytes.byteOffset + off;
    if (abs % size !== 0) {
      buffer = bytes.slice(off, off + count * size).buffer; // a fresh buffer at offset 0: aligned
      abs = 0;
    }
    return size === 4 ? new Float32Array(buffer, abs, count) : new Float64Array(buffer, abs, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + off, count * size);
  const out = size === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return out;
}

/** IEEE half → float32, bit-exact (NaN payloads kept), without going through a lookup table. */
function readF16(bytes: Uint8Array, off: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const h = bytes[off + 2 * i] | (bytes[off + 2 * i + 1] << 8);
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const man = h & 0x3ff;
    if (exp === 0x1f) bits[i] = (sign | 0x7f800000 | (man << 13)) >>> 0;
    else if (exp !== 0) bits[i] = (sign | ((exp + 112) << 23) | (man << 13)) >>> 0;
    else if (man === 0) bits[i] = sign >>> 0;
    else out[i] = (sign ? -man : man) * 2 ** -24; // subnormal: exact in float32
  }
  return out;
}

/** bfloat16 → float32: the upper half of the float32 bits. */
function readBF16(bytes: Uint8Array, off: number, count: number): Float32Array {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    bits[i] = ((bytes[off + 2 * i] | (bytes[off + 2 * i + 1] << 8)) << 16) >>> 0;
  }
  return out;
}

/** Little-endian int32 values at bytes[off, off + 4*count) (a copy: I32 entries are small index tensors). */
function readI32(bytes: Uint8Array, off: number, count: number): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + off, count * 4);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

/** The values of one validated entry as float32, float64 or int32 (F16/BF16 widen to float32). */
export function decode(bytes: Uint8Array, e: SafetensorsEntry & { dtype: Loadable }): Float32Array | Float64Array | Int32Array {
  const count = e.dtype === 'F64' ? e.byteLength / 8 : e.dtype === 'F32' || e.dtype === 'I32' ? e.byteLength / 4 : e.byteLength / 2;
  switch (e.dtype) {
    case 'I32': return readI32(bytes, e.byteOffset, count);
    case 'F32': return readFloats(bytes, e.byteOffset, count, 4);
    case 'F64': return readFloats(bytes, e.byteOffset, count, 8);
    case 'F16': return readF16(bytes, e.byteOffset, count);
    case 'BF16': return readBF16(bytes, e.byteOffset, count);
  }
}

/**
 * An I64 entry as int32 values, every value checked to fit (PyTorch's int64 num_batches_tracked
 * into wasmgrad's int32 counter); a DTypeError naming the tensor and the value otherwise.
 */
export function decodeI64AsInt32(op: string, bytes: Uint8Array, e: SafetensorsEntry): Int32Array {
  const count = e.byteLength / 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset + e.byteOffset, e.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = view.getBigInt64(i * 8, true);
    if (v < -2147483648n || v > 2147483647n) {
      throw new DTypeError(`${op}: tensor ${q(e.name)} (I64) holds ${v} at index ${i}, outside the int32 range of its wasmgrad tensor`);
    }
    out[i] = Number(v);
  }
  return out;
}

export function nativeDtype(d: Loadable): DType {
  return d === 'F64' ? 'float64' : d === 'I32' ? 'int32' : 'float32';
}

function checkDtypeOption(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${op}: unknown dtype ${typeof dtype === 'string' ? q(dtype, 40) : describe(dtype)} (expected 'float32' or 'float64')`);
  }
  return dtype;
}

export interface LoadTensorsOptions {
  /** Convert every tensor to this dtype (default: F64 → float64; F32, F16, BF16 → float32; I32 → int32). */
  dtype?: DType;
}

/**
 * Reads a safetensors file into new tensors on the current backend. F32, F64 and I32 (int32)
 * load natively, F16 and BF16 are widened to float32; any other dtype is a DTypeError naming the tensor.
 * The file is validated completely before any tensor is made.
 *
 * Returns `{ tensors, metadata }`: a Map from tensor name to Tensor (in file order) and the
 * file's "__metadata__" strings. Errors: a WasmgradError for malformed bytes, naming the tensor,
 * offsets and sizes; a DTypeError for an unloadable dtype.
 *
 * @example wg.loadTensors(wg.saveTensors({ w: wg.ones([2]) })).tensors.get('w') // tensor([1, 1])
 */
export function loadTensors(bytes: Uint8Array | ArrayBuffer, opts: LoadTensorsOptions = {}):
  { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const o = checkOptions('loadTensors', opts, ['dtype']);
  const target = checkDtypeOption('loadTensors', o.dtype);
  const buf = asBytes(bytes, 'loadTensors');
  const header = parseSafetensors(buf);
  for (const e of header.entries) if (!isLoadable(e.dtype)) throw unsupported('loadTensors', e);
  const tensors = new Map<string, Tensor>();
  try {
    for (const e of header.entries as readonly (SafetensorsEntry & { dtype: Loadable })[]) {
      const values = decode(buf, e);
      tensors.set(e.name, tensor(values, { dtype: target ?? nativeDtype(e.dtype), shape: e.shape }));
    }
  } catch (x) {
    for (const t of tensors.values()) t.dispose();
    if (x instanceof WasmgradError) throw x;
    throw err(`could not create the tensors: ${x instanceof Error ? x.message : String(x)}`);
  }
  return { tensors, metadata: { ...header.metadata } };
}
