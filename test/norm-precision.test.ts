// The normalisations subtract the mean before scaling (found by the random programs of
// test/property: the wasm kernels computed x·invstd + (beta − mean·invstd), which cancels
// catastrophically in float32 when |mean|·invstd is large — a size-1 group, or data far from 0).

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

describe.each(['wasm', 'js'] as const)('normalisation precision [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('layerNorm over a size-1 dim with a bias gives exactly the bias in float32', () => {
    wg.setBackend(backend);
    const before = wg.memory().tensors;
    wg.tidy(() => {
      const x = wg.tensor([5.86664342880249, -0.3141791820526123, 1234.5], { dtype: 'float32', shape: [3, 1] });
      const bias = wg.tensor([0.7655348777770996], { dtype: 'float32' });
      const y = wg.layerNorm(x, 1, null, bias);
      expect(Array.from(y.data())).toEqual(Array.from(new Float32Array([0.7655348777770996, 0.7655348777770996, 0.7655348777770996])));
    });
    expect(wg.memory().tensors).toBe(before);
  });

  it.each(['batchNorm', 'groupNorm'] as const)('%s of float32 data far from 0 (with an exact mean) matches float64 to float32 accuracy', (op) => {
    wg.setBackend(backend);
    const before = wg.memory().tensors;
    // mean 1000.125 exactly: the float32 error is then that of the scaling alone
    const data = [1000.125, 1000.25, 999.5, 1000.375, 1000.625, 999.875];
    const run = (dtype: 'float32' | 'float64') => wg.tidy(() => {
      const x = wg.tensor(data, { dtype, shape: [1, 1, 6] });
      const w = wg.tensor([1.5], { dtype }), b = wg.tensor([0.25], { dtype });
      const y = op === 'batchNorm' ? wg.batchNorm(x, null, null, w, b, { training: true }) : wg.groupNorm(x, 1, w, b);
      return Array.from(y.data());
    });
    const lo = run('float32'), hi = run('float64');
    lo.forEach((v, i) => expect(Math.abs(v - hi[i]), `element ${i}: ${v} vs ${hi[i]}`).toBeLessThan(2e-6));
    expect(wg.memory().tensors).toBe(before);
  });
});
