// Catalog entries of the ops that are neither elementwise nor sum-like reductions: each lists its
// fixed gradient-check cases and its random-shape arbitrary; `program` names the random
// programs' hand-written step (programs.ts) that draws it.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import { type Shape, axisArb, broadcast, matmulShape, pairArb, shapeArb, sizeOf } from './shapes.js';
import type { OpCase, OpEntry, PropCase, Tensor } from './types.js';
import { SHAPE_JOIN_OPS } from './shape-join.js';
import { POOL_OPS } from './pool.js';
import { NORM_OPS } from './norm.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
const LABELS = [2, 0, 1, 2];

/** A fixed case whose inputs are all drawn from [-2, 2]. */
function c(name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling: ANY })), f };
}
function p(shapes: Shape[], label: string, f: (...xs: Tensor[]) => Tensor): PropCase {
  return { shapes, samplings: shapes.map(() => ANY), label, f };
}

const reshape: OpEntry = {
  name: 'reshape', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'reshape', method: true, secondOrder: true,
  program: 'reshape',
  cases: [
    c('reshape([-1, 4])', [[2, 3, 4]], (x) => x.reshape([-1, 4])),
    c('reshape([4, -1]).mul(w)', [[2, 3, 4], [4, 6]], (x, w) => x.reshape([4, -1]).mul(w)),
  ],
  property: shapeArb().chain((s) => {
    const n = sizeOf(s);
    // a target with the same number of elements: a permutation of s's dims plus some 1s, maybe a -1
    return fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }),
      fc.nat(2), fc.nat(5)).map(([src, dims, ones, minus]) => {
      const target = [...dims];
      for (let i = 0; i < ones && target.length < 5; i++) target.splice(i % (target.length + 1), 0, 1);
      if (n > 0 && target.length > 0 && minus < target.length) target[minus] = -1;
      // the reshaped view used twice (shared storage, fan-out through the reshape gate)
      return p([src], `reshape([${src}] → [${target}])`, (x) => { const r = x.reshape(target); return r.mul(r).add(r); });
    });
  }),
};

const transpose: OpEntry = {
  name: 'transpose', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'transpose', method: true, secondOrder: true,
  program: 'transpose',
  cases: [
    c('transpose()', [[2, 3, 4]], (x) => x.transpose()),
    c('transpose([1, 0, 2])', [[2, 3, 4]], (x) => x.transpose([1, 0, 2])),
    c('transpose([2, 0, 1]).mul(w)', [[2, 3, 4], [3]], (x, w) => x.transpose([2, 0, 1]).mul(w)),
  ],
  property: shapeArb().chain((s) => fc.tuple(fc.constant(s),
    fc.option(fc.shuffledSubarray(Array.from({ length: s.length }, (_, i) => i), { minLength: s.length, maxLength: s.length }))))
    .map(([s, perm]) => p([s], `transpose([${s}], ${perm ? `[${perm}]` : 'default'})`,
      (x) => (perm ? x.transpose(perm) : x.transpose()).mul(2).exp())),
};

const broadcastTo: OpEntry = {
  name: 'broadcastTo', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'broadcastTo', method: false, secondOrder: true,
  cases: [
    c('broadcastTo [3,1] → [2,3,4]', [[3, 1]], (x) => wg.broadcastTo(x, [2, 3, 4])),
    c('broadcastTo [] → [2,2]', [[]], (x) => wg.broadcastTo(x, [2, 2])),
  ],
  property: pairArb.map(([a, b]) => {
    const out = broadcast(a, b)!;
    return p([b], `broadcastTo([${b}] → [${out}])`, (x) => wg.broadcastTo(x, out).tanh());
  }),
};

