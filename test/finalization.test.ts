// The FinalizationRegistry safety net: tensors that become unreachable without dispose() are
// freed after garbage collection, and memory() counts come back.

import { describe, expect, it, beforeAll } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as wg from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function collect(until: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !until(); i++) {
    gc();
    // Finalizers run as separate tasks after a collection.
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(['wasm', 'js'] as const)('finalization [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('frees unreachable tensors after garbage collection', async () => {
    wg.setBackend(backend);
    const before = wg.memory();
    (() => {
      for (let i = 0; i < 200; i++) {
        const x = wg.randn([64, 64], { requiresGrad: true });
        x.mul(2).tanh().sum().backward();
      }
    })();
    expect(wg.memory().tensors).toBeGreaterThan(before.tensors + 200);
    await collect(() => wg.memory().tensors === before.tensors);
    expect(wg.memory().tensors).toBe(before.tensors);
    expect(wg.memory().bytes).toBe(before.bytes);
  });

  it('freed wasm blocks are reused, so the heap stops growing', async () => {
    wg.setBackend(backend);
    const base = wg.memory().tensors;
    const run = async () => {
      (() => {
        for (let i = 0; i < 100; i++) wg.randn([256, 256]).mul(3);
      })();
      await collect(() => wg.memory().tensors === base);
      expect(wg.memory().tensors).toBe(base);
    };
    await run();
    const heap = wg.memory().wasmBytes;
    for (let round = 0; round < 5; round++) await run();
    expect(wg.memory().wasmBytes).toBe(heap);
  }, 20000);
});
