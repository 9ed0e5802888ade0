// Indexing along one dimension: indexSelect and gather. Forward is the gather kernel; its
// adjoint is the scatter-add kernel (repeated indices accumulate), and the adjoint of that is
// the gather again, so both gates are written with each other and createGraph differentiates
// any order. The kernels read the index in the backend's heap: an index tensor (int32, or float
// holding integers) is shared as it is, no copy, and checked by the gather kernel in the same
// pass that gathers (it returns the first bad position; the gate throws and its output is
// freed); an array is checked and written once as int32. Each record that needs the index for
// its backward keeps its own int32 share (a float index is converted then, and only then), so
// the indices never go back through JavaScript.

import { Tensor } from '../tensor.js';
import { applyGate, type Gate, type GateContext } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, describeValue, fmtShape } from '../errors.js';
import { empty, normalizeAxis, requireTensor } from './util.js';

/** Indices as the public API takes them: arrays (nested for gather), typed arrays, tensors. */
export type IndexLike = Tensor | ArrayLike<number> | readonly unknown[];

interface IndexAttrs {
  /**
   * Flat, on the input's backend (a share owned by whoever made these attrs): int32, or for the
   * op's own gather a float index as the caller gave it (the gather kernel reads it as it is).
   */
  readonly index: Tensor;
  readonly dim: number;
  /** false: one index per slice along dim (indexSelect); true: one per element (gather). */
  readonly perElement: boolean;
  /** Shape of the indexed tensor (the gather's source, the scatter-add's output). */
  readonly srcShape: readonly number[];
  /** Shape of the gathered tensor (the gather's output, the scatter-add's input). */
  readonly outShape: readonly number[];
  /** For the error a bad index makes: the argument's name and the op's input shape (before any crop). */
  readonly what: string;
  readonly inputShape: readonly number[];
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The kernel's view: [outer, n, inner] gathered, [outer, dim, inner] indexed. */
function view(at: IndexAttrs): [number, number, number, number] {
  const d = at.dim;
  return [prod(at.srcShape.slice(0, d)), at.outShape[d], prod(at.srcShape.slice(d + 1)), at.srcShape[d]];
}

/**
 * The gate pair of one op: its gather (gradient: the scatter-add of dy back to the source's
 * shape) and that scatter-add (gradient: the gather again), named after the op on the tape.
 */
function gatePair(name: string): Gate<IndexAttrs> {
  // A recording gate saves its own share of the index storage (the record owns it, and frees it
  // when released); the rule passes that share on to the adjoint gate it applies.
  const keepIndex = (ctx: GateContext<IndexAttrs>, at: IndexAttrs) => { if (ctx.needsInputGrad(0)) ctx.save(int32Index(at.index, at.srcShape[at.dim])); };
  const gatherGate: Gate<IndexAttrs> = {
    name,
    forward(ctx, [src], at) {
      const out = empty(at.outShape, src.dtype, src.backend, name);
      const [outer, n, inner, dim] = view(at);
      const bad = src.backend.gather(out.storage, src.storage, at.index.storage, outer, n, inner, dim, at.perElement);
      if (bad >= 0) throw outOfRange(name, at.what, at.index, bad, dim, at.dim, at.inputShape); // out is freed with the gate's scope
      keepIndex(ctx, at);
      return out;
    },
    backward(ctx, dy) {
      return [ctx.needsInputGrad(0) ? applyGate(scatterAddGate, [dy], { ...ctx.attrs, index: ctx.saved[0] }) : null];
    },
  };
  const scatterAddGate: Gate<IndexAttrs> = {
    name: `${name}Backward`,
    forward(ctx, [g], at) {
      const out = empty(at.srcShape, g.dtype, g.backend, name);
      const [outer, n, inner, dim] = view(at);
      g.backend.scatterAdd(out.storage, g.storage, at.index.storage, outer, n, inner, dim, at.perElement);
      keepIndex(ctx, at);
      return out;
    },
    backward(ctx, gg) {
      return [ctx.needsInputGrad(0) ? applyGate(gatherGate, [gg], { ...ctx.attrs, index: ctx.saved[0] }) : null];
    },
  };
  return gatherGate;
}
const indexSelectGate = gatePair('indexSelect');
const gatherGate = gatePair('gather');

// ---- index arguments -----------------------------------------------------------------------------

/**
 * An index argument as a tensor on x's backend (the caller disposes it) and its shape. An array
 * is checked here (every entry an integer in [0, size)) and written as int32; an index tensor is
 * shared as it is, unchecked and of any dtype: the caller's gather kernel reads and checks it
 * (see checkIndex for when nothing is gathered, int32Index for an index a backward needs).
 */
export function readIndex(op: string, what: string, arg: unknown, size: number, dim: number, x: Tensor): { index: Tensor; shape: number[] } {
  let flat: ArrayLike<unknown>;
  let shape: number[];
  if (arg instanceof Tensor) {
    arg.assertLive(op);
    if (arg.backendName !== x.backendName) {
      throw new WasmgradError(`${op}: ${what} is on the ${arg.backendName} backend, the input on ${x.backendName} (use to(backend))`);
    }
    // checked by the gather kernel that reads it: no JS loop over the index's elements, no copy to JS
    return { index: arg.shareStorage([arg.size]), shape: arg.shape.slice() };
  } else if (ArrayBuffer.isView(arg) && !(arg instanceof DataView) && !(arg instanceof BigInt64Array) && !(arg instanceof BigUint64Array)) {
    flat = arg as unknown as ArrayLike<number>;
    shape = [flat.length];
  } else if (Array.isArray(arg)) {
    ({ flat, shape } = flattenNested(op, what, arg));
  } else {
    throw new WasmgradError(`${op}: ${what} must be an array, an Int32Array or a Tensor of integers, got ${describeValue(arg)}`);
  }
  const values = new Int32Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new WasmgradError(`${op}: index ${describeValue(v)} at position ${i} of ${what} is not an integer`);
    }
    if (v < 0 || v >= size) {
      throw new WasmgradError(`${op}: index ${v} at position ${i} of ${what} is out of range for dimension ${dim} of size ${size} (input shape ${fmtShape(x.shape)})`);
    }
    values[i] = v;
  }
  const index = empty([values.length], 'int32', x.backend, op);
  x.backend.write(index.storage, values);
  return { index, shape };
}

