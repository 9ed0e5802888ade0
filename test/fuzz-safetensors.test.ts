// Fuzzing the safetensors reader with fast-check: random byte strings, random bytes behind a
// plausible length prefix, mutated valid files (bit flips, byte sets, truncations, insertions,
// deletions, header-length changes) and header JSON mutations (fields replaced by fast-check's
// arbitrary JSON values, keys added or dropped, whole headers generated from JSON arbitraries).
//
// For every input, parseSafetensors and wg.loadTensors (and wg.load into a module, for files
// derived from a saved module) either succeed or throw a WasmgradError — never another error.
// Out-of-range reads are caught two ways: every file is handed over as an unaligned view into a
// larger buffer whose bytes outside the view are a canary pattern, and every successful parse
// and load is checked against an independent decoding of the bytes inside the view (header
// invariants: entries inside the file, tiling the data section exactly; tensor values decoded
// here bit for bit). A failed load leaves no tensor behind and a failed module load writes nothing.
//
// Runs are deterministic (fixed base seed, printed at the end; WASMGRAD_PROPERTY_SEED=<n> changes it);
// a failure prints the shrunk case with fast-check's seed and path.
// More cases: WASMGRAD_PROPERTY_RUNS=N runs N cases per property (CI: 2,000+ in total per backend).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wg from '../src/index.js';
import { parseSafetensors } from '../src/io/index.js';
import { PROPERTY_RUNS, PROPERTY_SEED } from './property/programs.js';

type Tensor = ReturnType<typeof wg.tensor>;

const runs = (ciDefault: number) => PROPERTY_RUNS ?? ciDefault;
const enc = new TextEncoder();

// ---- files ------------------------------------------------------------------------------------------

/** 8-byte little-endian N, the header text, then the data. */
function build(header: string | Uint8Array<ArrayBufferLike>, data: Uint8Array<ArrayBufferLike> = new Uint8Array(0), n?: bigint): Uint8Array {
  const h = typeof header === 'string' ? enc.encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function le16(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint16(i * 2, x, true));
  return out;
}

function concat(...parts: Uint8Array<ArrayBufferLike>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** The header JSON text and data section of a well-formed file. */
function split(file: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { header: new TextDecoder().decode(file.subarray(8, 8 + n)), data: file.slice(8 + n) };
}

let bases: Uint8Array[] = [];
let moduleFile: Uint8Array;
let moduleParams: [string, Tensor][] = [];

function makeBases(): void {
  wg.manualSeed(11);
  const t = (x: Tensor) => x;
  moduleParams = [
    ['layer.0.weight', t(wg.randn([3, 4]))],
    ['layer.0.bias', t(wg.randn([3]))],
    ['layer.1.weight', t(wg.randn([2, 3], { dtype: 'float64' }))],
    ['scale', t(wg.tensor(0.5))],
  ];
  for (const [, p] of moduleParams) p.requiresGrad = true;
  moduleFile = wg.save({ namedParameters: () => moduleParams }, { format: 'pt', note: 'fuzz' });
  bases = [
    moduleFile,
    wg.saveTensors({ a: wg.randn([2, 2]), e: wg.zeros([0, 3]), z: wg.tensor(7, { dtype: 'float64' }) }),
    // F16 and BF16 (with a NaN and infinities), unaligned offsets, an I8 tensor (parses, cannot load)
    build('{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]}}',
      concat(le16([0x3c00, 0x7e01, 0xfc00, 0x0001]), le16([0x3f80, 0x7f80, 0xc0a0]))),
    build('{"i":{"dtype":"I8","shape":[3],"data_offsets":[0,3]},"__metadata__":{"k":"v"}}', Uint8Array.from([1, 2, 255])),
    build('{}'),
    build('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    ', Uint8Array.from([0, 0, 128, 63])),
  ];
}

// ---- the oracle ---------------------------------------------------------------------------------------

const BITS: Record<string, number> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8, I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, C64: 64, F64: 64, I64: 64, U64: 64,
};

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  if (e === 0) return s * m * 2 ** -24;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Independent decoding of one tensor's values from the file bytes (little-endian). */
function decodeHere(file: Uint8Array, dtype: string, offset: number, length: number): number[] {
  const v = new DataView(file.buffer, file.byteOffset + offset, length);
  const out: number[] = [];
  if (dtype === 'F32') for (let i = 0; i < length; i += 4) out.push(v.getFloat32(i, true));
  else if (dtype === 'F64') for (let i = 0; i < length; i += 8) out.push(v.getFloat64(i, true));
  else if (dtype === 'F16') for (let i = 0; i < length; i += 2) out.push(f16(v.getUint16(i, true)));
  else if (dtype === 'BF16') {
    const f = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < length; i += 2) { f.setUint32(0, v.getUint16(i, true) << 16); out.push(f.getFloat32(0)); }
  }
  return out;
}

