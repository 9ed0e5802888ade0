// More learning-rate schedules, as PyTorch's torch.optim.lr_scheduler defines them (closed forms,
// e the epoch, i.e. the number of step() calls; each param group from its own baseLr):
//   LinearLR:     lr(e) = baseLr · (startFactor + (endFactor - startFactor) · min(e, totalIters) / totalIters)
//   LambdaLR:     lr(e) = baseLr · lrLambda(e)
//   OneCycleLR:   from maxLr/divFactor up to maxLr over the first pctStart·totalSteps - 1 steps, then
//                 down to maxLr/(divFactor·finalDivFactor) at step totalSteps - 1 ('cos' or 'linear')
//   SequentialLR: schedulers[k] from milestone k on, its epoch counted from that milestone

import { WasmgradError, fmtValue } from '../errors.js';
import { LRScheduler, writeBaseLrs } from './lr_scheduler.js';
import { Optimizer } from './optimizer.js';
import { checkNumber, checkOptionNames, describe } from './options.js';
import { type SchedulerStateDict, checkKeys, checkObject } from './state_dict.js';

/** Options of `LinearLR`. */
export interface LinearLROptions {
  /** The factor of epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs of the linear change, a positive integer (default 5). */
  totalIters?: number;
}

/** Scales baseLr by a factor changing linearly from startFactor to endFactor over totalIters epochs. */
export class LinearLR extends LRScheduler {
  private opts: Required<LinearLROptions>;

  /**
   * Sets the epoch-0 rate at once. A WasmgradError for an unknown option or an out-of-range value.
   *
   * @param optimizer The optimizer to schedule.
   * @param opts `startFactor` (1/3), `endFactor` (1), `totalIters` (5).
   * @example new wg.optim.LinearLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { startFactor: 0.5, totalIters: 4 }).lrAt(2) // 0.75
   */
  constructor(optimizer: Optimizer, opts: LinearLROptions = {}) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    this.start();
  }

  protected override options(): Record<string, number> {
    return { ...this.opts };
  }

  protected override resolveOptions(name: string, opts: unknown): Required<LinearLROptions> {
    const o = checkOptionNames(name, opts, ['startFactor', 'endFactor', 'totalIters']);
    return {
      startFactor: checkNumber(name, 'startFactor', o.startFactor, 1 / 3, { min: 0, minExclusive: true, max: 1, maxInclusive: true }),
      endFactor: checkNumber(name, 'endFactor', o.endFactor, 1, { min: 0, max: 1, maxInclusive: true }),
      totalIters: checkNumber(name, 'totalIters', o.totalIters, 5, { min: 1, integer: true }),
    };
  }

  protected override setOptions(options: Record<string, number>): void {
    this.opts = options as Required<LinearLROptions>;
  }

  lrAt(epoch: number, group = 0): number {
    const { startFactor, endFactor, totalIters } = this.opts;
    return this.baseLrs[group] * (startFactor + (endFactor - startFactor) * Math.min(epoch, totalIters) / totalIters);
  }
}

/** Scales each group's baseLr by a factor a function gives per epoch. */
export class LambdaLR extends LRScheduler {
  private readonly lrLambdas: readonly ((epoch: number) => number)[];

  /**
   * Sets the epoch-0 rates at once. A WasmgradError unless lrLambda is a function or an array
   * of one function per param group (as PyTorch's lr_lambda list), or when one returns anything
   * but a finite number >= 0 (naming the epoch). The functions are not part of stateDict() (as
   * in PyTorch, which saves only callable objects).
   *
   * @param optimizer The optimizer to schedule.
   * @param lrLambda The factor of epoch e, for every group or one per group.
   * @example new wg.optim.LambdaLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), (e) => 0.9 ** e).lrAt(2) // 0.81
   */
  constructor(optimizer: Optimizer, lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[]) {
    super(optimizer);
    const name = new.target.name;
    const n = this.baseLrs.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n || lrLambda.some((f) => typeof f !== 'function')) {
        throw new WasmgradError(`${name}: lrLambda must be a function or an array of ${n} functions (one per param group), got ${lrLambda.length} items`);
      }
      this.lrLambdas = Object.freeze([...lrLambda]);
    } else {
      if (typeof lrLambda !== 'function') {
        throw new WasmgradError(`${name}: lrLambda must be a function of the epoch, got ${describe(lrLambda)}`);
      }
      this.lrLambdas = Object.freeze(this.baseLrs.map(() => lrLambda as (epoch: number) => number));
    }
    this.start();
  }

  lrAt(epoch: number, group = 0): number {
    const f = this.lrLambdas[group](epoch);
    const lr = this.baseLrs[group] * f;
    if (typeof f !== 'number' || !Number.isFinite(lr) || lr < 0) {
      const which = this.lrLambdas.length === 1 ? 'lrLambda' : `lrLambda[${group}]`;
      throw new WasmgradError(`${this.constructor.name}: ${which}(${epoch}) returned ${fmtValue(f)}; the rate baseLr · factor must be a finite number >= 0`);
    }
    return lr;
  }
}

