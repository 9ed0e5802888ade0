// Model files in the safetensors format: round trips, files built by hand from the format's
// specification (including F16/BF16 and unaligned data), byte-for-byte agreement with what
// Python's safetensors writes, module save/load in place, corrupted files (each a WasmgradError
// with a message naming the problem) and a seeded mutation loop over valid files.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { parseSafetensors } from '../src/io/index.js';
import { makeRng } from './helpers.js';

type Tensor = ReturnType<typeof wg.tensor>;

// ---- building files by hand ----------------------------------------------------------------------

const enc = new TextEncoder();

/** 8-byte little-endian N, the header text (padded with spaces to `padTo`), then the data. */
function build(header: string, data: Uint8Array | number[] = [], opts: { n?: bigint; padTo?: number } = {}): Uint8Array {
  let h = enc.encode(header);
  if (opts.padTo !== undefined) {
    const padded = new Uint8Array(Math.ceil(h.length / opts.padTo) * opts.padTo).fill(0x20);
    padded.set(h);
    h = padded;
  }
  const d = data instanceof Uint8Array ? data : Uint8Array.from(data);
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, opts.n ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

/** Little-endian bytes of the values, written through a DataView. */
function le(kind: 'f32' | 'f64' | 'u16', values: number[]): Uint8Array {
  const size = kind === 'f64' ? 8 : kind === 'f32' ? 4 : 2;
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (kind === 'f32') v.setFloat32(i * 4, x, true);
    else if (kind === 'f64') v.setFloat64(i * 8, x, true);
    else v.setUint16(i * 2, x, true);
  });
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** The raw bytes of a tensor's values, for bit-exact comparisons. */
function rawBytes(t: Tensor): Uint8Array {
  const d = t.data();
  return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
}

function headerText(file: Uint8Array): string {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(file.subarray(8, 8 + n));
}

