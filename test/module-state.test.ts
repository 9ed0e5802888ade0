// A module's stateDict(): parameters and persistent buffers, which save()/load() write and read.
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

class WithStats extends wg.nn.Module {
  fc: wg.nn.Linear;
  constructor(dtype: 'float32' | 'float64') {
    super();
    this.fc = new wg.nn.Linear(3, 2, { dtype });
    this.registerBuffer('running_mean', wg.zeros([2], { dtype }));
    this.registerBuffer('scratch', wg.ones([2], { dtype }), { persistent: false });
  }
  forward(x: wg.Tensor): wg.Tensor { return this.fc.forward(x); }
}

beforeAll(async () => { await wg.init(); });

describe.each(['wasm', 'js'] as const)('module state (%s)', (backend) => {
  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    it('stateDict lists parameters, then persistent buffers, not non-persistent ones', () => {
      wg.setBackend(backend);
      const m = new WithStats(dtype);
      expect([...m.stateDict().keys()]).toEqual(['fc.weight', 'fc.bias', 'running_mean']);
      expect(m.namedBuffers().map(([n]) => n)).toEqual(['running_mean', 'scratch']);
    });

    it('save() and load() carry persistent buffers, and leave non-persistent ones alone', () => {
      wg.setBackend(backend);
      const a = new WithStats(dtype);
      wg.noGrad(() => { (a as unknown as { running_mean: wg.Tensor }).running_mean.fill_(0.5); });
      const bytes = wg.save(a);
      const names = [...wg.loadTensors(bytes).tensors.keys()].sort();
      expect(names).toEqual(['fc.bias', 'fc.weight', 'running_mean']);
      const b = new WithStats(dtype);
      wg.load(b, bytes);
      const rb = (b as unknown as { running_mean: wg.Tensor; scratch: wg.Tensor });
      expect(Array.from(rb.running_mean.data())).toEqual([0.5, 0.5]);
      expect(Array.from(rb.scratch.data())).toEqual([1, 1]);
      expect(Array.from(b.fc.weight.data())).toEqual(Array.from(a.fc.weight.data()));
    });
  });
});