/** matmul: 1-D on either side, 2-D, batched with broadcast batch dims; zero-size M, K, N or batch. */
const mdim = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) });
const matmul: OpEntry = {
  name: 'matmul', family: 'other', arity: 2, domain: REAL, kinks: [], tf: 'matMul', method: true, secondOrder: true,
  program: 'matmul',
  cases: [
    c('matmul [3,4]@[4,2]', [[3, 4], [4, 2]], (a, b) => a.matmul(b)),
    c('matmul [2,3,4]@[2,4,5]', [[2, 3, 4], [2, 4, 5]], (a, b) => a.matmul(b)),
    c('matmul [2,1,3,4]@[3,4,2]', [[2, 1, 3, 4], [3, 4, 2]], (a, b) => wg.matmul(a, b)),
    c('matmul [3,4]@[2,4,2]', [[3, 4], [2, 4, 2]], (a, b) => a.matmul(b)),
    c('matmul [4]@[4,3]', [[4], [4, 3]], (a, b) => a.matmul(b)),
    c('matmul [3,4]@[4]', [[3, 4], [4]], (a, b) => a.matmul(b)),
    c('matmul [4]@[4]', [[4], [4]], (a, b) => a.matmul(b)),
    c('matmul [2,3,4]@[4]', [[2, 3, 4], [4]], (a, b) => a.matmul(b)),
    c('matmul [4]@[2,4,3]', [[4], [2, 4, 3]], (a, b) => a.matmul(b)),
  ],
  property: fc.record({
    M: mdim, K: mdim, N: mdim,
    kindA: fc.constantFrom('1d', '2d', 'batched'), kindB: fc.constantFrom('1d', '2d', 'batched'),
    batch: pairArb.filter(([a, b]) => a.length <= 2 && b.length <= 2 && sizeOf(broadcast(a, b)!) <= 6),
    fn: fc.boolean(),
  }).map(({ M, K, N, kindA, kindB, batch, fn }) => {
    const a = kindA === '1d' ? [K] : kindA === '2d' ? [M, K] : [...batch[0], M, K];
    const b = kindB === '1d' ? [K] : kindB === '2d' ? [K, N] : [...batch[1], K, N];
    return p([a, b], `matmul [${a}] @ [${b}] → [${matmulShape(a, b)}]`,
      fn ? (x, y) => wg.matmul(x, y) : (x, y) => x.matmul(y));
  }),
};

function softmaxEntry(log: boolean): OpEntry {
  const name = log ? 'logSoftmax' : 'softmax';
  const cases = log
    ? [c('logSoftmax()', [[3, 4]], (x) => x.logSoftmax()),
      c('logSoftmax(-2) 3-D', [[2, 3, 4]], (x) => wg.logSoftmax(x, -2))]
    : [c('softmax()', [[3, 4]], (x) => x.softmax()),
      c('softmax(0)', [[3, 4]], (x) => x.softmax(0)),
      c('softmax(1) 3-D', [[2, 3, 4]], (x) => wg.softmax(x, 1))];
  return {
    name, family: 'other', arity: 1, domain: REAL, kinks: [], tf: name, method: true, secondOrder: true,
    program: 'softmax',
    cases,
    property: shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 }), fc.boolean()))
      .map(([s, axis, dflt]) => p([s], `${name}([${s}], ${dflt ? 'default' : axis})`,
        (x) => (log ? (dflt ? x.logSoftmax() : x.logSoftmax(axis)) : (dflt ? x.softmax() : wg.softmax(x, axis))))),
  };
}

const crossEntropy: OpEntry = {
  name: 'crossEntropy', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'losses.softmaxCrossEntropy',
  method: true, secondOrder: true, program: 'crossEntropy',
  cases: [
    c('crossEntropy', [[4, 3]], (x) => x.crossEntropy(LABELS)),
    c('crossEntropy Int32Array', [[4, 3]], (x) => wg.crossEntropy(x, Int32Array.from(LABELS))),
  ],
  property: fc.record({ N: fc.integer({ min: 0, max: 5 }), C: fc.integer({ min: 1, max: 5 }), seed: fc.nat(), int32: fc.boolean() })
    .map(({ N, C, seed, int32 }) => {
      const labels = Array.from({ length: N }, (_, i) => (seed + 7 * i) % C);
      return p([[N, C]], `crossEntropy([${N},${C}], ${JSON.stringify(labels)})`,
        (x) => (int32 ? wg.crossEntropy(x, Int32Array.from(labels)) : x.crossEntropy(labels)));
    }),
};

