// Indices, comparison and selection: gt ge lt le eq ne, where, maskedFill, clamp, indexSelect,
// gather — hand-computed values and gradients on both backends and both float dtypes, and
// hostile arguments (a WasmgradError naming the op and the value, memory() unchanged).

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectOpError } from './support/errors.js';

type DT = 'float32' | 'float64';
const CONFIGS = (['wasm', 'js'] as const).flatMap((b) => (['float32', 'float64'] as const).map((d) => [b, d] as const));

beforeAll(async () => { await wg.init(); });


describe.each(CONFIGS)('comparison and selection on %s %s', (backend, dtype: DT) => {
  beforeAll(() => { wg.setBackend(backend); });
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });

  it('gt ge lt le eq ne give 0/1 in the input dtype, broadcasting', () => {
    const a = t([[1, 2, 3], [3, 2, 1]]);
    const b = t([2, 2, 2]);
    expect(a.gt(b).toArray()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(a.ge(b).toArray()).toEqual([[0, 1, 1], [1, 1, 0]]);
    expect(a.lt(b).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(a.le(b).toArray()).toEqual([[1, 1, 0], [0, 1, 1]]);
    expect(a.eq(b).toArray()).toEqual([[0, 1, 0], [0, 1, 0]]);
    expect(a.ne(b).toArray()).toEqual([[1, 0, 1], [1, 0, 1]]);
    expect(wg.gt(a, b).dtype).toBe(dtype);
    expect(wg.lt(2, t([1, 3])).toArray()).toEqual([0, 1]);
  });

  it('comparisons with NaN: only ne is 1', () => {
    const a = t([NaN, 1]);
    expect(a.eq(a).toArray()).toEqual([0, 1]);
    expect(a.ne(a).toArray()).toEqual([1, 0]);
    expect(a.ge(a).toArray()).toEqual([0, 1]);
  });

  it('a comparison carries no gradient (its result is a leaf that does not require grad)', () => {
    const a = t([1, 2], true);
    const m = a.gt(1.5);
    expect(m.requiresGrad).toBe(false);
    expect(m.isLeaf).toBe(true);
  });

  it('comparisons over many elements (threaded size) agree with a plain loop', () => {
    const n = 100_003;
    const data = Array.from({ length: n }, (_, i) => (i * 7919) % 13);
    const a = t(data);
    const eq = a.eq(6).data();
    const ne = a.ne(6).data();
    for (let i = 0; i < n; i++) {
      if (eq[i] !== (data[i] === 6 ? 1 : 0) || ne[i] !== (data[i] !== 6 ? 1 : 0)) throw new Error(`element ${i}`);
    }
    a.dispose();
  });

  it('where picks a where cond != 0, else b, broadcasting, and routes the gradient', () => {
    const a = t([[1, 2, 3], [4, 5, 6]], true);
    const b = t([10, 20, 30], true);
    const cond = t([[1, 0, 2], [0, 0, -1]]);
    const y = wg.where(cond, a, b);
    expect(y.toArray()).toEqual([[1, 20, 3], [10, 20, 6]]);
    y.mul(t([[1, 2, 3], [4, 5, 6]])).sum().backward();
    expect(a.grad!.toArray()).toEqual([[1, 0, 3], [0, 0, 6]]);
    expect(b.grad!.toArray()).toEqual([4, 7, 0]);
  });

  it('where takes a NaN or Infinity in the branch not taken as nothing (a select, not a product)', () => {
    const a = t([Infinity, 1], true);
    const y = wg.where(t([0, 1]), a, t([5, NaN]));
    expect(y.toArray()).toEqual([5, 1]);
    y.sum().backward();
    expect(a.grad!.toArray()).toEqual([0, 1]);
  });

  it('where takes a condition of the other float dtype (only cond != 0 matters)', () => {
    const cond = wg.tensor([0, 3], { dtype: dtype === 'float32' ? 'float64' : 'float32' });
    const y = wg.where(cond, t([1, 2]), t([7, 8]));
    expect(y.dtype).toBe(dtype);
    expect(y.toArray()).toEqual([7, 2]);
  });

  it('the method x.where(cond, other) is where(cond, x, other)', () => {
    expect(t([1, 2]).where(t([0, 1]), -1).toArray()).toEqual([-1, 2]);
  });

  it('maskedFill writes value where the mask is set; the gradient reaches x elsewhere', () => {
    const x = t([[1, 2], [3, 4]], true);
    const y = x.maskedFill(t([1, 0]), -Infinity);
    expect(y.toArray()).toEqual([[-Infinity, 2], [-Infinity, 4]]);
    expect(y.shape).toEqual([2, 2]);
    wg.maskedFill(x, t([1, 0]), 0).mul(t([[1, 2], [3, 4]])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 2], [0, 4]]);
  });

  it('clamp clamps; gradient 1 inside and at a bound, 0 outside', () => {
    const x = t([-2, 0, 0.5, 1, 3], true);
    const y = x.clamp(0, 1);
    expect(y.toArray()).toEqual([0, 0, 0.5, 1, 1]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  it('clamp with one bound, min > max, NaN, and a free-function number', () => {
    expect(t([-2, 3]).clamp(null, 1).toArray()).toEqual([-2, 1]);
    expect(t([-2, 3]).clamp(0).toArray()).toEqual([0, 3]);
    expect(t([-2, 3, 7]).clamp(5, 1).toArray()).toEqual([1, 1, 1]);
    expect(Number.isNaN(t([NaN]).clamp(0, 1).item())).toBe(true);
    expect(wg.clamp(5, 0, 1).item()).toBe(1);
  });

  it('clamp with tensor bounds sends the gradient to the bound that is selected', () => {
    const x = t([-1, 0.5, 2], true);
    const lo = t([0, 0, 0], true);
    x.clamp(lo, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 0]);
    expect(lo.grad!.toArray()).toEqual([1, 0, 0]);
  });

  it('hostile arguments to the comparisons and selections are errors naming the op and value', () => {
    const a = t([1, 2, 3]), two = t([1, 0]), col = t([[1], [0]]), three = t([1, 0, 1]);
    expectOpError(() => a.gt(two), /^gt:/, /\[3\]/, /\[2\]/);
    expectOpError(() => a.eq('x' as unknown as number), /^eq:/, /x/);
    const other = a.astype(dtype === 'float32' ? 'float64' : 'float32');
    expectOpError(() => a.ne(other), /^ne:/, /float32/);
    other.dispose();
    expectOpError(() => wg.where(two, a, 0), /^where:/, /\[2\]/, /\[3\]/);
    expectOpError(() => wg.where([1, 0] as unknown as wg.Tensor, a, 0), /^where:/, /condition/);
    expectOpError(() => a.maskedFill(col, 0), /^maskedFill:/, /\[2,\s?1\]/);
    expectOpError(() => a.maskedFill(three, '0' as unknown as number), /^maskedFill:/, /'?0'?/);
    expectOpError(() => a.clamp(), /^clamp:/, /min and max/);
    expectOpError(() => a.clamp('1' as unknown as number), /^clamp:/, /min/);
    expectOpError(() => a.clamp(two), /^clamp:/, /\[2\]/);
    for (const x of [a, two, col, three]) x.dispose();
  });
});

