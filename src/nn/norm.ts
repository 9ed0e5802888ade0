// Normalisation layers with PyTorch's names, buffers and defaults: BatchNorm1d, BatchNorm2d,
// GroupNorm, LayerNorm. Parameters `weight` (ones) and `bias` (zeros); batch norm's buffers
// `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (an int32 scalar here,
// int64 in PyTorch: save() writes it as I64 and load() reads either).

import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { ShapeError, WasmgradError, checkOptions, describeValue, fmtValue } from '../errors.js';
import { ones, tensor, zeros } from '../ops/creation.js';
import { batchNorm, groupNorm, layerNorm } from '../ops/norm.js';
import { Module } from './module.js';

/** Options of BatchNorm1d and BatchNorm2d (PyTorch's keyword arguments). */
export interface BatchNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null: a cumulative average over the batches seen. */
  momentum?: number | null;
  /** Learn weight and bias (default true). */
  affine?: boolean;
  /** Keep running_mean/running_var and use them in eval mode (default true); false: batch statistics always. */
  trackRunningStats?: boolean;
  /** The parameters' and buffers' dtype (default 'float32'). */
  dtype?: DType;
}

function checkDtype(op: string, dtype: unknown): 'float32' | 'float64' {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new WasmgradError(`${op}: dtype must be 'float32' or 'float64', got ${fmtValue(d)}`);
  return d;
}
function checkBool(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new WasmgradError(`${op}: ${name} must be a boolean, got ${describeValue(v)}`);
  return v;
}
function checkEps(op: string, v: unknown): number {
  if (v === undefined) return 1e-5;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new WasmgradError(`${op}: eps must be a finite number >= 0, got ${describeValue(v)}`);
  return v;
}
function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new WasmgradError(`${op}: ${name} must be a positive integer, got ${describeValue(v)}`);
  return v;
}

/** The shared body of BatchNorm1d and BatchNorm2d (PyTorch's `_BatchNorm`). */
abstract class BatchNormBase extends Module {
  /** The scale γ [numFeatures] (ones); null with `affine: false`. */
  readonly weight: Tensor | null;
  /** The shift β [numFeatures] (zeros); null with `affine: false`. */
  readonly bias: Tensor | null;
  /** The running mean [numFeatures] (zeros); null with `trackRunningStats: false`. */
  running_mean: Tensor | null;
  /** The running (unbiased) variance [numFeatures] (ones); null with `trackRunningStats: false`. */
  running_var: Tensor | null;
  /** Training batches seen (an int32 scalar); null with `trackRunningStats: false`. */
  num_batches_tracked: Tensor | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Weight of each batch in the running statistics; null: cumulative average. */
  readonly momentum: number | null;
  /** Whether weight and bias are learned. */
  readonly affine: boolean;
  /** Whether running statistics are kept (and used in eval mode). */
  readonly trackRunningStats: boolean;

  /** C, the channels (dim 1 of the input). */
  readonly numFeatures: number;