const mseLoss: OpEntry = {
  name: 'mseLoss', family: 'other', arity: 2, domain: REAL, kinks: [], tf: 'losses.meanSquaredError',
  method: true, secondOrder: true, program: 'mseLoss',
  cases: [
    c('mseLoss', [[3, 2], [3, 2]], (pr, t) => pr.mseLoss(t)),
    c('wg.mseLoss', [[5], [5]], (pr, t) => wg.mseLoss(pr, t)),
  ],
  // (an empty prediction with a non-empty target has the loss 0/0 = NaN: no derivative to check)
  // mseLoss takes a target of the prediction's own shape; one that broadcasts into it is
  // broadcast explicitly (mseLoss refuses to broadcast: issue 10)
  property: pairArb.filter(([a, b]) => sizeOf(broadcast(a, b)!) > 0 || sizeOf(b) === 0).map(([a, b]) => {
    const out = broadcast(a, b)!;
    return p([out, b], `mseLoss([${out}], broadcastTo([${b}]))`, (pr, t) => pr.mseLoss(wg.broadcastTo(t, pr.shape)));
  }),
};

// ---- the other losses (no tf.js comparison: programs.ts has no step for them) ----------------

const PROB: Sampling = { kind: 'interval', min: 0.05, max: 0.95, avoid: [] };
const UNIT: Sampling = { kind: 'interval', min: 0, max: 1, avoid: [] };
const DIMS = fc.record({ N: fc.integer({ min: 1, max: 4 }), C: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 0, max: 3 }), seed: fc.nat() });
const REDUCTIONS = ['mean', 'sum', 'none'] as const;
/** Labels for [N, C, d?] with every third one ignored (-100), never all of them. */
function someIgnored(count: number, C: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (i % 3 === 2 ? -100 : (seed + 5 * i) % C));
}

const crossEntropyOptions: OpEntry = {
  // the composite path of crossEntropy (its own name is taken by the fused entry above)
  ...crossEntropy, name: 'nllLoss', tf: undefined, program: undefined,
  cases: [
    c('nllLoss(logSoftmax)', [[4, 3]], (x) => x.logSoftmax(1).nllLoss(LABELS)),
    c('nllLoss sum, ignored', [[4, 3]], (x) => wg.nllLoss(x, [2, -100, 1, 0], { reduction: 'sum' })),
    c('crossEntropy [N,C,d] none', [[2, 3, 2]], (x) => x.crossEntropy([[0, 2], [1, -100]], { reduction: 'none' })),
    c('crossEntropy labelSmoothing ignoreIndex', [[4, 3]], (x) => x.crossEntropy([2, 0, 1, 1], { labelSmoothing: 0.2, ignoreIndex: 1 })),
  ],
  property: fc.tuple(DIMS, fc.constantFrom(...REDUCTIONS), fc.constantFrom(0, 0.1)).map(([{ N, C, d, seed }, reduction, eps]) => {
    const shape = d === 0 ? [N, C] : [N, C, d];
    const labels = someIgnored(N * Math.max(d, 1), C, seed);
    return p([shape], `crossEntropy([${shape}], ${reduction}, ε ${eps})`,
      (x) => x.crossEntropy(labels, { reduction, labelSmoothing: eps }).add(x.logSoftmax(1).nllLoss(labels, { reduction })));
  }),
};