describe.each(CONFIGS)('indexSelect and gather on %s %s', (backend, dtype: DT) => {
  beforeAll(() => { wg.setBackend(backend); });
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });
  const X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];

  it('indexSelect picks rows (dim 0) and columns (dim 1, -1) from arrays, Int32Array and tensors', () => {
    const x = t(X);
    expect(x.indexSelect(0, [2, 0]).toArray()).toEqual([[7, 8, 9], [1, 2, 3]]);
    expect(wg.indexSelect(x, 1, Int32Array.from([1, 1])).toArray()).toEqual([[2, 2], [5, 5], [8, 8]]);
    expect(x.indexSelect(-1, t([2, 0])).toArray()).toEqual([[3, 1], [6, 4], [9, 7]]);
    expect(x.indexSelect(0, []).shape).toEqual([0, 3]);
    expect(x.indexSelect(0, t(1)).toArray()).toEqual([[4, 5, 6]]);
  });

  it('indexSelect backward scatter-adds: repeated indices accumulate', () => {
    const x = t(X, true);
    const y = x.indexSelect(0, [2, 0, 2]);
    y.mul(t([[1, 1, 1], [2, 2, 2], [10, 20, 30]])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[2, 2, 2], [0, 0, 0], [11, 21, 31]]);
  });

  it('indexSelect on a middle dimension of a 3-D tensor, forward and backward', () => {
    const x = t([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], true);
    const y = x.indexSelect(1, [1, 1, 0]);
    expect(y.toArray()).toEqual([[[3, 4], [3, 4], [1, 2]], [[9, 10], [9, 10], [7, 8]]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[1, 1], [2, 2], [0, 0]], [[1, 1], [2, 2], [0, 0]]]);
  });

  it('gather along dim 1 and dim 0, forward and backward with repeats', () => {
    const x = t([[1, 2], [3, 4]], true);
    const y = x.gather(1, [[0, 0], [1, 0]]);
    expect(y.toArray()).toEqual([[1, 1], [4, 3]]);
    y.mul(t([[1, 2], [3, 4]])).sum().backward();
    expect(x.grad!.toArray()).toEqual([[3, 0], [4, 3]]);
    expect(wg.gather(t(X), 0, t([[2, 1, 0]])).toArray()).toEqual([[7, 5, 3]]);
  });

  it('gather with an index smaller than the input outside dim reads the leading part', () => {
    const x = t(X, true);
    const y = x.gather(1, [[2], [0]]);
    expect(y.toArray()).toEqual([[3], [4]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 0, 0]]);
  });

  it('second order: the gradient of the scatter-add is the gather again (createGraph)', () => {
    const x = t([1, 2, 3], true);
    x.indexSelect(0, [0, 2, 2]).pow(2).sum().backward({ createGraph: true });
    const g = x.grad!; // [2 x0, 0, 4 x2]
    expect(g.toArray()).toEqual([2, 0, 12]);
    x.zeroGrad();
    g.mul(t([1, 10, 100])).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 0, 400]);
    const y = t([[1, 2], [3, 4]], true);
    y.gather(1, [[1, 1], [0, 1]]).pow(2).sum().backward({ createGraph: true });
    const gy = y.grad!;
    expect(gy.toArray()).toEqual([[0, 8], [6, 8]]);
    y.zeroGrad();
    gy.sum().backward();
    expect(y.grad!.toArray()).toEqual([[0, 4], [2, 2]]);
  });

  it('large tables (threaded sizes): indexSelect of rows and its backward agree with a plain loop', () => {
    const threadsBefore = wg.getThreads();
    wg.setThreads(2);
    const stats0 = wg.threadStats().dispatches;
    const rows = 3000, cols = 64, picks = 2048;
    const table = Array.from({ length: rows * cols }, (_, i) => (i % 1013) / 7);
    const idx = Int32Array.from({ length: picks }, (_, i) => (i * 7919) % rows);
    const x = wg.tensor(table, { dtype, shape: [rows, cols], requiresGrad: true });
    const y = x.indexSelect(0, idx);
    const got = y.data();
    for (let r = 0; r < picks; r++) {
      for (let c = 0; c < cols; c++) {
        if (got[r * cols + c] !== Math.fround(table[idx[r] * cols + c]) && dtype === 'float32') throw new Error(`row ${r} col ${c}`);
      }
    }
    y.sum().backward();
    const counts = new Array(rows).fill(0);
    for (const i of idx) counts[i]++;
    const g = x.grad!.data();
    for (let r = 0; r < rows; r++) if (g[r * cols] !== counts[r] || g[r * cols + cols - 1] !== counts[r]) throw new Error(`grad row ${r}`);
    const gy = x.gather(1, wg.tensor(Array.from({ length: rows * 4 }, (_, i) => (i * 31) % cols), { dtype, shape: [rows, 4] }));
    const gd = gy.data();
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < 4; k++) {
        const c = ((r * 4 + k) * 31) % cols;
        if (gd[r * 4 + k] !== (dtype === 'float32' ? Math.fround(table[r * cols + c]) : table[r * cols + c])) throw new Error(`gather ${r},${k}`);
      }
    }
    x.zeroGrad();
    gy.sum().backward(); // the scatter-add split over rows (outer slices)
    const g2 = x.grad!.data();
    const expected = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let k = 0; k < 4; k++) expected[r * cols + ((r * 4 + k) * 31) % cols] += 1;
    for (let i = 0; i < rows * cols; i++) if (g2[i] !== expected[i]) throw new Error(`gather grad ${i}`);
    if (backend === 'wasm' && wg.getThreads() > 1) expect(wg.threadStats().dispatches).toBeGreaterThan(stats0);
    wg.setThreads(threadsBefore);
    for (const v of [x, y, gy]) v.dispose();
  });

  it('hostile indices and dims are errors naming the op and the value, leaving memory unchanged', () => {
    const x = t(X);
    const fidx = t([0, 1.5]);
    const bad2d = t([[0, 1]]);
    const big = t([[0, 1, 2], [7, 0, 0]]), nan = t([[0, NaN, 2]]);
    expectOpError(() => x.indexSelect(0, [0, 3]), /^indexSelect:/, /index 3/, /size 3/);
    expectOpError(() => x.indexSelect(0, [-1]), /^indexSelect:/, /index -1/);
    expectOpError(() => x.indexSelect(0, [0.5]), /^indexSelect:/, /0\.5/, /not an integer/);
    expectOpError(() => x.indexSelect(0, fidx), /^indexSelect:/, /1\.5/);
    expectOpError(() => x.gather(0, big), /^gather:/, /index 7/, /position 3/);
    expectOpError(() => x.gather(0, nan), /^gather:/, /NaN/);
    expectOpError(() => x.indexSelect(0, [NaN]), /^indexSelect:/, /NaN/);
    expectOpError(() => x.indexSelect(0, ['1'] as unknown as number[]), /^indexSelect:/, /'?1'?/);
    expectOpError(() => x.indexSelect(2, [0]), /^indexSelect:/, /2/, /\[3,\s?3\]/);
    expectOpError(() => x.indexSelect(0.5, [0]), /^indexSelect:/, /0\.5/);
    expectOpError(() => x.indexSelect(0, bad2d), /^indexSelect:/, /1-D/);
    expectOpError(() => x.indexSelect(0, 'abc' as unknown as number[]), /^indexSelect:/, /abc/);
    expectOpError(() => x.gather(1, [[0, 3]]), /^gather:/, /index 3/);
    expectOpError(() => x.gather(1, [0, 1]), /^gather:/, /dimensions/);
    expectOpError(() => x.gather(1, [[0], [1], [2], [0]]), /^gather:/, /larger/);
    expectOpError(() => x.gather(-3, [[0]]), /^gather:/, /-3/);
    expectOpError(() => x.gather(0, [[0, 1], [2]]), /^gather:/, /ragged/);
    expectOpError(() => wg.gather([[1]] as unknown as wg.Tensor, 0, [[0]]), /^gather:/);
    for (const v of [x, fidx, bad2d, big, nan]) v.dispose();
  });
});
