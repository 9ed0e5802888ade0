// Reading a safetensors file (https://huggingface.co/docs/safetensors): the header, validated.
//
// Layout: 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON (the header, possibly padded
// with trailing spaces), then the data section. The header maps each tensor name to
// { "dtype", "shape", "data_offsets": [begin, end] } (byte offsets into the data section, end
// exclusive) and may hold "__metadata__", a string→string map. Data is little-endian, row-major,
// and the tensors tile the data section exactly: no holes, no overlaps.
//
// Reading treats the bytes as untrusted. `parseSafetensors` validates the whole file before
// anything is decoded, and every failure is a WasmgradError (DTypeError for dtypes, ShapeError
// for shapes that do not fit a parameter) whose message names the tensor, the offsets and the
// sizes involved. It never reads outside the input and never lets a RangeError/TypeError escape.
//
// Decoding the values is decode.ts, writing is write.ts, a Module's state is module.ts.

import { DTypeError, WasmgradError } from '../errors.js';
import { LONE_SURROGATE, describe, err, isPlainObject, q, shp } from './messages.js';

/** The reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bits per element of every dtype the format defines (sub-byte types pack several per byte). */
const DTYPE_BITS: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null), {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  F8_E4M3FNUZ: 8, F8_E5M2FNUZ: 8, I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32,
  F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
}) as Record<string, number>);

/** The dtypes wasmgrad can load (F16 and BF16 are widened to float32; I32 loads as int32). */
export const LOADABLE_DTYPES = ['F32', 'F64', 'F16', 'BF16', 'I32'] as const;
export type Loadable = (typeof LOADABLE_DTYPES)[number];

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'] as const;
export const METADATA_KEY = '__metadata__';

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---- parsing -----------------------------------------------------------------------------------

/** One tensor of a parsed file. Offsets are validated; nothing has been decoded yet. */
export interface SafetensorsEntry {
  readonly name: string;
  /** The dtype string as written in the file ('F32', 'BF16', 'I64', ...). */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** [begin, end) relative to the data section, as written in the header. */
  readonly dataOffsets: readonly [number, number];
  /** Absolute byte offset of the tensor's data in the file. */
  readonly byteOffset: number;
  readonly byteLength: number;
}

export interface SafetensorsHeader {
  /** The tensors in data order (ascending offsets). */
  readonly entries: readonly SafetensorsEntry[];
  /** "__metadata__" (empty when absent). */
  readonly metadata: Record<string, string>;
  /** N, the header's length in bytes (padding included). */
  readonly headerLength: number;
  /** Where the data section starts (8 + N). */
  readonly dataStart: number;
  readonly dataLength: number;
}

export function asBytes(input: unknown, op: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof SharedArrayBuffer !== 'undefined' && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new WasmgradError(`${op}: expected a Uint8Array or an ArrayBuffer, got ${input === null ? 'null' : typeof input}`);
}

/**
 * A linear scan over header text that JSON.parse already accepted: rejects keys repeated within
 * one object (JSON.parse silently keeps the last) and numbers not written as plain integers
 * ("1.0", "1e3"; every number a valid header holds is an integer, and the reference reader
 * rejects these too).
 */
function scanHeader(text: string): void {
  interface Frame { obj: boolean; keys: Set<string> | null; expectKey: boolean; key: string | null }
  const stack: Frame[] = [];
  // The top-level key whose value is being scanned names the place in messages.
  const where = (): string => {
    const outer = stack.length >= 1 ? stack[0].key : null;
    return outer === null ? 'the header' : `entry ${q(outer)}`;
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.obj && top.expectKey) {
        const raw = text.slice(i + 1, j);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.keys ??= new Set();
        if (top.keys.has(key)) {
          throw err(`duplicate key ${q(key)} in ${stack.length === 1 ? 'the header' : where()}`);
        }
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j + 1;
    } else if (c === 0x7b /* { */) {
      stack.push({ obj: true, keys: null, expectKey: true, key: null });
      i++;
    } else if (c === 0x5b /* [ */) {
      stack.push({ obj: false, keys: null, expectKey: false, key: null });
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.obj) top.expectKey = true;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let plain = true;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x2e || d === 0x65 || d === 0x45) plain = false; // . e E
        else if (!(d === 0x2b || d === 0x2d || (d >= 0x30 && d <= 0x39))) break;
      }
      if (!plain) {
        throw err(`in ${where()}: the number ${text.slice(i, Math.min(j, i + 40))} is not written as an integer`);
      }
      i = j;
    } else {
      i++;
    }
  }
}

