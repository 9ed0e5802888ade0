// Helpers every op family shares: output allocation, number coercion, broadcasting, axes.

import type { Backend, DType } from '../backend/backend.js';
import { contiguousStrides, sizeOf } from '../backend/strides.js';
import { OutOfMemoryError, ShapeError, WasmgradError, describeValue, fmtShape, fmtValue } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { currentBackend } from '../runtime.js';

/**
 * A new tensor of `shape` with uninitialised contents, on `backend`. Running out of memory is
 * reported with the tensor's shape (and `op` when given; gates add their own name).
 */
export function empty(shape: readonly number[], dtype: DType, backend: Backend, op?: string): Tensor {
  let storage;
  try {
    storage = backend.alloc(dtype, sizeOf(shape));
  } catch (e) {
    if (!(e instanceof OutOfMemoryError)) throw e;
    const n = sizeOf(shape);
    throw new OutOfMemoryError(`${op !== undefined ? `${op}: ` : ''}out of memory for a ${dtype} tensor of shape ${fmtShape(shape)} `
      + `(${n} elements) on ${backend.name}: ${e.message.replace(/^alloc: /, '')}`);
  }
  return new Tensor(storage, shape, dtype, backend);
}

/** The argument as a live Tensor, or a WasmgradError naming the op and what it got. */
export function requireTensor(op: string, a: unknown, what = 'input'): Tensor {
  if (!(a instanceof Tensor)) throw new WasmgradError(`${op}: ${what} must be a Tensor, got ${describeValue(a)}`);
  a.assertLive(op);
  return a;
}

export function emptyLike(t: Tensor): Tensor {
  return empty(t.shape, t.dtype, t.backend);
}

/** A 0-d constant with the dtype and backend of `like` (plain numbers in binary ops). */
export function scalarLike(v: number, like: Tensor): Tensor {
  const t = empty([], like.dtype, like.backend);
  like.backend.fill(t.storage, v);
  return t;
}

function checkNumber(op: string, v: number): void {
  if (typeof v !== 'number') throw new WasmgradError(`${op}: expected a Tensor or a number, got ${describeValue(v)}`);
}

/** Turns plain numbers into 0-d tensors matching the other operand (or the defaults). */
export function coercePair(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor) {
    if (b instanceof Tensor) return [a, b];
    checkNumber(op, b);
    a.assertLive(op);
    return [a, scalarLike(b, a)];
  }
  checkNumber(op, a);
  if (b instanceof Tensor) {
    b.assertLive(op);
    return [scalarLike(a, b), b];
  }
  checkNumber(op, b);
  const backend = currentBackend(op);
  const ta = empty([], 'float32', backend);
  backend.fill(ta.storage, a);
  const tb = empty([], 'float32', backend);
  backend.fill(tb.storage, b);
  return [ta, tb];
}

export function asTensor(op: string, a: TensorLike): Tensor {
  if (a instanceof Tensor) return a;
  checkNumber(op, a);
  const backend = currentBackend(op);
  const t = empty([], 'float32', backend);
  backend.fill(t.storage, a);
  return t;
}

/** NumPy broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Element strides that read a tensor of `shape` as if it had `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = contiguousStrides(shape);
  const off = outShape.length - shape.length;
  const out = new Array<number>(outShape.length);
  for (let i = 0; i < outShape.length; i++) {
    out[i] = i < off || shape[i - off] === 1 ? 0 : strides[i - off];
  }
  return out;
}

/** Normalises an axis argument to sorted unique non-negative axes; undefined/null = all. */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, shape: readonly number[]): number[] {
  const ndim = shape.length;
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new ShapeError(`${op}: axis must be a number or an array of numbers, got ${describeValue(axis)} for shape ${fmtShape(shape)}`);
  }
  const list: unknown[] = typeof axis === 'number' ? [axis] : Array.from(axis);
  const seen = new Set<number>();
  for (const a of list) {
    const n = normalizeAxis(op, a as number, shape);
    if (seen.has(n)) throw new ShapeError(`${op}: axis ${n} repeated in ${fmtValue(list)} for shape ${fmtShape(shape)}`);
    seen.add(n);
  }
  return [...seen].sort((x, y) => x - y);
}

/** Normalises one axis, counting negative axes from the end. */
export function normalizeAxis(op: string, axis: number, shape: readonly number[]): number {
  const ndim = shape.length;
  if (typeof axis !== 'number') {
    throw new ShapeError(`${op}: axis must be an integer, got ${describeValue(axis)} for shape ${fmtShape(shape)}`);
  }
  if (!Number.isInteger(axis)) {
    throw new ShapeError(`${op}: axis ${fmtValue(axis)} is not an integer (shape ${fmtShape(shape)})`);
  }
  if (axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${fmtValue(axis)} is out of range for shape ${fmtShape(shape)} (${ndim} dimension${ndim === 1 ? '' : 's'})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** keepdims must be a boolean: `sum(0, 'yes')` or `sum(0, { keepdim: true })` are mistakes, not true. */
export function checkKeepdims(op: string, keepdims: unknown): boolean {
  if (keepdims === undefined) return false;
  if (typeof keepdims !== 'boolean') {
    throw new WasmgradError(`${op}: keepdims must be true or false, got ${describeValue(keepdims)}`);
  }
  return keepdims;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
