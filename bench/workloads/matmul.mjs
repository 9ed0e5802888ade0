// Matrix product A·B, float32, square N×N: the same operands every call, and a new B each call.
// Its named exports are shared with the transposed and float64 workloads.

import { uniform } from '../lib/data.mjs';

export const gflops = (M, N, K) => (ms) => (2 * M * N * K) / (ms * 1e6);

export const matmulSizes = (quick) => (quick ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024]);

/** Sanity-check operands: N×N, and the float64 reference of op(A)·op(B). */
export const CHECK_N = 96;
export function checkOperands() {
  const N = CHECK_N;
  const A = uniform(N * N, -1, 1, 51), B = uniform(N * N, -1, 1, 52);
  const reference = (tA, tB) => {
    const C = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < N; k++) s += (tA ? A[k * N + i] : A[i * N + k]) * (tB ? B[j * N + k] : B[k * N + j]);
      C[i * N + j] = s;
    }
    return C;
  };
  return { N, A, B, reference };
}

/** Checks product(a, b) of wasmgrad (wasm 1 thread, all threads, js) and tf.matMul against float64. */
export async function checkProduct(ctx, name, tA, tB, product) {
  const { wg, tf } = ctx;
  const { N, A, B, reference } = checkOperands();
  const R = reference(tA, tB);
  let scale = 0;
  for (const x of R) scale = Math.max(scale, Math.abs(x));
  for (const impl of ['wasm1', 'wasm', 'js', 'tfwasm', 'tfcpu']) {
    await ctx.use(impl);
    let out;
    if (impl === 'wasm1' || impl === 'wasm' || impl === 'js') {
      out = wg.tidy(() => product(wg.tensor(A, { shape: [N, N] }), wg.tensor(B, { shape: [N, N] })).data());
    } else {
      out = tf.tidy(() => tf.matMul(tf.tensor2d(A, [N, N]), tf.tensor2d(B, [N, N]), tA, tB).dataSync());
    }
    let err = 0;
    for (let i = 0; i < R.length; i++) err = Math.max(err, Math.abs(out[i] - R[i]));
    ctx.check(`matmul ${name} N=${N} f32, ${impl} vs float64 reference`, err / scale < 1e-5, `max abs err / max |C| = ${(err / scale).toExponential(2)}`);
  }
}

/** wasmgrad cell: product(a, b) on the same two N×N operands every call. */
export function wgMatmulSetup(wg, N, dtype, product) {
  return () => {
    const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
    const a = wg.tensor(uniform(N * N, -1, 1, 11, Ctor), { shape: [N, N], dtype });
    const b = wg.tensor(uniform(N * N, -1, 1, 12, Ctor), { shape: [N, N], dtype });
    return {
      fn: () => { product(a, b).dispose(); },
      cleanup: () => { a.dispose(); b.dispose(); },
    };
  };
}
export function tfMatmulSetup(tf, N, tA, tB) {
  return () => {
    const a = tf.tensor2d(uniform(N * N, -1, 1, 11), [N, N]);
    const b = tf.tensor2d(uniform(N * N, -1, 1, 12), [N, N]);
    return {
      fn: () => { const c = tf.matMul(a, b, tA, tB); c.dataSync(); c.dispose(); },
      cleanup: () => { a.dispose(); b.dispose(); },
    };
  };
}

/** Where a matmul row sits in the table: by N, then A·B, Aᵀ·B, A·Bᵀ; the new-B rows last. */
export const rowOrder = (N, variantIndex) => N * 10 + variantIndex;
const NEW_B_ORDER = 1e9;

/**
 * A·B with a new B tensor for every call (made untimed before each repeat). TF.js wasm caches
 * an XNNPACK operator with B packed keyed by B's tensor id, so with one B reused its timed
 * calls skip the packing; in training the weights change every step and it packs each time.
 */
