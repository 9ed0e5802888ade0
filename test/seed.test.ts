// The seed's worked examples (the backpropagation lecture notes the project grew from, kept
// outside this repository) with their exact numbers, float64, both backends: the sigmoid
// neuron, the staged expression and the matrix product D = W·X.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachBackend, matMul, matT, nest, randomNormal } from './helpers.js';

const f64 = { dtype: 'float64' as const };
const leaf = (v: number | number[] | number[][]) => wg.tensor(v, { ...f64, requiresGrad: true });

// The seed's numbers (Python floats printed in full).
const F = 0.7310585786300049;
const DX = [0.3932238664829637, -0.5898357997244456];
const DW = [-0.19661193324148185, -0.3932238664829637, 0.19661193324148185];
const EXACT = { rtol: 1e-15, atol: 0 };

forEachBackend('seed: sigmoid neuron', () => {
  it('f = sigmoid(w0*x0 + w1*x1 + w2) with scalar tensors gives the seed\'s f, dx, dw', () => {
    const [w0, w1, w2] = [2, -3, -3].map((v) => leaf(v));
    const [x0, x1] = [-1, -2].map((v) => leaf(v));
    const f = w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid();
    expectClose(f.item(), F, EXACT);
    f.backward();
    expectClose([x0.grad!.item(), x1.grad!.item()], DX, EXACT);
    expectClose([w0.grad!.item(), w1.grad!.item(), w2.grad!.item()], DW, EXACT);
  });

  it('the same neuron with vectors: sigmoid(sum(w[:2] * x) + w[2]) via an augmented input', () => {
    const w = leaf([2, -3, -3]);
    const x = leaf([-1, -2]);
    const xa = wg.tensor([[1, 0, 0], [0, 1, 0]], f64); // x @ xa = [x0, x1, 0]
    const bias = wg.tensor([0, 0, 1], f64);
    const f = w.mul(x.matmul(xa).add(bias)).sum().sigmoid();
    expect(f.shape).toEqual([]);
    expectClose(f.item(), F, EXACT);
    f.backward();
    expect(w.grad!.shape).toEqual([3]);
    expect(x.grad!.shape).toEqual([2]);
    expectClose(x.grad!.toArray(), DX, EXACT);
    expectClose(w.grad!.toArray(), DW, EXACT);
  });

  it('the sigmoid gate\'s local gradient is (1 - f) f', () => {
    const dot = leaf(1);
    const f = dot.sigmoid();
    f.backward();
    expectClose(dot.grad!.item(), (1 - F) * F, EXACT);
  });
});

