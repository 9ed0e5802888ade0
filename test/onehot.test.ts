// oneHot (torch.nn.functional.one_hot): int32 rows with a 1 at each index, any index shape,
// numClasses inferred by -1; bad indices are errors naming the index; every backend.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachBackend } from './helpers.js';
import { expectError } from './support/errors.js';

forEachBackend('oneHot', (backend) => {
  it('oneHot of a list gives int32 rows with a 1 at each index', () => {
    const y = wg.oneHot([2, 0, 1], 4);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([3, 4]);
    expect(y.backendName).toBe(backend);
    expect(y.toArray()).toEqual([[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]);
    expect(y.requiresGrad).toBe(false);
  });

  it('oneHot with numClasses -1 (the default) infers the largest index + 1', () => {
    expect(wg.oneHot([1, 3]).toArray()).toEqual([[0, 1, 0, 0], [0, 0, 0, 1]]);
    expect(wg.oneHot(Int32Array.from([0, 0]), -1).toArray()).toEqual([[1], [1]]);
  });

  it('oneHot keeps the shape of nested indices and of an int32 tensor, adding the class dimension last', () => {
    expect(wg.oneHot([[1, 0], [2, 2]], 3).toArray()).toEqual([[[0, 1, 0], [1, 0, 0]], [[0, 0, 1], [0, 0, 1]]]);
    const idx = wg.tensor([[0], [2]], { dtype: 'int32' });
    const y = wg.oneHot(idx, 3);
    expect(y.shape).toEqual([2, 1, 3]);
    expect(y.toArray()).toEqual([[[1, 0, 0]], [[0, 0, 1]]]);
    expect(wg.oneHot(wg.tensor(2, { dtype: 'int32' }), 3).toArray()).toEqual([0, 0, 1]); // 0-d → [C]
  });

  it('oneHot of the argmax is the max mask, and astype makes it a float mask', () => {
    const x = wg.tensor([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]], { dtype: 'float64' });
    const mask = wg.oneHot(x.argmax(1), 3).astype('float64');
    expect(mask.dtype).toBe('float64');
    expect(x.mul(mask).sum(1).toArray()).toEqual([0.7, 0.9]);
  });

  it('oneHot of empty indices with numClasses gives shape [0, C]', () => {
    const y = wg.oneHot([], 5);
    expect(y.shape).toEqual([0, 5]);
    expect(wg.oneHot(new Int32Array(0), 0).shape).toEqual([0, 0]);
  });

  it('oneHot rejects negative, too large and non-integer indices, naming them, and leaks nothing', () => {
    expectError(() => wg.oneHot([0, -1, 2], 3), /oneHot: index -1 at position 1 is negative/);
    expectError(() => wg.oneHot([0, 3], 3), /oneHot: index 3 at position 1 is out of range for numClasses 3/);
    const idx = wg.tensor([1, 7], { dtype: 'int32' });
    expectError(() => wg.oneHot(idx, 4), /oneHot: index 7 at position 1 is out of range for numClasses 4/);
    expectError(() => wg.oneHot([0, 1.5], 3), /oneHot: index 1\.5 .* at position 1 is not an integer/);
    expectError(() => wg.oneHot([0, NaN], 3), /oneHot: index NaN .* is not an integer/);
    expectError(() => wg.oneHot([[0, 1], [2]], 3), /oneHot: indices are ragged/);
  });

  it('oneHot rejects float tensors, bad numClasses and non-index arguments', () => {
    const f = wg.tensor([0, 1]);
    expect(() => wg.oneHot(f, 2)).toThrow(wg.DTypeError);
    expectError(() => wg.oneHot(f, 2), /oneHot: indices must be an int32 tensor, got float32 of shape \[2\]/);
    expectError(() => wg.oneHot([0], -2), /oneHot: numClasses must be -1 \(infer\) or an integer >= 0, got -2/);
    expectError(() => wg.oneHot([0], 2.5), /oneHot: numClasses must be .* got 2\.5/);
    expectError(() => wg.oneHot([], -1), /oneHot: cannot infer numClasses from empty indices of shape \[0\]/);
    expectError(() => wg.oneHot('abc' as never, 2), /oneHot: indices must be an array, an Int32Array or an int32 Tensor, got "abc"/);
    const d = wg.tensor([0], { dtype: 'int32' });
    d.dispose();
    expect(() => wg.oneHot(d, 2)).toThrow(wg.DisposedError);
  });

  it('oneHot leaves the library working after an error and frees with tidy', () => {
    const before = wg.memory().tensors;
    expect(() => wg.oneHot([5], 2)).toThrow(wg.WasmgradError);
    wg.tidy(() => { wg.oneHot([1, 0], 2); });
    expect(wg.memory().tensors).toBe(before);
    expect(wg.oneHot([1], 2).toArray()).toEqual([[0, 1]]);
  });
});
