// Argument checking and geometry of the convolution ops (conv.ts): every bad argument is an error
// naming the op and the offending shapes or values, raised before anything is allocated. The
// result is one ConvGeom (backend.ts) plus the shapes the three convolution gates produce, so
// 1-d and unbatched inputs run on the 2-d kernels without copies (a [C, L] storage is laid out
// as [1, C, 1, L]).

import type { ConvGeom } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { checkFloat } from '../autograd/tape.js';
import { BackendError, DTypeError, ShapeError, checkOptions, describeValue, fmtShape, fmtValue } from '../errors.js';
import { requireTensor } from './util.js';

/** What the three gates of one convolution need: the geometry and the shapes they return. */
export interface ConvAttrs {
  readonly g: ConvGeom;
  /** Shape of the convolution's input (the adjoint in x returns it). */
  readonly xShape: readonly number[];
  /** Shape of the weight (the adjoint in w returns it). */
  readonly wShape: readonly number[];
  /** Shape of the convolution's output. */
  readonly yShape: readonly number[];
}

/** Options of `conv1d` / `conv2d` (PyTorch's keyword arguments). */
export interface ConvOptions {
  /** Step between output positions: a number or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /**
   * Zero padding on both sides: a number, one per spatial dim, `'valid'` (0) or `'same'` (the
   * output keeps the input's size; stride 1 only; an odd total puts the extra on the right/bottom).
   */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Spacing between kernel taps: a number or one per spatial dim (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups: input and output channels split into `groups` independent convolutions (default 1). */
  groups?: number;
}

/** Options of `convTranspose1d` / `convTranspose2d` (PyTorch's keyword arguments). */
export interface ConvTransposeOptions {
  /** Stride of the convolution this is the adjoint of (default 1). */
  stride?: number | readonly number[];
  /** Zero padding of the convolution this is the adjoint of: the output loses this many from each side (default 0). */
  padding?: number | readonly number[];
  /** Extra size added to one side (bottom/right) of the output; smaller than stride or dilation (default 0). */
  outputPadding?: number | readonly number[];
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
}

/** One integer per spatial dim (1 or 2) from a number or an array of them, each >= min. */
export function spatial(op: string, what: string, v: unknown, dims: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : Array.isArray(v) ? v.slice() : null;
  const kind = min === 0 ? 'non-negative' : 'positive';
  if (list === null || list.length !== dims) {
    throw new ShapeError(`${op}: ${what} must be a ${kind} integer or ${dims === 1 ? 'an array of one' : 'a pair of them'}, got ${describeValue(v)}`);
  }
  for (const n of list) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      throw new ShapeError(`${op}: ${what} must be ${kind} integers, got ${fmtValue(v)}`);
    }
  }
  return list as number[];
}

function groupsOf(op: string, v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ShapeError(`${op}: groups must be a positive integer, got ${describeValue(v)}`);
  return v;
}

/** The tensors of a convolution call: live, float, one dtype and one backend; bias a Tensor or absent. */
function checkTensors(op: string, x: unknown, w: unknown, b: unknown): [Tensor, Tensor, Tensor | null] {
  const xt = requireTensor(op, x, 'input');
  const wt = requireTensor(op, w, 'weight');
  let bt: Tensor | null = null;
  if (b !== undefined && b !== null) bt = requireTensor(op, b, 'bias');
  const all = bt === null ? [xt, wt] : [xt, wt, bt];
  const names = ['input', 'weight', 'bias'];
  all.forEach((t, i) => checkFloat(op, t, names[i]));
  for (let i = 1; i < all.length; i++) {
    if (all[i].dtype !== xt.dtype) {
      throw new DTypeError(`${op}: dtypes differ: input ${xt.dtype} ${xt.shapeString} and ${names[i]} ${all[i].dtype} ${all[i].shapeString} (use astype)`);
    }
    if (all[i].backendName !== xt.backendName) {
      throw new BackendError(`${op}: backends differ: input on ${xt.backendName} and ${names[i]} on ${all[i].backendName} (use to(backend))`);
    }
  }
  return [xt, wt, bt];
}

/** The input's rank: dims + 2 (batched) or dims + 1 (unbatched); the weight's: dims + 2. */
function checkRanks(op: string, x: Tensor, w: Tensor, dims: number, wLayout: string): boolean {
  const names = dims === 1 ? ['[N, C, L]', '[C, L]'] : ['[N, C, H, W]', '[C, H, W]'];
  if (x.ndim !== dims + 2 && x.ndim !== dims + 1) {
    throw new ShapeError(`${op}: input must be ${dims + 2}-d ${names[0]} or ${dims + 1}-d ${names[1]} (unbatched), got ${x.shapeString}`);
  }
  if (w.ndim !== dims + 2) throw new ShapeError(`${op}: weight must be ${dims + 2}-d ${wLayout}, got ${w.shapeString}`);
  const batched = x.ndim === dims + 2;
  const inner = batched ? x.shape.slice(1) : x.shape;
  if (inner.some((s) => s === 0)) {
    throw new ShapeError(`${op}: input ${x.shapeString} has a zero-size non-batch dimension (only the batch may be empty)`);
  }
  if (w.shape.slice(1).some((s) => s === 0)) throw new ShapeError(`${op}: weight ${w.shapeString} has a zero-size dimension`);
  return batched;
}

