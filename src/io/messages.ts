// Messages for the safetensors readers and writers: every failure names the tensor, the
// offsets and the sizes involved, quoted and cut short so a hostile file cannot flood a log.

import { WasmgradError, fmtShape } from '../errors.js';

export function err(message: string): WasmgradError {
  return new WasmgradError(`safetensors: ${message}`);
}

/** A tensor name or string quoted for a message, cut short if it is long. */
export function q(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** A short, never-throwing description of an arbitrary JSON value. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${q(v, 40)}`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return `an ${typeof v}`;
}

/** A shape for a message; very long ones are cut short. */
export function shp(shape: readonly number[]): string {
  return shape.length <= 16 ? fmtShape(shape) : `[${shape.slice(0, 8).join(',')},… (${shape.length} dims)]`;
}

export function fmtList(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => q(n)).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** A UTF-16 surrogate without its pair: such a string has no UTF-8 form. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
