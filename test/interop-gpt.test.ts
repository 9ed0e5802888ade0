// PyTorch interop of the GPT example and nn.MultiheadAttention (issue 14, "Interop"). PyTorch is
// not available here, so files in PyTorch's state_dict layout are built byte by byte
// (test/support/safetensors-builder.ts), loaded strictly, and the outputs compared with the same
// networks written in TensorFlow.js ops from the same weights (PyTorch's in_proj split into q, k,
// v rows, pre-LN blocks, exact GELU (erf), causal softmax attention).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { initTf } from './property/tfjs-engine.js';
import { expectError } from './support/errors.js';
import { randomFlat } from './support/random.js';
import { type BuiltTensor, buildSafetensors, readSafetensors } from './support/safetensors-builder.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let createGPT: (lib: typeof wg, config: Record<string, unknown>) => any;

const CFG = { vocab: 11, context: 8, layers: 2, embed: 16, heads: 2, tied: false };
const B = 2, T = 5;
const TOKENS = [3, 1, 4, 1, 5, 9, 2, 6, 10, 0];

/** PyTorch's state_dict of the GPT module tree documented in examples/gpt/model.mjs. */
function gptLayout(): [string, number[]][] {
  const { vocab: V, context: C, embed: E } = CFG;
  const out: [string, number[]][] = [['tok_emb.weight', [V, E]], ['pos_emb.weight', [C, E]]];
  for (let i = 0; i < CFG.layers; i++) {
    const p = `blocks.${i}.`;
    out.push([`${p}ln1.weight`, [E]], [`${p}ln1.bias`, [E]],
      [`${p}attn.in_proj_weight`, [3 * E, E]], [`${p}attn.in_proj_bias`, [3 * E]],
      [`${p}attn.out_proj.weight`, [E, E]], [`${p}attn.out_proj.bias`, [E]],
      [`${p}ln2.weight`, [E]], [`${p}ln2.bias`, [E]],
      [`${p}mlp.0.weight`, [4 * E, E]], [`${p}mlp.0.bias`, [4 * E]],
      [`${p}mlp.2.weight`, [E, 4 * E]], [`${p}mlp.2.bias`, [E]]);
  }
  out.push(['ln_f.weight', [E]], ['ln_f.bias', [E]], ['head.weight', [V, E]]);
  return out;
}

/** Known float32 values for a layout: LayerNorm weights near 1, the rest spread enough that attention is not uniform. */
function filled(layout: [string, number[]][], seed: number): BuiltTensor[] {
  return layout.map(([name, shape], i) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const isLnWeight = /ln[12_f]*\.weight$/.test(name);
    const data = isLnWeight ? randomFlat(n, seed + i, 0.7, 1.3) : randomFlat(n, seed + i, -0.5, 0.5);
    return { name, dtype: 'F32', shape, data: data.map(Math.fround) };
  });
}

function weightsOf(tensors: BuiltTensor[]): (name: string) => tf.Tensor {
  const m = new Map(tensors.map((t) => [t.name, t]));
  return (name) => tf.tensor(m.get(name)!.data as number[], m.get(name)!.shape);
}

function tfLayerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(w).add(b);
}

function tfGelu(x: tf.Tensor): tf.Tensor {
  return x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)); // PyTorch's nn.GELU() default (exact)
}

/**
 * PyTorch's multi-head attention: q, k, v from the rows [0,E), [E,2E), [2E,3E) of in_proj, heads
 * of E/H columns, softmax(q kᵀ / √d + mask), out_proj. Batch-first [N, L, E] in; returns the
 * output [N, L, E] and the weights averaged over heads [N, L, S].
 */
function tfMha(get: (n: string) => tf.Tensor, p: string, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, H: number, mask: tf.Tensor | null): [tf.Tensor, tf.Tensor] {
  const [N, L, E] = q.shape, S = k.shape[1], d = E / H;
  const W = get(`${p}in_proj_weight`), bias = get(`${p}in_proj_bias`);
  const proj = (x: tf.Tensor, i: number, len: number) => tf.matMul(x.reshape([N * len, E]), W.slice([i * E, 0], [E, E]), false, true)
    .add(bias.slice([i * E], [E])).reshape([N, len, H, d]).transpose([0, 2, 1, 3]);
  let scores = tf.matMul(proj(q, 0, L), proj(k, 1, S), false, true).div(Math.sqrt(d));
  if (mask !== null) scores = scores.add(mask);
  const attn = tf.softmax(scores, -1);
  const ctx = tf.matMul(attn, proj(v, 2, S)).transpose([0, 2, 1, 3]).reshape([N * L, E]);
  const out = tf.matMul(ctx, get(`${p}out_proj.weight`), false, true).add(get(`${p}out_proj.bias`)).reshape([N, L, E]);
  return [out, attn.mean(1)];
}

