// Indexing, float32: indexSelect of 4096 rows of a [50000, 128] table (an embedding lookup),
// its backward (scatter-add into the table's gradient), and gather along dim 1 — in GB/s next
// to `mul` by 1 of the same bytes (the copy speed the same memory traffic allows), with
// TensorFlow.js's tf.gather (and its gradient) in the same process.

import { uniform } from '../lib/data.mjs';

const ROWS = 50000, COLS = 128, PICKS = 4096;
const gbs = (bytes) => (ms) => bytes / (ms * 1e6);
/** 4096 row indices spread over the table, some repeated. */
const picks = () => Int32Array.from({ length: PICKS }, (_, i) => (i * 7919 + (i >> 3)) % ROWS);
/** The gather rows' index [4096, 32] into the 128 columns of each row. */
const K = 32;
const gatherIndex = () => Int32Array.from({ length: PICKS * K }, (_, i) => (i * 37) % COLS);
/**
 * TF.js's gather along dim 1 of [R, C] by [R, K] on its wasm backend: tf.gather(x, idx, 1, 1)
 * reads the wrong rows there (tfjs-backend-wasm 4.22 steps through the index by the batch count,
 * not the indices per batch: tensorflow/tfjs#8658, and traps out of bounds at these sizes), so
 * the same gather as a 1-D one of x flattened, by flat offsets r * C + idx[r, k] made beforehand:
 * the same bytes (index, picked elements, output) through its GatherV2 kernel.
 */
const tfFlatGather = (tf, x, flatIdx, R, C) => tf.gather(tf.reshape(x, [R * C]), flatIdx).reshape([R, flatIdx.shape[0] / R]);
const flatOffsets = (index, C) => Int32Array.from(index, (v, i) => Math.floor(i / K) * C + v);

async function allCells(ctx, r, wgS, tfS, toM, opts) {
  await ctx.wasmCells(r, wgS, toM, opts);
  await ctx.cell(r, 'js', wgS, toM, opts);
  if (typeof tfS === 'string') {
    ctx.skip(r, 'tfwasm', tfS);
    ctx.skip(r, 'tfcpu', tfS);
    return;
  }
  await ctx.cell(r, 'tfwasm', tfS, toM, opts);
  await ctx.cell(r, 'tfcpu', tfS, toM, opts);
}

