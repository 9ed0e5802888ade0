// Random op programs for the property tests: a generator (fast-check records → a program of
// instructions over random shapes), an interpreter with two engines (wasmgrad on any backend ×
// dtype, and TensorFlow.js), and normwise closeness checks.
//
// A program is a list of instructions, each making one node: inputs (leaves that require a
// gradient), constants, and the ops of the catalog (test/catalog/ops.ts) — every unary, binary
// and reduce entry is drawn from its fields alone (domain, kinks, ties, ref) — binary ops with NumPy broadcasting in every
// position (tensor or plain number on either side), unary ops, sum/mean/max with random axes
// and keepdims, reshape (with -1), transpose (random permutations), matmul (2-D, batched with
// broadcast batch dims, 1-D on either side), softmax/logSoftmax on any axis, crossEntropy and
// mseLoss, and the "other" family (other-steps.ts: narrow, cat, pad, flip, permute,
// squeeze/unsqueeze, indexSelect, gather, where on a gt condition, clamp, prod, logsumexp,
// cumsum; more-steps.ts: stack, select, split/chunk, tril/triu, maskedFill, var/std, norm,
// argmax/argmin into gather/indexSelect/eq, and the losses). The program ends in a scalar: Σ over the nodes nobody consumed of sum(node * W) with
// a fixed random W per node, so every input gets a gradient.
//
// Conditioning. The generator tracks an interval [lo, hi] for every node and keeps programs
// well-conditioned by construction: inputs lie in [-2, 2]; a node whose bound exceeds 8 is
// scaled by a power of two (exact in both dtypes); exp sees |x| <= 3; log, sqrt, the base of
// pow and every denominator first go through a positivizer (x² + c, exp(x) + c, σ(x) + c,
// |x| + c or softmax(x) + c) that bounds them away from 0; exponents are scaled to |e| <= 2.
//
// Kinks. relu, abs, maximum/minimum and the max reduction have kinks where float32 and float64
// may take different branches. Each such op is preceded by a `fix` instruction that adds a
// constant d (no gradient) moving its inputs at least `margin` away from the kink; d is
// computed once per program, in float64 on the js backend, before any comparison (`repair`).
// Most programs need no fix (continuous random data); structural ties (maximum(x, x),
// relu(x - x), max over broadcast copies) always do.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { makeRng } from '../support/random.js';
import { BINARY_ENTRIES, REDUCE_ENTRIES, UNARY_ENTRIES, entry } from '../catalog/ops.js';
import type { Domain } from '../catalog/domains.js';
import { broadcast, matmulShape, sizeOf } from '../catalog/shapes.js';
import { OTHER_STEP_COUNT, type OtherInstr, differentiableOperandsOf, isOther, otherStep } from './other-steps.js';

export { broadcast, matmulShape, sizeOf };

export type Tensor = ReturnType<typeof wg.tensor>;
export type Shape = number[];

// ---- configuration ------------------------------------------------------------------------------

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

/** WASMGRAD_PROPERTY_RUNS=N runs N programs per property instead of the CI default. */
export const PROPERTY_RUNS = envInt('WASMGRAD_PROPERTY_RUNS');
/** WASMGRAD_PROPERTY_SEED=S replaces the fixed default seed (a failure prints the seed to reuse). */
export const PROPERTY_SEED = envInt('WASMGRAD_PROPERTY_SEED') ?? 0x5eed_0006;

export function numRuns(ciDefault: number): number {
  return PROPERTY_RUNS ?? ciDefault;
}

/**
 * fast-check parameters: the fixed seed (printed by fast-check on failure together with the
 * shrink path, so `WASMGRAD_PROPERTY_SEED=<seed>` reproduces) and the number of runs.
 */
export function fcParams(ciDefault: number, salt = 0): fc.Parameters<unknown> {
  return { seed: (PROPERTY_SEED + salt) | 0, numRuns: numRuns(ciDefault), endOnFailure: false };
}

// ---- programs -----------------------------------------------------------------------------------

