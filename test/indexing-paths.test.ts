// The gather kernel's paths, each against a plain-JS reference on both backends and both float
// dtypes: gather along the last dim (inner 1: four indices at a time plus a tail), along an outer
// dim (inner > 1), indexSelect's row copy (and its one-element rows), negative dims, size-0 and
// size-1 dims, threaded sizes (1 and 2 threads give the same bits), and the index check the kernel
// does as it gathers: the first bad position is named, whichever chunk meets it, and nothing is
// left behind. Gradients (the scatter-add) against the reference and float64 gradcheck.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectOpError } from './support/errors.js';
import { forEachBackend, forEachConfig, type Tensor } from './helpers.js';

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const strides = (s: readonly number[]) => s.map((_, i) => prod(s.slice(i + 1)));

/** torch.gather by its definition: out[p] = x[p's coordinates with coordinate d = index[p]]. */
function gatherRef(x: ArrayLike<number>, xShape: number[], d: number, index: ArrayLike<number>, iShape: number[]): number[] {
  const xs = strides(xShape), is = strides(iShape);
  const out: number[] = [];
  for (let p = 0; p < index.length; p++) {
    let at = 0;
    for (let a = 0; a < iShape.length; a++) {
      const c = Math.floor(p / is[a]) % iShape[a];
      at += (a === d ? index[p] : c) * xs[a];
    }
    out.push(x[at]);
  }
  return out;
}

/** The gradient of sum(gather(x, d, index) * w) in x: w scattered back (repeats add up). */
function scatterRef(xShape: number[], d: number, index: ArrayLike<number>, iShape: number[], w: ArrayLike<number>): number[] {
  const xs = strides(xShape), is = strides(iShape);
  const g = new Array<number>(prod(xShape)).fill(0);
  for (let p = 0; p < index.length; p++) {
    let at = 0;
    for (let a = 0; a < iShape.length; a++) at += (a === d ? index[p] : Math.floor(p / is[a]) % iShape[a]) * xs[a];
    g[at] += w[p];
  }
  return g;
}

/** Deterministic data: small integers and halves (exact in float32). */
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 23) / 2 - 5);
/** Indices into a dim of `size`, spread and repeated. */
const indices = (n: number, size: number, seed: number) => Int32Array.from({ length: n }, (_, i) => (i * 37 + seed * 11 + (i >> 2)) % size);

/** Runs f with n threads (wasm), restoring the count after. */
function withThreads<T>(n: number, f: () => T): T {
  const before = wg.getThreads();
  wg.setThreads(n);
  try { return f(); } finally { wg.setThreads(before); }
}


