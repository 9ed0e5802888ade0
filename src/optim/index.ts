// Optimizers and learning-rate schedules. Each update loop is one backend kernel per parameter
// (AssemblyScript SIMD on the wasm backend), in place, allocating nothing after the first step.
export { Optimizer } from './optimizer.js';
export type { OptimizerDefaults, ParamState } from './optimizer.js';
export type { ParamGroup, ParamGroupOptions } from './groups.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDDefaults } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamDefaults } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR } from './lr_scheduler.js';
export type { StepLROptions, CosineAnnealingLROptions } from './lr_scheduler.js';
export type { OptimizerStateDict, ParamStateDict, ParamGroupDict, SchedulerStateDict } from './state_dict.js';
export { RMSprop, Adagrad } from './rmsprop.js';
export type { RMSpropOptions, RMSpropDefaults, AdagradOptions, AdagradDefaults } from './rmsprop.js';
export { clipGradNorm, clipGradValue } from './clip.js';
export { LinearLR, LambdaLR, OneCycleLR, SequentialLR } from './schedules.js';
export type { LinearLROptions, OneCycleLROptions } from './schedules.js';