function pointwiseLoss(name: 'l1Loss' | 'huberLoss' | 'binaryCrossEntropy' | 'binaryCrossEntropyWithLogits',
  pred: Sampling, target: Sampling, f: (x: Tensor, t: Tensor, reduction?: 'mean' | 'sum' | 'none') => Tensor): OpEntry {
  const two = (shape: number[], label: string, g: (x: Tensor, t: Tensor) => Tensor): OpCase =>
    ({ name: label, inputs: [{ shape, sampling: pred }, { shape, sampling: target }], f: g });
  return {
    name, family: 'other', arity: 2, domain: REAL, kinks: [], method: true, secondOrder: true,
    cases: [two([3, 2], name, (x, t) => f(x, t)), two([5], `${name} sum`, (x, t) => f(x, t, 'sum')),
      two([2, 2], `${name} none`, (x, t) => f(x, t, 'none'))],
    property: fc.tuple(shapeArb(), fc.constantFrom(...REDUCTIONS)).filter(([s, r]) => sizeOf(s) > 0 || r !== 'mean')
      .map(([s, reduction]) => ({ shapes: [s, s], samplings: [pred, target], label: `${name}([${s}], ${reduction})`,
        f: (x: Tensor, t: Tensor) => f(x, t, reduction) })),
  };
}

const l1Loss = pointwiseLoss('l1Loss', ANY, ANY, (x, t, reduction) => x.l1Loss(t, { reduction }));
const huberLoss = pointwiseLoss('huberLoss', ANY, ANY, (x, t, reduction) => wg.huberLoss(x, t, { delta: 0.7, reduction }));
const bce = pointwiseLoss('binaryCrossEntropy', PROB, UNIT, (x, t, reduction) => x.binaryCrossEntropy(t, { reduction }));
const bceLogits = pointwiseLoss('binaryCrossEntropyWithLogits', ANY, UNIT,
  (x, t, reduction) => wg.binaryCrossEntropyWithLogits(x.mul(3), t, { reduction }));

const astype: OpEntry = {
  name: 'astype', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'cast', method: true, secondOrder: true,
  // a float32 round trip is not differentiable numerically in float64: the cast to the same dtype
  cases: [c('astype(own dtype).mul(x)', [[2, 3]], (x) => x.astype(x.dtype).mul(x))],
  property: shapeArb().map((s) => p([s], `astype([${s}])`, (x) => x.astype(x.dtype).tanh())),
};

// to(): the copy to the other backend is a gate too; its gradient comes back to this backend
const other = (x: Tensor) => (x.backendName === 'wasm' ? 'js' : 'wasm');
const to: OpEntry = {
  name: 'to', family: 'other', arity: 1, domain: REAL, kinks: [], method: true, secondOrder: true,
  cases: [c('to(other).tanh().to(here)', [[2, 3]], (x) => x.to(other(x)).tanh().to(x.backendName))],
  property: fc.tuple(shapeArb(), fc.boolean()).map(([s, back]) => p([s], `to([${s}])`, (x) => {
    const here = x.backendName;
    const y = x.to(other(x)).tanh();
    return back ? y.to(here) : y;
  })),
};

export const SPECIAL_OPS: OpEntry[] = [
  reshape, transpose, matmul, softmaxEntry(false), softmaxEntry(true), crossEntropy, mseLoss, to, broadcastTo, astype,
  ...SHAPE_JOIN_OPS,
  crossEntropyOptions, l1Loss, huberLoss, bce, bceLogits,
];

// ---- reductions of issue 12 (prod, argmax/argmin, logsumexp, var, std, norm, cumsum) ----------

const NONZERO: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [0] };
const DISTINCT: Sampling = { kind: 'distinct' };
function cs(name: string, shapes: number[][], sampling: Sampling, f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling })), f };
}
function ps(shapes: Shape[], sampling: Sampling, label: string, f: (...xs: Tensor[]) => Tensor): PropCase {
  return { shapes, samplings: shapes.map(() => sampling), label, f };
}
/** A shape and an axis argument of it (a number, a list or undefined). */
const shapeAxisArb = (min = 0) => shapeArb().filter((s) => sizeOf(s) >= min)
  .chain((s) => fc.tuple(fc.constant(s), axisArb(s.length), fc.boolean()));

