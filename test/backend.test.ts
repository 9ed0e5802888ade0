// The wasm backend checked primitive by primitive against the pure-JS reference backend on
// seeded random inputs, for float32 and float64: edge sizes (0, 1, SIMD tails), broadcasting
// strides in every position and beyond the kernels' 4 dims, every matmul transpose/batch
// layout, memory growth between calls, and allocation failures.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  Backend, Binary, DType, Reduce, SType, Storage, Unary, UnaryGrad,
} from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { WasmBackend, WasmStorage, createWasmBackend } from '../src/backend/wasm/index.js';
import { contiguousStrides, sizeOf } from '../src/backend/strides.js';
import { WasmgradError } from '../src/errors.js';
import { makeRng } from './helpers.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend();
});

// ---- helpers ---------------------------------------------------------------------------------


const random = makeRng(12345);

function uniform(n: number, lo = -2, hi = 2): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * random());
}

/** Small integers, so ties are common. */
function smallInts(n: number, k = 4): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * k) - 1);
}

type Arr = Float32Array | Float64Array | Int32Array;
interface Input { dtype: SType; data: ArrayLike<number> }
interface Output { dtype: SType; size: number }
interface Run { ret: number | void; outs: Arr[]; ins: Arr[] }

/**
 * Runs `body` on both backends with the same inputs. Outputs are pre-filled with NaN so an
 * element a kernel forgot to write shows up. Returns what each backend produced; frees all.
 */
function onBoth(ins: Input[], outs: Output[],
  body: (be: Backend, out: Storage[], inp: Storage[]) => number | void): { wasm: Run; js: Run } {
  const run = (be: Backend): Run => {
    const inp = ins.map((c) => {
      const s = be.alloc(c.dtype, c.data.length);
      be.write(s, c.data);
      return s;
    });
    const out = outs.map((o) => {
      const s = be.alloc(o.dtype, o.size);
      be.fill(s, NaN);
      return s;
    });
    const ret = body(be, out, inp);
    const result = { ret, outs: out.map((s) => be.read(s)), ins: inp.map((s) => be.read(s)) };
    for (const s of [...inp, ...out]) be.free(s);
    return result;
  };
  return { wasm: run(wasm), js: run(jsBackend) };
}

interface Tol { atol: number; rtol: number }
const exact: Tol = { atol: 0, rtol: 0 };
function tolFor(dtype: SType, f32: Tol, f64: Tol = { atol: 1e-13, rtol: 1e-12 }): Tol {
  return dtype === 'float64' ? f64 : f32;
}

/** Elementwise closeness; NaN must match NaN and infinities must match exactly. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tol, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(a)
      : !Number.isFinite(e) ? a === e
        : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) expect.fail(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}

/** Element strides of an input of `inShape` broadcast to `outShape` (numpy rules). */
function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const contiguous = contiguousStrides(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((n, d) => (d < lead || inShape[d - lead] === 1 ? 0 : contiguous[d - lead]));
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const DTYPES: DType[] = ['float32', 'float64'];
/** 0, 1 and sizes around the 4- and 2-lane SIMD widths. */
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100, 1027];

/** Finite values plus the specials every elementwise op must agree on. */
function elementwiseInput(n: number, specials: number[]): number[] {
  const data = uniform(n, -3, 3);
  for (let i = 0; i < Math.min(n, specials.length); i++) data[(i * 7) % n] = specials[i];
  return data;
}
const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1, -1, 50, -50, 1e-3];

// ---- storage ---------------------------------------------------------------------------------

