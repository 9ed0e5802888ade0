// Property: every op passes wg.gradcheck in float64 over random shapes — size-0 and size-1
// dimensions, 0-d tensors, broadcasting in every position (either operand, any axis, leading
// dims), every axis form of the reductions, 1-D/2-D/batched matmul — on both backends, at
// { eps: 1e-6, atol: 1e-8, rtol: 1e-6 } (gradcheck's 4-point centred stencil). The cases come
// from the op catalog (test/catalog/): input values from each entry's domain (positive for
// log/sqrt/pow bases, away from kinks and poles), interleaved grids where operands may tie
// (maximum/minimum), distinct values where reduced elements may tie (max).
//
// Runs are deterministic (fixed base seed, printed at the end; WASMGRAD_PROPERTY_SEED=<n> changes it);
// a failure prints the shrunk case with fast-check's seed and path.
// More cases: WASMGRAD_PROPERTY_RUNS=N runs N/20 cases per op (default 25).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { OP_CATALOG, type OpEntry, type PropCase } from '../catalog/ops.js';
import { propertyCases } from '../catalog/cases.js';
import { sample } from '../catalog/domains.js';
import { PROPERTY_RUNS, PROPERTY_SEED, sizeOf } from './programs.js';

const GC = { eps: 1e-6, atol: 1e-8, rtol: 1e-6 };
const RUNS_PER_OP = PROPERTY_RUNS !== undefined ? Math.max(1, Math.ceil(PROPERTY_RUNS / 20)) : 25;

/** The random-shape cases of every catalog entry, by name. */
const OPS: Record<string, { entry: OpEntry; arb: fc.Arbitrary<PropCase> }> = {};
for (const entry of OP_CATALOG) {
  for (const [name, arb] of propertyCases(entry)) OPS[name] = { entry, arb };
}

const counts = new Map<string, number>();
let total = 0;

describe.each(['wasm', 'js'] as const)('property: gradcheck of every op in float64 [%s]', (backend) => {
  beforeAll(async () => {
    await wg.init();
    wg.setBackend(backend);
  });

  afterAll(() => {
    if (backend === 'js') {
      console.log(`[property gradcheck] seed ${PROPERTY_SEED}: ${total} gradchecks (${RUNS_PER_OP} random cases per op and backend) ` +
        `over ${[...counts.keys()].filter((k) => !k.startsWith('#')).length} op forms; size-0 cases ${counts.get('#empty') ?? 0}, 0-d cases ${counts.get('#0d') ?? 0}`);
    }
  });

  it.each(Object.keys(OPS).map((name, i) => ({ name, i })))('$name', ({ name, i }) => {
    wg.setBackend(backend);
    const before = wg.memory().tensors;
    const { entry, arb } = OPS[name];
    fc.assert(fc.property(arb, fc.nat(), (c, seed) => {
      // flat data with opts.shape: nested arrays cannot express dims after a 0 ([1,0,2])
      const xs = c.shapes.map((s, k) => wg.tensor(sample(c.samplings[k], sizeOf(s), seed + 101 * k),
        { dtype: 'float64', shape: s, requiresGrad: true }));
      try {
        if (entry.emptyThrows) {
          const x = xs[0];
          // an empty reduction with a non-empty result has no identity (max): a WasmgradError
          let threw: unknown = null;
          try { wg.tidy(() => { c.f(x); }); } catch (e) { threw = e; }
          if (threw !== null) {
            expect(threw, String(threw)).toBeInstanceOf(wg.WasmgradError);
            expect(x.size).toBe(0);
            return;
          }
        }
        const res = wg.gradcheck(c.f, xs, GC);
        if (!res.ok) {
          throw new Error(`${c.label}: gradcheck failed ${JSON.stringify(res)}`);
        }
        expect(res.inputs).toHaveLength(xs.length);
        total++;
        counts.set(name, (counts.get(name) ?? 0) + 1);
        if (c.shapes.some((s) => sizeOf(s) === 0)) counts.set('#empty', (counts.get('#empty') ?? 0) + 1);
        if (c.shapes.some((s) => s.length === 0)) counts.set('#0d', (counts.get('#0d') ?? 0) + 1);
      } finally {
        for (const x of xs) x.dispose();
      }
    }), { seed: (PROPERTY_SEED + 1000 * i + (backend === 'js' ? 7 : 0)) | 0, numRuns: RUNS_PER_OP });
    expect(wg.memory().tensors).toBe(before);
  }, 60_000);
});
