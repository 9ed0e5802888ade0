// batchNorm, groupNorm, layerNorm and the BatchNorm1d/2d, GroupNorm, LayerNorm modules: values
// computed by hand (eps 0 where it keeps them exact), running statistics over two steps,
// PyTorch's state-dict names and num_batches_tracked as I64 in files, the fused backward against
// the createGraph (ops) path, hostile arguments with memory unchanged. (Gradchecks, second order
// and backend agreement come from test/catalog/norm.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import type { Storage } from '../src/backend/backend.js';
import { WasmBackend, createWasmBackend, parThresholds, type ParThresholds } from '../src/backend/wasm/index.js';
import { expectClose } from './helpers.js';
import { expectError } from './support/errors.js';

type Tensor = ReturnType<typeof wg.tensor>;
const S5 = Math.sqrt(5), H = 1 / Math.sqrt(1.25); // 1/√1.25: x̂ of [1,2,3,4] is [-1.5,-0.5,0.5,1.5]·H
const XH = [-1.5 * H, -0.5 * H, 0.5 * H, 1.5 * H];

const ROWS = (['wasm', 'js'] as const).flatMap((backend) => (['float32', 'float64'] as const).map((dtype) => ({ backend, dtype })));

describe.each(ROWS)('normalisation [$backend/$dtype]', ({ backend, dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-12 };
  const t = (data: unknown, requiresGrad = false): Tensor => wg.tensor(data as number[], { dtype, requiresGrad });
  beforeAll(async () => {
    await wg.init();
  });
  const use = () => wg.setBackend(backend);

  it('batchNorm in training normalises each channel with the batch mean and biased variance, then applies weight and bias', () => {
    use();
    const x = t([[1, 2], [2, 4], [3, 6], [4, 8]]);
    const y = wg.batchNorm(x, null, null, t([2, -1]), t([0.5, 0]), { training: true, eps: 0 });
    expectClose(y.toArray(), XH.map((h) => [2 * h + 0.5, -h]), tol);
  });

  it('batchNorm gradients: dbeta = Σ dy, dweight = Σ dy·x̂, dx = invstd·w·(dy − mean(dy) − x̂·mean(dy·x̂))', () => {
    use();
    const x = t([[1, 2], [2, 4], [3, 6], [4, 8]], true), w = t([2, -1], true), b = t([0.5, 0], true);
    const dy = [[1, 0], [0, 0], [0, 2], [0, 0]];
    wg.batchNorm(x, null, null, w, b, { training: true, eps: 0 }).backward(t(dy));
    expectClose(b.grad!.toArray(), [1, 2], tol);
    expectClose(w.grad!.toArray(), [XH[0], 2 * XH[2]], tol);
    // channel 0: invstd H, w 2, dy e0: mean(dy) 1/4, mean(dy·x̂) x̂0/4
    const dx0 = XH.map((h, i) => 2 * H * ((i === 0 ? 1 : 0) - 0.25 - h * XH[0] / 4));
    // channel 1: invstd 1/√5, w -1, dy 2·e2
    const dx1 = XH.map((h, i) => -(1 / S5) * ((i === 2 ? 2 : 0) - 0.5 - h * 2 * XH[2] / 4));
    expectClose(x.grad!.toArray(), dx0.map((v, i) => [v, dx1[i]]), tol);
  });

  it('batchNorm updates the running statistics over two steps (momentum 0.1, unbiased running variance)', () => {
    use();
    const rm = t([0, 0]), rv = t([1, 1]);
    const x = t([[1, 2], [2, 4], [3, 6], [4, 8]]);
    wg.batchNorm(x, rm, rv, null, null, { training: true });
    // batch mean [2.5, 5], unbiased variance [5/3, 20/3]
    expectClose(rm.toArray(), [0.25, 0.5], tol);
    expectClose(rv.toArray(), [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 20 / 3], { rtol: 1e-5, atol: 1e-6 }); // 1.0666667, 1.5666667
    wg.batchNorm(wg.mul(x, 2), rm, rv, null, null, { training: true });
    // batch mean [5, 10], unbiased variance [20/3, 80/3]
    expectClose(rm.toArray(), [0.725, 1.45], tol);
    expectClose(rv.toArray(), [1.6266667, 4.0766667], { rtol: 1e-5, atol: 1e-6 });
  });

  it('batchNorm in evaluation uses the running statistics: an affine map with gradients w/√(var + eps), x̂ and 1', () => {
    use();
    const x = t([[3, 2.5]], true), w = t([2, -1], true), b = t([0.5, 0], true);
    const rm = t([1, 2]), rv = t([4, 0.25]);
    const y = wg.batchNorm(x, rm, rv, w, b, { eps: 0 });
    expectClose(y.toArray(), [[2.5, -1]], tol);
    y.sum().backward();
    expectClose(x.grad!.toArray(), [[1, -2]], tol);
    expectClose(w.grad!.toArray(), [1, 1], tol);
    expectClose(b.grad!.toArray(), [1, 1], tol);
    expectClose(rm.toArray(), [1, 2], tol); // untouched
  });

  it('batchNorm in training accepts one sample with several positions per channel', () => {
    use();
    const y = wg.batchNorm(t([[[1, 3], [2, 6], [0, 4]]]), null, null, null, null, { training: true, eps: 0 });
    expectClose(y.toArray(), [[[-1, 1], [-1, 1], [-1, 1]]], tol);
  });

  it('batchNorm over [N, C, L] takes statistics over N and L', () => {
    use();
    const x = t([[[1, 2], [10, 20]], [[3, 4], [30, 40]]]); // channel 0: 1,2,3,4; channel 1: 10,20,30,40
    const y = wg.batchNorm(x, null, null, null, null, { training: true, eps: 0 });
    expectClose(y.toArray(), [[[XH[0], XH[1]], [XH[0], XH[1]]], [[XH[2], XH[3]], [XH[2], XH[3]]]], tol);
  });

  it('layerNorm normalises over the trailing dims with weight and bias of normalizedShape', () => {
    use();
    const x = t([[1, 2, 3, 4], [2, 4, 6, 8]], true), w = t([1, 2, 3, 4], true), b = t([0, 0, 0, 1], true);
    const y = wg.layerNorm(x, [4], w, b, 0);
    const row = XH.map((h, i) => h * (i + 1) + (i === 3 ? 1 : 0));
    expectClose(y.toArray(), [row, row], tol);
    y.sum().backward();
    expectClose(b.grad!.toArray(), [2, 2, 2, 2], tol);
    expectClose(w.grad!.toArray(), XH.map((h) => 2 * h), tol);
    // dx = invstd·(g − mean(g) − x̂·mean(g·x̂)), g = w = [1,2,3,4]: mean(g) = 2.5, mean(g·x̂) = Σ(i+1)·x̂ᵢ/4
    const mgh = XH.reduce((s, h, i) => s + (i + 1) * h, 0) / 4;
    const dx = XH.map((h, i) => H * (i + 1 - 2.5 - h * mgh));
    expectClose(x.grad!.toArray(), [dx, dx.map((v) => v / 2)], tol);
  });

  it('layerNorm over two trailing dims, and groupNorm per (sample, group)', () => {
    use();
    expectClose(wg.layerNorm(t([[[1, 2], [3, 4]]]), [2, 2], null, null, 0).toArray(), [[[XH[0], XH[1]], [XH[2], XH[3]]]], tol);
    // each group of two channels is [a, b] → [-1, 1]; the second group is scaled by 2 and shifted by [0, 1]
    const g = wg.groupNorm(t([[[1], [2], [10], [20]], [[5], [7], [0], [4]]]), 2, t([1, 1, 2, 2]), t([0, 0, 0, 1]), 0);
    expectClose(g.toArray(), [[[-1], [1], [-2], [3]], [[-1], [1], [-2], [3]]], tol);
  });

  it('the fused backward and the createGraph (ops) path give the same gradients', () => {
    use();
    const cases: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor, number[], number[]][] = [
      ['batchNorm', (x, w, b) => wg.batchNorm(x, null, null, w, b, { training: true }), [3, 2, 2], [2]],
      ['groupNorm', (x, w, b) => wg.groupNorm(x, 2, w, b), [2, 4, 3], [4]],
      ['layerNorm', (x, w, b) => wg.layerNorm(x, [5], w, b), [3, 5], [5]],
    ];
    for (const [, f, xs, ws] of cases) {
      const n = xs.reduce((a, d) => a * d, 1);
      const xd = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2);
      const C = ws[0];
      const make = () => [wg.tensor(xd, { dtype, shape: xs, requiresGrad: true }),
        wg.tensor(Array.from({ length: C }, (_, i) => 1 + 0.3 * i), { dtype, requiresGrad: true }),
        wg.tensor(Array.from({ length: C }, (_, i) => 0.1 * i), { dtype, requiresGrad: true })];
      const dy = wg.tensor(Array.from({ length: n }, (_, i) => Math.cos(i)), { dtype, shape: xs });
      const a = make(), c = make();
      f(a[0], a[1], a[2]).backward(dy);
      f(c[0], c[1], c[2]).backward(dy, { createGraph: true });
      for (let i = 0; i < 3; i++) expectClose(c[i].grad!.toArray(), a[i].grad!.toArray(), dtype === 'float32' ? { rtol: 1e-4, atol: 1e-5 } : tol);
    }
  });

  it('a training step leaves no tensor behind', () => {
    use();
    const m = new wg.nn.BatchNorm2d(2, { dtype });
    const before = wg.memory().tensors;
    wg.tidy(() => {
      const x = wg.randn([2, 2, 3, 3], { dtype, requiresGrad: true });
      m.forward(x).square().sum().backward();
    });
    m.zeroGrad();
    expect(wg.memory().tensors).toBe(before);
  });
});

