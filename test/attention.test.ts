// embedding, scaledDotProductAttention and their modules (issue 14 items 1–2): hand-computed
// values per backend × dtype, agreement with the composite written with ops, PyTorch's edge
// cases, hostile arguments with memory unchanged. Gradient checks live in test/catalog/attention.ts.

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { expectClose, forEachBackend, forEachConfig, type Tensor } from './helpers.js';
import { expectError } from './support/errors.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** softmax(q·kᵀ·scale + mask)·v with ops: the composite the fused gate must agree with. */
function composite(q: Tensor, k: Tensor, v: Tensor, opts: { mask?: Tensor; causal?: boolean; scale?: number } = {}): Tensor {
  const E = q.shape[q.ndim - 1], L = q.shape[q.ndim - 2], S = k.shape[k.ndim - 2];
  let s = wg.matmul(q, k.transpose([...Array(k.ndim - 2).keys(), k.ndim - 1, k.ndim - 2])).mul(opts.scale ?? 1 / Math.sqrt(E));
  if (opts.causal) {
    const m = new Float64Array(L * S);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) m[i * S + j] = -Infinity;
    s = s.add(wg.tensor(m, { shape: [L, S], dtype: q.dtype }));
  }
  if (opts.mask) s = s.add(opts.mask);
  return wg.matmul(wg.softmax(s, -1), v);
}

function rand(shape: number[], dtype: 'float32' | 'float64', requiresGrad = true): Tensor {
  return wg.randn(shape, { dtype, requiresGrad });
}

/** Forward values and gradients of q, k, v of f against g, on the same inputs. */
function agree(f: (q: Tensor, k: Tensor, v: Tensor) => Tensor, g: (q: Tensor, k: Tensor, v: Tensor) => Tensor,
  shapes: number[][], dtype: 'float32' | 'float64'): void {
  wg.manualSeed(7);
  const xs = shapes.map((s) => rand(s, dtype));
  const w = wg.randn([1], { dtype }); // a fixed random seed gradient via sum of weighted outputs
  const run = (h: typeof f) => {
    for (const x of xs) x.zeroGrad();
    const out = h(xs[0], xs[1], xs[2]);
    const seed = wg.randn(out.shape, { dtype });
    out.mul(seed).sum().backward();
    return { out: out.toArray(), grads: xs.map((x) => x.grad!.toArray()) };
  };
  wg.manualSeed(11);
  const a = run(f);
  wg.manualSeed(11);
  const b = run(g);
  const tol = dtype === 'float32' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-10, atol: 1e-12 };
  expectClose(a.out, b.out, tol);
  for (let i = 0; i < 3; i++) expectClose(a.grads[i], b.grads[i], tol);
  void w;
}

forEachConfig('embedding', ({ dtype, tol }) => {
  it('looks up rows in the shape [...indices, D]', () => {
    const w = wg.tensor([[1, 2], [3, 4], [5, 6]], { dtype });
    const y = wg.embedding([[2, 0], [1, 1]], w);
    expect(y.shape).toEqual([2, 2, 2]);
    expectClose(y.toArray(), [[[5, 6], [1, 2]], [[3, 4], [3, 4]]], tol);
    expectClose(wg.embedding(wg.tensor([1, 2, 0], { dtype: 'int32' }), w).toArray(), [[3, 4], [5, 6], [1, 2]], tol);
    expectClose(wg.embedding(Int32Array.from([2]), w).toArray(), [[5, 6]], tol);
  });

  it('accumulates the gradient of repeated indices', () => {
    const w = wg.tensor([[1, 2], [3, 4], [5, 6]], { dtype, requiresGrad: true });
    wg.embedding([0, 2, 0, 0], w).mul(wg.tensor([[1, 1], [2, 2], [3, 4], [5, 6]], { dtype })).sum().backward();
    expectClose(w.grad!.toArray(), [[9, 11], [0, 0], [2, 2]], tol);
  });

  it('gives the paddingIdx row no gradient', () => {
    const w = wg.tensor([[1, 2], [3, 4], [5, 6]], { dtype, requiresGrad: true });
    const y = wg.embedding([1, 2, 1, 0], w, { paddingIdx: 1 });
    expectClose(y.toArray(), [[3, 4], [5, 6], [3, 4], [1, 2]], tol); // the forward still reads the row
    y.sum().backward();
    expectClose(w.grad!.toArray(), [[1, 1], [0, 0], [1, 1]], tol);
    w.zeroGrad();
    wg.embedding([2, 2], w, { paddingIdx: -1 }).sum().backward(); // -1 is row 2
    expectClose(w.grad!.toArray(), [[0, 0], [0, 0], [0, 0]], tol);
  });

  it('rejects an out-of-range index naming it, with memory unchanged', () => {
    const w = wg.zeros([3, 2], { dtype }), idx = wg.tensor([[0], [-1]], { dtype: 'int32' }), w1 = wg.zeros([3], { dtype });
    const before = wg.memory();
    expectError(() => wg.embedding([0, 3], w), /embedding: index 3 at position 1 .*out of range/);
    expectError(() => wg.embedding(idx, w), /embedding: index -1 .*out of range/);
    expectError(() => wg.embedding([0], w, { paddingIdx: 3 }), /embedding: paddingIdx must be an integer in \[-3, 3\).*got 3/);
    expectError(() => wg.embedding([0], w, { padding: 1 } as never), /embedding: unknown option 'padding'/);
    expectError(() => wg.embedding([0], w1), /embedding: weight must be 2-D.*\[3\]/);
    expect(wg.memory()).toEqual(before);
  });
});

