// Losses: crossEntropy, one fused gate (softmax and negative log-likelihood together, whose
// gradient is simply softmax - onehot), and mseLoss, composed from ops.

import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, checkInputs, isGradEnabled, type Gate } from '../autograd/tape.js';
import { DTypeError, ShapeError, WasmgradError, checkOptions, describeValue, fmtShape } from '../errors.js';
import type { Backend, Storage } from '../backend/backend.js';
import { empty, emptyLike, requireTensor, sameShape } from './util.js';
import { mean } from './reduce.js';
import { mul, sub } from './binary.js';
import { softmax } from './softmax.js';

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

/** Validates labels: N integer class indices in [0, C), from an array or a 1-D int32 tensor. */
function toLabels(labels: ArrayLike<number> | Tensor, logits: Tensor): Int32Array {
  const [N, C] = logits.shape;
  if (labels instanceof Tensor) {
    labels.assertLive('crossEntropy');
    if (labels.dtype !== 'int32') {
      throw new DTypeError(`crossEntropy: a labels tensor must be int32 (class indices), got ${labels.dtype} ${labels.shapeString} (use astype('int32'))`);
    }
    if (labels.ndim !== 1) {
      throw new ShapeError(`crossEntropy: a labels tensor must be 1-D [N], got ${labels.shapeString} for logits of shape ${logits.shapeString}`);
    }
    labels = labels.data() as Int32Array;
  }
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number') {
    throw new WasmgradError(`crossEntropy: labels must be an array or Int32Array of class indices for logits ${logits.shapeString}, got ${labels === null ? 'null' : typeof labels}`);
  }
  if (labels.length !== N) {
    throw new ShapeError(`crossEntropy: got ${labels.length} labels for logits of shape ${logits.shapeString} (expected ${N})`);
  }
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const v = labels[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= C) {
      throw new WasmgradError(`crossEntropy: label ${String(v)} at index ${i} is not a class index in [0, ${C}) for logits of shape ${logits.shapeString}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Options of the losses. None are accepted yet (`reduction`, `labelSmoothing`, `ignoreIndex`
 * come later); the argument is checked so that a misspelt or early option is an error rather
 * than silently a different loss. Pass `{}` or leave it out.
 */
export type LossOptions = Record<string, never>;

/**
 * Mean softmax cross-entropy of logits [N, C] against class indices.
 * PyTorch's `F.cross_entropy` with the default mean reduction: a 0-d tensor. One fused gate,
 * gradient `(softmax(logits) - onehot(labels)) / N`. `labels` has N integer class indices in
 * [0, C) (an array, an Int32Array or a 1-D int32 tensor). `opts` accepts no keys yet (see LossOptions). A ShapeError
 * unless logits are 2-D or when the label count is not N; a WasmgradError naming a label that
 * is not a class index, or an unknown option.
 *
 * @example wg.crossEntropy(wg.tensor([[0, 0], [0, 0]]), [0, 1]) // tensor(0.6931)
 */
export function crossEntropy(logits: Tensor, labels: ArrayLike<number> | Tensor, opts?: LossOptions): Tensor {
  requireTensor('crossEntropy', logits, 'logits');
  checkOptions('crossEntropy', opts, []);
  if (logits.ndim !== 2) {
    throw new ShapeError(`crossEntropy: logits must be 2-D [N, C], got ${logits.shapeString}`);
  }
  return applyGate(crossEntropyGate, [logits], { labels: toLabels(labels, logits) });
}

/**
 * Mean squared error, mean((pred - target)²): a 0-d tensor (`F.mse_loss`, mean reduction).
 * pred and target must have the same shape (PyTorch only warns and broadcasts, which silently
 * computes a different loss: [N,1] against [N] gives an N×N loss); a plain number on either side
 * stands for a constant tensor of the other's shape. `opts` accepts no keys yet (see
 * LossOptions). A ShapeError when the shapes differ; a WasmgradError for an input that is not a
 * Tensor or number, or an unknown option.
 *
 * @example wg.mseLoss(wg.tensor([1, 2]), wg.tensor([1, 4])) // tensor(2)
 */
export function mseLoss(pred: TensorLike, target: TensorLike, opts?: LossOptions): Tensor {
  for (const [what, v] of [['pred', pred], ['target', target]] as const) {
    if (v instanceof Tensor) v.assertLive('mseLoss');
    else if (typeof v !== 'number') throw new WasmgradError(`mseLoss: ${what} must be a Tensor or a number, got ${describeValue(v)}`);
  }
  checkOptions('mseLoss', opts, []);
  if (pred instanceof Tensor && target instanceof Tensor) {
    // Check here so the message names mseLoss rather than the sub inside it.
    checkInputs('mseLoss', [pred, target], false);
    if (!sameShape(pred.shape, target.shape)) {
      throw new ShapeError(`mseLoss: target shape ${fmtShape(target.shape)} differs from pred shape ${fmtShape(pred.shape)} `
        + '(they must be equal; broadcast the target explicitly with broadcastTo if that is meant)');
    }
  }
  const d = sub(pred, target);
  return mean(mul(d, d));
}
