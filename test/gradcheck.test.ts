// Every op case passes wg.gradcheck in float64 at tight tolerance on both backends, and every op's
// float32 gradient agrees with its float64 gradient. gradcheck itself is checked too: it must
// catch a wrong gradient, report per input, and leave its inputs as they were.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import {
  OP_CASES, caseData, caseInputs, expectClose, forEachBackend, nest, randomFlat, roundTo,
} from './helpers.js';

const GC = { eps: 1e-6, atol: 1e-8, rtol: 1e-7 };

forEachBackend('gradcheck float64', () => {
  it.each(OP_CASES.map((c) => ({ c, name: c.name })))('$name', ({ c }) => {
    const xs = caseInputs(c, 'float64', true);
    const res = wg.gradcheck(c.f, xs, GC);
    const detail = JSON.stringify({ maxAbsError: res.maxAbsError, maxRelError: res.maxRelError, inputs: res.inputs });
    expect(res.ok, detail).toBe(true);
    expect(res.inputs).toHaveLength(xs.length);
    for (const inp of res.inputs) {
      expect(inp.ok, detail).toBe(true);
      expect(Number.isFinite(inp.maxAbsError)).toBe(true);
    }
    expect(res.maxAbsError).toBeLessThan(1e-6);
  });
});

forEachBackend('float32 gradients agree with float64', () => {
  it.each(OP_CASES.map((c) => ({ c, name: c.name })))('$name', ({ c }) => {
    // identical input values in both dtypes: float32-representable numbers
    const data = caseData(c, 2).map((d) => roundTo('float32', d));
    const out: { y: unknown; grads: unknown[] }[] = [];
    for (const dtype of ['float64', 'float32'] as const) {
      const xs = caseInputs(c, dtype, true, data);
      const y = c.f(...xs);
      expect(y.dtype).toBe(dtype);
      const w = wg.tensor(nest(roundTo('float32', randomFlat(y.size, 5, -1, 1)), y.shape as number[]), { dtype });
      y.mul(w).sum().backward();
      out.push({ y: y.toArray(), grads: xs.map((x) => { expect(x.grad!.dtype).toBe(dtype); return x.grad!.toArray(); }) });
    }
    const tol = { rtol: 1e-4, atol: 1e-5 };
    expectClose(out[1].y, out[0].y, tol);
    out[0].grads.forEach((g64, i) => expectClose(out[1].grads[i], g64, tol));
  });
});

forEachBackend('gradcheck itself', () => {
  it('catches a wrong gradient and says which input is wrong', () => {
    // d/dx (x*x) written as 3x instead of 2x, through the public custom-gate API
    const badSquare = wg.defineGate({
      name: 'badSquare',
      forward(ctx: any, x: any) {
        ctx.save(x);
        return x.mul(x);
      },
      backward(ctx: any, dy: any) {
        const [x] = ctx.saved;
        return [dy.mul(x).mul(3)];
      },
    });
    const a = wg.tensor([0.5, -1.25, 2], { dtype: 'float64', requiresGrad: true });
    const b = wg.tensor([0.3, 0.7, -0.9], { dtype: 'float64', requiresGrad: true });
    const res = wg.gradcheck((x: any, y: any) => badSquare(x).add(y.exp()), [a, b], GC);
    expect(res.ok).toBe(false);
    expect(res.inputs[0].ok).toBe(false);
    expect(res.inputs[1].ok).toBe(true);
    // |3x - 2x| = |x|: the largest is 2
    expect(res.inputs[0].maxAbsError).toBeCloseTo(2, 5);
    expect(res.maxAbsError).toBeCloseTo(2, 5);
    expect(res.inputs[1].maxAbsError).toBeLessThan(1e-7);
  });

  it('leaves input values unchanged and accepts defaults', () => {
    const vals = [[0.1, -0.2], [0.3, 1.7]];
    const x = wg.tensor(vals, { dtype: 'float64', requiresGrad: true });
    const res = wg.gradcheck((t: any) => t.tanh().sum(), [x]);
    expect(res.ok).toBe(true);
    expect(x.toArray()).toEqual(vals);
  });

  it('checks the full Jacobian of a non-scalar output', () => {
    const x = wg.tensor([[0.2, -0.4, 1.1], [0.9, -1.3, 0.05]], { dtype: 'float64', requiresGrad: true });
    const res = wg.gradcheck((t: any) => t.softmax(0).mul(t.sigmoid()), [x], GC);
    expect(res.ok).toBe(true);
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
});

describe('gradcheck tolerances matter', () => {
  it('a slightly wrong gradient fails at tight tolerance but passes at a loose one', async () => {
    await wg.init();
    wg.setBackend('js');
    const off = wg.defineGate({
      name: 'slightlyOff',
      forward(ctx: any, x: any) {
        ctx.save(x);
        return x.exp();
      },
      backward(ctx: any, dy: any) {
        const [x] = ctx.saved;
        return [dy.mul(x.exp()).mul(1 + 1e-4)];
      },
    });
    const x = wg.tensor([0.5, 1, 1.5], { dtype: 'float64', requiresGrad: true });
    expect(wg.gradcheck((t: any) => off(t), [x], GC).ok).toBe(false);
    expect(wg.gradcheck((t: any) => off(t), [x], { eps: 1e-6, atol: 1e-8, rtol: 1e-3 }).ok).toBe(true);
  });
});
