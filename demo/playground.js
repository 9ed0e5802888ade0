// The playground: a 2-D data set generated in the page (seeded), an MLP trained live with
// wasmgrad, the decision boundary and loss curve drawn on canvases, and a wasm ↔ js backend
// switch with the milliseconds per training step measured live on each.
//
// Test hook (used by test/browser/playground.test.ts): window.playground =
//   { ready, train(steps), accuracy(), backend(), setBackend(name), msPerStep(), reset(opts?),
//     steps(), loss() }
// train() runs synchronously, without waiting for animation frames, so tests are deterministic.

import * as wg from '/wasmgrad.browser.mjs';

const $ = (id) => document.getElementById(id);

// ---- data ---------------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box–Muller. */
function gaussian(rng) {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * n points of a data set with labels: class A (label +1) and class B (label -1), half each.
 * Coordinates are centred on the origin.
 */
function makeData(kind, n, noise, seed) {
  const rng = mulberry32(seed * 2654435761 + 12345);
  const xs = new Float32Array(2 * n);
  const ys = new Int8Array(n);
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const a = i < half; // class A?
    const j = a ? i : i - half;
    const m = a ? half : n - half;
    const u = m > 1 ? j / (m - 1) : 0; // 0..1 along the class's curve
    let x, y;
    if (kind === 'moons') {
      // sklearn's make_moons, shifted so the pair is centred.
      const t = Math.PI * u;
      x = a ? Math.cos(t) : 1 - Math.cos(t);
      y = a ? Math.sin(t) : 0.5 - Math.sin(t);
      x -= 0.5;
      y -= 0.25;
    } else if (kind === 'circles') {
      // sklearn's make_circles(factor=0.5): A the inner circle, B the outer one.
      const t = 2 * Math.PI * rng();
      const r = a ? 0.5 : 1;
      x = r * Math.cos(t);
      y = r * Math.sin(t);
    } else if (kind === 'spiral') {
      // Two interleaved arms of 1.5 turns each; noise shrinks toward the centre.
      const r = 0.08 + 0.92 * u;
      const t = 3 * Math.PI * u + (a ? 0 : Math.PI);
      x = r * Math.cos(t);
      y = r * Math.sin(t);
    } else {
      throw new Error(`unknown data set ${JSON.stringify(kind)}`);
    }
    const s = kind === 'spiral' ? 0.5 : 1;
    xs[2 * i] = x + s * noise * gaussian(rng);
    xs[2 * i + 1] = y + s * noise * gaussian(rng);
    ys[i] = a ? 1 : -1;
  }
  return { kind, xs, ys, n };
}

// ---- settings -----------------------------------------------------------------------------------

function parseHidden(text) {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const sizes = parts.map(Number);
  if (sizes.some((v) => !Number.isInteger(v) || v < 1 || v > 512)) {
    throw new Error(`hidden sizes must be whole numbers from 1 to 512, e.g. "16,16" (got "${text}")`);
  }
  return sizes;
}

function readSettings() {
  const num = (id, fallback) => {
    const v = Number($(id).value);
    return Number.isFinite(v) ? v : fallback;
  };
  return {
    dataset: $('dataset').value,
    noise: Math.min(Math.max(num('noise', 0.1), 0), 1),
    points: Math.min(Math.max(Math.round(num('points', 200)), 4), 5000),
    seed: Math.max(Math.round(num('seed', 7)), 0),
    hidden: parseHidden($('hidden').value),
    activation: $('activation').value,
    loss: $('loss').value,
    optimizer: $('optimizer').value,
    lr: Math.max(num('lr', 0.01), 0),
    stepsPerFrame: Math.max(Math.round(num('spf', 5)), 1),
  };
}

/** Sets form controls from an object such as { dataset: 'spiral', hidden: '32,32' }. */
function writeSettings(opts) {
  const ids = { dataset: 'dataset', noise: 'noise', points: 'points', seed: 'seed', hidden: 'hidden',
    activation: 'activation', loss: 'loss', optimizer: 'optimizer', lr: 'lr', stepsPerFrame: 'spf' };
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (!(k in ids)) throw new Error(`playground: unknown setting ${JSON.stringify(k)}`);
    $(ids[k]).value = Array.isArray(v) ? v.join(',') : String(v);
  }
}

