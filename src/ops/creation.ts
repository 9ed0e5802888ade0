// Creating tensors: from data, constants, ranges and random numbers.

import type { DType } from '../backend/backend.js';
import { sizeOf } from '../backend/strides.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';
import { currentBackend } from '../runtime.js';
import { checkInt32Value, empty, tensorFrom } from '../alloc.js';
import { randomNormal, randomUniform } from './random.js';

// Moved to the tensor layer (autograd makes seeds and copies too); re-exported for ops.
export { tensorFrom, copyOf } from '../alloc.js';

/** Options of the creation functions. */
export interface TensorOptions {
  /**
   * Element type: 'float32' (default), 'float64' or 'int32' (indices; no gradient, values
   * truncated toward zero as PyTorch does); anything else is a DTypeError.
   */
  dtype?: DType;
  /** Make the new tensor a leaf that requires a gradient (a parameter). Default false. */
  requiresGrad?: boolean;
}

function checkDtype(op: string, dtype: unknown, fallback: DType = 'float32'): DType {
  if (dtype === undefined) return fallback;
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new DTypeError(`${op}: unknown dtype ${fmtValue(dtype)} (expected 'float32', 'float64' or 'int32')`);
  }
  return dtype;
}

/** The options every creation function takes; `extra` names any further keys it accepts. */
const CREATION_KEYS = ['dtype', 'requiresGrad'] as const;

/**
 * Checks creation options before anything is allocated: unknown keys, and values that would
 * otherwise be misread (`dtype: 'float16'`, `requiresGrad: 'yes'`).
 */
function creationOptions(op: string, opts: unknown, extra: readonly string[] = [], defaultDtype: DType = 'float32'):
  { dtype: DType; requiresGrad: boolean; o: Record<string, unknown> } {
  const o = checkOptions(op, opts, [...CREATION_KEYS, ...extra]);
  const requiresGrad = o.requiresGrad;
  if (requiresGrad !== undefined && typeof requiresGrad !== 'boolean') {
    throw new WasmgradError(`${op}: option requiresGrad must be true or false, got ${describeValue(requiresGrad)}`);
  }
  const dtype = checkDtype(op, o.dtype, defaultDtype);
  if (dtype === 'int32' && requiresGrad === true) {
    throw new DTypeError(`${op}: an int32 tensor cannot require a gradient (only float32 and float64 tensors can; PyTorch refuses too)`);
  }
  return { dtype, requiresGrad: requiresGrad === true, o };
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

function finish(t: Tensor, requiresGrad: boolean): Tensor {
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * The dtype data implies when `dtype` is not given: a Float64Array is float64 (its digits are
 * not silently rounded away), everything else — numbers, arrays, Float32Array and the integer
 * typed arrays — is the default float32.
 */
function dataDtype(data: unknown): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/**
 * A tensor from a number, nested arrays, a flat array or a typed array.
 * `opts.shape` gives flat data a shape. Without `opts.dtype`, a Float64Array gives a float64
 * tensor and any other data float32.
 *
 * PyTorch's `torch.tensor`. `opts.dtype` is 'float32', 'float64' or 'int32' (values truncated
 * toward zero as PyTorch does; NaN, ±Infinity or values outside the int32 range are a
 * WasmgradError); `opts.requiresGrad` makes a parameter (a DTypeError for int32).
 * Errors: a ShapeError for ragged nested arrays or a `shape` the values do not fill, a
 * WasmgradError for non-numeric values, a DTypeError for an unknown dtype.
 *
 * @example wg.tensor([1, 2, 3, 4], { shape: [2, 2] }) // tensor([[1, 2], [3, 4]])
 */
export function tensor(data: number | ArrayLike<unknown>, opts: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  const { dtype, requiresGrad, o } = creationOptions('tensor', opts, ['shape'], dataDtype(data));
  const backend = currentBackend('tensor');
  const shape = o.shape === undefined ? null : checkShape('tensor', o.shape);
  return finish(tensorFrom(data, shape, dtype, backend, 'tensor'), requiresGrad);
}

function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions): Tensor {
  const s = checkShape(op, shape);
  if (typeof value !== 'number') throw new WasmgradError(`${op}: value must be a number, got ${describeValue(value)}`);
  const { dtype, requiresGrad } = creationOptions(op, opts);
  if (dtype === 'int32') checkInt32Value(op, value);
  const backend = currentBackend(op);
  const t = empty(s, dtype, backend, op);
  backend.fill(t.storage, value);
  return finish(t, requiresGrad);
}

/**
 * A tensor of `shape` filled with `value` (`torch.full`). `opts.dtype` is 'float32' (default), 'float64' or 'int32'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.full([2], 7) // tensor([7, 7])
 */
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return filled('full', shape, value, opts);
}

