// F.pad's non-constant modes ('reflect', 'replicate', 'circular') written with narrow, flip, expand
// and cat, one padded dim at a time from the last: their gradients (and those gradients'
// gradients) follow from those ops', so the modes need no kernel or rule of their own.

import type { Tensor } from '../tensor.js';
import { isGradEnabled } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { ShapeError, fmtValue } from '../errors.js';
import { flip, narrow } from './slice.js';
import { cat } from './join.js';
import { expand } from './view.js';

/** The modes of `pad` (PyTorch's `F.pad` modes). */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
export const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/**
 * `a` padded by `pads` ((before, after) pairs from the last dim backwards, already checked as
 * integers in pairs) in a non-constant mode, as PyTorch: reflect mirrors without repeating the
 * edge (each amount below the dim's size), replicate repeats the edge, circular wraps around
 * (each amount at most the dim's size). Negative amounts (crops) are constant mode's only.
 */
export function padWithMode(a: Tensor, pads: readonly number[], mode: Exclude<PadMode, 'constant'>): Tensor {
  for (let k = 0; k < pads.length / 2; k++) {
    const d = a.ndim - 1 - k, n = a.shape[d], before = pads[2 * k], after = pads[2 * k + 1];
    if (before < 0 || after < 0) {
      throw new ShapeError(`pad: mode '${mode}' takes no negative pads, got ${fmtValue(pads)} (shape ${a.shapeString})`);
    }
    const most = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Infinity;
    if ((before > 0 || after > 0) && n === 0) {
      throw new ShapeError(`pad: mode '${mode}' cannot pad dim ${d} of size 0 (shape ${a.shapeString})`);
    }
    if (before > most || after > most) {
      const rule = mode === 'reflect' ? 'less than' : 'at most';
      throw new ShapeError(`pad: mode '${mode}' pads ${fmtValue([before, after])} of dim ${d} must be ${rule} its size ${n} (shape ${a.shapeString})`);
    }
  }
  // intermediates are freed at once unless the graph records them (it frees them after backward)
  const body = (): Tensor => {
    let x = a;
    for (let k = 0; k < pads.length / 2; k++) {
      const d = a.ndim - 1 - k, before = pads[2 * k], after = pads[2 * k + 1];
      if (before === 0 && after === 0) continue;
      const parts: Tensor[] = [];
      if (before > 0) parts.push(edge(x, d, before, mode, true));
      parts.push(x);
      if (after > 0) parts.push(edge(x, d, after, mode, false));
      x = cat(parts, d);
    }
    return x === a ? cat([a], 0) : x;
  };
  return isGradEnabled() && a.requiresGrad ? body() : tidy(body);
}

/** The `amount` elements that go before (front) or after x along dim d. */
function edge(x: Tensor, d: number, amount: number, mode: Exclude<PadMode, 'constant'>, front: boolean): Tensor {
  const n = x.shape[d];
  if (mode === 'reflect') return flip(narrow(x, d, front ? 1 : n - 1 - amount, amount), d);
  if (mode === 'circular') return narrow(x, d, front ? n - amount : 0, amount);
  const shape = x.shape.slice();
  shape[d] = amount;
  return expand(narrow(x, d, front ? 0 : n - 1, 1), shape);
}