/** The catalog's elementwise and reduce ops, by name (in catalog order: the programs depend on it). */
export const BINARY_OPS: readonly string[] = BINARY_ENTRIES.map((e) => e.name);
export const UNARY_OPS: readonly string[] = UNARY_ENTRIES.map((e) => e.name);
export const REDUCE_OPS: readonly string[] = REDUCE_ENTRIES.map((e) => e.name);
export type BinaryOp = string;
export type UnaryOp = string;
export type ReduceOp = string;
export type Axis = number | number[] | undefined;

export type Instr =
  | { k: 'input'; index: number }
  | { k: 'const'; data: Float64Array; shape: Shape }
  | { k: 'bin'; op: BinaryOp; a: number; b: number; fn: boolean }
  | { k: 'num'; op: BinaryOp; a: number; c: number; numFirst: boolean }
  | { k: 'un'; op: UnaryOp; a: number; fn: boolean }
  | { k: 'red'; op: ReduceOp; a: number; axis: Axis; keepdims: boolean }
  | { k: 'reshape'; a: number; shape: Shape }
  | { k: 'transpose'; a: number; perm: number[] | undefined }
  | { k: 'matmul'; a: number; b: number; fn: boolean }
  | { k: 'softmax'; a: number; axis: number; log: boolean }
  | { k: 'ce'; a: number; labels: number[]; int32: boolean }
  | { k: 'mse'; a: number; b: number }
  /** Adds the constant d (of `shape`) to node a, computed by repair(); a itself when d is null. */
  | { k: 'fix'; a: number; mode: FixMode; shape: Shape; d: Float64Array | null | undefined }
  /** narrow, cat, pad, flip, permute, squeeze/unsqueeze, indexSelect, gather, where, clamp, prod, logsumexp, cumsum */
  | OtherInstr;

export type FixMode =
  | { kind: 'zero'; center: number }
  | { kind: 'tie'; b: number }
  /** the largest element (the smallest with `lowest`) of each group moved off near-ties */
  | { kind: 'top'; axis: Axis; lowest?: boolean };

export interface Program {
  inputs: { shape: Shape; data: Float64Array }[];
  instrs: Instr[];
  shapes: Shape[];
  /** The generator's interval for each node (checked against the float64 values by repair()). */
  bounds: [number, number][];
  /** Nodes no instruction consumed, and the fixed weights of the final sum(node * W). */
  sinks: { node: number; w: Float64Array }[];
}

/** The raw random choices a program is built from (what fast-check generates and shrinks). */
export interface OpRec { op: number; a: number; b: number; s: number }
export interface ProgramSpec { shape: Shape; seed: number; ops: OpRec[]; maxRank?: number }

export function programArb(opts: { maxOps?: number; dims?: fc.Arbitrary<number>; maxRank?: number } = {}): fc.Arbitrary<ProgramSpec> {
  const dim = opts.dims ?? fc.integer({ min: 1, max: 4 });
  const maxRank = opts.maxRank ?? 4;
  return fc.record({
    maxRank: fc.constant(maxRank),
    shape: fc.array(dim, { maxLength: maxRank }).filter((s) => sizeOf(s) <= MAX_SIZE),
    seed: fc.nat(),
    ops: fc.array(fc.record({ op: fc.nat(10_000), a: fc.nat(10_000), b: fc.nat(10_000), s: fc.nat() }),
      { minLength: 1, maxLength: opts.maxOps ?? 8 }),
  });
}

const f32 = Math.fround;
const MAX_SIZE = 72;

interface Info { shape: Shape; lo: number; hi: number; uses: number }

/** Plain numbers the programs put on either side of a binary op. */
const NUMBERS = [0.5, 1.5, -0.75, 2, 3, -1.25];

function domainsOf(op: string): [Domain, Domain] {
  const d = entry(op).domain;
  return Array.isArray(d) ? [d[0], d[1]] : [d, d];
}

export class Builder {
  readonly maxSize = MAX_SIZE;
  readonly prog: Program = { inputs: [], instrs: [], shapes: [], bounds: [], sinks: [] };
  readonly info: Info[] = [];
  r: () => number;
  constructor(seed: number, readonly maxRank = 4) {
    this.r = makeRng(seed);
  }

