// Activations: tanh, sigmoid, relu, logSigmoid (gates; their rules use the fused gradient gates
// of grad_gates.ts), silu, leakyRelu, elu, softplus, hardtanh, hardswish, gelu (composites;
// their parameters are plain numbers the composite closes over). Every export is public
// (src/ops/index.ts and nn/functional.ts re-export this file whole); the default export is the
// family's Tensor methods, installed by src/methods/.

import { Binary, Unary } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyUnary, composite, unaryGate } from './elementwise.js';
import { add, div, minimum, mul } from './binary.js';
import { expm1, neg } from './unary.js';
import { erf } from './erf.js';
import { reluGrad, sigmoidGrad, tanhGrad } from './grad_gates.js';
import { compareMask, complement, keepWhere } from './compare.js';
import { binaryKernel } from './elementwise.js';
import { finiteParam, scalarLike } from './util.js';
import { WasmgradError, describeValue } from '../errors.js';

// sigmoid and tanh are single gates whose backward uses the cached output (the seed notes:
// fewer numerical problems than composing exp, add and div).
const tanhGate = unaryGate('tanh', Unary.Tanh, true, (_x, y, dy) => tanhGrad(y, dy));
const sigmoidGate = unaryGate('sigmoid', Unary.Sigmoid, true, (_x, y, dy) => sigmoidGrad(y, dy));
const reluGate = unaryGate('relu', Unary.Relu, false, (x, _y, dy) => reluGrad(x, dy));
// logSigmoid' = 1 - sigmoid(x) = sigmoid(-x)
const logSigmoidGate = unaryGate('logSigmoid', Unary.LogSigmoid, false, (x, _y, dy) => mul(dy, sigmoid(neg(x))));

/**
 * Elementwise hyperbolic tangent (`torch.tanh`), one fused gate: the gradient `(1 - y²) dy`
 * comes from the cached output y.
 *
 * @example wg.tanh(wg.tensor([0, 1])) // tensor([0, 0.7616])
 */
export function tanh(a: TensorLike): Tensor { return applyUnary(tanhGate, a); }
/**
 * Elementwise logistic function 1 / (1 + e^-a) (`torch.sigmoid`), one fused gate: the gradient
 * `(1 - y) y dy` comes from the cached output y.
 *
 * @example wg.sigmoid(wg.tensor([0, 2])) // tensor([0.5, 0.8808])
 */
export function sigmoid(a: TensorLike): Tensor { return applyUnary(sigmoidGate, a); }
/**
 * Elementwise max(a, 0) (`torch.relu`). Gradient `dy` where a > 0, else 0 (0 at a = 0).
 *
 * @example wg.relu(wg.tensor([-1, 0, 2])) // tensor([0, 0, 2])
 */
export function relu(a: TensorLike): Tensor { return applyUnary(reluGate, a); }
/**
 * SiLU (swish), `a · sigmoid(a)` (`torch.nn.functional.silu`). A composite: its gradient
 * `sigmoid(a)(1 + a(1 − sigmoid(a)))` comes from the mul and sigmoid gates.
 *
 * @example wg.silu(wg.tensor([0, 1])) // tensor([0, 0.7311])
 */
export function silu(a: TensorLike): Tensor { return composite('silu', a, (x) => mul(x, sigmoid(x))); }

/**
 * Elementwise `log(sigmoid(a))` (`torch.nn.functional.logsigmoid`), one kernel computing
 * `min(a, 0) - log1p(e^{-|a|})`: finite for every finite a (no log(0)). Gradient `sigmoid(-a) dy`.
 *
 * @example wg.logSigmoid(wg.tensor([0, -100])) // tensor([-0.6931, -100])
 */
export function logSigmoid(a: TensorLike): Tensor { return applyUnary(logSigmoidGate, a); }
/**
 * Leaky ReLU (`torch.nn.functional.leaky_relu`): `a` where a > 0, else `negativeSlope · a`.
 * Gradient 1 where a > 0, else `negativeSlope` (at 0 too, as PyTorch). A composite.
 *
 * @example wg.leakyRelu(wg.tensor([-2, 3]), 0.1) // tensor([-0.2, 3])
 */
export function leakyRelu(a: TensorLike, negativeSlope = 0.01): Tensor {
  const slope = finiteParam('leakyRelu', 'negativeSlope', negativeSlope);
  // x · (a > 0 ? 1 : slope), the factor a constant mask: NaN stays NaN.
  return composite('leakyRelu', a, (x) =>
    mul(x, add(mul(compareMask(Binary.Greater, x, scalarLike(0, x)), 1 - slope), slope)));
}
/**
 * ELU (`torch.nn.functional.elu`): `a` where a > 0, else `alpha (e^a - 1)`. Gradient 1 where
 * a > 0, else `alpha e^a` (at 0 too, as PyTorch). A composite: `relu(a) + alpha expm1(min(a, 0))`.
 *
 * @example wg.elu(wg.tensor([-1, 2])) // tensor([-0.6321, 2])
 */
