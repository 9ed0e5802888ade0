// The training loop of the main job: epochs of shuffled batches with a progress bar, test
// accuracy after each epoch (model.eval(), no gradients), and the timing of the same model on the
// other backend. Everything a step makes is freed by tidy.

import cliProgress from 'cli-progress';
import { batchOf, rng, shuffle } from './data.mjs';
import { disposeTraining, makeTraining, parameterCount } from './models.mjs';

/** One optimizer step on a batch; returns the loss. */
export function trainStep(wg, t, x, y, n) {
  return wg.tidy(() => {
    const loss = t.model.forward(wg.tensor(x, { shape: t.inputShape(n) })).crossEntropy(y);
    t.optimizer.zeroGrad();
    loss.backward();
    t.optimizer.step();
    return loss.item();
  });
}

/** Share of `set` classified right, in evaluation mode (batch norm uses its running statistics). */
export function accuracy(wg, t, set, chunk = 500) {
  const idx = Array.from({ length: set.n }, (_, i) => i);
  t.model.eval();
  let correct = 0;
  try {
    wg.noGrad(() => {
      for (let from = 0; from < set.n; from += chunk) {
        const { x, y, n } = batchOf(set, idx, from, Math.min(set.n, from + chunk));
        const logits = wg.tidy(() => t.model.forward(wg.tensor(x, { shape: t.inputShape(n) })).data());
        for (let i = 0; i < n; i++) {
          let best = 0;
          for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
          if (best === y[i]) correct++;
        }
      }
    });
  } finally {
    t.model.train();
  }
  return correct / set.n;
}

/**
 * Trains a new model (opts.model) on data.train for opts.epochs, printing a line per epoch.
 * Returns { t, trainSeconds, samples, accuracy }.
 */
export function train(wg, opts, data, nn = wg.nn) {
  const trainIdx = Array.from({ length: opts.limit > 0 ? Math.min(opts.limit, data.train.n) : data.train.n }, (_, i) => i);
  const stepsPerEpoch = Math.ceil(trainIdx.length / opts.batch);
  const t = makeTraining(wg, opts, opts.epochs * stepsPerEpoch, nn);
  t.model.train();
  console.log(`model: ${t.describe}; ${parameterCount(t.model)} parameters\n`);
  const bar = new cliProgress.SingleBar({
    format: 'epoch {epoch} |{bar}| {percentage}% | loss {loss} | {rate} samples/s',
    barsize: 30, hideCursor: true, clearOnComplete: true, noTTYOutput: false,
  }, cliProgress.Presets.shades_classic);

  const dataRand = rng(opts.seed + 1);
  let trainMs = 0;
  let samples = 0;
  let acc = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    shuffle(trainIdx, dataRand);
    bar.start(stepsPerEpoch, 0, { epoch: `${epoch}/${opts.epochs}`, loss: '-', rate: '-' });
    let lossSum = 0;
    const e0 = performance.now();
    for (let s = 0; s < stepsPerEpoch; s++) {
      const { x, y, n } = batchOf(data.train, trainIdx, s * opts.batch, Math.min(trainIdx.length, (s + 1) * opts.batch), opts.shift, dataRand);
      const loss = trainStep(wg, t, x, y, n);
      t.schedule.step();
      samples += n;
      lossSum += loss * n;
      if (s % 10 === 9 || s === stepsPerEpoch - 1) {
        const ms = trainMs + performance.now() - e0;
        bar.update(s + 1, { loss: loss.toFixed(4), rate: Math.round(samples / (ms / 1000)).toString() });
      }
    }
    const epochMs = performance.now() - e0; // the batches and the steps; not the evaluation below
    trainMs += epochMs;
    bar.stop();
    acc = accuracy(wg, t, data.test);
    console.log(`epoch ${String(epoch).padStart(2)}  train loss ${(lossSum / trainIdx.length).toFixed(4)}  `
      + `test accuracy ${(acc * 100).toFixed(2)}%  (training ${(epochMs / 1000).toFixed(1)} s)`);
  }
  return { t, trainSeconds: trainMs / 1000, samples, accuracy: acc };
}

/**
 * Samples per second of `steps` training steps of a fresh model on the current backend (after
 * `warm` untimed ones), on the first digits of data.train.
 */
export function timeSteps(wg, opts, data, steps, warm, nn = wg.nn) {
  const t = makeTraining(wg, opts, steps + warm, nn);
  const idx = Array.from({ length: data.train.n }, (_, i) => i);
  let ms = 0;
  let count = 0;
  try {
    for (let s = 0; s < steps + warm; s++) {
      const from = (s * opts.batch) % Math.max(1, data.train.n - opts.batch);
      const { x, y, n } = batchOf(data.train, idx, from, Math.min(data.train.n, from + opts.batch));
      const t0 = performance.now();
      trainStep(wg, t, x, y, n);
      t.schedule.step();
      if (s >= warm) { ms += performance.now() - t0; count += n; }
    }
  } finally {
    disposeTraining(t);
  }
  return count / (ms / 1000);
}