describe('wasm storage', () => {
  it('reports its name and a non-empty heap', () => {
    expect(wasm.name).toBe('wasm');
    expect(wasm.heapBytes()).toBeGreaterThan(0);
    expect(wasm.heapBytes()).toBe(wasm.heapBytes());
  });

  it.each(['float32', 'float64', 'int32'] as SType[])('writes, reads and gets back %s data of every size', (dtype) => {
    for (const n of SIZES) {
      const data = dtype === 'int32' ? smallInts(n, 1000) : uniform(n);
      const s = wasm.alloc(dtype, n);
      expect(s).toBeInstanceOf(WasmStorage);
      expect(s.size).toBe(n);
      expect(s.bytes).toBe(n * (dtype === 'float64' ? 8 : 4));
      expect(s.backend).toBe('wasm');
      wasm.write(s, data);
      const back = wasm.read(s);
      expect(back.constructor).toBe(dtype === 'float64' ? Float64Array : dtype === 'int32' ? Int32Array : Float32Array);
      const expected = dtype === 'float64' ? Float64Array.from(data) : dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
      expectClose(back, expected, exact, `${dtype} read n=${n}`);
      for (let i = 0; i < n; i += 7) expect(wasm.get(s, i)).toBe(expected[i]);
      wasm.free(s);
    }
  });

  it('writes at an offset and rejects writes that would overflow the storage', () => {
    const s = wasm.alloc('float32', 5);
    wasm.fill(s, 0);
    wasm.write(s, new Float32Array([7, 8]), 3);
    expect(Array.from(wasm.read(s))).toEqual([0, 0, 0, 7, 8]);
    expect(() => wasm.write(s, [1, 2, 3], 3)).toThrow(WasmgradError);
    expect(() => wasm.get(s, 5)).toThrow(WasmgradError);
    wasm.free(s);
  });

  it.each(['float32', 'float64', 'int32'] as SType[])('fills %s storage of every size', (dtype) => {
    for (const n of SIZES) {
      const s = wasm.alloc(dtype, n);
      wasm.fill(s, 3);
      expect(Array.from(wasm.read(s)).every((v) => v === 3), `n=${n}`).toBe(true);
      wasm.free(s);
    }
  });

  it('casts float32 <-> float64 and copies equal dtypes, like the JS backend', () => {
    const pairs: [DType, DType][] = [['float32', 'float64'], ['float64', 'float32'], ['float32', 'float32'], ['float64', 'float64']];
    for (const [from, to] of pairs) {
      for (const n of SIZES) {
        const data = elementwiseInput(n, [...SPECIALS, 1e300, -1e-300, 0.1]);
        const r = onBoth([{ dtype: from, data }], [{ dtype: to, size: n }], (be, [out], [a]) => be.cast(out, a));
        expectClose(r.wasm.outs[0], r.js.outs[0], exact, `cast ${from}->${to} n=${n}`);
      }
    }
  });

  it('allocates size 0 and frees it, and free marks storage freed and tolerates a second free', () => {
    const empty = wasm.alloc('float32', 0);
    expect(empty.size).toBe(0);
    expect(wasm.read(empty).length).toBe(0);
    wasm.free(empty);
    expect(empty.freed).toBe(true);
    const s = wasm.alloc('float64', 3);
    expect(s.freed).toBe(false);
    wasm.free(s);
    expect(s.freed).toBe(true);
    expect(() => wasm.free(s)).not.toThrow();
  });

  it('reuses freed blocks instead of growing the heap', () => {
    const before = wasm.heapBytes();
    for (let i = 0; i < 200; i++) wasm.free(wasm.alloc('float32', 1 << 16));
    expect(wasm.heapBytes()).toBeLessThanOrEqual(Math.max(before, 4 * (1 << 16) * 4));
  });

  it('keeps earlier storages readable and usable after memory grows', () => {
    const a = wasm.alloc('float32', 37), b = wasm.alloc('float64', 37);
    const dataA = uniform(37), dataB = uniform(37);
    wasm.write(a, dataA);
    wasm.write(b, dataB);
    expectClose(wasm.read(a), Float32Array.from(dataA), exact, 'before growth');
    const before = wasm.heapBytes();
    const big = wasm.alloc('float64', (before / 8) * 2); // certainly needs a memory.grow
    expect(wasm.heapBytes()).toBeGreaterThan(before);
    expectClose(wasm.read(a), Float32Array.from(dataA), exact, 'a after growth');
    expectClose(wasm.read(b), Float64Array.from(dataB), exact, 'b after growth');
    expect(wasm.get(a, 36)).toBe(Math.fround(dataA[36]));
    wasm.write(big, [1, 2, 3], big.size - 3);
    expect(wasm.get(big, big.size - 1)).toBe(3);
    // A kernel on old storages still sees the right data, and writes land where read looks.
    const out = wasm.alloc('float32', 37);
    wasm.unary(Unary.Neg, out, a);
    expectClose(wasm.read(out), Float32Array.from(dataA, (x) => -x), exact, 'neg after growth');
    for (const s of [a, b, big, out]) wasm.free(s);
  });
});

