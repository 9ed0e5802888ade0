// Every bad input SPEC.md names raises a WasmgradError (and the documented subclass) whose message
// names the op and the offending shapes, dtypes or values; memory().tensors is unchanged after the
// error, and the library keeps working.

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { forEachConfig, squash, thrown } from './helpers.js';

type ErrClass = new (...args: any[]) => Error;

/**
 * Calls fn, expecting a WasmgradError that is also an instance of `cls`, whose message contains
 * every part (whitespace ignored). Checks that no tensor was left behind and that a small op
 * still works afterwards.
 */
function expectError(fn: () => unknown, cls: ErrClass, parts: (string | number)[]): Error {
  const before = wg.memory().tensors;
  const e = thrown(fn);
  expect(e, `${e?.name}: ${e?.message}`).toBeInstanceOf(wg.WasmgradError);
  expect(e, `${e?.name}: ${e?.message}`).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(Error);
  const msg = squash(e.message);
  for (const p of parts) expect(msg, `message: ${e.message}`).toContain(squash(String(p)));
  expect(wg.memory().tensors, `tensors left behind by: ${e.message}`).toBe(before);
  // the library keeps working
  const ok = wg.tensor([1, 2]).add(1);
  expect(ok.toArray()).toEqual([2, 3]);
  ok.dispose();
  return e;
}

const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;

