// Option checks shared by the optimizers, schedules and clipping: a bad option is a
// WasmgradError naming the optimizer, the option and the value.

import { WasmgradError, checkOptions } from '../errors.js';
import { Tensor } from '../tensor.js';

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Tensor) return `Tensor ${v.shapeString}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return String(v);
  return typeof v;
}

/** Rejects option names the optimizer does not know (a typo such as weight_decay fails loudly). */
export const checkOptionNames = checkOptions;

export interface Range {
  /** Lower bound, inclusive unless minExclusive. */
  min?: number;
  minExclusive?: boolean;
  /** Upper bound, exclusive unless maxInclusive. */
  max?: number;
  maxInclusive?: boolean;
  integer?: boolean;
}

function rangeText(r: Range): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${r.minExclusive ? '>' : '>='} ${r.min}`);
  if (r.max !== undefined) parts.push(`${r.maxInclusive ? '<=' : '<'} ${r.max}`);
  return `a finite ${r.integer ? 'integer' : 'number'}${parts.length ? ' ' + parts.join(' and ') : ''}`;
}

/** A finite number within `r` (the default when `v` is undefined), or a WasmgradError naming the option. */
export function checkNumber(name: string, key: string, v: unknown, fallback: number | undefined, r: Range): number {
  if (v === undefined) {
    if (fallback === undefined) throw new WasmgradError(`${name}: ${key} is required`);
    v = fallback;
  }
  const ok = typeof v === 'number' && Number.isFinite(v)
    && (!r.integer || Number.isInteger(v))
    && (r.min === undefined || (r.minExclusive ? v > r.min : v >= r.min))
    && (r.max === undefined || (r.maxInclusive ? v <= r.max : v < r.max));
  if (!ok) throw new WasmgradError(`${name}: ${key} must be ${rangeText(r)}, got ${describe(v)}`);
  return v as number;
}

export function checkBoolean(name: string, key: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new WasmgradError(`${name}: ${key} must be true or false, got ${describe(v)}`);
  return v;
}