// ---- model and training -------------------------------------------------------------------------

const S = {
  settings: null,
  data: null,
  backend: 'wasm',
  model: null,
  opt: null,
  X: null, // [n, 2] float32 inputs
  Y: null, // [n, 1] float32 labels ±1 (hinge)
  labels: null, // Int32Array class indices, 1 for A (cross-entropy)
  step: 0,
  lossHist: [],
  accHist: [],
  lastLoss: NaN,
  lastAcc: NaN,
  ms: { wasm: null, js: null },
  timing: { wasm: [], js: [] }, // recent batches: { ms, steps }
  running: false,
  view: null, // { cx, cy, half } the plotted square in data coordinates
  simd: true,
};

function disposeModel() {
  S.opt?.dispose();
  S.model?.dispose();
  S.X?.dispose();
  S.Y?.dispose();
  S.opt = S.model = S.X = S.Y = null;
}

function makeOptimizer(model, settings) {
  return settings.optimizer === 'sgd'
    ? new wg.optim.SGD(model.parameters(), { lr: settings.lr, momentum: 0.9, weightDecay: 1e-4 })
    : new wg.optim.Adam(model.parameters(), { lr: settings.lr });
}

/** Builds data, model and optimizer on S.backend. `weights`: a safetensors file to start from. */
function build(settings, weights = null) {
  disposeModel();
  wg.setBackend(S.backend);
  const d = S.data;
  S.X = wg.tensor(d.xs, { dtype: 'float32', shape: [d.n, 2] });
  S.Y = wg.tensor(Float32Array.from(d.ys), { dtype: 'float32', shape: [d.n, 1] });
  S.labels = Int32Array.from(d.ys, (y) => (y > 0 ? 1 : 0));
  wg.manualSeed(settings.seed);
  const out = settings.loss === 'xent' ? 2 : 1;
  S.model = new wg.nn.MLP([2, ...settings.hidden, out], { activation: settings.activation, dtype: 'float32' });
  if (weights !== null) wg.load(S.model, weights);
  S.opt = makeOptimizer(S.model, settings);
}

/** New data and a freshly initialised model; clears the history (timings stay unless the network's cost changed). */
function reset() {
  const settings = readSettings();
  // Timings from a network of another size (or another loss) would compare unlike with like.
  const cost = (o) => JSON.stringify([o.points, o.hidden, o.activation, o.loss, o.optimizer]);
  if (S.settings !== null && cost(S.settings) !== cost(settings)) {
    S.ms = { wasm: null, js: null };
    S.timing = { wasm: [], js: [] };
  }
  S.settings = settings;
  S.data = makeData(settings.dataset, settings.points, settings.noise, settings.seed);
  S.view = viewFor(S.data);
  S.step = 0;
  S.lossHist = [];
  S.accHist = [];
  S.lastLoss = NaN;
  build(settings);
  S.lastAcc = accuracy();
  showError(null);
  render();
}

/** The model's score per row of X (positive: class A), as a Float32Array. */
function scores(out) {
  const v = out.data();
  if (out.shape[1] === 1) return v;
  const s = new Float32Array(out.shape[0]);
  for (let i = 0; i < s.length; i++) s[i] = v[2 * i + 1] - v[2 * i];
  return s;
}

function accuracyOf(s) {
  let correct = 0;
  for (let i = 0; i < S.data.n; i++) if ((s[i] > 0 ? 1 : -1) === S.data.ys[i]) correct++;
  return correct / S.data.n;
}

/** Training accuracy of the current model. */
function accuracy() {
  return wg.noGrad(() => wg.tidy(() => accuracyOf(scores(S.model.forward(S.X)))));
}