/** Options of `OneCycleLR`. */
export interface OneCycleLROptions {
  /** The peak rate, > 0 (required): one for every param group, or an array of one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle, a positive integer (required); stepping past it is an error. */
  totalSteps: number;
  /** The share of the steps spent rising, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** The first rate is maxLr / divFactor, > 0 (default 25). */
  divFactor?: number;
  /** The last rate is maxLr / (divFactor · finalDivFactor), > 0 (default 1e4). */
  finalDivFactor?: number;
}

/**
 * The 1cycle policy (Smith & Topin, 2018) as PyTorch's `OneCycleLR` with two phases; the rate
 * only (PyTorch's default also cycles momentum, which this does not). A group's baseLr is its
 * maxLr / divFactor, whatever the optimizer's lr was.
 */
export class OneCycleLR extends LRScheduler {
  private opts: Required<OneCycleLROptions>;

  /**
   * Sets the epoch-0 rate maxLr / divFactor at once. A WasmgradError for a missing, unknown or
   * out-of-range option; step() past totalSteps is a WasmgradError (and changes nothing).
   *
   * @param optimizer The optimizer to schedule.
   * @param opts `maxLr`, `totalSteps` (both required), `pctStart` (0.3), `annealStrategy` ('cos'), `divFactor` (25), `finalDivFactor` (1e4).
   * @example new wg.optim.OneCycleLR(new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }), { maxLr: 1, totalSteps: 11, pctStart: 0.5, annealStrategy: 'linear', divFactor: 10 }).lrAt(2) // 0.5
   */
  constructor(optimizer: Optimizer, opts: OneCycleLROptions) {
    super(optimizer);
    this.opts = this.resolveOptions(new.target.name, opts);
    writeBaseLrs(this, this.baseLrs.map((_, g) => this.maxLrOf(g) / this.opts.divFactor));
    this.start();
  }

  protected override options(): Record<string, unknown> {
    const { maxLr, ...rest } = this.opts;
    return { maxLr: typeof maxLr === 'number' ? maxLr : [...maxLr], ...rest };
  }

  /** The peak rate of param group `g`. */
  private maxLrOf(g: number): number {
    const m = this.opts.maxLr;
    return typeof m === 'number' ? m : m[g];
  }

  protected override resolveOptions(name: string, opts: unknown): Required<OneCycleLROptions> {
    const o = checkOptionNames(name, opts, ['maxLr', 'totalSteps', 'pctStart', 'annealStrategy', 'divFactor', 'finalDivFactor']);
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new WasmgradError(`${name}: annealStrategy must be 'cos' or 'linear', got ${fmtValue(annealStrategy)}`);
    }
    const n = this.baseLrs.length;
    let maxLr: number | readonly number[];
    if (Array.isArray(o.maxLr)) {
      if (o.maxLr.length !== n) throw new WasmgradError(`${name}: maxLr must be a number or an array of ${n} (one per param group), got ${o.maxLr.length} numbers`);
      maxLr = Object.freeze(o.maxLr.map((m, g) => checkNumber(name, `maxLr[${g}]`, m, undefined, { min: 0, minExclusive: true })));
    } else {
      maxLr = checkNumber(name, 'maxLr', o.maxLr, undefined, { min: 0, minExclusive: true });
    }
    return {
      maxLr,
      totalSteps: checkNumber(name, 'totalSteps', o.totalSteps, undefined, { min: 1, integer: true }),
      pctStart: checkNumber(name, 'pctStart', o.pctStart, 0.3, { min: 0, max: 1, maxInclusive: true }),
      annealStrategy,
      divFactor: checkNumber(name, 'divFactor', o.divFactor, 25, { min: 0, minExclusive: true }),
      finalDivFactor: checkNumber(name, 'finalDivFactor', o.finalDivFactor, 1e4, { min: 0, minExclusive: true }),
    };
  }

  protected override setOptions(options: Record<string, unknown>): void {
    this.opts = options as unknown as Required<OneCycleLROptions>;
  }

  lrAt(epoch: number, group = 0): number {
    const { totalSteps, pctStart, annealStrategy, divFactor, finalDivFactor } = this.opts;
    const maxLr = this.maxLrOf(group);
    if (epoch > totalSteps) {
      throw new WasmgradError(`${this.constructor.name}: tried to step ${epoch} times; the schedule has totalSteps ${totalSteps}`);
    }
    const initialLr = maxLr / divFactor;
    const minLr = initialLr / finalDivFactor;
    const anneal = (from: number, to: number, pct: number) => (annealStrategy === 'cos'
      ? to + (from - to) / 2 * (Math.cos(Math.PI * pct) + 1) : (to - from) * pct + from);
    // PyTorch's phase ends: pctStart·totalSteps - 1 (a float) and totalSteps - 1
    const riseEnd = pctStart * totalSteps - 1;
    if (epoch <= riseEnd) return anneal(initialLr, maxLr, epoch / riseEnd);
    return anneal(maxLr, minLr, (epoch - riseEnd) / (totalSteps - 1 - riseEnd));
  }
}

