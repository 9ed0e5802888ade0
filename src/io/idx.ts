// Reading an IDX file (the format MNIST ships in: http://yann.lecun.com/exdb/mnist/) into a
// tensor, validated like the safetensors parser (parse.ts): the bytes are untrusted, the whole
// header and the file's length are checked before anything is allocated, and every failure is a
// WasmgradError naming the field and its byte offset. No RangeError or TypeError escapes.
//
// Layout: two zero bytes; a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
// 0x0D float32, 0x0E float64); the rank r (1..255); r big-endian uint32 dimensions; then the
// elements, big-endian, row-major, exactly filling the rest of the file.

import type { DType } from '../backend/backend.js';
import { DTypeError, WasmgradError, checkOptions, describeValue, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { currentBackend } from '../runtime.js';
import { empty } from '../ops/util.js';
import { asBytes } from './parse.js';

/** Each type code: its name, element size in bytes and the dtype it reads as by default. */
const IDX_TYPES: Readonly<Record<number, { name: string; size: 1 | 2 | 4 | 8; dtype: DType }>> = {
  0x08: { name: 'uint8', size: 1, dtype: 'int32' },
  0x09: { name: 'int8', size: 1, dtype: 'int32' },
  0x0b: { name: 'int16', size: 2, dtype: 'int32' },
  0x0c: { name: 'int32', size: 4, dtype: 'int32' },
  0x0d: { name: 'float32', size: 4, dtype: 'float32' },
  0x0e: { name: 'float64', size: 8, dtype: 'float64' },
};

/** Options of `readIdx`. */
export interface IdxOptions {
  /**
   * The tensor's dtype. Default: int32 for the integer types (uint8, int8, int16, int32: exact),
   * float32 for float32 data, float64 for float64 data. Integer data may be read as float32 or
   * float64 (exact up to 2^24 in float32); float data cannot be read as int32 (use `astype`).
   */
  dtype?: DType;
}

function idxError(message: string): WasmgradError {
  return new WasmgradError(`readIdx: ${message}`);
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** The validated header: the element type, the shape and where the data starts. */
function parseHeader(bytes: Uint8Array): { type: (typeof IDX_TYPES)[number]; code: number; shape: number[]; dataStart: number; count: number } {
  if (bytes.length < 4) throw idxError(`file too short for the 4-byte magic number: ${bytes.length} bytes`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw idxError('the file is gzip-compressed (it starts with 0x1f 0x8b): decompress it first (e.g. zlib.gunzipSync)');
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw idxError(`bad magic number: bytes 0-1 must be 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const code = bytes[2];
  const type = IDX_TYPES[code];
  if (type === undefined) {
    throw idxError(`unknown type code ${hex(code)} at byte 2 (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32 or 0x0e float64)`);
  }
  const rank = bytes[3];
  if (rank === 0) throw idxError('rank 0 at byte 3: an IDX file has at least one dimension');
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) {
    throw idxError(`file too short for the ${rank} dimensions of the header: it needs ${dataStart} bytes (dimensions at bytes 4-${dataStart - 1}), got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const dataBytes = bytes.length - dataStart;
  // the element count, checked against the bytes present as it grows (no overflow past 2^53)
  let count = 1;
  if (!shape.includes(0)) {
    for (let i = 0; i < rank; i++) {
      count *= shape[i];
      if (count * type.size > dataBytes) {
        const big = shape.reduce((a, b) => a * b, 1) * type.size;
        throw idxError(`truncated data: shape ${fmtShape(shape)} of ${type.name} needs ${Number.isSafeInteger(big) ? big : `about ${big.toExponential(3)}`} bytes from offset ${dataStart}, the file has ${dataBytes}`);
      }
    }
  } else {
    count = 0;
  }
  const need = count * type.size;
  if (dataBytes > need) {
    throw idxError(`${dataBytes - need} trailing bytes after the data: shape ${fmtShape(shape)} of ${type.name} ends at offset ${dataStart + need}, the file at ${bytes.length}`);
  }
  return { type, code, shape, dataStart, count };
}

/** The elements decoded from big-endian (one-byte types need no decoding: a view is enough). */
function decodeBigEndian(bytes: Uint8Array, code: number, start: number, count: number): ArrayLike<number> {
  if (code === 0x08) return bytes.subarray(start, start + count);
  if (code === 0x09) return new Int8Array(bytes.buffer, bytes.byteOffset + start, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start);
  switch (code) {
    case 0x0b: { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false); return out; }
    case 0x0c: { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false); return out; }
    case 0x0d: { const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false); return out; }
    default: { const out = new Float64Array(count); for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false); return out; }
  }
}

/**
 * Reads an IDX file (the format of the MNIST digits: `train-images-idx3-ubyte`, …) into a new
 * tensor on the current backend, with the file's shape. uint8, int8, int16 and int32 data read
 * as int32 (exact), float32 as float32, float64 as float64; `opts.dtype` reads integer data as
 * float32/float64 instead (MNIST pixels as floats: `{ dtype: 'float32' }`, then `div(255)`).
 * The bytes are validated before anything is allocated: a WasmgradError names the field and
 * offset of a bad magic number, type code or rank, truncated data or trailing bytes (a gzip
 * file is named as such); a DTypeError a float file read as int32.
 *
 * @param bytes The file's contents (a Uint8Array, e.g. from `fs.readFileSync`, or an ArrayBuffer).
 * @param opts `dtype`: the tensor's dtype (see {@link IdxOptions}).
 * @example wg.readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])) // tensor([7, 9]) (int32)
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer, opts: IdxOptions = {}): Tensor {
  const o = checkOptions('readIdx', opts, ['dtype']);
  if (o.dtype !== undefined && o.dtype !== 'float32' && o.dtype !== 'float64' && o.dtype !== 'int32') {
    throw new DTypeError(`readIdx: dtype must be 'float32', 'float64' or 'int32', got ${describeValue(o.dtype)}`);
  }
  const buf = asBytes(bytes, 'readIdx');
  const { type, code, shape, dataStart, count } = parseHeader(buf);
  const dtype = (o.dtype as DType | undefined) ?? type.dtype;
  if (dtype === 'int32' && type.dtype !== 'int32') {
    throw new DTypeError(`readIdx: the file holds ${type.name} data, which is not read as int32 (read it as float32 or float64, then astype)`);
  }
  const backend = currentBackend('readIdx');
  const values = decodeBigEndian(buf, code, dataStart, count);
  const out = empty(shape, dtype, backend, 'readIdx');
  if (count > 0) backend.write(out.storage, values);
  return out;
}
