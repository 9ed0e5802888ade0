// Reductions of issue 12: min, prod, argmax, argmin, logsumexp, var, std, norm, cumsum — hand-computed
// values on both backends and both dtypes, PyTorch's edge cases, and hostile arguments (a
// WasmgradError naming the op and the value, nothing leaked).

import { expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { type Tensor, expectClose, forEachConfig } from './helpers.js';

/** The gradient of sum(f(x)) at x. */
function gradOf(x: Tensor, f: (t: Tensor) => Tensor): unknown {
  f(x).sum().backward();
  return x.grad!.toArray();
}

/** fn throws a WasmgradError whose message contains every `parts`, and leaks nothing. */
function expectRejected(fn: () => unknown, ...parts: string[]): void {
  const before = wg.memory();
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(wg.WasmgradError);
  for (const p of parts) expect((err as Error).message).toContain(p);
  expect(wg.memory()).toEqual(before);
}

forEachConfig('reductions', ({ dtype, tol }) => {
  const t = (data: unknown, requiresGrad = false) => wg.tensor(data as number[], { dtype, requiresGrad });

  it('min reduces over an axis and over everything, keepdims keeps size-1 axes', () => {
    const x = t([[3, -1, 2], [0, 5, -4]]);
    expect(wg.min(x, 1).toArray()).toEqual([-1, -4]);
    expect(x.min(0).toArray()).toEqual([0, -1, -4]);
    expect(x.min().item()).toBe(-4);
    expect(x.min(-1, true).shape).toEqual([2, 1]);
    expect(x.min([0, 1]).item()).toBe(-4);
    expect(wg.min(t([1, NaN, -2])).item()).toBeNaN();
  });

  it('min sends the gradient to the first minimum on a tie', () => {
    const x = t([[2, 1, 1], [0, 3, 0]], true);
    expect(gradOf(x, (v) => v.min(1))).toEqual([[0, 1, 0], [1, 0, 0]]);
    const y = t([[2, 1], [1, 1]], true);
    expect(gradOf(y, (v) => v.min(0))).toEqual([[0, 1], [1, 0]]);
  });

  it('min over non-adjacent axes routes the gradient back through the transposed copy', () => {
    const x = t([[[4, 2], [3, 9]], [[1, 8], [7, 1]]], true); // [2, 2, 2], reduce axes 0 and 2
    const m = x.min([0, 2]);
    expect(m.toArray()).toEqual([1, 1]);
    m.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[0, 0], [0, 0]], [[1, 0], [0, 1]]]);
  });

  it('prod multiplies over an axis; an empty product is 1', () => {
    expect(wg.prod(t([[1, 2, 3], [4, 5, 6]]), 1).toArray()).toEqual([6, 120]);
    expect(t([[1, 2], [3, 4]]).prod().item()).toBe(24);
    expect(t([[1, 2], [3, 4]]).prod(0, true).toArray()).toEqual([[3, 8]]);
    expect(wg.prod(wg.zeros([2, 0], { dtype }), 1).toArray()).toEqual([1, 1]);
  });

  it('prod gradient is right with no zero, one zero and two zeros (PyTorch rule)', () => {
    const x = t([[2, 3, 4], [2, 0, 5], [0, 3, 0]], true);
    expect(gradOf(x, (v) => v.prod(1))).toEqual([[12, 8, 6], [0, 10, 0], [0, 0, 0]]);
  });

  it('prod second derivative with one zero is the product of the other two', () => {
    const x = t([0, 2, 3], true);
    x.prod().backward({ createGraph: true });
    const g = x.grad!;
    expect(g.toArray()).toEqual([6, 0, 0]);
    x.grad = null;
    g.mul(t([1, 0, 0])).sum().backward();
    // d/dx of d prod/dx0 = (0, x2, x1)
    expect(x.grad!.toArray()).toEqual([0, 3, 2]);
  });

  it('argmax and argmin return the first index of the extremum (float32 indices)', () => {
    const x = t([[1, 7, 7], [4, 4, 0]]);
    const am = wg.argmax(x, 1);
    expect(am.toArray()).toEqual([1, 0]);
    expect(am.dtype).toBe('float32');
    expect(am.requiresGrad).toBe(false);
    expect(x.argmin(1).toArray()).toEqual([0, 2]);
    expect(x.argmax().item()).toBe(1); // flattened
    expect(x.argmin().item()).toBe(5);
    expect(x.argmax(0, true).toArray()).toEqual([[1, 0, 0]]);
    expect(x.argmax(null, true).shape).toEqual([1, 1]);
    expect(wg.argmax(t([1, NaN, 5])).item()).toBe(1); // NaN counts as the maximum
    expect(wg.argmin(t(5)).item()).toBe(0);
  });

  it('argmax over a long row and a middle axis agrees with the first maximum', () => {
    const n = 40000;
    const flat = Array.from({ length: n }, (_, i) => Math.sin(i) * (i === 31234 || i === 39000 ? 1 : 0.5));
    const r = t(flat);
    const vals = r.toArray() as number[]; // rounded to the dtype, so ties are the dtype's ties
    expect(wg.argmax(r).item()).toBe(vals.indexOf(Math.max(...vals)));
    expect(wg.argmin(r).item()).toBe(vals.indexOf(Math.min(...vals)));
    const x = t([[[1, 9], [5, 2], [5, 9]]]); // [1, 3, 2], axis 1
    expect(x.argmax(1).toArray()).toEqual([[1, 0]]);
    expect(x.argmin(-2).toArray()).toEqual([[0, 1]]);
  });

  it('min, prod, argmax reject bad axes, keepdims and empty reductions naming the op', () => {
    const x = t([[1, 2], [3, 4]]);
    const empty03 = wg.zeros([0, 3], { dtype }), empty20 = wg.zeros([2, 0], { dtype }), empty0 = wg.zeros([0], { dtype });
    expectRejected(() => x.min(2), 'min', 'axis 2');
    expectRejected(() => x.prod(1.5), 'prod', '1.5');
    expectRejected(() => x.prod(0, 'yes' as never), 'prod', 'keepdims');
    expectRejected(() => wg.min(empty03, 0), 'min', '[0,3]');
    expectRejected(() => x.argmax(-3), 'argmax', 'axis -3');
    expectRejected(() => x.argmin([0, 1] as never), 'argmin', 'axis');
    expectRejected(() => wg.argmax(empty20, 1), 'argmax', '[2,0]');
    expectRejected(() => wg.argmin(empty0), 'argmin', '[0]');
  });
});
