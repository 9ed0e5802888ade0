// PyTorch interop of the main job's CNN (issue 13, "Interop"). PyTorch is not available here, so
// the check goes through the file format and an independent implementation:
//  - the safetensors file `save_file(model.state_dict())` of PyTorch's
//      nn.Sequential(Conv2d(1,16,3,padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2),
//                    Conv2d(16,32,3,padding=1), BatchNorm2d(32), ReLU(), MaxPool2d(2),
//                    Flatten(), Linear(1568,10))
//    is built byte by byte (test/support/safetensors-builder.ts), loaded strictly into the CNN of
//    examples/mnist/models.mjs, saved again and compared byte for byte;
//  - the model's logits are compared with the same network written in TensorFlow.js ops.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initTf } from './property/tfjs-engine.js';
import { expectError } from './support/errors.js';
import { randomFlat } from './support/random.js';
import { type BuiltTensor, buildSafetensors, readSafetensors, referenceOrder } from './support/safetensors-builder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let makeCnn: (nn: typeof wg.nn) => any;

/** PyTorch's state_dict of the CNN: name, file dtype, shape. */
const CNN_LAYOUT: [string, 'F32' | 'I64', number[]][] = [
  ['0.weight', 'F32', [16, 1, 3, 3]], ['0.bias', 'F32', [16]],
  ['1.weight', 'F32', [16]], ['1.bias', 'F32', [16]], ['1.running_mean', 'F32', [16]], ['1.running_var', 'F32', [16]],
  ['1.num_batches_tracked', 'I64', []],
  ['4.weight', 'F32', [32, 16, 3, 3]], ['4.bias', 'F32', [32]],
  ['5.weight', 'F32', [32]], ['5.bias', 'F32', [32]], ['5.running_mean', 'F32', [32]], ['5.running_var', 'F32', [32]],
  ['5.num_batches_tracked', 'I64', []],
  ['9.weight', 'F32', [10, 1568]], ['9.bias', 'F32', [10]],
];

/** Known values per tensor: seeded, float32-exact; variances positive, counters small integers. */
function cnnTensors(): BuiltTensor[] {
  return CNN_LAYOUT.map(([name, dtype, shape], i) => {
    const n = shape.reduce((p, d) => p * d, 1);
    let data: number[];
    if (dtype === 'I64') data = [name.startsWith('1.') ? 7 : 12];
    else if (name.endsWith('running_var')) data = randomFlat(n, 100 + i, 0.5, 1.5);
    else if (name.endsWith('.weight') && (name.startsWith('1.') || name.startsWith('5.'))) data = randomFlat(n, 100 + i, 0.5, 1.5);
    else data = randomFlat(n, 100 + i, -0.3, 0.3);
    return { name, dtype, shape, data: data.map(Math.fround) };
  });
}

function byName(): Map<string, BuiltTensor> {
  return new Map(cnnTensors().map((t) => [t.name, t]));
}

function stateValues(model: { stateDict(): Iterable<readonly [string, wg.Tensor]> }): Map<string, { shape: number[]; dtype: string; data: number[] }> {
  return new Map([...model.stateDict()].map(([n, t]) => [n, { shape: [...t.shape], dtype: t.dtype, data: Array.from(t.data()) }]));
}

/** A few 28×28 "digits": seeded strokes on a dark background, [N, 1, 28, 28]. */
function digits(n: number): number[] {
  const out = new Array(n * 28 * 28).fill(0);
  const r = randomFlat(n * 40, 9);
  for (let k = 0; k < n; k++) {
    for (let s = 0; s < 20; s++) {
      const y = Math.floor(4 + 20 * r[k * 40 + 2 * s]), x = Math.floor(4 + 20 * r[k * 40 + 2 * s + 1]);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) out[k * 784 + (y + dy) * 28 + x + dx] = Math.fround(1 - 0.3 * Math.abs(dx * dy));
    }
  }
  return out;
}

