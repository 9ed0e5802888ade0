// erf in float64 for the js backend: the same algorithm as erf64 in assembly/elementwise.ts
// (see there), so both backends agree to the last bits in float64. float32 rounds this once
// (0.5 ulp); the wasm backend's float32 erf is its own vectorised kernel (assembly/erf.ts,
// within 2 ulp), so the two backends' float32 results may differ by an ulp or two.

const SQRT_PI = 1.7724538509055160273;
const TWO_OVER_SQRT_PI = 1.1283791670955125739;

/** The error function, within ~5 ulp in float64; NaN stays NaN, ±∞ gives ±1. */
export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a < 2.5) {
    // e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)), with x² = hi + lo split exactly (Dekker)
    const t = x * 134217729, xh = t - (t - x), xl = x - xh;
    const hi = x * x, lo = ((xh * xh - hi) + 2 * xh * xl) + xl * xl;
    const e = Math.exp(-hi) * (1 - lo);
    const x2 = 2 * hi;
    let term = x, sum = x;
    for (let n = 1; n < 64; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * e * sum;
  }
  let r = 1;
  if (a < 6) {
    // 1 - erfc, erfc from its continued fraction evaluated bottom-up
    let t = a;
    for (let k = 40; k >= 1; k--) t = a + (k * 0.5) / t;
    r = 1 - Math.exp(-a * a) / (SQRT_PI * t);
  }
  return x < 0 ? -r : r;
}