/**
 * A tensor of `shape` filled with 0 (`torch.zeros`). `opts.dtype` is 'float32' (default), 'float64' or 'int32'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.zeros([2, 3], { dtype: 'float64' }).shape // [2, 3]
 */
export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, opts);
}

/**
 * A tensor of `shape` filled with 1 (`torch.ones`). `opts.dtype` is 'float32' (default), 'float64' or 'int32'; `opts.requiresGrad` makes a parameter. A ShapeError for an invalid shape.
 *
 * @example wg.ones([2]) // tensor([1, 1])
 */
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, opts);
}

function fromGenerator(op: string, shape: readonly number[], opts: TensorOptions, gen: (n: number) => Float64Array,
  intValues = true): Tensor {
  const s = checkShape(op, shape);
  const { dtype, requiresGrad } = creationOptions(op, opts);
  if (dtype === 'int32' && !intValues) {
    throw new DTypeError(`${op}: dtype 'int32' is not supported (${op} samples floats: use 'float32' or 'float64', as PyTorch requires)`);
  }
  const backend = currentBackend(op);
  const t = empty(s, dtype, backend, op);
  backend.write(t.storage, gen(t.size));
  return finish(t, requiresGrad);
}

/**
 * Standard normal samples (reproducible after manualSeed).
 *
 * `torch.randn`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter.
 *
 * @example wg.randn([2, 3]).shape // [2, 3]
 */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('randn', shape, opts, randomNormal, false);
}

/**
 * Uniform samples in [0, 1) (reproducible after manualSeed).
 *
 * `torch.rand`. `opts.dtype` is 'float32' (default) or 'float64'; `opts.requiresGrad` makes a parameter.
 *
 * @example wg.rand([4], { dtype: 'float64' }).dtype // 'float64'
 */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('rand', shape, opts, randomUniform, false);
}

/**
 * 0, 1, ..., n-1; or arange(start, end, step = 1) like PyTorch: start, start + step, ... up to
 * but excluding end. As in PyTorch, a step of 0, a step pointing away from end (arange(-3),
 * arange(0, 5, -1)) and non-finite numbers are errors, not an empty tensor.
 *
 * `torch.arange`: a 1-D tensor, `end` excluded. `opts.dtype` is 'float32' (default),
 * 'float64' or 'int32' (values truncated toward zero); `opts.requiresGrad` makes a parameter. All those errors are WasmgradErrors.
 *
 * @example wg.arange(1, 2, 0.25) // tensor([1, 1.25, 1.5, 1.75])
 */
export function arange(startOrN: number, stopOrOpts?: number | TensorOptions, step?: number, opts?: TensorOptions): Tensor {
  let start = 0, stop: unknown, by: unknown = 1;
  let o: unknown;
  const countForm = stopOrOpts === undefined || (typeof stopOrOpts === 'object' && stopOrOpts !== null);
  if (countForm) {
    // arange(n, opts?): the end only; a step without an end is a mistake.
    stop = startOrN; o = stopOrOpts;
    if (step !== undefined || opts !== undefined) {
      throw new WasmgradError(`arange: arange(n, opts) takes no further arguments; use arange(start, end, step, opts) (got step ${fmtValue(step)})`);
    }
  } else {
    start = startOrN; stop = stopOrOpts; by = step ?? 1; o = opts;
  }
  for (const [name, v] of [['start', start], ['end', stop], ['step', by]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new WasmgradError(`arange: ${name} must be a finite number, got ${describeValue(v)}`);
  }
  const end = stop as number, inc = by as number;
  if (inc === 0) throw new WasmgradError(`arange: step must not be 0 (start ${start}, end ${end})`);
  if (countForm && end < 0) {
    throw new WasmgradError(`arange: n must not be negative, got ${end} (arange(n) counts 0, 1, ..., n-1; PyTorch raises here too)`);
  }
  if ((end - start) * inc < 0) {
    throw new WasmgradError(`arange: step ${inc} goes away from end ${end} starting at ${start} (PyTorch raises here too; `
      + `${end < start ? 'use a negative step, or start below end' : 'use a positive step'})`);
  }
  const n = Math.ceil((end - start) / inc);
  if ((o as TensorOptions | undefined)?.dtype === 'int32' && n > 0) {
    checkInt32Value('arange', start);
    checkInt32Value('arange', start + (n - 1) * inc);
  }
  return fromGenerator('arange', [n], o as TensorOptions, (len) => {
    const a = new Float64Array(len);
    for (let i = 0; i < len; i++) a[i] = start + i * inc;
    return a;
  });
}

/**
 * The n×n identity.
 *
 * `torch.eye(n)`. `opts.dtype` is 'float32' (default), 'float64' or 'int32'; `opts.requiresGrad` makes a parameter. A ShapeError unless n is a non-negative integer.
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
