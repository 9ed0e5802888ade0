// erf in float32, four lanes per v128, branch-free: both halves are evaluated for every lane and
// a bitselect keeps the right one (cheaper than a per-element branch, and the same result
// wherever an element sits). Within 2 ulp over all of float32 (test/erf.test.ts sweeps it
// against the float64 erf).
//
// |x| < 0.875: erf(x) = x + x·P(x²). P fits erf(x)/x - 1 (minimax, Lawson-weighted least squares
//   against 40-digit erf); adding the small correction x·P to x keeps x itself exact, so
//   subnormal and tiny x come out right without a special case.
// |x| >= 0.875: erf(x) = 1 - erfc(x), erfc(x) = e^{-x²} · R(1/x - 0.7). R fits erfc(x)·e^{x²}
//   (smooth, ~1/(x√π)) relative to itself on [0.875, 3.92]; the shift 0.7 centres the variable
//   so the Horner sums do not cancel. |x| is clamped to 4 first: erfc(3.92) is below half an ulp
//   of 1, so every larger |x| (±Infinity included) gives exactly ±1 and e^{-x²} stays in
//   vexpCore's range. Near the branch point the erfc error is scaled down by erfc(x) <= 0.22.
// The sign is put back last (erf is odd: erf(-0) = -0); NaN stays NaN (min keeps NaN).

import { madd } from './simd';
import { vexpCore } from './vmath';

const BRANCH: f32 = 0.875;
const TAIL_SHIFT: f32 = 0.7;

// P(s), s = x², lowest degree first
const P0: f32 = 0.12837915122509003;
const P1: f32 = -0.3761255741119385;
const P2: f32 = 0.11282525211572647;
const P3: f32 = -0.02679397538304329;
const P4: f32 = 0.005035898182541132;
const P5: f32 = -0.0006222545634955168;

// R(u), u = 1/|x| - 0.7, lowest degree first
const R0: f32 = 0.3336736559867859;
const R1: f32 = 0.3571957051753998;
const R2: f32 = -0.16193902492523193;
const R3: f32 = 0.04845482483506203;
const R4: f32 = 0.00900441687554121;
const R5: f32 = -0.030278993770480156;
const R6: f32 = 0.03050038404762745;
const R7: f32 = -0.022926822304725647;
const R8: f32 = 0.011829410679638386;
const R9: f32 = 0.010534781031310558;
const R10: f32 = -0.020132729783654213;

@inline function c(v: f32): v128 { return f32x4.splat(v); }

/** erf per f32 lane (see the file comment for the method and its accuracy). */
@inline export function verfF32(x: v128): v128 {
  const signBit = c(-0.0);
  const one = c(1.0);
  const a = v128.andnot(x, signBit);

  // small |x|
  const s = f32x4.mul(a, a);
  let p = madd<f32>(c(P5), s, c(P4));
  p = madd<f32>(p, s, c(P3));
  p = madd<f32>(p, s, c(P2));
  p = madd<f32>(p, s, c(P1));
  p = madd<f32>(p, s, c(P0));
  const small = f32x4.add(a, f32x4.mul(a, p));

  // large |x|: 1 - e^{-x²} R(1/x - 0.7)
  const ac = f32x4.min(a, c(4.0));
  const u = f32x4.sub(f32x4.div(one, ac), c(TAIL_SHIFT));
  let r = madd<f32>(c(R10), u, c(R9));
  r = madd<f32>(r, u, c(R8));
  r = madd<f32>(r, u, c(R7));
  r = madd<f32>(r, u, c(R6));
  r = madd<f32>(r, u, c(R5));
  r = madd<f32>(r, u, c(R4));
  r = madd<f32>(r, u, c(R3));
  r = madd<f32>(r, u, c(R2));
  r = madd<f32>(r, u, c(R1));
  r = madd<f32>(r, u, c(R0));
  const e = vexpCore<f32>(f32x4.neg(f32x4.mul(ac, ac)));
  const tail = f32x4.sub(one, f32x4.mul(e, r));

  const res = v128.bitselect(small, tail, f32x4.lt(a, c(BRANCH)));
  return v128.or(res, v128.and(x, signBit));
}

/** erf of one f32 through lane 0 of verfF32: the scalar tail of a loop gets the same bits. */
@inline export function serfF32(x: f32): f32 { return f32x4.extract_lane(verfF32(f32x4.splat(x)), 0); }
