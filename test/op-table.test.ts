// The op table (src/backend/opcodes.ts) is the one source of op codes and thread-task layouts:
// the generated assembly/opcodes.ts is up to date, every op code of every family has a kernel
// on both backends (single-thread and threaded wasm paths agree with js), an unknown code
// fails instead of silently doing nothing, every op has a thread threshold, and every task has
// a chunk function in assembly/threads.ts.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as table from '../src/backend/opcodes.js';
import { OP_FAMILIES, TASKS, type OpFamily } from '../src/backend/opcodes.js';
import type { Backend, DType, Storage } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import {
  WasmBackend, createWasmBackend, opThreshold, parThresholds, type ParThresholds,
} from '../src/backend/wasm/index.js';
// @ts-expect-error: a plain .mjs script without types
import { renderOpcodes } from '../scripts/gen-opcodes.mjs';

const ROOT = new URL('..', import.meta.url);
const FAMILIES = Object.keys(OP_FAMILIES) as OpFamily[];
const N = 37; // a SIMD body and a scalar tail

let single: WasmBackend;
let threaded: WasmBackend;
let saved: ParThresholds;
beforeAll(async () => {
  single = await createWasmBackend({ variant: 'baseline' });
  threaded = await createWasmBackend({ variant: 'threads', threads: 2 });
  saved = parThresholds({ cheap: 0, medium: 0, costly: 0, reduce: 0 });
});
afterAll(() => {
  parThresholds(saved);
  threaded.closeThreads();
});

/** Inputs in (0.25, 2.25): every op is finite there (log, sqrt, pow, reciprocal). */
function input(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => 0.25 + ((i * 7919 + seed * 104729) % 1000) / 500);
}

/** Runs op `code` of `family` on backend b and returns the output. */
function runOp(b: Backend, family: OpFamily, code: number, dtype: DType): number[] {
  const a = b.alloc(dtype, N), c = b.alloc(dtype, N), out = b.alloc(dtype, family === 'Reduce' ? 1 : N);
  b.write(a, input(N, 1));
  b.write(c, input(N, 2));
  const used: Storage[] = [a, c, out];
  try {
    switch (family) {
      case 'Unary': b.unary(code as never, out, a); break;
      case 'UnaryGrad': b.unaryGrad(code as never, out, a, c); break;
      case 'Binary': b.binary(code as never, out, a, c, [N], [1], [1]); break;
      case 'Reduce': b.reduce(code as never, out, a, 1, N, 1); break;
    }
    return Array.from(b.read(out));
  } finally {
    for (const s of used) b.free(s);
  }
}

describe('op table', () => {
  it('assembly/opcodes.ts is what scripts/gen-opcodes.mjs writes from src/backend/opcodes.ts', () => {
    const committed = readFileSync(new URL('assembly/opcodes.ts', ROOT), 'utf8');
    expect(committed).toBe(renderOpcodes(table));
  });

  it('op codes are unique and dense within each family, task codes unique', () => {
    for (const family of FAMILIES) {
      const codes = Object.values(OP_FAMILIES[family]).map((o) => o.code).sort((x, y) => x - y);
      expect(codes).toEqual(codes.map((_, i) => i));
    }
    const tasks = Object.values(TASKS).map((t) => t.code);
    expect(new Set(tasks).size).toBe(tasks.length);
  });

  it('every task of the table has a chunk function in assembly/threads.ts', () => {
    const threads = readFileSync(new URL('assembly/threads.ts', ROOT), 'utf8');
    for (const name of Object.keys(TASKS)) expect(threads).toMatch(new RegExp(`case Task\\.${name}: \\w+Chunk\\(`));
  });

  it('every op code has a thread threshold, an unknown code has none', () => {
    for (const family of FAMILIES) {
      const specs = Object.values(OP_FAMILIES[family]);
      for (const spec of specs) expect(opThreshold(family, spec.code)).toBeTypeOf('number');
      expect(opThreshold(family, specs.length)).toBeUndefined();
    }
  });

  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    for (const family of FAMILIES) {
      for (const [name, spec] of Object.entries(OP_FAMILIES[family])) {
        it(`${family}.${name} has a kernel on both backends, single-thread and threaded, that agree`, () => {
          const expected = runOp(jsBackend, family, spec.code, dtype);
          expect(expected.every(Number.isFinite)).toBe(true);
          const tol = dtype === 'float32' ? 1e-5 : 1e-12;
          for (const b of [single, threaded]) {
            const got = runOp(b, family, spec.code, dtype);
            got.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[i]))));
          }
        });
      }
    }
  });

  it.each(FAMILIES)('an unknown %s op code throws on both backends (a missing kernel cannot pass silently)', (family) => {
    const unknown = Object.keys(OP_FAMILIES[family]).length;
    for (const b of [jsBackend, single, threaded]) {
      const before = b.liveAllocations().count;
      expect(() => runOp(b, family, unknown, 'float32'), `${b.name} ${family} ${unknown}`).toThrow();
      expect(b.liveAllocations().count).toBe(before);
      expect(runOp(b, family, 0, 'float32').length).toBeGreaterThan(0); // still works
    }
  });
});