describe('wasm alloc failures', () => {
  it('rejects absurd, negative and fractional sizes with a WasmgradError naming alloc and the bytes', () => {
    expect(() => wasm.alloc('float32', 1e12)).toThrow(WasmgradError);
    expect(() => wasm.alloc('float32', 1e12)).toThrow(/alloc.*4000000000000 bytes/);
    expect(() => wasm.alloc('float64', -1)).toThrow(WasmgradError);
    expect(() => wasm.alloc('float64', 2.5)).toThrow(WasmgradError);
    expect(() => wasm.alloc('float32', NaN)).toThrow(WasmgradError);
  });

  it('turns an allocation the wasm allocator refuses into a WasmgradError and keeps working', () => {
    // 4 GiB less a page passes the TypeScript size check (blocks of 1.5 GiB now work: see
    // test/big-tensors.test.ts) but cannot fit beside what is already in linear memory: the
    // failed memory.grow inside wasm must surface as a WasmgradError.
    const bytes = 2 ** 32 - 2 ** 16;
    expect(() => wasm.alloc('float64', bytes / 8)).toThrow(WasmgradError);
    expect(() => wasm.alloc('float64', bytes / 8)).toThrow(new RegExp(`alloc.*${bytes} bytes`));
    const r = onBoth([{ dtype: 'float32', data: [1, 2, 3] }, { dtype: 'float32', data: [4, 5, 6] }],
      [{ dtype: 'float32', size: 3 }], (be, [out], [a, b]) => be.binary(Binary.Add, out, a, b, [3], [1], [1]));
    expectClose(r.wasm.outs[0], r.js.outs[0], exact, 'add after failed alloc');
  });
});

// ---- elementwise -----------------------------------------------------------------------------

const UNARY_OPS = Object.entries(Unary) as [string, Unary][];
const UNARY_GRAD_OPS = Object.entries(UnaryGrad) as [string, UnaryGrad][];
const BINARY_OPS = Object.entries(Binary) as [string, Binary][];