const stats = { cases: 0, parsed: 0, loaded: 0, rejected: 0, messages: new Set<string>(), byProperty: new Map<string, number>() };

/** The file as an unaligned view into a larger buffer whose other bytes are a canary pattern. */
function inCage(file: Uint8Array, pad: number): Uint8Array {
  const buf = new Uint8Array(file.length + 2 * pad + 3);
  for (let i = 0; i < buf.length; i++) buf[i] = 0xa5 ^ (i & 0x5f);
  // the canary outside the view spells a valid-looking continuation, so reading past the end
  // would be noticed as different values, not just as garbage
  buf.set(file, pad + 1);
  return buf.subarray(pad + 1, pad + 1 + file.length);
}

/** Every outcome is success (checked against the bytes) or a WasmgradError; returns 'ok' | 'rejected'. */
function check(property: string, file: Uint8Array, pad = 13): void {
  stats.cases++;
  stats.byProperty.set(property, (stats.byProperty.get(property) ?? 0) + 1);
  const view = inCage(file, pad);
  const snapshot = view.slice();
  const fail = (what: string, e: unknown): never => {
    throw new Error(`${property}: ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n` +
      `bytes (${file.length}): [${Array.from(file.subarray(0, 160)).join(',')}${file.length > 160 ? ',…' : ''}]`);
  };

  // 1. the parser alone
  let header: ReturnType<typeof parseSafetensors> | null = null;
  try {
    header = parseSafetensors(view);
  } catch (e) {
    if (!(e instanceof wg.WasmgradError)) fail('parseSafetensors threw a non-WasmgradError', e);
    if (!((e as Error).message.length > 15)) fail('unclear message', e);
    stats.messages.add((e as Error).message.replace(/\d+/g, 'N').replace(/"[^"]*"/g, 'S').slice(0, 48));
  }
  if (header !== null) {
    stats.parsed++;
    const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    if (header.headerLength !== n || header.dataStart !== 8 + n || header.dataStart + header.dataLength !== file.length) {
      fail('header layout does not match the bytes', JSON.stringify(header));
    }
    let covered = 0;
    for (const e of header.entries) {
      if (e.byteOffset !== header.dataStart + e.dataOffsets[0] || e.byteLength !== e.dataOffsets[1] - e.dataOffsets[0]) fail('entry offsets', JSON.stringify(e));
      if (e.dataOffsets[0] !== covered) fail('entries do not tile the data section', JSON.stringify(header.entries));
      covered = e.dataOffsets[1];
      if (e.byteOffset + e.byteLength > file.length) fail('entry runs past the file', JSON.stringify(e));
      const bits = BITS[e.dtype];
      if (bits === undefined) fail('unknown dtype accepted', e.dtype);
      const elems = e.shape.reduce((p, d) => p * BigInt(d), 1n);
      if (elems * BigInt(bits) !== BigInt(e.byteLength) * 8n) fail('shape does not match the byte length', JSON.stringify(e));
    }
    if (covered !== header.dataLength) fail('trailing bytes accepted', JSON.stringify(header));
  }

  // 2. loading: success (values as decoded here) or a WasmgradError, nothing left behind
  const before = wg.memory();
  let loaded: Map<string, Tensor> | null = null;
  try {
    loaded = wg.loadTensors(view).tensors;
  } catch (e) {
    if (!(e instanceof wg.WasmgradError)) fail('loadTensors threw a non-WasmgradError', e);
    const after = wg.memory();
    if (after.tensors !== before.tensors || after.bytes !== before.bytes) fail('a failed load left tensors behind', e);
    if (header !== null && header.entries.every((x) => ['F32', 'F64', 'F16', 'BF16'].includes(x.dtype))) {
      fail('parseSafetensors accepted a file that loadTensors rejected', e);
    }
    stats.rejected++;
  }
  if (loaded !== null) {
    stats.loaded++;
    if (header === null) fail('loadTensors accepted a file that parseSafetensors rejected', '');
    for (const e of header!.entries) {
      const t = loaded.get(e.name);
      if (!t) fail(`tensor ${e.name} missing`, '');
      if (t!.shape.join() !== e.shape.join()) fail(`tensor ${e.name} shape`, `${t!.shape} vs ${e.shape}`);
      if (t!.dtype !== (e.dtype === 'F64' ? 'float64' : 'float32')) fail(`tensor ${e.name} dtype`, t!.dtype);
      const got = Array.from(t!.data());
      const want = decodeHere(file, e.dtype, e.byteOffset, e.byteLength);
      const same = got.length === want.length && got.every((x, i) => Object.is(x, want[i]) || (Number.isNaN(x) && Number.isNaN(want[i])));
      if (!same) fail(`tensor ${e.name} values differ from the bytes`, `${JSON.stringify(got.slice(0, 8))} vs ${JSON.stringify(want.slice(0, 8))}`);
    }
    for (const t of loaded.values()) t.dispose();
  }

  // 3. the input was only read
  if (view.some((b, i) => b !== snapshot[i])) fail('the input bytes were modified', '');
}

/** wg.load into a module: success or a WasmgradError that wrote nothing. */
function checkModuleLoad(file: Uint8Array): void {
  const before = moduleParams.map(([, p]) => Array.from(p.data()));
  try {
    wg.load({ namedParameters: () => moduleParams }, inCage(file, 5));
  } catch (e) {
    if (!(e instanceof wg.WasmgradError)) throw new Error(`load threw a non-WasmgradError: ${String(e)} for [${Array.from(file.subarray(0, 120))}]`);
    moduleParams.forEach(([name, p], i) => {
      const now = Array.from(p.data());
      if (!now.every((x, k) => Object.is(x, before[i][k]))) throw new Error(`a failed load wrote into ${name}: ${String(e)}`);
    });
  }
  // put the original values back for the next case
  wg.load({ namedParameters: () => moduleParams }, moduleFile);
}

// ---- arbitraries --------------------------------------------------------------------------------------

/** A mutation applied to a byte string. */
type Mutation =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; v: number }
  | { k: 'truncate'; at: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; n: number }
  | { k: 'length'; v: bigint }
  | { k: 'lengthDelta'; d: number };

