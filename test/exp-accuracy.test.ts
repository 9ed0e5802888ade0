// Accuracy of the wasm backend's vectorised exp, log, sigmoid and tanh (assembly/vmath.ts)
// against float64 references (Math.exp, Math.log, Math.tanh), through the public Backend.unary
// entry point, plus their edge cases and the softmax kernels that use the same exp.
//
// Bounds asserted (measured maxima in brackets, on this file's inputs):
//   exp     float32  relative 4e-7 over [-87, 88]               [1.8e-7, 2.3 ulp]
//           float64  relative 4.5e-16 (~2 ulp) over [-700, 700] [2.2e-16]
//   sigmoid float32  absolute 2e-7, relative 4e-7 over [-87, 30] [9.4e-8 / 2.7e-7]
//           float64  absolute 4.5e-16, relative 1e-15            [2.2e-16 / 3.6e-16]
//   tanh    float32  absolute 2e-7, relative 3e-7                [1.5e-7 / 1.8e-7, 2.5 ulp]
//           float64  absolute 4.5e-16, relative 1e-15            [3.3e-16 / 5e-16]
//   log     float32  relative 1.2e-7 (1 ulp at worst)           [7.8e-8, 0.83 ulp]
//           float64  relative 2.3e-16                            [2.2e-16, 1 ulp]
// float32 results come from float32 inputs; the reference is evaluated in float64 on that same
// float32 input and compared unrounded. float32 exp gives correctly scaled subnormals for
// x in [-103.3, -87.3] (up to a double rounding) and 0 below; sigmoid flushes e^{-|x|} to 0
// below the smallest normal, which moves its result by less than 1.2e-38 (1e-308 for float64).

import { beforeAll, describe, expect, it } from 'vitest';
import { DType, Storage, Unary } from '../src/backend/backend.js';
import { WasmBackend, createWasmBackend } from '../src/backend/wasm/index.js';
import { makeRng } from './helpers.js';

let wasm: WasmBackend;
beforeAll(async () => {
  wasm = await createWasmBackend();
});


type Arr = Float32Array | Float64Array;

