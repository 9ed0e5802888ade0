// The GPT page: a small character-level GPT trained live on Moby Dick with the model and text code
// of `npm run gpt` (examples/gpt/model.mjs and text.mjs, served by the demo server), a canvas plot
// of the train and validation loss, and text sampled from the current weights. Training runs in
// chunks of ≤ 50 ms that yield to the event loop; on a cross-origin isolated page the bundle runs
// the large kernels on Web Workers.
//
// Test hook: window.gpt = { ready, train(steps), validate(), sample(count, prompt), loadModel(bytes),
//   info() }.

import * as wg from '/wasmgrad.browser.mjs';
import { createGPT, countParameters } from '/examples/gpt/model.mjs';
import { CharTokenizer, randomBatch, rng, sample } from '/examples/gpt/text.mjs';

const WARMUP = 30; // steps of linear learning-rate warm-up
const CLIP = 1;
const EVAL_EVERY = 50; // steps between validation estimates
const EVAL_WINDOWS = 32; // windows per validation estimate (fixed, so the curve is comparable)
const PROMPT = 'CHAPTER 1. ';
const $ = (id) => document.getElementById(id);

let book = '';
let tokenizer = null;
let trainData = null;
let valData = null;
let run = null; // { model, optimizers, batch, lr, step, losses: [], smooth: [], val: [[step, loss]], tokens, ms, rand }
let running = false;

function setData(tok) {
  tokenizer = tok;
  const data = tokenizer.encode(book);
  const split = Math.floor(data.length * 0.9);
  trainData = data.subarray(0, split);
  valData = data.subarray(split);
}

function disposeRun() {
  if (!run) return;
  run.model.zeroGrad();
  for (const o of run.optimizers) o.dispose();
  for (const m of run.model.masks?.values() ?? []) m.dispose();
  run.model.dispose();
  run = null;
}

/** A fresh run: the model (given or new), AdamW with weight decay on the matrices only. */
function newRun(model) {
  disposeRun();
  const lr = Number($('lr').value);
  const decay = [], noDecay = [];
  for (const [name, p] of model.namedParameters()) (p.shape.length >= 2 && !name.includes('emb') ? decay : noDecay).push(p);
  const optimizers = [
    new wg.optim.AdamW(decay, { lr, betas: [0.9, 0.99], weightDecay: 0.1 }),
    new wg.optim.AdamW(noDecay, { lr, betas: [0.9, 0.99], weightDecay: 0 }),
  ];
  const evalRand = rng(3);
  const starts = Array.from({ length: EVAL_WINDOWS }, () => Math.floor(evalRand() * (valData.length - model.config.context - 1)));
  run = { model, optimizers, batch: Number($('batch').value), lr, step: 0, losses: [], smooth: [], val: [], tokens: 0, ms: 0, rand: rng(1), valStarts: starts };
  $('params').textContent = countParameters(model).toLocaleString('en');
  showStats();
}

function modelFromChoice() {
  const [layers, embed, heads, context] = $('size').value.split(',').map(Number);
  wg.manualSeed(1);
  return createGPT(wg, { vocab: tokenizer.size, context, layers, embed, heads });
}

/** One AdamW step with warm-up and gradient clipping; returns the loss. */
function trainStep() {
  const { model, optimizers, batch } = run;
  const T = model.config.context;
  const { x, y } = randomBatch(trainData, batch, T, run.rand);
  const lr = run.lr * Math.min(1, (run.step + 1) / WARMUP);
  for (const o of optimizers) o.lr = lr;
  const t0 = performance.now();
  const loss = wg.tidy(() => {
    const logits = model.forward(wg.tensor(x, { shape: [batch, T], dtype: 'int32' }));
    const l = logits.reshape([-1, tokenizer.size]).crossEntropy(wg.tensor(y, { dtype: 'int32' }));
    for (const o of optimizers) o.zeroGrad();
    l.backward();
    wg.optim.clipGradNorm(model.parameters(), CLIP);
    for (const o of optimizers) o.step();
    return l.item();
  });
  run.ms += performance.now() - t0;
  run.tokens += batch * T;
  run.step++;
  run.losses.push(loss);
  const prev = run.smooth.at(-1);
  run.smooth.push(prev === undefined ? loss : 0.95 * prev + 0.05 * loss);
  return loss;
}

