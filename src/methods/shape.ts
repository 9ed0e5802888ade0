// Tensor methods: shape, slicing, joining and indexing. Each is the free function of the same
// name with this tensor first (see src/methods/index.ts for how methods are installed).

import { Tensor } from '../tensor.js';
import { reshape, transpose, to } from '../ops/index.js';
import { narrow, select, split, chunk, flip, pad, squeeze, unsqueeze, flatten, permute, expand, tril, triu } from '../ops/index.js';
import { indexSelect, gather, type IndexLike } from '../ops/indexing.js';
import { installMethods } from './install.js';

declare module '../tensor.js' {
  interface Tensor {
    /**
     * The same elements in a new shape (one dimension may be -1); see `wg.reshape`.
     *
     * @example wg.arange(6).reshape([2, -1]) // tensor([[0, 1, 2], [3, 4, 5]])
     */
    reshape(shape: readonly number[]): Tensor;
    /**
     * The axes permuted (reversed when omitted); see `wg.transpose`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).transpose() // tensor([[1, 3], [2, 4]])
     */
    transpose(axes?: readonly number[]): Tensor;
    /**
     * `length` elements of dim `dim` from `start`; see `wg.narrow`.
     *
     * @example wg.arange(5).narrow(0, 1, 3) // tensor([1, 2, 3])
     */
    narrow(dim: number, start: number, length: number): Tensor;
    /**
     * The slice at `index` of dim `dim`, which is removed; see `wg.select`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).select(0, 1) // tensor([3, 4])
     */
    select(dim: number, index: number): Tensor;
    /**
     * Pieces along `dim` of a given size or of the listed sizes; see `wg.split`.
     *
     * @example wg.arange(5).split([2, 3]).map((t) => t.shape) // [[2], [3]]
     */
    split(sizeOrSizes: number | readonly number[], dim?: number): Tensor[];
    /**
     * At most `n` equal pieces along `dim` (the last may be smaller); see `wg.chunk`.
     *
     * @example wg.arange(6).chunk(2).map((t) => t.shape) // [[3], [3]]
     */
    chunk(n: number, dim?: number): Tensor[];
    /**
     * Reversed along each of `dims`; see `wg.flip`.
     *
     * @example wg.tensor([1, 2, 3]).flip(0) // tensor([3, 2, 1])
     */
    flip(dims: number | readonly number[]): Tensor;
    /**
     * Padded with `value`, pairs from the last dim backwards (F.pad order); see `wg.pad`.
     *
     * @example wg.tensor([1, 2]).pad([1, 0], 9) // tensor([9, 1, 2])
     */
    pad(pads: readonly number[], value?: number): Tensor;
    /**
     * Size-1 dims removed (all, or those among `dim`); see `wg.squeeze`.
     *
     * @example wg.zeros([1, 3, 1]).squeeze().shape // [3]
     */
    squeeze(dim?: number | readonly number[]): Tensor;
    /**
     * A size-1 dim inserted at `dim`; see `wg.unsqueeze`.
     *
     * @example wg.zeros([3]).unsqueeze(0).shape // [1, 3]
     */
    unsqueeze(dim: number): Tensor;
    /**
     * Dims `startDim`..`endDim` merged into one; see `wg.flatten`.
     *
     * @example wg.zeros([2, 3, 4]).flatten().shape // [24]
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * The dims reordered (one by one or as an array); see `wg.permute`.
     *
     * @example wg.zeros([2, 3, 4]).permute(2, 0, 1).shape // [4, 2, 3]
     */
    permute(...dims: (number | readonly number[])[]): Tensor;
    /**
     * Repeated along size-1 and new leading dims to `shape` (-1 keeps a size); see `wg.expand`.
     *
     * @example wg.tensor([1, 2]).expand([3, -1]).shape // [3, 2]
     */
    expand(shape: readonly number[]): Tensor;
    /**
     * The lower triangle of the last two dims (column <= row + k); see `wg.tril`.
     *
     * @example wg.ones([2, 2]).tril() // tensor([[1, 0], [1, 1]])
     */
    tril(k?: number): Tensor;
    /**
     * The upper triangle of the last two dims (column >= row + k); see `wg.triu`.
     *
     * @example wg.ones([2, 2]).triu(1) // tensor([[0, 1], [0, 0]])
     */
    triu(k?: number): Tensor;
    /**
     * The slices at `indices` along `dim`; see `wg.indexSelect`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).indexSelect(1, [1]) // tensor([[2], [4]])
     */
    indexSelect(dim: number, indices: IndexLike): Tensor;
    /**
     * Gathers along `dim` by `index` (same number of dimensions); see `wg.gather`.
     *
     * @example wg.tensor([[1, 2], [3, 4]]).gather(1, [[1], [0]]) // tensor([[2], [3]])
     */
    gather(dim: number, index: IndexLike): Tensor;
  }
}

installMethods({
  reshape(shape) { return reshape(this, shape); },
  transpose(axes) { return transpose(this, axes); },
  narrow(dim, start, length) { return narrow(this, dim, start, length); },
  select(dim, index) { return select(this, dim, index); },
  split(sizeOrSizes, dim = 0) { return split(this, sizeOrSizes, dim); },
  chunk(n, dim = 0) { return chunk(this, n, dim); },
  flip(dims) { return flip(this, dims); },
  pad(pads, value = 0) { return pad(this, pads, value); },
  squeeze(dim) { return squeeze(this, dim); },
  unsqueeze(dim) { return unsqueeze(this, dim); },
  flatten(startDim = 0, endDim = -1) { return flatten(this, startDim, endDim); },
  permute(...dims) { return permute(this, ...dims); },
  expand(shape) { return expand(this, shape); },
  tril(k = 0) { return tril(this, k); },
  triu(k = 0) { return triu(this, k); },
  indexSelect(dim, indices) { return indexSelect(this, dim, indices); },
  gather(dim, index) { return gather(this, dim, index); },
} satisfies Partial<Tensor> & ThisType<Tensor>);
