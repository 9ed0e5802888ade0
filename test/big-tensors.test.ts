// Tensors of 1 GiB and more (issue 10, defect 5): up to the wasm32 limit of 4 GiB on both wasm
// builds, and 1.5 GB on the js backend. A wasm memory never shrinks, so the big cases run in
// child Node processes (test/threads-child.ts), one per build; each `it` checks one behaviour
// from the child's report. Sizes past the limit are refused before any memory is touched, so
// those run here.

import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { DTYPES, useInit } from './helpers.js';
import { runChild, type ChildRun } from './threads-child.js';

/** 1.5 GB of float32. */
const N = 375_000_000;

// The child: 1.5 GB float32 a, b = 2a (the two fill 3 GB, b lies across 2^31), c 0.5 GB of
// float64 above 3 GB (3.5 GB in all), one allocation past the limit, then a's region reused.
// probe() runs matmul (transposed operand), softmax, exp and a transposed copy on 16 MiB tensors
// (threaded on the threads build): once at low addresses, once above 3.5 GB. The first probe's
// tensors stay alive, so the second one cannot reuse their pages.
const WASM_CHILD = `
  await wg.init();
  const r = { variant: wg.wasmVariant(), threads: wg.getThreads() };
  const mem = () => wg.memory();
  const errorOf = (fn) => { try { fn(); return null; } catch (e) {
    return { oom: e instanceof wg.OutOfMemoryError, wasmgrad: e instanceof wg.WasmgradError, message: e.message }; } };
  const item = (fn) => wg.tidy(() => fn().item()); // frees the results and views made on the way
  const probe = () => {
    wg.manualSeed(7);
    const [m, e, t, mm] = wg.tidy(() => {
      const m = wg.randn([16384, 256]);
      return [m, m.softmax().exp(), m.transpose().reshape([256, 16384]), m.transpose().matmul(m)];
    });
    return { tensors: [m, e, t, mm],
      values: [item(() => mm.sum()), item(() => mm.max()), item(() => e.sum()), item(() => t.sum(0).max())] };
  };
  const low = probe();
  r.probeLow = low.values;
  r.base = mem();
  const a = wg.full([${N}], 1);
  r.afterA = mem();
  const small = wg.ones([400000]); // 1.6 MB: TLSF must not take another 1.5 GB for it
  r.afterSmall = mem();
  const b = wg.tidy(() => a.mul(2)); // (tidy frees the 0-d constant 2)
  r.afterB = mem();
  r.sumA = item(() => a.sum());
  r.sumB = item(() => b.sum());
  // Row sums of b: every row checked, the last ones above 2^31.
  r.rowMax = item(() => b.reshape([375000, 1000]).sum(1).max());
  r.rowMin = -item(() => b.reshape([375000, 1000]).sum(1).neg().max());
  const c = wg.ones([62500000], { dtype: 'float64' });
  r.sumC = item(() => c.sum());
  const high = probe();
  r.probeHigh = high.values;
  r.memoryAtProbe = mem().wasmBytes;
  wg.dispose(high.tensors);
  r.total = mem();
  r.tooMuch = errorOf(() => wg.zeros([200000000]));
  r.afterTooMuch = mem();
  a.dispose();
  const d = wg.full([${N}], 0.5);
  r.sumD = item(() => d.sum());
  r.afterReuse = mem();
  r.small = wg.tidy(() => {
    const x = wg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.matmul(x).sum();
    y.backward();
    return [y.item(), x.grad.toArray()];
  });
  wg.dispose([small, b, c, d]);
  r.end = mem();
  const z = wg.zeros([268435456]); // issue 10's 1 GiB example
  r.sumZ = item(() => z.sum());
  z.dispose();
  r.stats = wg.threadStats();
  console.log(JSON.stringify(r));
`;

const GB = 1e9;

