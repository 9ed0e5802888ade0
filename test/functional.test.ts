// wg.nn.functional / wg.F (PyTorch's torch.nn.functional under camelCase names), and dropout,
// dropout2d and their modules: PyTorch's rule (scale 1/(1-p) in training, identity in eval,
// p = 1 gives zeros), seeded by wg.manualSeed; every backend × dtype.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachConfig } from './helpers.js';
import { expectError } from './support/errors.js';

const TORCH_F_NAMES = ['relu', 'gelu', 'silu', 'elu', 'leakyRelu', 'softplus', 'logSigmoid', 'hardtanh', 'sigmoid', 'tanh',
  'softmax', 'logSoftmax', 'crossEntropy', 'nllLoss', 'mseLoss', 'l1Loss', 'huberLoss', 'binaryCrossEntropy',
  'binaryCrossEntropyWithLogits', 'pad', 'dropout', 'dropout2d', 'oneHot',
  'conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d', 'maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d', 'adaptiveAvgPool1d', 'adaptiveAvgPool2d'];

describe('wg.nn.functional', () => {
  it('wg.F is wg.nn.functional', () => {
    expect(wg.F).toBe(wg.nn.functional);
  });

  it('wg.nn.functional holds the torch.nn.functional ops wasmgrad has, as the top-level functions', () => {
    for (const name of TORCH_F_NAMES) {
      expect(typeof (wg.F as any)[name], name).toBe('function');
      expect((wg.F as any)[name], name).toBe((wg as any)[name]);
    }
  });

  it('wg.nn.functional holds only functions that are also top-level ops', () => {
    for (const [name, f] of Object.entries(wg.F)) expect(f, name).toBe((wg as any)[name]);
  });

  it('wg.F computes as PyTorch does: F.relu and F.crossEntropy', async () => {
    await wg.init();
    wg.setBackend('js');
    expect(wg.F.relu(wg.tensor([-1, 2])).toArray()).toEqual([0, 2]);
    const loss = wg.F.crossEntropy(wg.tensor([[0, 0]], { dtype: 'float64' }), [1]);
    expectClose(loss.item(), Math.log(2), { rtol: 1e-12, atol: 0 });
  });
});