/** Runs k optimisation steps on the whole training set and times them. */
function trainSteps(k) {
  const { model, opt, X, Y, labels } = S;
  const xent = S.settings.loss === 'xent';
  const t0 = performance.now();
  for (let i = 0; i < k; i++) {
    const [loss, acc] = wg.tidy(() => {
      const out = model.forward(X);
      // hinge: the SVM max-margin loss mean(relu(1 - y·score)), as in micrograd's demo.
      const l = xent ? wg.crossEntropy(out, labels) : wg.relu(wg.sub(1, Y.mul(out))).mean();
      opt.zeroGrad();
      l.backward();
      opt.step();
      return [l.item(), accuracyOf(scores(out))];
    });
    S.lossHist.push(loss);
    S.accHist.push(acc);
    S.lastLoss = loss;
    S.lastAcc = acc;
    S.step++;
  }
  // ms per step over (about) the last 200 steps on this backend, so JIT warm-up washes out.
  const w = S.timing[S.backend];
  w.push({ ms: performance.now() - t0, steps: k });
  let steps = w.reduce((a, b) => a + b.steps, 0);
  while (w.length > 1 && steps - w[0].steps >= 200) steps -= w.shift().steps;
  S.ms[S.backend] = w.reduce((a, b) => a + b.ms, 0) / steps;
}

/** Moves the model to another backend keeping its weights (the optimizer state starts anew). */
function switchBackend(name) {
  if (name !== 'wasm' && name !== 'js') throw new Error(`unknown backend ${JSON.stringify(name)}`);
  if (name === 'wasm' && !S.simd) throw new Error('the wasm backend needs WebAssembly SIMD, which this browser lacks');
  if (name === S.backend) return;
  const weights = wg.save(S.model);
  S.backend = name;
  build(S.settings, weights);
  for (const r of document.querySelectorAll('input[name=backend]')) r.checked = r.value === name;
  render();
}

// ---- drawing ------------------------------------------------------------------------------------

const COLOR_A = [37, 99, 235]; // blue
const COLOR_B = [234, 88, 12]; // orange
const css = (c, a = 1) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;

function viewFor(data) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < data.n; i++) {
    const x = data.xs[2 * i], y = data.xs[2 * i + 1];
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.15 + 0.05;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half };
}

const GRID = 72;
const gridCanvas = document.createElement('canvas');
gridCanvas.width = gridCanvas.height = GRID;

/** Evaluates the model on a GRID × GRID lattice covering the view (row 0 at the top). */
function gridScores() {
  const { cx, cy, half } = S.view;
  const pts = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const k = 2 * (r * GRID + c);
      pts[k] = cx - half + ((c + 0.5) / GRID) * 2 * half;
      pts[k + 1] = cy + half - ((r + 0.5) / GRID) * 2 * half;
    }
  }
  return wg.noGrad(() => wg.tidy(() => scores(S.model.forward(wg.tensor(pts, { shape: [GRID * GRID, 2] })))));
}

function drawBoundary() {
  const canvas = $('boundary');
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  const { cx, cy, half } = S.view;
  const toPx = (x, y) => [((x - (cx - half)) / (2 * half)) * W, ((cy + half - y) / (2 * half)) * H];

  // Shaded score field: the colour of the predicted class, stronger where the model is surer.
  const s = gridScores();
  const g = gridCanvas.getContext('2d');
  const img = g.createImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const conf = Math.tanh(Math.abs(s[i]) * 1.5);
    const c = s[i] > 0 ? COLOR_A : COLOR_B;
    const a = 0.12 + 0.38 * conf;
    img.data[4 * i] = Math.round(255 * (1 - a) + c[0] * a);
    img.data[4 * i + 1] = Math.round(255 * (1 - a) + c[1] * a);
    img.data[4 * i + 2] = Math.round(255 * (1 - a) + c[2] * a);
    img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(gridCanvas, 0, 0, W, H);

  // The decision boundary (score = 0) by marching squares over the lattice.
  const cell = W / GRID;
  const at = (r, c) => s[r * GRID + c];
  const px = (r, c) => [(c + 0.5) * cell, (r + 0.5) * cell];
  const lerp = (p, q, a, b) => {
    const t = a / (a - b);
    return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
  };
  ctx.beginPath();
  for (let r = 0; r + 1 < GRID; r++) {
    for (let c = 0; c + 1 < GRID; c++) {
      const corners = [[r, c], [r, c + 1], [r + 1, c + 1], [r + 1, c]];
      const cuts = [];
      for (let e = 0; e < 4; e++) {
        const [ra, ca] = corners[e], [rb, cb] = corners[(e + 1) % 4];
        const a = at(ra, ca), b = at(rb, cb);
        if ((a > 0) !== (b > 0)) cuts.push(lerp(px(ra, ca), px(rb, cb), a, b));
      }
      for (let k = 0; k + 1 < cuts.length; k += 2) {
        ctx.moveTo(cuts[k][0], cuts[k][1]);
        ctx.lineTo(cuts[k + 1][0], cuts[k + 1][1]);
      }
    }
  }
  ctx.strokeStyle = 'rgba(17, 24, 39, 0.75)';
  ctx.lineWidth = 1.5;
  ctx.stroke();

  // Axes through the origin and a light frame.
  ctx.strokeStyle = 'rgba(17, 24, 39, 0.12)';
  ctx.lineWidth = 1;
  const [ox, oy] = toPx(0, 0);
  ctx.beginPath();
  ctx.moveTo(ox, 0); ctx.lineTo(ox, H);
  ctx.moveTo(0, oy); ctx.lineTo(W, oy);
  ctx.stroke();

  // Training points.
  for (let i = 0; i < S.data.n; i++) {
    const [x, y] = toPx(S.data.xs[2 * i], S.data.xs[2 * i + 1]);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fillStyle = css(S.data.ys[i] > 0 ? COLOR_A : COLOR_B);
    ctx.fill();
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 1.2;
    ctx.stroke();
  }

  // Corner label.
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = 'rgba(17, 24, 39, 0.7)';
  ctx.fillText(`${S.data.kind}, ${S.data.n} points · step ${S.step}`, 8, H - 10);
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v * (1 - 1e-9)) return m * p;
  return 10 * p;
}

