// Sequential: modules applied in order, named '0', '1', ... as in PyTorch; and MLP, a
// Sequential of Linear layers with an activation between them.

import type { DType } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { WasmgradError, fmtValue } from '../errors.js';
import { Module } from './module.js';
import { Linear } from './linear.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { Dropout } from './dropout.js';

export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}

export type Activation = 'relu' | 'tanh' | 'sigmoid';

export interface MLPOptions {
  activation?: Activation;
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