forEachConfig('gather kernel paths', ({ dtype }) => {
  const round = (v: number[]) => (dtype === 'float32' ? v.map(Math.fround) : v);

  /** gather(x [xShape], d, int32 index [iShape]) and its gradient, both against the reference. */
  function check(xShape: number[], d: number, iShape: number[], seed = 1, dimArg = d): void {
    const xd = values(prod(xShape), seed), id = indices(prod(iShape), xShape[d], seed), w = values(prod(iShape), seed + 5);
    const x = wg.tensor(xd, { dtype, shape: xShape, requiresGrad: true });
    const idx = wg.tensor(id, { dtype: 'int32', shape: iShape });
    const y = x.gather(dimArg, idx);
    expect(y.shape).toEqual(iShape);
    expect(Array.from(y.data())).toEqual(round(gatherRef(xd, xShape, d, id, iShape)));
    y.mul(wg.tensor(w, { dtype, shape: iShape })).sum().backward();
    expect(Array.from(x.grad!.data())).toEqual(round(scatterRef(xShape, d, id, iShape, w)));
    for (const t of [x, idx, y]) t.dispose();
  }

  it('along the last dim (inner 1): rows of 1, 3, 4, 5, 8 and 33 indices (the 4-wide loop and its tail)', () => {
    for (const n of [1, 3, 4, 5, 8, 33]) check([6, 7], 1, [6, n], n);
  });

  it('along the last dim of a 3-D tensor, by a negative dim', () => {
    check([2, 3, 9], 2, [2, 3, 6], 2, -1);
  });

  it('along dim 0 (inner > 1): rows of 1, 3, 4, 7 and 12 elements', () => {
    for (const c of [1, 3, 4, 7, 12]) check([5, c], 0, [4, c], c);
  });

  it('along a middle dim of a 3-D tensor, by a negative dim', () => {
    check([3, 5, 6], 1, [3, 7, 6], 3, -2);
  });

  it('with size-1 dims: the gathered dim, the others, and a single element', () => {
    check([4, 1], 1, [4, 3], 4); // every index 0
    check([1, 6], 0, [1, 6], 5);
    check([1, 6], 1, [1, 2], 6);
    check([1], 0, [1], 7);
  });

  it('with size-0 dims: an empty index gathers nothing (even from an empty dim); a non-empty index of an empty dim is an error', () => {
    const x = wg.tensor([], { dtype, shape: [3, 0] });
    const e = wg.tensor([], { dtype: 'int32', shape: [3, 0] });
    expect(x.gather(1, e).shape).toEqual([3, 0]);
    expect(wg.tensor([1, 2, 3, 4], { dtype, shape: [2, 2] }).gather(0, wg.tensor([], { dtype: 'int32', shape: [0, 2] })).shape).toEqual([0, 2]);
    const one = wg.tensor([0, 0, 0], { dtype: 'int32', shape: [3, 1] });
    expectOpError(() => x.gather(1, one), /^gather:/, /index 0 at position 0/, /size 0/);
    for (const t of [x, e, one]) t.dispose();
  });

  it('at threaded sizes the result and gradient match the reference, and 1 and 2 threads give the same bits', () => {
    const cases: [number[], number, number[]][] = [[[512, 128], 1, [512, 80]], [[300, 96], 0, [260, 96]], [[16, 40, 50], 1, [16, 45, 50]]];
    for (const [xShape, d, iShape] of cases) {
      const one = withThreads(1, () => { check(xShape, d, iShape, 9); return gatherBits(xShape, d, iShape); });
      const two = withThreads(2, () => { check(xShape, d, iShape, 9); return gatherBits(xShape, d, iShape); });
      expect(two).toEqual(one);
    }
  });

  /** The gather and its gradient as arrays (for comparing thread counts). */
  function gatherBits(xShape: number[], d: number, iShape: number[]): number[][] {
    const x = wg.tensor(values(prod(xShape), 3), { dtype, shape: xShape, requiresGrad: true });
    const idx = wg.tensor(indices(prod(iShape), xShape[d], 3), { dtype: 'int32', shape: iShape });
    const y = x.gather(d, idx);
    y.mul(wg.tensor(values(prod(iShape), 4), { dtype, shape: iShape })).sum().backward();
    const r = [Array.from(y.data()), Array.from(x.grad!.data())];
    for (const t of [x, idx, y]) t.dispose();
    return r;
  }

  it('a bad index in the middle of a big gather is an error naming it and its position; memory is unchanged', () => {
    for (const threads of [1, 2]) {
      withThreads(threads, () => {
        const R = 1024, C = 64, K = 48;
        const x = wg.tensor(values(R * C, 1), { dtype, shape: [R, C], requiresGrad: true });
        const id = indices(R * K, C, 1);
        for (const [at, v] of [[R * K / 2 + 5, C], [777, -1], [R * K - 1, 1 << 30], [2, -2147483648]] as const) {
          const bad = id.slice();
          bad[at] = v;
          const idx = wg.tensor(bad, { dtype: 'int32', shape: [R, K] });
          expectOpError(() => x.gather(1, idx), /^gather:/, new RegExp(`index ${v} at position ${at} of index`), /dimension 1 of size 64/, /\[1024, ?64\]/);
          idx.dispose();
        }
        // along dim 0 (inner > 1) too
        const id0 = indices(R * C, R, 2);
        id0[R * C - 3] = R;
        const idx0 = wg.tensor(id0, { dtype: 'int32', shape: [R, C] });
        expectOpError(() => x.gather(0, idx0), /^gather:/, new RegExp(`index ${R} at position ${R * C - 3}`));
        for (const t of [x, idx0]) t.dispose();
      });
    }
  });

  it('of several bad indices the first is named, whichever thread meets its chunk first', () => {
    withThreads(2, () => {
      const R = 2048, C = 32, K = 32;
      const x = wg.tensor(values(R * C, 1), { dtype, shape: [R, C] });
      const id = indices(R * K, C, 1);
      for (const at of [R * K - 10, R * K / 2, 40000, 300]) id[at] = C + 1; // 300 is the first
      const idx = wg.tensor(id, { dtype: 'int32', shape: [R, K] });
      const dispatches = wg.threadStats().dispatches;
      for (let rep = 0; rep < 5; rep++) expectOpError(() => x.gather(1, idx), /index 33 at position 300 of/);
      if (wg.getBackend() === 'wasm' && wg.getThreads() > 1) expect(wg.threadStats().dispatches).toBeGreaterThan(dispatches); // split across threads
      for (const t of [x, idx]) t.dispose();
    });
  });

  it('a bad index with a crop (index smaller than the input outside dim) and a graph leaves nothing behind', () => {
    const x = wg.tensor(values(12, 1), { dtype, shape: [3, 4], requiresGrad: true });
    const idx = wg.tensor([0, 9], { dtype: 'int32', shape: [2, 1] });
    expectOpError(() => x.gather(1, idx), /^gather:/, /index 9 at position 1/, /\[3, ?4\]/);
    for (const t of [x, idx]) t.dispose();
  });
});