/** The CNN in TensorFlow.js ops from the PyTorch-named weights (NCHW in, logits out). */
function tfCnn(w: Map<string, BuiltTensor>, xNchw: number[], n: number, mode: 'eval' | 'train'): { logits: number[]; stats: Map<string, { mean: number[]; varUnbiased: number[] }> } {
  const t = (name: string) => tf.tensor(w.get(name)!.data as number[], w.get(name)!.shape);
  const stats = new Map<string, { mean: number[]; varUnbiased: number[] }>();
  const result = tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(xNchw, [n, 1, 28, 28]).transpose([0, 2, 3, 1]);
    for (const [conv, bn] of [['0', '1'], ['4', '5']]) {
      const hwio = t(`${conv}.weight`).transpose([2, 3, 1, 0]) as tf.Tensor4D;
      x = tf.conv2d(x, hwio, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]).add(t(`${conv}.bias`));
      let mean = t(`${bn}.running_mean`), variance = t(`${bn}.running_var`);
      if (mode === 'train') {
        const m = tf.moments(x, [0, 1, 2]);
        mean = m.mean;
        variance = m.variance; // biased, as the normalisation uses
        const count = x.shape[0] * x.shape[1] * x.shape[2];
        stats.set(bn, { mean: Array.from(m.mean.dataSync()), varUnbiased: Array.from(m.variance.mul(count / (count - 1)).dataSync()) });
      }
      x = tf.batchNorm(x, mean as tf.Tensor1D, variance as tf.Tensor1D, t(`${bn}.bias`) as tf.Tensor1D, t(`${bn}.weight`) as tf.Tensor1D, 1e-5);
      x = tf.maxPool(tf.relu(x), 2, 2, 'valid');
    }
    // PyTorch's Flatten of NCHW: channel-major, then rows, then columns.
    const flat = x.transpose([0, 3, 1, 2]).reshape([n, 1568]);
    return tf.matMul(flat, t('9.weight'), false, true).add(t('9.bias'));
  });
  const logits = Array.from(result.dataSync());
  result.dispose();
  return { logits, stats };
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= worst)) { worst = excess; at = i; }
  }
  if (at >= 0) expect.fail(`value ${at}: ${actual[at]} vs ${expected[at]} (atol ${atol}, rtol ${rtol})`);
}

beforeAll(async () => {
  await wg.init();
  await initTf();
  ({ makeCnn } = await import('../examples/mnist/models.mjs' as string));
});

