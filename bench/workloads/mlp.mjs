// MLP training step: dense 784→128 (ReLU) → 10, softmax cross-entropy, batch 64, plain SGD,
// identical initial parameters and data in every library.

import { rng, uniform, normal } from '../lib/data.mjs';

const MLP = { batch: 64, inp: 784, hid: 128, out: 10, lr: 0.05 };

function mlpData() {
  const { batch, inp, hid, out } = MLP;
  const labels = new Int32Array(batch);
  const r = rng(41);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(r() * out);
  const onehot = new Float32Array(batch * out);
  for (let i = 0; i < batch; i++) onehot[i * out + labels[i]] = 1;
  return {
    x: uniform(batch * inp, 0, 1, 42),
    labels, onehot,
    W1: normal(inp * hid, Math.sqrt(2 / inp), 43),
    b1: new Float32Array(hid),
    W2: normal(hid * out, Math.sqrt(2 / hid), 44),
    b2: new Float32Array(out),
  };
}

/** wasmgrad MLP: forward, loss.backward(), then wg.optim.SGD's in-place update. */
function wgMlp(wg, D) {
  const { batch, inp, hid, out, lr } = MLP;
  const param = (data, shape) => wg.keep(wg.tensor(data, { shape, requiresGrad: true }));
  const P = [param(D.W1, [inp, hid]), param(D.b1, [hid]), param(D.W2, [hid, out]), param(D.b2, [out])];
  const X = wg.keep(wg.tensor(D.x, { shape: [batch, inp] }));
  const labels = D.labels;
  const opt = new wg.optim.SGD(P, { lr });
  const step = () => wg.tidy(() => {
    const [W1, b1, W2, b2] = P;
    const h = X.matmul(W1).add(b1).relu();
    const loss = wg.crossEntropy(h.matmul(W2).add(b2), labels);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss.item();
  });
  return { step, cleanup: () => { for (const p of P) p.dispose(); X.dispose(); } };
}

/** TF.js MLP: tf.train.sgd(lr).minimize with softmaxCrossEntropy on one-hot labels. */
function tfMlp(tf, D) {
  const { batch, inp, hid, out, lr } = MLP;
  const W1 = tf.variable(tf.tensor2d(D.W1, [inp, hid]));
  const b1 = tf.variable(tf.tensor1d(D.b1));
  const W2 = tf.variable(tf.tensor2d(D.W2, [hid, out]));
  const b2 = tf.variable(tf.tensor1d(D.b2));
  const X = tf.tensor2d(D.x, [batch, inp]);
  const Y = tf.tensor2d(D.onehot, [batch, out]);
  const opt = tf.train.sgd(lr);
  const step = () => {
    const cost = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(X, W1), b1));
      return tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(h, W2), b2));
    }, true, [W1, b1, W2, b2]);
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
  return { step, cleanup: () => { for (const t of [W1, b1, W2, b2, X, Y]) t.dispose(); opt.dispose(); } };
}

export default {
  name: 'mlp',
  order: 50,
  title: 'MLP training step (steps/s, higher is better)',
  relaxed: true,

  async run(ctx) {
    const { wg, tf } = ctx;
    const D = mlpData();
    const r = ctx.row('mlp-784-128-10-b64', 'MLP 784-128-10 SGD step, batch 64', 'steps/s', 'higher', { relaxed: true });
    const toM = (ms) => 1000 / ms;
    const losses = {};
    const setupFor = (impl, make) => () => {
      const m = make(D);
      losses[impl] = [];
      for (let i = 0; i < 5; i++) losses[impl].push(m.step()); // identical start: compare losses
      return { fn: m.step, cleanup: m.cleanup };
    };
    const wgMake = (D) => wgMlp(wg, D), tfMake = (D) => tfMlp(tf, D);
    await ctx.cell(r, 'wasm1', setupFor('wasm1', wgMake), toM);
    await ctx.cell(r, 'wasm', setupFor('wasm', wgMake), toM);
    await ctx.cell(r, 'js', setupFor('js', wgMake), toM);
    await ctx.cell(r, 'tfwasm', setupFor('tfwasm', tfMake), toM);
    await ctx.cell(r, 'tfcpu', setupFor('tfcpu', tfMake), toM);
    // Sanity: from the same initial parameters and data, the first 5 losses should agree.
    const ref = losses.tfwasm;
    for (const impl of ['wasm1', 'wasm', 'js', 'tfcpu']) {
      if (!ref || !losses[impl]) continue;
      const err = Math.max(...losses[impl].map((v, i) => Math.abs(v - ref[i]) / Math.max(1e-6, Math.abs(ref[i]))));
      ctx.check(`MLP first 5 losses, ${impl} vs tfjs wasm`, err < 1e-3, `max rel diff ${err.toExponential(2)}; ${impl}: ${losses[impl].map((v) => v.toFixed(5)).join(', ')}; tfjs wasm: ${ref.map((v) => v.toFixed(5)).join(', ')}`);
    }
    r.losses = losses;
    return [r];
  },

  notes: () => [
    `Dense 784→128 (ReLU) → 10, softmax cross-entropy on integer labels, batch ${MLP.batch},`,
    `plain SGD (lr ${MLP.lr}), identical initial parameters and data in every library. wasmgrad:`,
    'forward, `loss.backward()`, then `wg.optim.SGD`\'s in-place update (an AssemblyScript',
    'kernel), all inside `wg.tidy`, and `loss.item()` read back. TF.js:',
    '`tf.train.sgd(lr).minimize(() => tf.losses.softmaxCrossEntropy(onehot, logits), true)`,',
    'cost read back with `dataSync()`.',
  ],
};
