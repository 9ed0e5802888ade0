// Error assertions shared by the test files: the error is a WasmgradError with the expected
// message, and nothing was left behind.
import { expect } from 'vitest';
import * as wg from '../../src/index.js';

/** Runs f, expecting a WasmgradError whose message matches `pattern`, with no tensor leaked. */
export function expectError(f: () => unknown, pattern: RegExp): void {
  const before = wg.memory().tensors;
  let caught: unknown;
  try { f(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(wg.WasmgradError);
  expect((caught as Error).message).toMatch(pattern);
  expect(wg.memory().tensors).toBe(before);
}
