// Writing safetensors files byte for byte as the reference implementation (the Rust crate behind
// Python's `safetensors`) does: "__metadata__" first, then the tensors by descending dtype (F64
// before F32) and by name (UTF-8 byte order) within a dtype, no whitespace in the JSON, and the
// header padded with spaces to a multiple of 8 bytes so the data section starts 8-byte aligned.

import { DTypeError, WasmgradError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { LONE_SURROGATE, describe, isPlainObject, q } from './messages.js';
import { LITTLE_ENDIAN_HOST, MAX_HEADER_BYTES, METADATA_KEY } from './parse.js';

function utf8Compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export function collectEntries(op: string, input: unknown): [string, Tensor][] {
  if (input === null || typeof input !== 'object') {
    throw new WasmgradError(`${op}: expected an object or an iterable of [name, tensor] pairs, got ${input === null ? 'null' : typeof input}`);
  }
  let pairs: unknown[];
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    pairs = Array.from(input as Iterable<unknown>);
  } else {
    pairs = Object.entries(input as Record<string, unknown>);
  }
  const seen = new Set<string>();
  const out: [string, Tensor][] = [];
  for (const p of pairs) {
    if (!Array.isArray(p) || p.length < 2) throw new WasmgradError(`${op}: expected [name, tensor] pairs, got ${describe(p)}`);
    const [name, t] = p as [unknown, unknown];
    if (typeof name !== 'string' || name.length === 0) {
      throw new WasmgradError(`${op}: tensor names must be non-empty strings, got ${describe(name)}`);
    }
    if (name === METADATA_KEY) throw new WasmgradError(`${op}: ${q(name)} is reserved for metadata and cannot name a tensor`);
    if (LONE_SURROGATE.test(name)) throw new WasmgradError(`${op}: tensor name ${q(name)} contains an unpaired surrogate (not valid UTF-8)`);
    if (seen.has(name)) throw new WasmgradError(`${op}: duplicate tensor name ${q(name)}`);
    seen.add(name);
    if (!(t instanceof Tensor)) throw new WasmgradError(`${op}: ${q(name)} is not a Tensor (got ${describe(t)})`);
    t.assertLive(op);
    out.push([name, t]);
  }
  return out;
}

function validateMetadataArg(op: string, metadata: unknown): [string, string][] | null {
  if (metadata === undefined || metadata === null) return null;
  if (!isPlainObject(metadata)) throw new WasmgradError(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
  const out: [string, string][] = [];
  for (const k of Object.keys(metadata)) {
    const v = metadata[k];
    if (typeof v !== 'string') throw new WasmgradError(`${op}: metadata value for key ${q(k)} must be a string, got ${describe(v)}`);
    if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) throw new WasmgradError(`${op}: metadata entry ${q(k)} contains an unpaired surrogate (not valid UTF-8)`);
    out.push([k, v]);
  }
  return out;
}

/**
 * True for a batch-norm counter: PyTorch keeps `num_batches_tracked` as int64 and its
 * load_state_dict(strict=True) expects it so; wasmgrad's int32 counter is written as I64.
 */
export function isBatchCounter(name: string): boolean {
  return name === 'num_batches_tracked' || name.endsWith('.num_batches_tracked');
}

/** The file dtype of a tensor; a dtype the writer does not know is an error, never a silent F32. */
function fileDtype(op: string, name: string, t: Tensor): 'F64' | 'F32' | 'I32' | 'I64' {
  const dtype: string = t.dtype;
  if (dtype === 'float64') return 'F64';
  if (dtype === 'float32') return 'F32';
  if (dtype === 'int32') return isBatchCounter(name) ? 'I64' : 'I32';
  throw new DTypeError(`${op}: tensor ${q(name)} has dtype ${dtype}, which safetensors writing does not support (float32, float64, int32)`);
}

/** The reference writer's dtype order (its Dtype enum, descending): I64, F64, F32, I32. */
const DTYPE_RANK = { I64: -1, F64: 0, F32: 1, I32: 2 } as const;

export function serialize(op: string, pairs: [string, Tensor][], metadata: unknown): Uint8Array {
  const meta = validateMetadataArg(op, metadata);
  const enc = new TextEncoder();
  const items = pairs.map(([name, t]) => ({ name, key: enc.encode(name), t, code: fileDtype(op, name, t) }));
  // As the reference writer: descending dtype (F64, F32, I32), then name in UTF-8 byte order.
  items.sort((a, b) => (a.code === b.code ? utf8Compare(a.key, b.key) : DTYPE_RANK[a.code] - DTYPE_RANK[b.code]));

  const parts: string[] = [];
  if (meta !== null) {
    meta.sort((a, b) => utf8Compare(enc.encode(a[0]), enc.encode(b[0])));
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    const nbytes = it.t.size * (it.code === 'F64' || it.code === 'I64' ? 8 : 4);
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.code}","shape":[${it.t.shape.join(',')}],"data_offsets":[${offset},${offset + nbytes}]}`);
    offset += nbytes;
  }
  const json = enc.encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) {
    throw new WasmgradError(`${op}: header would be ${headerLen} bytes, more than the ${MAX_HEADER_BYTES} readers accept`);
  }
  let out: Uint8Array;
  try {
    out = new Uint8Array(8 + headerLen + offset);
  } catch {
    throw new WasmgradError(`${op}: cannot allocate ${8 + headerLen + offset} bytes for the file`);
  }
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const it of items) {
    const data = it.t.data();
    if (it.code === 'I64') {
      for (let i = 0; i < data.length; i++) view.setBigInt64(pos + 8 * i, BigInt(data[i]), true);
      pos += 8 * data.length;
      continue;
    }
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    } else if (data instanceof Float64Array) {
      for (let i = 0; i < data.length; i++) view.setFloat64(pos + 8 * i, data[i], true);
    } else if (data instanceof Int32Array) {
      for (let i = 0; i < data.length; i++) view.setInt32(pos + 4 * i, data[i], true);
    } else {
      for (let i = 0; i < data.length; i++) view.setFloat32(pos + 4 * i, data[i], true);
    }
    pos += data.byteLength;
  }
  return out;
}

/**
 * The tensors as a safetensors file (F32, F64 or I32 by dtype), laid out exactly as Python's
 * `safetensors` writes it. `metadata` becomes "__metadata__" (string values only).
 *
 * `tensors` is a record or an iterable of [name, tensor] pairs (a Map works). Python's
 * `safetensors.torch.load_file` opens the result. A WasmgradError for a non-tensor value,
 * a disposed tensor or non-string metadata.
 *
 * @example wg.saveTensors({ w: wg.ones([2]) }, { epoch: '3' }) // a Uint8Array
 */
export function saveTensors(tensors: Record<string, Tensor> | Iterable<readonly [string, Tensor]>,
  metadata?: Record<string, string>): Uint8Array {
  return serialize('saveTensors', collectEntries('saveTensors', tensors), metadata);
}