describe.each(['wasm', 'js'] as const)('normalisation modules [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('BatchNorm2d has PyTorch names, defaults and state-dict keys', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm2d(3);
    expect([...m.stateDict().keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(m.weight!.toArray()).toEqual([1, 1, 1]);
    expect(m.bias!.toArray()).toEqual([0, 0, 0]);
    expect(m.running_mean!.toArray()).toEqual([0, 0, 0]);
    expect(m.running_var!.toArray()).toEqual([1, 1, 1]);
    expect(m.num_batches_tracked!.dtype).toBe('int32');
    expect(m.num_batches_tracked!.item()).toBe(0);
    expect([...new wg.nn.BatchNorm1d(2, { affine: false }).stateDict().keys()]).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect([...new wg.nn.BatchNorm1d(2, { trackRunningStats: false }).stateDict().keys()]).toEqual(['weight', 'bias']);
    expect([...new wg.nn.GroupNorm(2, 4).stateDict().keys()]).toEqual(['weight', 'bias']);
    expect([...new wg.nn.GroupNorm(2, 4, { affine: false }).stateDict().keys()]).toEqual([]);
    expect([...new wg.nn.LayerNorm([2, 3]).stateDict().keys()]).toEqual(['weight', 'bias']);
    expect([...new wg.nn.LayerNorm(4, { bias: false }).stateDict().keys()]).toEqual(['weight']);
    expect(new wg.nn.LayerNorm([2, 3]).weight!.shape).toEqual([2, 3]);
    expect([...new wg.nn.LayerNorm(4, { elementwiseAffine: false }).stateDict().keys()]).toEqual([]);
  });

  it('a checkpoint of a model with batch norm restores its running statistics and counter', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm1d(2);
    m.forward(wg.tensor([[1, 2], [3, 5]]));
    const bytes = wg.saveCheckpoint({ model: m });
    const n = new wg.nn.BatchNorm1d(2);
    wg.loadCheckpoint(bytes, { model: n });
    expect(n.num_batches_tracked!.item()).toBe(1);
    expectClose(n.running_mean!.toArray(), [0.2, 0.35], { rtol: 1e-6 });
    expectClose(n.running_var!.toArray(), [0.9 + 0.1 * 2, 0.9 + 0.1 * 4.5], { rtol: 1e-6 });
  });

  it('BatchNorm1d counts training batches and updates running statistics; eval() uses them', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm1d(2);
    const x = wg.tensor([[1, 2], [2, 4], [3, 6], [4, 8]]);
    m.forward(x);
    m.forward(wg.mul(x, 2));
    expect(m.num_batches_tracked!.item()).toBe(2);
    expectClose(m.running_mean!.toArray(), [0.725, 1.45], { rtol: 1e-6 });
    expectClose(m.running_var!.toArray(), [1.6266667, 4.0766667], { rtol: 1e-5 });
    m.eval();
    const y = m.forward(wg.tensor([[0.725, 1.45]]));
    expectClose(y.toArray(), [[0, 0]], { atol: 1e-6 });
    expect(m.num_batches_tracked!.item()).toBe(2); // eval does not count
  });

  it('momentum null gives the cumulative average of the batch statistics', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm1d(2, { momentum: null });
    const x = wg.tensor([[1, 2], [2, 4], [3, 6], [4, 8]]);
    m.forward(x);
    expectClose(m.running_mean!.toArray(), [2.5, 5], { rtol: 1e-6 });
    m.forward(wg.mul(x, 2));
    expectClose(m.running_mean!.toArray(), [3.75, 7.5], { rtol: 1e-6 });
    expectClose(m.running_var!.toArray(), [25 / 6, 50 / 3], { rtol: 1e-5 });
  });

  it('trackRunningStats false uses batch statistics in eval too', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm1d(1, { trackRunningStats: false }).eval();
    expectClose(m.forward(wg.tensor([[1], [3]])).toArray(), [[-1], [1]], { rtol: 1e-4 });
  });

  it('BatchNorm2d with 3-D input, training with one value per channel, GroupNorm with indivisible groups are errors', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm2d(3);
    const x3 = wg.zeros([2, 3, 4]), one = wg.zeros([1, 3, 1, 1]), x23 = wg.zeros([2, 3]);
    const m4 = new wg.nn.BatchNorm1d(4);
    expectError(() => m.forward(x3), /BatchNorm2d: expected 4D input \(got 3D input of shape \[2,3,4\]\)/);
    expectError(() => m.forward(one), /BatchNorm2d: Expected more than 1 value per channel when training, got input size \[1,3,1,1\]/);
    expect(m.num_batches_tracked!.item()).toBe(0);
    expectError(() => m4.forward(x23), /BatchNorm1d: expected 4 channels \(dim 1\), got input of shape \[2,3\]/);
    expectError(() => new wg.nn.GroupNorm(4, 6), /GroupNorm: numChannels must be divisible by numGroups, got numChannels=6 and numGroups=4/);
    expectError(() => new wg.nn.BatchNorm1d(2, { momentom: 0.1 } as never), /BatchNorm1d: unknown option 'momentom'/);
    expectError(() => new wg.nn.LayerNorm(4, { elementwise_affine: false } as never), /LayerNorm: unknown option 'elementwise_affine'/);
  });

  it('save writes num_batches_tracked as I64 and load reads it back; an I64 counter from PyTorch loads range-checked', () => {
    wg.setBackend(backend);
    const m = new wg.nn.BatchNorm1d(2);
    m.forward(wg.tensor([[1, 2], [3, 5]]));
    m.forward(wg.tensor([[1, 2], [3, 5]]));
    m.forward(wg.tensor([[1, 2], [3, 5]]));
    const bytes = wg.save(m);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect(header.num_batches_tracked).toMatchObject({ dtype: 'I64', shape: [] });
    const n = new wg.nn.BatchNorm1d(2);
    wg.load(n, bytes);
    expect(n.num_batches_tracked!.item()).toBe(3);
    expectClose(n.running_mean!.toArray(), m.running_mean!.toArray());

    const file = (count: bigint) => {
      const json = new TextEncoder().encode('{"num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}');
      const len = Math.ceil(json.length / 8) * 8;
      const out = new Uint8Array(8 + len + 8).fill(0x20, 8, 8 + len);
      const v = new DataView(out.buffer);
      v.setBigUint64(0, BigInt(len), true);
      out.set(json, 8);
      v.setBigInt64(8 + len, count, true);
      return out;
    };
    const k = new wg.nn.BatchNorm1d(2);
    wg.load(k, file(7n), { strict: false });
    expect(k.num_batches_tracked!.item()).toBe(7);
    expectError(() => wg.load(k, file(2n ** 40n), { strict: false }), /load: tensor "num_batches_tracked" \(I64\) holds 1099511627776/);
    expect(k.num_batches_tracked!.item()).toBe(7);
  });
});

