// Matrix product A·B, float64, N=512: the two wasmgrad backends only (TF.js has no float64).

import { gflops, wgMatmulSetup } from './matmul.mjs';

export default {
  name: 'matmul-f64',
  order: 20,
  title: 'Matrix product, float64 (GFLOP/s, higher is better)',

  async run(ctx) {
    const { wg } = ctx;
    const N = 512;
    const r = ctx.row(`matmul-f64-A·B-${N}`, `A·B f64 N=${N}`, 'GFLOP/s', 'higher');
    const toM = gflops(N, N, N);
    const wgS = wgMatmulSetup(wg, N, 'float64', (a, b) => wg.matmul(a, b));
    await ctx.wasmCells(r, wgS, toM);
    await ctx.cell(r, 'js', wgS, toM, ctx.slow);
    ctx.skip(r, 'tfwasm', 'TF.js has no float64');
    ctx.skip(r, 'tfcpu', 'TF.js has no float64');
    return [r];
  },

  notes: () => ['TF.js has no float64 dtype, so only the two wasmgrad backends are compared.'],
};
