// Tensor lifetimes. TypeScript owns them: tidy() scopes and dispose() free deterministically,
// a FinalizationRegistry frees what became unreachable, and memory() reports what is live.
//
// Storage is reference-counted because reshape/detach share it; a storage goes back to its
// backend when the last tensor using it is disposed or collected.

import type { Storage, Backend } from '../backend/backend.js';
import { DisposedError, WasmgradError, describeValue } from '../errors.js';
import { wasmHeapBytes } from '../runtime.js';
import type { Tensor } from '../tensor.js';

/**
 * @internal Marks Tensor.prototype (tensor.ts sets it), so this layer, which sits below
 * tensor.ts, recognises tensors without importing the class.
 */
export const TENSOR_BRAND: unique symbol = Symbol('wasmgrad.Tensor');

/** True for a Tensor (or an instance of a subclass): `v instanceof Tensor`, seen from below. */
function isTensor(v: unknown): v is Tensor {
  return v !== null && v !== undefined && (v as { [TENSOR_BRAND]?: boolean })[TENSOR_BRAND] === true;
}

/** Live counts, kept exact by every path that creates or frees. */
const stats = { tensors: 0, bytes: 0 };

/** What the FinalizationRegistry needs to release a collected tensor: never the tensor itself. */
interface Held { storage: Storage; backend: Backend }

const registry: FinalizationRegistry<Held> | null =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Held>((held) => {
      stats.tensors--;
      releaseStorage(held.storage, held.backend);
    })
    : null;

function releaseStorage(s: Storage, backend: Backend): void {
  if (--s.refs === 0 && !s.freed) {
    stats.bytes -= s.bytes;
    backend.free(s);
  }
}

/**
 * Called by the Tensor constructor: counts it, and either tracks it in the open scope or arms
 * the safety net. A scope holds its tensors strongly, so a tensor inside one cannot be collected;
 * it is registered with the FinalizationRegistry only if it outlives the outermost scope (most
 * tensors made inside tidy never are, which keeps registration off the per-op path).
 */
export function registerTensor(t: Tensor, storage: Storage, backend: Backend): void {
  if (storage.refs++ === 0) stats.bytes += storage.bytes;
  stats.tensors++;
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
  else registry?.register(t, { storage, backend }, t);
}

/** A tensor leaving the outermost scope alive: from now on only garbage collection frees it. */
function escape(t: Tensor): void {
  registry?.register(t, { storage: t.storage, backend: t.backend }, t);
}

/** Frees one tensor's hold on its storage (idempotent). */
export function releaseTensor(t: Tensor, storage: Storage, backend: Backend): void {
  registry?.unregister(t);
  stats.tensors--;
  releaseStorage(storage, backend);
}

// ---- scopes ----------------------------------------------------------------------------------

/** Open scopes, innermost last; each lists the tensors created while it was innermost. */
const scopes: Tensor[][] = [];

/** Opens a scope; pair with closeScope. Used by tidy and by ops that must clean up on error. */
export function openScope(): Tensor[] {
  const s: Tensor[] = [];
  scopes.push(s);
  return s;
}

/**
 * Closes the innermost scope (which must be `scope`). Tensors in `keep` move to the parent
 * scope (so an outer tidy still owns them); all others are disposed unless `disposeRest` is
 * false, in which case they move to the parent too.
 */
export function closeScope(scope: Tensor[], keep: Set<Tensor> | null, disposeRest: boolean): void {
  const top = scopes.pop();
  if (top !== scope) throw new WasmgradError('tidy: scopes closed out of order');
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : null;
  for (let i = 0; i < scope.length; i++) {
    const t = scope[i];
    if (t.isDisposed) continue;
    if (!disposeRest || t.isKept || (keep !== null && keep.has(t))) {
      if (parent !== null) parent.push(t);
      else escape(t);
    } else {
      t.dispose();
    }
  }
}

/** Closes the innermost scope when it holds nothing but `t`, which moves to the parent. */
export function closeScopeKeepingOnly(scope: Tensor[], t: Tensor): void {
  if (scopes.pop() !== scope) throw new WasmgradError('tidy: scopes closed out of order');
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
  else escape(t);
}

