// Property: float32 and float64 agree within float32 tolerance. The same random programs (see
// programs.ts: inputs in [-2, 2], bounded intermediates, positivized denominators and logs,
// inputs moved off kinks) run in both dtypes on both backends; the float32 value and every
// float32 input gradient must match the float64 ones to float32 accuracy. Inputs and weights
// are float32-representable, so both dtypes see the same numbers.
//
// Runs are deterministic: the base seed is fixed (printed at the end; WASMGRAD_PROPERTY_SEED=<n>
// changes it), and a failure prints the shrunk program as a listing plus fast-check's seed and path.
// More programs: WASMGRAD_PROPERTY_RUNS=20000 npx vitest run test/property

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { PROPERTY_SEED, buildProgram, expectSame, fcParams, programArb, repair, runWasmgrad } from './programs.js';

/** float32 against float64: a few hundred float32 roundings through a well-conditioned program. */
const TOL = { rtol: 1e-4, atol: 1e-5 };

let programs = 0;

describe('property: float32 agrees with float64', () => {
  beforeAll(async () => {
    await wg.init();
  });

  afterAll(() => {
    console.log(`[property dtypes] seed ${PROPERTY_SEED}: ${programs} programs checked float32 vs float64 on wasm and js`);
  });

  it('values and every input gradient agree within float32 tolerance', () => {
    const before = wg.memory().tensors;
    fc.assert(fc.property(programArb(), (spec) => {
      const prog = buildProgram(spec);
      repair(prog);
      for (const backend of ['wasm', 'js'] as const) {
        const lo = runWasmgrad(prog, backend, 'float32');
        const hi = runWasmgrad(prog, backend, 'float64');
        expectSame(prog, `float32 vs float64 (${backend})`, lo, hi, TOL);
      }
      programs++;
    }), fcParams(2000, 3));
    expect(wg.memory().tensors).toBe(before);
  }, 120_000);
});
