// The op catalog (test/catalog/ops.ts) is complete and each entry is honoured: every op the
// public API exports has an entry (a new op without one fails here, naming it); every entry
// names a real export (and method); every entry's fixed cases agree between the wasm and js
// backends; entries marked secondOrder pass gradcheck of their gradient (createGraph).

import { describe, expect, it } from 'vitest';
import * as wg from '../src/index.js';
import { OP_CATALOG } from './catalog/ops.js';
import { caseData, caseInputs, fixedCases } from './catalog/cases.js';
import { expectClose, forEachBackend, nest, randomFlat } from './helpers.js';

/** Functions exported by src/index.ts that are not ops (tensor in → tensor out), and why. */
const NOT_OPS: Record<string, string> = {
  init: 'setup', setBackend: 'setup', getBackend: 'setup', wasmSimdSupported: 'setup', setThreads: 'setup',
  getThreads: 'setup', shutdown: 'setup', wasmVariant: 'setup', threadStats: 'setup', manualSeed: 'setup',
  Tensor: 'class', tensor: 'creation', zeros: 'creation', ones: 'creation', full: 'creation', randn: 'creation',
  rand: 'creation', arange: 'creation', eye: 'creation',
  noGrad: 'autograd helper', isGradEnabled: 'autograd helper', grad: 'autograd helper', valueAndGrad: 'autograd helper',
  gradcheck: 'autograd helper', defineGate: 'autograd helper',
  tidy: 'memory', dispose: 'memory', keep: 'memory', memory: 'memory',
  WasmgradError: 'error class', ShapeError: 'error class', DTypeError: 'error class', DisposedError: 'error class',
  BackendError: 'error class', OutOfMemoryError: 'error class',
  toDot: 'visualisation', save: 'io', load: 'io', saveTensors: 'io', loadTensors: 'io',
  saveCheckpoint: 'io', loadCheckpoint: 'io', readIdx: 'io',
};

const exportedFunctions = Object.entries(wg).filter(([, v]) => typeof v === 'function').map(([k]) => k);

describe('op catalog coverage', () => {
  it('every op exported by src/index.ts has a catalog entry', () => {
    const names = new Set(OP_CATALOG.map((e) => e.name));
    const missing = exportedFunctions.filter((k) => !(k in NOT_OPS) && !names.has(k));
    expect(missing, `exported ops without an entry in test/catalog/ops.ts (or add them to NOT_OPS): ${missing.join(', ')}`)
      .toEqual([]);
  });

  it('every catalog entry names an exported function, and a Tensor method when marked so', () => {
    const bad: string[] = [];
    for (const e of OP_CATALOG) {
      if (typeof (wg as any)[e.name] !== 'function') bad.push(`${e.name}: not exported`);
      if (e.method && typeof (wg.Tensor.prototype as any)[e.name] !== 'function') bad.push(`${e.name}: no Tensor method`);
      if (e.name in NOT_OPS) bad.push(`${e.name}: also listed as not an op`);
    }
    expect(bad).toEqual([]);
    expect(new Set(OP_CATALOG.map((e) => e.name)).size).toBe(OP_CATALOG.length);
  });

  it('the exclusion list names only real exports', () => {
    expect(Object.keys(NOT_OPS).filter((k) => !exportedFunctions.includes(k))).toEqual([]);
  });

  it('every entry yields gradcheck cases, and elementwise entries say how to draw them in programs', () => {
    for (const e of OP_CATALOG) {
      expect(fixedCases(e).length, e.name).toBeGreaterThan(0);
      if (e.family === 'unary' || e.family === 'binary') expect(typeof e.ref, `${e.name}: ref`).toBe('function');
      expect(Array.isArray(e.domain) ? e.domain.length : e.arity, `${e.name}: a domain per input`).toBe(e.arity);
    }
  });
});

const ALL = OP_CATALOG.flatMap((e) => fixedCases(e).map((c) => ({ c, name: c.name })));

describe('every catalog case agrees between the wasm and js backends', () => {
  it.each(ALL)('$name', async ({ c }) => {
    await wg.init();
    const data = caseData(c, 3);
    const run = (backend: 'wasm' | 'js', dtype: 'float32' | 'float64') => {
      wg.setBackend(backend);
      return wg.tidy(() => {
        const xs = caseInputs(c, dtype, true, data);
        const y = c.f(...xs);
        const w = wg.tensor(nest(randomFlat(y.size, 11, -1, 1).map(Math.fround), y.shape as number[]), { dtype });
        y.mul(w).sum().backward();
        return { y: y.toArray(), grads: xs.map((x) => x.grad!.toArray()) };
      });
    };
    const before = wg.memory().tensors;
    for (const [dtype, tol] of [['float64', { rtol: 1e-10, atol: 1e-12 }], ['float32', { rtol: 1e-4, atol: 1e-5 }]] as const) {
      const w = run('wasm', dtype);
      const j = run('js', dtype);
      expectClose(w.y, j.y, tol);
      j.grads.forEach((g, i) => expectClose(w.grads[i], g, tol));
    }
    expect(wg.memory().tensors).toBe(before);
  });
});

const SECOND_ORDER = OP_CATALOG.filter((e) => e.secondOrder).map((e) => ({ c: fixedCases(e)[0], name: e.name }));
const GC = { eps: 1e-6, atol: 1e-7, rtol: 1e-6 };

forEachBackend('second order: gradcheck of the gradient (createGraph) of each entry', () => {
  it.each(SECOND_ORDER)('$name', ({ c }) => {
    const xs = caseInputs(c, 'float64', true);
    const shape = wg.tidy(() => wg.noGrad(() => c.f(...xs)).shape.slice());
    const w = wg.tensor(nest(randomFlat(shape.reduce((p, d) => p * d, 1), 13, -1, 1), shape), { dtype: 'float64' });
    // Σᵢ sum(gᵢ·xᵢ) with g the gradient of sum(f(x)·w): its derivative needs the gradient's own
    // derivative (also for ops linear in x, whose second derivative is 0)
    const g = (...ys: any[]) => {
      const grads = wg.grad((...zs: any[]) => c.f(...zs).mul(w).sum())(...ys);
      return grads.map((gi: any, i: number) => gi.mul(ys[i]).sum()).reduce((acc: any, t: any) => acc.add(t));
    };
    const res = wg.gradcheck(g, xs, GC);
    expect(res.ok, JSON.stringify({ maxAbsError: res.maxAbsError, maxRelError: res.maxRelError })).toBe(true);
  });
});
