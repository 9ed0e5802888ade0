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

/**
 * Runs f, expecting a WasmgradError whose message matches every pattern, with memory() (tensors
 * and bytes) as it was before.
 */
export function expectOpError(f: () => unknown, ...patterns: RegExp[]): void {
  const before = wg.memory();
  let err: unknown = null;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(wg.WasmgradError);
  for (const p of patterns) expect((err as Error).message).toMatch(p);
  const after = wg.memory();
  expect(after.tensors).toBe(before.tensors);
  expect(after.bytes).toBe(before.bytes);
}