const prod: OpEntry = {
  name: 'prod', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'prod', method: true, secondOrder: true,
  cases: [
    cs('prod()', [[2, 3]], NONZERO, (x) => x.prod()),
    cs('prod(1)', [[2, 3, 2]], NONZERO, (x) => x.prod(1)),
    cs('prod([0, 2], true)', [[2, 3, 2]], NONZERO, (x) => wg.prod(x, [0, 2], true)),
    // one exact zero per row: the gradient is the product of the others there (PyTorch's rule)
    cs('prod(1) with a zero', [[2, 3]], NONZERO, (x) => x.mul(wg.tensor([[0, 1, 1], [1, 1, 0]], { dtype: x.dtype })).prod(1)),
  ],
  property: shapeAxisArb().map(([s, axis, keepdims]) => ps([s], NONZERO, `prod([${s}], ${JSON.stringify(axis)}, ${keepdims})`,
    (x) => x.prod(axis, keepdims))),
};

function argEntry(name: 'argmax' | 'argmin'): OpEntry {
  const value = name === 'argmax' ? 'max' : 'min';
  // not differentiable itself: the cases weight the extremum by its (constant) index + 1
  return {
    name, family: 'other', arity: 1, domain: REAL, kinks: [], tf: name === 'argmax' ? 'argMax' : 'argMin', method: true, secondOrder: true,
    cases: [
      cs(`${value}(1) · (${name}(1) + 1)`, [[3, 4]], DISTINCT, (x) => x[value](1).mul(x[name](1).astype(x.dtype).add(1))),
      cs(`${value}() · (wg.${name}() + 1)`, [[2, 3]], DISTINCT, (x) => x[value]().mul(wg[name](x).astype(x.dtype).add(1))),
    ],
  };
}

const logsumexp: OpEntry = {
  name: 'logsumexp', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'logSumExp', method: true, secondOrder: true,
  cases: [
    c('logsumexp(1)', [[3, 4]], (x) => x.logsumexp(1)),
    c('logsumexp([0, 2], true)', [[2, 3, 2]], (x) => wg.logsumexp(x, [0, 2], true)),
  ],
  property: shapeAxisArb(1).filter(([, axis]) => axis !== undefined)
    .map(([s, axis, keepdims]) => ps([s], ANY, `logsumexp([${s}], ${JSON.stringify(axis)}, ${keepdims})`,
      (x) => x.logsumexp(axis!, keepdims))),
};

function varianceEntry(name: 'var' | 'std'): OpEntry {
  const f = (x: Tensor, axis?: number | number[] | null, opts?: { correction?: number; keepdims?: boolean }) =>
    (name === 'var' ? x.var(axis, opts) : x.std(axis, opts));
  return {
    name, family: 'other', arity: 1, domain: REAL, kinks: [], method: true, secondOrder: true,
    cases: [
      c(`${name}()`, [[3, 4]], (x) => f(x)),
      c(`${name}(1, { correction: 0 })`, [[3, 4]], (x) => f(x, 1, { correction: 0 })),
      c(`wg.${name}([0, 2], { keepdims: true })`, [[2, 3, 2]], (x) => (wg as any)[name](x, [0, 2], { keepdims: true })),
    ],
    // at least two distinct reduced elements (a single one has zero deviation: NaN for std's gradient)
    property: shapeAxisArb(2).map(([s, _axis, keepdims]) => ps([s], DISTINCT, `${name}([${s}], null, ${keepdims})`,
      (x) => f(x, null, { correction: 0, keepdims }))),
  };
}

