// Module: a gate with parameters. It holds named parameters and child modules, so a model's
// parameters can be listed, zeroed, saved and loaded by name (the names match PyTorch's).

import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';

export abstract class Module {
  /** Training mode (dropout active); switch with train() / eval(). */
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /** Computes the module's output. */
  abstract forward(x: Tensor): Tensor;

  /** Registers a parameter under `name`; it is made a leaf that requires a gradient. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    if (name.includes('.')) throw new WasmgradError(`Module: parameter name ${fmtValue(name)} must not contain '.'`);
    if (!t.isLeaf) throw new WasmgradError(`Module: parameter ${fmtValue(name)} must be a leaf tensor (use detach())`);
    t.requiresGrad = true;
    t.markKept();
    this._params.set(name, t);
    return t;
  }

  /** Registers a child module under `name`. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (!(m instanceof Module)) throw new WasmgradError(`Module: child ${fmtValue(name)} is not a Module`);
    this._children.set(name, m);
    return m;
  }

  /** [name, parameter] pairs, depth first, children's names prefixed with theirs ('0.weight'). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** [name, module] pairs of the direct children. */
  children(): [string, Module][] {
    return [...this._children];
  }

  train(mode = true): this {
    this.training = mode;
    for (const c of this._children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Frees every parameter (the module is unusable afterwards). */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }
}
