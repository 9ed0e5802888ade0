// Layer construction allocates only the parameters: the initialisation's intermediates (rand,
// the scaled draw) are freed at once, not left to the garbage collector.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

beforeAll(async () => { await wg.init(); });

describe.each(['wasm', 'js'] as const)('layer initialisation [%s]', (backend) => {
  it.each([
    ['Linear', () => new wg.nn.Linear(5, 3)],
    ['Conv2d', () => new wg.nn.Conv2d(2, 4, 3)],
    ['MultiheadAttention', () => new wg.nn.MultiheadAttention(8, 2)],
  ])('%s allocates its parameters and nothing else, bounded by U(±bound)', (_name, make) => {
    wg.setBackend(backend);
    const before = wg.memory().tensors;
    const layer = make();
    const params = layer.parameters();
    expect(wg.memory().tensors - before).toBe(params.length);
    for (const p of params) {
      const v = p.data() as Float32Array;
      expect(v.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
    }
    wg.dispose(params);
    expect(wg.memory().tensors).toBe(before);
  });
});