forEachBackend('Embedding module', () => {
  it('has a weight N(0, 1) named weight with the paddingIdx row zeroed', () => {
    wg.manualSeed(1);
    const m = new wg.nn.Embedding(200, 50, { paddingIdx: 3, dtype: 'float64' });
    expect([...m.stateDict().keys()]).toEqual(['weight']);
    expect(m.weight.shape).toEqual([200, 50]);
    const d = m.weight.data();
    for (let j = 0; j < 50; j++) expect(d[3 * 50 + j]).toBe(0);
    let s = 0, s2 = 0;
    for (const x of d) { s += x; s2 += x * x; }
    const mean = s / d.length, variance = s2 / d.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    expect(m.forward([[3, 4]]).shape).toEqual([1, 2, 50]);
    expectError(() => new wg.nn.Embedding(0, 3), /Embedding: numEmbeddings must be a positive integer, got 0/);
    expectError(() => new wg.nn.Embedding(4, 3, { paddingIdx: 9 }), /Embedding: paddingIdx must be an integer in \[-4, 4\).*got 9/);
  });
});

forEachConfig('scaledDotProductAttention', ({ dtype, tol }) => {
  it('computes a 2×2 attention written out by hand', () => {
    const q = wg.tensor([[1, 0], [0, 1]], { dtype }), k = wg.tensor([[1, 0], [0, 1]], { dtype });
    const v = wg.tensor([[1, 2], [3, 4]], { dtype });
    const a = sigmoid(1 / Math.sqrt(2)); // row 0 scores [s, 0]: weights [σ(s), 1 - σ(s)]
    expectClose(wg.scaledDotProductAttention(q, k, v).toArray(), [[3 - 2 * a, 4 - 2 * a], [1 + 2 * a, 2 + 2 * a]], tol);
    // causal: row 0 sees only key 0
    expectClose(wg.scaledDotProductAttention(q, k, v, { isCausal: true }).toArray(), [[1, 2], [1 + 2 * a, 2 + 2 * a]], tol);
    // a boolean mask (int32, nonzero = may attend) keeping only key 1 in row 0; scale 0 averages row 1
    const mask = wg.tensor([[0, 1], [1, 1]], { dtype: 'int32' });
    expectClose(wg.scaledDotProductAttention(q, k, v, { attnMask: mask, scale: 0 }).toArray(), [[3, 4], [2, 3]], tol);
  });

  it('agrees with the composite: no mask, causal, boolean and additive masks', () => {
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v), (q, k, v) => composite(q, k, v), [[2, 3, 5, 4], [2, 3, 6, 4], [2, 3, 6, 3]], dtype);
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { isCausal: true }), (q, k, v) => composite(q, k, v, { causal: true }),
      [[2, 7, 4], [2, 7, 4], [2, 7, 5]], dtype);
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 }), (q, k, v) => composite(q, k, v, { causal: true, scale: 0.3 }),
      [[3, 4], [5, 4], [5, 2]], dtype);
    const bool = wg.tensor([[1, 0, 1, 1, 0], [0, 1, 1, 1, 1], [1, 1, 0, 0, 0]], { dtype: 'int32' });
    const boolAdd = wg.tensor([[0, -Infinity, 0, 0, -Infinity], [-Infinity, 0, 0, 0, 0], [0, 0, -Infinity, -Infinity, -Infinity]], { dtype });
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { attnMask: bool }), (q, k, v) => composite(q, k, v, { mask: boolAdd }),
      [[2, 3, 6], [2, 5, 6], [2, 5, 2]], dtype);
    const add = wg.randn([2, 1, 3, 5], { dtype });
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { attnMask: add }), (q, k, v) => composite(q, k, v, { mask: add }),
      [[2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 4]], dtype);
  });

  it('broadcasts leading dimensions (heads against one key/value, batch-1 query)', () => {
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v), (q, k, v) => composite(q, k, v), [[2, 4, 3, 8], [1, 4, 5, 8], [5, 2]], dtype);
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v), (q, k, v) => composite(q, k, v), [[3, 4], [2, 3, 5, 4], [2, 1, 5, 3]], dtype);
    // a key-padding mask [N, 1, 1, S] over [N, H, L, S] (batch strides that do not collapse to one)
    const kp = wg.tensor([[[[1, 1, 0]]], [[[1, 0, 0]]]], { dtype: 'int32' });
    const kpAdd = wg.tensor([[[[0, 0, -Infinity]]], [[[0, -Infinity, -Infinity]]]], { dtype });
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { attnMask: kp }), (q, k, v) => composite(q, k, v, { mask: kpAdd }),
      [[2, 3, 4, 2], [2, 3, 3, 2], [2, 3, 3, 2]], dtype);
  });

  it('broadcasts a mask along the keys ([L, 1]) and handles empty sizes', () => {
    const col = wg.tensor([[0.5], [-1], [2]], { dtype });
    agree((q, k, v) => wg.scaledDotProductAttention(q, k, v, { attnMask: col }), (q, k, v) => composite(q, k, v, { mask: col }),
      [[2, 3, 4], [2, 5, 4], [2, 5, 3]], dtype);
    const q = wg.ones([2, 3, 4], { dtype, requiresGrad: true });
    const empty = wg.scaledDotProductAttention(q, wg.ones([2, 0, 4], { dtype }), wg.ones([2, 0, 5], { dtype }));
    expect(empty.shape).toEqual([2, 3, 5]);
    expect(Array.from(empty.data())).toEqual(new Array(30).fill(0));
    expect(wg.scaledDotProductAttention(wg.ones([0, 3, 4], { dtype }), wg.ones([0, 2, 4], { dtype }), wg.ones([0, 2, 5], { dtype })).shape)
      .toEqual([0, 3, 5]);
  });

  it('applies inverted dropout to the weights with dropoutP, reproducibly after manualSeed', () => {
    const q = wg.randn([2, 4, 3], { dtype }), k = wg.randn([2, 5, 3], { dtype }), v = wg.randn([2, 5, 3], { dtype });
    const plain = wg.scaledDotProductAttention(q, k, v).toArray();
    wg.manualSeed(8);
    const a = wg.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }).toArray();
    wg.manualSeed(8);
    const b = wg.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 }).toArray();
    expect(a).toEqual(b);
    expect(a).not.toEqual(plain);
  });

  it('gives NaN for a row with every position masked, as PyTorch', () => {
    const q = wg.ones([2, 2], { dtype }), k = wg.ones([2, 2], { dtype }), v = wg.ones([2, 2], { dtype });
    const out = wg.scaledDotProductAttention(q, k, v, { attnMask: wg.tensor([[0, 0], [1, 0]], { dtype: 'int32' }) }).data();
    expect(Number.isNaN(out[0]) && Number.isNaN(out[1])).toBe(true);
    expectClose([out[2], out[3]], [1, 1], tol);
  });

  it('rejects hostile arguments naming the op and shapes, with memory unchanged', () => {
    const q = wg.ones([2, 3, 4], { dtype }), k = wg.ones([2, 5, 4], { dtype }), v = wg.ones([2, 5, 6], { dtype });
    const other = dtype === 'float32' ? 'float64' : 'float32';
    const m35 = wg.ones([3, 5], { dtype }), m45 = wg.ones([4, 5], { dtype }), m35other = wg.ones([3, 5], { dtype: other });
    const k3 = wg.ones([2, 5, 3], { dtype }), v4 = wg.ones([2, 4, 6], { dtype }), kb = wg.ones([3, 5, 4], { dtype });
    const vOther = wg.ones([2, 5, 6], { dtype: other }), q1 = wg.ones([4], { dtype });
    const before = wg.memory();
    const f = (o: object, kk = k, vv = v) => () => wg.scaledDotProductAttention(q, kk, vv, o);
    expectError(f({ isCausal: true, attnMask: m35 }), /scaledDotProductAttention: attnMask and isCausal/);
    expectError(f({}, k3), /scaledDotProductAttention: query \[2,3,4\] and key \[2,5,3\] differ/);
    expectError(f({}, k, v4), /key \[2,5,4\] and value \[2,4,6\] differ/);
    expectError(f({}, kb), /batch dimensions do not broadcast.*\[2,3,4\].*\[3,5,4\]/);
    expectError(f({ attnMask: m45 }), /attnMask of shape \[4,5\] does not broadcast to the scores' shape \[2,3,5\]/);
    expectError(f({ attnMask: m35other }), /attnMask must be int32/);
    expectError(f({ scale: NaN }), /scale must be a finite number/);
    expectError(f({ dropoutP: 1 }), /dropoutP must be a number in \[0, 1\), got 1/);
    expectError(f({ causal: true }), /unknown option 'causal'/);
    expectError(f({}, k, vOther), /dtypes differ/);
    expectError(() => wg.scaledDotProductAttention(q1, k, v), /query must have at least 2 dimensions.*\[4\]/);
    expect(wg.memory()).toEqual(before);
  });

  it('keeps memory flat over a forward and backward', () => {
    const q = rand([2, 3, 4], dtype), k = rand([2, 5, 4], dtype), v = rand([2, 5, 6], dtype);
    const step = () => wg.tidy(() => { wg.scaledDotProductAttention(q, k, v, { isCausal: true }).sum().backward(); });
    step();
    const before = wg.memory();
    step();
    expect(wg.memory()).toEqual(before);
  });
});

