// Threads: every kernel the worker pool splits gives the same bits on 1 and 2 threads; the pool
// survives memory growth; the relaxed-SIMD build agrees with the baseline within float32
// tolerance (in a child `node --experimental-wasm-relaxed-simd`); the pool never keeps Node
// alive; setThreads/getThreads/shutdown behave as documented.
//
// Bit-identity is checked twice: at sizes just below, at and above each threshold of
// src/backend/wasm/index.ts (PAR_MIN) with the thresholds as shipped, and with the thresholds
// lowered to 0 on small odd shapes, where every call is split into many chunks (edge tiles,
// partial rows, broadcasting in every position, rank beyond the kernels' 4 dims).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, Reduce, SType, Storage, Unary, UnaryGrad } from '../src/backend/backend.js';
import { contiguousStrides } from '../src/backend/strides.js';
import {
  WasmBackend, WasmStorage, createWasmBackend, parThresholds, setMatmulPackLimit, type ParThresholds,
} from '../src/backend/wasm/index.js';
import * as wg from '../src/index.js';
import { makeRng } from './helpers.js';
import { runChild } from './threads-child.js';

let be: WasmBackend;
let shipped: ParThresholds;
const ZERO: ParThresholds = { cheap: 0, medium: 0, costly: 0, reduce: 0, matmul: 0, pack: 0 };

beforeAll(async () => {
  be = await createWasmBackend({ variant: 'threads', threads: 2 });
  expect(be.threadsSupported).toBe(true);
  shipped = parThresholds();
  // Workers start asynchronously; wait until the worker can take chunks, so that the split
  // runs really do run partly on it.
  for (let i = 0; i < 200 && be.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
  expect(be.threadStats().workersReady).toBe(1);
}, 30_000);

afterAll(() => {
  parThresholds(shipped);
  be?.closeThreads();
});

// ---- the 1-thread / 2-thread comparison ---------------------------------------------------------

interface In { dtype: SType; data: ArrayLike<number> }
interface Out { dtype: SType; size: number }

function bytesOf(s: Storage): Uint8Array {
  const v = be.read(s);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
}

/**
 * Runs body on fresh copies of the inputs with 1 thread, then with 2, and expects the same bits
 * in every output and input (in-place kernels write their inputs) and the same return value.
 */
function same(label: string, ins: In[], outs: Out[], body: (i: Storage[], o: Storage[]) => number | void): void {
  const runs: { ret: number | void; bytes: Uint8Array[] }[] = [];
  for (const threads of [1, 2]) {
    be.setThreads(threads);
    const i = ins.map((x) => { const s = be.alloc(x.dtype, x.data.length); be.write(s, x.data); return s; });
    const o = outs.map((x) => { const s = be.alloc(x.dtype, x.size); if (x.size) be.fill(s, NaN); return s; });
    const ret = body(i, o);
    runs.push({ ret, bytes: [...o, ...i].map(bytesOf) });
    [...i, ...o].forEach((s) => be.free(s));
  }
  be.setThreads(2);
  expect(Object.is(runs[0].ret, runs[1].ret), `${label}: return value ${runs[0].ret} vs ${runs[1].ret}`).toBe(true);
  runs[0].bytes.forEach((b, k) => {
    const other = runs[1].bytes[k];
    let first = -1;
    for (let j = 0; j < b.length && first < 0; j++) if (b[j] !== other[j]) first = j;
    expect(first, `${label}: buffer ${k} differs from byte ${first}`).toBe(-1);
  });
}

const rnd = makeRng(20261126);
function data(n: number, lo = -3, hi = 3, nanEvery = 0): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = nanEvery && i % nanEvery === nanEvery - 1 ? NaN : lo + (hi - lo) * rnd();
  return out;
}
const f = (dtype: SType, n: number, lo?: number, hi?: number, nanEvery?: number): In => ({ dtype, data: data(n, lo, hi, nanEvery) });
const o = (dtype: SType, size: number): Out => ({ dtype, size });
const DT = ['float32', 'float64'] as const;