/** The GPT forward in TF.js ops: token + position embeddings, pre-LN blocks, final LN, head. */
function tfGpt(tensors: BuiltTensor[], tokens: number[]): number[] {
  const get = weightsOf(tensors);
  const E = CFG.embed;
  const out = tf.tidy(() => {
    const idx = tf.tensor2d(tokens, [B, T], 'int32');
    let x = tf.gather(get('tok_emb.weight'), idx).add(tf.gather(get('pos_emb.weight'), tf.range(0, T, 1, 'int32')));
    // Additive causal mask: -inf above the diagonal.
    const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0).sub(1).mul(1e30);
    for (let i = 0; i < CFG.layers; i++) {
      const p = `blocks.${i}.`;
      const h = tfLayerNorm(x, get(`${p}ln1.weight`), get(`${p}ln1.bias`));
      x = x.add(tfMha(get, `${p}attn.`, h, h, h, CFG.heads, causal)[0]);
      const h2 = tfLayerNorm(x, get(`${p}ln2.weight`), get(`${p}ln2.bias`)).reshape([B * T, E]);
      const m = tfGelu(tf.matMul(h2, get(`${p}mlp.0.weight`), false, true).add(get(`${p}mlp.0.bias`)));
      x = x.add(tf.matMul(m, get(`${p}mlp.2.weight`), false, true).add(get(`${p}mlp.2.bias`)).reshape([B, T, E]));
    }
    const f = tfLayerNorm(x, get('ln_f.weight'), get('ln_f.bias')).reshape([B * T, E]);
    return tf.matMul(f, get('head.weight'), false, true);
  });
  const values = Array.from(out.dataSync());
  out.dispose();
  return values;
}

