// Catalog entries of the shape and joining ops (src/ops/slice.ts, join.ts, view.ts): fixed
// gradient-check cases (negative dims, size-0 dims, a downstream mul so the gradient is not
// uniform) and random-shape cases. No random-program step or TF.js comparison yet.

import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { REAL, type Sampling } from './domains.js';
import { type Shape, shapeArb } from './shapes.js';
import type { OpCase, OpEntry, PropCase, Tensor } from './types.js';

const ANY: Sampling = { kind: 'interval', min: -2, max: 2, avoid: [] };
function c(name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): OpCase {
  return { name, inputs: shapes.map((shape) => ({ shape, sampling: ANY })), f };
}
function p(shapes: Shape[], label: string, f: (...xs: Tensor[]) => Tensor): PropCase {
  return { shapes, samplings: shapes.map(() => ANY), label, f };
}
function entry(name: string, cases: OpCase[], property: fc.Arbitrary<PropCase>, extra: Partial<OpEntry> = {}): OpEntry {
  return { name, family: 'other', arity: 1, domain: REAL, kinks: [], method: true, secondOrder: true, cases, property, ...extra };
}
/** A shape with at least one dim and a dim index into it (maybe negative). */
const withDim = shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 })));
const norm = (d: number, n: number) => (d < 0 ? d + n : d);
const sq = (y: Tensor) => y.mul(y);