describe.each(['wasm', 'js'] as const)('hostile arguments [%s]: errors name the op and shapes, memory unchanged', (backend) => {
  beforeAll(async () => {
    await wg.init();
  });

  it('batchNorm rejects wrong running statistics, weight, bias, options and a single value per channel in training', () => {
    wg.setBackend(backend);
    const x = wg.zeros([4, 3]);
    const c3 = wg.zeros([3]), c2 = wg.zeros([2]);
    const f64 = wg.zeros([3], { dtype: 'float64' }), w31 = wg.zeros([3, 1]), one = wg.zeros([1, 3]), v4 = wg.zeros([4]);
    const i32 = wg.zeros([4, 3], { dtype: 'int32' });
    expectError(() => wg.batchNorm(x, c2, c3), /batchNorm: runningMean must have shape \[3\] \(one per channel of input \[4,3\]\), got \[2\]/);
    expectError(() => wg.batchNorm(x, c3, c2), /batchNorm: runningVar must have shape \[3\].*got \[2\]/);
    expectError(() => wg.batchNorm(x, c3, c3, w31), /batchNorm: weight must have shape \[3\].*got \[3,1\]/);
    expectError(() => wg.batchNorm(x, c3, c3, null, c2), /batchNorm: bias must have shape \[3\].*got \[2\]/);
    expectError(() => wg.batchNorm(x, c3, f64), /batchNorm: runningVar is float64 \[3\] but the input is float32 \[4,3\]/);
    expectError(() => wg.batchNorm(x, null, null), /batchNorm: runningMean and runningVar must be given in evaluation mode/);
    expectError(() => wg.batchNorm(x, c3, null, null, null, { training: true }), /batchNorm: runningMean and runningVar must both be given/);
    expectError(() => wg.batchNorm(one, c3, c3, null, null, { training: true }),
      /batchNorm: Expected more than 1 value per channel when training, got input size \[1,3\]/);
    expectError(() => wg.batchNorm(x, c3, c3, null, null, { trainig: true } as never), /batchNorm: unknown option 'trainig' \(accepted: training, momentum, eps\)/);
    expectError(() => wg.batchNorm(x, c3, c3, null, null, { momentum: null } as never), /batchNorm: momentum must be a finite number, got null/);
    expectError(() => wg.batchNorm(x, c3, c3, null, null, { eps: -1 }), /batchNorm: eps must be a finite number >= 0, got -1/);
    expectError(() => wg.batchNorm(v4, null, null, null, null, { training: true }), /batchNorm: input must have at least 2 dimensions \(\[N, C, \*\]\), got \[4\]/);
    expectError(() => wg.batchNorm(i32, c3, c3), /batchNorm: input is an int32 tensor/);
    const other = wg.zeros([3]).to(backend === 'wasm' ? 'js' : 'wasm'), notTensor = [1, 2, 3];
    expectError(() => wg.batchNorm(x, c3, other, null, null, { training: true }), new RegExp(`batchNorm: runningVar is on ${backend === 'wasm' ? 'js' : 'wasm'} but the input is on ${backend}`));
    expectError(() => wg.batchNorm(x, c3, c3, notTensor as never), /batchNorm: weight must be a Tensor, got/);
    expect(c3.toArray()).toEqual([0, 0, 0]);
  });

  it('groupNorm and layerNorm reject groups that do not divide the channels and shapes that do not match', () => {
    wg.setBackend(backend);
    const x264 = wg.zeros([2, 6, 4]), x26 = wg.zeros([2, 6]), w3 = wg.zeros([3]), x23 = wg.zeros([2, 3]), v3 = wg.zeros([3]);
    const w2 = wg.zeros([2]), w64 = wg.ones([3], { dtype: 'float64' });
    expectError(() => wg.groupNorm(x264, 4),
      /groupNorm: Expected number of channels in input to be divisible by numGroups, but got input of shape \[2,6,4\] and numGroups=4/);
    expectError(() => wg.groupNorm(x26, 0), /groupNorm: numGroups must be a positive integer, got 0/);
    expectError(() => wg.groupNorm(x26, 2, w3), /groupNorm: weight must have shape \[6\].*got \[3\]/);
    expectError(() => wg.layerNorm(x23, [4]),
      /layerNorm: Given normalizedShape=\[4\], expected input with shape \[\*, 4\], but got input of size \[2,3\]/);
    expectError(() => wg.layerNorm(v3, [2, 3]), /layerNorm: Given normalizedShape=\[2,3\].*got input of size \[3\]/);
    expectError(() => wg.layerNorm(x23, [3], w2), /layerNorm: weight must have shape \[3\] \(normalizedShape\), got \[2\]/);
    expectError(() => wg.layerNorm(x23, [3], null, null, Number.NaN), /layerNorm: eps must be a finite number >= 0, got NaN/);
    expectError(() => wg.layerNorm(x23, [3], w64), /layerNorm: weight is float64 \[3\] but the input is float32 \[2,3\]/);
  });
});

