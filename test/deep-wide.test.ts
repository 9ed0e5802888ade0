// Scale and memory accounting:
// - a deep graph (100,000 ops in one chain, with fan-out at every step) backpropagates on both
//   backends, and its gradient matches forward-mode differentiation done here in plain float64;
// - a wide one (a [1000, 1000] parameter, 1M elements, through a few ops) backpropagates to the
//   known gradient on both backends;
// - memory().bytes equals the bytes of the distinct storages of the live tensors after a mixed
//   workload (reshape shares storage, dispose, gradients, both backends, both dtypes, size 0);
// - memory() agrees exactly with the backends' own count of live allocations. That needs a
//   counter kept by the kernels: `backend.liveAllocations(): { count, bytes }` (see
//   kernelCounts below); where a backend does not expose one, the test says so and fails.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { backendFor } from '../src/runtime.js';
import { makeRng } from './helpers.js';

type Tensor = ReturnType<typeof wg.tensor>;
const figures: string[] = [];

afterAll(() => {
  console.log(`[deep-wide]\n  ${figures.join('\n  ')}`);
});

beforeAll(async () => {
  await wg.init();
});

/**
 * The backend's own count of live storage allocations, or null when it has none. The API this
 * test asks for: `liveAllocations(): { count: number; bytes: number }` on each backend object —
 * `count` the storage blocks handed out by `alloc()` and not yet freed, counted where the
 * allocation happens (for wasm: by assembly/mem.ts's alloc/free, the linear-memory allocator
 * itself; internal blocks such as the matmul packing scratch are not storages and are excluded
 * or reported separately), `bytes` the sum of those storages' `Storage.bytes`.
 */
function kernelCounts(name: 'wasm' | 'js'): { count: number; bytes: number } | null {
  const b = backendFor(name, 'test') as unknown as { liveAllocations?: () => { count: number; bytes: number } };
  return typeof b.liveAllocations === 'function' ? b.liveAllocations() : null;
}

/** Distinct storages of some tensors, and their bytes (reshape/detach share one storage). */
function storageBytes(ts: Iterable<Tensor | null | undefined>): { storages: number; bytes: number } {
  const seen = new Set<unknown>();
  let bytes = 0;
  for (const t of ts) {
    if (!t || t.isDisposed) continue;
    const s = (t as unknown as { storage: { bytes: number } }).storage;
    if (seen.has(s)) continue;
    seen.add(s);
    bytes += s.bytes;
  }
  return { storages: seen.size, bytes };
}

