// Convolution (src/ops/conv.ts, src/nn/conv.ts): hand-computed convolutions and their gradients
// on every backend × dtype (the numbers are written out below each case), PyTorch's edge cases
// ('same' with an even kernel, unbatched input, an empty batch, the transposed convolution as the
// input gradient), hostile arguments that must throw naming the op with no tensor leaked, and the
// modules' shapes, initialisation bounds and state-dict keys.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachBackend, forEachConfig, nest, randomFlat } from './helpers.js';
import { expectError } from './support/errors.js';
import * as tf from '@tensorflow/tfjs';
import { initTf } from './property/tfjs-engine.js';

const X33 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];

forEachConfig('conv values', ({ dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-13 };
  const t = (v: unknown, requiresGrad = false) => wg.tensor(v as number[], { dtype, requiresGrad });

  it('conv2d is a cross-correlation plus the bias, with hand-computed input, weight and bias gradients', () => {
    const x = t([[X33]], true), w = t([[[[1, 2], [3, 4]]]], true), b = t([0.5], true);
    const y = wg.conv2d(x, w, b);
    // y[i][j] = x[i][j]·1 + x[i][j+1]·2 + x[i+1][j]·3 + x[i+1][j+1]·4 + 0.5
    expectClose(y.toArray(), [[[[37.5, 47.5], [67.5, 77.5]]]], tol);
    y.sum().backward();
    // dx: the sum of the kernel taps that cover each input position
    expectClose(x.grad!.toArray(), [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]], tol);
    // dw[ky][kx]: the sum of the 2×2 input window shifted by (ky, kx)
    expectClose(w.grad!.toArray(), [[[[12, 16], [24, 28]]]], tol);
    expectClose(b.grad!.toArray(), [4], tol);
  });

  it('conv2d stride 2 with padding 1 reads zeros outside the input', () => {
    const y = wg.conv2d(t([[X33]]), t([[[[1, 1], [1, 1]]]]), null, { stride: 2, padding: 1 });
    // windows (rows, cols): (-1..0, -1..0) = 1; (-1..0, 1..2) = 2+3; (1..2, -1..0) = 4+7; (1..2, 1..2) = 5+6+8+9
    expectClose(y.toArray(), [[[[1, 5], [11, 28]]]], tol);
  });

  it("conv1d 'same' with an even kernel pads the extra zero on the right, as PyTorch", () => {
    const x = t([[[1, 2, 3, 4]]], true);
    const y = wg.conv1d(x, t([[[1, 10]]]), null, { padding: 'same' });
    // total padding 1, all of it on the right: y[i] = x[i] + 10·x[i+1]
    expectClose(y.toArray(), [[[21, 32, 43, 4]]], tol);
    y.sum().backward();
    expectClose(x.grad!.toArray(), [[[1, 11, 11, 11]]], tol);
  });

  it('conv1d dilation spaces the kernel taps', () => {
    // dilation 3: y[i] = x[i] + x[i+3]
    expectClose(wg.conv1d(t([[[1, 2, 3, 4, 5]]]), t([[[1, 1]]]), null, { dilation: 3 }).toArray(), [[[5, 7]]], tol);
  });

  it('conv1d groups convolve each channel group with its own filters', () => {
    const y = wg.conv1d(t([[[1, 2, 3], [10, 20, 30]]]), t([[[2]], [[3]]]), t([1, -1]), { groups: 2 });
    expectClose(y.toArray(), [[[3, 5, 7], [29, 59, 89]]], tol);
  });

  it('conv2d depthwise (groups = channels) equals one conv2d per channel', () => {
    const xs = nest(randomFlat(2 * 3 * 4 * 4, 1, -1, 1), [2, 3, 4, 4]);
    const ws = nest(randomFlat(3 * 3 * 3, 2, -1, 1), [3, 1, 3, 3]);
    const x = t(xs), w = t(ws);
    const y = wg.conv2d(x, w, null, { groups: 3, padding: 1 });
    expect(y.shape).toEqual([2, 3, 4, 4]);
    for (let c = 0; c < 3; c++) {
      const one = wg.conv2d(wg.narrow(x, 1, c, 1), wg.narrow(w, 0, c, 1), null, { padding: 1 });
      expectClose(wg.narrow(y, 1, c, 1).toArray(), one.toArray(), tol);
    }
  });

  it('unbatched input gives the batched result without the batch dimension', () => {
    const x = t(X33.map((r) => r.map((v) => [v, -v])));                                 // [3, 3, 2]
    const w = t([[[[1, -1], [2, 0]], [[0, 1], [1, 1]], [[3, 0], [0, 3]]]]);           // [1, 3, 2, 2]
    const un = wg.conv2d(x, w, t([2]));
    const ba = wg.conv2d(wg.unsqueeze(x, 0), w, t([2]));
    expect(un.shape).toEqual([1, 2, 1]);
    expectClose(un.toArray(), (ba.toArray() as number[][])[0], tol);
    expect(wg.conv1d(t([[1, 2, 3]]), t([[[1, 1]]])).shape).toEqual([1, 2]);
  });

  it('an empty batch gives an empty output and a zero weight gradient', () => {
    const w = t([[[[1, 2], [3, 4]]]], true);
    const y = wg.conv2d(wg.zeros([0, 1, 3, 3], { dtype }), w);
    expect(y.shape).toEqual([0, 1, 2, 2]);
    y.sum().backward();
    expectClose(w.grad!.toArray(), [[[[0, 0], [0, 0]]]], tol);
  });

  it('convTranspose1d scatters each input through the kernel; padding trims, outputPadding extends', () => {
    const x = t([[[1, 2]]]), w = t([[[1, 10, 100]]]);
    // out[2i + k] += x[i]·w[k]: [1, 10, 100] + [_, _, 2, 20, 200]
    expectClose(wg.convTranspose1d(x, w, null, { stride: 2 }).toArray(), [[[1, 10, 102, 20, 200]]], tol);
    expectClose(wg.convTranspose1d(x, w, null, { stride: 2, padding: 1 }).toArray(), [[[10, 102, 20]]], tol);
    expectClose(wg.convTranspose1d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }).toArray(), [[[10, 102, 20, 200]]], tol);
  });

  it('convTranspose2d stride 2 with a 2×2 kernel of ones repeats each input in a 2×2 block, plus the bias', () => {
    const x = t([[[[1, 2], [3, 4]]]], true), w = t([[[[1, 1], [1, 1]], [[1, 0], [0, 0]]]], true), b = t([1, 0]);
    const y = wg.convTranspose2d(x, w, b, { stride: 2 });
    expect(y.shape).toEqual([1, 2, 4, 4]);
    expectClose(y.toArray(), [[
      [[2, 2, 3, 3], [2, 2, 3, 3], [4, 4, 5, 5], [4, 4, 5, 5]],
      [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]],
    ]], tol);
    y.sum().backward();
    // each input feeds 4 ones of channel 0 and one 1 of channel 1; dw[0][o] sums all inputs (10) per tap
    expectClose(x.grad!.toArray(), [[[[5, 5], [5, 5]]]], tol);
    expectClose(w.grad!.toArray(), [[[[10, 10], [10, 10]], [[10, 10], [10, 10]]]], tol);
  });

  it('convTranspose2d is the input gradient of conv2d with the same stride, padding and dilation', () => {
    const opts = { stride: 2, padding: 1, dilation: [1, 2] as number[] };
    const x = t(nest(randomFlat(2 * 4 * 6 * 7, 3, -1, 1), [2, 4, 6, 7]), true);
    const w = t(nest(randomFlat(6 * 2 * 3 * 2, 4, -1, 1), [6, 2, 3, 2]));
    const y = wg.conv2d(x, w, null, { ...opts, groups: 2 });
    const dy = t(nest(randomFlat(y.size, 5, -1, 1), y.shape as number[]));
    y.mul(dy).sum().backward();
    // output 6×7 from 3×4 needs outputPadding [1, 0]: (3−1)·2 − 2 + 2 + 1 + 1 = 6, (4−1)·2 − 2 + 2 + 0 + 1 = 7
    const xt = wg.convTranspose2d(dy, w, null, { ...opts, groups: 2, outputPadding: [1, 0] });
    expect(xt.shape).toEqual([2, 4, 6, 7]);
    expectClose(xt.toArray(), x.grad!.toArray(), dtype === 'float32' ? { rtol: 1e-5, atol: 1e-5 } : tol);
  });

  it('only the output stays allocated without recording; a training step in tidy leaves only the gradients', () => {
    const x = t([[X33]]), w = t([[[[1, 2], [3, 4]]]], true), b = t([0.5], true);
    const before = wg.memory().tensors;
    const y0 = wg.noGrad(() => wg.conv2d(x, w, b));
    expect(wg.memory().tensors).toBe(before + 1);
    y0.dispose();
    wg.tidy(() => { wg.conv2d(x, w, b).sum().backward(); });
    expect(wg.memory().tensors).toBe(before + 2); // w.grad and b.grad
  });

  it('a conv graph is differentiated twice under createGraph (a Hessian-vector product)', () => {
    // f(w) = Σ conv1d(x, w)² with x = [1, 2, 3], w = [a, b]: y = [a + 2b, 2a + 3b]
    // ∂f/∂w = 2·[y0 + 2·y1, 2·y0 + 3·y1]; H = 2·[[5, 8], [8, 13]]; H·[1, 0] = [10, 16]
    const x = t([[[1, 2, 3]]]), w = t([[[1, -1]]], true);
    const [g] = wg.grad((ww: wg.Tensor) => wg.conv1d(x, ww).square().sum())(w);
    expectClose(g.toArray(), [[[2 * (-1 + 2 * -1), 2 * (2 * -1 + 3 * -1)]]], tol);
    // nested grad records the inner backward (createGraph): the conv gradient gates are differentiated again
    const [h] = wg.grad((ww: wg.Tensor) => {
      const [gg] = wg.grad((v: wg.Tensor) => wg.conv1d(x, v).square().sum())(ww);
      return gg.mul(t([[[1, 0]]])).sum();
    })(w);
    expectClose(h.toArray(), [[[10, 16]]], tol);
  });
});

