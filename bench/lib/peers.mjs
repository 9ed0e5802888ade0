// The implementations compared: wasmgrad (wasm on 1 and on all threads, the relaxed-SIMD build
// from a child process, js), TensorFlow.js (wasm, i.e. XNNPACK, one thread in Node; cpu) and,
// loaded lazily by the workloads that use it, jax-js (@jax-js/jax, its wasm device).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Loads TensorFlow.js with its wasm backend (binaries from the installed package, via
 * setWasmPaths) and checks its cpu backend starts too; leaves 'wasm' selected.
 */
export async function loadTfjs() {
  // TF.js prints a suggestion to install tfjs-node on first use; keep the output to the tables.
  const origWarn = console.warn, origLog = console.log;
  const quiet = (orig) => (...a) => { if (typeof a[0] === 'string' && /tfjs-node|Hi there/.test(a[0])) return; orig(...a); };
  console.warn = quiet(origWarn);
  console.log = quiet(origLog);
  const tf = await import('@tensorflow/tfjs');
  const tfwasm = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  tfwasm.setWasmPaths(wasmDir);
  if (!(await tf.setBackend('wasm'))) throw new Error('bench: TF.js wasm backend failed to initialise');
  await tf.ready();
  let wasmSimd = null, wasmThreads = null;
  try { wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'); } catch { /* flag absent */ }
  try { wasmThreads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'); } catch { /* flag absent */ }
  if (!(await tf.setBackend('cpu'))) throw new Error('bench: TF.js cpu backend failed to initialise');
  await tf.setBackend('wasm');
  return { tf, tfwasm, wasmSimd, wasmThreads };
}

/** The table's columns (impl keys and labels) and use(impl), which selects one before a cell. */
export function implementations(wg, tf, threads) {
  const impls = [
    { key: 'wasm1', label: 'wasmgrad wasm 1 thread' },
    { key: 'wasm', label: `wasmgrad wasm ${threads} threads` },
    { key: 'relaxed', label: `wasmgrad wasm relaxed SIMD ${threads} threads` },
    { key: 'js', label: 'wasmgrad js' },
    { key: 'tfwasm', label: 'tfjs wasm' },
    { key: 'tfcpu', label: 'tfjs cpu' },
    // optional: the column is shown only in the tables that have a cell for it.
    { key: 'jax', label: 'jax-js wasm (1 thread in Node)', optional: true },
  ];
  async function use(impl) {
    if (impl === 'wasm1') {
      wg.setBackend('wasm');
      wg.setThreads(1);
    } else if (impl === 'wasm') {
      wg.setBackend('wasm');
      wg.setThreads(threads);
    } else if (impl === 'js') {
      wg.setBackend('js');
    } else if (impl === 'jax') {
      // jax-js arrays live on its default device, 'wasm' (loadJax initialises only that one).
    } else {
      await tf.setBackend(impl === 'tfwasm' ? 'wasm' : 'cpu');
    }
  }
  return { impls, use };
}

// ---- jax-js ----------------------------------------------------------------------------------

let jaxPromise = null;

/**
 * jax-js (`@jax-js/jax`) with its wasm device, loaded on first use: { jax, version } or
 * { jax: null, why } when it is not installed or does not start, so its column reads "n/a".
 *
 * In Node 20 two things differ from a browser. `init()` with no argument probes WebGPU through
 * `navigator.gpu` and throws (Node 20 has no global `navigator`), so only 'wasm' is initialised.
 * And its wasm device runs kernels on a pool of Web Workers only when `SharedArrayBuffer` and a
 * global `Worker` exist; Node has no global (Web) `Worker`, so in Node it runs on one thread.
 */
export function loadJax() {
  jaxPromise ??= (async () => {
    try {
      const jax = await import('@jax-js/jax');
      const devices = await jax.init('wasm');
      if (!devices.includes('wasm')) return { jax: null, why: `n/a (jax-js wasm device did not start: ${devices.join(', ')})` };
      jax.defaultDevice('wasm');
      let version = null;
      try {
        const main = require.resolve('@jax-js/jax');
        version = JSON.parse(fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')).version;
      } catch { /* version unknown */ }
      return { jax, version, threads: typeof globalThis.Worker === 'function' && typeof SharedArrayBuffer === 'function' ? 'workers' : 1 };
    } catch (e) {
      return { jax: null, why: `n/a (jax-js not available: ${String(e?.message ?? e).split('\n')[0]})` };
    }
  })();
  return jaxPromise;
}

// ---- wasmgrad ops that other branches are adding -----------------------------------------------

/**
 * The names in `paths` ('conv2d', 'nn.Conv2d', 'optim.AdamW') that this wasmgrad build does not
 * export yet. A workload skips its wasmgrad cells with NOT_BUILT while any is missing, so the
 * rows run today and fill in once the ops are merged.
 */
export function wgMissing(wg, paths) {
  return paths.filter((p) => typeof p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), wg) !== 'function');
}

/** The cell text of a wasmgrad cell whose op is not in this build yet. */
export const NOT_BUILT = 'n/a (not built yet)';
