// More program steps for the "other" family (the ops issue 12 left out of the programs): stack,
// select, one piece of split/chunk, tril/triu, maskedFill on a comparison mask, var/std with a
// correction, norm (p = 0, 1, 2, 'fro', 3, 0.5, -1, Infinity), argmax/argmin feeding an index op
// (gather, indexSelect, eq), and the losses as steps that end in a scalar or per-sample values:
// crossEntropy with labelSmoothing/ignoreIndex/reduction, nllLoss, l1Loss, huberLoss and
// binaryCrossEntropyWithLogits. Each step draws its arguments (negative dims and size-0/size-1
// dims included), the output shape and a sound interval; kinks and near-ties are moved away with
// the programs' `fix` instructions so float32 and float64 take the same branch.

import * as wg from '../../src/index.js';
import type { Axis, Builder, Shape, Tensor } from './programs.js';
import { sizeOf } from '../catalog/shapes.js';
import { CNN_KINDS, CNN_STEP_COUNT, type CnnInstr, cnnKey, cnnOperands, cnnStep, fmtCnn, wgCnn } from './cnn-steps.js';

export type Reduction = 'mean' | 'sum' | 'none';
export type NormP = number | 'fro';

export type MoreInstr =
  | { k: 'stack'; parts: number[]; dim: number }
  | { k: 'select'; a: number; dim: number; index: number; method: boolean }
  /** One piece (`take`) of split(a, arg, dim) or chunk(a, arg, dim), at `offset` along dim. */
  | { k: 'piece'; a: number; how: 'split' | 'chunk'; arg: number | number[]; dim: number; take: number; offset: number }
  | { k: 'triangle'; a: number; upper: boolean; diagonal: number }
  /** maskedFill(a, gt(c1, c2), value): the condition's operands get no gradient through it. */
  | { k: 'maskedFill'; c1: number; c2: number; a: number; value: number }
  | { k: 'variance'; a: number; std: boolean; axis: Axis; correction: number; keepdims: boolean }
  | { k: 'norm'; a: number; p: NormP; axis: Axis; keepdims: boolean }
  /** argmax/argmin of src along dim feeding gather(a, dim, ·), indexSelect(a, dim, ·) or eq(·, match) · a. */
  | { k: 'argIndex'; a: number; src: number; lowest: boolean; dim: number; use: 'gather' | 'indexSelect' | 'eq'; match: number }
  | { k: 'ceX'; a: number; labels: number[]; smoothing: number; ignoreIndex: number | undefined; reduction: Reduction }
  | { k: 'nll'; a: number; labels: number[]; ignoreIndex: number | undefined; reduction: Reduction }
  | { k: 'pointLoss'; loss: 'l1Loss' | 'huberLoss' | 'binaryCrossEntropyWithLogits'; a: number; t: number; delta: number | undefined; reduction: Reduction | undefined }
  /** conv, pooling, normalisation, embedding, attention, dropout (cnn-steps.ts) */
  | CnnInstr;

export const MORE_KINDS: readonly string[] = ['stack', 'select', 'piece', 'triangle', 'maskedFill', 'variance', 'norm',
  'argIndex', 'ceX', 'nll', 'pointLoss', ...CNN_KINDS];

/** The nodes an instruction reads, in the order the engines receive them. */
export function moreOperands(ins: MoreInstr): number[] {
  switch (ins.k) {
    case 'stack': return ins.parts;
    case 'maskedFill': return [ins.c1, ins.c2, ins.a];
    case 'argIndex': return [ins.a, ins.src];
    case 'pointLoss': return [ins.a, ins.t];
    default: return CNN_KINDS.includes(ins.k) ? cnnOperands(ins as CnnInstr) : [(ins as { a: number }).a];
  }
}

/** The operands a gradient flows into (not a mask's or an argmax's source). */
export function moreDifferentiable(ins: MoreInstr): number[] {
  if (ins.k === 'maskedFill' || ins.k === 'argIndex') return [ins.a];
  return moreOperands(ins);
}

