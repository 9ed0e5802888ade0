// The tape's semantics: accumulation, retainGraph, retainGrad, leaves, noGrad, detach, grad and
// valueAndGrad, deep graphs, higher-order gradients (createGraph), backward seeds and gradient
// shapes under broadcasting.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import {
  type Tensor, expectClose, forEachBackend, forEachConfig, makeRng, nest, num, randomFlat, refSigmoid, thrown,
} from './helpers.js';

forEachConfig('accumulation and graph lifetime', ({ dtype, tol }) => {
  it('fan-out: a tensor used in several branches gets the sum of their gradients', () => {
    const x = wg.tensor([1, -2, 0.5], { dtype, requiresGrad: true });
    // y = x*x + 3x + x  ->  dy/dx = 2x + 4
    x.mul(x).add(x.mul(3)).add(x).sum().backward();
    expectClose(x.grad!.toArray(), [6, 0, 5], tol);
    const a = wg.tensor(2, { dtype, requiresGrad: true });
    a.add(a).mul(a).backward(); // 2a² -> 4a
    expectClose(a.grad!.item(), 8, tol);
  });

  it('leaves accumulate across backward() calls until zeroGrad()', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 7]);
    x.zeroGrad();
    if (x.grad !== null) expect(x.grad.toArray()).toEqual([0, 0]);
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it('a second backward without retainGraph throws naming retainGraph', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    const e = thrown(() => y.backward());
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message).toContain('retainGraph');
    expectClose(x.grad!.toArray(), [Math.E, Math.exp(2)], tol);
  });

  it('with retainGraph: true a second backward works and accumulates', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = x.mul(x).sigmoid().sum();
    y.backward({ retainGraph: true });
    const once = x.grad!.toArray() as number[];
    y.backward();
    const s = [1, 4].map(refSigmoid);
    const g = [0, 1].map((i) => s[i] * (1 - s[i]) * 2 * (i + 1));
    expectClose(once, g, tol);
    expectClose(x.grad!.toArray(), g.map((v) => 2 * v), tol);
    // the graph is released now
    expect(() => y.backward()).toThrow(/retainGraph/);
  });

  it('seed given with options: backward(seed, { retainGraph: true })', () => {
    const x = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const y = x.mul(2);
    y.backward(wg.tensor([1, 0, 1], { dtype }), { retainGraph: true });
    y.backward(wg.tensor([0, 1, 0], { dtype }));
    expect(x.grad!.toArray()).toEqual([2, 2, 2]);
  });

  it('non-leaf .grad is null unless retainGrad() was called', () => {
    const x = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const h = x.mul(2);
    const k = h.add(1);
    k.retainGrad();
    const y = k.mul(k).sum();
    y.backward();
    expect(h.isLeaf).toBe(false);
    expect(h.grad).toBeNull();
    expect(y.grad).toBeNull();
    expect(k.isLeaf).toBe(false);
    expect(k.grad).not.toBeNull();
    expect(k.grad!.shape).toEqual([3]);
    expectClose(k.grad!.toArray(), [6, 10, 14], tol);
    expectClose(x.grad!.toArray(), [12, 20, 28], tol);
  });

  it('leaves: tensors made by constructors and results of ops on tensors not requiring grad', () => {
    const made = wg.tensor([1, 2], { dtype });
    expect(made.isLeaf).toBe(true);
    expect(made.requiresGrad).toBe(false);
    expect(made.grad).toBeNull();
    const p = wg.randn([3, 4], { dtype }).mul(0.1);
    expect(p.isLeaf).toBe(true);
    expect(p.requiresGrad).toBe(false);
    p.requiresGrad = true;
    expect(p.requiresGrad).toBe(true);
    const x = wg.ones([2, 3], { dtype });
    x.matmul(p).sum().backward();
    expect(p.grad!.shape).toEqual([3, 4]);
    expect(p.grad!.toArray()).toEqual([[2, 2, 2, 2], [2, 2, 2, 2], [2, 2, 2, 2]]);
    expect(x.grad).toBeNull();
    // an op with an input requiring grad is not a leaf and requires grad
    const q = p.mul(2);
    expect(q.isLeaf).toBe(false);
    expect(q.requiresGrad).toBe(true);
  });

  it('noGrad: nothing inside records; it returns fn\'s value', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = wg.noGrad(() => x.mul(3).exp());
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expectClose(y.toArray(), [Math.exp(3), Math.exp(6)], tol);
    // a result computed from y and x only routes gradient through x's recorded use
    x.mul(y).sum().backward();
    expectClose(x.grad!.toArray(), [Math.exp(3), Math.exp(6)], tol);
    expect(wg.noGrad(() => 42)).toBe(42);
  });

  it('detach: same values, no gradient flows through it', () => {
    const x = wg.tensor([1.5, -2], { dtype, requiresGrad: true });
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.toArray()).toEqual([1.5, -2]);
    // y = stop(x) * x -> dy/dx = stop(x) = x, not 2x
    d.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1.5, -2]);
    expect(d.grad).toBeNull();
  });

  it('backward seed defaults to 1 for one-element tensors of any rank', () => {
    const x = wg.tensor([[2]], { dtype, requiresGrad: true });
    const y = x.mul(x).mul(x); // shape [1,1]
    expect(y.shape).toEqual([1, 1]);
    y.backward();
    expect(x.grad!.toArray()).toEqual([[12]]);
    const s = wg.tensor(3, { dtype, requiresGrad: true });
    s.mul(s).backward();
    expect(s.grad!.item()).toBe(6);
    expect(s.grad!.shape).toEqual([]);
  });

  it('backward seed is required for non-scalars (WasmgradError) and accepted as a tensor, array or number', () => {
    const x = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const y = x.mul(x);
    const e = thrown(() => y.backward());
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(x.grad).toBeNull();
    y.backward(wg.tensor([1, 10, 100], { dtype }));
    expect(x.grad!.toArray()).toEqual([2, 40, 600]);
    const z = wg.tensor([[1, 2], [3, 4]], { dtype, requiresGrad: true });
    z.mul(2).backward([[1, 0], [0, 1]]);
    expect(z.grad!.toArray()).toEqual([[2, 0], [0, 2]]);
    const s = wg.tensor(5, { dtype, requiresGrad: true });
    s.mul(s).backward(0.5);
    expect(s.grad!.item()).toBe(5);
  });

  it('gradients always have the tensor\'s shape, also after broadcasting', () => {
    const a = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true }); // [2,3]
    const b = wg.tensor([1, 2, 3], { dtype, requiresGrad: true }); // [3]
    const c = wg.tensor([[2], [3]], { dtype, requiresGrad: true }); // [2,1]
    const d = wg.tensor(0.5, { dtype, requiresGrad: true }); // []
    const e = wg.tensor([[1, 1, 2]], { dtype, requiresGrad: true }); // [1,3]
    const f = wg.tensor([[[1]]], { dtype, requiresGrad: true }); // [1,1,1]
    a.mul(b).add(c.mul(d)).mul(e).add(f).sum().backward();
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(b.grad!.shape).toEqual([3]);
    expect(c.grad!.shape).toEqual([2, 1]);
    expect(d.grad!.shape).toEqual([]);
    expect(e.grad!.shape).toEqual([1, 3]);
    expect(f.grad!.shape).toEqual([1, 1, 1]);
    // y = sum_ij (a_ij b_j + c_i d) e_j + f
    expect(a.grad!.toArray()).toEqual([[1, 2, 6], [1, 2, 6]]);
    expect(b.grad!.toArray()).toEqual([5, 7, 18]);
    expectClose(c.grad!.toArray(), [[2], [2]], tol);
    expectClose(d.grad!.item(), 20, tol);
    // de_j = sum_i (a_ij b_j + c_i d)
    expectClose(e.grad!.toArray(), [[7.5, 16.5, 29.5]], tol);
    expect(f.grad!.toArray()).toEqual([[[6]]]);
  });
});

