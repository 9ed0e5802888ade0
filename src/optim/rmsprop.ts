// RMSprop (Hinton's lecture 6e; the centered form from Graves, 2013) and Adagrad (Duchi et al.,
// 2011), as PyTorch's torch.optim.RMSprop/Adagrad define them. Each update is one backend kernel
// per parameter (rmspropStep/adagradStep: AssemblyScript SIMD, threaded, on wasm), in place,
// allocating nothing after the first step. Per parameter, with g = grad + weightDecay * param:
//   RMSprop: v = alpha v + (1 - alpha) g²;  centered: gAvg = alpha gAvg + (1 - alpha) g, v̂ = v - gAvg²
//            d = g / (sqrt(v̂) + eps);  momentum > 0: buf = momentum buf + d, d = buf;  param -= lr d
//   Adagrad: sum += g²;  param -= lr / (1 + (t - 1) lrDecay) · g / (sqrt(sum) + eps), t the 1-based step

import type { Tensor } from '../tensor.js';
import { Optimizer, type OptimizerDefaults, type ParamState } from './optimizer.js';
import type { ParamGroupOptions } from './groups.js';
import { checkBoolean, checkNumber, checkOptionNames } from './options.js';

/** Options of `RMSprop`; names as PyTorch's, in camelCase. */
export interface RMSpropOptions {
  /** Learning rate, >= 0 (default 1e-2). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average, in [0, 1] (default 0.99). */
  alpha?: number;
  /** Added to the denominator, > 0 (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient, >= 0 (default 0). */
  weightDecay?: number;
  /** Momentum factor, >= 0 (default 0). */
  momentum?: number;
  /** Normalise by the gradient's estimated variance instead of its second moment (default false). */
  centered?: boolean;
}

/** The resolved hyperparameters of an `RMSprop`. */
export interface RMSpropDefaults extends OptimizerDefaults {
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  /** Added to the denominator. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Momentum factor (0: none). */
  momentum: number;
  /** Whether the denominator uses the gradient's variance. */
  centered: boolean;
}

function resolveRMSprop(name: string, opts: unknown): RMSpropDefaults {
  const o = checkOptionNames(name, opts, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
  return {
    lr: checkNumber(name, 'lr', o.lr, 1e-2, { min: 0 }),
    alpha: checkNumber(name, 'alpha', o.alpha, 0.99, { min: 0, max: 1, maxInclusive: true }),
    eps: checkNumber(name, 'eps', o.eps, 1e-8, { min: 0, minExclusive: true }),
    weightDecay: checkNumber(name, 'weightDecay', o.weightDecay, 0, { min: 0 }),
    momentum: checkNumber(name, 'momentum', o.momentum, 0, { min: 0 }),
    centered: checkBoolean(name, 'centered', o.centered, false),
  };
}

/** RMSprop, as PyTorch's `torch.optim.RMSprop` (state: square_avg, momentum_buffer, grad_avg). */
export class RMSprop extends Optimizer<RMSpropDefaults> {
  /**
   * A WasmgradError for an unknown option or an out-of-range value.
   *
   * @param params The parameters to update (leaves that require a gradient), or param groups `{ params, ...options }`.
   * @param opts `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0), `centered` (false).
   * @example new wg.optim.RMSprop(new wg.nn.Linear(3, 1).parameters(), { lr: 1e-3, momentum: 0.9 })
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, opts: RMSpropOptions = {}) {
    super(params, resolveRMSprop(new.target.name, opts));
  }

  protected override stateNames(d: Readonly<RMSpropDefaults>): Record<string, string> {
    const names: Record<string, string> = { squareAvg: 'square_avg' };
    if (d.momentum > 0) names.buf = 'momentum_buffer';
    if (d.centered) names.gradAvg = 'grad_avg';
    return names;
  }

  protected override resolveGroup(where: string, group: Record<string, unknown>): RMSpropDefaults {
    return resolveRMSprop(where, group);
  }

  protected allocState(param: Tensor, d: Readonly<RMSpropDefaults>): ParamState {
    const tensors: Record<string, Tensor> = { squareAvg: this.stateTensor(param, 0) };
    if (d.momentum > 0) tensors.buf = this.stateTensor(param, 0);
    if (d.centered) tensors.gradAvg = this.stateTensor(param, 0);
    return { step: 0, tensors };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, d: Readonly<RMSpropDefaults>): void {
    const { squareAvg, buf, gradAvg } = state.tensors;
    param.backend.rmspropStep(param.storage, grad.storage, squareAvg.storage, buf?.storage ?? null, gradAvg?.storage ?? null,
      d.lr, d.alpha, d.eps, d.weightDecay, d.momentum, d.centered);
  }
}

/** Options of `Adagrad`; names as PyTorch's, in camelCase. */
export interface AdagradOptions {
  /** Learning rate, >= 0 (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t - 1) lrDecay), >= 0 (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient, >= 0 (default 0). */
  weightDecay?: number;
  /** The squared-gradient sum's starting value, >= 0 (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator, > 0 (default 1e-10). */
  eps?: number;
}

/** The resolved hyperparameters of an `Adagrad`. */
export interface AdagradDefaults extends OptimizerDefaults {
  /** Learning-rate decay per step. */
  lrDecay: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** The squared-gradient sum's starting value. */
  initialAccumulatorValue: number;
  /** Added to the denominator. */
  eps: number;
}

function resolveAdagrad(name: string, opts: unknown): AdagradDefaults {
  const o = checkOptionNames(name, opts, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
  return {
    lr: checkNumber(name, 'lr', o.lr, 1e-2, { min: 0 }),
    lrDecay: checkNumber(name, 'lrDecay', o.lrDecay, 0, { min: 0 }),
    weightDecay: checkNumber(name, 'weightDecay', o.weightDecay, 0, { min: 0 }),
    initialAccumulatorValue: checkNumber(name, 'initialAccumulatorValue', o.initialAccumulatorValue, 0, { min: 0 }),
    eps: checkNumber(name, 'eps', o.eps, 1e-10, { min: 0, minExclusive: true }),
  };
}

/** Adagrad, as PyTorch's `torch.optim.Adagrad` (state: sum). */
export class Adagrad extends Optimizer<AdagradDefaults> {
  /**
   * A WasmgradError for an unknown option or an out-of-range value.
   *
   * @param params The parameters to update (leaves that require a gradient), or param groups `{ params, ...options }`.
   * @param opts `lr` (1e-2), `lrDecay` (0), `weightDecay` (0), `initialAccumulatorValue` (0), `eps` (1e-10).
   * @example new wg.optim.Adagrad(new wg.nn.Linear(3, 1).parameters(), { lr: 0.1 })
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, opts: AdagradOptions = {}) {
    super(params, resolveAdagrad(new.target.name, opts));
  }

  protected override stateNames(): Record<string, string> {
    return { sum: 'sum' };
  }

  protected override resolveGroup(where: string, group: Record<string, unknown>): AdagradDefaults {
    return resolveAdagrad(where, group);
  }

  protected allocState(param: Tensor, d: Readonly<AdagradDefaults>): ParamState {
    return { step: 0, tensors: { sum: this.stateTensor(param, d.initialAccumulatorValue) } };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, d: Readonly<AdagradDefaults>): void {
    // PyTorch: clr = lr / (1 + (t - 1) lrDecay) with t the 1-based step
    const clr = d.lr / (1 + state.step * d.lrDecay);
    param.backend.adagradStep(param.storage, grad.storage, state.tensors.sum.storage, clr, d.weightDecay, d.eps);
  }
}
