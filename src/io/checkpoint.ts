// Training checkpoints: a model, its optimizer and schedule, and any extra values, in one
// safetensors file that Python's safetensors opens. Layout:
//   model.<name>                 the model's parameters (and buffers) under their own names
//   optimizer.state.<i>.<key>    the optimizer's state tensors (exp_avg, momentum_buffer, ...)
//   extra.<path>                 tensors among the extra values (extra.ema, extra.history.0)
//   __metadata__ (string → string):
//     format      "wasmgrad.checkpoint.v1"
//     optimizer   JSON { type, stateDict } — the optimizer's stateDict() with its tensors
//                 replaced by {"__tensor__": "<name in the file>"}
//     scheduler   JSON { type, stateDict } — the schedule's stateDict() (plain numbers)
//     extra       JSON of the extra values; tensors as above, NaN/±Infinity/-0 as
//                 {"__number__": "NaN"} (JSON has no such numbers)
// Loading checks everything (file, names, shapes, dtypes, state dicts) before the model,
// optimizer or schedule change; on an error nothing has changed and nothing leaks.

import { WasmgradError, checkOptions } from '../errors.js';
import { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { Optimizer } from '../optim/optimizer.js';
import { LRScheduler } from '../optim/lr_scheduler.js';
import { q } from './messages.js';
import { type Loadable, type SafetensorsEntry, asBytes, parseSafetensors } from './parse.js';
import { decode, isLoadable, nativeDtype, unsupported } from './decode.js';
import { serialize } from './write.js';
import { type HasNamedParameters, applyLoad, moduleTensors, planLoad } from './module.js';

const FORMAT = 'wasmgrad.checkpoint.v1';
const TENSOR_TAG = '__tensor__';
const NUMBER_TAG = '__number__';

/**
 * What saveCheckpoint takes: any of model, optimizer, scheduler, plus extra values by name
 * (numbers, strings, booleans, null, arrays, plain objects and tensors, at any depth), as the
 * dict people pass to PyTorch's `torch.save` for a training checkpoint.
 */
export interface CheckpointContents {
  /** The model: its stateDict() (parameters and persistent buffers) is saved as `model.<name>`. */
  model?: HasNamedParameters;
  /** An optimizer: its stateDict() (hyperparameters, step counts, state tensors) is saved. */
  optimizer?: Optimizer;
  /** A learning-rate schedule: its stateDict() (epoch counter, rates, options) is saved. */
  scheduler?: LRScheduler;
  /** Any other value (epoch, best loss, an EMA tensor...), returned as is by loadCheckpoint. */
  [extra: string]: unknown;
}

/** Where loadCheckpoint puts the saved state: each part optional, each restored in place. */
export interface LoadCheckpointOptions {
  /** Receives the checkpoint's model parameters in place (names, shapes and dtypes must match). */
  model?: HasNamedParameters;
  /** Receives the saved optimizer state (loadStateDict); must be of the saved kind (Adam, SGD...). */
  optimizer?: Optimizer;
  /** Receives the saved schedule state (loadStateDict); must be of the saved kind and drive `optimizer`. */
  scheduler?: LRScheduler;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'null-prototype object'}`;
  return `a ${typeof v}`;
}

// ---- JSON with tensors -------------------------------------------------------------------------

/**
 * `value` as JSON-able data: tensors become {"__tensor__": name} and are added to `pairs` under
 * `${path}`; numbers JSON cannot hold become {"__number__": text}. Anything else that is not
 * JSON (functions, Maps, class instances, cycles) is an error naming its path.
 */
function encodeValue(op: string, value: unknown, path: string, pairs: [string, Tensor][], seen: Set<object>): unknown {
  if (value instanceof Tensor) {
    pairs.push([path, value]);
    return { [TENSOR_TAG]: path };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && !Object.is(value, -0) ? value : { [NUMBER_TAG]: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  const bad = (what: string) => new WasmgradError(`${op}: ${q(path)} is ${what}; a checkpoint holds numbers, strings, booleans, null, arrays, plain objects and tensors`);
  if (Array.isArray(value) || isPlainObject(value)) {
    if (seen.has(value)) throw bad('a circular reference');
    seen.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      out = value.map((v, i) => {
        if (v === undefined) throw bad(`an array with undefined at index ${i}`);
        return encodeValue(op, v, `${path}.${i}`, pairs, seen);
      });
    } else {
      if (TENSOR_TAG in value || NUMBER_TAG in value) throw bad(`an object with the reserved key ${TENSOR_TAG in value ? TENSOR_TAG : NUMBER_TAG}`);
      // undefined properties are left out, as JSON.stringify does.
      out = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, encodeValue(op, v, `${path}.${k}`, pairs, seen)]));
    }
    seen.delete(value);
    return out;
  }
  throw bad(kindOf(value));
}

/** The inverse of encodeValue; `tensorFor` makes the tensor a {"__tensor__"} tag names. */
function decodeValue(op: string, value: unknown, tensorFor: (name: string) => Tensor): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeValue(op, v, tensorFor));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === TENSOR_TAG && typeof obj[TENSOR_TAG] === 'string') return tensorFor(obj[TENSOR_TAG]);
  if (keys.length === 1 && keys[0] === NUMBER_TAG) {
    const n = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 }[String(obj[NUMBER_TAG])];
    if (n === undefined) throw new WasmgradError(`${op}: the checkpoint has a malformed number ${q(String(obj[NUMBER_TAG]))}`);
    return n;
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
  return Object.fromEntries(keys.map((k) => [k, decodeValue(op, obj[k], tensorFor)]));
}

// ---- saving --------------------------------------------------------------------------------------

/**
 * A checkpoint as safetensors bytes: `{ model, optimizer, scheduler, ...extra }`, each part
 * optional. Extra values may be numbers, strings, booleans, null, arrays, plain objects and
 * tensors (at any depth); loadCheckpoint returns them. The file is a safetensors file (tensors
 * `model.*`, `optimizer.state.*`, `extra.*`; the rest as JSON metadata) that Python's
 * safetensors opens. A WasmgradError for a part of the wrong kind or an extra value that is not
 * one of those (naming its path, e.g. a function or a circular reference).
 *
 * @example wg.saveCheckpoint({ model: new wg.nn.Linear(2, 1), epoch: 3 }) // a Uint8Array
 */
export function saveCheckpoint(contents: CheckpointContents): Uint8Array {
  const op = 'saveCheckpoint';
  if (!isPlainObject(contents)) throw new WasmgradError(`${op}: expected an object { model, optimizer, scheduler, ...extra }, got ${kindOf(contents)}`);
  const { model, optimizer, scheduler, ...extra } = contents;
  const pairs: [string, Tensor][] = [];
  const metadata: Record<string, string> = { format: FORMAT };
  if (model !== undefined) {
    for (const [name, t] of moduleTensors(op, model)) pairs.push([`model.${name}`, t]);
  }
  if (optimizer !== undefined) {
    if (!(optimizer instanceof Optimizer)) throw new WasmgradError(`${op}: optimizer must be an Optimizer (SGD, Adam, AdamW, ...), got ${kindOf(optimizer)}`);
    const sd = optimizer.stateDict();
    const state = Object.fromEntries(Object.entries(sd.state).map(([i, entry]) => [i, Object.fromEntries(
      Object.entries(entry).map(([k, v]) => [k, encodeValue(op, v, `optimizer.state.${i}.${k}`, pairs, new Set())]))]));
    metadata.optimizer = JSON.stringify({ type: optimizer.name, stateDict: { ...sd, state } });
  }
  if (scheduler !== undefined) {
    if (!(scheduler instanceof LRScheduler)) throw new WasmgradError(`${op}: scheduler must be a schedule (StepLR, CosineAnnealingLR, ...), got ${kindOf(scheduler)}`);
    metadata.scheduler = JSON.stringify({ type: scheduler.constructor.name, stateDict: encodeValue(op, scheduler.stateDict(), 'scheduler', [], new Set()) });
  }
  metadata.extra = JSON.stringify(encodeValue(op, extra, 'extra', pairs, new Set()));
  return serialize(op, pairs, metadata);
}

// ---- loading -------------------------------------------------------------------------------------

function parseJson(op: string, metadata: Record<string, string>, key: string): { type?: unknown; stateDict?: unknown } | undefined {
  const text = metadata[key];
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WasmgradError(`${op}: the checkpoint's ${key} metadata is not valid JSON: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
  }
  if (!isPlainObject(v)) throw new WasmgradError(`${op}: the checkpoint's ${key} metadata must be a JSON object, got ${kindOf(v)}`);
  return v;
}

