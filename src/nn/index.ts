// nn: modules for building models.
export { Module } from './module.js';
export { Parameter, isParameter, type ParameterConstructor } from './parameter.js';
export { ModuleList, ModuleDict } from './container.js';
export { Linear, type LinearOptions } from './linear.js';
export { Sequential, MLP, type MLPOptions, type Activation, type LayerFunction } from './sequential.js';
export { ReLU, Tanh, Sigmoid } from './activation.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { GELU, SiLU, Hardswish, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax, Identity, Flatten } from './activation.js';
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from './conv.js';
export { MaxPool2d, MaxPool1d, AvgPool2d, AvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool1d } from './pool.js';
export { Embedding, type EmbeddingModuleOptions } from './embedding.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './attention.js';
export { BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm, type BatchNormModuleOptions, type GroupNormOptions, type LayerNormOptions } from './norm.js';
export { Dropout2d } from './dropout.js';
/**
 * The functional ops of PyTorch's `torch.nn.functional` under their camelCase names (`relu`,
 * `crossEntropy`, `dropout`, `oneHot`, `pad`, …), the same functions as the top-level ones;
 * also reachable as `wg.F`.
 */
export * as functional from './functional.js';
