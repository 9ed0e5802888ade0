// Model files in the safetensors format (https://huggingface.co/docs/safetensors).
//
// Layout: 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON (the header, possibly padded
// with trailing spaces), then the data section. The header maps each tensor name to
// { "dtype", "shape", "data_offsets": [begin, end] } (byte offsets into the data section, end
// exclusive) and may hold "__metadata__", a string→string map. Data is little-endian, row-major,
// and the tensors tile the data section exactly: no holes, no overlaps.
//
// Writing follows the reference implementation (the Rust crate behind Python's `safetensors`)
// byte for byte: "__metadata__" first, then the tensors ordered by descending dtype (F64 before
// F32) and by name (UTF-8 byte order) within a dtype, each entry written as
// {"dtype":..,"shape":..,"data_offsets":..} with no whitespace, and the header padded with
// spaces to a multiple of 8 bytes so the data section starts 8-byte aligned.
//
// Reading treats the bytes as untrusted. `parseSafetensors` validates the whole file before
// anything is decoded, and every failure is a WasmgradError (DTypeError for dtypes, ShapeError
// for shapes that do not fit a parameter) whose message names the tensor, the offsets and the
// sizes involved. It never reads outside the input and never lets a RangeError/TypeError escape.
//
// The format lives in four files: parse.ts (header validation), decode.ts (values → tensors),
// write.ts (serialisation) and module.ts (a Module's state). This file keeps the old import path.

export { err, q, describe, shp, fmtList } from './messages.js';
export { MAX_HEADER_BYTES, LOADABLE_DTYPES, asBytes, parseSafetensors } from './parse.js';
export type { Loadable, SafetensorsEntry, SafetensorsHeader } from './parse.js';
export { isLoadable, unsupported, decode, nativeDtype, loadTensors } from './decode.js';
export type { LoadTensorsOptions } from './decode.js';
export { collectEntries, serialize, saveTensors } from './write.js';
