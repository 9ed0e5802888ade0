// Bandwidth-bound elementwise ops, float32: mul, sigmoid, sigmoid forward + backward (1M and,
// in full runs, 16M elements), gelu (exact and 'tanh') next to TF.js's tanh formula in tf ops,
// and sigmoid with the result read back.

import { uniform } from '../lib/data.mjs';

const label = (n) => (n === 1 << 20 ? '1M' : n === 1 << 24 ? '16M' : String(n));
const gbs = (bytes) => (ms) => bytes / (ms * 1e6);

/** Every implementation's cell of one row: wasmgrad's setup for wasm (1, all threads) and js, TF.js's for both of its backends. */
async function allCells(ctx, r, wgS, tfS, toM, opts) {
  await ctx.wasmCells(r, wgS, toM, opts);
  await ctx.cell(r, 'js', wgS, toM, opts);
  await ctx.cell(r, 'tfwasm', tfS, toM, opts);
  await ctx.cell(r, 'tfcpu', tfS, toM, opts);
}

export default {
  name: 'elementwise',
  order: 40,
  title: 'Elementwise (GB/s, higher is better)',

  /** sigmoid values against Math.exp. */
  async check(ctx) {
    const { wg, tf } = ctx;
    const n = 4096, xs = uniform(n, -20, 20, 55);
    for (const impl of ['wasm', 'js', 'tfwasm']) {
      await ctx.use(impl);
      const ys = impl === 'tfwasm'
        ? tf.tidy(() => tf.sigmoid(tf.tensor1d(xs)).dataSync())
        : wg.tidy(() => wg.tensor(xs).sigmoid().data());
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(ys[i] - 1 / (1 + Math.exp(-xs[i]))));
      ctx.check(`sigmoid on [-20, 20], ${impl} vs Math.exp`, err < 1e-6, `max abs err ${err.toExponential(2)}`);
    }
  },

  async run(ctx) {
    const { wg, tf, quick } = ctx;
    const rows = [];
    for (const n of quick ? [1 << 20] : [1 << 20, 1 << 24]) {
      const big = n > 1 << 20;
      const slow = big ? { maxReps: quick ? 3 : 5, maxWarmMs: 600 } : {};
      // mul: reads 2 arrays, writes 1.
      {
        const r = ctx.row(`mul-${label(n)}`, `mul f32 ${label(n)}`, 'GB/s', 'higher');
        rows.push(r);
        const wgS = () => {
          const a = wg.tensor(uniform(n, -4, 4, 31), { shape: [n] });
          const b = wg.tensor(uniform(n, -4, 4, 32), { shape: [n] });
          return { fn: () => { a.mul(b).dispose(); }, cleanup: () => { a.dispose(); b.dispose(); } };
        };
        const tfS = () => {
          const a = tf.tensor1d(uniform(n, -4, 4, 31));
          const b = tf.tensor1d(uniform(n, -4, 4, 32));
          return { fn: () => { tf.mul(a, b).dispose(); }, cleanup: () => { a.dispose(); b.dispose(); } };
        };
        await allCells(ctx, r, wgS, tfS, gbs(12 * n), slow);
      }
      // sigmoid forward: reads 1, writes 1.
      {
        const r = ctx.row(`sigmoid-${label(n)}`, `sigmoid f32 ${label(n)}`, 'GB/s', 'higher');
        rows.push(r);
        const wgS = () => {
          const x = wg.tensor(uniform(n, -8, 8, 33), { shape: [n] });
          return { fn: () => { x.sigmoid().dispose(); }, cleanup: () => { x.dispose(); } };
        };
        const tfS = () => {
          const x = tf.tensor1d(uniform(n, -8, 8, 33));
          return { fn: () => { tf.sigmoid(x).dispose(); }, cleanup: () => { x.dispose(); } };
        };
        await allCells(ctx, r, wgS, tfS, gbs(8 * n), slow);
      }
      // sigmoid forward + backward: forward reads x, writes y; backward reads y and dy, writes dx.
      {
        const r = ctx.row(`sigmoid-fwdbwd-${label(n)}`, `sigmoid fwd+bwd f32 ${label(n)}`, 'GB/s', 'higher');
        rows.push(r);
        const wgS = () => {
          const x = wg.tensor(uniform(n, -8, 8, 34), { shape: [n], requiresGrad: true });
          const dy = wg.tensor(uniform(n, -1, 1, 35), { shape: [n] });
          return {
            fn: () => { wg.tidy(() => { x.sigmoid().backward(dy); }); x.zeroGrad(); },
            cleanup: () => { x.dispose(); dy.dispose(); },
          };
        };
        const tfS = () => {
          const x = tf.tensor1d(uniform(n, -8, 8, 34));
          const dy = tf.tensor1d(uniform(n, -1, 1, 35));
          const g = tf.grad((t) => tf.sigmoid(t));
          return { fn: () => { g(x, dy).dispose(); }, cleanup: () => { x.dispose(); dy.dispose(); } };
        };
        await allCells(ctx, r, wgS, tfS, gbs(20 * n), slow);
      }
    }
    // gelu 1M (exact, erf; and 'tanh'), next to TF.js, which has no gelu op: the tanh formula
    // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) written in tf ops (as a tf.js model would).
    for (const approximate of ['none', 'tanh']) {
      const n = 1 << 20;
      const r = ctx.row(`gelu-${approximate}-1M`, `gelu${approximate === 'tanh' ? " 'tanh'" : ''} f32 1M (TF.js: the tanh formula in tf ops)`, 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const x = wg.tensor(uniform(n, -6, 6, 36), { shape: [n] });
        return { fn: () => { x.gelu(approximate).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor1d(uniform(n, -6, 6, 36));
        const c = Math.sqrt(2 / Math.PI);
        const gelu = (t) => tf.tidy(() => tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(tf.mul(c, tf.add(t, tf.mul(0.044715, tf.pow(t, 3))))))));
        return { fn: () => { gelu(x).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(8 * n));
    }
    // One row with the result read back to JS in both libraries.
    {
      const n = 1 << 20;
      const r = ctx.row('sigmoid-1M-readback', 'sigmoid f32 1M + read back', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const x = wg.tensor(uniform(n, -8, 8, 33), { shape: [n] });
        return { fn: () => { const y = x.sigmoid(); y.data(); y.dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor1d(uniform(n, -8, 8, 33));
        return { fn: () => { const y = tf.sigmoid(x); y.dataSync(); y.dispose(); }, cleanup: () => { x.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(8 * n));
    }
    return rows;
  },

  notes: ({ quick }) => [
    'GB/s = (bytes read + bytes written) / time, counted nominally: mul 12 B/element, sigmoid',
    '8 B/element, sigmoid fwd+bwd 20 B/element (forward reads x and writes y; backward reads y',
    'and dy and writes dx). wasmgrad fwd+bwd: `tidy(() => x.sigmoid().backward(dy))` then',
    '`x.zeroGrad()`; TF.js: `tf.grad(tf.sigmoid)(x, dy)`. All four backends run synchronously,',
    'so these rows time the call without reading the result back; the "+ read back" row adds',
    '`y.data()` (wasmgrad) / `y.dataSync()` (TF.js) in both libraries.',
    'gelu: 8 B/element; TF.js has no gelu op, so its cells run the tanh formula',
    '0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in tf ops (both wasmgrad rows are compared with it).',
    ...(quick ? ['--quick: the 16M rows are skipped.'] : []),
  ],
};
