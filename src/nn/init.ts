// Parameter initialisation shared by the layers (the part of torch.nn.init they use).

import type { DType } from '../backend/backend.js';
import type { Tensor } from '../tensor.js';
import { rand } from '../ops/creation.js';
import { mul, sub } from '../ops/binary.js';
import { noGrad } from '../autograd/tape.js';
import { tidy } from '../memory/index.js';

/**
 * A new tensor of `shape` drawn from U(-bound, bound) (PyTorch's `nn.init.uniform_(t, -b, b)`;
 * Kaiming-uniform with a = √5 is this with bound 1/√fanIn). Nothing else stays allocated.
 */
export function uniformInit(shape: number[], bound: number, dtype: DType): Tensor {
  return noGrad(() => tidy(() => sub(mul(rand(shape, { dtype }), 2 * bound), bound)));
}