// ---- threads: the normalisation kernels split over channels/units give the same bits on 1 and 2 threads

describe('normalisation kernels are bit-identical on 1 and 2 threads (thresholds lowered to 0)', () => {
  let be: WasmBackend;
  let shipped: ParThresholds;
  beforeAll(async () => {
    be = await createWasmBackend({ variant: 'threads', threads: 2 });
    shipped = parThresholds();
    for (let i = 0; i < 200 && be.threadStats().workersReady < 1; i++) await new Promise((r) => setTimeout(r, 25));
    parThresholds({ cheap: 0, medium: 0, costly: 0, reduce: 0, matmul: 0, pack: 0 });
  }, 30_000);
  afterAll(() => {
    parThresholds(shipped);
    be?.closeThreads();
  });

  /** Runs body with 1 and with 2 threads on fresh storages; every output's bytes must agree. */
  function same(dtype: 'float32' | 'float64', ins: number[][], outSizes: number[], body: (i: Storage[], o: Storage[]) => void): void {
    const runs: Uint8Array[][] = [];
    for (const threads of [1, 2]) {
      be.setThreads(threads);
      const i = ins.map((d) => { const s = be.alloc(dtype, d.length); be.write(s, d); return s; });
      const o = outSizes.map((n) => { const s = be.alloc(dtype, n); be.fill(s, NaN); return s; });
      body(i, o);
      runs.push(o.map((s) => { const v = be.read(s); return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice(); }));
      for (const s of [...i, ...o]) be.free(s);
    }
    runs[1].forEach((b, k) => expect(Buffer.from(b).equals(Buffer.from(runs[0][k])), `output ${k}`).toBe(true));
  }
  const data = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + (i % 7));

  it.each(['float32', 'float64'] as const)('batchNorm, groupNorm, layerNorm forward and backward [%s]', (dtype) => {
    const before = be.threadStats().dispatches;
    const [N, C, S] = [3, 37, 5], n = N * C * S;
    same(dtype, [data(n, 1), data(C, 2), data(C, 3), data(n, 4)], [n, C, C, n, C, C], ([x, g, b, dy], [y, m, is, dx, dg, db]) => {
      be.batchNorm(y, m, is, x, g, b, N, C, S, 1e-5);
      be.batchNormGrad(dx, dg, db, dy, x, m, is, g, N, C, S);
    });
    const G = 37, cpg = 2, C2 = G * cpg, n2 = N * C2 * S;
    same(dtype, [data(n2, 5), data(C2, 6), data(C2, 7), data(n2, 8)], [n2, N * G, N * G, n2, C2, C2], ([x, g, b, dy], [y, m, is, dx, dg, db]) => {
      be.groupNorm(y, m, is, x, g, b, N, G, cpg, S, 1e-5);
      be.groupNormGrad(dx, dy, x, m, is, g, N, G, cpg, S);
      be.normAffineGrad(dg, db, dy, x, m, is, N, G, cpg, S);
    });
    const R = 41, D = 67, n3 = R * D;
    same(dtype, [data(n3, 9), data(D, 10), data(D, 11), data(n3, 12)], [n3, R, R, n3, D, D], ([x, g, b, dy], [y, m, is, dx, dg, db]) => {
      be.groupNorm(y, m, is, x, g, b, R, 1, D, 1, 1e-5);
      be.groupNormGrad(dx, dy, x, m, is, g, R, 1, D, 1);
      be.normAffineGrad(dg, db, dy, x, m, is, R, 1, D, 1);
    });
    expect(be.threadStats().dispatches - before).toBe(7); // every kernel call split once, but layer norm's normAffineGrad (never split)
  });
});