  int(lo: number, hi: number): number { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.r() * xs.length)]; }
  chance(p: number): boolean { return this.r() < p; }

  push(ins: Instr, shape: Shape, lo: number, hi: number): number {
    const refs: number[] = [];
    if (isOther(ins)) refs.push(...differentiableOperandsOf(ins));
    else if ('a' in ins) refs.push(ins.a);
    if (ins.k === 'bin' || ins.k === 'matmul' || ins.k === 'mse') refs.push(ins.b);
    for (const r of refs) this.info[r].uses++;
    this.prog.instrs.push(ins);
    this.prog.shapes.push(shape.slice());
    this.prog.bounds.push([lo, hi]);
    this.info.push({ shape: shape.slice(), lo, hi, uses: 0 });
    return this.info.length - 1;
  }

  bound(n: number): number { return Math.max(Math.abs(this.info[n].lo), Math.abs(this.info[n].hi)); }

  input(shape: Shape, lo = -2, hi = 2): number {
    const r = makeRng(Math.floor(this.r() * 2 ** 32));
    const data = Float64Array.from({ length: sizeOf(shape) }, () => f32(lo + (hi - lo) * r()));
    const index = this.prog.inputs.length;
    this.prog.inputs.push({ shape: shape.slice(), data });
    return this.push({ k: 'input', index }, shape, lo, hi);
  }

  /** Scales node n by a power of two so that its bound is at most `limit`. */
  limit(n: number, limit = 8, target = 4): number {
    const m = this.bound(n);
    if (!(m > limit)) return n;
    let k = 0;
    while (m * 2 ** -k > target) k++;
    return this.num('mul', n, 2 ** -k, this.chance(0.3));
  }

  num(op: BinaryOp, a: number, c: number, numFirst: boolean): number {
    const { lo, hi } = this.info[a];
    let iv: [number, number];
    const x: [number, number] = numFirst ? [c, c] : [lo, hi];
    const y: [number, number] = numFirst ? [lo, hi] : [c, c];
    iv = rangeOf(entry(op).ref!, [x, y]);
    return this.push({ k: 'num', op, a, c, numFirst }, this.info[a].shape, iv[0], iv[1]);
  }

  bin(op: BinaryOp, a: number, b: number): number {
    const shape = broadcast(this.info[a].shape, this.info[b].shape)!;
    const iv = rangeOf(entry(op).ref!, [[this.info[a].lo, this.info[a].hi], [this.info[b].lo, this.info[b].hi]]);
    return this.push({ k: 'bin', op, a, b, fn: this.chance(0.4) }, shape, iv[0], iv[1]);
  }

  un(op: UnaryOp, a: number): number {
    const { lo, hi } = this.info[a];
    const e = entry(op);
    const iv = rangeOf(e.ref!, [[lo, hi]], [...e.kinks, ...(e.turns?.(lo, hi) ?? [])]);
    return this.push({ k: 'un', op, a, fn: this.chance(0.4) }, this.info[a].shape, iv[0], iv[1]);
  }

  fixZero(a: number, center = 0): number {
    return this.push({ k: 'fix', a, mode: { kind: 'zero', center }, shape: this.info[a].shape, d: undefined },
      this.info[a].shape, this.info[a].lo - this.pad(a), this.info[a].hi + this.pad(a));
  }

  /** How far a fix may move a node's values (a generous bound on 3 × margin). */
  pad(a: number): number { return 0.05 * Math.max(1, this.bound(a)); }

  fixTie(a: number, b: number): number {
    return this.push({ k: 'fix', a, mode: { kind: 'tie', b }, shape: this.info[a].shape, d: undefined },
      this.info[a].shape, this.info[a].lo - this.pad(a), this.info[a].hi + this.pad(a));
  }

  fixTop(a: number, axis: Axis, lowest = false): number {
    return this.push({ k: 'fix', a, mode: { kind: 'top', axis, lowest }, shape: this.info[a].shape, d: undefined },
      this.info[a].shape, this.info[a].lo - (lowest ? this.pad(a) : 0), this.info[a].hi + (lowest ? 0 : this.pad(a)));
  }

  /** A node with values >= minLo made from node a by a random positivizer. */
  positive(a: number, minLo: number): number {
    if (this.info[a].lo >= minLo) return a;
    let p: number;
    switch (this.int(0, 4)) {
      case 0: p = this.bin('mul', a, a); break;
      case 1: p = this.un('exp', this.limit(a, 3, 3)); break;
      case 2: p = this.un('sigmoid', a); break;
      case 3: p = this.un('abs', this.fixZero(a)); break;
      default:
        p = this.info[a].shape.length > 0 ? this.softmax(a, this.int(0, this.info[a].shape.length - 1), false) : this.un('sigmoid', a);
    }
    if (this.info[p].lo >= minLo) return p;
    const c = Math.ceil((minLo - this.info[p].lo) * 4) / 4;
    return this.num('add', p, c, this.chance(0.5));
  }

  /**
   * Node a moved into an op's input domain: past its poles (made positive, as denominators),
   * above a lower bound (positivized), into a symmetric bound (scaled by a power of two) or a
   * bounded interval (squashed by a sigmoid), then off each kink (a `fix`).
   */
  intoDomain(a: number, d: Domain, kinks: readonly number[] = []): number {
    let x = a;
    const { min, max } = d;
    if (d.poles && d.poles.length > 0) x = this.positive(x, Math.max(...d.poles) + 0.5);
    if (min > -Infinity && max === Infinity) x = this.positive(x, min);
    else if (min === -max && max < Infinity) x = this.limit(x, max, max);
    else if (min > -Infinity && max < Infinity) {
      const span = max - min;
      x = this.num('add', this.num('mul', this.un('sigmoid', x), 0.875 * span, false), min + 0.0625 * span, false);
    } else if (max < Infinity) x = this.num('sub', this.positive(this.un('neg', x), -max), 0, true);
    for (const k of kinks) x = this.fixZero(x, k);
    return x;
  }

  softmax(a: number, axis: number, log: boolean): number {
    const { shape, lo, hi } = this.info[a];
    const n = shape[axis];
    const ax = this.chance(0.3) ? axis - shape.length : axis;
    const iv: [number, number] = log ? [lo - hi - Math.log(Math.max(n, 1)), 0] : [0, 1];
    return this.push({ k: 'softmax', a, axis: ax, log }, shape, iv[0], iv[1]);
  }

  /** A random axis argument for a reduction over a tensor of ndim dims. */
  axisArg(ndim: number): { axis: Axis; axes: number[] } {
    const all = Array.from({ length: ndim }, (_, i) => i);
    const u = this.r();
    if (ndim === 0 || u < 0.2) return u < 0.05 && ndim > 0 ? { axis: [], axes: [] } : { axis: undefined, axes: all };
    const neg = (x: number) => (this.chance(0.3) ? x - ndim : x);
    if (u < 0.6) {
      const x = this.int(0, ndim - 1);
      return { axis: neg(x), axes: [x] };
    }
    const chosen = all.filter(() => this.chance(0.5));
    if (chosen.length === 0) chosen.push(this.int(0, ndim - 1));
    // random order in the argument
    const arg = chosen.slice().sort(() => this.r() - 0.5).map(neg);
    return { axis: arg, axes: chosen };
  }

  reduce(op: ReduceOp, a: number): number {
    const { shape, lo, hi } = this.info[a];
    const { axis, axes } = this.axisArg(shape.length);
    const keepdims = this.chance(0.4);
    // reducing no elements: only an op that grows from an identity (sum) is defined (max has no
    // identity, mean is 0 ÷ 0)
    if (!entry(op).grows && sizeOf(axes.map((x) => shape[x])) === 0) op = REDUCE_ENTRIES.find((e) => e.grows)!.name;
    let src = a;
    // min's ties are at the bottom: its smallest element is moved (fixTop moved only the largest before)
    if (entry(op).ties && axes.length > 0) src = this.fixTop(a, axis, op === 'min');
    const count = sizeOf(axes.map((x) => shape[x]));
    const out = keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
    const iv: [number, number] = entry(op).grows ? [Math.min(lo * count, lo), Math.max(hi * count, hi)] : [this.info[src].lo, this.info[src].hi];
    return this.push({ k: 'red', op, a: src, axis, keepdims }, out, iv[0], iv[1]);
  }

  /** A random shape with `size` elements (up to 4 dims), possibly with one -1. */
  randomShape(size: number): { shape: Shape; arg: Shape } {
    if (size === 0) {
      const shape = Array.from({ length: this.int(1, this.maxRank) }, () => this.int(0, 3));
      shape[this.int(0, shape.length - 1)] = 0;
      const arg = shape.slice();
      // -1 is ambiguous next to a 0 (0 elements fit any size); only where the rest is non-zero
      return { shape, arg };
    }
    const factors: number[] = [];
    let n = size;
    for (let p = 2; n > 1; p++) while (n % p === 0) { factors.push(p); n /= p; }
    const ndim = size === 1 && this.chance(0.3) ? 0 : this.int(Math.min(1, factors.length), this.maxRank);
    const shape: Shape = new Array(ndim).fill(1);
    if (ndim === 0) return { shape, arg: [] };
    for (const f of factors) shape[this.int(0, ndim - 1)] *= f;
    const arg = shape.slice();
    if (this.chance(0.4)) arg[this.int(0, ndim - 1)] = -1;
    return { shape, arg };
  }

  reshape(a: number, target?: Shape): number {
    const { shape: s0, lo, hi } = this.info[a];
    let shape: Shape, arg: Shape;
    if (target) {
      arg = target;
      const known = sizeOf(target.filter((d) => d !== -1));
      shape = target.map((d) => (d === -1 ? sizeOf(s0) / known : d));
    } else ({ shape, arg } = this.randomShape(sizeOf(s0)));
    return this.push({ k: 'reshape', a, shape: arg }, shape, lo, hi);
  }

  transpose(a: number): number {
    const { shape, lo, hi } = this.info[a];
    const n = shape.length;
    let perm: number[] | undefined;
    if (n >= 2 && this.chance(0.75)) {
      perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) { const j = this.int(0, i); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    }
    const p = perm ?? Array.from({ length: n }, (_, i) => n - 1 - i);
    return this.push({ k: 'transpose', a, perm }, p.map((x) => shape[x]), lo, hi);
  }

  /**
   * A shape T such that a node of shape S and T broadcast together; the result may be larger
   * than S in any position (S broadcast along its 1s and along new leading dims) and T may be
   * broadcast along any position too. With `into`, T broadcasts into S (the result is S).
   */
  partnerShape(S: Shape, into = false): Shape {
    const rank = into || S.length >= this.maxRank || !this.chance(0.3) ? S.length : S.length + 1;
    const off = rank - S.length;
    const O: Shape = [];
    for (let i = 0; i < rank; i++) {
      if (i < off) O.push(this.int(1, 3));
      else O.push(!into && S[i - off] === 1 && this.chance(0.35) ? this.int(2, 3) : S[i - off]);
    }
    if (!into && sizeOf(O) > MAX_SIZE) return this.partnerShape(S, true);
    const T = O.map((d, i) => {
      const s = i < off ? 1 : S[i - off];
      if (s !== d) return d; // S is broadcast here: T must provide d
      return this.chance(0.3) ? 1 : d;
    });
    // drop leading dims of T where S provides the output's extent
    let drop = 0;
    while (drop < T.length && this.chance(0.25)) {
      const i = drop;
      const s = i < off ? undefined : S[i - off];
      if (s === O[i]) drop++;
      else break;
    }
    return T.slice(drop);
  }

  /** Another operand for node a: an existing node that broadcasts with it, or a new input. */
  partner(a: number, into = false): number {
    if (this.chance(0.3)) {
      const cands = this.info.map((_, i) => i).filter((i) => {
        const o = broadcast(this.info[a].shape, this.info[i].shape);
        return o !== null && o.length <= this.maxRank && sizeOf(o) <= MAX_SIZE && (!into || o.join() === this.info[a].shape.join());
      });
      if (cands.length > 0) return this.pick(cands);
    }
    return this.input(this.partnerShape(this.info[a].shape, into));
  }

  binary(op: BinaryOp, a: number): number {
    let b = this.partner(a);
    let [x, y] = this.chance(0.5) ? [a, b] : [b, a];
    const e = entry(op);
    const [dx, dy] = domainsOf(op);
    x = this.intoDomain(x, dx);
    y = this.intoDomain(y, dy);
    if (e.ties) x = this.fixTie(x, y);
    return this.limit(this.bin(op, x, y));
  }

  numberOp(a: number): number {
    const op = this.pick(BINARY_OPS);
    const numFirst = this.chance(0.5);
    // the number from those that lie in its operand's domain (and 0.5 away from its poles)
    const [dNum, dTensor] = numFirst ? domainsOf(op) : [...domainsOf(op)].reverse();
    const inDomain = NUMBERS.filter((c) => c >= dNum.min && c <= dNum.max && (dNum.poles ?? []).every((p) => Math.abs(c - p) >= 0.5));
    const c = this.pick(inDomain.length > 0 ? inDomain : NUMBERS);
    let x = this.intoDomain(a, dTensor);
    if (entry(op).ties) x = this.fixZero(x, c);
    return this.limit(this.num(op, x, c, numFirst));
  }

  matmul(a: number): number {
    let S = this.info[a].shape;
    if (S.length === 0) {
      a = this.reshape(a, [1]);
      S = [1];
    }
    const left = this.chance(0.5);
    const dim = () => this.int(1, 4);
    const batchOf = (s: Shape) => s.slice(0, Math.max(0, s.length - 2));
    let P: Shape;
    const K = left ? S[S.length - 1] : S.length === 1 ? S[0] : S[S.length - 2];
    const form = this.int(0, 2); // 0: 1-D partner, 1: 2-D partner, 2: batched partner
    if (form === 0) P = [K];
    else {
      const rest = dim();
      const mat = left ? [K, rest] : [rest, K];
      if (form === 1) P = mat;
      else {
        const bA = batchOf(S);
        const room = this.maxRank - 2;
        let bB = bA.length > 0 ? this.partnerShape(bA) : [this.int(1, 3)];
        if (bB.length > room) bB = bB.slice(bB.length - room);
        if (broadcast(bA, bB) === null) bB = [];
        P = [...bB, ...mat];
      }
    }
    const out = matmulShape(left ? S : P, left ? P : S);
    if (out === null || sizeOf(out) > MAX_SIZE * 2) return this.un('tanh', a);
    const b = this.input(P);
    const [x, y] = left ? [a, b] : [b, a];
    const m = K * this.bound(x) * this.bound(y);
    const node = this.push({ k: 'matmul', a: x, b: y, fn: this.chance(0.4) }, out, -m, m);
    return this.limit(node);
  }

  crossEntropy(a: number): number {
    let S = this.info[a].shape;
    if (sizeOf(S) === 0) return this.un('tanh', a);
    let x = a;
    if (S.length !== 2 || this.chance(0.3)) {
      const size = sizeOf(S);
      // [N, C] with N·C = size
      const divisors = Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0);
      const N = this.pick(divisors);
      x = this.reshape(a, this.chance(0.3) ? [N, -1] : [N, size / N]);
      S = [N, size / N];
    }
    const [N, C] = S;
    const labels = Array.from({ length: N }, () => this.int(0, C - 1));
    const { lo, hi } = this.info[x];
    return this.push({ k: 'ce', a: x, labels, int32: this.chance(0.3) }, [], 0, hi - lo + Math.log(C) + 0.01);
  }

  mse(a: number): number {
    if (sizeOf(this.info[a].shape) === 0) return this.un('sigmoid', a); // the mean of nothing is NaN
    let pred: number, target: number;
    if (this.chance(0.5)) {
      pred = a;
      target = this.partner(a, true);
    } else {
      target = a;
      // a new prediction whose shape the node broadcasts into
      const S = this.info[a].shape;
      let O = broadcast(S, this.partnerShape(S))!;
      if (sizeOf(O) === 0) O = S;
      pred = this.input(O);
    }
    const m = this.bound(pred) + this.bound(target);
    return this.limit(this.push({ k: 'mse', a: pred, b: target }, [], 0, m * m));
  }

  /** Applies one random op to a node chosen by rec, returns the new node. */
  step(rec: OpRec): void {
    this.r = makeRng(rec.s);
    const live = this.info.length;
    // mostly continue from the newest node; sometimes reach back (fan-out)
    const a = rec.a % 3 !== 0 ? live - 1 : rec.a % live;
    const kinds = 14 + OTHER_STEP_COUNT;
    const k = rec.op % kinds;
    const { shape } = this.info[a];
    switch (k) {
      case 0: case 1: this.binary(BINARY_OPS[rec.b % BINARY_OPS.length], a); break;
      case 2: this.numberOp(a); break;
      case 3: case 4: {
        const op = UNARY_OPS[rec.b % UNARY_OPS.length];
        const e = entry(op);
        this.limit(this.un(op, this.intoDomain(a, e.domain as Domain, e.kinks)));
        break;
      }
      case 5: case 6: this.limit(this.reduce(REDUCE_OPS[rec.b % REDUCE_OPS.length], a)); break;
      case 7: this.reshape(a); break;
      case 8: this.transpose(a); break;
      case 9: case 10: this.matmul(a); break;
      case 11:
        if (shape.length === 0) this.un('sigmoid', a);
        else this.softmax(a, rec.b % shape.length, rec.b % 2 === 1);
        break;
      case 12: this.crossEntropy(a); break;
      case 13: this.mse(a); break;
      default: otherStep(this, k - 14, a);
    }
  }

  finish(seed: number): Program {
    const r = makeRng(seed ^ 0x9e3779b9);
    this.prog.sinks = this.info.flatMap((inf, node) => (inf.uses === 0
      ? [{ node, w: Float64Array.from({ length: sizeOf(inf.shape) }, () => f32(2 * r() - 1)) }]
      : []));
    return this.prog;
  }
}