/**
 * Checks an index that readIndex shared unchecked where no gather kernel reads all of it (an empty
 * result, before a crop): it must be valid all the same. Throws on a bad entry (the caller disposes the index).
 */
export function checkIndex(op: string, what: string, index: Tensor, size: number, dim: number, inputShape: readonly number[]): void {
  // int32: in place (writes each value back unchanged); a float index into a scratch int32 copy
  const out = index.dtype === 'int32' ? index.storage : index.backend.alloc('int32', index.size);
  let bad: number;
  try {
    bad = index.backend.indexFrom(out, index.storage, size);
  } finally {
    if (out !== index.storage) index.backend.free(out);
  }
  if (bad >= 0) throw outOfRange(op, what, index, bad, size, dim, inputShape);
}

/**
 * A checked index (every entry an integer in [0, size)) as an int32 tensor the caller owns: a
 * share of an int32 one, a converted copy of a float one (made only for a backward that needs it).
 */
export function int32Index(index: Tensor, size: number): Tensor {
  if (index.dtype === 'int32') return index.shareStorage();
  const out = empty([index.size], 'int32', index.backend, 'index');
  out.backend.indexFrom(out.storage, index.storage, size);
  return out;
}

/** The error for the entry at flat position `bad` of an index: out of [0, size), or not an integer. */
export function outOfRange(op: string, what: string, index: Tensor, bad: number, size: number, dim: number,
  inputShape: readonly number[]): WasmgradError {
  const v = index.backend.get(index.storage, bad);
  return new WasmgradError(Number.isInteger(v)
    ? `${op}: index ${v} at position ${bad} of ${what} is out of range for dimension ${dim} of size ${size} (input shape ${fmtShape(inputShape)})`
    : `${op}: index ${describeValue(v)} at position ${bad} of ${what} is not an integer`);
}

/** Nested arrays (rectangular) to flat values and a shape, without recursion. */
function flattenNested(op: string, what: string, data: readonly unknown[]): { flat: unknown[]; shape: number[] } {
  const shape: number[] = [];
  for (let p: unknown = data; Array.isArray(p); p = p[0]) shape.push(p.length);
  const flat: unknown[] = [];
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length > 0) {
    const [a, depth] = stack.pop()!;
    if (depth === shape.length) { flat.push(a); continue; }
    if (!Array.isArray(a) || a.length !== shape[depth]) {
      throw new ShapeError(`${op}: ${what} is ragged: expected an array of length ${shape[depth]} at depth ${depth}`);
    }
    for (let i = a.length - 1; i >= 0; i--) stack.push([a[i], depth + 1]);
  }
  return { flat, shape };
}

/** The input tensor of an indexing op: live, and a float dtype (these ops are differentiable). */
function input(op: string, x: unknown): Tensor {
  const t = requireTensor(op, x);
  if ((t.dtype as string) !== 'float32' && (t.dtype as string) !== 'float64') {
    throw new DTypeError(`${op}: expected a float32 or float64 input, got ${t.dtype} ${t.shapeString}`);
  }
  return t;
}

// ---- the ops -------------------------------------------------------------------------------------

