// Unary ops: neg exp log sqrt abs sin cos, each a gate made by unaryGate (elementwise.ts) with its
// gradient rule beside it; abs's rule is the fused gradient gate absGrad, an op itself.

import { Unary, UnaryGrad } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyGate } from '../autograd/tape.js';
import { applyUnary, gradGate, unaryGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { div, mul } from './binary.js';

const negGate = unaryGate('neg', Unary.Neg, false, (_x, _y, dy) => neg(dy));
// exp: the derivative is the cached output itself.
const expGate = unaryGate('exp', Unary.Exp, true, (_x, y, dy) => mul(dy, y));
const logGate = unaryGate('log', Unary.Log, false, (x, _y, dy) => div(dy, x));
// sqrt: d sqrt(x) = 1 / (2 sqrt(x)), from the cached output.
const sqrtGate = unaryGate('sqrt', Unary.Sqrt, true, (_x, y, dy) => div(mul(dy, 0.5), y));
const absGate = unaryGate('abs', Unary.Abs, false, (x, _y, dy) => absGrad(x, dy));
// sin' = cos, cos' = -sin: each rule is the other op, so createGraph differentiates it again.
const sinGate = unaryGate('sin', Unary.Sin, false, (x, _y, dy) => mul(dy, cos(x)));
const cosGate = unaryGate('cos', Unary.Cos, false, (x, _y, dy) => mul(dy, neg(sin(x))));
/**
 * Elementwise `-a` (`torch.neg`). Like every unary op, accepts a plain number and keeps the
 * shape and dtype; a DisposedError for a disposed tensor.
 *
 * @example wg.neg(wg.tensor([1, -2])) // tensor([-1, 2])
 */
export function neg(a: TensorLike): Tensor { return applyUnary(negGate, a); }
/**
 * Elementwise e^a (`torch.exp`); the backward pass reuses the cached output.
 *
 * @example wg.exp(wg.tensor([0, 1])) // tensor([1, 2.7183])
 */
export function exp(a: TensorLike): Tensor { return applyUnary(expGate, a); }
/**
 * Elementwise natural logarithm (`torch.log`): -Infinity at 0, NaN below. Gradient `dy / a`.
 *
 * @example wg.log(wg.tensor([1, 100])) // tensor([0, 4.6052])
 */
export function log(a: TensorLike): Tensor { return applyUnary(logGate, a); }
/**
 * Elementwise square root (`torch.sqrt`): NaN below 0. Gradient `dy / (2 sqrt(a))`.
 *
 * @example wg.sqrt(wg.tensor([4, 9])) // tensor([2, 3])
 */
export function sqrt(a: TensorLike): Tensor { return applyUnary(sqrtGate, a); }
/**
 * Elementwise absolute value (`torch.abs`). Gradient `sign(a) dy`, 0 at a = 0.
 *
 * @example wg.abs(wg.tensor([-1.5, 2])) // tensor([1.5, 2])
 */
export function abs(a: TensorLike): Tensor { return applyUnary(absGate, a); }
/**
 * Elementwise sine, in radians (`torch.sin`). Gradient `cos(a) dy`.
 *
 * @example wg.sin(wg.tensor([0, Math.PI / 2])) // tensor([0, 1])
 */
export function sin(a: TensorLike): Tensor { return applyUnary(sinGate, a); }
/**
 * Elementwise cosine, in radians (`torch.cos`). Gradient `-sin(a) dy`.
 *
 * @example wg.cos(wg.tensor([0, Math.PI])) // tensor([1, -1])
 */
export function cos(a: TensorLike): Tensor { return applyUnary(cosGate, a); }
// absGrad(x, dy) = dy sign(x): piecewise constant in x, linear in dy.
const absGradGate = gradGate('absGrad', UnaryGrad.Abs, (x, _dy, g, nx, ndy) => [
  nx ? filledLike(x, 0) : null,
  ndy ? absGrad(x, g) : null,
]);

/** @internal The fused gradient of abs: dy sign(x) (0 at x = 0). */
export function absGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(absGradGate, [x, dy], undefined); }
