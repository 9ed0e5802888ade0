// Reductions: sum, mean, max over any set of axes, and sumTo, the adjoint of broadcasting.
// Kernels see a reduction as [outer, red, inner]; axes that are not one contiguous block are
// first moved to the end by a transposed copy.

import { Reduce } from '../backend/backend.js';
import { contiguousStrides, sizeOf } from '../backend/strides.js';
import { Tensor, type Axis } from '../tensor.js';
import { applyGate, checkFloat, type Gate } from '../autograd/tape.js';
import { checkKeepdims, empty, emptyLike, normalizeAxes, requireTensor, sameShape } from './util.js';
import { mul } from './binary.js';
import { broadcastTo, reshape } from './shape.js';
import { WasmgradError } from '../errors.js';

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

// max: the gradient goes to the first index of each maximum (the max gate of the seed notes
// routes it to the larger input); the 0/1 mask of those positions is saved from the forward pass.
const maxGate: Gate<ReduceAttrs> = {
  name: 'max',
  forward(ctx, [a], { axes, keepdims }) {
    const out = empty(outShape(a.shape, axes, keepdims), a.dtype, a.backend);
    if (axes.length === 0) {
      a.backend.cast(out.storage, a.storage);
      return out;
    }
    if (a.size === 0 && out.size > 0) {
      throw new WasmgradError(`max: cannot reduce an empty tensor of shape ${a.shapeString} (no identity for max)`);
    }
    const l = layout(a, axes);
    a.backend.reduce(Reduce.Max, out.storage, l.src.storage, l.outer, l.red, l.inner);
    if (ctx.needsInputGrad(0)) {
      const maskPerm = emptyLike(l.src);
      a.backend.argmaxMask(maskPerm.storage, l.src.storage, l.outer, l.red, l.inner);
      let mask = maskPerm;
      if (l.perm !== null) {
        // Move the mask back to a's axis order.
        const inv = new Array<number>(l.perm.length);
        l.perm.forEach((p, i) => { inv[p] = i; });
        const ps = contiguousStrides(maskPerm.shape);
        mask = emptyLike(a);
        a.backend.copyStrided(mask.storage, maskPerm.storage, a.shape, inv.map((i) => ps[i]), 0);
      }
      ctx.save(mask);
    }
    return out;
  },
  backward(ctx, dy) {
    const a = ctx.inputs[0];
    if (ctx.attrs.axes.length === 0) return [dy];
    return [mul(ctx.saved[0], broadcastTo(reshape(dy, keptShape(a.shape, ctx.attrs.axes)), a.shape))];
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
