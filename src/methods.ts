// Installs the op methods on Tensor.prototype: `x.add(y)` is `add(x, y)`. tensor.ts holds a
// tensor's data and lifetime only and imports no op; this file sits above the ops and autograd
// layers and adds the methods, as TensorFlow.js' chained ops do. The interface below merges
// into the Tensor class (declaration merging), so each method keeps its exact type and its doc
// comment; src/index.ts imports this file, so `import * as wg from 'wasmgrad'` always has them.
// A new op: its function in its family file under src/ops/, then one declaration and one line here.

import type { BackendName, DType } from './backend/backend.js';
import { Tensor } from './tensor.js';
import { backward, type BackwardOptions } from './autograd/backward.js';
import {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, abs, tanh, sigmoid, relu,
  sin, cos, silu, sum, mean, max, reshape, transpose, matmul, softmax, logSoftmax, crossEntropy, mseLoss, astype, to,
} from './ops/index.js';
import { add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_ } from './ops/inplace.js';
import type { LossOptions } from './ops/loss.js';
import { gt, ge, lt, le, eq, ne, where, maskedFill, clamp } from './ops/select.js';
import { indexSelect, gather, type IndexLike } from './ops/indexing.js';

declare module './tensor.js' {
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
     * A copy converted to `dtype` ('float32' or 'float64'); see `wg.astype`.
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
    // ---- in-place (src/ops/inplace.ts): write this tensor's storage, bump its version -------
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
    // ---- ops -------------------------------------------------------------------------------
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
     * The sum over `axis` (all axes when omitted); see `wg.sum`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).sum(1) // tensor([3, 7])
     */
    sum(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The mean over `axis` (all axes when omitted); see `wg.mean`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).mean(0) // tensor([2, 3])
     */
    mean(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The largest value over `axis` (all axes when omitted); see `wg.max`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).max(1) // tensor([5, 4])
     */
    max(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The same elements in a new shape (one dimension may be -1); see `wg.reshape`.
     *
     * @example wg.arange(6).reshape([2, -1]) // tensor([[0, 1, 2], [3, 4, 5]])
     */
    reshape(shape: readonly number[]): Tensor;
    /**
     * The axes permuted (reversed when omitted); see `wg.transpose`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).transpose() // tensor([[1, 3], [2, 4]])
     */
    transpose(axes?: readonly number[]): Tensor;
    /**
     * The matrix product `this @ b`; see `wg.matmul`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).matmul(wg.tensor([[1], [1]])) // tensor([[3], [7]])
     */
    matmul(b: Tensor): Tensor;
    /**
     * Softmax along `axis` (default the last); see `wg.softmax`.
     *
     * @example wg.tensor([0, Math.log(3)]).softmax() // tensor([0.25, 0.75])
     */
    softmax(axis?: number): Tensor;
    /**
     * log(softmax(x)) along `axis`, computed stably; see `wg.logSoftmax`.
     *
     * @example wg.tensor([0, Math.log(3)]).logSoftmax() // tensor([-1.3863, -0.2877])
     */
    logSoftmax(axis?: number): Tensor;
    /**
     * The mean cross-entropy of these logits `[N, C]` against class indices; see `wg.crossEntropy`
     * (`opts` accepts no keys yet).
     *
     * @example wg.tensor([[0, 0], [0, 0]]).crossEntropy([0, 1]) // tensor(0.6931)
     */
    crossEntropy(labels: ArrayLike<number>, opts?: LossOptions): Tensor;
    /**
     * The mean squared error against `target`, which must have this tensor's shape or be a
     * number; see `wg.mseLoss` (`opts` accepts no keys yet).
     *
     * @example wg.tensor([1, 2]).mseLoss(wg.tensor([1, 4])) // tensor(2)
     */
    mseLoss(target: TensorLike, opts?: LossOptions): Tensor;
    // ---- comparison and selection (src/ops/select.ts) ----------------------------------------
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
    // ---- indexing (src/ops/indexing.ts) ----------------------------------------------------------
    /**
     * The slices at `indices` along `dim`; see `wg.indexSelect`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).indexSelect(1, [1]) // tensor([[2], [4]])
     */
    indexSelect(dim: number, indices: IndexLike): Tensor;
    /**
     * Gathers along `dim` by `index` (same number of dimensions); see `wg.gather`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).gather(1, [[1], [0]]) // tensor([[2], [3]])
     */
    gather(dim: number, index: IndexLike): Tensor;
  }
}

// The method bodies, installed as class methods are: writable, configurable, not enumerable.
const methods = {
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
  tanh() { return tanh(this); },
  sigmoid() { return sigmoid(this); },
  relu() { return relu(this); },
  sum(axis, keepdims = false) { return sum(this, axis, keepdims); },
  mean(axis, keepdims = false) { return mean(this, axis, keepdims); },
  max(axis, keepdims = false) { return max(this, axis, keepdims); },
  reshape(shape) { return reshape(this, shape); },
  transpose(axes) { return transpose(this, axes); },
  matmul(b) { return matmul(this, b); },
  softmax(axis = -1) { return softmax(this, axis); },
  logSoftmax(axis = -1) { return logSoftmax(this, axis); },
  crossEntropy(labels, opts) { return crossEntropy(this, labels, opts); },
  mseLoss(target, opts) { return mseLoss(this, target, opts); },
  gt(b) { return gt(this, b); },
  ge(b) { return ge(this, b); },
  lt(b) { return lt(this, b); },
  le(b) { return le(this, b); },
  eq(b) { return eq(this, b); },
  ne(b) { return ne(this, b); },
  where(condition, other) { return where(condition, this, other); },
  maskedFill(mask, value) { return maskedFill(this, mask, value); },
  clamp(min, max) { return clamp(this, min, max); },
  indexSelect(dim, indices) { return indexSelect(this, dim, indices); },
  gather(dim, index) { return gather(this, dim, index); },
} satisfies Partial<Tensor> & ThisType<Tensor>;

// (defineProperty leaves a new property non-enumerable unless told otherwise)
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true });
}
