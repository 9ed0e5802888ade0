// Shared test helpers: the backend × dtype matrix, seeded random data, closeness checks and a
// small plain-JS float64 reference implementation of the ops (NumPy semantics) that the op
// tests compare against. Nothing here uses the library's kernels.

import { beforeAll, beforeEach, describe, expect } from 'vitest';
import * as wg from '../src/index.js';

export const BACKENDS = ['wasm', 'js'] as const;
export const DTYPES = ['float32', 'float64'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type DType = (typeof DTYPES)[number];
export type Tensor = ReturnType<typeof wg.tensor>;

export interface Tol {
  rtol?: number;
  atol?: number;
}

/** Tolerances for comparing a forward result with a float64 reference on inputs of that dtype. */
export const FWD_TOL: Record<DType, Required<Tol>> = {
  float32: { rtol: 2e-5, atol: 5e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
};

export interface Config {
  backend: BackendName;
  dtype: DType;
  tol: Required<Tol>;
}

/** Loads the library once per file. */
export function useInit(): void {
  beforeAll(async () => {
    await wg.init();
  });
}

/**
 * Runs `body` once per backend × dtype inside a describe block named `${name} [backend/dtype]`.
 * The library is initialised in beforeAll and the backend selected in beforeEach, so tensors
 * made inside `it` callbacks belong to that backend.
 */
export function forEachConfig(name: string, body: (cfg: Config) => void,
  backends: readonly BackendName[] = BACKENDS, dtypes: readonly DType[] = DTYPES): void {
  const rows = backends.flatMap((backend) => dtypes.map((dtype) => ({ backend, dtype })));
  describe.each(rows)(`${name} [$backend/$dtype]`, ({ backend, dtype }) => {
    beforeAll(async () => {
      await wg.init();
    });
    beforeEach(() => {
      wg.setBackend(backend);
    });
    body({ backend, dtype, tol: FWD_TOL[dtype] });
  });
}

/** Runs `body` once per backend (float64 tests, gradient checks). */
export function forEachBackend(name: string, body: (backend: BackendName) => void): void {
  describe.each(BACKENDS.map((backend) => ({ backend })))(`${name} [$backend]`, ({ backend }) => {
    beforeAll(async () => {
      await wg.init();
    });
    beforeEach(() => {
      wg.setBackend(backend);
    });
    body(backend);
  });
}

// ---- seeded random numbers ---------------------------------------------------------------------

/** mulberry32: a small, fast, seeded uniform generator on [0, 1). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** `n` uniform numbers in [lo, hi) from `seed`. */
export function randomFlat(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = makeRng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** `n` standard normal numbers from `seed` (Box–Muller). */
export function randomNormal(n: number, seed: number): number[] {
  const r = makeRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out.push(m * Math.cos(2 * Math.PI * v));
    if (out.length < n) out.push(m * Math.sin(2 * Math.PI * v));
  }
  return out;
}

/** Uniform values whose magnitude is in [minAbs, maxAbs), random sign: away from kinks at 0. */
export function randomAwayFromZero(n: number, seed: number, minAbs = 0.2, maxAbs = 2): number[] {
  const r = makeRng(seed);
  return Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (minAbs + (maxAbs - minAbs) * r()));
}

/** Pairwise distinct values (gaps ≥ `gap`) in random order: no near-ties for max. */
export function randomDistinct(n: number, seed: number, gap = 0.15): number[] {
  const r = makeRng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.map((i) => (i - (n - 1) / 2) * gap);
}

/** Nests flat data into arrays of `shape` (a number for shape []). */
export function nest(flat: ArrayLike<number>, shape: readonly number[]): any {
  if (shape.length === 0) return flat[0];
  const build = (offset: number, dim: number): any => {
    const n = shape[dim];
    const stride = sizeOf(shape.slice(dim + 1));
    const out: any[] = [];
    for (let i = 0; i < n; i++) {
      out.push(dim === shape.length - 1 ? flat[offset + i] : build(offset + i * stride, dim + 1));
    }
    return out;
  };
  return build(0, 0);
}

/** Random nested data of `shape` in [lo, hi). */
export function randomArray(shape: readonly number[], seed: number, lo = -1, hi = 1): any {
  return nest(randomFlat(sizeOf(shape), seed, lo, hi), shape);
}

/** Rounds every element to float32 when dtype is float32 (so references see the same inputs). */
export function roundTo(dtype: DType, flat: readonly number[]): number[] {
  return dtype === 'float32' ? flat.map(Math.fround) : flat.slice();
}

// ---- closeness ---------------------------------------------------------------------------------

type Nested = number | ArrayLike<number> | Nested[];

function isTensorLike(x: unknown): x is { toArray(): unknown } {
  return typeof x === 'object' && x !== null && typeof (x as any).toArray === 'function';
}

/** Flattens nested arrays / typed arrays / numbers / tensors and returns [shape, flat values]. */
export function flatten(x: unknown): { shape: number[]; data: number[] } {
  if (isTensorLike(x)) x = x.toArray();
  if (typeof x === 'number') return { shape: [], data: [x] };
  if (ArrayBuffer.isView(x)) {
    const a = Array.from(x as unknown as ArrayLike<number>);
    return { shape: [a.length], data: a };
  }
  if (Array.isArray(x)) {
    if (x.length === 0) return { shape: [0], data: [] };
    const parts = x.map(flatten);
    const inner = parts[0].shape;
    for (const p of parts) {
      if (p.shape.join(',') !== inner.join(',')) throw new Error(`flatten: ragged value ${JSON.stringify(x)}`);
    }
    return { shape: [x.length, ...inner], data: parts.flatMap((p) => p.data) };
  }
  throw new Error(`flatten: not numeric data: ${String(x)}`);
}

/**
 * Asserts that `actual` and `expected` (numbers, nested arrays, typed arrays or tensors) have the
 * same shape and |a - e| <= atol + rtol * |e| elementwise (NaN equals NaN, ±Infinity must match).
 * Typed arrays compare as flat data against flattened nested expectations.
 */
export function expectClose(actual: unknown, expected: unknown, tol: Tol = {}): void {
  const rtol = tol.rtol ?? 1e-6;
  const atol = tol.atol ?? 1e-8;
  const a = flatten(actual);
  const e = flatten(expected);
  const flatCompare = ArrayBuffer.isView(actual) || ArrayBuffer.isView(expected);
  if (!flatCompare) {
    expect(a.shape, 'shape').toEqual(e.shape);
  }
  expect(a.data.length, 'number of elements').toBe(e.data.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i];
    const y = e.data[i];
    if (Number.isNaN(y)) {
      if (!Number.isNaN(x)) { worst = i; break; }
      continue;
    }
    if (!Number.isFinite(y)) {
      if (x !== y) { worst = i; break; }
      continue;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    const x = a.data[worst];
    const y = e.data[worst];
    expect.fail(
      `values differ at flat index ${worst}: actual ${x}, expected ${y} ` +
      `(|diff| ${Math.abs(x - y)}, rtol ${rtol}, atol ${atol}); ` +
      `actual ${JSON.stringify(a.data.slice(0, 12))}…, expected ${JSON.stringify(e.data.slice(0, 12))}…`,
    );
  }
}

/** A tensor's value as a number, or a number as itself. */
export function num(x: unknown): number {
  if (typeof x === 'number') return x;
  return (x as { item(): number }).item();
}

/** The error thrown by fn (the test fails if nothing is thrown). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  expect.fail('expected the call to throw');
}

// ---- plain-JS float64 reference (row-major, NumPy semantics) -----------------------------------

export interface Ref {
  shape: number[];
  data: number[];
}

export function ref(data: readonly number[], shape: readonly number[]): Ref {
  if (data.length !== sizeOf(shape)) throw new Error('ref: size mismatch');
  return { shape: shape.slice(), data: data.slice() };
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('ref: shapes do not broadcast');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Reads `x` broadcast to `shape` as flat data. */
export function broadcastTo(x: Ref, shape: readonly number[]): number[] {
  const n = shape.length;
  const xs = stridesOf(x.shape);
  const strides = shape.map((d, i) => {
    const j = x.shape.length - n + i;
    return j < 0 || x.shape[j] === 1 ? 0 : xs[j];
  });
  const out: number[] = [];
  const idx = new Array(n).fill(0);
  for (let k = 0; k < sizeOf(shape); k++) {
    let off = 0;
    for (let i = 0; i < n; i++) off += idx[i] * strides[i];
    out.push(x.data[off]);
    for (let i = n - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

export function refBinary(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const x = broadcastTo(a, shape);
  const y = broadcastTo(b, shape);
  return { shape, data: x.map((v, i) => f(v, y[i])) };
}

export function refUnary(a: Ref, f: (x: number) => number): Ref {
  return { shape: a.shape.slice(), data: a.data.map(f) };
}

export function normAxes(axis: number | number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + ndim : a)))].sort((p, q) => p - q);
}