/** Sizes around a threshold t (at least 1). */
const around = (t: number): number[] => [...new Set([t - 1, t, t + 1, 3 * t + 5].filter((n) => n >= 1))];

// ---- every kernel family, once with shipped thresholds and once with thresholds at 0 --------------

function kernelSuite(mode: 'shipped' | 'zero'): void {
  const T = (): ParThresholds => (mode === 'zero' ? ZERO : shipped);
  const sizes = (key: keyof ParThresholds, small: number[]): number[] => (mode === 'zero' ? small : around(shipped[key]));
  const SMALL = [1, 5, 16, 17, 100, 1000, 4099];

  describe(`bit-identical on 1 and 2 threads (thresholds ${mode})`, () => {
    beforeAll(() => { parThresholds(T()); });
    afterAll(() => { parThresholds(shipped); });

    for (const dtype of DT) {
      it(`unary ops [${dtype}]`, () => {
        for (const op of Object.values(Unary)) {
          const key = op === Unary.Exp || op === Unary.Log || op === Unary.Tanh || op === Unary.Sigmoid ? 'costly'
            : op === Unary.Sqrt || op === Unary.Reciprocal ? 'medium' : 'cheap';
          for (const n of sizes(key, SMALL)) {
            const lo = op === Unary.Log || op === Unary.Sqrt ? -0.5 : -30;
            same(`unary ${op} n=${n}`, [f(dtype, n, lo, 30, 97)], [o(dtype, n)], ([a], [out]) => be.unary(op, out, a));
          }
        }
      });

      it(`gradient gates and addInPlace [${dtype}]`, () => {
        for (const op of Object.values(UnaryGrad)) {
          for (const n of sizes('cheap', SMALL)) {
            same(`unaryGrad ${op} n=${n}`, [f(dtype, n, -1, 1), f(dtype, n)], [o(dtype, n)],
              ([s, dy], [out]) => be.unaryGrad(op, out, s, dy));
          }
        }
        for (const n of mode === 'zero' ? SMALL : around(2 * shipped.cheap)) {
          same(`addInPlace n=${n}`, [f(dtype, n), f(dtype, n)], [], ([d, s]) => be.addInPlace(d, s));
        }
      });

      it(`binary ops, contiguous and broadcast [${dtype}]`, () => {
        for (const op of Object.values(Binary)) {
          const key = op === Binary.Div ? 'medium' : op === Binary.Pow ? 'costly' : 'cheap';
          for (const n of sizes(key, SMALL)) {
            same(`binary ${op} n=${n}`, [f(dtype, n, 0.1, 3, 53), f(dtype, n, -2, 2)], [o(dtype, n)],
              ([a, b], [out]) => be.binary(op, out, a, b, [n], [1], [1]));
          }
        }
        // Broadcasting in every position; ranks up to 6 (beyond the kernels' 4 dims).
        const t = mode === 'zero' ? 1 : shipped.cheap;
        const shapes: [number[], number[], number[]][] = [
          [[Math.ceil(t / 128) + 3, 128], [Math.ceil(t / 128) + 3, 128], [1, 128]],
          [[Math.ceil(t / 37) + 1, 37], [Math.ceil(t / 37) + 1, 1], [Math.ceil(t / 37) + 1, 37]],
          [[3, Math.ceil(t / 300) + 2, 100], [3, 1, 100], [1, Math.ceil(t / 300) + 2, 1]],
          [[2, 3, 2, 5, 7, Math.ceil(t / 420) + 3], [2, 1, 2, 1, 7, Math.ceil(t / 420) + 3], [1, 3, 1, 5, 1, 1]],
          [[Math.ceil(t / 20) + 1, 20], [1, 1], [Math.ceil(t / 20) + 1, 20]],
        ];
        for (const [shape, as, bs] of shapes) {
          const n = shape.reduce((p, d) => p * d, 1);
          const na = as.reduce((p, d) => p * d, 1), nb = bs.reduce((p, d) => p * d, 1);
          const st = (s: number[]) => contiguousStrides(s).map((x, i) => (s[i] === 1 ? 0 : x));
          for (const op of [Binary.Add, Binary.Mul, Binary.Maximum, Binary.Div]) {
            same(`binary ${op} ${shape} <- ${as} ${bs}`, [f(dtype, na, -2, 2, 41), f(dtype, nb, 0.5, 2)], [o(dtype, n)],
              ([a, b], [out]) => be.binary(op, out, a, b, shape, st(as), st(bs)));
          }
        }
      });

      it(`strided copies (transpose, expand) [${dtype}]`, () => {
        const t = mode === 'zero' ? 1 : shipped.medium;
        for (const [rows, cols] of [[Math.ceil(t / 64) + 1, 64], [33, Math.ceil(t / 33) + 2], [7, 3]]) {
          same(`transpose ${rows}x${cols}`, [f(dtype, rows * cols)], [o(dtype, rows * cols)],
            ([a], [out]) => be.copyStrided(out, a, [cols, rows], [1, cols], 0));
          same(`expand ${rows}x${cols}`, [f(dtype, cols)], [o(dtype, rows * cols)],
            ([a], [out]) => be.copyStrided(out, a, [rows, cols], [0, 1], 0));
        }
      });

      it(`reductions: rows, columns, long rows in blocks, argmaxMask [${dtype}]`, () => {
        const t = mode === 'zero' ? 0 : shipped.reduce;
        const cases: [number, number, number][] = mode === 'zero'
          ? [[1, 1, 1], [3, 17, 1], [1, 9, 33], [2, 5, 100], [40, 70, 3], [1, 40_000, 1], [3, 33_000, 1], [1, 64, 200]]
          : [[Math.ceil(t / 128) - 1, 128, 1], [Math.ceil(t / 128), 128, 1], [1, t + 7, 1], [1, 3 * t + 5, 1], [2, 2 * t + 1, 1],
            [1, 64, Math.ceil(t / 64) + 3], [1, 64, 4 * Math.ceil(t / 64) + 3], [3, 100, Math.ceil(t / 300) + 1], [100, 50, 9]];
        for (const [outer, red, inner] of cases) {
          for (const op of [Reduce.Sum, Reduce.Max]) {
            same(`reduce ${op} [${outer},${red},${inner}]`, [f(dtype, outer * red * inner, -3, 3, op === Reduce.Max ? 10007 : 0)],
              [o(dtype, outer * inner)], ([a], [out]) => be.reduce(op, out, a, outer, red, inner));
          }
          // Small integers: ties are common (the first index wins).
          const ints: In = { dtype, data: Array.from({ length: outer * red * inner }, () => Math.floor(rnd() * 4)) };
          same(`argmaxMask [${outer},${red},${inner}]`, [ints], [o(dtype, outer * red * inner)],
            ([a], [out]) => be.argmaxMask(out, a, outer, red, inner));
        }
      });

      it(`softmax family and cross-entropy [${dtype}]`, () => {
        const t = mode === 'zero' ? 1 : shipped.costly;
        const cases: [number, number, number][] = [[Math.ceil(t / 10) + 1, 10, 1], [Math.ceil(t / 1000) + 2, 1000, 1],
          [2, 7, Math.ceil(t / 14) + 3], [1, 300, Math.ceil(t / 300) + 5], [3, 5, 6]];
        for (const [outer, n, inner] of cases) {
          const size = outer * n * inner;
          for (const log of [false, true]) {
            same(`softmax log=${log} [${outer},${n},${inner}]`, [f(dtype, size, -20, 20)], [o(dtype, size)],
              ([a], [out]) => be.softmax(out, a, outer, n, inner, log));
            same(`softmaxGrad log=${log} [${outer},${n},${inner}]`, [f(dtype, size, log ? -5 : 0, log ? 0 : 1), f(dtype, size)],
              [o(dtype, size)], ([y, dy], [out]) => be.softmaxGrad(out, y, dy, outer, n, inner, log));
          }
        }
        const tc = mode === 'zero' ? 2 : shipped.costly;
        for (const [N, C] of [[Math.ceil(tc / 10) + 1, 10], [5, Math.ceil(tc / 5) + 3], [64, 10], [2, 3]]) {
          const labels: In = { dtype: 'int32', data: Array.from({ length: N }, () => Math.floor(rnd() * C)) };
          same(`crossEntropy [${N},${C}]`, [f(dtype, N * C, -10, 10), labels], [o(dtype, N * C)],
            ([logits, lab], [probs]) => be.crossEntropy(probs, logits, lab, N, C));
          same(`crossEntropyGrad [${N},${C}]`, [f(dtype, N * C, 0, 1), labels], [o(dtype, N * C)],
            ([probs, lab], [out]) => be.crossEntropyGrad(out, probs, lab, N, C, 1 / N));
        }
      });

      it(`optimizer steps: sgd (plain, momentum, nesterov, weight decay), adam, adamw [${dtype}]`, () => {
        for (const n of sizes('medium', SMALL)) {
          same(`sgd n=${n}`, [f(dtype, n), f(dtype, n)], [], ([p, g]) => be.sgdStep(p, g, null, 0.1, 0, 0, 0, false, false));
          same(`sgd momentum n=${n}`, [f(dtype, n), f(dtype, n), f(dtype, n)], [],
            ([p, g, v]) => be.sgdStep(p, g, v, 0.1, 0.9, 0.1, 1e-2, false, false));
          same(`sgd nesterov first n=${n}`, [f(dtype, n), f(dtype, n), f(dtype, n)], [],
            ([p, g, v]) => be.sgdStep(p, g, v, 0.1, 0.9, 0, 0, true, true));
        }
        for (const n of sizes('costly', SMALL)) {
          for (const decoupled of [false, true]) {
            same(`adam decoupled=${decoupled} n=${n}`, [f(dtype, n), f(dtype, n), f(dtype, n), f(dtype, n, 0, 1)], [],
              ([p, g, m, v]) => be.adamStep(p, g, m, v, 1e-3, 0.9, 0.999, 1e-8, 1e-2, decoupled, 7));
          }
        }
      });

      it(`matmul: plain, transposed, batched, broadcast batch [${dtype}]`, () => {
        // [batch, M, N, K] around the threshold (2^17 multiply-adds: 50³ below, 51³ above) and odd
        // shapes with edge tiles in both directions.
        const shapes: [number, number, number, number][] = mode === 'zero'
          ? [[1, 1, 1, 1], [1, 3, 5, 7], [1, 4, 8, 300], [2, 9, 17, 33], [3, 33, 7, 1], [1, 65, 130, 257], [4, 16, 16, 16]]
          : [[1, 50, 50, 50], [1, 51, 51, 51], [1, 64, 64, 64], [1, 64, 128, 784], [1, 784, 128, 64], [1, 33, 129, 47],
            [3, 37, 41, 43], [1, 130, 3, 600], [1, 2, 600, 300]];
        for (const [batch, M, N, K] of shapes) {
          for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
            for (const [aB, bB] of batch > 1 ? [[1, 1], [0, 1], [1, 0]] : [[1, 1]]) {
              const aBS = aB ? M * K : 0, bBS = bB ? K * N : 0;
              same(`matmul b=${batch} ${M}x${N}x${K} tA=${tA} tB=${tB} aBS=${aBS} bBS=${bBS}`,
                [f(dtype, (aB ? batch : 1) * M * K), f(dtype, (bB ? batch : 1) * K * N)], [o(dtype, batch * M * N)],
                ([a, b], [c]) => be.matmul(c, a, b, batch, M, N, K, tA, tB, aBS, bBS));
            }
          }
        }
      });
    }

    it('matmul larger than the packing limit (split into blocks of C) gives the same bits', () => {
      const old = setMatmulPackLimit(mode === 'zero' ? 4096 : 64 * 1024);
      try {
        for (const [batch, M, N, K] of [[1, 70, 90, 110], [2, 45, 37, 300]] as const) {
          for (const [tA, tB] of [[false, false], [true, true]] as const) {
            same(`matmul split ${batch}x${M}x${N}x${K} tA=${tA} tB=${tB}`, [f('float32', batch * M * K), f('float32', batch * K * N)],
              [o('float32', batch * M * N)], ([a, b], [c]) => be.matmul(c, a, b, batch, M, N, K, tA, tB, M * K, K * N));
          }
        }
      } finally {
        setMatmulPackLimit(old);
      }
    });
  });
}

