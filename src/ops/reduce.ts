// Reductions: sum, mean, max, min, prod, argmax, argmin over any set of axes, and sumTo, the adjoint of broadcasting.
// Kernels see a reduction as [outer, red, inner]; axes that are not one contiguous block are
// first moved to the end by a transposed copy.

import { Reduce, Unary } from '../backend/backend.js';
import { contiguousStrides, sizeOf } from '../backend/strides.js';
import { Tensor, type Axis } from '../tensor.js';
import { applyGate, checkFloat, type Gate } from '../autograd/tape.js';
import { checkKeepdims, empty, emptyLike, normalizeAxes, normalizeAxis, requireTensor, sameShape } from './util.js';
import { add, div, mul, sub } from './binary.js';
import { complement, isZero, keepWhere } from './compare.js';
import { broadcastTo, reshape } from './shape.js';
import { ShapeError, WasmgradError, describeValue } from '../errors.js';

interface ReduceAttrs { axes: number[]; keepdims: boolean }

/** Output shape with the reduced axes kept as 1. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function outShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * The [outer, red, inner] view of `a` reduced over `axes`, and the source to read: `a` itself
 * when the axes are one contiguous block, else a copy with the reduced axes moved last.
 */
function layout(a: Tensor, axes: readonly number[]): { src: Tensor; outer: number; red: number; inner: number; perm: number[] | null } {
  const shape = a.shape;
  const first = axes[0], last = axes[axes.length - 1];
  if (last - first + 1 === axes.length) {
    return {
      src: a,
      outer: sizeOf(shape.slice(0, first)),
      red: sizeOf(shape.slice(first, last + 1)),
      inner: sizeOf(shape.slice(last + 1)),
      perm: null,
    };
  }
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const strides = contiguousStrides(shape);
  const src = empty(perm.map((p) => shape[p]), a.dtype, a.backend);
  a.backend.copyStrided(src.storage, a.storage, src.shape, perm.map((p) => strides[p]), 0);
  return { src, outer: sizeOf(kept.map((k) => shape[k])), red: sizeOf(axes.map((k) => shape[k])), inner: 1, perm };
}

// sum: the gradient is the upstream gradient broadcast back over the reduced axes.
const sumGate: Gate<ReduceAttrs> = {
  name: 'sum',
  forward(_ctx, [a], { axes, keepdims }) {
    const out = empty(outShape(a.shape, axes, keepdims), a.dtype, a.backend);
    if (axes.length === 0) {
      a.backend.cast(out.storage, a.storage);
      return out;
    }
    const l = layout(a, axes);
    a.backend.reduce(Reduce.Sum, out.storage, l.src.storage, l.outer, l.red, l.inner);
    return out;
  },
  backward(ctx, dy) {
    const a = ctx.inputs[0];
    return [broadcastTo(reshape(dy, keptShape(a.shape, ctx.attrs.axes)), a.shape)];
  },
};

/** The mask of a's axis order from one of the [outer, red, inner] layout (undoes layout's perm). */
function unpermuted(a: Tensor, maskPerm: Tensor, perm: number[] | null): Tensor {
  if (perm === null) return maskPerm;
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  const ps = contiguousStrides(maskPerm.shape);
  const mask = emptyLike(a);
  a.backend.copyStrided(mask.storage, maskPerm.storage, a.shape, inv.map((i) => ps[i]), 0);
  maskPerm.dispose();
  return mask;
}

