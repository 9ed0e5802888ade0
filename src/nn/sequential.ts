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

/**
 * A function used as a layer in Sequential, such as `(x) => x.relu()`: it has no parameters, but
 * it keeps its index among the children (so parameter names match a PyTorch model that has a
 * module there).
 */
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

/**
 * Modules applied in order (PyTorch's `nn.Sequential`); children are named '0', '1', ..., so
 * parameters are named `0.weight`, `2.bias`, ... as in PyTorch. Indexable (`seq[0]`,
 * `seq.at(-1)`) and iterable like ModuleList, and editable with append, insert, extend and pop.
 */
export class Sequential extends IndexedModule {
  /**
   * Layers are modules or plain functions such as `(x) => x.relu()`, named '0', '1', … A
   * WasmgradError naming a layer that is neither.
   *
   * @param layers The modules or functions, each fed the previous one's output.
   * @example new wg.nn.Sequential(new wg.nn.Linear(2, 4), (x) => x.relu(), new wg.nn.Linear(4, 1)).layers.length // 3
   */
  constructor(...layers: (Module | LayerFunction)[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module) && typeof layer !== 'function') {
        throw new WasmgradError(`Sequential: layer ${i} must be a Module or a function, got ${describeArg(layer)}`);
      }
      this.append(layer);
    });
  }

  /** The layers in order (functions appear wrapped as parameter-free modules); a new array. */
  get layers(): Module[] {
    return [...this];
  }

  /**
   * Adds a layer (a module or a LayerFunction) at the end, named by its index; returns this.
   * A WasmgradError for anything else.
   *
   * @example new wg.nn.Sequential(new wg.nn.Linear(2, 2)).append((x) => x.relu()).length // 2
   */
  override append(layer: Module | LayerFunction): this {
    return super.append(typeof layer === 'function' ? new FunctionLayer(layer) : layer);
  }

  /**
   * Inserts a layer (a module or a LayerFunction) before `index` (negative counts from the
   * end); later layers are renumbered, as in PyTorch. Returns this. A WasmgradError for an index
   * outside [-length, length] or a layer that is neither.
   *
   * @example new wg.nn.Sequential(new wg.nn.Linear(2, 2)).insert(0, new wg.nn.ReLU()).at(0) // the ReLU
   */
  override insert(index: number, layer: Module | LayerFunction): this {
    return super.insert(index, typeof layer === 'function' ? new FunctionLayer(layer) : layer);
  }

  /**
   * Feeds x through every layer in order.
   *
   * @example new wg.nn.Sequential(new wg.nn.ReLU(), new wg.nn.Tanh()).forward(wg.tensor([-1, 0])) // tensor([0, 0])
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.length; i++) y = this[i].forward(y);
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