/** Collects the tensors inside a tidy result: a tensor, or arrays / plain objects of them. */
function collectTensors(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) { out.add(value); return; }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const v of Object.values(value as Record<string, unknown>)) collectTensors(v, out, depth + 1);
  }
}

/**
 * Runs fn and frees every tensor created inside it, except what fn returns (a tensor, or
 * arrays/objects of tensors), tensors marked with keep(), and gradients stored on `.grad`.
 * If fn throws, everything it made is freed and the error propagates.
 *
 * Like TensorFlow.js' `tf.tidy`; fn must be synchronous (a returned Promise is a WasmgradError).
 * Scopes nest.
 *
 * @example wg.tidy(() => wg.ones([2]).add(1).mul(3)) // tensor([6, 6])
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new WasmgradError('tidy: expected a function');
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(scope, null, true);
    throw e;
  }
  if (result instanceof Promise) {
    closeScope(scope, null, false);
    throw new WasmgradError('tidy: the function returned a Promise; tidy only supports synchronous functions');
  }
  const keep = new Set<Tensor>();
  collectTensors(result, keep);
  closeScope(scope, keep, true);
  return result;
}

/** How deep dispose() looks into arrays and plain objects (the depth tidy() looks too). */
const DISPOSE_DEPTH = 8;

/**
 * The tensors in a dispose() argument: a tensor, or arrays / plain objects of them, where null
 * and undefined entries (an optional bias) are skipped. Anything else — a number, a string, a
 * Module or Map, nesting deeper than tidy() looks — is an error naming where it was, so that
 * `dispose(5)` or `dispose(model)` does not silently free nothing. Nothing is freed on error.
 */
function tensorsToDispose(value: unknown, out: Set<Tensor>, path: string, depth: number): void {
  if (isTensor(value)) { out.add(value); return; }
  if (depth > 0 && (value === null || value === undefined)) return;
  const plain = value !== null && typeof value === 'object'
    && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
  if (!plain) {
    const where = depth === 0 ? '' : ` at ${path}`;
    throw new WasmgradError(`dispose: expected a Tensor or an array or plain object of Tensors, got ${describeValue(value)}${where}`);
  }
  if (depth === DISPOSE_DEPTH) throw new WasmgradError(`dispose: tensors nested more than ${DISPOSE_DEPTH} levels deep (at ${path})`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => tensorsToDispose(v, out, `${path}[${i}]`, depth + 1));
  } else {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) tensorsToDispose(v, out, `${path}.${k}`, depth + 1);
  }
}

/**
 * Disposes a tensor, or every tensor inside an array or plain object (nested up to 8 levels;
 * null and undefined entries skipped). Already disposed tensors are skipped. Anything else (a
 * number, a Module, a Map, deeper nesting) is a WasmgradError naming where it was, and then
 * nothing is freed.
 *
 * @example wg.dispose([wg.ones([2]), wg.zeros([3])])
 */
export function dispose(value: unknown): void {
  const set = new Set<Tensor>();
  tensorsToDispose(value, set, 'argument', 0);
  for (const t of set) t.dispose();
}

/**
 * Exempts a tensor from the enclosing tidy scopes; returns it.
 *
 * @example wg.tidy(() => { wg.keep(wg.ones([2])); }) // the kept tensor outlives the tidy
 */
export function keep<T extends Tensor>(t: T): T {
  if (!isTensor(t)) throw new WasmgradError(`keep: expected a Tensor, got ${describeValue(t)}`);
  if (t.isDisposed) throw new DisposedError(`keep: the tensor (shape ${t.shapeString}) was already disposed`);
  t.markKept();
  return t;
}

/**
 * Live tensors, the bytes of their storage, and the wasm heap size.
 *
 * `{ tensors, bytes, wasmBytes }`: the count of live (not disposed) tensors, the bytes of
 * their storage (shared storage counted once), and the size of the wasm linear memory.
 *
 * @example wg.memory().tensors // e.g. 0 when everything was freed
 */
export function memory(): { tensors: number; bytes: number; wasmBytes: number } {
  return { tensors: stats.tensors, bytes: stats.bytes, wasmBytes: wasmHeapBytes() };
}