export const SHAPE_JOIN_OPS: OpEntry[] = [
  entry('narrow', [
    c('narrow(1, 1, 2)', [[2, 4]], (x) => sq(x.narrow(1, 1, 2))),
    c('narrow(-1, -3, 0)', [[2, 3]], (x) => x.narrow(-1, -3, 0)),
  ], withDim.chain(([s, d]) => {
    const n = s[norm(d, s.length)];
    return fc.integer({ min: 0, max: n }).chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: 0, max: n - start })))
      .map(([start, len]) => p([s], `narrow([${s}], ${d}, ${start}, ${len})`, (x) => sq(x.narrow(d, start, len))));
  })),
  entry('select', [
    c('select(0, -1)', [[3, 2]], (x) => sq(x.select(0, -1))),
    c('select(1, 0) of [2, 2, 0]', [[2, 2, 0]], (x) => x.select(1, 0)),
  ], withDim.filter(([s, d]) => s[norm(d, s.length)] > 0).chain(([s, d]) => fc.integer({ min: 0, max: s[norm(d, s.length)] - 1 })
    .map((i) => p([s], `select([${s}], ${d}, ${i})`, (x) => sq(x.select(d, i)))))),
  entry('split', [
    c('split(2, 1) pieces mixed', [[2, 5]], (x) => { const [a, b, e] = x.split(2, 1); return wg.cat([sq(a), b.mul(3), e], 1); }),
    c('split([1, 2]) second piece', [[3, 2]], (x) => sq(x.split([1, 2])[1])),
  ], withDim.chain(([s, d]) => fc.integer({ min: 1, max: 3 }).map((k) => p([s], `split([${s}], ${k}, ${d})`,
    (x) => { const parts = x.split(k, d); return sq(parts[parts.length - 1]); })))),
  entry('chunk', [
    c('chunk(2, -1) first piece', [[2, 5]], (x) => sq(x.chunk(2, -1)[0])),
  ], withDim.chain(([s, d]) => fc.integer({ min: 1, max: 3 }).map((k) => p([s], `chunk([${s}], ${k}, ${d})`,
    (x) => sq(x.chunk(k, d)[0]))))),
  entry('flip', [
    c('flip([0, -1])', [[2, 3]], (x) => sq(x.flip([0, -1]))),
    c('flip(1) of [2, 3, 2]', [[2, 3, 2]], (x) => x.flip(1).mul(x)),
  ], withDim.map(([s, d]) => p([s], `flip([${s}], ${d})`, (x) => x.flip(d).mul(x)))),
  entry('pad', [
    c('pad([1, 2], 5)', [[2, 3]], (x) => sq(x.pad([1, 2], 5))),
    c('pad([0, 1, -1, 1]) crops and pads', [[3, 2]], (x) => sq(x.pad([0, 1, -1, 1]))),
    c("pad([2, 1, 1, 1], 'reflect')", [[3, 4]], (x) => sq(x.pad([2, 1, 1, 1], 'reflect'))),
    c("pad([2, 3], 'replicate')", [[2, 3]], (x) => sq(x.pad([2, 3], 'replicate'))),
    c("pad([1, 3, 2, 0], { mode: 'circular' })", [[2, 3]], (x) => sq(x.pad([1, 3, 2, 0], { mode: 'circular' }))),
  ], shapeArb(1).chain((s) => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
    .map(([b, a]) => p([s], `pad([${s}], [${b}, ${a}])`, (x) => sq(x.pad([b, a], 1.5)))))),
  entry('cat', [
    c('cat along -1', [[2, 1], [2, 3]], (a, b) => sq(wg.cat([a, b], -1))),
    c('cat with a size-0 piece along 1', [[2, 0], [2, 3], [2, 1]], (a, b, e) => sq(wg.cat([a, b, e], 1))),
  ], withDim.chain(([s, d]) => fc.integer({ min: 0, max: 2 }).map((k) => {
    const other = s.slice();
    other[norm(d, s.length)] = k;
    return p([s, other], `cat([${s}], [${other}], ${d})`, (a, b) => sq(wg.cat([a, b, a], d)));
  })), { arity: 2, method: false }),
  entry('stack', [
    c('stack(-1)', [[2, 3], [2, 3]], (a, b) => sq(wg.stack([a, b], -1))),
    c('stack(1) of the same tensor twice', [[2]], (a) => sq(wg.stack([a, a], 1))),
  ], shapeArb().chain((s) => fc.integer({ min: -s.length - 1, max: s.length }).map((d) =>
    p([s, s], `stack([${s}] x2, ${d})`, (a, b) => sq(wg.stack([a, b], d))))), { arity: 2, method: false }),
  entry('squeeze', [
    c('squeeze()', [[2, 1, 3]], (x) => sq(x.squeeze())),
    c('squeeze([0, -1])', [[1, 2, 1]], (x) => sq(x.squeeze([0, -1]))),
  ], shapeArb().map((s) => p([s], `squeeze([${s}])`, (x) => sq(x.squeeze())))),
  entry('unsqueeze', [c('unsqueeze(-1)', [[2, 3]], (x) => sq(x.unsqueeze(-1)))],
    shapeArb().chain((s) => fc.integer({ min: -s.length - 1, max: s.length }).map((d) =>
      p([s], `unsqueeze([${s}], ${d})`, (x) => sq(x.unsqueeze(d)))))),
  entry('flatten', [
    c('flatten()', [[2, 3, 2]], (x) => sq(x.flatten())),
    c('flatten(1, -1)', [[2, 3, 2]], (x) => sq(x.flatten(1, -1))),
  ], shapeArb().map((s) => p([s], `flatten([${s}])`, (x) => sq(x.flatten())))),
  entry('permute', [
    c('permute(2, 0, 1)', [[2, 3, 4]], (x) => sq(x.permute(2, 0, 1))),
    c('permute([-1, 0])', [[2, 3]], (x) => sq(x.permute([-1, 0]))),
  ], shapeArb().chain((s) => fc.shuffledSubarray(Array.from({ length: s.length }, (_, i) => i), { minLength: s.length, maxLength: s.length })
    .map((perm) => p([s], `permute([${s}], [${perm}])`, (x) => sq(x.permute(perm)))))),
  entry('expand', [
    c('expand([2, -1, 3])', [[2, 1]], (x) => sq(x.expand([2, -1, 3]))),
  ], shapeArb().map((s) => p([s], `expand([${s}] → [2, ...])`, (x) => x.expand([2, ...s]).tanh()))),
  entry('tril', [
    c('tril()', [[3, 3]], (x) => sq(x.tril())),
    c('tril(-1) batched', [[2, 3, 4]], (x) => sq(x.tril(-1))),
  ], shapeArb(2).chain((s) => fc.integer({ min: -2, max: 2 }).map((k) => p([s], `tril([${s}], ${k})`, (x) => sq(x.tril(k)))))),
  entry('triu', [
    c('triu(1)', [[3, 4]], (x) => sq(x.triu(1))),
  ], shapeArb(2).chain((s) => fc.integer({ min: -2, max: 2 }).map((k) => p([s], `triu([${s}], ${k})`, (x) => sq(x.triu(k)))))),
];
