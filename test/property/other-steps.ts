// Program steps for the ops of the "other" family (issue 12): slicing and joining (narrow, cat,
// pad, flip, permute, squeeze/unsqueeze), indexing (indexSelect, gather), selection (where on a
// gt condition, clamp) and the reductions prod, logsumexp and cumsum. Each step draws its
// arguments (negative dims, size-0 and size-1 dims included), the output shape and a sound
// interval for the node; the engines evaluate the instruction with `operandsOf(ins)` as inputs.

import type { Axis, Builder, Shape } from './programs.js';
import { broadcast, sizeOf } from '../catalog/shapes.js';
import { MORE_KINDS, MORE_STEP_COUNT, type MoreInstr, fmtMore, moreDifferentiable, moreOperands, moreStep } from './more-steps.js';

export type OtherInstr =
  | { k: 'narrow'; a: number; dim: number; start: number; length: number }
  | { k: 'cat'; parts: number[]; dim: number }
  | { k: 'pad'; a: number; pads: number[]; value: number }
  | { k: 'flip'; a: number; dims: number | number[] }
  | { k: 'permute'; a: number; dims: number[]; spread: boolean }
  | { k: 'squeeze'; a: number; dim: number | number[] | undefined }
  | { k: 'unsqueeze'; a: number; dim: number }
  | { k: 'indexSelect'; a: number; dim: number; indices: number[]; form: 'array' | 'int32array' | 'tensor' }
  | { k: 'gather'; a: number; dim: number; index: number[]; indexShape: Shape }
  /** where(gt(c1, c2), a, b): the condition's operands get no gradient through it. */
  | { k: 'where'; c1: number; c2: number; a: number; b: number }
  | { k: 'clamp'; a: number; min: number | undefined; max: number | undefined }
  | { k: 'prod'; a: number; axis: Axis; keepdims: boolean }
  | { k: 'logsumexp'; a: number; axis: number | number[]; keepdims: boolean }
  | { k: 'cumsum'; a: number; dim: number }
  /** stack, select, split/chunk, tril/triu, maskedFill, var/std, norm, argmax/argmin, losses (more-steps.ts) */
  | MoreInstr;

export const OTHER_KINDS: ReadonlySet<string> = new Set(['narrow', 'cat', 'pad', 'flip', 'permute', 'squeeze',
  'unsqueeze', 'indexSelect', 'gather', 'where', 'clamp', 'prod', 'logsumexp', 'cumsum', ...MORE_KINDS]);

export function isOther(ins: { k: string }): ins is OtherInstr { return OTHER_KINDS.has(ins.k); }

/** The nodes an instruction reads, in the order the engines receive them. */
export function operandsOf(ins: OtherInstr): number[] {
  if (ins.k === 'cat') return ins.parts;
  if (ins.k === 'where') return [ins.c1, ins.c2, ins.a, ins.b];
  if (MORE_KINDS.includes(ins.k)) return moreOperands(ins as MoreInstr);
  return [(ins as { a: number }).a];
}

/** The operands a gradient flows into (a where's condition has none: its operands stay sinks). */
export function differentiableOperandsOf(ins: OtherInstr): number[] {
  if (MORE_KINDS.includes(ins.k)) return moreDifferentiable(ins as MoreInstr);
  return ins.k === 'where' ? [ins.a, ins.b] : operandsOf(ins);
}

const norm = (d: number, n: number) => (d < 0 ? d + n : d);

export function fmtOther(ins: OtherInstr, n: (x: number) => string): string {
  switch (ins.k) {
    case 'narrow': return `narrow(${n(ins.a)}, ${ins.dim}, ${ins.start}, ${ins.length})`;
    case 'cat': return `cat([${ins.parts.map(n)}], ${ins.dim})`;
    case 'pad': return `pad(${n(ins.a)}, [${ins.pads}], ${ins.value})`;
    case 'flip': return `flip(${n(ins.a)}, ${JSON.stringify(ins.dims)})`;
    case 'permute': return `permute(${n(ins.a)}, ${ins.spread ? ins.dims.join(', ') : `[${ins.dims}]`})`;
    case 'squeeze': return `squeeze(${n(ins.a)}${ins.dim === undefined ? '' : `, ${JSON.stringify(ins.dim)}`})`;
    case 'unsqueeze': return `unsqueeze(${n(ins.a)}, ${ins.dim})`;
    case 'indexSelect': return `indexSelect(${n(ins.a)}, ${ins.dim}, [${ins.indices}] as ${ins.form})`;
    case 'gather': return `gather(${n(ins.a)}, ${ins.dim}, int32 [${ins.indexShape}] ${JSON.stringify(ins.index)})`;
    case 'where': return `where(gt(${n(ins.c1)}, ${n(ins.c2)}), ${n(ins.a)}, ${n(ins.b)})`;
    case 'clamp': return `clamp(${n(ins.a)}, ${ins.min ?? 'null'}, ${ins.max ?? 'null'})`;
    case 'prod': return `prod(${n(ins.a)}, ${JSON.stringify(ins.axis)}, ${ins.keepdims})`;
    case 'logsumexp': return `logsumexp(${n(ins.a)}, ${JSON.stringify(ins.axis)}, ${ins.keepdims})`;
    case 'cumsum': return `cumsum(${n(ins.a)}, ${ins.dim})`;
    default: return fmtMore(ins, n);
  }
}

