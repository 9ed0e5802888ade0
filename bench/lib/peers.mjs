// The implementations compared: wasmgrad (wasm on 1 and on all threads, the relaxed-SIMD build
// from a child process, js) and TensorFlow.js (wasm, i.e. XNNPACK, one thread in Node; cpu).

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
    } else {
      await tf.setBackend(impl === 'tfwasm' ? 'wasm' : 'cpu');
    }
  }
  return { impls, use };
}
