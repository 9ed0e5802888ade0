// Gradient-check cases derived from the catalog: fixed cases (test/gradcheck.test.ts,
// test/catalog.test.ts) and random-shape arbitraries (test/property/gradcheck.test.ts), plus a
// few composite programs that exercise several gates together.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { type Sampling, intervalSampling, sample } from './domains.js';
import { OP_CATALOG } from './ops.js';
import { axisArb, pairArb, shapeArb } from './shapes.js';
import { type OpCase, type OpEntry, type PropCase, type Tensor, domains } from './types.js';
import { nest } from '../support/random.js';
import type { DType } from '../support/matrix.js';

/** How input `i` of an entry is drawn in gradient checks. */
export function samplingOf(e: OpEntry, i: number): Sampling {
  if (e.family === 'binary' && e.ties) return { kind: 'grid', offset: i === 1 };
  if (e.family === 'reduce' && e.ties) return { kind: 'distinct' };
  return intervalSampling(domains(e)[i], e.kinks);
}

const method = (name: string) => (x: Tensor, ...rest: unknown[]): Tensor => (x as any)[name](...rest);
const free = (name: string) => (...args: unknown[]): Tensor => (wg as any)[name](...args);

const BINARY_SHAPES: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[3, 1], [1, 4]], [[2, 1, 4], [3, 1]], [[], [2, 3]]];
const REDUCE_FORMS: { label: string; args: unknown[] }[] = [
  { label: '()', args: [] }, { label: '(1)', args: [1] }, { label: '(-1, true)', args: [-1, true] },
  { label: '([0, 2])', args: [[0, 2]] }, { label: '([-1, 0], true)', args: [[-1, 0], true] }, { label: '(0)', args: [0] },
  { label: '([1, 2], true)', args: [[1, 2], true] }, { label: '(-2)', args: [-2] },
];

/** An entry's fixed gradient-check cases. */
export function fixedCases(e: OpEntry): OpCase[] {
  const s = (i: number) => samplingOf(e, i);
  const call = e.method ? method(e.name) : free(e.name);
  switch (e.family) {
    case 'unary':
      return [
        { name: `${e.name} [2,3]`, inputs: [{ shape: [2, 3], sampling: s(0) }], f: (x) => call(x) },
        { name: `wg.${e.name} [] (0-d)`, inputs: [{ shape: [], sampling: s(0) }], f: (x) => free(e.name)(x) },
      ];
    case 'binary': {
      const [first, second] = e.numbers ?? [2, 3];
      return [
        ...BINARY_SHAPES.map(([sa, sb]): OpCase => ({
          name: `${e.name} [${sa}] with [${sb}]`, inputs: [{ shape: sa, sampling: s(0) }, { shape: sb, sampling: s(1) }],
          f: (a, b) => call(a, b),
        })),
        // the tensor in the second position (free function), and plain numbers in either position
        { name: `wg.${e.name} [2,1] with [2,3]`, inputs: [{ shape: [2, 1], sampling: s(0) }, { shape: [2, 3], sampling: s(1) }],
          f: (a, b) => free(e.name)(a, b) },
        { name: `wg.${e.name}(${first}, x)`, inputs: [{ shape: [2, 3], sampling: s(e.ties ? 0 : 1) }], f: (x) => free(e.name)(first, x) },
        { name: `x.${e.name}(${second})`, inputs: [{ shape: [2, 3], sampling: s(0) }], f: (x) => call(x, second) },
      ];
    }
    case 'reduce':
      return REDUCE_FORMS.map(({ label, args }) => ({
        name: `${e.name}${label}`, inputs: [{ shape: [2, 3, 4], sampling: s(0) }], f: (x) => call(x, ...args),
      }));
    case 'other':
      return e.cases ?? [];
  }
}