describe.each(DTYPES)('wasm elementwise (%s)', (dtype) => {
  // Scalar Mathf vs Math rounded to f32 differ by an ulp or so; denormals need the atol.
  const tol = tolFor(dtype, { atol: 1e-6, rtol: 2e-6 }, { atol: 1e-15, rtol: 1e-14 });

  it.each(UNARY_OPS)('unary %s matches the reference at every size, specials included', (name, op) => {
    for (const n of SIZES) {
      const data = elementwiseInput(n, SPECIALS);
      const r = onBoth([{ dtype, data }], [{ dtype, size: n }], (be, [out], [a]) => be.unary(op, out, a));
      expectClose(r.wasm.outs[0], r.js.outs[0], tol, `${name} n=${n}`);
    }
  });

  it('unary may write in place (out = a)', () => {
    const data = uniform(33);
    const r = onBoth([{ dtype, data }], [], (be, _out, [a]) => be.unary(Unary.Square, a, a));
    expectClose(r.wasm.ins[0], r.js.ins[0], exact, 'square in place');
  });

  it('sigmoid and tanh saturate to exact limits for large |x| without NaN', () => {
    const data = [1000, -1000, 1e30, -1e30, 89, -89, 750, -750];
    const out = wasm.alloc(dtype, data.length), a = wasm.alloc(dtype, data.length);
    wasm.write(a, data);
    wasm.unary(Unary.Sigmoid, out, a);
    const sig = Array.from(wasm.read(out));
    expect(sig.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(sig.slice(0, 4)).toEqual([1, 0, 1, 0]);
    wasm.unary(Unary.Tanh, out, a);
    expect(Array.from(wasm.read(out))).toEqual([1, -1, 1, -1, 1, -1, 1, -1]);
    wasm.free(out);
    wasm.free(a);
  });

  it.each(UNARY_GRAD_OPS)('unaryGrad %s matches the reference at every size', (name, op) => {
    for (const n of SIZES) {
      // Saved values in (-1, 1) like sigmoid/tanh outputs, with zeros and NaN for relu/abs.
      const saved = elementwiseInput(n, [0, -0, NaN, 1, -1]).map((x) => (Number.isFinite(x) ? x / 3 : x));
      const dy = uniform(n);
      const r = onBoth([{ dtype, data: saved }, { dtype, data: dy }], [{ dtype, size: n }],
        (be, [out], [s, g]) => be.unaryGrad(op, out, s, g));
      expectClose(r.wasm.outs[0], r.js.outs[0], tol, `${name} grad n=${n}`);
    }
  });

  it('addInPlace accumulates at every size', () => {
    for (const n of SIZES) {
      const r = onBoth([{ dtype, data: uniform(n) }, { dtype, data: uniform(n) }], [],
        (be, _out, [d, s]) => be.addInPlace(d, s));
      expectClose(r.wasm.ins[0], r.js.ins[0], exact, `addInPlace n=${n}`);
      expectClose(r.wasm.ins[1], r.js.ins[1], exact, `addInPlace src untouched n=${n}`);
    }
  });

  /** out = a op b for shapes broadcast numpy-style. */
  function checkBinary(op: Binary, name: string, aShape: number[], bShape: number[], aData?: number[], bData?: number[]): void {
    const shape = broadcastShape(aShape, bShape);
    const aStrides = broadcastStrides(aShape, shape), bStrides = broadcastStrides(bShape, shape);
    const a = aData ?? uniform(sizeOf(aShape), -3, 3);
    const b = bData ?? uniform(sizeOf(bShape), -3, 3);
    if (!aData && !bData && sizeOf(aShape) === sizeOf(bShape)) {
      // Same-size inputs: make some elements equal to exercise compare ties.
      for (let i = 0; i < a.length; i += 3) b[i] = a[i];
    }
    const r = onBoth([{ dtype, data: a }, { dtype, data: b }], [{ dtype, size: sizeOf(shape) }],
      (be, [out], [x, y]) => be.binary(op, out, x, y, shape, aStrides, bStrides));
    expectClose(r.wasm.outs[0], r.js.outs[0], op === Binary.Pow ? tolFor(dtype, { atol: 1e-5, rtol: 1e-5 }) : tol,
      `${name} [${aShape}] with [${bShape}]`);
  }

  it.each(BINARY_OPS)('binary %s matches on equal shapes of every size, specials included', (name, op) => {
    for (const n of SIZES) {
      checkBinary(op, name, [n], [n]);
      checkBinary(op, name, [n], [n], elementwiseInput(n, SPECIALS), elementwiseInput(n, [...SPECIALS].reverse()));
    }
  });

  it.each(BINARY_OPS)('binary %s broadcasts rows, columns, scalars and outer products', (name, op) => {
    const cases: [number[], number[]][] = [
      [[7, 33], [33]], // bias: b's inner stride 1, outer 0
      [[33], [7, 33]],
      [[33, 7], [33, 1]], // column: b's inner stride 0
      [[33, 1], [33, 7]],
      [[1, 9], [5, 1]], // outer product
      [[5, 1], [1, 9]],
      [[], []],
      [[5], []],
      [[], [6]],
      [[0, 3], [3]],
      [[3, 1, 17], [1, 4, 1]],
      [[2, 3, 4, 5], [2, 1, 4, 1]],
    ];
    for (const [aShape, bShape] of cases) checkBinary(op, name, aShape, bShape);
  });

  it.each(BINARY_OPS)('binary %s handles 0-strides in every position of more than 4 dims', (name, op) => {
    checkBinary(op, name, [2, 1, 3, 1, 5, 2], [1, 4, 1, 3, 1, 2]);
    checkBinary(op, name, [1, 2, 1, 2, 1, 3, 1], [2, 1, 2, 1, 3, 1, 4]);
    checkBinary(op, name, [3, 1, 2, 1, 2, 1], [3, 2, 1, 2, 1, 5]);
  });

  it('binary agrees on random broadcast shapes of 0 to 7 dims', () => {
    for (let t = 0; t < 60; t++) {
      const nd = Math.floor(random() * 8);
      const shape = Array.from({ length: nd }, () => [1, 2, 3, 5][Math.floor(random() * 4)]);
      const aShape = shape.map((n) => (random() < 0.3 ? 1 : n)).slice(Math.floor(random() * 2));
      const bShape = shape.map((n) => (random() < 0.3 ? 1 : n)).slice(Math.floor(random() * 2));
      const [name, op] = BINARY_OPS[t % BINARY_OPS.length];
      checkBinary(op, name, aShape, bShape);
    }
  });

  it('binary reads non-contiguous (transposed) inputs through their strides', () => {
    const a = uniform(35), b = uniform(35);
    const r = onBoth([{ dtype, data: a }, { dtype, data: b }], [{ dtype, size: 35 }],
      (be, [out], [x, y]) => be.binary(Binary.Mul, out, x, y, [7, 5], [1, 7], [5, 1]));
    expectClose(r.wasm.outs[0], r.js.outs[0], exact, 'transposed mul');
  });

  /** copyStrided of a [inShape] storage through explicit strides/offset. */
  function checkCopy(inSize: number, shape: number[], strides: number[], offset: number, what: string, dt: SType = dtype): void {
    const data = dt === 'int32' ? smallInts(inSize, 1000) : uniform(inSize);
    const r = onBoth([{ dtype: dt, data }], [{ dtype: dt, size: sizeOf(shape) }],
      (be, [out], [a]) => be.copyStrided(out, a, shape, strides, offset));
    expectClose(r.wasm.outs[0], r.js.outs[0], exact, what);
  }

  it('copyStrided transposes, expands, slices and permutes, beyond 4 dims too', () => {
    checkCopy(35, [7, 5], [1, 7], 0, 'transpose 5x7');
    checkCopy(3, [4, 3], [0, 1], 0, 'expand rows');
    checkCopy(3, [3, 4], [1, 0], 0, 'expand columns');
    checkCopy(1, [2, 3, 5], [0, 0, 0], 0, 'expand scalar');
    checkCopy(40, [3, 5], [8, 1], 4, 'slice with offset');
    checkCopy(120, [5, 4, 3, 2], [1, 5, 20, 60], 0, 'reverse permutation of 4 dims');
    checkCopy(720, [2, 3, 4, 5, 6], [1, 2, 6, 24, 120], 0, 'reverse permutation of 5 dims');
    checkCopy(30, [2, 3, 1, 5, 4, 2], [15, 5, 0, 1, 0, 0], 0, 'expand in several positions of 6 dims');
    checkCopy(0, [0, 3], [3, 1], 0, 'size 0');
    checkCopy(17, [17], [1], 0, 'contiguous 17');
    checkCopy(35, [5, 7], [1, 5], 0, 'int32 transpose', 'int32');
  });
});

// ---- reductions ------------------------------------------------------------------------------

/** [outer, red, inner] layouts: contiguous rows (inner 1), column sums (inner > 1), empties. */
const REDUCE_LAYOUTS: [number, number, number][] = [
  [1, 1, 1], [1, 17, 1], [3, 33, 1], [1, 1027, 1], [2, 5, 7], [4, 3, 17], [5, 0, 3],
  [0, 4, 2], [4, 0, 1], [3, 1, 5], [2, 130, 9], [64, 10, 1], [1, 64, 130], [3, 2, 1],
];

describe.each(DTYPES)('wasm reductions (%s)', (dtype) => {
  it.each(REDUCE_LAYOUTS)('sum and max over [%i, %i, %i] match the reference', (outer, red, inner) => {
    const n = outer * red * inner;
    for (const [name, op] of [['sum', Reduce.Sum], ['max', Reduce.Max]] as const) {
      const r = onBoth([{ dtype, data: uniform(n, -1, 1) }], [{ dtype, size: outer * inner }],
        (be, [out], [a]) => be.reduce(op, out, a, outer, red, inner));
      // The wasm sum accumulates in the dtype (f32 partial sums), the reference in f64.
      expectClose(r.wasm.outs[0], r.js.outs[0], tolFor(dtype, { atol: 2e-6 * Math.sqrt(red + 1) * 4, rtol: 1e-5 }),
        `${name} [${outer},${red},${inner}]`);
    }
  });

  it('max propagates NaN and handles all -Infinity rows, contiguous and strided', () => {
    for (const [outer, red, inner] of [[4, 9, 1], [4, 9, 3], [2, 33, 1], [2, 5, 8]] as const) {
      const n = outer * red * inner;
      const data = uniform(n);
      data[inner * 2] = NaN; // first outer row gets a NaN
      for (let i = red * inner; i < 2 * red * inner; i++) data[i] = -Infinity; // second row all -Inf
      const r = onBoth([{ dtype, data }], [{ dtype, size: outer * inner }],
        (be, [out], [a]) => be.reduce(Reduce.Max, out, a, outer, red, inner));
      expectClose(r.wasm.outs[0], r.js.outs[0], exact, `max NaN [${outer},${red},${inner}]`);
    }
  });

  it.each(REDUCE_LAYOUTS)('argmaxMask over [%i, %i, %i] marks the first max (ties, NaN)', (outer, red, inner) => {
    const n = outer * red * inner;
    const data = smallInts(n, 3);
    if (n > 4) data[n - 3] = NaN;
    if (n > 10) data[5] = NaN;
    const r = onBoth([{ dtype, data }], [{ dtype, size: n }],
      (be, [out], [a]) => be.argmaxMask(out, a, outer, red, inner));
    expectClose(r.wasm.outs[0], r.js.outs[0], exact, `argmaxMask [${outer},${red},${inner}]`);
  });
});

// ---- matmul ----------------------------------------------------------------------------------

/** Checks batch problems of op(A)[M,K] · op(B)[K,N] with the given batch strides. */
function checkMatmul(dtype: DType, batch: number, M: number, N: number, K: number, transA: boolean, transB: boolean,
  aBatch: 'full' | 'broadcast' = 'full', bBatch: 'full' | 'broadcast' = 'full'): void {
  const aBatchStride = aBatch === 'full' ? M * K : 0, bBatchStride = bBatch === 'full' ? K * N : 0;
  const aSize = aBatchStride * Math.max(batch - 1, 0) + M * K;
  const bSize = bBatchStride * Math.max(batch - 1, 0) + K * N;
  const r = onBoth([{ dtype, data: uniform(aSize, -1, 1) }, { dtype, data: uniform(bSize, -1, 1) }],
    [{ dtype, size: batch * M * N }],
    (be, [c], [a, b]) => be.matmul(c, a, b, batch, M, N, K, transA, transB, aBatchStride, bBatchStride));
  // f32 accumulates in f32 (blocked order), the reference in f64.
  const tol = tolFor(dtype, { atol: 1e-6 * (K + 1), rtol: 1e-5 }, { atol: 1e-14 * (K + 1), rtol: 1e-12 });
  expectClose(r.wasm.outs[0], r.js.outs[0], tol,
    `matmul batch=${batch} M=${M} N=${N} K=${K} transA=${transA} transB=${transB} a:${aBatch} b:${bBatch}`);
}

const MATMUL_SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 3, 5], [3, 5, 17], [17, 33, 5], [5, 1, 67], [1, 67, 5], [4, 8, 8], [8, 4, 4],
  [33, 17, 130], [67, 130, 33], [64, 64, 64], [130, 67, 300], [260, 9, 3], [3, 7, 513],
];

