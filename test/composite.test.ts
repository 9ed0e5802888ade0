// Composite ops (written with other ops, e.g. silu = x · sigmoid(x)): errors name the op, and
// with nothing to record their intermediates are freed at once.
import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

describe.each(['wasm', 'js'] as const)('composite ops (%s)', (backend) => {
  it('silu without a gradient to record leaves only its result behind', async () => {
    await wg.init({ backend });
    const x = wg.tensor([-1, 0, 2]);
    const before = wg.memory().tensors;
    const y = wg.silu(x);
    expect(wg.memory().tensors).toBe(before + 1);
    const want = [-1 / (1 + Math.E), 0, 2 / (1 + Math.exp(-2))];
    (y.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    y.dispose(); x.dispose();
  });

  it('silu while recording keeps what its backward needs, and the gradient is the closed form', async () => {
    await wg.init({ backend });
    const x = wg.tensor([-1, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    wg.silu(x).sum().backward();
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const want = [-1, 0.5, 2].map((v) => s(v) * (1 + v * (1 - s(v))));
    (x.grad!.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i], 14));
  });

  it('a bad argument to silu is an error naming silu, and leaks nothing', async () => {
    await wg.init({ backend });
    const before = wg.memory().tensors;
    expect(() => wg.silu('x' as never)).toThrow(/^silu: /);
    expect(wg.memory().tensors).toBe(before);
    expect(wg.silu(0).item()).toBe(0);
  });
});
