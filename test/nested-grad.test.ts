// Issue 10, items 1-3: grad/valueAndGrad nest to any depth (also through gates that save their
// output: tanh, exp, sigmoid, sqrt) and mix with backward({ createGraph: true }) without leaking;
// they are function transforms that work inside noGrad (so gradcheck of grad(f) is right); and
// backward() through a graph that tidy() freed says what happened and what to do.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachBackend, forEachConfig, refSigmoid, squash, thrown, type Tensor } from './helpers.js';

type Op = 'tanh' | 'exp' | 'sigmoid' | 'sqrt';

/** The first three derivatives of each op, in closed form. */
const DERIVS: Record<Op, { xs: number[]; d: [(x: number) => number, (x: number) => number, (x: number) => number] }> = {
  tanh: {
    xs: [-1.3, -0.2, 0.4, 1.1],
    d: [
      (x) => 1 - Math.tanh(x) ** 2,
      (x) => { const t = Math.tanh(x); return -2 * t * (1 - t * t); },
      (x) => { const t = Math.tanh(x); return (6 * t * t - 2) * (1 - t * t); },
    ],
  },
  exp: { xs: [-1.5, -0.3, 0.2, 0.9], d: [Math.exp, Math.exp, Math.exp] },
  sigmoid: {
    xs: [-2.1, -0.5, 0.3, 1.7],
    d: [
      (x) => { const s = refSigmoid(x); return s * (1 - s); },
      (x) => { const s = refSigmoid(x); return s * (1 - s) * (1 - 2 * s); },
      (x) => { const s = refSigmoid(x); return s * (1 - s) * (1 - 6 * s + 6 * s * s); },
    ],
  },
  sqrt: {
    xs: [0.5, 0.9, 1.4, 2.2],
    d: [(x) => 0.5 * x ** -0.5, (x) => -0.25 * x ** -1.5, (x) => 0.375 * x ** -2.5],
  },
};
const OPS = Object.keys(DERIVS) as Op[];

// Each function ends in the gate itself (no trailing sum): those gates save their output, which
// the recorded gradient still needs when grad() returns.
const f = (op: Op) => (x: Tensor): Tensor => (x as any)[op]();
/** x ↦ g'(x) for a 0-d x: differentiating it again gives the next derivative. */
const d = (g: (x: Tensor) => Tensor) => (x: Tensor): Tensor => wg.grad(g)(x)[0];
/** Runs body on each value as a 0-d tensor and returns the results as numbers. */
const each = (xs: number[], body: (x: number) => number): number[] => xs.map(body);

