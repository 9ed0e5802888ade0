// Forward + backward of sum(A·B), float32, N=512: one forward product, the two backward products
// (dA = dC·Bᵀ, dB = Aᵀ·dC) and the sum.

import { uniform } from '../lib/data.mjs';

export default {
  name: 'fwdbwd',
  order: 30,
  title: 'Forward + backward of sum(A·B) (ms, lower is better)',

  /** Gradients of sum(A·B): dA = 1·Bᵀ (row sums of B), dB = Aᵀ·1 (column sums of A). */
  async check(ctx) {
    const { wg } = ctx;
    const M = 64;
    const A2 = uniform(M * M, -1, 1, 53), B2 = uniform(M * M, -1, 1, 54);
    for (const impl of ['wasm', 'js']) {
      await ctx.use(impl);
      const [ga, gb] = wg.tidy(() => {
        const a = wg.tensor(A2, { shape: [M, M], requiresGrad: true });
        const b = wg.tensor(B2, { shape: [M, M], requiresGrad: true });
        a.matmul(b).sum().backward();
        const r = [a.grad.data(), b.grad.data()];
        a.dispose(); b.dispose();
        return r;
      });
      let err = 0;
      for (let i = 0; i < M; i++) for (let k = 0; k < M; k++) {
        let rs = 0, cs = 0;
        for (let j = 0; j < M; j++) { rs += B2[k * M + j]; cs += A2[j * M + i]; }
        err = Math.max(err, Math.abs(ga[i * M + k] - rs), Math.abs(gb[i * M + k] - cs));
      }
      ctx.check(`grad of sum(A·B) N=${M}, ${impl} vs reference`, err < 1e-3, `max abs err ${err.toExponential(2)}`);
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const N = 512;
    const r = ctx.row(`fwdbwd-sum-matmul-${N}`, `sum(A·B) fwd+bwd f32 N=${N}`, 'ms', 'lower');
    const ms = (x) => x;
    const wgSetup = () => {
      const A = wg.tensor(uniform(N * N, -1, 1, 21), { shape: [N, N], requiresGrad: true });
      const B = wg.tensor(uniform(N * N, -1, 1, 22), { shape: [N, N], requiresGrad: true });
      return {
        fn: () => {
          wg.tidy(() => { A.matmul(B).sum().backward(); });
          A.zeroGrad(); B.zeroGrad();
        },
        cleanup: () => { A.dispose(); B.dispose(); },
      };
    };
    const tfSetup = () => {
      const A = tf.tensor2d(uniform(N * N, -1, 1, 21), [N, N]);
      const B = tf.tensor2d(uniform(N * N, -1, 1, 22), [N, N]);
      const g = tf.grads((a, b) => tf.matMul(a, b).sum());
      return {
        fn: () => { tf.tidy(() => { const [ga, gb] = g([A, B]); ga.dataSync(); gb.dataSync(); }); },
        cleanup: () => { A.dispose(); B.dispose(); },
      };
    };
    await ctx.wasmCells(r, wgSetup, ms);
    await ctx.cell(r, 'js', wgSetup, ms, ctx.slow);
    await ctx.cell(r, 'tfwasm', tfSetup, ms);
    await ctx.cell(r, 'tfcpu', tfSetup, ms, ctx.slow);
    return [r];
  },

  notes: () => [
    'One forward product and the two backward products (dA = dC·Bᵀ, dB = Aᵀ·dC) plus the sum.',
    'wasmgrad: `requiresGrad` A and B, `tidy(() => A.matmul(B).sum().backward())`, then',
    '`zeroGrad()` on both. TF.js: `tf.grads((a, b) => tf.matMul(a, b).sum())`, both gradients',
    'read back with `dataSync()`. The speed-up column is tfjs time / wasmgrad time.',
  ],
};
