// Binary ops with NumPy broadcasting: add sub mul div pow maximum minimum. Each gate's rule sits
// beside it and gives the gradients at the broadcast shape; binaryGate (elementwise.ts) sums
// them back to each input's shape, so broadcasting's adjoint is one sumTo, not a case per op.

import { Binary } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { scalarLike } from './util.js';
import { applyBinary, binaryGate } from './elementwise.js';
import { compareMask, complement, isZero, keepWhere } from './compare.js';
import { log, neg } from './unary.js';

// add: the gradient passes unchanged to both inputs.
const addGate = binaryGate('add', Binary.Add, (_a, _b, _o, dy) => [dy, dy], false);
// sub: unchanged to a, negated to b.
const subGate = binaryGate('sub', Binary.Sub, (_a, _b, _o, dy, _na, nb) => [dy, nb ? neg(dy) : null], false);
// mul: each input gets the other input times the upstream gradient.
const mulGate = binaryGate('mul', Binary.Mul,
  (a, b, _o, dy, na, nb) => [na ? mul(dy, b) : null, nb ? mul(dy, a) : null], false);
// div: d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b, using the cached output a/b.
const divGate = binaryGate('div', Binary.Div,
  (_a, b, out, dy, na, nb) => [na ? div(dy, b) : null, nb ? neg(div(mul(dy, out), b)) : null], true);
// pow, with PyTorch's choices where the plain formulas give 0·∞ (derivatives.yaml):
// d(a^b)/da = b a^(b-1), but 0 where b == 0 (0^-1 would make it NaN at a = 0);
// d(a^b)/db = a^b log a, but 0 where a == 0 and b >= 0 (0·log 0 would be NaN or -inf).
// The masks are constants and keepWhere is a gate, so createGraph differentiates the rest.
const powGate = binaryGate('pow', Binary.Pow,
  (a, b, out, dy, na, nb) => [
    na ? keepWhere(complement(isZero(b)), mul(dy, mul(b, pow(a, sub(b, 1))))) : null,
    nb ? keepWhere(complement(mul(isZero(a), compareMask(Binary.GreaterEqual, b, scalarLike(0, b)))),
      mul(dy, mul(out, log(a)))) : null,
  ], true);
// maximum/minimum route the gradient to the selected input; ties go to the first input (the
// SPEC's choice; PyTorch halves it). Where either input is NaN the output is NaN and, as in
// PyTorch, both inputs get the gradient: the masks are "not less"/"not greater-or-equal",
// which comparisons with NaN leave at 1.
const maximumGate = binaryGate('maximum', Binary.Maximum,
  (a, b, _o, dy, na, nb) => [
    na ? mul(dy, complement(compareMask(Binary.Less, a, b))) : null,
    nb ? mul(dy, complement(compareMask(Binary.GreaterEqual, a, b))) : null,
  ], false);
const minimumGate = binaryGate('minimum', Binary.Minimum,
  (a, b, _o, dy, na, nb) => [
    na ? mul(dy, complement(compareMask(Binary.Greater, a, b))) : null,
    nb ? mul(dy, complement(compareMask(Binary.LessEqual, a, b))) : null,
  ], false);

/**
 * Elementwise `a + b` with NumPy broadcasting (`torch.add`).
 * Either operand may be a plain number. The gradient reaches both inputs unchanged
 * (summed over broadcast axes).
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.add(wg.tensor([1, 2]), 10) // tensor([11, 12])
 */
export function add(a: TensorLike, b: TensorLike): Tensor { return applyBinary(addGate, a, b); }
/**
 * Elementwise `a - b` with NumPy broadcasting (`torch.sub`).
 * Either operand may be a plain number. Gradients: `dy` to a, `-dy` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.sub(10, wg.tensor([1, 2])) // tensor([9, 8])
 */
