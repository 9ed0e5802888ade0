// Memory discipline of a real training loop: inside tidy, 10,000 steps keep memory().tensors and
// the wasm heap flat; without tidy, everything comes back after garbage collection.

import { beforeAll, describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as wg from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

describe.each(['wasm', 'js'] as const)('training loop memory [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  function setup() {
    wg.setBackend(backend);
    wg.manualSeed(3);
    const model = new wg.nn.MLP([4, 16, 3], { activation: 'tanh' });
    const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
    const x = wg.randn([32, 4]);
    const labels = Array.from({ length: 32 }, (_, i) => i % 3);
    return { model, opt, x, labels };
  }

  it('10,000 steps inside tidy keep tensors, bytes and the wasm heap flat', () => {
    const { model, opt, x, labels } = setup();
    const step = () => wg.tidy(() => {
      const loss = model.forward(x).crossEntropy(labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    });
    const first = step();
    for (let i = 0; i < 99; i++) step();
    const before = wg.memory();
    let last = first;
    for (let i = 0; i < 9900; i++) last = step();
    const after = wg.memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(after.wasmBytes).toBe(before.wasmBytes);
    expect(last).toBeLessThan(first); // it did train
  }, 60000);

  async function collectGarbage(until: () => boolean = () => false): Promise<void> {
    for (let i = 0; i < 20 && !until(); i++) {
      gc();
      // Finalizers run as separate tasks after a collection.
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('without tidy, memory comes back after garbage collection', async () => {
    const { model, opt, x, labels } = setup();
    await collectGarbage(); // what earlier tests left unreachable
    const base = wg.memory();
    (() => {
      for (let i = 0; i < 300; i++) {
        const loss = model.forward(x).crossEntropy(labels);
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
    })();
    opt.zeroGrad();
    expect(wg.memory().tensors).toBeGreaterThan(base.tensors + 300);
    const state = 2 * model.parameters().length;
    await collectGarbage(() => wg.memory().tensors <= base.tensors + state);
    // What remains is the optimizer's state (m and v per parameter, made on the first step).
    expect(wg.memory().tensors).toBe(base.tensors + state);
  }, 30000);
});
