// int32 tensors wherever indices go: argmax/argmin results, indexSelect/gather indices,
// comparisons (the accuracy idiom eq(argmax(logits, 1), labels)), where's condition.
import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';

describe.each(['wasm', 'js'] as const)('int32 indices (%s)', (backend) => {
  const i32 = (v: number[] | number[][]) => wg.tensor(v, { dtype: 'int32' });

  it('argmax of logits compared with int32 labels gives the accuracy', async () => {
    await wg.init({ backend });
    const logits = wg.tensor([[0.1, 2], [3, -1], [0, 0.5], [7, 1]]);
    const pred = wg.argmax(logits, 1);
    expect(pred.dtype).toBe('int32');
    const hit = wg.eq(pred, i32([1, 0, 0, 0]));
    expect(hit.dtype).toBe('int32');
    expect(hit.toArray()).toEqual([1, 1, 0, 1]);
    expect(hit.astype('float32').mean().item()).toBe(0.75);
  });

  it('comparisons of int32 with a float tensor or a number are exact and take the float dtype', async () => {
    await wg.init({ backend });
    const big = i32([16777217, -3]); // 2^24 + 1: not a float32, still compared exactly
    expect(wg.eq(big, 16777217).toArray()).toEqual([1, 0]);
    const m = wg.lt(big, wg.tensor([0, 0], { dtype: 'float64' }));
    expect(m.dtype).toBe('float64');
    expect(m.toArray()).toEqual([0, 1]);
  });

  it('indexSelect and gather take int32 index tensors; the gradient scatter-adds', async () => {
    await wg.init({ backend });
    const x = wg.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const y = wg.indexSelect(x, 0, i32([2, 0, 2]));
    expect(y.toArray()).toEqual([[5, 6], [1, 2], [5, 6]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1], [0, 0], [2, 2]]);
    expect(wg.gather(x, 1, i32([[1], [0], [1]])).toArray()).toEqual([[2], [3], [6]]);
    expect(wg.indexSelect(x, 0, wg.argmax(x, 0)).toArray()).toEqual([[5, 6], [5, 6]]);
  });

  it('where takes an int32 condition', async () => {
    await wg.init({ backend });
    expect(wg.where(i32([0, 3, 0]), wg.tensor([1, 1, 1]), wg.tensor([9, 9, 9])).toArray()).toEqual([9, 1, 9]);
  });

  it('a comparison leaves nothing behind but its result', async () => {
    await wg.init({ backend });
    const a = i32([1, 2, 3]);
    const before = wg.memory().tensors;
    const m = wg.ge(a, 2);
    expect(wg.memory().tensors).toBe(before + 1);
    m.dispose(); a.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('int32 through shape and joining ops (%s)', (backend) => {
  it('narrow, select, flip, pad, cat, stack, split, permute, expand keep int32 values exactly', async () => {
    await wg.init({ backend });
    const x = wg.tensor([[1, 2, 3], [4, 5, 16777217]], { dtype: 'int32' });
    const outs = [x.narrow(1, 1, 2), x.select(0, 1), x.flip([1]), x.pad([1, 0], 7), wg.cat([x, x], 0),
      wg.stack([x, x]), x.permute(1, 0), x.expand([2, 2, 3]), ...x.split(2, 1)];
    expect(outs.every((t) => t.dtype === 'int32')).toBe(true);
    expect(outs[0].toArray()).toEqual([[2, 3], [5, 16777217]]);
    expect(outs[1].toArray()).toEqual([4, 5, 16777217]);
    expect(outs[2].toArray()).toEqual([[3, 2, 1], [16777217, 5, 4]]);
    expect(outs[3].toArray()).toEqual([[7, 1, 2, 3], [7, 4, 5, 16777217]]);
    expect(outs[4].shape).toEqual([4, 3]);
    expect(outs[6].toArray()).toEqual([[1, 4], [2, 5], [3, 16777217]]);
    expect(outs[9].toArray()).toEqual([[3], [16777217]]);
  });

  it('cat of int32 with float32 is a DTypeError naming cat, and leaks nothing', async () => {
    await wg.init({ backend });
    const a = wg.tensor([[1, 2]], { dtype: 'int32' });
    const b = wg.tensor([[1, 2]]);
    const before = wg.memory();
    expect(() => wg.cat([a, b], 0)).toThrow(wg.DTypeError);
    expect(() => wg.cat([a, b], 0)).toThrow(/^cat: dtypes differ: int32 \[1,2\] and float32 \[1,2\]/);
    expect(wg.memory()).toEqual(before);
  });
});
