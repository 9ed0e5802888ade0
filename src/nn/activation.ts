// Activation modules: wrappers of the activation ops with PyTorch's constructor arguments (checked
// when the module is made), for use in Sequential; Identity and Flatten, the shape-only layers.

import type { Tensor } from '../tensor.js';
import { elu, gelu, hardswish, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '../ops/activation.js';
import { finiteParam } from '../ops/util.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { reshape } from '../ops/shape.js';
import { requireTensor } from '../ops/util.js';
import { WasmgradError, describeValue, fmtShape } from '../errors.js';
import { Module } from './module.js';

/** `relu` as a module, for `Sequential` (PyTorch's `nn.ReLU`). No parameters. */
export class ReLU extends Module {
  /**
   *
   * @example new wg.nn.ReLU().forward(wg.tensor([-1, 2])) // tensor([0, 2])
   */
  forward(x: Tensor): Tensor { return relu(x); }
}

/** `tanh` as a module, for `Sequential` (PyTorch's `nn.Tanh`). No parameters. */
export class Tanh extends Module {
  /**
   *
   * @example new wg.nn.Tanh().forward(wg.tensor([0])) // tensor([0])
   */
  forward(x: Tensor): Tensor { return tanh(x); }
}

/** `sigmoid` as a module, for `Sequential` (PyTorch's `nn.Sigmoid`). No parameters. */
export class Sigmoid extends Module {
  /**
   *
   * @example new wg.nn.Sigmoid().forward(wg.tensor([0])) // tensor([0.5])
   */
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

/** `gelu` as a module (PyTorch's `nn.GELU(approximate='none')`). No parameters. */
export class GELU extends Module {
  /**
   * @param approximate 'none' (exact, with erf; the default) or 'tanh'.
   * @example new wg.nn.GELU('tanh').approximate // 'tanh'
   */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new WasmgradError(`GELU: approximate must be 'none' or 'tanh', got ${describeValue(approximate)}`);
    }
  }
  /**
   *
   * @example new wg.nn.GELU().forward(wg.tensor([0, 1])) // tensor([0, 0.8413])
   */
  forward(x: Tensor): Tensor { return gelu(x, this.approximate); }
}

/** `silu` as a module (PyTorch's `nn.SiLU`). No parameters. */
export class SiLU extends Module {
  /**
   *
   * @example new wg.nn.SiLU().forward(wg.tensor([0, 1])) // tensor([0, 0.7311])
   */
  forward(x: Tensor): Tensor { return silu(x); }
}

/** `hardswish` as a module (PyTorch's `nn.Hardswish`, MobileNetV3's activation). No parameters. */
export class Hardswish extends Module {
  /**
   *
   * @example new wg.nn.Hardswish().forward(wg.tensor([-4, 1])) // tensor([0, 0.6667])
   */
  forward(x: Tensor): Tensor { return hardswish(x); }
}

