// Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, with PyTorch's
// constructor arguments, parameter names and shapes (`weight` [out, in/groups, ...k] for a
// convolution, [in, out/groups, ...k] for a transposed one; `bias` [out]) and default
// initialisation, so their state dicts load into PyTorch with strict=True.

import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { ShapeError, WasmgradError, checkOptions, fmtShape, fmtValue } from '../errors.js';
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../ops/conv.js';
import { spatial } from '../ops/conv_args.js';
import { pad } from '../ops/slice.js';
import type { PadMode } from '../ops/pad_modes.js';
import { isGradEnabled } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';
import { Module } from './module.js';
import { uniformInit } from './init.js';

/** Options of `Conv1d` / `Conv2d` (PyTorch's keyword arguments, camelCase). */
export interface ConvLayerOptions {
  /** Step between output positions, a number or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /** Zero padding: a number, one per spatial dim, `'valid'` or `'same'` (stride 1 only). Default 0. */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups; must divide both channel counts (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /**
   * What the padding holds: `'zeros'` (the default), or the input reflected, replicated or
   * wrapped around (`'reflect'`, `'replicate'`, `'circular'`: the input is padded by `pad` in that
   * mode, then convolved unpadded, as PyTorch does).
   */
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

/** Options of `ConvTranspose1d` / `ConvTranspose2d` (PyTorch's keyword arguments, camelCase). */
export interface ConvTransposeLayerOptions {
  /** Stride (default 1). */
  stride?: number | readonly number[];
  /** Trimmed from each side of the output (default 0). */
  padding?: number | readonly number[];
  /** Added to the bottom/right of the output; smaller than stride or dilation (default 0). */
  outputPadding?: number | readonly number[];
  /** Channel groups; must divide both channel counts (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Spacing between kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Only `'zeros'` (PyTorch's default) is supported. */
  paddingMode?: 'zeros';
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

function positive(op: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new WasmgradError(`${op}: ${what} must be a positive integer, got ${fmtValue(v)}`);
  return v;
}

/** What every convolution layer checks and stores; `transposed` swaps the weight's first two dims. */
abstract class ConvBase extends Module {
  /** The weight: `[out, in/groups, ...kernelSize]`, or `[in, out/groups, ...kernelSize]` when transposed. */
  readonly weight: Tensor;
  /** The bias, shape `[outChannels]`; null with `{ bias: false }`. */
  readonly bias: Tensor | null;
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Stride per spatial dim. */
  readonly stride: number[];
  /** Dilation per spatial dim. */
  readonly dilation: number[];
  /** Channel groups. */
  readonly groups: number;
  /** Padding per side, or 'same'/'valid' (convolutions only). */
  readonly padding: number[] | 'same' | 'valid';
  /** Extra output size at the bottom/right (transposed layers; zeros for convolutions, as PyTorch's). */
  readonly outputPadding: number[];
  /** What the padding holds: 'zeros', or (convolutions only) 'reflect', 'replicate', 'circular'. */
  readonly paddingMode: 'zeros' | 'reflect' | 'replicate' | 'circular';

  constructor(op: string, dims: number, transposed: boolean, inChannels: number, outChannels: number,
    kernelSize: number | readonly number[], opts: Record<string, unknown>) {
    super();
    this.inChannels = positive(op, 'inChannels', inChannels);
    this.outChannels = positive(op, 'outChannels', outChannels);
    this.kernelSize = spatial(op, 'kernelSize', kernelSize, dims, 1);
    this.stride = spatial(op, 'stride', opts.stride ?? 1, dims, 1);
    this.dilation = spatial(op, 'dilation', opts.dilation ?? 1, dims, 1);
    this.groups = positive(op, 'groups', opts.groups ?? 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new ShapeError(`${op}: groups ${this.groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    if (opts.bias !== undefined && typeof opts.bias !== 'boolean') throw new WasmgradError(`${op}: bias must be a boolean, got ${fmtValue(opts.bias)}`);
    const modes = transposed ? ['zeros'] : ['zeros', 'reflect', 'replicate', 'circular'];
    if (opts.paddingMode !== undefined && !modes.includes(opts.paddingMode as string)) {
      throw new WasmgradError(`${op}: paddingMode ${fmtValue(opts.paddingMode)} is not supported (accepted: ${modes.map((m) => `'${m}'`).join(', ')})`);
    }
    this.paddingMode = (opts.paddingMode ?? 'zeros') as ConvBase['paddingMode'];
    if (transposed) [this.padding, this.outputPadding] = transposeArgs(op, dims, opts, this.stride, this.dilation);
    else [this.padding, this.outputPadding] = [convPadding(op, dims, opts.padding, this.stride), new Array<number>(dims).fill(0)];
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new WasmgradError(`${op}: dtype must be 'float32' or 'float64', got ${fmtValue(dtype)}`);
    const [first, second] = transposed ? [inChannels, outChannels / this.groups] : [outChannels, inChannels / this.groups];
    // PyTorch's reset_parameters: kaiming_uniform(a=√5) is U(±1/√fanIn), fanIn = weight.size(1)·k
    const fanIn = second * this.kernelSize.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter('weight', uniformInit([first, second, ...this.kernelSize], bound, dtype as DType));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outChannels], bound, dtype as DType));
  }
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype'];
const CONV_T_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode', 'dtype'];

/** A convolution layer's padding: checked like the op does, 'same' refused with a stride. */
function convPadding(op: string, dims: number, p: unknown, stride: number[]): number[] | 'same' | 'valid' {
  if (p === 'same') {
    if (stride.some((s) => s !== 1)) throw new ShapeError(`${op}: padding 'same' is not supported for strided convolutions (stride ${fmtValue(stride)})`);
    return 'same';
  }
  if (p === 'valid') return 'valid';
  if (typeof p === 'string') throw new ShapeError(`${op}: padding must be a number, ${dims === 1 ? 'an array of one' : 'a pair'}, 'same' or 'valid', got ${fmtValue(p)}`);
  return spatial(op, 'padding', p ?? 0, dims, 0);
}

/** The op options of a layer's convolution of an input it has already padded. */
function unpadded(layer: ConvBase): { stride: number[]; padding: number; dilation: number[]; groups: number } {
  return { stride: layer.stride, padding: 0, dilation: layer.dilation, groups: layer.groups };
}

/**
 * x padded in the layer's paddingMode by its padding (PyTorch's _reversed_padding_repeated_twice:
 * 'same' puts the odd extra at the end), then `conv` of that. The padded copy is freed at once
 * when nothing is recorded; while recording the graph holds it (the weight gradient reads it)
 * and frees it after backward, as with any intermediate.
 */
function withModePadding(layer: ConvBase, x: Tensor, conv: (padded: Tensor) => Tensor): Tensor {
  const op = layer.constructor.name;
  if (!(x instanceof Tensor)) return conv(x); // the op names a bad input
  const dims = layer.kernelSize.length;
  const pads: number[] = [];
  for (let d = dims - 1; d >= 0; d--) {
    if (layer.padding === 'valid') pads.push(0, 0);
    else if (layer.padding === 'same') {
      const total = layer.dilation[d] * (layer.kernelSize[d] - 1);
      pads.push(Math.floor(total / 2), total - Math.floor(total / 2));
    } else pads.push(layer.padding[d], layer.padding[d]);
  }
  if (x.ndim < dims + 1) {
    throw new ShapeError(`${op}: input must be ${dims + 1}-d or ${dims + 2}-d, got shape ${fmtShape(x.shape)}`);
  }
  const run = (): Tensor => conv(pad(x, pads, layer.paddingMode as PadMode));
  const recorded = isGradEnabled() && layer.parameters().concat(x).some((t) => t.requiresGrad);
  return recorded ? run() : tidy(run);
}

/**
 * A 1-d convolution layer (PyTorch's `nn.Conv1d`): `[N, inChannels, L]` (or `[inChannels, L]`)
 * to `[N, outChannels, Lout]`, weight `[outChannels, inChannels/groups, kernelSize]`, bias
 * `[outChannels]`, both initialised U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups · k.
 */
export class Conv1d extends ConvBase {
  /**
   * PyTorch's positional `(inChannels, outChannels, kernelSize)` and keyword options.
   *
   * @param opts `stride`, `padding`, `dilation`, `groups`, `bias` (default true), `paddingMode` ('zeros', 'reflect', 'replicate', 'circular'), `dtype`.
   * @example new wg.nn.Conv1d(4, 8, 3).weight.shape // [8, 4, 3]
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], opts: ConvLayerOptions = {}) {
    const o = checkOptions('Conv1d', opts, CONV_KEYS);
    super('Conv1d', 1, false, inChannels, outChannels, kernelSize, o);
  }

  /**
   * Convolves `x` (see `conv1d`).
   *
   * @example new wg.nn.Conv1d(2, 3, 3, { padding: 1 }).forward(wg.ones([1, 2, 5])).shape // [1, 3, 5]
   */
  forward(x: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') return withModePadding(this, x, (p) => conv1d(p, this.weight, this.bias, unpadded(this)));
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/**
 * A 2-d convolution layer (PyTorch's `nn.Conv2d`): `[N, inChannels, H, W]` (or unbatched) to
 * `[N, outChannels, Hout, Wout]`, weight `[outChannels, inChannels/groups, kH, kW]`, bias
 * `[outChannels]`, both initialised U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups · kH · kW.
 */
export class Conv2d extends ConvBase {
  /**
   * PyTorch's positional `(inChannels, outChannels, kernelSize)` (a number or a pair) and keyword options.
   *
   * @param opts `stride`, `padding`, `dilation`, `groups`, `bias` (default true), `paddingMode` ('zeros', 'reflect', 'replicate', 'circular'), `dtype`.
   * @example new wg.nn.Conv2d(1, 8, 3).weight.shape // [8, 1, 3, 3]
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], opts: ConvLayerOptions = {}) {
    const o = checkOptions('Conv2d', opts, CONV_KEYS);
    super('Conv2d', 2, false, inChannels, outChannels, kernelSize, o);
  }

  /**
   * Convolves `x` (see `conv2d`).
   *
   * @example new wg.nn.Conv2d(1, 4, 3, { padding: 'same' }).forward(wg.ones([2, 1, 5, 5])).shape // [2, 4, 5, 5]
   */
  forward(x: Tensor): Tensor {
    if (this.paddingMode !== 'zeros') return withModePadding(this, x, (p) => conv2d(p, this.weight, this.bias, unpadded(this)));
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** Checks a transposed layer's padding and outputPadding as the op will. */
function transposeArgs(op: string, dims: number, o: Record<string, unknown>, stride: number[], dilation: number[]): [number[], number[]] {
  if (typeof o.padding === 'string') throw new ShapeError(`${op}: padding must be a number or ${dims === 1 ? 'an array of one' : 'a pair'}, got ${fmtValue(o.padding)}`);
  const padding = spatial(op, 'padding', o.padding ?? 0, dims, 0);
  const outputPadding = spatial(op, 'outputPadding', o.outputPadding ?? 0, dims, 0);
  outputPadding.forEach((p, i) => {
    if (p >= stride[i] && p >= dilation[i]) {
      throw new ShapeError(`${op}: outputPadding ${fmtValue(outputPadding)} must be smaller than either stride ${fmtValue(stride)} or dilation ${fmtValue(dilation)}`);
    }
  });
  return [padding, outputPadding];
}

/**
 * The outputPadding that gives a transposed layer's output the spatial size `outputSize` (PyTorch's
 * `_output_padding`): each size between the smallest output the geometry gives and that plus
 * stride − 1; without `outputSize`, the layer's own outputPadding.
 */
function outputPaddingFor(op: string, layer: ConvBase, x: Tensor, outputSize: readonly number[] | undefined): number[] {
  if (outputSize === undefined) return layer.outputPadding;
  const dims = layer.kernelSize.length;
  if (!(x instanceof Tensor)) return layer.outputPadding; // the op names a bad input
  if (!Array.isArray(outputSize) || outputSize.some((v) => !Number.isInteger(v))) {
    throw new WasmgradError(`${op}: outputSize must be an array of integers, got ${fmtValue(outputSize)}`);
  }
  const lead = x.ndim - dims; // the batch and channel dims of x (1 for an unbatched input)
  const sizes = outputSize.length === lead + dims ? outputSize.slice(lead) : outputSize;
  if (sizes.length !== dims || lead < 1) {
    throw new ShapeError(`${op}: outputSize ${fmtValue(outputSize)} must have ${dims} or ${dims + Math.max(lead, 1)} entries for an input of shape ${fmtShape(x.shape)}`);
  }
  const pad = layer.padding as number[];
  const min = sizes.map((_, d) => (x.shape[lead + d] - 1) * layer.stride[d] - 2 * pad[d] + layer.dilation[d] * (layer.kernelSize[d] - 1) + 1);
  const max = min.map((m, d) => m + layer.stride[d] - 1);
  if (sizes.some((v, d) => v < min[d] || v > max[d])) {
    throw new ShapeError(`${op}: requested an output size of ${fmtValue(sizes)}, but valid sizes range from ${fmtValue(min)} to ${fmtValue(max)} (for an input of shape ${fmtShape(x.shape)})`);
  }
  return sizes.map((v, d) => v - min[d]);
}

/**
 * A 1-d transposed convolution layer (PyTorch's `nn.ConvTranspose1d`): weight
 * `[inChannels, outChannels/groups, kernelSize]`, bias `[outChannels]`, both U(−1/√fanIn, 1/√fanIn)
 * with PyTorch's fanIn = outChannels/groups · k.
 */
export class ConvTranspose1d extends ConvBase {
  /**
   * PyTorch's positional `(inChannels, outChannels, kernelSize)` and keyword options.
   *
   * @param opts `stride`, `padding`, `outputPadding`, `groups`, `bias` (default true), `dilation`, `paddingMode` ('zeros'), `dtype`.
   * @example new wg.nn.ConvTranspose1d(4, 2, 3).weight.shape // [4, 2, 3]
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], opts: ConvTransposeLayerOptions = {}) {
    const o = checkOptions('ConvTranspose1d', opts, CONV_T_KEYS);
    super('ConvTranspose1d', 1, true, inChannels, outChannels, kernelSize, o);
  }

  /**
   * Applies the transposed convolution (see `convTranspose1d`). `outputSize` (PyTorch's
   * `output_size`: `[L]`, or with the batch and channel sizes in front) picks the output length
   * among those the stride allows, in place of the layer's `outputPadding`.
   *
   * @example new wg.nn.ConvTranspose1d(2, 1, 2, { stride: 2 }).forward(wg.ones([1, 2, 3])).shape // [1, 1, 6]
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[],
      outputPadding: outputPaddingFor('ConvTranspose1d', this, x, outputSize), groups: this.groups, dilation: this.dilation });
  }
}

/**
 * A 2-d transposed convolution layer (PyTorch's `nn.ConvTranspose2d`): weight
 * `[inChannels, outChannels/groups, kH, kW]`, bias `[outChannels]`, both U(−1/√fanIn, 1/√fanIn)
 * with PyTorch's fanIn = outChannels/groups · kH · kW.
 */
export class ConvTranspose2d extends ConvBase {
  /**
   * PyTorch's positional `(inChannels, outChannels, kernelSize)` (a number or a pair) and keyword options.
   *
   * @param opts `stride`, `padding`, `outputPadding`, `groups`, `bias` (default true), `dilation`, `paddingMode` ('zeros'), `dtype`.
   * @example new wg.nn.ConvTranspose2d(8, 1, 2, { stride: 2 }).weight.shape // [8, 1, 2, 2]
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], opts: ConvTransposeLayerOptions = {}) {
    const o = checkOptions('ConvTranspose2d', opts, CONV_T_KEYS);
    super('ConvTranspose2d', 2, true, inChannels, outChannels, kernelSize, o);
  }

  /**
   * Applies the transposed convolution (see `convTranspose2d`). `outputSize` (PyTorch's
   * `output_size`: `[H, W]`, or with the batch and channel sizes in front, e.g. the input size of
   * the strided Conv2d this layer undoes) picks the output size among those the stride allows,
   * in place of the layer's `outputPadding`.
   *
   * @example new wg.nn.ConvTranspose2d(4, 2, 2, { stride: 2 }).forward(wg.ones([1, 4, 3, 3])).shape // [1, 2, 6, 6]
   * @example new wg.nn.ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1 }).forward(wg.ones([1, 1, 6, 6]), [12, 12]).shape // [1, 1, 12, 12]
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding as number[],
      outputPadding: outputPaddingFor('ConvTranspose2d', this, x, outputSize), groups: this.groups, dilation: this.dilation });
  }
}
