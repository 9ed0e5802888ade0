// Shape gates: reshape, transpose, broadcastTo, and the conversions astype and to.
// reshape shares storage (no copy); transpose and broadcastTo make strided copies.

import type { BackendName, DType } from '../backend/backend.js';
import { contiguousStrides } from '../backend/strides.js';
import { Tensor } from '../tensor.js';
import { applyGate, noGrad, type Gate } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, fmtShape, fmtValue } from '../errors.js';
import { backendFor, checkBackendName } from '../runtime.js';
import { broadcastShapes, broadcastStrides, empty, requireTensor, sameShape } from './util.js';
import { sumTo } from './reduce.js';
import { checkShape } from './creation.js';

// reshape: same elements in the same order; the gradient is reshaped back.
const reshapeGate: Gate<{ shape: number[] }> = {
  name: 'reshape',
  acceptsInt32: true,
  forward(_ctx, [a], { shape }) {
    return a.shareStorage(shape);
  },
  backward(ctx, dy) {
    return [reshape(dy, ctx.inputs[0].shape)];
  },
};

/** Resolves one -1 and checks the element count, naming both shapes on failure. */
function resolveShape(a: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`reshape: shape must be an array, got ${fmtValue(shape)}`);
  let infer = -1, known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) {
      if (infer >= 0) throw new ShapeError(`reshape: only one dimension can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(`reshape: invalid dimension ${fmtValue(d)} in ${fmtValue(shape)}`);
    } else {
      known *= d;
    }
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || a.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${a.shapeString} (${a.size} elements) into ${fmtShape(shape)}`);
    }
    out[infer] = a.size / known;
  } else if (known !== a.size) {
    throw new ShapeError(`reshape: cannot reshape ${a.shapeString} (${a.size} elements) into ${fmtShape(shape)} (${known} elements)`);
  }
  return out;
}

/**
 * The same elements, row-major, in a new shape (`torch.reshape`); one dimension may be -1 and
 * is inferred. A ShapeError when the element counts differ.
 *
 * @example wg.reshape(wg.arange(6), [2, -1]) // tensor([[0, 1, 2], [3, 4, 5]])
 */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', a);
  const s = resolveShape(a, shape);
  if (sameShape(s, a.shape) && !a.requiresGrad) return a.shareStorage();
  return applyGate(reshapeGate, [a], { shape: s });
}

// transpose: a permutation of axes; the gradient is permuted back by the inverse.
const transposeGate: Gate<{ axes: number[] }> = {
  name: 'transpose',
  acceptsInt32: true,
  forward(_ctx, [a], { axes }) {
    const strides = contiguousStrides(a.shape);
    const out = empty(axes.map((p) => a.shape[p]), a.dtype, a.backend);
    a.backend.copyStrided(out.storage, a.storage, out.shape, axes.map((p) => strides[p]), 0);
    return out;
  },
  backward(ctx, dy) {
    const axes = ctx.attrs.axes;
    const inv = new Array<number>(axes.length);
    axes.forEach((p, i) => { inv[p] = i; });
    return [transpose(dy, inv)];
  },
};

/**
 * The axes permuted: result axis i is input axis `axes[i]` (NumPy's `transpose`, PyTorch's
 * `permute`); by default the axes are reversed. Negative axes count from the end. A ShapeError
 * when `axes` is not a permutation of all axes.
 *
 * @example wg.transpose(wg.zeros([2, 3, 4]), [0, 2, 1]).shape // [2, 4, 3]
 */
export function transpose(a: Tensor, axes?: readonly number[]): Tensor {
  requireTensor('transpose', a);
  const n = a.ndim;
  let perm: number[];
  if (axes === undefined || axes === null) {
    perm = Array.from({ length: n }, (_, i) => n - 1 - i);
  } else {
    if (!Array.isArray(axes) || axes.length !== n) {
      throw new ShapeError(`transpose: axes ${fmtValue(axes)} must list each of the ${n} axes of ${a.shapeString} once`);
    }
    const bad = axes.find((x) => typeof x !== 'number' || !Number.isInteger(x));
    if (bad !== undefined) {
      throw new ShapeError(`transpose: axis ${fmtValue(bad)} in ${fmtValue(axes)} is not an integer (shape ${a.shapeString})`);
    }
    perm = axes.map((x) => (x < 0 ? x + n : x));
    const seen = new Set(perm);
    if (seen.size !== n || perm.some((x) => !Number.isInteger(x) || x < 0 || x >= n)) {
      throw new ShapeError(`transpose: axes ${fmtValue(axes)} are not a permutation of the ${n} axes of ${a.shapeString}`);
    }
  }
  return applyGate(transposeGate, [a], { axes: perm });
}

// broadcastTo: copies along broadcast axes; the adjoint sums them back (tinygrad's Expand).
const broadcastToGate: Gate<{ shape: number[] }> = {
  name: 'broadcastTo',
  acceptsInt32: true,
  forward(_ctx, [a], { shape }) {
    const out = empty(shape, a.dtype, a.backend);
    a.backend.copyStrided(out.storage, a.storage, shape, broadcastStrides(a.shape, shape), 0);
    return out;
  },
  backward(ctx, dy) {
    return [sumTo(dy, ctx.inputs[0].shape)];
  },
};