kernelSuite('shipped');
kernelSuite('zero');

describe('work really runs on the worker', () => {
  it('splits big kernels and the worker takes chunks', () => {
    be.setThreads(2);
    const before = be.threadStats();
    const n = 1 << 20;
    const a = be.alloc('float32', n), out = be.alloc('float32', n);
    be.write(a, data(n));
    for (let i = 0; i < 50; i++) be.unary(Unary.Exp, out, a);
    const after = be.threadStats();
    be.free(a); be.free(out);
    expect(after.dispatches - before.dispatches).toBe(50);
    expect(after.chunksOnWorkers).toBeGreaterThan(before.chunksOnWorkers);
  });
});

describe('a chunk that traps', () => {
  it('fails the call on the caller, wherever the chunk ran; the pool keeps working', () => {
    be.setThreads(2);
    const old = parThresholds(ZERO);
    try {
      // Storage far past the end of memory: every chunk, on either thread, traps.
      const n = 1 << 16;
      const bad = new WasmStorage('float32', n, 0xf0000000);
      for (let i = 0; i < 20; i++) expect(() => be.unary(Unary.Exp, bad, bad)).toThrow();
      same('unary after traps', [f('float32', n)], [o('float32', n)], ([a], [out]) => be.unary(Unary.Tanh, out, a));
      // ... and the worker still takes chunks.
      const before = be.threadStats();
      const big = 1 << 20;
      const a = be.alloc('float32', big), out = be.alloc('float32', big);
      be.write(a, data(big));
      for (let i = 0; i < 50; i++) be.unary(Unary.Exp, out, a);
      be.free(a); be.free(out);
      expect(be.threadStats().chunksOnWorkers).toBeGreaterThan(before.chunksOnWorkers);
    } finally {
      parThresholds(old);
    }
  });
});

