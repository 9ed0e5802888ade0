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
import { narrow, select, split, chunk, flip, pad, squeeze, unsqueeze, flatten, permute, expand, tril, triu } from './ops/index.js';
import {
  sign, floor, ceil, round, square, rsqrt, reciprocal, log1p, expm1, logSigmoid, leakyRelu, elu, softplus, hardtanh, gelu,
} from './ops/index.js';
import { nllLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './ops/index.js';
import { min, prod, argmax, argmin } from './ops/index.js';
import { logsumexp, var as variance, std, norm } from './ops/index.js';
import type { VarOptions } from './ops/statistics.js';
import { cumsum } from './ops/index.js';
import { add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_ } from './ops/inplace.js';
import type { CrossEntropyOptions, HuberLossOptions, Labels, NllLossOptions, ReductionOptions } from './ops/loss.js';
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
     * The sign of each element, -1, 0 or 1; see `wg.sign`.
     *
     * @example wg.tensor([-2, 0, 3]).sign() // tensor([-1, 0, 1])
     */
    sign(): Tensor;
    /**
     * Each element rounded down; see `wg.floor`.
     *
     * @example wg.tensor([-1.5, 1.5]).floor() // tensor([-2, 1])
     */
    floor(): Tensor;
    /**
     * Each element rounded up; see `wg.ceil`.
     *
     * @example wg.tensor([-1.5, 1.5]).ceil() // tensor([-1, 2])
     */
    ceil(): Tensor;
    /**
     * Each element rounded to the nearest integer, ties to even; see `wg.round`.
     *
     * @example wg.tensor([0.5, 1.5, 2.5]).round() // tensor([0, 2, 2])
     */
    round(): Tensor;
    /**
     * The square of each element; see `wg.square`.
     *
     * @example wg.tensor([-3, 2]).square() // tensor([9, 4])
     */
    square(): Tensor;
    /**
     * `1 / √x` of each element; see `wg.rsqrt`.
     *
     * @example wg.tensor([4, 0.25]).rsqrt() // tensor([0.5, 2])
     */
    rsqrt(): Tensor;
    /**
     * `1 / x` of each element; see `wg.reciprocal`.
     *
     * @example wg.tensor([2, -4]).reciprocal() // tensor([0.5, -0.25])
     */
    reciprocal(): Tensor;
    /**
     * `log(1 + x)` of each element, accurate for small x; see `wg.log1p`.
     *
     * @example wg.tensor([0, 1e-10]).log1p() // tensor([0, 1e-10])
     */
    log1p(): Tensor;
    /**
     * `e^x - 1` of each element, accurate for small x; see `wg.expm1`.
     *
     * @example wg.tensor([0, 1e-10]).expm1() // tensor([0, 1e-10])
     */
    expm1(): Tensor;
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
     * The smallest value over `axis` (all axes when omitted); see `wg.min`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).min(1) // tensor([1, 3])
     */
    min(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The product over `axis` (all axes when omitted); see `wg.prod`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).prod(1) // tensor([2, 12])
     */
    prod(axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The index of the largest value along `axis` (of the flattened tensor when omitted); see `wg.argmax`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).argmax(1) // tensor([1, 1])
     */
    argmax(axis?: number | null, keepdims?: boolean): Tensor;
    /**
     * The index of the smallest value along `axis` (of the flattened tensor when omitted); see `wg.argmin`.
     *
     * @example wg.tensor([[1, 5], [3, 4]]).argmin(1) // tensor([0, 0])
     */
    argmin(axis?: number | null, keepdims?: boolean): Tensor;
    /**
     * log Σ exp over `axis` (required), computed stably; see `wg.logsumexp`.
     *
     * @example wg.tensor([[0, Math.log(3)]]).logsumexp(1) // tensor([1.3863])
     */
    logsumexp(axis: Axis, keepdims?: boolean): Tensor;
    /**
     * The variance over `axis` (all axes when omitted), options `correction` (default 1) and `keepdims`; see `wg.var`.
     *
     * @example wg.tensor([1, 2, 3, 4]).var() // tensor(1.6667)
     */
    var(axis?: Axis | null, opts?: VarOptions): Tensor;
    /**
     * The standard deviation over `axis`, options as `var`; see `wg.std`.
     *
     * @example wg.tensor([1, 2, 3, 4]).std(null, { correction: 0 }) // tensor(1.1180)
     */
    std(axis?: Axis | null, opts?: VarOptions): Tensor;
    /**
     * The vector p-norm over `axis` (all axes when omitted; p = 2 by default); see `wg.norm`.
     *
     * @example wg.tensor([3, 4]).norm() // tensor(5)
     */
    norm(p?: number, axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The running sum along `dim`; see `wg.cumsum`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).cumsum(1) // tensor([[1, 3], [3, 7]])
     */
    cumsum(dim: number): Tensor;
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
     * `length` elements of dim `dim` from `start`; see `wg.narrow`.
     *
     * @example wg.arange(5).narrow(0, 1, 3) // tensor([1, 2, 3])
     */
    narrow(dim: number, start: number, length: number): Tensor;
    /**
     * The slice at `index` of dim `dim`, which is removed; see `wg.select`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).select(0, 1) // tensor([3, 4])
     */
    select(dim: number, index: number): Tensor;
    /**
     * Pieces along `dim` of a given size or of the listed sizes; see `wg.split`.
     *
     * @example wg.arange(5).split([2, 3]).map((t) => t.shape) // [[2], [3]]
     */
    split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[];
    /**
     * At most `n` equal pieces along `dim` (the last may be smaller); see `wg.chunk`.
     *
     * @example wg.arange(6).chunk(2).map((t) => t.shape) // [[3], [3]]
     */
    chunk(n: number, dim?: number): Tensor[];
    /**
     * Reversed along each of `dims`; see `wg.flip`.
     *
     * @example wg.tensor([1, 2, 3]).flip(0) // tensor([3, 2, 1])
     */
    flip(dims: number | readonly number[]): Tensor;
    /**
     * Padded with `value`, pairs from the last dim backwards (F.pad order); see `wg.pad`.
     *
     * @example wg.tensor([1, 2]).pad([1, 0], 9) // tensor([9, 1, 2])
     */
    pad(pads: readonly number[], value?: number): Tensor;
    /**
     * Size-1 dims removed (all, or those among `dim`); see `wg.squeeze`.
     *
     * @example wg.zeros([1, 3, 1]).squeeze().shape // [3]
     */
    squeeze(dim?: number | readonly number[]): Tensor;
    /**
     * A size-1 dim inserted at `dim`; see `wg.unsqueeze`.
     *
     * @example wg.zeros([3]).unsqueeze(0).shape // [1, 3]
     */
    unsqueeze(dim: number): Tensor;
    /**
     * Dims `startDim`..`endDim` merged into one; see `wg.flatten`.
     *
     * @example wg.zeros([2, 3, 4]).flatten().shape // [24]
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * The dims reordered (one by one or as an array); see `wg.permute`.
     *
     * @example wg.zeros([2, 3, 4]).permute(2, 0, 1).shape // [4, 2, 3]
     */
    permute(...dims: (number | readonly number[])[]): Tensor;
    /**
     * Repeated along size-1 and new leading dims to `shape` (-1 keeps a size); see `wg.expand`.
     *
     * @example wg.tensor([1, 2]).expand([3, -1]).shape // [3, 2]
     */
    expand(shape: readonly number[]): Tensor;
    /**
     * The lower triangle of the last two dims (column <= row + k); see `wg.tril`.
     *
     * @example wg.ones([2, 2]).tril() // tensor([[1, 0], [1, 1]])
     */
    tril(k?: number): Tensor;
    /**
     * The upper triangle of the last two dims (column >= row + k); see `wg.triu`.
     *
     * @example wg.ones([2, 2]).triu(1) // tensor([[0, 1], [0, 0]])
     */
    triu(k?: number): Tensor;
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
     * The cross-entropy of these logits `[N, C]` or `[N, C, d1, …]` against class indices, with
     * `reduction`, `ignoreIndex`, `labelSmoothing`; see `wg.crossEntropy`.
     *
     * @example wg.tensor([[0, 0], [0, 0]]).crossEntropy([0, 1]) // tensor(0.6931)
     */
    crossEntropy(labels: Labels, opts?: CrossEntropyOptions): Tensor;
    /**
     * The mean squared error against `target`, which must have this tensor's shape or be a
     * number, with `reduction`; see `wg.mseLoss`.
     *
     * @example wg.tensor([1, 2]).mseLoss(wg.tensor([1, 4])) // tensor(2)
     */
    mseLoss(target: TensorLike, opts?: ReductionOptions): Tensor;
    /**
     * The negative log-likelihood of these log-probabilities against class indices; see `wg.nllLoss`.
     *
     * @example wg.tensor([[-1, -2], [-3, -4]]).nllLoss([0, 1]) // tensor(2.5)
     */
    nllLoss(labels: Labels, opts?: NllLossOptions): Tensor;
    /**
     * The mean absolute error against `target`; see `wg.l1Loss`.
     *
     * @example wg.tensor([1, 2]).l1Loss(wg.tensor([1, 4])) // tensor(1)
     */
    l1Loss(target: TensorLike, opts?: ReductionOptions): Tensor;
    /**
     * The Huber loss against `target` (`delta` default 1); see `wg.huberLoss`.
     *
     * @example wg.tensor([0, 0]).huberLoss(wg.tensor([0.5, 3])) // tensor(1.3125)
     */
    huberLoss(target: TensorLike, opts?: HuberLossOptions): Tensor;
    /**
     * The binary cross-entropy of these probabilities against `targets`; see `wg.binaryCrossEntropy`.
     *
     * @example wg.tensor([0.5, 1]).binaryCrossEntropy(wg.tensor([1, 1])) // tensor(0.3466)
     */
    binaryCrossEntropy(targets: TensorLike, opts?: ReductionOptions): Tensor;
    /**
     * The binary cross-entropy of these logits against `targets`; see `wg.binaryCrossEntropyWithLogits`.
     *
     * @example wg.tensor([0, 100]).binaryCrossEntropyWithLogits(wg.tensor([1, 1])) // tensor(0.3466)
     */
    binaryCrossEntropyWithLogits(targets: TensorLike, opts?: ReductionOptions): Tensor;
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
  sign() { return sign(this); },
  floor() { return floor(this); },
  ceil() { return ceil(this); },
  round() { return round(this); },
  square() { return square(this); },
  rsqrt() { return rsqrt(this); },
  reciprocal() { return reciprocal(this); },
  log1p() { return log1p(this); },
  expm1() { return expm1(this); },
  logSigmoid() { return logSigmoid(this); },
  leakyRelu(negativeSlope = 0.01) { return leakyRelu(this, negativeSlope); },
  elu(alpha = 1) { return elu(this, alpha); },
  softplus(beta = 1, threshold = 20) { return softplus(this, beta, threshold); },
  hardtanh(minVal = -1, maxVal = 1) { return hardtanh(this, minVal, maxVal); },
  gelu(approximate = 'none') { return gelu(this, approximate); },
  tanh() { return tanh(this); },
  sigmoid() { return sigmoid(this); },
  relu() { return relu(this); },
  sum(axis, keepdims = false) { return sum(this, axis, keepdims); },
  mean(axis, keepdims = false) { return mean(this, axis, keepdims); },
  max(axis, keepdims = false) { return max(this, axis, keepdims); },
  min(axis, keepdims = false) { return min(this, axis, keepdims); },
  prod(axis, keepdims = false) { return prod(this, axis, keepdims); },
  argmax(axis, keepdims = false) { return argmax(this, axis, keepdims); },
  argmin(axis, keepdims = false) { return argmin(this, axis, keepdims); },
  logsumexp(axis, keepdims = false) { return logsumexp(this, axis, keepdims); },
  var(axis, opts) { return variance(this, axis, opts); },
  std(axis, opts) { return std(this, axis, opts); },
  norm(p = 2, axis, keepdims = false) { return norm(this, p, axis, keepdims); },
  cumsum(dim) { return cumsum(this, dim); },
  reshape(shape) { return reshape(this, shape); },
  transpose(axes) { return transpose(this, axes); },
  narrow(dim, start, length) { return narrow(this, dim, start, length); },
  select(dim, index) { return select(this, dim, index); },
  split(sizeOrSizes, dim = 0) { return split(this, sizeOrSizes, dim); },
  chunk(n, dim = 0) { return chunk(this, n, dim); },
  flip(dims) { return flip(this, dims); },
  pad(pads, value = 0) { return pad(this, pads, value); },
  squeeze(dim) { return squeeze(this, dim); },
  unsqueeze(dim) { return unsqueeze(this, dim); },
  flatten(startDim = 0, endDim = -1) { return flatten(this, startDim, endDim); },
  permute(...dims) { return permute(this, ...dims); },
  expand(shape) { return expand(this, shape); },
  tril(k = 0) { return tril(this, k); },
  triu(k = 0) { return triu(this, k); },
  matmul(b) { return matmul(this, b); },
  softmax(axis = -1) { return softmax(this, axis); },
  logSoftmax(axis = -1) { return logSoftmax(this, axis); },
  crossEntropy(labels, opts) { return crossEntropy(this, labels, opts); },
  mseLoss(target, opts) { return mseLoss(this, target, opts); },
  nllLoss(labels, opts) { return nllLoss(this, labels, opts); },
  l1Loss(target, opts) { return l1Loss(this, target, opts); },
  huberLoss(target, opts) { return huberLoss(this, target, opts); },
  binaryCrossEntropy(targets, opts) { return binaryCrossEntropy(this, targets, opts); },
  binaryCrossEntropyWithLogits(targets, opts) { return binaryCrossEntropyWithLogits(this, targets, opts); },
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
