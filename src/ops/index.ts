// Every op, one place to import them from. Each family lives in its own file.
export { add, sub, mul, div, pow, maximum, minimum } from './binary.js';
export { neg, exp, log, sqrt, abs, absGrad } from './unary.js';
export { tanh, sigmoid, relu, sigmoidGrad, tanhGrad, reluGrad } from './activation.js';
export { sum, mean, max, sumTo } from './reduce.js';
export { reshape, transpose, broadcastTo, astype, to } from './shape.js';
export { matmul } from './matmul.js';
export { softmax, logSoftmax } from './softmax.js';
export { crossEntropy, mseLoss } from './loss.js';
export { tensor, zeros, ones, full, randn, rand, arange, eye } from './creation.js';
export { manualSeed } from './random.js';
export { add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_ } from './inplace.js';
