// Making tensors below the ops layer: uninitialised outputs, 0-d constants, copies and tensors
// from data. Ops build on these, and so does autograd (seeds, gradient copies), which is why they
// live here and not in src/ops/.

import type { Backend, Binary, DType } from './backend/backend.js';
import { contiguousStrides, sizeOf } from './backend/strides.js';
import { OutOfMemoryError, ShapeError, WasmgradError, describeValue, fmtShape, fmtValue } from './errors.js';
import { currentBackend } from './runtime.js';
import { Tensor, type TensorLike } from './tensor.js';

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

/** A new uninitialised tensor with `t`'s shape, dtype and backend. */
export function emptyLike(t: Tensor): Tensor {
  return empty(t.shape, t.dtype, t.backend);
}

/**
 * A binary kernel over two tensors of one shape (and dtype and backend) into a new tensor: the
 * broadcast-free case of the binary ops, and autograd's gradient accumulation.
 */
export function binarySameShape(op: Binary, a: Tensor, b: Tensor): Tensor {
  const out = emptyLike(a);
  const s = contiguousStrides(a.shape);
  a.backend.binary(op, out.storage, a.storage, b.storage, a.shape, s, s);
  return out;
}

/** A new tensor with `t`'s shape, dtype and backend, every element `v` (a constant: not recorded). */
export function filledLike(t: Tensor, v: number): Tensor {
  const out = emptyLike(t);
  t.backend.fill(out.storage, v);
  return out;
}

/** A 0-d constant with the dtype and backend of `like` (plain numbers in binary ops). */
export function scalarLike(v: number, like: Tensor): Tensor {
  const t = empty([], like.dtype, like.backend);
  like.backend.fill(t.storage, v);
  return t;
}

/** A plain number where an op accepts a Tensor or a number; anything else names the op. */
export function checkNumber(op: string, v: number): void {
  if (typeof v !== 'number') throw new WasmgradError(`${op}: expected a Tensor or a number, got ${describeValue(v)}`);
}

/** A tensor as it is, or a plain number as a 0-d float32 tensor on the current backend. */
export function asTensor(op: string, a: TensorLike): Tensor {
  if (a instanceof Tensor) return a;
  checkNumber(op, a);
  const backend = currentBackend(op);
  const t = empty([], 'float32', backend);
  backend.fill(t.storage, a);
  return t;
}

/** True when two shapes have the same dimensions. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/**
 * A value an int32 tensor can hold after PyTorch's truncation toward zero; NaN, ±Inf and values
 * outside [-2^31, 2^31 - 1] are an error naming the op and the value (PyTorch's result there is
 * undefined behaviour, not a number to rely on).
 */
export function checkInt32Value(op: string, v: number, where = ''): void {
  const t = Math.trunc(v);
  if (!(t >= -2147483648 && t <= 2147483647)) {
    throw new WasmgradError(`${op}: value ${fmtValue(v)}${where} cannot be converted to int32 (NaN, ±Infinity and values outside [-2147483648, 2147483647] have no int32 value)`);
  }
}

/** checkInt32Value over data headed for an int32 tensor; integer typed arrays need no check. */
function checkInt32Data(op: string, values: ArrayLike<number>): void {
  if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array
    || values instanceof Uint16Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return;
  for (let i = 0; i < values.length; i++) checkInt32Value(op, values[i], values.length === 1 ? '' : ` at flat index ${i}`);
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
  // Float values are truncated toward zero by the int32 write, as PyTorch's torch.tensor does.
  if (dtype === 'int32') checkInt32Data(op, flat.values);
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