/**
 * Restores a checkpoint into the given model, optimizer and scheduler (each optional; a part the
 * checkpoint lacks is an error when asked for) and returns the extra values, tensors made anew
 * on the current backend (the caller owns them). The model must match exactly (names, shapes,
 * dtypes); the optimizer and schedule must be of the saved kinds. Everything is checked before
 * anything changes: on an error (a WasmgradError, ShapeError or DTypeError naming the part) the
 * model, optimizer and schedule are as they were and nothing leaks.
 *
 * @example const m = new wg.nn.Linear(2, 1); wg.loadCheckpoint(wg.saveCheckpoint({ model: m, epoch: 3 }), { model: m }).epoch // 3
 */
export function loadCheckpoint(bytes: Uint8Array | ArrayBuffer, opts: LoadCheckpointOptions = {}): Record<string, unknown> {
  const op = 'loadCheckpoint';
  const o = checkOptions(op, opts, ['model', 'optimizer', 'scheduler']);
  const buf = asBytes(bytes, op);
  const header = parseSafetensors(buf);
  if (header.metadata.format !== FORMAT) {
    throw new WasmgradError(`${op}: not a wasmgrad checkpoint (its metadata format is ${header.metadata.format === undefined ? 'missing' : q(header.metadata.format)}, expected ${q(FORMAT)}); use load() or loadTensors() for plain model files`);
  }
  const modelEntries = new Map<string, SafetensorsEntry>();
  const byName = new Map<string, SafetensorsEntry>();
  for (const e of header.entries) {
    if (e.name.startsWith('model.')) modelEntries.set(e.name.slice('model.'.length), e);
    else if (e.name.startsWith('optimizer.state.') || e.name.startsWith('extra.')) byName.set(e.name, e);
    else throw new WasmgradError(`${op}: unexpected tensor ${q(e.name)} (a checkpoint holds model.*, optimizer.state.* and extra.* tensors)`);
  }
  const optimizerMeta = parseJson(op, header.metadata, 'optimizer');
  const schedulerMeta = parseJson(op, header.metadata, 'scheduler');

  // 1. Check what can be checked without allocating.
  const model = o.model;
  const plan = model === undefined ? null : planLoad(op, moduleTensors(op, model), modelEntries, { strict: true, cast: false }, buf);
  const optimizer = o.optimizer;
  if (optimizer !== undefined) {
    if (!(optimizer instanceof Optimizer)) throw new WasmgradError(`${op}: optimizer must be an Optimizer (SGD, Adam, AdamW, ...), got ${kindOf(optimizer)}`);
    if (optimizerMeta === undefined) throw new WasmgradError(`${op}: the checkpoint holds no optimizer state`);
    if (optimizerMeta.type !== optimizer.name) {
      throw new WasmgradError(`${op}: the checkpoint holds the state of ${q(String(optimizerMeta.type))}, but the optimizer is ${optimizer.name}`);
    }
  }
  const scheduler = o.scheduler;
  if (scheduler !== undefined) {
    if (!(scheduler instanceof LRScheduler)) throw new WasmgradError(`${op}: scheduler must be a schedule (StepLR, CosineAnnealingLR, ...), got ${kindOf(scheduler)}`);
    if (schedulerMeta === undefined) throw new WasmgradError(`${op}: the checkpoint holds no scheduler state`);
    if (schedulerMeta.type !== scheduler.constructor.name) {
      throw new WasmgradError(`${op}: the checkpoint holds the state of ${q(String(schedulerMeta.type))}, but the scheduler is ${scheduler.constructor.name}`);
    }
    if (optimizer !== undefined && scheduler.optimizer !== optimizer) {
      throw new WasmgradError(`${op}: the scheduler drives another optimizer than the one given`);
    }
  }

  // 2. Make the tensors the JSON names (optimizer state: temporary; extra: returned).
  const made: Tensor[] = [];
  const tensorFor = (prefix: string) => (name: string): Tensor => {
    const e = byName.get(name);
    if (e === undefined || !name.startsWith(prefix)) throw new WasmgradError(`${op}: the checkpoint names a tensor ${q(name)} that it does not hold`);
    if (!isLoadable(e.dtype)) throw unsupported(op, e);
    const t = tensor(decode(buf, e as SafetensorsEntry & { dtype: Loadable }), { dtype: nativeDtype(e.dtype), shape: e.shape });
    made.push(t);
    return t;
  };
  const savedLrs = scheduler?.optimizer.paramGroups.map((g) => g.lr);
  const savedSchedule = scheduler?.stateDict();
  let extra: Record<string, unknown>;
  let optimizerTensors = 0;
  try {
    const optimizerState = optimizer === undefined ? undefined : decodeValue(op, optimizerMeta!.stateDict, tensorFor('optimizer.state.'));
    optimizerTensors = made.length;
    const extraJson = header.metadata.extra === undefined ? {} : JSON.parse(header.metadata.extra);
    extra = decodeValue(op, extraJson, tensorFor('extra.')) as Record<string, unknown>;
    if (!isPlainObject(extra)) throw new WasmgradError(`${op}: the checkpoint's extra metadata must be a JSON object, got ${kindOf(extra)}`);

    // 3. Apply: the schedule (plain numbers, restorable), then the optimizer (checks everything
    // before it changes), then the model (checked in step 1, cannot fail).
    if (scheduler !== undefined) scheduler.loadStateDict(schedulerMeta!.stateDict as never);
    try {
      if (optimizer !== undefined) optimizer.loadStateDict(optimizerState as never);
    } catch (e) {
      if (scheduler !== undefined) {
        scheduler.loadStateDict(savedSchedule!);
        scheduler.optimizer.paramGroups.forEach((g, k) => { g.lr = savedLrs![k]; });
      }
      throw e;
    }
    if (plan !== null) applyLoad(buf, plan);
  } catch (e) {
    for (const t of made) t.dispose();
    if (e instanceof WasmgradError) throw e;
    throw new WasmgradError(`${op}: ${e instanceof Error ? e.message : String(e)}`);
  }
  for (const t of made.slice(0, optimizerTensors)) t.dispose();
  return extra;
}
