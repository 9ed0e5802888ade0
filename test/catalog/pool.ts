// Catalog entries of the pooling ops (src/ops/pool.ts): fixed gradient-check cases (overlapping
// windows, padding, dilation, ceilMode, countIncludePad, divisorOverride, adaptive sizes that do
// not divide, unbatched input) and random-geometry cases. Max pooling draws pairwise distinct
// inputs (`ties`: its derivative jumps where two elements of a window tie). Each case squares or
// weights the result, so the second-order check differentiates the backward gates again.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import type { OpCase, OpEntry, PropCase, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
const DISTINCT: Sampling = { kind: 'distinct' };

function c(name: string, shape: number[], sampling: Sampling, f: (x: Tensor) => Tensor): OpCase {
  return { name, inputs: [{ shape, sampling }], f };
}
function entry(name: string, max: boolean, cases: OpCase[], property: fc.Arbitrary<PropCase>): OpEntry {
  return { name, family: 'other', arity: 1, domain: REAL, kinks: [], ties: max, method: false, secondOrder: true, cases, property };
}
const sq = (y: Tensor) => y.mul(y);

/** A random fixed-window geometry along one dimension: size, kernel, stride, padding (<= kernel/2), output >= 1. */
const windowArb = fc.record({
  size: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }),
  p: fc.nat(1), ceil: fc.boolean(),
}).map((g) => ({ ...g, p: Math.min(g.p, Math.floor(g.k / 2)) })).filter((g) => g.size + 2 * g.p >= g.k);
/** Leading dims: unbatched [C] or batched [N, C]. */
const leadArb = fc.oneof(fc.tuple(fc.integer({ min: 1, max: 2 })).map((t) => [t[0]]),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 })).map((t) => [t[0], t[1]]));

function prop(lead: number[], spatial: number[], sampling: Sampling, label: string, f: (x: Tensor) => Tensor): PropCase {
  return { shapes: [[...lead, ...spatial]], samplings: [sampling], label, f };
}

export const POOL_OPS: OpEntry[] = [
  entry('maxPool2d', true, [
    c('maxPool2d(x, 2)²', [2, 2, 4, 4], DISTINCT, (x) => sq(wg.maxPool2d(x, 2))),
    c('maxPool2d overlapping 3, stride 1', [1, 3, 4, 5], DISTINCT, (x) => sq(wg.maxPool2d(x, 3, { stride: 1 }))),
    c('maxPool2d padding 1, ceilMode', [2, 5, 5], DISTINCT, (x) => wg.maxPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true }).exp()),
    c('maxPool2d dilation 2', [1, 1, 5, 5], DISTINCT, (x) => sq(wg.maxPool2d(x, 2, { dilation: 2, stride: 1 }))),
  ], fc.tuple(leadArb, windowArb, windowArb).map(([lead, h, w]) => prop(lead, [h.size, w.size], DISTINCT,
    `maxPool2d([${lead},${h.size},${w.size}], [${h.k},${w.k}], stride [${h.s},${w.s}], padding [${h.p},${w.p}], ceil ${h.ceil})`,
    (x) => sq(wg.maxPool2d(x, [h.k, w.k], { stride: [h.s, w.s], padding: [h.p, w.p], ceilMode: h.ceil }))))),
  entry('maxPool1d', true, [
    c('maxPool1d(x, 2)²', [2, 3, 6], DISTINCT, (x) => sq(wg.maxPool1d(x, 2))),
    c('maxPool1d overlapping, padding, ceilMode', [3, 7], DISTINCT, (x) => sq(wg.maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }))),
  ], fc.tuple(leadArb, windowArb).map(([lead, g]) => prop(lead, [g.size], DISTINCT,
    `maxPool1d([${lead},${g.size}], ${g.k}, stride ${g.s}, padding ${g.p}, ceil ${g.ceil})`,
    (x) => sq(wg.maxPool1d(x, g.k, { stride: g.s, padding: g.p, ceilMode: g.ceil }))))),
  entry('avgPool2d', false, [
    c('avgPool2d(x, 2)²', [2, 2, 4, 4], ANY, (x) => sq(wg.avgPool2d(x, 2))),
    c('avgPool2d overlapping, padding', [1, 2, 5, 4], ANY, (x) => sq(wg.avgPool2d(x, 3, { stride: 1, padding: 1 }))),
    c('avgPool2d countIncludePad false, ceilMode', [2, 5, 5], ANY,
      (x) => sq(wg.avgPool2d(x, 2, { padding: 1, ceilMode: true, countIncludePad: false }))),
    c('avgPool2d divisorOverride', [1, 1, 4, 6], ANY, (x) => sq(wg.avgPool2d(x, [2, 3], { divisorOverride: 4 }))),
  ], fc.tuple(leadArb, windowArb, windowArb, fc.boolean()).map(([lead, h, w, inc]) => prop(lead, [h.size, w.size], ANY,
    `avgPool2d([${lead},${h.size},${w.size}], [${h.k},${w.k}], stride [${h.s},${w.s}], padding [${h.p},${w.p}], ceil ${h.ceil}, countIncludePad ${inc})`,
    (x) => sq(wg.avgPool2d(x, [h.k, w.k], { stride: [h.s, w.s], padding: [h.p, w.p], ceilMode: h.ceil, countIncludePad: inc }))))),
  entry('avgPool1d', false, [
    c('avgPool1d(x, 2)²', [2, 3, 6], ANY, (x) => sq(wg.avgPool1d(x, 2))),
    c('avgPool1d padding, ceilMode, countIncludePad false', [3, 7], ANY,
      (x) => sq(wg.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }))),
  ], fc.tuple(leadArb, windowArb).map(([lead, g]) => prop(lead, [g.size], ANY,
    `avgPool1d([${lead},${g.size}], ${g.k}, stride ${g.s}, padding ${g.p}, ceil ${g.ceil})`,
    (x) => sq(wg.avgPool1d(x, g.k, { stride: g.s, padding: g.p, ceilMode: g.ceil }))))),
  entry('adaptiveAvgPool2d', false, [
    c('adaptiveAvgPool2d(x, [3, 2])²', [2, 2, 5, 4], ANY, (x) => sq(wg.adaptiveAvgPool2d(x, [3, 2]))),
    c('adaptiveAvgPool2d(x, 1) unbatched', [3, 4, 4], ANY, (x) => sq(wg.adaptiveAvgPool2d(x, 1))),
    c('adaptiveAvgPool2d(x, [null, 5]) larger than the input', [1, 2, 3, 3], ANY, (x) => sq(wg.adaptiveAvgPool2d(x, [null, 5]))),
  ], fc.tuple(leadArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(6), fc.nat(6))
    .map(([lead, H, W, oh, ow]) => prop(lead, [H, W], ANY, `adaptiveAvgPool2d([${lead},${H},${W}], [${oh},${ow}])`,
      (x) => sq(wg.adaptiveAvgPool2d(x, [oh, ow]))))),
  entry('adaptiveAvgPool1d', false, [
    c('adaptiveAvgPool1d(x, 3)²', [2, 2, 7], ANY, (x) => sq(wg.adaptiveAvgPool1d(x, 3))),
    c('adaptiveAvgPool1d(x, 4) larger than the input', [2, 3], ANY, (x) => sq(wg.adaptiveAvgPool1d(x, 4))),
  ], fc.tuple(leadArb, fc.integer({ min: 1, max: 7 }), fc.nat(7)).map(([lead, L, o]) => prop(lead, [L], ANY,
    `adaptiveAvgPool1d([${lead},${L}], ${o})`, (x) => sq(wg.adaptiveAvgPool1d(x, o))))),
];