const JSONISH = enc.encode('{}[]":,0123456789-.eE \\u"F32F16BF16F64I64__metadata__shapedata_offsetsdtype\u00e9\ud83d\ude00');

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ k: fc.constant('set' as const), at: fc.nat(), v: fc.oneof(fc.nat(255), fc.constantFrom(...JSONISH)) }),
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 8 }),
    fc.subarray([...JSONISH], { minLength: 1, maxLength: 6 }).map((a) => Uint8Array.from(a))) }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ k: fc.constant('length' as const), v: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(0n, 1n, 2n, 7n, 8n, 100_000_000n, 100_000_001n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n)) }),
  fc.record({ k: fc.constant('lengthDelta' as const), d: fc.integer({ min: -16, max: 16 }) }),
);

function mutate(src: Uint8Array, ms: Mutation[], headerBias: boolean): Uint8Array {
  let f: Uint8Array<ArrayBufferLike> = src.slice();
  for (const m of ms) {
    // most positions land in the length field or the header, where the checks are
    const n = f.length >= 8 ? Number(new DataView(f.buffer, f.byteOffset).getBigUint64(0, true)) : 0;
    const hdrEnd = Math.min(f.length, 8 + (Number.isFinite(n) ? n : 0));
    const pos = (at: number) => (f.length === 0 ? 0 : headerBias && hdrEnd > 0 ? at % hdrEnd : at % f.length);
    switch (m.k) {
      case 'flip': if (f.length) f[pos(m.at)] ^= 1 << m.bit; break;
      case 'set': if (f.length) f[pos(m.at)] = m.v; break;
      case 'truncate': f = f.slice(0, m.at % (f.length + 1)); break;
      case 'insert': { const p = f.length ? m.at % (f.length + 1) : 0; f = concat(f.slice(0, p), m.bytes, f.slice(p)); break; }
      case 'delete': { const p = pos(m.at); f = concat(f.slice(0, p), f.slice(p + m.n)); break; }
      case 'length': if (f.length >= 8) new DataView(f.buffer, f.byteOffset).setBigUint64(0, m.v, true); break;
      case 'lengthDelta': if (f.length >= 8) {
        const v = BigInt(Math.max(0, n + m.d));
        new DataView(f.buffer, f.byteOffset).setBigUint64(0, v, true);
      } break;
    }
  }
  return f;
}

