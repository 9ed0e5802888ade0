// Dimension bookkeeping ops that move no data or reuse an existing gate: squeeze, unsqueeze and
// flatten are reshapes (shared storage), permute is transpose, expand is broadcastTo; tril and
// triu keep a triangle through a constant 0/1 mask (keepWhere: a select, so ∞ outside stays 0).

import { Binary } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { ShapeError, fmtValue } from '../errors.js';
import { tensorFrom } from '../alloc.js';
import { noGrad } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { requireTensor } from './util.js';
import { astype, broadcastTo, reshape, transpose } from './shape.js';
import { compareMask, keepWhere } from './compare.js';
import { composite } from './elementwise.js';
import { checkDim, checkInt } from './slice.js';

/**
 * Removes size-1 dimensions: all of them, or those among `dim` (a number or an array); a listed
 * dim whose size is not 1 is left alone, as in `torch.squeeze`.
 *
 * @example wg.squeeze(wg.zeros([2, 1, 3])).shape // [2, 3]
 */
export function squeeze(a: Tensor, dim?: number | readonly number[]): Tensor {
  requireTensor('squeeze', a);
  let drop: Set<number>;
  if (dim === undefined || dim === null) {
    drop = new Set(a.shape.flatMap((n, k) => (n === 1 ? [k] : [])));
  } else {
    if (typeof dim !== 'number' && !Array.isArray(dim)) {
      throw new ShapeError(`squeeze: dim must be a number or an array of numbers, got ${fmtValue(dim)} (shape ${a.shapeString})`);
    }
    // a 0-d tensor accepts dim 0 and -1, as in PyTorch
    const shape = a.ndim === 0 ? [1] : a.shape;
    drop = new Set((typeof dim === 'number' ? [dim] : dim).map((d) => checkDim('squeeze', d, shape)));
    if (a.ndim === 0) return reshape(a, []);
  }
  return reshape(a, a.shape.filter((n, k) => !(drop.has(k) && n === 1)));
}

/**
 * Inserts a size-1 dimension at `dim` (from -(ndim+1) to ndim), as `torch.unsqueeze`.
 *
 * @example wg.unsqueeze(wg.zeros([2, 3]), -1).shape // [2, 3, 1]
 */
export function unsqueeze(a: Tensor, dim: number): Tensor {
  requireTensor('unsqueeze', a);
  const d = checkDim('unsqueeze', dim, a.shape, 1);
  const shape = a.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(a, shape);
}

