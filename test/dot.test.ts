// toDot draws the circuit: a box per tensor, an ellipse per gate, wires input -> gate -> output,
// with values and gradients on small tensors.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

describe('toDot', () => {
  beforeAll(async () => {
    await wg.init();
    wg.setBackend('wasm');
  });

  it('draws the sigmoid neuron with one node per gate and per tensor, values and gradients', () => {
    const w = wg.tensor([2, -3, -3], { dtype: 'float64', requiresGrad: true });
    const x = wg.tensor([-1, -2, 1], { dtype: 'float64' });
    const dot = w.mul(x).retainGrad();
    const s = dot.sum().retainGrad();
    const f = s.sigmoid();
    f.backward();
    const text = wg.toDot(f, { names: { w, x, f } });
    expect(text.startsWith('digraph')).toBe(true);
    expect(text.trim().endsWith('}')).toBe(true);
    const gates = [...text.matchAll(/shape=ellipse[^\]]*label="([^"]+)"/g)].map((m) => m[1]);
    expect(gates.sort()).toEqual(['mul', 'sigmoid', 'sum']);
    const boxes = [...text.matchAll(/shape=box/g)];
    expect(boxes).toHaveLength(5); // w, x, w*x, sum, f
    expect(text).toContain('value 0.7311'); // f
    expect(text).toContain('grad [-0.1966, -0.3932, 0.1966]'); // dw, as in the seed
    expect(text).toContain('w  [3] float64');
    const edges = [...text.matchAll(/(\w+) -> (\w+)/g)];
    expect(edges).toHaveLength(3 + 4); // gate -> output (3), input -> gate (mul 2, sum 1, sigmoid 1)
  });

  it('omits values and gradients when asked, and prints large tensors by shape only', () => {
    const a = wg.randn([20, 20], { requiresGrad: true });
    const y = a.tanh().sum();
    y.backward();
    const text = wg.toDot(y, { values: false, grads: false });
    expect(text).not.toMatch(/\bvalue /);
    expect(text).not.toMatch(/\bgrad /);
    const full = wg.toDot(y);
    expect(full).toContain('grad ✓'); // a has a 400-element gradient: marked, not printed
    expect(full).toContain('[20,20] float32');
  });

  it('handles a deep chain without recursion', () => {
    const x = wg.tensor(1, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    const text = wg.toDot(y, { values: false });
    expect(text.match(/shape=ellipse/g)).toHaveLength(20000);
  });
});