/** The output shape of squeeze(dim) (dims of size 1 among those named are removed). */
export function squeezedShape(shape: Shape, dim: number | number[] | undefined): Shape {
  const named = dim === undefined ? shape.map((_, i) => i) : (Array.isArray(dim) ? dim : [dim]).map((d) => norm(d, shape.length));
  return shape.filter((s, i) => !(s === 1 && named.includes(i)));
}

/** The number of "other" steps (Builder.step dispatches `k - base` here). */
export const OTHER_STEP_COUNT = 14 + MORE_STEP_COUNT;

/** Applies the i-th "other" step to node a. Falls back to a unary op where the op does not apply (0-d). */
export function otherStep(b: Builder, i: number, a: number): number {
  const S = b.info[a].shape;
  const r = S.length;
  const { lo, hi } = b.info[a];
  const negDim = (d: number, n = r) => (b.chance(0.3) ? d - n : d);
  if (i >= 14) return moreStep(b, i - 14, a);
  if (r === 0 && i !== 6 && i !== 5 && i !== 10 && i !== 13 && i !== 9) return b.un('tanh', a);
  switch (i) {
    case 0: { // narrow
      const d = b.int(0, r - 1), n = S[d];
      const start = b.int(0, n), length = b.int(0, n - start);
      const out = S.slice(); out[d] = length;
      return b.push({ k: 'narrow', a, dim: negDim(d), start: start < n && b.chance(0.3) ? start - n : start, length }, out, lo, hi);
    }
    case 1: { // cat of 2-3 operands
      const d = b.int(0, r - 1);
      const parts = [a];
      for (let j = b.int(1, 2); j > 0; j--) {
        if (b.chance(0.3)) parts.push(a);
        else { const s = S.slice(); s[d] = b.int(0, 3); parts.push(b.input(s)); }
      }
      const shuffled = parts.sort(() => b.r() - 0.5);
      const out = S.slice(); out[d] = shuffled.reduce((t, p) => t + b.info[p].shape[d], 0);
      if (sizeOf(out) > 2 * b.maxSize) return b.un('tanh', a);
      const los = shuffled.map((p) => b.info[p].lo), his = shuffled.map((p) => b.info[p].hi);
      return b.push({ k: 'cat', parts: shuffled, dim: negDim(d) }, out, Math.min(...los), Math.max(...his));
    }
    case 2: { // pad (negative amounts crop)
      const k = b.int(1, Math.min(r, 3));
      const pads: number[] = [];
      const out = S.slice();
      for (let j = 0; j < k; j++) {
        const d = r - 1 - j, n = S[d];
        const before = b.int(-Math.min(1, n), 2), after = b.int(-Math.min(1, n + before), 2);
        pads.push(before, after);
        out[d] = n + before + after;
      }
      if (sizeOf(out) > 2 * b.maxSize) return b.un('tanh', a);
      const value = b.pick([0, 0.5, -1.5]);
      return b.push({ k: 'pad', a, pads, value }, out, Math.min(lo, value), Math.max(hi, value));
    }
    case 3: { // flip
      const chosen = S.map((_, d) => d).filter(() => b.chance(0.5));
      if (chosen.length === 0) chosen.push(b.int(0, r - 1));
      const dims = chosen.map((d) => negDim(d));
      return b.push({ k: 'flip', a, dims: dims.length === 1 && b.chance(0.3) ? dims[0] : dims }, S, lo, hi);
    }
    case 4: { // permute
      const perm = S.map((_, d) => d);
      for (let j = r - 1; j > 0; j--) { const x = b.int(0, j); [perm[j], perm[x]] = [perm[x], perm[j]]; }
      return b.push({ k: 'permute', a, dims: perm.map((d) => negDim(d)), spread: b.chance(0.5) }, perm.map((d) => S[d]), lo, hi);
    }
    case 5: case 6: { // squeeze (also of dims that are not 1: a no-op) / unsqueeze
      if (i === 6 && r < b.maxRank) {
        const d = b.int(0, r);
        const out = S.slice(); out.splice(d, 0, 1);
        return b.push({ k: 'unsqueeze', a, dim: negDim(d, r + 1) }, out, lo, hi);
      }
      const u = b.r();
      const dim = r === 0 || u < 0.3 ? undefined
        : u < 0.7 ? negDim(b.int(0, r - 1))
          : S.map((_, d) => d).filter(() => b.chance(0.5)).map((d) => negDim(d));
      return b.push({ k: 'squeeze', a, dim }, squeezedShape(S, dim), lo, hi);
    }
    case 7: { // indexSelect (repeats allowed)
      const d = b.int(0, r - 1), n = S[d];
      const indices = Array.from({ length: n === 0 ? 0 : b.int(0, 4) }, () => b.int(0, n - 1));
      const out = S.slice(); out[d] = indices.length;
      if (sizeOf(out) > 2 * b.maxSize) return b.un('tanh', a);
      return b.push({ k: 'indexSelect', a, dim: negDim(d), indices, form: b.pick(['array', 'int32array', 'tensor'] as const) }, out, lo, hi);
    }
    case 8: { // gather: an index no larger than the input outside dim
      const d = b.int(0, r - 1), n = S[d];
      const indexShape = S.map((s, j) => (j === d ? (n === 0 ? 0 : b.int(0, 3)) : b.chance(0.7) ? s : b.int(0, s)));
      const index = Array.from({ length: sizeOf(indexShape) }, () => b.int(0, n - 1));
      return b.push({ k: 'gather', a, dim: negDim(d), index, indexShape }, indexShape, lo, hi);
    }
    case 9: { // where(gt(a', c2), x, y): a' is a moved off ties with c2 so both dtypes take one branch
      const c2 = b.partner(a);
      const c1 = b.fixTie(a, c2);
      const other = b.partner(a, true);
      const [x, y] = b.chance(0.5) ? [a, other] : [other, a];
      const out = broadcast(broadcast(b.info[c1].shape, b.info[c2].shape)!, S)!;
      return b.push({ k: 'where', c1, c2, a: x, b: y }, out, Math.min(lo, b.info[other].lo), Math.max(hi, b.info[other].hi));
    }
    case 10: { // clamp: its bounds are kinks
      let min: number | undefined = b.pick([-1, -0.5, 0, 0.25, undefined]);
      const max: number | undefined = b.pick([0.5, 1, 1.5, undefined]);
      if (min === undefined && max === undefined) min = -0.5;
      let x = a;
      if (min !== undefined) x = b.fixZero(x, min);
      if (max !== undefined) x = b.fixZero(x, max);
      const c = (v: number) => Math.min(Math.max(v, min ?? -Infinity), max ?? Infinity);
      return b.push({ k: 'clamp', a: x, min, max }, S, c(b.info[x].lo), c(b.info[x].hi));
    }
    case 11: { // prod: factors squashed into [1/h, h] (maybe negated) with h^count <= 8
      let { axis, axes } = b.axisArg(r);
      let count = sizeOf(axes.map((x) => S[x]));
      if (count > 12) {
        const d = S.indexOf(Math.min(...S));
        axis = d; axes = [d]; count = S[d];
      }
      const h = Math.fround(Math.min(1.4375, 8 ** (1 / Math.max(count, 1)))), l = Math.fround(1 / h);
      let x = b.num('add', b.num('mul', b.un('sigmoid', a), Math.fround(h - l), false), l, false);
      const neg = b.chance(0.3);
      if (neg) x = b.num('mul', x, -1, false);
      const m = b.info[x].hi > 0 ? b.info[x].hi ** count : (-b.info[x].lo) ** count;
      const iv: [number, number] = neg ? [-m, m] : [Math.min(b.info[x].lo ** count, 1), m];
      const keepdims = b.chance(0.4);
      const out = keepdims ? S.map((s, j) => (axes.includes(j) ? 1 : s)) : S.filter((_, j) => !axes.includes(j));
      return b.limit(b.push({ k: 'prod', a: x, axis, keepdims }, out, iv[0], iv[1]));
    }
    case 12: { // logsumexp over the axes (required); over no elements it is -Infinity: not drawn
      const { axis, axes } = b.axisArg(r);
      const all = axes.length === 0 ? S.map((_, d) => d) : axes;
      const count = sizeOf(all.map((d) => S[d]));
      if (count === 0) return b.limit(b.reduce('sum', a));
      const x = b.limit(a);
      const keepdims = b.chance(0.4);
      const out = keepdims ? S.map((s, j) => (all.includes(j) ? 1 : s)) : S.filter((_, j) => !all.includes(j));
      const arg = axis === undefined || (Array.isArray(axis) && axis.length === 0) ? all : axis;
      return b.push({ k: 'logsumexp', a: x, axis: arg, keepdims }, out, b.info[x].lo, b.info[x].hi + Math.log(count));
    }
    case 13: { // cumsum (a 0-d tensor takes dim 0 or -1, as in PyTorch)
      const d = r === 0 ? 0 : b.int(0, r - 1);
      const n = r === 0 ? 1 : S[d];
      return b.limit(b.push({ k: 'cumsum', a, dim: negDim(d, Math.max(r, 1)) }, S, Math.min(lo * n, lo), Math.max(hi * n, hi)));
    }
  }
  throw new Error(`no other step ${i}`);
}