/** Mean cross-entropy (nats per character) over the fixed validation windows, forward only. */
function validate() {
  const { model } = run;
  const T = model.config.context;
  let total = 0;
  model.eval();
  try {
    wg.noGrad(() => {
      for (let i = 0; i < run.valStarts.length; i += 16) {
        const group = run.valStarts.slice(i, i + 16);
        const x = new Int32Array(group.length * T), y = new Int32Array(group.length * T);
        group.forEach((s, b) => { x.set(valData.subarray(s, s + T), b * T); y.set(valData.subarray(s + 1, s + T + 1), b * T); });
        total += wg.tidy(() => model.forward(wg.tensor(x, { shape: [group.length, T], dtype: 'int32' }))
          .reshape([-1, tokenizer.size]).crossEntropy(wg.tensor(y, { dtype: 'int32' }), { reduction: 'sum' }).item());
      }
    });
  } finally {
    model.train();
  }
  const loss = total / (run.valStarts.length * T);
  if (run.val.at(-1)?.[0] !== run.step) run.val.push([run.step, loss]);
  return loss;
}

/** `count` characters sampled after `prompt` (temperature 0.8, top-k 20), shown on the page. */
function sampleText(count, prompt = PROMPT, temperature = 0.8) {
  const ids = sample(wg, run.model, tokenizer.encode(prompt), count, { temperature, topK: 20, rand: rng(run.step + 7) });
  const text = tokenizer.decode(ids);
  const pre = $('sample');
  pre.textContent = '';
  const p = document.createElement('span');
  p.className = 'prompt';
  p.textContent = prompt;
  pre.append(p, text);
  $('sample-note').textContent = `after ${run.step} steps`;
  return text;
}

/**
 * The same, written onto the page a few characters at a time between turns of the event loop,
 * so a long sample does not freeze the page while it trains.
 */
async function streamSample(count, prompt = PROMPT) {
  const rand = rng(run.step + 7);
  const promptIds = Array.from(tokenizer.encode(prompt));
  let ids = promptIds;
  const pre = $('sample');
  pre.textContent = '';
  const p = document.createElement('span');
  p.className = 'prompt';
  p.textContent = prompt;
  const body = document.createTextNode('');
  pre.append(p, body);
  $('sample-note').textContent = `after ${run.step} steps`;
  while (ids.length - promptIds.length < count) {
    const more = sample(wg, run.model, ids, Math.min(8, count - (ids.length - promptIds.length)), { temperature: 0.8, topK: 20, rand });
    ids = ids.concat(more);
    body.textContent += tokenizer.decode(more);
    await yieldToUi();
  }
  return body.textContent;
}

const yieldToUi = () => new Promise((r) => { const ch = new MessageChannel(); ch.port1.onmessage = () => r(); ch.port2.postMessage(0); });

/** Trains `steps` steps (Infinity: until paused) in chunks of ≤ 50 ms, validating and sampling as it goes. */
async function train(steps = Infinity) {
  running = true;
  syncButtons();
  let done = 0;
  let chunk = performance.now();
  try {
    while (running && done < steps) {
      trainStep();
      done++;
      if (run.step % EVAL_EVERY === 0) validate();
      if (run.step % (4 * EVAL_EVERY) === 0 && steps === Infinity) await streamSample(240);
      if (performance.now() - chunk > 50 || done === steps) {
        showStats();
        await yieldToUi();
        chunk = performance.now();
      }
    }
  } finally {
    running = false;
    syncButtons();
  }
  const valLoss = validate();
  showStats();
  return { step: run.step, loss: run.smooth.at(-1) ?? null, valLoss };
}

// ---- page ----------------------------------------------------------------------------------------
function showStats() {
  $('step').textContent = String(run.step);
  $('train-loss').textContent = run.smooth.length ? run.smooth.at(-1).toFixed(3) : '—';
  $('val-loss').textContent = run.val.length ? run.val.at(-1)[1].toFixed(3) : '—';
  $('rate').textContent = run.ms > 0 ? Math.round(run.tokens / (run.ms / 1000)).toLocaleString('en') : '—';
  drawPlot();
}

function drawPlot() {
  const c = $('lossplot');
  const g = c.getContext('2d');
  const W = c.width, H = c.height, L = 40, B = 22;
  g.clearRect(0, 0, W, H);
  const steps = Math.max(10, run.step);
  const all = [...run.smooth, ...run.val.map((v) => v[1])];
  const top = Math.max(1, Math.ceil(Math.max(4.5, ...all)));
  const X = (s) => L + (s / steps) * (W - L - 8), Y = (v) => 6 + (1 - v / top) * (H - B - 6);
  g.strokeStyle = '#e5e7eb';
  g.fillStyle = '#6b7280';
  g.font = '11px system-ui, sans-serif';
  for (let v = 0; v <= top; v++) {
    g.beginPath(); g.moveTo(L, Y(v)); g.lineTo(W - 8, Y(v)); g.stroke();
    g.fillText(v.toFixed(0), L - 14, Y(v) + 4);
  }
  g.fillText(`step ${run.step}`, W - 70, H - 6);
  const line = (pts, color, width) => {
    if (pts.length < 2) return;
    g.strokeStyle = color; g.lineWidth = width; g.beginPath();
    pts.forEach(([s, v]) => g.lineTo(X(s), Y(v)));
    g.stroke(); g.lineWidth = 1;
  };
  const every = Math.max(1, Math.floor(run.smooth.length / (W - L)));
  line(run.smooth.map((v, i) => [i + 1, v]).filter((_, i) => i % every === 0), '#2563eb', 1.5);
  line(run.val, '#ea580c', 2);
  g.fillStyle = '#ea580c';
  for (const [s, v] of run.val) { g.beginPath(); g.arc(X(s), Y(v), 3, 0, 2 * Math.PI); g.fill(); }
}