/** An entry's random-shape gradient-check arbitraries, by name. */
export function propertyCases(e: OpEntry): [string, fc.Arbitrary<PropCase>][] {
  const s = (i: number) => samplingOf(e, i);
  const call = (fn: boolean) => (fn || !e.method ? free(e.name) : method(e.name));
  switch (e.family) {
    case 'binary': {
      const nums = e.numbers ?? [2, 3];
      return [
        [`${e.name} (broadcast)`, fc.tuple(pairArb, fc.boolean()).map(([[a, b], fn]) => ({
          shapes: [a, b], samplings: [s(0), s(1)], label: `${fn ? 'wg.' : ''}${e.name} [${a}] with [${b}]`,
          f: (x: Tensor, y: Tensor) => call(fn)(x, y),
        }))],
        // number first: the tensor is the right operand (the exponent of pow, the denominator of div)
        [`${e.name} (number)`, fc.tuple(shapeArb(), fc.boolean(), fc.constantFrom(...nums)).map(([sh, numFirst, c]) => ({
          shapes: [sh], samplings: [numFirst && !e.ties ? s(1) : s(0)],
          label: numFirst ? `wg.${e.name}(${c}, [${sh}])` : `[${sh}].${e.name}(${c})`,
          f: numFirst ? (x: Tensor) => free(e.name)(c, x) : (x: Tensor) => call(false)(x, c),
        }))],
      ];
    }
    case 'unary':
      return [[e.name, fc.tuple(shapeArb(), fc.boolean()).map(([sh, fn]) => ({
        shapes: [sh], samplings: [s(0)], label: `${e.name} [${sh}]`, f: (x: Tensor) => call(fn)(x),
      }))]];
    case 'reduce':
      return [[e.name, shapeArb().chain((sh) => fc.tuple(fc.constant(sh), axisArb(sh.length), fc.boolean()))
        .map(([sh, axis, keepdims]) => ({
          shapes: [sh], samplings: [s(0)], label: `${e.name}([${sh}], ${JSON.stringify(axis)}, ${keepdims})`,
          f: (x: Tensor) => (axis === undefined && !keepdims ? call(false)(x) : call(false)(x, axis, keepdims)),
        }))]];
    case 'other':
      return e.property ? [[e.name, e.property]] : [];
  }
}

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
const POS: Sampling = { kind: 'interval', min: 0.5, max: 2, avoid: [] };
const AWAY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [0] };
const DISTINCT: Sampling = { kind: 'distinct' };
const LABELS = [2, 0, 1, 2];
const comp = (name: string, inputs: [number[], Sampling?][], f: (...xs: Tensor[]) => Tensor): OpCase =>
  ({ name, inputs: inputs.map(([shape, sampling]) => ({ shape, sampling: sampling ?? ANY })), f });

/** Several gates in one function: staged computation, fan-out, layers. */
export const COMPOSITES: OpCase[] = [
  comp('staged (x + σ(y)) / (σ(x) + (x + y)²)', [[[3]], [[3]]],
    (x, y) => x.add(y.sigmoid()).div(x.sigmoid().add(x.add(y).pow(2)))),
  comp('fan-out x*x + x*3 - exp(x)', [[[2, 3]]], (x) => x.mul(x).add(x.mul(3)).sub(x.exp())),
  comp('tanh MLP layer tanh(x@W + b)@V', [[[4, 3]], [[3, 5]], [[5]], [[5, 2]]],
    (x, W, b, V) => x.matmul(W).add(b).tanh().matmul(V)),
  comp('classifier crossEntropy(relu(x@W)@V)', [[[4, 3]], [[3, 5]], [[5, 3]]],
    (x, W, V) => x.matmul(W).add(0.05).relu().matmul(V).crossEntropy(LABELS)),
  comp('x.mul(0.5).add(2)', [[[2, 3]]], (x) => x.mul(0.5).add(2)),
  comp('norm sqrt(sum(x²))', [[[2, 3]]], (x) => x.mul(x).sum().sqrt()),
  comp('logsumexp log(sum(exp(x), 1))', [[[3, 4]]], (x) => x.exp().sum(1).log()),
  comp('sigmoid(x).mean(0) * softmax(y).max(1, true)', [[[3, 4]], [[3, 4], DISTINCT]],
    (x, y) => x.sigmoid().mean(0).mul(y.softmax().max(1, true))),
  comp('batched attention-like softmax(q@kᵀ)@v', [[[2, 3, 4]], [[2, 5, 4]], [[2, 5, 2]]],
    (q, k, v) => q.matmul(k.transpose([0, 2, 1])).mul(0.5).softmax().matmul(v)),
  comp('neg/abs/div chain', [[[2, 3], AWAY], [[3], POS]], (x, y) => x.neg().abs().div(y).sub(x.div(y.add(1))).mean(1)),
];

/** Every fixed case: each catalog entry's, then the composites. */
export const OP_CASES: OpCase[] = [...OP_CATALOG.flatMap(fixedCases), ...COMPOSITES];

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const count = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** The flat float64 data of each input of a case (deterministic per case name and `salt`). */
export function caseData(c: OpCase, salt = 0): number[][] {
  const base = hashName(c.name) + salt * 7919;
  return c.inputs.map((inp, i) => sample(inp.sampling, count(inp.shape), base + 101 * i));
}

/** Tensors for a case's inputs on the current backend. */
export function caseInputs(c: OpCase, dtype: DType, requiresGrad: boolean, data = caseData(c)): Tensor[] {
  return c.inputs.map((inp, i) => wg.tensor(nest(data[i], inp.shape), { dtype, requiresGrad }));
}