/**
 * Runs schedules one after another (PyTorch's `SequentialLR`): schedulers[k] rules from
 * milestones[k - 1] on, counting its epochs from there. All of them must schedule the same
 * optimizer, and, as in PyTorch where they share the optimizer's initial_lr, all get the first
 * one's baseLr. Step this schedule only, not the ones it holds.
 */
export class SequentialLR extends LRScheduler {
  /** The schedules, in order. */
  readonly schedulers: readonly LRScheduler[];
  /** The epochs at which the next schedule takes over, increasing. */
  readonly milestones: readonly number[];

  /**
   * Sets the first schedule's epoch-0 rate at once. A WasmgradError unless schedulers is a
   * non-empty array of schedules of `optimizer` and milestones has one increasing positive
   * integer fewer.
   *
   * @param optimizer The optimizer all the schedules set.
   * @param schedulers The schedules, in order.
   * @param milestones The epochs at which each next schedule starts.
   * @example const opt = new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }); new wg.optim.SequentialLR(opt, [new wg.optim.LinearLR(opt, { totalIters: 2 }), new wg.optim.StepLR(opt, { stepSize: 1, gamma: 0.5 })], [2]).lrAt(3) // 0.5
   */
  constructor(optimizer: Optimizer, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    const name = new.target.name;
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new WasmgradError(`${name}: schedulers must be a non-empty array of schedules, got ${describe(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new WasmgradError(`${name}: schedulers[${i}] is not a schedule (got ${describe(s)})`);
      if (s.optimizer !== optimizer) throw new WasmgradError(`${name}: schedulers[${i}] (${s.constructor.name}) schedules another optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new WasmgradError(`${name}: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${Array.isArray(milestones) ? milestones.length : describe(milestones)}`);
    }
    milestones.forEach((m, i) => {
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1])) {
        throw new WasmgradError(`${name}: milestones must be increasing positive integers, got ${fmtValue(m)} at index ${i}`);
      }
    });
    this.schedulers = Object.freeze([...schedulers]);
    this.milestones = Object.freeze([...milestones]);
    const base = schedulers[0].baseLrs;
    for (const s of schedulers) writeBaseLrs(s, base);
    writeBaseLrs(this, base);
    this.start();
  }

  lrAt(epoch: number, group = 0): number {
    let k = 0;
    while (k < this.milestones.length && epoch >= this.milestones[k]) k++;
    return this.schedulers[k].lrAt(k === 0 ? epoch : epoch - this.milestones[k - 1], group);
  }

  /**
   * `{ lastEpoch, baseLrs, lastLr, milestones, schedulers: [each one's stateDict()] }`.
   *
   * @example const opt = new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }); new wg.optim.SequentialLR(opt, [new wg.optim.LinearLR(opt), new wg.optim.StepLR(opt, { stepSize: 2 })], [5]).stateDict().milestones // [5]
   */
  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), milestones: [...this.milestones], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores a stateDict(): its own counters and each held schedule's. Checked first; on an
   * error nothing has changed. A WasmgradError naming the bad key or value.
   *
   * @example const opt = new wg.optim.SGD([wg.ones([1], { requiresGrad: true })], { lr: 1 }); const s = new wg.optim.SequentialLR(opt, [new wg.optim.LinearLR(opt), new wg.optim.StepLR(opt, { stepSize: 2 })], [5]); s.loadStateDict(s.stateDict())
   */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    const sd = checkObject(op, 'the state dict', stateDict);
    checkKeys(op, 'the state dict', sd, ['lastEpoch', 'baseLrs', 'lastLr', 'milestones', 'schedulers']);
    const { milestones, schedulers, ...own } = sd;
    if (!Array.isArray(milestones) || milestones.length !== this.milestones.length || milestones.some((m, i) => m !== this.milestones[i])) {
      throw new WasmgradError(`${op}: milestones ${fmtValue(milestones)} differ from this schedule's ${fmtValue([...this.milestones])}`);
    }
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length) {
      throw new WasmgradError(`${op}: schedulers must be an array of ${this.schedulers.length} state dicts, got ${describe(schedulers)}`);
    }
    const before = this.schedulers.map((s) => s.stateDict());
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    try {
      this.schedulers.forEach((s, i) => s.loadStateDict(schedulers[i] as SchedulerStateDict));
      super.loadStateDict(own as SchedulerStateDict);
    } catch (e) {
      this.schedulers.forEach((s, i) => s.loadStateDict(before[i]));
      this.setLrs(lrs);
      throw e;
    }
  }
}
