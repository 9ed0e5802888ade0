// Dropout: in training mode zeroes each element with probability p and scales the rest by
// 1/(1-p) (inverted dropout, so eval needs no rescaling); in eval mode the identity.

import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { mul } from '../ops/binary.js';
import { empty } from '../ops/util.js';
import { randomUniform } from '../ops/random.js';
import { Module } from './module.js';

/** The options form of Dropout's constructor: `new Dropout({ p: 0.2 })`. */
export interface DropoutOptions {
  /** The probability of zeroing an element, in [0, 1) (default 0.5). */
  p?: number;
}

/**
 * Inverted dropout (PyTorch's `nn.Dropout`): in training mode each element is zeroed with
 * probability `p` and the rest scaled by 1/(1-p); in evaluation mode (`eval()`) the identity.
 */
export class Dropout extends Module {
  /** The probability of zeroing an element. */
  readonly p: number;

  /**
   * `new Dropout(0.2)` or `new Dropout({ p: 0.2 })`; p defaults to 0.5 as in PyTorch. A
   * WasmgradError unless 0 <= p < 1, or for an unknown option.
   *
   * @param p The probability of zeroing an element (default 0.5), or `{ p }`.
   * @example new wg.nn.Dropout({ p: 0.1 }).p // 0.1
   */
  constructor(p: number | DropoutOptions = 0.5) {
    super();
    const prob = typeof p === 'object' ? checkOptions('Dropout', p, ['p']).p ?? 0.5 : p;
    if (!(typeof prob === 'number' && prob >= 0 && prob < 1)) throw new WasmgradError(`Dropout: p must be a number in [0, 1), got ${fmtValue(prob)}`);
    this.p = prob;
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