function checkBias(op: string, b: Tensor | null, channels: number, w: Tensor): void {
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== channels)) {
    throw new ShapeError(`${op}: bias must have shape [${channels}] (one per output channel of weight ${w.shapeString}), got ${b.shapeString}`);
  }
}

/** [N, C, H, W] of an input of any accepted rank (1-d: H = 1; unbatched: N = 1). */
function nchw(x: Tensor, dims: number, batched: boolean): [number, number, number, number] {
  const s = batched ? x.shape : [1, ...x.shape];
  return dims === 1 ? [s[0], s[1], 1, s[2]] : [s[0], s[1], s[2], s[3]];
}

/** A spatial shape as the op's rank shows it ([L] for 1-d, [H, W] for 2-d). */
const shown = (dims: number, h: number, w: number): number[] => (dims === 1 ? [w] : [h, w]);

/** Checks a conv1d/conv2d call and returns its tensors and the gates' attributes. */
export function convArgs(op: string, dims: number, x: unknown, w: unknown, b: unknown, options: unknown):
  { x: Tensor; w: Tensor; b: Tensor | null; at: ConvAttrs } {
  const opts = checkOptions(op, options, ['stride', 'padding', 'dilation', 'groups']);
  const [xt, wt, bt] = checkTensors(op, x, w, b);
  const wLayout = dims === 1 ? '[O, C/groups, k]' : '[O, C/groups, kH, kW]';
  const batched = checkRanks(op, xt, wt, dims, wLayout);
  const stride = spatial(op, 'stride', opts.stride ?? 1, dims, 1);
  const dilation = spatial(op, 'dilation', opts.dilation ?? 1, dims, 1);
  const groups = groupsOf(op, opts.groups);
  const [N, C, H, W] = nchw(xt, dims, batched);
  const O = wt.shape[0];
  const [KH, KW] = dims === 1 ? [1, wt.shape[2]] : [wt.shape[2], wt.shape[3]];
  if (C % groups !== 0 || O % groups !== 0) {
    throw new ShapeError(`${op}: groups ${groups} must divide the input channels (${C}, input ${xt.shapeString}) and the output channels (${O}, weight ${wt.shapeString})`);
  }
  if (wt.shape[1] * groups !== C) {
    throw new ShapeError(`${op}: input ${xt.shapeString} has ${C} channels but weight ${wt.shapeString} with groups ${groups} expects ${wt.shape[1] * groups} (weight.shape[1] · groups)`);
  }
  checkBias(op, bt, O, wt);
  const [sH, sW] = dims === 1 ? [1, stride[0]] : stride;
  const [dH, dW] = dims === 1 ? [1, dilation[0]] : dilation;
  // PyTorch's 'same': total padding d·(k−1) per dim, the odd one out on the bottom/right, which
  // the geometry expresses as the top/left pad plus an output size equal to the input's.
  const p = opts.padding ?? 0;
  let padH: number, padW: number, OH: number, OW: number;
  if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ShapeError(`${op}: padding 'same' needs stride 1, got stride ${fmtValue(opts.stride)}`);
    padH = Math.floor((dH * (KH - 1)) / 2); padW = Math.floor((dW * (KW - 1)) / 2);
    OH = H; OW = W;
  } else {
    let pads: number[];
    if (p === 'valid') pads = new Array<number>(dims).fill(0);
    else if (typeof p === 'string') throw new ShapeError(`${op}: padding must be a number, ${dims === 1 ? 'an array of one' : 'a pair'}, 'same' or 'valid', got ${fmtValue(p)}`);
    else pads = spatial(op, 'padding', p, dims, 0);
    [padH, padW] = dims === 1 ? [0, pads[0]] : pads;
    const effH = dH * (KH - 1) + 1, effW = dW * (KW - 1) + 1;
    if (H + 2 * padH < effH || W + 2 * padW < effW) {
      throw new ShapeError(`${op}: kernel ${fmtShape(shown(dims, KH, KW))} (dilated ${fmtShape(shown(dims, effH, effW))}) is larger than the padded input `
        + `${fmtShape(shown(dims, H + 2 * padH, W + 2 * padW))} (input ${xt.shapeString}, padding ${fmtValue(p)})`);
    }
    OH = Math.floor((H + 2 * padH - effH) / sH) + 1;
    OW = Math.floor((W + 2 * padW - effW) / sW) + 1;
  }
  const g: ConvGeom = { N, C, H, W, O, KH, KW, OH, OW, strideH: sH, strideW: sW, padH, padW, dilationH: dH, dilationW: dW, groups };
  const lead = batched ? [N] : [];
  const yShape = [...lead, O, ...shown(dims, OH, OW)];
  return { x: xt, w: wt, b: bt, at: { g, xShape: xt.shape.slice(), wShape: wt.shape.slice(), yShape } };
}

