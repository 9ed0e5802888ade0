// Linear: y = x·Wᵀ + b, with W stored [out, in] as PyTorch does (so weights load both ways).
// The product uses the matmul gate's transpose flag: no transposed copy of W, forward or back.

import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { ShapeError, WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { matmulFlags } from '../ops/matmul.js';
import { add } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { Module } from './module.js';
import { uniformInit } from './init.js';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default 'float32'). */
  dtype?: DType;
}

/**
 * A fully connected layer, `y = x·Wᵀ + b` (PyTorch's `nn.Linear`), with the weight stored
 * `[outFeatures, inFeatures]` as PyTorch stores it.
 */
export class Linear extends Module {
  /** The weight, shape `[outFeatures, inFeatures]`. */
  readonly weight: Tensor;
  /** The bias, shape `[outFeatures]`; null with `{ bias: false }`. */
  readonly bias: Tensor | null;

  /**
   * PyTorch's default initialisation: Kaiming-uniform with a = √5 for the weight, which is
   * U(-1/√in, 1/√in), and the same bound for the bias.
   *
   * A WasmgradError unless both sizes are positive integers.
   *
   * @param inFeatures The size of each input sample (the last dimension of x).
   * @param outFeatures The size of each output sample.
   * @param opts `bias` (default true) and `dtype` (default 'float32').
   * @example new wg.nn.Linear(784, 128).weight.shape // [128, 784]
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new WasmgradError(`Linear: ${k} must be a positive integer, got ${String(v)}`);
    }
    checkOptions('Linear', opts, ['bias', 'dtype']);
    if (opts.bias !== undefined && typeof opts.bias !== 'boolean') {
      throw new WasmgradError(`Linear: bias must be a boolean, got ${fmtValue(opts.bias)}`);
    }
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new WasmgradError(`Linear: dtype must be 'float32' or 'float64', got ${fmtValue(dtype)}`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformInit([outFeatures, inFeatures], bound, dtype));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outFeatures], bound, dtype));
  }

  /**
   * Maps `[..., inFeatures]` to `[..., outFeatures]` (a 1-D input gives a 1-D output). A
   * ShapeError if the last dimension is not `inFeatures`.
   *
   * @example new wg.nn.Linear(3, 2).forward(wg.ones([4, 3])).shape // [4, 2]
   */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new WasmgradError('Linear: input must be a Tensor');
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear: input of shape ${x.shapeString} does not end in ${this.inFeatures} features`);
    }
    const x2 = x.ndim === 1 ? reshape(x, [1, this.inFeatures]) : x;
    let y = matmulFlags(x2, this.weight, false, true);
    if (this.bias !== null) y = add(y, this.bias);
    return x.ndim === 1 ? reshape(y, [this.outFeatures]) : y;
  }
}