function drawLoss() {
  const canvas = $('losscurve');
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height;
  const L = 40, R = 36, T = 24, B = 22;
  const w = W - L - R, h = H - T - B;
  ctx.clearRect(0, 0, W, H);
  ctx.font = '11px system-ui, sans-serif';

  const n = S.lossHist.length;
  const ymax = niceMax(n ? Math.max(...S.lossHist.slice(0, Math.min(n, 5000))) : 1);
  const xmax = Math.max(niceMax(n), 10);
  const X = (i) => L + (i / xmax) * w;
  const Yl = (v) => T + h - (Math.min(v, ymax) / ymax) * h;
  const Ya = (v) => T + h - v * h;

  // Grid and labels.
  ctx.strokeStyle = '#e5e7eb';
  ctx.fillStyle = '#6b7280';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 4; k++) {
    const y = T + (k / 4) * h;
    ctx.beginPath(); ctx.moveTo(L, y); ctx.lineTo(L + w, y); ctx.stroke();
    ctx.fillText(String(Number((ymax * (1 - k / 4)).toPrecision(3))), L - 5, y);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = '#059669';
  for (let k = 0; k <= 4; k += 2) ctx.fillText(`${100 - 25 * k}%`, L + w + 4, T + (k / 4) * h);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = '#6b7280';
  for (let k = 0; k <= 4; k++) ctx.fillText(String(Math.round((xmax * k) / 4)), X((xmax * k) / 4), T + h + 5);
  ctx.strokeStyle = '#9ca3af';
  ctx.strokeRect(L, T, w, h);
  drawLossLegend(ctx, L);

  if (n === 0) {
    ctx.fillStyle = '#9ca3af';
    ctx.textBaseline = 'middle';
    ctx.fillText('press Train', L + w / 2, T + h / 2);
    return;
  }
  // At most ~2 points per pixel.
  const stride = Math.max(1, Math.floor(n / (2 * w)));
  const line = (hist, Y, color, width) => {
    ctx.beginPath();
    for (let i = 0; i < n; i += stride) {
      if (i === 0) ctx.moveTo(X(i), Y(hist[i])); else ctx.lineTo(X(i), Y(hist[i]));
    }
    ctx.lineTo(X(n - 1), Y(hist[n - 1]));
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
  };
  line(S.accHist, Ya, 'rgba(5, 150, 105, 0.65)', 1.2);
  line(S.lossHist, Yl, '#1f2937', 1.6);

}

/** The loss chart's legend, in the top margin. */
function drawLossLegend(ctx, L) {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#1f2937';
  ctx.beginPath(); ctx.moveTo(L, 9); ctx.lineTo(L + 16, 9); ctx.stroke();
  ctx.fillStyle = '#1f2937';
  ctx.fillText(`loss (${S.settings?.loss === 'xent' ? 'cross-entropy' : 'hinge'}, left)`, L + 21, 9);
  ctx.strokeStyle = 'rgba(5, 150, 105, 0.8)';
  ctx.beginPath(); ctx.moveTo(L + 170, 9); ctx.lineTo(L + 186, 9); ctx.stroke();
  ctx.fillStyle = '#059669';
  ctx.fillText('accuracy (right)', L + 191, 9);
}

