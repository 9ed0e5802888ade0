// The circuit view: the seed's sigmoid neuron and staged expression, built from scalar float64
// tensors, backpropagated with retainGrad() on every intermediate, drawn with wg.toDot and
// rendered to SVG by Graphviz compiled to wasm (@viz-js/viz, served as /viz.mjs).
//
// Test hook: window.circuit = { ready, svgCount(), dot: { neuron, staged }, results }.

import * as wg from '/wasmgrad.browser.mjs';
import { instance } from '/viz.mjs';

const f64 = { dtype: 'float64' };
const leaf = (v) => wg.tensor(v, { ...f64, requiresGrad: true });
/** Keeps .grad on non-leaf tensors. */
const retain = (...ts) => ts.forEach((t) => t.retainGrad());

/** 1. f = σ(w0·x0 + w1·x1 + w2). */
function neuron() {
  const [w0, w1, w2] = [2, -3, -3].map(leaf);
  const [x0, x1] = [-1, -2].map(leaf);
  const w0x0 = w0.mul(x0);
  const w1x1 = w1.mul(x1);
  const s = w0x0.add(w1x1);
  const z = s.add(w2);
  const f = z.sigmoid();
  retain(w0x0, w1x1, s, z, f);
  f.backward();
  const dot = wg.toDot(f, { names: { w0, w1, w2, x0, x1, 'w0·x0': w0x0, 'w1·x1': w1x1, 'w0·x0 + w1·x1': s, z, f } });
  const rows = [
    ['f', f.item(), 0.7310585786300049],
    ['dx0', x0.grad.item(), 0.3932238664829637],
    ['dx1', x1.grad.item(), -0.5898357997244456],
    ['dw0', w0.grad.item(), -0.19661193324148185],
    ['dw1', w1.grad.item(), -0.3932238664829637],
    ['dw2', w2.grad.item(), 0.19661193324148185],
  ];
  return { dot, rows };
}

/** 2. f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²), staged as in the notes. */
function staged() {
  const x = leaf(3);
  const y = leaf(-4);
  const sigy = y.sigmoid();
  const num = x.add(sigy);
  const sigx = x.sigmoid();
  const xpy = x.add(y);
  const xpysqr = xpy.pow(2);
  const den = sigx.add(xpysqr);
  const invden = wg.div(1, den);
  const f = num.mul(invden);
  retain(sigy, num, sigx, xpy, xpysqr, den, invden, f);
  f.backward();
  const dot = wg.toDot(f, { names: { x, y, sigy, num, sigx, xpy, xpysqr, den, invden, f } });

  // The notes' hand-staged forward and backward passes, in plain JS, for the table.
  const X = 3, Y = -4;
  const hSigy = 1 / (1 + Math.exp(-Y));
  const hNum = X + hSigy;
  const hSigx = 1 / (1 + Math.exp(-X));
  const hXpy = X + Y;
  const hDen = hSigx + hXpy ** 2;
  const hInvden = 1 / hDen;
  const dnum = hInvden;
  const dden = (-1 / hDen ** 2) * hNum;
  const dxpy = 2 * hXpy * dden;
  const dx = dxpy + (1 - hSigx) * hSigx * dden + dnum;
  const dy = dxpy + (1 - hSigy) * hSigy * dnum;
  const rows = [
    ['f', f.item(), hNum * hInvden],
    ['dx', x.grad.item(), dx],
    ['dy', y.grad.item(), dy],
  ];
  return { dot, rows };
}

function fillTable(table, rows, reference) {
  table.innerHTML = `<thead><tr><th></th><th>wasmgrad</th><th>${reference}</th><th></th></tr></thead>`;
  const body = document.createElement('tbody');
  for (const [name, got, want] of rows) {
    const tr = document.createElement('tr');
    const ok = Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want));
    for (const [text, cls] of [[name], [String(got)], [String(want)], [ok ? '✓' : '✗', ok ? 'ok' : '']]) {
      const td = document.createElement(text === name ? 'th' : 'td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
}

let resolveReady, rejectReady;
const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
ready.catch(() => {});
const dots = {};
const results = {};

window.circuit = {
  ready,
  /** Rendered diagrams: <svg> elements that contain Graphviz nodes. */
  svgCount: () => [...document.querySelectorAll('.svg-host svg')].filter((s) => s.querySelector('g.node')).length,
  dot: dots,
  results,
};

try {
  const [viz] = await Promise.all([instance(), wg.init()]);
  document.getElementById('backend-note').textContent = `backend: ${wg.getBackend()}, float64`;
  for (const [id, build, reference] of [['neuron', neuron, 'seed'], ['staged', staged, 'hand-staged']]) {
    const { dot, rows } = wg.tidy(build);
    dots[id] = dot;
    results[id] = Object.fromEntries(rows.map(([name, got]) => [name, got]));
    const section = document.getElementById(id);
    // Layout only (the DOT source shown below is toDot's, unchanged): tighter ranks so the
    // staged expression fits the page at a legible size.
    const svg = viz.renderSVGElement(dot, { graphAttributes: { ranksep: 0.3, nodesep: 0.18 } });
    svg.setAttribute('role', 'img');
    section.querySelector('.svg-host').append(svg);
    section.querySelector('.dot-src').textContent = dot;
    fillTable(section.querySelector('.checks'), rows, reference);
  }
  resolveReady();
} catch (e) {
  const el = document.getElementById('error');
  el.hidden = false;
  el.textContent = `circuit view failed: ${e?.message ?? e}`;
  rejectReady(e);
}
