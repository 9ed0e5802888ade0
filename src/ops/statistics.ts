// Reductions written with other ops (composites; autograd derives their gradients, and createGraph
// differentiates those again): logsumexp, var, std, norm. The numerics stay stable: logsumexp
// subtracts the (constant) maximum, var is two-pass (mean, then squared deviations), and the
// norms take no NaN gradient at the zero vector (PyTorch gives 0 there). The ±Infinity norm is a
// gate of its own: PyTorch splits its gradient evenly among tied elements.

import { Binary } from '../backend/backend.js';
import type { Axis, Tensor, TensorLike } from '../tensor.js';
import { applyGate, noGrad, type Gate } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { checkOptions, describeValue, fmtShape, ShapeError, WasmgradError } from '../errors.js';
import { checkKeepdims, normalizeAxes, scalarLike } from './util.js';
import { composite } from './elementwise.js';
import { add, div, mul, pow, sub } from './binary.js';
import { abs, exp, log, sign, sqrt } from './unary.js';
import { max, mean, min, sum } from './reduce.js';
import { complement, compareMask, isZero, keepWhere } from './compare.js';
import { broadcastTo, reshape } from './shape.js';

/** The shape `sum(x, axes, keepdims)` has. */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * log Σ exp(a) over `axis` (`torch.logsumexp`), computed stably: the maximum m (a constant) is
 * subtracted first, log Σ exp(a − m) + m, with an infinite m replaced by 0 as PyTorch does. `axis`
 * is required (a number or an array of numbers); an empty reduction gives -Infinity. The gradient
 * is softmax(a) · dy.
 *
 * @example wg.logsumexp(wg.tensor([[0, Math.log(3)]]), 1) // tensor([1.3863])
 */
export function logsumexp(a: TensorLike, axis: Axis, keepdims = false): Tensor {
  return composite('logsumexp', a, (x) => {
    if (axis === undefined || axis === null) {
      throw new ShapeError(`logsumexp: axis is required (a number or an array of numbers), got ${describeValue(axis)} for shape ${fmtShape(x.shape)}`);
    }
    const axes = normalizeAxes('logsumexp', axis, x.shape);
    checkKeepdims('logsumexp', keepdims);
    const count = axes.reduce((n, ax) => n * x.shape[ax], 1);
    if (count === 0) return add(sum(x, axes, keepdims), -Infinity); // an empty sum is 0: log 0 = -Infinity
    // The shift is a constant (its gradient cancels); ±Infinity or NaN maxima shift by 0.
    const shift = noGrad(() => {
      const m = max(x, axes, true);
      return keepWhere(compareMask(Binary.Less, abs(m), scalarLike(Infinity, m)), m);
    });
    const out = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
    return keepdims ? out : reshape(out, reducedShape(x.shape, axes, false));
  });
}

/** The options of var and std. */
export interface VarOptions {
  /** Subtracted from the count in the divisor (Bessel's correction; 0 gives the population variance). Default 1. */
  correction?: number;
  /** Keep the reduced axes as size 1. */
  keepdims?: boolean;
}

function variance(op: 'var' | 'std', x: Tensor, axis: Axis | null | undefined, opts: VarOptions | undefined): Tensor {
  const o = checkOptions(op, opts, ['correction', 'keepdims']);
  const correction = o.correction ?? 1;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new WasmgradError(`${op}: correction must be a finite number >= 0, got ${describeValue(correction)}`);
  }
  const keepdims = checkKeepdims(op, o.keepdims);
  const axes = normalizeAxes(op, axis, x.shape);
  const count = axes.reduce((n, ax) => n * x.shape[ax], 1);
  const deviation = sub(x, mean(x, axes, true));
  // count <= correction divides by 0 (Infinity or NaN), as PyTorch does.
  return div(sum(mul(deviation, deviation), axes, keepdims), Math.max(0, count - correction));
}

