// Catalog entries of the convolution ops (src/ops/conv.ts): fixed gradient-check cases for every
// option (stride, padding incl. 'same' with an even kernel, 'valid', dilation, groups, depthwise,
// transposed with outputPadding, 1-d, no bias, unbatched) and a random-geometry conv2d. The first
// case of each entry is the one checked to second order, so it uses a bias and groups (all three
// gates and the bias' broadcast add).

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import type { OpCase, OpEntry, PropCase, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };

function c(name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling: ANY })), f };
}

const conv2d: OpEntry = {
  name: 'conv2d', family: 'other', arity: 2, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('conv2d groups 2, bias', [[1, 4, 3, 3], [4, 2, 2, 2], [4]], (x, w, b) => wg.conv2d(x, w, b, { groups: 2 })),
    c('conv2d bias', [[2, 3, 4, 4], [2, 3, 3, 3], [2]], (x, w, b) => wg.conv2d(x, w, b)),
    c('conv2d stride 2 padding 1', [[1, 2, 5, 4], [3, 2, 3, 3]], (x, w) => wg.conv2d(x, w, null, { stride: 2, padding: 1 })),
    c('conv2d stride [1,2] padding [1,0]', [[1, 2, 4, 5], [2, 2, 3, 2]], (x, w) => wg.conv2d(x, w, undefined, { stride: [1, 2], padding: [1, 0] })),
    c("conv2d 'same' even kernel [2,4]", [[1, 2, 4, 5], [2, 2, 2, 4], [2]], (x, w, b) => wg.conv2d(x, w, b, { padding: 'same' })),
    c("conv2d 'same' dilation 2", [[1, 1, 5, 5], [2, 1, 2, 3]], (x, w) => wg.conv2d(x, w, null, { padding: 'same', dilation: 2 })),
    c("conv2d 'valid'", [[1, 2, 4, 4], [1, 2, 3, 2]], (x, w) => wg.conv2d(x, w, null, { padding: 'valid' })),
    c('conv2d dilation [2,1]', [[1, 2, 6, 5], [2, 2, 2, 2]], (x, w) => wg.conv2d(x, w, null, { dilation: [2, 1] })),
    c('conv2d depthwise', [[2, 3, 4, 4], [3, 1, 3, 3], [3]], (x, w, b) => wg.conv2d(x, w, b, { groups: 3, padding: 1 })),
    c('conv2d depthwise multiplier 2', [[1, 2, 4, 4], [4, 1, 2, 2]], (x, w) => wg.conv2d(x, w, null, { groups: 2 })),
    c('conv2d unbatched', [[3, 4, 4], [2, 3, 2, 2], [2]], (x, w, b) => wg.conv2d(x, w, b, { stride: 2 })),
    c('conv2d all options', [[2, 4, 7, 6], [2, 2, 3, 2], [2]], (x, w, b) =>
      wg.conv2d(x, w, b, { stride: [2, 1], padding: [2, 1], dilation: [1, 2], groups: 2 })),
    c('conv2d then tanh (curvature)', [[1, 2, 4, 4], [2, 2, 2, 2]], (x, w) => wg.conv2d(x, w).tanh()),
  ],
  property: fc.record({
    N: fc.integer({ min: 1, max: 2 }), g: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 2 }), og: fc.integer({ min: 1, max: 2 }),
    H: fc.integer({ min: 1, max: 5 }), W: fc.integer({ min: 1, max: 5 }), KH: fc.integer({ min: 1, max: 3 }), KW: fc.integer({ min: 1, max: 3 }),
    s: fc.integer({ min: 1, max: 2 }), p: fc.integer({ min: 0, max: 2 }), d: fc.integer({ min: 1, max: 2 }), bias: fc.boolean(),
  }).filter(({ H, W, KH, KW, p, d }) => H + 2 * p >= d * (KH - 1) + 1 && W + 2 * p >= d * (KW - 1) + 1)
    .map(({ N, g, cg, og, H, W, KH, KW, s, p, d, bias }): PropCase => {
      const x = [N, g * cg, H, W], w = [g * og, cg, KH, KW];
      const shapes = bias ? [x, w, [g * og]] : [x, w];
      return {
        shapes, samplings: shapes.map(() => ANY),
        label: `conv2d x[${x}] w[${w}] stride ${s} padding ${p} dilation ${d} groups ${g}${bias ? ' bias' : ''}`,
        f: (xt: Tensor, wt: Tensor, bt?: Tensor) => wg.conv2d(xt, wt, bt, { stride: s, padding: p, dilation: d, groups: g }),
      };
    }),
};

const conv1d: OpEntry = {
  name: 'conv1d', family: 'other', arity: 2, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('conv1d groups 2, bias', [[2, 4, 5], [2, 2, 3], [2]], (x, w, b) => wg.conv1d(x, w, b, { groups: 2 })),
    c('conv1d stride 2 padding 1 dilation 2', [[1, 2, 7], [3, 2, 3]], (x, w) => wg.conv1d(x, w, null, { stride: 2, padding: 1, dilation: 2 })),
    c("conv1d 'same' even kernel", [[2, 1, 5], [2, 1, 4], [2]], (x, w, b) => wg.conv1d(x, w, b, { padding: 'same' })),
    c('conv1d unbatched depthwise', [[3, 6], [3, 1, 2]], (x, w) => wg.conv1d(x, w, null, { groups: 3, stride: [2] })),
  ],
};

const convTranspose2d: OpEntry = {
  name: 'convTranspose2d', family: 'other', arity: 2, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('convTranspose2d groups 2, bias, stride 2', [[1, 4, 2, 3], [4, 1, 2, 2], [2]], (x, w, b) =>
      wg.convTranspose2d(x, w, b, { groups: 2, stride: 2 })),
    c('convTranspose2d', [[2, 2, 3, 3], [2, 3, 2, 2]], (x, w) => wg.convTranspose2d(x, w)),
    c('convTranspose2d stride 2 padding 1 outputPadding 1', [[1, 2, 3, 3], [2, 2, 3, 3], [2]], (x, w, b) =>
      wg.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 })),
    c('convTranspose2d stride [2,3] outputPadding [1,2] dilation [1,2]', [[1, 1, 2, 2], [1, 2, 2, 2]], (x, w) =>
      wg.convTranspose2d(x, w, null, { stride: [2, 3], outputPadding: [1, 2], dilation: [1, 2] })),
    c('convTranspose2d depthwise unbatched', [[3, 3, 2], [3, 1, 2, 2], [3]], (x, w, b) => wg.convTranspose2d(x, w, b, { groups: 3 })),
  ],
};

const convTranspose1d: OpEntry = {
  name: 'convTranspose1d', family: 'other', arity: 2, domain: REAL, kinks: [], method: false, secondOrder: true,
  cases: [
    c('convTranspose1d groups 2, bias', [[2, 4, 3], [4, 1, 3], [2]], (x, w, b) => wg.convTranspose1d(x, w, b, { groups: 2 })),
    c('convTranspose1d stride 3 padding 1 outputPadding 2', [[1, 2, 4], [2, 3, 3]], (x, w) =>
      wg.convTranspose1d(x, w, null, { stride: 3, padding: 1, outputPadding: 2 })),
    c('convTranspose1d unbatched dilation 2', [[2, 3], [2, 1, 2], [1]], (x, w, b) => wg.convTranspose1d(x, w, b, { dilation: 2 })),
  ],
};

export const CONV_OPS: OpEntry[] = [conv2d, conv1d, convTranspose2d, convTranspose1d];
