// Catalog entries of the normalisation ops (src/ops/norm.ts): batchNorm in training and in
// evaluation, groupNorm and layerNorm, with and without the affine weight and bias. The first case
// of each entry is the one checked to second order (createGraph), so it mixes the paths.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import type { OpCase, OpEntry, PropCase, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
/** Running statistics kept positive (a variance). */
const POS: Sampling = { kind: 'interval', min: 0.5, max: 2, avoid: [] };

function c(name: string, shapes: [number[], Sampling?][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map(([shape, sampling]) => ({ shape, sampling: sampling ?? ANY })), f };
}
function p(shapes: number[][], label: string, f: (...xs: Tensor[]) => Tensor): PropCase {
  return { shapes, samplings: shapes.map(() => ANY), label, f };
}
const train = { training: true };
const dim = fc.integer({ min: 2, max: 3 });

const batchNorm: OpEntry = {
  name: 'batchNorm', family: 'other', arity: 3, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('batchNorm train + eval [3,2,2] affine', [[[3, 2, 2]], [[2]], [[2]]], (x, w, b) => {
      const rm = wg.tensor([0.3, -0.2], { dtype: x.dtype }), rv = wg.tensor([1.5, 0.7], { dtype: x.dtype });
      return wg.batchNorm(x, null, null, w, b, train).add(wg.batchNorm(x, rm, rv, w, b).mul(0.5));
    }),
    c('batchNorm train [4,3] no affine', [[[4, 3]]], (x) => wg.batchNorm(x, null, null, null, null, train)),
    c('batchNorm train [2,3,2,2] weight only', [[[2, 3, 2, 2]], [[3]]], (x, w) => wg.batchNorm(x, null, null, w, null, train)),
    c('batchNorm train [2,2,3] bias only', [[[2, 2, 3]], [[2]]], (x, b) => wg.batchNorm(x, null, null, null, b, train)),
    c('batchNorm eval [2,3,2] running stats as inputs', [[[2, 3, 2]], [[3]], [[3], POS]],
      (x, rm, rv) => wg.batchNorm(x, rm, rv, null, null, { eps: 0.1 })),
  ],
  property: fc.tuple(dim, dim, fc.integer({ min: 1, max: 3 })).map(([N, C, S]) =>
    p([[N, C, S], [C]], `batchNorm train [${N},${C},${S}]`, (x, w) => wg.batchNorm(x, null, null, w, null, train).tanh())),
};

const groupNorm: OpEntry = {
  name: 'groupNorm', family: 'other', arity: 3, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('groupNorm(2) [2,4,3] affine', [[[2, 4, 3]], [[4]], [[4]]], (x, w, b) => wg.groupNorm(x, 2, w, b)),
    c('groupNorm(3) [2,3,2,2] no affine', [[[2, 3, 2, 2]]], (x) => wg.groupNorm(x, 3)),
    c('groupNorm(1) [3,4] weight only, eps 0.01', [[[3, 4]], [[4]]], (x, w) => wg.groupNorm(x, 1, w, null, 0.01)),
  ],
  property: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), dim, fc.integer({ min: 1, max: 3 }))
    .map(([N, G, cpg, S]) => p([[N, G * cpg, S], [G * cpg]], `groupNorm(${G}) [${N},${G * cpg},${S}]`,
      (x, w) => wg.groupNorm(x, G, w).tanh())),
};

const layerNorm: OpEntry = {
  name: 'layerNorm', family: 'other', arity: 3, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('layerNorm([5]) [3,5] affine', [[[3, 5]], [[5]], [[5]]], (x, w, b) => wg.layerNorm(x, [5], w, b)),
    c('layerNorm([2,3]) [2,2,3] affine', [[[2, 2, 3]], [[2, 3]], [[2, 3]]], (x, w, b) => wg.layerNorm(x, [2, 3], w, b)),
    c('layerNorm(6) [6] no affine', [[[6]]], (x) => wg.layerNorm(x, 6)),
    c('layerNorm([4]) [2,4] bias only', [[[2, 4]], [[4]]], (x, b) => wg.layerNorm(x, [4], null, b)),
  ],
  property: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 9 }))
    .map(([R, D]) => p([[R, D], [D], [D]], `layerNorm([${D}]) [${R},${D}]`, (x, w, b) => wg.layerNorm(x, [D], w, b).tanh())),
};

export const NORM_OPS: OpEntry[] = [batchNorm, groupNorm, layerNorm];