// ---- memory growth with workers running ------------------------------------------------------------

describe('memory growth while workers exist', () => {
  it('workers keep working on storage above the old end of memory, with the same bits', async () => {
    const own = await createWasmBackend({ variant: 'threads', threads: 2 });
    try {
      for (let i = 0; i < 200 && own.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
      const bytes0 = own.heapBytes();
      const run = (threads: number): Uint8Array[] => {
        own.setThreads(threads);
        // Allocate past the current end of memory (forcing memory.grow) between dispatches.
        const keep: Storage[] = [];
        const outs: Uint8Array[] = [];
        for (let step = 0; step < 4; step++) {
          const M = 96 + step * 32, K = 80, N = 112, n = 1 << 18;
          const a = own.alloc('float32', M * K), b = own.alloc('float32', K * N), c = own.alloc('float32', M * N);
          own.write(a, data(M * K).map((_, i) => Math.sin(i + step)));
          own.write(b, data(K * N).map((_, i) => Math.cos(i * 0.7 - step)));
          own.matmul(c, a, b, 1, M, N, K, false, false, 0, 0);
          const x = own.alloc('float32', n), y = own.alloc('float32', n);
          own.write(x, Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 5));
          own.unary(Unary.Tanh, y, x);
          const v1 = own.read(c), v2 = own.read(y);
          outs.push(new Uint8Array(v1.buffer.slice(0)), new Uint8Array(v2.buffer.slice(0)));
          keep.push(a, b, c, x, y, own.alloc('float32', (8 << 20) + step * 1000)); // 32 MiB more each step
        }
        keep.forEach((s) => own.free(s));
        return outs;
      };
      const two = run(2);
      expect(own.heapBytes()).toBeGreaterThan(bytes0 + (100 << 20));
      const stats = own.threadStats();
      const one = run(1);
      expect(two.length).toBe(one.length);
      two.forEach((b, i) => expect(Buffer.compare(Buffer.from(b), Buffer.from(one[i])), `output ${i}`).toBe(0));
      expect(stats.chunksOnWorkers).toBeGreaterThan(0);
    } finally {
      own.closeThreads();
    }
  }, 60_000);
});