/** Reduction over `axis` with `f` folding a list of values into one. */
export function refReduce(a: Ref, axis: number | number[] | undefined, keepdims: boolean,
  f: (vals: number[]) => number): Ref {
  const axes = normAxes(axis, a.shape.length);
  const keptShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  const ks = stridesOf(keptShape);
  const idx = new Array(a.shape.length).fill(0);
  for (let k = 0; k < a.data.length; k++) {
    let off = 0;
    for (let i = 0; i < idx.length; i++) if (!axes.includes(i)) off += idx[i] * ks[i];
    groups[off].push(a.data[k]);
    for (let i = idx.length - 1; i >= 0; i--) {
      if (++idx[i] < a.shape[i]) break;
      idx[i] = 0;
    }
  }
  const shape = keepdims ? keptShape : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: groups.map(f) };
}

export const fsum = (v: number[]) => v.reduce((p, q) => p + q, 0);
export const fmean = (v: number[]) => fsum(v) / v.length;
export const fmax = (v: number[]) => v.reduce((p, q) => (q > p ? q : p), -Infinity);

export function refTranspose(a: Ref, axes?: number[]): Ref {
  const n = a.shape.length;
  const perm = axes ?? Array.from({ length: n }, (_, i) => n - 1 - i);
  const shape = perm.map((p) => a.shape[p]);
  const as = stridesOf(a.shape);
  const strides = perm.map((p) => as[p]);
  const out: number[] = [];
  const idx = new Array(n).fill(0);
  for (let k = 0; k < a.data.length; k++) {
    let off = 0;
    for (let i = 0; i < n; i++) off += idx[i] * strides[i];
    out.push(a.data[off]);
    for (let i = n - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape, data: out };
}

/** NumPy matmul: 1-D operands are promoted and the added dimension removed afterwards. */
export function refMatmul(a: Ref, b: Ref): Ref {
  const aVec = a.shape.length === 1;
  const bVec = b.shape.length === 1;
  const A = aVec ? { shape: [1, a.shape[0]], data: a.data } : a;
  const B = bVec ? { shape: [b.shape[0], 1], data: b.data } : b;
  const M = A.shape[A.shape.length - 2];
  const K = A.shape[A.shape.length - 1];
  const K2 = B.shape[B.shape.length - 2];
  const N = B.shape[B.shape.length - 1];
  if (K !== K2) throw new Error('ref: inner dims');
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const Ab = broadcastTo(A, [...batch, M, K]);
  const Bb = broadcastTo(B, [...batch, K, N]);
  const nb = sizeOf(batch);
  const out: number[] = [];
  for (let p = 0; p < nb; p++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += Ab[p * M * K + i * K + k] * Bb[p * K * N + k * N + j];
        out.push(s);
      }
    }
  }
  let shape = [...batch, M, N];
  if (aVec) shape = [...shape.slice(0, -2), N];
  if (bVec) shape = aVec ? batch.slice() : [...batch, M];
  return { shape, data: out };
}

