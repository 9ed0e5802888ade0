// Classification losses. crossEntropy's plain case (logits [N, C], mean, no smoothing, no ignored
// label) is one fused gate (softmax and negative log-likelihood together, whose gradient is
// simply softmax - onehot); every other case, and nllLoss, is a composite: the per-sample loss
// -sum_c logProbs[n, c, …] · W[n, c, …] with a constant weight W holding (1 - ε)·onehot + ε/C for
// a counted label and 0 for an ignored one. The pointwise losses are in loss_pointwise.ts.

import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, checkInputs, isGradEnabled, type Gate } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import type { Backend, Storage } from '../backend/backend.js';
import { empty, emptyLike, requireTensor, sameShape } from './util.js';
import { sum } from './reduce.js';
import { mul, sub } from './binary.js';
import { neg } from './unary.js';
import { logSoftmax, softmax } from './softmax.js';
import { type Reduction, checkReduction, lossBody } from './loss_pointwise.js';
export { mseLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './loss_pointwise.js';
export type { Reduction, ReductionOptions, HuberLossOptions } from './loss_pointwise.js';

interface CEAttrs { labels: Int32Array }

/** Copies the labels into backend storage for one kernel call; the caller frees it. */
function labelStorage(backend: Backend, labels: Int32Array): Storage {
  const s = backend.alloc('int32', labels.length);
  backend.write(s, labels);
  return s;
}

const crossEntropyGate: Gate<CEAttrs> = {
  name: 'crossEntropy',
  forward(ctx, [logits], { labels }) {
    const [N, C] = logits.shape;
    const probs = emptyLike(logits);
    const lab = labelStorage(logits.backend, labels);
    let loss: number;
    try {
      loss = logits.backend.crossEntropy(probs.storage, logits.storage, lab, N, C);
    } finally {
      logits.backend.free(lab);
    }
    const out = empty([], logits.dtype, logits.backend);
    logits.backend.fill(out.storage, loss);
    ctx.save(probs);
    return out;
  },
  backward(ctx, dy) {
    const logits = ctx.inputs[0];
    const [N, C] = logits.shape;
    const labels = ctx.attrs.labels;
    if (isGradEnabled()) {
      // Recording (createGraph): the same gradient written with ops, so it can be differentiated.
      const onehot = empty([N, C], logits.dtype, logits.backend);
      const data = new Float64Array(N * C);
      for (let i = 0; i < N; i++) data[i * C + labels[i]] = 1;
      logits.backend.write(onehot.storage, data);
      return [mul(sub(softmax(logits, -1), onehot), mul(dy, 1 / N))];
    }
    const out = emptyLike(logits);
    const lab = labelStorage(logits.backend, labels);
    try {
      logits.backend.crossEntropyGrad(out.storage, ctx.saved[0].storage, lab, N, C, dy.item() / N);
    } finally {
      logits.backend.free(lab);
    }
    return [out];
  },
};

/** Class-index labels: a plain (possibly nested) array, an Int32Array or an int32 Tensor. */
export type Labels = ArrayLike<number> | readonly unknown[] | Tensor;

/**
 * Validates labels for input [N, C, d1, …]: N·d1·… integers, each a class index in [0, C) or
 * `ignoreIndex`, flattened in row-major order of [N, d1, …] (a Tensor must have that shape).
 */
function toLabels(op: string, labels: unknown, input: Tensor, ignoreIndex: number | null): Int32Array {
  const [N, C, ...rest] = input.shape;
  const labelShape = [N, ...rest];
  const count = labelShape.reduce((a, b) => a * b, 1);
  let values: ArrayLike<unknown>;
  if (labels instanceof Tensor) {
    labels.assertLive(op);
    if (labels.dtype !== 'int32') {
      throw new DTypeError(`${op}: a labels tensor must be int32 (class indices), got ${labels.dtype} ${labels.shapeString} (use astype('int32'))`);
    }
    if (!sameShape(labels.shape, labelShape)) {
      throw new ShapeError(`${op}: labels of shape ${labels.shapeString} for input of shape ${input.shapeString} (expected ${fmtShape(labelShape)})`);
    }
    values = labels.data();
  } else if (Array.isArray(labels)) {
    values = (labels as unknown[]).flat(rest.length); // nested as [N, d1, …], no deeper
  } else if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') {
    values = labels as ArrayLike<number>;
  } else {
    throw new WasmgradError(`${op}: labels must be an array, Int32Array or Tensor of class indices for input ${input.shapeString}, got ${describeValue(labels)}`);
  }
  if (values.length !== count) {
    throw new ShapeError(`${op}: got ${values.length} labels for input of shape ${input.shapeString} (expected ${count}, shape ${fmtShape(labelShape)})`);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || ((v < 0 || v >= C) && v !== ignoreIndex)) {
      const ignored = ignoreIndex === null ? '' : ` or the ignoreIndex ${ignoreIndex}`;
      throw new WasmgradError(`${op}: label ${fmtValue(v)} at index ${i} is not a class index in [0, ${C})${ignored} for input of shape ${input.shapeString}`);
    }
    out[i] = v;
  }
  return out;
}

/** Options of nllLoss. */
export interface NllLossOptions {
  /** A label equal to it adds nothing and is not counted by the mean (default -100). */
  ignoreIndex?: number;
  /** 'mean' over the counted labels (default) | 'sum' | 'none' (the per-sample losses, shape [N, d1, …]). */
  reduction?: Reduction;
}

/** Options of crossEntropy. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target is (1 - ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
}

/** The options of crossEntropy (the name the losses' options had before they took any). */
export type LossOptions = CrossEntropyOptions;

interface Resolved { ignoreIndex: number; reduction: Reduction; labelSmoothing: number }

