// Elementwise kernels of the js backend. The kernel tables are keyed by the op names of the op
// table (src/backend/opcodes.ts), so an op without a kernel here fails to compile.

import {
  BINARY_OPS, Binary, UNARY_GRAD_OPS, UNARY_OPS, Unary, UnaryGrad,
} from '../opcodes.js';
import type { Storage } from '../backend.js';
import { collapseDims, forEachIndex, sizeOf } from '../strides.js';
import { WasmgradError } from '../../errors.js';
import { JsStorage, arr } from './storage.js';
import { erf } from './erf.js';

function sigmoid(x: number): number {
  // Stable on both sides: exp of a non-positive number only.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** torch.round: to the nearest integer, ties to even (Math.round sends ties up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The name of each code of an op family, for the kernel tables below. */
function namesByCode<T extends Record<string, { code: number }>>(table: T): (keyof T)[] {
  const names: (keyof T)[] = [];
  for (const name of Object.keys(table) as (keyof T)[]) names[table[name].code] = name;
  return names;
}

const UNARY_KERNELS: { readonly [K in keyof typeof UNARY_OPS]: (x: number) => number } = {
  Neg: (x) => -x,
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Abs: Math.abs,
  Tanh: Math.tanh,
  Sigmoid: sigmoid,
  Relu: (x) => (x <= 0 ? 0 : x), // NaN stays NaN, as PyTorch
  Step: (x) => (x > 0 ? 1 : 0),
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  Square: (x) => x * x,
  Reciprocal: (x) => 1 / x,
  Sin: Math.sin,
  Cos: Math.cos,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Rsqrt: (x) => 1 / Math.sqrt(x),
  Log1p: Math.log1p,
  Expm1: Math.expm1,
  Erf: erf,
  LogSigmoid: (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  Tan: Math.tan,
};
const UNARY_NAMES = namesByCode(UNARY_OPS);

const BINARY_KERNELS: { readonly [K in keyof typeof BINARY_OPS]: (a: number, b: number) => number } = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: Math.pow,
  Maximum: (a, b) => (a !== a || b !== b ? NaN : a >= b ? a : b),
  Minimum: (a, b) => (a !== a || b !== b ? NaN : a <= b ? a : b),
  GreaterEqual: (a, b) => (a >= b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  LessEqual: (a, b) => (a <= b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  Equal: (a, b) => (a === b ? 1 : 0),
  NotEqual: (a, b) => (a !== b ? 1 : 0),
};
const BINARY_NAMES = namesByCode(BINARY_OPS);

type Gate = (o: Float32Array | Float64Array, s: Float32Array | Float64Array, g: Float32Array | Float64Array, n: number) => void;
const UNARY_GRAD_KERNELS: { readonly [K in keyof typeof UNARY_GRAD_OPS]: Gate } = {
  Sigmoid: (o, s, g, n) => { for (let i = 0; i < n; i++) o[i] = g[i] * s[i] * (1 - s[i]); },
  Tanh: (o, s, g, n) => { for (let i = 0; i < n; i++) o[i] = g[i] * (1 - s[i] * s[i]); },
  Relu: (o, s, g, n) => { for (let i = 0; i < n; i++) o[i] = s[i] <= 0 ? 0 : g[i]; },
  Abs: (o, s, g, n) => {
    for (let i = 0; i < n; i++) o[i] = s[i] > 0 ? g[i] : s[i] < 0 ? -g[i] : s[i] === 0 ? 0 : NaN;
  },
};
const UNARY_GRAD_NAMES = namesByCode(UNARY_GRAD_OPS);

/** The kernel of an op code, or a WasmgradError naming the op family and the code. */
function kernelOf<F>(family: string, names: readonly PropertyKey[], kernels: Readonly<Record<PropertyKey, F>>, op: number): F {
  const name = names[op];
  if (name === undefined) throw new WasmgradError(`${family}: unknown op code ${op}`);
  return kernels[name];
}

export function unary(op: Unary, out: Storage, a: Storage): void {
  const o = arr(out), x = arr(a), n = out.size;
  const f = kernelOf('unary', UNARY_NAMES, UNARY_KERNELS, op);
  for (let i = 0; i < n; i++) o[i] = f(x[i]);
}

export function unaryGrad(op: UnaryGrad, out: Storage, saved: Storage, dy: Storage): void {
  kernelOf('unaryGrad', UNARY_GRAD_NAMES, UNARY_GRAD_KERNELS, op)(arr(out), arr(saved), arr(dy), out.size);
}

export function binary(op: Binary, out: Storage, a: Storage, b: Storage, shape: readonly number[],
  aStrides: readonly number[], bStrides: readonly number[]): void {
  const f = kernelOf('binary', BINARY_NAMES, BINARY_KERNELS, op);
  if (out.size === 0) return;
  const o = arr(out), x = arr(a), y = arr(b);
  const c = collapseDims(shape, [aStrides, bStrides]);
  const dims = c.shape, nd = dims.length;
  if (nd === 0) { o[0] = f(x[0], y[0]); return; }
  const inner = dims[nd - 1], ai = c.strides[0][nd - 1], bi = c.strides[1][nd - 1];
  forEachIndex(dims, c.strides, nd - 1, (offsets, row) => {
    let ia = offsets[0], ib = offsets[1], po = row * inner;
    for (let j = 0; j < inner; j++, ia += ai, ib += bi) o[po++] = f(x[ia], y[ib]);
  });
}

export function copyStrided(out: Storage, a: Storage, shape: readonly number[], strides: readonly number[], offset: number): void {
  if (out.size === 0) return;
  const o = (out as JsStorage).arr, x = (a as JsStorage).arr;
  const c = collapseDims(shape, [strides]);
  const dims = c.shape, nd = dims.length;
  if (nd === 0) { o[0] = x[offset]; return; }
  const inner = dims[nd - 1], si = c.strides[0][nd - 1];
  forEachIndex(dims, c.strides, nd - 1, (offsets, row) => {
    let ia = offset + offsets[0], po = row * inner;
    for (let j = 0; j < inner; j++, ia += si) o[po++] = x[ia];
  });
}

export function copyInto(out: Storage, outOffset: number, outStrides: readonly number[], a: Storage, aOffset: number,
  aStrides: readonly number[], shape: readonly number[]): void {
  if (sizeOf(shape) === 0) return;
  const o = (out as JsStorage).arr, x = (a as JsStorage).arr;
  const c = collapseDims(shape, [outStrides, aStrides]);
  const dims = c.shape, nd = dims.length;
  if (nd === 0) { o[outOffset] = x[aOffset]; return; }
  const inner = dims[nd - 1], so = c.strides[0][nd - 1], sa = c.strides[1][nd - 1];
  forEachIndex(dims, c.strides, nd - 1, (offsets) => {
    let po = outOffset + offsets[0], ia = aOffset + offsets[1];
    for (let j = 0; j < inner; j++, po += so, ia += sa) o[po] = x[ia];
  });
}

export function addInPlace(dst: Storage, src: Storage): void {
  const d = arr(dst), s = arr(src), n = dst.size;
  for (let i = 0; i < n; i++) d[i] += s[i];
}
