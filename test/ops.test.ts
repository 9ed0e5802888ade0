// Forward values of every op in SPEC.md against a plain-JS float64 reference, on both backends and
// both dtypes; the documented gradient conventions at kinks and ties; tensor constructors and
// members; and wasm/js agreement on random inputs for every op case.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import {
  BACKENDS, DTYPES, OP_CASES, type DType, type Ref, type Tensor,
  caseData, caseInputs, expectClose, fmax, fmean, forEachConfig, fsum, nest, randomAwayFromZero,
  randomFlat, ref, refBinary, refMatmul, refReduce, refSigmoid, refSoftmax, refTranspose, refUnary,
  roundTo, sizeOf, useInit,
} from './helpers.js';

/** A tensor and its float64 reference with identical (dtype-rounded) values. */
function pair(shape: number[], dtype: DType, seed: number, lo = -2, hi = 2,
  gen?: (n: number, seed: number) => number[]): [Tensor, Ref] {
  const flat = roundTo(dtype, gen ? gen(sizeOf(shape), seed) : randomFlat(sizeOf(shape), seed, lo, hi));
  return [wg.tensor(nest(flat, shape), { dtype }), ref(flat, shape)];
}

function expectRef(t: Tensor, r: Ref, tol: { rtol: number; atol: number }, dtype: DType): void {
  expect(t.shape).toEqual(r.shape);
  expect(t.dtype).toBe(dtype);
  expectClose(t.toArray(), nest(r.data, r.shape), tol);
}

const binaryRefs: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => Math.pow(x, y),
  maximum: (x, y) => Math.max(x, y),
  minimum: (x, y) => Math.min(x, y),
};

const binaryShapes: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1, 4], [3, 1]],
  [[4, 1], [1, 5]],
  [[], [2, 3]],
  [[2, 3], []],
  [[1], [3]],
  [[2, 3, 1], [1, 1, 4]],
  [[5, 37], [37]],
  [[37, 1], [1, 33]],
  [[3, 1, 19], [5, 1]],
];

/** Input ranges per op: divisors away from 0, pow bases positive. */
function binaryInputs(op: string, sa: number[], sb: number[], dtype: DType, seed: number) {
  const [a, ra] = op === 'pow' ? pair(sa, dtype, seed, 0.3, 2.5) : pair(sa, dtype, seed);
  const [b, rb] = op === 'div'
    ? pair(sb, dtype, seed + 1, 0, 0, (n, s) => randomAwayFromZero(n, s, 0.3, 2))
    : pair(sb, dtype, seed + 1);
  return { a, ra, b, rb };
}

forEachConfig('binary ops', ({ dtype, tol }) => {
  for (const op of Object.keys(binaryRefs)) {
    it.each(binaryShapes.map(([sa, sb]) => ({ sa, sb, label: `[${sa}] ${op} [${sb}]` })))(
      `${op}: $label broadcasts like NumPy (method and free function)`, ({ sa, sb }) => {
        const { a, ra, b, rb } = binaryInputs(op, sa, sb, dtype, 11 * sa.length + 3 * sb.length + 7);
        const expected = refBinary(ra, rb, binaryRefs[op]);
        expectRef((a as any)[op](b), expected, tol, dtype);
        expectRef((wg as any)[op](a, b), expected, tol, dtype);
      });

    it(`${op}: plain numbers in either position`, () => {
      const c = op === 'pow' ? 1.5 : op === 'div' ? -2.5 : 0.75;
      const [t, rt] = op === 'div' || op === 'pow'
        ? pair([2, 3], dtype, 5, 0, 0, (n, s) => randomAwayFromZero(n, s, 0.3, 2).map(Math.abs))
        : pair([2, 3], dtype, 5);
      const cr = roundTo(dtype, [c])[0];
      const right = refBinary(rt, ref([cr], []), binaryRefs[op]);
      const left = refBinary(ref([cr], []), rt, binaryRefs[op]);
      expectRef((wg as any)[op](t, c), right, tol, dtype);
      expectRef((t as any)[op](c), right, tol, dtype);
      expectRef((wg as any)[op](c, t), left, tol, dtype);
    });
  }

  it('wg.div(10, f) divides the number by the tensor', () => {
    const f = wg.tensor([1, 2, 4, -5], { dtype });
    expectRef(wg.div(10, f), ref([10, 5, 2.5, -2], [4]), tol, dtype);
  });

  it('pow follows Math.pow at special points', () => {
    const x = wg.tensor([0, 2, -2, 4, 1], { dtype });
    expectClose(x.pow(2).toArray(), [0, 4, 4, 16, 1], tol);
    expectClose(x.pow(0).toArray(), [1, 1, 1, 1, 1], tol);
    expectClose(wg.tensor([4, 9], { dtype }).pow(0.5).toArray(), [2, 3], tol);
    expect(Number.isNaN(wg.tensor([-2], { dtype }).pow(0.5).item())).toBe(true);
  });

  it('maximum and minimum against hand values, including ties', () => {
    const a = wg.tensor([1, 2, 3, -1], { dtype });
    const b = wg.tensor([1, 5, 0, -1], { dtype });
    expect(a.maximum(b).toArray()).toEqual([1, 5, 3, -1]);
    expect(a.minimum(b).toArray()).toEqual([1, 2, 0, -1]);
  });
});