describe.each(DTYPES)('wasm matmul (%s)', (dtype) => {
  const flags: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

  it.each(MATMUL_SIZES)('M=%i N=%i K=%i matches the reference for every transpose combination', (M, N, K) => {
    for (const [transA, transB] of flags) checkMatmul(dtype, 1, M, N, K, transA, transB);
  });

  it('covers wide N spanning several packed column blocks', () => {
    for (const [transA, transB] of flags) checkMatmul(dtype, 1, 5, 2100, 7, transA, transB);
  });

  it('overwrites C with zeros when K = 0 and does nothing when M or N is 0', () => {
    for (const [transA, transB] of flags) {
      checkMatmul(dtype, 1, 3, 4, 0, transA, transB);
      checkMatmul(dtype, 2, 5, 9, 0, transA, transB);
      checkMatmul(dtype, 1, 0, 4, 3, transA, transB);
      checkMatmul(dtype, 1, 4, 0, 3, transA, transB);
      checkMatmul(dtype, 0, 4, 5, 3, transA, transB);
    }
  });

  it('runs batches with full strides and with a broadcast (stride 0) operand', () => {
    for (const [transA, transB] of flags) {
      checkMatmul(dtype, 3, 17, 9, 33, transA, transB, 'full', 'full');
      checkMatmul(dtype, 3, 17, 9, 33, transA, transB, 'full', 'broadcast');
      checkMatmul(dtype, 4, 5, 13, 6, transA, transB, 'broadcast', 'full');
      checkMatmul(dtype, 2, 67, 35, 260, transA, transB, 'broadcast', 'broadcast');
    }
  });

  it('keeps working when a larger problem grows the packing scratch and memory', () => {
    checkMatmul(dtype, 1, 3, 3, 3, false, false);
    checkMatmul(dtype, 1, 300, 600, 400, false, true);
    checkMatmul(dtype, 1, 3, 3, 3, true, false);
  });
});

