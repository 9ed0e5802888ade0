// fast-check arbitraries of shapes and axis arguments for the random-shape gradient checks:
// size-0 and size-1 dimensions, 0-d tensors, pairs that broadcast in every position.

import fc from 'fast-check';

export type Shape = number[];

export const sizeOf = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** A dimension: 0 sometimes, 1 often, else 2 or 3. */
export const dimArb = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constant(1) },
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 3 }) });

export const shapeArb = (min = 0, max = 4): fc.Arbitrary<Shape> => fc.array(dimArb, { minLength: min, maxLength: max })
  .filter((s) => sizeOf(s) <= 36);

/** Two shapes that broadcast: each operand keeps or 1s any dim of the output and may drop leading dims. */
export const pairArb: fc.Arbitrary<[Shape, Shape]> = fc.record({
  out: shapeArb(0, 4),
  keepA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  keepB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  dropA: fc.nat(4),
  dropB: fc.nat(4),
}).map(({ out, keepA, keepB, dropA, dropB }) => {
  const a = out.map((d, i) => (keepA[i] ? d : 1)).slice(Math.min(dropA, out.length));
  const b = out.map((d, i) => (keepB[i] || !keepA[i] ? d : 1)).slice(Math.min(dropB, out.length));
  return [a, b] as [Shape, Shape];
});

/** An axis argument for a tensor of ndim dims: undefined, one (maybe negative) axis, or a list. */
export function axisArb(ndim: number): fc.Arbitrary<number | number[] | undefined> {
  const one = ndim > 0 ? [fc.integer({ min: -ndim, max: ndim - 1 })] : [];
  const list = fc.subarray(Array.from({ length: ndim }, (_, i) => i))
    .chain((axes) => fc.shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length }))
    .chain((axes) => fc.array(fc.boolean(), { minLength: axes.length, maxLength: axes.length })
      .map((neg) => axes.map((a, i) => (neg[i] ? a - ndim : a))));
  return fc.oneof(fc.constant(undefined), ...one, list);
}

export function broadcast(a: readonly number[], b: readonly number[]): Shape | null {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function matmulShape(a: Shape, b: Shape): Shape | null {
  if (a.length === 0 || b.length === 0) return null;
  const A = a.length === 1 ? [1, a[0]] : a;
  const B = b.length === 1 ? [b[0], 1] : b;
  if (A[A.length - 1] !== B[B.length - 2]) return null;
  const batch = broadcast(A.slice(0, -2), B.slice(0, -2));
  if (batch === null) return null;
  const out = [...batch, A[A.length - 2], B[B.length - 1]];
  if (b.length === 1) out.pop();
  if (a.length === 1) out.splice(out.length - (b.length === 1 ? 1 : 2), 1);
  return out;
}