const unaryRefs: Record<string, { f: (x: number) => number; lo: number; hi: number }> = {
  neg: { f: (x) => -x, lo: -3, hi: 3 },
  exp: { f: Math.exp, lo: -5, hi: 5 },
  log: { f: Math.log, lo: 0.01, hi: 10 },
  sqrt: { f: Math.sqrt, lo: 0, hi: 10 },
  abs: { f: Math.abs, lo: -3, hi: 3 },
  tanh: { f: Math.tanh, lo: -4, hi: 4 },
  sigmoid: { f: refSigmoid, lo: -8, hi: 8 },
  relu: { f: (x) => Math.max(x, 0), lo: -3, hi: 3 },
};

forEachConfig('unary ops', ({ dtype, tol }) => {
  for (const [op, { f, lo, hi }] of Object.entries(unaryRefs)) {
    it(`${op} on random [3,5] data (method and free function)`, () => {
      const [x, rx] = pair([3, 5], dtype, 17, lo, hi);
      expectRef((x as any)[op](), refUnary(rx, f), tol, dtype);
      expectRef((wg as any)[op](x), refUnary(rx, f), tol, dtype);
    });

    it(`${op} on a 0-d tensor and on a length-37 vector (SIMD tail)`, () => {
      const [s, rs] = pair([], dtype, 19, lo, hi);
      const r = (s as any)[op]();
      expect(r.shape).toEqual([]);
      expectClose(r.toArray(), f(rs.data[0]), tol);
      const [v, rv] = pair([37], dtype, 23, lo, hi);
      expectRef((v as any)[op](), refUnary(rv, f), tol, dtype);
    });
  }

  it('hand values at special points', () => {
    const t = (d: number[]) => wg.tensor(d, { dtype });
    expect(t([-2, 0, 3]).relu().toArray()).toEqual([0, 0, 3]);
    expect(t([-2, 0, 3]).abs().toArray()).toEqual([2, 0, 3]);
    expect(t([0]).exp().toArray()).toEqual([1]);
    expect(t([1]).log().toArray()).toEqual([0]);
    expect(t([0, 4, 9]).sqrt().toArray()).toEqual([0, 2, 3]);
    expect(t([0]).sigmoid().toArray()).toEqual([0.5]);
    expect(t([0]).tanh().toArray()).toEqual([0]);
    expect(t([3, -1.5]).neg().toArray()).toEqual([-3, 1.5]);
    expect(t([0]).log().item()).toBe(-Infinity);
    expect(Number.isNaN(t([-1]).log().item())).toBe(true);
    expect(Number.isNaN(t([-1]).sqrt().item())).toBe(true);
  });

  it('tanh and sigmoid saturate without NaN for large |x|', () => {
    const x = wg.tensor([-100, -30, 30, 100], { dtype });
    expectClose(x.tanh().toArray(), [-1, -1, 1, 1], tol);
    const s = x.sigmoid().toArray() as number[];
    expectClose(s, [refSigmoid(-100), refSigmoid(-30), 1, 1], { rtol: tol.rtol, atol: 1e-12 });
    for (const v of s) expect(v).toBeGreaterThanOrEqual(0);
    const big = wg.tensor([1000, -1000], { dtype });
    expect(big.sigmoid().toArray()).toEqual([1, 0]);
    expect(big.tanh().toArray()).toEqual([1, -1]);
    expect(big.exp().toArray()).toEqual([Infinity, 0]);
  });

  it("abs'(0) = 0 and relu'(0) = 0", () => {
    const x = wg.tensor([-2, 0, 3], { dtype, requiresGrad: true });
    x.abs().sum().backward();
    expect(x.grad!.toArray()).toEqual([-1, 0, 1]);
    const y = wg.tensor([-2, 0, 3], { dtype, requiresGrad: true });
    y.relu().sum().backward();
    expect(y.grad!.toArray()).toEqual([0, 0, 1]);
  });

  it('maximum ties route the gradient to the first input, minimum ties too', () => {
    const a = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const b = wg.tensor([1, 5, 3], { dtype, requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0, 1, 0]);
    const c = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const d = wg.tensor([1, 0, 3], { dtype, requiresGrad: true });
    wg.minimum(c, d).sum().backward();
    expect(c.grad!.toArray()).toEqual([1, 0, 1]);
    expect(d.grad!.toArray()).toEqual([0, 1, 0]);
  });

  it('maximum(x, 0) at x = 0 gives the gradient to x (first input); maximum(0, x) gives it to the number', () => {
    const x = wg.tensor([-1, 0, 2], { dtype, requiresGrad: true });
    wg.maximum(x, 0).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1]);
    const y = wg.tensor([-1, 0, 2], { dtype, requiresGrad: true });
    wg.maximum(0, y).sum().backward();
    expect(y.grad!.toArray()).toEqual([0, 0, 1]);
  });

  it('maximum tie under broadcasting: the first input takes every tied gradient', () => {
    const a = wg.tensor([[2], [1]], { dtype, requiresGrad: true }); // [2,1]
    const b = wg.tensor([2, 0, 2], { dtype, requiresGrad: true }); // [3]
    a.maximum(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([[3], [1]]);
    expect(b.grad!.toArray()).toEqual([1, 0, 1]);
  });
});

