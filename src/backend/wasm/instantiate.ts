// Instantiating a build of the module and wrapping it as a Backend.

import { instantiate } from '@assemblyscript/loader';
import { BackendError } from '../../errors.js';
import type { WasmExports } from './exports.js';
import { loadWasmBytes, type WasmVariant } from './load.js';
import { defaultThreads, workerFactory } from './pool.js';
import { pickVariant } from './features.js';
import { WasmBackend } from './backend.js';

export interface WasmBackendOptions {
  /** Which build to load (default: pickVariant()). */
  variant?: WasmVariant;
  /** Threads for large kernels (default: defaultThreads()); ignored by the baseline build. */
  threads?: number;
  /** The module's bytes, instead of loading the variant's file. */
  bytes?: Uint8Array | ArrayBuffer;
}

/** AssemblyScript's abort(message, file, line, column) import: throws with the decoded strings. */
function abortImport(memory: WebAssembly.Memory): (msg: number, file: number, line: number, col: number) => never {
  const str = (ptr: number): string => {
    if (!ptr) return '';
    const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
    const units = new Uint16Array(memory.buffer, ptr, bytes >>> 2);
    let out = '';
    for (let i = 0; i < units.length; i += 1024) out += String.fromCharCode(...units.subarray(i, i + 1024));
    return out;
  };
  return (msg, file, line, col) => {
    throw new Error(`abort: ${str(msg)} in ${str(file)}(${line}:${col})`);
  };
}

/** Pages of the shared memory: 1 MiB to start, and the whole wasm32 space (4 GiB) as the maximum
 * (reserved as address space only: it costs no RSS). */
const SHARED_INITIAL_PAGES = 16;
const SHARED_MAXIMUM_PAGES = 65536;

/**
 * Instantiates a build of the module through @assemblyscript/loader (which supplies the abort
 * import that turns AssemblyScript aborts into JS errors) and wraps it as a Backend. A
 * Uint8Array/ArrayBuffer argument is the baseline build's bytes (the original signature).
 * When the threaded builds cannot be loaded (e.g. a browser bundle without its threads file),
 * the baseline build is used.
 */
export async function createWasmBackend(opts: WasmBackendOptions | Uint8Array | ArrayBuffer = {}): Promise<WasmBackend> {
  const o: WasmBackendOptions = opts instanceof Uint8Array || opts instanceof ArrayBuffer ? { bytes: opts, variant: 'baseline' } : opts;
  let variant = o.variant ?? (o.bytes ? 'baseline' : await pickVariant());
  let source: Uint8Array | ArrayBuffer;
  try {
    source = o.bytes ?? await loadWasmBytes(variant);
  } catch (e) {
    if (variant === 'baseline' || o.variant !== undefined) throw e;
    variant = 'baseline';
    source = await loadWasmBytes(variant);
  }
  if (variant === 'baseline') {
    let instance: WebAssembly.Instance;
    try {
      ({ instance } = await instantiate<Record<string, unknown>>(source));
    } catch (e) {
      throw new BackendError(`wasm: cannot instantiate wasmgrad.wasm: ${(e as Error).message}`);
    }
    // The raw exports, not the loader's demangled wrappers: those add a rest-args closure per call.
    return new WasmBackend(instance.exports as unknown as WasmExports, 'baseline');
  }
  let module: WebAssembly.Module, instance: WebAssembly.Instance;
  try {
    module = await WebAssembly.compile(source as BufferSource);
    const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    // Instantiated directly: the only function import is AssemblyScript's abort.
    instance = await WebAssembly.instantiate(module, { env: { memory, abort: abortImport(memory) } });
  } catch (e) {
    throw new BackendError(`wasm: cannot instantiate the ${variant} build: ${(e as Error).message}`);
  }
  const backend = new WasmBackend(instance.exports as unknown as WasmExports, variant, module, await workerFactory());
  backend.setThreads(o.threads ?? defaultThreads());
  return backend;
}