/** Reads a dimension list or an offset pair: non-negative safe integers. */
function checkIntegers(v: unknown, what: string, name: string): number[] {
  if (!Array.isArray(v)) throw err(`tensor ${q(name)}: ${what} must be an array, got ${describe(v)}`);
  for (let k = 0; k < v.length; k++) {
    const d: unknown = v[k];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || Object.is(d, -0)) {
      throw err(`tensor ${q(name)}: ${what}[${k}] must be a non-negative integer, got ${describe(d)}`);
    }
  }
  return (v as number[]).slice();
}

/**
 * shape × dtype in bytes, computed without overflow: once the running product exceeds `span`
 * it can no longer match, and the exact figure is only worked out (in BigInt) for the message.
 */
function byteSize(shape: readonly number[], bits: number, span: number): { bytes: number; text: string } {
  if (shape.some((d) => d === 0)) return { bytes: 0, text: '0 bytes' };
  const limitBits = span * 8; // span <= file size, so this is exact
  let elems = 1;
  for (const d of shape) {
    elems *= d;
    if (elems * bits > limitBits) {
      let text = `more than ${span} bytes`;
      if (shape.length <= 64) {
        let big = BigInt(bits);
        for (const e of shape) big *= BigInt(e);
        text = big % 8n === 0n ? `${big / 8n} bytes` : `${big} bits, not a whole number of bytes`;
      }
      return { bytes: Infinity, text };
    }
  }
  const totalBits = elems * bits;
  if (totalBits % 8 !== 0) return { bytes: NaN, text: `${totalBits} bits, not a whole number of bytes` };
  return { bytes: totalBits / 8, text: `${totalBits / 8} bytes` };
}