const fmtBytes = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} B`);

describe.each(['wasm', 'js'] as const)('deep and wide graphs [%s]', (backend) => {
  beforeAll(() => {
    wg.setBackend(backend);
  });

  it('a deep graph of 100,000 ops backpropagates to the forward-mode gradient', () => {
    wg.setBackend(backend);
    const base = wg.memory();
    const x0 = [0.3, -0.7, 1.9, -2.4];
    const x = wg.tensor(x0, { dtype: 'float64', requiresGrad: true });
    const c = 1e-4;
    // y ← y + c·tanh(y): three ops per step, y used twice (fan-out) at every step
    const steps = 33_334;
    const t0 = performance.now();
    let ops = 0;
    const res = wg.tidy(() => {
      let y = x;
      for (let i = 0; i < steps; i++) {
        y = y.add(y.tanh().mul(c));
        ops += 3;
      }
      const loss = y.sum();
      ops++;
      const t1 = performance.now();
      loss.backward();
      const t2 = performance.now();
      return { value: y.toArray() as number[], tForward: t1 - t0, tBackward: t2 - t1, peak: wg.memory() };
    });
    expect(ops).toBeGreaterThanOrEqual(100_000);
    // forward mode in plain float64: dy/dx = Π (1 + c (1 - tanh² y_i))
    const want = x0.map((v) => {
      let y = v, d = 1;
      for (let i = 0; i < steps; i++) {
        const t = Math.tanh(y);
        d *= 1 + c * (1 - t * t);
        y += c * t;
      }
      return { y, d };
    });
    res.value.forEach((v, i) => expect(v).toBeCloseTo(want[i].y, 9));
    const g = x.grad!.toArray() as number[];
    g.forEach((v, i) => expect(Math.abs(v - want[i].d) / want[i].d, `grad[${i}] ${v} vs ${want[i].d}`).toBeLessThan(1e-10));
    figures.push(`${backend}: deep chain of ${ops} ops (fan-out at each step): forward ${res.tForward.toFixed(0)} ms, backward ${res.tBackward.toFixed(0)} ms; ` +
      `at the peak ${res.peak.tensors - base.tensors} live tensors, ${fmtBytes(res.peak.bytes - base.bytes)}, wasm heap ${fmtBytes(res.peak.wasmBytes)}`);
    x.dispose();
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytes).toBe(base.bytes);
  }, 120_000);

  it('a linear chain of 100,000 float32 ops has the exact gradient ±1', () => {
    wg.setBackend(backend);
    const base = wg.memory().tensors;
    const x = wg.tensor([1.5, -2.25, 0], { requiresGrad: true });
    wg.tidy(() => {
      let y = x;
      for (let i = 0; i < 25_000; i++) y = y.add(0.5).neg().sub(0.25).mul(-1);
      y.sum().backward();
      // each group: ((y + 0.5)·-1 - 0.25)·-1 = y + 0.75
      expect(y.toArray()).toEqual([1.5 + 18_750, -2.25 + 18_750, 18_750]);
    });
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    x.dispose();
    expect(wg.memory().tensors).toBe(base);
  }, 120_000);

  it('a wide graph: a [1000, 1000] parameter (1M elements) backpropagates to the known gradient', () => {
    wg.setBackend(backend);
    const base = wg.memory();
    const n = 1000, B = 8;
    const r = makeRng(42);
    const wData = Float32Array.from({ length: n * n }, () => r() * 2 - 1);
    const xData = Float32Array.from({ length: B * n }, () => r() * 2 - 1);
    const W = wg.tensor(wData, { shape: [n, n], requiresGrad: true });
    const X = wg.tensor(xData, { shape: [B, n] });
    const bias = wg.zeros([n], { requiresGrad: true });
    const t0 = performance.now();
    const peak = wg.tidy(() => {
      // loss = ½ Σ W² + Σ (X·W + bias) + Σ reshape(W)·0 … a few ops through all 1M parameters
      const loss = W.mul(W).mul(0.5).sum()
        .add(X.matmul(W).add(bias).sum())
        .add(W.reshape([n * n]).mul(0).sum());
      loss.backward();
      return wg.memory();
    });
    const ms = performance.now() - t0;
    expect(W.grad!.shape).toEqual([n, n]);
    expect(bias.grad!.shape).toEqual([n]);
    // dW[i][j] = W[i][j] + Σ_b X[b][i];  dbias[j] = B
    const colsum = new Float64Array(n);
    for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) colsum[i] += xData[b * n + i];
    const g = W.grad!.data();
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const want = wData[i * n + j] + colsum[i];
        worst = Math.max(worst, Math.abs(g[i * n + j] - want) / (1 + Math.abs(want)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    expect(Array.from(bias.grad!.data()).every((v) => v === B)).toBe(true);
    figures.push(`${backend}: wide graph, W [${n},${n}] float32 through 11 ops: forward+backward ${ms.toFixed(0)} ms, worst relative error ${worst.toExponential(1)}; ` +
      `at the peak ${peak.tensors - base.tensors} live tensors, ${fmtBytes(peak.bytes - base.bytes)}, wasm heap ${fmtBytes(peak.wasmBytes)}`);
    wg.dispose([W, X, bias]);
    expect(wg.memory().tensors).toBe(base.tensors);
    expect(wg.memory().bytes).toBe(base.bytes);
  }, 120_000);
});

describe('memory() accounting', () => {
  it('memory().bytes is the bytes of the distinct storages of the live tensors after a mixed workload', () => {
    const base = wg.memory();
    const held: Tensor[] = [];
    const keep = <T extends Tensor>(t: T) => { held.push(t); return t; };
    for (const backend of ['wasm', 'js'] as const) {
      wg.setBackend(backend);
      for (const dtype of ['float32', 'float64'] as const) {
        const a = keep(wg.randn([64, 48], { dtype, requiresGrad: true }));
        const v1 = keep(a.reshape([3072]));                 // shares a's storage (a gate: a has requiresGrad)
        const v2 = keep(v1.reshape([48, -1]));              // and again
        const d = keep(a.detach());                          // shares too
        const b = keep(wg.ones([48], { dtype, requiresGrad: true }));
        const e = keep(wg.zeros([0, 5], { dtype }));         // size 0
        const z = keep(wg.tensor(3, { dtype }));            // 0-d
        const h = keep(wg.tidy(() => {
          const out = a.add(b).tanh().matmul(v2).sum(1);
          out.sum().backward();                              // a.grad, b.grad appear; saved values released
          return out;
        }));
        keep(a.grad!);
        keep(b.grad!);
        const sq = keep(wg.noGrad(() => d.mul(d)));
        const m = keep(sq.reshape([-1]));                    // a view of a product made under noGrad
        wg.dispose([v1]);                                    // a and v2 still hold the storage
        const tmp = wg.full([10, 10], 1, { dtype });
        tmp.dispose();
        z.dispose();
        expect(e.size + m.size).toBeGreaterThan(0);
      }
    }
    const live = held.filter((t) => !t.isDisposed);
    const mine = storageBytes(live);
    const now = wg.memory();
    expect(now.bytes - base.bytes).toBe(mine.bytes);
    expect(now.tensors - base.tensors).toBe(live.length);
    figures.push(`mixed workload (both backends × dtypes, reshape/detach views, size 0, 0-d, grads, dispose): ` +
      `${live.length} live tensors over ${mine.storages} storages = ${mine.bytes} bytes = memory().bytes − baseline`);
    wg.dispose(live);
    expect(wg.memory().bytes - base.bytes).toBe(0);
  });

  it('memory() agrees exactly with the kernels\' own count of live allocations', () => {
    const have = { wasm: kernelCounts('wasm'), js: kernelCounts('js') };
    expect(have.wasm, 'the wasm backend exposes no live-allocation counter: add liveAllocations(): { count, bytes } '
      + '(count kept by assembly/mem.ts alloc/free, e.g. exported liveBlocks(); bytes = Σ Storage.bytes of live storages)').not.toBeNull();
    expect(have.js, 'the js backend exposes no live-allocation counter: add liveAllocations(): { count, bytes }').not.toBeNull();
    const both = () => {
      const w = kernelCounts('wasm')!, j = kernelCounts('js')!;
      return { count: w.count + j.count, bytes: w.bytes + j.bytes };
    };
    // warm up the matmul scratch so it does not appear mid-test
    wg.setBackend('wasm');
    wg.tidy(() => wg.ones([64, 64]).matmul(wg.ones([64, 64])));
    const k0 = both();
    const m0 = wg.memory();
    // bytes agree absolutely: every live storage belongs to at least one live tensor
    expect(k0.bytes).toBe(m0.bytes);
    const made: Tensor[] = [];
    for (const backend of ['wasm', 'js'] as const) {
      wg.setBackend(backend);
      for (let i = 0; i < 25; i++) made.push(wg.randn([i, 3], { dtype: i % 2 ? 'float64' : 'float32' }));
    }
    // no sharing: one allocation per tensor
    expect(both().count - k0.count).toBe(wg.memory().tensors - m0.tensors);
    expect(both().bytes).toBe(wg.memory().bytes);
    // views share: tensors +1, allocations +0
    const views = made.map((t) => t.reshape([-1]));
    expect(wg.memory().tensors - m0.tensors).toBe(100);
    expect(both().count - k0.count).toBe(50);
    expect(both().bytes).toBe(wg.memory().bytes);
    // a training-like step in tidy, crossEntropy labels (int32 scratch) included
    wg.setBackend('wasm');
    const p = wg.randn([8, 4], { requiresGrad: true });
    wg.tidy(() => {
      const loss = p.matmul(wg.randn([4, 3])).crossEntropy([0, 1, 2, 0, 1, 2, 0, 1]);
      loss.backward();
    });
    expect(both().count - k0.count).toBe(52); // p and p.grad
    expect(both().bytes).toBe(wg.memory().bytes);
    wg.dispose([...made, ...views, p]);
    expect(both()).toEqual(k0);
    expect(wg.memory().tensors).toBe(m0.tensors);
    expect(wg.memory().bytes).toBe(m0.bytes);
  });
});
