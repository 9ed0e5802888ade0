// Pooling (issue 13): maxPool2d/1d, avgPool2d/1d, adaptiveAvgPool2d/1d and their modules.
// Values are computed by hand from PyTorch's definitions (output size with ceilMode, windows
// clipped at the padded edge, countIncludePad, divisorOverride, adaptive windows
// [floor(i·n/o), ceil((i+1)·n/o))), on every backend × dtype; the tie and NaN rules of max
// pooling's gradient; hostile arguments leave memory unchanged.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import type { PoolGeom, SType, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { type WasmBackend, createWasmBackend, parThresholds, type ParThresholds } from '../src/backend/wasm/index.js';
import { expectClose, forEachBackend, forEachConfig, makeRng } from './helpers.js';
import { expectError } from './support/errors.js';

const ARANGE9 = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]];
const ARANGE16 = [[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]];

forEachConfig('pooling', ({ dtype, tol }) => {
  const t = (v: unknown, requiresGrad = false) => wg.tensor(v as number[], { dtype, requiresGrad });
  /** x.grad after backward of sum(y · weights) (weights default 1). */
  const gradOf = (x: ReturnType<typeof t>, y: ReturnType<typeof t>, weights?: unknown) => {
    (weights === undefined ? y.sum() : y.mul(t(weights)).sum()).backward();
    return x.grad!.toArray();
  };

  it('maxPool2d 2x2 takes each window max and routes the gradient to it', () => {
    const x = t(ARANGE16, true);
    const y = wg.maxPool2d(x, 2);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect(y.toArray()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(gradOf(x, y, [[[[1, 2], [3, 4]]]])).toEqual([[[[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0], [0, 3, 0, 4]]]]);
  });

  it('maxPool2d overlapping windows (stride < kernel) add their gradients at a shared winner', () => {
    const x = t([[[1, 2, 0], [3, 9, 4], [0, 5, 6]]], true);
    const y = wg.maxPool2d(x, 2, { stride: 1 });
    expect(y.toArray()).toEqual([[[9, 9], [9, 9]]]);
    expect(gradOf(x, y, [[[1, 2], [3, 4]]])).toEqual([[[0, 0, 0], [0, 10, 0], [0, 0, 0]]]);
  });

  it('maxPool2d padding is -Infinity, so negative inputs still win', () => {
    expect(wg.maxPool2d(t(ARANGE9), 2, { padding: 1 }).toArray()).toEqual([[[1, 3], [7, 9]]]);
    const x = t(ARANGE9.map((p) => p.map((r) => r.map((v) => -v))), true);
    const y = wg.maxPool2d(x, 2, { padding: 1 });
    expect(y.toArray()).toEqual([[[-1, -2], [-4, -5]]]);
    expect(gradOf(x, y)).toEqual([[[1, 1, 0], [1, 1, 0], [0, 0, 0]]]);
  });

  it('maxPool2d with a pair kernel, stride and padding', () => {
    const y = wg.maxPool2d(t(ARANGE16), [2, 3], { stride: [2, 1], padding: [0, 1] });
    expect(y.shape).toEqual([1, 1, 2, 4]);
    expect(y.toArray()).toEqual([[[[6, 7, 8, 8], [14, 15, 16, 16]]]]);
  });

  it('maxPool2d ceilMode keeps the partial last window', () => {
    expect(wg.maxPool2d(t(ARANGE9), 2).toArray()).toEqual([[[5]]]);
    expect(wg.maxPool2d(t(ARANGE9), 2, { ceilMode: true }).toArray()).toEqual([[[5, 6], [8, 9]]]);
  });

  it('maxPool1d ceilMode drops a last window that would start in the right padding', () => {
    // size 5, kernel 2, stride 2, padding 1: ceil gives 4 windows, the 4th starts at 6 >= 5 + 1
    const y = wg.maxPool1d(t([[1, 2, 3, 4, 5]]), 2, { stride: 2, padding: 1, ceilMode: true });
    expect(y.toArray()).toEqual([[1, 3, 5]]);
  });

  it('maxPool1d dilation spaces the taps', () => {
    const x = t([[1, 5, 2, 4, 3]], true);
    const y = wg.maxPool1d(x, 2, { dilation: 2, stride: 1 });
    expect(y.toArray()).toEqual([[2, 5, 3]]);
    expect(gradOf(x, y)).toEqual([[0, 1, 1, 0, 1]]);
  });

  it('maxPool2d dilation with padding', () => {
    // 4x4, kernel 2, dilation 2, padding 1: taps o - 1 and o + 1, output 4x4 (the larger valid tap wins)
    const y = wg.maxPool2d(t(ARANGE16), 2, { dilation: 2, padding: 1, stride: 1 });
    expect(y.toArray()).toEqual([[[[6, 7, 8, 7], [10, 11, 12, 11], [14, 15, 16, 15], [10, 11, 12, 11]]]]);
  });

  it('maxPool2d ties send the gradient to the first element in window order only', () => {
    const x = t([[[[1, 1], [1, 1]]]], true);
    expect(gradOf(x, wg.maxPool2d(x, 2))).toEqual([[[[1, 0], [0, 0]]]]);
    const z = t([[[3, 7, 7], [7, 2, 7]]], true);
    expect(gradOf(z, wg.maxPool2d(z, [2, 3]))).toEqual([[[0, 1, 0], [0, 0, 0]]]);
    const m = t([[-Infinity, -Infinity, -Infinity]], true);
    const ym = wg.maxPool1d(m, 3);
    expect(ym.toArray()).toEqual([[-Infinity]]);
    expect(gradOf(m, ym)).toEqual([[1, 0, 0]]);
  });

  it('maxPool1d a NaN in the window wins (the last NaN, as PyTorch)', () => {
    const x = t([[1, NaN, 3, NaN, 2, 0]], true);
    const y = wg.maxPool1d(x, 3);
    expect(y.data()[0]).toBeNaN();
    expect(y.data()[1]).toBeNaN();
    expect(gradOf(x, y)).toEqual([[0, 1, 0, 1, 0, 0]]);
    const z = t([[NaN, 1, NaN, 5]], true);
    expect(gradOf(z, wg.maxPool1d(z, 4))).toEqual([[0, 0, 1, 0]]);
  });

  it('maxPool2d 2x2 over a wide row (the 4-output SIMD step) keeps the tie, NaN and -Infinity rules', () => {
    const x = t([[[1, 1, 3, 2, NaN, 0, -Infinity, -Infinity, 5, 5], [1, 0, 3, 3, 1, NaN, -Infinity, -Infinity, 4, 6]]], true);
    const y = wg.maxPool2d(x, 2);
    expect(Array.from(y.data())).toEqual([1, 3, NaN, -Infinity, 6]);
    expect(gradOf(x, y, [[[1, 2, 3, 4, 5]]])).toEqual([[[1, 0, 2, 0, 0, 0, 4, 0, 0, 0], [0, 0, 0, 0, 0, 3, 0, 0, 0, 5]]]);
  });

  it('maxPool2d batched [N, C, H, W] and unbatched [C, H, W] agree, planes independent', () => {
    const data = [[[1, 2], [3, 4]], [[8, 7], [6, 5]]];
    expect(wg.maxPool2d(t(data), 2).toArray()).toEqual([[[4]], [[8]]]);
    expect(wg.maxPool2d(t([data, data.map((p) => p.map((r) => r.map((v) => -v)))]), 2).toArray())
      .toEqual([[[[4]], [[8]]], [[[-1]], [[-5]]]]);
  });

  it('pooling an empty batch gives an empty batch', () => {
    expect(wg.maxPool2d(wg.zeros([0, 2, 4, 4], { dtype }), 2).shape).toEqual([0, 2, 2, 2]);
    expect(wg.avgPool1d(wg.zeros([0, 3, 5], { dtype }), 2).shape).toEqual([0, 3, 2]);
    expect(wg.adaptiveAvgPool2d(wg.zeros([0, 1, 3, 3], { dtype }), 2).shape).toEqual([0, 1, 2, 2]);
  });

  it('avgPool2d 2x2 means and spreads dy / 4', () => {
    const x = t(ARANGE16, true);
    const y = wg.avgPool2d(x, 2);
    expectClose(y.toArray(), [[[[3.5, 5.5], [11.5, 13.5]]]], tol);
    expectClose(gradOf(x, y, [[[[4, 8], [-4, 2]]]]),
      [[[[1, 1, 2, 2], [1, 1, 2, 2], [-1, -1, 0.5, 0.5], [-1, -1, 0.5, 0.5]]]], tol);
  });

  it('avgPool2d padding with countIncludePad true divides by the padded window size', () => {
    const x = t(ARANGE9, true);
    const y = wg.avgPool2d(x, 2, { padding: 1 });
    expectClose(y.toArray(), [[[0.25, 1.25], [2.75, 7]]], tol);
    expectClose(gradOf(x, y), [[[0.25, 0.25, 0.25], [0.25, 0.25, 0.25], [0.25, 0.25, 0.25]]], tol);
  });

  it('avgPool2d countIncludePad false divides by the input elements in the window', () => {
    const x = t(ARANGE9, true);
    const y = wg.avgPool2d(x, 2, { padding: 1, countIncludePad: false });
    expectClose(y.toArray(), [[[1, 2.5], [5.5, 7]]], tol);
    expectClose(gradOf(x, y), [[[1, 0.5, 0.5], [0.5, 0.25, 0.25], [0.5, 0.25, 0.25]]], tol);
  });

  it('avgPool1d ceilMode clips the last window at the padded edge', () => {
    // size 5, kernel 2, stride 2: the third window [4, 6) is clipped to [4, 5), divisor 1
    expectClose(wg.avgPool1d(t([[1, 2, 3, 4, 5]]), 2, { ceilMode: true }).toArray(), [[1.5, 3.5, 5]], tol);
    // size 4, kernel 3, stride 2, padding 1: windows [-1, 2), [1, 4), [3, 5) (clipped at 4 + 1)
    const x = t([[1, 2, 3, 4]], true);
    const y = wg.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true });
    expectClose(y.toArray(), [[1, 3, 2]], tol);
    expectClose(gradOf(x, y), [[1 / 3, 2 / 3, 1 / 3, 1 / 3 + 1 / 2]], tol);
    const ex = wg.avgPool1d(t([[1, 2, 3, 4]]), 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    expectClose(ex.toArray(), [[1.5, 3, 4]], tol);
  });

  it('avgPool2d divisorOverride replaces every divisor', () => {
    const x = t(ARANGE16, true);
    const y = wg.avgPool2d(x, 2, { divisorOverride: 3 });
    expectClose(y.toArray(), [[[[14 / 3, 22 / 3], [46 / 3, 54 / 3]]]], tol);
    expectClose(gradOf(x, y), [[[[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]].map((r) => r.map(() => 1 / 3))]], tol);
    expectClose(wg.avgPool2d(t(ARANGE9), 2, { padding: 1, divisorOverride: 2 }).toArray(), [[[0.5, 2.5], [5.5, 14]]], tol);
  });

  it('adaptiveAvgPool1d with sizes that do not divide: overlapping windows', () => {
    const x = t([[1, 2, 3, 4, 5]], true);
    const y = wg.adaptiveAvgPool1d(x, 3);
    expectClose(y.toArray(), [[1.5, 3, 4.5]], tol);
    expectClose(gradOf(x, y), [[0.5, 5 / 6, 1 / 3, 5 / 6, 0.5]], tol);
    expectClose(wg.adaptiveAvgPool1d(t([[1, 2]]), 3).toArray(), [[1, 1.5, 2]], tol);
  });

  it('adaptiveAvgPool2d with a number, a pair and null entries', () => {
    expectClose(wg.adaptiveAvgPool2d(t(ARANGE9), 1).toArray(), [[[5]]], tol);
    expectClose(wg.adaptiveAvgPool2d(t(ARANGE9), [2, null]).toArray(), [[[2.5, 3.5, 4.5], [5.5, 6.5, 7.5]]], tol);
    const x = t(ARANGE16, true);
    const y = wg.adaptiveAvgPool2d(x, [3, 2]);
    // rows [0,2) [1,3) [2,4); columns [0,2) [2,4)
    expectClose(y.toArray(), [[[[3.5, 5.5], [7.5, 9.5], [11.5, 13.5]]]], tol);
    expectClose(gradOf(x, y), [[[[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25]]]], tol);
    expect(wg.adaptiveAvgPool2d(t(ARANGE9), null).shape).toEqual([1, 3, 3]);
  });

  it('adaptiveAvgPool2d to size 0 gives an empty output and a zero gradient', () => {
    const x = t(ARANGE9, true);
    const y = wg.adaptiveAvgPool2d(x, [0, 2]);
    expect(y.shape).toEqual([1, 0, 2]);
    expect(gradOf(x, y)).toEqual([[[0, 0, 0], [0, 0, 0], [0, 0, 0]]]);
  });

  it('maxPool2d createGraph: the gradient of the scatter is the gather through the same indices', () => {
    // L = sum(maxPool(x)^2): dL/dx = scatter(2 y); d/dx sum(dL/dx · v) = 2 · scatter(gather(v))
    const x = t([[[1, 5], [3, 2]], [[0, -1], [4, 6]]], true);
    const [g] = wg.grad((a: ReturnType<typeof t>) => wg.maxPool2d(a, 2).square().sum())(x);
    expect(g.toArray()).toEqual([[[0, 10], [0, 0]], [[0, 0], [0, 12]]]);
    const v = t([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const x2 = t([[[1, 5], [3, 2]], [[0, -1], [4, 6]]], true);
    const y2 = wg.maxPool2d(x2, 2).square().sum();
    y2.backward({ createGraph: true });
    const first = x2.grad!;
    x2.zeroGrad();
    first.mul(v).sum().backward();
    expect(x2.grad!.toArray()).toEqual([[[0, 4], [0, 0]], [[0, 0], [0, 16]]]);
  });

  it('avgPool2d createGraph: the backward is linear, so its gradient is the pooling again', () => {
    const x = t(ARANGE16, true);
    wg.avgPool2d(x, 2).square().sum().backward({ createGraph: true });
    const first = x.grad!; // 2 y / 4 in each window
    expectClose(first.toArray(), [[[[1.75, 1.75, 2.75, 2.75], [1.75, 1.75, 2.75, 2.75], [5.75, 5.75, 6.75, 6.75], [5.75, 5.75, 6.75, 6.75]]]], tol);
    x.zeroGrad();
    first.sum().backward();
    // d/dx sum(2 · adjoint(avg(x))) = 2 · adjoint(avg(ones)) / ... = 2 · (1/4 · 4 · 1/4) = 0.5 everywhere
    expectClose(x.grad!.toArray(), [[[[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]]]], tol);
  });
});

forEachBackend('pooling memory', () => {
  it('maxPool2d frees its indices after backward and without a graph', () => {
    const before = wg.memory().tensors;
    const x = wg.randn([2, 3, 6, 6], { requiresGrad: true });
    wg.noGrad(() => wg.maxPool2d(x, 2)).dispose();
    expect(wg.memory().tensors).toBe(before + 1);
    const y = wg.maxPool2d(x, 3, { stride: 2, padding: 1 });
    const loss = y.sum();
    loss.backward();
    y.dispose();
    loss.dispose();
    x.dispose(); // and its gradient
    expect(wg.memory().tensors).toBe(before);
  });

  it('maxPool2d under createGraph keeps its indices until the graph is gone', () => {
    const before = wg.memory().tensors;
    wg.tidy(() => {
      const x = wg.tensor([[[1, 5], [3, 2]]], { dtype: 'float64', requiresGrad: true });
      wg.maxPool2d(x, 2).square().sum().backward({ createGraph: true });
      const first = x.grad!;
      x.zeroGrad();
      first.sum().backward();
      expect(x.grad!.toArray()).toEqual([[[0, 2], [0, 0]]]);
    });
    expect(wg.memory().tensors).toBe(before);
  });
});

/** expectError on a call given a fresh zeros tensor of `shape` (made before memory is counted, freed after). */
function expectErrorOn(shape: number[], f: (t: ReturnType<typeof wg.zeros>) => unknown, pattern: RegExp): void {
  const t = wg.zeros(shape);
  expectError(() => f(t), pattern);
  t.dispose();
}

forEachBackend('pooling arguments', () => {
  const x = () => wg.zeros([1, 2, 4, 4]);
  it('bad kernel sizes, strides, paddings and dilations name the op and the value', () => {
    const a = x();
    expectError(() => wg.maxPool2d(a, 0), /maxPool2d: kernelSize must be positive, got 0/);
    expectError(() => wg.maxPool2d(a, -2), /maxPool2d: kernelSize must be positive/);
    expectError(() => wg.maxPool2d(a, 1.5), /maxPool2d: kernelSize must be an integer.*1\.5/);
    expectError(() => wg.maxPool2d(a, [2, 2, 2] as never), /maxPool2d: kernelSize must be an integer or a pair/);
    expectError(() => wg.maxPool2d(a, '2' as never), /maxPool2d: kernelSize must be an integer or a pair of integers, got/);
    expectError(() => wg.maxPool2d(a, 2, { stride: 0 }), /maxPool2d: stride must be positive, got 0/);
    expectError(() => wg.avgPool2d(a, 2, { stride: [1, 0.5] }), /avgPool2d: stride must be integers/);
    expectError(() => wg.maxPool2d(a, 2, { padding: -1 }), /maxPool2d: padding must be non-negative/);
    expectError(() => wg.maxPool2d(a, 3, { padding: 2 }), /maxPool2d: padding \[2,2\] must be at most half the kernel size \[3,3\]/);
    expectErrorOn([1, 5], (z) => wg.avgPool1d(z, 2, { padding: 2 }), /avgPool1d: padding 2 must be at most half/);
    expectError(() => wg.maxPool2d(a, 2, { dilation: 0 }), /maxPool2d: dilation must be positive/);
    expectError(() => wg.maxPool2d(a, 2, { ceilMode: 'yes' as never }), /maxPool2d: ceilMode must be true or false/);
    a.dispose();
  });

  it('an output smaller than 1 is a ShapeError naming the sizes', () => {
    const a = x();
    expectError(() => wg.maxPool2d(a, 5), /maxPool2d: output size \[0,0\] is too small for input \[1,2,4,4\]/);
    expectError(() => wg.avgPool2d(a, [1, 5]), /avgPool2d: output size \[4,0\] is too small/);
    expectErrorOn([2, 3], (z) => wg.maxPool1d(z, 2, { dilation: 3 }), /maxPool1d: output size \[0\] is too small/);
    let caught: unknown;
    try { wg.maxPool2d(a, 5); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(wg.ShapeError);
    a.dispose();
  });

  it('a max-pooling window over padding alone is a ShapeError', () => {
    // size 2, kernel 2, dilation 3, padding 1: the taps of output 0 are at -1 and 2, both outside
    expectErrorOn([1, 2], (z) => wg.maxPool1d(z, 2, { dilation: 3, padding: 1, stride: 1 }),
      /maxPool1d: the window of output 0 in spatial dimension 0 covers only padding/);
  });

  it('a wrong rank or an empty non-batch dimension names the shape', () => {
    expectErrorOn([4, 4], (z) => wg.maxPool2d(z, 2), /maxPool2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \[4,4\]/);
    expectErrorOn([1, 1, 1, 4, 4], (z) => wg.avgPool2d(z, 2), /avgPool2d: expected a 3-D .* got shape \[1,1,1,4,4\]/);
    expectErrorOn([4], (z) => wg.maxPool1d(z, 2), /maxPool1d: expected a 2-D \(unbatched\) or 3-D \(batched\) input, got shape \[4\]/);
    expectErrorOn([1, 0, 4, 4], (z) => wg.maxPool2d(z, 2), /maxPool2d: input of shape \[1,0,4,4\] has size 0 in non-batch dimension 1/);
    expectErrorOn([2, 0, 3], (z) => wg.adaptiveAvgPool2d(z, 1), /adaptiveAvgPool2d: input of shape \[2,0,3\] has size 0/);
  });

  it('options are checked: unknown keys, divisorOverride', () => {
    const a = x();
    expectError(() => wg.maxPool2d(a, 2, { strides: 2 } as never), /maxPool2d: unknown option 'strides' \(accepted: stride, padding, dilation, ceilMode\)/);
    expectError(() => wg.avgPool2d(a, 2, { dilation: 2 } as never), /avgPool2d: unknown option 'dilation'/);
    expectErrorOn([1, 4], (z) => wg.avgPool1d(z, 2, { divisorOverride: 2 } as never), /avgPool1d: unknown option 'divisorOverride'/);
    expectError(() => wg.avgPool2d(a, 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero integer, got 0/);
    expectError(() => wg.avgPool2d(a, 2, { divisorOverride: 1.5 }), /avgPool2d: divisorOverride must be a non-zero integer/);
    expectError(() => wg.avgPool2d(a, 2, { countIncludePad: 1 as never }), /avgPool2d: countIncludePad must be true or false/);
    a.dispose();
  });

  it('adaptive output sizes must be non-negative integers (null keeps a 2-d size)', () => {
    const a = x();
    expectError(() => wg.adaptiveAvgPool2d(a, -1), /adaptiveAvgPool2d: outputSize must hold non-negative integers or null, got -1/);
    expectError(() => wg.adaptiveAvgPool2d(a, [1, 2.5]), /adaptiveAvgPool2d: outputSize must hold non-negative integers or null, got \[1,2\.5\]/);
    expectError(() => wg.adaptiveAvgPool2d(a, [1, 2, 3] as never), /adaptiveAvgPool2d: outputSize must be an integer, null or a pair/);
    expectErrorOn([1, 4], (z) => wg.adaptiveAvgPool1d(z, null as never), /adaptiveAvgPool1d: outputSize must hold non-negative integers, got null/);
    a.dispose();
  });

  it('an int32 or non-tensor input is rejected naming the op', () => {
    const i = wg.zeros([1, 4, 4]).astype('int32');
    let caught: unknown;
    try { wg.maxPool2d(i, 2); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(wg.DTypeError);
    expect((caught as Error).message).toMatch(/^maxPool2d: input 0 is an int32 tensor/);
    expectError(() => wg.avgPool2d([[1]] as never, 1), /avgPool2d: input must be a Tensor/);
    i.dispose();
  });

  it('the library keeps working after a failed call', () => {
    const a = x();
    expectError(() => wg.maxPool2d(a, 9), /too small/);
    expect(wg.maxPool2d(a, 2).shape).toEqual([1, 2, 2, 2]);
    a.dispose();
  });
});

forEachBackend('pooling modules', () => {
  it('modules take PyTorch constructor arguments and hold no parameters', () => {
    const m = new wg.nn.MaxPool2d(3, 2);
    expect(m.parameters()).toEqual([]);
    expect(m.forward(wg.zeros([1, 1, 7, 7])).shape).toEqual([1, 1, 3, 3]);
    expect(new wg.nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(wg.zeros([2, 4, 8, 8])).shape).toEqual([2, 4, 4, 4]);
    expect(new wg.nn.MaxPool1d(2).forward(wg.zeros([3, 9])).shape).toEqual([3, 4]);
    expectClose(new wg.nn.AvgPool2d(2, { padding: 1, countIncludePad: false }).forward(wg.tensor(ARANGE9)).toArray(), [[[1, 2.5], [5.5, 7]]]);
    expectClose(new wg.nn.AvgPool1d(2, 1).forward(wg.tensor([[1, 3, 5]])).toArray(), [[2, 4]]);
    expect(new wg.nn.AdaptiveAvgPool2d([1, null]).forward(wg.zeros([2, 3, 4, 5])).shape).toEqual([2, 3, 1, 5]);
    expectClose(new wg.nn.AdaptiveAvgPool1d(1).forward(wg.tensor([[1, 2, 6]])).toArray(), [[3]]);
    expect(Object.keys(new wg.nn.AvgPool2d(2).stateDict())).toEqual([]);
    const mp = new wg.nn.MaxPool2d([2, 3], { padding: 1 });
    expect([mp.kernelSize, mp.stride, mp.padding, mp.dilation, mp.ceilMode]).toEqual([[2, 3], [2, 3], 1, 1, false]);
    const ap = new wg.nn.AvgPool1d(3, 1);
    expect([ap.stride, ap.padding, ap.ceilMode, ap.countIncludePad]).toEqual([1, 0, false, true]);
    expect(new wg.nn.AvgPool2d(2, { divisorOverride: 3 }).divisorOverride).toBe(3);
  });

  it('module arguments are checked when the module is made', () => {
    expectError(() => new wg.nn.MaxPool2d(0), /MaxPool2d: kernelSize must be positive/);
    expectError(() => new wg.nn.MaxPool2d(2, { stide: 2 } as never), /MaxPool2d: unknown option 'stide'/);
    expectError(() => new wg.nn.AvgPool2d(2, { divisorOverride: 0 }), /AvgPool2d: divisorOverride must be a non-zero integer/);
    expectError(() => new wg.nn.AdaptiveAvgPool2d(-3), /AdaptiveAvgPool2d: outputSize must hold non-negative integers/);
    expectError(() => new wg.nn.AvgPool1d(2, -1), /AvgPool1d: stride must be positive/);
  });
});

// ---- the kernels: split over planes on 2 threads, the same bits as on 1, and the js reference's values

describe('pooling kernels on threads', () => {
  let be: WasmBackend;
  let shipped: ParThresholds;
  beforeAll(async () => {
    be = await createWasmBackend({ variant: 'threads', threads: 2 });
    shipped = parThresholds();
    for (let i = 0; i < 200 && be.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
  }, 30_000);
  afterAll(() => {
    parThresholds(shipped);
    be?.closeThreads();
  });

  const rnd = makeRng(1313);
  const G = (g: Partial<PoolGeom>): PoolGeom => ({
    planes: 7, H: 9, W: 11, OH: 4, OW: 5, KH: 3, KW: 3, strideH: 2, strideW: 2, padH: 1, padW: 0, dilationH: 1, dilationW: 1,
    countIncludePad: true, divisor: 0, adaptive: false, ...g,
  });
  const GEOMS: PoolGeom[] = [
    G({}), G({ countIncludePad: false, padW: 1, OW: 6 }), G({ divisor: 5 }), G({ adaptive: true, OH: 4, OW: 7 }),
    G({ dilationH: 2, dilationW: 2, OH: 4, OW: 4, padH: 0 }),
    // two columns at stride 2: the f32 SIMD step of 4 outputs (with and without padding, ragged row ends)
    G({ W: 19, KW: 2, strideW: 2, padW: 1, OW: 10, KH: 2, padH: 1, OH: 5 }), G({ W: 16, KW: 2, strideW: 2, OW: 8, KH: 2, padH: 0, OH: 4 }),
    G({ W: 13, KW: 2, strideW: 2, OW: 6, KH: 3, strideH: 1, OH: 7 }),
  ];
  /** Runs kernel on wasm with the given threads (or js) and returns every output's values. */
  function run(backend: 'js' | 1 | 2, dtype: SType, x: number[], kernel: (b: typeof jsBackend, out: Storage[], x: Storage) => void, sizes: [SType, number][]): number[][] {
    const b = backend === 'js' ? jsBackend : be;
    if (backend !== 'js') be.setThreads(backend);
    const xs = b.alloc(dtype, x.length);
    b.write(xs, x);
    const outs = sizes.map(([t, n]) => b.alloc(t, n));
    kernel(b, outs, xs);
    const res = outs.map((o) => Array.from(b.read(o)));
    [xs, ...outs].forEach((s) => b.free(s));
    return res;
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`maxPool2d, avgPool2d and its adjoint split over planes agree bit for bit with 1 thread and with js [${dtype}]`, () => {
      parThresholds({ reduce: 0 });
      try {
        for (const g of GEOMS) {
          const xin = Array.from({ length: g.planes * g.H * g.W }, (_, i) => (i % 37 === 5 ? NaN : Math.round(rnd() * 8) / 4));
          const dyin = Array.from({ length: g.planes * g.OH * g.OW }, () => rnd() * 2 - 1);
          const cases: [string, number[], (b: typeof jsBackend, o: Storage[], x: Storage) => void, [SType, number][]][] = [
            ['avgPool2d', xin.map((v) => (Number.isNaN(v) ? 0.5 : v)), (b, [y], x) => b.avgPool2d(y, x, g), [[dtype, dyin.length]]],
            ['avgPool2dBackward', dyin, (b, [dx], dy) => b.avgPool2dBackward(dx, dy, g), [[dtype, xin.length]]],
          ];
          if (!g.adaptive) {
            cases.push(['maxPool2d', xin, (b, [y, i], x) => b.maxPool2d(y, i, x, g), [[dtype, dyin.length], ['int32', dyin.length]]]);
          }
          for (const [name, input, kernel, sizes] of cases) {
            const one = run(1, dtype, input, kernel, sizes), two = run(2, dtype, input, kernel, sizes), js = run('js', dtype, input, kernel, sizes);
            expect(two, `${name} ${JSON.stringify(g)}: 2 threads vs 1`).toEqual(one);
            expect(one, `${name} ${JSON.stringify(g)}: wasm vs js`).toEqual(js);
          }
        }
        expect(be.threadStats().dispatches).toBeGreaterThan(0);
      } finally {
        parThresholds(shipped);
      }
    });

    it(`maxPool2dBackward split over planes overwrites dx with dy summed at the winners, bit for bit on 1 and 2 threads and js [${dtype}]`, () => {
      parThresholds({ reduce: 0 });
      try {
        for (const g of GEOMS.filter((geom) => !geom.adaptive)) {
          const xin = Array.from({ length: g.planes * g.H * g.W }, (_, i) => (i % 37 === 5 ? NaN : Math.round(rnd() * 8) / 4));
          const dyin = Array.from({ length: g.planes * g.OH * g.OW }, () => rnd() * 2 - 1);
          const [, idx] = run('js', dtype, xin, (b, [y, i], x) => b.maxPool2d(y, i, x, g), [[dtype, dyin.length], ['int32', dyin.length]]);
          // The reference: every output's dy added at its winner, in output order.
          const want = new Array<number>(xin.length).fill(0);
          const round = dtype === 'float32' ? Math.fround : (v: number) => v;
          for (let o = 0; o < dyin.length; o++) {
            const at = Math.floor(o / (g.OH * g.OW)) * g.H * g.W + idx[o];
            want[at] = round(want[at] + round(dyin[o]));
          }
          const backward = (backend: 'js' | 1 | 2): number[] => {
            const b = backend === 'js' ? jsBackend : be;
            if (backend !== 'js') be.setThreads(backend);
            const dy = b.alloc(dtype, dyin.length), ix = b.alloc('int32', idx.length), dx = b.alloc(dtype, xin.length);
            b.write(dy, dyin);
            b.write(ix, idx);
            b.fill(dx, NaN); // every element is written
            const before = be.threadStats().dispatches;
            b.maxPool2dBackward(dx, dy, ix, g);
            if (backend === 2) expect(be.threadStats().dispatches, 'split across the pool').toBe(before + 1);
            const res = Array.from(b.read(dx));
            [dy, ix, dx].forEach((st) => b.free(st));
            return res;
          };
          const one = backward(1);
          expect(one, `${JSON.stringify(g)}: wasm vs the reference`).toEqual(want);
          expect(backward(2), `${JSON.stringify(g)}: 2 threads vs 1`).toEqual(one);
          expect(backward('js'), `${JSON.stringify(g)}: js vs the reference`).toEqual(want);
        }
      } finally {
        parThresholds(shipped);
      }
    });
  }
});
