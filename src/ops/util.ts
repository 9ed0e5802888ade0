// Helpers every op family shares: number coercion, broadcasting, axes.

import { contiguousStrides } from '../backend/strides.js';
import { ShapeError, WasmgradError, describeValue, fmtShape, fmtValue } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, checkNumber, scalarLike } from '../alloc.js';

// Tensor allocation lives in the tensor layer (autograd needs it too); re-exported for ops.
export { asTensor, empty, emptyLike, requireTensor, sameShape, scalarLike } from '../alloc.js';

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
  return [asTensor(op, a), asTensor(op, b)];
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

/** A parameter must be a finite number (checked before anything is allocated). */
export function finiteParam(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new WasmgradError(`${op}: ${name} must be a finite number, got ${describeValue(v)}`);
  }
  return v;
}