describe('scaledDotProductAttention with threads', () => {
  it('gives the same values split across threads as on one', async () => {
    await wg.init();
    wg.setBackend('wasm');
    wg.manualSeed(3);
    const q = wg.randn([2, 4, 96, 16], { requiresGrad: true }), k = wg.randn([2, 4, 96, 16], { requiresGrad: true });
    const v = wg.randn([2, 4, 96, 16], { requiresGrad: true }); // P: 73,728 elements, above both thresholds
    const run = () => {
      for (const x of [q, k, v]) x.zeroGrad();
      const y = wg.scaledDotProductAttention(q, k, v, { isCausal: true });
      y.square().sum().backward();
      return [y.data(), q.grad!.data(), k.grad!.data(), v.grad!.data()];
    };
    const prev = wg.getThreads();
    wg.setThreads(1);
    const one = run();
    wg.setThreads(2);
    const two = run();
    wg.setThreads(prev);
    for (let i = 0; i < 4; i++) expect(Array.from(two[i])).toEqual(Array.from(one[i]));
  });
});

/** PyTorch's algorithm written out head by head from the module's named parameters (batch first). */
function mhaReference(m: InstanceType<typeof wg.nn.MultiheadAttention>, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null) {
  const E = m.embedDim, H = m.numHeads, hd = E / H;
  const sd = m.stateDict();
  const W = sd.get('in_proj_weight')!, b = sd.get('in_proj_bias')!;
  const lin = (x: Tensor, w: Tensor, bias: Tensor) => x.matmul(w.transpose()).add(bias);
  const Q = lin(q, W.narrow(0, 0, E), b.narrow(0, 0, E));
  const K = lin(k, W.narrow(0, E, E), b.narrow(0, E, E));
  const V = lin(v, W.narrow(0, 2 * E, E), b.narrow(0, 2 * E, E));
  const outs: Tensor[] = [], ws: Tensor[] = [];
  for (let h = 0; h < H; h++) {
    const Qh = Q.narrow(2, h * hd, hd), Kh = K.narrow(2, h * hd, hd), Vh = V.narrow(2, h * hd, hd);
    let s = Qh.matmul(Kh.transpose([0, 2, 1])).mul(1 / Math.sqrt(hd));
    if (mask) s = s.add(mask);
    const A = wg.softmax(s, -1);
    ws.push(A);
    outs.push(A.matmul(Vh));
  }
  const out = lin(wg.cat(outs, 2), sd.get('out_proj.weight')!, sd.get('out_proj.bias')!);
  return { out, weights: wg.stack(ws, 1).mean(1) };
}