describe.each(['baseline', 'threads'] as const)('the %s wasm build, in a child process', (variant) => {
  let run: ChildRun;
  let r: any;
  beforeAll(async () => {
    run = await runChild(WASM_CHILD, { env: { WASMGRAD_WASM: variant }, timeoutMs: 50_000 });
    r = run.json;
    console.log(`[big tensors] ${variant}: ${Math.round(run.ms)} ms, largest total ${r?.total?.bytes} bytes `
      + `(${r?.total?.wasmBytes} bytes of linear memory); past it: ${r?.tooMuch?.message}`);
  }, 60_000);

  it('runs to the end on the requested build', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(r.variant).toBe(variant);
    if (variant === 'threads') expect(r.threads).toBeGreaterThan(1);
  });

  it('a 1.5 GB float32 tensor is made and filled, memory() counting it exactly', () => {
    expect(r.afterA.tensors).toBe(r.base.tensors + 1);
    expect(r.afterA.bytes).toBe(r.base.bytes + 1.5 * GB);
    expect(r.afterA.wasmBytes).toBeGreaterThanOrEqual(1.5 * GB);
    expect(r.sumA).toBe(N);
  });

  it('a small tensor after a big one does not grow memory by the big one\'s size', () => {
    expect(r.afterSmall.wasmBytes - r.afterA.wasmBytes).toBeLessThan(80 * 2 ** 20);
  });

  it('an elementwise op on it makes a second 1.5 GB tensor, right in every row above 2^31', () => {
    expect(r.afterB.bytes).toBe(r.afterSmall.bytes + 1.5 * GB);
    expect(r.sumB).toBe(2 * N);
    expect(r.rowMax).toBe(2000);
    expect(r.rowMin).toBe(2000);
  });

  it('matmul, softmax, exp and strided copies above 3.5 GB give the same bits as at low addresses', () => {
    expect(r.memoryAtProbe).toBeGreaterThan(3.5 * GB);
    expect(r.probeHigh).toEqual(r.probeLow);
    expect(r.probeLow.every((v: number) => Number.isFinite(v) && v !== 0)).toBe(true);
  });

  it('tensors adding up to 3.5 GB live together (float64 above 3 GB included)', () => {
    expect(r.sumC).toBe(62500000);
    expect(r.total.bytes).toBeGreaterThanOrEqual(3.5 * GB);
    expect(r.total.wasmBytes).toBeGreaterThanOrEqual(r.total.bytes);
    expect(r.total.wasmBytes).toBeLessThanOrEqual(2 ** 32);
  });

  it('past the limit: an OutOfMemoryError naming op, shape, dtype, the 4 GiB limit and the memory in use', () => {
    expect(r.tooMuch).not.toBeNull();
    expect(r.tooMuch.oom).toBe(true);
    expect(r.tooMuch.wasmgrad).toBe(true);
    const m: string = r.tooMuch.message;
    expect(m).toMatch(/^zeros: /);
    expect(m).toContain('float32 tensor of shape [200000000]');
    expect(m).toContain('800000000 bytes');
    expect(m).toContain('at most 4096 MiB (4 GiB)');
    const inUse = Number(/in use: (\d+) MiB of linear memory/.exec(m)?.[1]);
    expect(inUse).toBe(Math.round(r.total.wasmBytes / 2 ** 20));
    const held = Number(/(\d+) MiB of it held by/.exec(m)?.[1]);
    expect(held).toBe(Math.round(r.total.bytes / 2 ** 20));
  });

  it('a failed allocation changes nothing in memory()', () => {
    expect(r.afterTooMuch).toEqual(r.total);
  });

  it('a freed 1.5 GB region is reused without growing memory', () => {
    expect(r.sumD).toBe(N / 2);
    expect(r.afterReuse.wasmBytes).toBe(r.total.wasmBytes);
    expect(r.afterReuse.bytes).toBe(r.total.bytes);
  });

  it('small ops and gradients still work, and everything is freed', () => {
    expect(r.small).toEqual([54, [[7, 11], [9, 13]]]);
    expect(r.end.tensors).toBe(r.base.tensors);
    expect(r.end.bytes).toBe(r.base.bytes);
  });

  it('a 1 GiB tensor (zeros([268435456])) works', () => {
    expect(r.sumZ).toBe(0);
  });
});

describe('the js backend, in a child process', () => {
  let run: ChildRun;
  let r: any;
  beforeAll(async () => {
    run = await runChild(`
      await wg.init({ backend: 'js' });
      const r = { base: wg.memory() };
      const a = wg.full([${N}], 1);
      const b = wg.tidy(() => a.mul(2));
      r.total = wg.memory();
      const item = (fn) => wg.tidy(() => fn().item());
      r.sumA = item(() => a.sum());
      r.sumB = item(() => b.sum());
      r.rowMin = -item(() => b.reshape([375000, 1000]).sum(1).neg().max());
      wg.dispose([a, b]);
      r.end = wg.memory();
      console.log(JSON.stringify(r));
    `, { timeoutMs: 50_000 });
    r = run.json;
    console.log(`[big tensors] js: ${Math.round(run.ms)} ms, largest total ${r?.total?.bytes} bytes`);
  }, 60_000);

  it('1.5 GB float32 tensors are made, combined and summed', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(r.total.bytes).toBe(r.base.bytes + 3 * GB);
    expect(r.sumA).toBe(N);
    expect(r.sumB).toBe(2 * N);
    expect(r.rowMin).toBe(2000);
    expect(r.end.bytes).toBe(r.base.bytes);
  });
});

// wasm: 4 GiB, refused in TypeScript before calling into wasm. js: typed arrays of up to 2^31-1
// elements are attempted (Node allows them), so its limit is the library's element limit.
describe.each(['wasm', 'js'] as const)('more than the %s backend can ever hold', (backend) => {
  useInit();

  it.each(DTYPES)('is refused before allocating (%s), naming op, shape, dtype and the limit; then work goes on', (dtype) => {
    wg.setBackend(backend);
    const before = wg.memory();
    const shape = backend === 'wasm' ? [2 ** 32 / (dtype === 'float64' ? 8 : 4)] : [2 ** 31];
    let err: unknown = null;
    try {
      wg.zeros(shape, { dtype });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(backend === 'wasm' ? wg.OutOfMemoryError : wg.WasmgradError);
    const m = (err as Error).message;
    expect(m).toMatch(/^zeros: /);
    if (backend === 'wasm') {
      expect(m).toContain(`${dtype} tensor of shape [${shape.join(',')}]`);
      expect(m).toContain(`${2 ** 32} bytes`);
      expect(m).toContain('more than wasm32 linear memory can ever hold, which is at most 4096 MiB (4 GiB)');
    } else {
      expect(m).toContain(`shape [${2 ** 31}]`);
      expect(m).toContain('more than the 2^31-1 supported');
    }
    expect(wg.memory()).toEqual(before);
    const t = wg.tensor([1, 2, 3], { dtype });
    expect(wg.tidy(() => t.mul(2).sum().item())).toBe(12);
    t.dispose();
  });
});
