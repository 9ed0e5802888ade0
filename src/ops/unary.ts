// Unary ops: neg exp log sqrt abs sin cos sign floor ceil round square rsqrt reciprocal log1p
// expm1 (and the internal erf, for gelu), each a gate made by unaryGate (elementwise.ts) with its
// gradient rule beside it; abs's rule is the fused gradient gate absGrad, an op itself.

import { Unary, UnaryGrad } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyGate } from '../autograd/tape.js';
import { applyUnary, gradGate, unaryGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { add, div, mul } from './binary.js';

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

// sign, floor, ceil, round: piecewise constant, so the gradient is 0 everywhere (as PyTorch).
const zeroRule = (x: Tensor): Tensor => filledLike(x, 0);
const signGate = unaryGate('sign', Unary.Sign, false, zeroRule);
const floorGate = unaryGate('floor', Unary.Floor, false, zeroRule);
const ceilGate = unaryGate('ceil', Unary.Ceil, false, zeroRule);
const roundGate = unaryGate('round', Unary.Round, false, zeroRule);
const squareGate = unaryGate('square', Unary.Square, false, (x, _y, dy) => mul(dy, mul(x, 2)));
// rsqrt' = -½ x^{-3/2} = -½ y³, reciprocal' = -1/x² = -y²: both from the cached output.
const rsqrtGate = unaryGate('rsqrt', Unary.Rsqrt, true, (_x, y, dy) => mul(dy, mul(mul(y, square(y)), -0.5)));
const reciprocalGate = unaryGate('reciprocal', Unary.Reciprocal, true, (_x, y, dy) => mul(dy, neg(square(y))));
const log1pGate = unaryGate('log1p', Unary.Log1p, false, (x, _y, dy) => div(dy, add(x, 1)));
// expm1' = e^x = y + 1
const expm1Gate = unaryGate('expm1', Unary.Expm1, true, (_x, y, dy) => mul(dy, add(y, 1)));
// erf' = 2/√π e^{-x²}
const erfGate = unaryGate('erf', Unary.Erf, false, (x, _y, dy) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));

/**
 * Elementwise sign, -1, 0 or 1 (`torch.sign`); NaN stays NaN. Gradient 0.
 *
 * @example wg.sign(wg.tensor([-2, 0, 3])) // tensor([-1, 0, 1])
 */
export function sign(a: TensorLike): Tensor { return applyUnary(signGate, a); }
/**
 * Elementwise largest integer <= a (`torch.floor`). Gradient 0.
 *
 * @example wg.floor(wg.tensor([-1.5, 1.5])) // tensor([-2, 1])
 */
export function floor(a: TensorLike): Tensor { return applyUnary(floorGate, a); }
/**
 * Elementwise smallest integer >= a (`torch.ceil`). Gradient 0.
 *
 * @example wg.ceil(wg.tensor([-1.5, 1.5])) // tensor([-1, 2])
 */
export function ceil(a: TensorLike): Tensor { return applyUnary(ceilGate, a); }
/**
 * Elementwise nearest integer, ties to even as `torch.round` (0.5 → 0, 1.5 → 2, 2.5 → 2).
 * Gradient 0.
 *
 * @example wg.round(wg.tensor([0.5, 1.5, 2.5, -0.7])) // tensor([0, 2, 2, -1])
 */
export function round(a: TensorLike): Tensor { return applyUnary(roundGate, a); }
/**
 * Elementwise `a²` (`torch.square`). Gradient `2 a dy`.
 *
 * @example wg.square(wg.tensor([-3, 2])) // tensor([9, 4])
 */
export function square(a: TensorLike): Tensor { return applyUnary(squareGate, a); }
/**
 * Elementwise `1 / √a` (`torch.rsqrt`): Infinity at 0, NaN below. Gradient `-½ a^{-3/2} dy`.
 *
 * @example wg.rsqrt(wg.tensor([4, 0.25])) // tensor([0.5, 2])
 */
export function rsqrt(a: TensorLike): Tensor { return applyUnary(rsqrtGate, a); }
/**
 * Elementwise `1 / a` (`torch.reciprocal`): ±Infinity at ±0. Gradient `-dy / a²`.
 *
 * @example wg.reciprocal(wg.tensor([2, -4])) // tensor([0.5, -0.25])
 */
export function reciprocal(a: TensorLike): Tensor { return applyUnary(reciprocalGate, a); }
/**
 * Elementwise `log(1 + a)` (`torch.log1p`), accurate for small a; -Infinity at -1, NaN below.
 * Gradient `dy / (1 + a)`.
 *
 * @example wg.log1p(wg.tensor([0, 1e-10])) // tensor([0, 1e-10])
 */
export function log1p(a: TensorLike): Tensor { return applyUnary(log1pGate, a); }
/**
 * Elementwise `e^a - 1` (`torch.expm1`), accurate for small a. Gradient `e^a dy`.
 *
 * @example wg.expm1(wg.tensor([0, 1e-10])) // tensor([0, 1e-10])
 */
export function expm1(a: TensorLike): Tensor { return applyUnary(expm1Gate, a); }
/** @internal The error function (`torch.erf`), for gelu; gradient `2/√π e^{-a²} dy`. */
export function erf(a: TensorLike): Tensor { return applyUnary(erfGate, a); }