const normEntry: OpEntry = {
  name: 'norm', family: 'other', arity: 1, domain: REAL, kinks: [0], tf: 'norm', method: true, secondOrder: true,
  cases: [
    cs('norm()', [[3, 4]], NONZERO, (x) => x.norm()),
    cs('norm(1, 1)', [[3, 4]], NONZERO, (x) => x.norm(1, 1)),
    cs('norm(Infinity, 0, true)', [[3, 4]], NONZERO, (x) => wg.norm(x, Infinity, 0, true)),
    cs('norm(3, [0, 2])', [[2, 3, 2]], NONZERO, (x) => x.norm(3, [0, 2])),
    cs('norm(-Infinity, 1)', [[3, 4]], NONZERO, (x) => x.norm(-Infinity, 1)),
    cs('norm(0.5, 1)', [[3, 4]], NONZERO, (x) => x.norm(0.5, 1)),
    cs('norm(-1.5, [0, 2])', [[2, 3, 2]], NONZERO, (x) => x.norm(-1.5, [0, 2])),
    cs("norm('fro', [0, 1])", [[3, 4]], NONZERO, (x) => x.norm('fro', [0, 1])),
    cs('norm(0, 1) (zero gradient)', [[3, 4]], NONZERO, (x) => x.norm(0, 1).add(x.sum(1))),
  ],
  property: fc.tuple(shapeAxisArb(1), fc.constantFrom(1, 2, 3, 1.5)).map(([[s, axis, keepdims], p]) =>
    ps([s], NONZERO, `norm([${s}], ${p}, ${JSON.stringify(axis)}, ${keepdims})`, (x) => x.norm(p, axis, keepdims))),
};

const cumsum: OpEntry = {
  name: 'cumsum', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'cumsum', method: true, secondOrder: true,
  cases: [
    c('cumsum(1)', [[3, 4]], (x) => x.cumsum(1)),
    c('cumsum(0).mul(x)', [[3, 4]], (x) => x.cumsum(0).mul(x)),
    c('wg.cumsum(x, -2) 3-D', [[2, 3, 2]], (x) => wg.cumsum(x, -2)),
  ],
  property: shapeArb().chain((s) => fc.tuple(fc.constant(s), s.length === 0 ? fc.constantFrom(0, -1) : fc.integer({ min: -s.length, max: s.length - 1 })))
    .map(([s, dim]) => p([s], `cumsum([${s}], ${dim})`, (x) => x.cumsum(dim).mul(x))),
};

SPECIAL_OPS.push(prod, argEntry('argmax'), argEntry('argmin'), logsumexp, varianceEntry('var'), varianceEntry('std'), normEntry, cumsum);
// ---- comparison and selection (src/ops/select.ts): the masks are constants, so each case
// differentiates through the values the mask selects (random data: no ties at the thresholds)
function cmpEntry(name: 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne'): OpEntry {
  return {
    name, family: 'other', arity: 2, domain: REAL, kinks: [], method: true, secondOrder: true,
    cases: [
      c(`${name}(a, b).mul(a).add(b)`, [[3, 4], [4]], (a, b) => a[name](b).mul(a).add(b)),
      c(`wg.${name}(a, 0.5).mul(a)`, [[5]], (a) => wg[name](a, 0.5).mul(a)),
      c(`wg.${name}(a, a).mul(a)`, [[2, 3]], (a) => wg[name](a, a).mul(a)),
    ],
  };
}
const where: OpEntry = {
  name: 'where', family: 'other', arity: 3, domain: REAL, kinks: [], tf: 'where', method: true, secondOrder: true,
  cases: [
    c('where(c > 0, a, b)', [[3, 4], [3, 4], [3, 4]], (cnd, a, b) => wg.where(cnd.detach().gt(0), a, b).add(cnd)),
    c('where broadcasting [4] [3,1] [3,4]', [[4], [3, 1], [3, 4]], (cnd, a, b) => wg.where(cnd.detach().lt(0), a, b).mul(a).add(cnd)),
    c('a.where(c, 2)', [[2, 3], [2, 3]], (cnd, a) => a.where(cnd.detach().ge(0), 2).mul(cnd)),
  ],
  property: pairArb.map(([a, b]) => p([a, b], `where([${a}], [${b}])`, (x, y) => wg.where(x.detach().gt(0), x, y).tanh())),
};
const maskedFill: OpEntry = {
  name: 'maskedFill', family: 'other', arity: 1, domain: REAL, kinks: [], method: true, secondOrder: true,
  cases: [
    c('maskedFill(x > 0, -1)', [[3, 4]], (x) => x.maskedFill(x.detach().gt(0), -1).mul(x)),
    c('maskedFill broadcast mask [4]', [[3, 4], [4]], (x, m) => wg.maskedFill(x, m.detach().lt(0), 3).mul(m)),
  ],
};
const clamp: OpEntry = {
  name: 'clamp', family: 'other', arity: 1, domain: REAL, kinks: [], tf: 'clipByValue', method: true, secondOrder: true,
  cases: [
    c('clamp(-0.5, 0.5)', [[3, 4]], (x) => x.clamp(-0.5, 0.5).mul(x)),
    c('clamp(null, 0.3)', [[5]], (x) => wg.clamp(x, null, 0.3)),
    c('clamp(tensor lo)', [[2, 3], [3]], (x, lo) => x.clamp(lo)),
  ],
  property: shapeArb().map((s) => p([s], `clamp([${s}], -1, 1)`, (x) => x.clamp(-1, 1).mul(x))),
};
SPECIAL_OPS.push(cmpEntry('gt'), cmpEntry('ge'), cmpEntry('lt'), cmpEntry('le'), cmpEntry('eq'), cmpEntry('ne'), where, maskedFill, clamp);