/**
 * The slices of `x` at `indices` along `dim` (`torch.index_select`): the result has `x`'s
 * shape with `shape[dim] = indices.length`. `indices` is a 1-D list of integers in
 * [0, x.shape[dim]) — an array, an Int32Array or a tensor (a 0-d tensor counts as one index);
 * repeats are allowed and their gradients add up. `dim` may be negative. Errors name the
 * offending index or dim.
 *
 * @example wg.indexSelect(wg.tensor([[1, 2], [3, 4], [5, 6]]), 0, [2, 0]) // tensor([[5, 6], [1, 2]])
 */
export function indexSelect(x: Tensor, dim: number, indices: IndexLike): Tensor {
  const t = input('indexSelect', x);
  const d = normalizeAxis('indexSelect', dim, t.shape);
  const { index, shape } = readIndex('indexSelect', 'indices', indices, t.shape[d], d, t);
  try {
    if (shape.length > 1) {
      throw new ShapeError(`indexSelect: indices must be 1-D, got shape ${fmtShape(shape)}`);
    }
    const outShape = t.shape.slice();
    outShape[d] = index.size;
    if (index.size > 0 && prod(outShape) === 0) checkIndex('indexSelect', 'indices', index, t.shape[d], d, t.shape); // no row is copied
    return applyGate(indexSelectGate, [t], { index, dim: d, perElement: false, srcShape: t.shape, outShape, what: 'indices', inputShape: t.shape });
  } finally {
    index.dispose(); // a recording gate keeps its own share
  }
}

/**
 * Gathers along `dim` (`torch.gather`): `out[i][j][k] = x[index[i][j][k]][j][k]` for dim 0 (and
 * likewise for other dims). `index` has as many dimensions as `x`, each no larger than `x`'s
 * outside `dim`; the result has `index`'s shape. `index` is a tensor, nested arrays or (for
 * 1-D `x`) an Int32Array of integers in [0, x.shape[dim]). The gradient scatter-adds into `x`
 * (repeated indices accumulate). Errors name the offending index, dim or shapes.
 *
 * @example wg.gather(wg.tensor([[1, 2], [3, 4]]), 1, [[0, 0], [1, 0]]) // tensor([[1, 1], [4, 3]])
 */
export function gather(x: Tensor, dim: number, index: IndexLike): Tensor {
  let t = input('gather', x);
  const d = normalizeAxis('gather', dim, t.shape);
  const { index: idx, shape } = readIndex('gather', 'index', index, t.shape[d], d, t);
  try {
    if (shape.length !== t.ndim) {
      throw new ShapeError(`gather: index of shape ${fmtShape(shape)} must have as many dimensions as the input ${fmtShape(t.shape)}`);
    }
    for (let i = 0; i < shape.length; i++) {
      if (i !== d && shape[i] > t.shape[i]) {
        throw new ShapeError(`gather: index of shape ${fmtShape(shape)} is larger than the input ${fmtShape(t.shape)} in dimension ${i}`);
      }
    }
    return gatherChecked(t, d, idx, shape); // the gather kernel checks every entry (the result has the index's size)
  } finally {
    idx.dispose(); // a recording gate keeps its own share
  }
}

/** gather with an index of `shape` (as many dims as t, no larger outside d), checked by the kernel. */
function gatherChecked(t: Tensor, d: number, idx: Tensor, shape: number[]): Tensor {
  const inputShape = t.shape;
  // with crops, check the index before making them (a crop's record would outlive the error)
  if (shape.some((s, i) => i !== d && s < t.shape[i])) checkIndex('gather', 'index', idx, t.shape[d], d, inputShape);
  // An index smaller than the input outside dim reads the leading part of those dimensions: crop
  // the input first (an indexSelect of 0..k-1, so the gradient is scattered back in place).
  const crops: Tensor[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (i !== d && shape[i] < t.shape[i]) {
      t = indexSelect(t, i, Int32Array.from({ length: shape[i] }, (_, k) => k));
      crops.push(t);
    }
  }
  try {
    return applyGate(gatherGate, [t], { index: idx, dim: d, perElement: true, srcShape: t.shape, outShape: shape, what: 'index', inputShape });
  } finally {
    // without a graph the crops are not needed after the gather (with one, the graph keeps their records)
    if (!t.requiresGrad) for (const c of crops) c.dispose();
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The slices at `indices` along `dim`; see `wg.indexSelect`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).indexSelect(1, [1]) // tensor([[2], [4]])
     */
    indexSelect(dim: number, indices: IndexLike): Tensor;
    /**
     * Gathers along `dim` by `index` (same number of dimensions); see `wg.gather`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).gather(1, [[1], [0]]) // tensor([[2], [3]])
     */
    gather(dim: number, index: IndexLike): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  indexSelect(dim, indices) { return indexSelect(this, dim, indices); },
  gather(dim, index) { return gather(this, dim, index); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