/** The default ignore index of crossEntropy/nllLoss (PyTorch's). */
export const IGNORE_DEFAULT = -100;

export function fmtMore(ins: MoreInstr, n: (x: number) => string): string {
  const red = (r: Reduction | undefined) => (r === undefined ? '' : `reduction: '${r}'`);
  switch (ins.k) {
    case 'stack': return `stack([${ins.parts.map(n)}], ${ins.dim})`;
    case 'select': return `select(${n(ins.a)}, ${ins.dim}, ${ins.index})`;
    case 'piece': return `${ins.how}(${n(ins.a)}, ${JSON.stringify(ins.arg)}, ${ins.dim})[${ins.take}]`;
    case 'triangle': return `${ins.upper ? 'triu' : 'tril'}(${n(ins.a)}, ${ins.diagonal})`;
    case 'maskedFill': return `maskedFill(${n(ins.a)}, gt(${n(ins.c1)}, ${n(ins.c2)}), ${ins.value})`;
    case 'variance': return `${ins.std ? 'std' : 'var'}(${n(ins.a)}, ${JSON.stringify(ins.axis)}, { correction: ${ins.correction}, keepdims: ${ins.keepdims} })`;
    case 'norm': return `norm(${n(ins.a)}, ${JSON.stringify(ins.p) ?? ins.p}, ${JSON.stringify(ins.axis)}, ${ins.keepdims})`;
    case 'argIndex': {
      const idx = `${ins.lowest ? 'argmin' : 'argmax'}(${n(ins.src)}, ${ins.dim}${ins.use === 'indexSelect' ? ').reshape([-1])' : ', true)'}`;
      return ins.use === 'eq' ? `mul(${n(ins.a)}, eq(${idx}, ${ins.match}))` : `${ins.use}(${n(ins.a)}, ${ins.dim}, ${idx})`;
    }
    case 'ceX': return `crossEntropy(${n(ins.a)}, ${JSON.stringify(ins.labels)}, { labelSmoothing: ${ins.smoothing}, ignoreIndex: ${ins.ignoreIndex}, ${red(ins.reduction)} })`;
    case 'nll': return `nllLoss(${n(ins.a)}, ${JSON.stringify(ins.labels)}, { ignoreIndex: ${ins.ignoreIndex}, ${red(ins.reduction)} })`;
    case 'pointLoss': return `${ins.loss}(${n(ins.a)}, ${n(ins.t)}, { ${ins.delta === undefined ? '' : `delta: ${ins.delta}, `}${red(ins.reduction)} })`;
    default: return fmtCnn(ins, n);
  }
}

/** A key for the programs' coverage report. */
export function moreKey(ins: MoreInstr): string {
  switch (ins.k) {
    case 'piece': return ins.how;
    case 'triangle': return ins.upper ? 'triu' : 'tril';
    case 'variance': return ins.std ? 'std' : 'var';
    case 'norm': return `norm(${ins.p})`;
    case 'argIndex': return `${ins.lowest ? 'argmin' : 'argmax'}→${ins.use}`;
    case 'ceX': return 'crossEntropy(options)';
    case 'nll': return 'nllLoss';
    case 'pointLoss': return ins.loss;
    default: return CNN_KINDS.includes(ins.k) ? cnnKey(ins as CnnInstr) : ins.k;
  }
}

/** The number of steps here (otherStep dispatches its last indices to moreStep). */
export const MORE_STEP_COUNT = 11 + CNN_STEP_COUNT;


/** Sizes of the pieces split/chunk make along a dim of size n (as src/ops/slice.ts, PyTorch's rule). */
export function pieceSizes(how: 'split' | 'chunk', arg: number | number[], n: number): number[] {
  if (Array.isArray(arg)) return arg;
  if (n === 0) return [0];
  const step = how === 'split' ? arg : Math.ceil(n / arg);
  const sizes: number[] = [];
  for (let s = 0; s < n; s += step) sizes.push(Math.min(step, n - s));
  return sizes;
}

