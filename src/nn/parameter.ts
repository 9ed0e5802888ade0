// Parameter: marks a leaf tensor as a module parameter, as torch.nn.Parameter does. Only tensors
// marked this way (or passed to registerParameter) register themselves when assigned to a
// module's property; a plain tensor assigned to a property stays a plain attribute (PyTorch's
// rule: a cached input or a constant must not end up in the optimizer or the model file).
//
// The mark lives in a WeakSet rather than on the Tensor, so a parameter is still the same Tensor
// object (every op accepts it) and `t instanceof nn.Parameter` works through Symbol.hasInstance.

import { Tensor } from '../tensor.js';
import { WasmgradError, describeValue, fmtValue } from '../errors.js';

const marked = new WeakSet<Tensor>();

/**
 * True if `t` was made a parameter by Parameter() or Module.registerParameter() (the same test
 * as `t instanceof nn.Parameter`). Only such tensors register when assigned to a module.
 *
 * @example wg.nn.isParameter(new wg.nn.Linear(2, 1).weight) // true
 */
export function isParameter(t: unknown): t is Tensor {
  return t instanceof Tensor && marked.has(t);
}

/** Marks `t` as a parameter in place and returns it (also the body of registerParameter). */
export function markParameter(op: string, t: unknown, requiresGrad = true): Tensor {
  if (!(t instanceof Tensor)) throw new WasmgradError(`${op}: expected a Tensor, got ${describeArg(t)}`);
  if (!t.isLeaf) throw new WasmgradError(`${op}: a parameter must be a leaf tensor (use detach()), got the output of an op with shape ${t.shapeString}`);
  if (typeof requiresGrad !== 'boolean') throw new WasmgradError(`${op}: requiresGrad must be a boolean, got ${fmtValue(requiresGrad)}`);
  t.requiresGrad = requiresGrad;
  t.markKept(); // a parameter outlives the tidy() that made it
  marked.add(t);
  return t;
}

/** A value for "expected X, got Y" messages in nn: class names for objects (a Tensor, a Linear). */
export function describeArg(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape ${v.shapeString}`;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const name = (v as object).constructor?.name;
    if (name && name !== 'Object') return `a ${name}`;
  }
  return describeValue(v);
}

/** The type of `nn.Parameter`: callable with or without `new`, and usable with instanceof. */
export interface ParameterConstructor {
  /**
   * Marks the leaf tensor `t` as a parameter (requiresGrad, kept by tidy) and returns it.
   *
   * @example wg.nn.Parameter(wg.zeros([3])).requiresGrad // true
   */
  (t: Tensor, requiresGrad?: boolean): Tensor;
  /**
   * The same as calling it: `new nn.Parameter(t)` returns `t` itself, marked.
   *
   * @example new wg.nn.Parameter(wg.zeros([3])) instanceof wg.nn.Parameter // true
   */
  new (t: Tensor, requiresGrad?: boolean): Tensor;
}

/**
 * `nn.Parameter(t)` or `new nn.Parameter(t)`: marks the leaf tensor `t` as a parameter and returns
 * the same tensor, so `this.w = nn.Parameter(wg.randn([3, 4]))` registers `w` on a Module
 * (PyTorch's `nn.Parameter(t, requires_grad)`). `t instanceof nn.Parameter` tests the mark. A
 * WasmgradError unless `t` is a leaf tensor (use detach()) and requiresGrad a boolean.
 *
 * @example wg.nn.Parameter(wg.randn([3, 4])).requiresGrad // true
 */
export const Parameter = function Parameter(t: Tensor, requiresGrad = true): Tensor {
  return markParameter('Parameter', t, requiresGrad);
} as ParameterConstructor;

Object.defineProperty(Parameter, Symbol.hasInstance, { value: isParameter });