/**
 * `a` repeated along broadcast axes to `shape` by NumPy's rules (`torch.broadcast_to`,
 * `expand`); the gradient is summed back. A ShapeError when `a` cannot be broadcast to `shape`
 * or `shape` is not a valid shape.
 *
 * @example wg.broadcastTo(wg.tensor([1, 2]), [2, 2]) // tensor([[1, 2], [1, 2]])
 */
export function broadcastTo(a: Tensor, shapeArg: readonly number[]): Tensor {
  requireTensor('broadcastTo', a);
  const shape = checkShape('broadcastTo', shapeArg);
  if (sameShape(a.shape, shape)) return a;
  const s = broadcastShapes('broadcastTo', a.shape, shape);
  if (!sameShape(s, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${a.shapeString} to ${fmtShape(shape)}`);
  }
  return applyGate(broadcastToGate, [a], { shape: s });
}

// astype: a converted copy; the gradient is converted back. Float -> int32 truncates toward
// zero (PyTorch) and is a constant: integer tensors carry no gradient.
const astypeGate: Gate<{ dtype: DType }> = {
  name: 'astype',
  acceptsInt32: true,
  mixedInputs: true,
  forward(_ctx, [a], { dtype }) {
    const out = empty(a.shape, dtype, a.backend);
    if (dtype === 'int32' && a.dtype !== 'int32') {
      const bad = a.backend.castToInt32(out.storage, a.storage);
      if (bad >= 0) {
        throw new WasmgradError(`astype: value ${fmtValue(a.backend.get(a.storage, bad))} at flat index ${bad} of ${a.dtype} ${a.shapeString} `
          + `cannot be converted to int32 (NaN, ±Infinity and values outside [-2147483648, 2147483647] have no int32 value)`);
      }
    } else {
      a.backend.cast(out.storage, a.storage);
    }
    return out;
  },
  backward(ctx, dy) {
    return [astype(dy, ctx.inputs[0].dtype)];
  },
};

/**
 * A copy converted to `dtype`, 'float32', 'float64' or 'int32' (PyTorch's `to(dtype)`); the
 * gradient is converted back. To int32, values are truncated toward zero as in PyTorch and the
 * result has no gradient; NaN, ±Infinity or a value outside the int32 range is a WasmgradError
 * naming it. A DTypeError for any other dtype.
 *
 * @example wg.astype(wg.tensor([1.7, -1.7]), 'int32') // tensor([1, -1], dtype=int32)
 */
export function astype(a: Tensor, dtype: DType): Tensor {
  requireTensor('astype', a);
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new DTypeError(`astype: unknown dtype ${fmtValue(dtype)} (expected 'float32', 'float64' or 'int32')`);
  }
  // An integer result is a constant (PyTorch: integer tensors cannot require gradients).
  if (dtype === 'int32' && a.requiresGrad) return noGrad(() => applyGate(astypeGate, [a], { dtype }));
  return applyGate(astypeGate, [a], { dtype });
}

// to: a copy on another backend; the gradient goes back to the original backend.
const toGate: Gate<{ backend: BackendName }> = {
  name: 'to',
  acceptsInt32: true,
  mixedInputs: true,
  forward(_ctx, [a], { backend }) {
    const b = backendFor(backend, 'to');
    const out = empty(a.shape, a.dtype, b);
    b.write(out.storage, a.backend.read(a.storage));
    return out;
  },
  backward(ctx, dy) {
    return [to(dy, ctx.inputs[0].backendName)];
  },
};

/**
 * A copy on another backend, 'wasm' or 'js' (PyTorch's `to(device)`); the gradient goes back
 * to the original backend. A BackendError for an unknown name or a wasm backend not loaded.
 *
 * @example wg.to(wg.tensor([1, 2]), 'js').backendName // 'js'
 */
export function to(a: Tensor, backend: BackendName): Tensor {
  requireTensor('to', a);
  checkBackendName(backend, 'to');
  backendFor(backend, 'to');
  return applyGate(toGate, [a], { backend });
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The same elements in a new shape (one dimension may be -1); see `wg.reshape`.
     *
     * @example wg.arange(6).reshape([2, -1]) // tensor([[0, 1, 2], [3, 4, 5]])
     */
    reshape(shape: readonly number[]): Tensor;
    /**
     * The axes permuted (reversed when omitted); see `wg.transpose`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).transpose() // tensor([[1, 3], [2, 4]])
     */
    transpose(axes?: readonly number[]): Tensor;
    /**
     * A copy converted to `dtype` ('float32', 'float64' or 'int32', truncating toward zero); see `wg.astype`.
     *
     * @example wg.tensor([1.5]).astype('float64').dtype // 'float64'
     */
    astype(dtype: DType): Tensor;
    /**
     * A copy on another backend ('wasm' or 'js'); see `wg.to`.
     *
     * @example wg.tensor([1, 2]).to('js').backendName // 'js'
     */
    to(backend: BackendName): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  reshape(shape) { return reshape(this, shape); },
  transpose(axes) { return transpose(this, axes); },
  astype(dtype) { return astype(this, dtype); },
  to(backend) { return to(this, backend); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
