// Pooling, float32: maxPool2d 2x2 forward + backward on the two pooling layers of a small MNIST
// CNN ([64,16,28,28] and [64,32,14,14], NCHW), against TF.js tf.maxPool with its gradient on the
// same data in NHWC (its layout).

import { uniform } from '../lib/data.mjs';

const SHAPES = [[64, 16, 28, 28], [64, 32, 14, 14]];

export default {
  name: 'pooling',
  order: 46,
  title: 'Pooling: maxPool2d 2x2 forward + backward (ms, lower is better)',

  /** maxPool2d agrees with tf.maxPool (the same windows, NCHW vs NHWC). */
  async check(ctx) {
    const { wg, tf } = ctx;
    const [N, C, H, W] = [2, 3, 6, 8];
    const data = uniform(N * C * H * W, -1, 1, 81);
    await ctx.use('tfwasm');
    const want = tf.tidy(() => tf.maxPool(tf.tensor4d(data, [N, C, H, W]).transpose([0, 2, 3, 1]), 2, 2, 'valid')
      .transpose([0, 3, 1, 2]).dataSync());
    for (const impl of ['wasm', 'js']) {
      await ctx.use(impl);
      const got = wg.tidy(() => wg.maxPool2d(wg.tensor(data, { shape: [N, C, H, W] }), 2).data());
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
      ctx.check(`maxPool2d, ${impl} vs tf.maxPool`, err === 0, `max abs err ${err}`);
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const rows = [];
    const ms = (x) => x;
    for (const [N, C, H, W] of SHAPES) {
      const r = ctx.row(`maxPool2d-fwdbwd-${C}x${H}`, `maxPool2d 2x2 fwd+bwd f32 [${N},${C},${H},${W}]`, 'ms', 'lower');
      rows.push(r);
      const n = N * C * H * W, m = n / 4;
      const wgS = () => {
        const x = wg.tensor(uniform(n, -1, 1, 82), { shape: [N, C, H, W], requiresGrad: true });
        const dy = wg.tensor(uniform(m, -1, 1, 83), { shape: [N, C, H / 2, W / 2] });
        return {
          fn: () => { wg.tidy(() => { wg.maxPool2d(x, 2).backward(dy); }); x.zeroGrad(); },
          cleanup: () => { x.dispose(); dy.dispose(); },
        };
      };
      const tfS = () => {
        const x = tf.tensor4d(uniform(n, -1, 1, 82), [N, H, W, C]);
        const dy = tf.tensor4d(uniform(m, -1, 1, 83), [N, H / 2, W / 2, C]);
        const g = tf.grad((a) => tf.maxPool(a, 2, 2, 'valid'));
        return {
          fn: () => { tf.tidy(() => { g(x, dy).dataSync(); }); },
          cleanup: () => { x.dispose(); dy.dispose(); },
        };
      };
      await ctx.wasmCells(r, wgS, ms);
      await ctx.cell(r, 'js', wgS, ms);
      await ctx.cell(r, 'tfwasm', tfS, ms);
      await ctx.cell(r, 'tfcpu', tfS, ms);
    }
    return rows;
  },

  notes: () => [
    'One training step of a pooling layer: forward (window max and its index), then the gradient',
    'scattered to the winners. TF.js runs the same data in NHWC, its layout, and reads the gradient back.',
  ],
};
