// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms).
// A schedule remembers each param group's lr when made (baseLrs, PyTorch's initial_lr per group)
// and, like PyTorch's, sets the epoch-0 rates at once; each step() advances one epoch and writes
// each group's new rate, computed from that group's baseLr, to the group's lr.
//   StepLR:            lr(e) = baseLr * gamma^floor(e / stepSize)
//   CosineAnnealingLR: lr(e) = etaMin + (baseLr - etaMin) * (1 + cos(pi * e / tMax)) / 2

import { WasmgradError } from '../errors.js';
import { Optimizer } from './optimizer.js';
import { checkNumber, checkOptionNames, describe } from './options.js';
import { type SchedulerStateDict, checkCount, checkKeys, checkLrList, checkObject } from './state_dict.js';

/** Sets a schedule's baseLrs (module-internal: schedules.ts). */
export let writeBaseLrs: (s: LRScheduler, v: readonly number[]) => void;

/**
 * The base of the learning-rate schedules (PyTorch's `torch.optim.lr_scheduler.LRScheduler`):
 * a subclass gives the rate in closed form in `lrAt(epoch)` and calls `start()` at the end of
 * its constructor. Call `step()` once per epoch, after `optimizer.step()`.
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this schedule sets. */
  readonly optimizer: Optimizer;
  private _baseLrs: readonly number[];
  private _lastEpoch = 0;

  /**
   * Remembers each param group's lr as its base rate (`baseLrs`). A WasmgradError unless
   * `optimizer` is an Optimizer. Add param groups before making the schedule.
   *
   * @param optimizer The optimizer to schedule.
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).baseLr // 1
   */
  constructor(optimizer: Optimizer) {
    const name = new.target.name;
    if (!(optimizer instanceof Optimizer)) {
      throw new WasmgradError(`${name}: expected an optimizer (SGD, Adam, AdamW, ...), got ${describe(optimizer)}`);
    }
    this.optimizer = optimizer;
    this._baseLrs = Object.freeze(optimizer.paramGroups.map((g) => g.lr));
  }

  /** The first param group's base rate (with one group, the optimizer's lr when the schedule was made). */
  get baseLr(): number {
    return this._baseLrs[0];
  }

  /**
   * Each param group's base rate (PyTorch's `base_lrs`): its lr when the schedule was made.
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([{ params: [wg.ones([1], { requiresGrad: true })] }, { params: [wg.ones([1], { requiresGrad: true })], lr: 2 }], { lr: 1 }), { stepSize: 2 }).baseLrs // [1, 2]
   */
  get baseLrs(): readonly number[] {
    return this._baseLrs;
  }

  /**
   * Epochs stepped so far (0 right after construction).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).lastEpoch // 0
   */
  get lastEpoch(): number {
    return this._lastEpoch;
  }

  /**
   * Advances one epoch and sets each param group's lr to its rate.
   * A WasmgradError if the optimizer's groups changed in number since the schedule was made.
   *
   * @example const s = new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 1, gamma: 0.5 }); s.step(); s.optimizer.lr // 0.5
   */
  step(): void {
    // the rates first: a schedule that refuses the next epoch (OneCycleLR past totalSteps) changes nothing
    this.setLrs(this.lrsAt(this._lastEpoch + 1));
    this._lastEpoch++;
  }

  /**
   * The first group's rate of the current epoch (the one step() last set).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).getLr() // 1
   */
  getLr(): number {
    return this.lrAt(this.lastEpoch);
  }

  /**
   * Each group's rate of the current epoch (PyTorch's `get_last_lr()`).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).getLastLr() // [1]
   */
  getLastLr(): number[] {
    return this.lrsAt(this.lastEpoch);
  }

  /**
   * Each group's rate at `epoch`. A WasmgradError if the optimizer's groups changed in number
   * since the schedule was made.
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2, gamma: 0.5 }).lrsAt(4) // [0.25]
   */
  lrsAt(epoch: number): number[] {
    const n = this.optimizer.paramGroups.length;
    if (n !== this._baseLrs.length) {
      throw new WasmgradError(`${this.constructor.name}: the optimizer has ${n} param groups, but the schedule was made for ${this._baseLrs.length} (add param groups before making the schedule)`);
    }
    return this._baseLrs.map((_, g) => this.lrAt(epoch, g));
  }

  /**
   * The rate of param group `group` (default 0) at `epoch` (closed form, from that group's baseLr).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2, gamma: 0.5 }).lrAt(4) // 0.25
   */
  abstract lrAt(epoch: number, group?: number): number;

  /**
   * The schedule's counters and options, PyTorch's names in camelCase:
   * `{ lastEpoch, baseLrs: [per group], lastLr: [each group's rate of lastEpoch], ...options }` (plain numbers),
   * as PyTorch's `scheduler.state_dict()`.
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).stateDict() // { lastEpoch: 0, baseLrs: [1], lastLr: [1], stepSize: 2, gamma: 0.1 }
   */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this._lastEpoch, baseLrs: [...this._baseLrs], lastLr: this.getLastLr(), ...this.options() };
  }

  /**
   * Restores a stateDict() (of a schedule over as many param groups): the epoch counter, baseLrs
   * and options, and sets each group's lr to its lastLr (so loading the schedule alone also
   * restores the rates). Checked first; on an error
   * nothing has changed. A WasmgradError naming an unknown or missing key or a bad value.
   *
   * @example const opt = new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }); new wg.optim.StepLR(opt, { stepSize: 2 }).loadStateDict({ lastEpoch: 4, baseLrs: [1], lastLr: [0.01], stepSize: 2, gamma: 0.1 }); opt.lr // 0.01
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const sd = checkObject(op, 'the state dict', stateDict);
    const optionNames = Object.keys(this.options());
    checkKeys(op, 'the state dict', sd, ['lastEpoch', 'baseLrs', 'lastLr', ...optionNames]);
    const lastEpoch = checkCount(op, 'lastEpoch', sd.lastEpoch);
    const n = this._baseLrs.length;
    const baseLrs = checkLrList(op, 'baseLrs', sd.baseLrs, n);
    const lastLr = checkLrList(op, 'lastLr', sd.lastLr, n);
    const options = this.resolveOptions(op, Object.fromEntries(optionNames.map((k) => [k, sd[k]])));
    this.setLrs(lastLr);
    this._lastEpoch = lastEpoch;
    this._baseLrs = Object.freeze(baseLrs);
    this.setOptions(options);
  }

  /** The schedule's own options as plain values (stepSize, gamma, ...); none by default. */
  protected options(): Record<string, unknown> {
    return {};
  }

  /** Checks loaded options the way the constructor does (`where` names the caller). */
  protected resolveOptions(where: string, options: Record<string, unknown>): Record<string, unknown> {
    void where;
    return options;
  }

  /** Replaces the options with checked ones. */
  protected setOptions(options: Record<string, unknown>): void {
    void options;
  }

  /** Sets each param group's lr (one rate per group, checked by the group). */
  protected setLrs(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, k) => { g.lr = lrs[k]; });
  }

  static {
    // SequentialLR and OneCycleLR set baseLrs as PyTorch's shared initial_lr would be.
    writeBaseLrs = (s, v) => { s._baseLrs = Object.freeze([...v]); };
  }

  /** Subclasses call this at the end of their constructor: PyTorch applies epoch 0 at once. */
  protected start(): void {
    this.setLrs(this.lrsAt(0));
  }
}

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Epochs between decays, a positive integer. */
  stepSize: number;
  /** Multiplicative decay, > 0 (default 0.1). */
  gamma?: number;
}

