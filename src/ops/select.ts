// Comparison and selection: gt ge lt le eq ne (0/1 masks, no gradient), where, maskedFill and
// clamp. The masks are constants; where and maskedFill route the gradient through keepWhere
// (compare.ts), a select, so a NaN or ∞ in the branch not taken never leaks into the gradient.

import { Binary } from '../backend/backend.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { applyGate, checkInputs, isGradEnabled, noGrad, type Gate } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { BackendError, DTypeError, ShapeError, WasmgradError, describeValue, fmtShape } from '../errors.js';
import { asTensor, broadcastShapes, coercePair, requireTensor, sameShape, scalarLike } from './util.js';
import { applyBinary, binaryKernel } from './elementwise.js';
import { compareMask, complement, keepWhere } from './compare.js';
import { add, maximum, minimum } from './binary.js';
import { astype, broadcastTo } from './shape.js';

// ---- comparisons: one kernel, no gradient (the result is a constant, as PyTorch's bool tensors) ----

function compareGate(name: string, op: Binary): Gate {
  return {
    name,
    forward(_ctx, [a, b]) { return binaryKernel(name, op, a, b); },
    backward() { return [null, null]; }, // never recorded: compare() runs with recording off
  };
}
const gtGate = compareGate('gt', Binary.Greater);
const geGate = compareGate('ge', Binary.GreaterEqual);
const ltGate = compareGate('lt', Binary.Less);
const leGate = compareGate('le', Binary.LessEqual);
const eqGate = compareGate('eq', Binary.Equal);
const neGate = compareGate('ne', Binary.NotEqual);

function compare(gate: Gate, a: TensorLike, b: TensorLike): Tensor {
  const aInt = a instanceof Tensor && a.dtype === 'int32';
  const bInt = b instanceof Tensor && b.dtype === 'int32';
  if (!aInt && !bInt) return noGrad(() => applyBinary(gate, a, b));
  // int32 operands (indices, labels) compare exactly in float64, which holds every int32; the
  // mask is int32 when no operand is a float tensor, else in the float operand's dtype.
  const float = [a, b].find((t): t is Tensor => t instanceof Tensor && t.dtype !== 'int32');
  const wide = (t: TensorLike): TensorLike => (t instanceof Tensor && t.dtype !== 'float64' ? astype(t, 'float64') : t);
  return noGrad(() => tidy(() => astype(applyBinary(gate, wide(a), wide(b)), float?.dtype ?? 'int32')));
}

/**
 * `a > b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.gt`); no gradient
 * flows through it. Either operand may be a number. Comparisons with NaN give 0.
 *
 * @example wg.gt(wg.tensor([1, 2, 3]), 2) // tensor([0, 0, 1])
 */
export function gt(a: TensorLike, b: TensorLike): Tensor { return compare(gtGate, a, b); }
/**
 * `a >= b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.ge`); no gradient.
 *
 * @example wg.ge(wg.tensor([1, 2, 3]), 2) // tensor([0, 1, 1])
 */
export function ge(a: TensorLike, b: TensorLike): Tensor { return compare(geGate, a, b); }
/**
 * `a < b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.lt`); no gradient.
 *
 * @example wg.lt(wg.tensor([1, 2, 3]), 2) // tensor([1, 0, 0])
 */
export function lt(a: TensorLike, b: TensorLike): Tensor { return compare(ltGate, a, b); }
/**
 * `a <= b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.le`); no gradient.
 *
 * @example wg.le(wg.tensor([1, 2, 3]), 2) // tensor([1, 1, 0])
 */
export function le(a: TensorLike, b: TensorLike): Tensor { return compare(leGate, a, b); }
/**
 * `a == b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.eq`); no gradient.
 * NaN equals nothing, itself included.
 *
 * @example wg.eq(wg.tensor([1, 2, 3]), 2) // tensor([0, 1, 0])
 */
export function eq(a: TensorLike, b: TensorLike): Tensor { return compare(eqGate, a, b); }
/**
 * `a != b` elementwise as 0/1 in the inputs' dtype, with broadcasting (`torch.ne`); no gradient.
 * NaN differs from everything, itself included.
 *
 * @example wg.ne(wg.tensor([1, 2, 3]), 2) // tensor([1, 0, 1])
 */
export function ne(a: TensorLike, b: TensorLike): Tensor { return compare(neGate, a, b); }

// ---- where / maskedFill -------------------------------------------------------------------------

/**
 * cond ? a : b over the broadcast shape, as ops: keepWhere(m, a) + keepWhere(1 - m, b) with the
 * constant mask m = (cond != 0). Everything is checked first, so an error leaves nothing behind.
 */