function reductionOf(b: Builder, size: number): Reduction {
  const r = b.pick(['mean', 'sum', 'none'] as const);
  return r === 'mean' && size === 0 ? 'sum' : r; // the mean of nothing is NaN
}

/** The output interval of a reduced loss from the per-element interval [lo, hi] over `count` elements. */
function reducedInterval(reduction: Reduction, lo: number, hi: number, count: number): [number, number] {
  if (reduction === 'sum') return [Math.min(0, lo * count, lo), Math.max(0, hi * count, hi)];
  return [lo, hi];
}

/** [N, C] logits from node a (reshaped when needed); null when a is empty. */
function logitsOf(b: Builder, a: number): number | null {
  const S = b.info[a].shape;
  if (sizeOf(S) === 0) return null;
  if (S.length === 2 && !b.chance(0.3)) return a;
  const size = sizeOf(S);
  const divisors = Array.from({ length: size }, (_, i) => i + 1).filter((d) => size % d === 0);
  const N = b.pick(divisors);
  return b.reshape(a, b.chance(0.3) ? [N, -1] : [N, size / N]);
}

/** Labels for N samples of C classes with an ignore index sometimes present (never all ignored). */
function labelsOf(b: Builder, N: number, C: number): { labels: number[]; ignoreIndex: number | undefined } {
  const u = b.r();
  const ignoreIndex = u < 0.4 ? undefined : u < 0.7 ? IGNORE_DEFAULT : b.int(0, C - 1);
  const ignored = ignoreIndex ?? IGNORE_DEFAULT;
  const labels = Array.from({ length: N }, () => (b.chance(0.25) ? ignored : b.int(0, C - 1)));
  if (labels.every((l) => l === ignored)) {
    const real = Array.from({ length: C }, (_, c) => c).filter((c) => c !== ignored);
    if (real.length === 0) return { labels: Array.from({ length: N }, () => 0), ignoreIndex: undefined };
    labels[b.int(0, N - 1)] = b.pick(real);
  }
  return { labels, ignoreIndex };
}

