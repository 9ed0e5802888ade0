// Reductions of issue 12: min, prod, argmax, argmin, logsumexp, var, std, norm, cumsum — hand-computed
// values on both backends and both dtypes, PyTorch's edge cases, and hostile arguments (a
// WasmgradError naming the op and the value, nothing leaked).

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { type Tensor, expectClose, forEachConfig } from './helpers.js';

/** The gradient of sum(f(x)) at x. */
function gradOf(x: Tensor, f: (t: Tensor) => Tensor): unknown {
  f(x).sum().backward();
  return x.grad!.toArray();
}

/** fn throws a WasmgradError whose message contains every `parts`, and leaks nothing. */
function expectRejected(fn: () => unknown, ...parts: string[]): void {
  const before = wg.memory();
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(wg.WasmgradError);
  for (const p of parts) expect((err as Error).message).toContain(p);
  expect(wg.memory()).toEqual(before);
}

forEachConfig('reductions', ({ dtype, tol }) => {
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });

  it('min reduces over an axis and over everything, keepdims keeps size-1 axes', () => {
    const x = t([[3, -1, 2], [0, 5, -4]]);
    expect(wg.min(x, 1).toArray()).toEqual([-1, -4]);
    expect(x.min(0).toArray()).toEqual([0, -1, -4]);
    expect(x.min().item()).toBe(-4);
    expect(x.min(-1, true).shape).toEqual([2, 1]);
    expect(x.min([0, 1]).item()).toBe(-4);
    expect(wg.min(t([1, NaN, -2])).item()).toBeNaN();
  });

  it('min sends the gradient to the first minimum on a tie', () => {
    const x = t([[2, 1, 1], [0, 3, 0]], true);
    expect(gradOf(x, (v) => v.min(1))).toEqual([[0, 1, 0], [1, 0, 0]]);
    const y = t([[2, 1], [1, 1]], true);
    expect(gradOf(y, (v) => v.min(0))).toEqual([[0, 1], [1, 0]]);
  });

  it('min over non-adjacent axes routes the gradient back through the transposed copy', () => {
    const x = t([[[4, 2], [3, 9]], [[1, 8], [7, 1]]], true); // [2, 2, 2], reduce axes 0 and 2
    const m = x.min([0, 2]);
    expect(m.toArray()).toEqual([1, 1]);
    m.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[0, 0], [0, 0]], [[1, 0], [0, 1]]]);
  });

  it('prod multiplies over an axis; an empty product is 1', () => {
    expect(wg.prod(t([[1, 2, 3], [4, 5, 6]]), 1).toArray()).toEqual([6, 120]);
    expect(t([[1, 2], [3, 4]]).prod().item()).toBe(24);
    expect(t([[1, 2], [3, 4]]).prod(0, true).toArray()).toEqual([[3, 8]]);
    expect(wg.prod(wg.zeros([2, 0], { dtype }), 1).toArray()).toEqual([1, 1]);
  });

  it('prod gradient is right with no zero, one zero and two zeros (PyTorch rule)', () => {
    const x = t([[2, 3, 4], [2, 0, 5], [0, 3, 0]], true);
    expect(gradOf(x, (v) => v.prod(1))).toEqual([[12, 8, 6], [0, 10, 0], [0, 0, 0]]);
  });

  it('prod second derivative with one zero is the product of the other two', () => {
    const x = t([0, 2, 3], true);
    x.prod().backward({ createGraph: true });
    const g = x.grad!;
    expect(g.toArray()).toEqual([6, 0, 0]);
    x.grad = null;
    g.mul(t([1, 0, 0])).sum().backward();
    // d/dx of d prod/dx0 = (0, x2, x1)
    expect(x.grad!.toArray()).toEqual([0, 3, 2]);
  });

  it('argmax and argmin return the first index of the extremum (an int32 tensor)', () => {
    const x = t([[1, 7, 7], [4, 4, 0]]);
    const am = wg.argmax(x, 1);
    expect(am.toArray()).toEqual([1, 0]);
    expect(am.dtype).toBe('int32');
    expect(am.requiresGrad).toBe(false);
    expect(x.argmin(1).toArray()).toEqual([0, 2]);
    expect(x.argmax().item()).toBe(1); // flattened
    expect(x.argmin().item()).toBe(5);
    expect(x.argmax(0, true).toArray()).toEqual([[1, 0, 0]]);
    expect(x.argmax(null, true).shape).toEqual([1, 1]);
    expect(wg.argmax(t([1, NaN, 5])).item()).toBe(1); // NaN counts as the maximum
    expect(wg.argmin(t(5)).item()).toBe(0);
  });

  it('argmax over a long row and a middle axis agrees with the first maximum', () => {
    const n = 40000;
    const flat = Array.from({ length: n }, (_, i) => Math.sin(i) * (i === 31234 || i === 39000 ? 1 : 0.5));
    const r = t(flat);
    const vals = r.toArray() as number[]; // rounded to the dtype, so ties are the dtype's ties
    expect(wg.argmax(r).item()).toBe(vals.indexOf(Math.max(...vals)));
    expect(wg.argmin(r).item()).toBe(vals.indexOf(Math.min(...vals)));
    const x = t([[[1, 9], [5, 2], [5, 9]]]); // [1, 3, 2], axis 1
    expect(x.argmax(1).toArray()).toEqual([[1, 0]]);
    expect(x.argmin(-2).toArray()).toEqual([[0, 1]]);
  });

  it('min, prod, argmax reject bad axes, keepdims and empty reductions naming the op', () => {
    const x = t([[1, 2], [3, 4]]);
    const empty03 = wg.zeros([0, 3], { dtype }), empty20 = wg.zeros([2, 0], { dtype }), empty0 = wg.zeros([0], { dtype });
    expectRejected(() => x.min(2), 'min', 'axis 2');
    expectRejected(() => x.prod(1.5), 'prod', '1.5');
    expectRejected(() => x.prod(0, 'yes' as never), 'prod', 'keepdims');
    expectRejected(() => wg.min(empty03, 0), 'min', '[0,3]');
    expectRejected(() => x.argmax(-3), 'argmax', 'axis -3');
    expectRejected(() => x.argmin([0, 1] as never), 'argmin', 'axis');
    expectRejected(() => wg.argmax(empty20, 1), 'argmax', '[2,0]');
    expectRejected(() => wg.argmin(empty0), 'argmin', '[0]');
  });

  it('logsumexp is stable for large inputs and its gradient is softmax', () => {
    const x = t([[1000, 1000], [0, Math.log(3)]], true);
    const y = wg.logsumexp(x, 1);
    expectClose(y.toArray(), [1000 + Math.log(2), Math.log(4)], tol);
    y.sum().backward();
    expectClose(x.grad!.toArray(), [[0.5, 0.5], [0.25, 0.75]], tol);
    expectClose(t([[-1000, -1000]]).logsumexp(-1, true).toArray(), [[-1000 + Math.log(2)]], tol);
    expectClose(t([[1, 2], [3, 4]]).logsumexp([0, 1]).item(), Math.log(Math.E + Math.E ** 2 + Math.E ** 3 + Math.E ** 4), tol);
  });

  it('logsumexp of -Infinity rows is -Infinity, of an Infinity is Infinity, of nothing -Infinity', () => {
    expect(wg.logsumexp(t([[-Infinity, -Infinity], [Infinity, 0]]), 1).toArray()).toEqual([-Infinity, Infinity]);
    expect(wg.logsumexp(wg.zeros([2, 0], { dtype }), 1).toArray()).toEqual([-Infinity, -Infinity]);
  });

  it('var and std use correction 1 by default, correction 0 for the population, keepdims', () => {
    const x = t([[1, 2, 3, 4], [2, 2, 2, 2]]);
    expectClose(wg.var(x, 1).toArray(), [5 / 3, 0], tol);
    expectClose(x.var(1, { correction: 0 }).toArray(), [1.25, 0], tol);
    expectClose(x.std(1, { keepdims: true }).toArray(), [[Math.sqrt(5 / 3)], [0]], tol);
    expectClose(x.var().item(), 5.5 / 7, tol); // mean 2.25, Σ (x − mean)² = 5.5, N − 1 = 7
    expectClose(wg.std(x, 0, { correction: 0 }).toArray(), [0.5, 0, 0.5, 1], tol);
    expect(wg.var(t([5])).item()).toBeNaN(); // N = 1 with correction 1: 0/0, as PyTorch
  });

  it('var keeps precision for a large offset (two-pass)', () => {
    const x = t([1e4 + 1, 1e4 + 2, 1e4 + 3]);
    expectClose(x.var().item(), 1, { rtol: dtype === 'float32' ? 1e-3 : 1e-12, atol: 0 });
  });

  it('var gradient is 2 (x − mean) / (N − correction)', () => {
    const x = t([1, 2, 6], true);
    expectClose(gradOf(x, (v) => v.var()), [-2, -1, 3], tol);
    const y = t([1, 3], true);
    expectClose(gradOf(y, (v) => v.std(null, { correction: 0 })), [-0.5, 0.5], tol); // var' / (2 std), std = 1
  });

  it('norm for p = 2, 1, Infinity, -Infinity and p = 3, over axes', () => {
    const x = t([[3, -4], [0, 0]]);
    expect(wg.norm(x).item()).toBeCloseTo(5, 5);
    expectClose(x.norm(2, 1).toArray(), [5, 0], tol);
    expectClose(x.norm(1, 1, true).toArray(), [[7], [0]], tol);
    expectClose(x.norm(Infinity, 0).toArray(), [3, 4], tol);
    expectClose(x.norm(-Infinity, 1).toArray(), [3, 0], tol);
    expectClose(t([1, -2, 2]).norm(3).item(), Math.cbrt(17), tol);
  });

  it('norm gradient is x / norm, and 0 at the zero vector (p = 2 and general p)', () => {
    const x = t([[3, -4], [0, 0]], true);
    expectClose(gradOf(x, (v) => v.norm(2, 1)), [[0.6, -0.8], [0, 0]], tol);
    const y = t([[1, -2, 2], [0, 0, 0]], true);
    const n3 = Math.cbrt(17);
    expectClose(gradOf(y, (v) => v.norm(3, 1)), [[1 / n3 ** 2, -4 / n3 ** 2, 4 / n3 ** 2], [0, 0, 0]], tol);
    const z = t([0, 0], true);
    expect(gradOf(z, (v) => v.norm(1))).toEqual([0, 0]);
    const w = t([1, -3, 3], true);
    expect(gradOf(w, (v) => v.norm(Infinity))).toEqual([0, -0.5, 0.5]); // split among ties, as PyTorch
  });

  it('logsumexp, var, std, norm reject bad arguments naming the op and the value', () => {
    const x = t([[1, 2], [3, 4]]);
    expectRejected(() => wg.logsumexp(x, undefined as never), 'logsumexp', 'axis is required');
    expectRejected(() => x.logsumexp(5), 'logsumexp', 'axis 5');
    expectRejected(() => x.var(0, { correction: -1 }), 'var', 'correction', '-1');
    expectRejected(() => x.var(0, { unbiased: false } as never), 'var', 'unbiased');
    expectRejected(() => x.std(0, { keepdims: 1 } as never), 'std', 'keepdims');
    expectRejected(() => x.std([0, 0]), 'std', 'repeated');
    expectRejected(() => x.norm(NaN), 'norm', 'p must be', 'NaN');
    expectRejected(() => x.norm('nuc' as never), 'norm', 'nuc');
    expectRejected(() => x.norm(2, 2), 'norm', 'axis 2');
    const empty = wg.zeros([0, 2], { dtype });
    expectRejected(() => empty.norm(Infinity, 0), 'norm', 'Infinity', '[0,2]');
    expect(empty.norm(2, 0).toArray()).toEqual([0, 0]); // an empty sum
    expect(empty.norm(Infinity, 1).shape).toEqual([0]); // nothing to reduce into
  });

  it('cumsum runs along a dim (last, middle, negative), keeps shape, 0-d and empty', () => {
    const x = t([[1, 2, 3], [4, 5, 6]]);
    expect(wg.cumsum(x, 1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(x.cumsum(0).toArray()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(x.cumsum(-1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    const y = t([[[1, 2], [3, 4], [5, 6]]]); // [1, 3, 2] along the middle axis
    expect(y.cumsum(1).toArray()).toEqual([[[1, 2], [4, 6], [9, 12]]]);
    expect(t(7).cumsum(0).item()).toBe(7);
    expect(wg.zeros([2, 0], { dtype }).cumsum(1).shape).toEqual([2, 0]);
  });

  it('cumsum of a long row and of wide rows matches the running sum (threaded split)', () => {
    const n = 70000;
    const ones = wg.ones([n], { dtype });
    const c = ones.cumsum(0).toArray() as number[];
    expect([c[0], c[999], c[n - 1]]).toEqual([1, 1000, n]);
    const wide = wg.ones([3, 40000], { dtype }).cumsum(0).toArray() as number[][];
    expect([wide[0][0], wide[1][39999], wide[2][12345]]).toEqual([1, 2, 3]);
    const rows = wg.ones([40000, 3], { dtype }).cumsum(1).toArray() as number[][];
    expect(rows[39999]).toEqual([1, 2, 3]);
  });

  it('cumsum gradient is the reversed cumulative sum of dy, and differentiates again', () => {
    const x = t([1, 2, 3], true);
    const w = t([1, 10, 100]);
    x.cumsum(0).mul(w).sum().backward();
    expect(x.grad!.toArray()).toEqual([111, 110, 100]);
    const z = t([[1, 2], [3, 4]], true);
    z.cumsum(0).mul(z.cumsum(0)).sum().backward({ createGraph: true });
    // d/dz Σ c² with c = cumsum(z, 0): revcumsum(2c) = [[2(1+4), 2(2+6)], [8, 12]]
    const g = z.grad!;
    expect(g.toArray()).toEqual([[10, 16], [8, 12]]);
    z.grad = null;
    g.sum().backward();
    // Σ g = Σ_cols (2 c0 + 4 c1) = Σ_cols (6 z0 + 4 z1)
    expect(z.grad!.toArray()).toEqual([[6, 6], [4, 4]]);
  });

  it('cumsum rejects a missing, non-integer or out-of-range dim naming it', () => {
    const x = t([[1, 2], [3, 4]]), scalar = t(1);
    expectRejected(() => wg.cumsum(x, undefined as never), 'cumsum', 'dim is required');
    expectRejected(() => x.cumsum(2), 'cumsum', 'axis 2');
    expectRejected(() => x.cumsum(0.5), 'cumsum', '0.5');
    expectRejected(() => scalar.cumsum(1), 'cumsum', 'axis 1');
    expectRejected(() => wg.cumsum(5, 1), 'cumsum', 'axis 1'); // a converted number is freed too
  });
});

forEachConfig('reductions memory', ({ dtype }) => {
  const ops: [string, (v: Tensor) => Tensor][] = [
    ['logsumexp', (v) => v.logsumexp(1)], ['var', (v) => v.var(1)], ['std', (v) => v.std()], ['norm', (v) => v.norm()],
    ['norm(3)', (v) => v.norm(3, 0)], ['norm(1)', (v) => v.norm(1)], ['prod', (v) => v.prod(1)], ['min', (v) => v.min(0)],
    ['cumsum', (v) => v.cumsum(1)], ['argmax', (v) => v.argmax(1)],
  ];
  it.each(ops)('%s leaves only its result without a gradient, and nothing after a backward in tidy', (_name, f) => {
    const x = wg.tensor([[1, -2, 3], [4, 0, 6]], { dtype });
    const before = wg.memory().tensors;
    const y = f(x);
    expect(wg.memory().tensors).toBe(before + 1);
    y.dispose();
    const xg = wg.tensor([[1, -2, 3], [4, 0.5, 6]], { dtype, requiresGrad: true });
    const backward = () => wg.tidy(() => { const out = f(xg); if (out.requiresGrad) out.sum().backward(); });
    backward(); // the first pass creates xg.grad
    const kept = wg.memory();
    backward();
    expect(wg.memory()).toEqual(kept);
    x.dispose(); xg.dispose();
  });
});

forEachConfig('reductions threaded', ({ dtype }) => {
  // The wasm kernels with 2 threads (split over rows, long-row blocks, wide columns) against the js
  // backend's: the same indices and values (sums within rounding).
  const shapes: [number[], number][] = [[[100000], 0], [[4, 40000], 1], [[3, 20000], 0], [[20000, 3], 1], [[50, 30, 40], 1]];
  it.each(shapes)('min, prod, argmax, argmin, cumsum over %j axis %i agree with the js backend', (shape, axis) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const flat = Array.from({ length: n }, (_, i) => 1 + 0.001 * Math.sin(i * 0.7)); // prod stays finite
    const threads = wg.getThreads();
    wg.setThreads(2);
    try {
      const run = (backend: 'wasm' | 'js') => {
        wg.setBackend(backend);
        return wg.tidy(() => {
          const x = wg.tensor(flat, { dtype }).reshape(shape);
          return [x.min(axis), x.prod(axis), x.argmax(axis), x.argmin(axis), x.cumsum(axis)].map((r) => r.data());
        });
      };
      const [w, j] = [run('wasm'), run('js')];
      expect(w[2]).toEqual(j[2]);
      expect(w[3]).toEqual(j[3]);
      expect(w[0]).toEqual(j[0]);
      expectClose(w[1], j[1], { rtol: dtype === 'float32' ? 1e-3 : 1e-10 });
      expectClose(w[4], j[4], { rtol: dtype === 'float32' ? 1e-4 : 1e-12 });
    } finally {
      wg.setThreads(threads);
    }
  });
}, ['wasm']);
