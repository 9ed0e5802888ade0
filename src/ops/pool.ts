// Pooling (NCHW, PyTorch's semantics): max pooling, average pooling and adaptive average
// pooling, 2-d over [N, C, H, W] or [C, H, W] and 1-d over [N, C, L] or [C, L]. The kernels see
// [planes, H, W] planes (a 1-d op is 2-d with H = 1); arguments are checked in pool_args.ts.
//
// Gradients: max pooling saves the int32 in-plane index of each window's winner; its backward is
// a scatter-add of dy through those indices (overlapping windows accumulate), whose own backward
// is the gather through the same indices, and so on: createGraph differentiates any order. Each
// gate of that chain keeps its own handle on the indices (shareStorage), so they live as long
// as any record that reads them. Average pooling is linear: its backward is its adjoint kernel,
// whose backward is average pooling again.

import type { PoolGeom } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { applyGate, type Gate } from '../autograd/tape.js';
import { WasmgradError, checkOptions, describeValue } from '../errors.js';
import { empty, requireTensor } from './util.js';
import {
  type Size2, adaptiveSize, boolArg, checkWindowsHit, geom, intArg, poolInput, windowGeometry,
} from './pool_args.js';

interface PoolAttrs {
  readonly geom: PoolGeom;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
}
interface IndexedAttrs extends PoolAttrs {
  /** The winners' in-plane indices (int32, outShape). */
  readonly indices: Tensor;
}

// ---- max pooling: forward with indices; scatter-add and gather through them --------------------

/** scatter (dy [outShape] → dx [inShape]) or gather (g [inShape] → [outShape]) through the indices. */
function routeThroughIndices(name: string, scatter: boolean, g: Tensor, at: IndexedAttrs): Tensor {
  const { planes, H, W, OH, OW } = at.geom;
  const out = empty(scatter ? at.inShape : at.outShape, g.dtype, g.backend, name);
  const idx = at.indices.storage;
  if (scatter) g.backend.maxPool2dBackward(out.storage, g.storage, idx, at.geom);
  else g.backend.gather(out.storage, g.storage, idx, planes, OH * OW, 1, H * W, true);
  return out;
}

function maxPoolGate(name: string): Gate<PoolAttrs> {
  // dx = scatter-add of dy to the winners; its gradient gathers from the winners
  const scatterGate: Gate<IndexedAttrs> = {
    name: `${name}Backward`,
    forward(ctx, [dy], at) {
      ctx.save(at.indices.shareStorage());
      return routeThroughIndices(name, true, dy, at);
    },
    backward(ctx, gg) {
      return [ctx.needsInputGrad(0) ? applyGate(gatherGate, [gg], { ...ctx.attrs, indices: ctx.saved[0] }) : null];
    },
  };
  const gatherGate: Gate<IndexedAttrs> = {
    name: `${name}BackwardBackward`,
    forward(ctx, [g], at) {
      ctx.save(at.indices.shareStorage());
      return routeThroughIndices(name, false, g, at);
    },
    backward(ctx, gg) {
      return [ctx.needsInputGrad(0) ? applyGate(scatterGate, [gg], { ...ctx.attrs, indices: ctx.saved[0] }) : null];
    },
  };
  return {
    name,
    forward(ctx, [x], at) {
      const y = empty(at.outShape, x.dtype, x.backend, name);
      const indices = empty(at.outShape, 'int32', x.backend, name);
      x.backend.maxPool2d(y.storage, indices.storage, x.storage, at.geom);
      ctx.save(indices); // without a record, freed as the gate returns
      return y;
    },
    backward(ctx, dy) {
      return [ctx.needsInputGrad(0) ? applyGate(scatterGate, [dy], { ...ctx.attrs, indices: ctx.saved[0] }) : null];
    },
  };
}
const maxPool2dGate = maxPoolGate('maxPool2d');
const maxPool1dGate = maxPoolGate('maxPool1d');

// ---- average pooling: the kernel and its adjoint, each the other's gradient -----------------------