/** Runs f expecting the given error class and message, with no tensor leaked. */
function expectThrows(cls: typeof wg.WasmgradError, f: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  expectError(() => { try { f(); } catch (e) { caught = e; throw e; } }, pattern);
  expect(caught).toBeInstanceOf(cls);
}

forEachBackend('conv hostile arguments', () => {
  // every tensor is made before the call, so expectError's count sees only what the op leaks
  const ones = (shape: number[], dtype: 'float32' | 'float64' = 'float32') => wg.ones(shape, { dtype });

  it('wrong ranks are ShapeErrors naming the op and the shapes', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), x2 = ones([4, 4]), w3 = ones([3, 2, 3]);
    expectThrows(wg.ShapeError, () => wg.conv2d(x2, w), /conv2d: input must be 4-d \[N, C, H, W\] or 3-d \[C, H, W\].*got \[4,4\]/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w3), /conv2d: weight must be 4-d .*got \[3,2,3\]/);
    expectThrows(wg.ShapeError, () => wg.conv1d(x, w), /conv1d: input must be 3-d \[N, C, L\] or 2-d \[C, L\].*got \[1,2,4,4\]/);
  });

  it('channel and group mismatches are ShapeErrors naming both shapes', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), x3 = ones([1, 3, 4, 4]);
    expectThrows(wg.ShapeError, () => wg.conv2d(x3, w), /conv2d: input \[1,3,4,4\] has 3 channels but weight \[3,2,3,3\] with groups 1 expects 2/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { groups: 2 }), /conv2d: groups 2 must divide .*\(3, weight \[3,2,3,3\]\)/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { groups: 0 }), /conv2d: groups must be a positive integer, got 0/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { groups: 1.5 }), /conv2d: groups must be a positive integer, got 1.5/);
  });

  it('a kernel larger than the padded input is a ShapeError', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), small = ones([1, 2, 2, 4]);
    expectThrows(wg.ShapeError, () => wg.conv2d(small, w),
      /conv2d: kernel \[3,3\] \(dilated \[3,3\]\) is larger than the padded input \[2,4\] \(input \[1,2,2,4\]/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { dilation: 2 }), /conv2d: kernel \[3,3\] \(dilated \[5,5\]\) is larger/);
  });

  it('bad padding, stride and dilation values are ShapeErrors naming them', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { padding: 'full' as never }), /conv2d: padding must be .*'same' or 'valid', got "full"/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { padding: 'same', stride: 2 }), /conv2d: padding 'same' needs stride 1, got stride 2/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { stride: 0 }), /conv2d: stride must be positive integers, got 0/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { stride: [1, 1.5] }), /conv2d: stride must be positive integers, got \[1,1.5\]/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { stride: [1] }), /conv2d: stride must be a positive integer or a pair of them, got \[1\]/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { padding: -1 }), /conv2d: padding must be non-negative integers, got -1/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, null, { dilation: NaN }), /conv2d: dilation must be positive integers, got NaN/);
  });

  it('a bias of the wrong shape is a ShapeError; a non-tensor a WasmgradError', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), b2 = ones([2]), b31 = ones([3, 1]);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, b2), /conv2d: bias must have shape \[3\] .*weight \[3,2,3,3\].*got \[2\]/);
    expectThrows(wg.ShapeError, () => wg.conv2d(x, w, b31), /conv2d: bias must have shape \[3\]/);
    expectThrows(wg.WasmgradError, () => wg.conv2d(x, [1, 2] as never), /conv2d: weight must be a Tensor/);
  });

  it('int32 and mixed dtypes are DTypeErrors', () => {
    const w = ones([3, 2, 3, 3]), xi = ones([1, 2, 4, 4]).astype('int32'), x = ones([1, 2, 4, 4]), w64 = ones([3, 2, 3, 3], 'float64');
    expectThrows(wg.DTypeError, () => wg.conv2d(xi, w), /conv2d: input is an int32 tensor/);
    expectThrows(wg.DTypeError, () => wg.conv2d(x, w64), /conv2d: dtypes differ: input float32 \[1,2,4,4\] and weight float64/);
  });

  it('unknown options, non-object options and disposed tensors are rejected', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), gone = ones([1, 2, 4, 4]);
    expectThrows(wg.WasmgradError, () => wg.conv2d(x, w, null, { strides: 2 } as never), /conv2d: unknown option 'strides' \(accepted: stride, padding, dilation, groups\)/);
    expectThrows(wg.WasmgradError, () => wg.conv2d(x, w, null, 2 as never), /conv2d: options must be an object/);
    gone.dispose();
    expectThrows(wg.DisposedError, () => wg.conv2d(gone, w), /conv2d/);
  });

  it('zero-size channel or spatial dimensions are ShapeErrors', () => {
    const w = ones([3, 2, 3, 3]), x0 = ones([1, 2, 0, 4]);
    expectThrows(wg.ShapeError, () => wg.conv2d(x0, w), /conv2d: input \[1,2,0,4\] has a zero-size non-batch dimension/);
  });

  it('convTranspose2d checks outputPadding, padding strings, channels and the output size', () => {
    const x = ones([1, 2, 4, 4]), w = ones([3, 2, 3, 3]), xt = ones([1, 3, 2, 2]), one = ones([1, 1, 1, 1]), b3 = ones([3]);
    expectThrows(wg.ShapeError, () => wg.convTranspose2d(xt, w, null, { stride: 2, outputPadding: 2 }),
      /convTranspose2d: outputPadding 2 must be smaller than either stride 2 or dilation 1/);
    expectThrows(wg.ShapeError, () => wg.convTranspose2d(xt, w, null, { padding: 'same' as never }), /convTranspose2d: padding must be a number or a pair/);
    expectThrows(wg.ShapeError, () => wg.convTranspose2d(x, w), /convTranspose2d: input \[1,2,4,4\] has 2 channels but weight \[3,2,3,3\] expects 3/);
    expectThrows(wg.ShapeError, () => wg.convTranspose2d(one, one, null, { padding: 1 }), /convTranspose2d: the output size \[-1,-1\] is not positive/);
    expectThrows(wg.ShapeError, () => wg.convTranspose2d(xt, w, b3), /convTranspose2d: bias must have shape \[2\]/);
    expectThrows(wg.WasmgradError, () => wg.convTranspose2d(xt, w, null, { outputpadding: 1 } as never), /convTranspose2d: unknown option 'outputpadding'/);
  });

  it('after an error the library keeps working', () => {
    expect(() => wg.conv2d(wg.ones([1, 2, 4, 4]), wg.ones([3, 2, 3, 3]), null, { stride: -1 })).toThrow(wg.ShapeError);
    expect(wg.conv2d(wg.ones([1, 1, 2, 2]), wg.ones([1, 1, 1, 1])).toArray()).toEqual([[[[1, 1], [1, 1]]]]);
  });
});

