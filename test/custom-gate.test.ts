// The public custom-gate API: wg.defineGate({ name, forward(ctx, ...inputs), backward(ctx, dy) })
// returns (...inputs) => Tensor. Values, gradients, gradcheck, needsInputGrad, higher order, and the
// engine's check of a user backward's gradient shapes and dtypes.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { type Tensor, expectClose, forEachBackend, forEachConfig, refSigmoid, squash, thrown } from './helpers.js';

const square = wg.defineGate({
  name: 'square',
  forward(ctx: any, x: Tensor) {
    ctx.save(x);
    return x.mul(x);
  },
  backward(ctx: any, dy: Tensor) {
    const [x] = ctx.saved;
    return [dy.mul(x).mul(2)];
  },
});

// softplus(x) = log(1 + exp(x)), saving its output-independent input; d/dx = sigmoid(x)
const softplus = wg.defineGate({
  name: 'softplus',
  forward(ctx: any, x: Tensor) {
    ctx.save(x);
    return x.exp().add(1).log();
  },
  backward(ctx: any, dy: Tensor) {
    const [x] = ctx.saved;
    return [dy.mul(x.sigmoid())];
  },
});

/** Sums a broadcast gradient back to `shape` with public ops (what a broadcasting gate must do). */
function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return axes.length === 0 ? g : g.sum(axes, true).reshape([...shape]);
}

// a two-input gate recording which input gradients were asked for
const calls: { needs: boolean[] }[] = [];
const scaledAdd = wg.defineGate({
  name: 'scaledAdd',
  forward(ctx: any, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    return a.mul(b).add(a); // a*b + a
  },
  backward(ctx: any, dy: Tensor) {
    const [a, b] = ctx.saved;
    const needs = [ctx.needsInputGrad(0), ctx.needsInputGrad(1)];
    calls.push({ needs });
    return [needs[0] ? sumTo(dy.mul(b.add(1)), a.shape) : null, needs[1] ? sumTo(dy.mul(a), b.shape) : null];
  },
});

forEachConfig('custom gates', ({ dtype, tol }) => {
  it('square: values and gradient', () => {
    const x = wg.tensor([[1, -2], [0.5, 3]], { dtype, requiresGrad: true });
    const y = square(x);
    expect(y.shape).toEqual([2, 2]);
    expect(y.dtype).toBe(dtype);
    expect(y.toArray()).toEqual([[1, 4], [0.25, 9]]);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[2, -4], [1, 6]]);
  });

  it('softplus: values and gradient against plain JS', () => {
    const xs = [-3, -0.5, 0, 1.25, 4];
    const x = wg.tensor(xs, { dtype, requiresGrad: true });
    const y = softplus(x);
    expectClose(y.toArray(), xs.map((v) => Math.log1p(Math.exp(v))), tol);
    y.backward(wg.tensor([1, 2, 3, 4, 5], { dtype }));
    expectClose(x.grad!.toArray(), xs.map((v, i) => (i + 1) * refSigmoid(v)), tol);
  });

  it('a gate composes with built-in ops and broadcasting on both sides', () => {
    const x = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const w = wg.tensor([[1], [-1]], { dtype, requiresGrad: true });
    square(x.mul(w)).sum().backward(); // sum_ij (x_j w_i)² -> d/dx_j = 2 x_j Σ w_i², d/dw_i = 2 w_i Σ x_j²
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
    expect(w.grad!.toArray()).toEqual([[28], [-28]]);
  });

  it('needsInputGrad says which inputs need a gradient; null means none', () => {
    calls.length = 0;
    const a = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const b = wg.tensor([3, 4], { dtype });
    const y = scaledAdd(a, b);
    expect(y.toArray()).toEqual([4, 10]);
    y.sum().backward();
    expect(calls).toEqual([{ needs: [true, false] }]);
    expect(a.grad!.toArray()).toEqual([4, 5]);
    expect(b.grad).toBeNull();

    calls.length = 0;
    const c = wg.tensor([1, 2], { dtype });
    const d = wg.tensor([3, 4], { dtype, requiresGrad: true });
    scaledAdd(c, d).sum().backward();
    expect(calls).toEqual([{ needs: [false, true] }]);
    expect(d.grad!.toArray()).toEqual([1, 2]);
    expect(c.grad).toBeNull();
  });

  it('a gate on inputs that need no gradient gives a leaf and never runs backward', () => {
    calls.length = 0;
    const y = scaledAdd(wg.tensor([1], { dtype }), wg.tensor([2], { dtype }));
    expect(y.isLeaf).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(calls).toHaveLength(0);
  });

  it('inside noGrad a gate records nothing', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = wg.noGrad(() => square(x));
    expect(y.requiresGrad).toBe(false);
    expect(y.toArray()).toEqual([1, 4]);
  });

  it('fan-out through a gate accumulates', () => {
    const x = wg.tensor([1.5, -1], { dtype, requiresGrad: true });
    square(x).add(square(x)).add(x).sum().backward(); // 2x² + x -> 4x + 1
    expect(x.grad!.toArray()).toEqual([7, -3]);
  });

  it('a wrong-shaped gradient from a user backward throws a WasmgradError naming the gate', () => {
    const bad = wg.defineGate({
      name: 'badShapeGate',
      forward(ctx: any, x: Tensor) {
        ctx.save(x);
        return x.mul(2);
      },
      backward(_ctx: any, dy: Tensor) {
        return [dy.sum(0)]; // [3] instead of [2,3]
      },
    });
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    const y = bad(x).sum();
    const e = thrown(() => y.backward());
    expect(e).toBeInstanceOf(wg.WasmgradError);
    const msg = squash(e.message);
    expect(msg).toContain('badShapeGate');
    expect(msg).toContain('[2,3]');
    expect(msg).toContain('[3]');
    expect(wg.tensor([1]).add(1).item()).toBe(2);
  });

  it('a gradient of the wrong dtype throws naming the gate', () => {
    const other = dtype === 'float32' ? 'float64' : 'float32';
    const badDtype = wg.defineGate({
      name: 'badDtypeGate',
      forward(_ctx: any, x: Tensor) {
        return x.mul(2);
      },
      backward(_ctx: any, dy: Tensor) {
        return [dy.mul(2).astype(other)];
      },
    });
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const e = thrown(() => badDtype(x).sum().backward());
    expect(e).toBeInstanceOf(wg.WasmgradError);
    expect(e.message).toContain('badDtypeGate');
    expect(e.message).toContain(other);
  });

  it('too few gradients for inputs that need them throws naming the gate', () => {
    const badCount = wg.defineGate({
      name: 'badCountGate',
      forward(_ctx: any, a: Tensor, b: Tensor) {
        return a.add(b);
      },
      backward(_ctx: any, dy: Tensor) {
        return [dy];
      },
    });
    const a = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const b = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const e2 = thrown(() => badCount(a, b).sum().backward());
    expect(e2).toBeInstanceOf(wg.WasmgradError);
    expect(e2.message).toContain('badCountGate');
  });

  it('an error thrown by a user forward propagates and leaves nothing behind', () => {
    const failing = wg.defineGate({
      name: 'failingGate',
      forward(_ctx: any, x: Tensor) {
        x.mul(2);
        return x.add(wg.tensor([1, 2, 3], { dtype }));
      },
      backward(_ctx: any, dy: Tensor) {
        return [dy];
      },
    });
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const before = wg.memory().tensors;
    expect(() => failing(x)).toThrow(wg.WasmgradError);
    expect(wg.memory().tensors).toBe(before);
  });
});

