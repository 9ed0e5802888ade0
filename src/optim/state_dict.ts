// Shapes and checks of optimizer and schedule state dicts, shaped like PyTorch's:
//   optimizer: { state: { [paramIndex]: { step, exp_avg, exp_avg_sq } | { step, momentum_buffer } },
//                paramGroups: [{ lr, betas, eps, weightDecay, ..., params: [0, 1, ...] }], stepCount }
//   schedule:  { lastEpoch, baseLrs: [lr], lastLr: [lr], ...its options (stepSize, gamma, ...) }
// Everything here only checks and reports; the classes apply a dict after it passed every check.

import { DTypeError, DisposedError, ShapeError, WasmgradError, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';

/** One parameter's optimizer state: its update count and its state tensors under PyTorch's names. */
export interface ParamStateDict {
  /** Updates this parameter has had (PyTorch keeps it as a tensor; here a plain number). */
  step: number;
  [stateName: string]: number | Tensor;
}

/** The hyperparameters of the (single) parameter group, and the indices of its parameters. */
export interface ParamGroupDict {
  /** The current learning rate (what a schedule last set). */
  lr: number;
  /** The indices of the group's parameters: all of them, [0, 1, ...]. */
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
  /** One group (wasmgrad optimizers have one parameter group). */
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

/** paramGroups must be one group whose params are [0, 1, ..., count - 1]. */
export function checkParamGroups(op: string, v: unknown, count: number): Record<string, unknown> {
  if (!Array.isArray(v)) throw new WasmgradError(`${op}: paramGroups must be an array, got ${show(v)}`);
  if (v.length !== 1) {
    throw new WasmgradError(`${op}: the state dict has ${v.length} parameter groups; wasmgrad optimizers have exactly 1`);
  }
  const group = checkObject(op, 'paramGroups[0]', v[0]);
  const params = group.params;
  if (!Array.isArray(params)) throw new WasmgradError(`${op}: paramGroups[0].params must be an array of parameter indices, got ${show(params)}`);
  if (params.length !== count) {
    throw new WasmgradError(`${op}: the state dict has ${params.length} parameter${params.length === 1 ? '' : 's'}, this optimizer has ${count}`);
  }
  params.forEach((p, k) => {
    if (p !== k) throw new WasmgradError(`${op}: paramGroups[0].params must be [0, 1, ..., ${count - 1}], got ${show(p)} at position ${k}`);
  });
  return group;
}

/** A one-element list of learning rates (baseLrs, lastLr). */
export function checkLrList(op: string, key: string, v: unknown): number {
  if (!Array.isArray(v) || v.length !== 1 || typeof v[0] !== 'number' || !Number.isFinite(v[0]) || v[0] < 0) {
    throw new WasmgradError(`${op}: ${key} must be an array of one finite learning rate >= 0 (one parameter group), got ${show(v)}`);
  }
  return v[0];
}