/** Runs fn, expecting a WasmgradError (of `cls`, if given) whose message matches `re`. */
function expectWgError(fn: () => unknown, re: RegExp, cls: typeof wg.WasmgradError = wg.WasmgradError): wg.WasmgradError {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ${cls.name} matching ${re}`).toBeInstanceOf(cls);
  expect((caught as Error).message).toMatch(re);
  return caught as wg.WasmgradError;
}

function fakeModule(params: [string, Tensor][]): { namedParameters(): [string, Tensor][] } {
  return { namedParameters: () => params };
}


// ---- the hand-built reference file -------------------------------------------------------------------

// F16: 1.0, -2.5, 65504 (largest finite), 2^-24 (smallest subnormal), -0, +Inf, 2^-14 (smallest normal)
const F16_BITS = [0x3c00, 0xc100, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x0400];
const F16_VALUES = [1, -2.5, 65504, 2 ** -24, -0, Infinity, 2 ** -14];
// BF16: 1.0, -2.5, 3.140625, 2^-133 (subnormal), largest finite, -Inf
const BF16_BITS = [0x3f80, 0xc020, 0x4049, 0x0001, 0x7f7f, 0xff80];
const BF16_VALUES = [1, -2.5, 3.140625, 2 ** -133, 3.3895313892515355e38, -Infinity];
const W_VALUES = [0.5, -1.25, 3.140000104904175, 1e-40, -0, 100]; // float32-representable
const D_VALUES = [1 / 3, -1e-300, 5e-324];

/**
 * Written straight from the format description: the header is not padded (so the data section
 * starts at an odd offset) and the F32/F64 tensors sit at offsets that are not multiples of 4/8.
 */
function handBuiltFile(): Uint8Array {
  // data section: h F16 [7] = 14 bytes, w F32 [2,3] = 24, d F64 [3] = 24, bf BF16 [2,3] = 12
  const header = '{"__metadata__":{"format":"pt","note":"built by hand!"},'
    + '"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},'
    + '"w":{"dtype":"F32","shape":[2,3],"data_offsets":[14,38]},'
    + '"d":{"dtype":"F64","shape":[3],"data_offsets":[38,62]},'
    + '"bf":{"dtype":"BF16","shape":[2,3],"data_offsets":[62,74]}}';
  const data = concat(le('u16', F16_BITS), le('f32', W_VALUES), le('f64', D_VALUES), le('u16', BF16_BITS));
  return build(header, data);
}

// ---- tests ---------------------------------------------------------------------------------------------

describe.each([{ backend: 'wasm' as const }, { backend: 'js' as const }])('safetensors [$backend]', ({ backend }) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
  });

  describe('round trip', () => {
    it('saves and loads several tensors bit-exactly (f32, f64, 0-d, empty dims, non-ASCII names)', () => {
      const tensors: Record<string, Tensor> = {
        'layer.weight': wg.tensor([[1.5, -0, Infinity], [-Infinity, NaN, 1e-40], [3.4028234663852886e38, Math.PI, -7]]),
        'layer.bias': wg.tensor([1 / 3, -0, 5e-324, Number.MAX_VALUE], { dtype: 'float64' }),
        scalar: wg.tensor(2.75),
        scalar64: wg.tensor(-1e-310, { dtype: 'float64' }),
        empty: wg.zeros([0, 3]),
        empty64: wg.zeros([2, 0, 4], { dtype: 'float64' }),
        'gewicht.größe': wg.tensor([1, 2, 3]),
        '权重': wg.tensor([[4], [5]], { dtype: 'float64' }),
        '😀.emoji': wg.tensor([6]),
        '\uffff.bmp': wg.tensor([7]),
      };
      const bytes = wg.saveTensors(tensors, { format: 'pt', 'schlüssel': 'wert ✓' });
      expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
      const { tensors: back, metadata } = wg.loadTensors(bytes);
      expect(metadata).toEqual({ format: 'pt', 'schlüssel': 'wert ✓' });
      expect(new Set(back.keys())).toEqual(new Set(Object.keys(tensors)));
      for (const [name, t] of Object.entries(tensors)) {
        const u = back.get(name)!;
        expect(u.shape, name).toEqual(t.shape);
        expect(u.dtype, name).toBe(t.dtype);
        expect(u.backendName).toBe(backend);
        expect(rawBytes(u), name).toEqual(rawBytes(t));
      }
      expect(back.get('scalar')!.item()).toBe(2.75);
      expect(Object.is((back.get('layer.bias')!.toArray() as number[])[1], -0)).toBe(true);
      // Saving what was loaded reproduces the file byte for byte.
      expect(wg.saveTensors(back, { format: 'pt', 'schlüssel': 'wert ✓' })).toEqual(bytes);
    });

    it('accepts a Map or an iterable of pairs, and an ArrayBuffer or an unaligned view', () => {
      const a = wg.tensor([1, 2, 3, 4]);
      const fromMap = wg.saveTensors(new Map([['a', a]]));
      expect(wg.saveTensors([['a', a]])).toEqual(fromMap);
      expect(wg.saveTensors({ a })).toEqual(fromMap);
      const host = new Uint8Array(fromMap.length + 3);
      host.set(fromMap, 3);
      for (const input of [fromMap.buffer, host.subarray(3)]) {
        const { tensors, metadata } = wg.loadTensors(input as ArrayBuffer);
        expect(tensors.get('a')!.toArray()).toEqual([1, 2, 3, 4]);
        expect(metadata).toEqual({});
      }
    });

    it('converts to a requested dtype', () => {
      const bytes = wg.saveTensors({ x: wg.tensor([0.1, 0.2], { dtype: 'float64' }), y: wg.tensor([0.5]) });
      const { tensors } = wg.loadTensors(bytes, { dtype: 'float32' });
      expect(tensors.get('x')!.dtype).toBe('float32');
      expect(Array.from(tensors.get('x')!.data())).toEqual([Math.fround(0.1), Math.fround(0.2)]);
      const t64 = wg.loadTensors(bytes, { dtype: 'float64' }).tensors;
      expect(t64.get('y')!.dtype).toBe('float64');
      expectWgError(() => wg.loadTensors(bytes, { dtype: 'int8' as never }), /unknown dtype "int8"/, wg.DTypeError);
    });

    it('lays files out exactly as Python safetensors does (key order, padding, dtype strings)', () => {
      // What safetensors.numpy.save (0.8.0) writes for
      //   {'b': ones(2, f32), 'a': zeros(1, f64), 'é': zeros((0,3), f32), 'z': array(3.0, f32)}
      // with metadata {'x': 'y', 'a': 'b'}: "__metadata__" first, F64 before F32, names in
      // UTF-8 byte order, header padded with spaces to a multiple of 8.
      const expectedHeader = '{"__metadata__":{"a":"b","x":"y"},'
        + '"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},'
        + '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},'
        + '"z":{"dtype":"F32","shape":[],"data_offsets":[16,20]},'
        + '"é":{"dtype":"F32","shape":[0,3],"data_offsets":[20,20]}}';
      const expected = build(expectedHeader, concat(le('f64', [0]), le('f32', [1, 1, 3])), { padTo: 8 });
      expect(enc.encode(expectedHeader).length).toBe(253); // so 3 spaces of padding
      const bytes = wg.saveTensors({
        b: wg.ones([2]), a: wg.zeros([1], { dtype: 'float64' }), 'é': wg.zeros([0, 3]), z: wg.tensor(3),
      }, { x: 'y', a: 'b' });
      expect(bytes.length).toBe(284);
      expect(bytes).toEqual(expected);

      // The reference crate's own serialization test: "attn.0", F32 [1,2,3] = 0..5, no metadata;
      // its header is exactly 64 bytes, so no padding.
      const attn = wg.saveTensors({ 'attn.0': wg.tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] }) });
      expect(attn).toEqual(build('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}',
        le('f32', [0, 1, 2, 3, 4, 5])));
      expect(attn[0]).toBe(64);
      // An empty file: "{}" and six spaces.
      expect(Array.from(wg.saveTensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    });

    it('rejects bad arguments to saveTensors', () => {
      const t = wg.tensor([1]);
      expectWgError(() => wg.saveTensors({ __metadata__: t }), /reserved for metadata/);
      expectWgError(() => wg.saveTensors({ '': t }), /non-empty strings/);
      expectWgError(() => wg.saveTensors([['a', t], ['a', t]]), /duplicate tensor name "a"/);
      expectWgError(() => wg.saveTensors({ a: [1, 2] as never }), /"a" is not a Tensor/);
      expectWgError(() => wg.saveTensors({ '\ud800': t }), /unpaired surrogate/);
      expectWgError(() => wg.saveTensors({ a: t }, { k: 1 as never }), /metadata value for key "k" must be a string, got 1/);
      const d = wg.tensor([1]);
      d.dispose();
      expectWgError(() => wg.saveTensors({ d }), /disposed/);
    });
  });

  describe('a file built by hand from the specification', () => {
    it('loads F16, F32, F64 and BF16 tensors with metadata, at unaligned offsets', () => {
      const file = handBuiltFile();
      expect(parseSafetensors(file).dataStart % 2).toBe(1); // so every tensor is misaligned
      const { tensors, metadata } = wg.loadTensors(file);
      expect(metadata).toEqual({ format: 'pt', note: 'built by hand!' });
      expect([...tensors.keys()]).toEqual(['h', 'w', 'd', 'bf']); // data order

      const h = tensors.get('h')!;
      expect(h.dtype).toBe('float32');
      expect(h.shape).toEqual([7]);
      const hv = Array.from(h.data());
      expect(hv).toEqual(F16_VALUES);
      expect(Object.is(hv[4], -0)).toBe(true);

      const w = tensors.get('w')!;
      expect(w.dtype).toBe('float32');
      expect(w.shape).toEqual([2, 3]);
      expect(Array.from(w.data())).toEqual(W_VALUES.map(Math.fround));

      const d = tensors.get('d')!;
      expect(d.dtype).toBe('float64');
      expect(Array.from(d.data())).toEqual(D_VALUES);

      const bf = tensors.get('bf')!;
      expect(bf.dtype).toBe('float32');
      expect(bf.shape).toEqual([2, 3]);
      expect(Array.from(bf.data())).toEqual(BF16_VALUES);
    });

    it('reads F16 NaN and widens to float64 on request', () => {
      const file = build('{"n":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', le('u16', [0x7e00, 0x3555]));
      const v = Array.from(wg.loadTensors(file, { dtype: 'float64' }).tensors.get('n')!.data());
      expect(Number.isNaN(v[0])).toBe(true);
      expect(v[1]).toBe(0.333251953125); // 0x3555: (1 + 341/1024) / 4
    });

    it('accepts trailing padding of any length and any key order', () => {
      const file = build('{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"data_offsets":[0,4],"shape":[1],"dtype":"F32"}}   \n\t ',
        le('f32', [1, 2]));
      const { tensors } = wg.loadTensors(file);
      expect(tensors.get('a')!.item()).toBe(1);
      expect(tensors.get('b')!.item()).toBe(2);
    });

    it('validates (but cannot load) other dtypes: DTypeError naming tensor and dtype', () => {
      const file = build('{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"x":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}',
        new Uint8Array(20));
      expect(parseSafetensors(file).entries.map((e) => e.dtype)).toEqual(['I64', 'F32']);
      const before = wg.memory().tensors;
      expectWgError(() => wg.loadTensors(file), /tensor "ids" has dtype I64, which wasmgrad cannot load/, wg.DTypeError);
      expect(wg.memory().tensors).toBe(before);
      for (const [dtype, bytes] of [['I8', 1], ['I16', 2], ['BOOL', 1], ['U8', 1], ['F8_E4M3', 1], ['F8_E5M2', 1], ['U64', 8]] as const) {
        const f = build(`{"t":{"dtype":"${dtype}","shape":[3],"data_offsets":[0,${3 * bytes}]}}`, new Uint8Array(3 * bytes));
        expectWgError(() => wg.loadTensors(f), new RegExp(`tensor "t" has dtype ${dtype}`), wg.DTypeError);
      }
    });
  });

  describe('modules', () => {
    const makeModule = (dtype: 'float32' | 'float64' = 'float32') => {
      const w = wg.randn([3, 2], { dtype, requiresGrad: true });
      const b = wg.randn([3], { dtype, requiresGrad: true });
      return { w, b, module: fakeModule([['layer.weight', w], ['layer.bias', b]]) };
    };

    it('round-trips a module in place: same Tensor objects and storage after load', () => {
      wg.manualSeed(1);
      const src = makeModule();
      const bytes = wg.save(src.module);
      expect(headerText(bytes)).toMatch(/^\{"layer\.bias":\{"dtype":"F32","shape":\[3\],"data_offsets":\[0,12\]\},"layer\.weight":/);
      const dst = makeModule();
      const { w, b } = dst;
      const storage = [(w as unknown as { storage: unknown }).storage, (b as unknown as { storage: unknown }).storage];
      expect(rawBytes(w)).not.toEqual(rawBytes(src.w));
      const result = wg.load(dst.module, bytes);
      expect(result).toEqual({ missing: [], unexpected: [] });
      expect(dst.module.namedParameters()[0][1]).toBe(w);
      expect((w as unknown as { storage: unknown }).storage).toBe(storage[0]);
      expect((b as unknown as { storage: unknown }).storage).toBe(storage[1]);
      expect(rawBytes(w)).toEqual(rawBytes(src.w));
      expect(rawBytes(b)).toEqual(rawBytes(src.b));
      expect(w.requiresGrad).toBe(true);
      // The loaded parameters keep training: a gradient step works on them.
      const loss = w.sum().add(b.sum());
      loss.backward();
      expect(Array.from(w.grad!.data())).toEqual([1, 1, 1, 1, 1, 1]);
    });

    it('converts to the parameters\' dtype with { cast: true }', () => {
      const src = makeModule('float64');
      const dst = makeModule('float32');
      wg.load(dst.module, wg.save(src.module), { cast: true });
      expect(dst.w.dtype).toBe('float32');
      expect(Array.from(dst.w.data())).toEqual(Array.from(src.w.data()).map(Math.fround));
      const back = makeModule('float64');
      wg.load(back.module, handBuiltLikeModule(), { cast: true });
      expect(Array.from(back.b.data())).toEqual([1, -2.5, 65504]);
    });

    it('reports missing and unexpected names, or skips them with strict: false', () => {
      const src = makeModule();
      const dst = makeModule();
      const extra = fakeModule([['layer.weight', dst.w], ['layer.bias', dst.b], ['other.weight', wg.zeros([2])], ['other.bias', wg.zeros([1])]]);
      const e1 = expectWgError(() => wg.load(extra, wg.save(src.module)), /missing 2 parameters: "other\.weight", "other\.bias"/);
      expect(e1.message).toMatch(/strict: false/);
      const fewer = fakeModule([['layer.weight', dst.w]]);
      expectWgError(() => wg.load(fewer, wg.save(src.module)), /1 unexpected tensor: "layer\.bias"/);
      const before = rawBytes(dst.w);
      expectWgError(() => wg.load(fewer, wg.save(src.module)), /unexpected/);
      expect(rawBytes(dst.w)).toEqual(before);

      expect(wg.load(fewer, wg.save(src.module), { strict: false })).toEqual({ missing: [], unexpected: ['layer.bias'] });
      expect(rawBytes(dst.w)).toEqual(rawBytes(src.w));
      expect(wg.load(extra, wg.save(src.module), { strict: false })).toEqual({ missing: ['other.weight', 'other.bias'], unexpected: [] });
    });

    it('rejects a shape mismatch before writing anything', () => {
      const src = makeModule();
      const dst = fakeModule([['layer.weight', wg.zeros([3, 2])], ['layer.bias', wg.zeros([4])]]);
      const e = expectWgError(() => wg.load(dst, wg.save(src.module)),
        /tensor "layer\.bias" has shape \[3\] in the file, but the parameter has shape \[4\]/, wg.ShapeError);
      expect(e).toBeInstanceOf(wg.ShapeError);
      // layer.weight comes first in the module and matched, but was not written.
      expect(Array.from(dst.namedParameters()[0][1].data())).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('rejects unsupported dtypes, bad modules and corrupted files without writing', () => {
      const p = wg.zeros([2]);
      const m = fakeModule([['ids', p]]);
      expectWgError(() => wg.load(m, build('{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}', new Uint8Array(16))),
        /load: tensor "ids" has dtype I64/, wg.DTypeError);
      // I32 loads (as int32), but not into a float32 parameter without { cast: true }.
      expectWgError(() => wg.load(m, build('{"ids":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(8))),
        /load: tensor "ids" is I32 in the file, but the parameter is float32/, wg.DTypeError);
      expectWgError(() => wg.load({} as never, new Uint8Array(16)), /namedParameters/);
      expectWgError(() => wg.save(null as never), /namedParameters/);
      expectWgError(() => wg.load(fakeModule([['a', p], ['a', p]]), new Uint8Array(16)), /duplicate tensor name "a"/);
      const good = wg.saveTensors({ ids: wg.ones([2]) });
      expectWgError(() => wg.load(m, good.subarray(0, good.length - 1)), /safetensors:/);
      expect(Array.from(p.data())).toEqual([0, 0]);
      wg.load(m, good);
      expect(Array.from(p.data())).toEqual([1, 1]);
      const gone = wg.zeros([2]);
      gone.dispose();
      expectWgError(() => wg.load(fakeModule([['ids', gone]]), good), /disposed/);
    });
  });

  describe('corrupted files', () => {
    const ok = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const entry = (fields: string) => `{"a":{${fields}}}`;
    const cases: [string, () => Uint8Array, RegExp, (typeof wg.WasmgradError)?][] = [
      ['empty file', () => new Uint8Array(0), /file is 0 bytes long, too short/],
      ['7-byte file', () => new Uint8Array(7), /file is 7 bytes long/],
      ['header longer than the file', () => build(ok, new Uint8Array(8), { n: 1000n }), /header length 1000 runs past the end of the file \(70 bytes, so at most 62 bytes of header\)/],
      ['header length 2^63', () => build(ok, new Uint8Array(8), { n: 2n ** 63n }), /header length 9223372036854775808 exceeds the 100000000-byte limit/],
      ['header length 2^64-1', () => build(ok, new Uint8Array(8), { n: 2n ** 64n - 1n }), /header length 18446744073709551615 exceeds/],
      ['header length 100000001', () => build(ok, new Uint8Array(8), { n: 100_000_001n }), /exceeds the 100000000-byte limit/],
      ['header length 0', () => build('', [], { n: 0n }), /header length 0 is too short/],
      ['header not valid UTF-8', () => { const f = build('{"\u00e9":1}'); f[11] = 0xff; return f; }, /not valid UTF-8/],
      ['header with a BOM', () => build('\ufeff{}'), /does not start with '\{' \(first byte 0xef\)/],
      ['invalid JSON', () => build('{"a":{"dtype":"F32",'), /header is not valid JSON/],
      ['NUL padding', () => build('{}\0\0\0\0\0\0'), /header is not valid JSON/],
      ['JSON array', () => build('[1,2,3]'), /must be a JSON object: it does not start with '\{' \(first byte 0x5b\)/],
      ['JSON string', () => build('"{}"'), /does not start with '\{'/],
      ['entry not an object', () => build('{"a":[1,2]}'), /tensor "a": entry must be an object, got an array of length 2/],
      ['missing dtype', () => build(entry('"shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": missing field "dtype"/],
      ['missing shape', () => build(entry('"dtype":"F32","data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": missing field "shape"/],
      ['missing data_offsets', () => build(entry('"dtype":"F32","shape":[2]'), new Uint8Array(8)), /tensor "a": missing field "data_offsets"/],
      ['unexpected field', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1'), new Uint8Array(8)), /tensor "a": unexpected field "extra"/],
      ['unknown dtype string', () => build(entry('"dtype":"F33","shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": unknown dtype "F33"/, wg.DTypeError],
      ['lower-case dtype', () => build(entry('"dtype":"f32","shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /unknown dtype "f32"/, wg.DTypeError],
      ['dtype not a string', () => build(entry('"dtype":4,"shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": dtype must be a string, got 4/],
      ['shape not an array', () => build(entry('"dtype":"F32","shape":2,"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": shape must be an array, got 2/],
      ['negative dim', () => build(entry('"dtype":"F32","shape":[-2],"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": shape\[0\] must be a non-negative integer, got -2/],
      ['fractional dim', () => build(entry('"dtype":"F32","shape":[1,1.5],"data_offsets":[0,8]'), new Uint8Array(8)), /entry "a": the number 1\.5 is not written as an integer/],
      ['dim written 2.0', () => build(entry('"dtype":"F32","shape":[2.0],"data_offsets":[0,8]'), new Uint8Array(8)), /the number 2\.0 is not written as an integer/],
      ['dim 1e400 (Infinity)', () => build(entry('"dtype":"F32","shape":[1e400],"data_offsets":[0,8]'), new Uint8Array(8)), /the number 1e400/],
      ['NaN dim (as a string)', () => build(entry('"dtype":"F32","shape":["NaN"],"data_offsets":[0,8]'), new Uint8Array(8)), /shape\[0\] must be a non-negative integer, got the string "NaN"/],
      ['dim -0', () => build(entry('"dtype":"F32","shape":[-0],"data_offsets":[0,0]')), /shape\[0\] must be a non-negative integer, got -0/],
      ['null dim', () => build(entry('"dtype":"F32","shape":[null],"data_offsets":[0,8]'), new Uint8Array(8)), /shape\[0\] must be a non-negative integer, got null/],
      ['dim beyond 2^53', () => build(entry('"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,8]'), new Uint8Array(8)), /shape\[0\] must be a non-negative integer, got 9007199254740992/],
      ['offsets out of range', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":[0,16]'), new Uint8Array(8)), /tensor "a": data_offsets \[0,16\] run past the end of the data section \(8 bytes\)/],
      ['offsets beyond 2^53', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]'), new Uint8Array(8)), /data_offsets\[1\] must be a non-negative integer/],
      ['begin > end', () => build(entry('"dtype":"F32","shape":[0],"data_offsets":[8,4]'), new Uint8Array(8)), /tensor "a": data_offsets \[8,4\] have begin > end/],
      ['negative offset', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":[-8,0]'), new Uint8Array(8)), /data_offsets\[0\] must be a non-negative integer, got -8/],
      ['three offsets', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":[0,4,8]'), new Uint8Array(8)), /data_offsets must be \[begin, end\], got an array of length 3/],
      ['offsets not an array', () => build(entry('"dtype":"F32","shape":[2],"data_offsets":{"0":0}'), new Uint8Array(8)), /data_offsets must be an array, got an object/],
      ['overlapping tensors', () => build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', new Uint8Array(12)),
        /tensors "a" \[0,8\] and "b" \[4,12\] overlap/],
      ['two tensors on the same bytes', () => build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(8)),
        /overlap/],
      ['empty tensor inside another', () => build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}', new Uint8Array(8)),
        /tensors "a" \[0,8\] and "b" \[4,4\] overlap/],
      ['hole between tensors', () => build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', new Uint8Array(12)),
        /bytes 4\.\.8 of the data section belong to no tensor \(a hole after "a", before "b" \[8,12\]\)/],
      ['hole at the start', () => build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', new Uint8Array(8)), /bytes 0\.\.4 .*hole before the first tensor/],
      ['trailing bytes', () => build(ok, new Uint8Array(12)), /data section has 12 bytes but the tensors cover only 8 \(4 trailing bytes/],
      ['data but no tensors', () => build('{}', new Uint8Array(4)), /data section has 4 bytes but the tensors cover only 0/],
      ['size mismatch', () => build(entry('"dtype":"F32","shape":[3],"data_offsets":[0,8]'), new Uint8Array(8)), /tensor "a": shape \[3\] of F32 needs 12 bytes, but data_offsets \[0,8\] hold 8 bytes/],
      ['size mismatch (F64)', () => build(entry('"dtype":"F64","shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /shape \[2\] of F64 needs 16/],
      ['shape whose product overflows', () => build(entry('"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]'), new Uint8Array(8)),
        /tensor "a": shape \[4294967296,4294967296,4294967296\] of F32 needs 316912650057057350374175801344 bytes, but data_offsets \[0,8\] hold 8 bytes/],
      ['shape whose product wraps to 0 in 64 bits', () => build(entry('"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]')),
        /needs 73786976294838206464 bytes, but data_offsets \[0,0\] hold 0/],
      ['sub-byte dtype not filling a byte', () => build(entry('"dtype":"F4","shape":[3],"data_offsets":[0,2]'), new Uint8Array(2)), /needs 12 bits, not a whole number of bytes/],
      ['metadata with a non-string value', () => build('{"__metadata__":{"k":1}}'), /__metadata__ value for key "k" must be a string, got 1/],
      ['metadata with a nested object', () => build('{"__metadata__":{"k":{"x":"y"}}}'), /__metadata__ value for key "k" must be a string, got an object/],
      ['metadata an array', () => build('{"__metadata__":["a"]}'), /__metadata__ must be an object of strings, got an array/],
      ['metadata a string', () => build('{"__metadata__":"pt"}'), /__metadata__ must be an object of strings, got the string "pt"/],
      ['duplicate tensor name', () => build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, new Uint8Array(8)),
        /duplicate key "a" in the header/],
      ['duplicate field', () => build(entry('"dtype":"F32","dtype":"F64","shape":[2],"data_offsets":[0,8]'), new Uint8Array(8)), /duplicate key "dtype" in entry "a"/],
      ['duplicate metadata key', () => build('{"__metadata__":{"k":"1","k":"2"}}'), /duplicate key "k" in entry "__metadata__"/],
      ['duplicate name written with an escape', () => build('{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"\\u0061":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'),
        /duplicate key "a"/],
      ['empty tensor name', () => build('{"":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'), /a tensor has an empty name/],
      ['name with a lone surrogate', () => build('{"\\ud800":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}'), /unpaired surrogate/],
      ['unsupported dtype', () => build('{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', new Uint8Array(8)), /tensor "ids" has dtype I64/, wg.DTypeError],
    ];

    it.each(cases.map(([name, make, re, cls]) => ({ name, make, re, cls })))('$name', ({ make, re, cls }) => {
      const file = make();
      const before = wg.memory().tensors;
      expectWgError(() => wg.loadTensors(file), re, cls ?? wg.WasmgradError);
      expect(wg.memory().tensors).toBe(before);
    });

    it('a zero-size tensor with huge dimensions is valid and loads', () => {
      const file = build(entry('"dtype":"F32","shape":[9007199254740991,0,9007199254740991],"data_offsets":[0,0]'));
      const t = wg.loadTensors(file).tensors.get('a')!;
      expect(t.shape).toEqual([9007199254740991, 0, 9007199254740991]);
      expect(t.size).toBe(0);
    });

    it('non-input arguments are errors too', () => {
      expectWgError(() => wg.loadTensors('abc' as never), /expected a Uint8Array or an ArrayBuffer, got string/);
      expectWgError(() => wg.loadTensors(null as never), /got null/);
    });
  });

  describe('mutation fuzzing', () => {
    it('2,000 seeded mutations of valid files: every outcome is a load or a WasmgradError', () => {
      const random = makeRng(0x5afe + (backend === 'js' ? 1 : 0));
      const int = (n: number) => Math.floor(random() * n);
      const bases = [
        handBuiltFile(),
        wg.saveTensors({ w: wg.randn([3, 4]), b: wg.zeros([4], { dtype: 'float64' }), s: wg.tensor(1), e: wg.zeros([0, 2]) }, { k: 'v' }),
        build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[2],"data_offsets":[4,6]}}', new Uint8Array(6)),
      ];
      const jsonish = enc.encode('{}[]":,0123456789-.eE \\u"F32F16BF16I64__metadata__shapedata_offsetsdtype');
      const mutate = (src: Uint8Array): Uint8Array => {
        let f = src.slice();
        const rounds = 1 + int(3);
        for (let r = 0; r < rounds; r++) {
          const headerEnd = Math.min(f.length, 8 + Number(f.length >= 8 ? new DataView(f.buffer, f.byteOffset).getUint32(0, true) : 0));
          // Most mutations land in the length field or the header, where the parser's checks are.
          const pos = (): number => (random() < 0.85 && headerEnd > 0 ? int(headerEnd) : int(Math.max(1, f.length)));
          switch (int(7)) {
            case 0: { if (f.length) { const p = pos(); f[p] ^= 1 << int(8); } break; }
            case 1: { if (f.length) f[pos()] = int(256); break; }
            case 2: { if (f.length) f[pos()] = jsonish[int(jsonish.length)]; break; }
            case 3: { f = f.slice(0, int(f.length + 1)); break; }
            case 4: { const p = pos(); const ins = Uint8Array.from({ length: 1 + int(4) }, () => (random() < 0.5 ? int(256) : jsonish[int(jsonish.length)])); f = concat(f.slice(0, p), ins, f.slice(p)); break; }
            case 5: { const p = pos(); f = concat(f.slice(0, p), f.slice(Math.min(f.length, p + 1 + int(4)))); break; }
            case 6: { if (f.length >= 8) new DataView(f.buffer).setUint32(int(2) * 4, random() < 0.5 ? int(2 ** 32) : int(512), true); break; }
          }
        }
        return f;
      };
      const before = wg.memory().tensors;
      let loaded = 0, rejected = 0;
      const messages = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const file = mutate(bases[i % bases.length]);
        try {
          const { tensors } = wg.loadTensors(file);
          for (const t of tensors.values()) t.dispose();
          loaded++;
        } catch (e) {
          if (!(e instanceof wg.WasmgradError)) {
            throw new Error(`case ${i}: ${String(e)} escaped for bytes ${Array.from(file.subarray(0, 200)).join(',')}`);
          }
          expect(e.message.length).toBeGreaterThan(10);
          messages.add(e.message.replace(/\d+/g, 'N').slice(0, 40));
          rejected++;
        }
      }
      expect(loaded + rejected).toBe(2000);
      expect(loaded).toBeGreaterThan(20);
      expect(rejected).toBeGreaterThan(1000);
      expect(messages.size).toBeGreaterThan(10); // many different checks were reached
      expect(wg.memory().tensors).toBe(before);
    });
  });
});

/** A float32 file with layer.weight [3,2] and layer.bias [3] = F16 1, -2.5, 65504. */
function handBuiltLikeModule(): Uint8Array {
  const header = '{"layer.bias":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},'
    + '"layer.weight":{"dtype":"BF16","shape":[3,2],"data_offsets":[6,18]}}';
  return build(header, concat(le('u16', [0x3c00, 0xc100, 0x7bff]), le('u16', [0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x3f80, 0x3f80])));
}