forEachConfig('grad and valueAndGrad', ({ dtype, tol }) => {
  it('grad(f) returns one gradient per argument', () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).add(x.exp()).sum();
    const x = wg.tensor([0.5, 1], { dtype });
    const y = wg.tensor([2, -1], { dtype });
    const gs = wg.grad(f)(x, y);
    expect(gs).toHaveLength(2);
    expect(gs[0].shape).toEqual([2]);
    expectClose(gs[0].toArray(), [2 + Math.exp(0.5), -1 + Math.E], tol);
    expectClose(gs[1].toArray(), [0.5, 1], tol);
  });

  it('valueAndGrad(f) returns the value and the gradients', () => {
    const f = (w: Tensor) => w.mul(w).mean();
    const w = wg.tensor([[1, 2], [3, 4]], { dtype });
    const { value, grads } = wg.valueAndGrad(f)(w);
    expectClose(num(value), 7.5, tol);
    expect(grads).toHaveLength(1);
    expectClose(grads[0].toArray(), [[0.5, 1], [1.5, 2]], tol);
  });

  it('grad of a function with broadcasting returns gradients with the argument shapes', () => {
    const f = (a: Tensor, b: Tensor) => a.sub(b).pow(2).sum();
    const [ga, gb] = wg.grad(f)(wg.tensor([[1, 2], [3, 4]], { dtype }), wg.tensor([1, 1], { dtype }));
    expect(ga.shape).toEqual([2, 2]);
    expect(gb.shape).toEqual([2]);
    expect(ga.toArray()).toEqual([[0, 2], [4, 6]]);
    expect(gb.toArray()).toEqual([-4, -8]);
  });
});