function select(op: string, cond: Tensor, a: TensorLike, b: TensorLike, outShape?: readonly number[]): Tensor {
  const [ta, tb] = coercePair(op, a, b);
  const made = [ta, tb].filter((t, i) => t !== [a, b][i]);
  try {
    checkInputs(op, [ta, tb], false);
    if (cond.backendName !== ta.backendName) {
      throw new BackendError(`${op}: backends differ: condition on ${cond.backendName}, values on ${ta.backendName} (use to(backend))`);
    }
    let shape: number[];
    try {
      shape = broadcastShapes(op, broadcastShapes(op, cond.shape, ta.shape), tb.shape);
    } catch {
      throw new ShapeError(`${op}: shapes ${fmtShape(cond.shape)} (condition), ${fmtShape(ta.shape)} and ${fmtShape(tb.shape)} cannot be broadcast together`);
    }
    if (outShape !== undefined && !sameShape(shape, outShape)) {
      throw new ShapeError(`${op}: mask of shape ${fmtShape(cond.shape)} does not broadcast to the tensor's shape ${fmtShape(outShape)}`);
    }
    const body = () => {
      const mask = noGrad(() => {
        const m = compareMask(Binary.NotEqual, cond, scalarLike(0, cond));
        return m.dtype === ta.dtype ? m : astype(m, ta.dtype);
      });
      return add(keepWhere(mask, broadcastTo(ta, shape)), keepWhere(complement(mask), broadcastTo(tb, shape)));
    };
    return isGradEnabled() && (ta.requiresGrad || tb.requiresGrad) ? body() : tidy(body);
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Elementwise `cond ? a : b` with broadcasting of all three (`torch.where`). `cond` is a tensor
 * read as true where it is not 0 (NaN counts as true); `a` and `b` are tensors of one dtype or
 * numbers. The gradient goes to `a` where cond ≠ 0 and to `b` elsewhere (summed back over
 * broadcast axes); none to `cond`.
 * Two int32 branches (or int32 and an integer number) give an int32 result; an int32 branch
 * beside a float one is a DTypeError.
 *
 * @example wg.where(wg.tensor([1, 0, 1]), wg.tensor([1, 2, 3]), 0) // tensor([1, 0, 3])
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  requireTensor('where', cond, 'condition');
  const int = [a, b].find((t): t is Tensor => t instanceof Tensor && t.dtype === 'int32');
  if (int === undefined) return select('where', cond, a, b);
  // int32 branches (PyTorch's integer where): both int32, or int32 and an integer number
  const other = int === a ? b : a;
  const name = int === a ? ['a', 'b'] : ['b', 'a'];
  if (other instanceof Tensor) {
    other.assertLive('where');
    if (other.dtype !== 'int32') {
      throw new DTypeError(`where: ${name[0]} is int32 (shape ${int.shapeString}) but ${name[1]} is ${other.dtype} (shape ${other.shapeString}); `
        + `both branches must have one dtype (convert one with astype)`);
    }
  } else {
    checkInt32Value('where', `${name[1]} (beside an int32 ${name[0]})`, other, false);
  }
  int.assertLive('where');
  return viaFloat64(() => select('where', cond, widen(a), widen(b)));
}

/** A number that must fit an int32 tensor: finite, in range and (when `truncate` is off) integer. */
function checkInt32Value(op: string, what: string, v: unknown, truncate: boolean): void {
  if (typeof v !== 'number') throw new WasmgradError(`${op}: ${what} must be a number, got ${describeValue(v)}`);
  if (!Number.isFinite(v) || Math.trunc(v) < -2147483648 || Math.trunc(v) > 2147483647 || (!truncate && !Number.isInteger(v))) {
    throw new DTypeError(`${op}: ${what} is ${describeValue(v)}, which an int32 tensor cannot hold `
      + `(an integer in [-2147483648, 2147483647]${truncate ? ', fractions truncated' : ''})`);
  }
}

/** An int32 tensor as float64 (exact for every int32); other values unchanged. */
function widen(v: TensorLike): TensorLike { return v instanceof Tensor && v.dtype === 'int32' ? astype(v, 'float64') : v; }

/**
 * An int32 result computed in float64, which holds every int32 exactly (int32 tensors carry no
 * gradient, so nothing is recorded); the float64 intermediates are freed at once.
 */
function viaFloat64(body: () => Tensor): Tensor {
  return noGrad(() => tidy(() => astype(body(), 'int32')));
}

/**
 * A copy of `x` with `value` wherever `mask` is not 0 (`torch.Tensor.masked_fill`); `mask`
 * broadcasts to `x`'s shape. The gradient reaches `x` where the mask is 0.
 * On an int32 `x` the value is truncated to an integer (NaN, ±∞ and overflow are errors).
 *
 * @example wg.maskedFill(wg.tensor([1, 2, 3]), wg.tensor([0, 1, 0]), -1) // tensor([1, -1, 3])
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  requireTensor('maskedFill', x);
  requireTensor('maskedFill', mask, 'mask');
  if (typeof value !== 'number') {
    throw new WasmgradError(`maskedFill: value must be a number, got ${describeValue(value)}`);
  }
  if (x.dtype === 'int32') {
    // PyTorch fills an integer tensor with the value truncated, and refuses NaN, ±∞ and overflow
    checkInt32Value('maskedFill', 'value', value, true);
    return viaFloat64(() => select('maskedFill', mask, Math.trunc(value), widen(x), x.shape));
  }
  return select('maskedFill', mask, value, x, x.shape);
}

// ---- clamp ---------------------------------------------------------------------------------------

/** A bound of clamp: absent (undefined or null), a number, or a tensor. */
function bound(v: unknown, which: string): TensorLike | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || v instanceof Tensor) return v;
  throw new WasmgradError(`clamp: ${which} must be a number, a Tensor or null, got ${describeValue(v)}`);
}

