// The transposed products Aᵀ·B and A·Bᵀ, float32: the two products of matmul's backward. Its rows
// sit in the matmul table next to A·B of the same N.
//
// Internal import: wasmgrad runs these through its matmul gate with transpose flags (no
// transposed copy). The public API reaches that path only inside matmul's backward;
// wg.matmul(a.transpose(), b) would time a transposed copy as well. So this workload takes
// matmulFlags from dist/ops/matmul.js, the one non-public import of the benchmarks.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkProduct, gflops, matmulSizes, rowOrder, tfMatmulSetup, wgMatmulSetup } from './matmul.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let matmulFlags;
try {
  ({ matmulFlags } = await import(pathToFileURL(path.join(ROOT, 'dist/ops/matmul.js')).href));
} catch (e) {
  console.error('bench: could not import matmulFlags from dist/ops/matmul.js; run `npm run build` first');
  throw e;
}

const VARIANTS = [
  { name: 'Aᵀ·B', index: 1, tA: true, tB: false },
  { name: 'A·Bᵀ', index: 2, tA: false, tB: true },
];

export default {
  name: 'transposed',
  section: 'matmul',
  order: 11,

  async check(ctx) {
    for (const v of VARIANTS) await checkProduct(ctx, v.name, v.tA, v.tB, (a, b) => matmulFlags(a, b, v.tA, v.tB));
  },

  async run(ctx) {
    const { wg, tf, quick } = ctx;
    const rows = [];
    for (const N of matmulSizes(quick)) {
      for (const v of VARIANTS) {
        const r = ctx.row(`matmul-f32-${v.name}-${N}`, `${v.name} f32 N=${N}`, 'GFLOP/s', 'higher', { order: rowOrder(N, v.index) });
        r.N = N; r.variant = v.name;
        rows.push(r);
        const toM = gflops(N, N, N);
        const wgS = wgMatmulSetup(wg, N, 'float32', (a, b) => matmulFlags(a, b, v.tA, v.tB));
        const tfS = tfMatmulSetup(tf, N, v.tA, v.tB);
        await ctx.wasmCells(r, wgS, toM);
        if (quick && N >= 256) {
          ctx.skip(r, 'js', 'skipped in --quick');
          await ctx.cell(r, 'tfwasm', tfS, toM);
          ctx.skip(r, 'tfcpu', 'skipped in --quick');
          continue;
        }
        // The js backend runs at about 1 GFLOP/s: 0.27 s per call at N=512, 2 s at N=1024.
        if (N >= 1024) ctx.skip(r, 'js', 'skipped at N=1024 (≈2 s per call)');
        else await ctx.cell(r, 'js', wgS, toM, N >= 512 ? ctx.slow : undefined);
        await ctx.cell(r, 'tfwasm', tfS, toM);
        if (N >= 1024) ctx.skip(r, 'tfcpu', 'skipped at N=1024');
        else await ctx.cell(r, 'tfcpu', tfS, toM, N >= 512 ? ctx.slow : undefined);
      }
    }
    return rows;
  },
};
