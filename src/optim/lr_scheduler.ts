// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms).
// A schedule remembers the optimizer's lr when made (baseLr) and, like PyTorch's, sets the
// epoch-0 rate at once; each step() advances one epoch and writes the new rate to optimizer.lr.
//   StepLR:            lr(e) = baseLr * gamma^floor(e / stepSize)
//   CosineAnnealingLR: lr(e) = etaMin + (baseLr - etaMin) * (1 + cos(pi * e / tMax)) / 2

import { WasmgradError } from '../errors.js';
import { Optimizer } from './optimizer.js';
import { checkNumber, checkOptionNames, describe } from './options.js';
import { type SchedulerStateDict, checkCount, checkKeys, checkLrList, checkObject } from './state_dict.js';

/** Sets a schedule's baseLr (module-internal: schedules.ts). */
export let writeBaseLr: (s: LRScheduler, v: number) => void;

/**
 * The base of the learning-rate schedules (PyTorch's `torch.optim.lr_scheduler.LRScheduler`):
 * a subclass gives the rate in closed form in `lrAt(epoch)` and calls `start()` at the end of
 * its constructor. Call `step()` once per epoch, after `optimizer.step()`.
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this schedule sets. */
  readonly optimizer: Optimizer;
  private _baseLr: number;
  private _lastEpoch = 0;

  /**
   * Remembers `optimizer.lr` as `baseLr`. A WasmgradError unless `optimizer` is an Optimizer.
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
    this._baseLr = optimizer.lr;
  }

  /** The optimizer's lr when the schedule was made. */
  get baseLr(): number {
    return this._baseLr;
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
   * Advances one epoch and sets optimizer.lr to its rate.
   *
   * @example const s = new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 1, gamma: 0.5 }); s.step(); s.optimizer.lr // 0.5
   */
  step(): void {
    // the rate first: a schedule that refuses the next epoch (OneCycleLR past totalSteps) changes nothing
    this.optimizer.lr = this.lrAt(this._lastEpoch + 1);
    this._lastEpoch++;
  }

  /**
   * The rate of the current epoch (the one step() last set).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).getLr() // 1
   */
  getLr(): number {
    return this.lrAt(this.lastEpoch);
  }

  /**
   * The rate at `epoch` (closed form).
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2, gamma: 0.5 }).lrAt(4) // 0.25
   */
  abstract lrAt(epoch: number): number;

  /**
   * The schedule's counters and options, PyTorch's names in camelCase:
   * `{ lastEpoch, baseLrs: [baseLr], lastLr: [rate of lastEpoch], ...options }` (plain numbers),
   * as PyTorch's `scheduler.state_dict()`.
   *
   * @example new wg.optim.StepLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { stepSize: 2 }).stateDict() // { lastEpoch: 0, baseLrs: [1], lastLr: [1], stepSize: 2, gamma: 0.1 }
   */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this._lastEpoch, baseLrs: [this._baseLr], lastLr: [this.getLr()], ...this.options() };
  }

  /**
   * Restores a stateDict(): the epoch counter, baseLr and options, and sets the optimizer's lr to
   * lastLr (so loading the schedule alone also restores the rate). Checked first; on an error
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
    const baseLr = checkLrList(op, 'baseLrs', sd.baseLrs);
    const lastLr = checkLrList(op, 'lastLr', sd.lastLr);
    const options = this.resolveOptions(op, Object.fromEntries(optionNames.map((k) => [k, sd[k]])));
    this.optimizer.lr = lastLr;
    this._lastEpoch = lastEpoch;
    this._baseLr = baseLr;
    this.setOptions(options);
  }

  /** The schedule's own options as plain values (stepSize, gamma, ...); none by default. */
  protected options(): Record<string, number | string> {
    return {};
  }

  /** Checks loaded options the way the constructor does (`where` names the caller). */
  protected resolveOptions(where: string, options: Record<string, unknown>): Record<string, number | string> {
    void where;
    return options as Record<string, number | string>;
  }

  /** Replaces the options with checked ones. */
  protected setOptions(options: Record<string, number | string>): void {
    void options;
  }

  static {
    // SequentialLR and OneCycleLR set baseLr as PyTorch's shared initial_lr would be.
    writeBaseLr = (s, v) => { s._baseLr = v; };
  }

  /** Subclasses call this at the end of their constructor: PyTorch applies epoch 0 at once. */
  protected start(): void {
    this.optimizer.lr = this.lrAt(0);
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

  lrAt(epoch: number): number {
    return this.baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
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

  lrAt(epoch: number): number {
    return this.etaMin + (this.baseLr - this.etaMin) * (1 + Math.cos(Math.PI * epoch / this.tMax)) / 2;
  }
}