const reduceAxes: { axis: number | number[] | undefined; keepdims: boolean }[] = [
  { axis: undefined, keepdims: false },
  { axis: undefined, keepdims: true },
  { axis: 0, keepdims: false },
  { axis: 1, keepdims: false },
  { axis: 2, keepdims: true },
  { axis: -1, keepdims: false },
  { axis: -3, keepdims: true },
  { axis: [0, 2], keepdims: false },
  { axis: [-1, 0], keepdims: true },
  { axis: [0, 1, 2], keepdims: false },
  { axis: [1], keepdims: true },
];

const reduceRefs = { sum: fsum, mean: fmean, max: fmax };

forEachConfig('reductions', ({ dtype, tol }) => {
  for (const [op, f] of Object.entries(reduceRefs)) {
    it.each(reduceAxes.map((c) => ({ ...c, label: `axis ${JSON.stringify(c.axis)} keepdims ${c.keepdims}` })))(
      `${op}: $label on [2,3,4]`, ({ axis, keepdims }) => {
        const [x, rx] = pair([2, 3, 4], dtype, 31);
        const expected = refReduce(rx, axis, keepdims, f);
        const r = axis === undefined && !keepdims ? (x as any)[op]() : (x as any)[op](axis, keepdims);
        expectRef(r, expected, tol, dtype);
      });

    it(`${op}: free function, 1-D input and keepdims default`, () => {
      const [x, rx] = pair([2, 3, 4], dtype, 37);
      expectRef((wg as any)[op](x, 1), refReduce(rx, 1, false, f), tol, dtype);
      expectRef((wg as any)[op](x, [0, -1], true), refReduce(rx, [0, 2], true, f), tol, dtype);
      const [v, rv] = pair([13], dtype, 41);
      const all = (v as any)[op]();
      expect(all.shape).toEqual([]);
      expect(all.ndim).toBe(0);
      expectClose(all.toArray(), f(rv.data), tol);
      expectClose((v as any)[op](0).item(), f(rv.data), tol);
    });
  }

  it.each([0, 1, 2, -1, [0, 2], [1, 2]])('sum, mean and max of a [3,130,5] tensor along %j', (axis) => {
    const [x, rx] = pair([3, 130, 5], dtype, 45, -2, 2);
    const rtol = dtype === 'float32' ? 1e-5 : 1e-12;
    const atol = dtype === 'float32' ? 2e-5 : 1e-12;
    expectRef(x.sum(axis as any), refReduce(rx, axis as any, false, fsum), { rtol, atol }, dtype);
    expectRef(x.mean(axis as any, true), refReduce(rx, axis as any, true, fmean), { rtol, atol }, dtype);
    expectRef(x.max(axis as any), refReduce(rx, axis as any, false, fmax), tol, dtype);
  });

  it('sum of a long vector is accurate (SIMD main loop + tail)', () => {
    const [x, rx] = pair([1001], dtype, 43, 0, 1);
    expectClose(x.sum().item(), fsum(rx.data), { rtol: dtype === 'float32' ? 1e-5 : 1e-12 });
    expectClose(x.mean().item(), fmean(rx.data), { rtol: dtype === 'float32' ? 1e-5 : 1e-12 });
  });

  it('max ties route the gradient to the first index along the axis', () => {
    const x = wg.tensor([[1, 3, 3], [2, 2, 1]], { dtype, requiresGrad: true });
    x.max(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0], [1, 0, 0]]);
    const y = wg.tensor([[4, 0], [4, 1], [2, 1]], { dtype, requiresGrad: true });
    y.max(0).sum().backward();
    expect(y.grad!.toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    const z = wg.tensor([3, 1, 3, 3], { dtype, requiresGrad: true });
    z.max().backward();
    expect(z.grad!.toArray()).toEqual([1, 0, 0, 0]);
  });

  it('max over several axes with ties routes to the first index in row-major order', () => {
    const x = wg.tensor([[[5, 1], [5, 5]], [[2, 7], [7, 0]]], { dtype, requiresGrad: true });
    x.max([1, 2]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[1, 0], [0, 0]], [[0, 1], [0, 0]]]);
  });

  it('sum and mean gradients spread evenly', () => {
    const x = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    x.mean(1).sum().backward();
    expectClose(x.grad!.toArray(), [[1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3]], tol);
    const y = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype, requiresGrad: true });
    y.sum(0, true).mul(wg.tensor([[1, 2, 3]], { dtype })).sum().backward();
    expect(y.grad!.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });
});