// max and min: the gradient goes to the first index of each extremum (the max gate of the seed
// notes routes it to the larger input); the 0/1 mask of those positions is saved from the forward
// pass. min's mask is argmaxMask of -a (the first minimum of a is the first maximum of -a).
function extremumGate(name: 'max' | 'min', op: Reduce): Gate<ReduceAttrs> {
  return {
    name,
    forward(ctx, [a], { axes, keepdims }) {
      const out = empty(outShape(a.shape, axes, keepdims), a.dtype, a.backend);
      if (axes.length === 0) {
        a.backend.cast(out.storage, a.storage);
        return out;
      }
      if (a.size === 0 && out.size > 0) {
        out.dispose();
        throw new WasmgradError(`${name}: cannot reduce an empty tensor of shape ${a.shapeString} over axes [${axes.join(', ')}] (no identity for ${name})`);
      }
      const l = layout(a, axes);
      a.backend.reduce(op, out.storage, l.src.storage, l.outer, l.red, l.inner);
      if (ctx.needsInputGrad(0)) {
        const maskPerm = emptyLike(l.src);
        if (op === Reduce.Min) {
          const negated = emptyLike(l.src);
          a.backend.unary(Unary.Neg, negated.storage, l.src.storage);
          a.backend.argmaxMask(maskPerm.storage, negated.storage, l.outer, l.red, l.inner);
          negated.dispose();
        } else {
          a.backend.argmaxMask(maskPerm.storage, l.src.storage, l.outer, l.red, l.inner);
        }
        ctx.save(unpermuted(a, maskPerm, l.perm));
      }
      if (l.src !== a) l.src.dispose();
      return out;
    },
    backward(ctx, dy) {
      const a = ctx.inputs[0];
      if (ctx.attrs.axes.length === 0) return [dy];
      return [mul(ctx.saved[0], broadcastTo(reshape(dy, keptShape(a.shape, ctx.attrs.axes)), a.shape))];
    },
  };
}
const maxGate = extremumGate('max', Reduce.Max);
const minGate = extremumGate('min', Reduce.Min);

// prod: PyTorch's rule, right with zeros in the input. With z the 0/1 mask of zeros and x1 = x + z
// (zeros replaced by 1), p1 = prod(x1) is the product of the nonzero elements, and
//   no zero:   d prod / dx_i = p1 / x_i
//   one zero:  p1 at the zero, 0 elsewhere
//   two zeros: p1 · x_j at the zero i (j the other zero: 0, but its derivative is p1), 0 elsewhere
//   three+:    0 everywhere.
// x1 takes no gradient at the zeros (they are not in p1). The one-zero case is written p1 · (z + (1 − z) · zval / x1) with zval = Σ x·z (= 0, but it
// carries the zero's own derivative), and the two-zero case p1 · z · (zval − x), so createGraph
// differentiates every case again: d²prod/dx_i dx_j = p1 when x_i and x_j are the only zeros.
const prodGate: Gate<ReduceAttrs> = {
  name: 'prod',
  forward(_ctx, [a], { axes, keepdims }) {
    const out = empty(outShape(a.shape, axes, keepdims), a.dtype, a.backend);
    if (axes.length === 0) {
      a.backend.cast(out.storage, a.storage);
      return out;
    }
    const l = layout(a, axes);
    a.backend.reduce(Reduce.Prod, out.storage, l.src.storage, l.outer, l.red, l.inner);
    if (l.src !== a) l.src.dispose();
    return out;
  },
  backward(ctx, dy) {
    const x = ctx.inputs[0];
    const { axes } = ctx.attrs;
    if (axes.length === 0) return [dy];
    const z = isZero(x);
    const zeros = sum(z, axes, true);
    const noZero = isZero(zeros), oneZero = isZero(sub(zeros, 1)), twoZeros = isZero(sub(zeros, 2));
    const x1 = add(keepWhere(complement(z), x), z);
    const p1 = prod(x1, axes, true);
    const zval = sum(keepWhere(z, x), axes, true); // a select: an ∞ elsewhere does not make it NaN
    const term = add(
      add(div(add(noZero, mul(mul(oneZero, complement(z)), zval)), x1), mul(oneZero, z)),
      keepWhere(mul(twoZeros, z), sub(zval, x)));
    const dyFull = reshape(dy, keptShape(x.shape, axes));
    return [mul(mul(dyFull, p1), term)];
  },
};

/**
 * The sum over `axis` (`torch.sum`). `axis` is a number, an array of numbers or negative (from the end); omitted or null reduces
 * over all axes. With `keepdims` the reduced axes stay as size 1 (PyTorch's `keepdim`). A
 * ShapeError names an axis that is out of range or repeated.
 * The gradient is `dy` broadcast back to `a`'s shape.
 *
 * @example wg.sum(wg.tensor([[1, 2], [3, 4]]), 1) // tensor([3, 7])
 */