forEachConfig('nested grad', ({ dtype }) => {
  const tol = dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 2e-4, atol: 2e-5 };

  it.each(OPS)('d³/dx³ of %s by grad(grad(grad(f))) matches the closed form', (op) => {
    const { xs, d: [, , d3] } = DERIVS[op];
    const got = each(xs, (v) => {
      const [g3] = wg.grad(d(d(f(op))))(wg.tensor(v, { dtype }));
      expect(g3.shape).toEqual([]);
      expect(g3.requiresGrad).toBe(false);
      return g3.item();
    });
    expectClose(got, xs.map(d3), tol);
  });

  it.each(OPS)('valueAndGrad of grad(f) for %s gives the first derivative and the second', (op) => {
    const { xs, d: [d1, d2] } = DERIVS[op];
    const values: number[] = [];
    const got = each(xs, (v) => {
      const { value, grads } = wg.valueAndGrad(d(f(op)))(wg.tensor(v, { dtype }));
      values.push(value.item());
      return grads[0].item();
    });
    expectClose(values, xs.map(d1), tol);
    expectClose(got, xs.map(d2), tol);
  });

  it.each(OPS)('grad(f) then backward({ createGraph: true }) then backward() gives d³/dx³ of %s', (op) => {
    const { xs, d: [d1, d2, d3] } = DERIVS[op];
    const got = xs.map((v) => {
      const x = wg.tensor(v, { dtype, requiresGrad: true });
      const [g1] = wg.grad(f(op))(x); // x is on a tape: the gradient is recorded
      expect(g1.requiresGrad).toBe(true);
      g1.backward({ createGraph: true });
      const g2 = x.grad!;
      x.zeroGrad();
      g2.backward();
      return [g1.item(), g2.item(), x.grad!.item()];
    });
    expectClose(got.map((r) => r[0]), xs.map(d1), tol);
    expectClose(got.map((r) => r[1]), xs.map(d2), tol);
    expectClose(got.map((r) => r[2]), xs.map(d3), tol);
  });

  it.each(OPS)('grad of a function that calls backward({ createGraph: true }) gives d²/dx² of %s', (op) => {
    const { xs, d: [, d2] } = DERIVS[op];
    const h = (t: Tensor): Tensor => {
      f(op)(t).backward({ createGraph: true });
      const g = t.grad!;
      t.zeroGrad();
      return g;
    };
    const got = each(xs, (v) => {
      const x = wg.tensor(v, { dtype });
      const [g2] = wg.grad(h)(x);
      expect(x.grad).toBeNull();
      return g2.item();
    });
    expectClose(got, xs.map(d2), tol);
  });

  it.each(OPS)('grad(grad(grad(f))) of %s inside tidy leaves memory().tensors at its baseline', (op) => {
    const x = wg.tensor(DERIVS[op].xs[1], { dtype });
    const base = wg.memory();
    const [g3] = wg.tidy(() => wg.grad(d(d(f(op))))(x));
    expect(wg.memory().tensors).toBe(base.tensors + 1);
    g3.dispose();
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytes).toBe(base.bytes);
  });

  it.each(OPS)('grad(f) mixed with createGraph backward passes for %s inside tidy leaves memory at its baseline', (op) => {
    const x = wg.tensor(DERIVS[op].xs[2], { dtype, requiresGrad: true });
    const base = wg.memory();
    const g3 = wg.tidy(() => {
      const [g1] = wg.grad(f(op))(x);
      g1.backward({ createGraph: true });
      const g2 = x.grad!;
      x.zeroGrad();
      g2.backward();
      const out = x.grad!.item();
      x.zeroGrad(); // a plain gradient: zeroGrad frees it
      return out;
    });
    expectClose(g3, DERIVS[op].d[2](DERIVS[op].xs[2]), tol);
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytes).toBe(base.bytes);
  });
});

forEachConfig('grad inside noGrad', ({ dtype }) => {
  const tol = dtype === 'float64' ? { rtol: 1e-12 } : { rtol: 1e-5 };

  it('grad(f) called inside noGrad returns the real gradient, not recorded', () => {
    for (const requiresGrad of [false, true]) {
      const x = wg.tensor([0.3, -1.2], { dtype, requiresGrad });
      const [g] = wg.noGrad(() => wg.grad((t: Tensor) => t.mul(t).mul(t).sum())(x));
      expectClose(g.toArray(), [3 * 0.09, 3 * 1.44], tol);
      expect(g.requiresGrad).toBe(false);
      expect(g.isLeaf).toBe(true);
      expect(x.grad).toBeNull();
    }
  });

  it('valueAndGrad(f) called inside noGrad returns the value and the real gradient', () => {
    const x = wg.tensor([0.5, 2], { dtype, requiresGrad: true });
    const { value, grads } = wg.noGrad(() => wg.valueAndGrad((t: Tensor) => t.exp().sum())(x));
    expectClose(value.item(), Math.exp(0.5) + Math.exp(2), tol);
    expectClose(grads[0].toArray(), [Math.exp(0.5), Math.exp(2)], tol);
    expect(grads[0].requiresGrad).toBe(false);
  });

  it('grad(grad(f)) called inside noGrad records the inner pass for the outer one', () => {
    const x = wg.tensor(0.4, { dtype });
    const [g2] = wg.noGrad(() => wg.grad(d(f('tanh')))(x));
    expectClose(g2.item(), DERIVS.tanh.d[1](0.4), tol);
  });

  it('grad(f) of a non-leaf inside noGrad leaves the graph it came from usable', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = w.mul(w); // recorded: y is a non-leaf
    const [g] = wg.noGrad(() => wg.grad((t: Tensor) => t.mul(3).sum())(y));
    expect(g.toArray()).toEqual([3, 3]);
    y.sum().backward(); // y's graph was neither released nor touched
    expect(w.grad!.toArray()).toEqual([2, 4]);
  });

  it('grad(f) of a tensor whose own graph was already backpropagated stops at that tensor', () => {
    const w = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = w.mul(w);
    y.sum().backward(); // releases y's graph
    const [g] = wg.grad((t: Tensor) => t.mul(t).sum())(y);
    expect(g.toArray()).toEqual([2, 8]);
  });
});

