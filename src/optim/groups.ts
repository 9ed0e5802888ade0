// Parameter groups (PyTorch's `param_groups`): an optimizer's parameters come as one flat list
// (one group with the constructor's options) or as group objects `{ params, ...overrides }`.
// Here: parsing and checking the constructor's argument and addParamGroup's, and the group
// objects users see (`optimizer.paramGroups`), whose lr is settable and checked; and the check
// of every parameter's gradient that precedes a step.

import { DTypeError, DisposedError, ShapeError, WasmgradError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { checkNumber, describe } from './options.js';
import { isPlainObject } from './state_dict.js';

/**
 * One parameter group as given to an optimizer: its parameters and any of the optimizer's
 * options, which override the constructor's for this group (PyTorch's param group dict).
 */
export interface ParamGroupOptions {
  /** The group's parameters (a Tensor or an iterable of Tensors). */
  params: Iterable<Tensor> | Tensor;
  /** Any option of the optimizer (lr, weightDecay, ...), for this group only. */
  [option: string]: unknown;
}

/**
 * A parameter group of an optimizer (`optimizer.paramGroups[k]`): its parameters and its resolved
 * hyperparameters. `lr` is settable (checked: a finite number >= 0); the others are read-only.
 */
export type ParamGroup<D> = Readonly<Omit<D, 'lr'>> & {
  /** The group's parameters, in order. */
  readonly params: readonly Tensor[];
  /** The learning rate of this group's next step. */
  lr: number;
};

/** A group as the optimizer keeps it: the user's view and the live hyperparameters it reads. */
export interface GroupSlot<D> {
  readonly view: ParamGroup<D>;
  /** The resolved hyperparameters, `lr` the current rate; the view reads these. */
  readonly hyper: D;
  readonly params: readonly Tensor[];
}

/** A parsed group: its checked parameters and its option overrides (unchecked values; null for a flat list). */
export interface ParsedGroup {
  params: Tensor[];
  overrides: Record<string, unknown> | null;
}

/**
 * The constructor's `params` as groups: a flat iterable of Tensors is one group without
 * overrides (error messages as before groups existed); an array of group objects is one group
 * each. `seen` maps parameters already in the optimizer to their group (filled as it goes).
 */
export function parseParams(name: string, params: unknown, optionNames: readonly string[], seen: Map<Tensor, number>): ParsedGroup[] {
  if (params instanceof Tensor) {
    throw new WasmgradError(`${name}: params must be an iterable of Tensors, got a single Tensor (wrap it in an array)`);
  }
  if (!isIterable(params)) {
    throw new WasmgradError(`${name}: params must be an iterable of Tensors (such as module.parameters()) or an array of param groups { params, ...options }, got ${describe(params)}`);
  }
  const items = [...params];
  if (items.length === 0) throw new WasmgradError(`${name}: got an empty parameter list`);
  if (!isPlainObject(items[0])) return [{ params: checkTensors(name, '', items, 0, seen), overrides: null }];
  return items.map((g, k) => parseGroup(name, g, k, optionNames, seen));
}

/**
 * One group object `{ params, ...overrides }` (index `k` in messages): `params` a Tensor or an
 * iterable of them, non-empty, none already in a group; the other keys must be option names.
 */
export function parseGroup(name: string, group: unknown, k: number, optionNames: readonly string[], seen: Map<Tensor, number>): ParsedGroup {
  if (!isPlainObject(group)) {
    throw new WasmgradError(`${name}: param group ${k} must be an object { params, ...options }, got ${describe(group)}`);
  }
  const { params, ...overrides } = group;
  for (const key of Object.keys(overrides)) {
    if (!optionNames.includes(key)) {
      throw new WasmgradError(`${name}: param group ${k} has an unknown option '${key}' (expected params, ${optionNames.join(', ')})`);
    }
  }
  if (!Object.prototype.hasOwnProperty.call(group, 'params')) {
    throw new WasmgradError(`${name}: param group ${k} has no 'params' (expected { params: [tensors], ...options })`);
  }
  let list: unknown[];
  if (params instanceof Tensor) list = [params];
  else if (isIterable(params)) list = [...params];
  else throw new WasmgradError(`${name}: param group ${k}: params must be a Tensor or an iterable of Tensors, got ${describe(params)}`);
  if (list.length === 0) throw new WasmgradError(`${name}: param group ${k} is empty (its params hold no tensors)`);
  return { params: checkTensors(name, `param group ${k}: `, list, k, seen), overrides };
}

/** Each item must be a live leaf Tensor that requires grad and is in no group yet. */
function checkTensors(name: string, where: string, items: unknown[], group: number, seen: Map<Tensor, number>): Tensor[] {
  const mine = new Map<Tensor, number>();
  items.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new WasmgradError(`${name}: ${where}parameter ${i} is not a Tensor (got ${describe(p)})`);
    if (p.isDisposed) throw new DisposedError(`${name}: ${where}parameter ${i} (shape ${p.shapeString}) was disposed`);
    if (!p.requiresGrad) {
      throw new WasmgradError(`${name}: ${where}parameter ${i} (shape ${p.shapeString}) does not require grad; create it with { requiresGrad: true }`);
    }
    if (!p.isLeaf) {
      throw new WasmgradError(`${name}: ${where}parameter ${i} (shape ${p.shapeString}) is not a leaf tensor (it was made by ${p.node!.gate.name}); optimize the leaves it came from`);
    }
    if (mine.has(p)) throw new WasmgradError(`${name}: ${where}parameter ${i} (shape ${p.shapeString}) appears more than once`);
    const other = seen.get(p);
    if (other !== undefined) {
      throw new WasmgradError(`${name}: ${where}parameter ${i} (shape ${p.shapeString}) is already in param group ${other}; a parameter may be in one group only`);
    }
    mine.set(p, i);
  });
  for (const p of mine.keys()) seen.set(p, group);
  return [...mine.keys()];
}