export function sum(a: Tensor, axis?: Axis | null, keepdims = false): Tensor {
  requireTensor('sum', a);
  return applyGate(sumGate, [a], { axes: normalizeAxes('sum', axis, a.shape), keepdims: checkKeepdims('sum', keepdims) });
}

/**
 * Mean = sum × (1 / count): built from sum and mul, so it needs no gradient rule of its own.
 *
 * `torch.mean`. `axis` is a number, an array of numbers or negative (from the end); omitted or null reduces
 * over all axes. With `keepdims` the reduced axes stay as size 1 (PyTorch's `keepdim`). A
 * ShapeError names an axis that is out of range or repeated.
 *
 * @example wg.mean(wg.tensor([[1, 2], [3, 4]]), 0) // tensor([2, 3])
 */
export function mean(a: Tensor, axis?: Axis | null, keepdims = false): Tensor {
  requireTensor('mean', a);
  checkFloat('mean', a); // before sum's gate, which would name itself
  const axes = normalizeAxes('mean', axis, a.shape);
  checkKeepdims('mean', keepdims);
  let count = 1;
  for (const ax of axes) count *= a.shape[ax];
  return mul(sum(a, axes, keepdims), 1 / count);
}

/**
 * The largest value over `axis` (`torch.amax`: values only, no indices). `axis` is a number, an array of numbers or negative (from the end); omitted or null reduces
 * over all axes. With `keepdims` the reduced axes stay as size 1 (PyTorch's `keepdim`). A
 * ShapeError names an axis that is out of range or repeated.
 * The gradient goes to the maximum; on a tie, to the first index.
 *
 * @example wg.max(wg.tensor([[1, 5], [3, 4]]), 1) // tensor([5, 4])
 */
export function max(a: Tensor, axis?: Axis | null, keepdims = false): Tensor {
  requireTensor('max', a);
  return applyGate(maxGate, [a], { axes: normalizeAxes('max', axis, a.shape), keepdims: checkKeepdims('max', keepdims) });
}

/**
 * The smallest value over `axis` (`torch.amin`: values only, no indices). `axis` is a number, an
 * array of numbers or negative (from the end); omitted or null reduces over all axes. With
 * `keepdims` the reduced axes stay as size 1. NaN propagates. A ShapeError names an axis that is
 * out of range or repeated; reducing an empty axis throws (no identity for min).
 * The gradient goes to the minimum; on a tie, to the first index.
 *
 * @example wg.min(wg.tensor([[1, 5], [3, 4]]), 1) // tensor([1, 3])
 */
export function min(a: Tensor, axis?: Axis | null, keepdims = false): Tensor {
  requireTensor('min', a);
  return applyGate(minGate, [a], { axes: normalizeAxes('min', axis, a.shape), keepdims: checkKeepdims('min', keepdims) });
}

/**
 * The product over `axis` (`torch.prod`; `axis` as in `sum`, an empty reduction gives 1). The
 * gradient is right with zeros in the input (PyTorch's rule): with no zero, prod / x; with one
 * zero, the product of the others at the zero and 0 elsewhere; with two or more, 0. Its second
 * derivative is right too: with exactly two zeros x_i, x_j, d²prod/dx_i dx_j is the product of
 * the others.
 *
 * @example wg.prod(wg.tensor([[1, 2], [3, 4]]), 1) // tensor([2, 12])
 */
export function prod(a: Tensor, axis?: Axis | null, keepdims = false): Tensor {
  requireTensor('prod', a);
  return applyGate(prodGate, [a], { axes: normalizeAxes('prod', axis, a.shape), keepdims: checkKeepdims('prod', keepdims) });
}