  constructor(numFeatures: number, opts: BatchNormModuleOptions, private readonly opName: string) {
    super();
    this.numFeatures = positiveInt(opName, 'numFeatures', numFeatures);
    const o = checkOptions(opName, opts, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    this.eps = checkEps(opName, o.eps);
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    if (momentum !== null && (typeof momentum !== 'number' || !Number.isFinite(momentum))) {
      throw new WasmgradError(`${opName}: momentum must be a finite number or null (cumulative average), got ${describeValue(momentum)}`);
    }
    this.momentum = momentum as number | null;
    this.affine = checkBool(opName, 'affine', o.affine, true);
    this.trackRunningStats = checkBool(opName, 'trackRunningStats', o.trackRunningStats, true);
    const dtype = checkDtype(opName, o.dtype);
    this.weight = this.affine ? this.registerParameter('weight', ones([numFeatures], { dtype })) : this.registerParameter('weight', null);
    this.bias = this.affine ? this.registerParameter('bias', zeros([numFeatures], { dtype })) : this.registerParameter('bias', null);
    const track = this.trackRunningStats;
    this.running_mean = this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.running_var = this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.num_batches_tracked = this.registerBuffer('num_batches_tracked', track ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** A ShapeError unless x has the dimensions this layer takes. */
  protected abstract checkInput(x: Tensor): void;

  /**
   * Normalises x over every dim but 1: with the batch statistics in training mode (updating
   * the running statistics and num_batches_tracked), with the running statistics in eval mode.
   *
   * @example new wg.nn.BatchNorm1d(2).forward(wg.tensor([[1, 2], [3, 6]])).toArray() // [[-1, -1], [1, 1]] (approximately)
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new WasmgradError(`${this.opName}: input must be a Tensor, got ${describeValue(x)}`);
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.opName}: expected ${this.numFeatures} channels (dim 1), got input of shape ${x.shapeString}`);
    }
    let factor = this.momentum ?? 0;
    const nbt = this.num_batches_tracked;
    const useBatch = this.training || this.running_mean === null;
    const update = this.training && this.trackRunningStats;
    if (update && nbt !== null && x.size / this.numFeatures === 1) {
      // PyTorch's check, before anything changes (the counter included)
      throw new ShapeError(`${this.opName}: Expected more than 1 value per channel when training, got input size ${x.shapeString}`);
    }
    if (update && nbt !== null) {
      const n = nbt.item() + 1;
      nbt.backend.fill(nbt.storage, n); // an int32 counter, not an op: no gate, no version bump
      if (this.momentum === null) factor = 1 / n;
    }
    const stats = !this.training || this.trackRunningStats;
    return batchNorm(x, stats ? this.running_mean : null, stats ? this.running_var : null, this.weight, this.bias,
      { training: useBatch, momentum: factor, eps: this.eps });
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] (PyTorch's `nn.BatchNorm1d`): per channel, the
 * batch statistics in training mode (updating the running statistics), the running statistics in
 * eval mode; then the learned `weight` and `bias`.
 */
export class BatchNorm1d extends BatchNormBase {
  /**
   * @param numFeatures C, the channels (dim 1 of the input).
   * @param opts `eps` (1e-5), `momentum` (0.1; null: cumulative average), `affine` (true),
   *   `trackRunningStats` (true), `dtype`.
   * @example new wg.nn.BatchNorm1d(16).running_var!.shape // [16]
   */
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) { super(numFeatures, opts, 'BatchNorm1d'); }
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input of shape ${x.shapeString})`);
  }
}

/**
 * Batch normalisation over [N, C, H, W] (PyTorch's `nn.BatchNorm2d`): per channel over N, H and W.
 */
export class BatchNorm2d extends BatchNormBase {
  /**
   * @param numFeatures C, the channels (dim 1 of the input).
   * @param opts `eps` (1e-5), `momentum` (0.1; null: cumulative average), `affine` (true),
   *   `trackRunningStats` (true), `dtype`.
   * @example new wg.nn.BatchNorm2d(8).weight!.shape // [8]
   */
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) { super(numFeatures, opts, 'BatchNorm2d'); }
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new ShapeError(`BatchNorm2d: expected 4D input (got ${x.ndim}D input of shape ${x.shapeString})`);
  }
}

/** Options of GroupNorm. */
export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn per-channel weight and bias (default true). */
  affine?: boolean;
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

/** Group normalisation (PyTorch's `nn.GroupNorm`): each sample's channels in numGroups groups, each normalised over its channels and positions. */
export class GroupNorm extends Module {
  /** The scale [numChannels] (ones); null with `affine: false`. */
  readonly weight: Tensor | null;
  /** The shift [numChannels] (zeros); null with `affine: false`. */
  readonly bias: Tensor | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Whether weight and bias are learned. */
  readonly affine: boolean;

  /**
   * A WasmgradError unless numGroups divides numChannels.
   *
   * @param numGroups Groups the channels are split into.
   * @param numChannels C, the channels (dim 1 of the input).
   * @param opts `eps` (1e-5), `affine` (true), `dtype`.
   * @example new wg.nn.GroupNorm(2, 6).weight!.shape // [6]
   */
  constructor(readonly numGroups: number, readonly numChannels: number, opts: GroupNormOptions = {}) {
    super();
    positiveInt('GroupNorm', 'numGroups', numGroups);
    positiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new WasmgradError(`GroupNorm: numChannels must be divisible by numGroups, got numChannels=${numChannels} and numGroups=${numGroups}`);
    }
    const o = checkOptions('GroupNorm', opts, ['eps', 'affine', 'dtype']);
    this.eps = checkEps('GroupNorm', o.eps);
    this.affine = checkBool('GroupNorm', 'affine', o.affine, true);
    const dtype = checkDtype('GroupNorm', o.dtype);
    this.weight = this.affine ? this.registerParameter('weight', ones([numChannels], { dtype })) : this.registerParameter('weight', null);
    this.bias = this.affine ? this.registerParameter('bias', zeros([numChannels], { dtype })) : this.registerParameter('bias', null);
  }

  /**
   * x [N, C, *] normalised per (sample, group), then scaled and shifted per channel.
   *
   * @example new wg.nn.GroupNorm(1, 2).forward(wg.tensor([[1, 3]])).toArray() // [[-1, 1]] (approximately)
   */
  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}

/** Options of LayerNorm. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn weight (and bias) of shape normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** Learn the bias too (default true; only with elementwiseAffine). */
  bias?: boolean;
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

/** Layer normalisation (PyTorch's `nn.LayerNorm`) over the trailing dims `normalizedShape`. */
export class LayerNorm extends Module {
  /** The trailing dims normalised over. */
  readonly normalizedShape: readonly number[];
  /** The scale (ones, shape normalizedShape); null without elementwiseAffine. */
  readonly weight: Tensor | null;
  /** The shift (zeros, shape normalizedShape); null without elementwiseAffine or with `bias: false`. */
  readonly bias: Tensor | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Whether weight (and bias) are learned. */
  readonly elementwiseAffine: boolean;

  /**
   * @param normalizedShape The trailing dims (a number or an array of positive integers).
   * @param opts `eps` (1e-5), `elementwiseAffine` (true), `bias` (true), `dtype`.
   * @example new wg.nn.LayerNorm(128).weight!.shape // [128]
   */
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(ns) || ns.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
      throw new WasmgradError(`LayerNorm: normalizedShape must be a positive integer or an array of them, got ${fmtValue(normalizedShape)}`);
    }
    this.normalizedShape = [...ns];
    const o = checkOptions('LayerNorm', opts, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    this.eps = checkEps('LayerNorm', o.eps);
    this.elementwiseAffine = checkBool('LayerNorm', 'elementwiseAffine', o.elementwiseAffine, true);
    const withBias = checkBool('LayerNorm', 'bias', o.bias, true);
    const dtype = checkDtype('LayerNorm', o.dtype);
    const affine = this.elementwiseAffine;
    this.weight = affine ? this.registerParameter('weight', ones(this.normalizedShape, { dtype })) : this.registerParameter('weight', null);
    this.bias = affine && withBias ? this.registerParameter('bias', zeros(this.normalizedShape, { dtype })) : this.registerParameter('bias', null);
  }

  /**
   * x [*, ...normalizedShape] normalised over its trailing dims, then scaled and shifted.
   *
   * @example new wg.nn.LayerNorm(2).forward(wg.tensor([[1, 3]])).toArray() // [[-1, 1]] (approximately)
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new WasmgradError(`LayerNorm: input must be a Tensor, got ${describeValue(x)}`);
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}