forEachConfig('MultiheadAttention', ({ dtype }) => {
  const tol = dtype === 'float32' ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 1e-10, atol: 1e-12 };

  it("has PyTorch's parameter names, shapes and initialisation", () => {
    wg.manualSeed(5);
    const m = new wg.nn.MultiheadAttention(16, 4, { dtype });
    expect([...m.stateDict().entries()].map(([k, t]) => [k, t.shape])).toEqual([
      ['in_proj_weight', [48, 16]], ['in_proj_bias', [48]], ['out_proj.weight', [16, 16]], ['out_proj.bias', [16]]]);
    const bound = Math.sqrt(6 / (16 + 48));
    const w = m.in_proj_weight.data();
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-bound);
    expect([...m.in_proj_bias!.data(), ...m.out_proj.bias!.data()].every((x) => x === 0)).toBe(true);
    expect([...new wg.nn.MultiheadAttention(4, 2, { bias: false, dtype }).stateDict().keys()]).toEqual(['in_proj_weight', 'out_proj.weight']);
  });

  it('matches the PyTorch algorithm computed from its named parameters', () => {
    wg.manualSeed(9);
    const m = new wg.nn.MultiheadAttention(6, 3, { batchFirst: true, dtype });
    for (const p of m.parameters()) wg.noGrad(() => p.add_(wg.randn(p.shape, { dtype }).mul(0.1)));
    const q = wg.randn([2, 4, 6], { dtype }), k = wg.randn([2, 5, 6], { dtype }), v = wg.randn([2, 5, 6], { dtype });
    const [out, weights] = m.forward(q, k, v);
    const ref = mhaReference(m, q, k, v, null);
    expectClose(out.toArray(), ref.out.toArray(), tol);
    expectClose(weights!.toArray(), ref.weights.toArray(), tol);
    // the fused path (needWeights false) gives the same output
    const [fused, none] = m.forward(q, k, v, { needWeights: false });
    expect(none).toBeNull();
    expectClose(fused.toArray(), ref.out.toArray(), tol);
    // sequence-first layout (PyTorch's default) and unbatched inputs
    const m2 = new wg.nn.MultiheadAttention(6, 3, { dtype });
    const sd = m.stateDict();
    for (const [name, t] of m2.stateDict()) wg.noGrad(() => t.copy_(sd.get(name)!));
    const [seqFirst] = m2.forward(q.transpose([1, 0, 2]), k.transpose([1, 0, 2]), v.transpose([1, 0, 2]));
    expectClose(seqFirst.transpose([1, 0, 2]).toArray(), ref.out.toArray(), tol);
    const [one, w1] = m2.forward(q.select(0, 1), k.select(0, 1), v.select(0, 1));
    expectClose(one.toArray(), ref.out.select(0, 1).toArray(), tol);
    expect(w1!.shape).toEqual([4, 5]);
  });

  it('applies key padding and attention masks (int32 nonzero = masked, as PyTorch bool True)', () => {
    wg.manualSeed(4);
    const m = new wg.nn.MultiheadAttention(4, 2, { batchFirst: true, dtype });
    const q = wg.randn([2, 3, 4], { dtype }), k = wg.randn([2, 3, 4], { dtype }), v = wg.randn([2, 3, 4], { dtype });
    const kpm = wg.tensor([[0, 0, 1], [0, 1, 1]], { dtype: 'int32' });
    const causal = wg.tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]], { dtype: 'int32' });
    const add = wg.tensor([[[0, 0, -Infinity]], [[0, -Infinity, -Infinity]]], { dtype })
      .add(wg.tensor([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]], { dtype }));
    const ref = mhaReference(m, q, k, v, add);
    for (const needWeights of [true, false]) {
      const [out, w] = m.forward(q, k, v, { keyPaddingMask: kpm, attnMask: causal, isCausal: true, needWeights });
      expectClose(out.toArray(), ref.out.toArray(), tol);
      if (needWeights) expectClose(w!.toArray(), ref.weights.toArray(), tol);
    }
    // the causal hint alone goes to the fused kernel's causal path
    const [hinted] = m.forward(q, k, v, { attnMask: causal, isCausal: true, needWeights: false });
    const [plain] = m.forward(q, k, v, { attnMask: causal });
    expectClose(hinted.toArray(), plain.toArray(), tol);
  });

  it('rejects bad arguments naming the shapes, with memory unchanged', () => {
    const m = new wg.nn.MultiheadAttention(4, 2, { batchFirst: true, dtype });
    const x = wg.ones([2, 3, 4], { dtype }), y = wg.ones([2, 5, 4], { dtype }), x5 = wg.ones([2, 3, 5], { dtype });
    const m33 = wg.ones([3, 3], { dtype }), kp = wg.ones([2, 4], { dtype: 'int32' });
    const before = wg.memory();
    expectError(() => new wg.nn.MultiheadAttention(6, 4), /MultiheadAttention: embedDim 6 is not divisible by numHeads 4/);
    expectError(() => new wg.nn.MultiheadAttention(6, 3, { kdim: 5 }), /kdim 5 differs from embedDim 6/);
    expectError(() => new wg.nn.MultiheadAttention(6, 3, { batch_first: true } as never), /unknown option 'batch_first'/);
    expectError(() => m.forward(x, x5, x5), /ending in embedDim 4.*key \[2,3,5\]/);
    expectError(() => m.forward(x, y, x), /key \[2,5,4\] and value \[2,3,4\] do not match/);
    expectError(() => m.forward(x, y, y, { attnMask: m33 }), /attnMask must be \[3,5\] or \[4,3,5\], got \[3,3\]/);
    expectError(() => m.forward(x, y, y, { keyPaddingMask: kp }), /keyPaddingMask must be \[2,5\], got \[2,4\]/);
    expectError(() => m.forward(x, x, x, { isCausal: true }), /isCausal is a hint that needs attnMask/);
    expect(wg.memory()).toEqual(before);
  });
});