/**
 * Checks a convTranspose1d/2d call. The transposed convolution is the adjoint in x of the
 * convolution from its output back to its input, so its attributes describe that convolution:
 * conv input = the transposed output [N, Cout, Ht, Wt], conv output = the given x.
 */
export function convTransposeArgs(op: string, dims: number, x: unknown, w: unknown, b: unknown, options: unknown):
  { x: Tensor; w: Tensor; b: Tensor | null; at: ConvAttrs } {
  const opts = checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'groups', 'dilation']);
  const [xt, wt, bt] = checkTensors(op, x, w, b);
  const wLayout = dims === 1 ? '[Cin, Cout/groups, k]' : '[Cin, Cout/groups, kH, kW]';
  const batched = checkRanks(op, xt, wt, dims, wLayout);
  if (typeof opts.padding === 'string') {
    throw new ShapeError(`${op}: padding must be a number or ${dims === 1 ? 'an array of one' : 'a pair'} (no 'same'/'valid' for transposed convolution), got ${fmtValue(opts.padding)}`);
  }
  const stride = spatial(op, 'stride', opts.stride ?? 1, dims, 1);
  const padding = spatial(op, 'padding', opts.padding ?? 0, dims, 0);
  const outPad = spatial(op, 'outputPadding', opts.outputPadding ?? 0, dims, 0);
  const dilation = spatial(op, 'dilation', opts.dilation ?? 1, dims, 1);
  const groups = groupsOf(op, opts.groups);
  for (let i = 0; i < dims; i++) {
    if (outPad[i] >= stride[i] && outPad[i] >= dilation[i]) {
      throw new ShapeError(`${op}: outputPadding ${fmtValue(opts.outputPadding)} must be smaller than either stride ${fmtValue(opts.stride ?? 1)} or dilation ${fmtValue(opts.dilation ?? 1)}`);
    }
  }
  const [N, Cin, H, W] = nchw(xt, dims, batched);
  if (wt.shape[0] !== Cin) {
    throw new ShapeError(`${op}: input ${xt.shapeString} has ${Cin} channels but weight ${wt.shapeString} expects ${wt.shape[0]} (weight.shape[0])`);
  }
  if (Cin % groups !== 0) throw new ShapeError(`${op}: groups ${groups} must divide the input channels (${Cin}, input ${xt.shapeString})`);
  const Cout = wt.shape[1] * groups;
  checkBias(op, bt, Cout, wt);
  const [KH, KW] = dims === 1 ? [1, wt.shape[2]] : [wt.shape[2], wt.shape[3]];
  const [sH, sW] = dims === 1 ? [1, stride[0]] : stride;
  const [pH, pW] = dims === 1 ? [0, padding[0]] : padding;
  const [oH, oW] = dims === 1 ? [0, outPad[0]] : outPad;
  const [dH, dW] = dims === 1 ? [1, dilation[0]] : dilation;
  const Ht = (H - 1) * sH - 2 * pH + dH * (KH - 1) + oH + 1;
  const Wt = (W - 1) * sW - 2 * pW + dW * (KW - 1) + oW + 1;
  if (Ht < 1 || Wt < 1) {
    throw new ShapeError(`${op}: the output size ${fmtShape(shown(dims, Ht, Wt))} is not positive (input ${xt.shapeString}, weight ${wt.shapeString}, `
      + `stride ${fmtValue(opts.stride ?? 1)}, padding ${fmtValue(opts.padding ?? 0)})`);
  }
  const g: ConvGeom = {
    N, C: Cout, H: Ht, W: Wt, O: Cin, KH, KW, OH: H, OW: W,
    strideH: sH, strideW: sW, padH: pH, padW: pW, dilationH: dH, dilationW: dW, groups,
  };
  const lead = batched ? [N] : [];
  const outShape = [...lead, Cout, ...shown(dims, Ht, Wt)];
  return { x: xt, w: wt, b: bt, at: { g, xShape: outShape, wShape: wt.shape.slice(), yShape: xt.shape.slice() } };
}

/** Bias reshaped to broadcast over the output: [O, 1] (1-d) or [O, 1, 1] (2-d). */
export function biasShape(b: Tensor, dims: number): number[] {
  return [b.shape[0], ...new Array<number>(dims).fill(1)];
}
