// Tensor methods: backward, dtype and backend conversion, and the in-place methods (add_ … zero_). Each is the free function of the same
// name with this tensor first (see src/methods/index.ts for how methods are installed).

import type { BackendName, DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { backward, type BackwardOptions } from '../autograd/backward.js';
import { mul, sum, max, astype, to } from '../ops/index.js';
import { min } from '../ops/index.js';
import { add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_ } from '../ops/inplace.js';
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
    /**
     * A copy converted to `dtype` ('float32', 'float64' or 'int32', truncating toward zero); see `wg.astype`.
     *
     * @example wg.tensor([1.5]).astype('float64').dtype // 'float64'
     */
    astype(dtype: DType): Tensor;
    /**
     * A copy on another backend ('wasm' or 'js'); see `wg.to`.
     *
     * @example wg.tensor([1, 2]).to('js').backendName // 'js'
     */
    to(backend: BackendName): Tensor;
    // On a leaf that requires grad only inside noGrad (e.g. w.sub_(w.grad.mul(lr))).
    /**
     * In place: this += b (PyTorch's `add_`), b a number or a tensor of this dtype and backend
     * that broadcasts to this shape (a ShapeError otherwise; a DTypeError or BackendError when
     * they differ). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([1, 2]).add_(1) // tensor([2, 3])
     */
    add_(b: TensorLike): this;
    /**
     * In place: this -= b (PyTorch's `sub_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example const w = wg.ones([2], { requiresGrad: true }); wg.noGrad(() => w.sub_(0.5)) // tensor([0.5, 0.5])
     */
    sub_(b: TensorLike): this;
    /**
     * In place: this *= b (PyTorch's `mul_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([1, 2]).mul_(wg.tensor([3, 4])) // tensor([3, 8])
     */
    mul_(b: TensorLike): this;
    /**
     * In place: this /= b (PyTorch's `div_`); b as for add_. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([2, 4]).div_(2) // tensor([1, 2])
     */
    div_(b: TensorLike): this;
    /**
     * In place: clamps every element into [min, max] (PyTorch's `clamp_`); either bound may be
     * omitted or null, not both (a WasmgradError). NaN stays NaN; with min > max every element
     * becomes max. The recorded gradient is 1 inside and at a bound, 0 outside. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.tensor([-1, 0.5, 2]).clamp_(0, 1) // tensor([0, 0.5, 1])
     */
    clamp_(min?: number | null, max?: number | null): this;
    /**
     * In place: copies src (broadcast to this shape, converted to this dtype and backend) into this
     * tensor (PyTorch's `copy_`); src gets the gradient, summed back to its shape. A ShapeError when
     * src does not broadcast to this shape. A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.zeros([2, 2]).copy_(wg.tensor([1, 2])) // tensor([[1, 2], [1, 2]])
     */
    copy_(src: Tensor): this;
    /**
     * In place: sets every element to the number v (PyTorch's `fill_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.zeros([3]).fill_(7) // tensor([7, 7, 7])
     */
    fill_(v: number): this;
    /**
     * In place: sets every element to 0 (PyTorch's `zero_`). A leaf that requires grad may be modified only inside `wg.noGrad` (a parameter update),
     * otherwise a WasmgradError; elsewhere the write is recorded, so gradients are those of the
     * out-of-place op. Bumps `version`; returns this tensor.
     *
     * @example wg.ones([2]).zero_() // tensor([0, 0])
     */
    zero_(): this;
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
  astype(dtype) { return astype(this, dtype); },
  to(backend) { return to(this, backend); },
  add_(b) { add_(this, b); return this; },
  sub_(b) { sub_(this, b); return this; },
  mul_(b) { mul_(this, b); return this; },
  div_(b) { div_(this, b); return this; },
  clamp_(min, max) { clamp_(this, min, max); return this; },
  copy_(src) { copy_(this, src); return this; },
  fill_(v) { fill_(this, v); return this; },
  zero_() { zero_(this); return this; },
} satisfies Partial<Tensor> & ThisType<Tensor>);
