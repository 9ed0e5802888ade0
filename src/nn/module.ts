// Module: a gate with parameters. Its parameters, buffers and child modules are found by name,
// so a model can be listed, zeroed, saved and loaded by name (the names match PyTorch's).
//
// Registration is by assignment, as in PyTorch: `this.fc1 = new nn.Linear(…)` makes fc1 a child,
// `this.w = nn.Parameter(t)` makes w a parameter. There is no Proxy or setter in the way (a
// forward pass reads its properties constantly); instead the listing methods walk the module's
// own properties, in insertion order, each time they are called. So reassigning a property
// replaces its entry in place and `delete this.fc1` removes it. What counts:
//   - a Module value is a child;
//   - a Tensor marked by nn.Parameter() or registerParameter() is a parameter;
//   - a Tensor under a name given to registerBuffer() is a buffer;
//   - anything else (plain tensors, arrays, numbers, functions) is a plain attribute.
// JavaScript lists integer-like property names ('0', '1', …) before the others, so those come
// first; Sequential and ModuleList use only them.

import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { describeArg, isParameter, markParameter } from './parameter.js';

/**
 * The base of every layer and model (PyTorch's `nn.Module`): subclass it, assign parameters
 * (`this.w = nn.Parameter(t)` or `registerParameter`), child modules (`this.fc1 = new Linear(...)`)
 * and buffers (`registerBuffer`) in the constructor, and implement `forward`. Parameters and
 * buffers are listed by name (`0.weight`), zeroed, saved and loaded through it.
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
  /** Names given to registerBuffer, with their persistent flag. */
  private readonly _bufferNames = new Map<string, boolean>();

  /**
   * Computes the module's output. Most modules take one tensor and return one; as in PyTorch a
   * module may take several inputs or return several values (MultiheadAttention takes query, key
   * and value and returns `[output, weights]`), so the base type leaves both open and each module
   * declares its own.
   *
   * @example new wg.nn.Linear(3, 2).forward(wg.ones([4, 3])).shape // [4, 2]
   */
  abstract forward(...inputs: any[]): any;

  // ---- registration ---------------------------------------------------------------------------

  /**
   * Makes `t` a parameter (a kept leaf that requires a gradient) and assigns it to `this[name]`,
   * which is the same as `this[name] = nn.Parameter(t)` (PyTorch's `register_parameter`).
   * Returns `t`. A WasmgradError if the name is empty, contains '.', is a buffer or hides a
   * method or plain field, or if `t` is not a leaf tensor.
   *
   * @example this.weight = this.registerParameter('weight', wg.randn([3, 2]))
   */
  registerParameter(name: string, t: Tensor): Tensor;
  /**
   * null leaves an empty slot (as a Linear without bias): `this[name]` is null and no parameter
   * is listed. Returns null.
   *
   * @example this.bias = this.registerParameter('bias', null)
   */
  registerParameter(name: string, t: null): null;
  registerParameter(name: string, t: Tensor | null): Tensor | null {
    this.checkNewName('registerParameter', name);
    if (this._bufferNames.has(name)) throw new WasmgradError(`registerParameter: ${fmtValue(name)} is already a buffer`);
    const p = t === null ? null : markParameter(`registerParameter(${fmtValue(name)})`, t);
    (this as Record<string, unknown>)[name] = p;
    return p;
  }

  /**
   * Assigns the child module `m` to `this[name]` (the same as `this[name] = m`; PyTorch's
   * `add_module`); returns `m`. Its parameters are listed as `name.param`. A WasmgradError if
   * `m` is not a Module or the name is empty, contains '.', is a buffer or hides a method.
   *
   * @example this.fc1 = this.registerModule('fc1', new wg.nn.Linear(4, 8))
   */
  registerModule<M extends Module>(name: string, m: M): M {
    this.checkNewName('registerModule', name);
    if (!(m instanceof Module)) throw new WasmgradError(`registerModule: child ${fmtValue(name)} must be a Module, got ${describeArg(m)}`);
    if (this._bufferNames.has(name)) throw new WasmgradError(`registerModule: ${fmtValue(name)} is already a buffer`);
    (this as Record<string, unknown>)[name] = m;
    return m;
  }

  /**
   * Registers a buffer: a tensor that is part of the model's state but not a parameter (no
   * gradient, not optimised), such as a running mean. It is assigned to `this[name]`; assigning
   * another tensor to that property later replaces the buffer. Non-persistent buffers are listed
   * by namedBuffers() but are left out of stateDict(), so save() does not write them (PyTorch's
   * `register_buffer(name, t, persistent)`). The buffer is kept by tidy(); null leaves an empty
   * slot. Returns `t`. A WasmgradError for a bad name, a name already used by a parameter or
   * child, a value that is not a Tensor or null, or an unknown or non-boolean option.
   *
   * @example this.runningMean = this.registerBuffer('runningMean', wg.zeros([4]))
   */
  registerBuffer(name: string, t: Tensor | null, opts: { persistent?: boolean } = {}): Tensor | null {
    this.checkNewName('registerBuffer', name);
    const { persistent = true } = checkOptions('registerBuffer', opts, ['persistent']);
    if (typeof persistent !== 'boolean') throw new WasmgradError(`registerBuffer: persistent must be a boolean, got ${fmtValue(persistent)}`);
    if (t !== null && !(t instanceof Tensor)) throw new WasmgradError(`registerBuffer: buffer ${fmtValue(name)} must be a Tensor or null, got ${describeArg(t)}`);
    const current = (this as Record<string, unknown>)[name];
    if (!this._bufferNames.has(name) && (isParameter(current) || current instanceof Module)) {
      throw new WasmgradError(`registerBuffer: ${fmtValue(name)} is already a ${isParameter(current) ? 'parameter' : 'child module'}`);
    }
    if (t !== null) t.markKept(); // state outlives the tidy() that made it, like a parameter
    this._bufferNames.set(name, persistent);
    (this as Record<string, unknown>)[name] = t;
    return t;
  }

  /** A name must be a non-empty string without '.' and must not hide a method or a plain field. */
  private checkNewName(op: string, name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new WasmgradError(`${op}: name must be a non-empty string without '.', got ${fmtValue(name)}`);
    }
    if (!(name in this)) return;
    const current = Object.hasOwn(this, name) ? (this as Record<string, unknown>)[name] : '(method)';
    if (current === undefined || current === null || current instanceof Tensor || current instanceof Module) return;
    throw new WasmgradError(`${op}: attribute ${fmtValue(name)} already exists on ${this.constructor.name}`);
  }

  // ---- listing ---------------------------------------------------------------------------------
  // zeroGrad() lists the parameters every training step, so the walk allocates little: no
  // Object.entries pairs, one pass over each module's own keys.

  /**
   * Calls fn(name, value) for each of the module's own entries that registration looks at: by
   * default its own enumerable properties in insertion order. ModuleDict adds its keys.
   */
  protected forEachOwn(fn: (name: string, value: unknown) => void): void {
    const self = this as Record<string, unknown>;
    for (const name of Object.keys(self)) fn(name, self[name]);
  }

  /**
   * This module ('' or `prefix`) and, when `recurse`, every descendant, depth first, each module
   * once (a shared or cyclic reference counts where it is first met). Iterative: no depth limit.
   */
  private walk(prefix: string, recurse: boolean, visit: (path: string, m: Module) => void): void {
    const seen = new Set<Module>();
    const stack: Module[] = [this];
    const paths: string[] = [prefix];
    while (stack.length > 0) {
      const m = stack.pop()!;
      const path = paths.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      visit(path, m);
      if (!recurse) break;
      const top = stack.length;
      m.forEachOwn((name, v) => {
        if (v instanceof Module) { stack.push(v); paths.push(join(path, name)); }
      });
      reverseFrom(stack, top); // so the first child is popped first
      reverseFrom(paths, top);
    }
  }

  /**
   * [name, module] pairs of the direct children, each module once (PyTorch's `named_children()`).
   *
   * @example new wg.nn.Sequential(new wg.nn.ReLU()).namedChildren()[0][0] // '0'
   */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    this.forEachOwn((name, v) => {
      if (v instanceof Module && !seen.has(v)) { seen.add(v); out.push([name, v]); }
    });
    return out;
  }

  /**
   * The direct children, in registration order (PyTorch's `children()`).
   *
   * @example new wg.nn.MLP([2, 3, 1]).children().length // 3
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * [name, module] pairs of this module ('' or `prefix`) and every descendant, depth first,
   * each module once (PyTorch's `named_modules()`).
   *
   * @example new wg.nn.Sequential(new wg.nn.ReLU()).namedModules().map(([name]) => name) // ['', '0']
   */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    this.walk(prefix, true, (path, m) => out.push([path, m]));
    return out;
  }

  /**
   * This module and every descendant, depth first, each once (PyTorch's `modules()`).
   *
   * @example new wg.nn.MLP([2, 3, 1]).modules().length // 4
   */
  modules(): Module[] {
    const out: Module[] = [];
    this.walk('', true, (_, m) => out.push(m));
    return out;
  }

  /**
   * [name, parameter] pairs: each module's own parameters, then its children's, depth first,
   * names joined with '.' ('0.weight', 'fc1.bias'); a parameter shared by two modules once.
   * PyTorch's `named_parameters(prefix, recurse)`; `recurse = false` lists only this module's own.
   *
   * @example new wg.nn.MLP([2, 3, 1]).namedParameters().map(([name]) => name) // ['0.weight', '0.bias', '2.weight', '2.bias']
   */
  namedParameters(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    this.forEachParameter(prefix, recurse, (name, p) => out.push([name, p]));
    return out;
  }

  /**
   * Every parameter of this module and (unless `recurse` is false) its descendants, depth first,
   * each once (PyTorch's `parameters()`): what an optimizer takes.
   *
   * @example new wg.nn.Linear(3, 2).parameters().length // 2
   */
  parameters(recurse = true): Tensor[] {
    const out: Tensor[] = [];
    this.forEachParameter('', recurse, (_, p) => out.push(p));
    return out;
  }

  private forEachParameter(prefix: string, recurse: boolean, fn: (name: string, p: Tensor) => void): void {
    const seen = new Set<Tensor>();
    this.walk(prefix, recurse, (path, m) => m.forEachOwn((name, v) => {
      if (isParameter(v) && !seen.has(v) && !(m._bufferNames.size > 0 && m._bufferNames.has(name))) {
        seen.add(v);
        fn(join(path, name), v);
      }
    }));
  }

  /**
   * [name, buffer] pairs in the same order as namedParameters, non-persistent ones included
   * (PyTorch's `named_buffers(prefix, recurse)`).
   *
   * @example new wg.nn.Linear(2, 1).namedBuffers() // [] (Linear has no buffers)
   */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    this.walk(prefix, recurse, (path, m) => {
      for (const [name, b] of m.ownBuffers(false)) {
        if (!seen.has(b)) { seen.add(b); out.push([join(path, name), b]); }
      }
    });
    return out;
  }

  /**
   * What a model file holds, as PyTorch's state_dict: every parameter, then every persistent
   * buffer (registerBuffer's default), by full name. The tensors are the module's own, not copies;
   * save() writes exactly these.
   *
   * @example [...new wg.nn.Linear(2, 1).stateDict().keys()] // ['weight', 'bias']
   */
  stateDict(): Map<string, Tensor> {
    // Unlike namedParameters, a tensor shared by two modules (tied weights) is listed under each
    // owner's name, as PyTorch's state_dict does: its strict load_state_dict expects every name.
    const out = new Map<string, Tensor>();
    this.walk('', true, (path, m) => m.forEachOwn((name, v) => {
      if (isParameter(v) && !(m._bufferNames.size > 0 && m._bufferNames.has(name))) out.set(join(path, name), v);
    }));
    this.walk('', true, (path, m) => {
      for (const [name, b] of m.ownBuffers(true)) out.set(join(path, name), b);
    });
    return out;
  }

  /**
   * Every buffer of this module and (unless `recurse` is false) its descendants, non-persistent
   * ones included (PyTorch's `buffers()`).
   *
   * @example new wg.nn.Linear(2, 1).buffers().length // 0
   */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  private ownBuffers(persistentOnly: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, persistent] of this._bufferNames) {
      if (!(name in this)) { this._bufferNames.delete(name); continue; } // `delete this.buf` unregisters it
      const v = (this as Record<string, unknown>)[name];
      if (v instanceof Tensor && (persistent || !persistentOnly)) out.push([name, v]);
    }
    return out;
  }

  // ---- modes and housekeeping ------------------------------------------------------------------

  /**
   * Sets training mode (`train(false)`: evaluation mode) on this module and all descendants;
   * returns this module. Only `Dropout` behaves differently in the two modes. A WasmgradError
   * unless `mode` is a boolean.
   *
   * @example new wg.nn.Dropout(0.5).train().training // true
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new WasmgradError(`train: mode must be a boolean, got ${fmtValue(mode)}`);
    for (const m of this.modules()) m.training = mode;
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
   * Calls fn on each child's subtree and then on this module (PyTorch's `apply` order), e.g. to
   * initialise weights; returns this. A WasmgradError unless fn is a function.
   *
   * @example new wg.nn.MLP([2, 3, 1]).apply((m) => { if (m instanceof wg.nn.Linear) wg.noGrad(() => m.weight.zero_()); })
   */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new WasmgradError(`apply: expected a function, got ${describeArg(fn)}`);
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
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
   * Frees every parameter and buffer (the module is unusable afterwards).
   *
   * @example new wg.nn.Linear(3, 2).dispose()
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    for (const b of this.buffers()) b.dispose();
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function reverseFrom<T>(xs: T[], start: number): void {
  for (let i = start, j = xs.length - 1; i < j; i++, j--) [xs[i], xs[j]] = [xs[j], xs[i]];
}
