// Entry point of the wasm module: every kernel family's exports, named one by one (only numbers
// cross the boundary: byte addresses, element counts, strides, op codes, flags). The families
// also export the chunk functions of their thread tasks, which only the shared-memory builds
// reach (through threads.ts, entry index_threads.ts).
export { alloc, free, allocScratch, freeScratch, liveBlocks, liveBytes, copyBytes } from './mem';
export { allocPaged, largeFreeBytes } from './mem';
export { unary_f32, unary_f64, binary_f32, binary_f64 } from './elementwise';
export {
  copyStrided_f32, copyStrided_f64, copyInto_f32, copyInto_f64, fill_f32, fill_f64, fill_i32, cast_f32_f64, cast_f64_f32,
} from './copy';
export { cast_i32_f32, cast_i32_f64, cast_f32_i32, cast_f64_i32 } from './copy';
export { unaryGrad_f32, unaryGrad_f64, addInPlace_f32, addInPlace_f64 } from './elementwise_grad';
export { reduce_f32, reduce_f64, argmaxMask_f32, argmaxMask_f64 } from './reduce';
export { matmulScratchBytes_f32, matmulScratchBytes_f64, matmul_f32, matmul_f64 } from './matmul';
export { softmax_f32, softmax_f64, softmaxGrad_f32, softmaxGrad_f64 } from './softmax';
export { crossEntropy_f32, crossEntropy_f64, crossEntropyGrad_f32, crossEntropyGrad_f64 } from './cross_entropy';
export { cumsum_f32, cumsum_f64 } from './scan';
export { sgdStep_f32, sgdStep_f64, adamStep_f32, adamStep_f64 } from './optim';
export { rmspropStep_f32, rmspropStep_f64, adagradStep_f32, adagradStep_f64 } from './optim';
export { gather_f32, gather_f64, scatterAdd_f32, scatterAdd_f64, indexFrom_f32, indexFrom_f64, indexFrom_i32 } from './gather';
export { maxPool2d_f32, maxPool2d_f64, avgPool2d_f32, avgPool2d_f64, avgPool2dBackward_f32, avgPool2dBackward_f64 } from './pool';
export { maxPool2dBackward_f32, maxPool2dBackward_f64 } from './pool';
export { convWeight_f32, convWeight_f64, convWeightFold_f32, convWeightFold_f64 } from './conv';
export { attnSoftmax_f32, attnSoftmax_f64, attnSoftmaxGrad_f32, attnSoftmaxGrad_f64 } from './attention';
export { batchNorm_f32, batchNorm_f64, batchNormGrad_f32, batchNormGrad_f64 } from './norm';
export { groupNorm_f32, groupNorm_f64, groupNormGrad_f32, groupNormGrad_f64, normAffineGrad_f32, normAffineGrad_f64 } from './norm';
export { conv_f32, conv_f64 } from './conv';
export { winogradFilter_f32 } from './winograd';
