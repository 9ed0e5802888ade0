// Dropout: in training mode zeroes each element with probability p and scales the rest by
// 1/(1-p) (inverted dropout, so eval needs no rescaling); in eval mode the identity.

import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { mul } from '../ops/elementwise.js';
import { empty } from '../ops/util.js';
import { randomUniform } from '../ops/random.js';
import { Module } from './module.js';

export interface DropoutOptions {
  p?: number;
}

export class Dropout extends Module {
  readonly p: number;

  /** `new Dropout(0.2)` or `new Dropout({ p: 0.2 })`; p defaults to 0.5 as in PyTorch. */
  constructor(p: number | DropoutOptions = 0.5) {
    super();
    const prob = typeof p === 'object' ? checkOptions('Dropout', p, ['p']).p ?? 0.5 : p;
    if (!(typeof prob === 'number' && prob >= 0 && prob < 1)) throw new WasmgradError(`Dropout: p must be a number in [0, 1), got ${fmtValue(prob)}`);
    this.p = prob;
  }

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
