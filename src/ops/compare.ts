// Comparison masks: 0/1 tensors from the comparison kernels, constants through which no gradient
// flows, and keepWhere, the select that applies one to a gradient. The gradient rules of pow,
// maximum and minimum (binary.ts) are built from them.

import { Binary, UnaryGrad } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { applyGate } from '../autograd/tape.js';
import { scalarLike } from './util.js';
import { binaryKernel, gradGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { broadcastTo } from './shape.js';

/** A 0/1 mask (a constant: no gradient flows through it) from a comparison kernel. */
export function compareMask(op: Binary, a: Tensor, b: Tensor): Tensor {
  return binaryKernel('compare', op, a, b);
}

/** 1 where t == 0, else 0 (also 0 where t is NaN); a constant. */
export function isZero(t: Tensor): Tensor {
  const zero = scalarLike(0, t);
  return binaryKernel('compare', Binary.Mul, compareMask(Binary.GreaterEqual, t, zero), compareMask(Binary.LessEqual, t, zero));
}

/** 1 - mask, for a 0/1 constant mask. */
export function complement(mask: Tensor): Tensor {
  return binaryKernel('compare', Binary.Sub, scalarLike(1, mask), mask);
}

// keepWhere(mask, v) = mask ? v : 0 for a 0/1 constant mask: a select, so NaN or ∞ in v where
// mask is 0 becomes an exact 0 (mul by the mask would give NaN). It runs relu's gradient kernel,
// which for a 0/1 mask selects exactly this. Gradient: keepWhere(mask, g) to v, none to the mask.
const keepWhereGate = gradGate('keepWhere', UnaryGrad.Relu, (mask, _v, g, nmask, nv) => [
  nmask ? filledLike(mask, 0) : null,
  nv ? keepWhere(mask, g) : null,
]);

/** mask ? v : 0, with the mask broadcast to v's shape. */
export function keepWhere(mask: Tensor, v: Tensor): Tensor {
  return applyGate(keepWhereGate, [broadcastTo(mask, v.shape), v], undefined);
}
