// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms).
// A schedule remembers the optimizer's lr when made (baseLr) and, like PyTorch's, sets the
// epoch-0 rate at once; each step() advances one epoch and writes the new rate to optimizer.lr.
//   StepLR:            lr(e) = baseLr * gamma^floor(e / stepSize)
//   CosineAnnealingLR: lr(e) = etaMin + (baseLr - etaMin) * (1 + cos(pi * e / tMax)) / 2

import { WasmgradError } from '../errors.js';
import { Optimizer, checkNumber, checkOptionNames, describe } from './optimizer.js';

/**
 * The base of the learning-rate schedules (PyTorch's `torch.optim.lr_scheduler.LRScheduler`):
 * a subclass gives the rate in closed form in `lrAt(epoch)` and calls `start()` at the end of
 * its constructor. Call `step()` once per epoch, after `optimizer.step()`.
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this schedule sets. */
  readonly optimizer: Optimizer;
  /** The optimizer's lr when the schedule was made. */
  readonly baseLr: number;
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
    this.baseLr = optimizer.lr;
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
    this._lastEpoch++;
    this.optimizer.lr = this.lrAt(this._lastEpoch);
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
  /** Epochs between decays. */
  readonly stepSize: number;
  /** The multiplicative decay. */
  readonly gamma: number;

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
    const name = new.target.name;
    const o = checkOptionNames(name, opts, ['stepSize', 'gamma']);
    this.stepSize = checkNumber(name, 'stepSize', o.stepSize, undefined, { min: 1, integer: true });
    this.gamma = checkNumber(name, 'gamma', o.gamma, 0.1, { min: 0, minExclusive: true });
    this.start();
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
  /** The half-period in epochs. */
  readonly tMax: number;
  /** The minimum learning rate. */
  readonly etaMin: number;

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
    const name = new.target.name;
    const o = checkOptionNames(name, opts, ['tMax', 'etaMin']);
    this.tMax = checkNumber(name, 'tMax', o.tMax, undefined, { min: 1, integer: true });
    this.etaMin = checkNumber(name, 'etaMin', o.etaMin, 0, { min: 0 });
    this.start();
  }

  lrAt(epoch: number): number {
    return this.etaMin + (this.baseLr - this.etaMin) * (1 + Math.cos(Math.PI * epoch / this.tMax)) / 2;
  }
}