/**
 * Clamps every element into [min, max] (`torch.clamp`); either bound may be left out (undefined
 * or null) but not both, and may be a number or a tensor (broadcasting). NaN stays NaN; with
 * min > max every element becomes max. Gradient 1 strictly inside, 0 outside, and 1 at a bound.
 *
 * @example wg.clamp(wg.tensor([-2, 0.5, 3]), 0, 1) // tensor([0, 0.5, 1])
 */
export function clamp(x: TensorLike, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  const lo = bound(min, 'min'), hi = bound(max, 'max');
  if (lo === null && hi === null) throw new WasmgradError('clamp: at least one of min and max must be given');
  const t = asTensor('clamp', x);
  try {
    const tensors = [t, lo, hi].filter((v): v is Tensor => v instanceof Tensor);
    checkInputs('clamp', tensors, false);
    for (const b of tensors.slice(1)) broadcastShapes('clamp', t.shape, b.shape);
    const body = () => {
      let r = t;
      // maximum/minimum send the gradient to their first input on a tie: 1 at a bound
      if (lo !== null) r = maximum(r, lo);
      if (hi !== null) r = minimum(r, hi);
      return r;
    };
    return isGradEnabled() && tensors.some((v) => v.requiresGrad) ? body() : tidy(body);
  } finally {
    if (t !== x) t.dispose();
  }
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * `this > b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.gt`.
     *
     * @example wg.tensor([1, 3]).gt(2) // tensor([0, 1])
     */
    gt(b: TensorLike): Tensor;
    /**
     * `this >= b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.ge`.
     *
     * @example wg.tensor([1, 2]).ge(2) // tensor([0, 1])
     */
    ge(b: TensorLike): Tensor;
    /**
     * `this < b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.lt`.
     *
     * @example wg.tensor([1, 3]).lt(2) // tensor([1, 0])
     */
    lt(b: TensorLike): Tensor;
    /**
     * `this <= b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.le`.
     *
     * @example wg.tensor([2, 3]).le(2) // tensor([1, 0])
     */
    le(b: TensorLike): Tensor;
    /**
     * `this == b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.eq`.
     *
     * @example wg.tensor([2, 3]).eq(2) // tensor([1, 0])
     */
    eq(b: TensorLike): Tensor;
    /**
     * `this != b` as 0/1 in this dtype, broadcasting; no gradient; see `wg.ne`.
     *
     * @example wg.tensor([2, 3]).ne(2) // tensor([0, 1])
     */
    ne(b: TensorLike): Tensor;
    /**
     * `condition ? this : other` elementwise, broadcasting (`torch.Tensor.where`); see `wg.where`.
     *
     * @example wg.tensor([1, 2]).where(wg.tensor([1, 0]), 0) // tensor([1, 0])
     */
    where(condition: Tensor, other: TensorLike): Tensor;
    /**
     * A copy with `value` where `mask` is not 0; see `wg.maskedFill`.
     *
     * @example wg.tensor([1, 2]).maskedFill(wg.tensor([0, 1]), 9) // tensor([1, 9])
     */
    maskedFill(mask: Tensor, value: number): Tensor;
    /**
     * Clamps into [min, max] (either may be null); see `wg.clamp`.
     *
     * @example wg.tensor([-1, 0.5, 2]).clamp(0, 1) // tensor([0, 0.5, 1])
     */
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
  }
}

/** This family's Tensor methods, each the free function with this tensor first; src/methods/ installs them. */
export default {
  gt(b) { return gt(this, b); },
  ge(b) { return ge(this, b); },
  lt(b) { return lt(this, b); },
  le(b) { return le(this, b); },
  eq(b) { return eq(this, b); },
  ne(b) { return ne(this, b); },
  where(condition, other) { return where(condition, this, other); },
  maskedFill(mask, value) { return maskedFill(this, mask, value); },
  clamp(min, max) { return clamp(this, min, max); },
} satisfies Partial<Tensor> & ThisType<Tensor>;
