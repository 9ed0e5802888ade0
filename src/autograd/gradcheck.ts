// gradcheck: analytic gradients (backward) against numerical ones (centred differences),
// input by input, over the full Jacobian.
//
// The numerical derivative is the fourth-order centred difference
//   f'(x) ≈ (f(x-2h) - 8 f(x-h) + 8 f(x+h) - f(x+2h)) / 12h,
// whose truncation error (~h⁴) lets h be large enough that rounding stays small: at the default
// h = 1e-3 a float64 check resolves about 1e-12 relative. Meant for float64 inputs: float32 has
// too few digits for any finite difference to check a gradient tightly. Keep inputs away from
// kinks (relu, abs, max) by more than 2h, and small: it costs one backward pass per output
// element and four forward passes per input element.

import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, describeValue } from '../errors.js';
import { runBackward } from './backward.js';
import { noGrad } from './tape.js';
import { copyOf, tensorFrom } from '../alloc.js';
import { tidy } from '../memory/index.js';

/** Options of `gradcheck`: the step and the tolerances. */
export interface GradcheckOptions {
  /** Step h of the centred difference (default 1e-3). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3); an element passes when |analytic - numeric| <= atol + rtol |numeric|. */
  rtol?: number;
}

/** The result for one input (and, in GradcheckReport, for all inputs together). */
export interface GradcheckInputReport {
  /** True when every element passes `|analytic - numeric| <= atol + rtol |numeric|`. */
  ok: boolean;
  /** The largest `|analytic - numeric|`. */
  maxAbsError: number;
  /** The largest `|analytic - numeric| / |numeric|`. */
  maxRelError: number;
}

/** What `gradcheck` returns: `ok` and the largest errors overall, and the same per input. */
export interface GradcheckReport extends GradcheckInputReport {
  /** One entry per input, in order: `{ ok, maxAbsError, maxRelError }`. */
  inputs: GradcheckInputReport[];
}

/** A finite number option: eps must be positive, the tolerances may be 0. */
function tolerance(o: Record<string, unknown>, key: string, fallback: number, zeroOk: boolean): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (v === 0 && !zeroOk)) {
    throw new WasmgradError(`gradcheck: option ${key} must be a finite ${zeroOk ? 'non-negative' : 'positive'} number, got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Checks f's analytic gradients against fourth-order centred differences, input by input
 * (PyTorch's `torch.autograd.gradcheck`, which returns a bool; this returns a report). f maps
 * the inputs to a tensor of any shape; use float64 inputs away from kinks. A WasmgradError if
 * f is not a function, an input is not a Tensor, or an option is unknown or out of range (eps a
 * finite positive number, atol and rtol finite and non-negative).
 *
 * @example wg.gradcheck((x) => x.tanh().sum(), [wg.randn([3], { dtype: 'float64' })]).ok // true
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckReport {
  if (typeof f !== 'function') throw new WasmgradError('gradcheck: expected a function');
  if (!Array.isArray(inputs) || inputs.some((x) => !(x instanceof Tensor))) {
    throw new WasmgradError('gradcheck: inputs must be an array of Tensors');
  }
  const o = checkOptions('gradcheck', opts, ['eps', 'atol', 'rtol']);
  const eps = tolerance(o, 'eps', 1e-3, false), atol = tolerance(o, 'atol', 1e-5, true), rtol = tolerance(o, 'rtol', 1e-3, true);
  return tidy(() => {
    // Private copies: perturbing them never touches the caller's tensors.
    const xs = inputs.map((x) => {
      const c = copyOf(x);
      c.requiresGrad = true;
      return c;
    });
    const out = f(...xs);
    if (!(out instanceof Tensor)) throw new WasmgradError('gradcheck: the function must return a Tensor');
    const m = out.size;

    // Analytic Jacobian, one row per output element: J[i][j][k] = d out_j / d x_i[k].
    const analytic: Float64Array[] = xs.map((x) => new Float64Array(m * x.size));
    if (out.requiresGrad) {
      for (let j = 0; j < m; j++) {
        const seedData = new Float64Array(m);
        seedData[j] = 1;
        const seed = tensorFrom(seedData, out.shape, out.dtype, out.backend);
        const grads = runBackward(out, seed, { retainGraph: true }, xs);
        grads.forEach((g, i) => {
          if (g === null) return;
          const d = g.data();
          for (let k = 0; k < d.length; k++) analytic[i][j * d.length + k] = d[k];
        });
      }
    }

    // Numerical Jacobian by centred differences, one input element at a time.
    const reports: GradcheckInputReport[] = [];
    noGrad(() => {
      xs.forEach((x, i) => {
        const n = x.size;
        let maxAbs = 0, maxRel = 0, ok = true;
        for (let k = 0; k < n; k++) {
          const orig = x.backend.get(x.storage, k);
          const at = (v: number): Float32Array | Float64Array | Int32Array => {
            x.backend.write(x.storage, [v], k);
            return tidy(() => f(...xs).data());
          };
          const p1 = at(orig + eps), m1 = at(orig - eps), p2 = at(orig + 2 * eps), m2 = at(orig - 2 * eps);
          x.backend.write(x.storage, [orig], k);
          for (let j = 0; j < m; j++) {
            const num = (m2[j] - 8 * m1[j] + 8 * p1[j] - p2[j]) / (12 * eps);
            const ana = analytic[i][j * n + k];
            const err = Math.abs(ana - num);
            const scale = Math.max(Math.abs(num), Math.abs(ana));
            if (!(err <= atol + rtol * Math.abs(num))) ok = false;
            if (err > maxAbs || Number.isNaN(err)) maxAbs = Number.isNaN(err) ? NaN : Math.max(maxAbs, err);
            // Relative error where the derivative is above the absolute tolerance (an exact zero
            // against rounding noise has no meaningful relative error).
            if (scale > atol) maxRel = Math.max(maxRel, err / scale);
          }
        }
        reports.push({ ok, maxAbsError: maxAbs, maxRelError: maxRel });
      });
    });
    return {
      ok: reports.every((r) => r.ok),
      maxAbsError: reports.reduce((a, r) => Math.max(a, r.maxAbsError), 0),
      maxRelError: reports.reduce((a, r) => Math.max(a, r.maxRelError), 0),
      inputs: reports,
    };
  });
}