forEachBackend('seed: staged expression', () => {
  it('f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²) at x = 3, y = -4: the tape equals the hand-staged backward pass', () => {
    // forward pass, staged as in the seed
    const X = 3;
    const Y = -4;
    const sigy = 1.0 / (1 + Math.exp(-Y)); // (1)
    const num = X + sigy; // (2)
    const sigx = 1.0 / (1 + Math.exp(-X)); // (3)
    const xpy = X + Y; // (4)
    const xpysqr = xpy ** 2; // (5)
    const den = sigx + xpysqr; // (6)
    const invden = 1.0 / den; // (7)
    const fHand = num * invden; // (8)
    // backward pass, staged as in the seed
    const dnum = invden; // (8)
    const dinvden = num; // (8)
    const dden = (-1.0 / den ** 2) * dinvden; // (7)
    const dsigx = 1 * dden; // (6)
    const dxpysqr = 1 * dden; // (6)
    const dxpy = 2 * xpy * dxpysqr; // (5)
    let dx = 1 * dxpy; // (4)
    let dy = 1 * dxpy; // (4)
    dx += (1 - sigx) * sigx * dsigx; // (3)  notice +=
    dx += 1 * dnum; // (2)
    const dsigy = 1 * dnum; // (2)
    dy += (1 - sigy) * sigy * dsigy; // (1)

    const x = leaf(X);
    const y = leaf(Y);
    const f = x.add(y.sigmoid()).div(x.sigmoid().add(x.add(y).pow(2)));
    expectClose(f.item(), fHand, { rtol: 1e-14 });
    f.backward();
    expectClose(x.grad!.item(), dx, { rtol: 1e-13 });
    expectClose(y.grad!.item(), dy, { rtol: 1e-13 });
    // the values themselves, as sanity anchors (computed independently by the staged code above)
    expect(fHand).toBeCloseTo(1.5456448841066441, 14);
    expect(dx).toBeCloseTo(2.0595697955721652, 14);
    expect(dy).toBeCloseTo(1.5922327514838093, 14);
  });

  it('the same expression staged with intermediate tensors that retainGrad() shows every stage', () => {
    const x = leaf(3);
    const y = leaf(-4);
    const sigy = y.sigmoid();
    const num = x.add(sigy);
    const sigx = x.sigmoid();
    const xpy = x.add(y);
    const xpysqr = xpy.mul(xpy);
    const den = sigx.add(xpysqr);
    const invden = wg.div(1, den);
    const f = num.mul(invden);
    for (const t of [num, invden, den, xpy]) t.retainGrad();
    f.backward();
    const n = num.item();
    const d = den.item();
    expectClose(num.grad!.item(), invden.item(), { rtol: 1e-14 });
    expectClose(invden.grad!.item(), n, { rtol: 1e-14 });
    expectClose(den.grad!.item(), (-1 / d ** 2) * n, { rtol: 1e-14 });
    expectClose(xpy.grad!.item(), 2 * xpy.item() * ((-1 / d ** 2) * n), { rtol: 1e-14 });
  });
});

forEachBackend('seed: matrix product D = W·X', () => {
  it('D.backward(dD) gives dW = dD·Xᵀ and dX = Wᵀ·dD, shaped like W and X', () => {
    const Wd = randomNormal(50, 101);
    const Xd = randomNormal(30, 202);
    const dDd = randomNormal(15, 303);
    const W = wg.tensor(nest(Wd, [5, 10]), { ...f64, requiresGrad: true });
    const X = wg.tensor(nest(Xd, [10, 3]), { ...f64, requiresGrad: true });
    const D = W.matmul(X);
    expect(D.shape).toEqual([5, 3]);
    expectClose(D.toArray(), nest(matMul(Wd, Xd, 5, 10, 3), [5, 3]), { rtol: 1e-13, atol: 1e-14 });
    D.backward(wg.tensor(nest(dDd, [5, 3]), f64));
    expect(W.grad!.shape).toEqual(W.shape);
    expect(X.grad!.shape).toEqual(X.shape);
    const dW = matMul(dDd, matT(Xd, 10, 3), 5, 3, 10); // dD·Xᵀ
    const dX = matMul(matT(Wd, 5, 10), dDd, 10, 5, 3); // Wᵀ·dD
    expectClose(W.grad!.toArray(), nest(dW, [5, 10]), { rtol: 1e-13, atol: 1e-14 });
    expectClose(X.grad!.toArray(), nest(dX, [10, 3]), { rtol: 1e-13, atol: 1e-14 });
  });

  it('the scale of X sets the scale of dW (the seed\'s preprocessing remark)', () => {
    const Wd = randomNormal(6, 11);
    const Xd = randomNormal(6, 12);
    const grads = [1, 1000].map((scale) => {
      const W = wg.tensor(nest(Wd, [2, 3]), { ...f64, requiresGrad: true });
      const X = wg.tensor(nest(Xd.map((v) => v * scale), [3, 2]), f64);
      W.matmul(X).sum().backward();
      return Array.from(W.grad!.data());
    });
    expectClose(new Float64Array(grads[1]), new Float64Array(grads[0].map((v) => v * 1000)), { rtol: 1e-13 });
  });
});