// ---- softmax family --------------------------------------------------------------------------

const SOFTMAX_LAYOUTS: [number, number, number][] = [
  [1, 1, 1], [3, 10, 1], [2, 33, 1], [4, 7, 3], [1, 5, 17], [0, 4, 1], [3, 0, 2], [2, 1027, 1],
];

describe.each(DTYPES)('wasm softmax family (%s)', (dtype) => {
  const tol = tolFor(dtype, { atol: 2e-6, rtol: 1e-5 });

  it.each(SOFTMAX_LAYOUTS)('softmax and logSoftmax over [%i, %i, %i] match the reference', (outer, n, inner) => {
    const size = outer * n * inner;
    for (const log of [false, true]) {
      const data = uniform(size, -5, 5);
      // Large logits test the max subtraction; a -Infinity entry must give probability 0.
      if (size > 3) { data[0] = 500; data[1] = -Infinity; }
      const r = onBoth([{ dtype, data }], [{ dtype, size }], (be, [out], [a]) => be.softmax(out, a, outer, n, inner, log));
      expectClose(r.wasm.outs[0], r.js.outs[0], tol, `${log ? 'logSoftmax' : 'softmax'} [${outer},${n},${inner}]`);
    }
  });

  it('softmax of an all -Infinity row stays finite like the reference', () => {
    const data = [-Infinity, -Infinity, -Infinity, 1, 2, 3];
    for (const log of [false, true]) {
      const r = onBoth([{ dtype, data }], [{ dtype, size: 6 }], (be, [out], [a]) => be.softmax(out, a, 2, 3, 1, log));
      expectClose(r.wasm.outs[0], r.js.outs[0], tol, `all -Inf row log=${log}`);
    }
  });

  it.each(SOFTMAX_LAYOUTS)('softmaxGrad over [%i, %i, %i] matches the reference', (outer, n, inner) => {
    const size = outer * n * inner;
    for (const log of [false, true]) {
      const y = log ? uniform(size, -4, -0.01) : uniform(size, 0, 1);
      const r = onBoth([{ dtype, data: y }, { dtype, data: uniform(size) }], [{ dtype, size }],
        (be, [out], [yy, dy]) => be.softmaxGrad(out, yy, dy, outer, n, inner, log));
      expectClose(r.wasm.outs[0], r.js.outs[0], tol, `softmaxGrad log=${log} [${outer},${n},${inner}]`);
    }
  });

  it.each([[1, 1], [4, 3], [7, 10], [33, 17], [2, 1000], [0, 5]])('crossEntropy N=%i C=%i returns the mean loss and probs', (N, C) => {
    const labels = Array.from({ length: N }, () => Math.floor(random() * C));
    const r = onBoth([{ dtype, data: uniform(N * C, -3, 3) }, { dtype: 'int32', data: labels }], [{ dtype, size: N * C }],
      (be, [probs], [logits, lab]) => be.crossEntropy(probs, logits, lab, N, C));
    expectClose(r.wasm.outs[0], r.js.outs[0], tol, `probs N=${N} C=${C}`);
    expectClose([r.wasm.ret as number], [r.js.ret as number], tol, `loss N=${N} C=${C}`);
  });

  it('crossEntropy uses log-sum-exp: a confident mistake gives a large finite loss, not Infinity', () => {
    const logits = [200, -200, 0, 0, 300, -300];
    const r = onBoth([{ dtype, data: logits }, { dtype: 'int32', data: [1, 2] }], [{ dtype, size: 6 }],
      (be, [probs], [x, lab]) => be.crossEntropy(probs, x, lab, 2, 3));
    expect(r.wasm.ret).toBeCloseTo((400 + 600) / 2, 3);
    expectClose([r.wasm.ret as number], [r.js.ret as number], tol, 'confident loss');
  });

  it.each([[1, 1], [4, 3], [7, 10], [33, 17], [0, 5]])('crossEntropyGrad N=%i C=%i matches the reference', (N, C) => {
    const labels = Array.from({ length: N }, () => Math.floor(random() * C));
    const probs = uniform(N * C, 0, 1);
    const r = onBoth([{ dtype, data: probs }, { dtype: 'int32', data: labels }], [{ dtype, size: N * C }],
      (be, [out], [p, lab]) => be.crossEntropyGrad(out, p, lab, N, C, 1 / Math.max(N, 1)));
    expectClose(r.wasm.outs[0], r.js.outs[0], tol, `crossEntropyGrad N=${N} C=${C}`);
  });
});

// ---- last: real exhaustion of linear memory --------------------------------------------------

describe('wasm memory exhaustion', () => {
  it('reports a failed memory.grow as a WasmgradError, then frees and keeps working', () => {
    // wasm32 memory ends at 4 GiB: blocks just under the allocator's 1 GiB cap run out within
    // a few allocations. Untouched pages cost no physical memory.
    const blockElements = (2 ** 30 - 4096) / 4;
    const held: Storage[] = [];
    let failure: unknown;
    for (let i = 0; i < 8 && failure === undefined; i++) {
      try {
        held.push(wasm.alloc('float32', blockElements));
      } catch (e) {
        failure = e;
      }
    }
    expect(failure).toBeInstanceOf(WasmgradError);
    expect(String((failure as Error).message)).toMatch(/alloc.*bytes/);
    for (const s of held) wasm.free(s);
    const s = wasm.alloc('float32', 1000);
    wasm.fill(s, 2);
    expect(wasm.get(s, 999)).toBe(2);
    wasm.free(s);
    checkMatmul('float32', 1, 17, 9, 33, true, false);
  });
});