forEachBackend('conv modules', () => {
  it('Conv2d has PyTorch weight and bias shapes, state-dict keys and U(±1/√fanIn) init', () => {
    const m = new wg.nn.Conv2d(3, 8, 3);
    expect(m.weight.shape).toEqual([8, 3, 3, 3]);
    expect(m.bias!.shape).toEqual([8]);
    expect([...m.stateDict().keys()]).toEqual(['weight', 'bias']);
    const bound = 1 / Math.sqrt(3 * 9);
    const ws = (m.weight.toArray() as number[][][][]).flat(3);
    expect(Math.max(...ws.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...ws.map(Math.abs))).toBeGreaterThan(0.8 * bound); // 216 draws fill the interval
    expect(Math.max(...(m.bias!.toArray() as number[]).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(m.weight.dtype).toBe('float32');
  });

  it('grouped Conv2d, Conv1d without bias, and ConvTranspose2d use PyTorch shapes and fan-in', () => {
    const g = new wg.nn.Conv2d(4, 6, [3, 2], { groups: 2, dtype: 'float64' });
    expect(g.weight.shape).toEqual([6, 2, 3, 2]);
    expect(g.weight.dtype).toBe('float64');
    expect(Math.max(...(g.weight.toArray() as number[][][][]).flat(3).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(12));
    const c1 = new wg.nn.Conv1d(4, 8, 5, { bias: false });
    expect(c1.weight.shape).toEqual([8, 4, 5]);
    expect(c1.bias).toBeNull();
    expect([...c1.stateDict().keys()]).toEqual(['weight']);
    const t2 = new wg.nn.ConvTranspose2d(4, 6, 3, { groups: 2, stride: 2 });
    expect(t2.weight.shape).toEqual([4, 3, 3, 3]);
    expect(t2.bias!.shape).toEqual([6]);
    // PyTorch's fan-in of a transposed weight is weight.size(1)·k = 3·9
    expect(Math.max(...(t2.weight.toArray() as number[][][][]).flat(3).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(new wg.nn.ConvTranspose1d(4, 2, 3).weight.shape).toEqual([4, 2, 3]);
  });

  it('module forward gives the documented output shapes', () => {
    expect(new wg.nn.Conv2d(1, 4, 3, { padding: 'same' }).forward(wg.ones([2, 1, 5, 5])).shape).toEqual([2, 4, 5, 5]);
    expect(new wg.nn.Conv2d(1, 4, 3, { stride: 2 }).forward(wg.ones([1, 7, 7])).shape).toEqual([4, 3, 3]);
    expect(new wg.nn.Conv1d(2, 3, 3, { padding: 1 }).forward(wg.ones([1, 2, 5])).shape).toEqual([1, 3, 5]);
    expect(new wg.nn.ConvTranspose2d(4, 2, 2, { stride: 2 }).forward(wg.ones([1, 4, 3, 3])).shape).toEqual([1, 2, 6, 6]);
    expect(new wg.nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(wg.ones([1, 4, 3, 3])).shape).toEqual([1, 2, 6, 6]);
  });

  it('module forward equals the functional op with its parameters, and trains', () => {
    const m = new wg.nn.Conv2d(2, 3, 2, { stride: [1, 2], padding: [1, 0], dilation: [2, 1] });
    const x = wg.randn([2, 2, 5, 6]);
    const y = m.forward(x);
    expectClose(y.toArray(), wg.conv2d(x, m.weight, m.bias, { stride: [1, 2], padding: [1, 0], dilation: [2, 1] }).toArray(), { rtol: 1e-6, atol: 1e-6 });
    y.square().mean().backward();
    expect(m.weight.grad!.shape).toEqual([3, 2, 2, 2]);
    expect(m.bias!.grad!.shape).toEqual([3]);
  });

  it('ConvTranspose forward(x, outputSize) picks the output size as PyTorch\'s output_size', () => {
    // PyTorch's documented use: undo a stride-2 Conv2d, recovering the odd or even input size
    const up = new wg.nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, dtype: 'float64' });
    const h = wg.randn([2, 2, 6, 6], { dtype: 'float64' });
    for (const size of [11, 12]) {
      const y = up.forward(h, [2, 2, size, size]);
      expect(y.shape).toEqual([2, 3, size, size]);
      const want = wg.convTranspose2d(h, up.weight, up.bias, { stride: 2, padding: 1, outputPadding: size - 11 });
      expect(y.toArray()).toEqual(want.toArray());
    }
    expect(up.forward(h, [12, 11]).shape).toEqual([2, 3, 12, 11]);
    expect(up.forward(wg.randn([2, 6, 6], { dtype: 'float64' }), [2, 12, 12]).shape).toEqual([3, 12, 12]);
    const up1 = new wg.nn.ConvTranspose1d(1, 1, 2, { stride: 3 });
    // (3 − 1)·3 + (2 − 1) + 1 = 8 up to 8 + 3 − 1
    expect([8, 9, 10].map((L) => up1.forward(wg.ones([1, 1, 3]), [L]).shape[2])).toEqual([8, 9, 10]);
    expect(up1.forward(wg.ones([1, 1, 3])).shape).toEqual([1, 1, 8]);
  });

  it('ConvTranspose forward rejects an output size the stride cannot give, naming the valid range', () => {
    const up = new wg.nn.ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1 });
    const x = wg.ones([1, 1, 6, 6]);
    const before = wg.memory();
    expectThrows(wg.ShapeError, () => up.forward(x, [13, 12]), /ConvTranspose2d: requested an output size of \[13,12\], but valid sizes range from \[11,11\] to \[12,12\] \(for an input of shape \[1,1,6,6\]\)/);
    expectThrows(wg.ShapeError, () => up.forward(x, [12]), /ConvTranspose2d: outputSize \[12\] must have 2 or 4 entries for an input of shape \[1,1,6,6\]/);
    expectThrows(wg.WasmgradError, () => up.forward(x, [12, 11.5]), /ConvTranspose2d: outputSize must be an array of integers/);
    expect(wg.memory()).toEqual(before);
  });

  it("Conv1d paddingMode 'reflect', 'replicate', 'circular' pad the input as PyTorch's padding_mode", () => {
    const x = wg.tensor([[[1, 2, 3]]], { dtype: 'float64' });
    const out = (mode: 'reflect' | 'replicate' | 'circular', k: number, padding: number | 'same') => {
      const m = new wg.nn.Conv1d(1, 1, k, { padding, paddingMode: mode, bias: false, dtype: 'float64' });
      wg.noGrad(() => m.weight.fill_(1));
      expect(m.paddingMode).toBe(mode);
      return (m.forward(x).toArray() as number[][][])[0][0];
    };
    expect(out('circular', 3, 1)).toEqual([6, 6, 6]);   // [3 | 1 2 3 | 1]
    expect(out('reflect', 3, 1)).toEqual([5, 6, 7]);    // [2 | 1 2 3 | 2]
    expect(out('replicate', 3, 1)).toEqual([4, 6, 8]);  // [1 | 1 2 3 | 3]
    expect(out('reflect', 2, 'same')).toEqual([3, 5, 5]); // 'same', even kernel: the extra at the end, [1 2 3 | 2]
  });

  it('Conv2d with a paddingMode equals conv2d of the input padded in that mode, and its gradients pass gradcheck', () => {
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      const m = new wg.nn.Conv2d(2, 3, 3, { padding: [1, 2], stride: [1, 2], paddingMode: mode, dtype: 'float64' });
      const x = wg.randn([2, 2, 4, 5], { dtype: 'float64', requiresGrad: true });
      const want = wg.conv2d(wg.pad(x, [2, 2, 1, 1], mode), m.weight, m.bias, { stride: [1, 2] });
      expect(m.forward(x).toArray()).toEqual(want.toArray());
      const report = wg.gradcheck((xi, w, b) => wg.conv2d(wg.pad(xi, [2, 2, 1, 1], mode), w, b, { stride: [1, 2] }).square().sum(),
        [x, m.weight, m.bias!]);
      expect(report.ok).toBe(true);
      const step = () => wg.tidy(() => { m.forward(x).square().sum().backward(); });
      step(); // makes the gradients
      expect(m.weight.grad!.shape).toEqual([3, 2, 3, 3]);
      const before = wg.memory();
      step(); // the padded copy the graph held is freed after backward
      expect(wg.memory()).toEqual(before);
      const noGradBefore = wg.memory();
      wg.noGrad(() => m.forward(x)).dispose();
      expect(wg.memory()).toEqual(noGradBefore);
    }
  });

  it('bad module arguments throw before any parameter is allocated', () => {
    expectThrows(wg.ShapeError, () => new wg.nn.Conv2d(3, 8, 3, { padding: 'same', stride: 2 }), /Conv2d: padding 'same' is not supported for strided convolutions/);
    expectThrows(wg.ShapeError, () => new wg.nn.Conv2d(3, 8, 3, { groups: 2 }), /Conv2d: groups 2 must divide inChannels 3 and outChannels 8/);
    expectThrows(wg.WasmgradError, () => new wg.nn.Conv2d(3, 8, 3, { paddingMode: 'mirror' as never }), /Conv2d: paddingMode "mirror" is not supported \(accepted: 'zeros', 'reflect', 'replicate', 'circular'\)/);
    expectThrows(wg.WasmgradError, () => new wg.nn.ConvTranspose2d(3, 8, 3, { paddingMode: 'reflect' as never }), /ConvTranspose2d: paddingMode "reflect" is not supported \(accepted: 'zeros'\)/);
    expectThrows(wg.WasmgradError, () => new wg.nn.Conv2d(3, 8, 3, { kernel: 3 } as never), /Conv2d: unknown option 'kernel'/);
    expectThrows(wg.ShapeError, () => new wg.nn.Conv2d(3, 8, 0), /Conv2d: kernelSize must be positive integers, got 0/);
    expectThrows(wg.WasmgradError, () => new wg.nn.Conv1d(0, 8, 3), /Conv1d: inChannels must be a positive integer, got 0/);
    expectThrows(wg.ShapeError, () => new wg.nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }), /ConvTranspose2d: outputPadding \[2,2\] must be smaller/);
    expectThrows(wg.WasmgradError, () => new wg.nn.Conv2d(3, 8, 3, { dtype: 'int32' as never }), /Conv2d: dtype must be 'float32' or 'float64'/);
  });
});