forEachConfig('indexSelect kernel paths', ({ dtype }) => {
  const round = (v: number[]) => (dtype === 'float32' ? v.map(Math.fround) : v);

  /** indexSelect(x, d, int32 index) is gather by the index broadcast along the other dims. */
  function check(xShape: number[], d: number, n: number, seed = 1): void {
    const xd = values(prod(xShape), seed), id = indices(n, xShape[d], seed);
    const oShape = xShape.slice();
    oShape[d] = n;
    const full = Int32Array.from({ length: prod(oShape) }, (_, p) => id[Math.floor(p / prod(oShape.slice(d + 1))) % n]);
    const w = values(prod(oShape), seed + 1);
    const x = wg.tensor(xd, { dtype, shape: xShape, requiresGrad: true });
    const y = x.indexSelect(d, wg.tensor(id, { dtype: 'int32' }));
    expect(Array.from(y.data())).toEqual(round(gatherRef(xd, xShape, d, full, oShape)));
    y.mul(wg.tensor(w, { dtype, shape: oShape })).sum().backward();
    expect(Array.from(x.grad!.data())).toEqual(round(scatterRef(xShape, d, full, oShape, w)));
    for (const t of [x, y]) t.dispose();
  }

  it('rows of one element (the last dim), rows of several (an outer dim), and a middle dim', () => {
    check([5, 9], 1, 7);
    check([9, 5], 0, 11);
    check([3, 8, 4], 1, 6);
  });

  it('at threaded sizes, on 1 and 2 threads', () => {
    for (const threads of [1, 2]) withThreads(threads, () => { check([600, 64], 0, 700, 3); check([64, 900], 1, 600, 4); });
  });

  it('a bad int32 index tensor entry is an error naming it and its position, also when nothing would be copied', () => {
    const x = wg.tensor(values(15, 1), { dtype, shape: [3, 5] });
    const bad = wg.tensor([0, 2, 3, 1], { dtype: 'int32' });
    expectOpError(() => x.indexSelect(0, bad), /^indexSelect:/, /index 3 at position 2 of indices/, /size 3/);
    const neg = wg.tensor([-2], { dtype: 'int32' });
    expectOpError(() => x.indexSelect(1, neg), /^indexSelect:/, /index -2 at position 0/);
    const empty = wg.tensor([], { dtype, shape: [3, 0] });
    expectOpError(() => empty.indexSelect(0, bad), /^indexSelect:/, /index 3 at position 2/);
    const big = withThreads(2, () => {
      const t = wg.tensor(values(4000 * 32, 2), { dtype, shape: [4000, 32] });
      const id = indices(3000, 4000, 5);
      id[2500] = 4000;
      const i = wg.tensor(id, { dtype: 'int32' });
      expectOpError(() => t.indexSelect(0, i), /index 4000 at position 2500/);
      return [t, i];
    });
    for (const t of [x, bad, neg, empty, ...big]) t.dispose();
  });
});

