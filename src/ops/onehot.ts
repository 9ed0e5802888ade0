// oneHot: class indices to rows of 0s with a 1 at the index (`torch.nn.functional.one_hot`).
// Not differentiable (its input is integers), so it is no gate: the indices are read and checked
// here in JS, and the result is written once into a new int32 tensor.

import { Tensor } from '../tensor.js';
import { DTypeError, ShapeError, WasmgradError, describeValue, fmtShape } from '../errors.js';
import { currentBackend } from '../runtime.js';
import type { Backend } from '../backend/backend.js';
import type { IndexLike } from './indexing.js';
import { empty } from './util.js';

/** The indices flattened, their shape and the backend the result goes to. */
function readIndices(indices: unknown): { values: ArrayLike<unknown>; shape: number[]; backend: Backend } {
  if (indices instanceof Tensor) {
    indices.assertLive('oneHot');
    if (indices.dtype !== 'int32') {
      throw new DTypeError(`oneHot: indices must be an int32 tensor, got ${indices.dtype} of shape ${fmtShape(indices.shape)} (use astype('int32'))`);
    }
    return { values: indices.backend.read(indices.storage), shape: indices.shape.slice(), backend: indices.backend };
  }
  const backend = currentBackend('oneHot');
  if (ArrayBuffer.isView(indices) && !(indices instanceof DataView)) {
    const flat = indices as unknown as ArrayLike<unknown>;
    return { values: flat, shape: [flat.length], backend };
  }
  if (!Array.isArray(indices)) {
    throw new WasmgradError(`oneHot: indices must be an array, an Int32Array or an int32 Tensor, got ${describeValue(indices)}`);
  }
  // nested arrays: the shape is read along the first elements; every other element must match it
  const shape: number[] = [];
  for (let p: unknown = indices; Array.isArray(p); p = p[0]) shape.push(p.length);
  const flat: unknown[] = [];
  const stack: [unknown, number][] = [[indices, 0]];
  while (stack.length > 0) {
    const [a, depth] = stack.pop()!;
    if (depth === shape.length) { flat.push(a); continue; }
    if (!Array.isArray(a) || a.length !== shape[depth]) {
      throw new ShapeError(`oneHot: indices are ragged: expected an array of length ${shape[depth]} at depth ${depth}`);
    }
    for (let i = a.length - 1; i >= 0; i--) stack.push([a[i], depth + 1]);
  }
  return { values: flat, shape, backend };
}

/**
 * One-hot encoding (`torch.nn.functional.one_hot`): an int32 tensor of shape
 * `[...indices.shape, numClasses]`, 1 at each index and 0 elsewhere. `indices` are integers ≥ 0
 * (an array, nested arrays, an Int32Array or an int32 tensor, whose backend the result takes);
 * `numClasses = -1` (the default) infers the largest index + 1. PyTorch returns int64;
 * wasmgrad's integer dtype is int32 (use `astype` for a float mask). A WasmgradError names a
 * non-integer or negative index, one ≥ numClasses, or a bad numClasses; a DTypeError a float
 * tensor of indices.
 *
 * @param indices Class indices of any shape.
 * @param numClasses The length of the last dimension, or -1 to infer it (default).
 * @example wg.oneHot([2, 0], 3) // tensor([[0, 0, 1], [1, 0, 0]]) (int32)
 */
export function oneHot(indices: IndexLike, numClasses = -1): Tensor {
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < -1) {
    throw new WasmgradError(`oneHot: numClasses must be -1 (infer) or an integer >= 0, got ${describeValue(numClasses)}`);
  }
  const { values, shape, backend } = readIndices(indices);
  const n = values.length;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new WasmgradError(`oneHot: index ${describeValue(v)} at position ${i} is not an integer`);
    }
    if (v < 0) throw new WasmgradError(`oneHot: index ${v} at position ${i} is negative (class indices start at 0)`);
    if (numClasses !== -1 && v >= numClasses) {
      throw new WasmgradError(`oneHot: index ${v} at position ${i} is out of range for numClasses ${numClasses} (indices shape ${fmtShape(shape)})`);
    }
    if (v > max) max = v;
  }
  if (numClasses === -1 && n === 0) {
    throw new WasmgradError(`oneHot: cannot infer numClasses from empty indices of shape ${fmtShape(shape)} (pass numClasses)`);
  }
  const classes = numClasses === -1 ? max + 1 : numClasses;
  const data = new Int32Array(n * classes);
  for (let i = 0; i < n; i++) data[i * classes + (values[i] as number)] = 1;
  const out = empty([...shape, classes], 'int32', backend, 'oneHot');
  backend.write(out.storage, data);
  return out;
}