/**
 * Validates a safetensors file completely and returns its layout. Throws a WasmgradError naming
 * the problem for anything malformed; decodes no tensor data. Any dtype the format defines is
 * accepted here (loading then rejects those wasmgrad cannot represent).
 */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(input, 'parseSafetensors');
  const total = bytes.byteLength;
  if (total < 8) throw err(`file is ${total} bytes long, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nBig = view.getBigUint64(0, true);
  if (nBig > BigInt(MAX_HEADER_BYTES)) {
    throw err(`header length ${nBig} exceeds the ${MAX_HEADER_BYTES}-byte limit (file is ${total} bytes)`);
  }
  const n = Number(nBig);
  if (n > total - 8) {
    throw err(`header length ${n} runs past the end of the file (${total} bytes, so at most ${total - 8} bytes of header)`);
  }
  if (n < 2) throw err(`header length ${n} is too short for a JSON object`);
  if (bytes[8] !== 0x7b) throw err(`header must be a JSON object: it does not start with '{' (first byte 0x${bytes[8].toString(16).padStart(2, '0')})`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw err(`header (${n} bytes) is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message.slice(0, 200) : String(e);
    throw err(`header is not valid JSON: ${detail}`);
  }
  if (!isPlainObject(json)) throw err(`header must be a JSON object, got ${describe(json)}`);
  scanHeader(text);

  const dataStart = 8 + n;
  const dataLength = total - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];

  for (const name of Object.keys(json)) {
    const value = json[name];
    if (name === METADATA_KEY) {
      metadata = checkMetadata(value, 'header');
      continue;
    }
    if (name.length === 0) throw err('a tensor has an empty name');
    if (LONE_SURROGATE.test(name)) throw err(`tensor name ${q(name)} contains an unpaired surrogate escape`);
    if (!isPlainObject(value)) throw err(`tensor ${q(name)}: entry must be an object, got ${describe(value)}`);
    for (const f of ENTRY_FIELDS) {
      if (!Object.prototype.hasOwnProperty.call(value, f)) throw err(`tensor ${q(name)}: missing field "${f}"`);
    }
    for (const f of Object.keys(value)) {
      if (!(ENTRY_FIELDS as readonly string[]).includes(f)) {
        throw err(`tensor ${q(name)}: unexpected field ${q(f)} (expected exactly dtype, shape, data_offsets)`);
      }
    }
    const dtype = value.dtype;
    if (typeof dtype !== 'string') throw err(`tensor ${q(name)}: dtype must be a string, got ${describe(dtype)}`);
    const bits = DTYPE_BITS[dtype];
    if (bits === undefined) {
      throw new DTypeError(`safetensors: tensor ${q(name)}: unknown dtype ${q(dtype, 40)} (the format defines ${Object.keys(DTYPE_BITS).join(', ')})`);
    }
    const shape = checkIntegers(value.shape, 'shape', name);
    const offsets = checkIntegers(value.data_offsets, 'data_offsets', name);
    if (offsets.length !== 2) {
      throw err(`tensor ${q(name)}: data_offsets must be [begin, end], got an array of length ${offsets.length}`);
    }
    const [begin, end] = offsets;
    if (begin > end) throw err(`tensor ${q(name)}: data_offsets [${begin},${end}] have begin > end`);
    if (end > dataLength) {
      throw err(`tensor ${q(name)}: data_offsets [${begin},${end}] run past the end of the data section (${dataLength} bytes)`);
    }
    const span = end - begin;
    const size = byteSize(shape, bits, span);
    if (size.bytes !== span) {
      throw err(`tensor ${q(name)}: shape ${shp(shape)} of ${dtype} needs ${size.text}, but data_offsets [${begin},${end}] hold ${span} bytes`);
    }
    entries.push(Object.freeze({
      name, dtype, shape: Object.freeze(shape), dataOffsets: Object.freeze([begin, end] as [number, number]),
      byteOffset: dataStart + begin, byteLength: span,
    }));
  }

  // The tensors must tile the data section exactly.
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let prev: SafetensorsEntry | null = null;
  for (const e of entries) {
    const [b, en] = e.dataOffsets;
    if (b < covered) {
      throw err(`tensors ${q(prev!.name)} [${prev!.dataOffsets.join(',')}] and ${q(e.name)} [${b},${en}] overlap`);
    }
    if (b > covered) {
      throw err(`bytes ${covered}..${b} of the data section belong to no tensor (a hole ${prev === null ? 'before the first tensor' : `after ${q(prev.name)}`}, before ${q(e.name)} [${b},${en}])`);
    }
    covered = en;
    prev = e;
  }
  if (covered !== dataLength) {
    throw err(`data section has ${dataLength} bytes but the tensors cover only ${covered} (${dataLength - covered} trailing bytes belong to no tensor)`);
  }
  return Object.freeze({ entries: Object.freeze(entries), metadata, headerLength: n, dataStart, dataLength });
}

function checkMetadata(value: unknown, where: string): Record<string, string> {
  if (value === null && where === 'header') return {}; // the reference reader treats null as absent
  if (!isPlainObject(value)) throw err(`${METADATA_KEY} must be an object of strings, got ${describe(value)}`);
  const out: [string, string][] = [];
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (typeof v !== 'string') throw err(`${METADATA_KEY} value for key ${q(k)} must be a string, got ${describe(v)}`);
    if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) throw err(`${METADATA_KEY} entry ${q(k)} contains an unpaired surrogate`);
    out.push([k, v]);
  }
  return Object.fromEntries(out) as Record<string, string>;
}