// ---- the public API --------------------------------------------------------------------------------

describe('setThreads / getThreads / shutdown', () => {
  beforeAll(async () => {
    await wg.init();
  });
  afterAll(() => {
    wg.setThreads(2);
  });

  it('picks the threaded build in Node and defaults to the number of cores', async () => {
    expect(['threads', 'threads-relaxed']).toContain(wg.wasmVariant());
    const { availableParallelism } = await import('node:os');
    const env = process.env.WASMGRAD_THREADS;
    expect(wg.getThreads()).toBe(env ? Number(env) : Math.min(64, availableParallelism()));
  });

  it('rejects bad counts with a WasmgradError and keeps the old one', () => {
    wg.setThreads(2);
    for (const bad of [0, -1, 1.5, NaN, Infinity, '2', null, undefined]) {
      expect(() => wg.setThreads(bad as any)).toThrow(wg.WasmgradError);
    }
    expect(wg.getThreads()).toBe(2);
  });

  it('gives the same MLP training run (losses and parameters, bit for bit) on 1 and 2 threads', () => {
    const train = (threads: number): { losses: number[]; params: number[][] } => {
      wg.setThreads(threads);
      wg.manualSeed(7);
      const model = new wg.nn.MLP([784, 256, 10]);
      const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
      const r = makeRng(99);
      const X = wg.tensor(Array.from({ length: 64 * 784 }, () => r()), { shape: [64, 784] });
      const y = Array.from({ length: 64 }, () => Math.floor(r() * 10));
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        wg.tidy(() => {
          opt.zeroGrad();
          const loss = wg.crossEntropy(model.forward(X), y);
          loss.backward();
          opt.step();
          losses.push(loss.item());
        });
      }
      const params = model.parameters().map((p: any) => Array.from(new Uint32Array(p.data().buffer)));
      X.dispose();
      return { losses, params };
    };
    const one = train(1), two = train(2);
    expect(two.losses).toEqual(one.losses);
    expect(two.params).toEqual(one.params);
  });

  it('shutdown() ends the workers, kernels keep working on one thread, setThreads restarts them', () => {
    wg.setThreads(2);
    const a = wg.randn([300, 300]);
    const before = wg.tidy(() => a.matmul(a).data());
    wg.shutdown();
    expect(wg.getThreads()).toBe(1);
    expect(wg.threadStats()!.workersStarted).toBe(0);
    const after = wg.tidy(() => a.matmul(a).data());
    expect(Array.from(after)).toEqual(Array.from(before));
    wg.setThreads(2);
    expect(wg.getThreads()).toBe(2);
    expect(wg.threadStats()!.workersStarted).toBe(1);
    const again = wg.tidy(() => a.matmul(a).data());
    expect(Array.from(again)).toEqual(Array.from(before));
    a.dispose();
  });
});