forEachConfig('embedding through the gather kernel', ({ dtype }) => {
  it('looks up rows of an int32 index tensor and scatters the gradient back, skipping paddingIdx', () => {
    const w = wg.tensor(values(8 * 3, 1), { dtype, shape: [8, 3], requiresGrad: true });
    const id = [[7, 0, 7], [2, 2, 5]];
    const y = wg.embedding(wg.tensor(id, { dtype: 'int32' }), w, { paddingIdx: 2 });
    const wd = w.data();
    expect(Array.from(y.data())).toEqual(id.flat().flatMap((r) => [0, 1, 2].map((c) => wd[r * 3 + c])));
    y.sum().backward();
    const counts = [1, 0, 0, 0, 0, 1, 0, 2]; // row 2 is paddingIdx
    expect(Array.from(w.grad!.data())).toEqual(counts.flatMap((c) => [c, c, c]));
  });

  it('a bad int32 index is an error naming it and its position, also for a table of empty rows; memory unchanged', () => {
    const w = wg.tensor(values(12, 1), { dtype, shape: [4, 3], requiresGrad: true });
    const w0 = wg.tensor([], { dtype, shape: [4, 0] });
    const bad = wg.tensor([[0, 1], [4, 2]], { dtype: 'int32' });
    expectOpError(() => wg.embedding(bad, w), /^embedding:/, /index 4 at position 2 of indices/, /size 4/);
    expectOpError(() => wg.embedding(bad, w0), /^embedding:/, /index 4 at position 2/);
    for (const t of [w, w0, bad]) t.dispose();
  });
});

forEachConfig('float index tensors, read by the gather kernel as they are', ({ dtype }) => {
  const round = (v: number[]) => (dtype === 'float32' ? v.map(Math.fround) : v);

  for (const indexDtype of ['float32', 'float64'] as const) {
    it(`a ${indexDtype} index gathers along the last dim, an outer dim and by indexSelect, with gradients`, () => {
      for (const [xShape, d, iShape] of [[[6, 7], 1, [6, 9]], [[5, 6], 0, [4, 6]], [[40, 70], 1, [40, 61]]] as [number[], number, number[]][]) {
        const xd = values(prod(xShape), 2), id = indices(prod(iShape), xShape[d], 2), w = values(prod(iShape), 3);
        const x = wg.tensor(xd, { dtype, shape: xShape, requiresGrad: true });
        const idx = wg.tensor(Array.from(id), { dtype: indexDtype, shape: iShape });
        const y = x.gather(d, idx);
        expect(Array.from(y.data())).toEqual(round(gatherRef(xd, xShape, d, id, iShape)));
        y.mul(wg.tensor(w, { dtype, shape: iShape })).sum().backward();
        expect(Array.from(x.grad!.data())).toEqual(round(scatterRef(xShape, d, id, iShape, w)));
        for (const t of [x, idx, y]) t.dispose();
      }
      const x = wg.tensor(values(20, 1), { dtype, shape: [4, 5] });
      const rows = wg.tensor([3, 0, 3], { dtype: indexDtype });
      expect(Array.from(x.indexSelect(0, rows).data())).toEqual(Array.from(x.data()).slice(15).concat(Array.from(x.data()).slice(0, 5), Array.from(x.data()).slice(15)));
      const w = wg.tensor(values(12, 4), { dtype, shape: [4, 3], requiresGrad: true });
      wg.embedding(wg.tensor([1, 1, 3], { dtype: indexDtype }), w).sum().backward();
      expect(Array.from(w.grad!.data())).toEqual([0, 0, 0, 2, 2, 2, 0, 0, 0, 1, 1, 1]);
      for (const t of [x, rows, w]) t.dispose();
    });

    it(`a ${indexDtype} index entry that is not an integer in range is named with its position, in the 4-wide loop and the tail, on 1 and 2 threads`, () => {
      for (const threads of [1, 2]) {
        withThreads(threads, () => {
          const R = 1024, C = 64, K = 50; // rows of 50: 12 groups of four, then a tail of 2
          const x = wg.tensor(values(R * C, 1), { dtype, shape: [R, C], requiresGrad: true });
          const id = Array.from(indices(R * K, C, 1));
          for (const [at, v, msg] of [[R * K / 2 + 1, 1.5, /index 1\.5 .*at position 25601 of index is not an integer/],
            [R * K / 2 + 49, 2.25, /index 2\.25 .*at position 25649 of index is not an integer/], [999, NaN, /index NaN .*at position 999 .*not an integer/],
            [30001, -1, /index -1 .*at position 30001 .*out of range/], [40000, C, /index 64 .*at position 40000 .*out of range/],
            [5, Infinity, /index Infinity .*at position 5/]] as const) {
            const bad = id.slice();
            bad[at] = v;
            const idx = wg.tensor(bad, { dtype: indexDtype, shape: [R, K] });
            expectOpError(() => x.gather(1, idx), /^gather:/, msg);
            idx.dispose();
          }
          const id0 = Array.from(indices(R * C, R, 2));
          id0[R * C - 7] = 0.5;
          const idx0 = wg.tensor(id0, { dtype: indexDtype, shape: [R, C] });
          expectOpError(() => x.gather(0, idx0), /^gather:/, new RegExp(`index 0\\.5 .*at position ${R * C - 7} .*not an integer`));
          const rows = wg.tensor([0, 3, 7.5], { dtype: indexDtype });
          expectOpError(() => x.indexSelect(0, rows), /^indexSelect:/, /index 7\.5 .*at position 2 of indices is not an integer/);
          expectOpError(() => wg.embedding(rows, x), /^embedding:/, /index 7\.5 .*at position 2 of indices is not an integer/);
          for (const t of [x, idx0, rows]) t.dispose();
        });
      }
    });
  }
});