describe('conv exports', () => {
  it('the functional ops and the modules are exported', () => {
    for (const f of [wg.conv1d, wg.conv2d, wg.convTranspose1d, wg.convTranspose2d]) expect(typeof f).toBe('function');
    for (const m of [wg.nn.Conv1d, wg.nn.Conv2d, wg.nn.ConvTranspose1d, wg.nn.ConvTranspose2d]) expect(typeof m).toBe('function');
  });
});

// ---- TensorFlow.js (cpu backend) as an independent reference: NHWC/HWIO layouts, so inputs and
// results are transposed; forward values and both gradients of sum(y · r) in float32 ----------


interface TfCase { name: string; x: number[]; w: number[]; stride: number; padding: number | 'same' | 'valid'; dilation: number; grads?: false }
const TF_CASES: TfCase[] = [
  { name: 'stride 1 valid', x: [2, 3, 6, 5], w: [4, 3, 3, 2], stride: 1, padding: 'valid', dilation: 1 },
  { name: 'stride 2 padding 1', x: [1, 2, 7, 6], w: [3, 2, 3, 3], stride: 2, padding: 1, dilation: 1 },
  { name: "'same' even kernel", x: [2, 2, 5, 4], w: [2, 2, 2, 4], stride: 1, padding: 'same', dilation: 1 },
  // with dilation, tf.js's numeric padding 0 gives a wrong output size ([1,3,3,2] here: 'valid'
  // instead) and its conv2d gradient throws ("dilation rates greater than 1 are not yet supported")
  { name: 'dilation 2 (values only)', x: [1, 3, 7, 7], w: [2, 3, 3, 2], stride: 1, padding: 'valid', dilation: 2, grads: false },
];