forEachConfig('errors', ({ backend, dtype }) => {
  const t = (data: any) => wg.tensor(data, { dtype });

  it.each(BINARY.map((op) => ({ op })))('$op: shapes that do not broadcast', ({ op }) => {
    const a = t([[1, 2, 3], [4, 5, 6]]);
    const b = t([1, 2, 3, 4]);
    expectError(() => (a as any)[op](b), wg.ShapeError, [op, '[2,3]', '[4]']);
    expectError(() => (wg as any)[op](b, a), wg.ShapeError, [op, '[4]', '[2,3]']);
    const c = t([[1, 2], [3, 4], [5, 6]]);
    expectError(() => (wg as any)[op](a, c), wg.ShapeError, [op, '[2,3]', '[3,2]']);
    const d = wg.zeros([2, 3, 4], { dtype });
    const e = wg.zeros([3, 3, 1], { dtype });
    expectError(() => (d as any)[op](e), wg.ShapeError, [op, '[2,3,4]', '[3,3,1]']);
  });

  it.each(BINARY.map((op) => ({ op })))('$op: float32 with float64 names both dtypes', ({ op }) => {
    const a = wg.tensor([1, 2], { dtype: 'float32' });
    const b = wg.tensor([1, 2], { dtype: 'float64' });
    expectError(() => (a as any)[op](b), wg.DTypeError, [op, 'float32', 'float64']);
    expectError(() => (wg as any)[op](b, a), wg.DTypeError, [op, 'float32', 'float64']);
  });

  it.each(BINARY.map((op) => ({ op })))('$op: tensors of two backends', ({ op }) => {
    const other = backend === 'wasm' ? 'js' : 'wasm';
    const a = t([1, 2]);
    const b = t([3, 4]).to(other);
    expectError(() => (a as any)[op](b), wg.BackendError, [op, 'wasm', 'js']);
  });

  it('matmul: inner dimensions differ', () => {
    const a = wg.zeros([2, 3], { dtype });
    const b = wg.zeros([4, 5], { dtype });
    const e = expectError(() => a.matmul(b), wg.ShapeError, ['matmul', '[2,3]', '[4,5]']);
    expect(squash(e.message).indexOf('[2,3]')).toBeLessThan(squash(e.message).indexOf('[4,5]'));
    const v3 = wg.zeros([3], { dtype });
    const v4 = wg.zeros([4], { dtype });
    expectError(() => wg.matmul(v3, v4), wg.ShapeError, ['matmul', '[3]', '[4]']);
    const c = wg.zeros([2, 3, 4], { dtype });
    const d = wg.zeros([5, 2], { dtype });
    expectError(() => wg.matmul(c, d), wg.ShapeError, ['matmul', '[2,3,4]', '[5,2]']);
  });

  it('matmul: batch dimensions that do not broadcast, and 0-d operands', () => {
    const a = wg.zeros([2, 3, 4], { dtype });
    const b = wg.zeros([3, 4, 5], { dtype });
    expectError(() => a.matmul(b), wg.ShapeError, ['matmul', '[2,3,4]', '[3,4,5]']);
    const s = t(2);
    const v = t([1, 2]);
    expectError(() => s.matmul(v), wg.ShapeError, ['matmul', '[]']);
  });

  it('matmul and mseLoss: mixed dtypes and backends', () => {
    const a = wg.zeros([2, 2], { dtype: 'float32' });
    const b = wg.zeros([2, 2], { dtype: 'float64' });
    expectError(() => a.matmul(b), wg.DTypeError, ['matmul', 'float32', 'float64']);
    expectError(() => wg.mseLoss(a, b), wg.DTypeError, ['mseLoss', 'float32', 'float64']);
    const other = backend === 'wasm' ? 'js' : 'wasm';
    const c = wg.zeros([2, 2], { dtype });
    const d = wg.zeros([2, 2], { dtype }).to(other);
    expectError(() => c.matmul(d), wg.BackendError, ['matmul', 'wasm', 'js']);
  });

  it('mseLoss: pred and target shapes that do not fit', () => {
    const p = t([1, 2, 3]);
    const q = t([1, 2, 3, 4]);
    expectError(() => p.mseLoss(q), wg.ShapeError, ['[3]', '[4]']);
  });

  it('reshape: size mismatch', () => {
    const a = wg.zeros([2, 3], { dtype });
    expectError(() => a.reshape([4, 2]), wg.ShapeError, ['reshape', '[2,3]', '[4,2]']);
    expectError(() => a.reshape([4, -1]), wg.ShapeError, ['reshape', '[2,3]', '[4,-1]']);
    expectError(() => a.reshape([7]), wg.ShapeError, ['reshape', '[2,3]', '[7]']);
  });

  it('reshape: two -1', () => {
    const a = wg.zeros([2, 3], { dtype });
    expectError(() => a.reshape([-1, -1]), wg.ShapeError, ['reshape', '[-1,-1]']);
    expectError(() => a.reshape([-1, 3, -1]), wg.ShapeError, ['reshape', '-1']);
  });

  it('reductions: axes out of range', () => {
    const a = wg.zeros([2, 3], { dtype });
    expectError(() => a.sum(5), wg.ShapeError, ['sum', '5', '[2,3]']);
    expectError(() => a.mean(-3), wg.ShapeError, ['mean', '-3', '[2,3]']);
    expectError(() => a.max([0, 7]), wg.ShapeError, ['max', '7', '[2,3]']);
    expectError(() => wg.sum(a, [-9]), wg.ShapeError, ['sum', '-9']);
  });

  it('softmax / logSoftmax: axis out of range', () => {
    const a = wg.zeros([4, 5], { dtype });
    expectError(() => a.softmax(2), wg.ShapeError, ['softmax', '2', '[4,5]']);
    expectError(() => wg.softmax(a, 6), wg.ShapeError, ['softmax', '6', '[4,5]']);
    expectError(() => a.logSoftmax(-3), wg.ShapeError, ['logSoftmax', '-3', '[4,5]']);
  });

  it('transpose: axes out of range or not a permutation', () => {
    const a = wg.zeros([2, 5, 4], { dtype });
    expectError(() => a.transpose([0, 1, 3]), wg.ShapeError, ['transpose', '3']);
    expectError(() => a.transpose([0, 0, 1]), wg.ShapeError, ['transpose', '[0,0,1]']);
    expectError(() => a.transpose([1, 0]), wg.ShapeError, ['transpose', '[1,0]', '[2,5,4]']);
  });

  it('crossEntropy: labels out of range', () => {
    const logits = wg.zeros([2, 4], { dtype });
    expectError(() => logits.crossEntropy([0, 5]), wg.WasmgradError, ['crossEntropy', '5']);
    expectError(() => logits.crossEntropy([4, 0]), wg.WasmgradError, ['crossEntropy', '4']);
    expectError(() => logits.crossEntropy(Int32Array.from([-1, 0])), wg.WasmgradError, ['crossEntropy', '-1']);
    expectError(() => wg.crossEntropy(logits, [0, 1.5]), wg.WasmgradError, ['crossEntropy', '1.5']);
  });

  it('crossEntropy: wrong number of labels, logits not [N, C]', () => {
    const logits = wg.zeros([2, 3], { dtype });
    expectError(() => logits.crossEntropy([0, 1, 2]), wg.ShapeError, ['crossEntropy', '3', '[2,3]']);
    expectError(() => logits.crossEntropy(Int32Array.from([1])), wg.ShapeError, ['crossEntropy', '1', '[2,3]']);
    const flat = wg.zeros([3], { dtype });
    expectError(() => flat.crossEntropy([0]), wg.ShapeError, ['crossEntropy', '[3]']);
  });

  it('tensor: ragged or non-numeric data, data that does not fit opts.shape', () => {
    expectError(() => wg.tensor([[1, 2], [3]], { dtype }), wg.WasmgradError, ['tensor']);
    expectError(() => wg.tensor([[[1, 2]], [[3, 4], [5, 6]]], { dtype }), wg.WasmgradError, ['tensor']);
    expectError(() => wg.tensor([1, 'oops' as any], { dtype }), wg.WasmgradError, ['tensor', 'oops']);
    expectError(() => wg.tensor([[1], [null as any]], { dtype }), wg.WasmgradError, ['tensor', 'null']);
    expectError(() => wg.tensor('abc' as any, { dtype }), wg.WasmgradError, ['tensor']);
    expectError(() => wg.tensor({ x: 1 } as any, { dtype }), wg.WasmgradError, ['tensor']);
    expectError(() => wg.tensor([1, 2, 3], { dtype, shape: [2, 2] }), wg.ShapeError, ['tensor', '[2,2]', '3']);
  });

  it('unknown dtype names it', () => {
    expectError(() => wg.tensor([1], { dtype: 'int8' as any }), wg.DTypeError, ['int8']);
    const a = wg.tensor([1], { dtype });
    expectError(() => a.astype('float16' as any), wg.DTypeError, ['astype', 'float16']);
  });

  it('backward without a seed on a non-scalar, or with a seed of the wrong shape', () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    const y = x.mul(2);
    expectError(() => y.backward(), wg.WasmgradError, ['backward', '[2,3]']);
    const seed = t([1, 2]);
    expectError(() => y.backward(seed), wg.ShapeError, ['backward', '[2,3]', '[2]']);
    expect(x.grad).toBeNull();
  });

  it('second backward without retainGraph', () => {
    const x = wg.tensor([1, 2], { dtype, requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expectError(() => y.backward(), wg.WasmgradError, ['retainGraph']);
    expect(x.grad!.toArray()).toEqual([2, 4]);
  });

  it('use after dispose', () => {
    const a = t([1, 2, 3]);
    const b = t([1, 2, 3]);
    a.dispose();
    expectError(() => a.add(1), wg.DisposedError, ['add', 'dispos']);
    expectError(() => b.mul(a), wg.DisposedError, ['mul', 'dispos']);
    expectError(() => a.toArray(), wg.DisposedError, ['dispos']);
    expectError(() => a.data(), wg.DisposedError, ['dispos']);
    expectError(() => a.sum(), wg.DisposedError, ['sum', 'dispos']);
    expectError(() => wg.exp(a), wg.DisposedError, ['exp', 'dispos']);
  });

  it('item() of a tensor with more than one element', () => {
    const a = t([1, 2]);
    expectError(() => a.item(), wg.WasmgradError, ['item', '[2]']);
  });

  it('an error inside tidy frees what was made inside before it', () => {
    const a = t([[1, 2, 3], [4, 5, 6]]);
    const b = t([1, 2]);
    expectError(() => wg.tidy(() => {
      const c = a.mul(2).exp();
      return c.add(b);
    }), wg.ShapeError, ['add', '[2,3]', '[2]']);
  });

  it('a failed op in a recorded graph leaves the graph usable', () => {
    const x = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const y = x.mul(x);
    const z = t([1, 2]);
    expectError(() => y.add(z), wg.ShapeError, ['add', '[3]', '[2]']);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
  });
}, ['wasm', 'js'], ['float32', 'float64']);

forEachConfig('backend errors', ({ backend }) => {
  it('setBackend with an unknown name throws naming it and keeps the current backend', () => {
    const e = expectError(() => wg.setBackend('webgpu' as any), wg.BackendError, ['webgpu']);
    expect(e.message.length).toBeGreaterThan('webgpu'.length);
    expect(wg.getBackend()).toBe(backend);
  });

  it('to() with an unknown name throws naming it', () => {
    const a = wg.tensor([1, 2]);
    expectError(() => a.to('cuda' as any), wg.BackendError, ['cuda']);
  });

  it('init with an unknown backend rejects naming it', async () => {
    const before = wg.memory().tensors;
    let err: unknown = null;
    try {
      await wg.init({ backend: 'tpu' as any });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(wg.BackendError);
    expect((err as Error).message).toContain('tpu');
    expect(wg.memory().tensors).toBe(before);
    expect(wg.getBackend()).toBe(backend);
  });

  it('error classes are exported and form a hierarchy', () => {
    for (const C of [wg.ShapeError, wg.DTypeError, wg.DisposedError, wg.BackendError]) {
      const e = new C('x: y');
      expect(e).toBeInstanceOf(wg.WasmgradError);
      expect(e).toBeInstanceOf(Error);
    }
    expect(new wg.ShapeError('m')).not.toBeInstanceOf(wg.DTypeError);
  });
}, ['wasm', 'js'], ['float32']);