/** Applies the i-th step here to node a. Falls back to a unary op where the op does not apply. */
export function moreStep(b: Builder, i: number, a: number): number {
  const S = b.info[a].shape;
  const r = S.length;
  const { lo, hi } = b.info[a];
  const negDim = (d: number, n = r) => (b.chance(0.3) ? d - n : d);
  if (i >= 11) return cnnStep(b, i - 11, a);
  switch (i) {
    case 0: { // stack of 1-3 tensors of a's shape (0-d included: the result is 1-D)
      const d = b.int(0, r);
      const parts = [a];
      for (let j = b.int(0, 2); j > 0; j--) parts.push(b.chance(0.3) ? a : b.input(S));
      const out = S.slice(); out.splice(d, 0, parts.length);
      if (r >= b.maxRank || sizeOf(out) > 2 * b.maxSize) return b.un('tanh', a);
      const los = parts.map((p) => b.info[p].lo), his = parts.map((p) => b.info[p].hi);
      return b.push({ k: 'stack', parts, dim: negDim(d, r + 1) }, out, Math.min(...los), Math.max(...his));
    }
    case 1: { // select one index along a dim (negative indices count from the end)
      const dims = S.map((_, d) => d).filter((d) => S[d] > 0);
      if (dims.length === 0) return b.un('tanh', a);
      const d = b.pick(dims), n = S[d];
      const index = b.int(0, n - 1);
      const out = S.filter((_, j) => j !== d);
      return b.push({ k: 'select', a, dim: negDim(d), index: b.chance(0.3) ? index - n : index, method: b.chance(0.5) }, out, lo, hi);
    }
    case 2: { // one piece of split (a size or a list of sizes) or chunk
      if (r === 0) return b.un('tanh', a);
      const d = b.int(0, r - 1), n = S[d];
      const u = b.r();
      let how: 'split' | 'chunk' = 'split';
      let arg: number | number[];
      if (u < 0.35) arg = n === 0 ? b.int(0, 2) : b.int(1, n);
      else if (u < 0.7) {
        const cut = [b.int(0, n), b.int(0, n)].sort((x, y) => x - y);
        arg = b.chance(0.5) ? [cut[0], n - cut[0]] : [cut[0], cut[1] - cut[0], n - cut[1]];
      } else { how = 'chunk'; arg = b.int(1, 4); }
      const sizes = pieceSizes(how, arg, n);
      const take = b.int(0, sizes.length - 1);
      const offset = sizes.slice(0, take).reduce((x, y) => x + y, 0);
      const out = S.slice(); out[d] = sizes[take];
      return b.push({ k: 'piece', a, how, arg, dim: negDim(d), take, offset }, out, lo, hi);
    }
    case 3: { // tril/triu of the last two dims
      if (r < 2) return b.un('tanh', a);
      return b.push({ k: 'triangle', a, upper: b.chance(0.5), diagonal: b.int(-2, 2) }, S, Math.min(lo, 0), Math.max(hi, 0));
    }
    case 4: { // maskedFill(a, gt(a', c2), value): a' moved off ties with c2, as where's condition
      const c2 = b.partner(a, true);
      const c1 = b.fixTie(a, c2);
      const value = b.pick([0, -1.5, 2]);
      return b.push({ k: 'maskedFill', c1, c2, a, value }, S, Math.min(lo, value), Math.max(hi, value));
    }
    case 5: { // var/std with a correction; std's input gets a constant ramp (no zero deviation)
      if (r === 0) return b.un('tanh', a);
      const std = b.chance(0.5);
      const { axis, axes } = b.axisArg(r);
      const all = axes.length === 0 ? S.map((_, d) => d) : axes;
      const count = sizeOf(all.map((d) => S[d]));
      if (count === 0) return b.limit(b.reduce('sum', a));
      let correction = b.pick([0, 1, 1, 2]);
      if (count <= correction) correction = 0;
      if (std && count < 2) return b.un('tanh', a);
      let x = a;
      if (std) {
        // elements of a group differ by at least 1 after the ramp: its step exceeds a's spread
        const step = Math.ceil(hi - lo + 1);
        const data = Float64Array.from({ length: sizeOf(S) }, (_, k) => step * k);
        const c = b.push({ k: 'const', data, shape: S.slice() }, S, 0, step * Math.max(0, sizeOf(S) - 1));
        x = b.bin('add', a, c);
      }
      const range = b.info[x].hi - b.info[x].lo;
      const v = (range * range * count) / (count - correction);
      const keepdims = b.chance(0.4);
      const out = keepdims ? S.map((s, j) => (all.includes(j) ? 1 : s)) : S.filter((_, j) => !all.includes(j));
      const arg = axes.length === 0 ? undefined : axis;
      return b.limit(b.push({ k: 'variance', a: x, std, axis: arg, correction, keepdims }, out, 0, std ? Math.sqrt(v) : v));
    }
    case 6: { // norm: elements moved off 0 (the kink of |x|, and the jump of p = 0)
      const p = b.pick([0, 1, 2, 'fro', 3, 0.5, -1, Infinity] as const);
      const { axis, axes } = b.axisArg(r);
      const all = axes.length === 0 ? S.map((_, d) => d) : axes;
      const count = sizeOf(all.map((d) => S[d]));
      if (count === 0 && (p === Infinity || p === -1)) return b.limit(b.reduce('sum', a));
      let x = b.fixZero(a);
      if (p === Infinity) x = b.fixTop(b.un('abs', x), all.length === r ? undefined : all);
      const m = b.bound(x);
      const keepdims = b.chance(0.4);
      const out = keepdims ? S.map((s, j) => (all.includes(j) ? 1 : s)) : S.filter((_, j) => !all.includes(j));
      const top = p === 0 ? count : p === Infinity || p === -1 ? m : m * Math.max(1, count) ** (1 / (p === 'fro' ? 2 : p));
      const arg = axes.length === 0 ? undefined : axis;
      return b.limit(b.push({ k: 'norm', a: x, p, axis: arg, keepdims }, out, 0, top));
    }
    case 7: { // argmax/argmin (moved off near-ties) feeding gather, indexSelect or eq
      const dims = S.map((_, d) => d).filter((d) => S[d] > 0);
      if (dims.length === 0) return b.un('tanh', a);
      const d = b.pick(dims);
      const lowest = b.chance(0.5);
      const f = b.fixTop(a, d, lowest);
      const use = b.pick(['gather', 'indexSelect', 'eq'] as const);
      const kept = S.map((s, j) => (j === d ? 1 : s));
      let out: Shape, iv: [number, number] = [b.info[f].lo, b.info[f].hi];
      if (use === 'gather') out = kept;
      else if (use === 'indexSelect') { out = S.slice(); out[d] = r === 1 ? 1 : sizeOf(S.filter((_, j) => j !== d)); }
      else { out = S; iv = [Math.min(0, iv[0]), Math.max(0, iv[1])]; }
      if (sizeOf(out) > 2 * b.maxSize) return b.un('tanh', a);
      return b.push({ k: 'argIndex', a: f, src: f, lowest, dim: negDim(d), use, match: b.int(0, S[d] - 1) }, out, iv[0], iv[1]);
    }
    case 8: { // crossEntropy with labelSmoothing, ignoreIndex and a reduction
      const x = logitsOf(b, a);
      if (x === null) return b.un('tanh', a);
      const [N, C] = b.info[x].shape;
      const { labels, ignoreIndex } = labelsOf(b, N, C);
      const reduction = reductionOf(b, N);
      const smoothing = b.pick([0, 0.1, 0.25]);
      const each = b.info[x].hi - b.info[x].lo + Math.log(C) + 0.01;
      return b.limit(b.push({ k: 'ceX', a: x, labels, smoothing, ignoreIndex, reduction }, reduction === 'none' ? [N] : [],
        ...reducedInterval(reduction, 0, each, N)));
    }
    case 9: { // nllLoss of (log-)probabilities: -x[label]
      let x = logitsOf(b, a);
      if (x === null) return b.un('tanh', a);
      if (b.chance(0.6)) x = b.softmax(x, 1, true);
      const [N, C] = b.info[x].shape;
      const { labels, ignoreIndex } = labelsOf(b, N, C);
      const reduction = reductionOf(b, N);
      return b.limit(b.push({ k: 'nll', a: x, labels, ignoreIndex, reduction }, reduction === 'none' ? [N] : [],
        ...reducedInterval(reduction, Math.min(0, -b.info[x].hi), Math.max(0, -b.info[x].lo), N)));
    }
    case 10: { // l1Loss (target moved off ties), huberLoss, BCE with logits (targets in (0, 1))
      const loss = b.pick(['l1Loss', 'huberLoss', 'binaryCrossEntropyWithLogits'] as const);
      let t = b.input(S);
      let x = a;
      if (loss === 'l1Loss') x = b.fixTie(a, t);
      if (loss === 'binaryCrossEntropyWithLogits') t = b.un('sigmoid', t);
      const delta = loss === 'huberLoss' ? b.pick([undefined, 0.5, 2]) : undefined;
      const reduction = b.chance(0.2) && sizeOf(S) > 0 ? undefined : reductionOf(b, sizeOf(S)); // default 'mean'
      const dmax = b.bound(x) + b.bound(t);
      const each = loss === 'l1Loss' ? dmax : loss === 'huberLoss' ? dmax * (dmax / 2 + (delta ?? 1)) : b.bound(x) + Math.LN2;
      const red = reduction ?? 'mean';
      return b.limit(b.push({ k: 'pointLoss', loss, a: x, t, delta, reduction }, red === 'none' ? S : [],
        ...reducedInterval(red, 0, each, sizeOf(S))));
    }
  }
  throw new Error(`no more-step ${i}`);
}

