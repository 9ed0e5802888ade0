// Adam (Kingma & Ba, 2015, with bias correction) and AdamW (Loshchilov & Hutter, 2019:
// decoupled weight decay), as PyTorch's torch.optim.Adam/AdamW define them. The update is the
// backend's adamStep kernel; per parameter, with t its 1-based update count:
//   Adam:  g = grad + weightDecay * param          AdamW: param *= 1 - lr * weightDecay
//   m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g²
//   param -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';
import { Optimizer, type OptimizerDefaults, type ParamState } from './optimizer.js';
import type { ParamGroupOptions } from './groups.js';
import { checkNumber, checkOptionNames, describe } from './options.js';

/** Options of `Adam` and `AdamW`; names as PyTorch's, in camelCase (an unknown name is an error naming it). */
export interface AdamOptions {
  /** Learning rate, >= 0 (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1) (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability, > 0 (default 1e-8). */
  eps?: number;
  /** Weight decay, >= 0: an L2 term in the gradient for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay?: number;
}

/** The resolved hyperparameters of an `Adam` or `AdamW` (`optimizer.defaults`). */
export interface AdamDefaults extends OptimizerDefaults {
  /** Decay rates of the first and second moment estimates. */
  betas: readonly [number, number];
  /** Added to the denominator for stability. */
  eps: number;
  /** Weight decay (an L2 term for Adam, decoupled for AdamW). */
  weightDecay: number;
  /** True for AdamW: the decay multiplies the parameter instead of entering the gradient. */
  decoupled: boolean;
}

const ADAM_OPTIONS = ['lr', 'betas', 'eps', 'weightDecay'] as const;

function resolve(name: string, opts: unknown, weightDecayDefault: number, decoupled: boolean): AdamDefaults {
  const o = checkOptionNames(name, opts, ADAM_OPTIONS);
  const lr = checkNumber(name, 'lr', o.lr, 1e-3, { min: 0 });
  let betas: readonly [number, number] = [0.9, 0.999];
  if (o.betas !== undefined) {
    const b = o.betas as unknown;
    if (!Array.isArray(b) || b.length !== 2) {
      throw new WasmgradError(`${name}: betas must be an array of two numbers [beta1, beta2], got ${describe(b)}`);
    }
    betas = [checkNumber(name, 'betas[0]', b[0], undefined, { min: 0, max: 1 }),
      checkNumber(name, 'betas[1]', b[1], undefined, { min: 0, max: 1 })];
  }
  const eps = checkNumber(name, 'eps', o.eps, 1e-8, { min: 0, minExclusive: true });
  const weightDecay = checkNumber(name, 'weightDecay', o.weightDecay, weightDecayDefault, { min: 0 });
  return { lr, betas: Object.freeze(betas) as readonly [number, number], eps, weightDecay, decoupled };
}

/**
 * Adam with bias correction (Kingma & Ba), as PyTorch's `torch.optim.Adam`; its `weightDecay`
 * adds an L2 term to the gradient (use `AdamW` for decoupled decay).
 */
export class Adam extends Optimizer<AdamDefaults> {
  /**
   * A WasmgradError for an unknown option or an out-of-range value.
   *
   * @param params The parameters to update (leaves that require a gradient), or param groups `{ params, ...options }`.
   * @param opts `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8), `weightDecay` (default 0).
   * @example new wg.optim.Adam(new wg.nn.Linear(3, 1).parameters(), { lr: 1e-3 })
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, opts: AdamOptions = {}) {
    // AdamW (and its subclasses) differ only in the decay rule and its default.
    const decoupled = new.target === AdamW || new.target.prototype instanceof AdamW;
    super(params, resolve(new.target.name, opts, decoupled ? 1e-2 : 0, decoupled));
  }

  /** PyTorch's names for the moment estimates. */
  protected override stateNames(): Record<string, string> {
    return { m: 'exp_avg', v: 'exp_avg_sq' };
  }

  protected override resolveGroup(where: string, group: Record<string, unknown>): AdamDefaults {
    const { decoupled, ...opts } = group;
    if (decoupled !== this.defaults.decoupled) {
      throw new WasmgradError(`${where}: decoupled is ${fmtValue(decoupled)} (a state dict of ${decoupled === true ? 'AdamW' : 'Adam'}), but this optimizer is ${this.name} (decoupled ${this.defaults.decoupled})`);
    }
    return resolve(where, opts, 0, this.defaults.decoupled);
  }

  /** A group may set lr, betas, eps, weightDecay (not decoupled: that is the class). */
  protected override groupOptionNames(): readonly string[] {
    return ADAM_OPTIONS;
  }

  protected allocState(param: Tensor): ParamState {
    return { step: 0, tensors: { m: this.stateTensor(param, 0), v: this.stateTensor(param, 0) } };
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, d: Readonly<AdamDefaults>): void {
    param.backend.adamStep(param.storage, grad.storage, state.tensors.m.storage, state.tensors.v.storage,
      d.lr, d.betas[0], d.betas[1], d.eps, d.weightDecay, d.decoupled, state.step + 1);
  }
}

/** Adam with decoupled weight decay (default weightDecay 1e-2). */
export class AdamW extends Adam {
  /**
   * A WasmgradError for an unknown option or an out-of-range value.
   *
   * @param params The parameters to update (leaves that require a gradient), or param groups `{ params, ...options }`.
   * @param opts `lr` (default 1e-3), `betas` (default [0.9, 0.999]), `eps` (default 1e-8), `weightDecay` (default 1e-2).
   * @example new wg.optim.AdamW(new wg.nn.Linear(3, 1).parameters(), { lr: 1e-3, weightDecay: 0.01 })
   */
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupOptions>, opts: AdamOptions = {}) {
    super(params, opts);
  }
}
