// Embedding: a lookup table of learned vectors, one row per token id (PyTorch's nn.Embedding).

import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor.js';
import { WasmgradError, checkOptions, fmtValue } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { randomNormal } from '../ops/random.js';
import { checkPaddingIdx, embedding } from '../ops/embedding.js';
import type { IndexLike } from '../ops/indexing.js';
import { Module } from './module.js';

/** Options of `Embedding`. */
export interface EmbeddingModuleOptions {
  /** A row (negative counts from the end) initialised to zeros that receives no gradient. */
  paddingIdx?: number | null;
  /** The weight's dtype (default 'float32'). */
  dtype?: DType;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim` (PyTorch's `nn.Embedding`):
 * `forward(indices)` returns `[...indices.shape, embeddingDim]`. The parameter is `weight`
 * `[numEmbeddings, embeddingDim]`, initialised N(0, 1) with the `paddingIdx` row zeroed.
 */
export class Embedding extends Module {
  /** The table, shape `[numEmbeddings, embeddingDim]`. */
  readonly weight: Tensor;
  /** The row that gets no gradient (in [0, numEmbeddings)), or null. */
  readonly paddingIdx: number | null;

  /**
   * A WasmgradError unless both sizes are positive integers and paddingIdx lies in
   * [-numEmbeddings, numEmbeddings), or for an unknown option.
   *
   * @param numEmbeddings The number of rows (the vocabulary size).
   * @param embeddingDim The size of each vector.
   * @param opts `paddingIdx` and `dtype` (default 'float32').
   * @example new wg.nn.Embedding(10, 3).weight.shape // [10, 3]
   */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new WasmgradError(`Embedding: ${k} must be a positive integer, got ${fmtValue(v)}`);
    }
    const o = checkOptions('Embedding', opts, ['paddingIdx', 'dtype']);
    const dtype = opts.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new WasmgradError(`Embedding: dtype must be 'float32' or 'float64', got ${fmtValue(dtype)}`);
    }
    const pad = checkPaddingIdx('Embedding', o.paddingIdx, numEmbeddings);
    this.paddingIdx = pad >= 0 ? pad : null;
    const init = randomNormal(numEmbeddings * embeddingDim);
    if (pad >= 0) init.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', tensor(init, { shape: [numEmbeddings, embeddingDim], dtype }));
  }

  /**
   * The rows at `indices` (an int32 tensor, nested arrays or an Int32Array of any shape):
   * `[...indices.shape, embeddingDim]`. An out-of-range index is an error naming it.
   *
   * @example new wg.nn.Embedding(10, 3).forward([[1, 2]]).shape // [1, 2, 3]
   */
  forward(indices: IndexLike): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }
}