/**
 * The group object users see: `params`, a checked settable `lr` and read-only hyperparameters,
 * all read from `hyper` (which loadStateDict may update in place).
 */
export function makeGroup<D extends { lr: number }>(name: string, index: number, params: readonly Tensor[], hyper: D): GroupSlot<D> {
  const view = {} as Record<string, unknown>;
  Object.defineProperty(view, 'params', { value: params, enumerable: true });
  Object.defineProperty(view, 'lr', {
    enumerable: true,
    get: () => hyper.lr,
    set: (v: unknown) => { hyper.lr = checkNumber(`${name}: paramGroups[${index}]`, 'lr', v, undefined, { min: 0 }); },
  });
  for (const k of Object.keys(hyper)) {
    if (k !== 'lr') Object.defineProperty(view, k, { enumerable: true, get: () => (hyper as Record<string, unknown>)[k] });
  }
  return { view: Object.preventExtensions(view) as ParamGroup<D>, hyper, params };
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && v !== undefined && typeof v !== 'string' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/**
 * Each parameter's gradient (null: none), after checking that the parameters and gradients are
 * live and that each gradient has its parameter's shape, dtype and backend; errors name the
 * parameter's index (`op` e.g. 'Adam.step').
 */
export function checkGradients(op: string, params: readonly Tensor[]): (Tensor | null)[] {
  const grads: (Tensor | null)[] = new Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p.isDisposed) throw new DisposedError(`${op}: parameter ${i} (shape ${p.shapeString}) was disposed`);
    const g = p.grad;
    grads[i] = g;
    if (g === null) continue;
    if (g.isDisposed) throw new DisposedError(`${op}: the gradient of parameter ${i} (shape ${p.shapeString}) was disposed`);
    if (g.shapeString !== p.shapeString) {
      throw new ShapeError(`${op}: the gradient of parameter ${i} has shape ${g.shapeString}, the parameter ${p.shapeString}`);
    }
    if (g.dtype !== p.dtype) {
      throw new DTypeError(`${op}: the gradient of parameter ${i} (shape ${p.shapeString}) is ${g.dtype}, the parameter ${p.dtype}`);
    }
    if (g.backend !== p.backend) {
      throw new WasmgradError(`${op}: the gradient of parameter ${i} (shape ${p.shapeString}) is on the ${g.backend.name} backend, the parameter on ${p.backend.name}`);
    }
  }
  return grads;
}
