// Strided copies, float32: cat of 8 tensors along the last dim and narrow of the middle half of
// the last dim (1M elements out), next to a mul by 1 moving the same bytes (the elementwise
// bandwidth they should reach), against TF.js tf.concat / tf.slice / tf.mul.

import { uniform } from '../lib/data.mjs';

const ROWS = 1024, COLS = 1024, PARTS = 8;
const gbs = (bytes) => (ms) => bytes / (ms * 1e6);

/** Every implementation's cell of one row: wasmgrad's setup for wasm (1, all threads) and js, TF.js's for both of its backends. */
async function allCells(ctx, r, wgS, tfS, toM) {
  await ctx.wasmCells(r, wgS, toM);
  await ctx.cell(r, 'js', wgS, toM);
  await ctx.cell(r, 'tfwasm', tfS, toM);
  await ctx.cell(r, 'tfcpu', tfS, toM);
}

export default {
  name: 'join',
  order: 45,
  title: 'Strided copies: cat, narrow (GB/s, higher is better)',

  /** cat then narrow gives back each part, in both libraries. */
  async check(ctx) {
    const { wg, tf } = ctx;
    const parts = Array.from({ length: 3 }, (_, i) => uniform(6, -1, 1, 70 + i));
    for (const impl of ['wasm', 'js', 'tfwasm']) {
      await ctx.use(impl);
      const got = impl === 'tfwasm'
        ? tf.tidy(() => tf.slice(tf.concat(parts.map((p) => tf.tensor2d(p, [2, 3])), 1), [0, 3], [2, 3]).dataSync())
        : wg.tidy(() => wg.cat(parts.map((p) => wg.tensor(p, { shape: [2, 3] })), 1).narrow(1, 3, 3).data());
      ctx.check(`cat then narrow, ${impl}`, Array.from(got).every((v, i) => v === parts[1][i]), 'the middle part comes back');
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const rows = [];
    const n = ROWS * COLS, w = COLS / PARTS;
    // mul by 1: reads n, writes n (the scalar is broadcast).
    {
      const r = ctx.row('join-mul1-1M', 'mul by 1 f32 1M (same bytes)', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const a = wg.tensor(uniform(n, -4, 4, 61), { shape: [ROWS, COLS] });
        return { fn: () => { a.mul(1).dispose(); }, cleanup: () => { a.dispose(); } };
      };
      const tfS = () => {
        const a = tf.tensor2d(uniform(n, -4, 4, 61), [ROWS, COLS]);
        const one = tf.scalar(1);
        return { fn: () => { tf.mul(a, one).dispose(); }, cleanup: () => { a.dispose(); one.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(8 * n));
    }
    // cat of 8 [1024, 128] tensors along dim 1: reads n, writes n.
    {
      const r = ctx.row('join-cat8-1M', `cat of ${PARTS} [${ROWS},${w}] along dim 1 f32`, 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const ps = Array.from({ length: PARTS }, (_, i) => wg.tensor(uniform(ROWS * w, -4, 4, 62 + i), { shape: [ROWS, w] }));
        return { fn: () => { wg.cat(ps, 1).dispose(); }, cleanup: () => { ps.forEach((p) => p.dispose()); } };
      };
      const tfS = () => {
        const ps = Array.from({ length: PARTS }, (_, i) => tf.tensor2d(uniform(ROWS * w, -4, 4, 62 + i), [ROWS, w]));
        return { fn: () => { tf.concat(ps, 1).dispose(); }, cleanup: () => { ps.forEach((p) => p.dispose()); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(8 * n));
    }
    // narrow of the middle half of dim 1 of [1024, 2048]: reads n, writes n.
    {
      const r = ctx.row('join-narrow-1M', `narrow(1, ${COLS / 2}, ${COLS}) of [${ROWS},${2 * COLS}] f32`, 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const a = wg.tensor(uniform(2 * n, -4, 4, 71), { shape: [ROWS, 2 * COLS] });
        return { fn: () => { a.narrow(1, COLS / 2, COLS).dispose(); }, cleanup: () => { a.dispose(); } };
      };
      const tfS = () => {
        const a = tf.tensor2d(uniform(2 * n, -4, 4, 71), [ROWS, 2 * COLS]);
        return { fn: () => { tf.slice(a, [0, COLS / 2], [ROWS, COLS]).dispose(); }, cleanup: () => { a.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(8 * n));
    }
    return rows;
  },

  notes: () => [
    'GB/s = (bytes read + bytes written) / time, counted nominally: 8 B per output element for',
    'all three rows (1M float32 outputs). mul by 1 is the elementwise bandwidth the copies should',
    'reach; cat writes each part as a strided block (one copyInto each), narrow reads a strided',
    'window (copyStrided). TF.js: tf.mul(a, scalar 1), tf.concat(parts, 1), tf.slice.',
  ],
};
