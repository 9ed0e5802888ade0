// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// exactly as PyTorch's torch.optim.SGD (the update itself is the backend's sgdStep kernel):
//   d = grad + weightDecay * param
//   velocity = d on a parameter's first update, else momentum * velocity + (1 - dampening) * d
//   d = nesterov ? d + momentum * velocity : velocity          (only when momentum > 0)
//   param -= lr * d

import type { Tensor } from '../tensor.js';
import { WasmgradError } from '../errors.js';
import { Optimizer, type OptimizerDefaults, type ParamState } from './optimizer.js';
import type { ParamGroupOptions } from './groups.js';
import { checkBoolean, checkNumber, checkOptionNames } from './options.js';

/** Options of `SGD`; names as PyTorch's, in camelCase (an unknown name is an error naming it). */
export interface SGDOptions {
  /** Learning rate (required), >= 0. */
  lr: number;
  /** Momentum factor, >= 0 (0: plain SGD, no velocity kept). */
  momentum?: number;
  /** Dampening of the gradient's share in the velocity, in [0, 1]. */
  dampening?: number;
  /** L2 penalty added to the gradient, >= 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
}

/** The resolved hyperparameters of an `SGD` (`optimizer.defaults`). */
export interface SGDDefaults extends OptimizerDefaults {
  /** Momentum factor (0: none). */
  momentum: number;
  /** Dampening of the gradient's share in the velocity. */
  dampening: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
}

const SGD_OPTIONS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;

function resolve(name: string, opts: unknown): SGDDefaults {
  if (opts === undefined) throw new WasmgradError(`${name}: options with at least lr are required, e.g. { lr: 0.01 }`);
  const o = checkOptionNames(name, opts, SGD_OPTIONS);
  const lr = checkNumber(name, 'lr', o.lr, undefined, { min: 0 });
  const momentum = checkNumber(name, 'momentum', o.momentum, 0, { min: 0 });
  const dampening = checkNumber(name, 'dampening', o.dampening, 0, { min: 0, max: 1, maxInclusive: true });
  const weightDecay = checkNumber(name, 'weightDecay', o.weightDecay, 0, { min: 0 });
  const nesterov = checkBoolean(name, 'nesterov', o.nesterov, false);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new WasmgradError(`${name}: Nesterov momentum requires a momentum > 0 and zero dampening (got momentum ${momentum}, dampening ${dampening})`);
  }
  return { lr, momentum, dampening, weightDecay, nesterov };
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * exactly as PyTorch's `torch.optim.SGD`.
 */
export class SGD extends Optimizer<SGDDefaults> {
  /**
   * A WasmgradError for missing options, an unknown option, an out-of-range value, or Nesterov
   * without momentum > 0 and zero dampening.
   *
   * @param params The parameters to update (leaves that require a gradient), or param groups `{ params, ...options }`.
   * @param opts `lr` (required), `momentum`, `dampening`, `weightDecay`, `nesterov`.
   * @example new wg.optim.SGD(new wg.nn.Linear(3, 1).parameters(), { lr: 0.1, momentum: 0.9 })
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, opts: SGDOptions) {
    super(params, resolve(new.target.name, opts));
  }

  /** The velocity is PyTorch's momentum_buffer; plain SGD (momentum 0) keeps no state tensor. */
  protected override stateNames(defaults: Readonly<SGDDefaults>): Record<string, string> {
    return defaults.momentum > 0 ? { velocity: 'momentum_buffer' } : {};
  }

  protected override resolveGroup(where: string, group: Record<string, unknown>): SGDDefaults {
    return resolve(where, group);
  }

  protected allocState(param: Tensor, d: Readonly<SGDDefaults>): ParamState {
    // The first update writes the velocity before reading it, so it needs no fill.
    return { step: 0, tensors: d.momentum > 0 ? { velocity: this.stateTensor(param, null) } : {} };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, d: Readonly<SGDDefaults>): void {
    const velocity = state.tensors.velocity;
    param.backend.sgdStep(param.storage, grad.storage, velocity === undefined ? null : velocity.storage,
      d.lr, d.momentum, d.dampening, d.weightDecay, d.nesterov, state.step === 0);
  }
}
