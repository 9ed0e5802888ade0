// nn modules through safetensors: save a trained MLP, load it into a fresh one, get the same
// outputs; the loaded parameters are the same Tensor objects, so an optimizer keeps working.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

describe.each(['wasm', 'js'] as const)('model files [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('an MLP round-trips through save/load with identical outputs', () => {
    wg.setBackend(backend);
    wg.manualSeed(1);
    const a = new wg.nn.MLP([5, 7, 3], { activation: 'tanh' });
    const b = new wg.nn.MLP([5, 7, 3], { activation: 'tanh' });
    const x = wg.randn([4, 5]);
    expect(b.forward(x).toArray()).not.toEqual(a.forward(x).toArray());
    const bytes = wg.save(a);
    const paramsBefore = b.parameters();
    wg.load(b, bytes);
    expect(b.parameters()).toEqual(paramsBefore); // same objects, written in place
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    const { tensors } = wg.loadTensors(bytes);
    expect([...tensors.keys()].sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    expect(tensors.get('0.weight')!.shape).toEqual([7, 5]);
  });

  it('an optimizer made before load keeps training the loaded parameters', () => {
    wg.setBackend(backend);
    const src = new wg.nn.Linear(3, 1);
    const dst = new wg.nn.Linear(3, 1);
    const opt = new wg.optim.SGD(dst.parameters(), { lr: 0.1 });
    wg.load(dst, wg.save(src));
    const x = wg.tensor([[1, 2, 3]]);
    const before = dst.forward(x).item();
    expect(before).toBeCloseTo(src.forward(x).item(), 6);
    dst.forward(x).sum().backward();
    opt.step();
    expect(dst.forward(x).item()).toBeLessThan(before);
  });

  it('loading into a module of another shape fails before writing anything', () => {
    wg.setBackend(backend);
    const a = new wg.nn.MLP([5, 7, 3]);
    const b = new wg.nn.MLP([5, 8, 3]);
    const snapshot = b.parameters().map((p) => p.toArray());
    expect(() => wg.load(b, wg.save(a))).toThrow(wg.ShapeError);
    expect(b.parameters().map((p) => p.toArray())).toEqual(snapshot);
  });
});