forEachBackend('gradcheck of functions that use grad', () => {
  it('gradcheck of x => grad(f)(x)[0].sum() passes in float64', () => {
    const x = wg.tensor([[0.3, -0.8, 1.2], [0.6, -1.1, 0.2]], { dtype: 'float64' });
    const fn = (t: Tensor) => t.tanh().mul(t.sigmoid()).sum();
    const res = wg.gradcheck((t: Tensor) => wg.grad(fn)(t)[0].sum(), [x], { eps: 1e-4, atol: 1e-8, rtol: 1e-6 });
    expect(res.ok).toBe(true);
    expect(res.maxAbsError).toBeLessThan(1e-8);
  });

  it('gradcheck of x => grad(grad(f))(x)[0].sum() passes in float64', () => {
    const x = wg.tensor([0.7, 1.9, 0.4], { dtype: 'float64' });
    const fn = (t: Tensor) => t.sqrt().mul(t.exp()).sum();
    const dfn = (t: Tensor) => wg.grad(fn)(t)[0].sum();
    const res = wg.gradcheck((t: Tensor) => wg.grad(dfn)(t)[0].sum(), [x], { eps: 1e-4, atol: 1e-7, rtol: 1e-6 });
    expect(res.ok).toBe(true);
  });
});

forEachBackend('backward through a graph freed by tidy', () => {
  it('backward() of a loss made inside tidy names the gate and says to call backward() inside the tidy', () => {
    wg.manualSeed(3);
    const model = new wg.nn.Sequential(new wg.nn.Linear(3, 4), new wg.nn.Tanh(), new wg.nn.Linear(4, 1));
    const x = wg.randn([5, 3]);
    const base = wg.memory();
    const loss = wg.tidy(() => model.forward(x).sum());
    const e = thrown(() => loss.backward());
    expect(e).toBeInstanceOf(wg.DisposedError);
    expect(e.message).toMatch(/^backward: \w+ needs its (input|saved tensor) \d+ \(shape \[[\d,]*\]\), which was disposed/);
    expect(e.message).toContain('tidy()');
    expect(e.message).toContain('call backward() inside that tidy');
    // Nothing ran, nothing leaked, and the parameters have no gradient.
    for (const p of model.parameters()) expect(p.grad).toBeNull();
    loss.dispose();
    expect(wg.memory().tensors).toBe(base.tensors);
    // The library keeps working: backward inside the tidy is the fix.
    const l2 = wg.tidy(() => {
      const l = model.forward(x).sum();
      l.backward();
      return l.detach();
    });
    expect(Number.isFinite(l2.item())).toBe(true);
    for (const p of model.parameters()) expect(p.grad).not.toBeNull();
  });

  it('backward() through a gate whose saved tensor was freed by tidy names the gate and the saved tensor', () => {
    // The gate saves a tensor its forward made: tidy frees it with everything else but the result.
    const twice = wg.defineGate({
      name: 'twiceSaved',
      forward(ctx, a) { ctx.save(a.mul(2)); return a.mul(2); },
      backward(ctx, dy) { return [dy.mul(ctx.saved[0]).div(ctx.saved[0])]; },
    });
    const x = wg.tensor([0.1, 0.2], { requiresGrad: true });
    const y = wg.tidy(() => twice(x));
    const e = thrown(() => y.backward(wg.tensor([1, 1])));
    expect(e).toBeInstanceOf(wg.DisposedError);
    expect(squash(e.message)).toContain(squash('backward: twiceSaved needs its saved tensor 0 (shape [2]), which was disposed'));
    expect(x.grad).toBeNull();
  });

  it('backward() through a gate whose input was disposed names the gate and the input', () => {
    const x = wg.tensor([0.1, 0.2], { requiresGrad: true });
    const c = wg.tensor([3, 4]);
    const loss = x.mul(c).sum(); // mul's rule reads c for x's gradient
    c.dispose();
    const e = thrown(() => loss.backward());
    expect(e).toBeInstanceOf(wg.DisposedError);
    expect(squash(e.message)).toContain(squash('backward: mul needs its input 1 (shape [2]), which was disposed'));
    expect(x.grad).toBeNull();
  });
});