const fmtMs = (v) => (v === null ? '—' : `${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`);

function drawStats() {
  $('step').textContent = String(S.step);
  $('lossv').textContent = Number.isFinite(S.lastLoss) ? S.lastLoss.toFixed(4) : '—';
  $('acc').textContent = Number.isFinite(S.lastAcc) ? `${(S.lastAcc * 100).toFixed(1)}%` : '—';
  $('backend-name').textContent = S.backend;
  const top = Math.max(S.ms.wasm ?? 0, S.ms.js ?? 0) || 1;
  for (const b of ['wasm', 'js']) {
    $(`ms-${b}`).textContent = fmtMs(S.ms[b]);
    $(`bar-${b}`).style.width = `${((S.ms[b] ?? 0) / top) * 100}%`;
    $(`row-${b}`).classList.toggle('active', b === S.backend);
  }
}

function render() {
  drawBoundary();
  drawLoss();
  drawStats();
}

function showError(e) {
  const el = $('error');
  el.hidden = e === null;
  el.textContent = e === null ? '' : String(e?.message ?? e);
}

// ---- animation and controls ---------------------------------------------------------------------

function frame() {
  if (!S.running) return;
  try {
    trainSteps(S.settings.stepsPerFrame);
    render();
  } catch (e) {
    showError(e);
    setRunning(false);
    return;
  }
  requestAnimationFrame(frame);
}

function setRunning(on) {
  const was = S.running;
  S.running = on;
  $('train').disabled = on;
  $('pause').disabled = !on;
  if (on && !was) requestAnimationFrame(frame);
}

function guarded(fn) {
  return (...args) => {
    try {
      fn(...args);
    } catch (e) {
      showError(e);
    }
  };
}

function wireControls() {
  $('train').addEventListener('click', () => setRunning(true));
  $('pause').addEventListener('click', () => setRunning(false));
  $('reset').addEventListener('click', guarded(() => reset()));
  for (const id of ['dataset', 'noise', 'points', 'seed', 'hidden', 'activation', 'loss', 'optimizer']) {
    $(id).addEventListener('change', guarded(() => reset()));
  }
  $('lr').addEventListener('change', guarded(() => {
    S.settings = readSettings();
    S.opt.lr = S.settings.lr;
  }));
  $('spf').addEventListener('change', guarded(() => { S.settings = readSettings(); }));
  for (const r of document.querySelectorAll('input[name=backend]')) {
    r.addEventListener('change', guarded(() => { if (r.checked) switchBackend(r.value); }));
  }
}

// ---- start --------------------------------------------------------------------------------------

let resolveReady, rejectReady;
const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
ready.catch(() => {}); // shown on the page; tests await it themselves

window.playground = {
  ready,
  /** Trains `steps` steps now (synchronously, in batches of 50 for the timing) and redraws. */
  train(steps = 100) {
    let left = steps;
    while (left > 0) {
      const k = Math.min(50, left);
      trainSteps(k);
      left -= k;
    }
    render();
    return { step: S.step, loss: S.lastLoss, accuracy: S.lastAcc };
  },
  accuracy: () => accuracy(),
  backend: () => S.backend,
  setBackend: (name) => switchBackend(name),
  msPerStep: () => ({ ...S.ms }),
  /** Resets, after applying settings such as { dataset: 'moons', hidden: '16,16', lr: 0.01 }. */
  reset(opts) {
    writeSettings(opts);
    reset();
  },
  steps: () => S.step,
  loss: () => S.lastLoss,
  pause: () => setRunning(false),
};

try {
  await wg.init();
  S.simd = wg.getBackend() === 'wasm';
  S.backend = wg.getBackend();
  if (!S.simd) {
    $('simd-note').hidden = false;
    const r = document.querySelector('input[name=backend][value=wasm]');
    r.disabled = true;
    document.querySelector('input[name=backend][value=js]').checked = true;
  }
  wireControls();
  reset();
  resolveReady();
} catch (e) {
  showError(e);
  rejectReady(e);
}
