// wasmgrad's public API.
export { init, setBackend, getBackend, wasmSimdSupported, setThreads, getThreads, shutdown, wasmVariant, threadStats } from './runtime.js';
export type { ThreadStats } from './backend/wasm/stats.js';
export type { WasmVariant } from './backend/wasm/load.js';
export { Tensor } from './tensor.js';
export type { TensorLike, Axis } from './tensor.js';
export type { DType, BackendName } from './backend/backend.js';
export * from './ops/index.js';
export type { TensorOptions } from './ops/creation.js';
export { noGrad, isGradEnabled } from './autograd/tape.js';
export type { GateContext } from './autograd/tape.js';
export type { BackwardOptions } from './autograd/backward.js';
export { grad, valueAndGrad } from './autograd/functional.js';
export { gradcheck } from './autograd/gradcheck.js';
export type { GradcheckOptions, GradcheckReport } from './autograd/gradcheck.js';
export { defineGate } from './autograd/gate.js';
export type { GateDefinition } from './autograd/gate.js';
export { tidy, dispose, keep, memory } from './memory/index.js';
export { WasmgradError, ShapeError, DTypeError, DisposedError, BackendError, OutOfMemoryError } from './errors.js';
/**
 * Modules for building models, as in PyTorch's `torch.nn`: `Module`, `Linear`, `Sequential`,
 * `MLP`, the activations `ReLU`, `Tanh`, `Sigmoid`, and `Dropout`. Parameter names match
 * PyTorch's, so weights move both ways through safetensors (`save`/`load`).
 */
export * as nn from './nn/index.js';
export { toDot } from './viz/dot.js';
export type { DotOptions } from './viz/dot.js';
/**
 * Optimizers and learning-rate schedules, as in PyTorch's `torch.optim`: `SGD`, `Adam`,
 * `AdamW`, `StepLR`, `CosineAnnealingLR`. Each update is one backend kernel per parameter, in
 * place, allocating nothing after the first step.
 */
export * as optim from './optim/index.js';
export { save, load, saveTensors, loadTensors } from './io/index.js';
export { saveCheckpoint, loadCheckpoint } from './io/index.js';
export type { CheckpointContents, LoadCheckpointOptions } from './io/index.js';
export type { LossOptions } from './ops/loss.js';
export type { VarOptions } from './ops/statistics.js';
// Installs the op methods on Tensor.prototype (x.add(y), x.sum(), ...) with their types.
import './methods/index.js';
export type { CrossEntropyOptions, NllLossOptions, ReductionOptions, HuberLossOptions, Reduction, Labels } from './ops/loss.js';
export type { IndexLike } from './ops/indexing.js';
export type { ConvOptions, ConvTransposeOptions } from './ops/conv.js';
export type { MaxPool2dOptions, MaxPool1dOptions, AvgPool2dOptions, AvgPool1dOptions } from './ops/pool.js';
export type { Size2 } from './ops/pool_args.js';
export type { BatchNormOptions } from './ops/norm.js';
export { dropout, dropout2d } from './nn/dropout.js';
/**
 * `wg.nn.functional` under PyTorch's customary short name (`import torch.nn.functional as F`):
 * `wg.F.relu(x)`, `wg.F.crossEntropy(logits, labels)`, `wg.F.dropout(x, 0.1)`.
 */
export * as F from './nn/functional.js';
export { readIdx } from './io/index.js';
export type { IdxOptions } from './io/index.js';
