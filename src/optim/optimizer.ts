// The Optimizer base: owns the parameter groups (PyTorch's param_groups: each group's parameters
// and hyperparameters, its lr settable), per-parameter state tensors (allocated on a parameter's
// first update, kept out of tidy scopes) and the step() protocol: check every parameter and
// gradient, allocate what is missing, then run one backend kernel per parameter in place on its
// storage with its group's hyperparameters. A training loop allocates nothing here after the
// first step.

import { DisposedError, WasmgradError } from '../errors.js';
import { checkNumber, describe } from './options.js';
import type { Tensor } from '../tensor.js';
import { type GroupSlot, type ParamGroup, type ParamGroupOptions, checkGradients, makeGroup, parseGroup, parseParams } from './groups.js';
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
  private _params: readonly Tensor[];
  private _defaults: Readonly<D>;
  private _stepCount = 0;
  private readonly groups: GroupSlot<D>[] = [];
  private _paramGroups: readonly ParamGroup<D>[] = [];
  /** The group index of each parameter. */
  private readonly groupOf: number[] = [];
  private readonly states: (ParamState | null)[] = [];
  private disposed = false;

  /**
   * Takes the parameters to update: leaf tensors that require a gradient, each once, either as
   * one iterable (such as `model.parameters()`: one group with `defaults`) or as an array of
   * param groups `{ params, ...options }` whose options override `defaults` for that group
   * (PyTorch's per-parameter options). A WasmgradError for a single Tensor, an empty list or
   * group, a group without params or with an unknown option (naming the group and the key), a
   * repeated, non-leaf or non-gradient tensor, or a bad option value; a DisposedError for a
   * disposed one.
   *
   * @param params The parameters, in order, or the param groups.
   * @param defaults The resolved hyperparameters (at least `lr`).
   * @example new wg.optim.SGD(new wg.nn.Linear(3, 1).parameters(), { lr: 0.1 }).params.length // 2
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, defaults: D) {
    const name = new.target.name;
    checkLr(name, defaults.lr);
    this._defaults = Object.freeze({ ...defaults });
    const seen = new Map<Tensor, number>();
    const parsed = parseParams(name, params, this.groupOptionNames(), seen);
    // A flat list keeps the constructor's values as they are; a group's are resolved like them.
    const hypers = parsed.map((g, k) => (g.overrides === null
      ? { ...defaults } : this.resolveGroup(`${name}: param group ${k}`, { ...defaults, ...g.overrides })));
    this._params = Object.freeze([]);
    parsed.forEach((g, k) => this.pushGroup(g.params, hypers[k]));
  }

  /**
   * The parameters of all groups, in order (error messages and state dict indices count from 0
   * in this order).
   *
   * @example new wg.optim.SGD(new wg.nn.Linear(3, 1).parameters(), { lr: 0.1 }).params.length // 2
   */
  get params(): readonly Tensor[] {
    return this._params;
  }

  /**
   * The parameter groups (PyTorch's `param_groups`): each one's `params` and resolved
   * hyperparameters; set a group's `lr` to change the rate of that group only.
   *
   * @example new wg.optim.AdamW([{ params: [wg.ones([2, 2], { requiresGrad: true })] }, { params: [wg.ones([2], { requiresGrad: true })], weightDecay: 0 }]).paramGroups[1].weightDecay // 0
   */
  get paramGroups(): readonly ParamGroup<D>[] {
    return this._paramGroups;
  }

  /**
   * Adds a param group `{ params, ...options }` (PyTorch's `add_param_group`), e.g. for layers
   * unfrozen during training: options not given are the optimizer's `defaults`. Checked like the
   * constructor's groups; on an error nothing has changed.
   *
   * @example const opt = new wg.optim.SGD([wg.ones([2], { requiresGrad: true })], { lr: 0.1 }); opt.addParamGroup({ params: [wg.ones([3], { requiresGrad: true })], lr: 0.01 }); opt.paramGroups.length // 2
   */
  addParamGroup(group: ParamGroupOptions): void {
    const op = `${this.name}.addParamGroup`;
    if (this.disposed) throw new DisposedError(`${op}: the optimizer was disposed`);
    const k = this.groups.length;
    const seen = new Map(this._params.map((p, i) => [p, this.groupOf[i]]));
    const g = parseGroup(op, group, k, this.groupOptionNames(), seen);
    this.pushGroup(g.params, this.resolveGroup(`${op}: param group ${k}`, { ...this._defaults, ...g.overrides! }));
  }

  /**
   * The resolved hyperparameters this optimizer was made with (or loaded by loadStateDict: the
   * first group's), defaults filled in; frozen. As in PyTorch, `defaults.lr` stays the
   * constructor's rate.
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
   * The learning rate the next step() uses: the first param group's (with one group, the only
   * one). Set it directly or through a schedule; setting it sets every group's lr.
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).lr // 0.001
   */
  get lr(): number {
    return this.groups[0].hyper.lr;
  }

  /** Sets the learning rate of every group's following steps; a WasmgradError unless v is a finite number >= 0. */
  set lr(v: number) {
    const lr = checkLr(this.name, v);
    for (const g of this.groups) g.hyper.lr = lr;
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
    const grads = checkGradients(`${name}.step`, params);
    // Allocate missing state before touching any parameter: an allocation failure must not
    // leave the step half done.
    for (let i = 0; i < params.length; i++) {
      if (grads[i] !== null && this.states[i] === null) this.states[i] = this.allocState(params[i], this.groups[this.groupOf[i]].hyper);
    }
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      if (g === null) continue;
      const st = this.states[i]!;
      this.update(params[i], g, st, this.groups[this.groupOf[i]].hyper);
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
   * one entry per param group `{ lr, ...hyperparameters, params: [indices] }`, the indices
   * counting across the groups in order ([0, 1, 2] and [3, 4] for groups of 3 and 2). The tensors in it are
   * the optimizer's live state buffers, not copies (as in PyTorch): the next step() changes
   * them, and they must not be disposed. Allocates nothing. A DisposedError after dispose().
   *
   * @example new wg.optim.Adam([wg.ones([2], { requiresGrad: true })]).stateDict().paramGroups[0].lr // 0.001
   */
  stateDict(): OptimizerStateDict {
    const op = `${this.name}.stateDict`;
    if (this.disposed) throw new DisposedError(`${op}: the optimizer was disposed`);
    const names = this.groups.map((g) => Object.entries(this.stateNames(g.hyper)));
    const state: Record<number, ParamStateDict> = {};
    this.states.forEach((st, i) => {
      if (st === null) return;
      const entry: ParamStateDict = { step: st.step };
      for (const [internal, pub] of names[this.groupOf[i]]) entry[pub] = st.tensors[internal];
      state[i] = entry;
    });
    let next = 0;
    const paramGroups = this.groups.map((g) => {
      const group: ParamGroupDict = { lr: g.hyper.lr, params: g.params.map(() => next++) };
      for (const [k, v] of Object.entries(g.hyper)) if (k !== 'lr') group[k] = Array.isArray(v) ? v.slice() : v;
      return group;
    });
    return { state, paramGroups, stepCount: this._stepCount };
  }

  /**
   * Restores a stateDict() (of an optimizer of the same kind with groups of the same sizes over
   * parameters of the same shapes and dtypes): each group's hyperparameters and learning rate,
   * each parameter's step count and state values. A state dict of one group (as every one
   * before param groups) loads into a one-group optimizer.
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
    const groups = checkParamGroups(op, sd.paramGroups, this.groups.map((g) => g.params.length));
    const hypers = groups.map((group, k) => {
      const hyper: Record<string, unknown> = { ...group };
      delete hyper.params;
      checkKeys(op, `paramGroups[${k}]`, hyper, Object.keys(this._defaults));
      return this.resolveGroup(`${op}: paramGroups[${k}]`, hyper);
    });
    const groupNames = hypers.map((h) => Object.entries(this.stateNames(h)));
    const loaded: ({ step: number; values: [string, Tensor][] } | null)[] = this.params.map(() => null);
    for (const [key, value] of Object.entries(checkObject(op, 'state', sd.state))) {
      const i = checkParamIndex(op, key, n);
      const entry = checkObject(op, `state[${i}]`, value);
      const names = groupNames[this.groupOf[i]];
      const stateKeys = ['step', ...names.map(([, pub]) => pub)];
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
        const names = groupNames[this.groupOf[i]];
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
    // As in PyTorch, defaults keep the constructor's lr; each group's lr is its current rate.
    this._defaults = Object.freeze({ ...hypers[0], lr: this._defaults.lr });
    hypers.forEach((h, k) => Object.assign(this.groups[k].hyper, h));
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

  /** The options a param group may override (default: the keys of `defaults`). */
  protected groupOptionNames(): readonly string[] {
    return Object.keys(this._defaults);
  }

  /**
   * Checks a param group's hyperparameters (a loaded one, or defaults with a group's overrides;
   * `where` prefixes messages) and returns them resolved. Subclasses run their constructor's
   * checks; this fallback only requires each value to have the type of the current one.
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

  /**
   * A fresh state for `param`, made on its first update (use stateTensor for its tensors);
   * `group` holds the hyperparameters of its param group.
   */
  protected abstract allocState(param: Tensor, group: Readonly<D>): ParamState;

  /**
   * One in-place update of `param` from `grad` with its param group's hyperparameters (`group.lr`
   * the current rate); `state.step` is the number of earlier updates.
   */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, group: Readonly<D>): void;

  /** Appends a group of checked parameters with resolved hyperparameters. */
  private pushGroup(params: readonly Tensor[], hyper: D): void {
    const k = this.groups.length;
    const slot = makeGroup(this.name, k, Object.freeze([...params]), { ...hyper });
    this.groups.push(slot);
    this._paramGroups = Object.freeze(this.groups.map((g) => g.view));
    this._params = Object.freeze([...this._params, ...params]);
    for (const _ of params) {
      this.groupOf.push(k);
      this.states.push(null);
    }
  }

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