function avgPoolGate(name: string): Gate<PoolAttrs> {
  const adjointGate: Gate<PoolAttrs> = {
    name: `${name}Backward`,
    forward(_ctx, [dy], at) {
      const dx = empty(at.inShape, dy.dtype, dy.backend, name);
      dy.backend.avgPool2dBackward(dx.storage, dy.storage, at.geom);
      return dx;
    },
    backward(ctx, gg) { return [ctx.needsInputGrad(0) ? applyGate(poolGate, [gg], ctx.attrs) : null]; },
  };
  const poolGate: Gate<PoolAttrs> = {
    name,
    forward(_ctx, [x], at) {
      const y = empty(at.outShape, x.dtype, x.backend, name);
      x.backend.avgPool2d(y.storage, x.storage, at.geom);
      return y;
    },
    backward(ctx, dy) { return [ctx.needsInputGrad(0) ? applyGate(adjointGate, [dy], ctx.attrs) : null]; },
  };
  return poolGate;
}
const avgPool2dGate = avgPoolGate('avgPool2d');
const avgPool1dGate = avgPoolGate('avgPool1d');
const adaptiveAvgPool2dGate = avgPoolGate('adaptiveAvgPool2d');
const adaptiveAvgPool1dGate = avgPoolGate('adaptiveAvgPool1d');

// ---- the ops ---------------------------------------------------------------------------------------

/** Options of `maxPool2d` (PyTorch's keyword arguments; sizes are one integer or [h, w]). */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Size2 | null;
  /** Implicit -Infinity padding on each side, at most half the kernel size (default 0). */
  padding?: Size2;
  /** Spacing between the kernel's taps (default 1). */
  dilation?: Size2;
  /** Round the output size up instead of down (default false); the last window still starts inside the input or its left padding. */
  ceilMode?: boolean;
}
/** Options of `maxPool1d`. */
export interface MaxPool1dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | null;
  /** Implicit -Infinity padding on each side, at most half the kernel size (default 0). */
  padding?: number;
  /** Spacing between the kernel's taps (default 1). */
  dilation?: number;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}
/** Options of `avgPool2d`. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Size2 | null;
  /** Implicit zero padding on each side, at most half the kernel size (default 0). */
  padding?: Size2;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this non-zero integer instead of its size (default: none). */
  divisorOverride?: number | null;
}
/** Options of `avgPool1d`. */
export interface AvgPool1dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: number | null;
  /** Implicit zero padding on each side, at most half the kernel size (default 0). */
  padding?: number;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the padding in each window's divisor (default true). */
  countIncludePad?: boolean;
}

const MAX_KEYS = ['stride', 'padding', 'dilation', 'ceilMode'] as const;
const AVG2_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;
const AVG1_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad'] as const;

/** The checked pieces of a fixed-window pooling call. */
function windowCall(op: string, dims: 1 | 2, x: unknown, kernelSize: unknown, opts: unknown, keys: readonly string[], max: boolean) {
  const t = requireTensor(op, x);
  const o = checkOptions(op, opts, keys);
  const k = intArg(op, 'kernelSize', kernelSize, dims, 1);
  const s = o.stride === undefined || o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0)
    ? k : intArg(op, 'stride', o.stride, dims, 1);
  const p = intArg(op, 'padding', o.padding ?? 0, dims, 0);
  const d = max ? intArg(op, 'dilation', o.dilation ?? 1, dims, 1) : k.map(() => 1);
  const ceilMode = boolArg(op, 'ceilMode', o.ceilMode, false);
  const planes = poolInput(op, t, dims);
  const sizes = t.shape.slice(t.ndim - dims);
  const out = windowGeometry(op, t, sizes, k, s, p, d, ceilMode);
  if (max) checkWindowsHit(op, t, sizes, out, k, s, p, d);
  return { t, o, planes, sizes, out, k, s, p, d, outShape: [...t.shape.slice(0, t.ndim - dims), ...out] };
}

function avgOptions(op: string, o: Record<string, unknown>): { countIncludePad: boolean; divisor: number } {
  const countIncludePad = boolArg(op, 'countIncludePad', o.countIncludePad, true);
  const dv = o.divisorOverride;
  if (dv === undefined || dv === null) return { countIncludePad, divisor: 0 };
  if (typeof dv !== 'number' || !Number.isInteger(dv) || dv === 0) {
    throw new WasmgradError(`${op}: divisorOverride must be a non-zero integer, got ${describeValue(dv)}`);
  }
  return { countIncludePad, divisor: dv };
}

/**
 * 2-d max pooling (`torch.nn.functional.max_pool2d`) over `x` [N, C, H, W] or [C, H, W]: each
 * output is the largest element of its window (padding counts as -Infinity). The gradient goes
 * to the window's largest element — on a tie the first in row-major window order; a NaN always
 * wins — and adds up where windows overlap. Sizes are one integer or [h, w].
 *
 * @example wg.maxPool2d(wg.tensor([[[1, 2], [3, 4]]]), 2) // tensor([[[4]]])
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, opts?: MaxPool2dOptions): Tensor {
  const c = windowCall('maxPool2d', 2, x, kernelSize, opts, MAX_KEYS, true);
  return applyGate(maxPool2dGate, [c.t], { geom: geom(c.planes, c.sizes, c.out, c.k, c.s, c.p, c.d), inShape: c.t.shape, outShape: c.outShape });
}

/**
 * 1-d max pooling (`torch.nn.functional.max_pool1d`) over `x` [N, C, L] or [C, L], as `maxPool2d`
 * along the last dimension.
 *
 * @example wg.maxPool1d(wg.tensor([[1, 3, 2, 0]]), 2) // tensor([[3, 2]])
 */