/** Decays the learning rate by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  private opts: Required<StepLROptions>;

  /**
   * Sets the optimizer's lr to the epoch-0 rate at once, as PyTorch does. A WasmgradError for an
   * unknown option, a stepSize that is not a positive integer or a gamma <= 0.
   *
   * @param optimizer The optimizer to schedule.
   * @param opts `stepSize` (required), `gamma` (default 0.1).
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 30, gamma: 0.1 })
   */
  constructor(optimizer: Optimizer, opts: StepLROptions) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    this.start();
  }

  /** Epochs between decays (a loaded stateDict may change it). */
  get stepSize(): number {
    return this.opts.stepSize;
  }

  /** The multiplicative decay (a loaded stateDict may change it). */
  get gamma(): number {
    return this.opts.gamma;
  }

  protected override options(): Record<string, number> {
    return { ...this.opts };
  }

  protected override resolveOptions(name: string, opts: unknown): Required<StepLROptions> {
    const o = checkOptionNames(name, opts, ['stepSize', 'gamma']);
    return {
      stepSize: checkNumber(name, 'stepSize', o.stepSize, undefined, { min: 1, integer: true }),
      gamma: checkNumber(name, 'gamma', o.gamma, 0.1, { min: 0, minExclusive: true }),
    };
  }

  protected override setOptions(options: Record<string, number>): void {
    this.opts = options as Required<StepLROptions>;
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group] * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Half-period in epochs: the rate reaches etaMin at epoch tMax. A positive integer. */
  tMax: number;
  /** Minimum learning rate, >= 0 (default 0). */
  etaMin?: number;
}

/** Anneals the learning rate from baseLr to etaMin along half a cosine over tMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  private opts: Required<CosineAnnealingLROptions>;

  /**
   * Sets the optimizer's lr to the epoch-0 rate (baseLr) at once. A WasmgradError for an unknown
   * option, a tMax that is not a positive integer or an etaMin < 0.
   *
   * @param optimizer The optimizer to schedule.
   * @param opts `tMax` (required), `etaMin` (default 0).
   * @example new wg.optim.CosineAnnealingLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { tMax: 100 }).lrAt(50) // 0.5
   */
  constructor(optimizer: Optimizer, opts: CosineAnnealingLROptions) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    this.start();
  }

  /** The half-period in epochs (a loaded stateDict may change it). */
  get tMax(): number {
    return this.opts.tMax;
  }

  /** The minimum learning rate (a loaded stateDict may change it). */
  get etaMin(): number {
    return this.opts.etaMin;
  }

  protected override options(): Record<string, number> {
    return { ...this.opts };
  }

  protected override resolveOptions(name: string, opts: unknown): Required<CosineAnnealingLROptions> {
    const o = checkOptionNames(name, opts, ['tMax', 'etaMin']);
    return {
      tMax: checkNumber(name, 'tMax', o.tMax, undefined, { min: 1, integer: true }),
      etaMin: checkNumber(name, 'etaMin', o.etaMin, 0, { min: 0 }),
    };
  }

  protected override setOptions(options: Record<string, number>): void {
    this.opts = options as Required<CosineAnnealingLROptions>;
  }

  lrAt(epoch: number, group = 0): number {
    return this.etaMin + (this.baseLrs[group] - this.etaMin) * (1 + Math.cos(Math.PI * epoch / this.tMax)) / 2;
  }
}