export function sub(a: TensorLike, b: TensorLike): Tensor { return applyBinary(subGate, a, b); }
/**
 * Elementwise `a * b` with NumPy broadcasting (`torch.mul`; for the matrix product see `matmul`).
 * Either operand may be a plain number. Each input's gradient is the other input times `dy`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.mul(wg.tensor([[1, 2], [3, 4]]), wg.tensor([10, 100])) // tensor([[10, 200], [30, 400]])
 */
export function mul(a: TensorLike, b: TensorLike): Tensor { return applyBinary(mulGate, a, b); }
/**
 * Elementwise `a / b` with NumPy broadcasting (`torch.div`); division by zero gives ±Infinity or NaN.
 * Either operand may be a plain number. Gradients: `dy / b` to a, `-dy a / b²` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.div(10, wg.tensor([4, 5])) // tensor([2.5, 2])
 */
export function div(a: TensorLike, b: TensorLike): Tensor { return applyBinary(divGate, a, b); }
/**
 * Elementwise `a ** b` with NumPy broadcasting (`torch.pow`).
 * Either operand may be a plain number. Gradients: `b a^(b-1) dy` to a, `a^b log(a) dy` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.pow(wg.tensor([1, 2, 3]), 2) // tensor([1, 4, 9])
 */
export function pow(a: TensorLike, b: TensorLike): Tensor { return applyBinary(powGate, a, b); }
/**
 * The elementwise larger of `a` and `b`, with broadcasting (`torch.maximum`).
 * Either operand may be a plain number. The gradient goes to the larger input;
 * on a tie, to `a`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.maximum(wg.tensor([1, 5]), wg.tensor([3, 2])) // tensor([3, 5])
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor { return applyBinary(maximumGate, a, b); }
/**
 * The elementwise smaller of `a` and `b`, with broadcasting (`torch.minimum`).
 * Either operand may be a plain number. The gradient goes to the smaller input;
 * on a tie, to `a`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.minimum(wg.tensor([1, 5]), wg.tensor([3, 2])) // tensor([1, 2])
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor { return applyBinary(minimumGate, a, b); }

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `this + b` with broadcasting; see `wg.add`.
     *
     * @example wg.tensor([1, 2]).add(10) // tensor([11, 12])
     */
    add(b: TensorLike): Tensor;
    /**
     * `this - b` with broadcasting; see `wg.sub`.
     *
     * @example wg.tensor([5, 7]).sub(wg.tensor([1, 2])) // tensor([4, 5])
     */
    sub(b: TensorLike): Tensor;
    /**
     * `this * b` elementwise with broadcasting (not the matrix product; see `matmul`).
     *
     * @example wg.tensor([[1, 2], [3, 4]]).mul(wg.tensor([10, 100])) // tensor([[10, 200], [30, 400]])
     */
    mul(b: TensorLike): Tensor;
    /**
     * `this / b` with broadcasting; see `wg.div`.
     *
     * @example wg.tensor([1, 2]).div(4) // tensor([0.25, 0.5])
     */
    div(b: TensorLike): Tensor;
    /**
     * `this ** b` with broadcasting; see `wg.pow`.
     *
     * @example wg.tensor([1, 2, 3]).pow(2) // tensor([1, 4, 9])
     */
    pow(b: TensorLike): Tensor;
    /**
     * The elementwise larger of this and `b`; see `wg.maximum`.
     *
     * @example wg.tensor([1, 5]).maximum(wg.tensor([3, 2])) // tensor([3, 5])
     */
    maximum(b: TensorLike): Tensor;
    /**
     * The elementwise smaller of this and `b`; see `wg.minimum`.
     *
     * @example wg.tensor([1, 5]).minimum(wg.tensor([3, 2])) // tensor([1, 2])
     */
    minimum(b: TensorLike): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  add(b) { return add(this, b); },
  sub(b) { return sub(this, b); },
  mul(b) { return mul(this, b); },
  div(b) { return div(this, b); },
  pow(b) { return pow(this, b); },
  maximum(b) { return maximum(this, b); },
  minimum(b) { return minimum(this, b); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