// ---- child processes ---------------------------------------------------------------------------------

describe('in a fresh Node process', () => {
  it('the pool never keeps Node alive, sleeping or spinning workers alike', async () => {
    const run = await runChild(`
      await wg.init();
      const a = wg.ones([512, 512]);
      wg.matmul(a, a);
      await new Promise((r) => setTimeout(r, 100)); // workers are asleep by now
      wg.matmul(a, a);                               // and awake (spinning) again
      console.log(JSON.stringify(wg.threadStats()));
    `);
    expect(run.status, run.stderr).toBe(0);
    expect(run.json.threads).toBe(Math.min(64, (await import('node:os')).availableParallelism()));
    expect(run.json.workersReady).toBe(run.json.threads - 1);
    expect(run.ms).toBeLessThan(5000);
  }, 30_000);

  it('WASMGRAD_THREADS=1 runs everything on one thread; WASMGRAD_WASM=baseline loads the baseline build', async () => {
    const code = `
      await wg.init();
      const a = wg.randn([256, 256]);
      wg.matmul(a, a).sigmoid().sum().item();
      console.log(JSON.stringify({ variant: wg.wasmVariant(), ...wg.threadStats() }));`;
    const one = await runChild(code, { env: { WASMGRAD_THREADS: '1' } });
    expect(one.status, one.stderr).toBe(0);
    expect(one.json).toMatchObject({ threads: 1, workersStarted: 0, dispatches: 0 });
    const base = await runChild(code, { env: { WASMGRAD_WASM: 'baseline' } });
    expect(base.status, base.stderr).toBe(0);
    expect(base.json).toMatchObject({ variant: 'baseline', threads: 1, dispatches: 0 });
  }, 30_000);

  it('the relaxed-SIMD build (node --experimental-wasm-relaxed-simd) agrees with the baseline within float32 tolerance', async () => {
    // The same computation in a child with relaxed SIMD and here (the build without it): matmul
    // in all transpose layouts, exp/log/tanh/sigmoid, softmax, logSoftmax, and an MLP step.
    const code = `
      await wg.init();
      const rng = (seed) => { let a = seed >>> 0; return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; };
      const r = rng(5);
      const u = (n, lo, hi) => Array.from({ length: n }, () => lo + (hi - lo) * r());
      const out = { variant: wg.wasmVariant(), threads: wg.getThreads(), results: {} };
      const A = wg.tensor(u(300 * 200, -1, 1), { shape: [300, 200] }), B = wg.tensor(u(200 * 250, -1, 1), { shape: [200, 250] });
      const put = (k, t) => { out.results[k] = Array.from(t.data()); };
      wg.tidy(() => {
        put('matmul', A.matmul(B));
        put('matmulAtB', A.transpose().matmul(A));
        put('matmulABt', B.transpose().matmul(B.transpose().transpose()));
        const x = wg.tensor(u(20000, -30, 30)), p = wg.tensor(u(20000, 1e-3, 50));
        put('exp', x.mul(0.5).exp()); put('log', p.log()); put('tanh', x.tanh()); put('sigmoid', x.sigmoid());
        const L = wg.tensor(u(64 * 100, -8, 8), { shape: [64, 100] });
        put('softmax', wg.softmax(L, -1)); put('logSoftmax', wg.logSoftmax(L, -1));
        wg.manualSeed(3);
        const model = new wg.nn.MLP([100, 64, 10]);
        const opt = new wg.optim.SGD(model.parameters(), { lr: 0.1 });
        const y = Array.from({ length: 64 }, (_, i) => i % 10);
        const loss = wg.crossEntropy(model.forward(L), y); loss.backward(); opt.step();
        out.results.loss = [loss.item()];
        out.results.params = model.parameters().flatMap((q) => Array.from(q.data()));
      });
      console.log(JSON.stringify(out));`;
    const relaxed = await runChild(code, { flags: ['--experimental-wasm-relaxed-simd'], timeoutMs: 60_000 });
    expect(relaxed.status, relaxed.stderr).toBe(0);
    expect(relaxed.json.variant).toBe('threads-relaxed');
    const plain = await runChild(code, { timeoutMs: 60_000 });
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.json.variant).toBe('threads');
    let differ = 0;
    for (const [k, want] of Object.entries(plain.json.results) as [string, number[]][]) {
      const got = relaxed.json.results[k] as number[];
      expect(got.length, k).toBe(want.length);
      let scale = 0;
      for (const w of want) if (Number.isFinite(w)) scale = Math.max(scale, Math.abs(w));
      for (let i = 0; i < want.length; i++) {
        if (got[i] !== want[i]) differ++;
        // Relative to the element, with an absolute floor at float32 resolution of the output's scale
        // (a fused multiply-add rounds once instead of twice; matmul sums 200 of them).
        const tol = 2e-5 * Math.abs(want[i]) + 2e-6 * scale;
        if (!(Math.abs(got[i] - want[i]) <= tol)) expect.fail(`${k}[${i}]: relaxed ${got[i]} vs baseline ${want[i]}`);
      }
    }
    // The builds do differ (fused multiply-adds round once), so the relaxed code really ran.
    expect(differ).toBeGreaterThan(0);
  }, 120_000);
});
