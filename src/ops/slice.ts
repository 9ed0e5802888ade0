// Strided views and their adjoint, the two gates of the strided-copy family:
// - view: out = a read at an element offset with strides (narrow, select, split, chunk, flip);
// - assemble: out = value everywhere, then each input written at its own offset and strides
//   (cat, stack, pad, and the view's gradient into zeros).
// Each is the other's backward, so createGraph differentiates them again. Both run one backend
// primitive (copyStrided / copyInto); strides may be negative (flip).

import { contiguousStrides } from '../backend/strides.js';
import type { Tensor } from '../tensor.js';
import { applyGate, type Gate } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, fmtShape, fmtValue } from '../errors.js';
import { PAD_MODES, type PadMode, padWithMode } from './pad_modes.js';
import { empty, requireTensor } from './util.js';

/** Where a tensor sits in a larger one: an element offset and a stride per dimension. */
export interface Placement { readonly offset: number; readonly strides: readonly number[] }

// view: the input read at { offset, strides } into a contiguous `shape`.
// Both gates only move elements, so int32 tensors (indices) pass through them as in PyTorch.
const viewGate: Gate<{ op: string; shape: number[]; at: Placement }> = {
  name: 'view',
  acceptsInt32: true,
  forward(_ctx, [a], { op, shape, at }) {
    const out = empty(shape, a.dtype, a.backend, op);
    a.backend.copyStrided(out.storage, a.storage, shape, at.strides, at.offset);
    return out;
  },
  backward(ctx, dy) {
    const { op, at } = ctx.attrs;
    return [assemble(op, [dy], ctx.inputs[0].shape.slice(), [at], 0)];
  },
};

/** The elements of `a` at `at` as a contiguous tensor of `shape` (recorded under the op's name). */
export function stridedView(op: string, a: Tensor, shape: number[], at: Placement): Tensor {
  return applyGate({ ...viewGate, name: op }, [a], { op, shape, at });
}

// assemble: a tensor of `shape` filled with `value`, each input written at its placement.
const assembleGate: Gate<{ op: string; shape: number[]; at: Placement[]; value: number; covers: boolean }> = {
  name: 'assemble',
  acceptsInt32: true,
  forward(_ctx, inputs, { op, shape, at, value, covers }) {
    const first = inputs[0];
    const out = empty(shape, first.dtype, first.backend, op);
    if (!covers) first.backend.fill(out.storage, value);
    inputs.forEach((x, i) => {
      x.backend.copyInto(out.storage, at[i].offset, at[i].strides, x.storage, 0, contiguousStrides(x.shape), x.shape);
    });
    return out;
  },
  backward(ctx, dy) {
    const { op, at } = ctx.attrs;
    return ctx.inputs.map((x, i) => (ctx.needsInputGrad(i) ? stridedView(op, dy, x.shape.slice(), at[i]) : null));
  },
};

/**
 * A tensor of `shape` holding `value`, with inputs[i] written at at[i] (the placements must not
 * overlap). `covers`: the inputs fill every element, so no fill is needed.
 */
export function assemble(op: string, inputs: Tensor[], shape: number[], at: Placement[], value: number,
  covers = false): Tensor {
  // The gate accepts int32 (it only moves elements) but never a mix: a copy does not convert.
  const mixed = inputs.find((x) => typeof x?.dtype === 'string' && x.dtype !== inputs[0]?.dtype);
  if (mixed !== undefined) {
    throw new DTypeError(`${op}: dtypes differ: ${inputs[0].dtype} ${inputs[0].shapeString} and ${mixed.dtype} ${mixed.shapeString} (use astype)`);
  }
  return applyGate({ ...assembleGate, name: op }, inputs, { op, shape, at, value, covers });
}

// ---- argument checks ---------------------------------------------------------------------------

/** An integer argument, or a ShapeError naming the op, the argument and the value. */
export function checkInt(op: string, what: string, v: unknown, shape: readonly number[]): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new ShapeError(`${op}: ${what} must be an integer, got ${fmtValue(v)} (shape ${fmtShape(shape)})`);
  }
  return v;
}