function typed(dtype: DType, n: number): Arr {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** `count` points: half an evenly spaced grid over [lo, hi], half uniform random. */
function points(dtype: DType, lo: number, hi: number, count: number, seed = 1): Arr {
  const random = makeRng(seed);
  const xs = typed(dtype, count);
  const half = count >> 1;
  for (let i = 0; i < half; i++) xs[i] = lo + ((hi - lo) * i) / (half - 1);
  for (let i = half; i < count; i++) xs[i] = lo + (hi - lo) * random();
  return xs;
}

/** op applied by the wasm backend to xs (already rounded to dtype). */
function run(op: Unary, dtype: DType, xs: ArrayLike<number>): Arr {
  const a: Storage = wasm.alloc(dtype, xs.length), out: Storage = wasm.alloc(dtype, xs.length);
  try {
    wasm.write(a, xs);
    wasm.fill(out, NaN);
    wasm.unary(op, out, a);
    return wasm.read(out) as Arr;
  } finally {
    wasm.free(a);
    wasm.free(out);
  }
}

interface Errors { abs: number; rel: number; absAt: number; relAt: number }

/** Max absolute and relative error of ys against ref(xs) in float64; NaN anywhere is fatal. */
function errors(xs: ArrayLike<number>, ys: ArrayLike<number>, ref: (x: number) => number): Errors {
  const e: Errors = { abs: 0, rel: 0, absAt: NaN, relAt: NaN };
  for (let i = 0; i < xs.length; i++) {
    const want = ref(xs[i]), got = ys[i];
    if (Number.isNaN(got) || !Number.isFinite(got) !== !Number.isFinite(want)) {
      expect.fail(`f(${xs[i]}) = ${got}, expected ${want}`);
    }
    const d = Math.abs(got - want);
    if (d > e.abs) { e.abs = d; e.absAt = xs[i]; }
    if (want !== 0 && d / Math.abs(want) > e.rel) { e.rel = d / Math.abs(want); e.relAt = xs[i]; }
  }
  return e;
}

/** WG_ACC_REPORT=1 prints the measured maxima (to refresh the table at the top). */
function report(what: string, e: Errors): void {
  if (process.env.WG_ACC_REPORT) {
    console.log(`${what}: max abs ${e.abs.toExponential(3)} (x = ${e.absAt}), max rel ${e.rel.toExponential(3)} (x = ${e.relAt})`);
  }
}

function sigmoidRef(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

const DENSE = 1 << 21; // 2M points per range

describe('vectorised exp (wasm)', () => {
  it('float32: max relative error <= 4e-7 over [-87, 88], 2M points', () => {
    const xs = points('float32', -87, 88, DENSE);
    const e = errors(xs, run(Unary.Exp, 'float32', xs), Math.exp);
    report(`Exp float32 (e)`, e);
    expect(e.rel, `worst at x = ${e.relAt}`).toBeLessThanOrEqual(4e-7);
  });

  it('float32: lanes that share a vector with an edge value (out-of-line path) are as accurate', () => {
    // Every 4th element is NaN, so every vector takes the edge path.
    const xs = points('float32', -87, 88, 1 << 18, 2);
    for (let i = 0; i < xs.length; i += 4) xs[i] = NaN;
    const ys = run(Unary.Exp, 'float32', xs);
    for (let i = 0; i < xs.length; i += 4) expect(ys[i]).toBeNaN();
    const keep = (a: Arr) => a.filter((_, i) => i % 4 !== 0);
    const e = errors(keep(xs), keep(ys), Math.exp);
    expect(e.rel, `worst at x = ${e.relAt}`).toBeLessThanOrEqual(4e-7);
  });

  it('float32: subnormal results down to -103 are within one subnormal step of Math.exp', () => {
    const xs = points('float32', -103.2, -87.4, 1 << 14, 3);
    const ys = run(Unary.Exp, 'float32', xs);
    for (let i = 0; i < xs.length; i++) {
      expect(Math.abs(ys[i] - Math.fround(Math.exp(xs[i])))).toBeLessThanOrEqual(2 ** -149);
    }
  });

  it('float64: max relative error <= 4.5e-16 (about 2 ulp, so <= 1e-15) over [-700, 700], 2M points', () => {
    const xs = points('float64', -700, 700, DENSE);
    const e = errors(xs, run(Unary.Exp, 'float64', xs), Math.exp);
    report(`Exp float64 (e)`, e);
    expect(e.rel, `worst at x = ${e.relAt}`).toBeLessThanOrEqual(4.5e-16);
    // Near 0 too, where the grid above is coarse.
    const small = points('float64', -1, 1, 1 << 18, 4);
    const es = errors(small, run(Unary.Exp, 'float64', small), Math.exp);
    report(`Exp float64 (es)`, es);
    expect(es.rel, `worst at x = ${es.relAt}`).toBeLessThanOrEqual(4.5e-16);
  });

  it('float64: overflow and subnormal ranges at both ends', () => {
    const xs = Float64Array.from([709.7, 709.78, -708.5, -720, -740, -745.1]);
    const ys = run(Unary.Exp, 'float64', xs);
    for (let i = 0; i < xs.length; i++) {
      const want = Math.exp(xs[i]);
      // Relative in the normal range, within a couple of subnormal steps below it.
      expect(Math.abs(ys[i] - want)).toBeLessThanOrEqual(Math.max(4.5e-16 * want, 2 * 2 ** -1074));
    }
  });

  it.each(['float32', 'float64'] as DType[])('%s edges: ±Infinity, NaN, overflow, underflow, exp(±0) = 1 exactly', (dtype) => {
    const over = dtype === 'float32' ? [89, 100, 1e30] : [710, 800, 1e300];
    const under = dtype === 'float32' ? [-104, -110, -1e30] : [-746, -800, -1e300];
    // Padded with ordinary values so the specials sit in SIMD lanes and in the scalar tail.
    const xs = [Infinity, -Infinity, NaN, 0, -0, ...over, ...under, 1, 2, 0.5, Infinity, NaN];
    const ys = run(Unary.Exp, dtype, xs);
    expect(ys[0]).toBe(Infinity);
    expect(ys[1]).toBe(0);
    expect(ys[2]).toBeNaN();
    expect(ys[3]).toBe(1);
    expect(ys[4]).toBe(1);
    for (let i = 0; i < 3; i++) expect(ys[5 + i]).toBe(Infinity);
    for (let i = 0; i < 3; i++) expect(ys[8 + i]).toBe(0);
    expect(ys[14]).toBe(Infinity);
    expect(ys[15]).toBeNaN();
    // Every position of a vector and the tail, one special at a time.
    for (const special of [Infinity, -Infinity, NaN, over[0], under[0]]) {
      for (let at = 0; at < 11; at++) {
        const arr = Array.from({ length: 11 }, (_, i) => (i === at ? special : i / 4));
        const got = run(Unary.Exp, dtype, arr);
        const want = dtype === 'float32' ? Math.fround(Math.exp(special)) : Math.exp(special);
        if (Number.isNaN(want)) expect(got[at]).toBeNaN();
        else expect(got[at]).toBe(want);
        for (let i = 0; i < 11; i++) {
          if (i !== at) expect(Math.abs(got[i] - Math.exp(i / 4)) / Math.exp(i / 4)).toBeLessThanOrEqual(4e-7);
        }
      }
    }
  });

  it('float32: exp(88.72) is finite and accurate, exp(89) overflows', () => {
    const ys = run(Unary.Exp, 'float32', [88.72, 88.7, 89]);
    expect(Math.abs(ys[0] - Math.exp(Math.fround(88.72))) / Math.exp(Math.fround(88.72))).toBeLessThanOrEqual(4e-7);
    expect(Number.isFinite(ys[1])).toBe(true);
    expect(ys[2]).toBe(Infinity);
  });
});

describe.each(['float32', 'float64'] as DType[])('vectorised log (wasm, %s)', (dtype) => {
  const f32 = dtype === 'float32';
  // Measured: float32 0.83 ulp (relative 7.8e-8), float64 1.0 ulp (relative 2.2e-16).
  const relTol = f32 ? 1.2e-7 : 2.3e-16;

  it('relative error against Math.log: [0.5, 2], near 1, and log-uniform over the whole range (subnormals included)', () => {
    const near = points(dtype, 0.5, 2, 1 << 20, 11);
    const close = points(dtype, 0.999, 1.001, 1 << 18, 12);
    const exps = points('float64', f32 ? -44 : -320, f32 ? 38 : 308, 1 << 20, 13);
    const wide = typed(dtype, exps.length);
    for (let i = 0; i < exps.length; i++) wide[i] = 10 ** exps[i];
    for (const [name, xs] of [['[0.5, 2]', near], ['[0.999, 1.001]', close], ['log-uniform', wide]] as [string, Arr][]) {
      const e = errors(xs.filter((x) => x > 0 && x !== 1), run(Unary.Log, dtype, xs.filter((x) => x > 0 && x !== 1)), Math.log);
      report(`Log ${dtype} ${name}`, e);
      expect(e.rel, `${name} worst at x = ${e.relAt}`).toBeLessThanOrEqual(relTol);
    }
  });

  it('edges: log(±0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity, log(NaN) = NaN, log(1) = 0', () => {
    const tiny = f32 ? 1e-45 : 5e-324;
    const xs = [0, -0, -1, -Infinity, Infinity, NaN, 1, tiny, 2, 3, 4];
    for (let at = 0; at < xs.length; at++) {
      // Rotate so each special visits every SIMD lane and the scalar tail.
      const rot = xs.map((_, i) => xs[(i + at) % xs.length]);
      const got = run(Unary.Log, dtype, rot);
      for (let i = 0; i < rot.length; i++) {
        const want = Math.log(f32 ? Math.fround(rot[i]) : rot[i]);
        if (Number.isNaN(want)) expect(got[i], `log(${rot[i]})`).toBeNaN();
        else if (!Number.isFinite(want) || want === 0) expect(got[i], `log(${rot[i]})`).toBe(want);
        else expect(Math.abs(got[i] - want) / Math.abs(want), `log(${rot[i]})`).toBeLessThanOrEqual(relTol);
      }
    }
  });
});

describe.each(['float32', 'float64'] as DType[])('vectorised sigmoid and tanh (wasm, %s)', (dtype) => {
  const f32 = dtype === 'float32';
  const absTol = f32 ? 2e-7 : 4.5e-16;

  it('sigmoid: absolute and relative error against a float64 reference', () => {
    const xs = points(dtype, f32 ? -87 : -700, 30, DENSE, 5);
    const e = errors(xs, run(Unary.Sigmoid, dtype, xs), sigmoidRef);
    report(`Sigmoid ${dtype} (e)`, e);
    expect(e.abs, `worst at x = ${e.absAt}`).toBeLessThanOrEqual(absTol);
    expect(e.rel, `worst at x = ${e.relAt}`).toBeLessThanOrEqual(f32 ? 4e-7 : 1e-15);
    const near = points(dtype, -4, 4, 1 << 18, 6);
    const en = errors(near, run(Unary.Sigmoid, dtype, near), sigmoidRef);
    report(`Sigmoid ${dtype} (en)`, en);
    expect(en.abs, `worst at x = ${en.absAt}`).toBeLessThanOrEqual(absTol);
  });

  it('tanh: absolute and relative error against Math.tanh', () => {
    for (const [lo, hi, seed] of [[-20, 20, 7], [-1, 1, 8], [-0.01, 0.01, 9]]) {
      const xs = points(dtype, lo, hi, lo === -20 ? DENSE : 1 << 18, seed);
      const e = errors(xs, run(Unary.Tanh, dtype, xs), Math.tanh);
      report(`Tanh ${dtype} [${lo}, ${hi}] (e)`, e);
      expect(e.abs, `[${lo}, ${hi}] worst at x = ${e.absAt}`).toBeLessThanOrEqual(absTol);
      expect(e.rel, `[${lo}, ${hi}] worst at x = ${e.relAt}`).toBeLessThanOrEqual(f32 ? 3e-7 : 1e-15);
    }
  });

  it('tanh keeps relative accuracy for tiny x (and tanh(±0) = ±0)', () => {
    const tiny = [1e-10, -1e-10, 1e-5, -1e-5, 3e-4, 1e-30, f32 ? 1e-40 : 1e-310, 0, -0];
    const xs = typed(dtype, tiny.length);
    xs.set(tiny);
    const ys = run(Unary.Tanh, dtype, xs);
    for (let i = 0; i < 7; i++) {
      expect(Math.abs(ys[i] - Math.tanh(xs[i])) / Math.abs(Math.tanh(xs[i])), `tanh(${xs[i]})`)
        .toBeLessThanOrEqual(f32 ? 1.2e-7 : 2.3e-16);
    }
    expect(Object.is(ys[7], 0)).toBe(true);
    expect(Object.is(ys[8], -0)).toBe(true);
  });

  it('no NaN at the extremes: exact 0/1 for sigmoid and ±1 for tanh, NaN in gives NaN out', () => {
    const xs = [1e4, -1e4, Infinity, -Infinity, 1e30, -1e30, 800, -800, 50, -50, NaN];
    const sig = run(Unary.Sigmoid, dtype, xs);
    const th = run(Unary.Tanh, dtype, xs);
    expect(Array.from(sig.slice(0, 8))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(th.slice(0, 10))).toEqual([1, -1, 1, -1, 1, -1, 1, -1, 1, -1]);
    expect(sig[8]).toBe(1);
    expect(Math.abs(sig[9] - sigmoidRef(-50)) / sigmoidRef(-50)).toBeLessThanOrEqual(f32 ? 4e-7 : 1e-15);
    expect(sig[10]).toBeNaN();
    expect(th[10]).toBeNaN();
  });
});

describe.each(['float32', 'float64'] as DType[])('softmax kernels on the vectorised exp (wasm, %s)', (dtype) => {
  it('a NaN anywhere in a row (SIMD part or tail) makes the whole row NaN, other rows untouched', () => {
    for (const n of [3, 8, 13]) {
      for (let at = 0; at < n; at++) {
        const x = Array.from({ length: 2 * n }, (_, i) => (i % 5) - 2);
        x[at] = NaN;
        const a = wasm.alloc(dtype, 2 * n), out = wasm.alloc(dtype, 2 * n);
        wasm.write(a, x);
        for (const log of [false, true]) {
          wasm.softmax(out, a, 2, n, 1, log);
          const got = wasm.read(out);
          for (let i = 0; i < n; i++) expect(got[i], `n=${n} NaN at ${at}, log=${log}`).toBeNaN();
          for (let i = n; i < 2 * n; i++) expect(Number.isFinite(got[i])).toBe(true);
        }
        wasm.free(a);
        wasm.free(out);
      }
    }
  });

  it('softmax and logSoftmax rows with a wide logit spread match a float64 reference', () => {
    const random = makeRng(10);
    for (const [outer, n, inner] of [[3, 1000, 1], [2, 37, 5], [1, 300, 8]]) {
      const size = outer * n * inner;
      const x = typed(dtype, size);
      for (let i = 0; i < size; i++) x[i] = (random() - 0.5) * 200;
      const a = wasm.alloc(dtype, size), out = wasm.alloc(dtype, size);
      wasm.write(a, x);
      for (const log of [false, true]) {
        wasm.softmax(out, a, outer, n, inner, log);
        const got = wasm.read(out);
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < inner; j++) {
            const at = (r: number) => o * n * inner + r * inner + j;
            let m = -Infinity;
            for (let r = 0; r < n; r++) m = Math.max(m, x[at(r)]);
            let s = 0;
            for (let r = 0; r < n; r++) s += Math.exp(x[at(r)] - m);
            for (let r = 0; r < n; r++) {
              const want = log ? x[at(r)] - m - Math.log(s) : Math.exp(x[at(r)] - m) / s;
              const tol = dtype === 'float32' ? 1e-6 + 1e-6 * Math.abs(want) : 1e-14 * (1 + Math.abs(want));
              if (!(Math.abs(got[at(r)] - want) <= tol)) {
                expect.fail(`${log ? 'logSoftmax' : 'softmax'} [${outer},${n},${inner}] at ${at(r)}: ${got[at(r)]} vs ${want}`);
              }
            }
          }
        }
      }
      wasm.free(a);
      wasm.free(out);
    }
  });
});
