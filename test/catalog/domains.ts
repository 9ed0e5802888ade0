// Where an op's inputs live. A Domain is the interval on which an op is defined and well
// conditioned (±Infinity for no bound); `poles` are values its derivative blows up at (a
// denominator's 0). Gradient checks draw data from the domain clipped to [-2, 2], kept 0.2 away
// from poles and kinks; the random programs move a node into the domain (programs.ts).

import { makeRng, randomAwayFromZero, randomDistinct, randomFlat } from '../support/random.js';

export interface Domain {
  min: number;
  max: number;
  poles?: number[];
}

export const REAL: Domain = { min: -Infinity, max: Infinity };

/** How far checked data stays from kinks and poles. */
const GAP = 0.2;
/** Where checked data is drawn when the domain is unbounded. */
const SPAN = 2;

/**
 * How a gradient check draws one input: from an interval avoiding some points; pairwise
 * distinct values (the max reduction: no near-ties); or interleaved grids (maximum/minimum
 * operands: multiples of 0.1 plus 0.05 against multiples of 0.1, never tied).
 */
export type Sampling =
  | { kind: 'interval'; min: number; max: number; avoid: number[] }
  | { kind: 'distinct' }
  | { kind: 'grid'; offset: boolean };

export function intervalSampling(d: Domain, kinks: readonly number[] = []): Sampling {
  return {
    kind: 'interval',
    min: Math.max(d.min, -SPAN),
    max: Math.min(d.max, SPAN),
    avoid: [...kinks, ...(d.poles ?? [])],
  };
}

/** `n` values drawn by `s` from `seed` (deterministic). */
export function sample(s: Sampling, n: number, seed: number): number[] {
  switch (s.kind) {
    case 'distinct': return randomDistinct(n, seed);
    case 'grid': {
      const r = makeRng(seed);
      return Array.from({ length: n }, () => Math.floor(r() * 30 - 15) * 0.1 + (s.offset ? 0 : 0.05));
    }
    case 'interval': {
      const { min, max, avoid } = s;
      if (avoid.length === 0) return randomFlat(n, seed, min, max);
      // the common case, a symmetric interval around a single kink or pole at 0
      if (avoid.length === 1 && avoid[0] === 0 && min === -max) return randomAwayFromZero(n, seed, GAP, max);
      const r = makeRng(seed);
      return Array.from({ length: n }, () => {
        for (;;) {
          const v = min + (max - min) * r();
          if (avoid.every((k) => Math.abs(v - k) >= GAP)) return v;
        }
      });
    }
  }
}
