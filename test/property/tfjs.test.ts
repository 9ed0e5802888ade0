// Property: wasmgrad matches TensorFlow.js. Random programs restricted to nothing — every op
// has a tf.js counterpart or composition (tfjs-engine.ts) — run in tf.js (cpu backend, float32,
// gradients by tf.valueAndGrads) and in wasmgrad on the wasm backend in float32 and float64;
// values and every input gradient must agree to float32 tolerance. The conventions match on
// the data used: ties and kinks are moved away by the generator (tf.max gives a tied gradient
// to every maximal element, wasmgrad to the first), and reducing over an empty axis list is the
// identity in both.
//
// Runs are deterministic: the base seed is fixed (printed at the end; WASMGRAD_PROPERTY_SEED=<n>
// changes it), and a failure prints the shrunk program as a listing plus fast-check's seed and path.
// More programs: WASMGRAD_PROPERTY_RUNS=20000 npx vitest run test/property

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as wg from '../../src/index.js';
import { PROPERTY_SEED, buildProgram, expectSame, fcParams, opCounts, programArb, repair, runWasmgrad } from './programs.js';
import { initTf, runTf, tfComparable, tfMemory } from './tfjs-engine.js';

const TOL = { rtol: 1e-4, atol: 1e-5 };

let programs = 0;
let skipped = 0;
const ops = new Map<string, number>();

describe('property: wasmgrad matches TensorFlow.js', () => {
  beforeAll(async () => {
    await wg.init();
    await initTf();
  });

  afterAll(() => {
    console.log(`[property tfjs] seed ${PROPERTY_SEED}: ${programs} programs checked against tf.js (cpu) in float32 and float64 (${skipped} skipped: an op without tf.js counterpart, or a size-0 node); ` +
      `ops: ${JSON.stringify(Object.fromEntries([...ops].sort()))}`);
  });

  it('values and every input gradient match tf.js', () => {
    const before = wg.memory().tensors;
    const tfBefore = tfMemory();
    fc.assert(fc.property(programArb(), (spec) => {
      const prog = buildProgram(spec);
      repair(prog);
      // programs with an op without tf.js counterpart, or a size-0 node, are not compared
      if (!tfComparable(prog)) { skipped++; return; }
      opCounts(prog, ops);
      const t = runTf(prog);
      expectSame(prog, 'wasmgrad float64 (wasm) vs tf.js', runWasmgrad(prog, 'wasm', 'float64'), t, TOL);
      expectSame(prog, 'wasmgrad float32 (wasm) vs tf.js', runWasmgrad(prog, 'wasm', 'float32'), t, TOL);
      programs++;
    }), fcParams(2000, 4));
    expect(wg.memory().tensors).toBe(before);
    expect(tfMemory()).toBe(tfBefore);
  }, 120_000);
});
