// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms).
// A schedule remembers the optimizer's lr when made (baseLr) and, like PyTorch's, sets the
// epoch-0 rate at once; each step() advances one epoch and writes the new rate to optimizer.lr.
//   StepLR:            lr(e) = baseLr * gamma^floor(e / stepSize)
//   CosineAnnealingLR: lr(e) = etaMin + (baseLr - etaMin) * (1 + cos(pi * e / tMax)) / 2

import { WasmgradError } from '../errors.js';
import { Optimizer, checkNumber, checkOptionNames, describe } from './optimizer.js';
import { type SchedulerStateDict, checkCount, checkKeys, checkLrList, checkObject } from './state_dict.js';

export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  private _baseLr: number;
  private _lastEpoch = 0;

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

  /** Epochs stepped so far (0 right after construction). */
  get lastEpoch(): number {
    return this._lastEpoch;
  }

  /** Advances one epoch and sets optimizer.lr to its rate. */
  step(): void {
    this._lastEpoch++;
    this.optimizer.lr = this.lrAt(this._lastEpoch);
  }

  /** The rate of the current epoch (the one step() last set). */
  getLr(): number {
    return this.lrAt(this.lastEpoch);
  }

  /** The rate at `epoch` (closed form). */
  abstract lrAt(epoch: number): number;

  /**
   * The schedule's counters and options, PyTorch's names in camelCase:
   * `{ lastEpoch, baseLrs: [baseLr], lastLr: [rate of lastEpoch], ...options }` (plain numbers).
   */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this._lastEpoch, baseLrs: [this._baseLr], lastLr: [this.getLr()], ...this.options() };
  }

  /**
   * Restores a stateDict(): the epoch counter, baseLr and options, and sets the optimizer's lr to
   * lastLr (so loading the schedule alone also restores the rate). Checked first; on an error
   * nothing has changed.
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

  /** The schedule's own options as plain numbers (stepSize, gamma, ...); none by default. */
  protected options(): Record<string, number> {
    return {};
  }

  /** Checks loaded options the way the constructor does (`where` names the caller). */
  protected resolveOptions(where: string, options: Record<string, unknown>): Record<string, number> {
    void where;
    return options as Record<string, number>;
  }

  /** Replaces the options with checked ones. */
  protected setOptions(options: Record<string, number>): void {
    void options;
  }

  /** Subclasses call this at the end of their constructor: PyTorch applies epoch 0 at once. */
  protected start(): void {
    this.optimizer.lr = this.lrAt(0);
  }
}

export interface StepLROptions {
  /** Epochs between decays, a positive integer. */
  stepSize: number;
  /** Multiplicative decay, > 0 (default 0.1). */
  gamma?: number;
}

/** Decays the learning rate by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  private opts: Required<StepLROptions>;

  constructor(optimizer: Optimizer, opts: StepLROptions) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    this.start();
  }

  get stepSize(): number {
    return this.opts.stepSize;
  }

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

export interface CosineAnnealingLROptions {
  /** Half-period in epochs: the rate reaches etaMin at epoch tMax. A positive integer. */
  tMax: number;
  /** Minimum learning rate, >= 0 (default 0). */
  etaMin?: number;
}

/** Anneals the learning rate from baseLr to etaMin along half a cosine over tMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  private opts: Required<CosineAnnealingLROptions>;

  constructor(optimizer: Optimizer, opts: CosineAnnealingLROptions) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    this.start();
  }

  get tMax(): number {
    return this.opts.tMax;
  }

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
