// Entry point of the wasm module: every kernel family re-exported. Only numbers cross the
// boundary (byte addresses, element counts, strides, op codes, flags).
export * from './mem';
export * from './elementwise';
export * from './elementwise_grad';
export * from './reduce';
export * from './matmul';
export * from './softmax';
export * from './optim';
