// nn: modules for building models.
export { Module } from './module.js';
export { Parameter, isParameter, type ParameterConstructor } from './parameter.js';
export { ModuleList, ModuleDict } from './container.js';
export { Linear, type LinearOptions } from './linear.js';
export { Sequential, MLP, type MLPOptions, type Activation, type LayerFunction } from './sequential.js';
export { ReLU, Tanh, Sigmoid } from './activation.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { GELU, SiLU, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax, Identity, Flatten } from './activation.js';
export { Dropout2d } from './dropout.js';
/**
 * The functional ops of PyTorch's `torch.nn.functional` under their camelCase names (`relu`,
 * `crossEntropy`, `dropout`, `oneHot`, `pad`, …), the same functions as the top-level ones;
 * also reachable as `wg.F`.
 */
export * as functional from './functional.js';