forEachConfig('shape ops', ({ dtype, tol }) => {
  it.each([
    { to: [-1, 4], shape: [6, 4] },
    { to: [4, -1], shape: [4, 6] },
    { to: [24], shape: [24] },
    { to: [-1], shape: [24] },
    { to: [2, -1, 2, 3], shape: [2, 2, 2, 3] },
    { to: [1, 24, 1], shape: [1, 24, 1] },
  ])('reshape [2,3,4] to $to gives $shape, data in row-major order', ({ to, shape }) => {
    const [x, rx] = pair([2, 3, 4], dtype, 47);
    const r = x.reshape(to);
    expect(r.shape).toEqual(shape);
    expect(r.size).toBe(24);
    expectClose(r.toArray(), nest(rx.data, shape), tol);
    expectClose(wg.reshape(x, to).toArray(), nest(rx.data, shape), tol);
  });

  it('reshape of a one-element tensor to [] and back', () => {
    const x = wg.tensor([[2.5]], { dtype });
    const s = x.reshape([]);
    expect(s.shape).toEqual([]);
    expect(s.toArray()).toBe(2.5);
    expect(s.reshape([1, 1, 1]).toArray()).toEqual([[[2.5]]]);
    expect(s.reshape([-1]).toArray()).toEqual([2.5]);
  });

  it.each([
    { axes: undefined, shape: [4, 3, 2] },
    { axes: [1, 0, 2], shape: [3, 2, 4] },
    { axes: [2, 0, 1], shape: [4, 2, 3] },
    { axes: [0, 2, 1], shape: [2, 4, 3] },
    { axes: [0, 1, 2], shape: [2, 3, 4] },
  ])('transpose [2,3,4] with axes $axes', ({ axes, shape }) => {
    const [x, rx] = pair([2, 3, 4], dtype, 53);
    const r = axes === undefined ? x.transpose() : x.transpose(axes);
    expectRef(r, refTranspose(rx, axes), tol, dtype);
    expect(r.shape).toEqual(shape);
    expectRef(axes === undefined ? wg.transpose(x) : wg.transpose(x, axes), refTranspose(rx, axes), tol, dtype);
  });

  it('transpose of a matrix by hand, of a vector is itself; a transposed view computes correctly', () => {
    const m = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype });
    expect(m.transpose().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(wg.tensor([1, 2, 3], { dtype }).transpose().toArray()).toEqual([1, 2, 3]);
    expect(m.transpose().add(1).toArray()).toEqual([[2, 5], [3, 6], [4, 7]]);
    expect(m.transpose().reshape([-1]).toArray()).toEqual([1, 4, 2, 5, 3, 6]);
    expect(m.transpose().sum(1).toArray()).toEqual([5, 7, 9]);
  });
});