/**
 * Merges dimensions `startDim`..`endDim` (inclusive, negative from the end) into one
 * (`torch.flatten`); a 0-d tensor becomes 1-D.
 *
 * @example wg.flatten(wg.zeros([2, 3, 4]), 1).shape // [2, 12]
 */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  requireTensor('flatten', a);
  const shape = a.ndim === 0 ? [1] : a.shape;
  const s = checkDim('flatten', startDim, shape), e = checkDim('flatten', endDim, shape);
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim} (shape ${a.shapeString})`);
  const merged = shape.slice(s, e + 1).reduce((x, y) => x * y, 1);
  return reshape(a, [...shape.slice(0, s), merged, ...shape.slice(e + 1)]);
}

/**
 * The dimensions reordered: result dim i is input dim `dims[i]` (`torch.permute`); the dims may
 * be given one by one or as one array, negative from the end.
 *
 * @example wg.permute(wg.zeros([2, 3, 4]), 2, 0, 1).shape // [4, 2, 3]
 */
export function permute(a: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  requireTensor('permute', a);
  const list = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as unknown[];
  if (list.length !== a.ndim) {
    throw new ShapeError(`permute: dims ${fmtValue(list)} must list each of the ${a.ndim} dims of ${a.shapeString} once`);
  }
  const perm = list.map((d) => checkDim('permute', d, a.shape));
  if (new Set(perm).size !== perm.length) {
    throw new ShapeError(`permute: dims ${fmtValue(list)} repeat a dim of ${a.shapeString}`);
  }
  return transpose(a, perm);
}

/**
 * `a` repeated along size-1 (and new leading) dimensions to `shape`; -1 keeps a dimension's size
 * (`torch.Tensor.expand`, a copy here). The gradient is summed back.
 *
 * @example wg.expand(wg.tensor([[1], [2]]), [-1, 3]) // tensor([[1, 1, 1], [2, 2, 2]])
 */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  requireTensor('expand', a);
  if (!Array.isArray(shape) || shape.length < a.ndim) {
    throw new ShapeError(`expand: shape ${fmtValue(shape)} must have at least the ${a.ndim} dims of ${a.shapeString}`);
  }
  const lead = shape.length - a.ndim;
  const out = shape.map((n, k) => {
    const size = checkInt('expand', 'size', n, a.shape);
    const own = k >= lead ? a.shape[k - lead] : undefined;
    if (size === -1 && own !== undefined) return own;
    if (size < 0 || (own !== undefined && own !== 1 && own !== size)) {
      throw new ShapeError(`expand: cannot expand ${a.shapeString} to ${fmtValue(shape)} (size ${size} at dim ${k})`);
    }
    return size;
  });
  return broadcastTo(a, out);
}

/** The triangle of the last two dims kept by tril (lower) or triu (upper) with diagonal offset k. */
function triangle(op: 'tril' | 'triu', a: Tensor, k: number): Tensor {
  requireTensor(op, a);
  if (a.ndim < 2) throw new ShapeError(`${op}: needs at least 2 dims, got shape ${a.shapeString}`);
  const diag = checkInt(op, 'diagonal', k, a.shape);
  const [rows, cols] = a.shape.slice(-2);
  // int32 (PyTorch's integer tril/triu): the same select in float64, exact for every int32
  if (a.dtype === 'int32') return noGrad(() => tidy(() => astype(triangle(op, astype(a, 'float64'), k), 'int32')));
  return composite(op, a, (x) => {
    const rowPlusK = tensorFrom(Array.from({ length: rows }, (_, i) => i + diag), [rows, 1], x.dtype, x.backend, op);
    const col = tensorFrom(Array.from({ length: cols }, (_, j) => j), [1, cols], x.dtype, x.backend, op);
    // tril keeps j <= i + k, triu keeps j >= i + k
    const mask = compareMask(op === 'tril' ? Binary.LessEqual : Binary.GreaterEqual, col, rowPlusK);
    rowPlusK.dispose();
    col.dispose();
    return keepWhere(mask, x);
  });
}

/**
 * The lower triangle of the last two dims (`torch.tril`): elements with column <= row + k kept,
 * the others 0. The gradient flows through the kept elements. An int32 tensor gives an int32 result.
 *
 * @example wg.tril(wg.ones([2, 2])) // tensor([[1, 0], [1, 1]])
 */
export function tril(a: Tensor, k = 0): Tensor { return triangle('tril', a, k); }

/**
 * The upper triangle of the last two dims (`torch.triu`): elements with column >= row + k kept,
 * the others 0. An int32 tensor gives an int32 result.
 *
 * @example wg.triu(wg.ones([2, 2])) // tensor([[1, 1], [0, 1]])
 */
export function triu(a: Tensor, k = 0): Tensor { return triangle('triu', a, k); }

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Size-1 dims removed (all, or those among `dim`); see `wg.squeeze`.
     *
     * @example wg.zeros([1, 3, 1]).squeeze().shape // [3]
     */
    squeeze(dim?: number | readonly number[]): Tensor;
    /**
     * A size-1 dim inserted at `dim`; see `wg.unsqueeze`.
     *
     * @example wg.zeros([3]).unsqueeze(0).shape // [1, 3]
     */
    unsqueeze(dim: number): Tensor;
    /**
     * Dims `startDim`..`endDim` merged into one; see `wg.flatten`.
     *
     * @example wg.zeros([2, 3, 4]).flatten().shape // [24]
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * The dims reordered (one by one or as an array); see `wg.permute`.
     *
     * @example wg.zeros([2, 3, 4]).permute(2, 0, 1).shape // [4, 2, 3]
     */
    permute(...dims: (number | readonly number[])[]): Tensor;
    /**
     * Repeated along size-1 and new leading dims to `shape` (-1 keeps a size); see `wg.expand`.
     *
     * @example wg.tensor([1, 2]).expand([3, -1]).shape // [3, 2]
     */
    expand(shape: readonly number[]): Tensor;
    /**
     * The lower triangle of the last two dims (column <= row + k); see `wg.tril`.
     *
     * @example wg.ones([2, 2]).tril() // tensor([[1, 0], [1, 1]])
     */
    tril(k?: number): Tensor;
    /**
     * The upper triangle of the last two dims (column >= row + k); see `wg.triu`.
     *
     * @example wg.ones([2, 2]).triu(1) // tensor([[0, 1], [0, 0]])
     */
    triu(k?: number): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  squeeze(dim) { return squeeze(this, dim); },
  unsqueeze(dim) { return unsqueeze(this, dim); },
  flatten(startDim = 0, endDim = -1) { return flatten(this, startDim, endDim); },
  permute(...dims) { return permute(this, ...dims); },
  expand(shape) { return expand(this, shape); },
  tril(k = 0) { return tril(this, k); },
  triu(k = 0) { return triu(this, k); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