export function maxPool1d(x: Tensor, kernelSize: number, opts?: MaxPool1dOptions): Tensor {
  const c = windowCall('maxPool1d', 1, x, kernelSize, opts, MAX_KEYS, true);
  return applyGate(maxPool1dGate, [c.t], { geom: geom(c.planes, c.sizes, c.out, c.k, c.s, c.p, c.d), inShape: c.t.shape, outShape: c.outShape });
}

/**
 * 2-d average pooling (`torch.nn.functional.avg_pool2d`) over `x` [N, C, H, W] or [C, H, W]:
 * each output is its window's sum divided by the window's size — counting the zero padding
 * (`countIncludePad`, the default; a window is clipped at the padded edge), or only the input
 * elements it covers, or `divisorOverride`.
 *
 * @example wg.avgPool2d(wg.tensor([[[1, 2], [3, 4]]]), 2) // tensor([[[2.5]]])
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, opts?: AvgPool2dOptions): Tensor {
  const c = windowCall('avgPool2d', 2, x, kernelSize, opts, AVG2_KEYS, false);
  const avg = avgOptions('avgPool2d', c.o);
  return applyGate(avgPool2dGate, [c.t], { geom: geom(c.planes, c.sizes, c.out, c.k, c.s, c.p, c.d, avg), inShape: c.t.shape, outShape: c.outShape });
}

/**
 * 1-d average pooling (`torch.nn.functional.avg_pool1d`) over `x` [N, C, L] or [C, L], as
 * `avgPool2d` along the last dimension.
 *
 * @example wg.avgPool1d(wg.tensor([[1, 3, 2, 0]]), 2) // tensor([[2, 1]])
 */
export function avgPool1d(x: Tensor, kernelSize: number, opts?: AvgPool1dOptions): Tensor {
  const c = windowCall('avgPool1d', 1, x, kernelSize, opts, AVG1_KEYS, false);
  const avg = avgOptions('avgPool1d', c.o);
  return applyGate(avgPool1dGate, [c.t], { geom: geom(c.planes, c.sizes, c.out, c.k, c.s, c.p, c.d, avg), inShape: c.t.shape, outShape: c.outShape });
}

function adaptiveCall(op: string, dims: 1 | 2, gate: Gate<PoolAttrs>, x: unknown, outputSize: unknown): Tensor {
  const t = requireTensor(op, x);
  const planes = poolInput(op, t, dims);
  const sizes = t.shape.slice(t.ndim - dims);
  const out = adaptiveSize(op, outputSize, sizes);
  const ones = sizes.map(() => 1), zeros = sizes.map(() => 0);
  const g = geom(planes, sizes, out, ones, ones, zeros, ones, { adaptive: true });
  return applyGate(gate, [t], { geom: g, inShape: t.shape, outShape: [...t.shape.slice(0, t.ndim - dims), ...out] });
}

/**
 * 2-d adaptive average pooling (`torch.nn.functional.adaptive_avg_pool2d`) over `x`
 * [N, C, H, W] or [C, H, W] to `outputSize` (one integer, or [oh, ow] where null keeps the
 * input's size): output i averages rows [floor(i·H/oh), ceil((i+1)·H/oh)), and likewise columns,
 * so windows overlap when the sizes do not divide.
 *
 * @example wg.adaptiveAvgPool2d(wg.tensor([[[1, 2], [3, 4]]]), 1) // tensor([[[2.5]]])
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null] | null): Tensor {
  return adaptiveCall('adaptiveAvgPool2d', 2, adaptiveAvgPool2dGate, x, outputSize);
}

/**
 * 1-d adaptive average pooling (`torch.nn.functional.adaptive_avg_pool1d`) over `x` [N, C, L] or
 * [C, L] to `outputSize` positions, as `adaptiveAvgPool2d` along the last dimension.
 *
 * @example wg.adaptiveAvgPool1d(wg.tensor([[1, 2, 3]]), 2) // tensor([[1.5, 2.5]])
 */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return adaptiveCall('adaptiveAvgPool1d', 1, adaptiveAvgPool1dGate, x, outputSize);
}
