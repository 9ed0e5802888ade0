// Tensor methods: reductions, matmul, softmax and the losses. Each is the free function of the same
// name with this tensor first (see src/methods/index.ts for how methods are installed).

import { Tensor } from '../tensor.js';
import { exp, log, sum, mean, max, matmul, softmax, logSoftmax, crossEntropy, mseLoss } from '../ops/index.js';
import { nllLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../ops/index.js';
import { min, prod, argmax, argmin } from '../ops/index.js';
import { logsumexp, var as variance, std, norm } from '../ops/index.js';
import type { VarOptions } from '../ops/statistics.js';
import { cumsum } from '../ops/index.js';
import type { CrossEntropyOptions, HuberLossOptions, Labels, NllLossOptions, ReductionOptions } from '../ops/loss.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
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
    norm(p?: number | 'fro', axis?: Axis | null, keepdims?: boolean): Tensor;
    /**
     * The running sum along `dim`; see `wg.cumsum`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).cumsum(1) // tensor([[1, 3], [3, 7]])
     */
    cumsum(dim: number): Tensor;
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
  }
}

installMethods({
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
} satisfies Partial<Tensor> & ThisType<Tensor>);
