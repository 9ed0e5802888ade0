// Elementwise gates: binary ops with NumPy broadcasting, unary ops, and the fused gradient
// gates (sigmoidGrad, tanhGrad, reluGrad, absGrad) their backward rules use. Each forward sits
// beside its backward rule; broadcasting's adjoint is one sumTo, not a case per op.

import { Binary, Unary, UnaryGrad } from '../backend/backend.js';
import { contiguousStrides } from '../backend/strides.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, type Gate } from '../autograd/tape.js';
import { broadcastShapes, broadcastStrides, coercePair, empty, emptyLike, sameShape, scalarLike } from './util.js';
import { sumTo } from './reduce.js';
import { broadcastTo } from './shape.js';

// ---- binary ----------------------------------------------------------------------------------

/** Runs a binary kernel over the broadcast shape of a and b (no gate, no tape). */
function binaryKernel(name: string, op: Binary, a: Tensor, b: Tensor): Tensor {
  if (sameShape(a.shape, b.shape)) {
    const out = emptyLike(a);
    const s = contiguousStrides(a.shape);
    a.backend.binary(op, out.storage, a.storage, b.storage, a.shape, s, s);
    return out;
  }
  const shape = broadcastShapes(name, a.shape, b.shape);
  const out = empty(shape, a.dtype, a.backend);
  a.backend.binary(op, out.storage, a.storage, b.storage, shape,
    broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
  return out;
}

/** A 0/1 mask (a constant: no gradient flows through it) from a comparison kernel. */
function compareMask(op: Binary, a: Tensor, b: Tensor): Tensor {
  return binaryKernel('compare', op, a, b);
}

/** 1 where t == 0, else 0 (also 0 where t is NaN); a constant. */
function isZero(t: Tensor): Tensor {
  const zero = scalarLike(0, t);
  return binaryKernel('compare', Binary.Mul, compareMask(Binary.GreaterEqual, t, zero), compareMask(Binary.LessEqual, t, zero));
}

/** 1 - mask, for a 0/1 constant mask. */
function complement(mask: Tensor): Tensor {
  return binaryKernel('compare', Binary.Sub, scalarLike(1, mask), mask);
}

function binaryGate(name: string, op: Binary,
  backward: (a: Tensor, b: Tensor, out: Tensor, dy: Tensor, needA: boolean, needB: boolean) => [Tensor | null, Tensor | null],
  savesOutput: boolean): Gate {
  return {
    name,
    forward(ctx, [a, b]) {
      const out = binaryKernel(name, op, a, b);
      if (savesOutput) ctx.save(out);
      return out;
    },
    backward(ctx, dy) {
      const [a, b] = ctx.inputs;
      const [ga, gb] = backward(a, b, savesOutput ? ctx.saved[0] : dy, dy, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
      return [ga === null ? null : sumTo(ga, a.shape), gb === null ? null : sumTo(gb, b.shape)];
    },
  };
}

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

function binary(gate: Gate, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = coercePair(gate.name, a, b);
  try {
    return applyGate(gate, [ta, tb], undefined);
  } catch (e) {
    // A failed op leaves nothing behind: not even the 0-d tensors made for plain numbers.
    if (ta !== a) ta.dispose();
    if (tb !== b) tb.dispose();
    throw e;
  }
}

/**
 * Elementwise `a + b` with NumPy broadcasting (`torch.add`).
 * Either operand may be a plain number. The gradient reaches both inputs unchanged
 * (summed over broadcast axes).
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.add(wg.tensor([1, 2]), 10) // tensor([11, 12])
 */
export function add(a: TensorLike, b: TensorLike): Tensor { return binary(addGate, a, b); }
/**
 * Elementwise `a - b` with NumPy broadcasting (`torch.sub`).
 * Either operand may be a plain number. Gradients: `dy` to a, `-dy` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.sub(10, wg.tensor([1, 2])) // tensor([9, 8])
 */
export function sub(a: TensorLike, b: TensorLike): Tensor { return binary(subGate, a, b); }
/**
 * Elementwise `a * b` with NumPy broadcasting (`torch.mul`; for the matrix product see `matmul`).
 * Either operand may be a plain number. Each input's gradient is the other input times `dy`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.mul(wg.tensor([[1, 2], [3, 4]]), wg.tensor([10, 100])) // tensor([[10, 200], [30, 400]])
 */
export function mul(a: TensorLike, b: TensorLike): Tensor { return binary(mulGate, a, b); }
/**
 * Elementwise `a / b` with NumPy broadcasting (`torch.div`); division by zero gives ±Infinity or NaN.
 * Either operand may be a plain number. Gradients: `dy / b` to a, `-dy a / b²` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.div(10, wg.tensor([4, 5])) // tensor([2.5, 2])
 */
export function div(a: TensorLike, b: TensorLike): Tensor { return binary(divGate, a, b); }
/**
 * Elementwise `a ** b` with NumPy broadcasting (`torch.pow`).
 * Either operand may be a plain number. Gradients: `b a^(b-1) dy` to a, `a^b log(a) dy` to b.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.pow(wg.tensor([1, 2, 3]), 2) // tensor([1, 4, 9])
 */
export function pow(a: TensorLike, b: TensorLike): Tensor { return binary(powGate, a, b); }
/**
 * The elementwise larger of `a` and `b`, with broadcasting (`torch.maximum`).
 * Either operand may be a plain number. The gradient goes to the larger input;
 * on a tie, to `a`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.maximum(wg.tensor([1, 5]), wg.tensor([3, 2])) // tensor([3, 5])
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor { return binary(maximumGate, a, b); }
/**
 * The elementwise smaller of `a` and `b`, with broadcasting (`torch.minimum`).
 * Either operand may be a plain number. The gradient goes to the smaller input;
 * on a tie, to `a`.
 * Throws a ShapeError when the shapes do not broadcast, a DTypeError when float32 meets
 * float64 (no implicit promotion: use `astype`), a BackendError when the backends differ.
 *
 * @example wg.minimum(wg.tensor([1, 5]), wg.tensor([3, 2])) // tensor([1, 2])
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor { return binary(minimumGate, a, b); }

// ---- unary -----------------------------------------------------------------------------------

function unaryKernel(op: Unary, a: Tensor): Tensor {
  const out = emptyLike(a);
  a.backend.unary(op, out.storage, a.storage);
  return out;
}

function unaryGate(name: string, op: Unary, savesOutput: boolean,
  backward: (x: Tensor, y: Tensor, dy: Tensor) => Tensor): Gate {
  return {
    name,
    forward(ctx, [a]) {
      const out = unaryKernel(op, a);
      if (savesOutput) ctx.save(out);
      return out;
    },
    backward(ctx, dy) {
      return [backward(ctx.inputs[0], savesOutput ? ctx.saved[0] : dy, dy)];
    },
  };
}

const negGate = unaryGate('neg', Unary.Neg, false, (_x, _y, dy) => neg(dy));
// exp: the derivative is the cached output itself.
const expGate = unaryGate('exp', Unary.Exp, true, (_x, y, dy) => mul(dy, y));
const logGate = unaryGate('log', Unary.Log, false, (x, _y, dy) => div(dy, x));
// sqrt: d sqrt(x) = 1 / (2 sqrt(x)), from the cached output.
const sqrtGate = unaryGate('sqrt', Unary.Sqrt, true, (_x, y, dy) => div(mul(dy, 0.5), y));
const absGate = unaryGate('abs', Unary.Abs, false, (x, _y, dy) => absGrad(x, dy));
// sigmoid and tanh are single gates whose backward uses the cached output (seed: fewer
// numerical problems than composing exp, add and div).
const tanhGate = unaryGate('tanh', Unary.Tanh, true, (_x, y, dy) => tanhGrad(y, dy));
const sigmoidGate = unaryGate('sigmoid', Unary.Sigmoid, true, (_x, y, dy) => sigmoidGrad(y, dy));
const reluGate = unaryGate('relu', Unary.Relu, false, (x, _y, dy) => reluGrad(x, dy));

function unary(gate: Gate, a: TensorLike): Tensor {
  const [t] = coerceOne(gate.name, a);
  try {
    return applyGate(gate, [t], undefined);
  } catch (e) {
    if (t !== a) t.dispose();
    throw e;
  }
}

function coerceOne(name: string, a: TensorLike): [Tensor] {
  if (a instanceof Tensor) return [a];
  // A plain number becomes a 0-d float32 tensor on the current backend.
  return [coercePair(name, a, a)[0]];
}

/**
 * Elementwise `-a` (`torch.neg`). Like every unary op, accepts a plain number and keeps the
 * shape and dtype; a DisposedError for a disposed tensor.
 *
 * @example wg.neg(wg.tensor([1, -2])) // tensor([-1, 2])
 */
export function neg(a: TensorLike): Tensor { return unary(negGate, a); }
/**
 * Elementwise e^a (`torch.exp`); the backward pass reuses the cached output.
 *
 * @example wg.exp(wg.tensor([0, 1])) // tensor([1, 2.7183])
 */
export function exp(a: TensorLike): Tensor { return unary(expGate, a); }
/**
 * Elementwise natural logarithm (`torch.log`): -Infinity at 0, NaN below. Gradient `dy / a`.
 *
 * @example wg.log(wg.tensor([1, 100])) // tensor([0, 4.6052])
 */
export function log(a: TensorLike): Tensor { return unary(logGate, a); }
/**
 * Elementwise square root (`torch.sqrt`): NaN below 0. Gradient `dy / (2 sqrt(a))`.
 *
 * @example wg.sqrt(wg.tensor([4, 9])) // tensor([2, 3])
 */
export function sqrt(a: TensorLike): Tensor { return unary(sqrtGate, a); }
/**
 * Elementwise absolute value (`torch.abs`). Gradient `sign(a) dy`, 0 at a = 0.
 *
 * @example wg.abs(wg.tensor([-1.5, 2])) // tensor([1.5, 2])
 */
export function abs(a: TensorLike): Tensor { return unary(absGate, a); }
/**
 * Elementwise hyperbolic tangent (`torch.tanh`), one fused gate: the gradient `(1 - y²) dy`
 * comes from the cached output y.
 *
 * @example wg.tanh(wg.tensor([0, 1])) // tensor([0, 0.7616])
 */
export function tanh(a: TensorLike): Tensor { return unary(tanhGate, a); }
/**
 * Elementwise logistic function 1 / (1 + e^-a) (`torch.sigmoid`), one fused gate: the gradient
 * `(1 - y) y dy` comes from the cached output y.
 *
 * @example wg.sigmoid(wg.tensor([0, 2])) // tensor([0.5, 0.8808])
 */
export function sigmoid(a: TensorLike): Tensor { return unary(sigmoidGate, a); }
/**
 * Elementwise max(a, 0) (`torch.relu`). Gradient `dy` where a > 0, else 0 (0 at a = 0).
 *
 * @example wg.relu(wg.tensor([-1, 0, 2])) // tensor([0, 0, 2])
 */
export function relu(a: TensorLike): Tensor { return unary(reluGate, a); }

// ---- fused gradient gates ----------------------------------------------------------------------
// Each is an op in its own right (inputs: the saved value s and the upstream gradient dy), so a
// backward pass run with createGraph records them and they can be differentiated again.

function gradGate(name: string, op: UnaryGrad,
  backward: (s: Tensor, dy: Tensor, g: Tensor, needS: boolean, needDy: boolean) => [Tensor | null, Tensor | null]): Gate {
  return {
    name,
    forward(_ctx, [s, dy]) {
      const out = emptyLike(dy);
      dy.backend.unaryGrad(op, out.storage, s.storage, dy.storage);
      return out;
    },
    backward(ctx, g) {
      const [s, dy] = ctx.inputs;
      return backward(s, dy, g, ctx.needsInputGrad(0), ctx.needsInputGrad(1));
    },
  };
}

// sigmoidGrad(y, dy) = dy y (1 - y): ∂/∂y = dy (1 - 2y), ∂/∂dy = y (1 - y).
const sigmoidGradGate = gradGate('sigmoidGrad', UnaryGrad.Sigmoid, (y, dy, g, ny, ndy) => [
  ny ? mul(mul(g, dy), sub(1, mul(y, 2))) : null,
  ndy ? sigmoidGrad(y, g) : null,
]);
// tanhGrad(y, dy) = dy (1 - y²): ∂/∂y = -2 y dy, ∂/∂dy = 1 - y².
const tanhGradGate = gradGate('tanhGrad', UnaryGrad.Tanh, (y, dy, g, ny, ndy) => [
  ny ? mul(mul(g, dy), mul(y, -2)) : null,
  ndy ? tanhGrad(y, g) : null,
]);
// reluGrad(x, dy) = dy 1(x > 0): piecewise constant in x, linear in dy.
const reluGradGate = gradGate('reluGrad', UnaryGrad.Relu, (x, _dy, g, nx, ndy) => [
  nx ? zerosLikeConst(x) : null,
  ndy ? reluGrad(x, g) : null,
]);
// absGrad(x, dy) = dy sign(x): piecewise constant in x, linear in dy.
const absGradGate = gradGate('absGrad', UnaryGrad.Abs, (x, _dy, g, nx, ndy) => [
  nx ? zerosLikeConst(x) : null,
  ndy ? absGrad(x, g) : null,
]);

// keepWhere(mask, v) = mask ? v : 0 for a 0/1 constant mask: a select, so NaN or ∞ in v where
// mask is 0 becomes an exact 0 (mul by the mask would give NaN). It runs relu's gradient kernel,
// which for a 0/1 mask selects exactly this. Gradient: keepWhere(mask, g) to v, none to the mask.
const keepWhereGate = gradGate('keepWhere', UnaryGrad.Relu, (mask, _v, g, nmask, nv) => [
  nmask ? zerosLikeConst(mask) : null,
  nv ? keepWhere(mask, g) : null,
]);

/** mask ? v : 0, with the mask broadcast to v's shape. */
function keepWhere(mask: Tensor, v: Tensor): Tensor {
  return applyGate(keepWhereGate, [broadcastTo(mask, v.shape), v], undefined);
}

function zerosLikeConst(x: Tensor): Tensor {
  const z = emptyLike(x);
  x.backend.fill(z.storage, 0);
  return z;
}

export function sigmoidGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(sigmoidGradGate, [y, dy], undefined); }
export function tanhGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(tanhGradGate, [y, dy], undefined); }
export function reluGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(reluGradGate, [x, dy], undefined); }
export function absGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(absGradGate, [x, dy], undefined); }