forEachBackend('MultiheadAttention gradients', () => {
  it('passes float64 gradcheck in its inputs and parameters', () => {
    wg.manualSeed(2);
    const m = new wg.nn.MultiheadAttention(4, 2, { batchFirst: true, dtype: 'float64' });
    const q = wg.randn([2, 3, 4], { dtype: 'float64', requiresGrad: true }), kv = wg.randn([2, 2, 4], { dtype: 'float64', requiresGrad: true });
    const kpm = wg.tensor([[0, 0], [0, 1]], { dtype: 'int32' });
    for (const needWeights of [true, false]) {
      const res = wg.gradcheck((a, b) => m.forward(a, b, b, { needWeights, keyPaddingMask: kpm })[0].square().sum(),
        [q, kv, m.in_proj_weight, m.out_proj.weight], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
      expect(res.ok, JSON.stringify(res)).toBe(true);
    }
  });
});

forEachBackend('scaledDotProductAttention second order', () => {
  it('differentiates its gradient again (createGraph) with causal and boolean masks', () => {
    wg.manualSeed(6);
    const q = wg.randn([2, 3, 2], { dtype: 'float64', requiresGrad: true }), k = wg.randn([2, 4, 2], { dtype: 'float64', requiresGrad: true });
    const v = wg.randn([2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const w = wg.randn([2, 3, 3], { dtype: 'float64' });
    const mask = wg.tensor([[1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 1, 1]], { dtype: 'int32' });
    for (const opts of [{ isCausal: true }, { attnMask: mask }]) {
      const g = (a: Tensor, b: Tensor, c: Tensor) => {
        const grads = wg.grad((x: Tensor, y: Tensor, z: Tensor) => wg.scaledDotProductAttention(x, y, z, opts).mul(w).sum())(a, b, c);
        return grads.map((gi, i) => gi.mul([a, b, c][i]).sum()).reduce((acc, t) => acc.add(t));
      };
      const res = wg.gradcheck(g, [q, k, v], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
      expect(res.ok, JSON.stringify(res)).toBe(true);
    }
  });
});

forEachBackend('scaledDotProductAttention additive mask gradient', () => {
  it('gives a float attnMask that requires a gradient its gradient (first and second order)', () => {
    wg.manualSeed(12);
    const q = wg.randn([2, 2, 3, 2], { dtype: 'float64', requiresGrad: true }), k = wg.randn([2, 2, 4, 2], { dtype: 'float64', requiresGrad: true });
    const v = wg.randn([2, 2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const w = wg.randn([2, 2, 3, 3], { dtype: 'float64' });
    const GC = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };
    // a bias shared over the batch ([2, 3, 4] over [2, 2, 3, 4]), one broadcast along heads and keys, a full one
    for (const shape of [[2, 3, 4], [2, 1, 3, 1], [2, 2, 3, 4]]) {
      const bias = wg.randn(shape, { dtype: 'float64', requiresGrad: true });
      const f = (a: Tensor, b: Tensor, c: Tensor, m: Tensor) => wg.scaledDotProductAttention(a, b, c, { attnMask: m, scale: 0.8 }).mul(w).sum();
      const first = wg.gradcheck(f, [q, k, v, bias], GC);
      expect(first.ok, `${shape}: ${JSON.stringify(first)}`).toBe(true);
      // only the mask requires a gradient
      const qd = q.detach(), kd = k.detach(), vd = v.detach();
      const onlyMask = wg.gradcheck((m: Tensor) => f(qd, kd, vd, m), [bias], GC);
      expect(onlyMask.ok, `${shape} (mask only): ${JSON.stringify(onlyMask)}`).toBe(true);
      const g = (a: Tensor, m: Tensor) => {
        const [ga, gm] = wg.grad((x: Tensor, y: Tensor) => f(x, k, v, y))(a, m);
        return ga.mul(a).sum().add(gm.mul(m).sum());
      };
      const second = wg.gradcheck(g, [q, bias], GC);
      expect(second.ok, `${shape} (second order): ${JSON.stringify(second)}`).toBe(true);
    }
  });
});

forEachBackend('scaledDotProductAttention mask copies', () => {
  it('agrees with the composite and passes gradcheck when the mask batch strides need a copy', () => {
    wg.manualSeed(13);
    const shapes = [[2, 2, 2, 2, 2], [2, 2, 2, 3, 2], [2, 2, 2, 3, 2]];
    const [q, k, v] = shapes.map((sh) => wg.randn(sh, { dtype: 'float64', requiresGrad: true }));
    const bias = wg.randn([2, 1, 2, 2, 3], { dtype: 'float64', requiresGrad: true }); // batch strides [6·2, 0, 6]: three runs
    const f = (a: Tensor, b: Tensor, c: Tensor, m: Tensor) => wg.scaledDotProductAttention(a, b, c, { attnMask: m }).square().sum();
    expectClose(f(q, k, v, bias).item(), composite(q, k, v, { mask: bias }).square().sum().item(), { rtol: 1e-12, atol: 1e-12 });
    const res = wg.gradcheck(f, [q, k, v, bias], { eps: 1e-6, atol: 1e-7, rtol: 1e-6 });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const bool = wg.tensor([1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1], { shape: [2, 1, 2, 2, 3], dtype: 'int32' });
    const boolAdd = wg.tensor(Array.from(bool.data(), (x) => (x ? 0 : -Infinity)), { shape: [2, 1, 2, 2, 3], dtype: 'float64' });
    expectClose(wg.scaledDotProductAttention(q, k, v, { attnMask: bool }).toArray(), composite(q, k, v, { mask: boolAdd }).toArray(),
      { rtol: 1e-12, atol: 1e-12 });
  });
});