/** Edits of the parsed header JSON: a field replaced by an arbitrary JSON value, keys added or dropped. */
type JsonEdit =
  | { k: 'field'; entry: number; field: string; value: unknown }
  | { k: 'drop'; entry: number; field: string | null }
  | { k: 'addKey'; name: string; value: unknown }
  | { k: 'rename'; entry: number; name: string }
  | { k: 'offsets'; entry: number; begin: number; end: number }
  | { k: 'shape'; entry: number; shape: number[] }
  | { k: 'dtype'; entry: number; dtype: string };

const FIELDS = ['dtype', 'shape', 'data_offsets'];
const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({ k: fc.constant('field' as const), entry: fc.nat(), field: fc.constantFrom(...FIELDS, 'extra', '__metadata__'), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ k: fc.constant('drop' as const), entry: fc.nat(), field: fc.option(fc.constantFrom(...FIELDS)) }),
  fc.record({ k: fc.constant('addKey' as const), name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__metadata__', '', 'a')), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ k: fc.constant('rename' as const), entry: fc.nat(), name: fc.oneof(fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom('', '\ud800', '__metadata__')) }),
  fc.record({ k: fc.constant('offsets' as const), entry: fc.nat(), begin: fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e300)),
    end: fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constantFrom(2 ** 53, 2 ** 64, 1e300)) }),
  fc.record({ k: fc.constant('shape' as const), entry: fc.nat(), shape: fc.array(fc.oneof(fc.nat(6), fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, 2 ** 64, 0.5)), { maxLength: 5 }) }),
  fc.record({ k: fc.constant('dtype' as const), entry: fc.nat(), dtype: fc.oneof(fc.constantFrom(...Object.keys(BITS), 'f32', 'F128', ''), fc.string({ maxLength: 6 })) }),
);

function applyJsonEdits(file: Uint8Array, edits: JsonEdit[]): string {
  const { header } = split(file);
  const obj = JSON.parse(header) as Record<string, any>;
  const names = () => Object.keys(obj).filter((k) => k !== '__metadata__');
  for (const ed of edits) {
    const ns = names();
    const name = ns.length ? ns[(ed as any).entry % ns.length] : undefined;
    const entry = name !== undefined ? obj[name] : undefined;
    switch (ed.k) {
      case 'field': if (entry && typeof entry === 'object') entry[ed.field] = ed.value; break;
      case 'drop': if (name !== undefined) { if (ed.field === null) delete obj[name]; else if (entry && typeof entry === 'object') delete entry[ed.field]; } break;
      case 'addKey': obj[ed.name] = ed.value; break;
      case 'rename': if (name !== undefined) { const v = obj[name]; delete obj[name]; obj[ed.name] = v; } break;
      case 'offsets': if (entry && typeof entry === 'object') entry.data_offsets = [ed.begin, ed.end]; break;
      case 'shape': if (entry && typeof entry === 'object') entry.shape = ed.shape; break;
      case 'dtype': if (entry && typeof entry === 'object') entry.dtype = ed.dtype; break;
    }
  }
  return JSON.stringify(obj);
}

// ---- the properties -----------------------------------------------------------------------------------

afterAll(() => {
  console.log(`[fuzz safetensors] seed ${PROPERTY_SEED}: ${stats.cases} cases (${JSON.stringify(Object.fromEntries(stats.byProperty))}); ` +
    `parsed ${stats.parsed}, loaded ${stats.loaded}, rejected with a WasmgradError ${stats.rejected}; ${stats.messages.size} distinct messages`);
});