describe.each(['wasm', 'js'] as const)('CNN interop with PyTorch [%s]', (backend) => {
  beforeEach(() => {
    wg.setBackend(backend);
  });

  it('hand-built PyTorch file lists the state_dict keys in the reference writer order', () => {
    const { tensors } = readSafetensors(buildSafetensors(cnnTensors()));
    expect(tensors.map((t) => t.name)).toEqual([
      '1.num_batches_tracked', '5.num_batches_tracked',
      '0.bias', '0.weight', '1.bias', '1.running_mean', '1.running_var', '1.weight',
      '4.bias', '4.weight', '5.bias', '5.running_mean', '5.running_var', '5.weight', '9.bias', '9.weight',
    ]);
  });

  it('strict load of the PyTorch file fills every parameter and buffer of the CNN', () => {
    const model = makeCnn(wg.nn);
    const result = wg.load(model, buildSafetensors(cnnTensors()));
    expect(result).toEqual({ missing: [], unexpected: [] });
    const state = stateValues(model);
    expect([...state.keys()].sort()).toEqual(CNN_LAYOUT.map(([n]) => n).sort());
    for (const t of cnnTensors()) {
      const got = state.get(t.name)!;
      expect(got.shape, t.name).toEqual(t.shape);
      expect(got.dtype, t.name).toBe(t.dtype === 'I64' ? 'int32' : 'float32');
      expect(got.data, t.name).toEqual(t.data);
    }
    model.dispose();
  });

  it('save after load writes the same bytes as PyTorch save_file (keys, order, I64 counters, values)', () => {
    const model = makeCnn(wg.nn);
    const file = buildSafetensors(cnnTensors());
    wg.load(model, file);
    const saved = wg.save(model);
    const read = readSafetensors(saved);
    expect(read.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(referenceOrder(cnnTensors()).map((t) => [t.name, t.dtype, t.shape]));
    for (const t of read.tensors) expect(t.data, t.name).toEqual(byName().get(t.name)!.data);
    expect(Array.from(saved)).toEqual(Array.from(file));
    model.dispose();
  });

  it('strict load of a file missing one key fails naming it and writes nothing', () => {
    const model = makeCnn(wg.nn);
    const before = stateValues(model);
    const file = buildSafetensors(cnnTensors().filter((t) => t.name !== '5.running_var'));
    expectError(() => wg.load(model, file), /load: .*missing 1 parameter.*5\.running_var/);
    expect(stateValues(model)).toEqual(before);
    model.dispose();
  });

  it('strict load of a file with an extra key fails naming it and writes nothing', () => {
    const model = makeCnn(wg.nn);
    const before = stateValues(model);
    const file = buildSafetensors([...cnnTensors(), { name: '9.extra', dtype: 'F32', shape: [2], data: [1, 2] }]);
    expectError(() => wg.load(model, file), /load: .*1 unexpected tensor.*9\.extra/);
    expect(stateValues(model)).toEqual(before);
    model.dispose();
  });

  it('eval-mode logits equal the TensorFlow.js network with the same weights (running statistics)', () => {
    const model = makeCnn(wg.nn);
    wg.load(model, buildSafetensors(cnnTensors()));
    model.eval();
    const n = 3, x = digits(n);
    const logits = wg.tidy(() => Array.from(model.forward(wg.tensor(x, { shape: [n, 1, 28, 28] })).data()));
    const ref = tfCnn(byName(), x, n, 'eval').logits;
    expect(new Set(ref.map((v) => v.toFixed(2))).size).toBeGreaterThan(10); // distinct, non-trivial logits
    expectAllClose(logits, ref, 1e-4, 1e-4);
    model.dispose();
  });

  it('train-mode step normalises with batch statistics and updates running_mean/var as PyTorch (momentum 0.1, unbiased var)', () => {
    const model = makeCnn(wg.nn);
    const w = byName();
    wg.load(model, buildSafetensors(cnnTensors()));
    model.train();
    const n = 4, x = digits(n);
    const logits = wg.tidy(() => Array.from(model.forward(wg.tensor(x, { shape: [n, 1, 28, 28] })).data()));
    const ref = tfCnn(w, x, n, 'train');
    expectAllClose(logits, ref.logits, 1e-4, 1e-4);
    const state = stateValues(model);
    for (const bn of ['1', '5']) {
      const s = ref.stats.get(bn)!;
      const oldMean = w.get(`${bn}.running_mean`)!.data, oldVar = w.get(`${bn}.running_var`)!.data;
      expectAllClose(state.get(`${bn}.running_mean`)!.data, oldMean.map((m, i) => 0.9 * m + 0.1 * s.mean[i]), 1e-5, 1e-4);
      expectAllClose(state.get(`${bn}.running_var`)!.data, oldVar.map((v, i) => 0.9 * v + 0.1 * s.varUnbiased[i]), 1e-5, 1e-4);
      expect(state.get(`${bn}.num_batches_tracked`)!.data).toEqual([w.get(`${bn}.num_batches_tracked`)!.data[0] + 1]);
    }
    // The saved counters are the I64 PyTorch expects, one more than loaded.
    const saved = readSafetensors(wg.save(model)).tensors.filter((t) => t.name.endsWith('num_batches_tracked'));
    expect(saved.map((t) => [t.name, t.dtype, t.data])).toEqual([['1.num_batches_tracked', 'I64', [8]], ['5.num_batches_tracked', 'I64', [13]]]);
    model.dispose();
  });
});
