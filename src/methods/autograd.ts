// The Tensor method of the autograd layer: backward. (The op methods live with their ops; see
// src/methods/index.ts.)

import { Tensor } from '../tensor.js';
import { backward, type BackwardOptions } from '../autograd/backward.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Backpropagates from this tensor. The seed defaults to 1 for a one-element tensor and is
     * required otherwise. Options: retainGraph keeps saved values for another pass; createGraph
     * records the backward pass so gradients can be differentiated again.
     *
     * PyTorch's `backward()`: leaves that require a gradient accumulate into `.grad` (call
     * `zeroGrad()` between steps); non-leaves keep theirs only after `retainGrad()`. The seed has
     * this tensor's shape (a number for a one-element tensor, or nested arrays). Throws a
     * WasmgradError if this tensor does not require a gradient, if a seed is missing for a tensor of
     * several elements, or (a DisposedError) on a second pass over a graph whose saved values were
     * released (pass `retainGraph` on the first).
     *
     * @example const x = wg.tensor([1, 2], { requiresGrad: true }); x.mul(3).sum().backward(); x.grad // tensor([3, 3])
     */
    backward(seed?: Tensor | number | ArrayLike<unknown> | BackwardOptions, opts?: BackwardOptions): void;
  }
}

installMethods({
  backward(seed, opts) {
    // backward(opts): an options object in the seed's place.
    if (seed !== undefined && seed !== null && !(seed instanceof Tensor) && typeof seed === 'object'
      && !Array.isArray(seed) && !ArrayBuffer.isView(seed)) {
      backward(this, undefined, seed as BackwardOptions);
      return;
    }
    backward(this, seed as Tensor | number | ArrayLike<unknown> | undefined, opts ?? {});
  },
} satisfies Partial<Tensor> & ThisType<Tensor>);