/** A dim in [-ndim, ndim) (or [-(ndim+1), ndim] with `extra`), made non-negative. */
export function checkDim(op: string, dim: unknown, shape: readonly number[], extra = 0): number {
  const d = checkInt(op, 'dim', dim, shape);
  const n = shape.length + extra;
  if (d < -n || d >= n) {
    throw new ShapeError(`${op}: dim ${d} is out of range for shape ${fmtShape(shape)} (expected ${-n} to ${n - 1})`);
  }
  return d < 0 ? d + n : d;
}

// ---- narrow, select, split, chunk --------------------------------------------------------------

/** narrow without argument checks: `length` elements of `dim` from `start`. */
function narrowUnchecked(op: string, a: Tensor, dim: number, start: number, length: number): Tensor {
  const strides = contiguousStrides(a.shape);
  const shape = a.shape.slice();
  shape[dim] = length;
  return stridedView(op, a, shape, { offset: start * strides[dim], strides });
}

/**
 * `length` consecutive elements of dimension `dim` from `start` (`torch.narrow`; negative `dim`
 * and `start` count from the end). A copy; the gradient flows back into the narrowed range.
 *
 * @example wg.narrow(wg.arange(5), 0, 1, 3) // tensor([1, 2, 3])
 */
export function narrow(a: Tensor, dim: number, start: number, length: number): Tensor {
  requireTensor('narrow', a);
  const d = checkDim('narrow', dim, a.shape);
  const size = a.shape[d];
  let s = checkInt('narrow', 'start', start, a.shape);
  const len = checkInt('narrow', 'length', length, a.shape);
  if (s < -size || s > size) {
    throw new ShapeError(`narrow: start ${s} is out of range for dim ${d} of size ${size} (shape ${a.shapeString})`);
  }
  if (s < 0) s += size;
  if (len < 0 || s + len > size) {
    throw new ShapeError(`narrow: start ${s} + length ${len} exceeds dim ${d} of size ${size} (shape ${a.shapeString})`);
  }
  return narrowUnchecked('narrow', a, d, s, len);
}

/**
 * The slice at `index` of dimension `dim`, which is removed (`torch.select`, `x[:, i]`);
 * negative `dim` and `index` count from the end.
 *
 * @example wg.select(wg.tensor([[1, 2], [3, 4]]), 1, 0) // tensor([1, 3])
 */
export function select(a: Tensor, dim: number, index: number): Tensor {
  requireTensor('select', a);
  const d = checkDim('select', dim, a.shape);
  const size = a.shape[d];
  const i = checkInt('select', 'index', index, a.shape);
  if (i < -size || i >= size) {
    throw new ShapeError(`select: index ${i} is out of range for dim ${d} of size ${size} (shape ${a.shapeString})`);
  }
  const strides = contiguousStrides(a.shape);
  const offset = (i < 0 ? i + size : i) * strides[d];
  return stridedView('select', a, a.shape.filter((_, k) => k !== d), { offset, strides: strides.filter((_, k) => k !== d) });
}

/** Pieces of the given sizes along dim d (already checked). */
function pieces(op: string, a: Tensor, d: number, sizes: number[]): Tensor[] {
  const out: Tensor[] = [];
  let start = 0;
  try {
    for (const n of sizes) {
      out.push(narrowUnchecked(op, a, d, start, n));
      start += n;
    }
  } catch (e) {
    out.forEach((t) => t.dispose());
    throw e;
  }
  return out;
}

/**
 * Splits along `dim` into pieces of `sizeOrSizes` elements (the last may be smaller), or of the
 * listed sizes, which must add up to the dimension (`torch.split`).
 *
 * @example wg.split(wg.arange(5), 2).map((t) => t.shape) // [[2], [2], [1]]
 */
export function split(a: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  requireTensor('split', a);
  const d = checkDim('split', dim, a.shape);
  const size = a.shape[d];
  if (Array.isArray(sizeOrSizes)) {
    const sizes = sizeOrSizes.map((n) => checkInt('split', 'size', n, a.shape));
    const total = sizes.reduce((x, y) => x + y, 0);
    if (sizes.some((n) => n < 0) || total !== size) {
      throw new ShapeError(`split: sizes ${fmtValue(sizeOrSizes)} must be non-negative and add up to ${size}, the size of dim ${d} of ${a.shapeString}`);
    }
    return pieces('split', a, d, sizes);
  }
  const step = checkInt('split', 'split size', sizeOrSizes, a.shape);
  if (step < 0 || (step === 0 && size !== 0)) {
    throw new ShapeError(`split: split size ${step} must be positive for dim ${d} of size ${size} (shape ${a.shapeString})`);
  }
  if (size === 0) return pieces('split', a, d, [0]);
  const sizes: number[] = [];
  for (let s = 0; s < size; s += step) sizes.push(Math.min(step, size - s));
  return pieces('split', a, d, sizes);
}

