// The fused gradient gates: the backward rules of abs, relu, sigmoid and tanh as single kernels
// (gradGate, elementwise.ts). Each is an op itself, with its own rule beside it, so createGraph
// differentiates a gradient again. Internal: not part of the public API (src/ops/index.ts does not
// re-export this file).

import { UnaryGrad } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { applyGate } from '../autograd/tape.js';
import { gradGate } from './elementwise.js';
import { filledLike } from '../alloc.js';
import { mul, sub } from './binary.js';

// absGrad(x, dy) = dy sign(x): piecewise constant in x, linear in dy.
const absGradGate = gradGate('absGrad', UnaryGrad.Abs, (x, _dy, g, nx, ndy) => [
  nx ? filledLike(x, 0) : null,
  ndy ? absGrad(x, g) : null,
]);
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

/** The fused gradient of abs: dy sign(x) (0 at x = 0). */
export function absGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(absGradGate, [x, dy], undefined); }
/** The fused gradient of sigmoid from its output y: dy y (1 - y). */
export function sigmoidGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(sigmoidGradGate, [y, dy], undefined); }
/** The fused gradient of tanh from its output y: dy (1 - y²). */
export function tanhGrad(y: Tensor, dy: Tensor): Tensor { return applyGate(tanhGradGate, [y, dy], undefined); }
/** The fused gradient of relu: dy where x > 0, else 0. */
export function reluGrad(x: Tensor, dy: Tensor): Tensor { return applyGate(reluGradGate, [x, dy], undefined); }
