// softmax and logSoftmax: single gates along one axis whose backward uses the cached output,
// plus their fused gradient gates (ops themselves, so createGraph can differentiate them).

import { sizeOf } from '../backend/strides.js';
import { Tensor } from '../tensor.js';
import { applyGate, checkFloat, type Gate } from '../autograd/tape.js';
import { emptyLike, normalizeAxis, requireTensor } from './util.js';
import { mul, sub } from './binary.js';
import { exp, neg } from './unary.js';
import { sum } from './reduce.js';

interface SoftmaxAttrs { axis: number; log: boolean }

/** [outer, n, inner] around `axis`. */
function around(t: Tensor, axis: number): [number, number, number] {
  return [sizeOf(t.shape.slice(0, axis)), t.shape[axis], sizeOf(t.shape.slice(axis + 1))];
}

const softmaxGate: Gate<SoftmaxAttrs> = {
  name: 'softmax',
  forward(ctx, [a], { axis, log }) {
    const out = emptyLike(a);
    const [outer, n, inner] = around(a, axis);
    a.backend.softmax(out.storage, a.storage, outer, n, inner, log);
    ctx.save(out);
    return out;
  },
  backward(ctx, dy) {
    return [softmaxGrad(ctx.saved[0], dy, ctx.attrs)];
  },
};

// softmaxGrad(y, dy) = y (dy - Σ dy y);       ∂/∂y: g (dy - Σ dy y) - dy Σ g y,   ∂/∂dy: softmaxGrad(y, g)
// logSoftmaxGrad(y, dy) = dy - e^y Σ dy;       ∂/∂y: -g e^y Σ dy,                  ∂/∂dy: g - Σ g e^y
const softmaxGradGate: Gate<SoftmaxAttrs> = {
  name: 'softmaxGrad',
  forward(_ctx, [y, dy], { axis, log }) {
    const out = emptyLike(dy);
    const [outer, n, inner] = around(y, axis);
    y.backend.softmaxGrad(out.storage, y.storage, dy.storage, outer, n, inner, log);
    return out;
  },
  backward(ctx, g) {
    const [y, dy] = ctx.inputs;
    const { axis, log } = ctx.attrs;
    let gy: Tensor | null = null, gdy: Tensor | null = null;
    if (log) {
      const ey = exp(y);
      if (ctx.needsInputGrad(0)) gy = neg(mul(mul(g, ey), sum(dy, axis, true)));
      if (ctx.needsInputGrad(1)) gdy = sub(g, sum(mul(g, ey), axis, true));
    } else {
      if (ctx.needsInputGrad(0)) {
        gy = sub(mul(g, sub(dy, sum(mul(dy, y), axis, true))), mul(dy, sum(mul(g, y), axis, true)));
      }
      if (ctx.needsInputGrad(1)) gdy = softmaxGrad(y, g, ctx.attrs);
    }
    return [gy, gdy];
  },
};

function softmaxGrad(y: Tensor, dy: Tensor, attrs: SoftmaxAttrs): Tensor {
  return applyGate(softmaxGradGate, [y, dy], attrs);
}

/**
 * exp(a) / sum(exp(a)) along `axis` (default the last), computed stably (`torch.softmax`).
 * One fused gate whose backward uses the cached output. A ShapeError for an axis out of range.
 *
 * @example wg.softmax(wg.tensor([[0, Math.log(3)]]), -1) // tensor([[0.25, 0.75]])
 */
export function softmax(a: Tensor, axis = -1): Tensor {
  requireTensor('softmax', a);
  return applyGate(softmaxGate, [a], { axis: normalizeAxis('softmax', axis, a.shape), log: false });
}

/**
 * log(softmax(a)) along `axis` (default the last) without overflow or log(0)
 * (`torch.log_softmax`). One fused gate. A ShapeError for an axis out of range.
 *
 * @example wg.logSoftmax(wg.tensor([0, Math.log(3)])) // tensor([-1.3863, -0.2877])
 */
export function logSoftmax(a: Tensor, axis = -1): Tensor {
  requireTensor('logSoftmax', a);
  checkFloat('logSoftmax', a); // the shared gate is named softmax
  return applyGate(softmaxGate, [a], { axis: normalizeAxis('logSoftmax', axis, a.shape), log: true });
}

declare module '../tensor.js' {
  interface Tensor {
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
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  softmax(axis = -1) { return softmax(this, axis); },
  logSoftmax(axis = -1) { return logSoftmax(this, axis); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
