// Activation modules: parameter-free wrappers of the fused gates, for use in Sequential.

import type { Tensor } from '../tensor.js';
import { relu, sigmoid, tanh } from '../ops/activation.js';
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
