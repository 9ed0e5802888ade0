// Sequential: modules applied in order, named '0', '1', ... as in PyTorch; and MLP, a
// Sequential of Linear layers with an activation between them.

import type { DType } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { Dropout } from './dropout.js';

/**
 * Modules applied in order (PyTorch's `nn.Sequential`); children are named '0', '1', ..., so
 * parameters are named `0.weight`, `2.bias`, ... as in PyTorch.
 */
export class Sequential extends Module {
  /** The modules, in the order they are applied. */
  readonly layers: Module[];

  /**
   *
   * @param layers The modules, each fed the previous one's output.
   * @example new wg.nn.Sequential(new wg.nn.Linear(2, 4), new wg.nn.ReLU(), new wg.nn.Linear(4, 1)).layers.length // 3
   */
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }

  /**
   * Feeds x through every layer in order.
   *
   * @example new wg.nn.Sequential(new wg.nn.ReLU(), new wg.nn.Tanh()).forward(wg.tensor([-1, 0])) // tensor([0, 0])
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}

/** The hidden-layer activations `MLP` accepts. */
export type Activation = 'relu' | 'tanh' | 'sigmoid';

/** Options of `MLP`. */
export interface MLPOptions {
  /** The activation between layers (default 'relu'); none after the last. */
  activation?: Activation;
  /** Every layer's parameter dtype (default 'float32'). */
  dtype?: DType;
  /** Dropout probability after each hidden activation (0: none). */
  dropout?: number;
}

function activationModule(name: Activation): Module {
  switch (name) {
    case 'relu': return new ReLU();
    case 'tanh': return new Tanh();
    case 'sigmoid': return new Sigmoid();
  }
  throw new WasmgradError(`MLP: unknown activation ${fmtValue(name)} (expected 'relu', 'tanh' or 'sigmoid')`);
}

/** MLP([784, 128, 10]): Linear(784,128), activation, Linear(128,10) — no activation at the end. */
export class MLP extends Sequential {
  /**
   * A WasmgradError for fewer than two sizes or an unknown activation.
   *
   * @param sizes Input size, hidden sizes, output size.
   * @param opts `activation`, `dropout`, `dtype`.
   * @example new wg.nn.MLP([784, 128, 10], { activation: 'tanh' }).forward(wg.zeros([1, 784])).shape // [1, 10]
   */
  constructor(sizes: readonly number[], opts: MLPOptions = {}) {
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new WasmgradError(`MLP: sizes must list at least an input and an output size, got ${fmtValue(sizes)}`);
    }
    const layers: Module[] = [];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(new Linear(sizes[i], sizes[i + 1], { dtype: opts.dtype }));
      if (i + 2 < sizes.length) {
        layers.push(activationModule(opts.activation ?? 'relu'));
        if (opts.dropout) layers.push(new Dropout(opts.dropout));
      }
    }
    super(...layers);
  }
}

import { Dropout as DropoutLazy } from './dropout.js';