/** `leakyRelu` as a module (PyTorch's `nn.LeakyReLU(negative_slope=0.01)`). No parameters. */
export class LeakyReLU extends Module {
  /**
   * @param negativeSlope The slope for x <= 0 (default 0.01); a finite number.
   * @example new wg.nn.LeakyReLU(0.2).negativeSlope // 0.2
   */
  constructor(readonly negativeSlope = 0.01) {
    super();
    finiteParam('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  /**
   *
   * @example new wg.nn.LeakyReLU(0.1).forward(wg.tensor([-2, 3])) // tensor([-0.2, 3])
   */
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
}

/** `elu` as a module (PyTorch's `nn.ELU(alpha=1.0)`). No parameters. */
export class ELU extends Module {
  /**
   * @param alpha The scale of the negative part (default 1); a finite number.
   * @example new wg.nn.ELU(0.5).alpha // 0.5
   */
  constructor(readonly alpha = 1) {
    super();
    finiteParam('ELU', 'alpha', alpha);
  }
  /**
   *
   * @example new wg.nn.ELU().forward(wg.tensor([-1, 2])) // tensor([-0.6321, 2])
   */
  forward(x: Tensor): Tensor { return elu(x, this.alpha); }
}

/** `softplus` as a module (PyTorch's `nn.Softplus(beta=1.0, threshold=20.0)`). No parameters. */
export class Softplus extends Module {
  /**
   * @param beta The sharpness (default 1); finite and non-zero.
   * @param threshold Above `beta · x > threshold` the output is x (default 20).
   * @example new wg.nn.Softplus(2).beta // 2
   */
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    finiteParam('Softplus', 'beta', beta);
    finiteParam('Softplus', 'threshold', threshold);
    if (beta === 0) throw new WasmgradError('Softplus: beta must be non-zero, got 0');
  }
  /**
   *
   * @example new wg.nn.Softplus().forward(wg.tensor([0, 30])) // tensor([0.6931, 30])
   */
  forward(x: Tensor): Tensor { return softplus(x, this.beta, this.threshold); }
}

function checkDim(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new WasmgradError(`${op}: ${name} must be an integer, got ${describeValue(v)}`);
  return v;
}

/** `softmax` along `dim` as a module (PyTorch's `nn.Softmax(dim)`; the dim is required here). */
export class Softmax extends Module {
  /**
   * @param dim The dimension the probabilities sum to 1 along (negative counts from the end).
   * @example new wg.nn.Softmax(-1).dim // -1
   */
  constructor(readonly dim: number) {
    super();
    checkDim('Softmax', 'dim', dim);
  }
  /**
   *
   * @example new wg.nn.Softmax(0).forward(wg.tensor([0, 0])) // tensor([0.5, 0.5])
   */
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
}

/** `logSoftmax` along `dim` as a module (PyTorch's `nn.LogSoftmax(dim)`; the dim is required here). */
export class LogSoftmax extends Module {
  /**
   * @param dim The dimension normalised along (negative counts from the end).
   * @example new wg.nn.LogSoftmax(1).dim // 1
   */
  constructor(readonly dim: number) {
    super();
    checkDim('LogSoftmax', 'dim', dim);
  }
  /**
   *
   * @example new wg.nn.LogSoftmax(0).forward(wg.tensor([0, 0])) // tensor([-0.6931, -0.6931])
   */
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
}

/** Returns its input unchanged, the same tensor (PyTorch's `nn.Identity`; arguments ignored). */
export class Identity extends Module {
  /**
   * @param _args Ignored, as PyTorch's.
   * @example new wg.nn.Identity(54, { unused: true }) // Identity
   */
  constructor(..._args: unknown[]) { super(); }
  /**
   *
   * @example new wg.nn.Identity().forward(wg.tensor([1, 2])) // tensor([1, 2])
   */
  forward(x: Tensor): Tensor { requireTensor('Identity', x); return x; }
}

/**
 * Flattens dimensions `startDim..endDim` into one (PyTorch's `nn.Flatten(start_dim=1,
 * end_dim=-1)`: by default everything but the batch dimension). No parameters.
 */
export class Flatten extends Module {
  /**
   * @param startDim The first dimension flattened (default 1); negative counts from the end.
   * @param endDim The last dimension flattened (default -1).
   * @example new wg.nn.Flatten().forward(wg.zeros([2, 3, 4])).shape // [2, 12]
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    checkDim('Flatten', 'startDim', startDim);
    checkDim('Flatten', 'endDim', endDim);
  }
  /**
   *
   * @example new wg.nn.Flatten(0).forward(wg.zeros([2, 3])).shape // [6]
   */
  forward(x: Tensor): Tensor {
    requireTensor('Flatten', x);
    const rank = Math.max(x.ndim, 1); // a 0-d tensor flattens as if it were [1], as PyTorch
    const start = this.startDim < 0 ? this.startDim + rank : this.startDim;
    const end = this.endDim < 0 ? this.endDim + rank : this.endDim;
    if (start < 0 || start >= rank || end < 0 || end >= rank) {
      throw new WasmgradError(`Flatten: dims (startDim ${this.startDim}, endDim ${this.endDim}) out of range for shape ${fmtShape(x.shape)}`);
    }
    if (start > end) {
      throw new WasmgradError(`Flatten: startDim ${this.startDim} comes after endDim ${this.endDim} for shape ${fmtShape(x.shape)}`);
    }
    if (x.ndim === 0) return reshape(x, [1]);
    const shape = x.shape;
    let merged = 1;
    for (let i = start; i <= end; i++) merged *= shape[i];
    return reshape(x, [...shape.slice(0, start), merged, ...shape.slice(end + 1)]);
  }
}