function syncButtons() {
  const ready = run !== null;
  $('train').disabled = !ready || running;
  $('pause').disabled = !running;
  $('reset').disabled = !ready || running;
  $('resample').disabled = !ready || running;
}

function showError(e) {
  const el = $('error');
  el.hidden = false;
  el.textContent = String(e?.message ?? e);
}

// ---- model files ---------------------------------------------------------------------------------
/** A safetensors file's header: { name: { dtype, shape, data_offsets }, __metadata__ } (nothing decoded). */
function safetensorsHeader(bytes) {
  if (bytes.length < 8) throw new Error(`not a safetensors file: ${bytes.length} bytes`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (!(n > 0 && 8 + n <= bytes.length)) throw new Error(`not a safetensors file: header length ${n} for ${bytes.length} bytes`);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Loads a file of `npm run gpt -- --save`: its metadata holds the config and the vocabulary. */
function loadModel(bytes) {
  const meta = safetensorsHeader(bytes).__metadata__ ?? {};
  let config, chars;
  try {
    config = JSON.parse(meta.config ?? 'null');
    chars = JSON.parse(meta.vocab ?? 'null');
  } catch { /* reported below */ }
  if (!config || !Array.isArray(chars)) throw new Error('not a model saved by npm run gpt -- --save (no config/vocab metadata)');
  const model = createGPT(wg, config);
  try {
    wg.load(model, bytes);
    setData(new CharTokenizer(chars));
  } catch (e) {
    model.dispose();
    throw e;
  }
  newRun(model);
  const valLoss = validate();
  showStats();
  sampleText(160);
  return { config: model.config, valLoss };
}

// ---- wiring --------------------------------------------------------------------------------------
$('train').addEventListener('click', () => { train().catch(showError); });
$('pause').addEventListener('click', () => { running = false; });
$('reset').addEventListener('click', () => { setData(CharTokenizer.fromText(book)); newRun(modelFromChoice()); });
$('size').addEventListener('change', () => { if (!running) { setData(CharTokenizer.fromText(book)); newRun(modelFromChoice()); } });
$('resample').addEventListener('click', () => { streamSample(240).catch(showError); });
$('model-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  try {
    $('error').hidden = true;
    const { config } = loadModel(new Uint8Array(await file.arrayBuffer()));
    $('data-note').textContent = `loaded ${file.name}: ${config.layers} blocks, E ${config.embed}, context ${config.context}`;
  } catch (err) {
    showError(`${file.name}: ${err?.message ?? err}`);
  }
});

const ready = (async () => {
  await wg.init();
  $('backend').textContent = `${wg.getBackend()} · ${wg.wasmVariant?.() ?? ''} · ${wg.getThreads()} thread${wg.getThreads() === 1 ? '' : 's'}`;
  const res = await fetch('/data/moby-dick.txt');
  if (!res.ok) throw new Error(`GET /data/moby-dick.txt: ${res.status} ${await res.text()}`);
  book = await res.text();
  setData(CharTokenizer.fromText(book));
  $('data-note').textContent = `Moby Dick: ${book.length.toLocaleString('en')} characters, vocabulary ${tokenizer.size}; ${trainData.length.toLocaleString('en')} train / ${valData.length.toLocaleString('en')} validation`;
  newRun(modelFromChoice());
  syncButtons();
})();
ready.catch(showError);

window.gpt = {
  ready,
  /** Trains `steps` steps; resolves to { step, loss (smoothed train), valLoss }. */
  train: (steps) => train(steps),
  validate: () => validate(),
  sample: (count, prompt, temperature) => sampleText(count, prompt, temperature),
  /** The logits after `text` (its last position), eval mode. */
  logitsAfter: (text) => {
    run.model.eval();
    try {
      const ids = tokenizer.encode(text);
      return Array.from(wg.noGrad(() => wg.tidy(() => run.model.forward(wg.tensor(ids, { shape: [1, ids.length], dtype: 'int32' }))
        .select(1, ids.length - 1).reshape([-1]).data())));
    } finally {
      run.model.train();
    }
  },
  loadModel: (bytes) => loadModel(Uint8Array.from(bytes)),
  info: () => ({ isolated: self.crossOriginIsolated === true, threads: wg.getThreads(), config: run?.model.config, vocab: tokenizer?.size, steps: run?.step }),
};
