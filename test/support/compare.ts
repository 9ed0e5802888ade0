// Closeness checks and small assertion helpers for tests.

import { expect } from 'vitest';
import type { Tol } from './matrix.js';

type Nested = number | ArrayLike<number> | Nested[];

function isTensorLike(x: unknown): x is { toArray(): unknown } {
  return typeof x === 'object' && x !== null && typeof (x as any).toArray === 'function';
}

/** Flattens nested arrays / typed arrays / numbers / tensors and returns [shape, flat values]. */
export function flatten(x: unknown): { shape: number[]; data: number[] } {
  if (isTensorLike(x)) x = x.toArray();
  if (typeof x === 'number') return { shape: [], data: [x] };
  if (ArrayBuffer.isView(x)) {
    const a = Array.from(x as unknown as ArrayLike<number>);
    return { shape: [a.length], data: a };
  }
  if (Array.isArray(x)) {
    if (x.length === 0) return { shape: [0], data: [] };
    const parts = x.map(flatten);
    const inner = parts[0].shape;
    for (const p of parts) {
      if (p.shape.join(',') !== inner.join(',')) throw new Error(`flatten: ragged value ${JSON.stringify(x)}`);
    }
    return { shape: [x.length, ...inner], data: parts.flatMap((p) => p.data) };
  }
  throw new Error(`flatten: not numeric data: ${String(x)}`);
}

/**
 * Asserts that `actual` and `expected` (numbers, nested arrays, typed arrays or tensors) have the
 * same shape and |a - e| <= atol + rtol * |e| elementwise (NaN equals NaN, ±Infinity must match).
 * Typed arrays compare as flat data against flattened nested expectations.
 */
export function expectClose(actual: unknown, expected: unknown, tol: Tol = {}): void {
  const rtol = tol.rtol ?? 1e-6;
  const atol = tol.atol ?? 1e-8;
  const a = flatten(actual);
  const e = flatten(expected);
  const flatCompare = ArrayBuffer.isView(actual) || ArrayBuffer.isView(expected);
  if (!flatCompare) {
    expect(a.shape, 'shape').toEqual(e.shape);
  }
  expect(a.data.length, 'number of elements').toBe(e.data.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i];
    const y = e.data[i];
    if (Number.isNaN(y)) {
      if (!Number.isNaN(x)) { worst = i; break; }
      continue;
    }
    if (!Number.isFinite(y)) {
      if (x !== y) { worst = i; break; }
      continue;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    const x = a.data[worst];
    const y = e.data[worst];
    expect.fail(
      `values differ at flat index ${worst}: actual ${x}, expected ${y} ` +
      `(|diff| ${Math.abs(x - y)}, rtol ${rtol}, atol ${atol}); ` +
      `actual ${JSON.stringify(a.data.slice(0, 12))}…, expected ${JSON.stringify(e.data.slice(0, 12))}…`,
    );
  }
}

/** A tensor's value as a number, or a number as itself. */
export function num(x: unknown): number {
  if (typeof x === 'number') return x;
  return (x as { item(): number }).item();
}

/** The error thrown by fn (the test fails if nothing is thrown). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  expect.fail('expected the call to throw');
}

/** Normalises a message for matching: whitespace removed (so "[2, 3]" matches "[2,3]"). */
export function squash(msg: string): string {
  return msg.replace(/\s+/g, '');
}
