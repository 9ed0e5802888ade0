// Gradients at edge points (0·log 0, 0/0, division by 0, sqrt and log at 0, saturation, -Infinity
// in softmax, extreme logits, empty means, NaN and ties) against the values PyTorch gives
// (derivatives.yaml), on both backends and float dtypes. Where the SPEC deliberately differs
// (ties of maximum/minimum/max go to the first input/index; PyTorch halves them) the SPEC wins.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachBackend, forEachConfig, type DType, type Tensor } from './helpers.js';

const LN2 = Math.log(2);
const TOL: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-7 },
  float64: { rtol: 1e-12, atol: 1e-15 },
};

/** Leaves of the given values, f applied, backward with a seed of ones; returns value and grads. */
function run(dtype: DType, f: (...xs: Tensor[]) => Tensor, ...values: unknown[]): { value: unknown; grads: unknown[] } {
  const xs = values.map((v) => wg.tensor(v as number[], { dtype, requiresGrad: true }));
  const y = f(...xs);
  y.backward(wg.ones(y.shape as number[], { dtype }));
  return { value: y.toArray(), grads: xs.map((x) => x.grad!.toArray()) };
}

forEachConfig('edge gradients', ({ dtype }) => {
  const tol = TOL[dtype];

  describe('relu', () => {
    it('relu keeps NaN (PyTorch) and passes the gradient there; relu(0) = relu(-0) = 0 with gradient 0', () => {
      // 37 elements: the SIMD loop and the scalar tail both see NaN, 0 and -0.
      const xs = Array.from({ length: 37 }, (_, i) => [NaN, 0, -0, -2, 3][i % 5]);
      const r = run(dtype, (x) => x.relu(), xs);
      const want = xs.map((x) => (Number.isNaN(x) ? NaN : Math.max(x, 0)));
      expectClose(r.value, want, tol);
      expect((r.value as number[]).every((v) => !Object.is(v, -0))).toBe(true);
      expectClose(r.grads[0], xs.map((x) => (Number.isNaN(x) || x > 0 ? 1 : 0)), tol);
    });
  });

  describe('pow', () => {
    it('the exponent gradient is 0 where the base is 0 and the exponent >= 0 (issue 10)', () => {
      const r = run(dtype, (x, e) => x.pow(e), [0, 2], [2, 2]);
      expectClose(r.value, [0, 4], tol);
      expectClose(r.grads[0], [0, 4], tol);
      expectClose(r.grads[1], [0, 4 * LN2], tol);
    });

    it('the base gradient is 0 where the exponent is 0, also at base 0', () => {
      const r = run(dtype, (x, e) => x.pow(e), [0, 3], [0, 0]);
      expectClose(r.value, [1, 1], tol);
      expectClose(r.grads[0], [0, 0], tol);
      expectClose(r.grads[1], [0, Math.log(3)], tol);
    });

    it('a plain-number exponent 0 gives a zero base gradient at 0', () => {
      const r = run(dtype, (x) => x.pow(0), [0, 2]);
      expectClose(r.grads[0], [0, 0], tol);
    });

    it('a plain-number base 0 gives exponent gradients 0, 0, -Infinity for e = 2, 0, -1', () => {
      const r = run(dtype, (e) => wg.pow(0, e), [2, 0, -1]);
      expectClose(r.value, [0, 1, Infinity], tol);
      expectClose(r.grads[0], [0, 0, -Infinity], tol);
    });

    it('0 to a negative power keeps the infinities PyTorch gives', () => {
      const r = run(dtype, (x, e) => x.pow(e), [0], [-1]);
      expectClose(r.grads[0], [-Infinity], tol);
      expectClose(r.grads[1], [-Infinity], tol);
    });

    it('a fractional power has an infinite base gradient at 0', () => {
      const r = run(dtype, (x) => x.pow(0.5), [0, 4]);
      expectClose(r.grads[0], [Infinity, 0.25], tol);
    });

    it('a negative base has a NaN exponent gradient (log of a negative number)', () => {
      const r = run(dtype, (x, e) => x.pow(e), [-2], [2]);
      expectClose(r.grads[0], [-4], tol);
      expectClose(r.grads[1], [NaN], tol);
    });

    it('the masks follow broadcasting: base [2,1] against exponent [3]', () => {
      const r = run(dtype, (x, e) => x.pow(e), [[0], [2]], [0, 1, 2]);
      expectClose(r.value, [[1, 0, 0], [1, 2, 4]], tol);
      // x = 0: 0 (masked, e = 0) + 1·0^0 + 2·0; x = 2: 0 + 1 + 2·2
      expectClose(r.grads[0], [[1], [5]], tol);
      // e: (masked at x = 0) + 2^e ln 2 at x = 2
      expectClose(r.grads[1], [LN2, 2 * LN2, 4 * LN2], tol);
    });

    it('second derivatives under createGraph at and away from base 0', () => {
      const x = wg.tensor([0, 2], { dtype, requiresGrad: true });
      const e = wg.tensor([2, 3], { dtype, requiresGrad: true });
      x.pow(e).sum().backward({ createGraph: true });
      const gx = x.grad!, ge = e.grad!;
      expectClose(gx.toArray(), [0, 12], tol);
      expectClose(ge.toArray(), [0, 8 * LN2], tol);
      expect(gx.requiresGrad && ge.requiresGrad).toBe(true);
      x.zeroGrad();
      e.zeroGrad();
      gx.sum().backward({ retainGraph: true });
      // d²/dx² = e(e-1)x^(e-2); d²/dxde = x^(e-1) + e x^(e-1) ln x (0 at x = 0, the masked pow inside)
      expectClose(x.grad!.toArray(), [2, 12], tol);
      expectClose(e.grad!.toArray(), [0, 4 + 12 * LN2], tol);
      x.zeroGrad();
      e.zeroGrad();
      ge.sum().backward();
      // d/de (x^e ln x) = x^e ln² x (0 where masked), d/dx = e x^(e-1) ln x + x^(e-1). At x = 0 the
      // x-derivative goes through 0·log 0 behind the mask, NaN as with PyTorch's where; not asserted.
      expectClose(e.grad!.toArray(), [0, 8 * LN2 * LN2], tol);
      expectClose((x.grad!.toArray() as number[])[1], 12 * LN2 + 4, tol);
    });

    it('backward through the masked rule leaves no tensors behind', () => {
      const x = wg.tensor([0, 2, 3], { dtype, requiresGrad: true });
      const e = wg.tensor([0, 2, -1], { dtype, requiresGrad: true });
      const before = wg.memory().tensors;
      const p = x.pow(e);
      const y = p.sum();
      y.backward();
      y.dispose();
      p.dispose();
      x.zeroGrad();
      e.zeroGrad();
      expect(wg.memory().tensors).toBe(before);
    });
  });

  describe('maximum, minimum, max', () => {
    it('maximum: where an input is NaN both inputs get the gradient (PyTorch); a tie goes to the first input (SPEC)', () => {
      const r = run(dtype, (a, b) => wg.maximum(a, b), [NaN, 1, 2, 5], [1, NaN, 2, 3]);
      expectClose(r.value, [NaN, NaN, 2, 5], tol);
      expectClose(r.grads[0], [1, 1, 1, 1], tol);
      expectClose(r.grads[1], [1, 1, 0, 0], tol);
    });

    it('minimum: where an input is NaN both inputs get the gradient (PyTorch); a tie goes to the first input (SPEC)', () => {
      const r = run(dtype, (a, b) => wg.minimum(a, b), [NaN, 1, 2, 5], [1, NaN, 2, 3]);
      expectClose(r.value, [NaN, NaN, 2, 3], tol);
      expectClose(r.grads[0], [1, 1, 1, 0], tol);
      expectClose(r.grads[1], [1, 1, 0, 1], tol);
    });

    it('max: the gradient goes to the first NaN, and on a tie to the first index (SPEC)', () => {
      expectClose(run(dtype, (a) => a.max(), [1, NaN, 3, NaN]).grads[0], [0, 1, 0, 0], tol);
      expectClose(run(dtype, (a) => a.max(), [3, 1, 3]).grads[0], [1, 0, 0], tol);
      const r = run(dtype, (a) => a.max(1), [[1, NaN, 3], [2, 2, 1]]);
      expectClose(r.value, [NaN, 2], tol);
      expectClose(r.grads[0], [[0, 1, 0], [1, 0, 0]], tol);
    });
  });

  describe('division, sqrt, log', () => {
    it('division by 0: 1/b = ±Infinity for a, -(a/b)/b for b (NaN at 0/0)', () => {
      const r = run(dtype, (a, b) => a.div(b), [1, 0, -1], [0, 0, 0]);
      expectClose(r.value, [Infinity, NaN, -Infinity], tol);
      expectClose(r.grads[0], [Infinity, Infinity, Infinity], tol);
      expectClose(r.grads[1], [-Infinity, NaN, Infinity], tol);
    });

    it('sqrt at 0 has gradient +Infinity', () => {
      expectClose(run(dtype, (x) => x.sqrt(), [0, 4]).grads[0], [Infinity, 0.25], tol);
    });

    it('log at 0 has gradient +Infinity; at a negative x, 1/x', () => {
      const r = run(dtype, (x) => x.log(), [0, -1]);
      expectClose(r.value, [-Infinity, NaN], tol);
      expectClose(r.grads[0], [Infinity, -1], tol);
    });
  });

  describe('saturation', () => {
    it('tanh and sigmoid saturate to a gradient of exactly 0, never NaN', () => {
      expectClose(run(dtype, (x) => x.tanh(), [-1000, -50, 50, 1000]).grads[0], [0, 0, 0, 0], tol);
      const s = run(dtype, (x) => x.sigmoid(), [-1000, 50, 1000, -50]).grads[0];
      expectClose(s, [0, 0, 0, 1.9287498479639178e-22], { rtol: 1e-4, atol: 0 });
      // 33 values: the vector loops as well as the scalar tails
      const xs = Array.from({ length: 33 }, (_, i) => (i - 16) * 60);
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      expectClose(run(dtype, (x) => x.tanh(), xs).grads[0], xs.map((v) => 1 - Math.tanh(v) ** 2), tol);
      expectClose(run(dtype, (x) => x.sigmoid(), xs).grads[0], xs.map((v) => sig(v) * (1 - sig(v))), tol);
    });
  });

  describe('softmax, logSoftmax, crossEntropy', () => {
    it('softmax with a -Infinity entry: that entry gets gradient 0, the others are finite', () => {
      const x = wg.tensor([0, 0, -Infinity], { dtype, requiresGrad: true });
      const y = x.softmax();
      expectClose(y.toArray(), [0.5, 0.5, 0], tol);
      y.backward(wg.tensor([1, 0, 0], { dtype }));
      expectClose(x.grad!.toArray(), [0.25, -0.25, 0], tol);
    });

    it('logSoftmax with a -Infinity entry: value -Infinity, gradient dy - e^y Σdy (finite)', () => {
      const r = run(dtype, (x) => x.logSoftmax(), [0, -Infinity]);
      expectClose(r.value, [0, -Infinity], tol);
      expectClose(r.grads[0], [-1, 1], tol);
    });

    it('softmax of a row that is all -Infinity is NaN, as in PyTorch', () => {
      const r = run(dtype, (x) => x.softmax(), [[-Infinity, -Infinity], [0, 0]]);
      expectClose(r.value, [[NaN, NaN], [0.5, 0.5]], tol);
      expectClose(r.grads[0], [[NaN, NaN], [0, 0]], tol);
    });

    it('long rows (the SIMD paths): -Infinity entries get gradient 0, the rest match a float64 reference', () => {
      const n = 37;
      const row = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -Infinity : (i % 7) - 3));
      const dy = row.map((_, i) => i % 3);
      const m = Math.max(...row);
      const ex = row.map((v) => Math.exp(v - m));
      const z = ex.reduce((p, v) => p + v, 0);
      const y = ex.map((v) => v / z);
      const dot = y.reduce((p, v, i) => p + v * dy[i], 0);
      const sumDy = dy.reduce((p, v) => p + v, 0);
      const x = wg.tensor(row, { dtype, requiresGrad: true });
      x.softmax().backward(wg.tensor(dy, { dtype }));
      expectClose(x.grad!.toArray(), y.map((v, i) => v * (dy[i] - dot)), tol);
      const x2 = wg.tensor(row, { dtype, requiresGrad: true });
      x2.logSoftmax().backward(wg.tensor(dy, { dtype }));
      expectClose(x2.grad!.toArray(), y.map((v, i) => dy[i] - v * sumDy), tol);
      const x3 = wg.tensor([row], { dtype, requiresGrad: true });
      const loss = x3.crossEntropy([3]);
      expectClose(loss.item(), -Math.log(y[3]), tol);
      loss.backward();
      expectClose(x3.grad!.toArray(), [y.map((v, i) => v - (i === 3 ? 1 : 0))], tol);
    });

    it('crossEntropy with extreme logits: exact loss and softmax - onehot, also under createGraph', () => {
      for (const createGraph of [false, true]) {
        const x = wg.tensor([[1000, -1000], [-1000, 1000], [0, -Infinity]], { dtype, requiresGrad: true });
        const loss = x.crossEntropy([1, 1, 0]);
        expectClose(loss.item(), 2000 / 3, tol);
        loss.backward({ createGraph });
        expectClose(x.grad!.toArray(), [[1 / 3, -1 / 3], [0, 0], [0, 0]], tol);
      }
    });
  });

  describe('mean of size 0', () => {
    it('mean of an empty tensor is NaN with an empty gradient; over an empty axis NaN per row', () => {
      const r = run(dtype, (x) => x.mean(), []);
      expectClose(r.value, NaN, tol);
      expect(r.grads[0]).toEqual([]);
      const x = wg.zeros([2, 0], { dtype, requiresGrad: true });
      const m = x.mean(1);
      expectClose(m.toArray(), [NaN, NaN], tol);
      m.backward(wg.ones([2], { dtype }));
      expect(x.grad!.shape).toEqual([2, 0]);
    });
  });
});

forEachBackend('edge gradients, gradcheck', () => {
  it('pow away from 0 passes gradcheck in float64 (base and exponent, broadcasting)', () => {
    const x = wg.tensor([[0.5, 1.3, 2.1], [0.7, 1.9, 3.2]], { dtype: 'float64' });
    const e = wg.tensor([-1.5, 0.4, 2.5], { dtype: 'float64' });
    const report = wg.gradcheck((a, b) => a.pow(b), [x, e], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
    expect(report.ok).toBe(true);
    const squares = wg.gradcheck((a) => a.pow(2), [wg.tensor([-1.5, 0.3, 2], { dtype: 'float64' })], { eps: 1e-6 });
    expect(squares.ok).toBe(true);
  });
});
