// The losses' options and the losses added with them (issue 12): crossEntropy's reduction,
// ignoreIndex, labelSmoothing and [N, C, d…] layout; nllLoss; mseLoss/l1Loss/huberLoss with
// reduction; binaryCrossEntropy (log clamped at -100) and binaryCrossEntropyWithLogits (stable
// for any logit). Values are computed by hand from PyTorch's definitions; every backend × dtype.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachConfig } from './helpers.js';
import { expectError } from './support/errors.js';

// logits rows [1, 2, 3] and [1, -1, 0] share L = log(1 + e^-1 + e^-2): lse = 3 + L and 1 + L.
const L = Math.log(1 + Math.exp(-1) + Math.exp(-2));
const X = [[1, 2, 3], [1, -1, 0]];
const SM = [[Math.exp(-2 - L), Math.exp(-1 - L), Math.exp(-L)], [Math.exp(-L), Math.exp(-2 - L), Math.exp(-1 - L)]];


forEachConfig('losses', ({ dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 2e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };
  const t = (v: unknown, requiresGrad = false) => wg.tensor(v as number[], { dtype, requiresGrad });

  it('crossEntropy reduction mean, sum and none', () => {
    expectClose(t(X).crossEntropy([0, 0]).item(), (2 + L + L) / 2, tol);
    expectClose(wg.crossEntropy(t(X), [0, 0], { reduction: 'sum' }).item(), 2 + 2 * L, tol);
    const none = wg.crossEntropy(t(X), [0, 0], { reduction: 'none' });
    expect(none.shape).toEqual([2]);
    expectClose(none.toArray(), [2 + L, L], tol);
  });

  it('crossEntropy fused mean has gradient (softmax - onehot) / N', () => {
    const x = t(X, true);
    x.crossEntropy([2, 0]).backward();
    expectClose(x.grad!.toArray(), [[SM[0][0] / 2, SM[0][1] / 2, (SM[0][2] - 1) / 2], [(SM[1][0] - 1) / 2, SM[1][1] / 2, SM[1][2] / 2]], tol);
  });

  it('crossEntropy ignoreIndex adds nothing and the mean counts only the others', () => {
    const x = t(X, true);
    const loss = x.crossEntropy([2, -100]);
    expectClose(loss.item(), L, tol);
    loss.backward();
    expectClose(x.grad!.toArray(), [[SM[0][0], SM[0][1], SM[0][2] - 1], [0, 0, 0]], tol);
    expectClose(x.crossEntropy([2, 1], { ignoreIndex: 1, reduction: 'none' }).toArray(), [L, 0], tol);
    expectClose(x.crossEntropy([2, 1], { ignoreIndex: 1, reduction: 'sum' }).item(), L, tol);
  });

  it('crossEntropy with every label ignored has mean NaN, as PyTorch', () => {
    expect(t(X).crossEntropy([-100, -100]).item()).toBeNaN();
    expect(t(X).crossEntropy([-100, -100], { reduction: 'sum' }).item()).toBe(0);
  });

  it('crossEntropy labelSmoothing mixes in the uniform target', () => {
    // per row: 0.9 (lse - x_label) + 0.1 (lse - mean(x)) = 0.9 L + 0.1 (1 + L)
    const x = t(X, true);
    const loss = x.crossEntropy([2, 0], { labelSmoothing: 0.1 });
    expectClose(loss.item(), L + 0.1, tol);
    loss.backward();
    const target = [[0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3], [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3]];
    expectClose(x.grad!.toArray(), SM.map((r, i) => r.map((p, c) => (p - target[i][c]) / 2)), tol);
    expectClose(wg.crossEntropy(t(X), [2, -100], { labelSmoothing: 0.1, reduction: 'none' }).toArray(), [L + 0.1, 0], tol);
  });

  it('crossEntropy takes [N, C, d] logits with classes on dim 1', () => {
    // position 0 sees logits [1, 2, 3], position 1 sees [1, -1, 0]
    const x = t([[[1, 1], [2, -1], [3, 0]]]);
    const none = x.crossEntropy([[0, 0]], { reduction: 'none' });
    expect(none.shape).toEqual([1, 2]);
    expectClose(none.toArray(), [[2 + L, L]], tol);
    expectClose(x.crossEntropy([0, 0]).item(), 1 + L, tol);
    expectClose(x.crossEntropy(wg.tensor([[0, 0]], { dtype: 'int32' })).item(), 1 + L, tol);
  });

  it('crossEntropy labels as array, Int32Array and int32 tensor agree', () => {
    const a = t(X).crossEntropy([0, 2], { reduction: 'none' }).toArray();
    expectClose(t(X).crossEntropy(Int32Array.from([0, 2]), { reduction: 'none' }).toArray(), a, tol);
    expectClose(t(X).crossEntropy(wg.tensor([0, 2], { dtype: 'int32' }), { reduction: 'none' }).toArray(), a, tol);
  });

  it('nllLoss picks -logProbs at the labels', () => {
    const x = t([[-1, -2], [-3, -4]], true);
    const loss = wg.nllLoss(x, [0, 1]);
    expectClose(loss.item(), 2.5, tol);
    loss.backward();
    expectClose(x.grad!.toArray(), [[-0.5, 0], [0, -0.5]], tol);
    expectClose(x.nllLoss([0, 1], { reduction: 'none' }).toArray(), [1, 4], tol);
    expectClose(x.nllLoss([0, -100], { reduction: 'mean' }).item(), 1, tol);
    expectClose(x.nllLoss([1, 0], { reduction: 'sum' }).item(), 5, tol);
  });

  it('mseLoss reduction mean, sum and none', () => {
    const p = t([1, 2, 3]);
    const q = t([1, 4, 0]);
    expectClose(p.mseLoss(q).item(), 13 / 3, tol);
    expectClose(p.mseLoss(q, { reduction: 'sum' }).item(), 13, tol);
    expectClose(wg.mseLoss(p, q, { reduction: 'none' }).toArray(), [0, 4, 9], tol);
  });

  it('l1Loss values and gradient sign(d) / n with 0 at d = 0', () => {
    const p = t([1, 2, 3], true);
    const loss = p.l1Loss(t([1, 4, 0]));
    expectClose(loss.item(), 5 / 3, tol);
    loss.backward();
    expectClose(p.grad!.toArray(), [0, -1 / 3, 1 / 3], tol);
    expectClose(wg.l1Loss(p, 1, { reduction: 'none' }).toArray(), [0, 1, 2], tol);
  });

  it('huberLoss is quadratic inside delta and linear outside', () => {
    const p = t([0, 0, 0], true);
    const q = t([0.5, 3, -1]);
    const loss = p.huberLoss(q, { reduction: 'sum' });
    expectClose(loss.item(), 0.125 + 2.5 + 0.5, tol);
    loss.backward();
    expectClose(p.grad!.toArray(), [-0.5, -1, 1], tol);
    expectClose(wg.huberLoss(p, q).item(), 3.125 / 3, tol);
    expectClose(wg.huberLoss(p, q, { delta: 2, reduction: 'none' }).toArray(), [0.125, 4, 0.5], tol);
  });

  it('binaryCrossEntropy clamps each log at -100 and its gradient stays finite', () => {
    const p = t([0.5, 0.25, 0, 1, 0], true);
    const q = t([1, 0, 0, 1, 1], true);
    const loss = p.binaryCrossEntropy(q, { reduction: 'none' });
    expectClose(loss.toArray(), [Math.LN2, -Math.log(0.75), 0, 0, 100], tol);
    loss.sum().backward();
    // PyTorch: (p - t) / max(p (1 - p), 1e-12); target: log(1 - p) - log(p), both clamped
    expectClose(p.grad!.toArray(), [-2, 0.25 / 0.1875, 0, 0, -1e12], tol);
    expectClose(q.grad!.toArray(), [0, Math.log(3), 100, -100, 100], tol);
    expectClose(wg.binaryCrossEntropy(t([0.5, 0.25]), t([1, 0])).item(), (Math.LN2 - Math.log(0.75)) / 2, tol);
  });

  it('binaryCrossEntropyWithLogits is stable for large logits, gradient sigmoid(x) - t', () => {
    const x = t([0, 100, -100, 2, 1000], true);
    const q = t([1, 1, 1, 0.5, 0]);
    const loss = wg.binaryCrossEntropyWithLogits(x, q, { reduction: 'none' });
    expectClose(loss.toArray(), [Math.LN2, 0, 100, 1 + Math.log1p(Math.exp(-2)), 1000], tol);
    loss.sum().backward();
    expectClose(x.grad!.toArray(), [-0.5, 0, -1, 1 / (1 + Math.exp(-2)) - 0.5, 1], tol);
    expectClose(x.binaryCrossEntropyWithLogits(q, { reduction: 'sum' }).item(),
      Math.LN2 + 100 + 1 + Math.log1p(Math.exp(-2)) + 1000, tol);
  });

  it('hostile loss arguments throw a WasmgradError naming the op and value, leaking nothing', () => {
    const x = t(X);
    const [lab12, v2, v3, p15] = [wg.tensor([[0, 0]], { dtype: 'int32' }), t([1, 2]), t([1, 2, 3]), t([0.5, 1.5])];
    expectError(() => x.crossEntropy([3, 0]), /crossEntropy: label 3 at index 0 .*\[0, 3\)/);
    expectError(() => x.crossEntropy([1.5, 0]), /crossEntropy: label 1\.5/);
    expectError(() => x.crossEntropy([-1, 0], { ignoreIndex: -2 }), /crossEntropy: label -1 .*ignoreIndex -2/);
    expectError(() => x.crossEntropy([0]), /crossEntropy: got 1 labels .*\[2,3\]/);
    expectError(() => x.crossEntropy(lab12), /crossEntropy: labels of shape \[1,2\] .*expected \[2\]/);
    expectError(() => x.crossEntropy([0, 0], { reduction: 'avg' as 'mean' }), /crossEntropy: reduction .*avg/);
    expectError(() => x.crossEntropy([0, 0], { smoothing: 0.1 } as object), /crossEntropy.*smoothing/);
    expectError(() => x.crossEntropy([0, 0], { labelSmoothing: 2 }), /crossEntropy: labelSmoothing .*2/);
    expectError(() => x.crossEntropy([0, 0], { ignoreIndex: 0.5 }), /crossEntropy: ignoreIndex .*0\.5/);
    expectError(() => wg.crossEntropy(v2, [0]), /crossEntropy: .*\[2\]/);
    expectError(() => x.nllLoss([0, 7]), /nllLoss: label 7/);
    expectError(() => wg.nllLoss(null as never, [0]), /nllLoss: logProbs must be a Tensor/);
    expectError(() => v2.l1Loss(v3), /l1Loss: target shape \[3\] differs from pred shape \[2\]/);
    expectError(() => v2.huberLoss(v2, { delta: 0 }), /huberLoss: delta .*0/);
    expectError(() => v2.huberLoss(v2, { delta: -1 }), /huberLoss: delta .*-1/);
    expectError(() => p15.binaryCrossEntropy(v2), /binaryCrossEntropy: .*1\.5 at flat index 1/);
    expectError(() => v2.binaryCrossEntropyWithLogits('a' as never), /binaryCrossEntropyWithLogits: target must be/);
    expectError(() => v2.mseLoss(v2, { reduction: 'all' as 'sum' }), /mseLoss: reduction/);
    // and the library keeps working
    expectClose(x.crossEntropy([0, 0]).item(), 1 + L, tol);
  });
});
