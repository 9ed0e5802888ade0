// The library's random numbers: one seeded generator (xoshiro128**) shared by both backends,
// so manualSeed(n) gives the same tensors on wasm and js.

import { WasmgradError, describeValue } from '../errors.js';

let s0 = 0, s1 = 0, s2 = 0, s3 = 0;

/** splitmix32 spreads one seed over the four state words (never all zero). */
function seedState(seed: number): void {
  let x = seed >>> 0;
  const next = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  s0 = next(); s1 = next(); s2 = next(); s3 = next();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
}

seedState((Math.random() * 2 ** 32) >>> 0);

function nextU32(): number {
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform in [0, 1) with 53 random bits. */
function uniform(): number {
  const hi = nextU32() >>> 5, lo = nextU32() >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/**
 * Makes randn/rand and parameter initialisation reproducible.
 *
 * Like `torch.manual_seed`: the same seed gives the same numbers on both backends. A
 * WasmgradError unless `seed` is a finite number.
 *
 * @example wg.manualSeed(42); wg.randn([3]).toArray() // the same 3 numbers on every run
 */
export function manualSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    // A fractional seed would be floored: manualSeed(0.5) and manualSeed(0.9) the same stream.
    throw new WasmgradError(`manualSeed: seed must be an integer, got ${describeValue(seed)}`);
  }
  // Fold in the high bits too, so seeds above 2^32 differ.
  seedState((Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) >>> 0);
}

export function randomUniform(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = uniform();
  return out;
}

/** Standard normal samples by the Box–Muller transform. */
export function randomNormal(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - uniform(); // (0, 1]: log is finite
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
