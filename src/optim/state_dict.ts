// Shapes and checks of optimizer and schedule state dicts, shaped like PyTorch's:
//   optimizer: { state: { [paramIndex]: { step, exp_avg, exp_avg_sq } | { step, momentum_buffer } },
//                paramGroups: [{ lr, betas, eps, weightDecay, ..., params: [0, 1] }, { ..., params: [2, 3, 4] }], stepCount }
//   schedule:  { lastEpoch, baseLrs: [lr per group], lastLr: [lr per group], ...its options (stepSize, gamma, ...) }
// Everything here only checks and reports; the classes apply a dict after it passed every check.

import { DTypeError, DisposedError, ShapeError, WasmgradError, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';

/** One parameter's optimizer state: its update count and its state tensors under PyTorch's names. */
export interface ParamStateDict {
  /** Updates this parameter has had (PyTorch keeps it as a tensor; here a plain number). */
  step: number;
  [stateName: string]: number | Tensor;
}

/** The hyperparameters of a parameter group, and the indices of its parameters. */
export interface ParamGroupDict {
  /** The current learning rate (what a schedule last set). */
  lr: number;
  /** The indices of the group's parameters, counting across the groups in order ([0, 1], then [2, 3, 4], ...). */
  params: number[];
  [hyperparameter: string]: unknown;
}

/**
 * An optimizer's stateDict(), shaped like PyTorch's `optimizer.state_dict()`:
 * `{ state: { [i]: { step, exp_avg, ... } }, paramGroups: [{ lr, ..., params }], stepCount }`.
 */
export interface OptimizerStateDict {
  /** Per parameter index; parameters that have not been updated yet have no entry. */
  state: Record<number, ParamStateDict>;
  /** One entry per parameter group, in order. */
  paramGroups: ParamGroupDict[];
  /** Completed step() calls (not in PyTorch's dict; optional when loading). */
  stepCount?: number;
}

/**
 * A learning-rate schedule's stateDict(), PyTorch's `scheduler.state_dict()` in camelCase:
 * `{ lastEpoch, baseLrs, lastLr, ...options }`, plain numbers only.
 */
export interface SchedulerStateDict {
  /** Epochs stepped so far. */
  lastEpoch: number;
  /** The optimizer's lr when the schedule was made, one per parameter group. */
  baseLrs: number[];
  /** The rate the schedule set last, one per parameter group. */
  lastLr: number[];
  [option: string]: unknown;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value for messages: tensors by shape and dtype, everything else by fmtValue. */
export function show(v: unknown): string {
  if (v instanceof Tensor) return v.isDisposed ? 'a disposed Tensor' : `a Tensor ${v.shapeString} ${v.dtype}`;
  return fmtValue(v);
}

/**
 * The keys of `obj` must be exactly `required` plus any of `optional`: an unknown key is an error
 * naming it and the accepted keys, a missing one an error naming it.
 */
export function checkKeys(op: string, where: string, obj: Record<string, unknown>,
  required: readonly string[], optional: readonly string[] = []): void {
  for (const k of Object.keys(obj)) {
    if (!required.includes(k) && !optional.includes(k)) {
      throw new WasmgradError(`${op}: ${where} has an unknown key '${k}' (expected ${[...required, ...optional].join(', ')})`);
    }
  }
  for (const k of required) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) {
      throw new WasmgradError(`${op}: ${where} is missing '${k}' (expected ${[...required, ...optional].join(', ')})`);
    }
  }
}

export function checkObject(op: string, where: string, v: unknown): Record<string, unknown> {
  if (!isPlainObject(v)) throw new WasmgradError(`${op}: ${where} must be a plain object, got ${show(v)}`);
  return v;
}

export function checkCount(op: string, where: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new WasmgradError(`${op}: ${where} must be a non-negative integer, got ${show(v)}`);
  }
  return v;
}

/** A state tensor must be live and have its parameter's shape and dtype (any backend). */
export function checkStateTensor(op: string, where: string, v: unknown, param: Tensor, index: number): Tensor {
  if (!(v instanceof Tensor)) throw new WasmgradError(`${op}: ${where} must be a Tensor, got ${show(v)}`);
  if (v.isDisposed) throw new DisposedError(`${op}: ${where} was disposed`);
  if (v.shapeString !== param.shapeString) {
    throw new ShapeError(`${op}: ${where} has shape ${v.shapeString}, but parameter ${index} has shape ${param.shapeString}`);
  }
  if (v.dtype !== param.dtype) {
    throw new DTypeError(`${op}: ${where} is ${v.dtype}, but parameter ${index} (shape ${param.shapeString}) is ${param.dtype}`);
  }
  return v;
}

/** The parameter index a state key names: "0", "1", ... below `count`. */
export function checkParamIndex(op: string, key: string, count: number): number {
  const i = /^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : NaN;
  if (!(i < count)) {
    throw new WasmgradError(`${op}: state has an entry for parameter ${fmtValue(key)}, but this optimizer has ${count} parameter${count === 1 ? '' : 's'} (indices 0..${count - 1})`);
  }
  return i;
}

/**
 * paramGroups must have one group per entry of `sizes`, of that many parameters, whose params are
 * the indices counting across the groups in order (PyTorch's layout): [0, 1], [2, 3, 4] for sizes
 * [2, 3].
 */
export function checkParamGroups(op: string, v: unknown, sizes: readonly number[]): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw new WasmgradError(`${op}: paramGroups must be an array, got ${show(v)}`);
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (v.length !== sizes.length) {
    throw new WasmgradError(`${op}: the state dict has ${plural(v.length, 'parameter group')}; this optimizer has ${sizes.length}`);
  }
  let first = 0;
  return v.map((g, k) => {
    const group = checkObject(op, `paramGroups[${k}]`, g);
    const params = group.params;
    if (!Array.isArray(params)) throw new WasmgradError(`${op}: paramGroups[${k}].params must be an array of parameter indices, got ${show(params)}`);
    if (params.length !== sizes[k]) {
      const where = sizes.length === 1 ? 'the state dict has' : `paramGroups[${k}] has`;
      const mine = sizes.length === 1 ? 'this optimizer has' : `this optimizer's group ${k} has`;
      throw new WasmgradError(`${op}: ${where} ${plural(params.length, 'parameter')}, ${mine} ${sizes[k]}`);
    }
    params.forEach((p, j) => {
      if (p !== first + j) {
        throw new WasmgradError(`${op}: paramGroups[${k}].params must be [${first}, ..., ${first + sizes[k] - 1}] (indices counting across the groups in order), got ${show(p)} at position ${j}`);
      }
    });
    first += sizes[k];
    return group;
  });
}

/** A list of one learning rate per parameter group (baseLrs, lastLr). */
export function checkLrList(op: string, key: string, v: unknown, groups: number): number[] {
  if (!Array.isArray(v) || v.length !== groups || v.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0)) {
    const what = groups === 1 ? 'one finite learning rate >= 0 (one parameter group)' : `${groups} finite learning rates >= 0 (one per parameter group)`;
    throw new WasmgradError(`${op}: ${key} must be an array of ${what}, got ${show(v)}`);
  }
  return v.slice();
}
