// Arguments of the pooling ops (src/ops/pool.ts), checked as PyTorch checks them, before
// anything is allocated: kernel sizes, strides, paddings and dilations (a number or a pair for
// 2-d), the input's rank, the output size (PyTorch's pooling_output_shape, with ceilMode), and
// adaptive output sizes. Every error is a ShapeError or WasmgradError naming the op and values.

import type { PoolGeom } from '../backend/backend.js';
import { ShapeError, WasmgradError, describeValue, fmtShape, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A size argument of a 2-d op: one integer for both dimensions, or [h, w] (PyTorch also takes [n]). */
export type Size2 = number | readonly [number, number] | readonly [number];

/**
 * An integer argument (or one per spatial dimension) as `dims` integers, each at least `min`.
 * A single number stands for every dimension; an array must have 1 or `dims` entries.
 */
export function intArg(op: string, what: string, v: unknown, dims: 1 | 2, min: number): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]) : null;
  if (list === null || (list.length !== 1 && list.length !== dims)) {
    throw new WasmgradError(`${op}: ${what} must be an integer${dims === 2 ? ' or a pair of integers' : ''}, got ${describeValue(v)}`);
  }
  for (const e of list) {
    if (typeof e !== 'number' || !Number.isInteger(e)) {
      throw new WasmgradError(`${op}: ${what} must be ${list.length === 2 ? 'integers' : 'an integer'}, got ${fmtValue(v)}`);
    }
    if (e < min) {
      throw new WasmgradError(`${op}: ${what} must be ${min === 0 ? 'non-negative' : 'positive'}, got ${fmtValue(v)}`);
    }
  }
  return list.length === dims ? (list as number[]) : Array.from({ length: dims }, () => list[0] as number);
}

/** A boolean option (undefined: the default). */
export function boolArg(op: string, what: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new WasmgradError(`${op}: ${what} must be true or false, got ${describeValue(v)}`);
  return v;
}

/**
 * The input of a pooling op with `dims` spatial dimensions: [N, C, ...spatial] or unbatched
 * [C, ...spatial], every non-batch dimension non-zero. Returns the number of planes (N·C or C).
 */
export function poolInput(op: string, x: Tensor, dims: 1 | 2): number {
  const r = x.ndim;
  if (r !== dims + 1 && r !== dims + 2) {
    throw new ShapeError(`${op}: expected a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got shape ${fmtShape(x.shape)}`);
  }
  for (let i = r === dims + 2 ? 1 : 0; i < r; i++) {
    if (x.shape[i] === 0) {
      throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} has size 0 in non-batch dimension ${i} (only the batch dimension may be empty)`);
    }
  }
  return x.shape.slice(0, r - dims).reduce((a, b) => a * b, 1);
}

/**
 * PyTorch's pooling output size along one dimension: floor (or ceil with ceilMode) of
 * (size + 2·pad - dilation·(k-1) - 1) / stride + 1, where with ceilMode the last window must
 * start inside the input or its left padding.
 */
export function pooledSize(size: number, k: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** The checks every fixed-window pooling op shares; returns the output sizes per dimension. */
export function windowGeometry(op: string, x: Tensor, sizes: number[], k: number[], s: number[], p: number[], d: number[],
  ceilMode: boolean): number[] {
  for (let i = 0; i < sizes.length; i++) {
    if (p[i] > k[i] / 2) {
      throw new WasmgradError(`${op}: padding ${fmtValue(p.length === 1 ? p[0] : p)} must be at most half the kernel size ${fmtValue(k.length === 1 ? k[0] : k)}`);
    }
  }
  const out = sizes.map((n, i) => pooledSize(n, k[i], s[i], p[i], d[i], ceilMode));
  if (out.some((o) => o < 1)) {
    throw new ShapeError(`${op}: output size ${fmtShape(out)} is too small for input ${fmtShape(x.shape)} (kernel ${fmtShape(k)}, `
      + `stride ${fmtShape(s)}, padding ${fmtShape(p)}, dilation ${fmtShape(d)}): every output size must be at least 1`);
  }
  return out;
}

/**
 * Max pooling needs an input element in every window: with a dilation wider than the input a
 * window can hold only padding, where PyTorch returns -inf with an index outside the input.
 */
export function checkWindowsHit(op: string, x: Tensor, sizes: number[], out: number[], k: number[], s: number[], p: number[], d: number[]): void {
  for (let i = 0; i < sizes.length; i++) {
    for (let o = 0; o < out[i]; o++) {
      let hit = false;
      for (let t = 0; t < k[i] && !hit; t++) {
        const at = o * s[i] - p[i] + t * d[i];
        hit = at >= 0 && at < sizes[i];
      }
      if (!hit) {
        throw new ShapeError(`${op}: the window of output ${o} in spatial dimension ${i} covers only padding `
          + `(input ${fmtShape(x.shape)}, kernel ${fmtShape(k)}, padding ${fmtShape(p)}, dilation ${fmtShape(d)})`);
      }
    }
  }
}

/** An adaptive output size: one entry per spatial dimension, a non-negative integer or null (keep the input's size). */
export function adaptiveSize(op: string, outputSize: unknown, sizes: number[]): number[] {
  const dims = sizes.length;
  const list = typeof outputSize === 'number' || outputSize === null ? [outputSize]
    : Array.isArray(outputSize) ? (outputSize as unknown[]) : undefined;
  if (list === undefined || (list.length !== 1 && list.length !== dims)) {
    throw new WasmgradError(`${op}: outputSize must be ${dims === 2 ? 'an integer, null or a pair of them' : 'an integer'}, got ${describeValue(outputSize)}`);
  }
  return sizes.map((n, i) => {
    const v = list.length === 1 ? list[0] : list[i];
    if (v === null && dims === 2) return n;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new WasmgradError(`${op}: outputSize must hold non-negative integers${dims === 2 ? ' or null' : ''}, got ${fmtValue(outputSize)}`);
    }
    return v;
  });
}

/** A PoolGeom with defaults for the fields a pooling op does not use. */
export function geom(planes: number, sizes: number[], out: number[], k: number[], s: number[], p: number[], d: number[],
  avg: Partial<Pick<PoolGeom, 'countIncludePad' | 'divisor' | 'adaptive'>> = {}): PoolGeom {
  const two = sizes.length === 2; // a 1-d op runs as 2-d with H = KH = OH = 1
  const h = (a: number[], one: number) => (two ? a[0] : one), w = (a: number[]) => a[a.length - 1];
  return {
    planes, H: h(sizes, 1), W: w(sizes), OH: h(out, 1), OW: w(out), KH: h(k, 1), KW: w(k),
    strideH: h(s, 1), strideW: w(s), padH: h(p, 0), padW: w(p), dilationH: h(d, 1), dilationW: w(d),
    countIncludePad: avg.countIncludePad ?? true, divisor: avg.divisor ?? 0, adaptive: avg.adaptive ?? false,
  };
}
