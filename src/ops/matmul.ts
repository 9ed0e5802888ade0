// matmul: D = W·X with dW = dD·Xᵀ and dX = Wᵀ·dD (the matrix gradient of the seed notes). The
// gate carries transpose flags, so the backward products run on the kernel's transposed paths
// with no transposed copies. Batched operands broadcast their leading (batch) dimensions; 1-D
// operands are treated as NumPy does.

import { sizeOf, collapseDims } from '../backend/strides.js';
import { Tensor } from '../tensor.js';
import { applyGate, type Gate } from '../autograd/tape.js';
import { ShapeError, WasmgradError } from '../errors.js';
import { broadcastShapes, broadcastStrides, empty, requireTensor } from './util.js';
import { sumTo } from './reduce.js';
import { broadcastTo, reshape } from './shape.js';

interface MatmulAttrs { transA: boolean; transB: boolean }

/** Rows and columns of op(X) for a stored [.., r, c] operand. */
function dims(t: Tensor, trans: boolean): [number, number] {
  const r = t.shape[t.ndim - 2], c = t.shape[t.ndim - 1];
  return trans ? [c, r] : [r, c];
}

const matmulGate: Gate<MatmulAttrs> = {
  name: 'matmul',
  forward(_ctx, [a, b], { transA, transB }) {
    const [M, K] = dims(a, transA);
    const [K2, N] = dims(b, transB);
    if (K !== K2) {
      throw new ShapeError(`matmul: inner dimensions differ: ${a.shapeString}${transA ? 'ᵀ' : ''} @ ${b.shapeString}${transB ? 'ᵀ' : ''}`);
    }
    if (a.ndim === 2 && b.ndim === 2) {
      // The common case, kept free of the batch bookkeeping below (it is per-op overhead).
      const out = empty([M, N], a.dtype, a.backend);
      a.backend.matmul(out.storage, a.storage, b.storage, 1, M, N, K, transA, transB, 0, 0);
      return out;
    }
    const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
    const batchShape = broadcastShapes('matmul', aBatch, bBatch);
    const out = empty([...batchShape, M, N], a.dtype, a.backend);
    const batch = sizeOf(batchShape);
    // Batch strides in elements (0 where an operand broadcasts); one kernel call when the
    // batch dimensions collapse to one, otherwise the operands are expanded first.
    const aStr = broadcastStrides(aBatch, batchShape).map((s) => s * M * K);
    const bStr = broadcastStrides(bBatch, batchShape).map((s) => s * K * N);
    const c = collapseDims(batchShape, [aStr, bStr]);
    let A = a, B = b, as = c.strides[0][0] ?? 0, bs = c.strides[1][0] ?? 0;
    if (c.shape.length > 1) {
      A = broadcastTo(a, [...batchShape, ...a.shape.slice(-2)]);
      B = broadcastTo(b, [...batchShape, ...b.shape.slice(-2)]);
      as = M * K;
      bs = K * N;
    }
    a.backend.matmul(out.storage, A.storage, B.storage, batch, M, N, K, transA, transB, as, bs);
    return out;
  },
  backward(ctx, dy) {
    const [a, b] = ctx.inputs;
    const { transA, transB } = ctx.attrs;
    // C = op(A)·op(B):  d op(A) = dC·op(B)ᵀ,  d op(B) = op(A)ᵀ·dC; a transposed operand takes
    // the transpose of that, which is again one product with flags.
    let da: Tensor | null = null, db: Tensor | null = null;
    if (ctx.needsInputGrad(0)) {
      da = transA ? matmulFlags(b, dy, transB, true) : matmulFlags(dy, b, false, !transB);
      da = sumTo(da, a.shape);
    }
    if (ctx.needsInputGrad(1)) {
      db = transB ? matmulFlags(dy, a, true, transA) : matmulFlags(a, dy, !transA, false);
      db = sumTo(db, b.shape);
    }
    return [da, db];
  },
};

/** op(a)·op(b) for operands with at least 2 dimensions (the gate, with transpose flags). */
export function matmulFlags(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return applyGate(matmulGate, [a, b], { transA, transB });
}

/**
 * Matrix product with NumPy's matmul rules: 2-D, batched N-D with broadcast batch
 * dimensions, and 1-D operands (a vector on the left is a row, on the right a column, and the
 * added dimension is removed from the result).
 * (`torch.matmul`). Shapes: `[n, k] @ [k, m] → [n, m]`; `[..., n, k] @ [..., k, m]` with the
 * batch dimensions broadcast. The backward products `dA = dC·Bᵀ`, `dB = Aᵀ·dC` run without
 * transposed copies. A ShapeError names both shapes when the inner dimensions differ
 * (`matmul: inner dimensions differ: [2,3] @ [4,5]`), when batch dimensions do not broadcast,
 * or for a 0-d operand.
 *
 * @example wg.matmul(wg.tensor([[1, 2], [3, 4]]), wg.tensor([[1], [1]])) // tensor([[3], [7]])
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  requireTensor('matmul', a, 'operand a');
  requireTensor('matmul', b, 'operand b');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: operands must have at least 1 dimension, got ${a.shapeString} @ ${b.shapeString}`);
  }
  const ka = a.shape[a.ndim - 1];
  const kb = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (ka !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: ${a.shapeString} @ ${b.shapeString}`);
  }
  if (a.ndim > 2 || b.ndim > 2) {
    try {
      broadcastShapes('matmul', a.shape.slice(0, Math.max(0, a.ndim - 2)), b.shape.slice(0, Math.max(0, b.ndim - 2)));
    } catch {
      throw new ShapeError(`matmul: batch dimensions do not broadcast: ${a.shapeString} @ ${b.shapeString}`);
    }
  }
  if (a.ndim >= 2 && b.ndim >= 2) return matmulFlags(a, b, false, false);
  const A = a.ndim === 1 ? reshape(a, [1, ka]) : a;
  const B = b.ndim === 1 ? reshape(b, [kb, 1]) : b;
  const c = matmulFlags(A, B, false, false);
  const shape = c.shape.slice();
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return reshape(c, shape);
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The matrix product `this @ b`; see `wg.matmul`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).matmul(wg.tensor([[1], [1]])) // tensor([[3], [7]])
     */
    matmul(b: Tensor): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  matmul(b) { return matmul(this, b); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