forEachConfig('index storage ownership', ({ dtype }) => {
  it('a recorded gather keeps an int32 copy of a float index only until its graph is freed; nothing is left behind', () => {
    for (const indexDtype of ['int32', 'float32', 'float64'] as const) {
      const x = wg.tensor(values(24, 1), { dtype, shape: [4, 6], requiresGrad: true });
      const idx = wg.tensor(Array.from(indices(12, 6, 1)), { dtype: indexDtype, shape: [4, 3] });
      const before = wg.memory();
      wg.tidy(() => {
        x.gather(1, idx).square().sum().backward();
        x.indexSelect(1, wg.tensor([5, 0], { dtype: indexDtype })).sum().backward();
        wg.embedding(idx, x.reshape([12, 2])).sum().backward();
      });
      x.zeroGrad();
      x.grad?.dispose();
      const after = wg.memory();
      expect(after.tensors).toBe(before.tensors);
      expect(after.bytes).toBe(before.bytes);
      expect(Array.from(idx.data())).toEqual(Array.from(indices(12, 6, 1))); // read, never written
      for (const t of [x, idx]) t.dispose();
    }
  });
});

forEachBackend('gather gradients (float64 gradcheck)', () => {
  it('along the last dim, an outer dim and by indexSelect, including second order', () => {
    const x = wg.tensor(values(4 * 6, 2).map((v) => v + 0.25), { dtype: 'float64', shape: [4, 6], requiresGrad: true });
    const last = wg.tensor(indices(4 * 5, 6, 1), { dtype: 'int32', shape: [4, 5] });
    const outer = wg.tensor(indices(3 * 6, 4, 2), { dtype: 'int32', shape: [3, 6] });
    const rows = wg.tensor([3, 0, 3], { dtype: 'int32' });
    const fs = [(a: Tensor) => a.gather(1, last).square().sum(), (a: Tensor) => a.gather(0, outer).pow(3).sum(),
      (a: Tensor) => a.indexSelect(0, rows).square().sum()];
    for (const f of fs) {
      const res = wg.gradcheck(f, [x], { eps: 1e-6, atol: 1e-8, rtol: 1e-8 });
      expect(res.ok, JSON.stringify(res)).toBe(true);
    }
    // second order (the gradient's scatter-add differentiated: the gather again), on smaller
    // values so that the quartic's rounding stays below the tolerance
    const small = wg.tensor(values(4 * 6, 2).map((v) => (v + 0.25) / 10), { dtype: 'float64', shape: [4, 6], requiresGrad: true });
    const second = (a: Tensor) => wg.grad((b: Tensor) => b.gather(-1, last).pow(3).sum())(a)[0].square().sum();
    const res = wg.gradcheck(second, [small], { eps: 1e-4, atol: 1e-8, rtol: 1e-8 });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    for (const t of [x, small, last, outer, rows]) t.dispose();
  });
});

describe('gather tolerates being handed the same int32 index repeatedly', () => {
  it('the index tensor is read, not written: its values and version stay as they were', async () => {
    await wg.init();
    for (const backend of ['wasm', 'js'] as const) {
      wg.setBackend(backend);
      const x = wg.tensor(values(40, 1), { shape: [4, 10] });
      const idx = wg.tensor(indices(12, 10, 1), { dtype: 'int32', shape: [4, 3] });
      const before = Array.from(idx.data());
      for (let i = 0; i < 3; i++) x.gather(1, idx).dispose();
      expect(Array.from(idx.data())).toEqual(before);
      for (const t of [x, idx]) t.dispose();
    }
  });
});
