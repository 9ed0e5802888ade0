// The Optimizer base: owns the parameter list, the settable learning rate, per-parameter state
// tensors (allocated on a parameter's first update, kept out of tidy scopes) and the step()
// protocol: check every parameter and gradient, allocate what is missing, then run one backend
// kernel per parameter in place on its storage. A training loop allocates nothing here after
// the first step.

import { DTypeError, DisposedError, ShapeError, WasmgradError } from '../errors.js';
import { checkNumber, describe } from './options.js';
import { Tensor } from '../tensor.js';
import { empty } from '../ops/util.js';
import {
  type OptimizerStateDict, type ParamGroupDict, type ParamStateDict, checkCount, checkKeys, checkObject,
  checkParamGroups, checkParamIndex, checkStateTensor,
} from './state_dict.js';

/** The options every optimizer has. */
export interface OptimizerDefaults {
  /** The learning rate, >= 0. */
  lr: number;
}

/** Per-parameter state: how many updates it has had, and its state tensors by name. */
export interface ParamState {
  /** How many updates the parameter has had. */
  step: number;
  /** The state tensors by name (SGD: `velocity`; Adam: `m`, `v`), shaped like the parameter. */
  tensors: Record<string, Tensor>;
}

/**
 * The base of the optimizers (PyTorch's `torch.optim.Optimizer`). A subclass implements
 * `allocState` and `update`; `step()` checks every parameter and gradient first, so a step that
 * throws changes nothing.
 */
export abstract class Optimizer<D extends OptimizerDefaults = OptimizerDefaults> {
  /** The parameters, in the order given (error messages count from 0 in this order). */
  readonly params: readonly Tensor[];
  private _defaults: Readonly<D>;
  private _stepCount = 0;
  private _lr: number;
  private readonly states: (ParamState | null)[];
  private disposed = false;

  /**
   * Takes the parameters to update: leaf tensors that require a gradient, each once (such as
   * `model.parameters()`). A WasmgradError for a single Tensor, an empty list, a repeated,
   * non-leaf or non-gradient tensor, or an lr that is not a finite number >= 0; a DisposedError
   * for a disposed one.
   *
   * @param params The parameters, in order.
   * @param defaults The resolved hyperparameters (at least `lr`).
   * @example new wg.optim.SGD(new wg.nn.Linear(3, 1).parameters(), { lr: 0.1 }).params.length // 2
   */
  constructor(params: Iterable<Tensor>, defaults: D) {
    const name = new.target.name;
    if (params instanceof Tensor) {
      throw new WasmgradError(`${name}: params must be an iterable of Tensors, got a single Tensor (wrap it in an array)`);
    }
    if (params === null || params === undefined || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function'
      || typeof params === 'string') {
      throw new WasmgradError(`${name}: params must be an iterable of Tensors (such as module.parameters()), got ${describe(params)}`);
    }
    const list: Tensor[] = [];
    const seen = new Set<Tensor>();
    let i = 0;
    for (const p of params) {
      if (!(p instanceof Tensor)) {
        throw new WasmgradError(`${name}: parameter ${i} is not a Tensor (got ${describe(p)})`);
      }
      if (p.isDisposed) throw new DisposedError(`${name}: parameter ${i} (shape ${p.shapeString}) was disposed`);
      if (!p.requiresGrad) {
        throw new WasmgradError(`${name}: parameter ${i} (shape ${p.shapeString}) does not require grad; create it with { requiresGrad: true }`);
      }
      if (!p.isLeaf) {
        throw new WasmgradError(`${name}: parameter ${i} (shape ${p.shapeString}) is not a leaf tensor (it was made by ${p.node!.gate.name}); optimize the leaves it came from`);
      }
      if (seen.has(p)) throw new WasmgradError(`${name}: parameter ${i} (shape ${p.shapeString}) appears more than once`);
      seen.add(p);
      list.push(p);
      i++;
    }
    if (list.length === 0) throw new WasmgradError(`${name}: got an empty parameter list`);
    this.params = Object.freeze(list);
    this._defaults = Object.freeze({ ...defaults });
    this._lr = checkLr(name, defaults.lr);
    this.states = list.map(() => null);
  }

