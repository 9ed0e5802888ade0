// Module: a gate with parameters. It holds named parameters and child modules, so a model's
// parameters can be listed, zeroed, saved and loaded by name (the names match PyTorch's).

import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';

/**
 * The base of every layer and model (PyTorch's `nn.Module`): subclass it, create parameters
 * with `registerParameter` and children with `registerModule` in the constructor, and implement
 * `forward`. Parameters are listed by name (`0.weight`), zeroed, saved and loaded through it.
 *
 * @example
 * ```ts
 * class Affine extends wg.nn.Module {
 *   w = this.registerParameter('w', wg.ones([3]));
 *   forward(x: wg.Tensor) { return x.mul(this.w); }
 * }
 * ```
 */
export abstract class Module {
  /** Training mode (dropout active); switch with train() / eval(). */
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /**
   * Computes the module's output.
   *
   * @example new wg.nn.Linear(3, 2).forward(wg.ones([4, 3])).shape // [4, 2]
   */
  abstract forward(x: Tensor): Tensor;

  /**
   * Registers a parameter under `name`; it is made a leaf that requires a gradient.
   * Returns `t`. A WasmgradError if the name contains '.' or `t` is not a leaf.
   *
   * @example this.weight = this.registerParameter('weight', wg.randn([3, 2]))
   */
  protected registerParameter(name: string, t: Tensor): Tensor {
    if (name.includes('.')) throw new WasmgradError(`Module: parameter name ${fmtValue(name)} must not contain '.'`);
    if (!t.isLeaf) throw new WasmgradError(`Module: parameter ${fmtValue(name)} must be a leaf tensor (use detach())`);
    t.requiresGrad = true;
    t.markKept();
    this._params.set(name, t);
    return t;
  }

  /**
   * Registers a child module under `name`.
   * Returns `m`; its parameters are listed as `name.param`.
   *
   * @example this.fc1 = this.registerModule('fc1', new wg.nn.Linear(4, 8))
   */
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw new WasmgradError(`Module: child ${fmtValue(name)} is not a Module`);
    this._children.set(name, m);
    return m;
  }

  /**
   * [name, parameter] pairs, depth first, children's names prefixed with theirs ('0.weight').
   * PyTorch's `named_parameters()`; these names are the safetensors keys of `save`.
   *
   * @example new wg.nn.MLP([2, 3, 1]).namedParameters().map(([name]) => name) // ['0.weight', '0.bias', '2.weight', '2.bias']
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /**
   * Every parameter of this module and its children, depth first (PyTorch's `parameters()`):
   * what an optimizer takes.
   *
   * @example new wg.nn.Linear(3, 2).parameters().length // 2
   */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * [name, module] pairs of the direct children.
   *
   * @example new wg.nn.Sequential(new wg.nn.ReLU()).children()[0][0] // '0'
   */
  children(): [string, Module][] {
    return [...this._children];
  }

  /**
   * Sets training mode (`train(false)`: evaluation mode) on this module and all children;
   * returns this module. Only `Dropout` behaves differently in the two modes.
   *
   * @example new wg.nn.Dropout(0.5).train().training // true
   */
  train(mode = true): this {
    this.training = mode;
    for (const c of this._children.values()) c.train(mode);
    return this;
  }

  /**
   * Evaluation mode, the same as `train(false)`; returns this module.
   *
   * @example new wg.nn.Dropout(0.5).eval().training // false
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient.
   *
   * @example new wg.nn.Linear(3, 2).zeroGrad()
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Frees every parameter (the module is unusable afterwards).
   *
   * @example new wg.nn.Linear(3, 2).dispose()
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