/** Softmax (or log-softmax) along one axis. */
export function refSoftmax(a: Ref, axis: number, log: boolean): Ref {
  const n = a.shape.length;
  const ax = axis < 0 ? axis + n : axis;
  const outer = sizeOf(a.shape.slice(0, ax));
  const len = a.shape[ax];
  const inner = sizeOf(a.shape.slice(ax + 1));
  const out = a.data.slice();
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => o * len * inner + k * inner + i;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, a.data[at(k)]);
      let s = 0;
      for (let k = 0; k < len; k++) s += Math.exp(a.data[at(k)] - m);
      for (let k = 0; k < len; k++) {
        const z = a.data[at(k)] - m;
        out[at(k)] = log ? z - Math.log(s) : Math.exp(z) / s;
      }
    }
  }
  return { shape: a.shape.slice(), data: out };
}

export function refSigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Plain matrix helpers on row-major flat data. */
export function matT(a: number[], rows: number, cols: number): number[] {
  const out = new Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

export function matMul(a: number[], b: number[], M: number, K: number, N: number): number[] {
  const out = new Array(M * N).fill(0);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
      out[i * N + j] = s;
    }
  }
  return out;
}

/** Normalises a message for matching: whitespace removed (so "[2, 3]" matches "[2,3]"). */
export function squash(msg: string): string {
  return msg.replace(/\s+/g, '');
}

