// Property: the wasm and js backends agree. Random op programs (every op of SPEC.md, random
// shapes with broadcasting in every position, size-1 dims and 0-d tensors) give the same value
// and the same gradient for every input on both backends, in float64 (to ~1e-12) and float32
// (to float32 rounding: the SIMD kernels sum in a different order). Two more properties run
// programs over shapes with size-0 dimensions and over 5-D/6-D shapes.
//
// Runs are deterministic: the base seed is fixed (printed at the end; WASMGRAD_PROPERTY_SEED=<n>
// changes it), and a failure prints the shrunk program as a listing plus fast-check's seed and path.
// More programs: WASMGRAD_PROPERTY_RUNS=20000 npx vitest run test/property

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wg from '../../src/index.js';
import {
  PROPERTY_SEED, buildProgram, expectSame, fcParams, opCounts, programArb, repair, runWasmgrad,
} from './programs.js';

const TOL = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

const counts = { programs: 0, empty: 0, highRank: 0 };
const ops = new Map<string, number>();

describe('property: wasm and js backends agree', () => {
  beforeAll(async () => {
    await wg.init();
  });

  afterAll(() => {
    console.log(`[property backends] seed ${PROPERTY_SEED}: ${counts.programs} programs (+ ${counts.empty} with size-0 dims, + ${counts.highRank} of rank 5-6) ` +
      `checked wasm vs js in float32 and float64; ops: ${JSON.stringify(Object.fromEntries([...ops].sort()))}`);
  });

  it('values and every input gradient agree on random programs', () => {
    const before = wg.memory().tensors;
    fc.assert(fc.property(programArb(), (spec) => {
      const prog = buildProgram(spec);
      repair(prog);
      opCounts(prog, ops);
      for (const dtype of ['float64', 'float32'] as const) {
        const w = runWasmgrad(prog, 'wasm', dtype);
        const j = runWasmgrad(prog, 'js', dtype);
        expectSame(prog, `wasm vs js (${dtype})`, w, j, TOL[dtype]);
      }
      counts.programs++;
    }), fcParams(2000, 1));
    expect(wg.memory().tensors).toBe(before);
  }, 120_000);

  it('programs over shapes with size-0 dimensions agree too', () => {
    const before = wg.memory().tensors;
    fc.assert(fc.property(programArb({ dims: fc.integer({ min: 0, max: 3 }), maxOps: 6 }), (spec) => {
      const prog = buildProgram(spec);
      repair(prog);
      for (const dtype of ['float64', 'float32'] as const) {
        const w = runWasmgrad(prog, 'wasm', dtype);
        const j = runWasmgrad(prog, 'js', dtype);
        expectSame(prog, `wasm vs js (${dtype})`, w, j, TOL[dtype]);
      }
      counts.empty++;
    }), fcParams(500, 2));
    expect(wg.memory().tensors).toBe(before);
  }, 120_000);

  it('programs over 5-D and 6-D shapes agree too (the wasm kernels loop over dims beyond 4 in TypeScript)', () => {
    const before = wg.memory().tensors;
    fc.assert(fc.property(programArb({ dims: fc.integer({ min: 1, max: 3 }), maxRank: 6 }), (spec) => {
      const prog = buildProgram(spec);
      repair(prog);
      opCounts(prog, ops);
      for (const dtype of ['float64', 'float32'] as const) {
        const w = runWasmgrad(prog, 'wasm', dtype);
        const j = runWasmgrad(prog, 'js', dtype);
        expectSame(prog, `wasm vs js (${dtype})`, w, j, TOL[dtype]);
      }
      counts.highRank++;
    }), fcParams(1000, 5));
    expect(wg.memory().tensors).toBe(before);
  }, 120_000);
});
