// THE op catalog: one entry per differentiable op of the public API. Every generic test derives
// its cases from here — gradcheck (test/gradcheck.test.ts, test/property/gradcheck.test.ts),
// backend and dtype agreement (test/catalog.test.ts, test/property/backends.test.ts,
// test/property/dtypes.test.ts) and the random programs (test/property/programs.ts, against
// TensorFlow.js where `tf` is given). Adding an op here is the only test edit it needs;
// test/catalog.test.ts fails for an exported op that has no entry.
//
// Elementwise (unary, binary) and reduce entries are derived completely from their fields; see
// types.ts for each field and special.ts for the other ops.

import { type Domain, REAL } from './domains.js';
import { SPECIAL_OPS } from './special.js';
import type { OpEntry } from './types.js';

export type { OpCase, OpEntry, PropCase, Tensor } from './types.js';

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** offset + kπ for every integer k with the point in [lo, hi] (the turning points of sin and cos). */
function periodicPoints(offset: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return out;
  for (let k = Math.ceil((lo - offset) / Math.PI); offset + k * Math.PI <= hi; k++) out.push(offset + k * Math.PI);
  return out;
}
const SILU_MIN = -1.2784645427610738;
/** gelu's minimum: Φ(x) + x φ(x) = 0. */
const GELU_MIN = -0.7517915246935645;
/** erf in float64 to ~1e-15 (src/backend/js/erf.ts), for gelu's reference. */
import { erf } from '../../src/backend/js/erf.js';
const INTEGERS = [-2, -1, 0, 1, 2];
const HALVES = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5];
/** torch.round: ties to even. */
const roundHalfEven = (x: number) => { const r = Math.round(x); return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r; };

/** Log, sqrt: positive inputs, kept at least 0.25 from 0 (well conditioned). */
const POSITIVE: Domain = { min: 0.25, max: Infinity };

function unary(name: string, ref: (x: number) => number, extra: Partial<OpEntry> = {}): OpEntry {
  return { name, family: 'unary', arity: 1, domain: REAL, kinks: [], tf: name, method: true, secondOrder: true, ref, ...extra };
}

function binary(name: string, ref: (x: number, y: number) => number, numbers: number[], extra: Partial<OpEntry> = {}): OpEntry {
  return { name, family: 'binary', arity: 2, domain: REAL, kinks: [], tf: name, method: true, secondOrder: true, ref, numbers, ...extra };
}

function reduce(name: string, extra: Partial<OpEntry> = {}): OpEntry {
  return { name, family: 'reduce', arity: 1, domain: REAL, kinks: [], tf: name, method: true, secondOrder: true, ...extra };
}

export const BINARY_ENTRIES: OpEntry[] = [
  binary('add', (x, y) => x + y, [1.5, -2]),
  binary('sub', (x, y) => x - y, [0.5, -1]),
  binary('mul', (x, y) => x * y, [3, -0.5]),
  // a denominator is kept away from 0 (the random programs make it positive)
  binary('div', (x, y) => x / y, [2, -4], { domain: [REAL, { ...REAL, poles: [0] }] }),
  // bases positive (fractional exponents), exponents bounded
  binary('pow', (x, y) => x ** y, [2, 3], { domain: [{ min: 0.5, max: Infinity }, { min: -2, max: 2 }] }),
  // the gradient goes to the larger (smaller) operand: ties are kinks
  binary('maximum', Math.max, [0.375, -0.625], { ties: true }),
  binary('minimum', Math.min, [0.375, -0.625], { ties: true }),
];

export const UNARY_ENTRIES: OpEntry[] = [
  unary('neg', (x) => -x),
  // exp is kept to |x| <= 3 so float32 and float64 stay comparable
  unary('exp', Math.exp, { domain: { min: -3, max: 3 } }),
  unary('log', Math.log, { domain: POSITIVE }),
  unary('sqrt', Math.sqrt, { domain: POSITIVE }),
  unary('abs', Math.abs, { kinks: [0] }),
  unary('tanh', Math.tanh),
  unary('sigmoid', sigmoid),
  unary('relu', (x) => Math.max(0, x), { kinks: [0] }),
  unary('sin', Math.sin, { turns: (lo, hi) => periodicPoints(Math.PI / 2, lo, hi) }),
  unary('cos', Math.cos, { turns: (lo, hi) => periodicPoints(0, lo, hi) }),
  // tan is kept inside (-π/2, π/2), away from its poles at ±π/2 (tan(1.2) ≈ 2.57)
  unary('tan', Math.tan, { domain: { min: -1.2, max: 1.2 } }),
  // silu has one minimum, at x ≈ -1.2785 (x·σ(x) turns where 1 + x(1 − σ(x)) = 0); no tf.silu
  unary('silu', (x) => x * sigmoid(x), { tf: undefined, turns: () => [SILU_MIN] }),
  // piecewise constant: zero gradient, kinks where they jump
  unary('sign', Math.sign, { kinks: [0] }),
  unary('floor', Math.floor, { kinks: INTEGERS }),
  unary('ceil', Math.ceil, { kinks: INTEGERS }),
  unary('round', roundHalfEven, { kinks: HALVES }),
  unary('square', (x) => x * x, { turns: () => [0] }),
  unary('rsqrt', (x) => 1 / Math.sqrt(x), { domain: POSITIVE }),
  unary('reciprocal', (x) => 1 / x, { domain: { ...REAL, poles: [0] } }),
  unary('log1p', Math.log1p, { domain: { min: -0.75, max: Infinity } }),
  unary('expm1', Math.expm1, { domain: { min: -3, max: 3 } }),
  // tf.logSigmoid's gradient fails inside tf.valueAndGrads when its input is computed (tf.js reads a
  // disposed tensor): not compared
  unary('logSigmoid', (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))), { tf: undefined }),
  // tf.leakyRelu's default slope is 0.2 (ours 0.01, as PyTorch): not compared
  unary('leakyRelu', (x) => (x > 0 ? x : 0.01 * x), { kinks: [0], tf: undefined }),
  unary('elu', (x) => (x > 0 ? x : Math.expm1(x)), { kinks: [0] }),
  // tf.softplus has no linear region above the threshold (values differ by < 3e-9)
  unary('softplus', (x) => (x > 20 ? x : Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))))),
  unary('hardtanh', (x) => Math.min(Math.max(x, -1), 1), { kinks: [-1, 1], tf: undefined }),
  // hardswish has one minimum, at x = -1.5 (value -0.375); no tf.hardswish
  unary('hardswish', (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6, { kinks: [-3, 3], tf: undefined, turns: () => [-1.5] }),
  unary('gelu', (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), { tf: undefined, turns: () => [GELU_MIN] }),
];

export const REDUCE_ENTRIES: OpEntry[] = [
  reduce('sum', { grows: true }),
  reduce('mean'),
  // the gradient goes to the first maximal element: ties are kinks; no identity for empty input
  reduce('max', { ties: true, emptyThrows: true }),
  // as max: the gradient goes to the first minimal element
  reduce('min', { ties: true, emptyThrows: true }),
];

export const OP_CATALOG: OpEntry[] = [...BINARY_ENTRIES, ...UNARY_ENTRIES, ...REDUCE_ENTRIES, ...SPECIAL_OPS];

export function entry(name: string): OpEntry {
  const e = OP_CATALOG.find((x) => x.name === name);
  if (!e) throw new Error(`no catalog entry named ${name}`);
  return e;
}