/** argmax/argmin: the index along one axis (over the flattened tensor when axis is omitted). */
function argReduce(name: 'argmax' | 'argmin', op: Reduce, a: Tensor, axis: number | null | undefined, keepdims: boolean): Tensor {
  requireTensor(name, a);
  a.assertLive(name);
  if (axis !== undefined && axis !== null && typeof axis !== 'number') {
    throw new ShapeError(`${name}: axis must be one integer or null, got ${describeValue(axis)} for shape ${a.shapeString}`);
  }
  const axes = axis === undefined || axis === null ? a.shape.map((_, i) => i) : [normalizeAxis(name, axis, a.shape)];
  checkKeepdims(name, keepdims);
  const red = sizeOf(axes.map((ax) => a.shape[ax]));
  if (red === 0) throw new ShapeError(`${name}: cannot reduce an empty axis of a tensor of shape ${a.shapeString}`);
  const shape = outShape(a.shape, axes, keepdims);
  const found = empty(shape, a.dtype, a.backend);
  if (axes.length === 0) {
    a.backend.reduce(op, found.storage, a.storage, a.size, 1, 1); // a 0-d tensor: index 0
  } else {
    const l = layout(a, axes);
    a.backend.reduce(op, found.storage, l.src.storage, l.outer, l.red, l.inner);
    if (l.src !== a) l.src.dispose();
  }
  // The kernels write each index as a float of a's dtype (exact: a wasm32 tensor has < 2^31
  // elements and float64 holds them exactly; float32 rows longer than 2^24 would round).
  const out = empty(shape, 'int32', a.backend);
  a.backend.castToInt32(out.storage, found.storage);
  found.dispose();
  return out;
}

/**
 * The index of the largest value along `axis` (`torch.argmax`); over the flattened tensor when
 * `axis` is omitted or null. Ties go to the first index; a NaN counts as the largest. No
 * gradient. Indices are an int32 tensor. A ShapeError names a bad axis or an
 * empty reduced axis.
 *
 * @example wg.argmax(wg.tensor([[1, 5], [3, 4]]), 1) // tensor([1, 1])
 */
export function argmax(a: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argReduce('argmax', Reduce.Argmax, a, axis, keepdims);
}

/**
 * The index of the smallest value along `axis` (`torch.argmin`); as `argmax` otherwise.
 *
 * @example wg.argmin(wg.tensor([[1, 5], [3, 4]]), 1) // tensor([0, 0])
 */
export function argmin(a: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argReduce('argmin', Reduce.Argmin, a, axis, keepdims);
}

/**
 * Sums a broadcast gradient back to `shape`: over the leading extra axes and over axes where
 * `shape` has 1. The adjoint of broadcastTo.
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = sum(g, axes, true);
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The sum over `axis` (all axes when omitted); see `wg.sum`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).sum(1) // tensor([3, 7])
     */
    sum(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The mean over `axis` (all axes when omitted); see `wg.mean`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).mean(0) // tensor([2, 3])
     */
    mean(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The largest value over `axis` (all axes when omitted); see `wg.max`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).max(1) // tensor([5, 4])
     */
    max(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The smallest value over `axis` (all axes when omitted); see `wg.min`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).min(1) // tensor([1, 3])
     */
    min(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The product over `axis` (all axes when omitted); see `wg.prod`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).prod(1) // tensor([2, 12])
     */
    prod(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The index of the largest value along `axis` (of the flattened tensor when omitted); see `wg.argmax`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).argmax(1) // tensor([1, 1])
     */
    argmax(axis?: number | null, keepdims?: boolean): Tensor;
    /**
     * The index of the smallest value along `axis` (of the flattened tensor when omitted); see `wg.argmin`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).argmin(1) // tensor([0, 0])
     */
    argmin(axis?: number | null, keepdims?: boolean): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  sum(axis, keepdims = false) { return sum(this, axis, keepdims); },
  mean(axis, keepdims = false) { return mean(this, axis, keepdims); },
  max(axis, keepdims = false) { return max(this, axis, keepdims); },
  min(axis, keepdims = false) { return min(this, axis, keepdims); },
  prod(axis, keepdims = false) { return prod(this, axis, keepdims); },
  argmax(axis, keepdims = false) { return argmax(this, axis, keepdims); },
  argmin(axis, keepdims = false) { return argmin(this, axis, keepdims); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
