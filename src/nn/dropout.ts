// Dropout: in training mode zeroes each element with probability p and scales the rest by
// 1/(1-p) (inverted dropout, so eval needs no rescaling); in eval mode the identity.

import { Tensor } from '../tensor.js';
import { WasmgradError } from '../errors.js';
import { mul } from '../ops/elementwise.js';
import { empty } from '../ops/util.js';
import { randomUniform } from '../ops/random.js';
import { Module } from './module.js';

/**
 * Inverted dropout (PyTorch's `nn.Dropout`): in training mode each element is zeroed with
 * probability `p` and the rest scaled by 1/(1-p); in evaluation mode (`eval()`) the identity.
 */
export class Dropout extends Module {
  /**
   * A WasmgradError unless 0 <= p < 1.
   *
   * @param p The probability of zeroing an element (default 0.5).
   * @example new wg.nn.Dropout(0.1).p // 0.1
   */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new WasmgradError(`Dropout: p must be in [0, 1), got ${String(p)}`);
  }

  /**
   * Same shape as x; random (reproducible after `manualSeed`) in training mode, x itself in eval.
   *
   * @example new wg.nn.Dropout(0.5).eval().forward(wg.ones([2])) // tensor([1, 1])
   */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    // The mask is a constant (no gradient of its own); mul routes dy through the kept elements.
    const u = randomUniform(x.size);
    const scale = 1 / (1 - this.p);
    for (let i = 0; i < u.length; i++) u[i] = u[i] >= this.p ? scale : 0;
    const mask = empty(x.shape, x.dtype, x.backend);
    x.backend.write(mask.storage, u);
    return mul(x, mask);
  }
}
