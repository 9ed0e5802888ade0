// Creating tensors: from data, constants, ranges and random numbers.

import type { Backend, DType } from '../backend/backend.js';
import { sizeOf } from '../backend/strides.js';
import { DTypeError, ShapeError, WasmgradError, describeValue, fmtShape, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';
import { currentBackend } from '../runtime.js';
import { empty } from './util.js';
import { randomNormal, randomUniform } from './random.js';

/** Options of the creation functions. */
export interface TensorOptions {
  /** Element type: 'float32' (default) or 'float64'; anything else is a DTypeError. */
  dtype?: DType;
  /** Make the new tensor a leaf that requires a gradient (a parameter). Default false. */
  requiresGrad?: boolean;
}

function checkDtype(op: string, dtype: unknown): DType {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${op}: unknown dtype ${fmtValue(dtype)} (expected 'float32' or 'float64')`);
  }
  return dtype;
}

/** Validates a shape argument: an array of non-negative integer dimensions. */
export function checkShape(op: string, shape: unknown): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array of dimensions, got ${fmtValue(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${fmtValue(shape)}: dimensions must be non-negative integers (got ${fmtValue(d)})`);
    }
  }
  const n = sizeOf(shape);
  if (n > 2 ** 31 - 1) throw new ShapeError(`${op}: shape ${fmtShape(shape)} has ${n} elements, more than the 2^31-1 supported`);
  return shape.slice();
}

function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Most dimensions nested data may have (deeper nesting is an error, not a stack overflow). */
const MAX_NESTING = 64;

/** Flattens nested arrays, checking that they are rectangular and numeric. No recursion. */
function flatten(op: string, data: unknown): { shape: number[]; values: ArrayLike<number> } {
  if (typeof data === 'number') return { shape: [], values: [data] };
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new WasmgradError(`${op}: DataView is not supported as data`);
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new WasmgradError(`${op}: BigInt arrays are not supported as data`);
    }
    const arr = data as unknown as ArrayLike<number>;
    return { shape: [arr.length], values: arr };
  }
  if (!Array.isArray(data)) {
    throw new WasmgradError(`${op}: data must be a number, a (nested) array or a typed array, got ${describeValue(data)}`);
  }
  // The shape is read along the first elements; every other element must match it.
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_NESTING) {
      throw new ShapeError(`${op}: data is nested more than ${MAX_NESTING} levels deep`);
    }
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: number[] = [];
  // An explicit stack of (array, depth, index path) replaces recursion.
  const stack: { arr: unknown; depth: number; path: string }[] = [{ arr: data, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { arr, depth, path } = stack.pop()!;
    if (depth === shape.length) {
      if (typeof arr !== 'number') {
        throw new WasmgradError(`${op}: non-numeric value ${describeValue(arr)} at ${path || 'top level'}`);
      }
      values.push(arr);
      continue;
    }
    if (!Array.isArray(arr) || arr.length !== shape[depth]) {
      throw new ShapeError(`${op}: ragged data: expected an array of length ${shape[depth]} at ${path || 'top level'}, got ${Array.isArray(arr) ? `length ${arr.length}` : fmtValue(arr)}`);
    }
    // Push in reverse so values come out in row-major order.
    for (let i = arr.length - 1; i >= 0; i--) stack.push({ arr: arr[i], depth: depth + 1, path: `${path}[${i}]` });
  }
  return { shape, values };
}

/** @internal A tensor from data on a given backend (used for seeds and constants). */
export function tensorFrom(data: number | ArrayLike<unknown>, shape: readonly number[] | null, dtype: DType, backend: Backend,
  op = 'tensor'): Tensor {
  const flat = flatten(op, data);
  let outShape = flat.shape;
  if (shape !== null) {
    if (sizeOf(shape) !== flat.values.length) {
      throw new ShapeError(`${op}: ${flat.values.length} values do not fit shape ${fmtShape(shape)}`);
    }
    outShape = shape.slice();
  }
  const t = empty(outShape, dtype, backend, op);
  if (flat.values.length === 1 && typeof data === 'number') backend.fill(t.storage, data);
  else backend.write(t.storage, flat.values);
  return t;
}

/** @internal An independent copy (same shape, dtype, backend), not on the tape. */
export function copyOf(t: Tensor): Tensor {
  const out = empty(t.shape, t.dtype, t.backend);
  t.backend.cast(out.storage, t.storage);
  return out;
}

