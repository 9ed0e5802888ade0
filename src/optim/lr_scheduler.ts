// Learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms).
// A schedule remembers the optimizer's lr when made (baseLr) and, like PyTorch's, sets the
// epoch-0 rate at once; each step() advances one epoch and writes the new rate to optimizer.lr.
//   StepLR:            lr(e) = baseLr * gamma^floor(e / stepSize)
//   CosineAnnealingLR: lr(e) = etaMin + (baseLr - etaMin) * (1 + cos(pi * e / tMax)) / 2

import { WasmgradError } from '../errors.js';
import { Optimizer, checkNumber, checkOptionNames, describe } from './optimizer.js';

export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** The optimizer's lr when the schedule was made. */
  readonly baseLr: number;
  private _lastEpoch = 0;

  constructor(optimizer: Optimizer) {
    const name = new.target.name;
    if (!(optimizer instanceof Optimizer)) {
      throw new WasmgradError(`${name}: expected an optimizer (SGD, Adam, AdamW, ...), got ${describe(optimizer)}`);
    }
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
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
  readonly stepSize: number;
  readonly gamma: number;

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

export interface CosineAnnealingLROptions {
  /** Half-period in epochs: the rate reaches etaMin at epoch tMax. A positive integer. */
  tMax: number;
  /** Minimum learning rate, >= 0 (default 0). */
  etaMin?: number;
}

/** Anneals the learning rate from baseLr to etaMin along half a cosine over tMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

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