// ---- a table of op cases shared by gradcheck, float32-vs-float64 and wasm-vs-js tests ----------

/**
 * Where an input's values come from:
 * any: uniform [-2, 2); pos: [0.5, 2) (log, sqrt, pow bases); away: |x| in [0.2, 2) (kinks at 0);
 * distinct: pairwise gaps of 0.15 (max reduction, no near-ties);
 * grid / gridOff: multiples of 0.1 plus 0.05 / multiples of 0.1 (maximum/minimum, never tied).
 */
export type Domain = 'any' | 'pos' | 'away' | 'distinct' | 'grid' | 'gridOff';

export interface OpCase {
  name: string;
  inputs: { shape: number[]; domain?: Domain }[];
  f: (...xs: Tensor[]) => Tensor;
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function domainData(domain: Domain, n: number, seed: number): number[] {
  const r = makeRng(seed);
  switch (domain) {
    case 'any': return randomFlat(n, seed, -2, 2);
    case 'pos': return randomFlat(n, seed, 0.5, 2);
    case 'away': return randomAwayFromZero(n, seed, 0.2, 2);
    case 'distinct': return randomDistinct(n, seed);
    case 'grid': return Array.from({ length: n }, () => Math.floor(r() * 30 - 15) * 0.1 + 0.05);
    case 'gridOff': return Array.from({ length: n }, () => Math.floor(r() * 30 - 15) * 0.1);
  }
}

/** The flat float64 data of each input of a case (deterministic per case name and `salt`). */
export function caseData(c: OpCase, salt = 0): number[][] {
  const base = hashName(c.name) + salt * 7919;
  return c.inputs.map((inp, i) => domainData(inp.domain ?? 'any', sizeOf(inp.shape), base + 101 * i));
}

/** Tensors for a case's inputs on the current backend. */
export function caseInputs(c: OpCase, dtype: DType, requiresGrad: boolean, data = caseData(c)): Tensor[] {
  return c.inputs.map((inp, i) => wg.tensor(nest(data[i], inp.shape), { dtype, requiresGrad }));
}

const LABELS = [2, 0, 1, 2];

const binaryOps = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
const binaryShapes: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3, 1], [1, 4]],
  [[2, 1, 4], [3, 1]],
  [[], [2, 3]],
];
function binaryDomains(op: string): [Domain, Domain] {
  if (op === 'div') return ['any', 'away'];
  if (op === 'pow') return ['pos', 'any'];
  if (op === 'maximum' || op === 'minimum') return ['grid', 'gridOff'];
  return ['any', 'any'];
}

const unaryDomains: Record<string, Domain> = {
  neg: 'any', exp: 'any', log: 'pos', sqrt: 'pos', abs: 'away', tanh: 'any', sigmoid: 'any', relu: 'away',
};