forEachBackend('deep graphs', () => {
  it('a chain of 100,000 scalar ops backpropagates without a stack overflow', () => {
    wg.tidy(() => {
      const x = wg.tensor(1, { dtype: 'float64', requiresGrad: true });
      let y: Tensor = x;
      for (let i = 0; i < 50_000; i++) y = y.mul(1.00001).add(1e-6);
      y.backward();
      // d/dx of 50,000 affine steps = 1.00001^50000
      expectClose(x.grad!.item(), Math.pow(1.00001, 50_000), { rtol: 1e-9 });
      expectClose(y.item(), Math.pow(1.00001, 50_000) + 1e-6 * (Math.pow(1.00001, 50_000) - 1) / 1e-5, { rtol: 1e-9 });
    });
  }, 120_000);
});

forEachBackend('higher-order gradients (createGraph)', () => {
  it('second derivative of x³ is 6x', () => {
    const x = wg.tensor([-1.5, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    x.pow(3).sum().backward({ createGraph: true });
    const g = x.grad!;
    expectClose(g.toArray(), [6.75, 0.75, 12], { rtol: 1e-12 });
    expect(g.requiresGrad).toBe(true);
    x.zeroGrad();
    g.sum().backward();
    expectClose(x.grad!.toArray(), [-9, 3, 12], { rtol: 1e-12 });
  });

  it('second derivative of x*x*x written with mul is 6x', () => {
    const x = wg.tensor(1.25, { dtype: 'float64', requiresGrad: true });
    x.mul(x).mul(x).backward({ createGraph: true });
    const g = x.grad!;
    expectClose(g.item(), 3 * 1.25 ** 2, { rtol: 1e-12 });
    x.zeroGrad();
    g.backward();
    expectClose(x.grad!.item(), 7.5, { rtol: 1e-12 });
  });

  it("second derivative of sigmoid is σ(1-σ)(1-2σ)", () => {
    const xs = [-2.5, -0.4, 0, 0.7, 3];
    const x = wg.tensor(xs, { dtype: 'float64', requiresGrad: true });
    x.sigmoid().sum().backward({ createGraph: true });
    const g = x.grad!;
    const s = xs.map(refSigmoid);
    expectClose(g.toArray(), s.map((v) => v * (1 - v)), { rtol: 1e-12, atol: 1e-15 });
    x.zeroGrad();
    g.sum().backward();
    expectClose(x.grad!.toArray(), s.map((v) => v * (1 - v) * (1 - 2 * v)), { rtol: 1e-10, atol: 1e-15 });
  });

  it('third derivative of x⁴ through two createGraph passes is 24x', () => {
    const x = wg.tensor(0.75, { dtype: 'float64', requiresGrad: true });
    x.pow(4).backward({ createGraph: true });
    const g1 = x.grad!;
    x.zeroGrad();
    g1.backward({ createGraph: true });
    const g2 = x.grad!;
    expectClose(g2.item(), 12 * 0.75 ** 2, { rtol: 1e-12 });
    x.zeroGrad();
    g2.backward();
    expectClose(x.grad!.item(), 24 * 0.75, { rtol: 1e-12 });
  });

  it('Hessian-vector product of a tanh MLP 3-4-1 mseLoss matches finite differences of its gradient', () => {
    const opts = { dtype: 'float64' as const };
    const shapes = [[3, 4], [4], [4, 1], [1]];
    const theta = shapes.map((s, i) => randomFlat(s.reduce((p, q) => p * q, 1), 1000 + i, -1, 1));
    const v = shapes.map((s, i) => randomFlat(s.reduce((p, q) => p * q, 1), 2000 + i, -1, 1));
    const X = wg.tensor(nest(randomFlat(15, 3000, -2, 2), [5, 3]), opts);
    const Y = wg.tensor(nest(randomFlat(5, 3001, -1, 1), [5, 1]), opts);
    const loss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor) =>
      X.matmul(W1).add(b1).tanh().matmul(W2).add(b2).mseLoss(Y);
    const params = (vals: number[][]) =>
      vals.map((d, i) => wg.tensor(nest(d, shapes[i]), { ...opts, requiresGrad: true }));
    const gradAt = (vals: number[][]): number[][] => {
      const ps = params(vals);
      (loss as any)(...ps).backward();
      return ps.map((p) => Array.from(p.grad!.data()));
    };

    // analytic: H v = d/dθ (g(θ) · v)
    const ps = params(theta);
    (loss as any)(...ps).backward({ createGraph: true });
    const gs = ps.map((p) => p.grad!);
    let gv: Tensor = gs[0].mul(wg.tensor(nest(v[0], shapes[0]), opts)).sum();
    for (let i = 1; i < 4; i++) gv = gv.add(gs[i].mul(wg.tensor(nest(v[i], shapes[i]), opts)).sum());
    ps.forEach((p) => p.zeroGrad());
    gv.backward();
    const hv = ps.map((p) => Array.from(p.grad!.data()));

    // numeric: (g(θ + εv) - g(θ - εv)) / 2ε
    const eps = 1e-5;
    const plus = gradAt(theta.map((t, i) => t.map((x, j) => x + eps * v[i][j])));
    const minus = gradAt(theta.map((t, i) => t.map((x, j) => x - eps * v[i][j])));
    const fd = plus.map((p, i) => p.map((x, j) => (x - minus[i][j]) / (2 * eps)));
    let norm = 0;
    for (let i = 0; i < 4; i++) {
      expectClose(new Float64Array(hv[i]), new Float64Array(fd[i]), { rtol: 1e-6, atol: 1e-8 });
      norm += fd[i].reduce((p, q) => p + q * q, 0);
    }
    expect(Math.sqrt(norm)).toBeGreaterThan(1e-3); // a non-trivial product
  });
});

forEachBackend('random seeds for backward', () => {
  it('backward(dY) equals backward of sum(Y * dY)', () => {
    const r = makeRng(7);
    const data = Array.from({ length: 12 }, () => r() * 2 - 1);
    const seed = nest(Array.from({ length: 12 }, () => r() * 2 - 1), [3, 4]);
    const a = wg.tensor(nest(data, [3, 4]), { dtype: 'float64', requiresGrad: true });
    a.tanh().backward(wg.tensor(seed, { dtype: 'float64' }));
    const b = wg.tensor(nest(data, [3, 4]), { dtype: 'float64', requiresGrad: true });
    b.tanh().mul(wg.tensor(seed, { dtype: 'float64' })).sum().backward();
    expectClose(a.grad!.toArray(), b.grad!.toArray(), { rtol: 1e-14, atol: 1e-16 });
  });
});
