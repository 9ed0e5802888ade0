// Deterministic memory management: tidy, keep, dispose, Symbol.dispose, memory() fields, and a
// training-style loop whose live tensor count stays flat.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { type Tensor, forEachConfig, nest, randomFlat } from './helpers.js';

const live = () => wg.memory().tensors;

forEachConfig('memory', ({ backend, dtype }) => {
  const bytesPer = dtype === 'float64' ? 8 : 4;

  it('memory() has numeric tensors, bytes and wasmBytes', () => {
    const m = wg.memory();
    expect(Number.isInteger(m.tensors)).toBe(true);
    expect(m.tensors).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(m.bytes)).toBe(true);
    expect(m.bytes).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(m.wasmBytes)).toBe(true);
    if (backend === 'wasm') {
      expect(m.wasmBytes).toBeGreaterThan(0);
      expect(m.wasmBytes % 65536).toBe(0);
    }
  });

  it('a new tensor adds one to tensors and its bytes to bytes; dispose takes them back', () => {
    const m0 = wg.memory();
    const t = wg.zeros([10, 10], { dtype });
    const m1 = wg.memory();
    expect(m1.tensors).toBe(m0.tensors + 1);
    expect(m1.bytes - m0.bytes).toBe(100 * bytesPer);
    t.dispose();
    const m2 = wg.memory();
    expect(m2.tensors).toBe(m0.tensors);
    expect(m2.bytes).toBe(m0.bytes);
  });

  it('wasmBytes grows when a large wasm tensor needs it', () => {
    if (backend !== 'wasm') return;
    const before = wg.memory().wasmBytes;
    const big = wg.zeros([4 * 1024 * 1024], { dtype }); // 16 or 32 MiB
    expect(wg.memory().wasmBytes).toBeGreaterThanOrEqual(before);
    expect(wg.memory().wasmBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024 * bytesPer);
    expect(big.sum().item()).toBe(0);
    big.dispose();
  });

  it('tidy frees everything made inside except the returned tensor', () => {
    const x = wg.tensor([[1, 2], [3, 4]], { dtype });
    const before = live();
    let inner: Tensor | null = null;
    const out = wg.tidy(() => {
      inner = x.mul(2);
      const y = inner.exp().add(1).log();
      return y.sum(1);
    });
    expect(live()).toBe(before + 1);
    expect(out.shape).toEqual([2]);
    expect(() => inner!.toArray()).toThrow(wg.DisposedError);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    out.dispose();
    expect(live()).toBe(before);
  });

  it('tidy keeps every tensor of a returned array', () => {
    const before = live();
    const [a, b] = wg.tidy(() => {
      const t = wg.ones([3], { dtype });
      const u = t.mul(3);
      return [u, u.add(1)];
    });
    expect(live()).toBe(before + 2);
    expect(a.toArray()).toEqual([3, 3, 3]);
    expect(b.toArray()).toEqual([4, 4, 4]);
    a.dispose();
    b.dispose();
    expect(live()).toBe(before);
  });

  it('tidy keeps the tensors of a returned plain object', () => {
    const before = live();
    const { w, b } = wg.tidy(() => {
      const t = wg.ones([2], { dtype });
      return { w: t.mul(2), b: t.add(1), note: 'not a tensor' };
    });
    expect(live()).toBe(before + 2);
    expect(w.toArray()).toEqual([2, 2]);
    expect(b.toArray()).toEqual([2, 2]);
    wg.dispose([w, b]);
    expect(live()).toBe(before);
  });

  it('wg.dispose frees a tensor or every tensor of an array', () => {
    const before = live();
    const a = wg.ones([3], { dtype });
    const b = wg.zeros([3], { dtype });
    const c = wg.full([3], 2, { dtype });
    expect(live()).toBe(before + 3);
    wg.dispose(a);
    expect(live()).toBe(before + 2);
    wg.dispose([b, c]);
    expect(live()).toBe(before);
    expect(() => c.toArray()).toThrow(wg.DisposedError);
  });

  it('tidy returning nothing or a number frees everything', () => {
    const before = live();
    const n = wg.tidy(() => wg.ones([4], { dtype }).mul(2).sum().item());
    expect(n).toBe(8);
    wg.tidy(() => {
      wg.zeros([5], { dtype }).add(1);
    });
    expect(live()).toBe(before);
  });

  it('nested tidy: the inner result survives into the outer scope and is freed by it', () => {
    const before = live();
    let innerResult: Tensor | null = null;
    const out = wg.tidy(() => {
      innerResult = wg.tidy(() => wg.ones([2], { dtype }).mul(5));
      expect(live()).toBe(before + 1);
      expect(innerResult.toArray()).toEqual([5, 5]);
      return innerResult.add(1);
    });
    expect(out.toArray()).toEqual([6, 6]);
    expect(live()).toBe(before + 1);
    expect(() => innerResult!.toArray()).toThrow(wg.DisposedError);
    out.dispose();
    expect(live()).toBe(before);
  });

  it('keep exempts a tensor from the enclosing tidy', () => {
    const before = live();
    let kept: Tensor | null = null;
    wg.tidy(() => {
      kept = wg.keep(wg.ones([3], { dtype }).mul(2));
      wg.ones([3], { dtype }).mul(4);
    });
    expect(live()).toBe(before + 1);
    expect(kept!.toArray()).toEqual([2, 2, 2]);
    kept!.dispose();
    expect(live()).toBe(before);
  });

  it('tensors made outside tidy are not freed by it', () => {
    const a = wg.ones([2], { dtype });
    wg.tidy(() => a.add(1));
    expect(a.toArray()).toEqual([1, 1]);
    a.dispose();
  });

  it('Symbol.dispose frees like dispose()', () => {
    const before = live();
    const t = wg.ones([8], { dtype });
    expect(typeof t[Symbol.dispose]).toBe('function');
    expect(live()).toBe(before + 1);
    t[Symbol.dispose]();
    expect(live()).toBe(before);
    expect(() => t.toArray()).toThrow(wg.DisposedError);
  });

  it('a `using` block disposes at its end', () => {
    const before = live();
    {
      using t = wg.ones([8], { dtype });
      expect(t.sum().item()).toBe(8);
    }
    // t.sum() made one tensor that is still live; the `using` tensor is gone
    expect(live()).toBe(before + 1);
  });

  it('disposing a reshaped view keeps the original usable', () => {
    const a = wg.tensor([1, 2, 3, 4], { dtype });
    const before = live();
    const v = a.reshape([2, 2]);
    expect(live()).toBe(before + 1);
    v.dispose();
    expect(live()).toBe(before);
    expect(a.toArray()).toEqual([1, 2, 3, 4]);
    const w = a.reshape([4, 1]);
    a.dispose();
    expect(w.toArray()).toEqual([[1], [2], [3], [4]]);
    w.dispose();
  });

  it('backward inside tidy leaves the parameters\' gradients usable and nothing else', () => {
    const w = wg.tensor([[0.5, -1], [2, 0.25]], { dtype, requiresGrad: true });
    const before = live();
    wg.tidy(() => {
      const x = wg.tensor([[1, 2], [3, 4]], { dtype });
      x.matmul(w).tanh().sum().backward();
    });
    expect(w.grad).not.toBeNull();
    expect(w.grad!.shape).toEqual([2, 2]);
    expect(Number.isFinite(w.grad!.sum().item())).toBe(true);
    // at most the gradient of w (and the one-off sum above) remain
    expect(live()).toBeLessThanOrEqual(before + 2);
  });

  it('a training loop of 1,000 steps inside tidy keeps memory().tensors flat', () => {
    const opts = { dtype };
    const X = wg.tensor(nest(randomFlat(32 * 4, 1, -1, 1), [32, 4]), opts);
    const trueW = nest(randomFlat(4 * 2, 2, -1, 1), [4, 2]);
    const Y = wg.noGrad(() => X.matmul(wg.tensor(trueW, opts)));
    let W = wg.zeros([4, 2], { ...opts, requiresGrad: true });
    let b = wg.zeros([2], { ...opts, requiresGrad: true });
    const lr = 0.1;
    const counts: number[] = [];
    let first = NaN;
    let last = NaN;
    for (let step = 0; step < 1000; step++) {
      const [nW, nb, loss] = wg.tidy(() => {
        const l = X.matmul(W).add(b).mseLoss(Y);
        l.backward();
        return wg.noGrad(() => [W.sub(W.grad!.mul(lr)), b.sub(b.grad!.mul(lr)), l.detach()]);
      });
      W.dispose();
      b.dispose();
      W = nW;
      b = nb;
      W.requiresGrad = true;
      b.requiresGrad = true;
      const lv = loss.item();
      loss.dispose();
      if (step === 0) first = lv;
      last = lv;
      counts.push(live());
    }
    expect(last).toBeLessThan(first * 0.01);
    // flat: the count after step 10 is the count after every later step
    const settled = counts[10];
    expect(counts.slice(10).every((c) => c === settled), `counts ${counts.slice(0, 20)} … ${counts.slice(-5)}`).toBe(true);
    expect(counts[999]).toBeLessThanOrEqual(counts[0]);
    W.dispose();
    b.dispose();
  }, 60_000);
});