/**
 * The variance over `axis` (`torch.var`): Σ (a − mean)² / (N − correction), two-pass for
 * accuracy. `axis` as in `sum` (all axes when omitted or null); options `correction` (default 1,
 * the unbiased estimate) and `keepdims`. With N <= correction the result is Infinity or NaN,
 * as in PyTorch.
 *
 * @example wg.var(wg.tensor([1, 2, 3, 4])) // tensor(1.6667)
 */
function variance_(a: TensorLike, axis?: Axis | null, opts?: VarOptions): Tensor {
  return composite('var', a, (x) => variance('var', x, axis, opts));
}
export { variance_ as var };

/**
 * The standard deviation over `axis` (`torch.std`): the square root of `var` with the same
 * arguments. Its gradient is NaN where the deviation is 0 (constant input), as in PyTorch.
 *
 * @example wg.std(wg.tensor([1, 2, 3, 4]), null, { correction: 0 }) // tensor(1.1180)
 */
export function std(a: TensorLike, axis?: Axis | null, opts?: VarOptions): Tensor {
  return composite('std', a, (x) => sqrt(variance('std', x, axis, opts)));
}

/** s^(1/p) with a zero gradient where s = 0 (PyTorch's norm gradient at the zero vector). */
function safeRoot(s: Tensor, p: number): Tensor {
  const zero = isZero(s);
  const lifted = add(s, zero); // 1 where s = 0, so the root's gradient stays finite there
  return keepWhere(complement(zero), p === 2 ? sqrt(lifted) : pow(lifted, 1 / p));
}

interface InfNormAttrs { axes: number[]; keepdims: boolean; lowest: boolean }

// p = ±Infinity: max (min) |x|. PyTorch's gradient sgn(x) · dy / n on the n elements whose |x|
// equals the norm (or is NaN), split evenly among ties, 0 elsewhere. The weights are piecewise
// constant in x, so the rule mul(weights, dy) is linear in dy and createGraph differentiates it.
const infNormGate: Gate<InfNormAttrs> = {
  name: 'norm',
  forward(_ctx, [x], { axes, keepdims, lowest }) {
    return tidy(() => (lowest ? min : max)(abs(x), axes, keepdims));
  },
  backward(ctx, dy) {
    const x = ctx.inputs[0];
    const { axes, lowest } = ctx.attrs;
    const kept = reducedShape(x.shape, axes, true);
    const weights = noGrad(() => tidy(() => {
      const a = abs(x);
      const value = (lowest ? min : max)(a, axes, true);
      const mask = compareMask(Binary.Maximum, compareMask(Binary.Equal, a, value), compareMask(Binary.NotEqual, a, a));
      return mul(sign(x), div(mask, sum(mask, axes, true)));
    }));
    return [mul(weights, broadcastTo(reshape(dy, kept), x.shape))];
  },
};

/** 0 < |p| < 1 or p < 0: PyTorch's rule, in which a zero element takes no gradient. */
function smallPNorm(x: Tensor, p: number, axes: number[], keepdims: boolean): Tensor {
  const zero = noGrad(() => isZero(x));
  const nonzero = noGrad(() => complement(zero));
  const y = add(keepWhere(nonzero, x), zero); // zeros replaced by 1, no gradient through them
  const s = sum(keepWhere(nonzero, pow(abs(y), p)), axes, keepdims); // Σ over the nonzero elements
  if (p > 0) return safeRoot(s, p);
  // p < 0: a zero makes Σ |x|^p infinite and the norm 0, with PyTorch's zero gradient (norm^(1-p) = 0)
  const hasZero = noGrad(() => max(zero, axes, keepdims));
  return keepWhere(complement(hasZero), pow(add(s, hasZero), 1 / p));
}