describe.each(['wasm', 'js'] as const)('fuzzing the safetensors reader [%s]', (backend) => {
  const salt = backend === 'js' ? 100 : 0;
  const params = (n: number, k: number) => ({ seed: (PROPERTY_SEED + salt + k) | 0, numRuns: runs(n) });

  beforeAll(async () => {
    await wg.init();
    wg.setBackend(backend);
    makeBases();
  });

  it('random byte strings', () => {
    wg.setBackend(backend);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(40), (bytes, pad) => { check('random bytes', bytes, pad); }), params(300, 1));
  });

  it('random bytes behind a plausible header length', () => {
    wg.setBackend(backend);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), (body, delta, brace) => {
      const b = body.slice();
      if (brace && b.length) b[0] = 0x7b;
      check('length-prefixed random bytes', build(b, new Uint8Array(0), BigInt(Math.max(0, b.length + delta))));
    }), params(300, 2));
  });

  it('random JSON headers (fast-check JSON arbitraries) with random data sections', () => {
    wg.setBackend(backend);
    const entry = fc.record({
      dtype: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('F32', 'F64', 'F16', 'BF16', 'I8', 'U8', 'F4', 'I64') }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
      shape: fc.oneof({ weight: 4, arbitrary: fc.array(fc.nat(4), { maxLength: 3 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
      data_offsets: fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.nat(40), fc.nat(40)).map(([a, b]) => [a, a + b]) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
    }, { requiredKeys: [] });
    const headerArb = fc.oneof(
      { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__metadata__')), entry, { maxKeys: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((s) => ({ __raw: s })) },
    );
    fc.assert(fc.property(headerArb, fc.uint8Array({ maxLength: 96 }), fc.nat(8), (h, data, spaces) => {
      const text = (h as any)?.__raw ?? JSON.stringify(h) ?? 'null';
      check('JSON headers', build(text + ' '.repeat(spaces), data));
    }), params(500, 3));
  });

  it('random valid files (any dtype, shapes with 0 and 1, random bytes, key order, padding, metadata) parse and load exactly', () => {
    wg.setBackend(backend);
    const tensorArb = fc.record({
      name: fc.string({ minLength: 1, maxLength: 8 }).filter((n) => n !== '__metadata__'),
      dtype: fc.constantFrom('F32', 'F64', 'F16', 'BF16', 'F32', 'F64', 'I8', 'U16', 'I64', 'BOOL'),
      shape: fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 4 })), { maxLength: 3 }),
    });
    fc.assert(fc.property(fc.uniqueArray(tensorArb, { selector: (t) => t.name, maxLength: 4 }), fc.uint8Array({ minLength: 512, maxLength: 512 }),
      fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 })), fc.nat(9), fc.boolean(),
      fc.array(mutationArb, { maxLength: 2 }), (specs, noise, metadata, pad, reverse, ms) => {
        const header: Record<string, unknown> = {};
        if (metadata) header.__metadata__ = metadata;
        let offset = 0;
        const order = reverse ? specs.slice().reverse() : specs;
        for (const t of specs) {
          const bytes = (t.shape.reduce((p, d) => p * d, 1) * BITS[t.dtype]) / 8;
          (t as any).range = [offset, offset + bytes];
          offset += bytes;
        }
        for (const t of order) header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: (t as any).range };
        const data = new Uint8Array(offset);
        for (let i = 0; i < offset; i++) data[i] = noise[i % noise.length] ^ (i >> 9);
        const file = build(JSON.stringify(header) + ' '.repeat(pad), data);
        const loadable = specs.every((t) => ['F32', 'F64', 'F16', 'BF16'].includes(t.dtype));
        const before = stats.loaded;
        check('random valid files', file);
        if (loadable && stats.loaded !== before + 1) throw new Error(`a valid file was rejected: ${JSON.stringify(header)}`);
        if (ms.length > 0) check('mutated random valid files', mutate(file, ms, false));
      }), params(400, 6));
  });

  it('byte-level mutations of valid files (bit flips, sets, truncation, insertion, deletion, header length)', () => {
    wg.setBackend(backend);
    fc.assert(fc.property(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (which, ms, bias) => {
      const base = bases[which % bases.length];
      const file = mutate(base, ms, bias);
      check('byte mutations', file);
      if (base === moduleFile) checkModuleLoad(file);
    }), params(800, 4));
  });

  it('JSON field mutations of valid headers', () => {
    wg.setBackend(backend);
    fc.assert(fc.property(fc.nat(), fc.array(jsonEditArb, { minLength: 1, maxLength: 3 }), fc.nat(7), fc.option(fc.integer({ min: -6, max: 6 })),
      (which, edits, pad, lenDelta) => {
        const base = bases[which % bases.length];
        const { data } = split(base);
        const header = applyJsonEdits(base, edits) + ' '.repeat(pad);
        const h = enc.encode(header);
        const file = build(h, data, lenDelta === null ? undefined : BigInt(Math.max(0, h.length + lenDelta)));
        check('JSON mutations', file);
        if (base === moduleFile) checkModuleLoad(file);
      }), params(600, 5));
  });

  it('valid files still load after the fuzzing, and nothing was leaked', () => {
    wg.setBackend(backend);
    const before = wg.memory().tensors;
    for (const b of bases) check('valid bases', b);
    expect(wg.memory().tensors).toBe(before);
    const { tensors } = wg.loadTensors(moduleFile);
    expect([...tensors.keys()].sort()).toEqual(moduleParams.map(([n]) => n).sort());
    for (const [name, p] of moduleParams) expect(Array.from(tensors.get(name)!.data())).toEqual(Array.from(p.data()));
    for (const t of tensors.values()) t.dispose();
    expect(wg.memory().tensors).toBe(before);
  });
});