function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]))) {
      expect.fail(`value ${i}: ${actual[i]} vs ${expected[i]} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

beforeAll(async () => {
  await wg.init();
  await initTf();
  ({ createGPT } = await import('../examples/gpt/model.mjs' as string));
});

describe.each(['wasm', 'js'] as const)('GPT interop with PyTorch [%s]', (backend) => {
  beforeEach(() => {
    wg.setBackend(backend);
  });

  it('state_dict keys and shapes are the documented PyTorch module tree', () => {
    const model = createGPT(wg, CFG);
    const got = [...model.stateDict()].map(([n, t]: [string, wg.Tensor]) => [n, [...t.shape]]);
    expect(got.map(([n]: [string]) => n).sort()).toEqual(gptLayout().map(([n]) => n).sort());
    expect(new Map(got)).toEqual(new Map(gptLayout()));
    model.dispose();
  });

  it('hand-built PyTorch-named file loads strictly and saves back byte-identical', () => {
    const model = createGPT(wg, CFG);
    const tensors = filled(gptLayout(), 300);
    const file = buildSafetensors(tensors);
    expect(wg.load(model, file)).toEqual({ missing: [], unexpected: [] });
    const state = new Map([...model.stateDict()].map(([n, t]: [string, wg.Tensor]) => [n, Array.from(t.data())]));
    for (const t of tensors) expect(state.get(t.name), t.name).toEqual(t.data);
    expect(Array.from(wg.save(model))).toEqual(Array.from(file));
    model.dispose();
  });

  it('strict load of a GPT file without an attention key fails naming it', () => {
    const model = createGPT(wg, CFG);
    const file = buildSafetensors(filled(gptLayout(), 300).filter((t) => t.name !== 'blocks.1.attn.in_proj_bias'));
    expectError(() => wg.load(model, file), /load: .*missing 1 parameter.*blocks\.1\.attn\.in_proj_bias/);
    model.dispose();
  });

  it('a tied GPT lists head.weight and tok_emb.weight, as PyTorch state_dict keeps both tied names', () => {
    const model = createGPT(wg, { ...CFG, tied: true });
    expect(model.head.weight).toBe(model.tok_emb.weight);
    expect([...model.stateDict().keys()].sort()).toEqual(gptLayout().map(([n]) => n).sort());
    // The PyTorch file of a tied model holds the shared values under both names and loads strictly.
    const tensors = filled(gptLayout(), 300);
    const emb = tensors.find((t) => t.name === 'tok_emb.weight')!;
    const tiedTensors = tensors.map((t) => (t.name === 'head.weight' ? { ...t, data: emb.data } : t));
    const file = buildSafetensors(tiedTensors);
    expect(wg.load(model, file)).toEqual({ missing: [], unexpected: [] });
    expect(Array.from(model.head.weight.data())).toEqual(emb.data);
    expect(Array.from(wg.save(model))).toEqual(Array.from(file));
    model.dispose();
  });

  it('logits of the tiny GPT equal the TensorFlow.js forward from the same weights', () => {
    const model = createGPT(wg, CFG);
    const tensors = filled(gptLayout(), 300);
    wg.load(model, buildSafetensors(tensors));
    model.eval();
    const logits = wg.tidy(() => Array.from(model.forward(wg.tensor(TOKENS, { shape: [B, T], dtype: 'int32' })).data()));
    const ref = tfGpt(tensors, TOKENS);
    expect(logits.length).toBe(B * T * CFG.vocab);
    expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(1); // non-trivial logits
    expectAllClose(logits, ref, 1e-4, 1e-4);
    model.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('MultiheadAttention interop with PyTorch [%s]', (backend) => {
  beforeEach(() => {
    wg.setBackend(backend);
  });

  const E = 8, H = 2, L = 3, S = 4, N = 2;
  const layout: [string, number[]][] = [['in_proj_weight', [3 * E, E]], ['in_proj_bias', [3 * E]], ['out_proj.weight', [E, E]], ['out_proj.bias', [E]]];
  const qData = randomFlat(L * N * E, 41).map(Math.fround);
  const kData = randomFlat(S * N * E, 42).map(Math.fround);
  const vData = randomFlat(S * N * E, 43).map(Math.fround);

  it('state_dict keys are in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias with PyTorch shapes', () => {
    const mha = new wg.nn.MultiheadAttention(E, H);
    expect(new Map([...mha.stateDict()].map(([n, t]) => [n, [...t.shape]]))).toEqual(new Map(layout));
    mha.dispose();
  });

  it('weights from a PyTorch-named file give the TensorFlow.js outputs and averaged weights (L != S, seq-first)', () => {
    const mha = new wg.nn.MultiheadAttention(E, H);
    const tensors = filled(layout, 500);
    expect(wg.load(mha, buildSafetensors(tensors))).toEqual({ missing: [], unexpected: [] });
    const [out, weights] = wg.tidy(() => {
      const [o, w] = mha.forward(wg.tensor(qData, { shape: [L, N, E] }), wg.tensor(kData, { shape: [S, N, E] }), wg.tensor(vData, { shape: [S, N, E] }));
      return [Array.from(o.data()), Array.from(w!.data())];
    });
    const [refOut, refW] = tf.tidy(() => {
      // seq-first [L, N, E] → batch-first for the reference, and back.
      const bf = (d: number[], len: number) => tf.tensor3d(d, [len, N, E]).transpose([1, 0, 2]);
      const [o, w] = tfMha(weightsOf(tensors), '', bf(qData, L), bf(kData, S), bf(vData, S), H, null);
      return [Array.from(o.transpose([1, 0, 2]).dataSync()), Array.from(w.dataSync())];
    });
    expect(weights.length).toBe(N * L * S);
    expectAllClose(out, refOut, 1e-5, 1e-4);
    expectAllClose(weights, refW, 1e-6, 1e-4);
    mha.dispose();
  });

  it('a PyTorch file for MultiheadAttention saves back with the same keys and values', () => {
    const mha = new wg.nn.MultiheadAttention(E, H, { batchFirst: true });
    const tensors = filled(layout, 500);
    const file = buildSafetensors(tensors);
    wg.load(mha, file);
    const read = readSafetensors(wg.save(mha));
    expect(read.tensors.map((t) => t.name)).toEqual(['in_proj_bias', 'in_proj_weight', 'out_proj.bias', 'out_proj.weight']);
    expect(Array.from(wg.save(mha))).toEqual(Array.from(file));
    mha.dispose();
  });
});

/** PyTorch's MultiheadAttention in plain float64 JS, seq-first [L, N, E]; mask[l][s] nonzero = masked out. */
function jsMha(w: Map<string, readonly number[]>, q: number[], k: number[], v: number[], dims: { E: number; H: number; L: number; S: number; N: number },
  mask: number[][] | null): { out: number[]; weights: number[] } {
  const { E, H, L, S, N } = dims, d = E / H;
  const W = w.get('in_proj_weight')!, b = w.get('in_proj_bias')!, Wo = w.get('out_proj.weight')!, bo = w.get('out_proj.bias')!;
  // x row (position t, batch n) projected by in_proj rows [r0, r0 + E).
  const project = (x: number[], t: number, n: number, r0: number) => Array.from({ length: E }, (_, r) => {
    let s = b[r0 + r];
    for (let e = 0; e < E; e++) s += W[(r0 + r) * E + e] * x[(t * N + n) * E + e];
    return s;
  });
  const out = new Array(L * N * E).fill(0), weights = new Array(N * L * S).fill(0);
  for (let n = 0; n < N; n++) {
    const Q = Array.from({ length: L }, (_, t) => project(q, t, n, 0));
    const K = Array.from({ length: S }, (_, t) => project(k, t, n, E));
    const V = Array.from({ length: S }, (_, t) => project(v, t, n, 2 * E));
    for (let l = 0; l < L; l++) {
      const ctx = new Array(E).fill(0);
      for (let h = 0; h < H; h++) {
        const scores = Array.from({ length: S }, (_, s) => {
          if (mask !== null && mask[l][s] !== 0) return -Infinity;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += Q[l][h * d + j] * K[s][h * d + j];
          return dot / Math.sqrt(d);
        });
        const top = Math.max(...scores);
        const ex = scores.map((s) => Math.exp(s - top));
        const total = ex.reduce((a, c) => a + c, 0);
        for (let s = 0; s < S; s++) {
          const p = ex[s] / total;
          weights[(n * L + l) * S + s] += p / H;
          for (let j = 0; j < d; j++) ctx[h * d + j] += p * V[s][h * d + j];
        }
      }
      for (let r = 0; r < E; r++) {
        let s = bo[r];
        for (let e = 0; e < E; e++) s += Wo[r * E + e] * ctx[e];
        out[(l * N + n) * E + r] = s;
      }
    }
  }
  return { out, weights };
}

describe.each(['wasm', 'js'] as const)('MultiheadAttention float64 interop [%s]', (backend) => {
  beforeEach(() => {
    wg.setBackend(backend);
  });

  const dims = { E: 6, H: 3, L: 2, S: 5, N: 2 };
  const { E, L, S, N } = dims;
  const layout: [string, number[]][] = [['in_proj_weight', [3 * E, E]], ['in_proj_bias', [3 * E]], ['out_proj.weight', [E, E]], ['out_proj.bias', [E]]];
  const tensors: BuiltTensor[] = layout.map(([name, shape], i) => ({ name, dtype: 'F64', shape, data: randomFlat(shape.reduce((p, x) => p * x, 1), 700 + i, -0.6, 0.6) }));
  const w = new Map(tensors.map((t) => [t.name, t.data]));
  const q = randomFlat(L * N * E, 51), k = randomFlat(S * N * E, 52), v = randomFlat(S * N * E, 53);
  const boolMask = [[0, 1, 0, 0, 1], [0, 0, 1, 0, 0]];

  it.each([['no mask', null], ['boolean attnMask', boolMask]] as const)('F64 PyTorch-named file gives the plain-JS float64 outputs (%s)', (_, mask) => {
    const mha = new wg.nn.MultiheadAttention(E, dims.H, { dtype: 'float64' });
    expect(wg.load(mha, buildSafetensors(tensors))).toEqual({ missing: [], unexpected: [] });
    const [out, weights] = wg.tidy(() => {
      const attnMask = mask === null ? undefined : wg.tensor(mask.flat(), { shape: [L, S], dtype: 'int32' });
      const [o, a] = mha.forward(wg.tensor(q, { shape: [L, N, E], dtype: 'float64' }), wg.tensor(k, { shape: [S, N, E], dtype: 'float64' }),
        wg.tensor(v, { shape: [S, N, E], dtype: 'float64' }), attnMask === undefined ? {} : { attnMask });
      return [Array.from(o.data()), Array.from(a!.data())];
    });
    const ref = jsMha(w, q, k, v, dims, mask === null ? null : mask.map((r) => [...r]));
    if (mask !== null) expect(weights[1]).toBe(0); // a masked key gets no weight
    expectAllClose(out, ref.out, 1e-13, 1e-12);
    expectAllClose(weights, ref.weights, 1e-14, 1e-12);
    mha.dispose();
  });
});
