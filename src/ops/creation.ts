// Creating tensors: from data, constants, ranges and random numbers.

import type { Backend, DType } from '../backend/backend.js';
import { sizeOf } from '../backend/strides.js';
import { DTypeError, ShapeError, WasmgradError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { currentBackend } from '../runtime.js';
import { empty } from './util.js';
import { randomNormal, randomUniform } from './random.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function checkDtype(op: string, dtype: unknown): DType {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected 'float32' or 'float64')`);
  }
  return dtype;
}

/** Validates a shape argument: an array of non-negative integer dimensions. */
export function checkShape(op: string, shape: unknown): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array of dimensions, got ${typeof shape}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid shape ${fmtShape(shape.map(String) as never)}: dimensions must be non-negative integers (got ${String(d)})`);
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

/** Flattens nested arrays, checking that they are rectangular and numeric. */
function flatten(op: string, data: unknown): { shape: number[]; values: ArrayLike<number> } {
  if (typeof data === 'number') return { shape: [], values: [data] };
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new WasmgradError(`${op}: DataView is not supported as data`);
    const arr = data as unknown as ArrayLike<number | bigint>;
    if (typeof arr[0] === 'bigint') throw new WasmgradError(`${op}: BigInt arrays are not supported as data`);
    return { shape: [arr.length], values: arr as ArrayLike<number> };
  }
  if (!Array.isArray(data)) {
    throw new WasmgradError(`${op}: data must be a number, a (nested) array or a typed array, got ${data === null ? 'null' : typeof data}`);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: number[] = [];
  const walk = (v: unknown, d: number, path: string): void => {
    if (d === shape.length) {
      if (typeof v !== 'number') {
        throw new WasmgradError(`${op}: non-numeric value ${JSON.stringify(v) ?? String(v)} at ${path || 'top level'}`);
      }
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ShapeError(`${op}: ragged data: expected an array of length ${shape[d]} at ${path || 'top level'}, got ${Array.isArray(v) ? `length ${v.length}` : JSON.stringify(v) ?? String(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], d + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return { shape, values };
}

/** @internal A tensor from data on a given backend (used for seeds and constants). */
export function tensorFrom(data: number | ArrayLike<unknown>, shape: readonly number[] | null, dtype: DType, backend: Backend): Tensor {
  const flat = flatten('tensor', data);
  let outShape = flat.shape;
  if (shape !== null) {
    if (sizeOf(shape) !== flat.values.length) {
      throw new ShapeError(`tensor: ${flat.values.length} values do not fit shape ${fmtShape(shape)}`);
    }
    outShape = shape.slice();
  }
  const t = empty(outShape, dtype, backend);
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
 */
export function tensor(data: number | ArrayLike<unknown>, opts: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = checkDtype('tensor', opts.dtype);
  const backend = currentBackend('tensor');
  const shape = opts.shape === undefined ? null : checkShape('tensor', opts.shape);
  return finish(tensorFrom(data, shape, dtype, backend), opts);
}

export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  const s = checkShape('full', shape);
  if (typeof value !== 'number') throw new WasmgradError(`full: value must be a number, got ${typeof value}`);
  const dtype = checkDtype('full', opts.dtype);
  const backend = currentBackend('full');
  const t = empty(s, dtype, backend);
  backend.fill(t.storage, value);
  return finish(t, opts);
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

function fromGenerator(op: string, shape: readonly number[], opts: TensorOptions, gen: (n: number) => Float64Array): Tensor {
  const s = checkShape(op, shape);
  const dtype = checkDtype(op, opts.dtype);
  const backend = currentBackend(op);
  const t = empty(s, dtype, backend);
  backend.write(t.storage, gen(t.size));
  return finish(t, opts);
}

/** Standard normal samples (reproducible after manualSeed). */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('randn', shape, opts, randomNormal);
}

/** Uniform samples in [0, 1) (reproducible after manualSeed). */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return fromGenerator('rand', shape, opts, randomUniform);
}

/** 0, 1, ..., n-1; or arange(start, stop, step?) like NumPy. */
export function arange(startOrN: number, stopOrOpts?: number | TensorOptions, step?: number, opts?: TensorOptions): Tensor {
  let start = 0, stop: number, by = 1;
  let o: TensorOptions = {};
  if (typeof stopOrOpts === 'number') {
    start = startOrN; stop = stopOrOpts; by = step ?? 1; o = opts ?? {};
  } else {
    stop = startOrN; o = stopOrOpts ?? {};
  }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', by]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new WasmgradError(`arange: ${name} must be a finite number, got ${String(v)}`);
  }
  if (by === 0) throw new WasmgradError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / by));
  return fromGenerator('arange', [n], o, (len) => {
    const a = new Float64Array(len);
    for (let i = 0; i < len; i++) a[i] = start + i * by;
    return a;
  });
}

/** The n×n identity. */
export function eye(n: number, opts: TensorOptions = {}): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ShapeError(`eye: n must be a non-negative integer, got ${String(n)}`);
  return fromGenerator('eye', [n, n], opts, (len) => {
    const a = new Float64Array(len);
    for (let i = 0; i < n; i++) a[i * n + i] = 1;
    return a;
  });
}
