// nn: modules for building models.
export { Module } from './module.js';
export { Linear, type LinearOptions } from './linear.js';
export { Sequential, MLP, type MLPOptions, type Activation } from './sequential.js';
export { ReLU, Tanh, Sigmoid } from './activation.js';
export { Dropout } from './dropout.js';
