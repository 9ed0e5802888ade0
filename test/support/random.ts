// Seeded random data: deterministic per seed, so a failure reproduces.

import type { DType } from './matrix.js';

/** mulberry32: a small, fast, seeded uniform generator on [0, 1). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** `n` uniform numbers in [lo, hi) from `seed`. */
export function randomFlat(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = makeRng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** `n` standard normal numbers from `seed` (Box–Muller). */
export function randomNormal(n: number, seed: number): number[] {
  const r = makeRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out.push(m * Math.cos(2 * Math.PI * v));
    if (out.length < n) out.push(m * Math.sin(2 * Math.PI * v));
  }
  return out;
}

/** Uniform values whose magnitude is in [minAbs, maxAbs), random sign: away from kinks at 0. */
export function randomAwayFromZero(n: number, seed: number, minAbs = 0.2, maxAbs = 2): number[] {
  const r = makeRng(seed);
  return Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (minAbs + (maxAbs - minAbs) * r()));
}

/** Pairwise distinct values (gaps ≥ `gap`) in random order: no near-ties for max. */
export function randomDistinct(n: number, seed: number, gap = 0.15): number[] {
  const r = makeRng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.map((i) => (i - (n - 1) / 2) * gap);
}

/** Nests flat data into arrays of `shape` (a number for shape []). */
export function nest(flat: ArrayLike<number>, shape: readonly number[]): any {
  if (shape.length === 0) return flat[0];
  const build = (offset: number, dim: number): any => {
    const n = shape[dim];
    const stride = sizeOf(shape.slice(dim + 1));
    const out: any[] = [];
    for (let i = 0; i < n; i++) {
      out.push(dim === shape.length - 1 ? flat[offset + i] : build(offset + i * stride, dim + 1));
    }
    return out;
  };
  return build(0, 0);
}

/** Random nested data of `shape` in [lo, hi). */
export function randomArray(shape: readonly number[], seed: number, lo = -1, hi = 1): any {
  return nest(randomFlat(sizeOf(shape), seed, lo, hi), shape);
}

/** Rounds every element to float32 when dtype is float32 (so references see the same inputs). */
export function roundTo(dtype: DType, flat: readonly number[]): number[] {
  return dtype === 'float32' ? flat.map(Math.fround) : flat.slice();
}