forEachBackend('custom gates: gradcheck and higher order (float64)', () => {
  const opts = { dtype: 'float64' as const, requiresGrad: true };
  const GC = { eps: 1e-6, atol: 1e-8, rtol: 1e-7 };

  it('square passes gradcheck', () => {
    const x = wg.tensor([[0.3, -1.2, 2], [0.7, 1.1, -0.4]], opts);
    const res = wg.gradcheck((t: Tensor) => square(t), [x], GC);
    expect(res.ok, JSON.stringify(res)).toBe(true);
  });

  it('softplus passes gradcheck, also inside a composite', () => {
    const x = wg.tensor([-2, -0.3, 0.4, 1.7], opts);
    const w = wg.tensor([[0.5, -1, 0.2, 0.1], [1.5, 0.3, -0.7, 0.9]], opts);
    expect(wg.gradcheck((t: Tensor) => softplus(t), [x], GC).ok).toBe(true);
    const res = wg.gradcheck((t: Tensor, m: Tensor) => softplus(m.mul(t)).sum(1).tanh(), [x, w], GC);
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.inputs).toHaveLength(2);
  });

  it('scaledAdd passes gradcheck with broadcasting', () => {
    const a = wg.tensor([[0.5], [-1.5]], opts);
    const b = wg.tensor([0.2, -0.8, 1.3], opts);
    const res = wg.gradcheck((p: Tensor, q: Tensor) => scaledAdd(p, q), [a, b], GC);
    expect(res.ok, JSON.stringify(res)).toBe(true);
  });

  it('a backward written with ops is differentiable: square\'\'(x) = 2, softplus\'\' = σ(1-σ)', () => {
    const x = wg.tensor([0.5, -2], opts);
    square(x).sum().backward({ createGraph: true });
    const g = x.grad!;
    expect(g.toArray()).toEqual([1, -4]);
    x.zeroGrad();
    g.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);

    const z = wg.tensor([0.3, -1.1], opts);
    softplus(z).sum().backward({ createGraph: true });
    const gz = z.grad!;
    z.zeroGrad();
    gz.sum().backward();
    const s = [0.3, -1.1].map(refSigmoid);
    expectClose(z.grad!.toArray(), s.map((v) => v * (1 - v)), { rtol: 1e-12 });
  });
});
