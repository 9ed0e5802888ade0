// Catalog entries of the functional ops of issue 13 that are not conv/pool/norm: oneHot (not
// differentiable itself: each case multiplies an input by its constant mask) and dropout /
// dropout2d (random: each case seeds the generator first, so every call of f draws the same mask
// and gradcheck sees one function).

import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import type { OpCase, OpEntry, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
function c(name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling: ANY })), f };
}


const oneHot: OpEntry = {
  name: 'oneHot', family: 'other', arity: 1, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('x · oneHot([2, 0, 3], 4)', [[3, 4]], (x) => x.mul(wg.oneHot([2, 0, 3], 4).astype(x.dtype))),
    c('x · oneHot(int32 [[1, 0], [2, 2]]) inferred', [[2, 2, 3]], (x) => x.mul(wg.oneHot(wg.tensor([[1, 0], [2, 2]], { dtype: 'int32' })).astype(x.dtype)).exp()),
  ],
};

function dropoutEntry(name: 'dropout' | 'dropout2d'): OpEntry {
  const f = name === 'dropout' ? wg.dropout : wg.dropout2d;
  const seeded = (x: Tensor, p: number) => { wg.manualSeed(7); return f(x, p); };
  return {
    name, family: 'other', arity: 1, domain: REAL, kinks: [], method: false, secondOrder: true,
    cases: name === 'dropout'
      ? [c('dropout(x, 0.4)', [[4, 5]], (x) => seeded(x, 0.4).mul(x)),
        c('dropout(x, 0.5, false)', [[3]], (x) => wg.dropout(x, 0.5, false).tanh()),
        c('dropout(x, 1)', [[2, 3]], (x) => seeded(x, 1).add(x))]
      : [c('dropout2d(x, 0.5) [N,C,H,W]', [[2, 3, 2, 2]], (x) => seeded(x, 0.5).mul(x)),
        c('dropout2d(x, 0.3) [C,H,W]', [[4, 2, 3]], (x) => seeded(x, 0.3).tanh())],
  };
}

export const FUNCTIONAL_OPS: OpEntry[] = [oneHot, dropoutEntry('dropout'), dropoutEntry('dropout2d')];

