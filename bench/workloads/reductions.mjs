// Reductions built as composites, float32 on 1M elements: logsumexp along the row and var of the
// whole tensor (two-pass: mean, then squared deviations), forward only, against TF.js's
// tf.logSumExp and tf.moments (which returns the mean too) in the same process.

import { uniform } from '../lib/data.mjs';

const N = 1 << 20;
const gbs = (bytes) => (ms) => bytes / (ms * 1e6);

async function cells(ctx, r, wgS, tfS, toM) {
  await ctx.wasmCells(r, wgS, toM);
  await ctx.cell(r, 'js', wgS, toM);
  await ctx.cell(r, 'tfwasm', tfS, toM);
}

export default {
  name: 'reductions',
  order: 45,
  title: 'Reductions (GB/s of input read, higher is better)',

  /** logsumexp and var against a float64 reference on the same data. */
  async check(ctx) {
    const { wg, tf } = ctx;
    const xs = uniform(4096, -20, 20, 71);
    let m = -Infinity, mean = 0;
    for (const x of xs) { m = Math.max(m, x); mean += x / xs.length; }
    let s = 0, ss = 0;
    for (const x of xs) { s += Math.exp(x - m); ss += (x - mean) ** 2; }
    const lse = m + Math.log(s), variance = ss / (xs.length - 1);
    for (const impl of ['wasm', 'js', 'tfwasm']) {
      await ctx.use(impl);
      const [a, v] = impl === 'tfwasm'
        ? tf.tidy(() => { const t = tf.tensor1d(xs); return [tf.logSumExp(t).dataSync()[0], tf.moments(t).variance.dataSync()[0] * xs.length / (xs.length - 1)]; })
        : wg.tidy(() => { const t = wg.tensor(xs); return [t.logsumexp(0).item(), t.var().item()]; });
      ctx.check(`logsumexp on [-20, 20], ${impl} vs float64`, Math.abs(a - lse) < 1e-4, `|err| ${Math.abs(a - lse).toExponential(2)}`);
      ctx.check(`var on [-20, 20], ${impl} vs float64`, Math.abs(v - variance) / variance < 1e-4, `rel err ${(Math.abs(v - variance) / variance).toExponential(2)}`);
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const rows = [];
    {
      const r = ctx.row('logsumexp-1M', 'logsumexp f32 1M (axis 1 of [1024, 1024])', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const x = wg.tensor(uniform(N, -8, 8, 72), { shape: [1024, 1024] });
        return { fn: () => { x.logsumexp(1).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor2d(uniform(N, -8, 8, 72), [1024, 1024]);
        return { fn: () => { tf.logSumExp(x, 1).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      await cells(ctx, r, wgS, tfS, gbs(4 * N));
    }
    {
      const r = ctx.row('var-1M', 'var f32 1M (all elements)', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const x = wg.tensor(uniform(N, -8, 8, 73), { shape: [N] });
        return { fn: () => { x.var().dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor1d(uniform(N, -8, 8, 73));
        return { fn: () => { tf.tidy(() => tf.moments(x).variance); }, cleanup: () => { x.dispose(); } };
      };
      await cells(ctx, r, wgS, tfS, gbs(4 * N));
    }
    return rows;
  },

  notes: () => [
    'GB/s = bytes of input (4 B/element) / time: both ops read their input more than once',
    '(logsumexp: max, then exp-sum; var: mean, then squared deviations), so this understates the',
    'traffic equally for every implementation. wasmgrad: `x.logsumexp(1)` / `x.var()` (composites',
    'of max, sub, exp, sum, log / mean, sub, mul, sum); TF.js: `tf.logSumExp(x, 1)` /',
    '`tf.moments(x).variance` (population variance; the difference is one scalar multiply).',
  ],
};
