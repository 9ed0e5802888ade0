// Activations: tanh, sigmoid, relu, and the fused gradient gates their rules use (tanhGrad,
// sigmoidGrad, reluGrad), which are ops themselves so that createGraph differentiates them.

import { Unary, UnaryGrad } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyGate } from '../autograd/tape.js';
import { applyUnary, composite, gradGate, unaryGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { mul, sub } from './binary.js';

// sigmoid and tanh are single gates whose backward uses the cached output (the seed notes:
// fewer numerical problems than composing exp, add and div).
const tanhGate = unaryGate('tanh', Unary.Tanh, true, (_x, y, dy) => tanhGrad(y, dy));
const sigmoidGate = unaryGate('sigmoid', Unary.Sigmoid, true, (_x, y, dy) => sigmoidGrad(y, dy));
const reluGate = unaryGate('relu', Unary.Relu, false, (x, _y, dy) => reluGrad(x, dy));

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
  nx ? filledLike(x, 0) : null,
  ndy ? reluGrad(x, g) : null,
]);

export function sigmoidGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(sigmoidGradGate, [y, dy], undefined); }
export function tanhGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(tanhGradGate, [y, dy], undefined); }
export function reluGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(reluGradGate, [x, dy], undefined); }