const matmulCases: { a: number[]; b: number[]; out: number[] }[] = [
  { a: [3, 4], b: [4, 5], out: [3, 5] },
  { a: [1, 1], b: [1, 1], out: [1, 1] },
  { a: [17, 33], b: [33, 9], out: [17, 9] },
  { a: [2, 3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { a: [2, 1, 3, 4], b: [3, 4, 5], out: [2, 3, 3, 5] },
  { a: [3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { a: [2, 3, 4], b: [4, 5], out: [2, 3, 5] },
  { a: [4], b: [4, 5], out: [5] },
  { a: [3, 4], b: [4], out: [3] },
  { a: [4], b: [4], out: [] },
  { a: [2, 3, 4], b: [4], out: [2, 3] },
  { a: [4], b: [2, 4, 5], out: [2, 5] },
];

forEachConfig('matmul', ({ dtype, tol }) => {
  it.each(matmulCases.map((c) => ({ ...c, label: `[${c.a}] @ [${c.b}]` })))(
    '$label has shape $out and NumPy values', ({ a: sa, b: sb, out }) => {
      const [a, ra] = pair(sa, dtype, 59 + sa.length);
      const [b, rb] = pair(sb, dtype, 61 + sb.length);
      const expected = refMatmul(ra, rb);
      expect(expected.shape).toEqual(out);
      const mtol = dtype === 'float32' ? { rtol: 1e-4, atol: 5e-5 } : { rtol: 1e-12, atol: 1e-13 };
      expectRef(a.matmul(b), expected, mtol, dtype);
      expectRef(wg.matmul(a, b), expected, mtol, dtype);
    });

  it('2-D by hand', () => {
    const a = wg.tensor([[1, 2], [3, 4], [5, 6]], { dtype });
    const b = wg.tensor([[1, 0, -1], [2, 1, 0]], { dtype });
    expect(a.matmul(b).toArray()).toEqual([[5, 2, -1], [11, 4, -3], [17, 6, -5]]);
    expect(wg.tensor([1, 2, 3], { dtype }).matmul(wg.tensor([4, 5, 6], { dtype })).toArray()).toBe(32);
  });

  it('large products crossing the kernel\'s blocking, forward and backward', () => {
    const M = 70, K = 300, N = 19;
    const [a, ra] = pair([M, K], dtype, 101);
    const [b, rb] = pair([K, N], dtype, 103);
    const ltol = dtype === 'float32' ? { rtol: 1e-4, atol: 3e-4 } : { rtol: 1e-12, atol: 1e-11 };
    a.requiresGrad = true;
    b.requiresGrad = true;
    const c = a.matmul(b);
    expectRef(c, refMatmul(ra, rb), ltol, dtype);
    const [dc, rdc] = pair([M, N], dtype, 107);
    c.backward(dc);
    expectRef(a.grad!, refMatmul(rdc, refTranspose(rb)), ltol, dtype);
    expectRef(b.grad!, refMatmul(refTranspose(ra), rdc), ltol, dtype);
    // transposed operands and a broadcast batch
    const [p, rp] = pair([2, 1, K, 9], dtype, 109);
    const [q, rq] = pair([3, 11, K], dtype, 113);
    const pq = p.transpose([0, 1, 3, 2]).matmul(q.transpose([0, 2, 1]));
    expectRef(pq, refMatmul(refTranspose(rp, [0, 1, 3, 2]), refTranspose(rq, [0, 2, 1])), ltol, dtype);
  });

  it('matmul of transposed operands', () => {
    const [a, ra] = pair([5, 3], dtype, 67);
    const [b, rb] = pair([4, 5], dtype, 71);
    expectRef(a.transpose().matmul(b.transpose()), refMatmul(refTranspose(ra), refTranspose(rb)),
      dtype === 'float32' ? { rtol: 1e-4, atol: 5e-5 } : { rtol: 1e-12, atol: 1e-13 }, dtype);
  });
});

forEachConfig('softmax family and losses', ({ dtype, tol }) => {
  it.each([
    { axis: undefined, shape: [2, 3, 4] },
    { axis: -1, shape: [2, 3, 4] },
    { axis: 0, shape: [2, 3, 4] },
    { axis: 1, shape: [2, 3, 4] },
    { axis: -2, shape: [3, 5] },
    { axis: 0, shape: [7] },
    { axis: -1, shape: [3, 301] },
    { axis: 0, shape: [129, 3] },
  ])('softmax and logSoftmax along axis $axis of $shape', ({ axis, shape }) => {
    const [x, rx] = pair(shape, dtype, 73, -3, 3);
    const ax = axis ?? -1;
    const s = axis === undefined ? x.softmax() : x.softmax(axis);
    const l = axis === undefined ? x.logSoftmax() : x.logSoftmax(axis);
    expectRef(s, refSoftmax(rx, ax, false), tol, dtype);
    expectRef(l, refSoftmax(rx, ax, true), tol, dtype);
    expectRef(axis === undefined ? wg.softmax(x) : wg.softmax(x, axis), refSoftmax(rx, ax, false), tol, dtype);
    expectRef(axis === undefined ? wg.logSoftmax(x) : wg.logSoftmax(x, axis), refSoftmax(rx, ax, true), tol, dtype);
  });

  it('softmax and logSoftmax are stable for large logits', () => {
    const x = wg.tensor([[1000, 1001, 1002], [-1000, 0, 1000]], { dtype });
    const r = ref([1000, 1001, 1002, -1000, 0, 1000], [2, 3]);
    expectRef(x.softmax(), refSoftmax(r, -1, false), tol, dtype);
    // computed as (x - max) - log(sum): no cancellation against the magnitude 1000
    expectRef(x.logSoftmax(), refSoftmax(r, -1, true), tol, dtype);
    expect(x.logSoftmax().toArray()).toEqual([
      [expect.closeTo(-2.40760596, 5), expect.closeTo(-1.40760596, 5), expect.closeTo(-0.40760596, 5)],
      [-2000, -1000, 0],
    ]);
  });

  it('crossEntropy(logits[N,C], labels) is the mean of -logSoftmax at the labels (array and Int32Array)', () => {
    const [x, rx] = pair([5, 4], dtype, 79, -3, 3);
    const labels = [3, 0, 1, 3, 2];
    const ls = refSoftmax(rx, -1, true);
    const expected = -fmean(labels.map((c, i) => ls.data[i * 4 + c]));
    for (const loss of [x.crossEntropy(labels), wg.crossEntropy(x, labels),
      x.crossEntropy(Int32Array.from(labels)), wg.crossEntropy(x, Int32Array.from(labels))]) {
      expect(loss.shape).toEqual([]);
      expect(loss.dtype).toBe(dtype);
      expectClose(loss.item(), expected, tol);
    }
  });

  it('crossEntropy gradient is (softmax - onehot) / N and the loss is stable for large logits', () => {
    const x = wg.tensor([[0, 0, 0], [1000, 0, -1000]], { dtype, requiresGrad: true });
    const loss = x.crossEntropy([1, 1]);
    expectClose(loss.item(), (Math.log(3) + 1000) / 2, tol);
    loss.backward();
    const third = 1 / 3;
    expectClose(x.grad!.toArray(), [[third / 2, (third - 1) / 2, third / 2], [0.5, -0.5, 0]], tol);
  });

  it('mseLoss(pred, target) is the mean squared difference (method and free function)', () => {
    const [p, rp] = pair([3, 4], dtype, 83);
    const [t, rt] = pair([3, 4], dtype, 89);
    const expected = fmean(rp.data.map((v, i) => (v - rt.data[i]) ** 2));
    for (const loss of [p.mseLoss(t), wg.mseLoss(p, t)]) {
      expect(loss.shape).toEqual([]);
      expectClose(loss.item(), expected, tol);
    }
    const a = wg.tensor([1, 2, 3], { dtype, requiresGrad: true });
    const loss = a.mseLoss(wg.tensor([1, 0, 5], { dtype }));
    expectClose(loss.item(), 8 / 3, tol);
    loss.backward();
    expectClose(a.grad!.toArray(), [0, 4 / 3, -4 / 3], tol);
  });
});

forEachConfig('tensor constructors and members', ({ backend, dtype, tol }) => {
  it('tensor from a number, nested arrays, a flat array with shape, typed arrays', () => {
    const s = wg.tensor(2.5, { dtype });
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.size).toBe(1);
    expect(s.toArray()).toBe(2.5);
    expect(s.item()).toBe(2.5);
    const m = wg.tensor([[1, 2, 3], [4, 5, 6]], { dtype });
    expect(m.shape).toEqual([2, 3]);
    expect(m.ndim).toBe(2);
    expect(m.size).toBe(6);
    expect(m.dtype).toBe(dtype);
    expect(m.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const f = wg.tensor([1, 2, 3, 4, 5, 6], { dtype, shape: [3, 2] });
    expect(f.shape).toEqual([3, 2]);
    expect(f.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const ta = wg.tensor(new Float64Array([0.5, 1.5, 2.5, 3.5]), { dtype, shape: [2, 2] });
    expect(ta.toArray()).toEqual([[0.5, 1.5], [2.5, 3.5]]);
    const tf = wg.tensor(new Float32Array([1, 2, 3]), { dtype });
    expect(tf.shape).toEqual([3]);
    expect(tf.toArray()).toEqual([1, 2, 3]);
  });

  it('default dtype is float32; float64 keeps full precision, float32 rounds', () => {
    expect(wg.tensor([1, 2]).dtype).toBe('float32');
    expect(wg.zeros([2]).dtype).toBe('float32');
    const v = 0.1;
    const t = wg.tensor([v], { dtype });
    expect(t.item()).toBe(dtype === 'float64' ? v : Math.fround(v));
    expect(t.data()).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
  });

  it('data() is a copy', () => {
    const t = wg.tensor([1, 2, 3], { dtype });
    const d = t.data();
    d[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(Array.from(t.data())).toEqual([1, 2, 3]);
  });

  it('zeros, ones, full, arange, eye', () => {
    const z = wg.zeros([2, 3], { dtype });
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe(dtype);
    expect(z.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(wg.ones([3], { dtype }).toArray()).toEqual([1, 1, 1]);
    expect(wg.full([2, 2], 7.5, { dtype }).toArray()).toEqual([[7.5, 7.5], [7.5, 7.5]]);
    expect(wg.arange(5, { dtype }).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(wg.arange(5, { dtype }).shape).toEqual([5]);
    expect(wg.eye(3, { dtype }).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(wg.ones([2], { dtype, requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('randn and rand: shapes, ranges, rough moments, manualSeed reproducibility', () => {
    wg.manualSeed(42);
    const a = wg.randn([100, 50], { dtype });
    const r = wg.rand([1000], { dtype });
    wg.manualSeed(42);
    const b = wg.randn([100, 50], { dtype });
    const r2 = wg.rand([1000], { dtype });
    expect(a.shape).toEqual([100, 50]);
    expect(a.dtype).toBe(dtype);
    expect(Array.from(a.data())).toEqual(Array.from(b.data()));
    expect(Array.from(r.data())).toEqual(Array.from(r2.data()));
    const d = Array.from(a.data());
    const mean = fmean(d);
    const variance = fmean(d.map((v) => (v - mean) ** 2));
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    const u = Array.from(r.data());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.abs(fmean(u) - 0.5)).toBeLessThan(0.05);
    wg.manualSeed(43);
    expect(Array.from(wg.randn([10], { dtype }).data())).not.toEqual(d.slice(0, 10));
  });

  it('toString shows shape and dtype', () => {
    const s = wg.tensor([[1, 2], [3, 4]], { dtype }).toString();
    expect(s.replace(/\s+/g, '')).toContain('[2,2]');
    expect(s).toContain(dtype);
  });

  it('astype converts between dtypes', () => {
    const other: DType = dtype === 'float32' ? 'float64' : 'float32';
    const t = wg.tensor([1.5, -2.25, 3], { dtype });
    const c = t.astype(other);
    expect(c.dtype).toBe(other);
    expect(c.toArray()).toEqual([1.5, -2.25, 3]);
    expect(wg.tensor([0.1], { dtype: 'float64' }).astype('float32').item()).toBe(Math.fround(0.1));
  });

  it('to(backend) copies to the other backend; ops then run there', () => {
    const other = backend === 'wasm' ? 'js' : 'wasm';
    const t = wg.tensor([[1, 2], [3, 4]], { dtype });
    const c = t.to(other);
    expect(c.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(c.dtype).toBe(dtype);
    expect(c.mul(2).toArray()).toEqual([[2, 4], [6, 8]]);
    expect(wg.getBackend()).toBe(backend);
    t.dispose();
    expect(c.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('getBackend reports the current backend', () => {
    expect(wg.getBackend()).toBe(backend);
  });

  it('item() of a one-element tensor of any rank', () => {
    expect(wg.tensor([[[4]]], { dtype }).item()).toBe(4);
    expectClose(wg.tensor([0.25, 0.5], { dtype }).sum().item(), 0.75, tol);
  });
});

describe('init', () => {
  it('is idempotent and takes a backend option', async () => {
    await wg.init();
    await wg.init({ backend: 'js' });
    expect(wg.getBackend()).toBe('js');
    await wg.init({ backend: 'wasm' });
    expect(wg.getBackend()).toBe('wasm');
    expect(wg.tensor([1, 2]).add(1).toArray()).toEqual([2, 3]);
  });
});

// ---- wasm and js agree on random inputs, forward and backward, for every op case ----------------

describe.each(DTYPES.map((dtype) => ({ dtype })))('wasm and js agree [$dtype]', ({ dtype }) => {
  useInit();
  const tol = dtype === 'float32' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-11, atol: 1e-12 };

  it.each(OP_CASES.map((c) => ({ c, name: c.name })))('$name', ({ c }) => {
    const data = caseData(c, 1).map((d) => roundTo(dtype, d));
    const results: { y: unknown; grads: unknown[] }[] = [];
    for (const backend of BACKENDS) {
      wg.setBackend(backend);
      const xs = caseInputs(c, dtype, true, data);
      const y = c.f(...xs);
      const w = wg.tensor(nest(roundTo(dtype, randomFlat(y.size, 97, -1, 1)), y.shape as number[]), { dtype });
      y.mul(w).sum().backward();
      results.push({ y: y.toArray(), grads: xs.map((x) => x.grad!.toArray()) });
    }
    expectClose(results[0].y, results[1].y, tol);
    results[0].grads.forEach((g, i) => expectClose(g, results[1].grads[i], tol));
  });
});
