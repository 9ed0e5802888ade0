// The error function, an internal unary op: exact gelu is ½ x (1 + erf(x / √2)). Not public
// (src/ops/index.ts does not re-export this file).

import { Unary } from '../backend/backend.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyUnary, unaryGate } from './elementwise.js';
import { mul } from './binary.js';
import { exp, neg, square } from './unary.js';

// erf' = 2/√π e^{-x²}
const erfGate = unaryGate('erf', Unary.Erf, false, (x, _y, dy) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));

/** The error function (`torch.erf`), for gelu; gradient `2/√π e^{-a²} dy`. */
export function erf(a: TensorLike): Tensor { return applyUnary(erfGate, a); }