// ---- indexing (src/ops/indexing.ts): gather forward, scatter-add backward (repeats accumulate)
const indexSelect: OpEntry = {
  name: 'indexSelect', family: 'other', arity: 1, domain: REAL, kinks: [], method: true, secondOrder: true,
  cases: [
    c('indexSelect(0, [2, 0, 2])', [[3, 4]], (x) => x.indexSelect(0, [2, 0, 2]).mul(x.indexSelect(0, [1, 1, 0]))),
    c('indexSelect(-1, Int32Array)', [[2, 3, 4]], (x) => wg.indexSelect(x, -1, Int32Array.from([3, 0, 0, 1, 3]))),
    c('indexSelect(1, []) 3-D', [[2, 3, 2]], (x) => x.indexSelect(1, []).sum().add(x.mul(x).sum())),
  ],
  property: shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.nat(9), fc.nat()))
    .filter(([s, d]) => s[d] > 0)
    .map(([s, d, k, seed]) => {
      const idx = Array.from({ length: k }, (_, i) => (seed + 5 * i) % s[d]);
      return p([s], `indexSelect([${s}], ${d}, [${idx}])`, (x) => x.indexSelect(d, idx).tanh());
    }),
};
const gather: OpEntry = {
  name: 'gather', family: 'other', arity: 1, domain: REAL, kinks: [], tf: undefined, method: true, secondOrder: true,
  cases: [
    c('gather(1, [[0,0,2],[1,0,1]])', [[2, 3]], (x) => x.gather(1, [[0, 0, 2], [1, 0, 1]]).mul(x)),
    c('gather(0, smaller index)', [[3, 4]], (x) => wg.gather(x, 0, [[2, 0, 1], [2, 2, 0]]).pow(2)),
    c('gather(-1) 3-D', [[2, 2, 3]], (x) => x.gather(-1, [[[2, 1], [0, 0]], [[1, 1], [2, 0]]])),
  ],
};
SPECIAL_OPS.push(indexSelect, gather);
import { CONV_OPS } from './conv.js'; SPECIAL_OPS.push(...CONV_OPS); // convolution (src/ops/conv.ts)
SPECIAL_OPS.push(...POOL_OPS);
import { ATTENTION_OPS } from './attention.js'; SPECIAL_OPS.push(...ATTENTION_OPS);
SPECIAL_OPS.push(...NORM_OPS);
import { FUNCTIONAL_OPS } from './functional.js'; SPECIAL_OPS.push(...FUNCTIONAL_OPS);