forEachBackend('conv2d agrees with TensorFlow.js', () => {
  it.each(TF_CASES)('conv2d $name matches tf.conv2d: values, and input and weight gradients where tf.js has them', async ({ x: xs, w: ws, stride, padding, dilation, grads }) => {
    await initTf();
    const xv = randomFlat(xs.reduce((a, b) => a * b, 1), 21, -1, 1).map(Math.fround);
    const wv = randomFlat(ws.reduce((a, b) => a * b, 1), 22, -1, 1).map(Math.fround);
    const x = wg.tensor(nest(xv, xs), { requiresGrad: true }), w = wg.tensor(nest(wv, ws), { requiresGrad: true });
    const y = wg.conv2d(x, w, null, { stride, padding, dilation });
    const rv = randomFlat(y.size, 23, -1, 1).map(Math.fround);
    y.mul(wg.tensor(nest(rv, y.shape as number[]))).sum().backward();

    const tx = tf.tensor(xv, xs).transpose([0, 2, 3, 1]) as tf.Tensor4D;
    const tw = tf.tensor(wv, ws).transpose([2, 3, 1, 0]) as tf.Tensor4D;
    const tr = tf.tensor(rv, y.shape as number[]).transpose([0, 2, 3, 1]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, stride, padding, 'NHWC', dilation);
    const ty = f(tx, tw).transpose([0, 3, 1, 2]);
    const tol = { rtol: 1e-4, atol: 1e-5 };
    expectClose(y.toArray(), ty.arraySync(), tol);
    if (grads === false) {
      tf.dispose([tx, tw, tr, ty]);
      return;
    }
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), tr)))([tx, tw]);
    expectClose(x.grad!.toArray(), gx.transpose([0, 3, 1, 2]).arraySync(), tol);
    expectClose(w.grad!.toArray(), gw.transpose([3, 2, 0, 1]).arraySync(), tol);
    tf.dispose([tx, tw, tr, ty, gx, gw]);
  });

  it('convTranspose2d stride 2 equals tf.conv2dTranspose', async () => {
    await initTf();
    const xs = [1, 3, 3, 4], ws = [3, 2, 3, 2];
    const xv = randomFlat(36, 31, -1, 1).map(Math.fround), wv = randomFlat(36, 32, -1, 1).map(Math.fround);
    const y = wg.convTranspose2d(wg.tensor(nest(xv, xs)), wg.tensor(nest(wv, ws)), null, { stride: 2 });
    expect(y.shape).toEqual([1, 2, 7, 8]);
    // PyTorch weight [Cin, Cout, kh, kw] → tf.js filter [kh, kw, Cout, Cin]
    const ty = tf.conv2dTranspose(tf.tensor(xv, xs).transpose([0, 2, 3, 1]) as tf.Tensor4D,
      tf.tensor(wv, ws).transpose([2, 3, 1, 0]) as tf.Tensor4D, [1, 7, 8, 2], 2, 'valid');
    expectClose(y.toArray(), ty.transpose([0, 3, 1, 2]).arraySync(), { rtol: 1e-4, atol: 1e-5 });
  });
});
