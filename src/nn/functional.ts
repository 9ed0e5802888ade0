// wg.nn.functional, alias wg.F: the functional ops that PyTorch keeps in torch.nn.functional,
// under the same (camelCase) names, so `F.relu(x)` and `F.crossEntropy(logits, labels)` read as
// in PyTorch. Every name here is the same function as the top-level one (`wg.F.relu === wg.relu`);
// this file only re-exports (nn may import ops: see .dependency-cruiser.cjs).

// activations (the whole family file, so a new activation is here as well)
export * from '../ops/activation.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
// losses
export { crossEntropy, nllLoss } from '../ops/loss.js';
export { mseLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../ops/loss_pointwise.js';
// shape, encoding, regularisation
export { pad } from '../ops/slice.js';
export { oneHot } from '../ops/onehot.js';
export { dropout, dropout2d } from './dropout.js';
// convolution and pooling
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../ops/conv.js';
export { maxPool2d, maxPool1d, avgPool2d, avgPool1d, adaptiveAvgPool2d, adaptiveAvgPool1d } from '../ops/pool.js';
// normalisation, embedding, attention
export { batchNorm, groupNorm, layerNorm } from '../ops/norm.js';
export { embedding } from '../ops/embedding.js';
export { scaledDotProductAttention } from '../ops/attention.js';
