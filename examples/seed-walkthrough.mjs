// The seed's three worked examples (the backpropagation lecture notes the project grew from, kept
// outside this repository), run by wasmgrad in float64 on the wasm backend, printed next to
// the seed's own numbers:
//   1. the sigmoid neuron f = σ(w0·x0 + w1·x1 + w2)
//   2. the staged expression f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²) at x = 3, y = -4
//   3. the matrix product D = W·X with an upstream gradient dD: dW = dD·Xᵀ, dX = Wᵀ·dD
//
// Run with `npm start` (or `node examples/seed-walkthrough.mjs`) after `npm install`.

import * as wg from 'wasmgrad';

await wg.init({ backend: 'wasm' });
wg.setBackend('wasm');

const f64 = { dtype: 'float64' };
const param = (v) => wg.tensor(v, { ...f64, requiresGrad: true });
const fmt = (v) => (Array.isArray(v) ? `[${v.map(fmt).join(', ')}]` : String(v));
const line = (label, got, want, source = 'seed') =>
  console.log(`  ${label.padEnd(4)} = ${fmt(got)}\n  ${source.padStart(4)} = ${fmt(want)}`);

console.log(`wasmgrad seed walkthrough (backend ${wg.getBackend()}, float64)\n`);

// ---- 1. the sigmoid neuron ---------------------------------------------------------------------
{
  console.log('1. sigmoid neuron, w = [2, -3, -3], x = [-1, -2]');
  const [w0, w1, w2] = [2, -3, -3].map(param);
  const [x0, x1] = [-1, -2].map(param);
  const f = w0.mul(x0).add(w1.mul(x1)).add(w2).sigmoid();
  f.backward();
  line('f', f.item(), 0.7310585786300049);
  line('dx', [x0.grad.item(), x1.grad.item()], [0.3932238664829637, -0.5898357997244456]);
  line('dw', [w0.grad.item(), w1.grad.item(), w2.grad.item()],
    [-0.19661193324148185, -0.3932238664829637, 0.19661193324148185]);
  console.log();
}

// ---- 2. the staged expression ------------------------------------------------------------------
{
  console.log('2. f(x, y) = (x + σ(y)) / (σ(x) + (x + y)²) at x = 3, y = -4');
  const x = param(3);
  const y = param(-4);
  const f = x.add(y.sigmoid()).div(x.sigmoid().add(x.add(y).pow(2)));
  f.backward();

  // the seed's hand-staged forward and backward passes
  const X = 3, Y = -4;
  const sigy = 1 / (1 + Math.exp(-Y));
  const num = X + sigy;
  const sigx = 1 / (1 + Math.exp(-X));
  const xpy = X + Y;
  const xpysqr = xpy ** 2;
  const den = sigx + xpysqr;
  const invden = 1 / den;
  const fHand = num * invden;
  const dnum = invden;
  const dinvden = num;
  const dden = (-1 / den ** 2) * dinvden;
  const dsigx = dden;
  const dxpysqr = dden;
  const dxpy = 2 * xpy * dxpysqr;
  let dx = dxpy;
  let dy = dxpy;
  dx += (1 - sigx) * sigx * dsigx;
  dx += dnum;
  const dsigy = dnum;
  dy += (1 - sigy) * sigy * dsigy;

  console.log('  tape, and beside it the seed\'s hand-staged backward pass (hand):');
  line('f', f.item(), fHand, 'hand');
  line('dx', x.grad.item(), dx, 'hand');
  line('dy', y.grad.item(), dy, 'hand');
  console.log();
}

// ---- 3. the matrix product ---------------------------------------------------------------------
{
  console.log('3. D = W·X, W 5×10, X 10×3, random upstream dD');
  wg.manualSeed(7);
  const W = wg.randn([5, 10], { ...f64, requiresGrad: true });
  const X = wg.randn([10, 3], { ...f64, requiresGrad: true });
  const D = W.matmul(X);
  const dD = wg.randn(D.shape, f64);
  D.backward(dD);

  // the seed's formulas, in plain JS
  const mat = (t) => t.toArray();
  const T = (a) => a[0].map((_, j) => a.map((row) => row[j]));
  const mm = (a, b) => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
  const maxAbsDiff = (a, b) => Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i])));
  const dWref = mm(mat(dD), T(mat(X)));
  const dXref = mm(T(mat(W)), mat(dD));

  console.log(`  D shape  ${fmt(D.shape)}`);
  console.log(`  dW shape ${fmt(W.grad.shape)} (W ${fmt(W.shape)}), max |dW - dD·Xᵀ| = ${maxAbsDiff(mat(W.grad), dWref)}`);
  console.log(`  dX shape ${fmt(X.grad.shape)} (X ${fmt(X.shape)}), max |dX - Wᵀ·dD| = ${maxAbsDiff(mat(X.grad), dXref)}`);
}
