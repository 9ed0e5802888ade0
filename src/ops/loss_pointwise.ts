// Pointwise losses: a loss per element of pred against a target of the same shape, then the
// reduction ('mean' | 'sum' | 'none'). mseLoss, l1Loss and huberLoss are composites; the two
// binary cross-entropies are gates whose forward and backward are written with ops, because
// their PyTorch gradients are not the derivatives of their clamped/stable forward formulas
// (BCE divides by max(p(1-p), 1e-12); the logits form's gradient is sigmoid(x) - t).

import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, checkInputs, isGradEnabled, type Gate } from '../autograd/tape.js';
import { ShapeError, WasmgradError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import { tidy } from '../memory/index.js';
import { sameShape, scalarLike } from './util.js';
import { mean, sum } from './reduce.js';
import { add, div, maximum, minimum, mul, sub } from './binary.js';
import { abs, exp, log, neg } from './unary.js';
import { relu, sigmoid } from './activation.js';

/** How a loss reduces its per-element values: their mean (default), their sum, or none. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of mseLoss, l1Loss, binaryCrossEntropy and binaryCrossEntropyWithLogits. */
export interface ReductionOptions {
  /** 'mean' (default) | 'sum' | 'none' (the per-element losses, shaped like the input). */
  reduction?: Reduction;
}

/** Options of huberLoss. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear, > 0 (default 1). */
  delta?: number;
}

