// A byte-level safetensors writer and reader for the interop tests, written from the format's
// description and independent of src/io: it builds the file PyTorch's
// `safetensors.torch.save_file(model.state_dict())` writes (the Rust crate's layout), so a test
// can load it into wasmgrad, and reads back what wasmgrad writes.
//
// Layout: u64 little-endian header length N, N bytes of JSON, then the data section. The JSON
// has "__metadata__" first (when present), then each tensor {"dtype","shape","data_offsets"};
// the reference writer orders tensors by dtype descending (its Dtype enum: … I32, U32, F32, F64,
// I64, U64) and then by name, lays out the data in that order, and pads the header with spaces
// to a multiple of 8 bytes.

export type FileDtype = 'F32' | 'F64' | 'I32' | 'I64';

export interface BuiltTensor {
  name: string;
  dtype: FileDtype;
  shape: number[];
  /** Values in row-major order (integers for I32/I64). */
  data: readonly number[];
}

/** The Rust crate's Dtype enum order (the part used here); the writer sorts descending. */
const DTYPE_ORDER: Record<FileDtype, number> = { I32: 0, F32: 2, F64: 3, I64: 4 };
const ITEM_SIZE: Record<FileDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };

/** The reference writer's tensor order: dtype descending, then name (ASCII byte order). */
export function referenceOrder<T extends { name: string; dtype: FileDtype }>(tensors: readonly T[]): T[] {
  return [...tensors].sort((a, b) => DTYPE_ORDER[b.dtype] - DTYPE_ORDER[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The safetensors bytes of `tensors` as the reference writer lays them out. */
export function buildSafetensors(tensors: readonly BuiltTensor[], metadata?: Record<string, string>): Uint8Array {
  const ordered = referenceOrder(tensors);
  let json = '{';
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const t of ordered) {
    const size = t.shape.reduce((p, d) => p * d, 1);
    if (size !== t.data.length) throw new Error(`buildSafetensors: ${t.name} has ${t.data.length} values for shape [${t.shape}]`);
    const bytes = size * ITEM_SIZE[t.dtype];
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  json += `${parts.join(',')}}`;
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + header.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const t of ordered) {
    for (const v of t.data) {
      if (t.dtype === 'F32') view.setFloat32(at, v, true);
      else if (t.dtype === 'F64') view.setFloat64(at, v, true);
      else if (t.dtype === 'I32') view.setInt32(at, v, true);
      else view.setBigInt64(at, BigInt(v), true);
      at += ITEM_SIZE[t.dtype];
    }
  }
  return out;
}

export interface ReadTensor extends BuiltTensor {
  offsets: [number, number];
}

/** Reads a safetensors file: the tensors in header order (the header's key order) and the metadata. */
export function readSafetensors(bytes: Uint8Array): { tensors: ReadTensor[]; metadata: Record<string, string> | null; headerLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, any>;
  const base = 8 + n;
  let metadata: Record<string, string> | null = null;
  const tensors: ReadTensor[] = [];
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = e; continue; }
    const dtype = e.dtype as FileDtype;
    const [a, b] = e.data_offsets as [number, number];
    const data: number[] = [];
    for (let at = base + a; at < base + b; at += ITEM_SIZE[dtype]) {
      if (dtype === 'F32') data.push(view.getFloat32(at, true));
      else if (dtype === 'F64') data.push(view.getFloat64(at, true));
      else if (dtype === 'I32') data.push(view.getInt32(at, true));
      else data.push(Number(view.getBigInt64(at, true)));
    }
    tensors.push({ name, dtype, shape: e.shape, data, offsets: [a, b] });
  }
  return { tensors, metadata, headerLength: n };
}