forEachConfig('dropout', ({ dtype }) => {
  const ones = (shape: number[], requiresGrad = false) => wg.ones(shape, { dtype, requiresGrad });
  const scaleOf = (p: number) => (dtype === 'float32' ? Math.fround(1 / (1 - p)) : 1 / (1 - p));

  it('dropout zeroes about p of the elements and scales the others by 1/(1-p)', () => {
    wg.manualSeed(3);
    const y = wg.dropout(ones([100, 100]), 0.3);
    expect(y.dtype).toBe(dtype);
    const v = y.data();
    const zeros = v.filter((e) => e === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.27);
    expect(zeros).toBeLessThan(0.33);
    for (const e of v) if (e !== 0) expect(e).toBe(scaleOf(0.3));
  });

  it('dropout with training false or p = 0 returns the input itself', () => {
    const x = ones([3]);
    expect(wg.dropout(x, 0.5, false)).toBe(x);
    expect(wg.dropout(x, 0)).toBe(x);
    expect(wg.dropout2d(ones([1, 2, 2, 2]), 0.5, false).toArray()).toEqual(ones([1, 2, 2, 2]).toArray());
  });

  it('dropout with p = 1 gives zeros, and a zero gradient', () => {
    const x = ones([2, 3], true);
    const y = wg.dropout(x, 1);
    expect(y.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('dropout is reproducible after manualSeed, and the same on both backends', () => {
    const draw = (backend: 'wasm' | 'js') => {
      wg.setBackend(backend);
      wg.manualSeed(11);
      return wg.dropout(wg.tensor([1, 2, 3, 4, 5, 6, 7, 8], { dtype }), 0.5).toArray();
    };
    const a = draw('wasm');
    expect(draw('wasm')).toEqual(a);
    expect(draw('js')).toEqual(a);
  });

  it('dropout gradient is the mask: 1/(1-p) where kept, 0 where dropped', () => {
    wg.manualSeed(5);
    const x = wg.tensor([1, -2, 3, -4, 5, -6, 7, -8, 9, -10], { dtype, requiresGrad: true });
    const y = wg.dropout(x, 0.4);
    y.sum().backward();
    const yv = y.data(), xv = x.data(), g = x.grad!.data();
    for (let i = 0; i < g.length; i++) {
      expect(g[i]).toBe(yv[i] === 0 ? 0 : scaleOf(0.4));
      expect(yv[i]).toBe(yv[i] === 0 ? 0 : (dtype === 'float32' ? Math.fround(xv[i] * scaleOf(0.4)) : xv[i] * scaleOf(0.4)));
    }
  });

  it('dropout2d zeroes whole channels of [N, C, H, W] and scales the others', () => {
    wg.manualSeed(2);
    const y = wg.dropout2d(ones([4, 8, 3, 3]), 0.5).data();
    let dropped = 0;
    for (let ch = 0; ch < 32; ch++) {
      const plane = Array.from(y.subarray(ch * 9, ch * 9 + 9));
      const first = plane[0];
      expect(first === 0 || first === scaleOf(0.5)).toBe(true);
      expect(plane.every((e) => e === first), `channel ${ch} is all dropped or all kept`).toBe(true);
      if (first === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(4);
    expect(dropped).toBeLessThan(28);
  });

  it('dropout2d of unbatched [C, H, W] zeroes whole channels', () => {
    wg.manualSeed(9);
    const y = wg.dropout2d(ones([16, 2, 2]), 0.5).data();
    const kinds = new Set<number>();
    for (let ch = 0; ch < 16; ch++) {
      const plane = Array.from(y.subarray(ch * 4, ch * 4 + 4));
      expect(plane.every((e) => e === plane[0])).toBe(true);
      kinds.add(plane[0]);
    }
    expect([...kinds].sort()).toEqual([0, scaleOf(0.5)].sort());
  });

  it('dropout and dropout2d reject p outside [0, 1], a non-boolean training, int32 and wrong ranks', () => {
    const x = ones([2, 2]);
    expectError(() => wg.dropout(x, 1.5), /dropout: p must be a number in \[0, 1\], got 1.5/);
    expectError(() => wg.dropout(x, -0.1), /dropout: p must be a number in \[0, 1\], got -0.1/);
    expectError(() => wg.dropout(x, NaN), /dropout: p must be a number in \[0, 1\], got NaN/);
    expectError(() => wg.dropout(x, 0.5, 'yes' as never), /dropout: training must be a boolean, got "yes"/);
    const i = wg.tensor([1, 2], { dtype: 'int32' });
    expect(() => wg.dropout(i, 0.5)).toThrow(wg.DTypeError);
    expectError(() => wg.dropout(i, 0.5), /dropout: expected a float32 or float64 tensor, got int32 of shape \[2\]/);
    expect(() => wg.dropout2d(x, 0.5)).toThrow(wg.ShapeError);
    expectError(() => wg.dropout2d(x, 0.5), /dropout2d: expected a 4-D input \[N, C, H, W\] or a 3-D input \[C, H, W\], got shape \[2,2\]/);
    const x4 = ones([1, 1, 1, 1]);
    expectError(() => wg.dropout2d(x4, 2), /dropout2d: p must be a number in \[0, 1\], got 2/);
    expectError(() => wg.dropout('x' as never), /dropout: input must be a Tensor/);
  });

  it('dropout frees its mask when nothing is recorded', () => {
    const x = ones([4, 4]);
    const xg = ones([4, 4], true);
    const before = wg.memory().tensors;
    const y = wg.dropout(x, 0.5);
    expect(wg.memory().tensors).toBe(before + 1);
    const z = wg.noGrad(() => wg.dropout2d(xg.reshape([1, 1, 4, 4]), 0.5));
    expect(wg.memory().tensors).toBe(before + 3); // z and its reshaped input, no mask
    y.dispose();
    z.dispose();
  });

  it('Dropout and Dropout2d modules share the rule: training draws, eval is the identity, p = 1 allowed', () => {
    const x = ones([2, 3, 2, 2]);
    wg.manualSeed(4);
    const a = new wg.nn.Dropout2d(0.5).forward(x).toArray();
    wg.manualSeed(4);
    expect(wg.dropout2d(x, 0.5).toArray()).toEqual(a);
    wg.manualSeed(4);
    const b = new wg.nn.Dropout({ p: 0.25 }).forward(x).toArray();
    wg.manualSeed(4);
    expect(wg.dropout(x, 0.25).toArray()).toEqual(b);
    const m = new wg.nn.Dropout2d({ p: 0.3 }).eval();
    expect(m.forward(x)).toBe(x);
    expect(new wg.nn.Dropout(1).forward(x).sum().item()).toBe(0);
    expect(() => new wg.nn.Dropout2d(1.2)).toThrow(/Dropout2d: p must be a number in \[0, 1\], got 1.2/);
    expect(() => new wg.nn.Dropout2d({ q: 0.2 } as never)).toThrow(/Dropout2d: unknown option 'q' \(accepted: p\)/);
    expect(new wg.nn.Dropout2d().p).toBe(0.5);
    expect(new wg.nn.Dropout2d(0.2).parameters()).toEqual([]);
  });
});