export default {
  name: 'indexing',
  order: 45,
  title: 'Indexing (GB/s, higher is better)',

  /** indexSelect agrees with tf.gather; gather along dim 1 with TF.js's (the flat form on its wasm backend). */
  async check(ctx) {
    const { wg, tf } = ctx;
    const table = uniform(64 * 8, -1, 1, 71), idx = Int32Array.from([5, 0, 63, 5, 17]);
    await ctx.use('tfwasm');
    const want = tf.tidy(() => tf.gather(tf.tensor2d(table, [64, 8]), tf.tensor1d(idx, 'int32')).dataSync());
    for (const impl of ['wasm', 'js']) {
      await ctx.use(impl);
      const got = wg.tidy(() => wg.tensor(table, { shape: [64, 8] }).indexSelect(0, idx).data());
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
      ctx.check(`indexSelect, ${impl} vs tf.gather`, err === 0, `max abs err ${err}`);
    }
    const R = 16, x = uniform(R * COLS, -1, 1, 76), index = Int32Array.from({ length: R * K }, (_, i) => (i * 37) % COLS);
    const flat = tf.tidy(() => tfFlatGather(tf, tf.tensor2d(x, [R, COLS]), tf.tensor1d(flatOffsets(index, COLS), 'int32'), R, COLS).dataSync());
    await ctx.use('tfcpu');
    const batched = tf.tidy(() => tf.gather(tf.tensor2d(x, [R, COLS]), tf.tensor2d(index, [R, K], 'int32'), 1, 1).dataSync());
    for (const impl of ['wasm', 'js']) {
      await ctx.use(impl);
      const got = wg.tidy(() => wg.tensor(x, { shape: [R, COLS] }).gather(1, wg.tensor(index, { shape: [R, K], dtype: 'int32' })).data());
      let errFlat = 0, errBatched = 0;
      for (let i = 0; i < got.length; i++) {
        errFlat = Math.max(errFlat, Math.abs(got[i] - flat[i]));
        errBatched = Math.max(errBatched, Math.abs(got[i] - batched[i]));
      }
      ctx.check(`gather dim 1, ${impl} vs tf.gather(x, idx, 1, 1) on tfjs cpu`, errBatched === 0, `max abs err ${errBatched}`);
      ctx.check(`gather dim 1, ${impl} vs the flat tf.gather on tfjs wasm`, errFlat === 0, `max abs err ${errFlat}`);
    }
  },

  async run(ctx) {
    const { wg, tf } = ctx;
    const rows = [];
    const S = PICKS * COLS * 4; // bytes of the selected rows
    // indexSelect: reads the 4096 rows, writes them (2 S).
    {
      const r = ctx.row('indexSelect-4096x128', 'indexSelect 4096 of [50000,128] f32', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const table = wg.tensor(uniform(ROWS * COLS, -1, 1, 72), { shape: [ROWS, COLS] });
        const idx = picks();
        return { fn: () => { table.indexSelect(0, idx).dispose(); }, cleanup: () => { table.dispose(); } };
      };
      const tfS = () => {
        const table = tf.tensor2d(uniform(ROWS * COLS, -1, 1, 72), [ROWS, COLS]);
        const idx = tf.tensor1d(picks(), 'int32');
        return { fn: () => { tf.gather(table, idx).dispose(); }, cleanup: () => { table.dispose(); idx.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(2 * S));
    }
    // mul by 1 of the same bytes: reads [4096,128], writes [4096,128] (2 S).
    {
      const r = ctx.row('mul1-4096x128', 'mul by 1, [4096,128] f32 (same bytes)', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const x = wg.tensor(uniform(PICKS * COLS, -1, 1, 73), { shape: [PICKS, COLS] });
        return { fn: () => { x.mul(1).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      const tfS = () => {
        const x = tf.tensor2d(uniform(PICKS * COLS, -1, 1, 73), [PICKS, COLS]);
        return { fn: () => { tf.mul(x, 1).dispose(); }, cleanup: () => { x.dispose(); } };
      };
      await allCells(ctx, r, wgS, tfS, gbs(2 * S));
    }
    // indexSelect forward + backward: forward 2 S; backward zeroes the table's gradient (T),
    // reads dy (S) and reads and writes the selected gradient rows (2 S).
    {
      const T = ROWS * COLS * 4;
      const r = ctx.row('indexSelect-fwdbwd-4096x128', 'indexSelect fwd+bwd 4096 of [50000,128] f32', 'GB/s', 'higher');
      rows.push(r);
      const wgS = () => {
        const table = wg.tensor(uniform(ROWS * COLS, -1, 1, 72), { shape: [ROWS, COLS], requiresGrad: true });
        const dy = wg.tensor(uniform(PICKS * COLS, -1, 1, 74), { shape: [PICKS, COLS] });
        const idx = picks();
        return {
          fn: () => { wg.tidy(() => { table.indexSelect(0, idx).backward(dy); }); table.zeroGrad(); },
          cleanup: () => { table.dispose(); dy.dispose(); },
        };
      };
      // tf.gather's gradient is UnsortedSegmentSum: not registered on tfjs-backend-wasm, and
      // on the cpu backend it loops over the 50000 segments with tensor ops (minutes per call)
      const tfS = 'tf.gather gradient: UnsortedSegmentSum missing on tfjs wasm, minutes per call on tfjs cpu';
      await allCells(ctx, r, wgS, tfS, gbs(5 * S + T));
    }
    // gather(1, index [4096, 32]) of [4096, 128]: reads the index and the picked elements, writes them (12 B each).
    {
      const r = ctx.row('gather-4096x32', 'gather dim 1, [4096,128] by [4096,32] f32', 'GB/s', 'higher');
      rows.push(r);
      const index = gatherIndex();
      const wgS = () => {
        const x = wg.tensor(uniform(PICKS * COLS, -1, 1, 75), { shape: [PICKS, COLS] });
        const idx = wg.tensor(index, { shape: [PICKS, K], dtype: 'int32' });
        return { fn: () => { x.gather(1, idx).dispose(); }, cleanup: () => { x.dispose(); idx.dispose(); } };
      };
      await ctx.wasmCells(r, wgS, gbs(12 * PICKS * K));
      await ctx.cell(r, 'js', wgS, gbs(12 * PICKS * K));
      // tfjs wasm: the flat form (see tfFlatGather); tfjs cpu: torch.gather along dim 1 of a 2-D tensor is tf.gather with batchDims = 1
      const tfFlat = () => {
        const x = tf.tensor2d(uniform(PICKS * COLS, -1, 1, 75), [PICKS, COLS]);
        const idx = tf.tensor1d(flatOffsets(index, COLS), 'int32');
        return { fn: () => { tf.tidy(() => tfFlatGather(tf, x, idx, PICKS, COLS)).dispose(); }, cleanup: () => { x.dispose(); idx.dispose(); } };
      };
      const tfBatched = () => {
        const x = tf.tensor2d(uniform(PICKS * COLS, -1, 1, 75), [PICKS, COLS]);
        const idx = tf.tensor2d(index, [PICKS, K], 'int32');
        return { fn: () => { tf.gather(x, idx, 1, 1).dispose(); }, cleanup: () => { x.dispose(); idx.dispose(); } };
      };
      await ctx.cell(r, 'tfwasm', tfFlat, gbs(12 * PICKS * K));
      await ctx.cell(r, 'tfcpu', tfBatched, gbs(12 * PICKS * K));
      // its forward + backward: the backward zeroes x's gradient (T), reads the index and dy and
      // reads and writes the picked gradient elements (16 B each)
      const T = PICKS * COLS * 4;
      const rb = ctx.row('gather-fwdbwd-4096x32', 'gather dim 1 fwd+bwd, [4096,128] by [4096,32] f32', 'GB/s', 'higher');
      rows.push(rb);
      const wgB = () => {
        const x = wg.tensor(uniform(PICKS * COLS, -1, 1, 75), { shape: [PICKS, COLS], requiresGrad: true });
        const idx = wg.tensor(index, { shape: [PICKS, K], dtype: 'int32' });
        const dy = wg.tensor(uniform(PICKS * K, -1, 1, 77), { shape: [PICKS, K] });
        return {
          fn: () => { wg.tidy(() => { x.gather(1, idx).backward(dy); }); x.zeroGrad(); },
          cleanup: () => { x.dispose(); idx.dispose(); dy.dispose(); },
        };
      };
      await allCells(ctx, rb, wgB, 'tf.gather gradient: UnsortedSegmentSum missing on tfjs wasm, minutes per call on tfjs cpu', gbs(28 * PICKS * K + T));
      // the same with a float32 index tensor (read as it is by the gather kernel, which checks each entry is an integer in range)
      const rf = ctx.row('gather-f32index-4096x32', 'gather dim 1 as above, float32 index tensor', 'GB/s', 'higher');
      rows.push(rf);
      const wgF = () => {
        const x = wg.tensor(uniform(PICKS * COLS, -1, 1, 75), { shape: [PICKS, COLS] });
        const idx = wg.tensor(index, { shape: [PICKS, K], dtype: 'float32' });
        return { fn: () => { x.gather(1, idx).dispose(); }, cleanup: () => { x.dispose(); idx.dispose(); } };
      };
      await allCells(ctx, rf, wgF, 'same tf.js figure as the row above (its index is int32)', gbs(12 * PICKS * K));
    }
    return rows;
  },

  notes: () => [
    'GB/s = nominal bytes moved / time. indexSelect: 2 × 4096 × 128 × 4 B (rows read and written);',
    '"mul by 1" moves the same bytes through the elementwise kernel, the bound a row copy should reach.',
    'fwd+bwd adds zeroing the [50000,128] gradient, reading dy and the scatter-add (read+write rows).',
    'wasmgrad\'s index arrays (indexSelect rows) are checked and written to the heap on every call;',
    'an index tensor (int32 or float32) stays in the heap and is checked by the gather kernel as it gathers.',
    'gather fwd+bwd: 12 B per picked element forward; backward zeroes the [4096,128] gradient, reads index and dy,',
    'reads and writes the picked gradient elements (16 B each).',
    'TF.js gather along dim 1 is `tf.gather(x, idx, 1, 1)` (batchDims = 1) on its cpu backend; on its wasm backend that',
    'reads the wrong elements (tensorflow/tfjs#8658), so its cell is the same gather as a 1-D tf.gather of the flattened',
    'input by flat offsets (made before timing): the same bytes through the same kernel.',
  ],
};