export function elu(a: TensorLike, alpha = 1): Tensor {
  const al = finiteParam('elu', 'alpha', alpha);
  return composite('elu', a, (x) => add(relu(x), mul(expm1(minimum(x, 0)), al)));
}
/**
 * Softplus (`torch.nn.functional.softplus`): `log(1 + e^{beta a}) / beta`, and `a` itself where
 * `beta · a > threshold` (PyTorch's linear region). Gradient `sigmoid(beta a)`, 1 in the linear
 * region. A composite of logSigmoid (`softplus(z) = -logSigmoid(-z)`, which never overflows).
 *
 * @example wg.softplus(wg.tensor([0, 30])) // tensor([0.6931, 30])
 */
export function softplus(a: TensorLike, beta = 1, threshold = 20): Tensor {
  const b = finiteParam('softplus', 'beta', beta);
  const th = finiteParam('softplus', 'threshold', threshold);
  if (b === 0) throw new WasmgradError('softplus: beta must be non-zero, got 0');
  return composite('softplus', a, (x) => {
    const z = b === 1 ? x : mul(x, b);
    const soft = b === 1 ? neg(logSigmoid(neg(z))) : div(neg(logSigmoid(neg(z))), b);
    const linear = compareMask(Binary.Greater, z, scalarLike(th, x));
    return add(keepWhere(linear, x), keepWhere(complement(linear), soft));
  });
}
/**
 * HardTanh (`torch.nn.functional.hardtanh`): `a` clamped to [minVal, maxVal]; NaN stays NaN.
 * Gradient 1 strictly inside, 0 at and beyond the bounds (as PyTorch). A composite.
 *
 * @example wg.hardtanh(wg.tensor([-2, 0.5, 3])) // tensor([-1, 0.5, 1])
 */
export function hardtanh(a: TensorLike, minVal = -1, maxVal = 1): Tensor {
  const lo = finiteParam('hardtanh', 'minVal', minVal);
  const hi = finiteParam('hardtanh', 'maxVal', maxVal);
  if (lo > hi) throw new WasmgradError(`hardtanh: minVal (${lo}) must not be greater than maxVal (${hi})`);
  return composite('hardtanh', a, (x) => {
    const loT = scalarLike(lo, x), hiT = scalarLike(hi, x);
    const inside = binaryKernel('hardtanh', Binary.Mul, compareMask(Binary.Greater, x, loT), compareMask(Binary.Less, x, hiT));
    // the clamped values (a constant, NaN-propagating) outside; x itself inside, where the gradient flows
    const clamped = binaryKernel('hardtanh', Binary.Minimum, binaryKernel('hardtanh', Binary.Maximum, x, loT), hiT);
    return add(keepWhere(inside, x), keepWhere(complement(inside), clamped));
  });
}
/**
 * Hardswish (`torch.nn.functional.hardswish`, MobileNetV3): `a · min(max(a + 3, 0), 6) / 6`,
 * 0 for a <= -3, a for a >= 3. Gradient `(2a + 3) / 6` strictly between -3 and 3, 0 at and below
 * -3, 1 at and above 3 (PyTorch's `hardswish_backward`). A composite: hardtanh's gradient is 0 at
 * its bounds, which gives those values at the kinks.
 *
 * @example wg.hardswish(wg.tensor([-4, -1, 1, 4])) // tensor([0, -0.3333, 0.6667, 4])
 */
export function hardswish(a: TensorLike): Tensor {
  return composite('hardswish', a, (x) => div(mul(x, hardtanh(add(x, 3), 0, 6)), 6));
}
/**
 * GELU (`torch.nn.functional.gelu`): `a Φ(a)` with Φ the standard normal CDF,
 * `½ a (1 + erf(a / √2))` (approximate 'none', an accurate erf kernel), or
 * `½ a (1 + tanh(√(2/π) (a + 0.044715 a³)))` (approximate 'tanh'). A composite.
 *
 * @example wg.gelu(wg.tensor([0, 1])) // tensor([0, 0.8413])
 */
export function gelu(a: TensorLike, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new WasmgradError(`gelu: approximate must be 'none' or 'tanh', got ${describeValue(approximate)}`);
  }
  if (approximate === 'none') {
    return composite('gelu', a, (x) => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1)));
  }
  return composite('gelu', a, (x) => {
    const inner = mul(add(x, mul(mul(x, mul(x, x)), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  });
}


declare module '../tensor.js' {
  interface Tensor {
    /**
     * SiLU of each element, `x · sigmoid(x)`; see `wg.silu`.
     *
     * @example wg.tensor([0, 1]).silu() // tensor([0, 0.7311])
     */
    silu(): Tensor;
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
     * Hardswish of each element, `x · min(max(x + 3, 0), 6) / 6`; see `wg.hardswish`.
     *
     * @example wg.tensor([-4, -1, 1, 4]).hardswish() // tensor([0, -0.3333, 0.6667, 4])
     */
    hardswish(): Tensor;
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
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  silu() { return silu(this); },
  logSigmoid() { return logSigmoid(this); },
  leakyRelu(negativeSlope = 0.01) { return leakyRelu(this, negativeSlope); },
  elu(alpha = 1) { return elu(this, alpha); },
  softplus(beta = 1, threshold = 20) { return softplus(this, beta, threshold); },
  hardtanh(minVal = -1, maxVal = 1) { return hardtanh(this, minVal, maxVal); },
  hardswish() { return hardswish(this); },
  gelu(approximate = 'none') { return gelu(this, approximate); },
  tanh() { return tanh(this); },
  sigmoid() { return sigmoid(this); },
  relu() { return relu(this); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