function resolve(op: string, input: unknown, opts: unknown, keys: readonly string[]): [Tensor, Resolved] {
  const x = requireTensor(op, input, op === 'nllLoss' ? 'logProbs' : 'logits');
  checkOptions(op, opts, keys);
  const o = (opts ?? {}) as Record<string, unknown>;
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) {
    throw new WasmgradError(`${op}: ignoreIndex must be an integer, got ${fmtValue(ignoreIndex)}`);
  }
  const labelSmoothing = o.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new WasmgradError(`${op}: labelSmoothing must be a number in [0, 1], got ${fmtValue(labelSmoothing)}`);
  }
  if (x.ndim < 2) {
    throw new ShapeError(`${op}: input must be [N, C] or [N, C, d1, ...] (PyTorch's layout: classes on dim 1), got ${x.shapeString}`);
  }
  return [x, { ignoreIndex, reduction: checkReduction(op, o.reduction), labelSmoothing }];
}

/**
 * -sum_c logProbs · W along dim 1, W = (1 - ε)·onehot + ε/C for a counted label, 0 for an
 * ignored one; then the reduction (the mean divides by the counted labels: 0/0 = NaN if none).
 */
function weightedNll(logProbs: Tensor, labels: Int32Array, r: Resolved): Tensor {
  const [N, C, ...rest] = logProbs.shape;
  const R = rest.reduce((a, b) => a * b, 1);
  const eps = r.labelSmoothing;
  const w = new Float64Array(N * C * R);
  let counted = 0;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < R; j++) {
      const label = labels[n * R + j];
      if (label === r.ignoreIndex) continue;
      counted++;
      const base = n * C * R + j;
      if (eps > 0) for (let c = 0; c < C; c++) w[base + c * R] = eps / C;
      w[base + label * R] += 1 - eps;
    }
  }
  const weight = empty(logProbs.shape, logProbs.dtype, logProbs.backend);
  logProbs.backend.write(weight.storage, w);
  const perSample = neg(sum(mul(logProbs, weight), 1));
  if (r.reduction === 'none') return perSample;
  const total = sum(perSample);
  return r.reduction === 'sum' ? total : mul(total, 1 / counted);
}

/**
 * Negative log-likelihood of log-probabilities `[N, C]` or `[N, C, d1, …]` against class indices
 * (`F.nll_loss`): -logProbs[n, label_n, …], reduced by `reduction` ('mean' over the labels not
 * equal to `ignoreIndex`, default -100). `labels` has shape [N, d1, …]: a (nested) array,
 * Int32Array or int32 Tensor. A ShapeError for an input of fewer than 2 dims or a label
 * count/shape that does not match; a WasmgradError naming a label that is not a class index.
 *
 * @example wg.nllLoss(wg.tensor([[-1, -2], [-3, -4]]), [0, 1]) // tensor(2.5)
 */
export function nllLoss(logProbs: Tensor, labels: Labels, opts?: NllLossOptions): Tensor {
  const [x, r] = resolve('nllLoss', logProbs, opts, ['ignoreIndex', 'reduction']);
  const lab = toLabels('nllLoss', labels, x, r.ignoreIndex);
  return lossBody([x], () => weightedNll(x, lab, r));
}

/**
 * Softmax cross-entropy of logits `[N, C]` or `[N, C, d1, …]` (classes on dim 1, PyTorch's
 * layout) against class indices (`F.cross_entropy`): by default the mean over samples, a 0-d
 * tensor. Options: `reduction` ('mean' | 'sum' | 'none' → shape [N, d1, …]), `ignoreIndex`
 * (default -100: such labels add nothing and the mean counts only the others; all ignored gives
 * NaN, as PyTorch) and `labelSmoothing` ε (target (1 - ε)·onehot + ε/C). The plain case is one
 * fused kernel with gradient (softmax - onehot)/N. Labels as nllLoss. A ShapeError for logits of
 * fewer than 2 dims or a label count/shape that does not match; a WasmgradError naming a label
 * that is not a class index, a bad option value, or an unknown option.
 *
 * @example wg.crossEntropy(wg.tensor([[0, 0], [0, 0]]), [0, 1]) // tensor(0.6931)
 */
export function crossEntropy(logits: Tensor, labels: Labels, opts?: CrossEntropyOptions): Tensor {
  const [x, r] = resolve('crossEntropy', logits, opts, ['labelSmoothing', 'ignoreIndex', 'reduction']);
  const lab = toLabels('crossEntropy', labels, x, r.ignoreIndex);
  if (x.ndim === 2 && r.reduction === 'mean' && r.labelSmoothing === 0 && !lab.includes(r.ignoreIndex)) {
    return applyGate(crossEntropyGate, [x], { labels: lab });
  }
  return lossBody([x], () => weightedNll(logSoftmax(x, 1), lab, r));
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The cross-entropy of these logits `[N, C]` or `[N, C, d1, …]` against class indices, with
     * `reduction`, `ignoreIndex`, `labelSmoothing`; see `wg.crossEntropy`.
     *
     * @example wg.tensor([[0, 0], [0, 0]]).crossEntropy([0, 1]) // tensor(0.6931)
     */
    crossEntropy(labels: Labels, opts?: CrossEntropyOptions): Tensor;
    /**
     * The negative log-likelihood of these log-probabilities against class indices; see `wg.nllLoss`.
     *
     * @example wg.tensor([[-1, -2], [-3, -4]]).nllLoss([0, 1]) // tensor(2.5)
     */
    nllLoss(labels: Labels, opts?: NllLossOptions): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  crossEntropy(labels, opts) { return crossEntropy(this, labels, opts); },
  nllLoss(labels, opts) { return nllLoss(this, labels, opts); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
