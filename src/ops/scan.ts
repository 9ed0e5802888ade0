// Scans along one axis: cumsum. Its backward is the reversed cumsum of dy (each a[i] feeds every
// out[j] with j >= i), the same gate with the direction flipped, so createGraph differentiates it
// again.

import { sizeOf } from '../backend/strides.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { applyGate, type Gate } from '../autograd/tape.js';
import { asTensor, emptyLike, normalizeAxis } from './util.js';
import { ShapeError, describeValue, fmtShape } from '../errors.js';

interface ScanAttrs { axis: number; reverse: boolean }

const cumsumGate: Gate<ScanAttrs> = {
  name: 'cumsum',
  forward(_ctx, [a], { axis, reverse }) {
    const out = emptyLike(a);
    if (a.ndim === 0) {
      a.backend.cast(out.storage, a.storage);
      return out;
    }
    const outer = sizeOf(a.shape.slice(0, axis)), inner = sizeOf(a.shape.slice(axis + 1));
    a.backend.cumsum(out.storage, a.storage, outer, a.shape[axis], inner, reverse);
    return out;
  },
  backward(ctx, dy) {
    return [scan(dy, { axis: ctx.attrs.axis, reverse: !ctx.attrs.reverse })];
  },
};

function scan(a: Tensor, attrs: ScanAttrs): Tensor {
  return applyGate(cumsumGate, [a], attrs);
}

/**
 * The running sum along `dim` (`torch.cumsum`): out[i] = a[0] + … + a[i] along that axis (negative
 * counts from the end; a 0-d tensor takes 0 or -1). Same shape and dtype as `a`. The gradient is
 * the cumulative sum of dy taken from the end. A ShapeError names a missing or out-of-range dim.
 *
 * @example wg.cumsum(wg.tensor([1, 2, 3]), 0) // tensor([1, 3, 6])
 */
export function cumsum(a: TensorLike, dim: number): Tensor {
  const x = asTensor('cumsum', a);
  try {
    x.assertLive('cumsum');
    if (typeof dim !== 'number') {
      throw new ShapeError(`cumsum: dim is required (an integer), got ${describeValue(dim)} for shape ${fmtShape(x.shape)}`);
    }
    // PyTorch lets a 0-d tensor take dim 0 or -1.
    const axis = x.ndim === 0 && (dim === 0 || dim === -1) ? 0 : normalizeAxis('cumsum', dim, x.shape);
    return scan(x, { axis, reverse: false });
  } finally {
    if (x !== a) x.dispose();
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The running sum along `dim`; see `wg.cumsum`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).cumsum(1) // tensor([[1, 3], [3, 7]])
     */
    cumsum(dim: number): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  cumsum(dim) { return cumsum(this, dim); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