/**
 * Splits along `dim` into at most `n` pieces of ceil(size / n) elements (`torch.chunk`: fewer
 * pieces when the size does not allow n).
 *
 * @example wg.chunk(wg.arange(6), 3).map((t) => t.shape) // [[2], [2], [2]]
 */
export function chunk(a: Tensor, n: number, dim = 0): Tensor[] {
  requireTensor('chunk', a);
  const d = checkDim('chunk', dim, a.shape);
  const chunks = checkInt('chunk', 'chunks', n, a.shape);
  if (chunks <= 0) throw new ShapeError(`chunk: chunks must be positive, got ${chunks} (shape ${a.shapeString})`);
  const size = a.shape[d];
  if (size === 0) return pieces('chunk', a, d, [0]);
  const step = Math.ceil(size / chunks);
  const sizes: number[] = [];
  for (let s = 0; s < size; s += step) sizes.push(Math.min(step, size - s));
  return pieces('chunk', a, d, sizes);
}

// ---- flip, pad -----------------------------------------------------------------------------------

/**
 * The order of elements reversed along each of `dims` (`torch.flip`); negative dims count from the end.
 *
 * @example wg.flip(wg.tensor([[1, 2], [3, 4]]), [1]) // tensor([[2, 1], [4, 3]])
 */
