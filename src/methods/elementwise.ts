// Tensor methods: elementwise ops: binary, unary, activations, comparison and selection. Each is the free function of the same
// name with this tensor first (see src/methods/index.ts for how methods are installed).

import { Tensor } from '../tensor.js';
import { add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, tanh, sigmoid, relu, sin, cos, silu, max, matmul, to } from '../ops/index.js';
import { sign, floor, ceil, round, square, rsqrt, reciprocal, log1p, expm1, logSigmoid, leakyRelu, elu, softplus, hardtanh, gelu } from '../ops/index.js';
import { min } from '../ops/index.js';
import { gt, ge, lt, le, eq, ne, where, maskedFill, clamp } from '../ops/select.js';
import { installMethods } from './install.js';

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
     * SiLU of each element, `x · sigmoid(x)`; see `wg.silu`.
     *
     * @example wg.tensor([0, 1]).silu() // tensor([0, 0.7311])
     */
    silu(): Tensor;
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
    /**
     * `log(sigmoid(x))` of each element, finite for every finite x; see `wg.logSigmoid`.
     *
     * @example wg.tensor([0, -100]).logSigmoid() // tensor([-0.6931, -100])
     */
    logSigmoid(): Tensor;
    /**
     * Leaky ReLU, `x` where x > 0 else `negativeSlope · x` (default 0.01); see `wg.leakyRelu`.
     *
     * @example wg.tensor([-2, 3]).leakyRelu(0.1) // tensor([-0.2, 3])
     */
    leakyRelu(negativeSlope?: number): Tensor;
    /**
     * ELU, `x` where x > 0 else `alpha (e^x - 1)` (default alpha 1); see `wg.elu`.
     *
     * @example wg.tensor([-1, 2]).elu() // tensor([-0.6321, 2])
     */
    elu(alpha?: number): Tensor;
    /**
     * Softplus, `log(1 + e^{beta x}) / beta`, linear where `beta x > threshold` (defaults 1, 20); see `wg.softplus`.
     *
     * @example wg.tensor([0, 30]).softplus() // tensor([0.6931, 30])
     */
    softplus(beta?: number, threshold?: number): Tensor;
    /**
     * Each element clamped to [minVal, maxVal] (defaults -1, 1); see `wg.hardtanh`.
     *
     * @example wg.tensor([-2, 0.5, 3]).hardtanh() // tensor([-1, 0.5, 1])
     */
    hardtanh(minVal?: number, maxVal?: number): Tensor;
    /**
     * GELU, `x Φ(x)` (exact with erf, or the tanh approximation); see `wg.gelu`.
     *
     * @example wg.tensor([0, 1]).gelu() // tensor([0, 0.8413])
     */
    gelu(approximate?: 'none' | 'tanh'): Tensor;
    /**
     * The hyperbolic tangent of each element; see `wg.tanh`.
     *
     * @example wg.tensor([0, 1]).tanh() // tensor([0, 0.7616])
     */
    tanh(): Tensor;
    /**
     * The logistic function 1 / (1 + e^-x) of each element; see `wg.sigmoid`.
     *
     * @example wg.tensor([0, 2]).sigmoid() // tensor([0.5, 0.8808])
     */
    sigmoid(): Tensor;
    /**
     * max(x, 0) for each element; see `wg.relu`.
     *
     * @example wg.tensor([-1, 0, 2]).relu() // tensor([0, 0, 2])
     */
    relu(): Tensor;
    /**
     * `this > b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.gt`.
     *
     * @example wg.tensor([1, 3]).gt(2) // tensor([0, 1])
     */
    gt(b: TensorLike): Tensor;
    /**
     * `this >= b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.ge`.
     *
     * @example wg.tensor([1, 2]).ge(2) // tensor([0, 1])
     */
    ge(b: TensorLike): Tensor;
    /**
     * `this < b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.lt`.
     *
     * @example wg.tensor([1, 3]).lt(2) // tensor([1, 0])
     */
    lt(b: TensorLike): Tensor;
    /**
     * `this <= b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.le`.
     *
     * @example wg.tensor([2, 3]).le(2) // tensor([1, 0])
     */
    le(b: TensorLike): Tensor;
    /**
     * `this == b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.eq`.
     *
     * @example wg.tensor([2, 3]).eq(2) // tensor([1, 0])
     */
    eq(b: TensorLike): Tensor;
    /**
     * `this != b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.ne`.
     *
     * @example wg.tensor([2, 3]).ne(2) // tensor([0, 1])
     */
    ne(b: TensorLike): Tensor;
    /**
     * `condition ? this : other` elementwise, broadcasting (`torch.Tensor.where`); see `wg.where`.
     *
     * @example wg.tensor([1, 2]).where(wg.tensor([1, 0]), 0) // tensor([1, 0])
     */
    where(condition: Tensor, other: TensorLike): Tensor;
    /**
     * A copy with `value` where `mask` is not 0; see `wg.maskedFill`.
     *
     * @example wg.tensor([1, 2]).maskedFill(wg.tensor([0, 1]), 9) // tensor([1, 9])
     */
    maskedFill(mask: Tensor, value: number): Tensor;
    /**
     * Clamps into [min, max] (either may be null); see `wg.clamp`.
     *
     * @example wg.tensor([-1, 0.5, 2]).clamp(0, 1) // tensor([0, 0.5, 1])
     */
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
  }
}

installMethods({
  add(b) { return add(this, b); },
  sub(b) { return sub(this, b); },
  mul(b) { return mul(this, b); },
  div(b) { return div(this, b); },
  pow(b) { return pow(this, b); },
  maximum(b) { return maximum(this, b); },
  minimum(b) { return minimum(this, b); },
  neg() { return neg(this); },
  exp() { return exp(this); },
  log() { return log(this); },
  sqrt() { return sqrt(this); },
  abs() { return abs(this); },
  sin() { return sin(this); },
  cos() { return cos(this); },
  silu() { return silu(this); },
  sign() { return sign(this); },
  floor() { return floor(this); },
  ceil() { return ceil(this); },
  round() { return round(this); },
  square() { return square(this); },
  rsqrt() { return rsqrt(this); },
  reciprocal() { return reciprocal(this); },
  log1p() { return log1p(this); },
  expm1() { return expm1(this); },
  logSigmoid() { return logSigmoid(this); },
  leakyRelu(negativeSlope = 0.01) { return leakyRelu(this, negativeSlope); },
  elu(alpha = 1) { return elu(this, alpha); },
  softplus(beta = 1, threshold = 20) { return softplus(this, beta, threshold); },
  hardtanh(minVal = -1, maxVal = 1) { return hardtanh(this, minVal, maxVal); },
  gelu(approximate = 'none') { return gelu(this, approximate); },
  tanh() { return tanh(this); },
  sigmoid() { return sigmoid(this); },
  relu() { return relu(this); },
  gt(b) { return gt(this, b); },
  ge(b) { return ge(this, b); },
  lt(b) { return lt(this, b); },
  le(b) { return le(this, b); },
  eq(b) { return eq(this, b); },
  ne(b) { return ne(this, b); },
  where(condition, other) { return where(condition, this, other); },
  maskedFill(mask, value) { return maskedFill(this, mask, value); },
  clamp(min, max) { return clamp(this, min, max); },
} satisfies Partial<Tensor> & ThisType<Tensor>);
