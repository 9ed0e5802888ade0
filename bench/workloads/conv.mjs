// conv2d at a LeNet-sized and a ResNet-block shape (issue 13): forward GFLOP/s against
// TensorFlow.js (wasm = XNNPACK, cpu) and against wasmgrad's own matmul on the same GEMM
// (M = O, K = C·kh·kw, N = Ho·Wo per image), then forward + backward against TF.js cpu.
// Both shapes take the float32 Winograd path (3x3, stride 1: F(4x4, 3x3) at both); a second
// forward row forces the implicit-im2col GEMM path (WASMGRAD_CONV=gemm) so the two sit side by side.

import { uniform } from '../lib/data.mjs';
import { wgMissing, NOT_BUILT } from '../lib/peers.mjs';

/** The two shapes of issue 13; mmBatch: images in the matmul reference (its GFLOP/s per image). */
const SHAPES = [
  { id: 'lenet', N: 64, C: 16, H: 14, W: 14, O: 32, k: 3, pad: 1, mmBatch: 64 },
  { id: 'resnet', N: 32, C: 64, H: 56, W: 56, O: 64, k: 3, pad: 1, mmBatch: 8 },
];

const outSize = (s) => ({ Ho: s.H + 2 * s.pad - s.k + 1, Wo: s.W + 2 * s.pad - s.k + 1 });
/** Multiply-adds ×2 of one forward convolution (the bias is not counted). */
function convFlops(s) {
  const { Ho, Wo } = outSize(s);
  return 2 * s.N * s.O * Ho * Wo * s.C * s.k * s.k;
}
const label = (s) => `[${s.N},${s.C},${s.H},${s.W}]*[${s.O},${s.C},${s.k},${s.k}] pad ${s.pad}`;

function convData(s) {
  const { Ho, Wo } = outSize(s);
  const bound = 1 / Math.sqrt(s.C * s.k * s.k);  // PyTorch's default init range
  return {
    x: uniform(s.N * s.C * s.H * s.W, -1, 1, 131),
    w: uniform(s.O * s.C * s.k * s.k, -bound, bound, 132),
    b: uniform(s.O, -bound, bound, 133),
    dy: uniform(s.N * s.O * Ho * Wo, -1, 1, 134),
  };
}

/** OIHW filter → TF's HWIO, and NCHW → NHWC for TF (done in setup, outside the timing). */
function tfInputs(tf, s, D) {
  const { Ho, Wo } = outSize(s);
  return tf.tidy(() => ({
    x: tf.transpose(tf.tensor4d(D.x, [s.N, s.C, s.H, s.W]), [0, 2, 3, 1]),
    w: tf.transpose(tf.tensor4d(D.w, [s.O, s.C, s.k, s.k]), [2, 3, 1, 0]),
    b: tf.tensor1d(D.b),
    dy: tf.transpose(tf.tensor4d(D.dy, [s.N, s.O, Ho, Wo]), [0, 2, 3, 1]),
  }));
}

/** TF.js's padding for a 3×3 pad 1 stride 1 convolution. */
const tfPad = (s) => (s.pad === (s.k - 1) / 2 ? 'same' : [[0, 0], [s.pad, s.pad], [s.pad, s.pad], [0, 0]]);

/** Does TF.js's wasm backend have the convolution gradients? null if so, else the error text. */
function tfWasmConvGradMissing(tf) {
  try {
    tf.tidy(() => {
      const g = tf.grads((x, w) => tf.conv2d(x, w, 1, 'same'));
      g([tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1])]).forEach((t) => t.dataSync());
    });
    return null;
  } catch (e) {
    return String(e?.message ?? e).split('\n')[0];
  }
}

let tfWasmGradWhy = null;  // for the notes