/**
 * The range of an elementwise op over a box of inputs, from its float64 reference: the extremes
 * over a grid that includes the box's corners and the op's kinks (exact for ops monotone in each
 * argument between kinks); padded by 1% when an extreme lies inside the box.
 */
function rangeOf(ref: (...xs: number[]) => number, box: [number, number][], kinks: readonly number[] = []): [number, number] {
  const axes = box.map(([lo, hi]) => {
    const pts = new Set([lo, hi, ...kinks.filter((k) => k > lo && k < hi)]);
    if (hi > lo) for (let i = 1; i < 32; i++) pts.add(lo + ((hi - lo) * i) / 32);
    return [...pts];
  });
  let min = Infinity, max = -Infinity, interior = false;
  const visit = (i: number, xs: number[]) => {
    if (i === axes.length) {
      const v = ref(...xs);
      const edge = xs.every((x, j) => x === box[j][0] || x === box[j][1] || kinks.includes(x));
      if (v < min) { min = v; interior = !edge; }
      if (v > max) { max = v; interior ||= !edge; }
      return;
    }
    for (const x of axes[i]) visit(i + 1, [...xs, x]);
  };
  visit(0, []);
  if (interior) {
    const pad = 0.01 * Math.max(1, max - min);
    return [min - pad, max + pad];
  }
  return [min, max];
}

/** Builds a program from fast-check's choices. */
export function buildProgram(spec: ProgramSpec): Program {
  const b = new Builder(spec.seed, spec.maxRank ?? 4);
  b.input(spec.shape);
  for (const rec of spec.ops) b.step(rec);
  return b.finish(spec.seed);
}

// The interpreter, the wasmgrad engine and the closeness checks (interpret.ts).
export * from './interpret.js';