  /**
   * The resolved hyperparameters this optimizer was made with (or loaded by loadStateDict),
   * defaults filled in; frozen. As in PyTorch, `defaults.lr` stays the constructor's rate.
   *
   * @example new wg.optim.SGD([wg.ones([2], { requiresGrad: true })], { lr: 0.1 }).defaults.momentum // 0
   */
  get defaults(): Readonly<D> {
    return this._defaults;
  }

  /**
   * Number of completed step() calls.
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).stepCount // 0
   */
  get stepCount(): number {
    return this._stepCount;
  }

  /**
   * The optimizer's class name, used in error messages.
   *
   * @example new wg.optim.AdamW([wg.ones([2], { requiresGrad: true })]).name // 'AdamW'
   */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * The learning rate the next step() uses; set it directly or through a schedule.
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).lr // 0.001
   */
  get lr(): number {
    return this._lr;
  }

  /** Sets the learning rate of the following steps; a WasmgradError unless v is a finite number >= 0. */
  set lr(v: number) {
    this._lr = checkLr(this.name, v);
  }

  /**
   * Updates every parameter that has a gradient, in place. Parameters whose `.grad` is null are
   * skipped (their state does not advance). Everything is checked before anything is updated,
   * so a step that throws leaves all parameters and state as they were.
   * Errors (ShapeError, DTypeError, DisposedError, WasmgradError) name the parameter's index.
   *
   * @example const w = wg.ones([2], { requiresGrad: true }); const opt = new wg.optim.SGD([w], { lr: 0.5 }); w.sum().backward(); opt.step(); w // tensor([0.5, 0.5])
   */
  step(): void {
    const name = this.name;
    if (this.disposed) throw new DisposedError(`${name}.step: the optimizer was disposed`);
    const params = this.params;
    const grads: (Tensor | null)[] = new Array(params.length);
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.isDisposed) throw new DisposedError(`${name}.step: parameter ${i} (shape ${p.shapeString}) was disposed`);
      const g = p.grad;
      grads[i] = g;
      if (g === null) continue;
      if (g.isDisposed) throw new DisposedError(`${name}.step: the gradient of parameter ${i} (shape ${p.shapeString}) was disposed`);
      if (g.shapeString !== p.shapeString) {
        throw new ShapeError(`${name}.step: the gradient of parameter ${i} has shape ${g.shapeString}, the parameter ${p.shapeString}`);
      }
      if (g.dtype !== p.dtype) {
        throw new DTypeError(`${name}.step: the gradient of parameter ${i} (shape ${p.shapeString}) is ${g.dtype}, the parameter ${p.dtype}`);
      }
      if (g.backend !== p.backend) {
        throw new WasmgradError(`${name}.step: the gradient of parameter ${i} (shape ${p.shapeString}) is on the ${g.backend.name} backend, the parameter on ${p.backend.name}`);
      }
    }
    // Allocate missing state before touching any parameter: an allocation failure must not
    // leave the step half done.
    for (let i = 0; i < params.length; i++) {
      if (grads[i] !== null && this.states[i] === null) this.states[i] = this.allocState(params[i]);
    }
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      if (g === null) continue;
      const st = this.states[i]!;
      this.update(params[i], g, st);
      params[i].bumpVersion(); // written in place: graphs that saved the old values must not backprop
      st.step++;
    }
    this._stepCount++;
  }

  /**
   * Clears every parameter's gradient (Tensor.zeroGrad: a plain gradient is freed).
   * Call it before each backward pass, since gradients accumulate.
   *
   * @example const w = wg.ones([2], { requiresGrad: true }); w.sum().backward(); new wg.optim.SGD([w], { lr: 0.1 }).zeroGrad(); w.grad // null
   */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /**
   * The state of a parameter (its update count and state tensors), or null before its first update.
   * A WasmgradError if `param` is not one of this optimizer's parameters.
   *
   * @example const w = wg.ones([2], { requiresGrad: true }); new wg.optim.Adam([w]).getState(w) // null
   */
  getState(param: Tensor): Readonly<ParamState> | null {
    const i = this.params.indexOf(param);
    if (i < 0) throw new WasmgradError(`${this.name}.getState: ${describe(param)} is not one of this optimizer's parameters`);
    return this.states[i];
  }

  /**
   * The optimizer's state, shaped like PyTorch's: `{ state, paramGroups, stepCount }`, with
   * `state[i]` = `{ step, <PyTorch's state names> }` for each parameter i updated so far and
   * one param group `{ lr, ...hyperparameters, params: [0, 1, ...] }`. The tensors in it are
   * the optimizer's live state buffers, not copies (as in PyTorch): the next step() changes
   * them, and they must not be disposed. Allocates nothing. A DisposedError after dispose().
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).stateDict().paramGroups[0].lr // 0.001
   */
  stateDict(): OptimizerStateDict {
    const op = `${this.name}.stateDict`;
    if (this.disposed) throw new DisposedError(`${op}: the optimizer was disposed`);
    const names = this.stateNames(this._defaults);
    const state: Record<number, ParamStateDict> = {};
    this.states.forEach((st, i) => {
      if (st === null) return;
      const entry: ParamStateDict = { step: st.step };
      for (const [internal, pub] of Object.entries(names)) entry[pub] = st.tensors[internal];
      state[i] = entry;
    });
    const group: ParamGroupDict = { lr: this._lr, params: this.params.map((_, i) => i) };
    for (const [k, v] of Object.entries(this._defaults)) if (k !== 'lr') group[k] = Array.isArray(v) ? v.slice() : v;
    return { state, paramGroups: [group], stepCount: this._stepCount };
  }

  /**
   * Restores a stateDict() (of an optimizer of the same kind over parameters of the same shapes
   * and dtypes): hyperparameters, learning rate, each parameter's step count and state values.
   * The values are copied into this optimizer's own buffers (the dict's tensors stay the
   * caller's, on any backend). Everything is checked first; on an error nothing has changed.
   * PyTorch's `load_state_dict`. A WasmgradError naming the first unknown key, missing entry or
   * bad value; a ShapeError or DTypeError for a state tensor that does not match its parameter;
   * a DisposedError after dispose().
   *
   * @example const p = [wg.ones([2], { requiresGrad: true })]; new wg.optim.Adam(p).loadStateDict(new wg.optim.Adam(p, { lr: 0.01 }).stateDict())
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (this.disposed) throw new DisposedError(`${op}: the optimizer was disposed`);
    const sd = checkObject(op, 'the state dict', stateDict);
    checkKeys(op, 'the state dict', sd, ['state', 'paramGroups'], ['stepCount']);
    const n = this.params.length;
    const group = checkParamGroups(op, sd.paramGroups, n);
    const hyper: Record<string, unknown> = { ...group };
    delete hyper.params;
    checkKeys(op, 'paramGroups[0]', hyper, Object.keys(this._defaults));
    const defaults = this.resolveGroup(`${op}: paramGroups[0]`, hyper);
    const names = Object.entries(this.stateNames(defaults));
    const stateKeys = ['step', ...names.map(([, pub]) => pub)];
    const loaded: ({ step: number; values: [string, Tensor][] } | null)[] = this.params.map(() => null);
    for (const [key, value] of Object.entries(checkObject(op, 'state', sd.state))) {
      const i = checkParamIndex(op, key, n);
      const entry = checkObject(op, `state[${i}]`, value);
      checkKeys(op, `state[${i}]`, entry, stateKeys);
      loaded[i] = {
        step: checkCount(op, `state[${i}].step`, entry.step),
        values: names.map(([internal, pub]) => [internal, checkStateTensor(op, `state[${i}].${pub}`, entry[pub], this.params[i], i)]),
      };
    }
    const stepCount = sd.stepCount === undefined
      ? Math.max(0, ...loaded.map((l) => l?.step ?? 0)) : checkCount(op, 'stepCount', sd.stepCount);

    // Allocate what is missing before writing anything: a failed allocation changes nothing.
    // A parameter's existing buffers are reused when it has the same state tensors.
    const next: (ParamState | null)[] = this.params.map(() => null);
    const fresh: Tensor[] = [];
    try {
      loaded.forEach((l, i) => {
        if (l === null) return;
        const old = this.states[i];
        const reuse = old !== null && Object.keys(old.tensors).sort().join() === names.map(([k]) => k).sort().join();
        const tensors: Record<string, Tensor> = {};
        for (const [internal] of names) {
          if (reuse) {
            tensors[internal] = old.tensors[internal];
          } else {
            tensors[internal] = this.stateTensor(this.params[i], null);
            fresh.push(tensors[internal]);
          }
        }
        next[i] = { step: l.step, tensors };
      });
    } catch (e) {
      for (const t of fresh) t.dispose();
      throw e;
    }
    loaded.forEach((l, i) => {
      if (l === null) return;
      for (const [internal, src] of l.values) {
        const dst = next[i]!.tensors[internal];
        dst.backend.write(dst.storage, src.data());
      }
    });
    this.states.forEach((old, i) => {
      if (old === null) return;
      const kept = new Set(Object.values(next[i]?.tensors ?? {}));
      for (const t of Object.values(old.tensors)) if (!kept.has(t)) t.dispose();
    });
    next.forEach((st, i) => { this.states[i] = st; });
    // As in PyTorch, defaults keep the constructor's lr; the group's lr is the current rate.
    this._defaults = Object.freeze({ ...defaults, lr: this._defaults.lr });
    this._lr = defaults.lr;
    this._stepCount = stepCount;
  }

  /**
   * Frees the state tensors; the optimizer cannot step afterwards.
   * Idempotent; a later `step()` throws a DisposedError. The parameters are not freed.
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).dispose()
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let i = 0; i < this.states.length; i++) {
      const st = this.states[i];
      if (st === null) continue;
      for (const t of Object.values(st.tensors)) t.dispose();
      this.states[i] = null;
    }
  }

  /**
   * The same as `dispose()`, for `using` declarations.
   *
   * @example { using opt = new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]); } // state freed here
   */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * The state tensors a parameter has under `defaults`, as { internal name: PyTorch's name }
   * (Adam: m → exp_avg, v → exp_avg_sq). The default: none.
   */
  protected stateNames(defaults: Readonly<D>): Record<string, string> {
    void defaults;
    return {};
  }

  /**
   * Checks a loaded param group's hyperparameters (`where` prefixes messages) and returns them
   * as defaults. Subclasses run their constructor's checks; this fallback only requires each
   * value to have the type of the current one.
   */
  protected resolveGroup(where: string, group: Record<string, unknown>): D {
    for (const [k, v] of Object.entries(this._defaults)) {
      const g = group[k];
      const same = Array.isArray(v) ? Array.isArray(g) && g.length === v.length : typeof g === typeof v;
      if (!same || (typeof g === 'number' && !Number.isFinite(g))) {
        throw new WasmgradError(`${where}: ${k} must be like ${describe(v)}, got ${describe(g)}`);
      }
    }
    checkLr(where, group.lr);
    return { ...group } as unknown as D;
  }

  /** A fresh state for `param`, made on its first update (use stateTensor for its tensors). */
  protected abstract allocState(param: Tensor): ParamState;

  /** One in-place update of `param` from `grad`; `state.step` is the number of earlier updates. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState): void;

  /**
   * A state tensor with the parameter's shape, dtype and backend, filled with `value` (left
   * uninitialised when `value` is null), exempt from tidy scopes.
   */
  protected stateTensor(param: Tensor, value: number | null): Tensor {
    const t = empty(param.shape, param.dtype, param.backend);
    if (value !== null) param.backend.fill(t.storage, value);
    t.markKept();
    return t;
  }
}

function checkLr(name: string, v: unknown): number {
  return checkNumber(name, 'lr', v, undefined, { min: 0 });
}