function wgMatmulFreshBSetup(wg, N) {
  return () => {
    const a = wg.tensor(uniform(N * N, -1, 1, 11), { shape: [N, N] });
    const bData = uniform(N * N, -1, 1, 12);
    let pool = [], k = 0;
    return {
      beforeRep: (n) => { pool = []; for (let i = 0; i < n; i++) pool.push(wg.tensor(bData, { shape: [N, N] })); k = 0; },
      fn: () => { wg.matmul(a, pool[k++]).dispose(); },
      afterRep: () => { for (const t of pool) t.dispose(); pool = []; },
      cleanup: () => { a.dispose(); for (const t of pool) t.dispose(); },
    };
  };
}
function tfMatmulFreshBSetup(tf, N) {
  return () => {
    const a = tf.tensor2d(uniform(N * N, -1, 1, 11), [N, N]);
    const bData = uniform(N * N, -1, 1, 12);
    let pool = [], k = 0;
    return {
      beforeRep: (n) => { pool = []; for (let i = 0; i < n; i++) pool.push(tf.tensor2d(bData, [N, N])); k = 0; },
      fn: () => { const c = tf.matMul(a, pool[k++]); c.dataSync(); c.dispose(); },
      afterRep: () => { for (const t of pool) t.dispose(); pool = []; },
      cleanup: () => { a.dispose(); for (const t of pool) t.dispose(); },
    };
  };
}

export default {
  name: 'matmul',
  order: 10,
  title: 'Matrix product, float32 (GFLOP/s, higher is better)',
  relaxed: true,

  check: (ctx) => checkProduct(ctx, 'A·B', false, false, (a, b) => ctx.wg.matmul(a, b)),

  async run(ctx) {
    const { wg, tf, quick } = ctx;
    const rows = [];
    const product = (a, b) => wg.matmul(a, b);
    for (const N of matmulSizes(quick)) {
      const r = ctx.row(`matmul-f32-A·B-${N}`, `A·B f32 N=${N}`, 'GFLOP/s', 'higher', { order: rowOrder(N, 0), relaxed: N >= 256 });
      r.N = N; r.variant = 'A·B';
      rows.push(r);
      const toM = gflops(N, N, N);
      const wgS = wgMatmulSetup(wg, N, 'float32', product);
      await ctx.wasmCells(r, wgS, toM);
      // The js backend runs at about 1 GFLOP/s: 0.27 s per call at N=512, 2 s at N=1024.
      if (N >= 1024) await ctx.cell(r, 'js', wgS, toM, { warmup: false, reps: 1, note: '1 rep, no warm-up' });
      else if (N >= 512) await ctx.cell(r, 'js', wgS, toM, ctx.slow);
      else await ctx.cell(r, 'js', wgS, toM);
      await ctx.cell(r, 'tfwasm', tfMatmulSetup(tf, N, false, false), toM);
      if (N >= 1024) ctx.skip(r, 'tfcpu', 'skipped at N=1024');
      else await ctx.cell(r, 'tfcpu', tfMatmulSetup(tf, N, false, false), toM, N >= 512 ? ctx.slow : undefined);
    }
    for (const N of quick ? [64, 256] : [64, 128, 256]) {
      const r = ctx.row(`matmul-f32-A·B-newB-${N}`, `A·B f32 N=${N}, new B each call`, 'GFLOP/s', 'higher', { order: NEW_B_ORDER + N });
      r.N = N; r.variant = 'A·B new B';
      rows.push(r);
      const toM = gflops(N, N, N);
      await ctx.wasmCells(r, wgMatmulFreshBSetup(wg, N), toM);
      ctx.skip(r, 'js', 'not run');
      await ctx.cell(r, 'tfwasm', tfMatmulFreshBSetup(tf, N), toM);
      ctx.skip(r, 'tfcpu', 'not run');
    }
    return rows;
  },

  notes: () => [
    'GFLOP/s = 2·N³ / time. Square N×N float32 operands. Aᵀ·B and A·Bᵀ are the two products of',
    'matmul\'s backward: wasmgrad runs them through its matmul gate with transpose flags',
    '(`matmulFlags(a, b, transA, transB)` from dist/ops/matmul.js, no transposed copy), TF.js',
    'through `tf.matMul(a, b, transposeA, transposeB)`. TF.js results are read back with',
    '`dataSync()` inside the timed region.',
    'The same two operand tensors are reused by every call. TF.js wasm caches, per B tensor, an',
    'XNNPACK operator holding B already packed, so from the second call on its A·B skips the',
    'packing (its transposed products take a scalar loop instead). The "new B each call" rows',
    'give both libraries a fresh B tensor (created untimed before each repeat), as in training',
    'where the weights change every step.',
  ],
};