/** The checked reduction of `opts` (default 'mean'). */
export function checkReduction(op: string, v: unknown): Reduction {
  if (v === undefined) return 'mean';
  if (v !== 'mean' && v !== 'sum' && v !== 'none') {
    throw new WasmgradError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${fmtValue(v)}`);
  }
  return v;
}

/** Applies the reduction to per-element losses. */
export function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(loss) : reduction === 'sum' ? sum(loss) : loss;
}

/** Runs a loss body like composite(): intermediates are freed at once unless they are recorded. */
export function lossBody(inputs: readonly Tensor[], body: () => Tensor): Tensor {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad) ? body() : tidy(body);
}

/**
 * pred must be a live Tensor and target a live Tensor of its shape (dtype, backend) or a plain
 * number (a constant of pred's shape: the ops broadcast it).
 */
function checkPair(op: string, pred: unknown, target: unknown): [Tensor, Tensor | number] {
  if (!(pred instanceof Tensor)) throw new WasmgradError(`${op}: pred must be a Tensor, got ${describeValue(pred)}`);
  pred.assertLive(op);
  if (typeof target === 'number') return [pred, target];
  if (!(target instanceof Tensor)) throw new WasmgradError(`${op}: target must be a Tensor or a number, got ${describeValue(target)}`);
  target.assertLive(op);
  // Check here so the message names the loss rather than an op inside it.
  checkInputs(op, [pred, target], false);
  if (!sameShape(pred.shape, target.shape)) {
    throw new ShapeError(`${op}: target shape ${fmtShape(target.shape)} differs from pred shape ${fmtShape(pred.shape)} `
      + '(they must be equal; broadcast the target explicitly with broadcastTo if that is meant)');
  }
  return [pred, target];
}

/** The common frame of the pointwise losses: checks, per-element body, reduction. */
function pointwise(op: string, pred: unknown, target: unknown, opts: unknown, keys: readonly string[],
  body: (p: Tensor, t: Tensor | number, o: Record<string, unknown>) => Tensor): Tensor {
  checkOptions(op, opts, keys);
  const o = (opts ?? {}) as Record<string, unknown>;
  const reduction = checkReduction(op, o.reduction);
  const [p, t] = checkPair(op, pred, target);
  return lossBody(typeof t === 'number' ? [p] : [p, t], () => reduceLoss(body(p, t, o), reduction));
}

/** A gate's target: a plain number becomes a 0-d constant like p (kept by the graph, as applyBinary's). */
function targetTensor(t: Tensor | number, p: Tensor): Tensor {
  return typeof t === 'number' ? scalarLike(t, p) : t;
}

/**
 * Mean squared error, mean((pred - target)²) (`F.mse_loss`): a 0-d tensor, or with `reduction`
 * the sum or ('none') the per-element squares. pred and target must have the same shape
 * (PyTorch only warns and broadcasts, which silently computes a different loss: [N,1] against
 * [N] gives an N×N loss); a plain number target stands for a constant of pred's shape. A
 * ShapeError when the shapes differ; a WasmgradError for a non-Tensor input, a bad reduction or
 * an unknown option.
 *
 * @example wg.mseLoss(wg.tensor([1, 2]), wg.tensor([1, 4])) // tensor(2)
 */
export function mseLoss(pred: TensorLike, target: TensorLike, opts?: ReductionOptions): Tensor {
  if (typeof pred === 'number' && target instanceof Tensor) [pred, target] = [target, pred]; // symmetric
  return pointwise('mseLoss', pred, target, opts, ['reduction'], (p, t) => { const d = sub(p, t); return mul(d, d); });
}

/**
 * Mean absolute error, mean(|pred - target|) (`F.l1_loss`), with `reduction`. Shapes as
 * mseLoss; the gradient at pred = target is 0 (as PyTorch's).
 *
 * @example wg.l1Loss(wg.tensor([1, 2]), wg.tensor([1, 4])) // tensor(1)
 */
export function l1Loss(pred: Tensor, target: TensorLike, opts?: ReductionOptions): Tensor {
  return pointwise('l1Loss', pred, target, opts, ['reduction'], (p, t) => abs(sub(p, t)));
}

/**
 * Huber loss (`F.huber_loss`): per element 0.5·d² where |d| < delta, else delta·(|d| - 0.5·delta),
 * d = pred - target; `delta` > 0 (default 1), `reduction` as mseLoss.
 *
 * @example wg.huberLoss(wg.tensor([0, 0]), wg.tensor([0.5, 3])) // tensor(1.3125)
 */
export function huberLoss(pred: Tensor, target: TensorLike, opts?: HuberLossOptions): Tensor {
  return pointwise('huberLoss', pred, target, opts, ['delta', 'reduction'], (p, t, o) => {
    const delta = o.delta ?? 1;
    if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0) {
      throw new WasmgradError(`huberLoss: delta must be a finite number > 0, got ${fmtValue(delta)}`);
    }
    // q = min(|d|, delta): 0.5 q² + delta (|d| - q) is both branches in one smooth formula.
    const a = abs(sub(p, t));
    const q = minimum(a, delta);
    return add(mul(mul(q, q), 0.5), mul(sub(a, q), delta));
  });
}

/** log(p) and log(1 - p), each clamped below at -100 as PyTorch's binary_cross_entropy does. */
function clampedLogs(p: Tensor): [Tensor, Tensor] {
  return [maximum(log(p), -100), maximum(log(sub(1, p)), -100)];
}

const bceGate: Gate<null> = {
  name: 'binaryCrossEntropy',
  forward(_ctx, [p, t]) {
    const [logP, logQ] = clampedLogs(p);
    return neg(add(mul(t, logP), mul(sub(1, t), logQ)));
  },
  backward(ctx, dy) {
    const [p, t] = ctx.inputs;
    // PyTorch's rule: (p - t) / max(p (1 - p), 1e-12), finite where log(p) was clamped.
    const gp = ctx.needsInputGrad(0) ? mul(dy, div(sub(p, t), maximum(mul(p, sub(1, p)), 1e-12))) : null;
    let gt: Tensor | null = null;
    if (ctx.needsInputGrad(1)) { const [logP, logQ] = clampedLogs(p); gt = mul(dy, sub(logQ, logP)); }
    return [gp, gt];
  },
};

/**
 * Binary cross-entropy of probabilities against targets in [0, 1] (`F.binary_cross_entropy`):
 * per element -(t·log p + (1 - t)·log(1 - p)) with each log clamped at -100, so p = 0 or 1 gives
 * a finite loss; `reduction` as mseLoss. A WasmgradError for a probability outside [0, 1]
 * (naming it), a ShapeError when the shapes differ.
 *
 * @example wg.binaryCrossEntropy(wg.tensor([0.5, 1]), wg.tensor([1, 1])) // tensor(0.3466)
 */
export function binaryCrossEntropy(probs: Tensor, targets: TensorLike, opts?: ReductionOptions): Tensor {
  return pointwise('binaryCrossEntropy', probs, targets, opts, ['reduction'], (p, t) => {
    const values = p.data();
    for (let i = 0; i < values.length; i++) {
      if (!(values[i] >= 0 && values[i] <= 1)) {
        throw new WasmgradError(`binaryCrossEntropy: every probability must be in [0, 1], got ${values[i]} at flat index ${i} of ${p.shapeString}`);
      }
    }
    return applyGate(bceGate, [p, targetTensor(t, p)], null);
  });
}

const bceWithLogitsGate: Gate<null> = {
  name: 'binaryCrossEntropyWithLogits',
  forward(_ctx, [x, t]) {
    // max(x, 0) - x t + log(1 + exp(-|x|)): exp never overflows, for any logit.
    return add(sub(relu(x), mul(x, t)), log(add(exp(neg(abs(x))), 1)));
  },
  backward(ctx, dy) {
    const [x, t] = ctx.inputs;
    return [ctx.needsInputGrad(0) ? mul(dy, sub(sigmoid(x), t)) : null, ctx.needsInputGrad(1) ? mul(dy, neg(x)) : null];
  },
};

/**
 * Binary cross-entropy of logits (`F.binary_cross_entropy_with_logits`): per element
 * max(x, 0) - x·t + log(1 + exp(-|x|)), stable for any logit; gradient sigmoid(x) - t;
 * `reduction` as mseLoss.
 *
 * @example wg.binaryCrossEntropyWithLogits(wg.tensor([0, 100]), wg.tensor([1, 1])) // tensor(0.3466)
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: TensorLike, opts?: ReductionOptions): Tensor {
  return pointwise('binaryCrossEntropyWithLogits', logits, targets, opts, ['reduction'],
    (x, t) => applyGate(bceWithLogitsGate, [x, targetTensor(t, x)], null));
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The mean squared error against `target`, which must have this tensor's shape or be a
     * number, with `reduction`; see `wg.mseLoss`.
     *
     * @example wg.tensor([1, 2]).mseLoss(wg.tensor([1, 4])) // tensor(2)
     */
    mseLoss(target: TensorLike, opts?: ReductionOptions): Tensor;
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

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  mseLoss(target, opts) { return mseLoss(this, target, opts); },
  l1Loss(target, opts) { return l1Loss(this, target, opts); },
  huberLoss(target, opts) { return huberLoss(this, target, opts); },
  binaryCrossEntropy(targets, opts) { return binaryCrossEntropy(this, targets, opts); },
  binaryCrossEntropyWithLogits(targets, opts) { return binaryCrossEntropyWithLogits(this, targets, opts); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