/**
 * A tensor from a number, nested arrays, a flat array or a typed array.
 * `opts.shape` gives flat data a shape.
 *
 * PyTorch's `torch.tensor`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter.
 * Errors: a ShapeError for ragged nested arrays or a `shape` the values do not fill, a
 * WasmgradError for non-numeric values, a DTypeError for an unknown dtype.
 *
 * @example wg.tensor([1, 2, 3, 4], { shape: [2, 2] }) // tensor([[1, 2], [3, 4]])
 */
export function tensor(data: number | ArrayLike<unknown>, opts: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = checkDtype('tensor', opts.dtype);
  const backend = currentBackend('tensor');
  const shape = opts.shape === undefined ? null : checkShape('tensor', opts.shape);
  return finish(tensorFrom(data, shape, dtype, backend, 'tensor'), opts);
}

function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== 'number') throw new WasmgradError(`${op}: value must be a number, got ${describeValue(value)}`);
  const dtype = checkDtype(op, opts.dtype);
  const backend = currentBackend(op);
  const t = empty(s, dtype, backend, op);
  backend.fill(t.storage, value);
  return finish(t, opts);
}

/**
 * A tensor of `shape` filled with `value` (`torch.full`). `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.full([2], 7) // tensor([7, 7])
 */
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/**
 * A tensor of `shape` filled with 0 (`torch.zeros`). `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.zeros([2, 3], { dtype: 'float64' }).shape // [2, 3]
 */
export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}

/**
 * A tensor of `shape` filled with 1 (`torch.ones`). `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.ones([2]) // tensor([1, 1])
 */
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}

function fromGenerator(op: string, shape: readonly number[], opts: TensorOptions, gen: (n: number) => Float64Array): Tensor {
  const s = checkShape(op, shape);
  const dtype = checkDtype(op, opts.dtype);
  const backend = currentBackend(op);
  const t = empty(s, dtype, backend, op);
  backend.write(t.storage, gen(t.size));
  return finish(t, opts);
}

/**
 * Standard normal samples (reproducible after manualSeed).
 *
 * `torch.randn`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter.
 *
 * @example wg.randn([2, 3]).shape // [2, 3]
 */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('randn', shape, opts, randomNormal);
}

/**
 * Uniform samples in [0, 1) (reproducible after manualSeed).
 *
 * `torch.rand`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter.
 *
 * @example wg.rand([4], { dtype: 'float64' }).dtype // 'float64'
 */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('rand', shape, opts, randomUniform);
}

/**
 * 0, 1, ..., n-1; or arange(start, stop, step?) like NumPy.
 *
 * `torch.arange`: a 1-D tensor, `stop` excluded. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter. A WasmgradError for a non-finite
 * argument or a zero step.
 *
 * @example wg.arange(1, 2, 0.25) // tensor([1, 1.25, 1.5, 1.75])
 */
export function arange(startOrN: number, stopOrOpts?: number | TensorOptions, step?: number, opts?: TensorOptions): Tensor {
  let start = 0, stop: number, by = 1;
  let o: TensorOptions = {};
  if (typeof stopOrOpts === 'number') {
    start = startOrN; stop = stopOrOpts; by = step ?? 1; o = opts ?? {};
  } else {
    stop = startOrN; o = stopOrOpts ?? {};
  }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', by]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new WasmgradError(`arange: ${name} must be a finite number, got ${fmtValue(v)}`);
  }
  if (by === 0) throw new WasmgradError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / by));
  return fromGenerator('arange', [n], o, (len) => {
    const a = new Float64Array(len);
    for (let i = 0; i < len; i++) a[i] = start + i * by;
    return a;
  });
}

/**
 * The n×n identity.
 *
 * `torch.eye(n)`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter. A ShapeError unless n is a non-negative integer.
 *
 * @example wg.eye(2) // tensor([[1, 0], [0, 1]])
 */
export function eye(n: number, opts: TensorOptions = {}): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ShapeError(`eye: n must be a non-negative integer, got ${fmtValue(n)}`);
  return fromGenerator('eye', [n, n], opts, (len) => {
    const a = new Float64Array(len);
    for (let i = 0; i < n; i++) a[i * n + i] = 1;
    return a;
  });
}
