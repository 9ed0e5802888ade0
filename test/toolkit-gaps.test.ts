// The gaps issue 12 left open: int32 tril/triu/where/maskedFill, norm's p = 0 / negative / ±∞ /
// 'fro', and prod's second derivative between two zeros. Hand-computed values on both backends
// (and both float dtypes where the dtype matters); errors name the op and leak nothing.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectError } from './support/errors.js';

type DT = 'float32' | 'float64';
type T = wg.Tensor;

beforeAll(async () => { await wg.init(); });

describe.each(['wasm', 'js'] as const)('int32 where PyTorch accepts it on %s', (backend) => {
  beforeAll(() => { wg.setBackend(backend); });
  const int = (data: unknown) => wg.tensor(data as number[], { dtype: 'int32' });

  it('tril and triu of an int32 tensor keep int32 and the exact values', () => {
    const big = 2147483647;
    const x = int([[1, 2, 3], [4, big, 6], [-7, 8, -2147483648]]);
    const lo = wg.tril(x);
    expect(lo.dtype).toBe('int32');
    expect(lo.toArray()).toEqual([[1, 0, 0], [4, big, 0], [-7, 8, -2147483648]]);
    const up = x.triu(1);
    expect(up.dtype).toBe('int32');
    expect(up.toArray()).toEqual([[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expect(wg.tril(int([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), -1).toArray()).toEqual([[[0, 0], [3, 0]], [[0, 0], [7, 0]]]);
    wg.dispose([x, lo, up]);
  });

  it('tril and triu of int32 leave memory() at its baseline', () => {
    const x = int([[1, 2], [3, 4]]);
    const before = wg.memory();
    const y = wg.triu(x, -1);
    y.dispose();
    expect(wg.memory()).toEqual(before);
    x.dispose();
  });

  it('where with two int32 branches is int32, broadcasting', () => {
    const cond = wg.tensor([[1, 0, 1], [0, 0, 1]]);
    const a = int([10, 20, 2147483647]);
    const b = int([[-1], [-2147483648]]);
    const r = wg.where(cond, a, b);
    expect(r.dtype).toBe('int32');
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([[10, -1, 2147483647], [-2147483648, -2147483648, 2147483647]]);
    const s = wg.where(int([0, 3]), int([1, 2]), 7);
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([7, 2]);
    wg.dispose([cond, a, b, r, s]);
  });

  it('where with an int32 branch beside a float one is a DTypeError naming where and both dtypes', () => {
    const cond = wg.tensor([1, 0]);
    const i = int([1, 2]);
    const f = wg.tensor([1, 2]);
    expectError(() => wg.where(cond, i, f), /^where: .*int32.*float32/);
    expectError(() => wg.where(cond, f, i), /^where: .*int32.*float32|^where: .*float32.*int32/);
    expect(() => wg.where(cond, i, f)).toThrow(wg.DTypeError);
    expectError(() => wg.where(cond, i, 1.5), /^where: .*1\.5/);
    expectError(() => wg.where(cond, i, NaN), /^where: .*NaN/);
    wg.dispose([cond, i, f]);
  });

  it('maskedFill of an int32 tensor is int32, truncating the value as PyTorch does', () => {
    const x = int([[1, 2, 3], [4, 5, 6]]);
    const r = x.maskedFill(wg.gt(x, 4), -9);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[1, 2, 3], [4, -9, -9]]);
    const t = wg.maskedFill(x, wg.tensor([1, 0, 0]), 2.9);
    expect(t.toArray()).toEqual([[2, 2, 3], [2, 5, 6]]);
    wg.dispose([x, r, t]);
  });

  it('maskedFill of int32 with NaN, ±Infinity or an overflowing value is a DTypeError naming it', () => {
    const x = int([1, 2]);
    const m = wg.tensor([1, 0]);
    for (const v of [NaN, Infinity, -Infinity, 2147483648, -2147483649]) {
      expectError(() => wg.maskedFill(x, m, v), /^maskedFill: value .*int32/);
    }
    expect(() => wg.maskedFill(x, m, NaN)).toThrow(wg.DTypeError);
    const m3 = wg.tensor([1, 0, 1]);
    expectError(() => wg.maskedFill(x, m3, 0), /^maskedFill: .*\[3\]/);
    wg.dispose([x, m, m3]);
  });
});

const CONFIGS = (['wasm', 'js'] as const).flatMap((b) => (['float32', 'float64'] as const).map((d) => [b, d] as const));

/** Values within the dtype's tolerance (float32 ≈ 1e-6 relative). */
function expectValues(t: T, want: number[], dtype: DT): void {
  const got = Array.from(t.data() as ArrayLike<number>);
  expect(got.length).toBe(want.length);
  const tol = dtype === 'float32' ? 1e-6 : 1e-14;
  want.forEach((w, i) => {
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(got[i]).toBe(w);
    else expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

describe.each(CONFIGS)('norm as PyTorch on %s %s', (backend, dtype: DT) => {
  beforeAll(() => { wg.setBackend(backend); });
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });
  /** The norm's value and the gradient of its sum. */
  function run(data: unknown, f: (x: T) => T): [T, T] {
    const x = t(data, true);
    const y = f(x);
    y.sum().backward();
    return [y, x.grad!];
  }

  it('p = 0 counts the nonzero elements (NaN counts) with a zero gradient', () => {
    const [y, g] = run([[0, 1, -2], [0, 0, 3]], (x) => x.norm(0, 1));
    expectValues(y, [2, 1], dtype);
    expect(y.dtype).toBe(dtype);
    expectValues(g, [0, 0, 0, 0, 0, 0], dtype);
    expectValues(wg.norm(t([0, NaN, 5, -0]), 0), [2], dtype);
    expectValues(wg.norm(t([[1, 0], [2, 0]]), 0, 0, true), [2, 0], dtype);
  });

  it('negative p is (Σ|x|^p)^(1/p) with the gradient x^(p-1)·norm^(1-p)', () => {
    const [y, g] = run([1, -2], (x) => x.norm(-1));
    expectValues(y, [2 / 3], dtype);
    expectValues(g, [4 / 9, -1 / 9], dtype); // sgn(x)|x|^-2 · (2/3)^2
    expectValues(wg.norm(t([1, 2]), -2), [1 / Math.sqrt(1.25)], dtype);
  });

  it('negative p with a zero element is 0 with a zero gradient', () => {
    const [y, g] = run([[0, 2, 3], [1, 1, 2]], (x) => x.norm(-1, 1));
    expectValues(y, [0, 1 / 2.5], dtype);
    expectValues(g, [0, 0, 0, 1 / 6.25, 1 / 6.25, 0.25 / 6.25], dtype);
  });

  it('0 < p < 1 gives a zero element no gradient (PyTorch), the others S/√x for p = 1/2', () => {
    const [y, g] = run([0, 4, 1], (x) => x.norm(0.5));
    expectValues(y, [9], dtype);
    expectValues(g, [0, 1.5, 3], dtype);
  });

  it('p = Infinity splits the gradient evenly among tied maxima, with their signs', () => {
    const [y, g] = run([1, -3, 3, 2], (x) => x.norm(Infinity));
    expectValues(y, [3], dtype);
    expectValues(g, [0, -0.5, 0.5, 0], dtype);
    const [y3, g3] = run([[2, -2, 2], [1, 0, 0]], (x) => wg.norm(x, Infinity, -1, true));
    expectValues(y3, [2, 1], dtype);
    expectValues(g3, [1 / 3, -1 / 3, 1 / 3, 1, 0, 0], dtype);
  });

  it('p = -Infinity splits it among tied minima; zeros (sign 0) take none', () => {
    const [y, g] = run([[2, -1, 1, 5], [0, 4, 0, 3]], (x) => x.norm(-Infinity, 1));
    expectValues(y, [1, 0], dtype);
    expectValues(g, [0, -0.5, 0.5, 0, 0, 0, 0, 0], dtype);
  });

  it("'fro' is the 2-norm over the axes", () => {
    const [y, g] = run([[1, 2], [2, 4]], (x) => x.norm('fro'));
    expectValues(y, [5], dtype);
    expectValues(g, [0.2, 0.4, 0.4, 0.8], dtype);
    expectValues(wg.norm(t([[3, 4], [0, 1]]), 'fro', 1), [5, 1], dtype);
  });

  it('the Infinity norm differentiates again under createGraph (d²(max|x|)²/dx² = 2 at the max)', () => {
    const x = t([1, -3, 2], true);
    const [g] = wg.grad((v: T) => v.norm(Infinity).square())(x);
    expectValues(g, [0, -6, 0], dtype);
    const [h] = wg.grad((v: T) => wg.grad((w: T) => w.norm(Infinity).square())(v)[0].sum())(x);
    expectValues(h, [0, 2, 0], dtype);
    wg.dispose([x, g, h]);
  });

  it('bad p and empty reductions without identity are errors naming norm and the value', () => {
    const x = t([1, 2]);
    expectError(() => wg.norm(x, NaN), /^norm: p .*NaN/);
    expectError(() => wg.norm(x, 'nuc' as unknown as number), /^norm: p .*nuc/);
    const e = t([]);
    expectError(() => wg.norm(e, -1), /^norm: p = -1 of an empty tensor of shape \[0\]/);
    expectError(() => wg.norm(e, Infinity), /^norm: p = Infinity of an empty/);
    expectValues(wg.norm(e, 0), [0], dtype);
    expectValues(wg.norm(e, 0.5), [0], dtype);
    wg.dispose([x, e]);
  });
});

describe.each(CONFIGS)("prod's second derivative with zeros on %s %s", (backend, dtype: DT) => {
  beforeAll(() => { wg.setBackend(backend); });
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });
  /** Row i of the Hessian of sum(prod(x, axis)) by grad of grad. */
  const hessianRow = (x: T, i: number, axis?: number) => {
    const onehot = t(Array.from({ length: x.size }, (_, k) => (k === i ? 1 : 0))).reshape(x.shape);
    const [h] = wg.grad((v: T) => wg.grad((w: T) => wg.prod(w, axis).sum())(v)[0].mul(onehot).sum())(x);
    onehot.dispose();
    return h;
  };

  it('d²prod/dx_i dx_j is the product of the others when x_i and x_j are the only zeros', () => {
    const x = t([0, 0, 2, 3], true);
    const h0 = hessianRow(x, 0);
    expectValues(h0, [0, 6, 0, 0], dtype);
    const h2 = hessianRow(x, 2);
    expectValues(h2, [0, 0, 0, 0], dtype); // every product of others still holds a zero
    wg.dispose([x, h0, h2]);
  });

  it('per row: two zeros give the pair the product of the others, one zero and three zeros as before', () => {
    const x = t([[2, 0, 5, 0], [0, 0, 0, 4], [0, 1, 2, 3]], true);
    const h1 = hessianRow(x, 1, 1); // row 0: zeros at 1 and 3 → H[1][3] = 2·5
    expectValues(h1, [0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0], dtype);
    const h4 = hessianRow(x, 4, 1); // row 1: three zeros → 0
    expectValues(h4, new Array(12).fill(0), dtype);
    const h8 = hessianRow(x, 8, 1); // row 2: one zero at 8 → H[8][k] = product of the others but k
    expectValues(h8, [0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 3, 2], dtype);
    wg.dispose([x, h1, h4, h8]);
  });

  it.skipIf(dtype !== 'float64')('gradcheck of the gradient of prod passes with two zeros (float64)', () => {
    const x = t([[0, 1.5, 0, -2], [0.5, 0, 3, 0]], true);
    const w = t([[1, -2, 0.5, 3], [2, 1, -1, 0.25]]);
    const r = wg.gradcheck((v: T) => wg.grad((u: T) => wg.prod(u, 1).sum())(v)[0].mul(w).sum(), [x], { rtol: 1e-7 });
    expect(r.ok).toBe(true);
    const all = t([0, 0, -1.5, 2], true);
    expect(wg.gradcheck((v: T) => wg.grad((u: T) => wg.prod(u))(v)[0].mul(w.reshape([8]).narrow(0, 0, 4)).sum(), [all], { rtol: 1e-7 }).ok).toBe(true);
    wg.dispose([x, w, all]);
  });
});

describe.each(CONFIGS)('index tensors stay in the backend on %s %s', (backend, dtype: DT) => {
  beforeAll(() => { wg.setBackend(backend); });

  /** Counts the backend's read/write calls (copies between JavaScript and the tensor storage) during f. */
  function copiesDuring(x: T, f: () => void): number {
    const b = x.backend as unknown as { read: (...a: unknown[]) => unknown; write: (...a: unknown[]) => unknown };
    const { read, write } = b;
    let calls = 0;
    b.read = (...a) => { calls++; return read.apply(b, a); };
    b.write = (...a) => { calls++; return write.apply(b, a); };
    try { f(); } finally { b.read = read; b.write = write; }
    return calls;
  }

  it('gather and indexSelect with an index tensor (int32 or float) copy nothing through JavaScript, forward and backward', () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    for (const idt of ['int32', dtype] as const) {
      const idx = wg.tensor([[2, 0], [1, 1]], { dtype: idt });
      const sel = wg.tensor([1, 1, 0], { dtype: idt });
      let g: T | null = null, s: T | null = null;
      expect(copiesDuring(x, () => {
        g = x.gather(1, idx);
        s = x.indexSelect(0, sel);
        g.sum().add(s.sum()).backward();
      })).toBe(0);
      expectValues(g!, [3, 1, 5, 5], dtype);
      expectValues(s!, [4, 5, 6, 4, 5, 6, 1, 2, 3], dtype);
      expectValues(x.grad!, [2, 1, 2, 2, 4, 2], dtype);
      x.zeroGrad();
      wg.dispose([idx, sel, g!, s!]);
    }
    x.dispose();
  });

  it('an int32 index disposed before backward still gives the gradient (the graph keeps its share), and everything is freed after', () => {
    const before = wg.memory();
    wg.tidy(() => {
      const x = wg.tensor([1, 2, 3, 4], { dtype, requiresGrad: true });
      const idx = wg.tensor([3, 3, 0], { dtype: 'int32' });
      const y = x.indexSelect(0, idx);
      idx.dispose();
      const [gx] = wg.grad((v: T) => wg.gather(v, 0, wg.tensor([1, 1], { dtype: 'int32' })).square().sum())(x);
      y.mul(y).sum().backward();
      expectValues(x.grad!, [2, 0, 0, 16], dtype);
      expectValues(gx, [0, 8, 0, 0], dtype);
    });
    expect(wg.memory()).toEqual(before);
  });

  it('a bad int32 index is an error naming it, leaves the index unchanged and leaks nothing', () => {
    const x = wg.tensor([[1, 2], [3, 4]], { dtype });
    const idx = wg.tensor([[1, 5], [0, 1]], { dtype: 'int32' });
    expectError(() => x.gather(1, idx), /^gather: index 5 at position 1 of index is out of range for dimension 1 of size 2/);
    expect(idx.toArray()).toEqual([[1, 5], [0, 1]]);
    const neg = wg.tensor([0, -1], { dtype: 'int32' });
    expectError(() => x.indexSelect(0, neg), /^indexSelect: index -1 at position 1/);
    wg.dispose([x, idx, neg]);
  });
});
