// The public ops: src/index.ts re-exports this list as it is, so a new op is public once it is
// listed here. Each family lives in its own file; internal helpers (the fused gradient gates
// absGrad/sigmoidGrad/…, sumTo, the in-place functions behind the `_` methods) are imported
// from their family files, never from here.
export { add, sub, mul, div, pow, maximum, minimum } from './binary.js';
export { neg, exp, log, sqrt, abs, sin, cos } from './unary.js';
export { tanh, sigmoid, relu, silu } from './activation.js';
export { sum, mean, max } from './reduce.js';
export { min, prod, argmax, argmin } from './reduce.js';
export { reshape, transpose, broadcastTo, astype, to } from './shape.js';
export { matmul } from './matmul.js';
export { softmax, logSoftmax } from './softmax.js';
export { crossEntropy, mseLoss } from './loss.js';
export { nllLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from './loss.js';
export { tensor, zeros, ones, full, randn, rand, arange, eye } from './creation.js';
export { manualSeed } from './random.js';
export { narrow, select, split, chunk, flip, pad } from './slice.js';
export { cat, stack } from './join.js';
export { squeeze, unsqueeze, flatten, permute, expand, tril, triu } from './view.js';
export { sign, floor, ceil, round, square, rsqrt, reciprocal, log1p, expm1 } from './unary.js';
export { logSigmoid, leakyRelu, elu, softplus, hardtanh, gelu } from './activation.js';
export { logsumexp, var, std, norm } from './statistics.js';
export { cumsum } from './scan.js';
export { gt, ge, lt, le, eq, ne, where, maskedFill, clamp } from './select.js';
export { indexSelect, gather } from './indexing.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from './conv.js';
export { maxPool2d, maxPool1d, avgPool2d, avgPool1d, adaptiveAvgPool2d, adaptiveAvgPool1d } from './pool.js';
export { embedding, type EmbeddingOptions } from './embedding.js';
export { scaledDotProductAttention, type AttentionOptions } from './attention.js';
export { batchNorm, groupNorm, layerNorm } from './norm.js';
export { oneHot } from './onehot.js';
