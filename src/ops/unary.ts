// Unary ops: neg exp log sqrt abs sin cos tan sign floor ceil round square rsqrt reciprocal log1p
// expm1, each a gate made by unaryGate (elementwise.ts) with its gradient rule beside it; abs's
// rule is the fused gradient gate absGrad (grad_gates.ts), an op itself. Every export is public
// (src/ops/index.ts re-exports this file whole); the default export is the family's Tensor
// methods, installed by src/methods/.

import { Unary } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyUnary, unaryGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { add, div, mul } from './binary.js';
import { absGrad } from './grad_gates.js';

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
// tan' = 1 + tan² = 1 + y², from the cached output: y is tan's own output, so createGraph
// differentiates the rule again through this gate.
const tanGate = unaryGate('tan', Unary.Tan, true, (_x, y, dy) => mul(dy, add(square(y), 1)));
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
/**
 * Elementwise tangent, in radians (`torch.tan`): unbounded near the poles π/2 + kπ.
 * Gradient `(1 + tan²(a)) dy`.
 *
 * @example wg.tan(wg.tensor([0, Math.PI / 4])) // tensor([0, 1])
 */
export function tan(a: TensorLike): Tensor { return applyUnary(tanGate, a); }
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

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `-this`; see `wg.neg`.
     *
     * @example wg.tensor([1, -2]).neg() // tensor([-1, 2])
     */
    neg(): Tensor;
    /**
     * e to the power of each element; see `wg.exp`.
     *
     * @example wg.tensor([0, 1]).exp() // tensor([1, 2.7183])
     */
    exp(): Tensor;
    /**
     * The natural logarithm of each element; see `wg.log`.
     *
     * @example wg.tensor([1, 100]).log() // tensor([0, 4.6052])
     */
    log(): Tensor;
    /**
     * The square root of each element; see `wg.sqrt`.
     *
     * @example wg.tensor([4, 9]).sqrt() // tensor([2, 3])
     */
    sqrt(): Tensor;
    /**
     * The absolute value of each element; see `wg.abs`.
     *
     * @example wg.tensor([-1.5, 2]).abs() // tensor([1.5, 2])
     */
    abs(): Tensor;
    /**
     * The sine of each element, in radians; see `wg.sin`.
     *
     * @example wg.tensor([0, Math.PI / 2]).sin() // tensor([0, 1])
     */
    sin(): Tensor;
    /**
     * The cosine of each element, in radians; see `wg.cos`.
     *
     * @example wg.tensor([0, Math.PI]).cos() // tensor([1, -1])
     */
    cos(): Tensor;
    /**
     * The tangent of each element, in radians; see `wg.tan`.
     *
     * @example wg.tensor([0, Math.PI / 4]).tan() // tensor([0, 1])
     */
    tan(): Tensor;
    /**
     * The sign of each element, -1, 0 or 1; see `wg.sign`.
     *
     * @example wg.tensor([-2, 0, 3]).sign() // tensor([-1, 0, 1])
     */
    sign(): Tensor;
    /**
     * Each element rounded down; see `wg.floor`.
     *
     * @example wg.tensor([-1.5, 1.5]).floor() // tensor([-2, 1])
     */
    floor(): Tensor;
    /**
     * Each element rounded up; see `wg.ceil`.
     *
     * @example wg.tensor([-1.5, 1.5]).ceil() // tensor([-1, 2])
     */
    ceil(): Tensor;
    /**
     * Each element rounded to the nearest integer, ties to even; see `wg.round`.
     *
     * @example wg.tensor([0.5, 1.5, 2.5]).round() // tensor([0, 2, 2])
     */
    round(): Tensor;
    /**
     * The square of each element; see `wg.square`.
     *
     * @example wg.tensor([-3, 2]).square() // tensor([9, 4])
     */
    square(): Tensor;
    /**
     * `1 / √x` of each element; see `wg.rsqrt`.
     *
     * @example wg.tensor([4, 0.25]).rsqrt() // tensor([0.5, 2])
     */
    rsqrt(): Tensor;
    /**
     * `1 / x` of each element; see `wg.reciprocal`.
     *
     * @example wg.tensor([2, -4]).reciprocal() // tensor([0.5, -0.25])
     */
    reciprocal(): Tensor;
    /**
     * `log(1 + x)` of each element, accurate for small x; see `wg.log1p`.
     *
     * @example wg.tensor([0, 1e-10]).log1p() // tensor([0, 1e-10])
     */
    log1p(): Tensor;
    /**
     * `e^x - 1` of each element, accurate for small x; see `wg.expm1`.
     *
     * @example wg.tensor([0, 1e-10]).expm1() // tensor([0, 1e-10])
     */
    expm1(): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  neg() { return neg(this); },
  exp() { return exp(this); },
  log() { return log(this); },
  sqrt() { return sqrt(this); },
  abs() { return abs(this); },
  sin() { return sin(this); },
  cos() { return cos(this); },
  tan() { return tan(this); },
  sign() { return sign(this); },
  floor() { return floor(this); },
  ceil() { return ceil(this); },
  round() { return round(this); },
  square() { return square(this); },
  rsqrt() { return rsqrt(this); },
  reciprocal() { return reciprocal(this); },
  log1p() { return log1p(this); },
  expm1() { return expm1(this); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
