// Joining: cat and stack place each input in a block of a new tensor with one strided copy each
// (the assemble gate of slice.ts); the gradient of each input is its block of dy (a view).

import { contiguousStrides } from '../backend/strides.js';
import { Tensor } from '../tensor.js';
import { ShapeError, WasmgradError, fmtValue } from '../errors.js';
import { assemble, checkDim, type Placement } from './slice.js';

/** The tensors of a cat/stack call, or a WasmgradError naming the op and the bad element. */
function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new WasmgradError(`${op}: expected a non-empty array of tensors, got ${fmtValue(tensors)}`);
  }
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new WasmgradError(`${op}: tensors[${i}] must be a Tensor, got ${fmtValue(t)}`);
    t.assertLive(op);
  });
  return tensors as Tensor[];
}

const shapesOf = (ts: readonly Tensor[]): string => ts.map((t) => t.shapeString).join(', ');

/**
 * The tensors joined along `dim` (`torch.cat`): all have the same shape except in `dim`.
 * As in PyTorch, 1-D empty tensors (shape [0]) are skipped.
 *
 * @example wg.cat([wg.tensor([1, 2]), wg.tensor([3])]) // tensor([1, 2, 3])
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const all = tensorList('cat', tensors);
  const parts = all.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const ref = parts.length > 0 ? parts[0] : all[0];
  const d = checkDim('cat', dim, ref.shape);
  for (const t of parts) {
    if (t.ndim !== ref.ndim || t.shape.some((n, k) => k !== d && n !== ref.shape[k])) {
      throw new ShapeError(`cat: shapes ${shapesOf(all)} must match except in dim ${d}`);
    }
  }
  if (parts.length === 0) return assemble('cat', all, [0], all.map(() => ({ offset: 0, strides: [1] })), 0, true);
  const shape = ref.shape.slice();
  shape[d] = parts.reduce((s, t) => s + t.shape[d], 0);
  const strides = contiguousStrides(shape);
  // a skipped [0] tensor is an input with an empty block, so it still gets its (empty) gradient
  let start = 0;
  const at: Placement[] = all.map((t) => {
    if (!parts.includes(t)) return { offset: 0, strides: [1] };
    const place = { offset: start * strides[d], strides };
    start += t.shape[d];
    return place;
  });
  return assemble('cat', all, shape, at, 0, true);
}

/**
 * The tensors, all of one shape, joined along a new dimension `dim` (`torch.stack`).
 *
 * @example wg.stack([wg.tensor([1, 2]), wg.tensor([3, 4])], 1) // tensor([[1, 3], [2, 4]])
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const all = tensorList('stack', tensors);
  const first = all[0];
  const d = checkDim('stack', dim, first.shape, 1);
  if (all.some((t) => t.ndim !== first.ndim || t.shape.some((n, k) => n !== first.shape[k]))) {
    throw new ShapeError(`stack: all tensors must have the same shape, got ${shapesOf(all)}`);
  }
  const shape = first.shape.slice();
  shape.splice(d, 0, all.length);
  const outStrides = contiguousStrides(shape);
  const strides = outStrides.filter((_, k) => k !== d);
  return assemble('stack', all, shape, all.map((_, i) => ({ offset: i * outStrides[d], strides })), 0, true);
}