export default {
  name: 'conv',
  order: 70,
  title: 'conv2d (GFLOP/s, higher is better)',
  relaxed: true,

  /** wasmgrad's conv2d against TF.js cpu on the LeNet shape, same data (NCHW vs NHWC). */
  async check(ctx) {
    const { wg, tf } = ctx;
    if (wgMissing(wg, ['conv2d']).length) return;
    const s = SHAPES[0], D = convData(s), { Ho, Wo } = outSize(s);
    await ctx.use('tfcpu');
    const ref = tf.tidy(() => {
      const T = tfInputs(tf, s, D);
      return tf.transpose(tf.add(tf.conv2d(T.x, T.w, 1, tfPad(s)), T.b), [0, 3, 1, 2]).dataSync();
    });
    for (const impl of ['wasm', 'js']) {
      await ctx.use(impl);
      let got;
      try {
        got = wg.tidy(() => wg.conv2d(wg.tensor(D.x, { shape: [s.N, s.C, s.H, s.W] }), wg.tensor(D.w, { shape: [s.O, s.C, s.k, s.k] }),
          wg.tensor(D.b, { shape: [s.O] }), { padding: s.pad }).data());
      } catch (e) {
        ctx.check(`conv2d ${label(s)}, wasmgrad ${impl} vs tfjs cpu`, false, `threw ${e?.message}`);
        continue;
      }
      let err = 0, scale = 0;
      for (let i = 0; i < ref.length; i++) { err = Math.max(err, Math.abs(got[i] - ref[i])); scale = Math.max(scale, Math.abs(ref[i])); }
      ctx.check(`conv2d ${label(s)}, wasmgrad ${impl} vs tfjs cpu`, got.length === s.N * s.O * Ho * Wo && err / scale < 1e-4,
        `max abs err / max |y| = ${(err / scale).toExponential(2)}`);
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const missing = wgMissing(wg, ['conv2d']);
    // A TF.js cpu call takes seconds here: one call in --quick, no warm-up.
    const heavy = ctx.quick ? { warmup: false, reps: 1, note: '1 call' } : ctx.slow;
    await ctx.use('tfwasm');
    tfWasmGradWhy = tfWasmConvGradMissing(tf);
    const rows = [];
    for (const s of SHAPES) {
      const D = convData(s), { Ho, Wo } = outSize(s), flops = convFlops(s);
      const xShape = [s.N, s.C, s.H, s.W], wShape = [s.O, s.C, s.k, s.k];
      const big = s.id === 'resnet';

      // ---- forward ----
      const fwd = ctx.row(`conv-fwd-${s.id}`, `conv2d fwd ${label(s)}`, 'GFLOP/s', 'higher', { relaxed: true });
      const gemm = ctx.row(`conv-fwd-gemm-${s.id}`, `conv2d fwd ${label(s)}, GEMM path (WASMGRAD_CONV=gemm)`, 'GFLOP/s', 'higher',
        { relaxed: true });
      const gflops = (n) => (ms) => n / ms / 1e6;
      const wgFwd = () => {
        const X = wg.tensor(D.x, { shape: xShape }), Wt = wg.tensor(D.w, { shape: wShape }), B = wg.tensor(D.b, { shape: [s.O] });
        return {
          fn: () => { wg.conv2d(X, Wt, B, { padding: s.pad }).dispose(); },
          cleanup: () => { X.dispose(); Wt.dispose(); B.dispose(); },
        };
      };
      const tfFwd = () => {
        const T = tfInputs(tf, s, D);
        return {
          // fused conv + bias: XNNPACK's convolution takes the bias in the same call.
          fn: () => { const y = tf.fused.conv2d({ x: T.x, filter: T.w, bias: T.b, strides: 1, pad: tfPad(s) }); y.dataSync(); y.dispose(); },
          cleanup: () => { for (const t of Object.values(T)) t.dispose(); },
        };
      };
      /** The same call with the GEMM path forced (the env variable is read at each call). */
      const wgFwdGemm = () => {
        const inner = wgFwd();
        return {
          fn: () => {
            process.env.WASMGRAD_CONV = 'gemm';
            try { inner.fn(); } finally { delete process.env.WASMGRAD_CONV; }
          },
          cleanup: inner.cleanup,
        };
      };
      if (missing.length) {
        for (const impl of ['wasm1', 'wasm', 'js']) ctx.skip(fwd, impl, NOT_BUILT);
        for (const impl of ['wasm1', 'wasm']) ctx.skip(gemm, impl, NOT_BUILT);
      } else {
        await ctx.wasmCells(fwd, wgFwd, gflops(flops), big ? ctx.slow : {});
        await ctx.wasmCells(gemm, wgFwdGemm, gflops(flops), big ? ctx.slow : {});
        if (big) ctx.skip(fwd, 'js', 'omitted: direct loops, minutes per call');
        else await ctx.cell(fwd, 'js', wgFwd, gflops(flops), ctx.slow);
      }
      await ctx.cell(fwd, 'tfwasm', tfFwd, gflops(flops), big ? ctx.slow : {});
      await ctx.cell(fwd, 'tfcpu', tfFwd, gflops(flops), heavy);
      rows.push(fwd, gemm);

      // ---- wasmgrad's matmul on the conv's GEMM: W[O, K] · cols[n, K, Ho·Wo] ----
      const K = s.C * s.k * s.k, P = Ho * Wo, nb = s.mmBatch;
      const mm = ctx.row(`conv-mm-${s.id}`, `matmul at the same GEMM: [${s.O},${K}]·[${nb},${K},${P}]`, 'GFLOP/s', 'higher');
      const wgMm = () => {
        const A = wg.tensor(D.w, { shape: [s.O, K] }), Bm = wg.tensor(uniform(nb * K * P, -1, 1, 135), { shape: [nb, K, P] });
        return { fn: () => { wg.matmul(A, Bm).dispose(); }, cleanup: () => { A.dispose(); Bm.dispose(); } };
      };
      await ctx.wasmCells(mm, wgMm, gflops(2 * s.O * K * P * nb));
      rows.push(mm);

      // ---- forward + backward: y = conv2d(x, w, b), y.backward(dy) → dx, dw, db ----
      const fb = ctx.row(`conv-fwdbwd-${s.id}`, `conv2d fwd+bwd ${label(s)}`, 'GFLOP/s', 'higher');
      const wgFb = () => {
        const X = wg.tensor(D.x, { shape: xShape, requiresGrad: true }), Wt = wg.tensor(D.w, { shape: wShape, requiresGrad: true });
        const B = wg.tensor(D.b, { shape: [s.O], requiresGrad: true }), dY = wg.tensor(D.dy, { shape: [s.N, s.O, Ho, Wo] });
        return {
          fn: () => {
            wg.tidy(() => { wg.conv2d(X, Wt, B, { padding: s.pad }).backward(dY); });
            X.zeroGrad(); Wt.zeroGrad(); B.zeroGrad();
          },
          cleanup: () => { for (const t of [X, Wt, B, dY]) t.dispose(); },
        };
      };
      const tfFb = () => {
        const T = tfInputs(tf, s, D);
        const g = tf.grads((x, w, b) => tf.add(tf.conv2d(x, w, 1, tfPad(s)), b));
        return {
          fn: () => { tf.tidy(() => { for (const t of g([T.x, T.w, T.b], T.dy)) t.dataSync(); }); },
          cleanup: () => { for (const t of Object.values(T)) t.dispose(); },
        };
      };
      // forward + the two backward products (dx and dw), each as many FLOPs as the forward
      if (missing.length) {
        for (const impl of ['wasm1', 'wasm']) ctx.skip(fb, impl, NOT_BUILT);
      } else {
        await ctx.wasmCells(fb, wgFb, gflops(3 * flops), big ? ctx.slow : {});
      }
      if (tfWasmGradWhy) ctx.skip(fb, 'tfwasm', `n/a: ${tfWasmGradWhy}`);
      else await ctx.cell(fb, 'tfwasm', tfFb, gflops(3 * flops), big ? ctx.slow : {});
      // TF.js cpu's convolution gradients run at a few MFLOP/s (≈ 20 s for the LeNet shape):
      // the ResNet shape, 64× the work, would take many minutes.
      if (big) ctx.skip(fb, 'tfcpu', 'omitted: 64× the LeNet row\'s work, many minutes per call');
      else await ctx.cell(fb, 'tfcpu', tfFb, gflops(3 * flops), heavy);
      rows.push(fb);
    }
    return rows;
  },

  targetsTitle: 'Issue 13 targets (conv2d)',
  targets({ get, line, f }) {
    for (const s of SHAPES) {
      const w1 = get(`conv-fwd-${s.id}`, 'wasm1'), t = get(`conv-fwd-${s.id}`, 'tfwasm'), mm1 = get(`conv-mm-${s.id}`, 'wasm1');
      const g1 = get(`conv-fwd-gemm-${s.id}`, 'wasm1');
      line(w1 === undefined || t === undefined ? null : w1 >= 1.5 * t,
        `conv2d fwd ${label(s)}, 1 thread: ${f(w1)} GFLOP/s = ${f(w1 / t, 2)}× tfjs wasm ${f(t)} (target ≥ 1.5×; ` +
        `GEMM path ${f(g1)} = ${f(g1 / t, 2)}×)`);
      line(w1 === undefined || mm1 === undefined ? null : w1 >= 0.7 * mm1,
        `conv2d fwd ${label(s)}, 1 thread: ${f(w1 / mm1 * 100, 0)}% of matmul ${f(mm1)} GFLOP/s at its GEMM (target ≥ 70%)`);
      const fb = get(`conv-fwdbwd-${s.id}`, 'wasm1'), mm = get(`conv-mm-${s.id}`, 'wasm1');
      line(fb === undefined || mm === undefined ? null : fb >= 0.7 * mm,
        `conv2d fwd+bwd ${label(s)}, 1 thread: ${f(fb)} GFLOP/s = ${f(fb / mm * 100, 0)}% of matmul ${f(mm)} (target ≥ 70%)`);
    }
  },

  notes: () => [
    'GFLOP/s count 2·N·O·Ho·Wo·C·kh·kw per forward (bias not counted) and three times that for',
    'forward + backward (the forward, dx and dw products; db is not counted). wasmgrad: NCHW,',
    '`wg.conv2d(x, w, b, { padding })`; fwd+bwd is `conv2d(...).backward(dy)` with a fixed random',
    'dy, in `tidy`, then `zeroGrad()`. TF.js: NHWC (its layout) with the input, filter and dy',
    'transposed in setup, outside the timing; forward `tf.fused.conv2d` with the bias (one XNNPACK',
    'call on wasm), result read back with `dataSync()`; fwd+bwd `tf.grads` of conv2d + bias, all',
    'gradients read back. Forward rows: wasmgrad\'s float32 3×3 stride-1 convolutions run as Winograd',
    'F(4×4, 3×3) at both shapes (4× fewer multiplies; GFLOP/s still count the direct convolution\'s);',
    'the "GEMM path" row forces the implicit-im2col GEMM (WASMGRAD_CONV=gemm). The "matmul at the',
    'same GEMM" row is wasmgrad\'s own `matmul` of the filter [O, C·kh·kw] with a batch of',
    'im2col-shaped matrices [n, C·kh·kw, Ho·Wo] (ResNet shape: 8 of the 32 images, to bound',
    'memory): the ceiling an im2col convolution could reach.',
    tfWasmGradWhy ? `TF.js wasm has no convolution gradient: \`${tfWasmGradWhy}\`.` : 'TF.js wasm ran the convolution gradients.',
    'TF.js cpu takes seconds per call (tens of seconds for the gradients): one call without warm-up',
    'in --quick, a warm-up call and up to 3 repeats otherwise; its ResNet-shape gradients are omitted.',
  ],
};