/**
 * The vector p-norm over `axis` (`torch.linalg.vector_norm`, `torch.norm`; all axes when omitted
 * or null): p = 2 (default, also `'fro'`) √Σ a², p = 1 Σ |a|, p = Infinity max |a|, p = -Infinity
 * min |a|, p = 0 the count of nonzero elements, any other p (Σ |a|^p)^(1/p) — for p < 0 a zero
 * element makes the norm 0. Gradients as PyTorch's: 0 at the zero vector and for p = 0; a zero
 * element takes none for p < 1; for p = ±Infinity `sign(a) · dy` split evenly among the elements
 * of largest (smallest) magnitude. p = ±Infinity or p < 0 of an empty reduction is an error (no
 * identity), as in PyTorch.
 *
 * @example wg.norm(wg.tensor([3, 4])) // tensor(5)
 */
export function norm(a: TensorLike, p: number | 'fro' = 2, axis?: Axis | null, keepdims = false): Tensor {
  return composite('norm', a, (x) => {
    if (p === 'fro') p = 2;
    if (typeof p !== 'number' || Number.isNaN(p)) {
      throw new WasmgradError(`norm: p must be a number (Infinity and -Infinity included) or 'fro', got ${describeValue(p)}`);
    }
    const axes = normalizeAxes('norm', axis, x.shape);
    checkKeepdims('norm', keepdims);
    if (p < 0 && x.size === 0 && reducedShape(x.shape, axes, keepdims).every((d) => d > 0)) {
      throw new ShapeError(`norm: p = ${p} of an empty tensor of shape ${fmtShape(x.shape)} has no value (no identity for ${p === -Infinity ? 'min' : 'a negative power'})`);
    }
    if (p === Infinity && x.size === 0 && reducedShape(x.shape, axes, keepdims).every((d) => d > 0)) {
      throw new ShapeError(`norm: p = ${p} of an empty tensor of shape ${fmtShape(x.shape)} has no value (no identity for max)`);
    }
    if (Math.abs(p) === Infinity) return applyGate(infNormGate, [x], { axes, keepdims, lowest: p < 0 });
    if (p === 0) {
      // the count of nonzero elements (NaN counts); its gradient is 0, kept on the graph through x
      const count = noGrad(() => sum(compareMask(Binary.NotEqual, x, scalarLike(0, x)), axes, keepdims));
      return add(count, sum(keepWhere(scalarLike(0, x), x), axes, keepdims));
    }
    if (p === 1) return sum(abs(x), axes, keepdims);
    if (p === 2) return safeRoot(sum(mul(x, x), axes, keepdims), 2);
    if (p < 1) return smallPNorm(x, p, axes, keepdims);
    return safeRoot(sum(pow(abs(x), p), axes, keepdims), p);
  });
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * log Σ exp over `axis` (required), computed stably; see `wg.logsumexp`.
     *
     * @example wg.tensor([[0, Math.log(3)]]).logsumexp(1) // tensor([1.3863])
     */
    logsumexp(axis: Axis, keepdims?: boolean): Tensor;
    /**
     * The variance over `axis` (all axes when omitted), options `correction` (default 1) and `keepdims`; see `wg.var`.
     *
     * @example wg.tensor([1, 2, 3, 4]).var() // tensor(1.6667)
     */
    var(axis?: Axis | null, opts?: VarOptions): Tensor;
    /**
     * The standard deviation over `axis`, options as `var`; see `wg.std`.
     *
     * @example wg.tensor([1, 2, 3, 4]).std(null, { correction: 0 }) // tensor(1.1180)
     */
    std(axis?: Axis | null, opts?: VarOptions): Tensor;
    /**
     * The vector p-norm over `axis` (all axes when omitted; p = 2 by default); see `wg.norm`.
     *
     * @example wg.tensor([3, 4]).norm() // tensor(5)
     */
    norm(p?: number | 'fro', axis?: Axis | null, keepdims?: boolean): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  logsumexp(axis, keepdims = false) { return logsumexp(this, axis, keepdims); },
  var(axis, opts) { return variance_(this, axis, opts); },
  std(axis, opts) { return std(this, axis, opts); },
  norm(p = 2, axis, keepdims = false) { return norm(this, p, axis, keepdims); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
