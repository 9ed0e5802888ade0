// Activation modules: parameter-free wrappers of the fused gates, for use in Sequential.

import type { Tensor } from '../tensor.js';
import { relu, sigmoid, tanh } from '../ops/elementwise.js';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}