/** The 0/1 mask of tril/triu over the last two dims [rows, cols]. */
export function triangleMask(rows: number, cols: number, upper: boolean, diagonal: number): Float64Array {
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = (upper ? j >= i + diagonal : j <= i + diagonal) ? 1 : 0;
  return m;
}

/** wasmgrad's evaluation of a step here (the programs' WgEngine), given operandsOf(ins). */
export function wgMore(ins: MoreInstr, xs: Tensor[]): Tensor {
  const [a] = xs;
  const red = (r: string | undefined) => (r === undefined ? undefined : { reduction: r as 'mean' });
  switch (ins.k) {
    case 'stack': return wg.stack(xs, ins.dim);
    case 'select': return ins.method ? a.select(ins.dim, ins.index) : wg.select(a, ins.dim, ins.index);
    case 'piece': {
      const pieces = ins.how === 'split' ? wg.split(a, ins.arg, ins.dim) : wg.chunk(a, ins.arg as number, ins.dim);
      const n = a.shape[ins.dim < 0 ? ins.dim + a.ndim : ins.dim];
      if (pieces.length !== pieceSizes(ins.how, ins.arg, n).length) throw new Error(`${ins.how} made ${pieces.length} pieces`);
      return pieces[ins.take];
    }
    case 'triangle': return ins.upper ? a.triu(ins.diagonal) : wg.tril(a, ins.diagonal);
    case 'maskedFill': return xs[2].maskedFill(xs[0].gt(xs[1]), ins.value);
    case 'variance': {
      const opts = { correction: ins.correction, keepdims: ins.keepdims };
      return ins.std ? a.std(ins.axis, opts) : wg.var(a, ins.axis ?? null, opts);
    }
    case 'norm': return ins.axis === undefined && !ins.keepdims ? a.norm(ins.p) : wg.norm(a, ins.p, ins.axis, ins.keepdims);
    case 'argIndex': {
      const src = xs[1];
      const arg = (keep: boolean) => (ins.lowest ? src.argmin(ins.dim, keep) : wg.argmax(src, ins.dim, keep));
      if (ins.use === 'gather') return a.gather(ins.dim, arg(true));
      if (ins.use === 'indexSelect') return a.indexSelect(ins.dim, arg(false).reshape([-1]));
      return a.mul(wg.eq(arg(true), ins.match).astype(a.dtype));
    }
    case 'ceX': {
      const opts: Record<string, unknown> = { labelSmoothing: ins.smoothing, reduction: ins.reduction };
      if (ins.ignoreIndex !== undefined) opts.ignoreIndex = ins.ignoreIndex;
      return wg.crossEntropy(a, ins.labels, opts);
    }
    case 'nll': {
      const opts: Record<string, unknown> = { reduction: ins.reduction };
      if (ins.ignoreIndex !== undefined) opts.ignoreIndex = ins.ignoreIndex;
      return a.nllLoss(Int32Array.from(ins.labels), opts);
    }
    case 'pointLoss': {
      const t = xs[1];
      if (ins.loss === 'huberLoss') {
        const opts: Record<string, unknown> = { ...red(ins.reduction) };
        if (ins.delta !== undefined) opts.delta = ins.delta;
        return a.huberLoss(t, opts);
      }
      return (wg as any)[ins.loss](a, t, red(ins.reduction));
    }
    default: return wgCnn(ins, xs);
  }
}
