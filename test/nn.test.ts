// nn modules: Linear (PyTorch layout and initialisation), Sequential naming, MLP, activations,
// Dropout (active only in training mode), train/eval and zeroGrad.

import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

const configs = (['wasm', 'js'] as const).flatMap((backend) =>
  (['float32', 'float64'] as const).map((dtype) => ({ backend, dtype })));

describe.each(configs)('nn [$backend/$dtype]', ({ backend, dtype }) => {
  beforeAll(async () => {
    await wg.init();
  });
  beforeEach(() => {
    wg.setBackend(backend);
    wg.manualSeed(42);
  });
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;

  it('Linear stores weight [out, in] and bias [out], named like PyTorch', () => {
    const lin = new wg.nn.Linear(5, 3, { dtype });
    expect(lin.weight.shape).toEqual([3, 5]);
    expect(lin.bias!.shape).toEqual([3]);
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(lin.parameters().every((p) => p.requiresGrad && p.isLeaf && p.dtype === dtype)).toBe(true);
    expect(new wg.nn.Linear(5, 3, { bias: false }).parameters()).toHaveLength(1);
  });

  it('Linear initialises uniformly within ±1/sqrt(in) (Kaiming-uniform, a = √5)', () => {
    const lin = new wg.nn.Linear(400, 300, { dtype });
    const w = lin.weight.data();
    const bound = 1 / Math.sqrt(400);
    let mn = Infinity, mx = -Infinity, mean = 0, sq = 0;
    for (const v of w) { mn = Math.min(mn, v); mx = Math.max(mx, v); mean += v; sq += v * v; }
    mean /= w.length;
    const variance = sq / w.length - mean * mean;
    expect(mn).toBeGreaterThanOrEqual(-bound);
    expect(mx).toBeLessThan(bound);
    expect(Math.abs(mean)).toBeLessThan(bound * 0.02);
    expect(variance).toBeCloseTo((bound * bound) / 3, 5); // U(-b, b) has variance b²/3
    for (const v of lin.bias!.data()) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('Linear computes x·Wᵀ + b for 2-D, 1-D and batched inputs', () => {
    const lin = new wg.nn.Linear(4, 2, { dtype });
    const W = lin.weight.toArray() as number[][];
    const b = lin.bias!.toArray() as number[];
    const xs = [[1, 2, 3, 4], [-1, 0.5, 2, -3]];
    const y = lin.forward(wg.tensor(xs, { dtype })).toArray() as number[][];
    xs.forEach((x, i) => W.forEach((row, j) => {
      const want = row.reduce((s, w, k) => s + w * x[k], b[j]);
      expect(Math.abs(y[i][j] - want)).toBeLessThan(tol * 10);
    }));
    expect(lin.forward(wg.tensor(xs[0], { dtype })).shape).toEqual([2]);
    expect(lin.forward(wg.zeros([3, 5, 4], { dtype })).shape).toEqual([3, 5, 2]);
    expect(() => lin.forward(wg.zeros([2, 3], { dtype }))).toThrow(wg.ShapeError);
  });

  it('Linear passes gradcheck for input, weight and bias', () => {
    if (dtype !== 'float64') return;
    const lin = new wg.nn.Linear(3, 2, { dtype });
    const x = wg.randn([4, 3], { dtype });
    const r = wg.gradcheck((xx, w, b) => xx.matmul(w.transpose()).add(b).tanh(),
      [x, lin.weight, lin.bias!], { rtol: 1e-7, atol: 1e-9 });
    expect(r.ok).toBe(true);
    // The module's own forward (transposed-flag product) gives the same gradients.
    const xr = x.detach();
    xr.requiresGrad = true;
    lin.forward(xr).tanh().sum().backward();
    const W = lin.weight.detach(), B = lin.bias!.detach();
    W.requiresGrad = true; B.requiresGrad = true;
    const x2 = x.detach(); x2.requiresGrad = true;
    x2.matmul(W.transpose()).add(B).tanh().sum().backward();
    for (const [a, b] of [[xr.grad!, x2.grad!], [lin.weight.grad!, W.grad!], [lin.bias!.grad!, B.grad!]]) {
      const da = a.data(), db = b.data();
      for (let i = 0; i < da.length; i++) expect(Math.abs(da[i] - db[i])).toBeLessThan(1e-14);
    }
  });

  it('Sequential names children 0, 1, ... and applies them in order', () => {
    const net = new wg.nn.Sequential(new wg.nn.Linear(2, 3, { dtype }), new wg.nn.Tanh(), new wg.nn.Linear(3, 1, { dtype }));
    expect(net.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const x = wg.tensor([[0.5, -1]], { dtype });
    const manual = net.layers[2].forward(net.layers[0].forward(x).tanh());
    expect(net.forward(x).toArray()).toEqual(manual.toArray());
  });

  it('MLP builds Linear layers with the activation between them, none at the end', () => {
    const mlp = new wg.nn.MLP([4, 8, 8, 2], { activation: 'tanh', dtype });
    expect(mlp.layers.map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']);
    expect(mlp.parameters()).toHaveLength(6);
    expect(mlp.forward(wg.randn([5, 4], { dtype })).shape).toEqual([5, 2]);
    expect(() => new wg.nn.MLP([4, 2], { activation: 'gelu' as never })).not.toThrow(); // no hidden layer
    expect(() => new wg.nn.MLP([4, 3, 2], { activation: 'gelu' as never })).toThrow(wg.WasmgradError);
    expect(() => new wg.nn.MLP([4])).toThrow(wg.WasmgradError);
  });

  it('activation modules match the ops', () => {
    const x = wg.tensor([-2, -0.5, 0, 0.5, 2], { dtype });
    expect(new wg.nn.ReLU().forward(x).toArray()).toEqual(x.relu().toArray());
    expect(new wg.nn.Tanh().forward(x).toArray()).toEqual(x.tanh().toArray());
    expect(new wg.nn.Sigmoid().forward(x).toArray()).toEqual(x.sigmoid().toArray());
  });

  it('Dropout zeroes about p of the elements and rescales the rest in training, and is the identity in eval', () => {
    const drop = new wg.nn.Dropout(0.25);
    const x = wg.ones([100, 100], { dtype, requiresGrad: true });
    const y = drop.forward(x);
    const v = y.data();
    const zeros = v.filter((e) => e === 0).length;
    expect(zeros / v.length).toBeGreaterThan(0.22);
    expect(zeros / v.length).toBeLessThan(0.28);
    for (const e of v) if (e !== 0) expect(Math.abs(e - 1 / 0.75)).toBeLessThan(1e-6);
    y.sum().backward();
    const g = x.grad!.data();
    for (let i = 0; i < g.length; i++) expect(g[i]).toBe(v[i]); // the gradient goes through the kept elements
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(() => new wg.nn.Dropout(1.5)).toThrow(wg.WasmgradError); // p = 1 is allowed, as in PyTorch
  });

  it('train() and eval() switch every submodule', () => {
    const mlp = new wg.nn.MLP([3, 4, 2], { dropout: 0.5, dtype });
    mlp.eval();
    expect(mlp.layers.every((m) => !m.training)).toBe(true);
    const x = wg.randn([2, 3], { dtype });
    expect(mlp.forward(x).toArray()).toEqual(mlp.forward(x).toArray()); // deterministic in eval
    mlp.train();
    expect(mlp.layers.every((m) => m.training)).toBe(true);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const mlp = new wg.nn.MLP([3, 4, 2], { dtype });
    mlp.forward(wg.randn([2, 3], { dtype })).sum().backward();
    expect(mlp.parameters().every((p) => p.grad !== null)).toBe(true);
    mlp.zeroGrad();
    expect(mlp.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('parameters survive tidy, and a forward inside tidy leaves nothing behind', () => {
    const before = wg.memory().tensors;
    const mlp = wg.tidy(() => new wg.nn.MLP([3, 4, 2], { dtype }));
    const afterBuild = wg.memory().tensors;
    expect(afterBuild - before).toBe(4);
    wg.tidy(() => {
      mlp.forward(wg.randn([2, 3], { dtype })).sum().backward();
    });
    mlp.zeroGrad();
    expect(wg.memory().tensors).toBe(afterBuild);
  });
});