export function flip(a: Tensor, dims: number | readonly number[]): Tensor {
  requireTensor('flip', a);
  if (typeof dims !== 'number' && !Array.isArray(dims)) {
    throw new ShapeError(`flip: dims must be a number or an array of numbers, got ${fmtValue(dims)} (shape ${a.shapeString})`);
  }
  const list = typeof dims === 'number' ? [dims] : dims;
  const strides = contiguousStrides(a.shape);
  const seen = new Set<number>();
  let offset = 0;
  for (const dim of list) {
    const d = checkDim('flip', dim, a.shape);
    if (seen.has(d)) throw new ShapeError(`flip: dim ${d} appears more than once in ${fmtValue(dims)} (shape ${a.shapeString})`);
    seen.add(d);
    if (a.shape[d] > 0) offset += (a.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  if (a.size === 0) offset = 0;
  return stridedView('flip', a, a.shape.slice(), { offset, strides });
}

/** `pad`'s options object (PyTorch's `mode` and `value` keywords). */
export interface PadModeOptions {
  /** `'constant'` (the default), `'reflect'`, `'replicate'` or `'circular'`. */
  mode?: PadMode;
  /** The constant of mode `'constant'` (default 0). */
  value?: number;
}
/** `pad`'s third argument: the constant, a mode, or both. */
export type PadOptions = number | PadMode | PadModeOptions;

/**
 * Pads (`torch.nn.functional.pad`): `pads` lists (before, after) pairs from the last dimension
 * backwards. The third argument is the constant (default 0; negative amounts crop), or a mode —
 * `'reflect'` (mirror without repeating the edge; each amount below the dim's size),
 * `'replicate'` (repeat the edge), `'circular'` (wrap around; each amount at most the dim's size)
 * — or `{ mode, value }`. PyTorch limits the non-constant modes to the last 1–3 dims of a batched
 * input; here any dims pad.
 *
 * @example wg.pad(wg.tensor([1, 2]), [1, 2]) // tensor([0, 1, 2, 0, 0])
 * @example wg.pad(wg.tensor([1, 2, 3]), [2, 1], 'reflect') // tensor([3, 2, 1, 2, 3, 2])
 */
export function pad(a: Tensor, pads: readonly number[], options: PadOptions = 0): Tensor {
  requireTensor('pad', a);
  if (!Array.isArray(pads) || pads.length % 2 !== 0 || pads.length / 2 > a.ndim) {
    throw new ShapeError(`pad: pads must be an array of (before, after) pairs for at most ${a.ndim} dims, got ${fmtValue(pads)} (shape ${a.shapeString})`);
  }
  pads.forEach((p) => checkInt('pad', 'pad amount', p, a.shape));
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  if (isObject) checkOptions('pad', options, ['mode', 'value']);
  const mode = typeof options === 'string' ? options : isObject ? (options.mode ?? 'constant') : 'constant';
  const value = typeof options === 'number' ? options : isObject ? (options.value ?? 0) : typeof options === 'string' ? 0 : options;
  if (!PAD_MODES.includes(mode)) {
    throw new WasmgradError(`pad: mode must be one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}, got ${fmtValue(mode)}`);
  }
  if (typeof value !== 'number') throw new WasmgradError(`pad: value must be a number, got ${fmtValue(value)}`);
  if (mode !== 'constant') {
    if (value !== 0) throw new WasmgradError(`pad: value ${value} applies to mode 'constant' only, not '${mode}'`);
    return padWithMode(a, pads, mode);
  }
  const shape = a.shape.slice();
  const before = a.shape.map(() => 0);
  for (let k = 0; k < pads.length / 2; k++) {
    const d = a.ndim - 1 - k;
    before[d] = pads[2 * k];
    shape[d] += pads[2 * k] + pads[2 * k + 1];
    if (shape[d] < 0) {
      throw new ShapeError(`pad: pads ${fmtValue(pads)} make dim ${d} of ${a.shapeString} negative (${shape[d]})`);
    }
  }
  // Cropping (negative pads) is a view of the input's kept part; padding places that part.
  const inStrides = contiguousStrides(a.shape);
  const keptShape = a.shape.map((n, d) => Math.max(0, Math.min(n + Math.min(before[d], 0), shape[d] - Math.max(before[d], 0))));
  const cropOffset = before.reduce((o, b, d) => o + Math.max(-b, 0) * inStrides[d], 0);
  const whole = keptShape.every((n, d) => n === a.shape[d]);
  const kept = whole ? a : stridedView('pad', a, keptShape, { offset: keptShape.includes(0) ? 0 : cropOffset, strides: inStrides });
  try {
    const outStrides = contiguousStrides(shape);
    const offset = keptShape.includes(0) ? 0 : before.reduce((o, b, d) => o + Math.max(b, 0) * outStrides[d], 0);
    return assemble('pad', [kept], shape, [{ offset, strides: outStrides }], value);
  } finally {
    if (kept !== a && !kept.requiresGrad) kept.dispose();
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `length` elements of dim `dim` from `start`; see `wg.narrow`.
     *
     * @example wg.arange(5).narrow(0, 1, 3) // tensor([1, 2, 3])
     */
    narrow(dim: number, start: number, length: number): Tensor;
    /**
     * The slice at `index` of dim `dim`, which is removed; see `wg.select`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).select(0, 1) // tensor([3, 4])
     */
    select(dim: number, index: number): Tensor;
    /**
     * Pieces along `dim` of a given size or of the listed sizes; see `wg.split`.
     *
     * @example wg.arange(5).split([2, 3]).map((t) => t.shape) // [[2], [3]]
     */
    split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[];
    /**
     * At most `n` equal pieces along `dim` (the last may be smaller); see `wg.chunk`.
     *
     * @example wg.arange(6).chunk(2).map((t) => t.shape) // [[3], [3]]
     */
    chunk(n: number, dim?: number): Tensor[];
    /**
     * Reversed along each of `dims`; see `wg.flip`.
     *
     * @example wg.tensor([1, 2, 3]).flip(0) // tensor([3, 2, 1])
     */
    flip(dims: number | readonly number[]): Tensor;
    /**
     * Padded with a constant (default 0) or in a mode ('reflect', 'replicate', 'circular', or
     * `{ mode, value }`), pairs from the last dim backwards (F.pad order); see `wg.pad`.
     *
     * @example wg.tensor([1, 2]).pad([1, 0], 9) // tensor([9, 1, 2])
     * @example wg.tensor([1, 2]).pad([2, 0], 'circular') // tensor([1, 2, 1, 2])
     */
    pad(pads: readonly number[], options?: PadOptions): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  narrow(dim, start, length) { return narrow(this, dim, start, length); },
  select(dim, index) { return select(this, dim, index); },
  split(sizeOrSizes, dim = 0) { return split(this, sizeOrSizes, dim); },
  chunk(n, dim = 0) { return chunk(this, n, dim); },
  flip(dims) { return flip(this, dims); },
  pad(pads, options = 0) { return pad(this, pads, options); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
