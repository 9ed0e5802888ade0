// A module's parameters and persistent buffers (its stateDict()) as a safetensors file, and
// back. Loading checks names, shapes and dtypes before anything is written, then writes the file's
// values into the existing tensors in place, so optimizers holding them keep working.
// planLoad/applyLoad are the two halves, shared with checkpoints (src/io/checkpoint.ts).

import { DTypeError, ShapeError, WasmgradError, checkOptions, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { describe, fmtList, q, shp } from './messages.js';
import { type Loadable, type SafetensorsEntry, asBytes, parseSafetensors } from './parse.js';
import { decode, decodeI64AsInt32, isLoadable, unsupported } from './decode.js';
import { collectEntries, serialize } from './write.js';

/** Anything with named parameters: nn.Module, or a plain object for tests. */
export interface HasNamedParameters {
  namedParameters(): Iterable<readonly [string, Tensor]>;
  /** Parameters and persistent buffers (BatchNorm's running statistics) by name, if the object has them. */
  stateDict?(): Iterable<readonly [string, Tensor]>;
}

/** The module's [name, tensor] pairs: parameters, then buffers when the module has them. */
export function moduleTensors(op: string, module: unknown): [string, Tensor][] {
  if (module === null || (typeof module !== 'object' && typeof module !== 'function')
    || typeof (module as HasNamedParameters).namedParameters !== 'function') {
    throw new WasmgradError(`${op}: expected a module with namedParameters(), got ${describe(module)}`);
  }
  const m = module as HasNamedParameters;
  // A Module's stateDict(): parameters and persistent buffers (non-persistent ones are not saved).
  if (typeof m.stateDict === 'function') return collectEntries(op, m.stateDict());
  return collectEntries(op, [...m.namedParameters()]);
}

/**
 * A module's stateDict() (parameters and persistent buffers such as BatchNorm's running
 * statistics) as a safetensors file (see saveTensors); PyTorch's `save_file(model.state_dict())`.
 *
 * The tensors are named as by `stateDict()` (`0.weight`, `0.bias`, ...), so a PyTorch model with
 * the same layer names loads the file with `load_state_dict`. A WasmgradError if `module` has no
 * `namedParameters()`.
 *
 * @example wg.save(new wg.nn.Linear(2, 1)) // a Uint8Array in safetensors format
 */
export function save(module: HasNamedParameters, metadata?: Record<string, string>): Uint8Array {
  return serialize('save', moduleTensors('save', module), metadata);
}

export interface LoadOptions {
  /**
   * true (default): every parameter must be in the file and every tensor in the file must be a
   * parameter. false: names on only one side are skipped (as PyTorch's load_state_dict with
   * strict=False); the result lists them.
   */
  strict?: boolean;
  /**
   * false (default): a tensor whose dtype in the file differs from its parameter's is a
   * DTypeError. true: the values are converted to the parameter's dtype (F16/BF16/F32 ↔ float64
   * and so on; float64 → float32 rounds).
   */
  cast?: boolean;
}

export interface LoadResult {
  /** Parameters the file had no tensor for (always empty when strict). */
  missing: string[];
  /** Tensors in the file that are not parameters (always empty when strict). */
  unexpected: string[];
}

/** A checked load: which file entry goes into which tensor. Applying it cannot fail. */
export interface LoadPlan extends LoadResult {
  readonly writes: readonly (readonly [Tensor, SafetensorsEntry & { dtype: Loadable | 'I64' }])[];
}

/** The file dtype that holds a wasmgrad dtype without conversion. */
const EXACT_FILE_DTYPE: Readonly<Record<string, string>> = { float32: 'F32', float64: 'F64', int32: 'I32' };

function checkFlag(op: string, key: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new WasmgradError(`${op}: ${key} must be true or false, got ${describe(v)}`);
  return v;
}

/** Reads { strict, cast } (the options of load and of the model part of loadCheckpoint). */
export function loadFlags(op: string, opts: unknown): { strict: boolean; cast: boolean } {
  const o = checkOptions(op, opts, ['strict', 'cast']);
  return { strict: checkFlag(op, 'strict', o.strict, true), cast: checkFlag(op, 'cast', o.cast, false) };
}

/**
 * Matches `targets` (name → tensor to fill) with the file's `entries` (name → entry) and checks
 * every pair: names (strict), loadable dtype, shape, dtype (unless cast). Writes nothing.
 */
export function planLoad(op: string, targets: readonly (readonly [string, Tensor])[],
  entries: ReadonlyMap<string, SafetensorsEntry>, flags: { strict: boolean; cast: boolean }, bytes?: Uint8Array): LoadPlan {
  const targetNames = new Set(targets.map(([n]) => n));
  const missing = targets.map(([n]) => n).filter((n) => !entries.has(n));
  const unexpected = [...entries.keys()].filter((n) => !targetNames.has(n));
  if (flags.strict && (missing.length > 0 || unexpected.length > 0)) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.length} parameter${missing.length === 1 ? '' : 's'}: ${fmtList(missing)}`);
    if (unexpected.length > 0) parts.push(`${unexpected.length} unexpected tensor${unexpected.length === 1 ? '' : 's'}: ${fmtList(unexpected)}`);
    throw new WasmgradError(`${op}: the file does not match the module: ${parts.join('; ')} (pass { strict: false } to skip them)`);
  }
  const writes: [Tensor, SafetensorsEntry & { dtype: Loadable | 'I64' }][] = [];
  for (const [name, p] of targets) {
    const e = entries.get(name);
    if (e === undefined) continue;
    // An int64 counter (PyTorch's num_batches_tracked) loads into an int32 tensor, range-checked now.
    const i64 = e.dtype === 'I64' && p.dtype === 'int32';
    if (!isLoadable(e.dtype) && !i64) throw unsupported(op, e);
    if (e.shape.length !== p.shape.length || e.shape.some((d, k) => d !== p.shape[k])) {
      throw new ShapeError(`${op}: tensor ${q(name)} has shape ${shp(e.shape)} in the file, but the parameter has shape ${fmtShape(p.shape)}`);
    }
    if (i64) {
      if (bytes !== undefined) decodeI64AsInt32(op, bytes, e);
    } else if (!flags.cast && EXACT_FILE_DTYPE[p.dtype] !== e.dtype) {
      throw new DTypeError(`${op}: tensor ${q(name)} is ${e.dtype} in the file, but the parameter is ${p.dtype} (pass { cast: true } to convert)`);
    }
    writes.push([p, e as SafetensorsEntry & { dtype: Loadable | 'I64' }]);
  }
  return { writes, missing: flags.strict ? [] : missing, unexpected: flags.strict ? [] : unexpected };
}

/** Writes a checked plan: each tensor keeps its storage and receives the file's values. */
export function applyLoad(bytes: Uint8Array, plan: LoadPlan): void {
  // Values convert to the tensor's dtype on write (the plan has checked that this was allowed).
  for (const [p, e] of plan.writes) {
    p.backend.write(p.storage, e.dtype === 'I64' ? decodeI64AsInt32('load', bytes, e) : decode(bytes, e as SafetensorsEntry & { dtype: Loadable }));
    p.bumpVersion(); // an in-place write: graphs that recorded the old values must not backprop
  }
}

/**
 * Restores a module's parameters and persistent buffers from a safetensors file, in place (as
 * PyTorch's `load_state_dict`): each tensor keeps its Tensor object and storage (optimizers
 * holding it keep working), receives the file's values and has its version bumped. Everything is
 * validated first; on any error nothing has been written.
 *
 * Returns `{ missing, unexpected }` (both empty unless `opts.strict` is false). Errors: a
 * WasmgradError for malformed bytes, an unknown option or (strict) missing or unexpected names, a
 * ShapeError for a shape that does not fit its tensor, a DTypeError for an unloadable dtype or
 * (unless `opts.cast`) a dtype that differs from the tensor's.
 *
 * @example wg.load(new wg.nn.Linear(2, 1), wg.save(new wg.nn.Linear(2, 1))) // { missing: [], unexpected: [] }
 */
export function load(module: HasNamedParameters, bytes: Uint8Array | ArrayBuffer, opts: LoadOptions = {}): LoadResult {
  const flags = loadFlags('load', opts);
  const targets = moduleTensors('load', module);
  const buf = asBytes(bytes, 'load');
  const header = parseSafetensors(buf);
  const plan = planLoad('load', targets, new Map(header.entries.map((e) => [e.name, e])), flags, buf);
  applyLoad(buf, plan);
  return { missing: plan.missing, unexpected: plan.unexpected };
}