export const OP_CASES: OpCase[] = [
  ...binaryOps.flatMap((op) => binaryShapes.map(([sa, sb]): OpCase => {
    const [da, db] = binaryDomains(op);
    return {
      name: `${op} [${sa}] with [${sb}]`,
      inputs: [{ shape: sa, domain: da }, { shape: sb, domain: db }],
      f: (a, b) => (a as any)[op](b),
    };
  })),
  // the same ops with the tensor in the second position (free functions)
  ...binaryOps.map((op): OpCase => {
    const [da, db] = binaryDomains(op);
    return {
      name: `wg.${op} [2,1] with [2,3]`,
      inputs: [{ shape: [2, 1], domain: da }, { shape: [2, 3], domain: db }],
      f: (a, b) => (wg as any)[op](a, b),
    };
  }),
  // plain numbers in either position
  { name: 'wg.div(2, x)', inputs: [{ shape: [2, 3], domain: 'away' }], f: (x) => wg.div(2, x) },
  { name: 'wg.sub(1, x)', inputs: [{ shape: [2, 3] }], f: (x) => wg.sub(1, x) },
  { name: 'wg.pow(x, 3)', inputs: [{ shape: [2, 3] }], f: (x) => wg.pow(x, 3) },
  { name: 'wg.pow(2, x)', inputs: [{ shape: [2, 3] }], f: (x) => wg.pow(2, x) },
  { name: 'x.mul(0.5).add(2)', inputs: [{ shape: [2, 3] }], f: (x) => x.mul(0.5).add(2) },
  { name: 'wg.maximum(x, 0)', inputs: [{ shape: [2, 3], domain: 'away' }], f: (x) => wg.maximum(x, 0) },
  { name: 'wg.minimum(0, x)', inputs: [{ shape: [2, 3], domain: 'away' }], f: (x) => wg.minimum(0, x) },
  // unary
  ...Object.entries(unaryDomains).map(([op, domain]): OpCase => ({
    name: `${op} [2,3]`, inputs: [{ shape: [2, 3], domain }], f: (x) => (x as any)[op](),
  })),
  ...Object.entries(unaryDomains).map(([op, domain]): OpCase => ({
    name: `wg.${op} [] (0-d)`, inputs: [{ shape: [], domain }], f: (x) => (wg as any)[op](x),
  })),
  // reductions
  { name: 'sum()', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.sum() },
  { name: 'sum(1)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.sum(1) },
  { name: 'sum(-1, true)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.sum(-1, true) },
  { name: 'sum([0, 2])', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.sum([0, 2]) },
  { name: 'sum([-1, 0], true)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.sum([-1, 0], true) },
  { name: 'mean()', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.mean() },
  { name: 'mean(0)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.mean(0) },
  { name: 'mean([1, 2], true)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.mean([1, 2], true) },
  { name: 'mean(-2)', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.mean(-2) },
  { name: 'max()', inputs: [{ shape: [2, 3, 4], domain: 'distinct' }], f: (x) => x.max() },
  { name: 'max(0)', inputs: [{ shape: [2, 3, 4], domain: 'distinct' }], f: (x) => x.max(0) },
  { name: 'max(-1, true)', inputs: [{ shape: [2, 3, 4], domain: 'distinct' }], f: (x) => x.max(-1, true) },
  { name: 'max([0, 2])', inputs: [{ shape: [2, 3, 4], domain: 'distinct' }], f: (x) => x.max([0, 2]) },
  // shape ops
  { name: 'reshape([-1, 4])', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.reshape([-1, 4]) },
  { name: 'reshape([4, -1]).mul(w)', inputs: [{ shape: [2, 3, 4] }, { shape: [4, 6] }],
    f: (x, w) => x.reshape([4, -1]).mul(w) },
  { name: 'transpose()', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.transpose() },
  { name: 'transpose([1, 0, 2])', inputs: [{ shape: [2, 3, 4] }], f: (x) => x.transpose([1, 0, 2]) },
  { name: 'transpose([2, 0, 1]).mul(w)', inputs: [{ shape: [2, 3, 4] }, { shape: [3] }],
    f: (x, w) => x.transpose([2, 0, 1]).mul(w) },
  // matmul
  { name: 'matmul [3,4]@[4,2]', inputs: [{ shape: [3, 4] }, { shape: [4, 2] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [2,3,4]@[2,4,5]', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [2,1,3,4]@[3,4,2]', inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }], f: (a, b) => wg.matmul(a, b) },
  { name: 'matmul [3,4]@[2,4,2]', inputs: [{ shape: [3, 4] }, { shape: [2, 4, 2] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [4]@[4,3]', inputs: [{ shape: [4] }, { shape: [4, 3] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [3,4]@[4]', inputs: [{ shape: [3, 4] }, { shape: [4] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [4]@[4]', inputs: [{ shape: [4] }, { shape: [4] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [2,3,4]@[4]', inputs: [{ shape: [2, 3, 4] }, { shape: [4] }], f: (a, b) => a.matmul(b) },
  { name: 'matmul [4]@[2,4,3]', inputs: [{ shape: [4] }, { shape: [2, 4, 3] }], f: (a, b) => a.matmul(b) },
  // softmax family and losses
  { name: 'softmax()', inputs: [{ shape: [3, 4] }], f: (x) => x.softmax() },
  { name: 'softmax(0)', inputs: [{ shape: [3, 4] }], f: (x) => x.softmax(0) },
  { name: 'softmax(1) 3-D', inputs: [{ shape: [2, 3, 4] }], f: (x) => wg.softmax(x, 1) },
  { name: 'logSoftmax()', inputs: [{ shape: [3, 4] }], f: (x) => x.logSoftmax() },
  { name: 'logSoftmax(-2) 3-D', inputs: [{ shape: [2, 3, 4] }], f: (x) => wg.logSoftmax(x, -2) },
  { name: 'crossEntropy', inputs: [{ shape: [4, 3] }], f: (x) => x.crossEntropy(LABELS) },
  { name: 'crossEntropy Int32Array', inputs: [{ shape: [4, 3] }],
    f: (x) => wg.crossEntropy(x, Int32Array.from(LABELS)) },
  { name: 'mseLoss', inputs: [{ shape: [3, 2] }, { shape: [3, 2] }], f: (p, t) => p.mseLoss(t) },
  { name: 'wg.mseLoss', inputs: [{ shape: [5] }, { shape: [5] }], f: (p, t) => wg.mseLoss(p, t) },
  // composites
  { name: 'staged (x + σ(y)) / (σ(x) + (x + y)²)', inputs: [{ shape: [3] }, { shape: [3] }],
    f: (x, y) => x.add(y.sigmoid()).div(x.sigmoid().add(x.add(y).pow(2))) },
  { name: 'fan-out x*x + x*3 - exp(x)', inputs: [{ shape: [2, 3] }],
    f: (x) => x.mul(x).add(x.mul(3)).sub(x.exp()) },
  { name: 'tanh MLP layer tanh(x@W + b)@V', inputs: [{ shape: [4, 3] }, { shape: [3, 5] }, { shape: [5] }, { shape: [5, 2] }],
    f: (x, W, b, V) => x.matmul(W).add(b).tanh().matmul(V) },
  { name: 'classifier crossEntropy(relu(x@W)@V)', inputs: [{ shape: [4, 3] }, { shape: [3, 5] }, { shape: [5, 3] }],
    f: (x, W, V) => x.matmul(W).add(0.05).relu().matmul(V).crossEntropy(LABELS) },
  { name: 'norm sqrt(sum(x²))', inputs: [{ shape: [2, 3] }], f: (x) => x.mul(x).sum().sqrt() },
  { name: 'logsumexp log(sum(exp(x), 1))', inputs: [{ shape: [3, 4] }], f: (x) => x.exp().sum(1).log() },
  { name: 'sigmoid(x).mean(0) * softmax(y).max(1, true)', inputs: [{ shape: [3, 4] }, { shape: [3, 4], domain: 'distinct' }],
    f: (x, y) => x.sigmoid().mean(0).mul(y.softmax().max(1, true)) },
  { name: 'batched attention-like softmax(q@kᵀ)@v', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 5, 4] }, { shape: [2, 5, 2] }],
    f: (q, k, v) => q.matmul(k.transpose([0, 2, 1])).mul(0.5).softmax().matmul(v) },
  { name: 'neg/abs/div chain', inputs: [{ shape: [2, 3], domain: 'away' }, { shape: [3], domain: 'pos' }],
    f: (x, y) => x.neg().abs().div(y).sub(x.div(y.add(1))).mean(1) },
];
