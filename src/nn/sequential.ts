// Sequential: modules applied in order, named '0', '1', ... as in PyTorch; and MLP, a
// Sequential of Linear layers with an activation between them.

import type { DType } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { Module } from './module.js';
import { IndexedModule } from './container.js';
import { describeArg } from './parameter.js';
import { Linear } from './linear.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { Dropout } from './dropout.js';

/** A function used as a layer in Sequential: no parameters, but it keeps its index. */
export type LayerFunction = (x: Tensor) => Tensor;

/** Wraps a LayerFunction so it is a child like any other (train/eval reach it, names count it). */
class FunctionLayer extends Module {
  constructor(readonly fn: LayerFunction) {
    super();
  }

  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class Sequential extends IndexedModule {
  /** Layers are modules or plain functions such as `(x) => x.relu()`, named '0', '1', … */
  constructor(...layers: (Module | LayerFunction)[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module) && typeof layer !== 'function') {
        throw new WasmgradError(`Sequential: layer ${i} must be a Module or a function, got ${describeArg(layer)}`);
      }
      this.append(layer);
    });
  }

  /** The layers in order (functions appear wrapped as parameter-free modules). */
  get layers(): Module[] {
    return [...this];
  }

  override append(layer: Module | LayerFunction): this {
    return super.append(typeof layer === 'function' ? new FunctionLayer(layer) : layer);
  }

  override insert(index: number, layer: Module | LayerFunction): this {
    return super.insert(index, typeof layer === 'function' ? new FunctionLayer(layer) : layer);
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.length; i++) y = this[i].forward(y);
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
    checkOptions('MLP', opts, ['activation', 'dtype', 'dropout']);
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new WasmgradError(`MLP: sizes must list at least an input and an output size, got ${fmtValue(sizes)}`);
    }
    if (opts.dropout !== undefined && !(typeof opts.dropout === 'number' && opts.dropout >= 0 && opts.dropout < 1)) {
      throw new WasmgradError(`MLP: dropout must be a number in [0, 1), got ${fmtValue(opts.dropout)}`);
    }
    // Everything is checked before the first Linear allocates, so a bad argument leaks nothing.
    const bad = sizes.findIndex((n) => !Number.isInteger(n) || n <= 0);
    if (bad >= 0) throw new WasmgradError(`MLP: sizes must be positive integers, got ${fmtValue(sizes[bad])} at index ${bad}`);
    if (sizes.length > 2) activationModule(opts.activation ?? 'relu');
    if (opts.dtype !== undefined && opts.dtype !== 'float32' && opts.dtype !== 'float64') {
      throw new WasmgradError(`MLP: dtype must be 'float32' or 'float64', got ${fmtValue(opts.dtype)}`);
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
